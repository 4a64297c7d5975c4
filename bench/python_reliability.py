#!/usr/bin/env python3
"""Python attune.reliability against the C++ study call on the same 100,000 x 18 array.

  PYTHONPATH=build/release/python python3 bench/python_reliability.py [build/release/bench/study_call_bench]

Generates seeded one-factor Likert data (1..7, float64, C-contiguous), times
attune.reliability(x, range="1-7", threads=T) in Python (median of the repetitions: the options
JSON, the library's one copy of the array into its column-major matrix, the study, to_json and
json.loads) and the C++ study call study_reliability(nullptr, data, options) on the same numbers
(bench/study_call_bench.cpp; the data are already in a responses struct there, so its copy is not
timed). Target (issue 16): Python <= 1.2 x the C++ study call.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import attune

ROWS, COLS, REPETITIONS = 100_000, 18, 7
root = Path(__file__).resolve().parents[1]
bench = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "build" / "release" / "bench" / "study_call_bench"

rng = np.random.default_rng(16)
factor = rng.standard_normal(ROWS)
loadings = np.linspace(0.45, 0.8, COLS)
latent = factor[:, None] * loadings + rng.standard_normal((ROWS, COLS)) * np.sqrt(1 - loadings**2)
x = np.digitize(latent, [-1.5, -0.8, -0.25, 0.25, 0.8, 1.5]).astype(np.float64) + 1.0
x[rng.random((ROWS, COLS)) < 0.01] = np.nan  # 1% no answer
assert x.flags.c_contiguous and x.dtype == np.float64


def median_ms(f):
    times = []
    for _ in range(REPETITIONS):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2]


print(f"attune {attune.__version__}: reliability of {ROWS:,} x {COLS} (1% missing), median of {REPETITIONS}")
with tempfile.TemporaryDirectory() as tmp:
    data_file = os.path.join(tmp, "x.f64")
    x.tofile(data_file)
    for threads in (1, 0):
        python_ms = median_ms(lambda: attune.reliability(x, range="1-7", threads=threads))
        out = subprocess.run([str(bench), data_file, str(ROWS), str(COLS), str(threads), str(REPETITIONS)],
                             check=True, capture_output=True, text=True).stdout
        cpp = dict(line.split() for line in out.strip().splitlines())
        study_ms, json_ms = float(cpp["study_ms"]), float(cpp["study_json_ms"])
        label = "1 thread" if threads == 1 else "all cores"
        print(f"{label:>9}: Python {python_ms:8.1f} ms | C++ study call {study_ms:8.1f} ms "
              f"(+ to_json {json_ms:8.1f} ms) | ratio {python_ms / study_ms:.3f} (target <= 1.2)")
