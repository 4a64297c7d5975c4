/// @file profiles.hpp
/// Data-driven attachment profiles of a data set (study layer): latent profile analysis
/// (Gaussian mixtures, analyses/profiles.hpp) and Ward's hierarchical clustering
/// (analyses/cluster.hpp) of the instrument's scores or of its keyed items, each respondent's
/// membership with its uncertainty, the profiles named on the attachment plane, and the adjusted
/// Rand index against the fixed-rule midpoint styles.
///
/// **The data.** `on = scores`: the instrument's scores (`scores`; default its anxiety and
/// avoidance), scored through the scoring module with the common input rules (the response
/// range, the out-of-range rule, the minimum-answered rule). `on = items`: every item that belongs
/// to a subscale, keyed as in the first subscale that holds it (reverse-keyed items reversed, so
/// that a high mean is a high score), in instrument order. Either way the instrument is scored
/// too: the rows show the scores (`scores`) next to the memberships, and the midpoint styles
/// need them.
///
/// **Names on the attachment plane** (`labels`). Each profile (or cluster) is placed by its mean
/// anxiety and mean avoidance score: on scores, its means of those two columns; on items, the
/// scores of a respondent who answers every item at the profile's mean (the scoring is linear,
/// so this is the profile's mean score). The cuts are the midpoint of the response range
/// (`label_reference::midpoint`, as `classify` method midpoint) or the sample means of the two
/// scores over the respondents fitted (`sample_mean`). The rule is `label_profiles`'s: four
/// profiles in four different quadrants, none on a cut, are named secure, preoccupied,
/// dismissing and fearful; otherwise they are unlabelled with the reason. It needs both scores
/// (the instrument's `anxiety` and `avoidance`) and, for the midpoint, mean scoring.
///
/// **Agreement.** The adjusted Rand index (`adjusted_rand_index`) of the best fit's modal
/// profiles (or the clusters) with the fixed-rule midpoint styles (`classify` method midpoint on
/// the same scores), over the respondents that both classify; for Ward, also with the modal
/// profiles of a mixture with the same number of profiles when `cluster_study_options::profiles`
/// asks for one. A diagnostic, not a test: it says how far the data-driven groups are from the
/// quadrants.
///
/// docs/profiles.md explains how to read the output and how to choose K.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/classify.hpp"
#include "attune/analyses/cluster.hpp"
#include "attune/analyses/profiles.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// What the profiles are fitted to.
enum class profile_data {
  scores,  ///< the instrument's scores (default: anxiety and avoidance)
  items,   ///< the keyed items of its subscales
};
/// "scores", "items".
ATTUNE_EXPORT std::string_view to_string(profile_data d) noexcept;
/// Parses a name of `to_string(profile_data)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<profile_data> parse_profile_data(std::string_view s) noexcept;

/// The agreement of two classifications of the same respondents.
struct ATTUNE_EXPORT partition_agreement {
  /// What the profiles or clusters are compared with: "midpoint" (the fixed-rule midpoint
  /// styles) or "profiles" (the modal profiles of a mixture).
  std::string with;
  std::optional<double> ari;          ///< the adjusted Rand index; null when not computed
  std::size_t n = 0;                  ///< respondents classified by both (its effective N)
  std::optional<std::string> reason;  ///< why it was not computed
};

/// Options of `study_profiles`.
struct ATTUNE_EXPORT profiles_study_options {
  input_options input;
  profile_data on = profile_data::scores;
  /// The instrument's scores (subscales or composites) fitted with `on = scores`, shown in the
  /// rows with `on = items`. Default: the instrument's anxiety and avoidance scores.
  std::vector<std::string> scores;
  /// Models, K, starts, seed, tolerance, prior, bootstrap test and threads. `labels` must be left
  /// unset: the study names the profiles itself (`labels` below).
  mixture_options mixture;
  /// Where the cuts that name profiles lie; nullopt: no names.
  std::optional<label_reference> labels = label_reference::midpoint;
  /// @throws attune::error (invalid_argument) naming the field, value and rule (with
  ///         `error_details::option` set): repeated scores, `mixture.labels` set, the mixture's
  ///         own rules.
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp), bound to `o`: on,
/// scores, labels (or none), the mixture's models (names, or all), starts, seed and prior (a
/// toggle: mclust's default prior), k (N or MIN-MAX: `mixture.k_min` and `k_max`) and
/// bootstrap-lrt. Not listed: `input` (`describe_options(input_options&)`), the mixture's
/// tolerances, iterations, subset, bootstrap model and starts, threads and progress.
ATTUNE_EXPORT option_list describe_options(profiles_study_options& o);

