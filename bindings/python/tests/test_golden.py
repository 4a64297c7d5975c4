"""The golden fixture: the sample data give the same documents, number for number, from the
command line (its JSON, and the snapshot that tests/json_contract_test.cpp holds it to), the C API
(through ctypes) and the Python module (from numpy and from a pandas DataFrame)."""

import json
import os
import subprocess

import pytest

import attune
from support import SAMPLE, SOURCE_DIR, c_library, c_study_json, read_csv, snapshot, snapshot_text

IDS, ITEMS, VALUES = read_csv(SAMPLE)

# (study, snapshot, CLI arguments after the data, Python call, C API options)
CASES = [
    ("score", "score", ["--instrument", "ecr-r", "--id", "id"],
     lambda: attune.score("ecr-r", VALUES, id_column="id", ids=IDS), {"id_column": "id", "ids": IDS}),
    ("reliability", "reliability", ["--instrument", "ecr-r"],
     lambda: attune.reliability(VALUES, "ecr-r"), {}),
    ("classify", "classify", ["--instrument", "ecr-r", "--method", "midpoint", "--id", "id"],
     lambda: attune.classify(VALUES, "ecr-r", method="midpoint", id_column="id", ids=IDS),
     {"id_column": "id", "ids": IDS}),
]


def cli_document(args):
    cli = os.environ.get("ATTUNE_CLI")
    if not cli:
        return None
    out = subprocess.run([cli, args[0], str(SAMPLE)] + args[1:] + ["--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("study,name,cli_args,python_call,c_options", CASES, ids=[c[0] for c in CASES])
def test_cli_c_api_and_python_give_the_same_numbers(study, name, cli_args, python_call, c_options):
    expected = snapshot(name)
    from_cli = cli_document([study] + cli_args)
    if from_cli is not None:
        assert from_cli == expected
    else:
        print("ATTUNE_CLI not set: compared with the snapshot the CLI is tested against")
    # The C API's text is the snapshot's, byte for byte.
    c_text = c_study_json(c_library(), study, "ecr-r", VALUES, dict(c_options, columns=ITEMS))
    assert c_text.rstrip() == snapshot_text(name).rstrip()
    assert python_call() == expected


def test_a_dataframe_gives_the_same_documents():
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    frame = pd.read_csv(SAMPLE, dtype={"id": str})
    assert attune.score("ecr-r", frame, id_column="id") == snapshot("score")
    assert attune.reliability(frame, "ecr-r") == snapshot("reliability")
    assert attune.classify(frame, "ecr-r", id_column="id") == snapshot("classify")


def test_columns_as_one_scale_is_one_entry_of_the_cli_scales():
    # attune reliability SAMPLE --items Q1-Q6 --scale 1-7 --reverse Q2 --ci feldt,adf
    scale = attune.reliability(VALUES[:, :6], columns=ITEMS[:6], range="1-7", reversed=["Q2"],
                               intervals=["feldt", "adf"])
    assert scale == snapshot("reliability_items")["scales"][0]


def test_change_of_three_administrations():
    waves, ids = [], []
    for w in (1, 2, 3):
        i, _, v = read_csv(SOURCE_DIR / "tests" / "data" / "change" / f"wave{w}.csv")
        waves.append(v)
        ids.append(i)
    doc = attune.change(waves, "ecr-r", ids=ids, id_column="id", wave_names=["wave1.csv", "wave2.csv", "wave3.csv"])
    assert doc == snapshot("change")
