// Private helper: the moments of the first k columns of an accumulation, such as the items of a
// `reliability_accumulator` or `exact_moments`, whose moments end with the scale score.
#pragma once

#include "attune/analyses/moments.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The pairwise moments of columns 0..k-1 of `pm` (pairwise statistics do not depend on the other
/// columns). `n_complete` stays that of all the columns; the correlations and counts do not use it.
inline pairwise_moments leading_moments(const pairwise_moments& pm, Eigen::Index k) {
  if (k >= pm.n_items()) return pm;
  return pairwise_moments::from_state(pm.n_rows(), pm.n_complete(), pm.pair_counts().topLeftCorner(k, k),
                                      pm.pair_means().topLeftCorner(k, k), pm.pair_m2().topLeftCorner(k, k),
                                      pm.comoments().topLeftCorner(k, k));
}

}  // namespace detail
ATTUNE_END_NAMESPACE
