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
#   4. R (base only), the same work and the same output: read.csv + keyed means (ECR key, 8 - x) +
#      Brennan et al. functions + softmax + max.col + each respondent's distance to the nearest
#      boundary in SEM units + could_flip, then write.csv of the same 14 columns attune writes;
#      (a) with the SEM of reliability 0.9 and SD 1, (b) with each dimension's alpha and SD from
#      the sample; each timed once. Until 2026-12-02 the R side computed neither the distances
#      nor wrote a file while attune did both: that comparison favoured R, and its figure is still
#      printed (R without writing). And stats::kmeans(scores, 4, nstart = 20) (Hartigan-Wong: not
#      the same algorithm as attune's; both time "k = 4, 20 starts" on the same scores).
#   5. Check, for (a) and (b): the same column names, the share of respondents with the same
#      Fisher style and the same could_flip, max |p difference|, max |distance difference|.
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

Rscript --vanilla - "$data" "$tmp/fisher.csv" "$tmp/fisher_alpha.csv" "$tmp" > "$tmp/r.txt" <<'RS'
args <- commandArgs(trailingOnly = TRUE)
co <- rbind(c(3.2893296, 5.4725318, -11.5307833), c(3.9246754, 9.7102446, -28.4573220),
            c(7.3654621, 4.9392039, -22.2281088), c(7.2371075, 8.1776448, -32.3553266))
styles <- c("secure", "preoccupied", "dismissing", "fearful")
cpu <- function(st) st[["user.self"]] + st[["sys.self"]]
# The columns attune writes: the scores, the style, the four Brennan et al. (1998) functions and
# their softmax probabilities, the distance to the nearest boundary of the winning region in SEM
# units (min over k != w of (f_w - f_k) / ||(g_w - g_k) o SEM||, g = the functions' gradients in
# (anxiety, avoidance); docs/classification.md) and whether it is at most 1.
fisher_table <- function(d, anx, avo, sem_anx, sem_avo) {
  f <- cbind(avo, anx, 1) %*% t(co)
  e <- exp(f - apply(f, 1, max)); p <- e / rowSums(e)
  w <- max.col(f, ties.method = "first")
  g_anx <- co[, 2] * sem_anx; g_avo <- co[, 1] * sem_avo
  norm <- sqrt(outer(g_anx, g_anx, "-")^2 + outer(g_avo, g_avo, "-")^2)
  rows <- seq_len(nrow(f))
  dist <- (f[cbind(rows, w)] - f) / norm[w, ]
  dist[cbind(rows, w)] <- Inf
  dist <- pmax(pmin(dist[, 1], dist[, 2], dist[, 3], dist[, 4]), 0)
  colnames(f) <- paste0("f_", styles); colnames(p) <- paste0("p_", styles)
  data.frame(id = d$id, anxiety = anx, avoidance = avo, style = styles[w], f, p,
             boundary_distance_sem = dist, could_flip = as.integer(dist <= 1))
}
read_and_score <- function() {
  d <- read.csv(args[1])
  x <- as.matrix(d[, paste0("Q", 1:36)])
  rev <- c(3, 15, 19, 22, 25, 27, 29, 31, 33, 35)  # ECR reverse keys (instruments.md section 1)
  x[, rev] <- 8 - x[, rev]
  list(d = d, x = x, avo = rowMeans(x[, seq(1, 35, 2)]), anx = rowMeans(x[, seq(2, 36, 2)]))
}
# (a) the SEM from the given reliability 0.9 and SD 1 (attune --reliability 0.9 --sd 1).
st_a <- system.time({
  s <- read_and_score()
  out <- fisher_table(s$d, s$anx, s$avo, sqrt(1 - 0.9), sqrt(1 - 0.9))
})
st_a_write <- system.time(write.csv(out, file.path(args[4], "r_fisher.csv"), row.names = FALSE, quote = FALSE))
# (b) the SEM from each dimension's Cronbach's alpha and SD in the sample (attune's default).
st_b <- system.time({
  s <- read_and_score()
  sem <- function(items, score) {
    cv <- cov(items); k <- ncol(items)
    sd(score) * sqrt(1 - k / (k - 1) * (1 - sum(diag(cv)) / sum(cv)))
  }
  out_b <- fisher_table(s$d, s$anx, s$avo, sem(s$x[, seq(2, 36, 2)], s$anx), sem(s$x[, seq(1, 35, 2)], s$avo))
  write.csv(out_b, file.path(args[4], "r_fisher_alpha.csv"), row.names = FALSE, quote = FALSE)
})
set.seed(1)
t_kmeans <- system.time(km <- kmeans(cbind(s$anx, s$avo), 4, nstart = 20, iter.max = 100))[["elapsed"]]
check <- function(path, r) {
  a <- read.csv(path)
  c(mean(a$style == r$style),
    max(abs(as.matrix(a[, paste0("p_", styles)]) - as.matrix(r[, paste0("p_", styles)]))),
    max(abs(a$boundary_distance_sem - r$boundary_distance_sem)), mean(a$could_flip == r$could_flip),
    identical(names(a), names(r)))
}
ca <- check(args[2], out); cb <- check(args[3], out_b)
cat(st_a[["elapsed"]] + st_a_write[["elapsed"]], cpu(st_a) + cpu(st_a_write), st_a[["elapsed"]], cpu(st_a),
    st_b[["elapsed"]], cpu(st_b), t_kmeans, ca, cb, "\n")
