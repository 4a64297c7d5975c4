#!/usr/bin/env bash
# Side-by-side timing of classification (issue 5): attune vs base R on the same file, in one run.
#
#   bench/compare_classify.sh [path/to/attune] [respondents]
#
# Default binary: build/release/attune; default 200,000 respondents. Needs R (base only) and
# GNU time (/usr/bin/time). Steps:
#   1. `attune simulate --instrument ecr -n N --missing-rate 0` writes an ECR file (id + 36 items, 1-7).
#   2. attune classify --method fisher, end to end (read, score, classify, write CSV), best of 3:
#      (a) with --reliability 0.9 --sd 1 (no reliability pass), (b) default (Cronbach's alpha of
#      each dimension in the sample for the SEM).
#   3. attune classify --method kmeans (20 starts), best of 3.
#   4. R: read.csv + keyed means (ECR key, 8 - x) + Brennan et al. functions + softmax + max.col,
#      timed once; and stats::kmeans(scores, 4, nstart = 20) (Hartigan-Wong: not the same
#      algorithm as attune's Lloyd/k-means++; both time "k = 4, 20 starts" on the same scores).
#   5. Check: share of respondents with the same Fisher style in R and attune; max |p difference|.
source "$(dirname "$0")/common.sh" || exit 1
attune=${1:-$here/build/release/attune}
n=${2:-200000}
need_executable "$attune"
need_gnu_time
need_r_packages

data=$tmp/ecr.csv
"$attune" simulate --instrument ecr -n "$n" --seed 20261128 --missing-rate 0 -o "$data"

# best ARGS...: best elapsed and CPU seconds of 3 runs of `attune ARGS`.
best() {
  local be="" bc=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time.txt" "$attune" "$@" 2> "$tmp/stderr.txt" \
      || { cat "$tmp/stderr.txt" >&2; exit 1; }
    read -r e u s < "$tmp/time.txt"
    c=$(awk "BEGIN { print $u + $s }")
    if [ -z "$be" ] || awk "BEGIN { exit !($e < $be) }"; then be=$e; fi
    if [ -z "$bc" ] || awk "BEGIN { exit !($c < $bc) }"; then bc=$c; fi
  done
  echo "$be $bc"
}
read -r fe fc <<< "$(best classify "$data" --instrument ecr --method fisher --id id --reliability 0.9 --sd 1 -o "$tmp/fisher.csv")"
read -r ae ac <<< "$(best classify "$data" --instrument ecr --method fisher --id id -o "$tmp/fisher_alpha.csv")"
read -r ke kc <<< "$(best classify "$data" --instrument ecr --method kmeans --id id --reliability 0.9 --sd 1 -o "$tmp/kmeans.csv")"

Rscript --vanilla - "$data" "$tmp/fisher.csv" > "$tmp/r.txt" <<'RS'
args <- commandArgs(trailingOnly = TRUE)
st_fisher <- system.time({
  d <- read.csv(args[1])
  x <- as.matrix(d[, paste0("Q", 1:36)])
  rev <- c(3, 15, 19, 22, 25, 27, 29, 31, 33, 35)  # ECR reverse keys (instruments.md section 1)
  x[, rev] <- 8 - x[, rev]
  avo <- rowMeans(x[, seq(1, 35, 2)]); anx <- rowMeans(x[, seq(2, 36, 2)])
  # Brennan, Clark & Shaver (1998) functions: secure, preoccupied, dismissing, fearful.
  co <- rbind(c(3.2893296, 5.4725318, -11.5307833), c(3.9246754, 9.7102446, -28.4573220),
              c(7.3654621, 4.9392039, -22.2281088), c(7.2371075, 8.1776448, -32.3553266))
  f <- cbind(avo, anx, 1) %*% t(co)
  e <- exp(f - apply(f, 1, max)); p <- e / rowSums(e)
  style <- c("secure", "preoccupied", "dismissing", "fearful")[max.col(f, ties.method = "first")]
})
t_fisher <- st_fisher[["elapsed"]]
c_fisher <- st_fisher[["user.self"]] + st_fisher[["sys.self"]]
set.seed(1)
t_kmeans <- system.time(km <- kmeans(cbind(anx, avo), 4, nstart = 20, iter.max = 100))[["elapsed"]]
a <- read.csv(args[2])
agree <- mean(a$style == style)
pdiff <- max(abs(cbind(a$p_secure, a$p_preoccupied, a$p_dismissing, a$p_fearful) - p))
cat(t_fisher, t_kmeans, agree, pdiff, c_fisher, "\n")
RS
read -r r_fisher r_kmeans agree pdiff r_fisher_cpu < "$tmp/r.txt"

awk -v n="$n" -v fe="$fe" -v fc="$fc" -v ae="$ae" -v ac="$ac" -v ke="$ke" -v kc="$kc" \
    -v rf="$r_fisher" -v rfc="$r_fisher_cpu" -v rk="$r_kmeans" -v agree="$agree" -v pdiff="$pdiff" \
    -v rver="$(Rscript -e 'cat(R.version$major, R.version$minor, sep = ".")' 2>/dev/null)" 'BEGIN {
  printf "classification of %d ECR respondents (36 items, 1-7): attune classify vs R %s, same file, same run\n", n, rver
  printf "  %-44s %10s %10s %10s %8s\n", "task", "attune s", "(cpu s)", "R s", "R/attune"
  printf "  %-44s %10.3f %10.3f %10.3f %8.1f\n", "fisher, read+score+classify+write", fe, fc, rf, rf / fe
  printf "  %-44s %10s %10.3f %10.3f %8.1f\n", "  the same in CPU seconds (R: user + system)", "", fc, rfc, rfc / fc
  printf "  %-44s %10s %10.3f %10.3f %8.1f\n", "  fisher + sample alpha, CPU seconds", "", ac, rfc, rfc / ac
  printf "  %-44s %10.3f %10.3f %10s %8s\n", "fisher + sample alpha for the SEM", ae, ac, "-", "-"
  printf "  %-44s %10.3f %10.3f %10.3f %8s\n", "kmeans 20 starts (attune: end to end)", ke, kc, rk, "n/a"
  printf "  same Fisher style: %.6f of respondents; max |p difference| %.3g\n", agree, pdiff
  printf "  (R kmeans time is the clustering alone on in-memory scores; attune includes reading the file)\n"
}'
