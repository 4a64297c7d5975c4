# Golden values for tests/polychoric_test.cpp (RealEcrData.PolychoricMarginTie).
#
# Run from the repository root:  Rscript tests/golden/polychoric_ecr.R [path/to/data.csv]
# Default data: ../shared/data/openpsychometrics-ecr (data.csv of ECR-data-1March2018.zip, unpacked
# to a temporary directory). The data are never copied into the repository: this script writes
# only the reference correlations, tests/data/polychoric/ecr_first70.csv (i, j, rho, margin rule).
#
# Case: the first 70 respondents of the real ECR data (1-5 scale, 0 = missing), keyed (items 3, 15,
# 19, 22, 25, 27, 29, 31, 33, 35 reversed as 6 - x). One item (Q26 after keying) has 4 categories,
# the 35 others 5, so psych sets global = FALSE: each pair takes its thresholds from its own
# continuity-corrected table (empty cells get correct / tot, correct = 0.5).
#
# Reference: psych 2.2.9 polychoric(global = FALSE, correct = 0.5, smooth = FALSE) with one change
# to polyc, the margin rule of psych >= 2.4.6: when the corrected margins make a cumulative
# proportion reach 1 before the last category, the margins are renormalised to sum to 1 (2.2.9
# gives qnorm(>1) = NaN). The test "reaches 1" is decided in exact arithmetic, from the counts
# (sum of counts + correct x empty cells >= total count), not from a floating-point cumsum: on a
# tie (exactly 1) the floating-point sum may be 0.99999999999999989 and give a threshold of 8.2.
suppressPackageStartupMessages(library(psych))
stopifnot(packageVersion("psych") >= "2.2.9")
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) {
  csv <- args[1]
} else {
  zip <- file.path("..", "shared", "data", "openpsychometrics-ecr", "ECR-data-1March2018.zip")
  dir <- tempfile("ecr")
  unzip(zip, exdir = dir)
  csv <- file.path(dir, "ECR-data-1March2018", "data.csv")
}
d <- read.csv(csv)
x <- as.matrix(d[1:70, paste0("Q", 1:36)])
x[x == 0] <- NA
reversed <- c(3, 15, 19, 22, 25, 27, 29, 31, 33, 35)
x[, reversed] <- 6 - x[, reversed]

# Margins of a corrected count table: threshold proportions, renormalised when exact arithmetic
# says the cumulative count reaches the total before the last category.
margin_cut <- function(counts, corrected, tot) {
  m <- length(counts)
  upper <- sum(counts[-m])                       # counts (with corrections) before the last category
  renorm <- upper >= tot                         # exact: counts are integers, corrections multiples of 0.5
  p <- if (renorm) cumsum(counts)[-m] / sum(counts) else cumsum(counts)[-m] / tot
  list(tau = qnorm(p), renorm = renorm, tie = upper == tot)
}
polyc_counts <- function(x, y = NULL, taux, tauy, global = TRUE, weight = NULL, correct = correct,
                         gminx, gmaxx, gminy, gmaxy) {
  tab <- psych:::tableFast(x, y, gminx, gmaxx, gminy, gmaxy)
  tot <- sum(tab)
  tab <- tab[rowSums(tab) > 0, , drop = FALSE]
  tab <- tab[, colSums(tab) > 0, drop = FALSE]
  fixed <- 0
  if (min(dim(tab)) < 2) return(list(rho = NA, objective = NA, fixed = 0))
  if (correct > 0 && any(tab == 0)) {
    fixed <- 1
    tab[tab == 0] <- correct
  }
  r <- margin_cut(rowSums(tab), fixed, tot)
  cc <- margin_cut(colSums(tab), fixed, tot)
  o <- optimize(psych:::polyF, interval = c(-1, 1), rc = r$tau, cc = cc$tau, tab / tot)
  list(rho = o$minimum, objective = o$objective, fixed = fixed)
}
assignInNamespace("polyc", polyc_counts, ns = "psych")
res <- suppressWarnings(polychoric(x, global = FALSE, correct = 0.5, smooth = FALSE))
rho <- res$rho
stopifnot(!anyNA(rho))
# The margin rule of each pair, recomputed from its table (rows = item i, as psych's matpLower).
pair_rule <- function(i, j) {
  tab <- table(x[, i], x[, j])
  tot <- sum(tab)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  tab[tab == 0] <- 0.5
  r <- margin_cut(rowSums(tab), TRUE, tot)
  cc <- margin_cut(colSums(tab), TRUE, tot)
  c(renorm = r$renorm || cc$renorm, tie = r$tie || cc$tie)
}
out <- NULL
for (i in 2:36) for (j in 1:(i - 1)) {
  f <- pair_rule(i, j)
  out <- rbind(out, data.frame(i = i, j = j, rho = sprintf("%.17g", rho[i, j]),
                               renormalised = as.integer(f["renorm"]), tie = as.integer(f["tie"])))
}
cat("pairs:", nrow(out), " renormalised:", sum(out$renormalised), " on the tie:", sum(out$tie), "\n")
dir.create(file.path("tests", "data", "polychoric"), recursive = TRUE, showWarnings = FALSE)
write.csv(out, file.path("tests", "data", "polychoric", "ecr_first70.csv"), row.names = FALSE, quote = FALSE)
