# Golden values for the IRT module (graded response model). Run from the repository root:
#   Rscript tests/golden/irt.R
# Base R only (R 4.2.2): an independent implementation, written from the papers, that
#   (a) simulates a seeded data set with missing answers, items with 4 and 3 categories and one
#       reverse-keyed item;
#   (b) maximises the marginal likelihood directly with optim (BFGS on an analytic gradient, no
#       EM) over the same quadrature as attune (61 equally spaced nodes on [-6, 6], N(0, 1)
#       density normalised at the nodes), then writes the parameters, the log-likelihood, standard
#       errors from the numerically differentiated gradient (optimHess), and EAP / posterior SD,
#       MAP and ML scores from those parameters on attune's scoring grid (121 nodes on [-6, 6]);
#   (c) computes the sum-score EAP table of a small bank by enumerating every response pattern;
#   (d) computes S-X2 on the small bank by enumerating every pattern (no Lord-Wingersky).
# Writes CSV files under tests/data/irt/ (17 significant digits). CI never runs this script.
out <- "tests/data/irt"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
w <- function(x, name) write.csv(format(x, digits = 17), file.path(out, name), row.names = FALSE, quote = FALSE)
wdata <- function(x, name) write.csv(x, file.path(out, name), row.names = FALSE, quote = FALSE, na = "")

grid <- function(n) {
  x <- seq(-6, 6, length.out = n)
  list(x = x, w = dnorm(x) / sum(dnorm(x)))
}
fit_grid <- grid(61)
score_grid <- grid(121)

# Category probabilities of one item at nodes x: Q x K matrix (Samejima 1969, slope-intercept).
probs <- function(a, d, x) {
  ps <- cbind(1, plogis(outer(x, rep(1, length(d))) * a + matrix(d, length(x), length(d), byrow = TRUE)), 0)
  ps[, -ncol(ps), drop = FALSE] - ps[, -1, drop = FALSE]
}
# derivative of P*_k wrt its linear predictor, Q x (K+1) with zero columns for k = 0 and K
psi_of <- function(a, d, x) {
  s <- plogis(outer(x, rep(1, length(d))) * a + matrix(d, length(x), length(d), byrow = TRUE))
  cbind(0, s * (1 - s), 0)
}

# log L[i, q] for codes X (0-based categories, NA missing) and a parameter list
loglik_matrix <- function(pars, X, x) {
  L <- matrix(0, nrow(X), length(x))
  for (j in seq_along(pars)) {
    lp <- log(pmax(probs(pars[[j]]$a, pars[[j]]$d, x), 1e-300))
    ok <- !is.na(X[, j])
    L[ok, ] <- L[ok, ] + t(lp[, X[ok, j] + 1, drop = FALSE])
  }
  L
}
marginal <- function(pars, X, g) {
  L <- loglik_matrix(pars, X, g$x) + matrix(log(g$w), nrow(X), length(g$x), byrow = TRUE)
  m <- apply(L, 1, max)
  list(ll = sum(m + log(rowSums(exp(L - m)))), post = exp(L - m) / rowSums(exp(L - m)))
}

## --- (a) data ------------------------------------------------------------------------------
set.seed(20261201)
n <- 500
true <- list(list(a = 1.5, d = c(2.0, 0.3, -1.4)), list(a = 1.1, d = c(1.2, -0.2, -2.0)),
             list(a = 2.1, d = c(2.5, 0.8, -0.9)), list(a = 0.8, d = c(0.9, -0.6, -2.2)),
             list(a = 1.7, d = c(0.6, -1.1)), list(a = 1.0, d = c(1.5, -0.5)))
K <- sapply(true, function(p) length(p$d) + 1)
theta <- rnorm(n)
X <- sapply(seq_along(true), function(j) {
  ps <- plogis(outer(theta, rep(1, K[j] - 1)) * true[[j]]$a + matrix(true[[j]]$d, n, K[j] - 1, byrow = TRUE))
  rowSums(runif(n) < ps)   # number of boundaries passed = 0-based category
})
X[sample(length(X), round(0.05 * length(X)))] <- NA
# raw values: items 1-4 answer 1..4, items 5-6 answer 1..3; item 6 is reverse keyed (raw = 3 - code)
raw <- X + 1
raw[, 6] <- 3 - X[, 6]
colnames(raw) <- paste0("I", 1:6)
wdata(raw, "golden_data.csv")

