# Golden values for tests/reliability_test.cpp and tests/moments_test.cpp.
#
# Run from the repository root:  Rscript tests/golden/reliability.R
# Writes tests/data/reliability/*.csv: the (already keyed) item data of every case, and for every
# case a "key,value" file of reference values (%.17g).
#
# Reference: psych 2.2.9 (Debian) + psychTools (bfi). Where psych 2.2.9 is not the reference:
#  * under pairwise deletion psych >= 2.4.4 computes R = cor(x, use = "pairwise") directly
#    (2.2.9: cov2cor(C)). The R-dependent outputs (std.alpha, G6, average_r, S/N, median_r, var.r,
#    std.r, r.cor and their item-deleted versions) are taken from psych::alpha() applied to that
#    correlation matrix, i.e. cor(x, use = "pairwise") put into psych's own formulas;
#  * splitHalf: psych >= 2.3.12 considers every split (2.2.9 only half of them for odd k); the
#    split-half values come from a base-R enumeration of all splits (combn), cross-checked against
#    psych::splitHalf where 2.2.9 is right (even k, complete data);
#  * ADF interval (Maydeu-Olivares, Coffman & Hartmann 2007): independent computation with the
#    explicit Gamma matrix of vech(S) and the analytic gradient of alpha with respect to vech(S);
#  * Bonett & Wright (2015): transcription of Bayesrel's ciAlpha (helpFuns.R).
# ICC: psych::ICC(x, lmer = FALSE) (lme4 is not installed; with complete data the ANOVA estimates
# are what psych reports).
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})
stopifnot(packageVersion("psych") >= "2.2.9")
out_dir <- file.path("tests", "data", "reliability")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))

write_data <- function(x, name) {
  write.table(x, file.path(out_dir, paste0(name, ".csv")), sep = ",", row.names = FALSE,
              col.names = TRUE, quote = FALSE, na = "NA")
}
write_values <- function(vals, name) {
  writeLines(paste0(names(vals), ",", fmt(unname(vals))), file.path(out_dir, paste0(name, "_golden.csv")))
}

# One-factor Likert data (1..5) with MCAR missing answers.
gen_likert <- function(n, k, missing, seed, loadings = NULL) {
  set.seed(seed)
  if (is.null(loadings)) loadings <- seq(0.45, 0.8, length.out = k)
  f <- rnorm(n)
  x <- sapply(seq_len(k), function(j) {
    y <- loadings[j] * f + sqrt(1 - loadings[j]^2) * rnorm(n)
    as.numeric(cut(y, c(-Inf, -1.2, -0.4, 0.4, 1.2, Inf)))
  })
  if (missing > 0) x[matrix(runif(n * k) < missing, n, k)] <- NA
  colnames(x) <- paste0("Q", seq_len(k))
  x
}

# Split-half by base-R enumeration of all splits (half A = floor(k/2) items).
split_enum <- function(R) {
  k <- ncol(R); m <- floor(k / 2)
  A <- combn(k, m)
  rab <- apply(A, 2, function(a) 4 * sum(R[a, -a, drop = FALSE]) / sum(R))
  if (k %% 2 == 0) rab <- rab[A[1, ] == 1]   # distinct splits: item 1 in half A
  fixed <- function(a) {
    ab <- sum(R[a, -a]); aa <- sum(R[a, a]); bb <- sum(R[-a, -a]); r <- ab / sqrt(aa * bb)
    c(4 * ab / sum(R), r, 2 * r / (1 + r))
  }
  oe <- fixed(seq(1, k, by = 2)); fs <- fixed(seq_len(ceiling(k / 2)))
  c(split.max = max(rab), split.min = min(rab), split.mean = mean(rab), split.median = median(rab),
    split.n = length(rab), oe.coef = oe[1], oe.r = oe[2], oe.sb = oe[3],
    fs.coef = fs[1], fs.r = fs[2], fs.sb = fs[3])
}

# Guttman lambdas 1, 2, 5 on R (psych guttman() formulas, 2.2.9).
lambdas <- function(R) {
  k <- ncol(R); Vt <- sum(R); off <- R; diag(off) <- 0
  l1 <- 1 - sum(diag(R)) / Vt
  l2 <- (sum(off) + sqrt(sum(off^2) * k / (k - 1))) / Vt
  c.co <- colSums(R^2) - diag(R^2)
  c(lambda1 = l1, lambda2 = l2, lambda5 = l1 + 2 * sqrt(max(c.co)) / Vt)
}

# ADF standard error of raw alpha, explicit Gamma (Maydeu-Olivares et al. 2007).
adf_se <- function(x) {
  x <- as.matrix(na.omit(x)); n <- nrow(x); k <- ncol(x)
  d <- sweep(x, 2, colMeans(x))
  S <- crossprod(d) / n
  idx <- which(lower.tri(S, diag = TRUE), arr.ind = TRUE)
  V <- d[, idx[, 1]] * d[, idx[, 2]]                # rows: vech((x - m)(x - m)')
  s <- colMeans(V)
  Gamma <- crossprod(sweep(V, 2, s)) / n
  T <- sum(diag(S)); Ssum <- sum(S)
  g <- ifelse(idx[, 1] == idx[, 2],
              k / (k - 1) * (T / Ssum^2 - 1 / Ssum),  # diagonal element
              k / (k - 1) * 2 * T / Ssum^2)           # off-diagonal counts twice in S
  c(se = sqrt(drop(t(g) %*% Gamma %*% g) / n), n = n)
}

