# Golden values for attune's quality module (careless and invalid responding).
#
# The careless package (1.2.2) is not installed here and cannot be, so its algorithms are
# transcribed below in base R from its source, ryentes/careless@0a84caf (careless 1.2.2):
#   R/longstring.R, R/irv.R, R/mahad.R (which calls psych::outlier), R/evenodd.R, R/psychsyn.R,
#   R/psychant.R; psych::outlier is psych 2.2.9 (installed: it is checked against the
#   transcription below). Deliberate, documented differences (docs/quality.md):
#   - psychsyn/psychant use resample_na = FALSE (careless's default TRUE reshuffles at random);
#   - longstring is NA for a row without any answer (rle would give 1);
#   - the Mahalanobis flag uses df = items answered (careless: ncol(x)), and attune's default D^2
#     for a row with missing answers is that of its answered sub-vector (q_mahad_observed);
#     careless/psych's value (q_mahad) is attune's mahalanobis_method::psych;
#   - reversal is attune's own index, defined here the same way as in src/quality.cpp.
#
# Run from the repository root:  Rscript tests/golden/quality.R
# Writes tests/data/quality/{data.csv, design.csv, expected.csv, pairs.csv, irv_blocks.csv}.
# Sourcing it with QUALITY_FUNCTIONS_ONLY <- TRUE defines the functions only (bench/compare_quality.sh).

# ---- careless 1.2.2 R/longstring.R: rle per row; max and mean run length ----
q_longstring <- function(x, avg = TRUE) {
  rle_string <- function(r) {
    if (all(is.na(r))) return(c(NA_real_, NA_real_))   # attune: no answer, no value
    rl <- rle(r)
    c(max(rl$lengths), mean(rl$lengths))
  }
  out <- t(apply(x, 1, rle_string))
  colnames(out) <- c("longstr", "avgstr")
  if (avg) out else out[, "longstr"]
}

# ---- careless 1.2.2 R/irv.R: sd per row (na.rm), split blocks by cut(seq_along(x), n) ----
q_irv <- function(x, na.rm = TRUE, split = FALSE, num.split = 3) {
  out <- apply(x, 1, stats::sd, na.rm = na.rm)
  if (split) {
    chunk <- function(x, n) split(x, cut(seq_along(x), n, labels = FALSE))
    split_x <- apply(x, 1, chunk, num.split)
    out_split <- t(replicate(nrow(x), rep(NA, num.split)))
    colnames(out_split) <- paste0("irv", 1:num.split)
    for (k in 1:nrow(out_split)) {
      out_split[k, ] <- unlist(lapply(split_x[[k]], stats::sd, na.rm = na.rm), use.names = FALSE)
    }
    out_split <- data.frame(out, out_split)
    colnames(out_split)[1] <- "irvTotal"
    return(out_split)
  }
  out
}

# ---- psych 2.2.9 outlier(), as called by careless 1.2.2 R/mahad.R (all-NA rows -> NA) ----
q_outlier <- function(x) {
  Sx <- cov(x, use = "pairwise")
  Sx.inv <- solve(Sx)
  x <- scale(x, scale = FALSE)
  D2 <- t(apply(x, 1, function(xx) colSums(xx * Sx.inv, na.rm = TRUE)))
  rowSums(D2 * x, na.rm = TRUE)
}
q_mahad <- function(x, confidence = 0.99) {
  complete.na <- apply(x, 1, function(y) all(is.na(y)))
  d2 <- rep(NA_real_, nrow(x))
  d2[!complete.na] <- q_outlier(x[!complete.na, , drop = FALSE])
  df <- rowSums(!is.na(x))                      # attune: df = items answered (careless: ncol(x))
  p <- ifelse(df > 0, stats::pchisq(d2, df, lower.tail = FALSE), NA_real_)
  flag <- ifelse(df > 0, d2 > stats::qchisq(confidence, pmax(df, 1)), FALSE)
  data.frame(d2 = d2, df = df, p = p, flag = flag)
}

# ---- attune's default D^2 for rows with missing answers: the answered sub-vector against its own
# sub-covariance, z_o' solve(S[o, o]) z_o (equal to q_outlier on complete rows) ----
q_mahad_observed <- function(x, confidence = 0.99) {
  S <- cov(x, use = "pairwise")
  m <- colMeans(x, na.rm = TRUE)
  d2 <- apply(x, 1, function(r) {
    o <- !is.na(r)
    if (!any(o)) return(NA_real_)
    z <- r[o] - m[o]
    sum(z * solve(S[o, o, drop = FALSE], z))
  })
  df <- rowSums(!is.na(x))
  p <- ifelse(df > 0, stats::pchisq(d2, df, lower.tail = FALSE), NA_real_)
  flag <- ifelse(df > 0, d2 > stats::qchisq(confidence, pmax(df, 1)), FALSE)
  data.frame(d2 = d2, df = df, p = p, flag = flag)
}

