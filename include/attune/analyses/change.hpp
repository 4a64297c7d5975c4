/// @file change.hpp
/// Norms and change: z, T and percentile scores against a norm table (keys/norms.hpp); the reliable
/// change index (Jacobson & Truax 1991); clinically significant change cut-offs a, b, c; and
/// trajectories over more than two administrations (therapy progress).
///
/// Orientation: for attachment anxiety and avoidance LOWER is better (toward security), so a
/// reliable decrease is "reliably improved". Other scales take a direction from the caller
/// (`change_direction`); with `none` the categories say only "increased"/"decreased".
///
/// All functions are pure and thread-safe. Errors are `attune::error`.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/classify.hpp"
#include "attune/core/config.hpp"
#include "attune/core/interval.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/norms.hpp"

ATTUNE_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Normed scores (the norm tables themselves are in keys/norms.hpp).

/// How percentiles were obtained.
enum class percentile_method { table, normal };
/// "table", "normal".
ATTUNE_EXPORT std::string_view to_string(percentile_method m) noexcept;
/// Parses a name of `to_string(percentile_method)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<percentile_method> parse_percentile_method(std::string_view s) noexcept;

/// Standard scores of N respondents against one scale's norms.
struct ATTUNE_EXPORT normed_scores {
  Eigen::VectorXd z;           ///< (x - mean) / sd
  Eigen::VectorXd t;           ///< 50 + 10 z
  Eigen::VectorXd percentile;  ///< from the table (linear interpolation) or 100 * Phi(z)
  percentile_method method = percentile_method::normal;
  std::size_t n = 0;           ///< finite scores
  std::size_t n_outside_table = 0;  ///< scores beyond the table's ends (given the end's percentile)
  std::vector<std::string> warnings;
};

/// z = (x - M) / SD, T = 50 + 10 z; percentile by linear interpolation in the norm's
/// percentile table when it has one (scores beyond its ends get the end values, counted and
/// warned about), otherwise 100 * Phi(z), which assumes normally distributed norm scores.
/// NaN in, NaN out. Cost O(N log P).
ATTUNE_EXPORT normed_scores norm_scores(const Eigen::Ref<const Eigen::VectorXd>& scores,
                                        const scale_norm& norm);

/// Adds the summary of `part` (`norm_scores` of further respondents against the same `norm`, e.g.
/// the next chunk of a file) to `total`: n, n_outside_table, and the warning with the summed
/// count. The per-respondent members of `total` are left as they are.
ATTUNE_EXPORT void merge_summary(normed_scores& total, const normed_scores& part, const scale_norm& norm);

// ---------------------------------------------------------------------------------------------
// Reliable change.

/// Which direction of change is an improvement.
enum class change_direction { lower_is_better, higher_is_better, none };
/// "lower_is_better", "higher_is_better", "none".
ATTUNE_EXPORT std::string_view to_string(change_direction d) noexcept;
/// Parses a name of `to_string(change_direction)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<change_direction> parse_change_direction(std::string_view s) noexcept;

/// The category of one change.
enum class change_category {
  reliably_improved,
  no_reliable_change,
  reliably_deteriorated,
  reliably_increased,  ///< direction `none`
  reliably_decreased,  ///< direction `none`
  not_assessable,      ///< a score is missing
};
/// "reliably_improved", "no_reliable_change", ... (the enumerator names).
ATTUNE_EXPORT std::string_view to_string(change_category c) noexcept;
/// Parses a name of `to_string(change_category)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<change_category> parse_change_category(std::string_view s) noexcept;

/// Parameters of the reliable change index for one scale.
struct ATTUNE_EXPORT rci_options {
  double sd = std::numeric_limits<double>::quiet_NaN();           ///< SD of the reference group
  double reliability = std::numeric_limits<double>::quiet_NaN();  ///< r_xx in [0, 1)
  double critical = 1.959963984540054;  ///< |RCI| beyond this is reliable (two-sided 5%)
  change_direction direction = change_direction::lower_is_better;
  /// @throws attune::error (invalid_argument) naming the field and value: sd not > 0,
  ///         reliability outside [0, 1) (1 gives a zero standard error), critical not > 0.
  void validate() const;
};

/// S_diff = sqrt(2 S_E^2) = SD * sqrt(2) * sqrt(1 - r_xx) (Jacobson & Truax 1991, p. 14).
/// @throws attune::error (invalid_argument) as `rci_options::validate`.
ATTUNE_EXPORT double standard_error_of_difference(double sd, double reliability);
/// RCI = (x2 - x1) / S_diff (Jacobson & Truax 1991, J Consult Clin Psychol 59:12-19). NaN if a
/// score is NaN. @throws attune::error (invalid_argument) as `rci_options::validate`.
ATTUNE_EXPORT double reliable_change_index(double before, double after, double sd, double reliability);
/// The category of an RCI: |RCI| > critical is reliable; its sign and the direction say which.
ATTUNE_EXPORT change_category categorize_change(double rci, double critical,
                                                change_direction direction) noexcept;

