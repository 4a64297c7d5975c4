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
# Both sides are timed by `perf stat -r N` in the same run: CPU time (task-clock, every thread) and
# wall (elapsed) time, means of N runs (REPS=10 for attune, 3 for R's 100,000 x 18, 1 for psych's
# bootstrap and for item 4). R's figures are those of an Rscript running the task minus those of an
# Rscript that only loads psych (R's start-up is not the task). psych's bootstrap runs on mclapply
# with mc.cores = 2; attune's with --threads 0 (all cores) on the same 2-core machine. CPU time is
# what a loaded shared machine disturbs less; wall time is what the targets name.
source "$(dirname "$0")/common.sh" || exit 1
attune=${1:-$here/build/ci/attune}
n_big=${2:-1000000}
need_executable "$attune"
need_r_packages psych
command -v perf > /dev/null || { echo "$script: perf not found (apt-get install linux-perf)" >&2; exit 1; }
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
"$attune" simulate --instrument ecr-r -n "$n_big" --seed 20261202 -o "$tmp/big.csv"

Rscript --vanilla - "$tmp" "$here" <<'RS'
dir <- commandArgs(trailingOnly = TRUE)[1]
source(file.path(commandArgs(trailingOnly = TRUE)[2], "bench", "likert_data.R"))
write.csv(gen(100000, 18, 1), file.path(dir, "alpha.csv"), row.names = FALSE, quote = FALSE)
write.csv(gen(10000, 18, 2), file.path(dir, "boot.csv"), row.names = FALSE, quote = FALSE)
RS

# perf_stat N CMD...: "cpu_ms wall_ms" of CMD, means of N runs from `perf stat -r N`: task-clock
# (the CPU time of every thread) and the elapsed time, to 0.01 ms instead of GNU time's 10 ms steps.
perf_stat() {
  local n=$1
  shift
  perf stat -r "$n" -e task-clock -o "$tmp/perf.txt" "$@" > /dev/null
  awk '/task-clock/ { cpu = $1 } /seconds time elapsed/ { wall = $1 * 1000 }
       END { gsub(",", "", cpu); printf "%.2f %.2f\n", cpu, wall }' "$tmp/perf.txt"
}
# r_task N CODE: "cpu_ms wall_ms" of CODE under Rscript (psych loaded, mc.cores = 2): perf stat of
# an Rscript that runs CODE minus that of one that only loads psych (R's start-up is not the task).
r_task() {
  printf '%s\n' 'suppressPackageStartupMessages(library(psych))' 'options(mc.cores = 2)' > "$tmp/base.R"
  cp "$tmp/base.R" "$tmp/task.R"
  printf '%s\n' "$2" >> "$tmp/task.R"
  local c0 w0 c1 w1
  read -r c0 w0 < <(perf_stat "$1" Rscript --vanilla "$tmp/base.R")
  read -r c1 w1 < <(perf_stat "$1" Rscript --vanilla "$tmp/task.R")
  awk -v c0="$c0" -v w0="$w0" -v c1="$c1" -v w1="$w1" 'BEGIN { printf "%.2f %.2f\n", c1 - c0, w1 - w0 }'
}
common=(reliability --items Q1-Q18 --scale 1-5 --threads 0)
reps=${REPS:-10}
read -r c_table w_table < <(perf_stat "$reps" "$attune" "${common[@]}" "$tmp/alpha.csv" --format table)
read -r c_json w_json < <(perf_stat "$reps" "$attune" "${common[@]}" "$tmp/alpha.csv" --format json)
read -r c_json1 w_json1 < <(perf_stat "$reps" "$attune" "${common[@]:0:5}" --threads 1 "$tmp/alpha.csv" --format json)
read -r c_bca w_bca < <(perf_stat "$reps" "$attune" "${common[@]}" "$tmp/boot.csv" --format json --ci bootstrap_bca --bootstrap 1000)
read -r c_big1 w_big1 < <(perf_stat 1 "$attune" reliability "$tmp/big.csv" --instrument ecr-r --format json --threads 1)
read -r c_big2 w_big2 < <(perf_stat 1 "$attune" reliability "$tmp/big.csv" --instrument ecr-r --format json --threads 2)
read -r r_alpha_cpu r_alpha < <(r_task 3 "invisible(psych::alpha(read.csv('$tmp/alpha.csv'), warnings = FALSE))")
read -r r_boot_cpu r_boot < <(r_task 1 "invisible(psych::alpha(read.csv('$tmp/boot.csv'), n.iter = 1000, warnings = FALSE))")
read -r r_big_cpu r_big < <(r_task 1 "invisible(psych::alpha(read.csv('$tmp/big.csv')[, paste0('Q', 1:36)], warnings = FALSE, check.keys = FALSE))")

echo "attune reliability (CLI, whole command) vs R read.csv + psych $(Rscript -e 'cat(format(packageVersion("psych")))' 2>/dev/null), same data, same run"
echo "(perf stat: CPU = task-clock of all threads, wall = elapsed; attune: mean of $reps runs, 1 for $n_big rows; R: mean of 3, 1 for the bootstrap and $n_big rows, minus R's start-up and library(psych))"
printf '  %-62s %10s %10s %8s %8s\n' "task (ms)" "peer" "attune" "ratio" "target"
row() { awk -v t="$1" -v r="$2" -v a="$3" -v g="$4" 'BEGIN { printf "  %-62s %10.1f %10.1f %7.2fx %8s\n", t, r, a, r / a, g }'; }
row "wall: --format table vs --format json, 100,000 x 18" "$w_table" "$w_json" ">=0.67x"
row "CPU: --format table vs --format json, 100,000 x 18" "$c_table" "$c_json" ""
row "CPU: read.csv + psych::alpha vs --format json, 100,000 x 18" "$r_alpha_cpu" "$c_json" ">=50x"
row "CPU: the same, attune --threads 1" "$r_alpha_cpu" "$c_json1" ">=50x"
row "wall: read.csv + psych::alpha vs --format json, 100,000 x 18" "$r_alpha" "$w_json" ">=50x"
row "wall: alpha(n.iter = 1000) vs --ci bootstrap_bca, 10,000 x 18" "$r_boot" "$w_bca" ">=100x"
row "CPU: alpha(n.iter = 1000) vs --ci bootstrap_bca, 10,000 x 18" "$r_boot_cpu" "$c_bca" ""
row "wall: read.csv + psych::alpha vs --format json -j2, $n_big x 36" "$r_big" "$w_big2" ">=50x"
row "CPU: the same" "$r_big_cpu" "$c_big2" ">=50x"
awk -v n="$n_big" -v e1="$w_big1" -v e2="$w_big2" -v c1="$c_big1" -v c2="$c_big2" 'BEGIN { printf "  attune reliability, %s x 36: --threads 1 %.0f ms (CPU %.0f ms), --threads 2 %.0f ms (CPU %.0f ms): speed-up %.2fx\n", n, e1, c1, e2, c2, e1 / e2 }'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
