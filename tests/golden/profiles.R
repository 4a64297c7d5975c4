# Golden values for attune's latent profile analysis and Ward clustering
# (src/analyses/profiles.cpp, src/analyses/cluster.cpp; tests/profiles_test.cpp, tests/cluster_test.cpp).
#
#   Rscript tests/golden/profiles.R        (from the repository root)
#
# References: mclust 6.0.0 (Scrucca, Fop, Murphy & Raftery 2016) and R's stats::hclust, cutree
# and dist (R 4.2.2). Writes under tests/data/profiles/ (plain CSV, 17 significant digits):
#   mixture.csv             a generated 4-profile mixture on the anxiety x avoidance plane (N = 600)
#   sample_scores.csv       (input, not written here) the two ECR-R scores of examples/data/ecr-r-sample.csv,
#                           from `attune score examples/data/ecr-r-sample.csv --instrument ecr-r --id id`
#   <set>_mclust.csv        per model and k = 1..6: mclust's df, logLik, BIC, ICL and relative entropy
#                           with its defaults (hierarchical start "VVV" on the "SVD" transformed data,
#                           EM tolerance 1e-5), and logLik and BIC again with EM tolerance 1e-10
#                           (`_tight`); NA where mclust returns no fit
#   <set>_hc.csv            hclass(hc(data)) for k = 2..6: the initial partitions of mclust's EM
#   <set>_prior.csv         logLik and BIC with priorControl() (the default conjugate prior) for
#                           the models where attune offers the prior
#   <set>_ward.csv          hclust(dist(data), "ward.D"/"ward.D2"): merge matrix and heights, in R's order
#   <set>_cutree.csv        cutree(tree, k) for k = 2..6 and both methods
#   items_ward.csv, items_cutree.csv   the same on the 36 raw item answers of the sample
#                           (with its missing answers: dist() scales the sum of squares by p / present)
# N <= 2000 in every set, so mclust uses no random subset and its results are deterministic.
suppressPackageStartupMessages(library(mclust))
stopifnot(packageVersion("mclust") == "6.0.0")
out <- "tests/data/profiles"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
fmt <- function(x) ifelse(is.na(x), "NA", trimws(formatC(x, digits = 17, format = "g")))

# --- mixture: 4 profiles with correlated, unequal covariances (seeded)
set.seed(20240614)
gen <- function(n, mu, sd, r) {
  S <- diag(sd) %*% matrix(c(1, r, r, 1), 2) %*% diag(sd)
  sweep(matrix(rnorm(2 * n), n, 2) %*% chol(S), 2, mu, "+")
}
x <- rbind(gen(240, c(2.5, 2.3), c(0.6, 0.5), 0.1),   # low anxiety, low avoidance
           gen(150, c(4.8, 2.6), c(0.5, 0.6), -0.2),  # high anxiety, low avoidance
           gen(120, c(2.6, 4.7), c(0.6, 0.5), 0.3),   # low anxiety, high avoidance
           gen(90, c(4.9, 5.0), c(0.5, 0.5), 0.4))    # high, high
x <- x[sample(nrow(x)), ]
d <- data.frame(anxiety = x[, 1], avoidance = x[, 2])
write.csv(data.frame(anxiety = fmt(d$anxiety), avoidance = fmt(d$avoidance)),
          file.path(out, "mixture.csv"), row.names = FALSE, quote = FALSE)
mixture <- as.matrix(read.csv(file.path(out, "mixture.csv")))  # fit what was written
sample_scores <- as.matrix(read.csv(file.path(out, "sample_scores.csv"))[, c("anxiety", "avoidance")])

models <- mclust.options("emModelNames")
K <- 1:6
tight <- emControl(tol = c(1e-10, sqrt(.Machine$double.eps)))

one_fit <- function(X, model, k, control = emControl(), prior = NULL) {
  m <- tryCatch(Mclust(X, G = k, modelNames = model, control = control, prior = prior,
                       verbose = FALSE), error = function(e) NULL)
  if (is.null(m) || is.na(m$loglik)) return(NULL)
  m
}

entropy <- function(z) {
  if (ncol(z) == 1) return(NA)
  1 - sum(ifelse(z > 0, -z * log(z), 0)) / (nrow(z) * log(ncol(z)))
}

write_set <- function(X, set) {
  rows <- list()
  for (model in models) for (k in K) {
    m <- one_fit(X, model, k)
    t <- one_fit(X, model, k, control = tight)
    rows[[length(rows) + 1]] <- data.frame(
      model = model, k = k, df = nMclustParams(model, ncol(X), k),
      loglik = fmt(if (is.null(m)) NA else m$loglik), bic = fmt(if (is.null(m)) NA else m$bic),
      icl = fmt(if (is.null(m)) NA else icl(m)), entropy = fmt(if (is.null(m)) NA else entropy(m$z)),
      loglik_tight = fmt(if (is.null(t)) NA else t$loglik), bic_tight = fmt(if (is.null(t)) NA else t$bic))
  }
  write.csv(do.call(rbind, rows), file.path(out, paste0(set, "_mclust.csv")), row.names = FALSE, quote = FALSE)

  h <- hclass(hc(X, modelName = "VVV", use = "SVD"), 2:6)
  colnames(h) <- paste0("k", 2:6)
  write.csv(h, file.path(out, paste0(set, "_hc.csv")), row.names = FALSE, quote = FALSE)

  rows <- list()
  for (model in c("VII", "EEI", "VVI", "EEE", "VVV")) for (k in K) {
    m <- one_fit(X, model, k, control = tight, prior = priorControl())
    rows[[length(rows) + 1]] <- data.frame(model = model, k = k,
      loglik = fmt(if (is.null(m)) NA else m$loglik), bic = fmt(if (is.null(m)) NA else m$bic))
  }
  write.csv(do.call(rbind, rows), file.path(out, paste0(set, "_prior.csv")), row.names = FALSE, quote = FALSE)
}

write_ward <- function(X, set) {
  D <- dist(X)
  merges <- list()
  cuts <- list()
  for (method in c("ward.D", "ward.D2")) {
    h <- hclust(D, method = method)
    merges[[method]] <- data.frame(method = method, step = seq_along(h$height), a = h$merge[, 1],
                                   b = h$merge[, 2], height = fmt(h$height))
    for (k in 2:6) cuts[[paste(method, k)]] <- cutree(h, k)
  }
  write.csv(do.call(rbind, merges), file.path(out, paste0(set, "_ward.csv")), row.names = FALSE, quote = FALSE)
  cut <- as.data.frame(cuts)
  names(cut) <- gsub(" ", "_k", names(cuts))
  write.csv(cut, file.path(out, paste0(set, "_cutree.csv")), row.names = FALSE, quote = FALSE)
}

write_set(mixture, "mixture")
write_set(sample_scores, "sample")
write_ward(mixture, "mixture")
write_ward(sample_scores, "sample")
items <- as.matrix(read.csv("examples/data/ecr-r-sample.csv")[, paste0("Q", 1:36)])
stopifnot(anyNA(items))
write_ward(items, "items")
cat("mclust", as.character(packageVersion("mclust")), R.version.string, "\n",
    file = file.path(out, "VERSIONS.txt"))
