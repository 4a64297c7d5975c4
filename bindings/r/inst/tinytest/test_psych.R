# attune against psych on the same data (psychTools::bfi). Tolerances: alpha and its tables
# 1e-9 (closed forms on the same covariances); polychoric 1e-8 (both maximise the same
# likelihood); fa loadings 1e-5 and omega_h 1e-4 (iterative minres fits that stop at their own
# tolerances).
if (!requireNamespace("psych", quietly = TRUE) || !requireNamespace("psychTools", quietly = TRUE)) {
  exit_file("psych or psychTools is not installed")
}
library(attune)
A <- psychTools::bfi[1:5]  # agreeableness; A1 is reverse keyed
keys <- c(-1, 1, 1, 1, 1)

p <- psych::alpha(A, keys = keys, warnings = FALSE)
a <- attune_alpha(A, keys = keys)
expect_equal(a$raw_alpha, p$total$raw_alpha, tolerance = 1e-9)
expect_equal(a$total$raw_alpha, p$total$raw_alpha, tolerance = 1e-9)
expect_equal(a$total$mean, p$total$mean, tolerance = 1e-9)
expect_equal(a$total$sd, p$total$sd, tolerance = 1e-9)
expect_equal(a$alpha.drop$raw_alpha, p$alpha.drop$raw_alpha, tolerance = 1e-9)
expect_equal(a$item.stats$n, p$item.stats$n)
for (col in c("raw.r", "r.drop", "mean", "sd")) {
  expect_equal(a$item.stats[[col]], p$item.stats[[col]], tolerance = 1e-9, info = col)
}
# The statistics of the correlation matrix, with missing answers: attune follows psych >= 2.4.4,
# R = cor(x, use = "pairwise"); psych 2.2.9 (Debian 12) standardised the pairwise covariances,
# cov2cor(C), about 4e-4 away on bfi. With 2.2.9, psych's own formulas applied to
# cor(x, use = "pairwise") give 2.4.4's numbers (as tests/golden/reliability.R does).
if (utils::packageVersion("psych") >= "2.4.4") {
  pR <- p
  pR_item_r <- p$item.stats$std.r
} else {
  keyed <- A
  keyed$A1 <- min(A, na.rm = TRUE) + max(A, na.rm = TRUE) - keyed$A1
  pR <- psych::alpha(cor(keyed, use = "pairwise"), n.obs = nrow(A), warnings = FALSE)
  pR_item_r <- pR$item.stats$r
}
expect_equal(a$std_alpha, pR$total$std.alpha, tolerance = 1e-9)
expect_equal(a$G6, pR$total[["G6(smc)"]], tolerance = 1e-9)
expect_equal(a$average_r, pR$total$average_r, tolerance = 1e-9)
expect_equal(a$`S/N`, pR$total[["S/N"]], tolerance = 1e-9)
expect_equal(a$median_r, pR$total$median_r, tolerance = 1e-9)
expect_equal(a$item.stats$std.r, pR_item_r, tolerance = 1e-9)
expect_equal(a$item.stats$r.cor, pR$item.stats$r.cor, tolerance = 1e-9)
for (col in c("std.alpha", "G6(smc)", "average_r", "S/N", "var.r", "med.r")) {
  expect_equal(a$alpha.drop[[col]], pR$alpha.drop[[col]], tolerance = 1e-9, info = col)
}
# alpha's standard error: attune's default N is the effective pairwise N; psych's is every row.
a_rows <- attune_alpha(A, keys = keys, n_for_intervals = "rows")
expect_equal(a_rows$ase, p$total$ase, tolerance = 1e-9)
expect_equal(a_rows$alpha.drop[["alpha se"]], p$alpha.drop[["alpha se"]], tolerance = 1e-9)

Ac <- stats::na.omit(A)
pc <- psych::alpha(Ac, keys = keys, warnings = FALSE)
ac <- attune_alpha(Ac, keys = keys)
expect_equal(ac$raw_alpha, pc$total$raw_alpha, tolerance = 1e-9)
expect_equal(ac$std_alpha, pc$total$std.alpha, tolerance = 1e-9)
expect_equal(ac$average_r, pc$total$average_r, tolerance = 1e-9)
expect_equal(ac$G6, pc$total[["G6(smc)"]], tolerance = 1e-9)
expect_equal(ac$`S/N`, pc$total[["S/N"]], tolerance = 1e-9)
expect_equal(ac$ase, pc$total$ase, tolerance = 1e-9)
expect_equal(ac$median_r, pc$total$median_r, tolerance = 1e-9)
expect_equal(unname(as.matrix(ac$total)), unname(as.matrix(pc$total)), tolerance = 1e-9)
expect_equal(unname(as.matrix(ac$alpha.drop)), unname(as.matrix(pc$alpha.drop)), tolerance = 1e-9)
expect_equal(unname(as.matrix(ac$item.stats)), unname(as.matrix(pc$item.stats[, colnames(ac$item.stats)])),
             tolerance = 1e-9)

# Polychoric correlations.
expect_equal(unname(attune_polychoric(A)$rho), unname(psych::polychoric(A)$rho), tolerance = 1e-8)

# Exploratory factor analysis: minres, oblimin (GPArotation), agreeableness and conscientiousness.
if (requireNamespace("GPArotation", quietly = TRUE)) {
  X <- psychTools::bfi[1:10]
  f <- attune_fa(X, nfactors = 2)
  pf <- psych::fa(X, nfactors = 2, warnings = FALSE)
  expect_equal(unname(unclass(f$loadings)), unname(unclass(pf$loadings)[, colnames(f$loadings)]), tolerance = 1e-5)
  expect_equal(f$STATISTIC, pf$STATISTIC, tolerance = 1e-5)
  expect_equal(f$TLI, pf$TLI, tolerance = 1e-5)

  # Omega: Schmid-Leiman with three group factors (psych's default).
  k10 <- c(-1, 1, 1, 1, 1, 1, 1, 1, -1, -1)
  o <- attune_omega(X, keys = k10)
  po <- suppressWarnings(psych::omega(X, keys = k10, plot = FALSE))
  expect_equal(o$omega_h, po$omega_h, tolerance = 1e-4)
  expect_equal(o$omega.tot, po$omega.tot, tolerance = 1e-5)
}
