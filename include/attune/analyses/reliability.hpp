/// @file reliability.hpp
/// Classical reliability and item analysis, matching R psych (`alpha`, `alpha.ci`), with confidence
/// intervals that say which method and which N produced them. Split-halves (`split_half.hpp`),
/// intraclass correlations (`icc.hpp`) and the bootstrap of alpha (`bootstrap.hpp`) are modules of
/// their own; this header includes them, so that `analyze_reliability` callers need only it.
///
/// Orientation: rows = respondents, columns = items, NaN = missing answer. Items must already be
/// keyed (reverse-keyed items reversed, e.g. with `scoring::keyed_items`).
///
/// Reference implementation: psych (Revelle). Debian ships psych 2.2.9; attune follows the current
/// psych (>= 2.4.4) where they differ: under pairwise deletion the correlation matrix R is computed
/// directly as `cor(x, use = "pairwise")`, not as `cov2cor(C)` (psych NEWS 2.4.4 calls the old way a
/// bug); `splitHalf` considers every split (psych >= 2.3.12). With complete data both versions agree.
/// Where attune deliberately differs from psych (the N behind intervals under pairwise deletion, the
/// "if deleted" statistics of a two-item scale) the difference is documented in docs/reliability.md.
///
/// Errors: `attune::error` with code invalid_argument (options), insufficient_data (k < 2 items,
/// N < 2 respondents, an item with fewer than 2 answers) or numerical_issue (a covariance or
/// correlation that cannot be formed because two items were never answered together by 2 rows).
/// Zero-variance items, negative item-rest correlations and negative alpha are warnings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "attune/core/config.hpp"
#include "attune/analyses/bootstrap.hpp"
#include "attune/analyses/icc.hpp"
#include "attune/analyses/exact_moments.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/split_half.hpp"
#include "attune/core/interval.hpp"
#include "attune/core/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How missing answers are handled.
enum class missing_method {
  pairwise,  ///< every covariance from the rows that answered both items (psych's default)
  listwise,  ///< only rows that answered every item are used, for every statistic
};

/// Confidence-interval methods for coefficient alpha (raw alpha).
enum class ci_method {
  feldt,                 ///< Feldt, Woodruff & Salih (1987), F(N-1, (N-1)(k-1)); psych `alpha.ci`
  feldt_1965,            ///< Feldt (1965), F(N-1, N(k-1)); statpsych `ci.cronbach` df variant
  normal_theory,         ///< alpha +- z ase, ase from van Zyl, Neudecker & Nel (2000) (psych "Duhachek")
  adf,                   ///< asymptotically distribution-free, Maydeu-Olivares, Coffman & Hartmann (2007)
  bonett_wright,         ///< Bonett & Wright (2015), log(1 - alpha) transform
  bootstrap_percentile,  ///< nonparametric bootstrap of rows, percentile (R quantile type 7)
  bootstrap_bca,         ///< bootstrap bias-corrected and accelerated (Efron 1987; jackknife acceleration)
};

/// Name used in JSON and tables: "feldt", "feldt_1965", "normal_theory", "adf", "bonett_wright",
/// "bootstrap_percentile", "bootstrap_bca".
ATTUNE_EXPORT std::string_view to_string(ci_method method) noexcept;
/// Parses a name of `to_string(ci_method)` (also "bootstrap" and "percentile" for
/// bootstrap_percentile, "bca" for bootstrap_bca), case-insensitive; nullopt when unknown.
ATTUNE_EXPORT std::optional<ci_method> parse_ci_method(std::string_view name) noexcept;

/// "pairwise" / "listwise".
ATTUNE_EXPORT std::string_view to_string(missing_method m) noexcept;
ATTUNE_EXPORT std::optional<missing_method> parse_missing_method(std::string_view name) noexcept;

/// Which N the analytic intervals (Feldt, normal theory, Bonett-Wright) and `ase` use.
enum class interval_n {
  effective,  ///< `n` (honest under pairwise deletion; = rows when data are complete)
  rows,       ///< psych's choice: the number of rows, including rows with missing answers
};

/// "effective" / "rows".
ATTUNE_EXPORT std::string_view to_string(interval_n n) noexcept;
ATTUNE_EXPORT std::optional<interval_n> parse_interval_n(std::string_view name) noexcept;

