/// @file cluster.hpp
/// Ward's hierarchical clustering as R's `hclust(dist(x), method = "ward.D" | "ward.D2")` and
/// `cutree`, and the adjusted Rand index between two classifications.
///
/// **Distances.** Euclidean distances between rows (respondents) as R's `dist`: for rows i and
/// j, over the p' coordinates both have, d_ij = sqrt((p / p') sum (x_ic - x_jc)^2) (?dist: "the
/// sum is scaled up proportionally to the number of columns used"); p' = 0 is an error (R's
/// hclust cannot cluster a missing distance either). Rows with every value missing are left
/// out and counted.
///
/// **Agglomeration.** Lance & Williams' (1967) update for Ward's criterion,
///   d(i+j, k) = [(n_i + n_k) d(i, k) + (n_j + n_k) d(j, k) - n_k d(i, j)] / (n_i + n_j + n_k),
/// applied to the distances (`ward_d`: R's "ward.D", Ward's criterion only when the input is
/// already squared) or to the squared distances with the merge heights reported as their square
/// roots (`ward_d2`: R's "ward.D2", Ward's 1963 minimum-variance method; Murtagh & Legendre 2014,
/// J Classification 31:274-295). The pair merged at each step is found as R's Fortran `hclust`
/// does it (Murtagh's nearest-neighbour list: each cluster's nearest neighbour among the
/// clusters after it, the first smallest value winning), so ties resolve as in R and the merge
/// matrix, heights and `cutree` memberships equal R's.
///
/// **Memory bound.** The algorithm keeps all n (n - 1) / 2 distances (8 bytes each): 10,000
/// rows need 400 MB, 100,000 rows 40 GB. `ward_options::max_n` (default 20,000: 1.6 GB) bounds
/// n; more rows are an error that says how much memory they would need (cluster a random
/// subset, or fit `fit_profiles`, whose memory is O(n)). A nearest-neighbour-chain algorithm with
/// O(n) memory is not offered: it would not reproduce R's resolution of ties.
///
/// All functions are pure and thread-safe. Errors are `attune::error`.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Ward's two variants in R's `hclust`.
enum class ward_method {
  ward_d,   ///< R's "ward.D": Lance-Williams on unsquared distances
  ward_d2,  ///< R's "ward.D2": on squared distances, heights = square roots (Ward 1963)
};
/// R's names: "ward.D", "ward.D2".
ATTUNE_EXPORT std::string_view to_string(ward_method m) noexcept;
/// Parses "ward.D" / "ward.D2" (case-insensitive; also "ward_d", "ward_d2"); nullopt when unknown.
ATTUNE_EXPORT std::optional<ward_method> parse_ward_method(std::string_view s) noexcept;

/// Options of `ward_cluster`.
struct ATTUNE_EXPORT ward_options {
  static constexpr std::size_t default_max_n = 20000;
  ward_method method = ward_method::ward_d2;
  /// The largest number of rows clustered (memory 4 n^2 bytes); at least 2.
  std::size_t max_n = default_max_n;
  int threads = 0;  ///< for the distances; 0 = all cores; results never depend on it
  /// @throws attune::error (invalid_argument).
  void validate() const;
};

/// A hierarchical clustering in R's `hclust` conventions.
struct ATTUNE_EXPORT hierarchical_tree {
  ward_method method = ward_method::ward_d2;
  /// (n - 1) x 2, R's `merge`: step s joins the two entries of row s; a negative entry -j is
  /// observation j (1-based, among the rows clustered), a positive entry j the cluster formed at
  /// step j; singletons first, then clusters in increasing order.
  Eigen::MatrixXi merge;
  std::vector<double> height;        ///< n - 1 merge heights, in step order (R's `height`)
  std::vector<int> order;            ///< R's `order`: the dendrogram's left-to-right observations (1-based)
  std::vector<std::size_t> rows;     ///< the input rows clustered (0-based), in the order of the observations
  std::size_t n = 0;                 ///< observations clustered
  std::size_t n_rows = 0;            ///< input rows
  std::size_t n_missing = 0;         ///< rows left out: every value missing
  std::size_t n_partial = 0;         ///< rows clustered with some values missing (distances rescaled)
  std::vector<std::string> warnings;
};

/// Ward clustering of the rows of `data` (N x p; rows = respondents, NaN = missing).
/// Cost: O(N^2 p) for the distances, O(N^2) typical (O(N^3) worst case) for the agglomeration,
/// O(N^2) memory (see the memory bound in the file comment).
/// @throws attune::error (invalid_argument) for bad options or more than `max_n` rows (naming the
///         memory needed); (bad_input) for an infinite value, or two rows without a coordinate in
///         common (naming both rows); (insufficient_data) for fewer than 2 rows with a value.
ATTUNE_EXPORT hierarchical_tree ward_cluster(const Eigen::Ref<const Eigen::MatrixXd>& data,
                                             const ward_options& options = {});

/// Cuts the tree into k clusters as R's `cutree(tree, k)`: the memberships after n - k merges,
/// clusters numbered 1..k in the order in which the observations first appear. One entry per
/// observation clustered (`tree.rows` maps them back to input rows).
/// @throws attune::error (invalid_argument) when k is not in 1..n.
ATTUNE_EXPORT std::vector<int> cut_tree(const hierarchical_tree& tree, std::size_t k);

/// The same memberships per input row: `cut_tree` for the rows clustered, empty for rows left out.
ATTUNE_EXPORT std::vector<std::optional<int>> cut_tree_rows(const hierarchical_tree& tree, std::size_t k);

/// The adjusted Rand index of two classifications of the same n objects (Hubert & Arabie 1985,
/// J Classification 2:193-218): with n_ij the cross-tabulation, a_i and b_j its margins,
///   ARI = [sum_ij C(n_ij, 2) - sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2)] /
///         [(sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2 - sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2)].
/// 1 for identical partitions (whatever the labels), about 0 for independent ones, negative
/// below chance. Labels are any integers (profiles, clusters, k-means, `attachment_style` cast
/// to int). When the denominator is 0 (both partitions put every object in one class, or both
/// in singletons) the partitions are identical and the index is 1.
/// @throws attune::error (invalid_argument) for lengths that differ; (insufficient_data) for n < 2.
ATTUNE_EXPORT double adjusted_rand_index(const std::vector<int>& a, const std::vector<int>& b);

ATTUNE_END_NAMESPACE
