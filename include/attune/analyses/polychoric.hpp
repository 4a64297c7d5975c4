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
#include <string>
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

/// Polychoric correlation matrix of ordinal data (N x k, integer codes, NaN = missing).
/// @throws attune::error bad_input (a non-integer or infinite value, naming row and column; more
///         than `max_categories` categories), insufficient_data (fewer than 2 items or 2 rows),
///         invalid_argument (options). A zero-variance item or a pair without overlap gives NaN
///         in its row/column and a warning (smoothing is then skipped, as psych).
/// Cost: O(N k^2) to tabulate plus O(k^2 c^2) per likelihood evaluation (c categories).
ATTUNE_EXPORT polychoric_result polychoric(const Eigen::MatrixXd& data, const polychoric_options& options = {});

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
