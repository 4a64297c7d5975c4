# Golden values for the factor module (polychoric, fa, omega). Run from the repository root:
#   Rscript tests/golden/factor.R
# Writes plain-text files under tests/data/factor/ (matrices: one row per line, comma-separated,
# 17 significant digits). Reference versions: R psych 2.2.9, GPArotation 2022.10-2, mnormt 2.1.1,
# psychTools (bfi). CI never runs this script; its outputs are committed.
suppressPackageStartupMessages({ library(psych); library(GPArotation); library(mnormt) })
out <- "tests/data/factor"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
wm <- function(x, name) write.table(format(as.matrix(x), digits = 17), file.path(out, name), sep = ",",
                                    quote = FALSE, row.names = FALSE, col.names = FALSE)
wdata <- function(x, name) write.table(x, file.path(out, name), sep = ",", quote = FALSE, row.names = FALSE, na = "")
cat("versions:", as.character(packageVersion("psych")), as.character(packageVersion("GPArotation")), "\n",
    file = file.path(out, "VERSIONS.txt"))

## --- data sets -----------------------------------------------------------------------------
bfi25 <- as.matrix(psychTools::bfi[, 1:25])          # 2800 x 25, 6 categories, missing answers
wdata(bfi25, "bfi25.csv")

set.seed(20241128)
n <- 600
f <- matrix(rnorm(n * 2), n) %*% chol(matrix(c(1, .35, .35, 1), 2))
lam <- c(.75, .7, .65, .6, .55, .7, .65, .6, .55, .5)
lat <- cbind(f[, rep(1, 5)], f[, rep(2, 5)]) %*% diag(lam) + matrix(rnorm(n * 10), n) %*% diag(sqrt(1 - lam^2))
cuts <- c(-1.5, -0.5, 0.4, 1.3)
two <- apply(lat, 2, function(z) findInterval(z, cuts) + 1)   # 5 categories
colnames(two) <- paste0("I", 1:10)
two[sample(length(two), 150)] <- NA                            # 2.5% missing
wdata(two, "two_factor.csv")

# items with different numbers of categories (items 1-3 have 4, the rest 5): psych global = FALSE
uneq <- two
uneq[, 1:3] <- pmin(uneq[, 1:3], 4)
wdata(uneq, "unequal.csv")

# dichotomous items for tetrachoric; item 6 is rare so that some 2 x 2 tables have empty cells
bin <- (lat[1:300, 1:6] > matrix(c(-0.5, 0, 0.3, 0.8, 1.2, 2.1), 300, 6, byrow = TRUE)) * 1
colnames(bin) <- paste0("B", 1:6)
wdata(bin, "binary.csv")

## --- bivariate normal CDF (mnormt::biv.nt.prob with df = Inf, Genz's algorithm) ------------
g <- expand.grid(h = c(-2.5, -1, 0, 0.3, 1.7), k = c(-1.2, 0, 0.8, 2.2), r = c(-0.95, -0.6, -0.2, 0, 0.35, 0.8, 0.93, 0.99))
g$p <- mapply(function(h, k, r) biv.nt.prob(Inf, lower = c(-Inf, -Inf), upper = c(h, k), mean = c(0, 0),
                                            S = matrix(c(1, r, r, 1), 2)), g$h, g$k, g$r)
wm(g, "bvn.csv")

## --- polychoric / tetrachoric ---------------------------------------------------------------
p_bfi <- polychoric(bfi25)
wm(p_bfi$rho, "poly_bfi25_rho.csv"); wm(p_bfi$tau, "poly_bfi25_tau.csv")
p_two <- polychoric(two)
wm(p_two$rho, "poly_two_rho.csv"); wm(p_two$tau, "poly_two_tau.csv")
p_uneq <- polychoric(uneq)
wm(p_uneq$rho, "poly_unequal_rho.csv")
t_bin <- tetrachoric(bin)
wm(t_bin$rho, "tetra_binary_rho.csv"); wm(matrix(t_bin$tau, 1), "tetra_binary_tau.csv")
# unsmoothed psych values for the tetrachoric matrix (smooth = FALSE)
wm(tetrachoric(bin, smooth = FALSE)$rho, "tetra_binary_rho_unsmoothed.csv")

## --- factor analysis ------------------------------------------------------------------------
r_bfi <- cor(bfi25, use = "pairwise")
wm(r_bfi, "cor_bfi25.csv")
r_two <- cor(two, use = "pairwise")
wm(r_two, "cor_two.csv")
for (fm in c("minres", "ml")) for (rot in c("oblimin", "varimax", "geominQ", "none")) {
  a <- fa(r_bfi, nfactors = 5, n.obs = nrow(bfi25), fm = fm, rotate = rot)
  wm(unclass(a$loadings), sprintf("fa_bfi25_%s_%s_loadings.csv", fm, rot))
  if (!is.null(a$Phi)) wm(a$Phi, sprintf("fa_bfi25_%s_%s_phi.csv", fm, rot))
  wm(matrix(c(a$STATISTIC, a$dof, a$rms), 1), sprintf("fa_bfi25_%s_%s_stats.csv", fm, rot))
  b <- fa(r_two, nfactors = 2, n.obs = nrow(two), fm = fm, rotate = rot)
  wm(unclass(b$loadings), sprintf("fa_two_%s_%s_loadings.csv", fm, rot))
  if (!is.null(b$Phi)) wm(b$Phi, sprintf("fa_two_%s_%s_phi.csv", fm, rot))
}
a1 <- fa(r_two[1:5, 1:5], nfactors = 1, n.obs = nrow(two))
wm(unclass(a1$loadings), "fa_two_sub1_1f_loadings.csv")

## --- omega ----------------------------------------------------------------------------------
om_stats <- function(o) c(o$omega_h, o$omega.tot, o$omega.lim, o$alpha, o$G6, o$ECV)
o_bfi <- omega(r_bfi, nfactors = 3, n.obs = nrow(bfi25), plot = FALSE)
wm(matrix(om_stats(o_bfi), 1), "omega_bfi25.csv")
wm(as.matrix(o_bfi$omega.group), "omega_bfi25_group.csv")
wm(o_bfi$schmid$sl, "omega_bfi25_sl.csv")
o_two <- omega(r_two, nfactors = 3, n.obs = nrow(two), plot = FALSE)
wm(matrix(om_stats(o_two), 1), "omega_two.csv")
wm(as.matrix(o_two$omega.group), "omega_two_group.csv")
o_two2 <- suppressMessages(omega(r_two, nfactors = 2, n.obs = nrow(two), plot = FALSE))
wm(matrix(om_stats(o_two2), 1), "omega_two_2f.csv")
o_bfi_n <- omega(r_bfi[1:5, 1:5], nfactors = 1, n.obs = nrow(bfi25), plot = FALSE)
wm(matrix(c(o_bfi_n$omega.tot, o_bfi_n$alpha), 1), "omega_bfi_A_1f.csv")
# ordinal alpha / ordinal omega on the polychoric matrix of the two-factor data, first 5 items
pr <- p_two$rho[1:5, 1:5]
wm(matrix(c(alpha(pr, warnings = FALSE)$total$std.alpha,
            omega(pr, nfactors = 1, plot = FALSE)$omega.tot), 1), "ordinal_two_sub1.csv")
# omega with ML extraction on bfi
o_bfi_ml <- omega(r_bfi, nfactors = 3, fm = "ml", n.obs = nrow(bfi25), plot = FALSE)
wm(matrix(om_stats(o_bfi_ml), 1), "omega_bfi25_ml.csv")
cat("done\n")
