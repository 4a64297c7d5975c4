#include "attune/analyses/simulate.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <ostream>
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

void simulate_response_chunks(const instrument& inst, const simulation_options& options, std::size_t chunk_rows,
                              const std::function<void(const responses&)>& on_chunk) {
  options.validate();
  inst.validate();
  if (chunk_rows == 0) chunk_rows = cache_friendly_chunk_rows(inst.items.size());
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
  // Per item: the lowest answer and the category thresholds Phi^-1(c / categories), c = 1..C-1
  // (computed once: the same numbers the per-answer evaluation gave).
  std::vector<double> low(inst.items.size());
  std::vector<std::vector<double>> thresholds(inst.items.size());
  for (std::size_t j = 0; j < inst.items.size(); ++j) {
    const response_range range = inst.items[j].range.value_or(inst.range);
    const int categories = static_cast<int>(std::floor(range.max - range.min)) + 1;
    low[j] = range.min;
    for (int c = 1; c < categories; ++c) thresholds[j].push_back(normal_quantile(static_cast<double>(c) / categories));
  }
  const Eigen::Index n_traits = n_sub + extra;
  // The missing answers are drawn after all the answers (so that the answers do not depend on
  // the missing rate): a second engine starts where the answers' draws end. Every respondent takes
  // 2 draws per normal (Box-Muller), one normal per trait and one per item.
  rng missing = g;
  if (options.missing_rate > 0) {
    const auto per_row = static_cast<unsigned long long>(2 * (n_traits + k));
    missing.engine.discard(per_row * static_cast<unsigned long long>(options.n));
  }

  responses out;
  out.item_ids = inst.item_ids();
  out.columns = out.item_ids;
  out.source = "simulated";
  Eigen::VectorXd theta(n_traits);
  const double lambda = options.loading, noise = std::sqrt(1 - lambda * lambda);
  char buf[32];
  for (std::size_t first = 0; first < options.n; first += chunk_rows) {
    const std::size_t rows = std::min(chunk_rows, options.n - first);
    const auto n = static_cast<Eigen::Index>(rows);
    out.values.resize(n, k);
    out.first_row = first + 1;
    for (Eigen::Index r = 0; r < n; ++r) {
      for (Eigen::Index t = 0; t < theta.size(); ++t) theta[t] = g.normal();
      if (anx >= 0 && avo >= 0) theta[avo] = rho * theta[anx] + std::sqrt(1 - rho * rho) * theta[avo];
      for (Eigen::Index j = 0; j < k; ++j) {
        const auto ju = static_cast<std::size_t>(j);
        const double z = sign[ju] * lambda * theta[trait[ju]] + noise * g.normal() + offset[ju];
        int category = 0;
        const auto& cut = thresholds[ju];
        for (std::size_t c = 0; c < cut.size(); ++c) {
          if (z > cut[c]) category = static_cast<int>(c) + 1;
        }
        out.values(r, j) = low[ju] + category;
      }
    }
    if (options.missing_rate > 0) {
      for (Eigen::Index r = 0; r < n; ++r) {
        for (Eigen::Index j = 0; j < k; ++j) {
          if (missing.uniform() < options.missing_rate) out.values(r, j) = std::numeric_limits<double>::quiet_NaN();
        }
      }
    }
    out.row_ids.clear();
    if (options.with_ids) {
      out.row_ids.reserve(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        std::snprintf(buf, sizeof buf, "R%06zu", first + r + 1);
        out.row_ids.emplace_back(buf);
      }
    }
    on_chunk(out);
  }
}

responses simulate_responses(const instrument& inst, const simulation_options& options) {
  responses out;
  bool first = true;
  simulate_response_chunks(inst, options, options.n, [&](const responses& chunk) {
    if (first) {
      out = chunk;
      first = false;
    }
  });
  out.first_row = 1;
  return out;
}

void write_responses_csv(std::ostream& out, const responses& data, bool header) {
  std::string s;
  const bool ids = !data.row_ids.empty();
  if (header) {
    if (ids) s += "id";
    for (std::size_t j = 0; j < data.columns.size(); ++j) {
      if (ids || j > 0) s += ',';
      s += data.columns[j];
    }
    s += '\n';
  }
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
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

std::string responses_to_csv(const responses& data) {
  std::ostringstream os;
  write_responses_csv(os, data, true);
  return os.str();
}

ATTUNE_END_NAMESPACE
