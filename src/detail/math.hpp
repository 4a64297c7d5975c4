// Private helper of the analyses: every Boost.Math distribution function attune uses, under one
// library-local error policy that never throws.
//
// Boost.Math's default policy throws std::domain_error, std::overflow_error and
// boost::math::evaluation_error (for example for an F distribution with 0 degrees of freedom, a
// probability outside [0, 1] or a NaN argument). Those exceptions are not attune::error and must
// not leave the library (include/attune/core/error.hpp). Under `nothrow_policy` a domain or pole
// error returns NaN, an overflow returns +-inf, an underflow 0 and an evaluation error the best
// value found; the callers below turn NaN into a documented result (a warning, an undefined
// interval, or an attune::error). Use only these wrappers, never boost::math::* directly, in src/.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

namespace bmp = boost::math::policies;

using nothrow_policy =
    bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                bmp::overflow_error<bmp::ignore_error>, bmp::underflow_error<bmp::ignore_error>,
                bmp::denorm_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>,
                bmp::rounding_error<bmp::ignore_error>, bmp::indeterminate_result_error<bmp::ignore_error>>;

inline constexpr double math_nan = std::numeric_limits<double>::quiet_NaN();

/// True when a distribution parameter is usable (finite and > 0); otherwise the wrappers return NaN
/// without calling Boost (whose constructors check parameters, and whose quantiles can take very
/// long for absurd arguments).
inline bool positive_finite(double v) noexcept { return v > 0.0 && std::isfinite(v); }
inline bool is_probability(double p) noexcept { return p >= 0.0 && p <= 1.0; }

/// Phi^-1(p) of the standard normal; NaN outside [0, 1], -+inf at 0 and 1.
inline double normal_quantile(double p) noexcept {
  if (!is_probability(p)) return math_nan;
  return boost::math::quantile(boost::math::normal_distribution<double, nothrow_policy>(), p);
}
/// Phi(z), the standard normal CDF; NaN for NaN.
inline double normal_cdf(double z) noexcept {
  if (std::isnan(z)) return math_nan;
  return boost::math::cdf(boost::math::normal_distribution<double, nothrow_policy>(), z);
}

/// Degrees of freedom above which `f_quantile` uses the limiting distributions: Boost's F
/// quantile (an inverse incomplete beta) takes seconds to minutes for df near 1e23 and loses
/// accuracy above ~1e18 (issue 10, F8), while the limits below are accurate to O(1/df) < 1e-10.
inline constexpr double f_asymptotic_df = 1e10;

/// Quantile p of F(df1, df2); NaN when a df is not > 0 or p is not a probability. Constant time:
/// - df1, df2 > f_asymptotic_df: Fisher's z = ln(F)/2 ~ N((1/df2 - 1/df1)/2, (1/df1 + 1/df2)/2)
///   (Fisher 1924; Johnson, Kotz & Balakrishnan 1995, Continuous Univariate Distributions 2, ch. 27);
/// - only df2 large: F -> chi-square(df1)/df1; only df1 large: F -> df2/chi-square(df2), upper tail.
inline double f_quantile(double p, double df1, double df2) noexcept {
  if (!is_probability(p) || !(df1 > 0.0) || !(df2 > 0.0) || std::isnan(df1 + df2)) return math_nan;
  const bool big1 = df1 > f_asymptotic_df, big2 = df2 > f_asymptotic_df;
  if (big1 && big2) {
    const double mean = 0.5 * (1.0 / df2 - 1.0 / df1), sd = std::sqrt(0.5 * (1.0 / df1 + 1.0 / df2));
    return std::exp(2.0 * (mean + sd * normal_quantile(p)));
  }
  if (big2) {
    return boost::math::quantile(boost::math::chi_squared_distribution<double, nothrow_policy>(df1), p) / df1;
  }
  if (big1) {
    return df2 / boost::math::quantile(boost::math::chi_squared_distribution<double, nothrow_policy>(df2), 1.0 - p);
  }
  return boost::math::quantile(boost::math::fisher_f_distribution<double, nothrow_policy>(df1, df2), p);
}
/// P(F > f) for F(df1, df2): 0 for f = +inf, NaN for a negative or NaN f or a bad df.
inline double f_upper_tail(double f, double df1, double df2) noexcept {
  if (!(df1 > 0.0) || !(df2 > 0.0) || std::isnan(df1 + df2)) return math_nan;
  if (std::isinf(f) && f > 0.0) return 0.0;
  if (!(f >= 0.0)) return math_nan;
  return boost::math::cdf(boost::math::complement(boost::math::fisher_f_distribution<double, nothrow_policy>(df1, df2), f));
}

