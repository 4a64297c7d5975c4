#!/usr/bin/env bash
# Calibrates the example ECR item bank, examples/data/ecr-openpsychometrics-bank.json: Samejima's
# graded response model per ECR scale (anxiety, avoidance), fitted by the built `attune irt fit` on
# the open openpsychometrics.org ECR data (an ONLINE sample answering on a 1-5 scale, not the ECR
# authors' calibration; docs/irt.md, "The example ECR bank").
#
# The data stay outside the repository: the zip is checked against the sha256 of its PROVENANCE.md,
# unzipped into a temporary folder that is removed at the end, and only the fitted parameters (facts
# about public data) are written.
#
# Usage: scripts/calibrate-ecr-bank.sh [ZIP] [OUTPUT]
#   ZIP     default: ../shared/data/openpsychometrics-ecr/ECR-data-1March2018.zip (next to the repository)
#   OUTPUT  default: examples/data/ecr-openpsychometrics-bank.json
#   ATTUNE  the attune binary (default: build/ci/attune)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
zip=${1:-$repo/../shared/data/openpsychometrics-ecr/ECR-data-1March2018.zip}
out=${2:-$repo/examples/data/ecr-openpsychometrics-bank.json}
attune=${ATTUNE:-$repo/build/ci/attune}
expected=49e19fa6ebad5ac2867d36a794860d7c0fed9dbff9402527a53c457d9f718d5e

[[ -f "$zip" ]] || { echo "calibrate-ecr-bank: no data at $zip (see ../shared/data/openpsychometrics-ecr/PROVENANCE.md)" >&2; exit 1; }
[[ -x "$attune" ]] || { echo "calibrate-ecr-bank: no attune binary at $attune (build it, or set ATTUNE)" >&2; exit 1; }
actual=$(sha256sum "$zip" | cut -d' ' -f1)
if [[ "$actual" != "$expected" ]]; then
  echo "calibrate-ecr-bank: $zip has sha256 $actual, not the released $expected" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" -d "$tmp"
data="$tmp/ECR-data-1March2018/data.csv"

# The file, as PROVENANCE.md describes it: columns Q1..Q36 in ECR order plus age, gender, country;
# answers 1-5; 0 = no answer. The ECR key is the built-in instrument `ecr` (anxiety = even items,
# avoidance = odd items, reversed 3, 15, 19, 22, 25, 27, 29, 31, 33, 35; reversed as 6 - x on 1-5).
"$attune" irt fit "$data" --instrument ecr --scale 1-5 --missing 0 \
  --source "Open Source Psychometrics Project (openpsychometrics.org), ECR raw data release of 1 March 2018: https://openpsychometrics.org/_rawdata/ECR-data-1March2018.zip (sha256 $expected; the same bytes are in github.com/zulf73/ECR at c177f34742070603255c4a5c3f359b614c2489cf)" \
  --sample "online openpsychometrics.org sample, 1-5 scale: volunteers who took the online ECR (Brennan, Clark & Shaver 1998, 36 items in ECR order) and agreed to research use; answers 1 = strongly disagree ... 5 = strongly agree (the published ECR uses 7 points), 0 = no answer treated as missing" \
  --date "$(date -u +%F)" \
  --script "scripts/calibrate-ecr-bank.sh: $("$attune" --version) irt fit data.csv --instrument ecr --scale 1-5 --missing 0 (defaults: 61 equally spaced nodes on [-6, 6], polychoric start, tolerance 1e-4, Louis SEs, S-X2)" \
  --licence "The parameters are facts about public data (the openpsychometrics.org ECR release, published without a stated licence 'for general public edification'); attune publishes them under CC0-1.0. The ECR item wording is not part of this file (it is the authors', free for research use per the Shaver lab)." \
  --notes "ONLINE 1-5 SAMPLE, NOT THE AUTHORS' CALIBRATION: Brennan, Clark & Shaver (1998) published no graded response model parameters for the ECR. These come from a self-selected online sample answering on a 5-point scale; they suit data collected the same way (1-5, online) and are an example of calibration, not norms." \
  -o "$out"
echo "calibrate-ecr-bank: wrote $out" >&2
