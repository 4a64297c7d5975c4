/// @file polychoric.hpp
/// Polychoric and tetrachoric correlations (analyses layer), two-step estimation.
///
/// Step 1: the thresholds of each item are the normal quantiles of its cumulative response
/// proportions. Step 2: for each pair of items, rho maximises the multinomial likelihood of their
/// contingency table under a bivariate normal with those thresholds (Olsson 1979, "Maximum
/// likelihood estimation of the polychoric correlation coefficient", Psychometrika 44:443-460).
/// The reference implementation is R psych 2.2.9 `polychoric` / `tetrachoric` (golden values:
/// `tests/golden/factor.R`); its rules are followed:
/// - thresholds are "global" (from each item's own non-missing answers) when every item has the
///   same highest category; otherwise each pair uses the margins of its own table (psych sets
///   `global = FALSE`), empty rows/columns of that table are dropped and empty cells get the
///   continuity correction (`correct` = 0.5 of a count);
/// - tetrachoric correlations (2 categories) always correct empty cells of the 2 x 2 table;
/// - missing answers are handled pairwise (each table uses the rows that answered both items);
/// - rho is found with R's `optimize` (Brent 1973) on [-1, 1] at tolerance
///   `optimizer_tolerance` (psych: `.Machine$double.eps^0.25`);
/// - a matrix that is not positive definite is smoothed as psych `cor.smooth`.
/// Deliberate difference (psych >= 2.4.6 fixed "NaN in rare cases due to a precision problem in
/// cumsum of frequencies"): cumulative proportions are formed from integer counts, so they never
/// exceed 1; when continuity-corrected margins would reach 1 before the last category the
/// margins are renormalised (a warning says so) instead of producing NaN.
///
/// The bivariate normal CDF is Genz's (2004) BVND algorithm (Drezner & Wesolowsky 1990 with
/// Genz's refinements; double precision, Gauss-Legendre 6/12/20 points).
/// Orientation: rows = respondents, columns = items, NaN = missing; answers must be integers.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `polychoric` / `tetrachoric`.
struct ATTUNE_EXPORT polychoric_options {
  double correct = 0.5;          ///< continuity correction: count added to empty cells (0 = none)
  bool smooth = true;            ///< smooth a non-positive-definite result (psych `cor.smooth`)
  int max_categories = 8;        ///< more distinct values than this is an error (psych `max.cat`)
  double optimizer_tolerance = 1.220703125e-4;  ///< Brent tolerance on rho (psych: eps^0.25)
  bool standard_errors = true;   ///< compute asymptotic standard errors
  int threads = 0;               ///< 0 = hardware concurrency; the result does not depend on it
  progress_options progress;     ///< reports ("polychoric": item pairs) and cancel flag (core/progress.hpp)
  /// Throws attune::error(invalid_argument) naming the offending field.
  void validate() const;
};

/// Result of `polychoric` / `tetrachoric`.
struct ATTUNE_EXPORT polychoric_result {
  Eigen::MatrixXd rho;              ///< k x k correlations (smoothed when `smoothed`); NaN for a pair that has no estimate
  Eigen::MatrixXd rho_unsmoothed;   ///< k x k correlations before smoothing
  /// k x k asymptotic standard errors with the thresholds held fixed:
  /// 1 / sqrt(N_ij * sum_cells (dP/drho)^2 / P) (expected information, Olsson 1979); diagonal 0.
  Eigen::MatrixXd standard_errors;
  Eigen::MatrixXd pair_counts;      ///< k x k N_ij: rows answering both items (diagonal: item i)
  std::vector<Eigen::VectorXd> thresholds;  ///< per item, (categories - 1) thresholds (global: over all categories; -inf / +inf for unused ones)
  int categories = 0;               ///< number of categories spanned by the data (max - min + 1)
  bool global_thresholds = true;    ///< thresholds from item margins (all items share the highest category)
  bool smoothed = false;            ///< the matrix was not positive definite and was smoothed
  int corrected_pairs = 0;          ///< pairs whose table had empty cells corrected
  Eigen::Index n = 0;           ///< rows in the data (pairwise counts are in `pair_counts`)
  std::vector<std::string> warnings;  ///< diagnostics (zero-variance items, sparse tables, smoothing, ...)
};

