"""Item response theory from Python: item banks, the IRT studies and CAT sessions. The documents
are those of the command line (its JSON, and the snapshots tests/json_contract_test.cpp holds it
to), number for number, from the C API (through ctypes) and from the Python module."""

import ctypes
import json
import math
import os
import subprocess
import threading

import numpy as np
import pytest

import attune
from support import SAMPLE, SOURCE_DIR, c_library, read_csv, snapshot, snapshot_text

IDS, ITEMS, VALUES = read_csv(SAMPLE)
BANK_PATH = SOURCE_DIR / "examples" / "data" / "ecr-openpsychometrics-bank.json"
BANK_DATA = SOURCE_DIR / "tests" / "data" / "irt" / "ecr-bank-sample.csv"
BANK = attune.ItemBank.from_json(BANK_PATH.read_text())


def cli_document(args):
    cli = os.environ.get("ATTUNE_CLI")
    if not cli:
        print("ATTUNE_CLI not set: compared with the snapshot the CLI is tested against")
        return None
    return json.loads(subprocess.run([cli] + args + ["--format", "json"], check=True, capture_output=True,
                                     text=True).stdout)


def c_study_json_no_instrument(study, values, options):
    """attune_study_json(study, NULL, ...) through ctypes (values None: no data)."""
    lib = c_library()
    out = ctypes.c_void_p()
    if values is None:
        pointer, rows, cols = None, 0, 0
    else:
        data = np.ascontiguousarray(values, dtype=np.float64)
        pointer, rows, cols = data.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), data.shape[0], data.shape[1]
    status = lib.attune_study_json(study.encode(), None, pointer, rows, cols, json.dumps(options).encode(),
                                   ctypes.byref(out), None)
    assert status == 0, status
    text = ctypes.string_at(out.value).decode()
    lib.attune_free(out)
    return text


def test_irt_fit_is_the_cli_bank_document():
    # attune irt fit SAMPLE --items Q1-Q6 --scale 1-7 --name anxiety6
    expected = snapshot("irt_fit")
    from_cli = cli_document(["irt", "fit", str(SAMPLE), "--items", "Q1-Q6", "--scale", "1-7", "--name", "anxiety6"])
    if from_cli is not None:
        assert from_cli == expected
    options = {"columns": ITEMS[:6], "range": "1-7", "scale": "anxiety6"}
    assert c_study_json_no_instrument("irt fit", VALUES[:, :6], options).rstrip() == snapshot_text("irt_fit").rstrip()
    doc = attune.irt_fit(VALUES[:, :6], **options)
    assert doc == expected
    # the document is a bank: it reads back, and scores
    bank = attune.ItemBank.from_json(json.dumps(doc))
    assert bank.items == ITEMS[:6]
    assert attune.irt_info(doc)["scales"][0]["name"] == "anxiety6"


def test_irt_score_info_and_cat_simulate_are_the_cli_documents():
    ids, items, values = read_csv(BANK_DATA)
    assert items == BANK.items
    expected = snapshot("irt_score")
    from_cli = cli_document(["irt", "score", str(BANK_DATA), "--bank", str(BANK_PATH), "--id", "id"])
    if from_cli is not None:
        assert from_cli == expected
    assert attune.irt_score(values, BANK, id_column="id", ids=ids) == expected
    assert attune.irt_info(BANK, theta_step=2) == snapshot("irt_info")
    # the C API with the bank as the option "bank"
    c_text = c_study_json_no_instrument("irt info", None, {"theta_step": 2, "bank": json.loads(BANK.to_json())})
    assert c_text.rstrip() == snapshot_text("irt_info").rstrip()
    assert attune.cat_simulate(BANK, n=50, stop_se=0.32) == snapshot("cat_simulation")


def test_irt_score_from_a_dataframe_matches_columns_by_name():
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    frame = pd.read_csv(BANK_DATA, dtype={"id": str})
    shuffled = frame[["id"] + sorted(BANK.items)]  # another column order: matched by name
    assert attune.irt_score(shuffled, BANK, id_column="id") == snapshot("irt_score")