bonett_wright <- function(a, n, V, level) {  # Bayesrel ciAlpha (Bonett & Wright 2015)
  p <- ncol(V); z <- qnorm(1 - (1 - level) / 2); b <- log(n / (n - 1)); j <- rep(1, p)
  a0 <- sum(V); t1 <- sum(diag(V)); t2 <- sum(diag(V %*% V))
  a1 <- a0^3; a2 <- a0 * (t2 + t1^2); a3 <- 2 * t1 * drop(t(j) %*% (V %*% V) %*% j)
  a4 <- 2 * p^2 / (a1 * (p - 1)^2)
  v <- a4 * (a2 - a3) / (n - 3)
  c(1 - exp(log(1 - a) - b + z * sqrt(v / (1 - a)^2)), 1 - exp(log(1 - a) - b - z * sqrt(v / (1 - a)^2)))
}

feldt65 <- function(a, n, k, level) {  # statpsych ci.cronbach df variant (Feldt 1965)
  g <- 1 - level
  c(1 - qf(1 - g / 2, n - 1, n * (k - 1)) * (1 - a), 1 - (1 - a) / qf(1 - g / 2, n * (k - 1), n - 1))
}

golden_alpha <- function(x, name) {
  x <- as.matrix(x)
  k <- ncol(x); N <- nrow(x)
  write_data(x, name)
  a <- suppressWarnings(suppressMessages(psych::alpha(x, warnings = FALSE)))
  C <- cov(x, use = "pairwise"); Rp <- cor(x, use = "pairwise")
  # psych >= 2.4.4: R-dependent statistics from cor(x, use = "pairwise") through psych's formulas.
  aR <- suppressWarnings(suppressMessages(psych::alpha(Rp, n.obs = N, warnings = FALSE)))
  v <- c(k = k, n_rows = N, n_complete = sum(complete.cases(x)),
         raw_alpha = a$total$raw_alpha, std_alpha = aR$total$std.alpha, G6 = aR$total[["G6(smc)"]],
         average_r = aR$total$average_r, signal_noise = aR$total[["S/N"]], median_r = aR$total$median_r,
         var_r = unname(unlist(aR$var.r)), ase = a$total$ase, total_mean = a$total$mean, total_sd = a$total$sd)
  cnt <- crossprod(!is.na(x))
  n_eff <- 1 / mean(1 / cnt[lower.tri(cnt)])
  v <- c(v, n_effective = n_eff, n_min_pair = min(cnt[lower.tri(cnt)]))
  v <- c(v, lambdas(Rp), split_enum(Rp))
  # Item statistics.
  for (i in seq_len(k)) {
    p <- paste0("item", i, ".")
    st <- a$item.stats; d <- a$alpha.drop; sR <- aR$item.stats; dR <- aR$alpha.drop
    v <- c(v, setNames(c(st$n[i], st$raw.r[i], sR$r[i], sR$r.cor[i], st$r.drop[i], st$mean[i], st$sd[i]),
                       paste0(p, c("n", "raw_r", "std_r", "r_cor", "r_drop", "mean", "sd"))))
    if (k > 2) {
      v <- c(v, setNames(c(d$raw_alpha[i], d[["alpha se"]][i], dR$std.alpha[i], dR[["G6(smc)"]][i],
                           dR$average_r[i], dR[["S/N"]][i], dR$var.r[i], dR$med.r[i]),
                         paste0(p, c("alpha_drop", "ase_drop", "std_alpha_drop", "g6_drop", "average_r_drop",
                                     "sn_drop", "var_r_drop", "med_r_drop"))))
    } else {
      # psych 2.2.9 two-item special case (documented difference: attune reports NaN).
      v <- c(v, setNames(d$raw_alpha[i], paste0(p, "psych_alpha_drop")))
    }
    if (!is.null(a$response.freq)) {
      rf <- a$response.freq
      v <- c(v, setNames(as.numeric(rf[i, ]), paste0(p, "freq.", colnames(rf))))
    }
  }
  # Intervals at 95% (psych) and 90% (any level), with psych's row count and with the effective N.
  for (level in c(0.95, 0.90)) {
    for (nn in c("rows", "effective")) {
      n <- if (nn == "rows") N else n_eff
      p <- paste0("ci", level * 100, ".", nn, ".")
      fe <- psych::alpha.ci(a$total$raw_alpha, n, k, p.val = 1 - level)
      Q <- (a$total$ase)^2 * N
      ase_n <- sqrt(Q / n)
      z <- qnorm(1 - (1 - level) / 2)
      bw <- bonett_wright(a$total$raw_alpha, n, C, level)
      f65 <- feldt65(a$total$raw_alpha, n, k, level)
      v <- c(v, setNames(c(unlist(fe$lower.ci), unlist(fe$upper.ci), a$total$raw_alpha - z * ase_n,
                           a$total$raw_alpha + z * ase_n, bw, f65, ase_n),
                         paste0(p, c("feldt.lower", "feldt.upper", "nt.lower", "nt.upper", "bw.lower", "bw.upper",
                                     "feldt65.lower", "feldt65.upper", "ase"))))
    }
    adf <- adf_se(x)
    z <- qnorm(1 - (1 - level) / 2)
    v <- c(v, setNames(c(a$total$raw_alpha - z * adf["se"], a$total$raw_alpha + z * adf["se"], adf["n"]),
                       paste0("ci", level * 100, ".adf.", c("lower", "upper", "n"))))
  }
  if (!anyNA(x) && k %% 2 == 0 && k > 2) {  # psych 2.2.9 splitHalf is right for even k, complete data
    sh <- psych::splitHalf(x, check.keys = FALSE)
    stopifnot(abs(sh$maxrb - v[["split.max"]]) < 1e-12, abs(sh$minrb - v[["split.min"]]) < 1e-12,
              abs(sh$meanr - v[["split.mean"]]) < 1e-12, abs(sh$lambda2 - v[["lambda2"]]) < 1e-12,
              abs(sh$lambda6 - v[["G6"]]) < 1e-12)
    v <- c(v, psych_split_max = sh$maxrb, psych_split_mean = sh$meanr, psych_lambda2 = sh$lambda2,
           psych_lambda6 = sh$lambda6)
  }
  if (!anyNA(x)) {  # complete data: psych::alpha itself gives every R-dependent value
    stopifnot(abs(a$total$std.alpha - v[["std_alpha"]]) < 1e-12, abs(a$total[["G6(smc)"]] - v[["G6"]]) < 1e-12)
  }
  write_values(v, name)
  # Pairwise covariance / correlation matrices (R cov/cor(use = "pairwise")), for the moments tests.
  write.table(C, file.path(out_dir, paste0(name, "_cov.csv")), sep = ",", row.names = FALSE, col.names = FALSE)
  write.table(Rp, file.path(out_dir, paste0(name, "_cor.csv")), sep = ",", row.names = FALSE, col.names = FALSE)
  invisible(v)
}

