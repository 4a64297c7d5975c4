/// @file interval.hpp
/// The one confidence-interval type of the API.
///
/// Every statistic that reports an interval uses `confidence_interval`: its bounds, its level,
/// the method that produced it (a stable name such as "feldt", "bootstrap_bca", "fisher_z", "t")
/// and the N behind it. An interval that cannot be formed has NaN bounds, and the result that
/// holds it carries a warning saying why. In JSON it is an object with these member names.
#pragma once

#include <limits>
#include <string>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// A confidence interval, labelled with its method and the N it used.
struct ATTUNE_EXPORT confidence_interval {
  std::string method;  ///< how it was formed, e.g. "feldt", "bootstrap_percentile", "fisher_z"
  double level = 0.95; ///< confidence level, in (0, 1)
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
  double n = std::numeric_limits<double>::quiet_NaN();  ///< the N behind it (rows resampled for a bootstrap)

  /// Both bounds are finite.
  [[nodiscard]] bool finite() const noexcept;
  /// lower <= x <= upper.
  [[nodiscard]] bool contains(double x) const noexcept { return x >= lower && x <= upper; }
};

ATTUNE_END_NAMESPACE
