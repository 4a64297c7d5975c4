# Golden values of omega as `attune reliability` defines it per scale (issue 11): omega total of a
# one-factor model (psych omega(x, nfactors = 1)$omega.tot) and psych's default bifactor omega
# (omega(x): 3 group factors, minres, oblimin), on the keyed ECR-R subscales of the sample data
# and on the two-factor test data. Run from the repository root: Rscript tests/golden/omega_scales.R
# Reference: R psych 2.2.9 (Debian 12), GPArotation 2022.10-2. CI never runs this script.
suppressPackageStartupMessages({ library(psych); library(GPArotation) })
out <- "tests/data/study/omega_scales.csv"
sample <- read.csv("examples/data/ecr-r-sample.csv")
key <- function(x, reversed) { for (r in reversed) x[[r]] <- 8 - x[[r]]; x }
anx <- key(sample[paste0("Q", 1:18)], c("Q9", "Q11"))
avo <- key(sample[paste0("Q", 19:36)], c("Q20", "Q22", "Q26", "Q27", "Q28", "Q29", "Q30", "Q31", "Q33", "Q34", "Q35", "Q36"))
two <- read.csv("tests/data/factor/two_factor.csv")
row <- function(name, x) {
  one <- suppressMessages(suppressWarnings(omega(x, nfactors = 1, plot = FALSE)))
  bif <- suppressMessages(omega(x, plot = FALSE))
  data.frame(scale = name, omega_one_factor = one$omega.tot, omega_h = bif$omega_h, omega_total = bif$omega.tot,
             omega_lim = bif$omega.lim, ecv = bif$ECV)
}
res <- rbind(row("anxiety", anx), row("avoidance", avo), row("two", two))
write.csv(format(res, digits = 17), out, row.names = FALSE, quote = FALSE)
cat("psych", as.character(packageVersion("psych")), "\n")
