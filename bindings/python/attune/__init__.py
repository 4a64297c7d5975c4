"""attune for Python: scoring, reliability and classification of adult attachment questionnaires.

A thin layer over attune's C API: every function hands the data to one study of the C++ library
and returns the JSON document that ``attune <command> --format json`` prints, as a dict (the same
keys, docs/json.md; JSON null is ``None``). Nothing is computed or formatted here.

Data: a 2-D array (respondents x items; anything numpy converts to float64), NaN = no answer; or a
pandas DataFrame, whose column names are the item ids (with an instrument, the columns named like
its items are taken, in its order, as the command line does). Options are keyword arguments named
as the C++ options fields (``min_answered``, ``range``, ``intervals``, ``n_factors``...), with the
C++ defaults; docs/python.md and docs/c-api.md list them per study. An unknown keyword is an
error. Errors are :class:`attune.Error` (a ``ValueError``) with ``code``, ``row``, ``column``,
``item`` and ``value``.

Copies: a C-contiguous float64 array is passed to the library as it is; the library copies it once
into its own column-major matrix. Other dtypes and layouts are converted by numpy first. The GIL is
released while the library computes, so threads can run studies in parallel.

>>> import attune, numpy as np
>>> ecr_r = attune.Instrument.builtin("ecr-r")
>>> doc = attune.reliability(np.full((10, 36), 4.0), ecr_r)  # doctest: +SKIP
"""

import json as _json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as _np

from . import _attune
from ._attune import Instrument, ItemBank
from ._errors import Error

__all__ = [
    "Error", "Instrument", "__version__", "abi_version", "instruments", "study", "score", "score_array",
    "score_respondent", "reliability", "omega", "correlate", "factor", "cfa", "classify", "change", "quality",
    "ItemBank", "CatSession", "irt_fit", "irt_score", "irt_info", "irt_simulate", "cat_simulate",
]

__version__: str = _attune.version()


def abi_version() -> int:
    """The library's ABI version."""
    return _attune.abi_version()


def instruments() -> List[Dict[str, Any]]:
    """Every built-in instrument's definition (the "instruments" list of ``attune instruments --format json``)."""
    return _json.loads(_attune.instruments_json())["instruments"]


def _instrument(instrument: Union[Instrument, str, None], required: bool, study_name: str) -> Optional[Instrument]:
    if instrument is None:
        if required:
            raise Error(f"the {study_name} study needs an instrument (attune.Instrument or a built-in id)",
                        code="invalid_argument", option="instrument")
        return None
    if isinstance(instrument, str):
        return Instrument.builtin(instrument)
    if not isinstance(instrument, Instrument):
        raise TypeError(f"instrument must be an attune.Instrument or a built-in id, not {type(instrument).__name__}")
    return instrument


def _is_dataframe(data: Any) -> bool:
    return type(data).__module__.startswith("pandas") and hasattr(data, "columns") and hasattr(data, "to_numpy")


def _matrix(data: Any, instrument: Union[Instrument, ItemBank, None], options: Dict[str, Any]) -> _np.ndarray:
    """The data as a 2-D float64 array; a DataFrame's column names (and id column) go into `options`."""
    if _is_dataframe(data):
        names = [str(c) for c in data.columns]
        id_column = options.get("id_column")
        if id_column is not None and id_column in names and "ids" not in options:
            options["ids"] = [str(v) for v in data[id_column]]
        rest = [c for c in names if c != id_column]
        selected = rest
        if instrument is not None:
            by_name = {c.lower(): c for c in rest}
            matched = [by_name.get(i.lower()) for i in instrument.items]
            if all(m is not None for m in matched):
                selected = matched
        options.setdefault("columns", selected)
        return data[selected].to_numpy(dtype=_np.float64, na_value=_np.nan)
    array = _np.asarray(data, dtype=_np.float64)  # no copy for a float64 array
    if array.ndim != 2:
        raise Error(f"data must be a 2-D array (respondents x items); got {array.ndim} dimension(s)",
                    code="invalid_argument", option="data")
    return array


def _options_json(options: Dict[str, Any]) -> str:
    def convert(v: Any) -> Any:
        if isinstance(v, _np.generic):
            return v.item()
        if isinstance(v, _np.ndarray):
            return v.tolist()
        raise TypeError(f"option value {v!r} is not JSON")

    if "ids" in options and options["ids"] is not None:
        options["ids"] = [str(i) for i in options["ids"]]
    return _json.dumps({k: v for k, v in options.items() if v is not None}, default=convert)


def study(name: str, data: Any, instrument: Union[Instrument, str, None] = None, **options: Any) -> Dict[str, Any]:
    """The whole JSON document of study `name` ("score", "reliability", "correlate", "factor",
    "classify", "change", "quality", "irt fit") on `data`, as ``attune <name> --format json`` prints it."""
    inst = _instrument(instrument, name not in ("reliability", "correlate", "irt fit"), name)
    matrix = _matrix(data, inst, options)
    return _json.loads(_attune.study_json(name, inst, matrix, _options_json(options)))


