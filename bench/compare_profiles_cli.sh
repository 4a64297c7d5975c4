#!/usr/bin/env bash
# `attune profiles` and `attune cluster` against mclust and R's hclust on the same data, in one
# run (issue 14): the command line's numbers, not only the library's.
#
#   bench/compare_profiles_cli.sh [path/to/attune] [DATA.csv] [instrument]
#
# Defaults: build/ci/attune, the bundled ECR-R sample (examples/data/ecr-r-sample.csv),
# ecr-r. Needs R with mclust and python3. Steps:
#   1. attune profiles with its defaults (EEI, VVI, EEE, VVV; K = 1..6; 10 starts; tolerance
#      1e-8) and a bootstrap LRT of 19 replicates, JSON; attune cluster --method ward.D2 and
#      ward.D, JSON.
#   2. python3 takes the scores of the rows fitted, every fit's log-likelihood and BIC, the
#      bootstrap statistics, the merge heights and the clusters out of the documents.
#   3. mclust 6.0.0 on those scores: Mclust() with its defaults (one hierarchical start, EM
#      tolerance 1e-5) and again at tolerance 1e-10; per model and K the relative difference of
#      the log-likelihoods (> 0: mclust's is higher) and of the BIC; the best model of each; the
#      observed LRT statistics of mclustBootstrapLRT(); hclust(dist(x), "ward.D2"/"ward.D") and
#      cutree(k = 4) against attune's heights and clusters (adjusted Rand index, 1 = the same
#      partition up to labels).
source "$(dirname "$0")/common.sh" || exit 1
attune=${1:-$here/build/ci/attune}
data=${2:-$here/examples/data/ecr-r-sample.csv}
inst=${3:-ecr-r}
need_executable "$attune"
need_r_packages mclust
command -v python3 > /dev/null || { echo "$script: python3 not found" >&2; exit 1; }

"$attune" profiles "$data" --instrument "$inst" --bootstrap-lrt 19 --format json -o "$tmp/profiles.json"
"$attune" cluster "$data" --instrument "$inst" --method ward.D2 --k 4 --format json -o "$tmp/ward_d2.json"
"$attune" cluster "$data" --instrument "$inst" --method ward.D --k 4 --format json -o "$tmp/ward_d.json"

python3 - "$tmp" <<'PY'
import csv, json, sys
tmp = sys.argv[1]
p = json.load(open(f"{tmp}/profiles.json"))
a, v = p["columns"]
with open(f"{tmp}/scores.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x1", "x2"])
    for r in p["respondents"]:
        if r[a] is not None and r[v] is not None:
            w.writerow([repr(r[a]), repr(r[v])])
with open(f"{tmp}/fits.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["model", "k", "loglik", "bic", "starts_at_best", "starts"])
    for fit in p["fits"]:
        w.writerow([fit["model"], fit["k"], repr(fit["loglik"]) if fit["loglik"] is not None else "NA",
                    repr(fit["bic"]) if fit["bic"] is not None else "NA", fit["starts_at_best"], fit["starts"]])
with open(f"{tmp}/best.txt", "w") as f:
    f.write(f'{p["best"]["model"]} {p["best"]["k"]} {p["n"]}\n')
with open(f"{tmp}/lrt.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["k", "statistic", "p_value"])
    for t in p["bootstrap_lrt"]:
        w.writerow([t["k"], repr(t["statistic"]), repr(t["p_value"])])
for name in ("ward_d2", "ward_d"):
    c = json.load(open(f"{tmp}/{name}.json"))
    with open(f"{tmp}/{name}_height.csv", "w") as f:
        f.write("height\n" + "".join(repr(h) + "\n" for h in c["tree"]["height"]))
    with open(f"{tmp}/{name}_cluster.csv", "w") as f:
        f.write("cluster\n" + "".join(str(r["cluster"]) + "\n" for r in c["respondents"] if r["cluster"] is not None))
PY

Rscript --vanilla - "$tmp" <<'RS'
suppressPackageStartupMessages(library(mclust))
tmp <- commandArgs(trailingOnly = TRUE)[1]
x <- as.matrix(read.csv(file.path(tmp, "scores.csv")))
n <- nrow(x)
fits <- read.csv(file.path(tmp, "fits.csv"))
best <- strsplit(readLines(file.path(tmp, "best.txt")), " ")[[1]]
models <- c("EEI", "VVI", "EEE", "VVV")
cat(sprintf("mclust %s, %s; n = %d (attune: %s)\n", packageVersion("mclust"), R.version.string, n, best[3]))
compare <- function(tol, label) {
  b <- mclustBIC(x, G = 1:6, modelNames = models, control = emControl(tol = c(tol, sqrt(.Machine$double.eps))),
                 verbose = FALSE)
  ll_diff <- c(); bic_diff <- c(); where <- c(); same <- 0; attune_higher <- 0
  for (m in models) for (g in 1:6) {
    theirs_bic <- b[as.character(g), m]
    if (is.na(theirs_bic)) next
    theirs <- (theirs_bic + nMclustParams(m, 2, g) * log(n)) / 2
    f <- fits[fits$model == m & fits$k == g, ]
    d <- (theirs - f$loglik) / abs(theirs)
    ll_diff <- c(ll_diff, d); where <- c(where, paste0(m, g))
    bic_diff <- c(bic_diff, abs(theirs_bic - f$bic) / abs(theirs_bic))
    if (abs(d) <= 1e-6) same <- same + 1 else if (d < 0) attune_higher <- attune_higher + 1
  }
  top <- summary(b, x)
  cat(sprintf("%s: %d fits; log-likelihoods equal within 1e-6 relative in %d, attune higher in %d (by up to %.2e, %s); ",
              label, length(ll_diff), same, attune_higher, max(-ll_diff), where[which.max(-ll_diff)]))
  cat(sprintf("mclust above attune by at most %.2e (%s); |BIC difference| where equal: max %.2e; mclust's best %s,%d\n",
              max(ll_diff), where[which.max(ll_diff)], max(bic_diff[abs(ll_diff) <= 1e-6]), top$modelName, top$G))
}
compare(1e-5, "mclust defaults (tolerance 1e-5)")
compare(1e-10, "mclust tolerance 1e-10")
cat(sprintf("attune's best: %s,%s\n", best[1], best[2]))
lrt <- read.csv(file.path(tmp, "lrt.csv"))
if (nrow(lrt) > 0) {
  set.seed(1)
  boot <- mclustBootstrapLRT(x, modelName = best[1], maxG = max(lrt$k) - 1, nboot = 19, verbose = FALSE)
  k <- seq_along(boot$obs) + 1
  cat("bootstrap LRT statistic, attune vs mclust (K: attune / mclust, p attune / mclust):",
      sprintf("%d: %.6f / %.6f, p %.3f / %.3f;", k, lrt$statistic[match(k, lrt$k)], boot$obs,
              lrt$p_value[match(k, lrt$k)], boot$p.value), "\n")
}
for (m in c("ward.D2", "ward.D")) {
  name <- if (m == "ward.D2") "ward_d2" else "ward_d"
  h <- hclust(dist(x), method = m)
  ours <- read.csv(file.path(tmp, paste0(name, "_height.csv")))$height
  cl <- read.csv(file.path(tmp, paste0(name, "_cluster.csv")))$cluster
  cat(sprintf("%s: max |height difference| / max height %.2e; cutree(k = 4) against attune: adjusted Rand %.12f, identical labels %s\n",
              m, max(abs(h$height - ours)) / max(h$height), adjustedRandIndex(cutree(h, 4), cl),
              identical(as.integer(cutree(h, 4)), as.integer(cl))))
}
RS
