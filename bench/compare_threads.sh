#!/usr/bin/env bash
# The 2-core speed-up of the parallel work (issue 18, Must show: at least 1.7x for scoring a large
# file, for reliability with a bootstrap, and for quality): each command with --threads 1 against
# --threads 2, the same files, the same run.
#
#   bench/compare_threads.sh BUILD_DIR [N_SCORE] [N_BOOT] [N_QUALITY]
#
# BUILD_DIR holds the `attune` binary (a Release build: build/release or build/ci). Defaults:
# 1,000,000 rows for score, 100,000 x 18 for the bootstrap, 100,000 for quality.
#   1. `attune score` on an `attune simulate --instrument ecr-r` file (id + 36 items, 2% missing),
#      CSV out to a file: elapsed, CPU (user + sys) and MB/s of input per elapsed second.
#   2. `attune reliability --ci bootstrap_bca --bootstrap 1000` on 100,000 x 18 (bench/likert_data.R
#      when R is installed, else the first 18 items of an ECR-R simulation) in JSON.
#   3. `attune quality` (every index that needs no item bank, flags, validation report) on an
#      ECR-R simulation, CSV out.
# Each figure is the best of 3 runs (/usr/bin/time). The two outputs of each command must be
# byte-identical (results never depend on --threads); the script fails if they are not.
# Speed-up = elapsed(--threads 1) / elapsed(--threads 2). CPU > elapsed on --threads 2 shows that
# the two threads really ran at once. Run it on a quiet machine: the load average is printed
# first, and a load above 0.5 per core makes the wall-clock ratios meaningless.
source "$(dirname "$0")/common.sh" || exit 1
build=${1:?usage: bench/compare_threads.sh BUILD_DIR [N_SCORE] [N_BOOT] [N_QUALITY]}
attune=$build/attune
n_score=${2:-1000000}
n_boot=${3:-100000}
n_quality=${4:-100000}
need_executable "$attune"
need_gnu_time

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)   $(date -u '+%Y-%m-%d %H:%M UTC')"

"$attune" simulate --instrument ecr-r -n "$n_score" --seed 20261202 -o "$tmp/score.csv"
"$attune" simulate --instrument ecr-r -n "$n_quality" --seed 20261203 -o "$tmp/quality.csv"
if command -v Rscript > /dev/null &&
   Rscript --vanilla - "$tmp/boot.csv" "$here/bench/likert_data.R" "$n_boot" > /dev/null 2>&1 <<'RS'
a <- commandArgs(trailingOnly = TRUE)
source(a[2])
write.csv(gen(as.integer(a[3]), 18, 1), a[1], row.names = FALSE, quote = FALSE)
RS
then
  boot_args=(--items Q1-Q18 --scale 1-5)
else
  "$attune" simulate --instrument ecr-r -n "$n_boot" --seed 20261204 -o "$tmp/boot.csv"
  boot_args=(--items Q1-Q18 --scale 1-7)
fi

# best THREADS OUT CMD...: "elapsed_s cpu_s" of the fastest of 3 runs (by elapsed), the output in OUT.
best() {
  local threads=$1 out=$2
  shift 2
  local be="" bc=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time.txt" "$@" --threads "$threads" > "$out" 2> "$tmp/stderr.txt" ||
      { echo "$script: failed: $* --threads $threads" >&2; cat "$tmp/stderr.txt" >&2; exit 1; }
    read -r e u s < "$tmp/time.txt"
    local c
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
    if [ -z "$be" ] || awk -v a="$e" -v b="$be" 'BEGIN { exit !(a < b) }'; then be=$e; bc=$c; fi
  done
  echo "$be $bc"
}

# compare NAME BYTES CMD...: one line of the table (BYTES > 0: MB/s of input too).
compare() {
  local name=$1 bytes=$2
  shift 2
  read -r e1 c1 < <(best 1 "$tmp/out1" "$@")
  read -r e2 c2 < <(best 2 "$tmp/out2" "$@")
  cmp -s "$tmp/out1" "$tmp/out2" || { echo "$script: $name: --threads 1 and 2 give different output" >&2; exit 1; }
  awk -v n="$name" -v b="$bytes" -v e1="$e1" -v c1="$c1" -v e2="$e2" -v c2="$c2" 'BEGIN {
    mb1 = b > 0 && e1 > 0 ? sprintf("%.0f", b / 1e6 / e1) : "-"
    mb2 = b > 0 && e2 > 0 ? sprintf("%.0f", b / 1e6 / e2) : "-"
    printf "  %-44s %7.2f %7.2f %6s | %7.2f %7.2f %6s | %6.2fx %8s\n", n, e1, c1, mb1, e2, c2, mb2,
           (e2 > 0 ? e1 / e2 : 0), ">=1.7x" }'
}

echo "attune --threads 1 vs --threads 2 (best of 3; s; MB/s of input per elapsed second; outputs byte-identical)"
printf '  %-44s %7s %7s %6s | %7s %7s %6s | %7s %8s\n' "task" "1: wall" "CPU" "MB/s" "2: wall" "CPU" "MB/s" "speed-up" "target"
compare "score, $n_score x 36 (CSV out)" "$(stat -c %s "$tmp/score.csv")" \
  "$attune" score "$tmp/score.csv" --instrument ecr-r --id id
compare "reliability --ci bootstrap_bca, $n_boot x 18" 0 \
  "$attune" reliability "$tmp/boot.csv" "${boot_args[@]}" --format json --ci bootstrap_bca --bootstrap 1000
compare "quality (all indices), $n_quality x 36" 0 \
  "$attune" quality "$tmp/quality.csv" --instrument ecr-r --id id
# The peer of score's MB/s, measured in the same run: a bare newline scan of the same file (wc -l,
# best of 3), the I/O ceiling the issue names; score's --threads 2 MB/s as a fraction of it.
score_bytes=$(stat -c %s "$tmp/score.csv")
wc_best=""
for _ in 1 2 3; do
  t0=$EPOCHREALTIME  # wc -l takes some ms: /usr/bin/time's 10 ms steps are too coarse
  wc -l "$tmp/score.csv" > /dev/null
  e=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')
  if [ -z "$wc_best" ] || awk -v a="$e" -v b="$wc_best" 'BEGIN { exit !(a < b) }'; then wc_best=$e; fi
done
/usr/bin/time -f "%e" -o "$tmp/time.txt" "$attune" score "$tmp/score.csv" --instrument ecr-r --id id --threads 2 \
  -o "$tmp/out2" 2> /dev/null
read -r s2 < "$tmp/time.txt"
awk -v b="$score_bytes" -v w="$wc_best" -v s="$s2" 'BEGIN {
  wc = w > 0 ? b / 1e6 / w : 0; sc = s > 0 ? b / 1e6 / s : 0
  printf "  peer: wc -l of the score file %.2f s, %.0f MB/s; score --threads 2 (one more run) %.0f MB/s = %.2f of it (target >= 500 MB/s)\n", w, wc, sc, (wc > 0 ? sc / wc : 0) }'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
