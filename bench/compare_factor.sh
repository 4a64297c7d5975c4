#!/usr/bin/env bash
# Side-by-side timing: attune vs R psych 2.2.9 on the same generated data, in one run.
#   1. polychoric matrix, 18 items (5 categories), N = 2000: psych::polychoric vs attune::polychoric
#   2. omega, 10,000 x 18 (raw data -> pairwise Pearson -> 3-factor minres/oblimin Schmid-Leiman):
#      psych::omega(x, plot = FALSE) vs attune (pairwise_moments + attune::omega)
#
#   bench/compare_factor.sh [path/to/factor_bench]
#
# Default bench binary: build/release/bench/factor_bench. Needs R with psych and GPArotation.
# R: median of 3 timed runs after a warm-up (psych::polychoric uses mclapply, i.e. all cores);
# attune: Google Benchmark's mean time (polychoric also uses all cores). Prints both values of a
# check statistic (rho_12, omega_h) to show that both computed the same thing.
source "$(dirname "$0")/common.sh" || exit 1
bench=${1:-$here/build/release/bench/factor_bench}
need_executable "$bench"
need_r_packages psych GPArotation

Rscript --vanilla - "$tmp" > "$tmp/r.txt" <<'RS'
suppressPackageStartupMessages({ library(psych); library(GPArotation) })
dir <- commandArgs(trailingOnly = TRUE)[1]
gen <- function(n, k, seed) {
  set.seed(seed)
  f1 <- rnorm(n); f2 <- 0.3 * f1 + sqrt(1 - 0.09) * rnorm(n)
  l <- 0.5 + 0.3 * ((0:(k - 1)) %% (k / 2)) / (k / 2)
  x <- sapply(1:k, function(j) l[j] * (if (j <= k / 2) f1 else f2) + sqrt(1 - l[j]^2) * rnorm(n))
  x[] <- pmin(5, pmax(1, round(3 + 1.2 * x)))
  colnames(x) <- paste0("i", 1:k)
  x
}
p <- gen(2000, 18, 1); write.csv(p, file.path(dir, "poly.csv"), row.names = FALSE, quote = FALSE)
o <- gen(10000, 18, 2); write.csv(o, file.path(dir, "omega.csv"), row.names = FALSE, quote = FALSE)
r <- polychoric(p)                       # warm-up
tp <- sapply(1:3, function(i) system.time(r <- polychoric(p))[["elapsed"]])
om <- omega(o, plot = FALSE)             # warm-up
to <- sapply(1:3, function(i) system.time(om <- omega(o, plot = FALSE))[["elapsed"]])
cat(median(tp) * 1000, r$rho[1, 2], median(to) * 1000, om$omega_h, "\n")
RS
read -r rp_ms rp_chk ro_ms ro_chk < "$tmp/r.txt"

ATTUNE_BENCH_POLY_DATA=$tmp/poly.csv ATTUNE_BENCH_OMEGA_DATA=$tmp/omega.csv "$bench" \
  --benchmark_filter='BM_(polychoric|omega)_file' --benchmark_format=csv --benchmark_min_time=1 2>/dev/null > "$tmp/a.csv"
ap=$(grep '^"BM_polychoric_file"' "$tmp/a.csv" | head -1)
ao=$(grep '^"BM_omega_file"' "$tmp/a.csv" | head -1)
ap_ms=$(echo "$ap" | cut -d, -f3); ap_chk=$(echo "$ap" | sed -n 's/.*rho12=\([-0-9.]*\).*/\1/p')
ao_ms=$(echo "$ao" | cut -d, -f3); ao_chk=$(echo "$ao" | sed -n 's/.*omega_h=\([-0-9.]*\).*/\1/p')

echo "polychoric matrix, 18 items, N = 2000 (same data, same run)"
printf '  psych::polychoric 2.2.9 : %10.2f ms   rho_12 %s\n' "$rp_ms" "$rp_chk"
printf '  attune                  : %10.3f ms   rho_12 %s\n' "$ap_ms" "$ap_chk"
awk -v r="$rp_ms" -v a="$ap_ms" 'BEGIN { printf "  ratio psych/attune: %.1fx (target >= 50x)\n", r / a }'
echo "omega (3 factors, minres, oblimin), 10,000 x 18 raw data (same data, same run)"
printf '  psych::omega 2.2.9 : %10.2f ms   omega_h %s\n' "$ro_ms" "$ro_chk"
printf '  attune             : %10.3f ms   omega_h %s\n' "$ao_ms" "$ao_chk"
awk -v r="$ro_ms" -v a="$ao_ms" 'BEGIN { printf "  ratio psych/attune: %.1fx (target >= 20x)\n", r / a }'
