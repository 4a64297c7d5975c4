"""Shared by the tests: the sample data read with the csv module, the snapshots, the C library."""

import csv
import ctypes
import json
import math
import os
from pathlib import Path

import numpy as np

SOURCE_DIR = Path(os.environ.get("ATTUNE_SOURCE_DIR", Path(__file__).resolve().parents[3]))
SAMPLE = SOURCE_DIR / "examples" / "data" / "ecr-r-sample.csv"


def read_csv(path):
    """(ids, item names, answers as a float64 array with NaN for empty cells)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    ids = [r[0] for r in body]
    values = np.array([[float(x) if x != "" else math.nan for x in r[1:]] for r in body], dtype=np.float64)
    return ids, header[1:], values


def snapshot_text(name):
    return (SOURCE_DIR / "tests" / "golden" / "json" / f"{name}.json").read_text()


def snapshot(name):
    return json.loads(snapshot_text(name))


def c_library():
    """The C API through ctypes: libattune.so, or the extension module that carries it."""
    path = os.environ.get("ATTUNE_C_LIBRARY")
    if not path:
        import attune._attune
        path = attune._attune.__file__
    lib = ctypes.CDLL(path)
    lib.attune_version.restype = ctypes.c_char_p
    lib.attune_instrument_builtin.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
    lib.attune_instrument_free.argtypes = [ctypes.c_void_p]
    lib.attune_study_json.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
                                      ctypes.c_size_t, ctypes.c_size_t, ctypes.c_char_p,
                                      ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
    lib.attune_free.argtypes = [ctypes.c_void_p]
    return lib


def c_study_json(lib, study, instrument_id, values, options):
    inst = ctypes.c_void_p()
    assert lib.attune_instrument_builtin(instrument_id.encode(), ctypes.byref(inst), None) == 0
    data = np.ascontiguousarray(values, dtype=np.float64)
    out = ctypes.c_void_p()
    try:
        status = lib.attune_study_json(study.encode(), inst, data.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                                       data.shape[0], data.shape[1], json.dumps(options).encode(), ctypes.byref(out),
                                       None)
        assert status == 0, status
        text = ctypes.string_at(out.value).decode()
        lib.attune_free(out)
        return text
    finally:
        lib.attune_instrument_free(inst)
