# Golden values for attune's confirmatory factor analysis (src/cfa.cpp, tests/cfa_test.cpp).
#
#   Rscript tests/golden/cfa.R        (from the repository root)
#
# Reference: lavaan 0.6.14, lavaan::cfa(model, data, std.lv = TRUE): ML on the biased sample
# covariance (likelihood = "normal"), expected information, listwise deletion, correlated factors.
# Writes under tests/data/cfa/ (jsonlite is not installed: plain CSV, 17 significant digits):
#   <set>_data.csv        the data the model was fitted to (generated or psychTools::bfi columns)
#   <set>_estimates.csv   parameterEstimates() of the free parameters + standardizedSolution() std.all
#   <set>_fit.csv         fitMeasures() (name,value)
# Sets: twofactor (generated, 2 x 5 items, N = 500), bfi (A1-A5 with A1 reverse keyed, N1-N5,
# psychTools::bfi, listwise by lavaan), heywood (covariance input, one factor, 3 items, a negative
# residual variance), threefactor (generated, 3 x 4 items, N = 300, a few missing answers),
# weak (generated, 2 x 6 items with loadings ~0.3, N = 300), ecr-r-sample (examples/data/ecr-r-sample.csv keyed
# as the built-in ECR-R; for the CLI test).
suppressPackageStartupMessages({ library(lavaan); library(psychTools) })
stopifnot(packageVersion("lavaan") == "0.6.14")
out <- "tests/data/cfa"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
fmt <- function(x) ifelse(is.na(x), "NA", trimws(formatC(x, digits = 17, format = "g")))

