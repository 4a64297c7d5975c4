// Generic descriptive statistics: sample SD and median, the standard error of measurement.
#include "attune/analyses/descriptives.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/quantile.hpp"

ATTUNE_BEGIN_NAMESPACE

double sample_sd(const Eigen::Ref<const Eigen::VectorXd>& x) noexcept {
  double sum = 0.0;
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (std::isfinite(x(i))) {
      sum += x(i);
      ++n;
    }
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  // Two passes: the mean first, then the squared deviations from it.
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (std::isfinite(x(i))) ss += (x(i) - mean) * (x(i) - mean);
  }
  return std::sqrt(ss / static_cast<double>(n - 1));
}

double sample_median(const Eigen::Ref<const Eigen::VectorXd>& x) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (std::isfinite(x(i))) v.push_back(x(i));
  }
  return detail::median_of(std::move(v));
}

double standard_error_of_measurement(double sd, double reliability) {
  if (!std::isfinite(sd) || sd < 0.0) {
    throw error(errc::invalid_argument,
                "standard error of measurement: sd = " + detail::number_text(sd) + "; it must be finite and >= 0",
                {.value = detail::number_text(sd), .rule = "sd_range"});
  }
  if (!std::isfinite(reliability) || reliability < 0.0 || reliability > 1.0) {
    throw error(errc::invalid_argument,
                "standard error of measurement: reliability = " + detail::number_text(reliability) +
                    "; it must be in [0, 1]",
                {.value = detail::number_text(reliability), .rule = "reliability_range"});
  }
  // SEM = SD * sqrt(1 - r_xx) (classical test theory; Jacobson & Truax 1991).
  return sd * std::sqrt(1.0 - reliability);
}

ATTUNE_END_NAMESPACE
