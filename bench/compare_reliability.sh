#!/usr/bin/env bash
# Side-by-side timing: attune's reliability module vs R psych on the same generated data, in one run.
#
#   bench/compare_reliability.sh [path/to/reliability_bench]
#
# Default bench: build/release/bench/reliability_bench. Needs R with psych. R generates one-factor
# Likert data (1..5) and writes it as CSV; psych and attune (reading those CSV files through
# ATTUNE_BENCH_RELIABILITY_DIR) analyse the same data. Timed, with the issue-3 targets:
#   1. psych::alpha(x) on 100,000 x 18 (full alpha with item analysis)   target >= 50x
#   2. psych::alpha(x, n.iter = 1000) on 10,000 x 18 (bootstrap)           target >= 100x
#      (both sides: the full analysis plus 1,000 replicates and their percentile interval)
#   3. psych::splitHalf(x) on 1,000 x 16 (exhaustive: 6,435 splits)       target >= 20x
# R: median elapsed time of several runs (psych's bootstrap uses mclapply with
# getOption("mc.cores", 2) cores); attune: Google Benchmark's mean (bootstrap with 1 and 2 threads).
source "$(dirname "$0")/common.sh" || exit 1
bench=${1:-$here/build/release/bench/reliability_bench}
need_executable "$bench"
need_r_packages psych

Rscript --vanilla - "$tmp" "$here" > "$tmp/r.txt" <<'RS'
suppressPackageStartupMessages(library(psych))
dir <- commandArgs(trailingOnly = TRUE)[1]
source(file.path(commandArgs(trailingOnly = TRUE)[2], "bench", "likert_data.R"))
a <- gen(100000, 18, 1); b <- gen(10000, 18, 2); s <- gen(1000, 16, 3)
write.csv(a, file.path(dir, "alpha.csv"), row.names = FALSE, quote = FALSE)
write.csv(b, file.path(dir, "boot.csv"), row.names = FALSE, quote = FALSE)
write.csv(s, file.path(dir, "split16.csv"), row.names = FALSE, quote = FALSE)
a <- as.data.frame(read.csv(file.path(dir, "alpha.csv")))
b <- as.data.frame(read.csv(file.path(dir, "boot.csv")))
s <- as.data.frame(read.csv(file.path(dir, "split16.csv")))
med <- function(reps, f) median(sapply(1:reps, function(i) system.time(f())[["elapsed"]]))
options(mc.cores = 2)
t_alpha <- med(3, function() r1 <<- psych::alpha(a, warnings = FALSE))
t_alpha_b <- med(3, function() psych::alpha(b, warnings = FALSE))
t_boot <- med(1, function() psych::alpha(b, n.iter = 1000, warnings = FALSE))
t_split <- med(3, function() r3 <<- psych::splitHalf(s, check.keys = FALSE))
cat(t_alpha * 1000, t_boot * 1000, t_alpha_b * 1000, t_split * 1000, r1$total$raw_alpha, r3$maxrb, "\n")
RS
read -r r_alpha r_boot r_alpha_b r_split r_alpha_value r_split_max < "$tmp/r.txt"

ATTUNE_BENCH_RELIABILITY_DIR=$tmp "$bench" --benchmark_filter='_file' --benchmark_format=csv \
  --benchmark_min_time=1 2>/dev/null > "$tmp/a.csv"
field() { grep "^\"$1\"" "$tmp/a.csv" | head -1 | cut -d, -f"$2"; }
a_alpha=$(field 'BM_alpha_file' 3)
a_alpha_label=$(grep '^"BM_alpha_file"' "$tmp/a.csv" | sed -n 's/.*alpha=\([0-9.]*\).*/\1/p')
a_boot1=$(field 'BM_bootstrap_file/1' 3)
a_boot2=$(field 'BM_bootstrap_file/2' 3)
a_split=$(field 'BM_split16_file' 3)
a_split_label=$(grep '^"BM_split16_file"' "$tmp/a.csv" | sed -n 's/.*max=\([0-9.]*\).*/\1/p')

echo "reliability: psych $(Rscript -e 'cat(format(packageVersion("psych")))' 2>/dev/null) vs attune, same data, same run (times in ms)"
printf '  %-44s %12s %12s %9s %8s\n' "task" "psych" "attune" "ratio" "target"
awk -v r="$r_alpha" -v a="$a_alpha" 'BEGIN { printf "  %-44s %12.1f %12.2f %8.0fx %8s\n", "alpha + item analysis, 100,000 x 18", r, a, r / a, ">=50x" }'
awk -v r="$r_boot" -v a="$a_boot1" 'BEGIN { printf "  %-44s %12.1f %12.2f %8.0fx %8s\n", "alpha + 1,000 bootstraps, 10,000 x 18 (1 thr)", r, a, r / a, ">=100x" }'
awk -v r="$r_boot" -v a="$a_boot2" 'BEGIN { printf "  %-44s %12.1f %12.2f %8.0fx %8s\n", "alpha + 1,000 bootstraps, 10,000 x 18 (2 thr)", r, a, r / a, ">=100x" }'
awk -v r="$r_split" -v a="$a_split" 'BEGIN { printf "  %-44s %12.1f %12.2f %8.0fx %8s\n", "splitHalf, 16 items (all 6,435 splits)", r, a, r / a, ">=20x" }'
echo "  check: alpha psych $r_alpha_value attune $a_alpha_label; best split psych $r_split_max attune $a_split_label"
echo "  (psych alpha alone on 10,000 x 18: $r_alpha_b ms; psych's bootstrap runs on mc.cores = 2)"