/// Options of `analyze_reliability`. Plain aggregate; call `validate()` (the analyses do).
struct ATTUNE_EXPORT reliability_options {
  missing_method missing = missing_method::pairwise;
  /// Intervals to compute, in this order. Bootstrap methods need `bootstrap > 0` and raw data;
  /// ADF needs raw data. Default: Feldt (as psych) and Bonett-Wright (see docs/reliability.md).
  std::vector<ci_method> intervals = {ci_method::feldt, ci_method::bonett_wright};
  double level = 0.95;                  ///< confidence level, in (0, 1)
  interval_n n_for_intervals = interval_n::effective;
  int bootstrap = 0;                    ///< bootstrap replicates (0 = none); 2..max_bootstrap_replicates when bootstrapping
  std::uint64_t seed = 20240601;        ///< seed of the bootstrap and of sampled split-halves
  int threads = 0;                      ///< worker threads, 0 = all cores; results never depend on it
  bool split_half = true;               ///< compute the split-half distribution
  std::size_t max_exhaustive_splits = 500000;  ///< enumerate if C(k, floor(k/2)) <= this (k <= 21; psych's n.sample is 15,000)
  std::size_t sampled_splits = 15000;         ///< random splits otherwise
  int max_categories = 10;              ///< response frequencies only if <= this many distinct values (psych max)
  std::vector<std::string> item_names;  ///< optional, one per column (default "V1", "V2", ...)
  progress_options progress;            ///< the bootstrap's reports ("bootstrap") and cancel flag (core/progress.hpp)
  void validate() const;                ///< throws invalid_argument naming the field and value
};

/// Per-item statistics (psych `alpha()$item.stats`, `$alpha.drop`, `$response.freq`).
struct ATTUNE_EXPORT item_statistics {
  std::string item;
  double n = 0.0;      ///< answers to this item (rows used)
  double mean = 0.0;   ///< over its answers (NaN from a correlation matrix)
  double sd = 0.0;     ///< n - 1 denominator (NaN from a correlation matrix)
  double raw_r = 0.0;  ///< correlation of the item with the total (mean of answered items) score
  double std_r = 0.0;  ///< colSums(R) / sqrt(sum(R))
  double r_cor = 0.0;  ///< as std_r with SMCs on the diagonal (Cureton 1966)
  double r_drop = 0.0; ///< item-rest correlation from the covariances
  // Statistics of the scale without this item (NaN for a two-item scale: one item has no alpha).
  double alpha_if_deleted = 0.0;
  double alpha_std_if_deleted = 0.0;
  double g6_if_deleted = 0.0;
  double average_r_if_deleted = 0.0;
  double signal_noise_if_deleted = 0.0;
  double ase_if_deleted = 0.0;
  double var_r_if_deleted = 0.0;
  double median_r_if_deleted = 0.0;
  /// Share of each response value among the answers, ascending by value (empty when the data
  /// have more than `max_categories` distinct values, as psych).
  std::vector<std::pair<double, double>> frequencies;
  double missing_share = 0.0;  ///< share of rows without an answer to this item
};

/// Everything `analyze_reliability` reports for one scale.
struct ATTUNE_EXPORT reliability_result {
  Eigen::Index n_items = 0;
  double n_rows = 0.0;       ///< rows given (psych's N)
  double n_complete = 0.0;   ///< rows that answered every item
  double n = 0.0;  ///< harmonic mean of the pairwise counts N_ij over item pairs i < j
                             ///< (= n_complete under listwise deletion or complete data)
  double n_min_pair = 0.0;   ///< smallest pairwise count
  double n_intervals = 0.0;  ///< the N used by `ase` and the analytic intervals
  double alpha = 0.0;        ///< raw (covariance) alpha = lambda 3
  double alpha_std = 0.0;    ///< standardized alpha (correlations)
  double lambda1 = 0.0, lambda2 = 0.0, lambda3 = 0.0, lambda4 = 0.0, lambda5 = 0.0, lambda6 = 0.0;
  double average_r = 0.0;
  double median_r = 0.0;
  double var_r = 0.0;        ///< variance of the inter-item correlations
  double signal_noise = 0.0; ///< k r / (1 - r)
  double ase = 0.0;          ///< psych's normal-theory standard error of alpha, sqrt(Q / n_intervals)
  double total_mean = 0.0;   ///< mean of the scale score (mean of answered items), psych `mean`
  double total_sd = 0.0;     ///< its SD, psych `sd`
  double sem = 0.0;          ///< standard error of measurement of the mean score: SD_mean sqrt(1 - alpha)
  double sem_sum = 0.0;      ///< the same on the sum-score metric (k times `sem`)
  Eigen::MatrixXd covariance;   ///< k x k covariances used
  Eigen::MatrixXd correlation;  ///< k x k correlations used
  Eigen::VectorXd smc;          ///< squared multiple correlations (psych `smc`)
  std::vector<item_statistics> items;
  std::optional<split_half_result> split_half;  ///< null when not asked for (`reliability_options::split_half`)
  std::vector<confidence_interval> intervals;  ///< method = to_string(ci_method)
  std::vector<double> bootstrap_alphas;  ///< the replicates, in replicate order (empty without bootstrap)
  std::vector<std::string> warnings;
};

/// Full reliability analysis of an N x k item matrix (NaN = missing).
/// Pairwise mode: C = R `cov(x, use = "pairwise")`, R = `cor(x, use = "pairwise")`; listwise mode: the
/// rows with an answer to every item, for every statistic (psych `alpha(na.omit(x))`).
/// Item-deleted statistics are obtained by downdating sums and the inverse of R (O(k^3) total).
/// Cost: one pass over the data for the moments, O(k^3) afterwards, plus O(2^k) for exhaustive
/// split-halves and O(B N k) for B bootstrap replicates (parallel).
/// Throws: insufficient_data (k < 2, fewer than 2 usable rows, an item answered fewer than twice),
/// numerical_issue (a pair of items answered together by fewer than 2 rows), invalid_argument (options).
ATTUNE_EXPORT reliability_result analyze_reliability(const Eigen::MatrixXd& items,
                                                     const reliability_options& options = {});