# --- bfi: the five scales, keyed (reversed items 7 - x, as psych with min + max over the items).
data(bfi, package = "psychTools")
keys <- list(agree = c("-A1", "A2", "A3", "A4", "A5"), conscientious = c("C1", "C2", "C3", "-C4", "-C5"),
             extraversion = c("-E1", "-E2", "E3", "E4", "E5"), neuroticism = c("N1", "N2", "N3", "N4", "N5"),
             openness = c("O1", "-O2", "O3", "O4", "-O5"))
for (s in names(keys)) {
  items <- sub("-", "", keys[[s]])
  x <- as.matrix(bfi[, items])
  rev <- startsWith(keys[[s]], "-")
  x[, rev] <- 7 - x[, rev]
  golden_alpha(x, paste0("bfi_", s))
}
# --- generated data with >= 10% missing answers: pairwise (as given) and listwise (na.omit).
g1 <- gen_likert(500, 8, 0.15, 101)
g2 <- gen_likert(400, 7, 0.12, 202, loadings = c(0.7, 0.6, 0.65, -0.15, 0.55, 0.5, 0.6))
golden_alpha(g1, "gen1_pairwise")
golden_alpha(na.omit(g1), "gen1_listwise")
golden_alpha(g2, "gen2_pairwise")
golden_alpha(na.omit(g2), "gen2_listwise")
# --- a two-item scale and a 16-item scale (exhaustive split-half), complete data.
golden_alpha(gen_likert(200, 2, 0, 303), "two_items")
golden_alpha(gen_likert(300, 16, 0, 404), "sixteen_items")

# --- ICC: Shrout & Fleiss (1979) example (psych ?ICC) and a generated test-retest set.
sf <- matrix(c(9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7), ncol = 4, byrow = TRUE)
set.seed(505)
true <- rnorm(120, 50, 10)
retest <- cbind(t1 = true + rnorm(120, 0, 4), t2 = true + 1 + rnorm(120, 0, 4), t3 = true + 2 + rnorm(120, 0, 5))
for (case in list(list(x = sf, name = "icc_sf"), list(x = retest, name = "icc_retest"))) {
  write_data(case$x, case$name)
  for (level in c(0.95, 0.90)) {
    ic <- suppressMessages(psych::ICC(case$x, lmer = FALSE, alpha = 1 - level))
    res <- ic$results
    v <- c()
    for (i in 1:6) {
      v <- c(v, setNames(c(res$ICC[i], res$F[i], res$df1[i], res$df2[i], res$p[i], res[["lower bound"]][i],
                           res[["upper bound"]][i]),
                         paste0(res$type[i], ".", c("icc", "f", "df1", "df2", "p", "lower", "upper"))))
    }
    v <- c(v, MSW = ic$MSW)
    write_values(v, paste0(case$name, "_", level * 100))
  }
}
cat("reliability golden values written to", out_dir, "\n")