RS
read -r rfe rfc rce rcc rae rac r_kmeans agree pdiff ddiff fagree same_cols \
  agree_b pdiff_b ddiff_b fagree_b same_cols_b < "$tmp/r.txt"
load=$(cut -d' ' -f1-3 /proc/loadavg)

awk -v n="$n" -v fe="$fe" -v fc="$fc" -v ae="$ae" -v ac="$ac" -v ke="$ke" -v kc="$kc" \
    -v rfe="$rfe" -v rfc="$rfc" -v rce="$rce" -v rcc="$rcc" -v rae="$rae" -v rac="$rac" -v rk="$r_kmeans" \
    -v agree="$agree" -v pdiff="$pdiff" -v ddiff="$ddiff" -v fagree="$fagree" -v cols="$same_cols" \
    -v agree_b="$agree_b" -v pdiff_b="$pdiff_b" -v ddiff_b="$ddiff_b" -v fagree_b="$fagree_b" -v cols_b="$same_cols_b" \
    -v load="$load" -v rver="$(Rscript -e 'cat(R.version$major, R.version$minor, sep = ".")' 2>/dev/null)" 'BEGIN {
  printf "classification of %d ECR respondents (36 items, 1-7): attune classify vs R %s, same file, same run\n", n, rver
  printf "load average after the run: %s (elapsed times inflate under load; CPU = user + system)\n", load
  printf "  %-58s %9s %9s %9s %9s %8s %8s\n", "task (both sides write the same 14 columns)", "attune s", "cpu s", "R s", "R cpu s", "wall x", "cpu x"
  printf "  %-58s %9.3f %9.3f %9.3f %9.3f %8.1f %8.1f\n", "fisher, --reliability 0.9 --sd 1: read+score+classify+write", fe, fc, rfe, rfc, rfe / fe, rfc / fc
  printf "  %-58s %9.3f %9.3f %9.3f %9.3f %8.1f %8.1f\n", "fisher, SEM from sample alpha and SD (default)", ae, ac, rae, rac, rae / ae, rac / ac
  printf "  %-58s %9.3f %9.3f %9.3f %9.3f %8.1f %8.1f\n", "  (R without writing its file, against attune writing)", fe, fc, rce, rcc, rce / fe, rcc / fc
  printf "  %-58s %9.3f %9.3f %9.3f %9s %8s %8s\n", "kmeans 20 starts (attune: end to end; R: clustering only)", ke, kc, rk, "-", "n/a", "n/a"
  printf "  check (a): same style %.6f, same could_flip %.6f, max |p diff| %.3g, max |distance diff| %.3g, same columns %s\n", agree, fagree, pdiff, ddiff, cols == 1 ? "yes" : "NO"
  printf "  check (b): same style %.6f, same could_flip %.6f, max |p diff| %.3g, max |distance diff| %.3g, same columns %s\n", agree_b, fagree_b, pdiff_b, ddiff_b, cols_b == 1 ? "yes" : "NO"
}'
