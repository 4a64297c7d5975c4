#!/bin/sh
# Regenerates docs/images/attachment-plane.svg, the README's picture: the attachment plane that
# `attune report` draws for examples/data/ecr-r-sample.csv (tests/cli_report_test.cpp checks
# that the committed file is the tool's current output).
# Usage: scripts/readme-plane.sh [path/to/attune]   (default build/ci/attune)
set -eu
cd "$(dirname "$0")/.."
attune="${1:-build/ci/attune}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$attune" report examples/data/ecr-r-sample.csv --instrument ecr-r --format md -o "$tmp/report.md"
cp "$tmp/report_files/attachment_plane.svg" docs/images/attachment-plane.svg
echo "wrote docs/images/attachment-plane.svg"