# ---- careless 1.2.2 R/evenodd.R (x must already be reverse keyed; factors = block sizes) ----
q_evenodd <- function(x, factors) {
  if (length(factors) == 1) stop("evenodd needs multiple factors")
  eo_vals <- vector("list", nrow(x))
  for (i in 1:nrow(x)) {
    f <- matrix(rep(NA, 2 * length(factors)), length(factors), ncol = 2)
    start <- 1
    for (j in 1:length(factors)) {
      if (j > 1) start <- start + (factors[j - 1])
      end <- (factors[j] - 1) + start
      s <- as.numeric(x[i, start:end])
      ind <- seq_along(s)                       # careless: seq(1:length(colnames(s))) on a data.frame row
      e_ind <- which(ind %% 2 == 0)
      o_ind <- which(ind %% 2 == 1)
      f[j, 1] <- mean(s[e_ind], na.rm = TRUE)
      f[j, 2] <- mean(s[o_ind], na.rm = TRUE)
    }
    eo_vals[[i]] <- f
  }
  eo_missing <- sapply(eo_vals, function(i) sum(!is.na(apply(i, 1, sum))))
  eo_cor <- sapply(eo_vals, function(f) {
    val <- suppressWarnings(stats::cor(f[, 1], f[, 2], use = "pairwise.complete.obs"))
    val <- (2 * val) / (1 + val)
    if (!is.na(val) && val < -1) val <- -1
    val
  })
  data.frame(evenodd = 0 - eo_cor, subscales = eo_missing)
}

# ---- careless 1.2.2 R/psychsyn.R (get_item_pairs, syn_for_one with resample_na = FALSE) ----
q_item_pairs <- function(x, critval = .60, anto = FALSE) {
  critval <- abs(critval)
  correlations <- stats::cor(x, use = "pairwise.complete.obs")
  correlations[upper.tri(correlations, diag = TRUE)] <- NA
  correlations <- as.data.frame(as.table(correlations))
  if (!anto) {
    item_pair_names <- correlations[which(correlations$Freq > critval, arr.ind = TRUE), c(1, 2, 3)]
  } else {
    item_pair_names <- correlations[which(correlations$Freq < -critval, arr.ind = TRUE), c(1, 2, 3)]
  }
  if (nrow(item_pair_names) == 0) stop("No Psychometric Synonyms/Antonyms found.")
  item_pair_names
}
q_psychsyn <- function(x, critval = .60, anto = FALSE) {
  x <- as.matrix(x)
  item_pairs <- q_item_pairs(x, critval, anto)
  i1 <- as.integer(item_pairs[, 1]); i2 <- as.integer(item_pairs[, 2])
  syn_for_one <- function(r) {
    ok <- !(is.na(r[i1]) | is.na(r[i2]))
    n <- sum(ok)
    val <- NA_real_
    if (n > 2) val <- suppressWarnings(stats::cor(cbind(r[i1], r[i2]), use = "pairwise.complete.obs",
                                                  method = "pearson")[1, 2])
    c(n, val)
  }
  out <- t(apply(x, 1, syn_for_one))
  list(value = out[, 2], pairs = out[, 1], item_pairs = item_pairs)
}
q_psychant <- function(x, critval = -.60) q_psychsyn(x, critval, anto = TRUE)   # R/psychant.R

# ---- attune's reversal index (no careless equivalent): mean over subscales of
# |mean p(keyed) + mean p(reversed) - 1|, p = (x - min) / (max - min), raw answers ----
q_reversal <- function(x, subscale, reversed, lo, hi) {
  p <- sweep(sweep(x, 2, lo, "-"), 2, hi - lo, "/")
  apply(p, 1, function(r) {
    v <- c()
    for (s in unique(subscale[!is.na(subscale)])) {
      k <- which(subscale == s & !reversed & !is.na(r)); rv <- which(subscale == s & reversed & !is.na(r))
      if (length(k) > 0 && length(rv) > 0) v <- c(v, abs(mean(r[k]) + mean(r[rv]) - 1))
    }
    if (length(v) == 0) NA_real_ else mean(v)
  })
}

