# Golden values of the EFA fit block (analyses/factor_fit.hpp) and of parallel analysis: R psych
# 2.2.9 `fa` (its fa.stats, alpha = 0.1: 90% RMSEA interval) on raw data, with its np.obs =
# pairwiseCount(x). Run from the repository root:  Rscript tests/golden/factor_fit.R
# Writes tests/data/factor/fit_<data>_<fm>.csv (statistic, value; 17 significant digits) and
# fit_parallel.csv (psych fa.parallel's suggested numbers of factors and components).
# CI never runs this script; its outputs are committed.
suppressPackageStartupMessages({ library(psych); library(GPArotation) })
out <- "tests/data/factor"
bfi25 <- as.matrix(read.csv(file.path(out, "bfi25.csv")))
sample <- read.csv("examples/data/ecr-r-sample.csv")
reversed <- paste0("Q", c(9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36))
ecr <- as.matrix(sample[, paste0("Q", 1:36)])
ecr[, reversed] <- 8 - ecr[, reversed]

write_fit <- function(f, name) {
  v <- c(objective = f$objective, chisq = f$STATISTIC, df = f$dof, pvalue = f$PVAL,
         null_chisq = f$null.chisq, null_df = f$null.dof, tli = f$TLI,
         rmsea = f$RMSEA[["RMSEA"]], rmsea_lower = f$RMSEA[["lower"]], rmsea_upper = f$RMSEA[["upper"]],
         bic = f$BIC, empirical_chisq = f$chi, empirical_pvalue = f$EPVAL, empirical_bic = f$EBIC,
         rmsr = f$rms, crms = f$crms, n_obs = f$n.obs, n_harmonic = f$nh)
  write.csv(data.frame(stat = names(v), value = format(unname(v), digits = 17)), file.path(out, name),
            row.names = FALSE, quote = FALSE)
}
write_fit(fa(bfi25, nfactors = 5, fm = "minres", rotate = "oblimin"), "fit_bfi25_minres.csv")
write_fit(fa(bfi25, nfactors = 5, fm = "ml", rotate = "oblimin"), "fit_bfi25_ml.csv")
write_fit(fa(ecr, nfactors = 2, fm = "minres", rotate = "oblimin"), "fit_ecr_r_sample_minres.csv")

# Parallel analysis is random: its suggestion is compared, not its eigenvalues. attune's rule is
# fa.parallel's with SMC = TRUE (factor eigenvalues of R with SMCs on the diagonal) and quant = .95;
# psych's defaults (SMC = FALSE: the eigenvalues of a one-factor fit; the mean simulated
# eigenvalue) are recorded too.
pa <- function(x, ...) { set.seed(1); fa.parallel(x, fm = "minres", fa = "both", n.iter = 100, plot = FALSE, ...) }
p_bfi <- pa(bfi25, SMC = TRUE, quant = .95); d_bfi <- pa(bfi25)
p_ecr <- pa(ecr, SMC = TRUE, quant = .95); d_ecr <- pa(ecr)
write.csv(data.frame(data = c("bfi25", "ecr_r_sample"), nfact = c(p_bfi$nfact, p_ecr$nfact),
                     ncomp = c(p_bfi$ncomp, p_ecr$ncomp), default_nfact = c(d_bfi$nfact, d_ecr$nfact),
                     default_ncomp = c(d_bfi$ncomp, d_ecr$ncomp)),
          file.path(out, "fit_parallel.csv"), row.names = FALSE, quote = FALSE)