## --- (b) direct maximisation -----------------------------------------------------------------
# unconstrained: per item a, d_1, log(d_1 - d_2), log(d_2 - d_3), ...
to_pars <- function(u) {
  pars <- list(); at <- 1
  for (j in seq_along(K)) {
    a <- u[at]; d <- numeric(K[j] - 1); d[1] <- u[at + 1]
    if (K[j] > 2) for (k in 2:(K[j] - 1)) d[k] <- d[k - 1] - exp(u[at + k])
    pars[[j]] <- list(a = a, d = d); at <- at + K[j]
  }
  pars
}
to_u <- function(pars) unlist(lapply(pars, function(p) c(p$a, p$d[1], if (length(p$d) > 1) log(-diff(p$d)))))
flat <- function(pars) unlist(lapply(pars, function(p) c(p$a, p$d)))
from_flat <- function(v) {
  pars <- list(); at <- 1
  for (j in seq_along(K)) { pars[[j]] <- list(a = v[at], d = v[at + 1:(K[j] - 1)]); at <- at + K[j] }
  pars
}
# gradient in (a, d) by Fisher's identity: sum_i E_post[d log f_i]
grad_ad <- function(pars, X, g) {
  post <- marginal(pars, X, g)$post
  out <- list()
  for (j in seq_along(pars)) {
    a <- pars[[j]]$a; d <- pars[[j]]$d; Kj <- length(d) + 1
    P <- pmax(probs(a, d, g$x), 1e-300); psi <- psi_of(a, d, g$x)
    r <- matrix(0, length(g$x), Kj)
    for (c in 0:(Kj - 1)) { sel <- which(X[, j] == c); if (length(sel)) r[, c + 1] <- colSums(post[sel, , drop = FALSE]) }
    ga <- sum(r * (g$x * (psi[, 1:Kj] - psi[, 2:(Kj + 1)])) / P)
    gd <- sapply(1:(Kj - 1), function(k) sum(r[, k + 1] * psi[, k + 1] / P[, k + 1] - r[, k] * psi[, k + 1] / P[, k]))
    out[[j]] <- c(ga, gd)
  }
  unlist(out)
}
negll_u <- function(u) -marginal(to_pars(u), X, fit_grid)$ll
neggr_u <- function(u) {
  pars <- to_pars(u); g <- grad_ad(pars, X, fit_grid); gu <- numeric(length(u)); at <- 1
  for (j in seq_along(K)) {
    gd <- g[at + 1:(K[j] - 1)]; gu[at] <- g[at]
    # d_k = u_1 - sum_{m=2..k} exp(u_m): dd_k/du_1 = 1, dd_k/du_m = -exp(u_m) for m <= k
    gu[at + 1] <- sum(gd)
    if (K[j] > 2) for (m in 2:(K[j] - 1)) gu[at + m] <- -exp(u[at + m]) * sum(gd[m:(K[j] - 1)])
    at <- at + K[j]
  }
  -gu
}
# check the analytic gradient once against central differences
u0 <- to_u(true)
num <- sapply(seq_along(u0), function(i) { h <- 1e-6; e <- replace(numeric(length(u0)), i, h); (negll_u(u0 + e) - negll_u(u0 - e)) / (2 * h) })
cat("max |analytic - numeric gradient| =", max(abs(num - neggr_u(u0))), "\n")
start <- lapply(K, function(k) list(a = 1, d = seq(1, -1, length.out = k - 1)))
opt <- optim(to_u(start), negll_u, neggr_u, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000))
opt <- optim(opt$par, negll_u, neggr_u, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000))
est <- to_pars(opt$par)
cat("optim convergence", opt$convergence, "loglik", -opt$value, "max |gradient|", max(abs(neggr_u(opt$par))), "\n")
negll_ad <- function(v) -marginal(from_flat(v), X, fit_grid)$ll
neggr_ad <- function(v) -grad_ad(from_flat(v), X, fit_grid)
H <- optimHess(flat(est), negll_ad, neggr_ad)
se <- sqrt(diag(solve(H)))
params <- data.frame(item = rep(seq_along(K), K), index = unlist(lapply(K, function(k) 0:(k - 1))),
                     value = flat(est), se = se, true = flat(true))
w(params, "golden_params.csv")
w(data.frame(loglik = -opt$value, n = n, convergence = opt$convergence, max_gradient = max(abs(neggr_u(opt$par))),
             loglik_true = marginal(true, X, fit_grid)$ll), "golden_fit.csv")