/// One assessed change.
struct ATTUNE_EXPORT reliable_change {
  double change = std::numeric_limits<double>::quiet_NaN();  ///< after - before
  double rci = std::numeric_limits<double>::quiet_NaN();
  change_category category = change_category::not_assessable;
};
/// Change, RCI and category of one before/after pair. @throws as `rci_options::validate`.
ATTUNE_EXPORT reliable_change assess_change(double before, double after, const rci_options& options);

// ---------------------------------------------------------------------------------------------
// Clinically significant change.

/// Jacobson & Truax (1991, p. 13) cut-offs between a dysfunctional and a functional population:
/// a = 2 SD beyond the dysfunctional mean toward the functional side; b = 2 SD of the functional
/// mean toward the dysfunctional side; c = (SD_f M_d + SD_d M_f) / (SD_f + SD_d), the point
/// equally many SDs from both means.
struct ATTUNE_EXPORT clinical_cutoffs {
  double a = std::numeric_limits<double>::quiet_NaN();
  double b = std::numeric_limits<double>::quiet_NaN();
  double c = std::numeric_limits<double>::quiet_NaN();
  change_direction direction = change_direction::lower_is_better;
};
/// @throws attune::error (invalid_argument) when `direction` is `none` or a norm's SD is not
///         > 0; (bad_input) when the functional mean is not on the better side of the
///         dysfunctional mean for this direction.
ATTUNE_EXPORT clinical_cutoffs jacobson_truax_cutoffs(const scale_norm& functional,
                                                      const scale_norm& dysfunctional,
                                                      change_direction direction);

/// Which cut-off to use.
enum class cutoff_kind { a, b, c };
/// "a", "b", "c".
ATTUNE_EXPORT std::string_view to_string(cutoff_kind k) noexcept;
/// Parses a name of `to_string(cutoff_kind)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<cutoff_kind> parse_cutoff_kind(std::string_view s) noexcept;
ATTUNE_EXPORT double select_cutoff(const clinical_cutoffs& cutoffs, cutoff_kind kind) noexcept;

/// Jacobson & Truax (1991) outcome of one client.
enum class clinical_status {
  recovered,      ///< reliably improved and past the cut-off (on the functional side)
  improved,       ///< reliably improved, not past the cut-off
  unchanged,      ///< no reliable change
  deteriorated,   ///< reliably deteriorated
  not_assessable, ///< a score is missing, or no direction
};
/// "recovered", "improved", "unchanged", "deteriorated", "not_assessable".
ATTUNE_EXPORT std::string_view to_string(clinical_status s) noexcept;
/// Parses a name of `to_string(clinical_status)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<clinical_status> parse_clinical_status(std::string_view s) noexcept;
/// The outcome from a before/after pair and a cut-off. A score exactly on the cut-off counts as
/// not past it. @throws as `rci_options::validate`.
ATTUNE_EXPORT clinical_status clinical_significance(double before, double after,
                                                    const rci_options& options, double cutoff);

// ---------------------------------------------------------------------------------------------
// Trajectories.

/// Options of `compute_trajectories`: per scale (column) its RCI parameters and, optionally,
/// a cut-off for clinical significance (NaN = none).
struct ATTUNE_EXPORT trajectory_options {
  std::vector<std::string> scales;  ///< column names, for messages
  std::vector<rci_options> rci;     ///< one per scale
  std::vector<double> cutoffs;      ///< empty, or one per scale (NaN = none)
  /// @throws attune::error (invalid_argument).
  void validate() const;
};

/// Change of N people over W >= 2 administrations.
struct ATTUNE_EXPORT trajectory_result {
  std::size_t n_waves = 0;
  /// First to last administration (wave 0 to wave W-1): N x S change, RCI and categories
  /// (`total_category[s][i]`) and, with a cut-off, the clinical status (`clinical[s][i]`).
  Eigen::MatrixXd total_change;
  Eigen::MatrixXd total_rci;
  std::vector<std::vector<change_category>> total_category;
  std::vector<std::vector<clinical_status>> clinical;  ///< empty without cut-offs
  /// Between consecutive administrations: step w is wave w to wave w+1 (W-1 steps), N x S.
  std::vector<Eigen::MatrixXd> step_change;
  std::vector<Eigen::MatrixXd> step_rci;
  /// Per scale, first to last: how many reliably improved / no change / deteriorated
  /// (increased/decreased for direction `none`) / not assessable, in `change_category` order.
  std::vector<std::array<std::size_t, 6>> counts;
  std::size_t n = 0;  ///< people with every scale scored at the first and the last wave
  std::vector<std::string> warnings;
};

