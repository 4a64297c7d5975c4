// Private helper of the hierarchical clusterings (cluster: cutree; profiles: the model-based
// start): disjoint sets over 0..n-1 (union-find with path halving) and the partition they form,
// numbered as R's cutree and mclust's hclass number clusters.
#pragma once

#include <cstddef>
#include <numeric>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

class disjoint_sets {
 public:
  explicit disjoint_sets(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), std::size_t{0}); }

  std::size_t find(std::size_t i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }

  /// Joins the sets of a and b; the result is represented by a's representative.
  std::size_t unite(std::size_t a, std::size_t b) {
    const std::size_t ra = find(a);
    parent_[find(b)] = ra;
    return ra;
  }

  /// One label per element, 1, 2, ... in the order in which the sets first appear.
  std::vector<int> labels() {
    std::vector<int> label(parent_.size(), 0), out(parent_.size());
    int next = 0;
    for (std::size_t i = 0; i < parent_.size(); ++i) {
      const std::size_t r = find(i);
      if (label[r] == 0) label[r] = ++next;
      out[i] = label[r];
    }
    return out;
  }

 private:
  std::vector<std::size_t> parent_;
};

}  // namespace detail
ATTUNE_END_NAMESPACE
