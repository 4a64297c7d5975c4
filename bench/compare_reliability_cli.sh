#!/usr/bin/env bash
# Side-by-side timing of the whole command, file to output, in one run (issue 11):
#   1. `attune reliability --format json` against `--format table` on 100,000 x 18   target <= 1.5x
#   2. the JSON path against R's read.csv + psych::alpha on the same file           target >= 50x
#   3. `--ci bootstrap_bca --bootstrap 1000` on 10,000 x 18 against
#      read.csv + psych::alpha(n.iter = 1000)                                      target >= 100x
#
#   bench/compare_reliability_cli.sh [path/to/attune]      (default: build/ci/attune, a Release build)
#
# Each figure is the median of 3 runs (1 for psych's bootstrap). psych's bootstrap runs on
# mclapply with mc.cores = 2; attune's with --threads 0 (all cores) on the same 2-core machine.
source "$(dirname "$0")/common.sh" || exit 1
attune=${1:-$here/build/ci/attune}
need_executable "$attune"
need_r_packages psych

Rscript --vanilla - "$tmp" "$here" <<'RS'
dir <- commandArgs(trailingOnly = TRUE)[1]
source(file.path(commandArgs(trailingOnly = TRUE)[2], "bench", "likert_data.R"))
write.csv(gen(100000, 18, 1), file.path(dir, "alpha.csv"), row.names = FALSE, quote = FALSE)
write.csv(gen(10000, 18, 2), file.path(dir, "boot.csv"), row.names = FALSE, quote = FALSE)
RS

# median_ms CMD...: median wall time of 3 runs, in ms.
median_ms() {
  local t=()
  for _ in 1 2 3; do
    local s=$(date +%s%N); "$@" > /dev/null; local e=$(date +%s%N)
    t+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
common=(reliability --items Q1-Q18 --scale 1-5 --threads 0)
t_table=$(median_ms "$attune" "${common[@]}" "$tmp/alpha.csv" --format table)
t_json=$(median_ms "$attune" "${common[@]}" "$tmp/alpha.csv" --format json)
t_bca=$(median_ms "$attune" "${common[@]}" "$tmp/boot.csv" --format json --ci bootstrap_bca --bootstrap 1000)

read -r r_alpha r_boot < <(Rscript --vanilla - "$tmp" <<'RS'
suppressPackageStartupMessages(library(psych))
dir <- commandArgs(trailingOnly = TRUE)[1]
options(mc.cores = 2)
med <- function(reps, f) median(sapply(1:reps, function(i) system.time(f())[["elapsed"]]))
t1 <- med(3, function() psych::alpha(read.csv(file.path(dir, "alpha.csv")), warnings = FALSE))
t2 <- med(1, function() psych::alpha(read.csv(file.path(dir, "boot.csv")), n.iter = 1000, warnings = FALSE))
cat(t1 * 1000, t2 * 1000, "\n")
RS
)

echo "attune reliability (CLI, whole command) vs R read.csv + psych $(Rscript -e 'cat(format(packageVersion("psych")))' 2>/dev/null), same data, same run (ms)"
printf '  %-58s %10s %10s %8s %8s\n' "task" "peer" "attune" "ratio" "target"
awk -v r="$t_table" -v a="$t_json" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.2fx %8s\n", "--format json vs --format table, 100,000 x 18", r, a, a / r, "<=1.5x" }'
awk -v r="$r_alpha" -v a="$t_json" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "read.csv + psych::alpha vs --format json, 100,000 x 18", r, a, r / a, ">=50x" }'
awk -v r="$r_boot" -v a="$t_bca" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "alpha(n.iter = 1000) vs --ci bootstrap_bca, 10,000 x 18", r, a, r / a, ">=100x" }'
