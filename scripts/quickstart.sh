#!/usr/bin/env bash
# Quick start: install the build dependencies (Debian), build attune, and run the main job on
# the bundled sample data: score 500 synthetic ECR-R respondents and print a short summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci --target attune_cli

out=build/ci/sample-scores.csv
build/ci/attune score examples/data/ecr-r-sample.csv --instrument ecr-r --id id --summary -o "$out"
echo
echo "First rows of $out:"
head -n 6 "$out"
echo
echo "Next: cmake --workflow --preset ci (the test suite), or build/ci/attune --help"