write_fit <- function(fit, set) {
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  free <- pe$op %in% c("=~", "~~") & !(pe$op == "~~" & pe$lhs == pe$rhs & pe$lhs %in% lavNames(fit, "lv"))
  est <- data.frame(op = pe$op[free], lhs = pe$lhs[free], rhs = pe$rhs[free],
                    est = fmt(pe$est[free]), se = fmt(pe$se[free]), z = fmt(pe$z[free]),
                    pvalue = fmt(pe$pvalue[free]), std_all = fmt(ss$est.std[free]),
                    std_all_se = fmt(ss$se[free]))
  write.csv(est, file.path(out, paste0(set, "_estimates.csv")), row.names = FALSE, quote = FALSE)
  names <- c("npar", "fmin", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
             "baseline.pvalue", "cfi", "tli", "logl", "unrestricted.logl", "aic", "bic", "ntotal",
             "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "srmr")
  fm <- fitMeasures(fit, names)
  write.csv(data.frame(name = names, value = fmt(unname(fm))),
            file.path(out, paste0(set, "_fit.csv")), row.names = FALSE, quote = FALSE)
}

write_data <- function(d, set) {
  write.csv(d, file.path(out, paste0(set, "_data.csv")), row.names = FALSE, quote = FALSE, na = "")
  read.csv(file.path(out, paste0(set, "_data.csv")))  # fit what was written
}

likert <- function(x) pmin(7, pmax(1, round(4 + 1.3 * x)))

# --- twofactor: 2 correlated factors (r = 0.4), 5 items each, N = 500, answers 1-7; the data
# misfit the model a little (x5 also loads on F2, y1 and y2 share residual variance) so that
# chi-square > df and RMSEA, CFI, TLI are not at their bounds.
set.seed(20240601)
n <- 500
f <- matrix(rnorm(n * 2), n, 2) %*% chol(matrix(c(1, .4, .4, 1), 2))
lam <- c(.8, .7, .6, .7, .5)
x <- cbind(sapply(lam, function(l) likert(l * f[, 1] + sqrt(1 - l^2) * rnorm(n))),
           sapply(rev(lam), function(l) likert(l * f[, 2] + sqrt(1 - l^2) * rnorm(n))))
e <- rnorm(n)
x[, 5] <- likert(.5 * f[, 1] + .4 * f[, 2] + .7 * rnorm(n))
x[, 6] <- likert(.5 * f[, 2] + .5 * e + .6 * rnorm(n))
x[, 7] <- likert(.6 * f[, 2] + .5 * e + .5 * rnorm(n))
colnames(x) <- c(paste0("x", 1:5), paste0("y", 1:5))
d <- write_data(as.data.frame(x), "twofactor")
write_fit(cfa("F1 =~ x1 + x2 + x3 + x4 + x5\nF2 =~ y1 + y2 + y3 + y4 + y5", d, std.lv = TRUE),
          "twofactor")

# --- bfi: agreeableness (A1 reverse keyed: 7 - x on 1-6) and neuroticism, raw with NA
b <- psychTools::bfi[, c(paste0("A", 1:5), paste0("N", 1:5))]
b$A1 <- 7 - b$A1
d <- write_data(b, "bfi")
write_fit(cfa("A =~ A1 + A2 + A3 + A4 + A5\nN =~ N1 + N2 + N3 + N4 + N5", d, std.lv = TRUE), "bfi")

# --- threefactor: 3 factors x 4 items, N = 300, about 2% of answers missing (listwise)
set.seed(7)
n <- 300
phi <- matrix(c(1, .3, .5, .3, 1, .2, .5, .2, 1), 3)
f <- matrix(rnorm(n * 3), n, 3) %*% chol(phi)
x <- do.call(cbind, lapply(1:3, function(j)
  sapply(c(.75, .65, .55, .45), function(l) likert(l * f[, j] + sqrt(1 - l^2) * rnorm(n)))))
x[sample(length(x), round(0.02 * length(x)))] <- NA
colnames(x) <- paste0("i", 1:12)
d <- write_data(as.data.frame(x), "threefactor")
write_fit(cfa("G1 =~ i1 + i2 + i3 + i4\nG2 =~ i5 + i6 + i7 + i8\nG3 =~ i9 + i10 + i11 + i12", d,
              std.lv = TRUE), "threefactor")

# --- weak: two factors that barely exist (loadings about 0.3, 1-7 answers), N = 300: a weakly
# identified model on which Fisher scoring alone converges slowly (attune switches to Newton).
set.seed(11)
n <- 300
f <- matrix(rnorm(n * 2), n, 2)
x <- cbind(sapply(1:6, function(i) likert(.3 * f[, 1] + rnorm(n))),
           sapply(1:6, function(i) likert(.3 * f[, 2] + rnorm(n))))
colnames(x) <- paste0("w", 1:12)
d <- write_data(as.data.frame(x), "weak")
write_fit(cfa("W1 =~ w1 + w2 + w3 + w4 + w5 + w6\nW2 =~ w7 + w8 + w9 + w10 + w11 + w12", d, std.lv = TRUE), "weak")

# --- heywood: covariance input (divisor N, not rescaled), N = 200; lambda1^2 = .8 * .8 / .5 > 1
S <- matrix(c(1, .8, .8, .8, 1, .5, .8, .5, 1), 3, dimnames = list(paste0("h", 1:3), paste0("h", 1:3)))
write.csv(S, file.path(out, "heywood_cov.csv"), quote = FALSE)
fit <- suppressWarnings(cfa("H =~ h1 + h2 + h3", sample.cov = S, sample.nobs = 200,
                            sample.cov.rescale = FALSE, std.lv = TRUE))
write_fit(fit, "heywood")
# --- ecr-r-sample: the CLI end to end (tests/cli_factor_test.cpp): examples/data/ecr-r-sample.csv
# keyed as attune's built-in ECR-R (reverse keyed: 9, 11, 20, 22, 26-31, 33-36; 8 - x on 1-7),
# anxiety = Q1-Q18, avoidance = Q19-Q36, listwise. No data copy: the file is in examples/.
d <- read.csv("examples/data/ecr-r-sample.csv")
for (v in paste0("Q", c(9, 11, 20, 22, 26:31, 33:36))) d[[v]] <- 8 - d[[v]]
write_fit(cfa(paste0("anxiety =~ ", paste0("Q", 1:18, collapse = " + "), "\n",
                     "avoidance =~ ", paste0("Q", 19:36, collapse = " + ")), d, std.lv = TRUE),
          "ecr-r-sample")
cat("wrote", out, "\n")
