/// @file table.hpp
/// Readable text tables of every study (report layer), drawn from the same structs as `to_json`,
/// so that no number can differ between the two.
#pragma once

#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/change.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Every respondent's scores, aligned, then the summary.
ATTUNE_EXPORT std::string to_table(const score_study& study);
/// The summary alone (respondents, and per score: scored, unscored, mean, SD, min, max; warnings).
ATTUNE_EXPORT std::string score_summary_text(const score_study& study);
/// psych-style reliability report per scale (alpha, lambdas, split-half, omega, intervals, item analysis).
ATTUNE_EXPORT std::string to_table(const reliability_study& study);
/// Every respondent's style, aligned, then `classify_summary_text`.
ATTUNE_EXPORT std::string to_table(const classify_study& study);
/// The method and its source, counts per style, the SEMs and cuts (or the RQ tie counts), the
/// dimensional-use note and every warning.
ATTUNE_EXPORT std::string classify_summary_text(const classify_study& study);
/// Every matched respondent's change, aligned, then `change_summary_text`.
ATTUNE_EXPORT std::string to_table(const change_study& study);
/// The files, the matching, per scale S_diff with the sources of SD and reliability, the
/// categories first to last, cut-offs, unmatched ids, the note and every warning.
ATTUNE_EXPORT std::string change_summary_text(const change_study& study);
/// Every respondent's indices, aligned, then `quality_summary_text`.
ATTUNE_EXPORT std::string to_table(const quality_study& study);
/// Respondents flagged per index with its rule, item pairs, and the validation report.
ATTUNE_EXPORT std::string quality_summary_text(const quality_study& study);
/// One paragraph per instrument: items, subscales and reverse keys, composites, key source and licence.
ATTUNE_EXPORT std::string to_table(const std::vector<instrument>& instruments);
/// The correlation matrix as R prints `round(r, 2)`, with the method, N and warnings.
ATTUNE_EXPORT std::string to_table(const correlate_study& study);
/// The correlation matrix as CSV (an `item` column, then one column per item; shortest round-trip numbers).
ATTUNE_EXPORT std::string to_csv(const correlate_study& study);
/// A correlation (or any square) matrix as R prints it rounded to `decimals`.
ATTUNE_EXPORT std::string correlation_matrix_text(const std::vector<std::string>& names, const Eigen::MatrixXd& m, int decimals = 2);
/// Loadings, communalities and fit (EFA as psych prints fa; CFA with lavaan's fit measures).
ATTUNE_EXPORT std::string to_table(const factor_study& study);
/// The factor scores as CSV: the id column (or `row`), then one column per factor; an empty cell
/// for a row with a missing answer. Throws invalid_argument when the study has no scores.
ATTUNE_EXPORT std::string to_csv(const factor_study& study);

ATTUNE_END_NAMESPACE
