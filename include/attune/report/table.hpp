/// @file table.hpp
/// Readable text tables of every study (report layer), drawn from the same structs as `to_json`,
/// so that no number can differ between the two.
#pragma once

#include <string>
#include <string_view>
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
/// categories first to last, the group's change (means, paired t, d_z, d_av, retest r), cut-offs,
/// one line per file counting the ids missing from it (with the first few), the note and every
/// warning.
ATTUNE_EXPORT std::string change_summary_text(const change_study& study);
/// Every unmatched id, one line each: the files holding it and those missing it.
ATTUNE_EXPORT std::string unmatched_text(const change_study& study);
/// Every respondent's indices, aligned, then `quality_summary_text`.
ATTUNE_EXPORT std::string to_table(const quality_study& study);
/// The sample statistics of merged quality states: per item n, mean and SD, and the item pairs.
ATTUNE_EXPORT std::string to_table(const quality_sample_study& study);
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
/// Every respondent's posteriors and profile, aligned, then `profiles_summary_text`.
ATTUNE_EXPORT std::string to_table(const profiles_study& study);
/// The model-selection table (model x K: log-likelihood, df, BIC, bic_min, AIC, ICL, entropy,
/// smallest profile, starts at the best, convergence), the best fit's profiles (proportions,
/// sizes, means, quadrants and names with the rule), the average posterior table, the bootstrap
/// tests, the agreement with the midpoint styles and every warning.
ATTUNE_EXPORT std::string profiles_summary_text(const profiles_study& study);
/// Every respondent's cluster, aligned, then `cluster_summary_text`.
ATTUNE_EXPORT std::string to_table(const cluster_study& study);
/// The clusters (sizes, means, quadrants and names), the heights of the last merges, the
/// agreement with the midpoint styles (and the mixture) and every warning.
ATTUNE_EXPORT std::string cluster_summary_text(const cluster_study& study);
/// Per scale: N, patterns, log-likelihood, AIC, BIC, EM iterations and convergence, reliability,
/// and per item slope (SE), thresholds b and S-X2; then every warning.
ATTUNE_EXPORT std::string to_table(const irt_fit_study& study);
/// Every respondent's theta, SE and answered count per scale, aligned, then `irt_score_summary_text`.
ATTUNE_EXPORT std::string to_table(const irt_score_study& study);
/// Per scale: respondents scored, without answers, infinite; mean and SD of theta; mean SE; warnings.
ATTUNE_EXPORT std::string irt_score_summary_text(const irt_score_study& study);
/// Per scale: marginal reliability, then theta, information, SE and I / (I + 1) on the grid.
ATTUNE_EXPORT std::string to_table(const irt_info_study& study);
/// Answers simulated from a bank: respondents, items and scales; per item the answers kept, mean
/// and SD; per scale the mean and SD of the true thetas.
ATTUNE_EXPORT std::string to_table(const irt_simulation_study& study);
/// The CAT's options, mean items, per scale accuracy, test lengths and stop rules.
ATTUNE_EXPORT std::string to_table(const cat_simulation_study& study);
/// An adaptive test's item as a front end shows it: "[3] Q2 (anxiety): <wording>" (the wording
/// when the prompt has it), one line.
ATTUNE_EXPORT std::string cat_prompt_text(const cat_item_prompt& prompt, std::size_t number);
/// The answer values of a prompt: "1/2/3/4/5".
ATTUNE_EXPORT std::string cat_choices_text(const cat_item_prompt& prompt);
/// Where one scale of a session stands: "anxiety: theta 0.12, SE 0.45".
ATTUNE_EXPORT std::string cat_progress_text(const cat_session& session, std::string_view scale);
/// The end of a session: how many items, the stop rule, and every scale's theta, SE, items and rule.
ATTUNE_EXPORT std::string cat_summary_text(const cat_session& session);
/// The factor scores as CSV: the id column (or `row`), then one column per factor; an empty cell
/// for a row with a missing answer. Throws invalid_argument when the study has no scores.
ATTUNE_EXPORT std::string to_csv(const factor_study& study);

ATTUNE_END_NAMESPACE
