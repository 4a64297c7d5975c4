# One-factor Likert data (1..5) for the bench/compare_reliability*.sh scripts (sourced by them):
# loadings rising from 0.45 to 0.80, normal scores cut at -1.2, -0.4, 0.4, 1.2.
gen <- function(n, k, seed) {
  set.seed(seed)
  f <- rnorm(n)
  lam <- 0.45 + 0.35 * (0:(k - 1)) / k
  x <- sapply(lam, function(l) as.numeric(cut(l * f + sqrt(1 - l^2) * rnorm(n), c(-Inf, -1.2, -0.4, 0.4, 1.2, Inf))))
  colnames(x) <- paste0("Q", 1:k)
  x
}