def score(instrument: Union[Instrument, str], answers: Any, **options: Any) -> Dict[str, Any]:
    """Scores every respondent: the "score" document (``respondents``: one dict per row with each
    score and its ``<score>_answered`` count; ``summary``; ``warnings``).

    Options: ``range`` ("1-5", [1, 5]), ``min_answered`` (0.8), ``out_of_range`` ("error" or
    "set_missing"), ``id_column`` and ``ids`` (respondent ids), ``columns``, ``source``.
    """
    return study("score", answers, instrument, **options)


def score_array(instrument: Union[Instrument, str], answers: Any, **options: Any) -> _np.ndarray:
    """Every respondent's scores as a float64 array (respondents x ``instrument.scores``), NaN where
    a respondent answered too few items. Options as :func:`score`. A row-major float64 array (also a
    slice of rows or with a row stride) is read in place."""
    inst = _instrument(instrument, True, "score")
    if _is_dataframe(answers):
        answers = _matrix(answers, inst, options)
    return _attune.score_matrix(inst, answers, _options_json(options))


def score_respondent(instrument: Union[Instrument, str], answers: Any, **options: Any) -> Dict[str, float]:
    """One respondent's scores, {score name: value} (NaN = too few answers). `answers`: one value per
    item, in item order, NaN = no answer. Options: ``range``, ``min_answered``, ``out_of_range``."""
    inst = _instrument(instrument, True, "score_respondent")
    values = _attune.score_respondent(inst, answers, _options_json(options))
    return dict(zip(inst.scores, values.tolist()))


def reliability(data: Any, instrument: Union[Instrument, str, None] = None, **options: Any) -> Dict[str, Any]:
    """Reliability: alpha with intervals, Guttman's lambdas, split-half, item analysis, omega.

    With an instrument: the "reliability" document (one entry of ``scales`` per subscale). Without
    one: the columns are one scale, as ``attune reliability --items`` does, and the result is that
    scale's entry (the same keys as one entry of the document's ``scales``);
    ``attune.study("reliability", data, **options)`` gives the whole document.

    Options: ``reversed`` (column names, no instrument), ``range``, ``missing`` ("pairwise"),
    ``intervals`` (["feldt", "bonett_wright"]), ``level`` (0.95), ``n_for_intervals``,
    ``bootstrap`` (0), ``seed``, ``threads`` (0 = all cores), ``split_half`` (True),
    ``omega_bootstrap`` (0), ``ordinal`` (False), ``columns``, ``min_answered``, ``out_of_range``.
    """
    doc = study("reliability", data, instrument, **options)
    return doc if instrument is not None else doc["scales"][0]


def omega(data: Any, instrument: Union[Instrument, str, None] = None, **options: Any) -> Dict[str, Any]:
    """McDonald's omega, from the reliability study: without an instrument the columns' ``omega``
    entry; with one, {subscale name: its ``omega`` entry}. Options as :func:`reliability`."""
    doc = study("reliability", data, instrument, **options)
    if instrument is None:
        return doc["scales"][0]["omega"]
    return {s["name"]: s["omega"] for s in doc["scales"]}


def correlate(data: Any, instrument: Union[Instrument, str, None] = None, **options: Any) -> Dict[str, Any]:
    """Item correlations: the "correlate" document. Options: ``method`` ("pearson" or
    "polychoric"), polychoric's ``correct``, ``smooth``, ``max_categories``, ``standard_errors``,
    ``threads``; ``columns``, ``range``."""
    return study("correlate", data, instrument, **options)


def factor(data: Any, instrument: Union[Instrument, str], **options: Any) -> Dict[str, Any]:
    """Factor structure of the keyed items: the "factor" document. Options: ``analysis`` ("efa" or
    "cfa"), ``subscales``, ``n_factors`` (0 = one per subscale), ``method`` ("minres"), ``rotation``
    ("oblimin"), ``oblimin_gamma``, ``geomin_delta``, ``max_iterations``, ``rotation_tolerance``,
    and for CFA ``tolerance``, ``rmsea_ci_level``, ``rmsea_close_h0``; ``polychoric`` (False),
    ``scores`` ("regression", "bartlett", "ten_berge"), ``parallel`` (False) with
    ``parallel_analysis={"replicates": 100, "quantile": 0.95, "seed": 1, "method": "minres"}``,
    ``efa_fit={"level": 0.9}``; ``efa={...}`` and ``cfa={...}`` take any field of
    ``efa_options`` and ``cfa_options`` (docs/c-api.md)."""
    return study("factor", data, instrument, **options)


