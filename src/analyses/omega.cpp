// Omega coefficients. Reference: R psych 2.2.9 `omega`, `omegah`, `schmid` (transcribed formulas
// cited inline); Zumbo, Gadermann & Zeisser (2007) for ordinal alpha/omega; Efron (1987) and
// Efron & Tibshirani (1993, ch. 14) for the BCa interval.
#include "attune/analyses/omega.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "attune/analyses/bootstrap.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"
#include "detail/random.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

// SMC as psych: 1 - 1/diag(Pinv(R)), clamped to [0, 1]
VectorXd smc_of(const MatrixXd& r) { return squared_multiple_correlations(r); }

}  // namespace

void omega_options::validate() const {
  if (n_factors < 1)
    throw error(errc::invalid_argument, "omega_options.n_factors = " + std::to_string(n_factors) + "; it must be at least 1");
  if (rotation != factor_rotation::oblimin && rotation != factor_rotation::geomin)
    throw error(errc::invalid_argument, "omega_options.rotation = " + std::string(to_string(rotation)) +
                                            "; omega needs an oblique rotation (oblimin or geomin)");
}

omega_result omega(const Eigen::MatrixXd& correlation, Eigen::Index n_obs, const omega_options& options) {
  options.validate();
  const Index k = correlation.rows();
  const int m = options.n_factors;
  schmid_leiman_result sl = schmid_leiman(correlation, n_obs, {m, options.method, options.rotation, options.two_factor});
  omega_result out;
  out.n = n_obs;
  out.n_factors = m;
  out.warnings = sl.warnings;
  // psych omegah: flip items whose general loading is negative
  out.keys = VectorXd::Ones(k);
  if (options.flip)
    for (Index i = 0; i < k; ++i)
      if (sl.general(i) < 0) out.keys(i) = -1;
  const MatrixXd r = out.keys.asDiagonal() * correlation * out.keys.asDiagonal();
  out.general = out.keys.asDiagonal() * sl.general;
  out.group = out.keys.asDiagonal() * sl.group;
  out.communalities = sl.communalities;
  out.uniquenesses = sl.uniquenesses;
  out.phi = sl.phi;
  const double vt = r.sum();
  const double vitem = r.trace();
  const double gsq = out.general.sum() * out.general.sum();
  const double uniq = out.uniquenesses.sum();
  out.omega_hierarchical = gsq / vt;                 // psych: omega_h = gsq / Vt
  out.omega_total = (vt - uniq) / vt;                // psych: om.tot = (Vt - uniq) / Vt
  out.omega_hierarchical_asymptotic = gsq / (vt - uniq);  // psych: om.limit
  out.alpha = ((vt - vitem) / vt) * (static_cast<double>(k) / static_cast<double>(k - 1));
  out.lambda6 = (vt + smc_of(r).sum() - vitem) / vt;
  const double evg = out.general.squaredNorm();
  out.ecv = evg / (evg + out.group.squaredNorm());  // psych: ev[1] / sum(ev)
  // group omegas (psych omegah `omega.group`)
  out.group_omega_total = VectorXd::Constant(m + 1, nan_v);
  out.group_omega_general = VectorXd::Constant(m + 1, nan_v);
  out.group_omega_group = VectorXd::Constant(m + 1, nan_v);
  std::vector<int> sub(static_cast<std::size_t>(k));
  for (Index i = 0; i < k; ++i) {
    Index best = 0;
    out.group.row(i).cwiseAbs().maxCoeff(&best);  // first maximum, as which.max
    sub[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  double grs = 0;
  for (int gidx = 0; gidx < m; ++gidx) {
    std::vector<Index> items;
    for (Index i = 0; i < k; ++i)
      if (sub[static_cast<std::size_t>(i)] == gidx) items.push_back(i);
    if (items.empty()) continue;
    double vgr = 0, gr = 0, gg = 0;
    for (Index a : items) {
      gr += out.group(a, gidx);
      gg += out.general(a);
      for (Index b : items) vgr += r(a, b);
    }
    grs += gr * gr;
    out.group_omega_group(gidx + 1) = gr * gr / vgr;
    out.group_omega_general(gidx + 1) = gg * gg / vgr;
    out.group_omega_total(gidx + 1) = (gr * gr + gg * gg) / vgr;
  }
  out.group_omega_general(0) = gsq / vt;
  out.group_omega_group(0) = grs / vt;
  out.group_omega_total(0) = out.omega_total;
  if (out.omega_total > 1 || out.omega_total < 0)
    out.warnings.push_back("omega total = " + number_text(out.omega_total, 6) + " lies outside [0, 1]: the factor solution is improper");
  return out;
}

omega_single_result omega_single_factor(const Eigen::MatrixXd& correlation, Eigen::Index n_obs, factor_method method) {
  efa_options o;
  o.n_factors = 1;
  o.method = method;
  efa_result f = exploratory_factor_analysis(correlation, n_obs, o);
  omega_single_result out;
  out.n = n_obs;
  out.warnings = f.warnings;
  out.loadings = f.loadings.col(0);
  out.uniquenesses = f.uniquenesses;
  const Index k = correlation.rows();
  VectorXd key = VectorXd::Ones(k);
  for (Index i = 0; i < k; ++i)
    if (out.loadings(i) < 0) key(i) = -1;
  const double vt = (key.asDiagonal() * correlation * key.asDiagonal()).sum();
  const double u = out.uniquenesses.sum();
  out.omega_total = (vt - u) / vt;  // psych omega(nfactors = 1)$omega.tot
  const double sl = out.loadings.cwiseAbs().sum();
  out.omega_model = sl * sl / (sl * sl + u);  // McDonald (1999)
  if (k == 2) out.warnings.push_back("a one-factor model of 2 items is not identified; omega is a rough guide only");
  return out;
}

ordinal_reliability_result ordinal_reliability(const Eigen::MatrixXd& data, const polychoric_options& options) {
  polychoric_options po = options;
  po.standard_errors = false;  // not part of the result: their information sums cost ~10% at k = 1000
  polychoric_result p = polychoric(data, po);
  ordinal_reliability_result out;
  out.n = p.n;
  out.warnings = p.warnings;
  out.polychoric = p.rho;
  if (!p.rho.allFinite())
    throw error(errc::numerical_issue,
                "ordinal reliability: some polychoric correlations could not be estimated (zero-variance item or no overlap); "
                "drop those items");
  const Index k = p.rho.rows();
  const double s = p.rho.sum();
  // Zumbo et al. (2007): alpha on the polychoric matrix = standardized alpha formula
  out.ordinal_alpha = static_cast<double>(k) / static_cast<double>(k - 1) * (1.0 - static_cast<double>(k) / s);
  omega_single_result o = omega_single_factor(p.rho, p.n);
  out.ordinal_omega = o.omega_total;
  for (const auto& w : o.warnings) out.warnings.push_back(w);
  return out;
}

void omega_bootstrap_options::validate() const {
  omega.validate();
  if (replicates < 2 || replicates > max_bootstrap_replicates)
    throw error(errc::invalid_argument, "omega_bootstrap_options.replicates = " + std::to_string(replicates) +
                                            "; it must be in 2.." + std::to_string(max_bootstrap_replicates));
  if (!(level > 0 && level < 1))
    throw error(errc::invalid_argument, "omega_bootstrap_options.level = " + number_text(level) + "; it must lie strictly between 0 and 1");
  if (threads < 0)
    throw error(errc::invalid_argument, "omega_bootstrap_options.threads = " + std::to_string(threads) + "; it must be 0 or positive");
  if (jackknife_groups < 2 || jackknife_groups > max_bootstrap_replicates)
    throw error(errc::invalid_argument, "omega_bootstrap_options.jackknife_groups = " + std::to_string(jackknife_groups) +
                                            "; it must be in 2.." + std::to_string(max_bootstrap_replicates));
}

omega_bootstrap_result omega_bootstrap(const Eigen::MatrixXd& data, const omega_bootstrap_options& options) {
  options.validate();
  const Index n = data.rows(), k = data.cols();
  if (n < 3) throw error(errc::insufficient_data, "omega bootstrap: N = " + std::to_string(n) + " rows; at least 3 are needed");
  // correlation of a weighted resample (integer frequency weights)
  auto correlation_of = [&](const VectorXd& w) -> MatrixXd {
    if (options.correlation == correlation_kind::pearson) {
      pairwise_moments pm(k);
      pm.add_weighted(data, w);
      return pm.correlation();
    }
    Index rows = 0;
    for (Index i = 0; i < n; ++i) rows += static_cast<Index>(w(i));
    MatrixXd x(rows, k);
    Index at = 0;
    for (Index i = 0; i < n; ++i)
      for (int c = 0; c < static_cast<int>(w(i)); ++c) x.row(at++) = data.row(i);
    polychoric_options po;
    po.threads = 1;
    po.standard_errors = false;
    return polychoric(x, po).rho;
  };
  omega_bootstrap_result out;
  out.n = n;
  const MatrixXd r_full = correlation_of(VectorXd::Ones(n));
  out.estimate = omega(r_full, n, options.omega);
  out.warnings = out.estimate.warnings;
  const int reps = options.replicates;
  const int groups = static_cast<int>(std::min<Index>(n, options.jackknife_groups));
  detail::progress_meter meter(options.progress, "omega_bootstrap", static_cast<std::uint64_t>(reps + groups));
  out.draws = MatrixXd::Constant(reps, 2, nan_v);
  auto fit = [&](const VectorXd& w, double& tot, double& hier) {
    try {
      const MatrixXd r = correlation_of(w);
      omega_result o = omega(r, n, options.omega);
      tot = o.omega_total;
      hier = o.omega_hierarchical;
    } catch (const error&) {
      tot = hier = nan_v;
    }
  };
  auto work = [&](int first, int last) {
    VectorXd w(n);
    for (int b = first; b < last; ++b) {
      detail::rng gen(detail::stream_seed(options.seed, static_cast<std::uint64_t>(b)));
      w.setZero();
      for (Index i = 0; i < n; ++i) w(static_cast<Index>(gen.below(static_cast<std::uint64_t>(n)))) += 1;
      fit(w, out.draws(b, 0), out.draws(b, 1));
      meter.advance();
    }
  };
  // Work in chunks of replicates; each replicate (and each jackknife group) has its own stream
  // or rows, so the draws do not depend on how the chunks are shared among threads.
  auto run_parallel = [&](int count, const auto& fn) {
    constexpr int chunk = 16;
    const auto tasks = static_cast<std::size_t>((count + chunk - 1) / chunk);
    detail::parallel_for(tasks, options.threads, [&](std::size_t t) {
      const int first = static_cast<int>(t) * chunk;
      fn(first, std::min(count, first + chunk));
    });
  };
  run_parallel(reps, work);
  // delete-group jackknife for the BCa acceleration
  MatrixXd jack(groups, 2);
  run_parallel(groups, [&](int first, int last) {
    VectorXd w(n);
    for (int g = first; g < last; ++g) {
      w.setOnes();
      for (Index i = g; i < n; i += groups) w(i) = 0;
      fit(w, jack(g, 0), jack(g, 1));
      meter.advance();
    }
  });
  meter.finish();
  auto intervals = [&](int col, double est, confidence_interval& pct, confidence_interval& bca, const char* name) {
    std::vector<double> v;
    for (int b = 0; b < reps; ++b)
      if (std::isfinite(out.draws(b, col))) v.push_back(out.draws(b, col));
    std::sort(v.begin(), v.end());
    pct = percentile_interval(v, options.level);
    pct.n = static_cast<double>(n);
    std::vector<double> jk(static_cast<std::size_t>(groups));
    for (int g = 0; g < groups; ++g) jk[static_cast<std::size_t>(g)] = jack(g, col);
    const bca_interval_result b = bca_interval(v, est, jk, options.level);
    bca = b.interval;
    bca.n = static_cast<double>(n);
    if (b.undefined_reason)
      out.warnings.push_back(std::string("BCa interval for ") + name + " is undefined: " + *b.undefined_reason);
  };
  intervals(0, out.estimate.omega_total, out.total_percentile, out.total_bca, "omega total");
  intervals(1, out.estimate.omega_hierarchical, out.hierarchical_percentile, out.hierarchical_bca, "omega hierarchical");
  for (int b = 0; b < reps; ++b)
    if (!std::isfinite(out.draws(b, 0))) ++out.failed;
  if (out.failed > 0)
    out.warnings.push_back(std::to_string(out.failed) + " of " + std::to_string(reps) +
                           " bootstrap resamples could not be fitted and were left out");
  return out;
}

ATTUNE_END_NAMESPACE
