// Private helper of the analyses: exact rescaling by powers of two, for statistics that do not
// change under a common scale factor but whose squares would overflow (values near 1e200) or
// underflow (values near 1e-170, denormals) in double precision.
#pragma once

#include <cmath>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The binary exponent e of `max_abs` (max_abs = m 2^e with m in [0.5, 1)); 0 for 0, inf or NaN.
/// Multiplying by 2^-e (std::ldexp(x, -e)) is exact for every value whose result is a normal number,
/// and brings the largest magnitude into [0.5, 1), so that squares and sums of squares of up to
/// ~1e300 such values neither overflow nor underflow. For values of ordinary size (1 to 7, say) e is
/// small and the results are bit for bit those of the unscaled computation.
inline int binary_exponent(double max_abs) noexcept {
  if (!(max_abs > 0.0) || !std::isfinite(max_abs)) return 0;
  int e = 0;
  (void)std::frexp(max_abs, &e);
  return e;
}

/// Magnitudes whose squares, summed over up to 2^40 rows, stay normal doubles: a nonzero |x| in
/// [2^-480, 2^480] (about 3.2e-145 to 3.1e144) has (2x)^2 2^40 < 2^1024 and x^2 > 2^-1022. Moments,
/// covariances and variances of values outside overflow to inf or underflow to 0 (issue 10: values
/// of 1e200 were reported as "no item with variance").
inline constexpr double max_safe_magnitude = 0x1p480;
inline constexpr double min_safe_magnitude = 0x1p-480;

/// True for 0, NaN (missing) and finite values whose magnitude is in the safe range above.
inline bool safe_magnitude(double x) noexcept {
  // Branch-free, so that column scans vectorise: NaN compares false both ways, infinity is above
  // the largest safe magnitude, and 0 is the one value below the smallest that is safe.
  const double a = std::abs(x);
  return !((a > max_safe_magnitude) | ((a < min_safe_magnitude) & (a != 0.0)));
}

}  // namespace detail
ATTUNE_END_NAMESPACE
