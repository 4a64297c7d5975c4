#!/usr/bin/env bash
# Side-by-side timing of reading and scoring (issue 2 targets): attune vs R on the same file, in one run.
#
#   bench/compare_scoring.sh [path/to/attune] [respondents]
#
# Default binary: build/release/attune; default 1,000,000 respondents. Needs R with psych and
# GNU time (/usr/bin/time; Debian package `time`). Steps:
#   1. `attune simulate --instrument ecr-r -n N` writes an ECR-R-shaped file (id + 36 items, 1-7,
#      2% of answers missing at random), and a 4x larger file is made by repeating its rows.
#   2. `attune score FILE --instrument ecr-r --id id -o out.csv`, end to end (read, parse, score,
#      write), best of 3 runs: MB/s = file size / elapsed time (and / CPU time, user + sys, which
#      does not depend on what else the machine runs), with --threads 1 and --threads 2 (the
#      parallel chunk reader: chunks parsed and scored on both cores, written in file order; the
#      two outputs must be byte-identical).
#   3. Peak memory (maximum resident set size, /usr/bin/time -v) for the N and the 4N file: the
#      CSV output streams chunk by chunk, so it should not grow with the file.
#   4. R: read.csv(FILE) + psych::scoreItems(ECR-R keys, items, impute = "none") on the same file,
#      timed once (system.time elapsed). Ratio = R time / attune time.
#   5. Check: R's and attune's scores agree where attune gives one (max |difference|).
# Targets: >= 200 MB/s end to end on one core; bounded memory; >= 20x faster than R.
source "$(dirname "$0")/common.sh" || exit 1
attune=${1:-$here/build/release/attune}
n=${2:-1000000}
need_executable "$attune"
need_r_packages psych
need_gnu_time

data=$tmp/ecr-r.csv
big=$tmp/ecr-r-4x.csv
"$attune" simulate --instrument ecr-r -n "$n" --seed 20261128 -o "$data"
{ cat "$data"; for _ in 1 2 3; do tail -n +2 "$data"; done; } > "$big"
bytes=$(stat -c %s "$data")
bytes_big=$(stat -c %s "$big")

# run FILE OUT [THREADS]: prints "elapsed_s cpu_s maxrss_kb" of one `attune score` run.
run() {
  /usr/bin/time -v -o "$tmp/time.txt" "$attune" score "$1" --instrument ecr-r --id id -o "$2" --threads "${3:-1}" 2> "$tmp/stderr.txt" \
    || { cat "$tmp/stderr.txt" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); e = 0; for (i = 1; i <= n; ++i) e = e * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
    END { printf "%.3f %.3f %d\n", e, u + s, m }' "$tmp/time.txt"
}
best_e=""; best_c=""; rss=0
for _ in 1 2 3; do
  t=$(run "$data" "$tmp/out.csv")
  read -r e c m <<< "$t"
  if [ -z "$best_e" ] || awk "BEGIN { exit !($e < $best_e) }"; then best_e=$e; fi
  if [ -z "$best_c" ] || awk "BEGIN { exit !($c < $best_c) }"; then best_c=$c; fi
  rss=$m
done
best2_e=""; best2_c=""
for _ in 1 2 3; do
  t=$(run "$data" "$tmp/out2.csv" 2)
  read -r e c m <<< "$t"
  if [ -z "$best2_e" ] || awk "BEGIN { exit !($e < $best2_e) }"; then best2_e=$e; fi
  if [ -z "$best2_c" ] || awk "BEGIN { exit !($c < $best2_c) }"; then best2_c=$c; fi
done
cmp -s "$tmp/out.csv" "$tmp/out2.csv" && same_output=yes || same_output=NO
t=$(run "$big" "$tmp/out-4x.csv")
read -r big_e big_c big_rss <<< "$t"
rows_out=$(($(wc -l < "$tmp/out.csv") - 1))
rows_big=$(($(wc -l < "$tmp/out-4x.csv") - 1))

