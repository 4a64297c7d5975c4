# Sample before/after files for the tutorial's `attune change` step, and golden values of the
# group-level change (study_change's `group`) on them. Run from the repository root:
#   Rscript tests/golden/change.R
# Writes examples/data/ecr-r-before.csv, examples/data/ecr-r-after.csv (the tutorial's files) and
# tests/data/change/group_ecr_r.csv (scale, statistic, value; 17 significant digits).
# References: stats::t.test(after, before, paired = TRUE) and stats::cor.test(before, after) (R
# base, stats); the d_z interval inverts the non-central t with stats::pt(ncp = ) and uniroot
# (Cumming & Finch 2001); the d_av interval is Algina & Keselman's (2003) approximation (those ncp
# bounds times SD_change / (sqrt(n) (SD_before + SD_after) / 2)). RCI counts with SD = 1 and
# reliability = 0.9 given (S_diff = sqrt(2) sqrt(0.1)), so that no estimate enters them.
# CI never runs this script; its outputs are committed.

sample <- read.csv("examples/data/ecr-r-sample.csv", colClasses = c(id = "character"))
items <- paste0("Q", 1:36)
reversed <- paste0("Q", c(9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36))

## --- the sample files ------------------------------------------------------------------------
# 120 clients before therapy (the sample's first 120 respondents); after: 114 of them (6 dropped
# out) and 2 new ids (intake after the first assessment), in another order. Each client moves
# toward security by a personal amount (mean 0.6 scale points, SD 0.7) plus answer noise.
set.seed(20261202)
before <- sample[1:120, c("id", items)]
keep <- sort(sample(120, 114))
after <- before[keep, ]
shift <- rnorm(nrow(after), 0.6, 0.7)
for (q in items) {
  sign <- if (q %in% reversed) 1 else -1          # improvement lowers the keyed answer
  x <- after[[q]] + sign * shift + rnorm(nrow(after), 0, 0.6)
  after[[q]] <- ifelse(is.na(after[[q]]), NA, pmin(7, pmax(1, round(x))))
}
newcomers <- sample[121:122, c("id", items)]
after <- rbind(after, newcomers)
after <- after[sample(nrow(after)), ]
wr <- function(x, path) write.csv(x, path, row.names = FALSE, quote = FALSE, na = "")
wr(before, "examples/data/ecr-r-before.csv")
wr(after, "examples/data/ecr-r-after.csv")

## --- scores as attune computes them (keyed mean, at least ceil(0.8 k) answers) ---------------
score <- function(d, its) {
  x <- as.matrix(d[, its])
  rev <- its %in% reversed
  x[, rev] <- 8 - x[, rev]
  answered <- rowSums(!is.na(x))
  ifelse(answered >= ceiling(0.8 * length(its)), rowMeans(x, na.rm = TRUE), NA)
}
scales <- list(anxiety = paste0("Q", 1:18), avoidance = paste0("Q", 19:36))

## --- group statistics ---------------------------------------------------------------------
ncp_bound <- function(t, df, target) {
  uniroot(function(ncp) pt(t, df, ncp) - target, c(t - 20, t + 20), tol = 1e-13)$root
}
rows <- list()
add <- function(scale, stat, value) rows[[length(rows) + 1]] <<- data.frame(scale = scale, stat = stat, value = value)
ids <- intersect(before$id, after$id)
s_diff <- sqrt(2) * sqrt(1 - 0.9)   # SD 1, reliability 0.9
for (s in names(scales)) {
  b <- score(before, scales[[s]])[match(ids, before$id)]
  a <- score(after, scales[[s]])[match(ids, after$id)]
  ok <- is.finite(a) & is.finite(b)
  b <- b[ok]; a <- a[ok]
  n <- length(a)
  tt <- t.test(a, b, paired = TRUE)
  ct <- cor.test(b, a)
  d <- a - b
  dz <- mean(d) / sd(d)
  lo <- ncp_bound(tt$statistic, n - 1, 0.975); hi <- ncp_bound(tt$statistic, n - 1, 0.025)
  sd_av <- (sd(a) + sd(b)) / 2
  rci <- d / s_diff
  add(s, "n_pairs", n)
  add(s, "mean_before", mean(b)); add(s, "mean_after", mean(a))
  add(s, "mean_change", unname(tt$estimate))
  add(s, "mean_change_lower", tt$conf.int[1]); add(s, "mean_change_upper", tt$conf.int[2])
  add(s, "sd_change", sd(d))
  add(s, "t", unname(tt$statistic)); add(s, "df", unname(tt$parameter)); add(s, "p", tt$p.value)
  add(s, "d_z", dz); add(s, "d_z_lower", lo / sqrt(n)); add(s, "d_z_upper", hi / sqrt(n))
  add(s, "d_av", mean(d) / sd_av)
  add(s, "d_av_lower", lo * sd(d) / sqrt(n) / sd_av); add(s, "d_av_upper", hi * sd(d) / sqrt(n) / sd_av)
  add(s, "retest_r", unname(ct$estimate))
  add(s, "retest_r_lower", ct$conf.int[1]); add(s, "retest_r_upper", ct$conf.int[2])
  add(s, "improved", sum(rci < -1.959963984540054))     # lower is better
  add(s, "unchanged", sum(abs(rci) <= 1.959963984540054))
  add(s, "deteriorated", sum(rci > 1.959963984540054))
}
out <- do.call(rbind, rows)
out$value <- format(out$value, digits = 17)
dir.create("tests/data/change", showWarnings = FALSE, recursive = TRUE)
write.csv(out, "tests/data/change/group_ecr_r.csv", row.names = FALSE, quote = FALSE)
cat("R", as.character(getRversion()), "\n")
