"""A notebook-style walk through the sample data with the Python module attune.

Run: python3 reliability_table.py [FILE.csv]   (default: the repository's examples/data sample)

1. Read the answers (pandas where installed, else the csv module); empty cells = no answer.
2. Score every respondent on ECR-R anxiety and avoidance.
3. Print the reliability table of both scales and the attachment styles.
"""

import csv
import math
import sys
from pathlib import Path

import numpy as np

import attune

path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "examples/data/ecr-r-sample.csv"
ecr_r = attune.Instrument.builtin("ecr-r")

# 1. The data.
try:
    import pandas as pd
    data = pd.read_csv(path, dtype={"id": str})
    print(f"read {len(data)} respondents with pandas")
except ImportError:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    data = np.array([[float(x) if x else math.nan for x in r[1:]] for r in rows[1:]])
    print(f"read {len(data)} respondents with the csv module")

# 2. Scores: one row per respondent, NaN where too few items were answered.
scores = attune.score_array(ecr_r, data)
print(f"scores: {scores.shape[0]} x {scores.shape[1]} ({', '.join(ecr_r.scores)}); "
      f"mean anxiety {np.nanmean(scores[:, 0]):.2f}, mean avoidance {np.nanmean(scores[:, 1]):.2f}")

# 3. Reliability, one line per scale (the keys are those of `attune reliability --format json`).
doc = attune.reliability(data, ecr_r)
print(f"\n{'scale':<10} {'items':>5} {'n':>7} {'alpha':>6} {'95% CI (Feldt)':>16} {'omega':>6} {'lambda2':>7}")
for scale in doc["scales"]:
    r = scale["reliability"]
    feldt = next(i for i in r["intervals"] if i["method"] == "feldt")
    omega = scale["omega"]["total"] if scale["omega"] else float("nan")
    print(f"{scale['name']:<10} {r['n_items']:>5} {r['n']:>7.1f} {r['alpha']:>6.3f} "
          f"{'[%.3f, %.3f]' % (feldt['lower'], feldt['upper']):>16} {omega:>6.3f} {r['lambda2']:>7.3f}")

styles = attune.classify(data, ecr_r, method="midpoint")
counts = styles["result"]["counts"]
print("\nstyles (midpoint split):", ", ".join(f"{k} {v}" for k, v in counts.items()))