Rscript --vanilla - "$data" "$tmp/out.csv" > "$tmp/r.txt" <<'RS'
suppressPackageStartupMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
# ECR-R keys (Fraley, Waller & Brennan, 2000; canonical order): anxiety 1-18 (9, 11 reversed),
# avoidance 19-36 (20, 22, 26-31, 33-36 reversed); as attune's built-in instrument.
key <- function(items, reversed) ifelse(items %in% reversed, paste0("-Q", items), paste0("Q", items))
keys <- list(anxiety = key(1:18, c(9, 11)),
             avoidance = key(19:36, c(20, 22, 26:31, 33:36)))
t_read <- system.time(d <- read.csv(args[1]))[["elapsed"]]
t_score <- system.time(s <- scoreItems(keys, d[, paste0("Q", 1:36)], totals = FALSE, missing = TRUE,
                                       impute = "none", min = 1, max = 7))[["elapsed"]]
a <- read.csv(args[2])
diff <- max(abs(c(a$anxiety - s$scores[, "anxiety"], a$avoidance - s$scores[, "avoidance"])), na.rm = TRUE)
cat(t_read, t_score, diff, nrow(d), "\n")
RS
read -r r_read r_score r_diff r_rows < "$tmp/r.txt"

awk -v n="$n" -v bytes="$bytes" -v bytes_big="$bytes_big" -v e="$best_e" -v c="$best_c" -v rss="$rss" \
    -v be="$big_e" -v bc="$big_c" -v brss="$big_rss" -v rr="$r_read" -v rs="$r_score" -v diff="$r_diff" \
    -v rows="$rows_out" -v rows_big="$rows_big" -v r_rows="$r_rows" -v e2="$best2_e" -v c2="$best2_c" -v same="$same_output" \
    -v psych="$(Rscript -e 'cat(format(packageVersion("psych")))' 2>/dev/null)" \
    -v rver="$(Rscript -e 'cat(R.version$major, R.version$minor, sep = ".")' 2>/dev/null)" 'BEGIN {
  mb = bytes / 1e6; mb4 = bytes_big / 1e6; r = rr + rs
  printf "reading and scoring: attune score vs R %s read.csv + psych %s scoreItems, same file, same run\n", rver, psych
  printf "file: %d respondents x 36 ECR-R items (2%% missing), %.1f MB; 4x file: %d respondents, %.1f MB\n", n, mb, rows_big, mb4
  printf "%-44s %10s %10s %12s\n", "", "elapsed s", "CPU s", "MB/s (CPU)"
  printf "%-44s %10.2f %10.2f %5.0f (%4.0f)\n", "attune score (best of 3), " n " rows", e, c, mb / e, mb / c
  printf "%-44s %10.2f %10.2f %5.0f (%4.0f)\n", "attune score --threads 2 (best of 3)", e2, c2, mb / e2, mb / c2
  printf "%-44s %10.2f %10.2f %5.0f (%4.0f)\n", "attune score, " rows_big " rows", be, bc, mb4 / be, mb4 / bc
  printf "%-44s %10.2f\n", "R read.csv", rr
  printf "%-44s %10.2f\n", "R psych::scoreItems", rs
  printf "%-44s %10.2f %10s %5.1f\n", "R total", r, "", mb / r
  printf "peak memory (max RSS): %.1f MB for %.0f MB of CSV, %.1f MB for %.0f MB (ratio %.2f)\n",
         rss / 1024, mb, brss / 1024, mb4, brss / rss
  printf "speed-up vs R: %.1fx (elapsed, one thread), %.1fx (two threads)\n", r / e, r / e2
  printf "threads 2 vs 1: %.2fx (elapsed); outputs byte-identical: %s\n", e / e2, same
  printf "rows scored: attune %d, R %d; max |attune - psych| where attune scores: %g\n", rows, r_rows, diff
  printf "targets: >= 200 MB/s: %s; >= 500 MB/s on 2 threads: %s; memory bounded: %s; >= 20x R: %s\n",
         (mb / e >= 200 ? "met" : "MISSED"), (mb / e2 >= 500 ? "met" : "MISSED"), (brss < 1.25 * rss ? "met" : "MISSED"), (r / e >= 20 ? "met" : "MISSED")
}'
