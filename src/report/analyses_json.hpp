// Private to the report layer: to_json of the analyses' and keys' structs, member by member
// (json_fields.hpp explains the rules).
#pragma once

#include "attune/analyses/omega.hpp"
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
ATTUNE_JSON_FIELDS(reliability_result, n_items, n_rows, n_complete, n_effective, n_min_pair, n_intervals, alpha,
                   alpha_std, lambda1, lambda2, lambda3, lambda4, lambda5, lambda6, average_r, median_r, var_r,
                   signal_noise, ase, total_mean, total_sd, sem, sem_sum, covariance, correlation, smc, items,
                   split_half, intervals, bootstrap_alphas, warnings)

ATTUNE_JSON_FIELDS(omega_result, omega_hierarchical, omega_total, omega_hierarchical_asymptotic, alpha, lambda6, ecv,
                   n_factors, general, group, communalities, uniquenesses, keys, group_omega_total,
                   group_omega_general, group_omega_group, phi, n_obs, warnings)
ATTUNE_JSON_FIELDS(omega_single_result, omega_total, omega_model, loadings, uniquenesses, n_obs, warnings)

ATTUNE_END_NAMESPACE
