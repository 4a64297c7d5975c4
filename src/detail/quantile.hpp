// Private helper of every module: the one sample quantile.
#pragma once

#include "attune/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// R's default quantile (type 7, Hyndman & Fan 1996): for sorted x_1..x_n and probability p,
/// h = (n - 1) p, x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h)) (0-based). NaN for an
/// empty sample; p is clamped to [0, 1].
inline double quantile7_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  p = std::clamp(p, 0.0, 1.0);
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// The same of an unsorted sample, ignoring NaN.
inline double quantile7(std::vector<double> x, double p) {
  x.erase(std::remove_if(x.begin(), x.end(), [](double v) { return std::isnan(v); }), x.end());
  std::sort(x.begin(), x.end());
  return quantile7_sorted(x, p);
}

}  // namespace detail
ATTUNE_END_NAMESPACE
