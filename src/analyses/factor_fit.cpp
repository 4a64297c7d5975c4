// The fit of an exploratory factor solution, transcribed from R psych 2.2.9 `fa.stats` (the
// function `fa` calls with alpha = 0.1): docs/factor.md gives the formulas.
#include "attune/analyses/factor_fit.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>

#include "attune/analyses/polychoric.hpp"
#include "attune/core/error.hpp"
#include "detail/math.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

// The non-centrality lambda in [0, hi] where P(chi-square(df, lambda) <= x) = target (decreasing in
// lambda), as psych's uniroot(function(x) pchisq(q, df, ncp = x) - target, c(0, max)).
double ncp_at(double x, double df, double target, double hi) {
  const auto gap = [&](double ncp) { return detail::non_central_chi_squared_cdf(x, df, ncp) - target; };
  return detail::find_root_toms748(gap, 0.0, hi, 52, 500);
}

}  // namespace

void efa_fit_options::validate() const {
  if (!(level > 0.0 && level < 1.0)) {
    throw error(errc::invalid_argument, "efa_fit_options.level = " + detail::number_text(level) + ": must be in (0, 1)",
                {.value = detail::number_text(level), .option = "efa_fit_options.level"});
  }
}

efa_fit efa_fit_statistics(const Eigen::MatrixXd& correlation, const efa_result& solution, Eigen::Index n_obs,
                           const Eigen::MatrixXd& pair_counts, const efa_fit_options& options) {
  options.validate();
  const Eigen::Index k = correlation.rows();
  const Eigen::MatrixXd& f = solution.loadings;
  const Eigen::Index m = f.cols();
  if (correlation.cols() != k || f.rows() != k || m < 1) {
    throw error(errc::invalid_argument, "efa_fit_statistics: a " + std::to_string(k) + " x " +
                                            std::to_string(correlation.cols()) + " correlation matrix and " +
                                            std::to_string(f.rows()) + " x " + std::to_string(m) + " loadings");
  }
  const bool counts = pair_counts.size() > 0;
  if (counts && (pair_counts.rows() != k || pair_counts.cols() != k)) {
    throw error(errc::invalid_argument, "efa_fit_statistics: pair_counts must be " + std::to_string(k) + " x " +
                                            std::to_string(k));
  }
  const Eigen::MatrixXd phi =
      solution.phi.rows() == m && solution.phi.cols() == m ? solution.phi : Eigen::MatrixXd::Identity(m, m);
  efa_fit out;
  out.rmsea_level = options.level;
  const auto kd = static_cast<double>(k), md = static_cast<double>(m);
  const double n = n_obs > 0 ? static_cast<double>(n_obs) : nan_v;
  out.n_obs = n_obs > 0 ? n : 0.0;
  out.df = static_cast<int>(k * (k - 1) / 2 - k * m + m * (m - 1) / 2);
  out.null_df = static_cast<int>(k * (k - 1) / 2);
  const double df = out.df;

  // Empirical chi-square and RMSR from the off-diagonal residuals R - L phi L'.
  Eigen::MatrixXd model = f * phi * f.transpose();
  Eigen::MatrixXd residual = correlation - model;
  residual.diagonal().setZero();
  double rstar_off = 0.0;
  if (counts) {
    rstar_off = (residual.array().square() * pair_counts.array()).sum();
    double inv = 0.0;  // psych harmonic.mean(as.vector(np.obs)): every cell, the diagonal included
    for (Eigen::Index i = 0; i < pair_counts.size(); ++i) inv += 1.0 / pair_counts.data()[i];
    out.n_harmonic = static_cast<double>(pair_counts.size()) / inv;
    out.empirical_chisq = rstar_off;
  } else {
    rstar_off = residual.squaredNorm();
    out.n_harmonic = out.n_obs;
    out.empirical_chisq = rstar_off * n;
  }
  const double nh = counts ? out.n_harmonic : 1.0;  // psych: rms = sqrt(rstar.off / (nh k (k - 1))), nh = 1 without counts
  out.rmsr = std::sqrt(rstar_off / (nh * kd * (kd - 1.0)));
  if (out.df > 0) {
    out.crms = std::sqrt(rstar_off / (2.0 * nh * df));
    out.empirical_pvalue = detail::chi_squared_upper_tail(out.empirical_chisq, df);
    out.empirical_bic = out.empirical_chisq - df * std::log(out.n_harmonic);
  } else {
    out.crms = out.empirical_pvalue = out.empirical_bic = nan_v;
  }

  // The likelihood chi-square: the implied matrix with R's diagonal, both smoothed when not
  // positive definite (psych cor.smooth), and F = tr(S^-1 R) - log|S^-1 R| - k.
  model.diagonal() = correlation.diagonal();
  const smoothing_result sm = smooth_correlation(model);
  const smoothing_result sr = smooth_correlation(correlation);
  out.smoothed = sm.smoothed || sr.smoothed;
  if (out.smoothed) out.warnings.push_back("fit: a matrix was not positive definite and was smoothed (psych cor.smooth)");
  const Eigen::MatrixXd r = sr.matrix;
  const Eigen::MatrixXd m_inv_r = Eigen::PartialPivLU<Eigen::MatrixXd>(sm.matrix).solve(r);
  out.objective = m_inv_r.trace() - std::log(m_inv_r.determinant()) - kd;
  double f0 = r.trace() - std::log(r.determinant()) - kd;
  if (!std::isfinite(out.objective) || !std::isfinite(f0)) {
    out.warnings.push_back("fit: a determinant is zero; the likelihood statistics are undefined");
    out.objective = std::isfinite(out.objective) ? out.objective : nan_v;
    f0 = std::isfinite(f0) ? f0 : nan_v;
  }
  const double nm = (n - 1.0) - (2.0 * kd + 5.0) / 6.0 - 2.0 * md / 3.0;
  out.chisq = std::max(0.0, out.objective * nm);
  if (std::isnan(out.objective * nm)) out.chisq = nan_v;
  out.pvalue = out.df > 0 ? detail::chi_squared_upper_tail(out.chisq, df) : nan_v;
  out.null_chisq = f0 * ((n - 1.0) - (2.0 * kd + 5.0) / 6.0);
  const double m0 = f0 * 2.0 / (kd * (kd - 1.0)), mm = out.objective / df;
  out.tli = out.df > 0 ? (m0 - mm) / (m0 - 1.0 / nm) : nan_v;
  out.rmsea = out.rmsea_lower = out.rmsea_upper = out.bic = nan_v;
  if (out.df > 0 && std::isfinite(out.chisq)) {
    out.rmsea = std::sqrt(std::max(out.chisq / (df * n) - 1.0 / (n - 1.0), 0.0));
    const double tail = (1.0 - options.level) / 2.0;
    const double hi = std::max(n, out.chisq) + 2.0 * n;
    const double p_central = detail::chi_squared_cdf(out.chisq, df);
    out.rmsea_upper = p_central > tail ? std::sqrt(ncp_at(out.chisq, df, tail, hi) / (n - 1.0) / df) : 0.0;
    out.rmsea_lower = p_central > 1.0 - tail ? std::sqrt(ncp_at(out.chisq, df, 1.0 - tail, hi) / (n - 1.0) / df) : 0.0;
    if (out.rmsea_upper < out.rmsea) out.rmsea_upper = nan_v;
    if (out.rmsea_lower > out.rmsea) out.rmsea_lower = nan_v;
    out.bic = out.chisq - df * std::log(n);
  }
  return out;
}

ATTUNE_END_NAMESPACE
