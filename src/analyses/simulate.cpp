#include "attune/analyses/simulate.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace {

// Portable draws from mt19937_64 (the standard distributions are implementation-defined).
struct rng {
  std::mt19937_64 engine;
  explicit rng(std::uint64_t seed) : engine(seed) {}
  double uniform() {  // (0, 1), 53 random bits
    return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53;
  }
  double normal() {  // Box-Muller; one value per call keeps the stream simple
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
};

// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9),
// enough to place category thresholds.
double normal_quantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549671180017968e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double lo = 0.02425;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normal_quantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

void simulation_options::validate() const {
  auto fail = [](const std::string& field, double value, const std::string& rule) {
    std::ostringstream os;
    os << "simulation_options::" << field << " = " << value << ": " << rule;
    throw error(errc::invalid_argument, os.str());
  };
  if (n < 1) fail("n", 0, "must be at least 1");
  if (!(loading > 0 && loading < 1)) fail("loading", loading, "must be in (0, 1)");
  if (!(dimension_correlation > -1 && dimension_correlation < 1)) {
    fail("dimension_correlation", dimension_correlation, "must be in (-1, 1)");
  }
  if (!(missing_rate >= 0 && missing_rate < 1)) fail("missing_rate", missing_rate, "must be in [0, 1)");
}

responses simulate_responses(const instrument& inst, const simulation_options& options) {
  options.validate();
  inst.validate();
  const auto n = static_cast<Eigen::Index>(options.n);
  const auto k = static_cast<Eigen::Index>(inst.items.size());
  // Which trait each item loads on: its first subscale (-1: a trait of its own), and its key.
  const auto n_sub = static_cast<Eigen::Index>(inst.subscales.size());
  std::vector<Eigen::Index> trait(inst.items.size());
  std::vector<double> sign(inst.items.size(), 1.0);
  Eigen::Index extra = 0;
  for (std::size_t i = 0; i < inst.items.size(); ++i) {
    trait[i] = -1;
    for (Eigen::Index s = 0; s < n_sub && trait[i] < 0; ++s) {
      const subscale& sub = inst.subscales[static_cast<std::size_t>(s)];
      if (std::find(sub.items.begin(), sub.items.end(), inst.items[i].id) != sub.items.end()) {
        trait[i] = s;
        sign[i] = inst.is_reversed(sub, inst.items[i].id) ? -1.0 : 1.0;
      }
    }
    if (trait[i] < 0) trait[i] = n_sub + extra++;
  }
  // Traits: the anxiety and avoidance subscales (when they are subscales) share correlation rho.
  auto subscale_index = [&](const std::string& name) -> Eigen::Index {
    for (Eigen::Index s = 0; s < n_sub; ++s) {
      if (inst.subscales[static_cast<std::size_t>(s)].name == name) return s;
    }
    return -1;
  };
  const Eigen::Index anx = subscale_index(inst.anxiety), avo = subscale_index(inst.avoidance);
  const double rho = options.dimension_correlation;

  rng g(options.seed);
  // Per-item difficulty offsets, so that items differ in their means.
  std::vector<double> offset(inst.items.size());
  for (double& o : offset) o = 0.4 * (g.uniform() - 0.5);

  responses out;
  out.values.resize(n, k);
  out.item_ids = inst.item_ids();
  out.columns = out.item_ids;
  out.source = "simulated";
  Eigen::VectorXd theta(n_sub + extra);
  const double lambda = options.loading, noise = std::sqrt(1 - lambda * lambda);
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index t = 0; t < theta.size(); ++t) theta[t] = g.normal();
    if (anx >= 0 && avo >= 0) theta[avo] = rho * theta[anx] + std::sqrt(1 - rho * rho) * theta[avo];
    for (Eigen::Index j = 0; j < k; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      const response_range range = inst.items[ju].range.value_or(inst.range);
      const int categories = static_cast<int>(std::floor(range.max - range.min)) + 1;
      const double z = sign[ju] * lambda * theta[trait[ju]] + noise * g.normal() + offset[ju];
      int category = 0;
      for (int c = 1; c < categories; ++c) {
        if (z > normal_quantile(static_cast<double>(c) / categories)) category = c;
      }
      out.values(r, j) = range.min + category;
    }
  }
  // Missing completely at random, drawn after the answers so that the answers do not depend on it.
  if (options.missing_rate > 0) {
    for (Eigen::Index r = 0; r < n; ++r) {
      for (Eigen::Index j = 0; j < k; ++j) {
        if (g.uniform() < options.missing_rate) out.values(r, j) = std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
  if (options.with_ids) {
    out.row_ids.reserve(options.n);
    char buf[32];
    for (std::size_t r = 0; r < options.n; ++r) {
      std::snprintf(buf, sizeof buf, "R%06zu", r + 1);
      out.row_ids.emplace_back(buf);
    }
  }
  return out;
}

std::string responses_to_csv(const responses& data) {
  std::string s;
  const bool ids = !data.row_ids.empty();
  if (ids) s += "id";
  for (std::size_t j = 0; j < data.columns.size(); ++j) {
    if (ids || j > 0) s += ',';
    s += data.columns[j];
  }
  s += '\n';
  char buf[32];
  for (Eigen::Index r = 0; r < data.values.rows(); ++r) {
    if (ids) s += data.row_ids[static_cast<std::size_t>(r)];
    for (Eigen::Index j = 0; j < data.values.cols(); ++j) {
      if (ids || j > 0) s += ',';
      const double x = data.values(r, j);
      if (std::isnan(x)) continue;  // missing: empty cell
      const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, x);
      s.append(buf, ptr);
    }
    s += '\n';
  }
  return s;
}

ATTUNE_END_NAMESPACE
