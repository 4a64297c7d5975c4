"""The C API from another language's FFI: Python's ctypes, with no compiled binding at all.

Run: ATTUNE_C_LIBRARY=/path/to/libattune.so python3 ctypes_score.py FILE.csv
(ATTUNE_C_LIBRARY may also be the extension module attune/_attune*.so, which carries the C API.)

Loads the library, scores one respondent with attune_score_respondent, and runs the reliability
study with attune_study_json on the file (header, an id column, then the 36 ECR-R items).
"""

import csv
import ctypes
import json
import math
import os
import sys

path = os.environ.get("ATTUNE_C_LIBRARY") or "libattune.so"
lib = ctypes.CDLL(path)


class Error(ctypes.Structure):
    """struct attune_error of attune.h."""
    _fields_ = [("code", ctypes.c_int), ("row", ctypes.c_int64), ("line", ctypes.c_int64),
                ("message", ctypes.c_char * 1024)] + \
        [(name, ctypes.c_char * 256) for name in ("source", "column", "item", "value", "option", "rule")]


handle = ctypes.c_void_p
lib.attune_version.restype = ctypes.c_char_p
lib.attune_status_name.restype = ctypes.c_char_p
lib.attune_instrument_builtin.argtypes = [ctypes.c_char_p, ctypes.POINTER(handle), ctypes.POINTER(Error)]
lib.attune_instrument_free.argtypes = [handle]
lib.attune_score_respondent.argtypes = [handle, ctypes.POINTER(ctypes.c_double), ctypes.c_size_t,
                                        ctypes.POINTER(ctypes.c_double), ctypes.c_size_t, ctypes.POINTER(Error)]
lib.attune_study_json.argtypes = [ctypes.c_char_p, handle, ctypes.POINTER(ctypes.c_double), ctypes.c_size_t,
                                  ctypes.c_size_t, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                  ctypes.POINTER(Error)]
lib.attune_free.argtypes = [ctypes.c_void_p]


def check(status, err):
    if status != 0:
        raise RuntimeError(f"{lib.attune_status_name(status).decode()}: {err.message.decode()}")


print("attune", lib.attune_version().decode())
err = Error()
ecr_r = handle()
check(lib.attune_instrument_builtin(b"ecr-r", ctypes.byref(ecr_r), ctypes.byref(err)), err)

# One respondent: every answer 4 but one missing.
answers = (ctypes.c_double * 36)(*([4.0] * 35 + [math.nan]))
scores = (ctypes.c_double * 2)()
check(lib.attune_score_respondent(ecr_r, answers, 36, scores, 2, ctypes.byref(err)), err)
print(f"one respondent: anxiety {scores[0]:.2f}, avoidance {scores[1]:.2f}")

# An answer out of range: the error names the item and the value.
answers[4] = 9.0
status = lib.attune_score_respondent(ecr_r, answers, 36, scores, 2, ctypes.byref(err))
assert status != 0 and err.item == b"Q5" and err.value == b"9", err.message
print(f"out of range: {err.message.decode()}")

# The reliability study on the file.
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))[1:]
flat = [float(x) if x else math.nan for r in rows for x in r[1:]]
data = (ctypes.c_double * len(flat))(*flat)
out = ctypes.c_void_p()
check(lib.attune_study_json(b"reliability", ecr_r, data, len(rows), 36, b"{}", ctypes.byref(out), ctypes.byref(err)),
      err)
doc = json.loads(ctypes.string_at(out.value).decode())
lib.attune_free(out)
for scale in doc["scales"]:
    print(f"{scale['name']}: alpha {scale['reliability']['alpha']:.3f}")
lib.attune_instrument_free(ecr_r)
