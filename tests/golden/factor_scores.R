# Golden values for tests/factor_scores_test.cpp: psych's EFA `objective` and RMSR on raw data with
# missing answers (pairwise counts np.obs), and factor scores (psych factor.scores).
#
# Run from the repository root:  Rscript tests/golden/factor_scores.R
# Reads tests/data/factor/bfi25.csv and two_factor.csv (written by tests/golden/factor.R); writes
# tests/data/factor/fit_raw_golden.csv and scores_two_<method>_{weights,scores}.csv.
# Reference: psych 2.2.9 fa(x) on raw data (n.obs = rows, np.obs = pairwiseCount(x)), its
# `objective` (F_ML of the fitted model, for minres too) and `rms`; factor.scores(x, f, method,
# rho = cor(x, use = "pairwise")) with impute = "none" (a row with a missing answer has NA scores).
suppressPackageStartupMessages(library(psych))
stopifnot(packageVersion("psych") >= "2.2.9")
dir <- file.path("tests", "data", "factor")
rd <- function(f) as.matrix(read.csv(file.path(dir, f)))
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
bfi25 <- rd("bfi25.csv")
two <- rd("two_factor.csv")
vals <- c()
for (fm in c("minres", "ml")) {
  a <- fa(bfi25, nfactors = 5, fm = fm, rotate = "oblimin")
  vals[paste0("bfi25_", fm, "_objective")] <- a$objective
  vals[paste0("bfi25_", fm, "_rms")] <- a$rms
  b <- fa(two, nfactors = 2, fm = fm, rotate = "oblimin")
  vals[paste0("two_", fm, "_objective")] <- b$objective
  vals[paste0("two_", fm, "_rms")] <- b$rms
}
writeLines(paste0(names(vals), ",", fmt(vals)), file.path(dir, "fit_raw_golden.csv"))
f <- fa(two, nfactors = 2, fm = "minres", rotate = "oblimin")
r <- cor(two, use = "pairwise")
for (m in c("regression", "Bartlett", "tenBerge")) {
  s <- factor.scores(two, f, method = m, rho = r)
  name <- tolower(m)
  write.table(matrix(fmt(s$weights), nrow(s$weights)), file.path(dir, paste0("scores_two_", name, "_weights.csv")),
              sep = ",", row.names = FALSE, col.names = FALSE, quote = FALSE)
  write.table(matrix(fmt(s$scores), nrow(s$scores)), file.path(dir, paste0("scores_two_", name, "_scores.csv")),
              sep = ",", row.names = FALSE, col.names = FALSE, quote = FALSE)
}
print(vals, digits = 10)