def cfa(data: Any, instrument: Union[Instrument, str], **options: Any) -> Dict[str, Any]:
    """The confirmatory model with one factor per subscale (lavaan ``cfa``, ML): :func:`factor`
    with ``analysis="cfa"``."""
    return factor(data, instrument, analysis="cfa", **options)


def classify(data: Any, instrument: Union[Instrument, str], **options: Any) -> Dict[str, Any]:
    """Attachment styles with their uncertainty: the "classify" document. Options: ``method``
    ("midpoint"; "fisher", "median", "norms", "kmeans", "rq", "raas"), ``reliability`` and ``sd``
    (a number, or {score: number}), ``norms`` (a norm table id or dict), ``rescale_to_1_7``,
    ``on_cut``, ``kmeans_starts``, ``seed``, ``probability_threshold``, ``forced_choice`` (rq: the
    choice of each row), ``id_column``/``ids``."""
    return study("classify", data, instrument, **options)


def change(waves: Sequence[Any], instrument: Union[Instrument, str], ids: Optional[Sequence[Sequence[Any]]] = None,
           **options: Any) -> Dict[str, Any]:
    """Change between administrations (reliable change index, clinical significance, styles): the
    "change" document. `waves`: two or more data sets in time order; respondents are matched by id:
    `ids` gives each data set's ids, or ``id_column`` names the id column of DataFrames. Options:
    ``wave_names``, ``scales``, ``reliability``, ``sd``, ``norms``, ``functional_norms``,
    ``dysfunctional_norms``, ``cutoff`` ("c"), ``critical`` (1.96), ``directions``,
    ``styles_method`` ("midpoint"; "none" for no styles), ``rescale_to_1_7``."""
    inst = _instrument(instrument, True, "change")
    if len(waves) < 2:
        raise Error("change needs at least two data sets (administrations in time order)", code="invalid_argument",
                    option="waves")
    matrices, all_ids = [], []
    for w, data in enumerate(waves):
        wave_options = {k: options[k] for k in ("id_column",) if k in options}
        m = _matrix(data, inst, wave_options)
        matrices.append(m)
        wave_ids = ids[w] if ids is not None else wave_options.get("ids")
        if wave_ids is None:
            raise Error(f"data set {w + 1} has no ids: give ids= or id_column= (respondents are matched by id)",
                        code="invalid_argument", option="ids")
        all_ids.extend(str(i) for i in wave_ids)
        if "columns" in wave_options:
            options.setdefault("columns", wave_options["columns"])
    options["wave_rows"] = [m.shape[0] for m in matrices]
    options["ids"] = all_ids
    stacked = _np.ascontiguousarray(_np.vstack(matrices))
    return _json.loads(_attune.study_json("change", inst, stacked, _options_json(options)))


def quality(data: Any, instrument: Union[Instrument, str], **options: Any) -> Dict[str, Any]:
    """Careless-responding indices and flags: the "quality" document. Options: ``longstring_share``,
    ``irv_blocks``, ``irv_min``, ``irv_max``, ``mahalanobis_confidence``, ``mahalanobis_missing``,
    ``evenodd_max``, ``evenodd_min_subscales``, ``psychsyn_critical``, ``psychant_critical``,
    ``psychsyn_min``, ``psychant_max``, ``reversal_max``; ``range``, ``min_answered``."""
    return study("quality", data, instrument, **options)


# ---- item response theory ---------------------------------------------------------------------


def _bank(bank: Any) -> ItemBank:
    if isinstance(bank, ItemBank):
        return bank
    if isinstance(bank, dict):
        return ItemBank.from_json(_json.dumps(bank))
    if isinstance(bank, str):
        return ItemBank.from_json(bank)
    raise TypeError(f"bank must be an attune.ItemBank, its dict or its JSON text, not {type(bank).__name__}")


def _bank_study(name: str, bank: Any, data: Any, options: Dict[str, Any]) -> Dict[str, Any]:
    b = _bank(bank)
    matrix = None if data is None else _matrix(data, b, options)
    return _json.loads(_attune.study_bank_json(name, b, matrix, _options_json(options)))


def irt_fit(data: Any, instrument: Union[Instrument, str, None] = None, **options: Any) -> Dict[str, Any]:
    """Calibrates an item bank (Samejima's graded response model per subscale, or the columns as one
    scale ``scale``): the bank document of ``attune irt fit`` (``"format": "attune-item-bank/1"``,
    the bank's items, and the fit report under ``fit``). ``attune.ItemBank.from_json(json.dumps(doc))``
    (or passing the dict as ``bank=``) makes it a bank.

    Options: ``scale`` ("scale"), ``reversed``, ``range`` (e.g. "1-7": the categories), ``unused_categories``
    ("error" or "drop"), ``start`` ("polychoric" or "simple"), ``acceleration`` ("squarem"),
    ``quadrature_rule``/``_points`` (61)/``_lower``/``_upper``, ``max_iterations`` (500),
    ``tolerance`` (1e-4), ``max_slope`` (20), ``standard_errors`` (True), ``item_fit`` (True),
    ``min_expected`` (1), ``threads``, ``provenance_source``/``_sample``/``_n``/``_date``/``_script``,
    ``licence``, ``notes``; ``columns``, ``missing_codes``, ``out_of_range``.
    """
    inst = _instrument(instrument, False, "irt fit")
    matrix = _matrix(data, inst, options)
    return _json.loads(_attune.study_json("irt fit", inst, matrix, _options_json(options)))


