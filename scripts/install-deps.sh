#!/usr/bin/env bash
# Installs what attune's build, tests and benchmarks need on Debian 12 (bookworm) or later,
# skipping packages that are already there. Run as root or with sudo available.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libeigen3-dev libboost-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev doxygen
  gcc                                   # the C API's test program and C example
  clang-14 libfuzzer-14-dev             # the fuzz preset (fuzz/, docs/fuzzing.md; the `fuzz` ctest label)
  # chromium (below) also serves tests/cli_report_test.cpp, which opens the report headless
  python3-dev python3-numpy python3-pybind11 python3-pytest python3-pandas python3-pip python3-setuptools
  python3-dask python3-distributed     # examples/dask/shards.py (ctest example_dask_shards; docs/scale.md)
  # the R package (bindings/r) and its R CMD check: tests against psych, the vignette
  r-base-core r-cran-rcpp r-cran-jsonlite r-cran-tinytest r-cran-psych r-cran-psychtools r-cran-gparotation
  r-cran-knitr r-cran-markdown
  emscripten nodejs chromium            # the WebAssembly module, its node tests and the headless demo test
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