/// Computes change over administrations. `waves[w]` is N x S (the same people in the same rows
/// and the same scales in the same columns at every wave; NaN = not scored). Cost O(W N S).
/// @throws attune::error (invalid_argument) for fewer than 2 waves, shapes that differ, option
///         counts that do not match the S scales.
ATTUNE_EXPORT trajectory_result compute_trajectories(const std::vector<Eigen::MatrixXd>& waves,
                                                     const trajectory_options& options);

// ---------------------------------------------------------------------------------------------
// Group-level change.

/// Options of `compute_group_change`.
struct ATTUNE_EXPORT group_change_options {
  double level = 0.95;  ///< confidence level of every interval, in (0, 1)
  rci_options rci;      ///< the RCI parameters behind the improved / unchanged / deteriorated counts
  /// The cut-off of clinically significant change (NaN: no `clinical` counts).
  double cutoff = std::numeric_limits<double>::quiet_NaN();
  /// @throws attune::error (invalid_argument) naming the field: level outside (0, 1), or as
  ///         `rci_options::validate`.
  void validate() const;
};

/// Jacobson & Truax (1991) outcomes of a group, counted (`clinical_status` order).
struct ATTUNE_EXPORT clinical_counts {
  std::size_t recovered = 0;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
};

/// Change of a group on one scale between two administrations: the respondents scored at both
/// (the pairs). Change is after - before. Statistics that the pairs cannot give (fewer than 2
/// pairs, no variance) are NaN, and `warnings` says why.
struct ATTUNE_EXPORT group_change {
  std::size_t n_pairs = 0;
  double mean_before = std::numeric_limits<double>::quiet_NaN();
  double mean_after = std::numeric_limits<double>::quiet_NaN();
  double mean_change = std::numeric_limits<double>::quiet_NaN();  ///< mean of after - before
  confidence_interval mean_change_ci;                             ///< method "t": mean +- t(df) SD / sqrt(n)
  double sd_change = std::numeric_limits<double>::quiet_NaN();    ///< SD of the changes (n - 1)
  /// Paired t test (R `t.test(after, before, paired = TRUE)`): t = mean / (SD / sqrt(n)), df = n - 1,
  /// two-sided p.
  double t = std::numeric_limits<double>::quiet_NaN();
  double df = std::numeric_limits<double>::quiet_NaN();
  double p = std::numeric_limits<double>::quiet_NaN();
  /// Cohen's d_z = mean change / SD of the changes (Cohen 1988; Lakens 2013, eq. 6); its interval
  /// (method "noncentral_t") inverts the non-central t of t = d_z sqrt(n) (Cumming & Finch 2001).
  double d_z = std::numeric_limits<double>::quiet_NaN();
  confidence_interval d_z_ci;
  /// d_av = mean change / ((SD_before + SD_after) / 2) (Cumming 2012; Lakens 2013, eq. 10); its
  /// interval (method "noncentral_t_algina_keselman") is Algina & Keselman's (2003) approximation:
  /// the non-central t interval of the paired t, times SD_change / (sqrt(n) (SD_before + SD_after) / 2).
  double d_av = std::numeric_limits<double>::quiet_NaN();
  confidence_interval d_av_ci;
  /// Pearson r of before and after (test-retest); interval by Fisher's z, method "fisher_z", as
  /// R's `cor.test`: tanh(atanh(r) +- z_(1+level)/2 / sqrt(n - 3)).
  double retest_r = std::numeric_limits<double>::quiet_NaN();
  confidence_interval retest_r_ci;
  /// By the reliable change index (`group_change_options::rci`): reliably improved, no reliable
  /// change, reliably deteriorated. Null for a scale without a direction (its changes are only
  /// increases and decreases).
  std::optional<std::size_t> improved, unchanged, deteriorated;
  /// By clinically significant change (with a cut-off and a direction), else null.
  std::optional<clinical_counts> clinical;
  std::vector<std::string> warnings;
};

/// The group-level change of `after` against `before` (one value per respondent, NaN = not
/// scored; the pairs are the rows where both are finite). Cost O(N).
/// @throws attune::error (invalid_argument) when the vectors differ in length or an option is bad.
ATTUNE_EXPORT group_change compute_group_change(const Eigen::Ref<const Eigen::VectorXd>& before,
                                                const Eigen::Ref<const Eigen::VectorXd>& after,
                                                const group_change_options& options);

ATTUNE_END_NAMESPACE