/// The frequency tables behind polychoric correlations, accumulated over chunks of rows (a file
/// read in chunks, shards of a file): per item the count of each answer, per pair of items the
/// joint counts of the answers of the rows that answered both, and the rows. Counts are 64-bit
/// integers, so any partition of the rows, added and merged in any order, gives the same tables,
/// and `polychoric(tables)` the same result, bit for bit, as `polychoric` of the matrix of those rows
/// (which tabulates through this class and shares the estimation).
///
/// Categories: the tables span the answers seen, from the lowest to the highest (c = highest -
/// lowest + 1 categories, as `polychoric_result::categories`); an answer outside the span seen so
/// far widens every table. When c would exceed `max_categories` the tables are dropped and only
/// the lowest and highest answers are kept (`exceeds_max_categories`): `polychoric` of them is then
/// the error `polychoric` of the rows gives, naming the whole span.
///
/// Memory: k c (items) + k (k - 1) / 2 c^2 (pairs) 64-bit counts, c <= max_categories: for 36
/// items of 7 categories 31,752 counts (254 KB), whatever the number of rows.
/// Thread safety: const member functions may be called concurrently; mutation needs exclusive access.
class ATTUNE_EXPORT polychoric_tables {
 public:
  /// Empty tables of k items (k >= 0) refusing more than `max_categories` (>= 2) categories.
  /// @throws attune::error invalid_argument for a negative k or max_categories below 2.
  explicit polychoric_tables(Eigen::Index k = 0, int max_categories = polychoric_options{}.max_categories);

  /// Adds rows (N x k, NaN = missing). `first_row` is the 1-based row number of rows' first row
  /// (in a file read in chunks: the chunk's first data row), for messages; `threads` tabulate the
  /// pairs (0 = all cores; the tables do not depend on it).
  /// @throws attune::error invalid_argument (k differs), bad_input (a non-integer or infinite
  ///         value, naming its row first_row + r and its column, as `polychoric`); the tables are
  ///         then unchanged.
  void add(const Eigen::Ref<const Eigen::MatrixXd>& rows, std::size_t first_row = 1, int threads = 1);
  /// Adds another accumulator's tables (of other rows).
  /// @throws attune::error invalid_argument when k or max_categories differ.
  void merge(const polychoric_tables& other);

  [[nodiscard]] Eigen::Index n_items() const { return k_; }
  [[nodiscard]] std::int64_t n_rows() const { return rows_; }
  [[nodiscard]] int max_categories() const { return max_categories_; }
  /// Whether any answer was seen.
  [[nodiscard]] bool has_answers() const { return has_answers_; }
  /// The lowest and highest answers seen (0 when none).
  [[nodiscard]] double lowest() const { return lowest_; }
  [[nodiscard]] double highest() const { return highest_; }
  /// The answers span more than `max_categories` categories: the tables were dropped.
  [[nodiscard]] bool exceeds_max_categories() const { return has_answers_ && span_ == 0; }
  /// Categories of the tables (highest - lowest + 1; 0 without answers or past `max_categories`).
  [[nodiscard]] int categories() const { return span_; }
  /// Rows that gave item `item` the answer lowest() + `category`.
  [[nodiscard]] std::int64_t item_count(Eigen::Index item, int category) const;
  /// Rows that answered item i with lowest() + a and item j with lowest() + b (i != j).
  [[nodiscard]] std::int64_t pair_count(Eigen::Index i, Eigen::Index j, int a, int b) const;

  /// Text form: first line `attune-polychoric-tables 1 <k> <max_categories> <rows> <lowest>
  /// <highest>` (`none none` without answers), then, when the span is within max_categories, a
  /// line `items` of k c counts and a line `pairs` of k (k - 1) / 2 c^2 counts (decimal). Exact
  /// round trip.
  [[nodiscard]] std::string serialize() const;
  /// Reads `serialize()` output. @throws attune::error (bad_input) naming the line on malformed
  /// text, k outside 1 .. max_serialized_items - 1, max_categories outside 2 .. 1000, a text too
  /// short for its tables (checked before allocating), or counts that cannot be (negative, above
  /// the rows, pair margins above the items' counts).
  static polychoric_tables deserialize(std::string_view text);