/// The latent profiles of a data set.
struct ATTUNE_EXPORT profiles_study {
  std::string instrument;                ///< instrument id
  profile_data on = profile_data::scores;
  /// The columns fitted, in order: score names (`on = scores`) or the data columns of the items.
  std::vector<std::string> columns;
  std::vector<bool> reversed;            ///< per column: a reverse-keyed item (always false for scores)
  std::vector<std::string> scores;       ///< the instrument's scores in the rows
  response_range range;                  ///< the response range of the answers
  std::string id_column;                 ///< the id column's name; empty: rows are numbered
  std::size_t n_rows = 0;                ///< respondents read
  std::size_t n_out_of_range = 0;        ///< answers outside the range treated as missing
  std::size_t n = 0;           ///< respondents fitted (no missing value among the columns)
  std::size_t n_missing = 0;   ///< respondents left out: a value is missing
  std::size_t n_distinct = 0;  ///< distinct rows among those fitted
  /// The mixture options applied (`threads` is not part of the result: results never depend on it).
  mixture_options mixture;
  std::optional<label_reference> labels;  ///< the cuts of the names; null: not named
  std::string label_rule;                 ///< the naming rule with its cuts, in words (empty: not named)
  /// Per respondent (input order): the id (with an id column), the 1-based data row and the
  /// scores (n_rows x scores.size(); NaN = not scoreable).
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  Eigen::MatrixXd score_values;
  /// Every model and K (`mixture_result::fits`); with names, each fit's `labels`.
  std::vector<mixture_fit> fits;
  std::optional<mixture_choice> best;  ///< the highest BIC; null when nothing could be fitted
  /// The best fit's posteriors, modal profiles, uncertainties (per respondent) and average
  /// posterior table.
  std::optional<profile_membership> membership;
  /// The best fit's profile means of (anxiety, avoidance), K x 2: the points its names are read
  /// from; empty without both scores.
  Eigen::MatrixXd plane_means;
  std::vector<bootstrap_lrt_test> bootstrap_lrt;  ///< K against K - 1, when asked for
  std::vector<partition_agreement> agreement;     ///< the modal profiles against the midpoint styles
  /// The study's warnings, then those of the mixture (each fit and test carries its own).
  std::vector<warning> warnings;
};

/// Fits the mixtures to `data` (columns: the instrument's items in order).
/// @throws attune::error: invalid_argument for options (an unknown score, `scores` empty
///         without the instrument's anxiety and avoidance), insufficient_data (too few complete
///         rows, no items in a subscale), and those of `score` and `fit_profiles`.
ATTUNE_EXPORT profiles_study study_profiles(const instrument& inst, responses data,
                                            const profiles_study_options& options = {});
/// Reads `path` ("-" = standard input) through `read_study_data`, then as above.
ATTUNE_EXPORT profiles_study study_profiles(const instrument& inst, const std::string& path,
                                            const profiles_study_options& options = {});

/// Options of `study_cluster`.
struct ATTUNE_EXPORT cluster_study_options {
  static constexpr std::size_t max_k = 100;  ///< the most clusters a cut gives
  input_options input;
  profile_data on = profile_data::scores;
  /// As `profiles_study_options::scores`.
  std::vector<std::string> scores;
  ward_options ward;          ///< ward.D or ward.D2 (default), the row limit, threads
  std::size_t k = 4;          ///< the tree is cut into k clusters (1..max_k)
  std::optional<label_reference> labels = label_reference::midpoint;  ///< as in `profiles_study_options`
  /// When set, a mixture is fitted to the same data with K = k (its `k_min` and `k_max` are set
  /// to k) and its best fit's modal profiles compared with the clusters. `labels` must be unset.
  std::optional<mixture_options> profiles;
  /// @throws attune::error (invalid_argument) naming the field, value and rule.
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp), bound to `o`: on,
/// scores, labels (or none), models, starts, seed and prior of the mixture compared, method
/// (ward.D2 or ward.D), k, max-rows (`ward.max_n`) and compare-profiles (a toggle that sets
/// `profiles`). The mixture's options apply to `profiles` once compare-profiles sets it,
/// whichever is set first; without it they change nothing. Not listed: `input`
/// (`describe_options(input_options&)`), the threads of `ward` and `profiles`.
ATTUNE_EXPORT option_list describe_options(cluster_study_options& o);

/// Ward's clustering of a data set, cut at k.
struct ATTUNE_EXPORT cluster_study {
  std::string instrument;
  profile_data on = profile_data::scores;
  std::vector<std::string> columns;   ///< as `profiles_study::columns`
  std::vector<bool> reversed;
  std::vector<std::string> scores;    ///< the instrument's scores in the rows
  response_range range;
  std::string id_column;
  std::size_t n_rows = 0;
  std::size_t n_out_of_range = 0;
  ward_method method = ward_method::ward_d2;
  std::size_t k = 4;
  std::optional<label_reference> labels;
  std::string label_rule;
  /// Per respondent (input order): id, 1-based data row, scores, and the cluster (1..k; empty
  /// for a respondent left out: no value).
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  Eigen::MatrixXd score_values;
  std::vector<std::optional<int>> clusters;
  /// The whole tree as R's hclust gives it: merge, height, order, the rows clustered (0-based
  /// positions among the respondents), counts of rows left out and rows with missing values.
  hierarchical_tree tree;
  std::vector<std::size_t> sizes;  ///< respondents per cluster
  Eigen::MatrixXd means;           ///< k x columns: cluster means (over the members with a value)
  /// Cluster means of (anxiety, avoidance), k x 2 (over members with the score): where the
  /// names are read from; empty without both scores.
  Eigen::MatrixXd plane_means;
  std::optional<profile_labels> cluster_labels;  ///< the clusters' names (null: not named)
  std::optional<mixture_fit> profiles;           ///< the mixture compared, when asked for
  std::vector<partition_agreement> agreement;    ///< against the midpoint styles, then the profiles
  std::vector<warning> warnings;             ///< the study's, the tree's and the mixture's
};

/// Clusters `data` (columns: the instrument's items in order).
/// @throws attune::error as `study_profiles`, and those of `ward_cluster` (too many rows for the
///         memory bound) and `cut_tree` (k above the rows clustered).
ATTUNE_EXPORT cluster_study study_cluster(const instrument& inst, responses data,
                                          const cluster_study_options& options = {});
/// Reads `path` ("-" = standard input) through `read_study_data`, then as above.
ATTUNE_EXPORT cluster_study study_cluster(const instrument& inst, const std::string& path,
                                          const cluster_study_options& options = {});

ATTUNE_END_NAMESPACE