def irt_score(data: Any, bank: Any, **options: Any) -> Dict[str, Any]:
    """Theta and its SE per respondent and scale from a bank's fixed parameters: the "irt_score"
    document (``respondents``: one dict per row with ``theta_<scale>``, ``se_<scale>``,
    ``answered_<scale>``). `data`: columns in bank order (``bank.items``), or a DataFrame whose
    columns are named like them.

    Options: ``method`` ("eap", "map", "ml", "eap_sum"), ``quadrature_points`` (121)/``_lower``/
    ``_upper``/``_rule``, ``prior_mean`` (0), ``prior_sd`` (1), ``ml_map_fallback`` (False),
    ``max_theta`` (20), ``max_iterations`` (100), ``threads``; ``out_of_range``, ``missing_codes``,
    ``id_column``/``ids``.
    """
    return _bank_study("irt score", bank, data, options)


def irt_info(bank: Any, **options: Any) -> Dict[str, Any]:
    """Item and test information and SE of every scale on a theta grid: the "irt_info" document.
    Options: ``theta_min`` (-4), ``theta_max`` (4), ``theta_step`` (0.5)."""
    return _bank_study("irt info", bank, None, options)


def irt_simulate(bank: Any, **options: Any) -> Dict[str, Any]:
    """Answers simulated from the bank's model (seeded: the same seed gives the same data everywhere):
    {"items", "scales", "ids", "answers": array rows x items (NaN = deleted), "theta": array rows x
    scales}. Options: ``n`` (1000), ``seed`` (1), ``missing_rate`` (0), ``threads``."""
    doc = _bank_study("irt simulate", bank, None, options)
    for key in ("answers", "theta"):
        width = len(doc["items"]) if key == "answers" else len(doc["scales"])
        doc[key] = _np.array([[_np.nan if v is None else v for v in row] for row in doc[key]],
                             dtype=_np.float64).reshape(-1, width)
    return doc


def cat_simulate(bank: Any, data: Any = None, **options: Any) -> Dict[str, Any]:
    """Adaptive tests on simulated respondents (or on `data`'s answers, columns in bank order): the
    "cat_simulation" document (items used, RMSE, correlation with the full-length EAP).

    Options: ``n`` (1000), ``seed`` (1, the simulated respondents), ``threads``, and the CAT's
    options as :class:`CatSession`, whose ``seed`` is here ``exposure_seed``.
    """
    return _bank_study("cat simulate", bank, data, options)


class CatSession:
    """An adaptive test in progress on an item bank, one answer at a time.

    Options: ``selection`` ("mfi", "mpwi", "kl"), ``balance`` ("alternate", "largest_se", "none"),
    ``randomesque`` (1), ``seed`` (1), ``kl_delta`` (3), ``stop_se`` (0.3; 0 = no SE rule),
    ``min_items`` (1), ``max_items``, ``se_change``, ``max_total_items``, ``quadrature_points``
    (121)/``_lower``/``_upper``/``_rule``. Not for use from two threads at once; sessions are
    independent. ``save()`` and ``CatSession.restore(bank, text)`` let a stateless server continue it.
    """

    def __init__(self, bank: Any, **options: Any) -> None:
        self._bank = _bank(bank)
        self._native = _attune.CatSession.create(self._bank, _options_json(options))

    @classmethod
    def restore(cls, bank: Any, text: str) -> "CatSession":
        """A session restored from :meth:`save` text on the same bank; it continues exactly as the
        original would."""
        session = cls.__new__(cls)
        session._bank = _bank(bank)
        session._native = _attune.CatSession.restore(session._bank, text)
        return session

    def next_item(self) -> Optional[str]:
        """The id of the item to ask next, or None when the test is done."""
        return self._native.next_item()

    def answer(self, item: str, value: float) -> None:
        """Records the answer to `item`: one of its categories, or NaN for a skipped item."""
        self._native.answer(item, float(value))

    def theta(self, scale: Optional[str] = None) -> Tuple[float, float]:
        """(theta, se) of `scale`: the EAP and the posterior SD (None: the bank's only scale)."""
        return self._native.theta(scale or "")

    def save(self) -> str:
        """The session as JSON text (attune-cat-session/1)."""
        return self._native.save()
