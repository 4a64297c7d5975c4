/// @file correlation.hpp
/// Item correlation matrices (analyses layer): pairwise-complete Pearson correlations (as R
/// `cor(x, use = "pairwise.complete.obs")`, from `pairwise_moments`) or polychoric correlations
/// (as psych `polychoric`, analyses/polychoric.hpp), with the pair counts behind each entry.
#pragma once

#include <Eigen/Core>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Which correlation.
enum class correlation_kind {
  pearson,     ///< pairwise-complete Pearson
  polychoric,  ///< polychoric (tetrachoric for two categories), two-step ML (Olsson 1979)
};
/// "pearson" / "polychoric".
ATTUNE_EXPORT std::string_view to_string(correlation_kind k) noexcept;
ATTUNE_EXPORT std::optional<correlation_kind> parse_correlation_kind(std::string_view s) noexcept;

/// Options of `correlate`.
struct ATTUNE_EXPORT correlation_options {
  correlation_kind method = correlation_kind::pearson;
  polychoric_options polychoric;  ///< for `polychoric` (its `threads` is used)
  void validate() const;
};

/// An item correlation matrix.
struct ATTUNE_EXPORT correlation_result {
  correlation_kind method = correlation_kind::pearson;
  Eigen::MatrixXd matrix;       ///< k x k correlations; NaN where undefined (a zero-variance item, a pair without overlap)
  Eigen::MatrixXd pair_counts;  ///< k x k rows answering both items (diagonal: the item)
  /// Polychoric: k x k asymptotic standard errors (analyses/polychoric.hpp); null for Pearson.
  std::optional<Eigen::MatrixXd> standard_errors;
  bool smoothed = false;           ///< polychoric: the matrix was not positive definite and was smoothed
  bool global_thresholds = true;   ///< polychoric: thresholds from each item's margins
  std::size_t n = 0;               ///< rows in the data (each entry's own N is in `pair_counts`)
  std::vector<std::string> warnings;
};

/// Correlations of the k columns of `data` (N x k, NaN = missing), k >= 2.
/// @throws attune::error insufficient_data (fewer than 2 columns), and as `polychoric`.
/// Cost: O(N k^2) (Pearson); polychoric as `polychoric`.
ATTUNE_EXPORT correlation_result correlate(const Eigen::MatrixXd& data, const correlation_options& options = {});

/// Pearson correlations from accumulated pairwise moments (chunks of a file, shards) of `n_rows`
/// rows: what `correlate` gives for those rows, bit for bit when the moments were accumulated in
/// the same 4096-row blocks. @throws attune::error insufficient_data (fewer than 2 items).
ATTUNE_EXPORT correlation_result correlate(const pairwise_moments& moments, std::size_t n_rows);

/// Polychoric correlations from accumulated frequency tables (chunks of a file, shards): what
/// `correlate` with `options.method = polychoric` gives for those rows, bit for bit.
/// @throws attune::error insufficient_data (fewer than 2 items), and as `polychoric(tables)`.
ATTUNE_EXPORT correlation_result correlate(const polychoric_tables& tables, const correlation_options& options);

ATTUNE_END_NAMESPACE
