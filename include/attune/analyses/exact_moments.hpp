/// @file exact_moments.hpp
/// Exact integer sums behind the moments of integer answers (Likert data): mergeable in any order
/// and over any partition of the rows with bit-identical results.
///
/// `pairwise_moments` merges floating-point moments (Chan et al. 1979): the result depends, in its
/// last bits, on where the chunks begin and end. Shards of one file (four machines, four CSV
/// files) cut it elsewhere than one run over the whole file does, so their merge would differ from
/// the single run by rounding. For answers that are integers, `exact_moments` instead keeps the
/// sums themselves as 64-bit integers: per pair of items (i, j) over the rows that answered both,
/// n, sum x_i, sum x_i^2 and sum x_i x_j; and for the scale score (mean of the answered items,
/// psych `rowMeans(x, na.rm = TRUE)`), the same sums of the row sums s grouped by the number m of
/// items answered (score = s / m). Integer addition is associative, so any grouping of the rows
/// gives the same sums, and `to_moments()` derives the moments from them by one fixed computation:
/// mean = S / n and M2 = (n Q - S^2) / n with the numerator exact in 128 bits; the score's sums
/// sum_m S_m / m in long double, in the order m = 1..k.
///
/// Eligible data: every answer an integer of magnitude at most `exact_max_answer`, and k times
/// that magnitude at most 2^25 (so each block product and row sum is exact in a double or an
/// int64). `add` returns false (and changes nothing) for other data; a sum that would leave
/// +-2^62 makes `add`/`merge` return false too, and the caller falls back on floating-point moments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "attune/analyses/moments.hpp"
#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Largest answer magnitude `exact_moments` accepts (2^20).
inline constexpr double exact_max_answer = 1048576.0;

/// Exact sums of k integer items and their row-mean score (see the file comment).
/// Thread safety: const member functions may be called concurrently; mutation needs exclusive access.
class ATTUNE_EXPORT exact_moments {
 public:
  /// An empty accumulator for k items (k >= 1). With `with_score` false it keeps the items' sums
  /// only, not the score's (cheaper, above all with missing answers): `to_moments()` then gives the
  /// k items alone, `merge` takes only another such accumulator, and `serialize` is refused.
  explicit exact_moments(Eigen::Index k = 0, bool with_score = true);

  /// Adds rows (NaN = missing). Returns false, leaving the sums unchanged, when a value is not an
  /// eligible integer or a sum would overflow.
  bool add(const Eigen::Ref<const Eigen::MatrixXd>& rows);
  /// Adds another accumulator's sums (same k). Returns false, leaving this unchanged, on overflow.
  bool merge(const exact_moments& other);

  [[nodiscard]] Eigen::Index n_items() const { return k_; }
  [[nodiscard]] std::int64_t n_rows() const { return rows_; }

  /// The pairwise moments of the k items followed by the score (k + 1 columns; k without the
  /// score), as `pairwise_moments::add` would accumulate them, computed from the exact sums.
  [[nodiscard]] pairwise_moments to_moments() const;

  /// Text form: first line `attune-exact-moments 1 <k> <rows>`, then one line per sum table
  /// (decimal integers). Exact round trip.
  [[nodiscard]] std::string serialize() const;
  /// Reads `serialize()` output. @throws attune::error (bad_input) naming the line on malformed
  /// text, k above max_serialized_items - 1, a text too short for its k (checked before
  /// allocating), or a sum outside +-2^62 or a count that cannot be (negative, above the rows).
  static exact_moments deserialize(std::string_view text);

 private:
  bool add_block(const Eigen::Ref<const Eigen::MatrixXd>& rows);

  Eigen::Index k_ = 0;
  bool with_score_ = true;
  std::int64_t rows_ = 0;
  std::int64_t complete_rows_ = 0;  // without the score: rows answering every item (else s_n_[k - 1])
  // k x k, column-major (i + j k): pairs of items over the rows answering both.
  std::vector<std::int64_t> n_, sum_, sum_sq_, cross_;
  // k x k (m - 1 + j k): rows with m items answered and item j answered: count, sum of row sums s,
  // of s^2, of s x_j.
  std::vector<std::int64_t> m_n_, m_sum_, m_sum_sq_, m_cross_;
  // k (m - 1): rows with m items answered: count, sum of s, of s^2.
  std::vector<std::int64_t> s_n_, s_sum_, s_sum_sq_;
};

ATTUNE_END_NAMESPACE
