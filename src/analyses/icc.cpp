// Intraclass correlations (see include/attune/analyses/icc.hpp).
// Reference: Shrout & Fleiss (1979), Psychological Bulletin 86:420-428, as R psych::ICC(x, lmer = FALSE)
// 2.2.9 (mean squares from the two-way ANOVA, F tests, F-based intervals).
#include "attune/analyses/icc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "detail/math.hpp"
#include "detail/number_text.hpp"
#include "detail/scale.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

using detail::f_quantile;
using detail::f_upper_tail;

// Undefined values become NaN with one warning per cause, naming the forms it touches (issue 10,
// F6 and F9): with perfect agreement a residual mean square is 0, so F = MSB / MS is infinite and
// the F-based bounds are inf/inf; with identical ratings everywhere every ICC is 0/0.
void explain_undefined(icc_result& res, double msb, double msw, double mse) {
  std::string undefined_icc, undefined_interval;
  for (auto& row : res.rows) {
    if (!std::isfinite(row.icc)) {
      row.icc = nan_v;
      undefined_icc += (undefined_icc.empty() ? "" : ", ") + row.type;
    }
    // An infinite F gives bounds such as 1 - 1/inf = 1: the limit, but a claim of certainty that
    // three subjects cannot support; undefined instead, like the bounds that are inf/inf.
    if (!std::isfinite(row.f) || !row.ci.finite()) {
      row.ci.lower = row.ci.upper = nan_v;
      undefined_interval += (undefined_interval.empty() ? "" : ", ") + row.type;
    }
  }
  std::string why;
  if (!(msb > 0.0) && !(msw > 0.0)) {
    why = "every rating is the same (no variance between or within subjects: 0/0)";
  } else if (!(msw > 0.0)) {
    why = "the raters agree perfectly (MSW = MSE = 0, so every F ratio is infinite)";
  } else if (!(mse > 0.0)) {
    why = "the residual mean square MSE is 0 (the raters differ only by a constant, so F = MSB/MSE is infinite)";
  } else if (!(msb > 0.0)) {
    why = "the subjects do not differ (MSB = 0)";
  } else {
    why = "the F distribution's degrees of freedom are degenerate";
  }
  if (!undefined_icc.empty()) res.warnings.push_back("icc: " + undefined_icc + " undefined (NaN): " + why);
  if (!undefined_interval.empty()) {
    res.warnings.push_back("icc: the confidence intervals of " + undefined_interval + " are undefined (NaN): " + why);
  }
}

}  // namespace

void icc_options::validate() const {
  if (!(level > 0.0 && level < 1.0)) {
    throw error(errc::invalid_argument, "icc: level = " + number_text(level) + "; must be in (0, 1)");
  }
}

