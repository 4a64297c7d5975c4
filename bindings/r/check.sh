#!/bin/sh
# The test suite's R package test (ctest -L r): R CMD build, then R CMD check --no-manual of the
# tarball, against the CMake-built static library (configure's ATTUNE_BUILD_DIR mode), so that
# only the package's glue is compiled. Fails on any ERROR or WARNING of R CMD check (NOTEs pass).
# Exits 77 (ctest: skipped) with the reason where R or a package it needs is absent.
# usage: check.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -eu
src=$1
build=$2
work=$3
skip() { echo "R package test skipped: $*"; exit 77; }

command -v R >/dev/null 2>&1 || skip "R is not installed (scripts/install-deps.sh installs r-base-core)"
missing=$(Rscript -e 'p <- c("Rcpp", "jsonlite", "tinytest", "knitr", "markdown"); cat(p[!vapply(p, requireNamespace, TRUE, quietly = TRUE)])')
[ -z "$missing" ] || skip "R packages missing: $missing (scripts/install-deps.sh installs them)"
[ -f "$build/libattune.a" ] || skip "no static library $build/libattune.a (a BUILD_SHARED_LIBS build)"

rm -rf "$work"
mkdir -p "$work"
cp -R "$src/bindings/r" "$work/attune"
(cd "$work/attune" && sh ./cleanup && rm -rf src/libattune)
cd "$work"
export ATTUNE_BUILD_DIR="$build" ATTUNE_SOURCE_DIR="$src"
export _R_CHECK_FORCE_SUGGESTS_=false _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false _R_CHECK_SYSTEM_CLOCK_=false
export MAKEFLAGS="${MAKEFLAGS:--j2}"
mkdir -p lib
export R_LIBS_USER="$work/lib"
R CMD build --no-manual attune
R CMD check --no-manual attune_*.tar.gz || true
log=attune.Rcheck/00check.log
[ -f "$log" ] || { echo "R CMD check wrote no log"; exit 1; }
status=$(grep '^Status:' "$log" || true)
echo "R CMD check: ${status:-no status}"
grep -q '^Status: OK' "$log" && exit 0
if grep -E '^Status:.*(ERROR|WARNING)' "$log" >/dev/null || [ -z "$status" ]; then
  cat attune.Rcheck/tests/*.Rout.fail 2>/dev/null || true
  exit 1
fi
exit 0
