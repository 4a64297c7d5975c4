// Private to the report layer: to_json of the analyses' and keys' structs, member by member
// (json_fields.hpp explains the rules).
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "attune/analyses/change.hpp"
#include "attune/analyses/classify.hpp"
#include "attune/analyses/omega.hpp"
#include "attune/analyses/quality.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/interval.hpp"
#include "attune/keys/instrument.hpp"
#include "report/json_fields.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_FIELDS(response_range, min, max)
ATTUNE_JSON_ENUM(scoring_method)
ATTUNE_JSON_ENUM(confirmation)
ATTUNE_JSON_FIELDS(item, id, text, reversed, range)
ATTUNE_JSON_FIELDS(subscale, name, label, items, reversed_items)
ATTUNE_JSON_ENUM(composite::rule)
ATTUNE_JSON_FIELDS(composite, name, label, method, parts, weights)
ATTUNE_JSON_FIELDS(instrument, id, name, citation, items, subscales, composites, range, scoring, key_confirmation,
                   key_source, wording_licence, anxiety, avoidance, notes)
ATTUNE_JSON_FIELDS(score_summary::column, name, n_scored, n_unscored, mean, sd, min, max)
ATTUNE_JSON_FIELDS(confidence_interval, method, level, lower, upper, n)

ATTUNE_JSON_FIELDS(item_statistics, item, n, mean, sd, raw_r, std_r, r_cor, r_drop, alpha_if_deleted,
                   alpha_std_if_deleted, g6_if_deleted, average_r_if_deleted, signal_noise_if_deleted, ase_if_deleted,
                   var_r_if_deleted, median_r_if_deleted, frequencies, missing_share)
ATTUNE_JSON_FIELDS(split_half_result, max, min, mean, median, n_splits, exhaustive, max_split, min_split, odd_even,
                   odd_even_r, odd_even_sb, first_second, first_second_r, first_second_sb)
ATTUNE_JSON_FIELDS(reliability_result, n_items, n_rows, n_complete, n, n_min_pair, n_intervals, alpha,
                   alpha_std, lambda1, lambda2, lambda3, lambda4, lambda5, lambda6, average_r, median_r, var_r,
                   signal_noise, ase, total_mean, total_sd, sem, sem_sum, covariance, correlation, smc, items,
                   split_half, intervals, bootstrap_alphas, warnings)

ATTUNE_JSON_FIELDS(omega_result, omega_hierarchical, omega_total, omega_hierarchical_asymptotic, alpha, lambda6, ecv,
                   n_factors, general, group, communalities, uniquenesses, keys, group_omega_total,
                   group_omega_general, group_omega_group, phi, n, warnings)
ATTUNE_JSON_FIELDS(omega_single_result, omega_total, omega_model, loadings, uniquenesses, n, warnings)


ATTUNE_JSON_ENUM(attachment_style)
ATTUNE_JSON_ENUM(classify_method)
ATTUNE_JSON_ENUM(cut_tie)
ATTUNE_JSON_ENUM(rq_decision)
ATTUNE_JSON_FIELDS(style_prototype, style, anxiety, avoidance)

namespace detail {
/// Counts indexed by an enum's values (0, 1, ... in declaration order) as an object keyed by the
/// enum's names: {"secure": 2, "preoccupied": 1, ...}.
template <class E, class BasicJsonType, std::size_t N>
BasicJsonType counts_by_name(const std::array<std::size_t, N>& counts) {
  BasicJsonType j = BasicJsonType::object();
  for (std::size_t k = 0; k < N; ++k) j[std::string(to_string(static_cast<E>(k)))] = counts[k];
  return j;
}
}  // namespace detail