# scores from the R optimum, on the 121-point grid
sc <- marginal(est, X, score_grid)
eap <- as.vector(sc$post %*% score_grid$x)
sd <- sqrt(as.vector(sc$post %*% score_grid$x^2) - eap^2)
ll_person <- function(th, i, prior) {
  v <- 0
  for (j in seq_along(est)) if (!is.na(X[i, j])) v <- v + log(probs(est[[j]]$a, est[[j]]$d, th)[1, X[i, j] + 1])
  if (prior) v <- v + dnorm(th, log = TRUE)
  v
}
mode_of <- function(i, prior) {
  o <- optimize(function(t) -ll_person(t, i, prior), c(-15, 15), tol = 1e-12)
  h <- optimHess(o$minimum, function(t) -ll_person(t, i, prior))
  c(o$minimum, 1 / sqrt(h[1, 1]))
}
extreme <- sapply(1:n, function(i) {
  x <- X[i, ]; ok <- !is.na(x)
  if (all(x[ok] == 0)) -1 else if (all(x[ok] == (K - 1)[ok])) 1 else 0
})
map <- t(sapply(1:n, mode_of, prior = TRUE))
ml <- t(sapply(1:n, function(i) if (extreme[i] != 0) c(extreme[i] * Inf, NA) else mode_of(i, FALSE)))
w(data.frame(eap = eap, sd = sd, map = map[, 1], map_se = map[, 2], ml = ml[, 1], ml_se = ml[, 2]), "golden_scores.csv")

## --- (c) sum-score EAP table by enumeration -------------------------------------------------
small <- list(list(a = 1.3, d = c(1.0, -0.8)), list(a = 0.9, d = c(1.8, 0.2, -1.5)), list(a = 2.0, d = c(0.5, -1.0)),
              list(a = 1.1, d = c(-0.3)), list(a = 1.6, d = c(2.2, 0.1)))
Ks <- sapply(small, function(p) length(p$d) + 1)
w(data.frame(item = rep(seq_along(Ks), Ks), index = unlist(lapply(Ks, function(k) 0:(k - 1))),
             value = unlist(lapply(small, function(p) c(p$a, p$d)))), "golden_small_bank.csv")
patterns <- as.matrix(expand.grid(lapply(Ks, function(k) 0:(k - 1))))
pattern_lik <- function(g) exp(loglik_matrix(small, patterns, g$x))   # patterns x nodes
Lp <- pattern_lik(score_grid)
s <- rowSums(patterns)
tab <- t(sapply(0:sum(Ks - 1), function(v) {
  sel <- s == v
  m0 <- sum(Lp[sel, , drop = FALSE] %*% score_grid$w)
  m1 <- sum(Lp[sel, , drop = FALSE] %*% (score_grid$w * score_grid$x))
  m2 <- sum(Lp[sel, , drop = FALSE] %*% (score_grid$w * score_grid$x^2))
  c(v, m1 / m0, sqrt(m2 / m0 - (m1 / m0)^2), m0)
}))
colnames(tab) <- c("score", "eap", "sd", "probability")
w(as.data.frame(tab), "golden_sumscore.csv")

## --- (d) S-X2 by enumeration ----------------------------------------------------------------
set.seed(20261202)
ns <- 1000
th <- rnorm(ns)
Y <- sapply(seq_along(small), function(j) {
  ps <- plogis(outer(th, rep(1, Ks[j] - 1)) * small[[j]]$a + matrix(small[[j]]$d, ns, Ks[j] - 1, byrow = TRUE))
  rowSums(runif(ns) < ps)
})
colnames(Y) <- paste0("S", seq_along(Ks))
wdata(Y, "golden_sx2_data.csv")   # 0-based codes, complete
Lf <- pattern_lik(fit_grid)
marg <- as.vector(Lf %*% fit_grid$w)   # P(pattern)
tot <- rowSums(patterns)
ysum <- rowSums(Y)
min_expected <- 1
sx2 <- t(sapply(seq_along(Ks), function(j) {
  x2 <- 0; cells <- 0; groups <- 0
  for (v in sort(unique(ysum))) {
    Nv <- sum(ysum == v)
    O <- sapply(0:(Ks[j] - 1), function(c) sum(ysum == v & Y[, j] == c))
    E <- sapply(0:(Ks[j] - 1), function(c) Nv * sum(marg[tot == v & patterns[, j] == c]) / sum(marg[tot == v]))
    # merge the smallest expected cell into its neighbour with the smaller expected count
    while (length(E) > 1) {
      m <- which.min(E)
      if (E[m] >= min_expected) break
      to <- if (m == 1) 2 else if (m == length(E)) m - 1 else if (E[m - 1] <= E[m + 1]) m - 1 else m + 1
      O[to] <- O[to] + O[m]; E[to] <- E[to] + E[m]; O <- O[-m]; E <- E[-m]
    }
    groups <- groups + 1; cells <- cells + length(E)
    x2 <- x2 + sum(ifelse(E > 0, (O - E)^2 / E, 0))
  }
  df <- cells - groups - Ks[j]
  c(j, x2, df, if (df >= 1) pchisq(x2, df, lower.tail = FALSE) else NA,
    if (df >= 1) sqrt(max(0, (x2 - df) / (df * (ns - 1)))) else NA)
}))
colnames(sx2) <- c("item", "s_x2", "df", "p", "rmsea")
w(as.data.frame(sx2), "golden_sx2.csv")
cat("done\n")
