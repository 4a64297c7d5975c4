#!/usr/bin/env bash
# Side-by-side timing of the whole command, file to output, in one run (issue 11):
#   1. `attune reliability --format json` against `--format table` on 100,000 x 18   target <= 1.5x
#   2. the JSON path against R's read.csv + psych::alpha on the same file           target >= 50x
#   3. `--ci bootstrap_bca --bootstrap 1000` on 10,000 x 18 against
#      read.csv + psych::alpha(n.iter = 1000)                                      target >= 100x
#   4. the JSON path on 1,000,000 x 36 (`attune simulate --instrument ecr-r`, 2% missing; the
#      instrument's two subscales of 18, omega included) against read.csv + psych::alpha of the
#      36 columns as one scale (a smaller task for psych)                          target >= 50x
#      (issue 18), also with --threads 1 and 2 (the speed-up of the parallel reader)
#
#   bench/compare_reliability_cli.sh [path/to/attune] [N]  (default: build/ci/attune, a Release
#   build; N = 1,000,000 rows for item 4)
#
# Each figure is the median of 3 runs (1 for psych's bootstrap and for item 4). psych's bootstrap
# runs on mclapply with mc.cores = 2; attune's with --threads 0 (all cores) on the same 2-core
# machine. Elapsed (wall) time is given, and for items 2 and 4 also CPU time (user + sys), which
# a loaded shared machine disturbs less.
source "$(dirname "$0")/common.sh" || exit 1
attune=${1:-$here/build/ci/attune}
n_big=${2:-1000000}
need_executable "$attune"
need_r_packages psych
need_gnu_time
"$attune" simulate --instrument ecr-r -n "$n_big" --seed 20261202 -o "$tmp/big.csv"

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
# cpu_s CMD...: "elapsed_s cpu_s" of one run (GNU time).
cpu_s() {
  /usr/bin/time -f "%e %U %S" -o "$tmp/time.txt" "$@" > /dev/null
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$tmp/time.txt"
}
common=(reliability --items Q1-Q18 --scale 1-5 --threads 0)
read -r e_alpha c_alpha < <(cpu_s "$attune" "${common[@]}" "$tmp/alpha.csv" --format json)
read -r e_big1 c_big1 < <(cpu_s "$attune" reliability "$tmp/big.csv" --instrument ecr-r --format json --threads 1)
read -r e_big2 c_big2 < <(cpu_s "$attune" reliability "$tmp/big.csv" --instrument ecr-r --format json --threads 2)
t_table=$(median_ms "$attune" "${common[@]}" "$tmp/alpha.csv" --format table)
t_json=$(median_ms "$attune" "${common[@]}" "$tmp/alpha.csv" --format json)
t_bca=$(median_ms "$attune" "${common[@]}" "$tmp/boot.csv" --format json --ci bootstrap_bca --bootstrap 1000)

read -r r_alpha r_boot r_alpha_cpu r_big r_big_cpu < <(Rscript --vanilla - "$tmp" <<'RS'
suppressPackageStartupMessages(library(psych))
dir <- commandArgs(trailingOnly = TRUE)[1]
options(mc.cores = 2)
med <- function(reps, f) median(sapply(1:reps, function(i) system.time(f())[["elapsed"]]))
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
t1 <- med(3, function() psych::alpha(read.csv(file.path(dir, "alpha.csv")), warnings = FALSE))
t2 <- med(1, function() psych::alpha(read.csv(file.path(dir, "boot.csv")), n.iter = 1000, warnings = FALSE))
c1 <- cpu(system.time(psych::alpha(read.csv(file.path(dir, "alpha.csv")), warnings = FALSE)))
tb <- system.time(psych::alpha(read.csv(file.path(dir, "big.csv"))[, paste0("Q", 1:36)], warnings = FALSE,
                               check.keys = FALSE))
cat(t1 * 1000, t2 * 1000, c1, tb[["elapsed"]], cpu(tb), "\n")
RS
)

echo "attune reliability (CLI, whole command) vs R read.csv + psych $(Rscript -e 'cat(format(packageVersion("psych")))' 2>/dev/null), same data, same run (ms)"
printf '  %-58s %10s %10s %8s %8s\n' "task" "peer" "attune" "ratio" "target"
awk -v r="$t_table" -v a="$t_json" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.2fx %8s\n", "--format json vs --format table, 100,000 x 18", r, a, a / r, "<=1.5x" }'
awk -v r="$r_alpha" -v a="$t_json" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "read.csv + psych::alpha vs --format json, 100,000 x 18", r, a, r / a, ">=50x" }'
awk -v r="$r_boot" -v a="$t_bca" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "alpha(n.iter = 1000) vs --ci bootstrap_bca, 10,000 x 18", r, a, r / a, ">=100x" }'
awk -v r="$r_alpha_cpu" -v a="$c_alpha" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "CPU time: read.csv + psych::alpha vs --format json, 100,000 x 18", r * 1000, a * 1000, r / a, ">=50x" }'
awk -v r="$r_big" -v a="$e_big2" -v n="$n_big" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "read.csv + psych::alpha vs --format json -j2, " n " x 36", r * 1000, a * 1000, r / a, ">=50x" }'
awk -v r="$r_big_cpu" -v a="$c_big2" -v n="$n_big" 'BEGIN { printf "  %-58s %10.0f %10.0f %7.0fx %8s\n", "CPU time: the same, " n " x 36", r * 1000, a * 1000, r / a, ">=50x" }'
awk -v e1="$e_big1" -v e2="$e_big2" -v c1="$c_big1" -v c2="$c_big2" 'BEGIN { printf "  attune reliability, 1,000,000 x 36: --threads 1 %.2f s (CPU %.2f s), --threads 2 %.2f s (CPU %.2f s): speed-up %.2fx\n", e1, c1, e2, c2, e1 / e2 }'