/// Reliability from a k x k covariance or correlation matrix (a correlation matrix if its diagonal
/// is all 1) and the number of respondents `n` behind it (psych `alpha(C, n.obs = n)`). Item means,
/// SDs (for a correlation matrix), frequencies, ADF and bootstrap intervals need raw data and are not
/// available (requesting ADF or a bootstrap is an invalid_argument error); raw_r is computed from the
/// matrix (colSums(C)/sqrt(diag(C) sum(C)), exact for complete data).
ATTUNE_EXPORT reliability_result analyze_reliability_from_matrix(const Eigen::MatrixXd& covariance_or_correlation,
                                                                 double n, const reliability_options& options = {});

/// Mergeable accumulator for reliability over chunks or shards: pairwise moments of the k items
/// and of the scale score (mean of the answered items), plus response-value counts.
/// `analyze_reliability(accumulator)` equals `analyze_reliability(all rows)` to ~1e-12, except for the
/// bootstrap and ADF intervals, which need raw data. Serialize shards with `serialize()`.
///
/// While every answer added is an integer (Likert data; see `exact_moments` for the bounds), the
/// accumulator keeps exact integer sums instead of floating-point moments: then any split of the
/// rows into chunks or shards, merged in any order, gives bit-identical moments, and so the same
/// alpha and item statistics to the last bit (docs/scale.md). The first non-integer answer (or a
/// sum beyond 2^62) turns the state into floating-point moments for good, which merge to ~1e-15.
class ATTUNE_EXPORT reliability_accumulator {
 public:
  explicit reliability_accumulator(Eigen::Index k = 0, missing_method missing = missing_method::pairwise);
  /// Adds respondents (rows). Listwise mode keeps only complete rows.
  void add(const Eigen::Ref<const Eigen::MatrixXd>& rows);
  /// Merges a shard built with the same k and missing method (invalid_argument otherwise).
  void merge(const reliability_accumulator& other);
  [[nodiscard]] Eigen::Index n_items() const { return k_; }
  [[nodiscard]] missing_method missing() const { return missing_; }
  [[nodiscard]] double n_rows() const { return rows_; }
  /// Moments of the k items followed by the score (k + 1 columns); derived from the exact sums
  /// while the state is exact.
  [[nodiscard]] pairwise_moments moments() const { return exact_ ? exact_->to_moments() : moments_; }
  /// Whether the state holds exact integer sums (see the class comment).
  [[nodiscard]] bool exact() const { return exact_.has_value(); }
  /// Per item, (value, count) pairs ascending by value.
  [[nodiscard]] const std::vector<std::vector<std::pair<double, double>>>& value_counts() const { return counts_; }
  [[nodiscard]] std::string serialize() const;
  /// Reads `serialize()` output. @throws attune::error (bad_input) naming the line for malformed
  /// text, k above max_serialized_items - 1 (moments.hpp), or a text too short for its k (checked
  /// before anything is allocated).
  static reliability_accumulator deserialize(std::string_view text);

 private:
  Eigen::Index k_ = 0;
  missing_method missing_ = missing_method::pairwise;
  double rows_ = 0.0;
  pairwise_moments moments_;                // floating-point moments, when not exact
  std::optional<exact_moments> exact_;       // exact sums while every answer is an eligible integer
  std::vector<std::vector<std::pair<double, double>>> counts_;
  void make_floating();                      // exact sums -> floating-point moments
  void add_value_counts(const Eigen::Ref<const Eigen::MatrixXd>& block);  // the first k columns' values
};

/// The items that `analyze_reliability` on the accumulated rows keeps (0-based, in order): those
/// with variance. Each item without is named in a warning appended to `warnings` (the data path
/// leaves it out and recomputes the score without it; an accumulator cannot, so a caller that
/// streams reads its rows again without those items, as `study_reliability` does).
/// @throws attune::error (insufficient_data) as `analyze_reliability`: an item answered fewer than
///         2 times, or fewer than 2 items with variance; (invalid_argument) when `names` does not
///         hold one name per item.
ATTUNE_EXPORT std::vector<Eigen::Index> reliability_kept_items(const reliability_accumulator& accumulator,
                                                               const std::vector<std::string>& names,
                                                               std::vector<std::string>& warnings);

/// Reliability from an accumulator (see `reliability_accumulator`). `options.missing` must match the
/// accumulator's; ADF and bootstrap intervals are invalid_argument errors. An item without variance
/// is an insufficient_data error (rule `zero_variance_item`; see `reliability_kept_items`).
ATTUNE_EXPORT reliability_result analyze_reliability(const reliability_accumulator& accumulator,
                                                     const reliability_options& options = {});

ATTUNE_END_NAMESPACE