icc_result analyze_icc(const Eigen::MatrixXd& ratings, const icc_options& options) {
  options.validate();
  icc_result res;
  const Eigen::Index k = ratings.cols();
  if (k < 2) throw error(errc::insufficient_data, "icc: " + std::to_string(k) + " rater(s); at least 2 are needed");
  std::vector<Eigen::Index> keep;
  for (Eigen::Index r = 0; r < ratings.rows(); ++r) {
    bool ok = true;
    for (Eigen::Index j = 0; j < k; ++j) {
      if (std::isinf(ratings(r, j))) {
        throw error(errc::bad_input, "icc: infinite rating at row " + std::to_string(r + 1) + ", column " +
                                         std::to_string(j + 1));
      }
      if (std::isnan(ratings(r, j))) ok = false;
    }
    if (ok) keep.push_back(r);
  }
  if (static_cast<Eigen::Index>(keep.size()) < ratings.rows()) {
    res.warnings.push_back("icc: " + std::to_string(ratings.rows() - static_cast<Eigen::Index>(keep.size())) +
                           " row(s) with a missing rating were left out");
  }
  const Eigen::Index n = static_cast<Eigen::Index>(keep.size());
  if (n < 2) throw error(errc::insufficient_data, "icc: N = " + std::to_string(n) + " complete row(s); at least 2 are needed");
  Eigen::MatrixXd y(n, k);
  for (Eigen::Index t = 0; t < n; ++t) y.row(t) = ratings.row(keep[static_cast<std::size_t>(t)]);
  // The ICCs and F ratios do not change when every rating is multiplied by the same number, but the
  // sums of squares of ratings near 1e200 overflow and those of ratings near 1e-170 underflow. So
  // the ANOVA runs on the ratings times 2^-e (exact: a power of two), e the binary exponent of the
  // largest |rating|, and the mean squares are scaled back by 2^(2e) for the result.
  const int e = detail::binary_exponent(y.cwiseAbs().maxCoeff());
  y = y.unaryExpr([e](double v) { return std::ldexp(v, -e); });
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  const double gm = y.mean();
  const Eigen::VectorXd row_m = y.rowwise().mean();
  const Eigen::RowVectorXd col_m = y.colwise().mean();
  const double ss_b = kd * (row_m.array() - gm).square().sum();
  const double ss_j = nd * (col_m.array() - gm).square().sum();
  const double ss_t = (y.array() - gm).square().sum();
  // Rounding can leave a tiny negative residual when the raters agree perfectly; it is 0 then.
  const double ss_e = std::max(0.0, ss_t - ss_b - ss_j);
  const double df_b = nd - 1.0, df_j = kd - 1.0, df_e = (nd - 1.0) * (kd - 1.0);
  const double msb = ss_b / df_b, msj = ss_j / df_j, mse = ss_e / df_e;
  const double msw = (ss_j + ss_e) / (df_j + df_e);
  res.n = nd;
  res.n_raters = k;
  res.ms_subjects = std::ldexp(msb, 2 * e);
  res.ms_within = std::ldexp(msw, 2 * e);
  res.ms_raters = std::ldexp(msj, 2 * e);
  res.ms_error = std::ldexp(mse, 2 * e);
  if (!std::isfinite(res.ms_subjects + res.ms_within + res.ms_raters + res.ms_error)) {
    res.warnings.push_back("icc: the mean squares of these ratings (up to " + number_text(ratings.cwiseAbs().maxCoeff(), 6) +
                           ") overflow a double and are reported as inf; the ICCs were computed on rescaled ratings");
  }
  const double icc1 = (msb - msw) / (msb + (kd - 1.0) * msw);
  const double icc2 = (msb - mse) / (msb + (kd - 1.0) * mse + kd * (msj - mse) / nd);
  const double icc3 = (msb - mse) / (msb + (kd - 1.0) * mse);
  const double icc1k = (msb - msw) / msb;
  const double icc2k = (msb - mse) / (msb + (msj - mse) / nd);
  const double icc3k = (msb - mse) / msb;
  const double f11 = msb / msw, df11n = nd - 1.0, df11d = nd * (kd - 1.0);
  const double f21 = msb / mse, df21n = nd - 1.0, df21d = (nd - 1.0) * (kd - 1.0);
  const double p11 = f_upper_tail(f11, df11n, df11d), p21 = f_upper_tail(f21, df21n, df21d);
  const double al = 1.0 - options.level;  // psych's alpha
  const double f1l = f11 / f_quantile(1.0 - al / 2.0, df11n, df11d);
  const double f1u = f11 * f_quantile(1.0 - al / 2.0, df11d, df11n);
  const double f3l = f21 / f_quantile(1.0 - al / 2.0, df21n, df21d);
  const double f3u = f21 * f_quantile(1.0 - al / 2.0, df21d, df21n);
  // ICC(2,1) interval: Satterthwaite-type df v (Shrout & Fleiss 1979, eq. for ICC(2,1)), psych ICC.
  const double fj = msj / mse;
  const double vn = (kd - 1.0) * (nd - 1.0) * std::pow(kd * icc2 * fj + nd * (1.0 + (kd - 1.0) * icc2) - kd * icc2, 2.0);
  const double vd = (nd - 1.0) * kd * kd * icc2 * icc2 * fj * fj + std::pow(nd * (1.0 + (kd - 1.0) * icc2) - kd * icc2, 2.0);
  const double v = vn / vd;
  const double f2u = f_quantile(1.0 - al / 2.0, nd - 1.0, v);
  const double f2l = f_quantile(1.0 - al / 2.0, v, nd - 1.0);
  const double l2 = nd * (msb - f2u * mse) / (f2u * (kd * msj + (kd * nd - kd - nd) * mse) + nd * msb);
  const double u2 = nd * (f2l * msb - mse) / (kd * msj + (kd * nd - kd - nd) * mse + nd * f2l * msb);
  auto row = [&](const char* type, const char* description, double icc, double f, double df1, double df2, double p,
                 double lower, double upper) {
    return icc_row{type, description, icc, f, df1, df2, p, confidence_interval{"f", options.level, lower, upper, nd}};
  };
  res.rows = {
      row("ICC1", "Single_raters_absolute", icc1, f11, df11n, df11d, p11, (f1l - 1.0) / (f1l + (kd - 1.0)), (f1u - 1.0) / (f1u + kd - 1.0)),
      row("ICC2", "Single_random_raters", icc2, f21, df21n, df21d, p21, l2, u2),
      row("ICC3", "Single_fixed_raters", icc3, f21, df21n, df21d, p21, (f3l - 1.0) / (f3l + kd - 1.0), (f3u - 1.0) / (f3u + kd - 1.0)),
      row("ICC1k", "Average_raters_absolute", icc1k, f11, df11n, df11d, p11, 1.0 - 1.0 / f1l, 1.0 - 1.0 / f1u),
      row("ICC2k", "Average_random_raters", icc2k, f21, df21n, df21d, p21, l2 * kd / (1.0 + l2 * (kd - 1.0)), u2 * kd / (1.0 + u2 * (kd - 1.0))),
      row("ICC3k", "Average_fixed_raters", icc3k, f21, df21n, df21d, p21, 1.0 - 1.0 / f3l, 1.0 - 1.0 / f3u),
  };
  explain_undefined(res, msb, msw, mse);
  return res;
}

ATTUNE_END_NAMESPACE
