# Golden values for tests/classify_test.cpp and tests/change_test.cpp, computed in base R
# (R 4.2.2; no package needed). Run from the repository root:
#   Rscript tests/golden/classify.R
# Writes tests/data/classify/fisher.csv and tests/data/change/rci.csv (17 significant digits).
#
# Fisher: Brennan, Clark & Shaver (1998) classification functions as given in
# reference/instruments.md section 1 (majority coefficients), on a 0.25 grid of the 1-7 plane plus
# fixed points; probabilities = softmax with equal priors; style = first maximum.
# RCI: Jacobson & Truax (1991), RCI = (x2 - x1) / (SD * sqrt(2) * sqrt(1 - r)); cut-offs a, b, c.
out <- "tests/data/classify"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
dir.create("tests/data/change", showWarnings = FALSE, recursive = TRUE)
g <- function(x) sprintf("%.17g", x)

co <- rbind(secure      = c(3.2893296, 5.4725318, -11.5307833),
            preoccupied = c(3.9246754, 9.7102446, -28.4573220),
            dismissing  = c(7.3654621, 4.9392039, -22.2281088),
            fearful     = c(7.2371075, 8.1776448, -32.3553266))
grid <- expand.grid(avoidance = seq(1, 7, by = 0.25), anxiety = seq(1, 7, by = 0.25))
grid <- rbind(grid, data.frame(avoidance = c(3.1, 2.95, 4.4, 5.05), anxiety = c(3.05, 4.2, 3.3, 6.6)))
f <- cbind(grid$avoidance, grid$anxiety, 1) %*% t(co)
e <- exp(f - apply(f, 1, max))
p <- e / rowSums(e)
style <- rownames(co)[max.col(f, ties.method = "first")]
d <- data.frame(anxiety = g(grid$anxiety), avoidance = g(grid$avoidance),
                f_secure = g(f[, 1]), f_preoccupied = g(f[, 2]), f_dismissing = g(f[, 3]), f_fearful = g(f[, 4]),
                p_secure = g(p[, 1]), p_preoccupied = g(p[, 2]), p_dismissing = g(p[, 3]), p_fearful = g(p[, 4]),
                style = style)
write.csv(d, file.path(out, "fisher.csv"), row.names = FALSE, quote = FALSE)

# RCI cases: before, after, SD, reliability.
cases <- data.frame(before = c(4.5, 4.5, 3.2, 5.1, 2.0, 6.0, 3.3),
                    after  = c(3.2, 4.2, 4.5, 3.05, 2.9, 5.5, 3.3),
                    sd     = c(1.1, 1.1, 1.1, 0.84, 0.8, 1.3, 1.0),
                    r      = c(0.9, 0.9, 0.9, 0.938, 0.7, 0.85, 0.5))
sdiff <- cases$sd * sqrt(2) * sqrt(1 - cases$r)
rci <- (cases$after - cases$before) / sdiff
category <- ifelse(abs(rci) <= qnorm(0.975), "no_reliable_change",
                   ifelse(rci < 0, "reliably_improved", "reliably_deteriorated"))  # lower is better
write.csv(data.frame(before = g(cases$before), after = g(cases$after), sd = g(cases$sd), r = g(cases$r),
                     s_diff = g(sdiff), rci = g(rci), category = category),
          file.path("tests/data/change", "rci.csv"), row.names = FALSE, quote = FALSE)
