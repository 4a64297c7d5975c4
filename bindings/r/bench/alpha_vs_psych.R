# attune_alpha against psych::alpha in one R session: 100,000 respondents x 18 items, 1-7,
# simulated from one factor, 2% of answers missing. Prints each median time (of 3 runs) and the
# ratio. usage: Rscript bindings/r/bench/alpha_vs_psych.R [rows] [threads]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.integer(args[1]) else 100000L
threads <- if (length(args) >= 2) as.integer(args[2]) else 0L
k <- 18L
set.seed(1)
theta <- rnorm(n)
x <- sapply(seq_len(k), function(j) pmin(7, pmax(1, round(4 + 1.2 * (0.7 * theta + rnorm(n, sd = 0.7))))))
x[sample(length(x), round(0.02 * length(x)))] <- NA
df <- as.data.frame(x)
names(df) <- paste0("Q", seq_len(k))

time <- function(f) median(vapply(1:3, function(i) system.time(f())[["elapsed"]], 0))
t_attune <- time(function() attune::attune_alpha(df, threads = threads))
t_psych <- time(function() psych::alpha(df, warnings = FALSE))
a <- attune::attune_alpha(df, threads = threads)
p <- psych::alpha(df, warnings = FALSE)
cat(sprintf("%d x %d, 2%% missing; threads = %d (0 = all cores)\n", n, k, threads))
cat(sprintf("raw_alpha: attune %.12f, psych %.12f (difference %.1e)\n", a$raw_alpha, p$total$raw_alpha,
            abs(a$raw_alpha - p$total$raw_alpha)))
cat(sprintf("attune_alpha %.3f s, psych::alpha %.3f s: attune is %.1fx faster\n", t_attune, t_psych, t_psych / t_attune))