// Per respondent (the respondents rows, report/classify.cpp): styles, anxiety, avoidance,
// function_values, probabilities, boundary_distance_sem, could_flip. `counts` is keyed by style.
template <class BasicJsonType>
void to_json(BasicJsonType& j, const detail::summary_of<classification>& view) {
  const classification& t = view.value;
  j = BasicJsonType::object();
  j["method"] = t.method;
  j["anxiety_cut"] = t.anxiety_cut;
  j["avoidance_cut"] = t.avoidance_cut;
  j["centers"] = t.centers;
  j["within_ss"] = t.within_ss;
  j["rescaled"] = t.rescaled;
  j["sem_anxiety"] = t.sem_anxiety;
  j["sem_avoidance"] = t.sem_avoidance;
  j["n"] = t.n;
  j["counts"] = detail::counts_by_name<attachment_style, BasicJsonType>(t.counts);
  j["n_unclassified"] = t.n_unclassified;
  j["n_near_boundary"] = t.n_near_boundary;
  j["n_uncertain"] = t.n_uncertain;
  j["note"] = t.note;
  j["warnings"] = detail::warnings_json<BasicJsonType>(t.warnings);
}
// Per respondent: styles, decisions, n_tied, margin, model_of_self, model_of_other.
template <class BasicJsonType>
void to_json(BasicJsonType& j, const detail::summary_of<rq_classification>& view) {
  const rq_classification& t = view.value;
  j = BasicJsonType::object();
  j["n"] = t.n;
  j["counts"] = detail::counts_by_name<attachment_style, BasicJsonType>(t.counts);
  j["n_unclassified"] = t.n_unclassified;
  j["n_forced_choice_used"] = t.n_forced_choice_used;
  j["n_forced_choice_agrees"] = t.n_forced_choice_agrees;
  j["n_forced_choice_given"] = t.n_forced_choice_given;
  j["note"] = t.note;
  j["warnings"] = detail::warnings_json<BasicJsonType>(t.warnings);
}

ATTUNE_JSON_ENUM(percentile_method)
ATTUNE_JSON_ENUM(change_direction)
ATTUNE_JSON_ENUM(change_category)
ATTUNE_JSON_ENUM(cutoff_kind)
ATTUNE_JSON_ENUM(clinical_status)
// Per respondent: z, t, percentile.
ATTUNE_JSON_SUMMARY_FIELDS(normed_scores, method, n, n_outside_table, warnings)
ATTUNE_JSON_FIELDS(rci_options, sd, reliability, critical, direction)
ATTUNE_JSON_FIELDS(clinical_cutoffs, a, b, c, direction)
ATTUNE_JSON_FIELDS(clinical_counts, recovered, improved, unchanged, deteriorated)
ATTUNE_JSON_FIELDS(group_change, n_pairs, mean_before, mean_after, mean_change, mean_change_ci, sd_change, t, df, p,
                   d_z, d_z_ci, d_av, d_av_ci, retest_r, retest_r_ci, improved, unchanged, deteriorated, clinical,
                   warnings)
// Per respondent (report/change.cpp): total_change, total_rci, total_category, clinical,
// step_change, step_rci. `counts` per scale, keyed by category.
template <class BasicJsonType>
void to_json(BasicJsonType& j, const detail::summary_of<trajectory_result>& view) {
  const trajectory_result& t = view.value;
  j = BasicJsonType::object();
  j["n_waves"] = t.n_waves;
  BasicJsonType counts = BasicJsonType::array();
  for (const auto& c : t.counts) counts.push_back(detail::counts_by_name<change_category, BasicJsonType>(c));
  j["counts"] = std::move(counts);
  j["n"] = t.n;
  j["warnings"] = detail::warnings_json<BasicJsonType>(t.warnings);
}

ATTUNE_JSON_ENUM(quality_index)
ATTUNE_JSON_ENUM(mahalanobis_method)
ATTUNE_JSON_FIELDS(quality_options, longstring_share, irv_blocks, irv_min, irv_max, mahalanobis_confidence,
                   mahalanobis_missing, evenodd_max, evenodd_min_subscales, psychsyn_critical, psychant_critical,
                   psychsyn_min, psychant_max, reversal_max, min_answered)
// quality_report: rendered by report/quality.cpp, which writes its item and row indices as item
// ids and data rows (the study holds the lookup).

ATTUNE_END_NAMESPACE
