# Shared set-up of the bench/compare_*.sh scripts (sourced, not run): strict mode, the
# repository root ($here), a temporary folder ($tmp) removed on exit, and checks that what a
# script needs is installed, each failing with a message that says how to get it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=$(basename "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# need_executable PATH: a built attune binary or benchmark.
need_executable() {
  [ -x "$1" ] || { echo "$script: $1 not found (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
}

# need_gnu_time: /usr/bin/time for elapsed, CPU time and peak memory.
need_gnu_time() {
  [ -x /usr/bin/time ] || { echo "$script: /usr/bin/time not found (apt-get install time)" >&2; exit 1; }
}

# need_r_packages PACKAGE...: Rscript and these R packages (Debian: r-cran-<package>).
need_r_packages() {
  command -v Rscript > /dev/null || { echo "$script: Rscript not found (apt-get install r-base-core)" >&2; exit 1; }
  local p
  for p in "$@"; do
    Rscript --vanilla -e "quit(status = !requireNamespace('$p', quietly = TRUE))" > /dev/null 2>&1 ||
      { echo "$script: the R package $p is not installed (apt-get install r-cran-${p,,})" >&2; exit 1; }
  done
}