  /// Equal tables (every member).
  bool operator==(const polychoric_tables&) const = default;

 private:
  friend struct polychoric_tables_access;
  void add_named(const Eigen::Ref<const Eigen::MatrixXd>& rows, std::size_t first_row, int threads, const char* fn);
  void widen(double lowest, double highest);

  Eigen::Index k_ = 0;
  int max_categories_ = 8;
  std::int64_t rows_ = 0;
  bool has_answers_ = false;
  double lowest_ = 0, highest_ = 0;
  int span_ = 0;  // categories of the tables; 0 without answers or past max_categories
  std::vector<std::int64_t> items_;  // item c, category a: c span + a
  std::vector<std::int64_t> pairs_;  // pair p of (i > j) in the order (1,0), (2,0), (2,1), ...: p span^2 + a span + b
};

/// Polychoric correlation matrix of ordinal data (N x k, integer codes, NaN = missing).
/// @throws attune::error bad_input (a non-integer or infinite value, naming row and column; more
///         than `max_categories` categories), insufficient_data (fewer than 2 items or 2 rows),
///         invalid_argument (options). A zero-variance item or a pair without overlap gives NaN
///         in its row/column and a warning (smoothing is then skipped, as psych).
/// Cost: O(N k^2) to tabulate plus O(k^2 c^2) per likelihood evaluation (c categories).
ATTUNE_EXPORT polychoric_result polychoric(const Eigen::MatrixXd& data, const polychoric_options& options = {});

/// Polychoric correlations from accumulated tables: what `polychoric` of the rows behind them
/// gives, bit for bit (every member of the result, warnings included).
/// @throws attune::error as `polychoric` (fewer than 2 items or rows: insufficient_data; more than
///         `options.max_categories` categories: bad_input), and invalid_argument when the tables
///         dropped a span that `options.max_categories` would allow.
ATTUNE_EXPORT polychoric_result polychoric(const polychoric_tables& tables, const polychoric_options& options = {});

/// Tetrachoric correlations from accumulated tables: what `tetrachoric` of the rows gives.
ATTUNE_EXPORT polychoric_result tetrachoric(const polychoric_tables& tables, const polychoric_options& options = {});

/// Tetrachoric correlation matrix of dichotomous data (N x k, two distinct values per item):
/// psych 2.2.9 `tetrachoric` rules (thresholds from item means, 0.5 added to empty cells).
/// @throws as `polychoric`, and bad_input when an item has more than two values.
ATTUNE_EXPORT polychoric_result tetrachoric(const Eigen::MatrixXd& data, const polychoric_options& options = {});

/// Result of `smooth_correlation`.
struct ATTUNE_EXPORT smoothing_result {
  Eigen::MatrixXd matrix;  ///< the (possibly) smoothed matrix
  bool smoothed = false;   ///< smallest eigenvalue was below machine epsilon and the matrix was changed
};

/// psych 2.2.9 `cor.smooth`: if the smallest eigenvalue is below DBL_EPSILON, eigenvalues below
/// `eig_tol` are set to 100 * eig_tol, rescaled to sum to k, the matrix rebuilt and turned back
/// into a correlation matrix (cov2cor). @throws attune::error bad_input for a non-square matrix
/// or non-finite entries.
ATTUNE_EXPORT smoothing_result smooth_correlation(const Eigen::MatrixXd& r, double eig_tol = 1e-12);

/// Bivariate standard normal CDF P(X <= h, Y <= k) with correlation rho (Genz 2004 BVND;
/// accurate to about 1e-15). Infinite h or k are allowed; |rho| <= 1.
ATTUNE_EXPORT double bivariate_normal_cdf(double h, double k, double rho);

/// Polychoric correlation of one r x c contingency table (counts; rows = categories of the first
/// item), with thresholds from the table's own margins (psych `polytab` with `correct`).
/// @throws attune::error bad_input (negative or non-finite counts), insufficient_data (fewer than
/// 2 non-empty rows or columns).
/// `options.correct` and `options.optimizer_tolerance` apply; the others are ignored.
ATTUNE_EXPORT double polychoric_table(const Eigen::MatrixXd& table, const polychoric_options& options = {});

ATTUNE_END_NAMESPACE