if (!exists("QUALITY_FUNCTIONS_ONLY") || !QUALITY_FUNCTIONS_ONLY) {
  out_dir <- file.path("tests", "data", "quality")
  dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
  fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
  write_num <- function(df, path) {
    df[] <- lapply(df, function(col) if (is.numeric(col) || is.logical(col)) fmt(as.numeric(col)) else col)
    write.csv(df, path, row.names = FALSE, quote = FALSE)
  }

  # ---- generated data: 400 respondents, 4 subscales x 6 consecutive items, answers 1-7,
  # items 2 and 5 of each subscale reverse keyed, loadings .85, 8% missing at random ----
  set.seed(20261128)
  n <- 400; f <- 4; per <- 6; k <- f * per
  subscale <- rep(1:f, each = per)
  reversed <- rep(c(FALSE, TRUE, FALSE, FALSE, TRUE, FALSE), f)
  eta <- matrix(rnorm(n * f), n, f) %*% chol(matrix(0.3, f, f) + diag(0.7, f))
  latent <- 0.85 * eta[, subscale] + sqrt(1 - 0.85^2) * matrix(rnorm(n * k), n, k)
  keyed <- matrix(pmin(7, pmax(1, round(4 + 1.5 * latent))), n, k)
  raw <- keyed
  raw[, reversed] <- 8 - keyed[, reversed]
  raw[matrix(runif(n * k) < 0.08, n, k)] <- NA
  raw[5, ] <- NA                          # no answer
  raw[6, ] <- NA; raw[6, 3] <- 4          # one answer
  raw[7, ] <- 4                           # straight-liner
  raw[8, -c(1, 9, 20)] <- NA              # three answers
  raw[9, ] <- rep(c(1, 7), k / 2)         # alternator
  raw[10, ] <- 7                          # agrees with everything
  colnames(raw) <- sprintf("Q%d", 1:k)
  lo <- rep(1, k); hi <- rep(7, k)

  data <- data.frame(id = sprintf("r%03d", 1:n), raw, check.names = FALSE)
  write_num(data, file.path(out_dir, "data.csv"))
  write_num(data.frame(item = colnames(raw), subscale = subscale, reversed = as.integer(reversed),
                       min = lo, max = hi), file.path(out_dir, "design.csv"))

  ls <- q_longstring(raw)
  iv <- q_irv(raw, na.rm = TRUE, split = TRUE, num.split = 3)
  md <- q_mahad(raw)
  # the transcription equals psych::outlier itself (psych 2.2.9, installed)
  keep <- rowSums(!is.na(raw)) > 0
  stopifnot(isTRUE(all.equal(as.numeric(psych::outlier(raw[keep, ], plot = FALSE)), md$d2[keep],
                             tolerance = 1e-14)))
  mo <- q_mahad_observed(raw)
  stopifnot(isTRUE(all.equal(mo$d2[rowSums(is.na(raw)) == 0], md$d2[rowSums(is.na(raw)) == 0], tolerance = 1e-13)))
  keyed_na <- raw
  keyed_na[, reversed] <- 8 - raw[, reversed]
  eo <- q_evenodd(keyed_na, rep(per, f))
  ps <- q_psychsyn(raw, .60)
  pa <- q_psychant(raw, -.60)
  rv <- q_reversal(raw, subscale, reversed, lo, hi)

  expected <- data.frame(longstring = ls[, 1], longstring_avg = ls[, 2], irv = iv$irvTotal,
                         irv1 = iv$irv1, irv2 = iv$irv2, irv3 = iv$irv3,
                         mahalanobis = mo$d2, mahalanobis_df = mo$df, mahalanobis_p = mo$p,
                         mahalanobis_flag = as.integer(mo$flag),
                         mahalanobis_psych = md$d2, mahalanobis_psych_p = md$p,
                         mahalanobis_psych_flag = as.integer(md$flag),
                         evenodd = eo$evenodd, evenodd_subscales = eo$subscales,
                         psychsyn = ps$value, psychsyn_pairs = ps$pairs,
                         psychant = pa$value, psychant_pairs = pa$pairs, reversal = rv)
  write_num(expected, file.path(out_dir, "expected.csv"))
  pairs <- rbind(data.frame(kind = "synonym", first = as.integer(ps$item_pairs[, 1]),
                            second = as.integer(ps$item_pairs[, 2]), r = ps$item_pairs[, 3]),
                 data.frame(kind = "antonym", first = as.integer(pa$item_pairs[, 1]),
                            second = as.integer(pa$item_pairs[, 2]), r = pa$item_pairs[, 3]))
  write_num(pairs, file.path(out_dir, "pairs.csv"))

  # ---- irv block assignment: R cut(seq_len(k), nb, labels = FALSE) ----
  blocks <- do.call(rbind, lapply(2:40, function(kk) do.call(rbind, lapply(2:6, function(nb)
    if (nb <= kk) data.frame(k = kk, blocks = nb, codes = paste(cut(seq_len(kk), nb, labels = FALSE), collapse = " "))))))
  write.csv(blocks, file.path(out_dir, "irv_blocks.csv"), row.names = FALSE, quote = FALSE)
  cat("wrote", out_dir, "\n")
}
