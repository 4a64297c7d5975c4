"""The Python module: every function, its options, its errors, arrays in and out, threads."""

import json
import math
import threading

import numpy as np
import pytest

import attune
from support import SAMPLE, read_csv

IDS, ITEMS, VALUES = read_csv(SAMPLE)


def test_version_and_instruments():
    assert attune.__version__.count(".") == 2
    assert attune.abi_version() == 1
    ids = [i["id"] for i in attune.instruments()]
    assert "ecr-r" in ids and "rq" in ids


def test_instrument_builtin_from_json_and_back():
    ecr_r = attune.Instrument.builtin("ECR-R")
    assert ecr_r.id == "ecr-r"
    assert ecr_r.items[:2] == ["Q1", "Q2"] and len(ecr_r.items) == 36
    assert ecr_r.scores == ["anxiety", "avoidance"]
    text = ecr_r.to_json()
    again = attune.Instrument.from_json(text)
    assert again.to_json() == text
    assert repr(again) == "attune.Instrument('ecr-r')"


def test_instrument_errors():
    with pytest.raises(attune.Error) as e:
        attune.Instrument.builtin("no-such")
    assert e.value.code == "invalid_argument" and e.value.value == "no-such"
    with pytest.raises(attune.Error) as e:
        attune.Instrument.from_json('{"id": "x", "items": [')
    assert e.value.code == "bad_input" and "JSON" in str(e.value)
    with pytest.raises(TypeError):
        attune.score(42, VALUES)


def test_score_respondent_and_score_array():
    answers = np.full(36, 4.0)
    answers[0] = np.nan
    assert attune.score_respondent("ecr-r", answers) == {"anxiety": 4.0, "avoidance": 4.0}
    scores = attune.score_array("ecr-r", VALUES)
    assert scores.shape == (500, 2)
    assert scores[0, 0] == 4.6875 and scores[0, 1] == pytest.approx(2.2222222222222223, abs=1e-15)
    # a view with a row stride (columns sliced out of a wider array) is read in place
    wide = np.hstack([VALUES, np.zeros((500, 3))])
    np.testing.assert_array_equal(attune.score_array("ecr-r", wide[:, :36]), scores)
    # integer data are converted
    ints = np.full((4, 36), 3, dtype=np.int64)
    assert attune.score_array("ecr-r", ints).shape == (4, 2)
    few = np.full(36, np.nan)
    assert math.isnan(attune.score_respondent("ecr-r", few)["anxiety"])
    assert attune.score_respondent("ecr-r", np.full(36, 4.0), min_answered=0.5, range="1-7")["anxiety"] == 4.0


def test_an_error_names_the_row_the_column_and_the_value_without_cli_flags():
    bad = VALUES.copy()
    bad[41, 4] = 9.0  # data row 42, column Q5
    with pytest.raises(attune.Error) as e:
        attune.reliability(bad, "ecr-r")
    err = e.value
    assert isinstance(err, ValueError)
    assert (err.code, err.row, err.column, err.value, err.rule) == ("bad_input", 42, "Q5", "9", "out_of_range")
    assert "row 42" in str(err) and "Q5" in str(err) and "9" in str(err)
    assert "--" not in str(err)
    # the option that fixes it is named as the keyword argument, and it works
    assert "out_of_range" in str(err) or "range" in str(err)
    doc = attune.reliability(bad, "ecr-r", out_of_range="set_missing")
    assert doc["n_out_of_range"] == 1


def test_option_errors_name_the_option():
    with pytest.raises(attune.Error) as e:
        attune.reliability(VALUES, "ecr-r", levl=0.9)
    assert e.value.option == "levl" and e.value.rule == "unknown_option" and "level" in str(e.value)
    with pytest.raises(attune.Error) as e:
        attune.reliability(VALUES, "ecr-r", level=2.0)
    assert e.value.code == "invalid_argument" and "level" in e.value.option
    with pytest.raises(attune.Error) as e:
        attune.factor(VALUES, "ecr-r", rotation="sideways")
    assert e.value.option == "efa_options.rotation" and "sideways" in e.value.value
    with pytest.raises(attune.Error):
        attune.classify(VALUES, None)
    with pytest.raises(attune.Error):
        attune.reliability(VALUES[0], "ecr-r")  # 1-D