def test_item_bank_round_trip_and_missing_codes():
    text = BANK.to_json()
    assert attune.ItemBank.from_json(text).to_json() == text
    assert len(BANK.items) == 36 and BANK.items[0] == "Q2"
    ids, _, values = read_csv(BANK_DATA)
    coded = values.copy()
    coded[0, 0] = 9
    with pytest.raises(attune.Error) as e:
        attune.irt_score(coded, BANK)
    assert e.value.row == 1 and e.value.column == "Q2" and e.value.value == "9"
    assert "--" not in str(e.value)  # no CLI flag in a library message
    doc = attune.irt_score(coded, BANK, missing_codes=[9])
    assert doc["respondents"][0]["answered_anxiety"] == 17


def test_irt_simulate_gives_arrays_and_is_seeded():
    a = attune.irt_simulate(BANK, n=20, seed=3, missing_rate=0.1)
    b = attune.irt_simulate(BANK, n=20, seed=3, missing_rate=0.1)
    assert a["answers"].shape == (20, 36) and a["theta"].shape == (20, 2)
    assert a["scales"] == ["anxiety", "avoidance"]
    assert np.array_equal(a["answers"], b["answers"], equal_nan=True)
    assert np.isnan(a["answers"]).any()
    # the simulated answers score: theta tracks the true theta
    scores = attune.irt_score(a["answers"], BANK)
    assert len(scores["respondents"]) == 20
    # the same answers as `attune irt simulate --format json` (tests/golden/json/irt_simulation.json)
    doc = attune.irt_simulate(BANK, n=4, seed=7, missing_rate=0.1)
    golden = snapshot("irt_simulation")
    expected = np.array([[np.nan if v is None else v for v in row] for row in golden["answers"]])
    assert np.array_equal(doc["answers"], expected, equal_nan=True)
    assert np.array_equal(doc["theta"], np.array(golden["theta"]))
    assert (doc["items"], doc["ids"]) == (golden["items"], golden["ids"])


def test_cat_session_save_restore_continues_exactly():
    s = attune.CatSession(BANK, max_items=4, selection="mpwi", randomesque=3, seed=11)
    first = s.next_item()
    assert first in BANK.items and s.next_item() == first
    s.answer(first, 4)
    restored = attune.CatSession.restore(BANK, s.save())
    theta, se = s.theta("anxiety")
    assert restored.theta("anxiety") == (theta, se) and 0 < se < 1
    given = 1
    while True:
        a, b = s.next_item(), restored.next_item()
        assert a == b
        if a is None:
            break
        s.answer(a, 3)
        restored.answer(b, 3)
        given += 1
    assert given == 8  # 4 per scale
    assert s.theta("avoidance") == restored.theta("avoidance")


def test_cat_session_errors_name_the_option_and_the_item():
    with pytest.raises(attune.Error) as e:
        attune.CatSession(BANK, stop=0.3)
    assert e.value.option == "stop" and "stop_se" in str(e.value) and e.value.code == "invalid_argument"
    with pytest.raises(attune.Error) as e:
        attune.CatSession(BANK, randomesque=0)
    assert "randomesque" in e.value.option
    s = attune.CatSession(BANK)
    with pytest.raises(attune.Error) as e:
        s.answer("Q1", 9)
    assert "Q1" in str(e.value)
    with pytest.raises(attune.Error):
        s.theta()  # two scales: name one
    with pytest.raises(attune.Error) as e:
        attune.CatSession.restore(BANK, "{")
    assert e.value.code == "bad_input"
    with pytest.raises(attune.Error) as e:
        attune.irt_info(BANK, theta_stp=1)
    assert e.value.option == "theta_stp" and "theta_step" in str(e.value)


def test_bank_studies_release_the_gil():
    ids, _, values = read_csv(BANK_DATA)
    results = [None] * 4

    def run(k):
        results[k] = attune.irt_score(np.tile(values, (50, 1)), BANK, threads=1)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == results[0] for r in results)
    assert not math.isnan(results[0]["respondents"][0]["theta_anxiety"])
