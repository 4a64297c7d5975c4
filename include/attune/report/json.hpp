/// @file json.hpp
/// JSON documents of every public result and study struct (report layer).
///
/// One vocabulary (docs/json.md): a JSON key is the struct member's name, every member is
/// written, NaN and infinities are `null`, enums are written by their `to_string` names, and every
/// document starts with `"format": "attune/1"` and `"study"` (the struct's name for an analysis
/// result, the task for a study: "score", "reliability", ...). What `attune <command> --format
/// json` prints is exactly `to_json` of the study struct that command computes.
///
/// @throws attune::error (bad_input) when a text (an id, a name) is not valid UTF-8, which JSON
///         requires.
#pragma once

#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/change.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/profiles.hpp"
#include "attune/study/irt.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_EXPORT std::string to_json(const score_study& study);
ATTUNE_EXPORT std::string to_json(const reliability_study& study);
/// The classify document: the head (method, provenance, SEMs), one row per respondent with the
/// same columns as the CSV, then the classification's summary, the norms and the warnings.
ATTUNE_EXPORT std::string to_json(const classify_study& study);
/// The change document: files, scales, one row per matched respondent, trajectories, unmatched ids.
ATTUNE_EXPORT std::string to_json(const change_study& study);
/// The quality document: items, options and rules, one row per respondent, then the report's
/// summary (item pairs, flag counts, the validation report, warnings).
ATTUNE_EXPORT std::string to_json(const quality_study& study);
/// The sample statistics of merged quality states ("study": "quality_sample"; docs/scale.md).
ATTUNE_EXPORT std::string to_json(const quality_sample_study& study);
/// The instruments' full definitions ("study": "instruments").
ATTUNE_EXPORT std::string to_json(const std::vector<instrument>& instruments);
ATTUNE_EXPORT std::string to_json(const correlate_study& study);
ATTUNE_EXPORT std::string to_json(const factor_study& study);
/// The profiles document: the data and options, one row per respondent (id or row, the scores,
/// p_1..p_K, profile, uncertainty, label), then every fit, the best, the average posterior table,
/// the bootstrap tests, the agreement with the midpoint styles and the warnings.
ATTUNE_EXPORT std::string to_json(const profiles_study& study);
/// The cluster document: the data, one row per respondent (id or row, the scores, cluster, label),
/// then the tree (merge heights), sizes, means, names, the mixture compared and the agreement.
ATTUNE_EXPORT std::string to_json(const cluster_study& study);
/// The calibrated item bank as its file (`"format": "attune-item-bank/1"`, not an attune/1
/// document: it is what `load_item_bank` reads), with the fit report under `"fit"`.
ATTUNE_EXPORT std::string to_json(const irt_fit_study& study);
/// The IRT scores document ("study": "irt_score"): head, one row per respondent with the CSV's
/// columns (theta_<scale>, se_<scale>, answered_<scale>), then each scale's summary.
ATTUNE_EXPORT std::string to_json(const irt_score_study& study);
/// Information and SE on the grid per scale ("study": "irt_info").
ATTUNE_EXPORT std::string to_json(const irt_info_study& study);
/// Answers simulated from a bank ("study": "irt_simulation"): items, scales, ids, answers (rows x
/// items, null = deleted at random) and the true theta (rows x scales).
ATTUNE_EXPORT std::string to_json(const irt_simulation_study& study);
/// The summary of a simulated adaptive test ("study": "cat_simulation"); the per-respondent
/// matrices of the result are not written.
ATTUNE_EXPORT std::string to_json(const cat_simulation_study& study);

ATTUNE_END_NAMESPACE