def test_every_options_field_by_its_cxx_name():
    # struct members as dicts: the factor study's parallel analysis, fit level and factor scores
    doc = attune.factor(VALUES, "ecr-r", parallel=True, parallel_analysis={"replicates": 4, "seed": 3},
                        efa_fit={"level": 0.8}, scores="bartlett")
    assert doc["parallel"]["replicates"] == 4 and doc["efa"]["fit"]["rmsea_level"] == 0.8
    assert doc["scores"]["method"] == "bartlett" and len(doc["scores"]["scores"]) == VALUES.shape[0]
    again = attune.factor(VALUES, "ecr-r", parallel=True, parallel_analysis={"replicates": 4, "seed": 3})
    assert again["parallel"] == doc["parallel"]  # seeded
    with pytest.raises(attune.Error) as e:
        attune.factor(VALUES, "ecr-r", parallel_analysis={"seeds": 3})
    assert e.value.option == "parallel_analysis.seeds" and e.value.rule == "unknown_option" and "seed" in str(e.value)
    with pytest.raises(attune.Error) as e:
        attune.factor(VALUES, "ecr-r", n_factors=2, efa={"n_factors": 3})
    assert e.value.rule == "option_repeated"


def test_every_study():
    ecr_r = attune.Instrument.builtin("ecr-r")
    omegas = attune.omega(VALUES, ecr_r)
    assert set(omegas) == {"anxiety", "avoidance"} and 0.9 < omegas["anxiety"]["total"] < 1.0
    assert 0.0 < attune.omega(VALUES[:, :6], range="1-7")["total"] < 1.0
    r = attune.correlate(VALUES[:, :6], method="polychoric", threads=1)
    assert r["correlation"]["method"] == "polychoric"
    assert len(r["correlation"]["matrix"]) == 6
    f = attune.factor(VALUES, ecr_r, n_factors=2)
    assert f["analysis"] == "efa" and len(f["factors"]) == 2
    c = attune.cfa(VALUES, ecr_r)
    assert c["analysis"] == "cfa" and c["cfa"]["n"] == 262 and c["cfa"]["fit"]["df"] > 0
    cl = attune.classify(VALUES, ecr_r, method="fisher", reliability=0.9, sd={"anxiety": 1.2, "avoidance": 1.1})
    assert cl["method"] == "fisher" and len(cl["respondents"]) == 500
    q = attune.quality(VALUES, ecr_r, longstring_share=0.4)
    assert q["study"] == "quality" and len(q["respondents"]) == 500
    s = attune.study("score", VALUES, ecr_r)
    assert s["study"] == "score"
    doc = attune.change([VALUES[:50], VALUES[50:100]], ecr_r, ids=[IDS[:50], IDS[:50]])
    assert doc["n_matched"] == 50
    with pytest.raises(attune.Error) as e:
        attune.change([VALUES[:50], VALUES[50:100]], ecr_r)
    assert e.value.option == "ids"


def test_missing_answers_are_nan():
    data = VALUES[:, :6].copy()
    data[:25, 0] = np.nan
    scale = attune.reliability(data, range="1-7")
    assert scale["items"] == ["V1", "V2", "V3", "V4", "V5", "V6"]
    complete = int(np.sum(~np.isnan(data).any(axis=1)))
    assert complete < 500 - 25 + 1
    assert scale["reliability"]["n_complete"] == complete
    assert scale["reliability"]["n_rows"] == 500


def test_threads_get_the_same_results():
    results = [None] * 4

    def run(k):
        results[k] = attune.reliability(VALUES, "ecr-r", threads=1)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(json.dumps(r) == json.dumps(results[0]) for r in results)
