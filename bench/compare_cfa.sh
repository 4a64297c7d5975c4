#!/usr/bin/env bash
# Side-by-side timing: attune's confirmatory_factor_analysis vs lavaan::cfa(std.lv = TRUE) on the
# same generated data (two correlated factors, 18 + 18 items on 1-7, as the ECR-R), in one run.
#
#   bench/compare_cfa.sh [path/to/cfa_bench] [N]
#
# Defaults: build/release/bench/cfa_bench, N = 2000. Needs R with lavaan. Prints the median time
# of each (lavaan: median of 7 fits; attune: Google Benchmark's mean over its iterations), the
# ratio, and both chi-squares as a check that the two fitted the same model to the same data.
source "$(dirname "$0")/common.sh" || exit 1
bench=${1:-$here/build/release/bench/cfa_bench}
n=${2:-2000}
need_executable "$bench"
need_r_packages lavaan
data=$tmp/cfa36.csv

Rscript --vanilla - "$data" "$n" > "$tmp/r.txt" <<'RS'
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; n <- as.integer(args[2])
set.seed(36)
f1 <- rnorm(n); f2 <- 0.3 * f1 + sqrt(1 - 0.09) * rnorm(n)
lam <- 0.45 + 0.4 * (0:17) / 17
x <- cbind(sapply(lam, function(l) l * f1 + sqrt(1 - l^2) * rnorm(n)),
           sapply(lam, function(l) l * f2 + sqrt(1 - l^2) * rnorm(n)))
x[] <- pmin(7, pmax(1, round(4 + 1.4 * x)))
colnames(x) <- c(paste0("anx", 1:18), paste0("avo", 1:18))
write.csv(x, path, row.names = FALSE, quote = FALSE)
d <- read.csv(path)
model <- paste0("anxiety =~ ", paste(colnames(x)[1:18], collapse = " + "), "\n",
                "avoidance =~ ", paste(colnames(x)[19:36], collapse = " + "))
fit <- cfa(model, d, std.lv = TRUE)  # warm-up
times <- sapply(1:7, function(i) system.time(fit <- cfa(model, d, std.lv = TRUE))[["elapsed"]])
cat(median(times) * 1000, fitMeasures(fit, "chisq"), "\n")
RS
read -r r_ms r_chisq < "$tmp/r.txt"

ATTUNE_BENCH_CFA_DATA=$data "$bench" --benchmark_filter='BM_cfa_file' --benchmark_format=csv \
  --benchmark_min_time=1 2>/dev/null > "$tmp/a.csv"
# CSV columns: name,iterations,real_time,cpu_time,time_unit,...,label ("chisq=...")
a_line=$(grep '^"BM_cfa_file"' "$tmp/a.csv" | head -1)
a_ms=$(echo "$a_line" | cut -d, -f3)
a_chisq=$(echo "$a_line" | sed -n 's/.*chisq=\([0-9.]*\).*/\1/p')

echo "two-factor CFA, 36 items, N = $n (same data, same run)"
printf '  lavaan::cfa 0.6.14 : %10.2f ms   chisq %s\n' "$r_ms" "$r_chisq"
printf '  attune             : %10.3f ms   chisq %s\n' "$a_ms" "$a_chisq"
awk -v r="$r_ms" -v a="$a_ms" 'BEGIN { printf "  ratio lavaan/attune: %.1fx\n", r / a }'
