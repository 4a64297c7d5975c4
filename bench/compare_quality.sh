#!/usr/bin/env bash
# Side-by-side timing: attune's quality indices vs the base-R transcription of careless 1.2.2
# (tests/golden/quality.R: longstring, irv with 3 blocks, mahad = psych::outlier, evenodd,
# psychsyn, psychant, plus attune's reversal) on the same generated data, in one run.
# careless itself is not installed (and cannot be); the transcription follows its code line by
# line (apply over rows, as careless does), so its speed is careless's.
#
#   bench/compare_quality.sh [path/to/quality_bench] [N]
#
# Defaults: build/release/bench/quality_bench, N = 100000 (x 36 items, 6 subscales x 6, items 2
# and 5 of each reversed, 1-7, 5% missing). R: one timed run of all indices on the data in memory
# (minutes at N = 100,000). attune: Google Benchmark's mean over its iterations of
# assess_quality (all indices + flags + validation report, careless's psych D^2), data in memory.
# Both elapsed and CPU time are printed: on a shared machine CPU time is the fairer ratio. Both print the sum
# of D^2 and of psychsyn as a check that they computed the same thing.
source "$(dirname "$0")/common.sh" || exit 1
bench=${1:-$here/build/release/bench/quality_bench}
n=${2:-100000}
need_executable "$bench"
need_r_packages
data=$tmp/quality36.csv

Rscript --vanilla - "$data" "$n" "$here/tests/golden/quality.R" > "$tmp/r.txt" <<'RS'
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; n <- as.integer(args[2])
QUALITY_FUNCTIONS_ONLY <- TRUE
source(args[3])
set.seed(36)
f <- 6; per <- 6; k <- f * per
subscale <- rep(1:f, each = per)
reversed <- rep(c(FALSE, TRUE, FALSE, FALSE, TRUE, FALSE), f)
latent <- 0.85 * matrix(rnorm(n * f), n, f)[, subscale] + sqrt(1 - 0.85^2) * matrix(rnorm(n * k), n, k)
x <- matrix(pmin(7, pmax(1, round(4 + 1.5 * latent))), n, k)
x[, reversed] <- 8 - x[, reversed]
x[matrix(runif(n * k) < 0.05, n, k)] <- NA
colnames(x) <- sprintf("Q%d", 1:k)
write.csv(x, path, row.names = FALSE, quote = FALSE)
keyed <- x; keyed[, reversed] <- 8 - x[, reversed]
t <- system.time({
  ls <- q_longstring(x)
  iv <- q_irv(x, na.rm = TRUE, split = TRUE, num.split = 3)
  md <- q_mahad(x)
  eo <- q_evenodd(keyed, rep(per, f))
  ps <- q_psychsyn(x, .60)
  pa <- q_psychant(x, -.60)
  rv <- q_reversal(x, subscale, reversed, rep(1, k), rep(7, k))
})
cat(t[["elapsed"]] * 1000, (t[["user.self"]] + t[["sys.self"]]) * 1000, sprintf("%.10g", sum(md$d2, na.rm = TRUE)), sprintf("%.10g", sum(ps$value, na.rm = TRUE)), "\n")
RS
read -r r_ms r_cpu r_d2 r_syn < "$tmp/r.txt"

ATTUNE_BENCH_QUALITY_DATA=$data "$bench" --benchmark_filter='BM_quality_file' --benchmark_format=csv \
  --benchmark_min_time=2 2>/dev/null > "$tmp/a.csv"
a_line=$(grep '^"BM_quality_file"' "$tmp/a.csv" | head -1)
a_ms=$(echo "$a_line" | cut -d, -f3)
a_cpu=$(echo "$a_line" | cut -d, -f4)
a_d2=$(echo "$a_line" | sed -n 's/.*sumD2=\([0-9.e+-]*\).*/\1/p')
a_syn=$(echo "$a_line" | sed -n 's/.*sumsyn=\([0-9.e+-]*\).*/\1/p')

echo "all quality indices, $n x 36 items, 5% missing (same data, same run; D2 as careless/psych::outlier)"
printf '  base-R careless 1.2.2 transcription : %12.1f ms elapsed %12.1f ms CPU   sum D2 %s  sum psychsyn %s\n' "$r_ms" "$r_cpu" "$r_d2" "$r_syn"
printf '  attune assess_quality               : %12.1f ms elapsed %12.1f ms CPU   sum D2 %s  sum psychsyn %s\n' "$a_ms" "$a_cpu" "$a_d2" "$a_syn"
awk -v r="$r_ms" -v a="$a_ms" -v rc="$r_cpu" -v ac="$a_cpu" \
  'BEGIN { printf "  ratio R/attune: %.0fx elapsed, %.0fx CPU\n", r / a, rc / ac }'
