/// @file moments.hpp
/// Mergeable sufficient statistics for pairwise-complete covariances and correlations.
///
/// `pairwise_moments` accumulates, for every pair of items (i, j), the number of rows that
/// answered both, the means of i and of j over those rows, the sums of squared deviations of i
/// and of j over those rows, and their co-moment. That is exactly what R's
/// `cov(x, use = "pairwise.complete.obs")` and `cor(x, use = "pairwise.complete.obs")` need:
/// R computes each entry from the rows complete on both items, with means over those rows.
///
/// Data can be added in chunks, accumulators built on different shards can be merged
/// (Chan, Golub & LeVeque 1979, "Updating formulae and a pairwise algorithm for computing
/// sample variances"), and the state can be serialized as text and read back exactly.
/// So a file larger than memory, or data spread over machines, gives the same covariance matrix
/// as the whole data set in memory (to rounding, ~1e-15 relative).
///
/// Orientation: rows = respondents, columns = items, NaN = missing answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Most items a serialized state may hold (`pairwise_moments::deserialize`; a
/// `reliability_accumulator` holds k + 1 columns, so at most max_serialized_items - 1 items):
/// four 10,000 x 10,000 matrices are 3.2 GB. The text is also checked to be long enough for its k
/// (8 k^2 bytes) before anything is allocated.
inline constexpr Eigen::Index max_serialized_items = 10000;

/// Pairwise-complete counts, means and co-moments of k items; mergeable and serializable.
///
/// State (all k x k; entry (i, j) refers to the rows that answered both i and j; the diagonal
/// to the rows that answered i):
/// - `n(i,j)`: number of such rows;
/// - `mean(i,j)`: mean of item i over those rows (not symmetric);
/// - `m2(i,j)`: sum of squared deviations of item i from `mean(i,j)` over those rows (not symmetric);
/// - `c(i,j)`: co-moment sum (x_i - mean(i,j)) (x_j - mean(j,i)) over those rows (symmetric).
///
/// Cost: `add` is one pass over the data, O(N k^2) in blocks through matrix products
/// (a single symmetric product per block when the block has no missing value, or when at most one
/// cell in 8 is missing: then the pairs' counts and sums are corrected per missing cell, O(k) each;
/// four products otherwise, and for weighted rows); `merge` is O(k^2).
/// Thread safety: const member functions may be called concurrently; mutation needs exclusive access.
class ATTUNE_EXPORT pairwise_moments {
 public:
  /// An empty accumulator for k items (k = 0 gives an accumulator that takes its k from the
  /// first `add`, `merge` or `deserialize`).
  explicit pairwise_moments(Eigen::Index k = 0);

  /// Adds respondents (rows; NaN = missing). Throws `attune::error` (invalid_argument) if the
  /// number of columns differs from `n_items()` (when that is already set), or (bad_input) on
  /// an infinite value or a nonzero magnitude outside [3.2e-145, 3.1e144] (whose squares overflow
  /// or underflow a double), naming its row (0-based within `rows`) and column.
  void add(const Eigen::Ref<const Eigen::MatrixXd>& rows);

  /// Adds only the rows that have no missing value (listwise deletion, row by row, so it also
  /// works chunk by chunk). Returns the number of rows added.
  Eigen::Index add_complete_rows(const Eigen::Ref<const Eigen::MatrixXd>& rows);

  /// Adds rows with integer frequency weights (row r counts w[r] times; w[r] >= 0).
  /// Used by the bootstrap (a resample = multinomial counts). Same errors as `add`, plus
  /// invalid_argument if `weights.size() != rows.rows()` or a weight is negative.
  void add_weighted(const Eigen::Ref<const Eigen::MatrixXd>& rows, const Eigen::Ref<const Eigen::VectorXd>& weights);

  /// Merges another accumulator over other rows (Chan et al. 1979 parallel update, element-wise
  /// per pair). Throws invalid_argument if both have items and their k differ.
  void merge(const pairwise_moments& other);

  /// Number of items k.
  [[nodiscard]] Eigen::Index n_items() const;
  /// Total number of rows added (including rows with all answers missing).
  [[nodiscard]] double n_rows() const;
  /// Rows with no missing value among the k items.
  [[nodiscard]] double n_complete() const;

  /// N_ij: rows that answered both i and j (diagonal: rows that answered i).
  [[nodiscard]] Eigen::MatrixXd counts() const;
  /// Mean of each item over the rows that answered it.
  [[nodiscard]] Eigen::VectorXd means() const;
  /// Pairwise-complete covariance with the n - 1 denominator, equal to R
  /// `cov(x, use = "pairwise.complete.obs")`; NaN where N_ij < 2.
  [[nodiscard]] Eigen::MatrixXd covariance() const;
  /// Pairwise-complete correlation, equal to R `cor(x, use = "pairwise.complete.obs")`:
  /// c_ij / sqrt(m2_i(ij) m2_j(ij)), each standard deviation over the pair's rows. Diagonal 1
  /// (NaN for an item with zero variance); NaN where N_ij < 2 or a variance over the pair is 0.
  [[nodiscard]] Eigen::MatrixXd correlation() const;

  /// Raw state, for callers that need pair-specific moments (see the class comment).
  [[nodiscard]] const Eigen::MatrixXd& pair_counts() const { return n_; }
  [[nodiscard]] const Eigen::MatrixXd& pair_means() const { return mean_; }
  [[nodiscard]] const Eigen::MatrixXd& pair_m2() const { return m2_; }
  [[nodiscard]] const Eigen::MatrixXd& comoments() const { return c_; }

  /// An accumulator holding the given raw state (see the class comment) over `rows` rows of which
  /// `complete` have no missing value: how `exact_moments` hands over moments it derived from exact
  /// sums. @throws attune::error (invalid_argument) when the four matrices are not all k x k.
  static pairwise_moments from_state(double rows, double complete, Eigen::MatrixXd n, Eigen::MatrixXd mean,
                                     Eigen::MatrixXd m2, Eigen::MatrixXd c);

  /// Text form, exact round trip (hexadecimal floating point). First line
  /// `attune-pairwise-moments 1 <k>`, then the counters and the four matrices row by row.
  [[nodiscard]] std::string serialize() const;
  /// Reads `serialize()` output. Throws `attune::error` (bad_input) naming the line and the
  /// token on malformed text, for k above `max_serialized_items`, or for a text too short for its k.
  static pairwise_moments deserialize(std::string_view text);

 private:
  void ensure_items(Eigen::Index k, const char* where);
  void merge_block(const Eigen::MatrixXd& n, const Eigen::MatrixXd& mean, const Eigen::MatrixXd& m2,
                   const Eigen::MatrixXd& c);
  void add_block(const Eigen::Ref<const Eigen::MatrixXd>& rows, const double* weights, Eigen::Index first_row);
  void add_sparse_missing(const Eigen::Ref<const Eigen::MatrixXd>& rows, const unsigned char* has_nan);

  Eigen::Index k_ = 0;
  double rows_ = 0.0;
  double complete_ = 0.0;
  Eigen::MatrixXd n_, mean_, m2_, c_;
};

ATTUNE_END_NAMESPACE