/// Quantile p of chi-square(df); NaN for a bad df or p.
inline double chi_squared_quantile(double p, double df) noexcept {
  if (!is_probability(p) || !positive_finite(df)) return math_nan;
  return boost::math::quantile(boost::math::chi_squared_distribution<double, nothrow_policy>(df), p);
}
/// P(X <= x) for chi-square(df); NaN for a bad df or a NaN x.
inline double chi_squared_cdf(double x, double df) noexcept {
  if (!positive_finite(df) || std::isnan(x)) return math_nan;
  if (x <= 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  return boost::math::cdf(boost::math::chi_squared_distribution<double, nothrow_policy>(df), x);
}
/// P(X > x) for chi-square(df); NaN for a bad df or a NaN x.
inline double chi_squared_upper_tail(double x, double df) noexcept {
  if (!positive_finite(df) || std::isnan(x)) return math_nan;
  if (x <= 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double, nothrow_policy>(df), x));
}
/// Above this non-centrality `non_central_chi_squared_cdf` uses the normal approximation.
inline constexpr double non_central_chi_squared_normal_above = 1e9;
/// P(X <= x) for the non-central chi-square(df, ncp) (ncp <= 0: the central one; ncp > 1e9: its
/// normal approximation).
inline double non_central_chi_squared_cdf(double x, double df, double ncp) noexcept {
  if (!(ncp > 0.0)) return chi_squared_cdf(x, df);
  if (!positive_finite(df) || !std::isfinite(ncp) || std::isnan(x)) return math_nan;
  if (x <= 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  if (ncp > non_central_chi_squared_normal_above) {
    // Boost sums the Poisson mixture from term round(ncp / 2) in an int, which overflows (undefined
    // behaviour) past ncp = 2^32 (fuzz finding F18: an RMSEA bound searched up to a huge lambda).
    // There the distribution is normal to within O(1 / sqrt(ncp)): mean df + ncp, variance
    // 2 (df + 2 ncp) (Johnson, Kotz & Balakrishnan 1995, ch. 29).
    const double z = (x - (df + ncp)) / std::sqrt(2.0 * (df + 2.0 * ncp));
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
  }
  return boost::math::cdf(boost::math::non_central_chi_squared_distribution<double, nothrow_policy>(df, ncp), x);
}

/// Quantile p of Student's t(df); NaN for a bad df or p.
inline double t_quantile(double p, double df) noexcept {
  if (!is_probability(p) || !(df > 0.0) || std::isnan(df)) return math_nan;
  return boost::math::quantile(boost::math::students_t_distribution<double, nothrow_policy>(df), p);
}
/// P(T <= t) for Student's t(df); NaN for a bad df or a NaN t.
inline double t_cdf(double t, double df) noexcept {
  if (!(df > 0.0) || std::isnan(df) || std::isnan(t)) return math_nan;
  return boost::math::cdf(boost::math::students_t_distribution<double, nothrow_policy>(df), t);
}

/// P(T <= t) for the non-central t(df, ncp); NaN for a bad df or a NaN argument.
inline double non_central_t_cdf(double t, double df, double ncp) noexcept {
  if (!(df > 0.0) || std::isnan(df) || std::isnan(t) || !std::isfinite(ncp)) return math_nan;
  if (std::isinf(t)) return t > 0.0 ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::non_central_t_distribution<double, nothrow_policy>(df, ncp), t);
}

/// The root of f on [lo, hi] (f(lo) and f(hi) of opposite signs) by TOMS 748 (Alefeld, Potra & Shi
/// 1995), to `bits` bits in at most `max_iter` evaluations: the midpoint of the final bracket.
/// NaN when [lo, hi] does not bracket a root (Boost would throw).
template <class F>
double find_root_toms748(F f, double lo, double hi, int bits, std::uintmax_t max_iter) {
  const auto r = boost::math::tools::toms748_solve(f, lo, hi, boost::math::tools::eps_tolerance<double>(bits), max_iter,
                                                   nothrow_policy());
  return 0.5 * (r.first + r.second);
}

}  // namespace detail
ATTUNE_END_NAMESPACE
