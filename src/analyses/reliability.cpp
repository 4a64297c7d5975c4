// Coefficient alpha, Guttman's lambdas, item analysis, analytic intervals and the mergeable
// accumulator (see include/attune/analyses/reliability.hpp).
//
// Reference implementation: R psych (Revelle), `alpha`, `alpha.ci`, `splitHalf`, `guttman`, `smc`,
// `ICC`, read in psych 2.2.9 (Debian) and 2.5.3 (CRAN; Revelle 2024, psych: Procedures for
// Psychological, Psychometric, and Personality Research).
// Where the two differ attune follows the current psych (R = cor(x, use = "pairwise") rather than
// cov2cor(C), psych >= 2.4.4; all splits in splitHalf, psych >= 2.3.12).
#include "attune/analyses/reliability.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/quote.hpp"
#include "detail/magnitude.hpp"
#include "detail/math.hpp"
#include "detail/memory.hpp"
#include "detail/number_text.hpp"
#include "detail/quantile.hpp"
#include "detail/scale.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

using detail::f_quantile;
using detail::normal_quantile;

// R var() (n - 1 denominator).
double variance_of(const std::vector<double>& v) {
  if (v.size() < 2) return nan_v;
  double m = 0.0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

// psych's asymptotic variance Q of alpha (van Zyl, Neudecker & Nel 2000; Duhachek & Iacobucci
// 2004, corrected by T. Hattori 2016), psych 2.2.9 alpha.1:
//   Q = 2 k^2 / ((k-1)^2 sum(C)^3) [sum(C) (tr(C C) + tr(C)^2) - 2 tr(C) sum(C C)].
double psych_q(double k, double sum_c, double tr_c, double tr_c2, double sum_c2) {
  return (2.0 * k * k / ((k - 1.0) * (k - 1.0) * sum_c * sum_c * sum_c)) *
         (sum_c * (tr_c2 + tr_c * tr_c) - 2.0 * (tr_c * sum_c2));
}

// SMCs as psych::smc: 1 - 1/diag(Pinv(R)), Pinv dropping singular values <= sqrt(eps) d_max
// (psych Pinv), then clamped to [0, 1]. Returns the (pseudo-)inverse too.
struct smc_info {
  Eigen::VectorXd smc;
  Eigen::MatrixXd inverse;
  bool singular = false;
};

smc_info compute_smc(const Eigen::MatrixXd& r) {
  // R is symmetric, so its singular values are the |eigenvalues| and Pinv(R) = V diag(1/lambda) V'
  // over the eigenvalues kept: the same pseudo-inverse as psych's svd-based Pinv, from a symmetric
  // eigensolver that is ~20x faster than a Jacobi SVD at k = 1000 (issue 10, F15).
  smc_info out;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r);
  const Eigen::VectorXd& lambda = eig.eigenvalues();
  const double tol = std::sqrt(std::numeric_limits<double>::epsilon()) * lambda.cwiseAbs().maxCoeff();
  Eigen::VectorXd inv(lambda.size());
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    if (std::abs(lambda(i)) > std::max(tol, 0.0)) {
      inv(i) = 1.0 / lambda(i);
    } else {
      inv(i) = 0.0;
      out.singular = true;
    }
  }
  out.inverse = eig.eigenvectors() * inv.asDiagonal() * eig.eigenvectors().transpose();
  out.smc = (1.0 - out.inverse.diagonal().array().inverse()).matrix();
  for (Eigen::Index i = 0; i < out.smc.size(); ++i) {
    if (std::isnan(out.smc(i))) out.smc(i) = 1.0;  // psych: "smcs were set to 1.0" when all NA
    out.smc(i) = std::clamp(out.smc(i), 0.0, 1.0);
  }
  return out;
}

// The median and variance of the inter-item correlations (the k(k-1)/2 values below the diagonal)
// without item i, for every i, in O(k^2 log k) instead of a sort per item (O(k^3 log k), most of
// the time at k = 200; issue 10, F15). The values are sorted once with their positions; item i
// removes its k - 1 values, and the m-th smallest of the rest is found by stepping over the removed
// positions. The variance is downdated from sums shifted by the mean of all values (no cancellation).
struct r_without_item {
  std::vector<double> median, variance;
};

r_without_item correlations_without_each_item(const Eigen::MatrixXd& r) {
  const Eigen::Index k = r.rows();
  const auto ku = static_cast<std::size_t>(k);
  const std::size_t m_all = ku * (ku - 1) / 2;
  // pair(a, b), a > b, at index offset(b) + (a - b - 1): the column-major order of the lower triangle.
  auto index_of = [ku](std::size_t a, std::size_t b) {
    if (a < b) std::swap(a, b);
    return b * ku - b * (b + 1) / 2 + (a - b - 1);
  };
  std::vector<double> values(m_all);
  for (std::size_t b = 0; b < ku; ++b)
    for (std::size_t a = b + 1; a < ku; ++a) values[index_of(a, b)] = r(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
  std::vector<std::uint32_t> order(m_all);
  for (std::size_t t = 0; t < m_all; ++t) order[t] = static_cast<std::uint32_t>(t);
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return values[x] < values[y] || (values[x] == values[y] && x < y);
  });
  std::vector<std::uint32_t> rank(m_all);
  std::vector<double> sorted(m_all);
  for (std::size_t t = 0; t < m_all; ++t) {
    rank[order[t]] = static_cast<std::uint32_t>(t);
    sorted[t] = values[order[t]];
  }
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(m_all);
  double s1 = 0.0, s2 = 0.0;
  for (double v : values) {
    s1 += v - mean;
    s2 += (v - mean) * (v - mean);
  }
  r_without_item out{std::vector<double>(ku, nan_v), std::vector<double>(ku, nan_v)};
  const std::size_t m = m_all - (ku - 1);  // values left without one item
  std::vector<std::uint32_t> removed(ku - 1);
  for (std::size_t i = 0; i < ku; ++i) {
    double d1 = s1, d2 = s2;
    std::size_t n_removed = 0;
    for (std::size_t j = 0; j < ku; ++j) {
      if (j == i) continue;
      const std::size_t p = index_of(i, j);
      removed[n_removed++] = rank[p];
      d1 -= values[p] - mean;
      d2 -= (values[p] - mean) * (values[p] - mean);
    }
    std::sort(removed.begin(), removed.end());
    auto select = [&](std::size_t want) {  // the want-th smallest (0-based) of the values left
      std::size_t t = want;
      for (std::uint32_t q : removed) {
        if (q <= t) ++t;
        else break;
      }
      return sorted[t];
    };
    if (m >= 1) out.median[i] = m % 2 ? select(m / 2) : 0.5 * (select(m / 2 - 1) + select(m / 2));
    if (m >= 2) {
      const double nd = static_cast<double>(m);
      out.variance[i] = std::max(0.0, d2 - d1 * d1 / nd) / (nd - 1.0);  // R var(), n - 1 denominator
    }
  }
  return out;
}

Eigen::MatrixXd drop_index(const Eigen::MatrixXd& m, Eigen::Index i) {
  const Eigen::Index k = m.rows();
  Eigen::MatrixXd out(k - 1, k - 1);
  for (Eigen::Index a = 0, ra = 0; a < k; ++a) {
    if (a == i) continue;
    for (Eigen::Index b = 0, rb = 0; b < k; ++b) {
      if (b == i) continue;
      out(ra, rb++) = m(a, b);
    }
    ++ra;
  }
  return out;
}

// Everything the analysis needs, however it was obtained (data, accumulator or matrix).
struct core_input {
  Eigen::MatrixXd c, r, counts;
  Eigen::VectorXd item_n, item_mean, item_sd, raw_r;
  double n_rows = 0.0, n_complete = 0.0, total_mean = nan_v, total_sd = nan_v;
  std::vector<std::vector<std::pair<double, double>>> value_counts;  // empty: not available
  std::vector<bool> counts_overflow;
  std::vector<std::string> names;
  bool from_data = false;
};

// Response frequencies as psych::response.frequencies (2.2.9 responseFrequency): only when the
// union of values over the items has at most `max` values; shares over the answered rows, for
// every value of the union (zeros included), ascending.
void fill_frequencies(const core_input& in, int max_categories, std::vector<item_statistics>& items) {
  if (in.value_counts.empty()) return;
  std::vector<double> uni;
  for (std::size_t i = 0; i < in.value_counts.size(); ++i) {
    if (!in.counts_overflow.empty() && in.counts_overflow[i]) return;
    for (const auto& [v, c] : in.value_counts[i]) {
      (void)c;
      if (std::find(uni.begin(), uni.end(), v) == uni.end()) uni.push_back(v);
    }
    if (uni.size() > static_cast<std::size_t>(max_categories)) return;
  }
  std::sort(uni.begin(), uni.end());
  for (std::size_t i = 0; i < items.size(); ++i) {
    double answered = 0.0;
    for (const auto& vc : in.value_counts[i]) answered += vc.second;
    for (double v : uni) {
      double cnt = 0.0;
      for (const auto& vc : in.value_counts[i]) {
        if (vc.first == v) cnt = vc.second;
      }
      items[i].frequencies.emplace_back(v, answered > 0.0 ? cnt / answered : nan_v);
    }
  }
}

void check_level(double level) {
  if (!(level > 0.0 && level < 1.0)) {
    detail::fail_option("reliability_options.level", number_text(level), "must be in (0, 1)");
  }
}

bool wants(const reliability_options& o, ci_method m) {
  return std::find(o.intervals.begin(), o.intervals.end(), m) != o.intervals.end();
}

// ADF standard error of alpha (Maydeu-Olivares, Coffman & Hartmann 2007, eq. 9-10): delta method
// on the covariance matrix with the fourth-moment (Gamma) asymptotic covariance of its elements.
// With G = d alpha / d S (S the ML covariance, d_r = x_r - mean):
//   G = k/(k-1) (tr(S)/sum(S)^2 11' - I/sum(S)),  u_r = d_r' G d_r,
//   var(alpha) = (1/N) [mean(u_r^2) - mean(u_r)^2]   (= g' Gamma g / N with Gamma = (1/N) sum (s_r - s)(s_r - s)').
double adf_se(const Eigen::MatrixXd& x) {
  const Eigen::Index n = x.rows(), k = x.cols();
  const double nn = static_cast<double>(n), kd = static_cast<double>(k);
  const Eigen::RowVectorXd mu = x.colwise().mean();
  const Eigen::MatrixXd d = x.rowwise() - mu;
  const Eigen::MatrixXd s = (d.transpose() * d) / nn;
  const double sum_s = s.sum(), tr_s = s.trace();
  const double a = kd / (kd - 1.0) * tr_s / (sum_s * sum_s);
  const double b = kd / (kd - 1.0) / sum_s;
  const Eigen::VectorXd t = d.rowwise().sum();
  const Eigen::VectorXd q = d.rowwise().squaredNorm();
  const Eigen::ArrayXd u = a * t.array().square() - b * q.array();
  const double mu_u = u.mean();
  const double var_u = (u - mu_u).square().mean();
  return std::sqrt(var_u / nn);
}

// Why an analytic interval came out infinite or NaN (issue 10, F9), in words about the data.
std::string undefined_interval_reason(ci_method m, double alpha, double n, double ase) {
  if (!std::isfinite(alpha)) return "alpha is " + number_text(alpha);
  switch (m) {
    case ci_method::feldt:
    case ci_method::feldt_1965:
      if (!(n > 1.0)) return "its F distribution needs N > 1 (N = " + number_text(n) + ")";
      break;
    case ci_method::bonett_wright:
      if (!(n > 3.0)) return "its variance Q / (N - 3) needs N > 3 (N = " + number_text(n) + ")";
      if (alpha >= 1.0) return "alpha is 1, and the interval is formed on log(1 - alpha)";
      break;
    case ci_method::normal_theory:
      if (!std::isfinite(ase)) return "the standard error of alpha is " + number_text(ase);
      break;
    default: break;
  }
  return "not defined for these data (alpha " + number_text(alpha, 6) + ", N " + number_text(n) + ")";
}

reliability_result analyze_core(core_input in, const reliability_options& options, const Eigen::MatrixXd* raw,
                                 std::vector<std::string> warnings) {
  reliability_result res;
  const Eigen::Index k = in.c.cols();
  const double kd = static_cast<double>(k);
  res.n_items = k;
  res.n_rows = in.n_rows;
  res.n_complete = in.n_complete;
  res.warnings = std::move(warnings);

  // N behind the figures. n_effective: harmonic mean of the pairwise counts over pairs i < j
  // (the N at which complete data would give the same mean sampling variance of a covariance).
  {
    double inv = 0.0, mn = std::numeric_limits<double>::infinity();
    int pairs = 0;
    for (Eigen::Index j = 1; j < k; ++j) {
      for (Eigen::Index i = 0; i < j; ++i) {
        inv += 1.0 / in.counts(i, j);
        mn = std::min(mn, in.counts(i, j));
        ++pairs;
      }
    }
    res.n = static_cast<double>(pairs) / inv;
    res.n_min_pair = mn;
    if (options.missing == missing_method::listwise) res.n = in.n_complete;
  }
  res.n_intervals = options.n_for_intervals == interval_n::rows ? in.n_rows : res.n;

  const Eigen::MatrixXd& c = in.c;
  const Eigen::MatrixXd& r = in.r;
  res.covariance = c;
  res.correlation = r;
  const double sum_c = c.sum(), tr_c = c.trace();
  const Eigen::VectorXd cs = c.rowwise().sum();  // C 1
  const double tr_c2 = c.squaredNorm();          // tr(C C) for symmetric C
  const double sum_c2 = cs.squaredNorm();        // 1' C C 1
  const double sum_r = r.sum();
  const Eigen::VectorXd rs = r.rowwise().sum();

  // Totals (psych alpha.1).
  res.alpha = (1.0 - tr_c / sum_c) * kd / (kd - 1.0);
  res.alpha_std = (1.0 - kd / sum_r) * kd / (kd - 1.0);
  const smc_info smc = compute_smc(r);
  res.smc = smc.smc;
  if (smc.singular) {
    res.warnings.push_back("reliability: the correlation matrix is singular; SMCs (G6, r.cor) use its pseudo-inverse, as psych");
  }
  const double sum_smc = smc.smc.sum();
  res.lambda6 = 1.0 - (kd - sum_smc) / sum_r;
  res.average_r = (sum_r - kd) / (kd * (kd - 1.0));
  std::vector<double> lower;
  lower.reserve(static_cast<std::size_t>(k * (k - 1) / 2));
  double sumsq_off = 0.0;
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = j + 1; i < k; ++i) {
      lower.push_back(r(i, j));
      sumsq_off += 2.0 * r(i, j) * r(i, j);
    }
  }
  res.median_r = detail::median_of(lower);
  res.var_r = variance_of(lower);
  res.signal_noise = kd * res.average_r / (1.0 - res.average_r);
  const double q = psych_q(kd, sum_c, tr_c, tr_c2, sum_c2);
  res.ase = std::sqrt(q / res.n_intervals);
  // Guttman (1945) lambdas on the correlation matrix, as psych guttman()/splitHalf() (2.2.9).
  const double sum_off = sum_r - r.trace();
  res.lambda1 = 1.0 - r.trace() / sum_r;
  res.lambda2 = (sum_off + std::sqrt(sumsq_off * kd / (kd - 1.0))) / sum_r;
  res.lambda3 = kd * res.lambda1 / (kd - 1.0);
  {
    double c_co_max = 0.0;
    for (Eigen::Index j = 0; j < k; ++j) c_co_max = std::max(c_co_max, r.col(j).squaredNorm() - r(j, j) * r(j, j));
    res.lambda5 = res.lambda1 + 2.0 * std::sqrt(c_co_max) / sum_r;
  }
  res.total_mean = in.total_mean;
  res.total_sd = in.total_sd;
  res.sem_sum = std::sqrt(sum_c) * std::sqrt(1.0 - res.alpha);
  res.sem = res.sem_sum / kd;

  // Item statistics (psych alpha: item.r, item.rc, r.drop) and item-deleted statistics by downdating.
  const double sum_rc = sum_r - kd + sum_smc;
  const r_without_item without_item = k > 2 ? correlations_without_each_item(r) : r_without_item{};
  // With a singular R, psych recomputes Pinv(R without item i) for every i: k eigendecompositions,
  // O(k^4) (over 60 s at k = 400, issue 10 F15). Up to this many items attune does the same; above,
  // G6 if deleted is NaN with a warning (docs/reliability.md).
  constexpr Eigen::Index max_items_singular_g6_deleted = 100;
  const bool g6_deleted = !smc.singular || k <= max_items_singular_g6_deleted;
  if (!g6_deleted) {
    res.warnings.push_back("reliability: G6 if an item is deleted is not computed (NaN): the correlation matrix is "
                           "singular and k = " + std::to_string(k) + " > " +
                           std::to_string(max_items_singular_g6_deleted) +
                           " items (one pseudo-inverse per deleted item would take O(k^4))");
  }
  res.items.resize(static_cast<std::size_t>(k));
  for (Eigen::Index i = 0; i < k; ++i) {
    item_statistics& it = res.items[static_cast<std::size_t>(i)];
    it.item = in.names[static_cast<std::size_t>(i)];
    it.n = in.item_n(i);
    it.mean = in.item_mean(i);
    it.sd = in.item_sd(i);
    it.raw_r = in.raw_r(i);
    it.std_r = rs(i) / std::sqrt(sum_r);
    it.r_cor = (rs(i) - 1.0 + smc.smc(i)) / std::sqrt(sum_rc);
    const double v_drop = sum_c - 2.0 * cs(i) + c(i, i);
    it.r_drop = (cs(i) - c(i, i)) / std::sqrt(c(i, i) * v_drop);
    it.missing_share = in.n_rows > 0.0 ? 1.0 - it.n / in.n_rows : nan_v;
    if (k == 2) {
      // One item left: no alpha. psych 2.2.9 fills these cells with C12/C22, R12, smc... (not
      // statistics of a one-item scale); attune reports NaN (docs/reliability.md).
      it.alpha_if_deleted = it.alpha_std_if_deleted = it.g6_if_deleted = it.average_r_if_deleted = nan_v;
      it.signal_noise_if_deleted = it.ase_if_deleted = it.var_r_if_deleted = it.median_r_if_deleted = nan_v;
      continue;
    }
    const double km = kd - 1.0;
    const double tr_d = tr_c - c(i, i);
    const double sum_d = v_drop;
    it.alpha_if_deleted = (1.0 - tr_d / sum_d) * km / (km - 1.0);
    const double sum_r_d = sum_r - 2.0 * rs(i) + r(i, i);
    it.alpha_std_if_deleted = (1.0 - km / sum_r_d) * km / (km - 1.0);
    // SMCs of R without item i. Rank-one downdate of the inverse: (R_-i)^-1 = P_-i,-i - P_-i,i P_i,-i / P_ii
    // (Schur complement); diag_j = P_jj - P_ji^2 / P_ii. With a singular R psych's Pinv is recomputed.
    double sum_smc_d = 0.0;
    if (!smc.singular) {
      const Eigen::MatrixXd& p = smc.inverse;
      for (Eigen::Index j = 0; j < k; ++j) {
        if (j == i) continue;
        const double dj = p(j, j) - p(j, i) * p(j, i) / p(i, i);
        sum_smc_d += std::clamp(1.0 - 1.0 / dj, 0.0, 1.0);
      }
    } else if (g6_deleted) {
      sum_smc_d = compute_smc(drop_index(r, i)).smc.sum();
    }
    it.g6_if_deleted = g6_deleted ? 1.0 - (km - sum_smc_d) / sum_r_d : nan_v;
    it.average_r_if_deleted = (sum_r_d - km) / (km * (km - 1.0));
    it.signal_noise_if_deleted = km * it.average_r_if_deleted / (1.0 - it.average_r_if_deleted);
    // Q without item i: tr(C_-i^2) = ||C||^2 - 2 sum_j C_ij^2 + C_ii^2; 1'C_-i^2 1 = sum_{m != i} (s_m - C_mi)^2.
    const double tr_c2_d = tr_c2 - 2.0 * c.col(i).squaredNorm() + c(i, i) * c(i, i);
    double sum_c2_d = 0.0;
    for (Eigen::Index m = 0; m < k; ++m) {
      if (m != i) sum_c2_d += (cs(m) - c(m, i)) * (cs(m) - c(m, i));
    }
    it.ase_if_deleted = std::sqrt(psych_q(km, sum_d, tr_d, tr_c2_d, sum_c2_d) / res.n_intervals);
    it.var_r_if_deleted = without_item.variance[static_cast<std::size_t>(i)];
    it.median_r_if_deleted = without_item.median[static_cast<std::size_t>(i)];
  }
  fill_frequencies(in, options.max_categories, res.items);

  // Split-half and lambda 4.
  if (options.split_half) {
    split_half_options so;
    so.max_exhaustive_splits = options.max_exhaustive_splits;
    so.sampled_splits = options.sampled_splits;
    so.seed = options.seed;
    so.threads = options.threads;
    res.split_half = split_half(r, so);
    res.lambda4 = res.split_half->max;
    if (!res.split_half->exhaustive) {
      res.warnings.push_back("reliability: " + std::to_string(res.split_half->n_splits) +
                             " random splits (not all): lambda4 and beta are estimates");
    }
  } else {
    res.lambda4 = nan_v;
  }

  // Warnings on the items and the scale.
  for (const auto& it : res.items) {
    if (it.r_drop < 0.0) {
      res.warnings.push_back("reliability: item " + it.item + " has a negative item-rest correlation (r.drop = " +
                             number_text(it.r_drop, 4) + "): is it reverse-keyed?");
    }
  }
  if (res.alpha < 0.0) {
    res.warnings.push_back("reliability: negative alpha (" + number_text(res.alpha, 4) + "): check the reverse keys");
  }

  // Confidence intervals (raw alpha).
  const double gamma = 1.0 - options.level;
  const double z = normal_quantile(1.0 - gamma / 2.0);
  const double a = res.alpha;
  const double nint = res.n_intervals;
  std::vector<double> boots;
  if ((wants(options, ci_method::bootstrap_percentile) || wants(options, ci_method::bootstrap_bca)) && raw) {
    boots = bootstrap_alpha(*raw, options.bootstrap, options.seed, options.threads, options.progress);
    res.bootstrap_alphas = boots;
    const auto bad = std::count_if(boots.begin(), boots.end(), [](double v) { return !std::isfinite(v); });
    if (bad > 0) {
      res.warnings.push_back("reliability: " + std::to_string(bad) +
                             " bootstrap replicates had an undefined alpha (a zero variance) and were left out");
    }
    boots.erase(std::remove_if(boots.begin(), boots.end(), [](double v) { return !std::isfinite(v); }), boots.end());
    std::sort(boots.begin(), boots.end());
  }
  for (ci_method m : options.intervals) {
    confidence_interval ci;
    ci.method = std::string(to_string(m));
    ci.level = options.level;
    ci.n = nint;
    const std::size_t warnings_before = res.warnings.size();
    switch (m) {
      case ci_method::feldt: {
        // Feldt, Woodruff & Salih (1987); psych alpha.ci (2.2.9).
        const double df1 = nint - 1.0, df2 = (nint - 1.0) * (kd - 1.0);
        ci.lower = 1.0 - (1.0 - a) * f_quantile(1.0 - gamma / 2.0, df1, df2);
        ci.upper = 1.0 - (1.0 - a) * f_quantile(gamma / 2.0, df1, df2);
        break;
      }
      case ci_method::feldt_1965: {
        // Feldt (1965), df2 = N(k-1); statpsych ci.cronbach.
        const double df1 = nint - 1.0, df2 = nint * (kd - 1.0);
        ci.lower = 1.0 - f_quantile(1.0 - gamma / 2.0, df1, df2) * (1.0 - a);
        ci.upper = 1.0 - (1.0 - a) / f_quantile(1.0 - gamma / 2.0, df2, df1);
        break;
      }
      case ci_method::normal_theory:
        // psych print.alpha "Duhachek" row, with z for any level.
        ci.lower = a - z * res.ase;
        ci.upper = a + z * res.ase;
        break;
      case ci_method::bonett_wright: {
        // Bonett & Wright (2015); Bayesrel ciAlpha: b = ln(N/(N-1)), var = Q/(N-3).
        const double b = std::log(nint / (nint - 1.0));
        const double se = std::sqrt(q / (nint - 3.0)) / (1.0 - a);
        ci.lower = 1.0 - std::exp(std::log(1.0 - a) - b + z * se);
        ci.upper = 1.0 - std::exp(std::log(1.0 - a) - b - z * se);
        break;
      }
      case ci_method::adf: {
        if (!raw) throw error(errc::invalid_argument, "reliability: the adf interval needs raw data");
        Eigen::MatrixXd complete_rows;
        {
          std::vector<Eigen::Index> keep;
          for (Eigen::Index rr = 0; rr < raw->rows(); ++rr) {
            if (!raw->row(rr).array().isNaN().any()) keep.push_back(rr);
          }
          complete_rows.resize(static_cast<Eigen::Index>(keep.size()), k);
          for (std::size_t t = 0; t < keep.size(); ++t) complete_rows.row(static_cast<Eigen::Index>(t)) = raw->row(keep[t]);
        }
        ci.n = static_cast<double>(complete_rows.rows());
        if (complete_rows.rows() < 3) {
          res.warnings.push_back("reliability: the adf interval needs at least 3 complete rows; not computed");
          ci.lower = ci.upper = nan_v;
          break;
        }
        if (complete_rows.rows() < raw->rows()) {
          res.warnings.push_back("reliability: the adf interval uses the " + std::to_string(complete_rows.rows()) +
                                 " complete rows only");
        }
        const double se = adf_se(complete_rows);
        ci.lower = a - z * se;
        ci.upper = a + z * se;
        break;
      }
      case ci_method::bootstrap_percentile:
      case ci_method::bootstrap_bca: {
        if (!raw) throw error(errc::invalid_argument, "reliability: bootstrap intervals need raw data");
        ci.n = static_cast<double>(raw->rows());
        if (m == ci_method::bootstrap_percentile) {
          const confidence_interval b = percentile_interval(boots, options.level);
          ci.lower = b.lower;
          ci.upper = b.upper;
          if (boots.size() < 2) {
            res.warnings.push_back("reliability: the bootstrap_percentile interval is undefined: " +
                                   std::to_string(boots.size()) + " usable replicate(s)");
          }
        } else {
          const bca_interval_result b = bca_interval(boots, a, jackknife_alpha(*raw, options.threads), options.level);
          ci.lower = b.interval.lower;
          ci.upper = b.interval.upper;
          if (b.undefined_reason) {
            res.warnings.push_back("reliability: the bootstrap_bca interval is undefined: " + *b.undefined_reason);
          }
        }
        break;
      }
    }
    if ((!std::isfinite(ci.lower) || !std::isfinite(ci.upper)) && res.warnings.size() == warnings_before) {
      res.warnings.push_back("reliability: the " + std::string(to_string(m)) + " interval is [" + number_text(ci.lower, 6) +
                             ", " + number_text(ci.upper, 6) + "]: " + undefined_interval_reason(m, a, ci.n, res.ase));
    }
    res.intervals.push_back(ci);
  }
  return res;
}

// The first value whose square overflows or underflows a double is an error (detail/magnitude.hpp).
void check_magnitudes(const Eigen::MatrixXd& x, const std::vector<std::string>& names) {
  if (const auto bad = detail::first_unsafe_value(x)) {
    detail::throw_unsafe_reliability_value(names[static_cast<std::size_t>(bad->column)],
                                           static_cast<std::size_t>(bad->row) + 1, bad->value);
  }
}

// Zero-variance / all-missing checks shared by the data paths. Returns the kept columns.
std::vector<Eigen::Index> check_items(const pairwise_moments& pm, const std::vector<std::string>& names,
                                      std::vector<std::string>& warnings) {
  const Eigen::Index k = static_cast<Eigen::Index>(names.size());
  std::vector<Eigen::Index> keep;
  const Eigen::MatrixXd cnt = pm.pair_counts();
  const Eigen::MatrixXd& m2 = pm.pair_m2();
  for (Eigen::Index i = 0; i < k; ++i) {
    if (cnt(i, i) < 2.0) {
      throw error(errc::insufficient_data, "reliability: item " + names[static_cast<std::size_t>(i)] + " has " +
                                               std::to_string(static_cast<long long>(cnt(i, i))) +
                                               " answers; at least 2 are needed");
    }
    if (!(m2(i, i) > 0.0)) {
      warnings.push_back("reliability: item " + names[static_cast<std::size_t>(i)] +
                         " has zero variance and was left out of the analysis");
      continue;
    }
    keep.push_back(i);
  }
  if (keep.size() < 2) {
    throw error(errc::insufficient_data, "reliability: k = " + std::to_string(keep.size()) +
                                             " item(s) with variance; alpha needs at least 2");
  }
  return keep;
}

std::vector<std::string> default_names(Eigen::Index k, const std::vector<std::string>& given) {
  if (!given.empty()) {
    if (static_cast<Eigen::Index>(given.size()) != k) {
      throw error(errc::invalid_argument, "reliability: " + std::to_string(given.size()) + " item_names for " +
                                              std::to_string(k) + " items");
    }
    return given;
  }
  std::vector<std::string> n;
  for (Eigen::Index i = 0; i < k; ++i) {
    std::string name = "V";  // appended, not "V" + ...: GCC 12 -O3 raises a false -Wrestrict on the latter
    name += std::to_string(i + 1);
    n.push_back(std::move(name));
  }
  return n;
}

// Core input from an accumulator over the (kept) items.
core_input input_from_accumulator(const reliability_accumulator& acc, const std::vector<std::string>& names) {
  const Eigen::Index k = acc.n_items();
  const pairwise_moments& pm = acc.moments();
  core_input in;
  in.from_data = true;
  in.names = names;
  const Eigen::MatrixXd cov = pm.covariance();
  const Eigen::MatrixXd cor = pm.correlation();
  const Eigen::MatrixXd cnt = pm.counts();
  in.c = cov.topLeftCorner(k, k);
  in.r = cor.topLeftCorner(k, k);
  in.counts = cnt.topLeftCorner(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {  // first offending pair in (row, column) order, i <= j
    for (Eigen::Index j = i; j < k; ++j) {
      if (in.counts(i, j) < 2.0) {
        throw error(errc::numerical_issue, "reliability: items " + names[static_cast<std::size_t>(i)] + " and " +
                                               names[static_cast<std::size_t>(j)] + " were answered together by " +
                                               std::to_string(static_cast<long long>(in.counts(i, j))) +
                                               " rows; a covariance needs at least 2");
      }
      if (std::isnan(in.r(i, j))) {
        throw error(errc::numerical_issue, "reliability: the correlation of items " +
                                               names[static_cast<std::size_t>(i)] + " and " +
                                               names[static_cast<std::size_t>(j)] +
                                               " is undefined (no variance among the rows that answered both)");
      }
    }
  }
  in.item_n = in.counts.diagonal();
  in.item_mean = pm.means().head(k);
  in.item_sd = in.c.diagonal().array().sqrt();
  in.raw_r = cor.col(k).head(k);
  in.total_mean = pm.means()(k);
  in.total_sd = std::sqrt(cov(k, k));
  in.n_rows = acc.n_rows();
  in.n_complete = pm.n_complete();  // rows complete on the items (the score is present whenever an item is)
  in.value_counts = acc.value_counts();
  return in;
}

constexpr std::size_t max_tracked_values = 256;

// The fast path of the response-value counts: tallies the leading values of `col` that are
// missing (skipped) or integral in [-64, 191] (in four interleaved tables of 256, rows r mod 4,
// so that equal answers in a row do not wait on each other's increment) and returns the index
// of the first other value (n when there is none). Branch-free on the value: anything outside
// the table's span (NaN included) is mapped to 1000 before the (then defined) conversion to int.
Eigen::Index tally_table_values(const double* col, Eigen::Index n, std::uint64_t* tables) {
  for (Eigen::Index r = 0; r < n; ++r) {
    const double v = col[r];
    const double in_span = v >= -64.0 && v <= 191.0 ? v : 1000.0;
    const int iv = static_cast<int>(in_span);
    if (iv > 191 || static_cast<double>(iv) != v) {  // (1000 itself is outside the span too)
      if (std::isnan(v)) continue;
      return r;
    }
    ++tables[static_cast<std::size_t>(r & 3) * 256 + static_cast<std::size_t>(iv + 64)];
  }
  return n;
}

}  // namespace

namespace {
// The first name of a value is its to_string; "bootstrap", "percentile" and "bca" are aliases.
constexpr detail::enum_table<ci_method, 10> ci_names{{{ci_method::feldt, "feldt"},
                                                    {ci_method::feldt_1965, "feldt_1965"},
                                                    {ci_method::normal_theory, "normal_theory"},
                                                    {ci_method::adf, "adf"},
                                                    {ci_method::bonett_wright, "bonett_wright"},
                                                    {ci_method::bootstrap_percentile, "bootstrap_percentile"},
                                                    {ci_method::bootstrap_bca, "bootstrap_bca"},
                                                    {ci_method::bootstrap_percentile, "bootstrap"},
                                                    {ci_method::bootstrap_percentile, "percentile"},
                                                    {ci_method::bootstrap_bca, "bca"}}};
constexpr detail::enum_table<missing_method, 2> missing_names{
    {{missing_method::pairwise, "pairwise"}, {missing_method::listwise, "listwise"}}};
constexpr detail::enum_table<interval_n, 2> interval_n_names{{{interval_n::effective, "effective"}, {interval_n::rows, "rows"}}};
}  // namespace

std::string_view to_string(ci_method method) noexcept { return detail::enum_name(ci_names, method); }
std::optional<ci_method> parse_ci_method(std::string_view name) noexcept { return detail::enum_parse(ci_names, name); }
std::string_view to_string(missing_method m) noexcept { return detail::enum_name(missing_names, m); }
std::optional<missing_method> parse_missing_method(std::string_view name) noexcept {
  return detail::enum_parse(missing_names, name);
}
std::string_view to_string(interval_n n) noexcept { return detail::enum_name(interval_n_names, n); }
std::optional<interval_n> parse_interval_n(std::string_view name) noexcept { return detail::enum_parse(interval_n_names, name); }

void reliability_options::validate() const {
  check_level(level);
  if (max_exhaustive_splits > max_split_count) {
    detail::fail_option("reliability_options.max_exhaustive_splits", std::to_string(max_exhaustive_splits), "at most " + std::to_string(max_split_count));
  }
  if (sampled_splits < 1 || sampled_splits > max_split_count) {
    detail::fail_option("reliability_options.sampled_splits", std::to_string(sampled_splits), "must be in 1.." + std::to_string(max_split_count));
  }
  if (bootstrap < 0 || bootstrap > max_bootstrap_replicates) {
    detail::fail_option("reliability_options.bootstrap", std::to_string(bootstrap), "must be in 0.." + std::to_string(max_bootstrap_replicates));
  }
  if ((wants(*this, ci_method::bootstrap_percentile) || wants(*this, ci_method::bootstrap_bca)) && bootstrap < 2) {
    detail::fail_option("reliability_options.bootstrap", std::to_string(bootstrap), "a bootstrap interval needs at least 2 replicates");
  }
  if (max_categories < 1) {
    detail::fail_option("reliability_options.max_categories", std::to_string(max_categories), "must be >= 1");
  }
  if (threads < 0 || threads > 1024) {
    detail::fail_option("reliability_options.threads", std::to_string(threads), "must be in 0..1024 (0 = all cores)");
  }
}

// ---------------------------------------------------------------------------------------------
// reliability_accumulator

reliability_accumulator::reliability_accumulator(Eigen::Index k, missing_method missing)
    : k_(k), missing_(missing), moments_(k > 0 ? k + 1 : 0), counts_(static_cast<std::size_t>(k)) {
  if (k < 0) throw error(errc::invalid_argument, "reliability_accumulator: k = " + std::to_string(k) + "; must be >= 0");
  if (k > 0) exact_.emplace(k);
}

void reliability_accumulator::make_floating() {
  if (!exact_) return;
  moments_ = exact_->to_moments();
  exact_.reset();
}

void reliability_accumulator::add(const Eigen::Ref<const Eigen::MatrixXd>& rows) {
  if (k_ == 0 && rows_ == 0.0) {
    k_ = rows.cols();
    moments_ = pairwise_moments(k_ + 1);
    counts_.assign(static_cast<std::size_t>(k_), {});
    if (k_ > 0) exact_.emplace(k_);
  }
  if (rows.cols() != k_) {
    throw error(errc::invalid_argument, "reliability_accumulator::add: " + std::to_string(rows.cols()) +
                                            " items, but this accumulator holds " + std::to_string(k_));
  }
  const Eigen::Index n_in = rows.rows();
  // Exact sums hold the score's moments themselves (by the number of items answered): with no
  // listwise filter the rows go in as they are, and the augmented copy below is made only for
  // floating-point moments (it was a third of this function's time on Likert data).
  if (missing_ == missing_method::pairwise && exact_) {
    if (exact_->add(rows)) {
      rows_ += static_cast<double>(n_in);
      add_value_counts(rows);
      return;
    }
    make_floating();
  }
  // Augment with the scale score: mean of the answered items (psych alpha: rowMeans(x, na.rm = TRUE)).
  // Column-wise passes (the data are column-major).
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(n_in), answered = Eigen::VectorXd::Zero(n_in);
  for (Eigen::Index j = 0; j < k_; ++j) {
    const double* col = rows.col(j).data();
    for (Eigen::Index r = 0; r < n_in; ++r) {
      const bool ok = !std::isnan(col[r]);
      sum(r) += ok ? col[r] : 0.0;
      answered(r) += ok ? 1.0 : 0.0;
    }
  }
  Eigen::MatrixXd aug;
  const bool filter = missing_ == missing_method::listwise && (answered.array() < static_cast<double>(k_)).any();
  if (!filter) {
    aug.resize(n_in, k_ + 1);
    aug.leftCols(k_) = rows;
    for (Eigen::Index r = 0; r < n_in; ++r) aug(r, k_) = answered(r) > 0.0 ? sum(r) / answered(r) : nan_v;
  } else {
    std::vector<Eigen::Index> keep;
    for (Eigen::Index r = 0; r < n_in; ++r) {
      if (answered(r) == static_cast<double>(k_)) keep.push_back(r);
    }
    aug.resize(static_cast<Eigen::Index>(keep.size()), k_ + 1);
    for (Eigen::Index j = 0; j < k_; ++j) {
      for (std::size_t t = 0; t < keep.size(); ++t) aug(static_cast<Eigen::Index>(t), j) = rows(keep[t], j);
    }
    for (std::size_t t = 0; t < keep.size(); ++t) {
      aug(static_cast<Eigen::Index>(t), k_) = sum(keep[t]) / static_cast<double>(k_);
    }
  }
  const Eigen::Index used = aug.rows();
  const Eigen::MatrixXd& block = aug;
  // Exact integer sums while the answers allow (bit-identical whatever the chunking); otherwise
  // floating-point moments, which also validate infinities and magnitudes.
  if (exact_ && !exact_->add(block.leftCols(k_))) make_floating();
  if (!exact_) moments_.add(block);
  rows_ += static_cast<double>(used);
  add_value_counts(block);
}

void reliability_accumulator::add_value_counts(const Eigen::Ref<const Eigen::MatrixXd>& block) {
  const Eigen::Index used = block.rows();
  // Response-value counts. Integral values in [-64, 191] are tallied in a table first (fast path
  // for Likert data), other values directly in the sorted (value, count) list.
  // Four interleaved integer tables (rows r mod 4), so that consecutive equal answers do not wait
  // on each other's increment; their sum is the exact count, as the one table of doubles gave.
  // An integral value in the table's span is one whose truncation is exact (no call to floor).
  constexpr std::size_t table_size = 256;
  std::vector<std::uint64_t> tables(4 * table_size);
  std::vector<double> table(table_size);
  for (Eigen::Index j = 0; j < k_; ++j) {
    auto& vc = counts_[static_cast<std::size_t>(j)];
    if (!vc.empty() && std::isnan(vc.front().first)) continue;  // overflow marker
    std::fill(tables.begin(), tables.end(), std::uint64_t{0});
    auto add_value = [&](double v, double c) {
      auto it = std::lower_bound(vc.begin(), vc.end(), v, [](const auto& p, double x) { return p.first < x; });
      if (it != vc.end() && it->first == v) {
        it->second += c;
        return true;
      }
      if (vc.size() >= max_tracked_values) {
        vc.assign(1, {nan_v, 0.0});  // too many distinct values: frequencies not tracked
        return false;
      }
      vc.insert(it, {v, c});
      return true;
    };
    bool ok = true;
    const double* col = block.col(j).data();
    Eigen::Index r = tally_table_values(col, used, tables.data());
    for (; r < used && ok; ++r) {
      const double v = col[r];
      if (std::isnan(v)) continue;
      if (v >= -64.0 && v <= 191.0 && static_cast<double>(static_cast<int>(v)) == v) {
        ++tables[static_cast<std::size_t>(r & 3) * table_size + static_cast<std::size_t>(static_cast<int>(v) + 64)];
      } else {
        ok = add_value(v, 1.0);
      }
    }
    for (std::size_t t = 0; t < table_size; ++t) {
      table[t] = static_cast<double>(tables[t] + tables[table_size + t] + tables[2 * table_size + t] +
                                     tables[3 * table_size + t]);
    }
    for (std::size_t t = 0; t < table.size() && ok; ++t) {
      if (table[t] > 0.0) ok = add_value(static_cast<double>(t) - 64.0, table[t]);
    }
  }
}

void reliability_accumulator::merge(const reliability_accumulator& other) {
  if (other.k_ == 0 && other.rows_ == 0.0) return;
  if (k_ == 0 && rows_ == 0.0) {
    const missing_method keep = missing_;
    *this = other;
    missing_ = keep;
    if (other.missing_ != keep) {
      throw error(errc::invalid_argument, "reliability_accumulator::merge: shards use different missing methods");
    }
    return;
  }
  if (other.k_ != k_) {
    throw error(errc::invalid_argument, "reliability_accumulator::merge: " + std::to_string(other.k_) +
                                            " items, but this accumulator holds " + std::to_string(k_));
  }
  if (other.missing_ != missing_) {
    throw error(errc::invalid_argument, "reliability_accumulator::merge: shards use different missing methods");
  }
  if (exact_ && other.exact_ && exact_->merge(*other.exact_)) {
    // exact sums added
  } else {
    make_floating();
    moments_.merge(other.moments());
  }
  rows_ += other.rows_;
  for (std::size_t j = 0; j < counts_.size(); ++j) {
    auto& vc = counts_[j];
    const auto& ov = other.counts_[j];
    if ((!vc.empty() && std::isnan(vc.front().first)) || (!ov.empty() && std::isnan(ov.front().first))) {
      vc.assign(1, {nan_v, 0.0});
      continue;
    }
    std::map<double, double> m(vc.begin(), vc.end());
    for (const auto& [v, c] : ov) m[v] += c;
    if (m.size() > max_tracked_values) {
      vc.assign(1, {nan_v, 0.0});
    } else {
      vc.assign(m.begin(), m.end());
    }
  }
}

std::string reliability_accumulator::serialize() const {
  auto hex = [](double v) {
    if (std::isnan(v)) return std::string("nan");
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::hex);
    return std::string(buf, res.ptr);
  };
  // Version 1: floating-point moments; version 2: exact sums (exact_moments).
  std::string out = exact_ ? "attune-reliability-accumulator 2 " : "attune-reliability-accumulator 1 ";
  out += std::to_string(k_);
  out += missing_ == missing_method::pairwise ? " pairwise " : " listwise ";
  out += hex(rows_);
  out += "\n";
  for (const auto& vc : counts_) {
    out += "values ";
    out += std::to_string(vc.size());
    for (const auto& [v, c] : vc) {
      out += ' ';
      out += hex(v);
      out += ':';
      out += hex(c);
    }
    out += "\n";
  }
  out += exact_ ? exact_->serialize() : moments_.serialize();
  return out;
}

reliability_accumulator reliability_accumulator::deserialize(std::string_view text) {
  auto fail = [](std::size_t line, const std::string& what) {
    return error(errc::bad_input,
                 "reliability_accumulator::deserialize: line " + std::to_string(line) + ": " + what);
  };
  auto parse = [&](std::string_view tok, std::size_t line) {
    if (tok == "nan") return nan_v;
    double v = 0.0;
    auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v, std::chars_format::hex);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size()) {
      throw fail(line, detail::quoted(tok) + " is not a hexadecimal floating-point number");
    }
    return v;
  };
  auto next_line = [&](std::size_t& pos) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view l = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    return l;
  };
  std::size_t pos = 0;
  std::istringstream head{std::string(next_line(pos))};
  std::string magic, version, mode, rows;
  long long k = -1;
  head >> magic >> version >> k >> mode >> rows;
  if (magic != "attune-reliability-accumulator" || (version != "1" && version != "2") || k < 0 ||
      (mode != "pairwise" && mode != "listwise") || (version == "2" && k < 1)) {
    throw fail(1, "expected 'attune-reliability-accumulator 1|2 <k> pairwise|listwise <rows>' (version 2 with k >= 1)");
  }
  // Bound k, and check that the text can hold what k implies, before allocating (issue 10, F7:
  // k = 2^63 - 1 overflowed k + 1, k = 3e6 asked for 72 TB): k 'values' lines of at least 9 bytes
  // and moments of k + 1 columns (at least 8 (k + 1)^2 bytes).
  if (k > max_serialized_items - 1) {
    throw fail(1, "k = " + std::to_string(k) + " items; a serialized accumulator holds at most " +
                      std::to_string(max_serialized_items - 1));
  }
  const auto need = 9ULL * static_cast<unsigned long long>(k) + 8ULL * static_cast<unsigned long long>(k + 1) *
                                                                   static_cast<unsigned long long>(k + 1);
  if (k > 0 && text.size() < need) {
    throw fail(1, "k = " + std::to_string(k) + " items need at least 9 k + 8 (k + 1)^2 = " + std::to_string(need) +
                      " bytes of text; this text has " + std::to_string(text.size()));
  }
  reliability_accumulator acc(static_cast<Eigen::Index>(k),
                              mode == "pairwise" ? missing_method::pairwise : missing_method::listwise);
  acc.rows_ = parse(rows, 1);
  for (long long j = 0; j < k; ++j) {
    const std::size_t line_no = static_cast<std::size_t>(j) + 2;
    std::istringstream ls{std::string(next_line(pos))};
    std::string word;
    long long count = -1;
    ls >> word >> count;
    if (word != "values" || count < 0) throw fail(line_no, "expected 'values <count> ...'");
    auto& vc = acc.counts_[static_cast<std::size_t>(j)];
    for (long long t = 0; t < count; ++t) {
      std::string tok;
      if (!(ls >> tok)) throw fail(line_no, "fewer value:count pairs than announced");
      const auto colon = tok.find(':');
      if (colon == std::string::npos) throw fail(line_no, detail::quoted(tok) + " is not value:count");
      vc.emplace_back(parse(std::string_view(tok).substr(0, colon), line_no),
                      parse(std::string_view(tok).substr(colon + 1), line_no));
    }
  }
  if (version == "2") {
    acc.exact_ = exact_moments::deserialize(text.substr(pos));
    if (acc.exact_->n_items() != k || static_cast<double>(acc.exact_->n_rows()) != acc.rows_) {
      throw fail(static_cast<std::size_t>(k) + 2, "the exact sums hold " + std::to_string(acc.exact_->n_items()) +
                                                      " items and " + std::to_string(acc.exact_->n_rows()) +
                                                      " rows; the header says " + std::to_string(k) + " and " + rows);
    }
    return acc;
  }
  acc.exact_.reset();
  acc.moments_ = pairwise_moments::deserialize(text.substr(pos));
  if (acc.moments_.n_items() != (k > 0 ? k + 1 : 0)) {
    throw fail(static_cast<std::size_t>(k) + 2, "the moments hold " + std::to_string(acc.moments_.n_items()) +
                                                    " columns; expected " + std::to_string(k + 1));
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Entry points

reliability_result analyze_reliability(const Eigen::MatrixXd& items, const reliability_options& options) {
  return detail::out_of_memory_as_error("reliability", static_cast<long long>(items.cols()), 16.0, [&]() -> reliability_result {
    options.validate();
    const Eigen::Index k = items.cols();
    if (k < 2) {
      throw error(errc::insufficient_data, "reliability: k = " + std::to_string(k) + " item(s); alpha needs at least 2");
    }
    std::vector<std::string> names = default_names(k, options.item_names);
    check_magnitudes(items, names);
    std::vector<std::string> warnings;
    // Listwise: the complete rows, for every statistic.
    Eigen::MatrixXd listwise_rows;
    const Eigen::MatrixXd* x = &items;
    if (options.missing == missing_method::listwise) {
      std::vector<Eigen::Index> keep;
      for (Eigen::Index r = 0; r < items.rows(); ++r) {
        if (!items.row(r).array().isNaN().any()) keep.push_back(r);
      }
      listwise_rows.resize(static_cast<Eigen::Index>(keep.size()), k);
      for (std::size_t t = 0; t < keep.size(); ++t) listwise_rows.row(static_cast<Eigen::Index>(t)) = items.row(keep[t]);
      x = &listwise_rows;
    }
    if (x->rows() < 2) {
      throw error(errc::insufficient_data, "reliability: N = " + std::to_string(x->rows()) +
                                               (options.missing == missing_method::listwise ? " complete" : "") +
                                               " row(s); at least 2 are needed");
    }
    reliability_accumulator acc(k, options.missing);
    acc.add(*x);
    const std::vector<Eigen::Index> keep = check_items(acc.moments(), names, warnings);
    Eigen::MatrixXd kept_data;
    if (static_cast<Eigen::Index>(keep.size()) < k) {
      // Zero-variance items are left out (psych alpha(delete = TRUE)); the score is recomputed without them.
      kept_data.resize(x->rows(), static_cast<Eigen::Index>(keep.size()));
      std::vector<std::string> kept_names;
      for (std::size_t t = 0; t < keep.size(); ++t) {
        kept_data.col(static_cast<Eigen::Index>(t)) = x->col(keep[t]);
        kept_names.push_back(names[static_cast<std::size_t>(keep[t])]);
      }
      names = kept_names;
      x = &kept_data;
      acc = reliability_accumulator(x->cols(), options.missing);
      acc.add(*x);
    }
    core_input in = input_from_accumulator(acc, names);
    in.n_rows = static_cast<double>(x->rows());
    return analyze_core(std::move(in), options, x, std::move(warnings));
  });
}

reliability_result analyze_reliability(const reliability_accumulator& accumulator, const reliability_options& options) {
  return detail::out_of_memory_as_error("reliability", static_cast<long long>(accumulator.n_items()), 12.0, [&]() -> reliability_result {
    options.validate();
    if (accumulator.missing() != options.missing) {
      throw error(errc::invalid_argument, "reliability: the accumulator was built with a different missing method");
    }
    for (ci_method m : options.intervals) {
      if (m == ci_method::adf || m == ci_method::bootstrap_percentile || m == ci_method::bootstrap_bca) {
        throw error(errc::invalid_argument, "reliability: the " + std::string(to_string(m)) +
                                                " interval needs raw data; not available from an accumulator");
      }
    }
    const Eigen::Index k = accumulator.n_items();
    if (k < 2) {
      throw error(errc::insufficient_data, "reliability: k = " + std::to_string(k) + " item(s); alpha needs at least 2");
    }
    if (accumulator.n_rows() < 2) {  // (a listwise accumulator holds the complete rows only)
      throw error(errc::insufficient_data, "reliability: N = " + number_text(accumulator.n_rows()) +
                                               (accumulator.missing() == missing_method::listwise ? " complete" : "") +
                                               " row(s); at least 2 are needed");
    }
    // A listwise state whose complete rows are fewer than 2 (possible in a deserialized state) would
    // give the intervals 0 degrees of freedom (issue 10, F3).
    if (accumulator.missing() == missing_method::listwise && !(accumulator.moments().n_complete() >= 2.0)) {
      throw error(errc::insufficient_data, "reliability: N = " + number_text(accumulator.moments().n_complete()) +
                                               " complete row(s) in the listwise accumulator; at least 2 are needed");
    }
    const std::vector<std::string> names = default_names(k, options.item_names);
    std::vector<std::string> warnings;
    const std::vector<Eigen::Index> keep = check_items(accumulator.moments(), names, warnings);
    if (static_cast<Eigen::Index>(keep.size()) < k) {
      throw error(errc::insufficient_data,
                  "reliability: an item has zero variance; from an accumulator the scale score cannot be recomputed "
                  "without it: rebuild the accumulator without that item",
                  {.rule = "zero_variance_item"});
    }
    core_input in = input_from_accumulator(accumulator, names);
    return analyze_core(std::move(in), options, nullptr, std::move(warnings));
  });
}

std::vector<Eigen::Index> reliability_kept_items(const reliability_accumulator& accumulator,
                                                 const std::vector<std::string>& names,
                                                 std::vector<std::string>& warnings) {
  if (static_cast<Eigen::Index>(names.size()) != accumulator.n_items()) {
    throw error(errc::invalid_argument, "reliability_kept_items: " + std::to_string(names.size()) + " names for " +
                                            std::to_string(accumulator.n_items()) + " items");
  }
  return check_items(accumulator.moments(), names, warnings);
}

reliability_result analyze_reliability_from_matrix(const Eigen::MatrixXd& m, double n, const reliability_options& options) {
  return detail::out_of_memory_as_error("reliability", static_cast<long long>(m.cols()), 10.0, [&]() -> reliability_result {
    options.validate();
    const Eigen::Index k = m.cols();
    if (m.rows() != k) {
      throw error(errc::invalid_argument, "reliability: the matrix is " + std::to_string(m.rows()) + " x " +
                                              std::to_string(k) + "; a covariance or correlation matrix is square");
    }
    if (k < 2) {
      throw error(errc::insufficient_data, "reliability: k = " + std::to_string(k) + " item(s); alpha needs at least 2");
    }
    if (!(n >= 2.0) || std::isinf(n)) {
      throw error(errc::insufficient_data, "reliability: N = " + number_text(n) + "; at least 2 respondents are needed");
    }
    for (ci_method cm : options.intervals) {
      if (cm == ci_method::adf || cm == ci_method::bootstrap_percentile || cm == ci_method::bootstrap_bca) {
        throw error(errc::invalid_argument, "reliability: the " + std::string(to_string(cm)) +
                                                " interval needs raw data; not available from a matrix");
      }
    }
    const std::vector<std::string> names = default_names(k, options.item_names);
    for (Eigen::Index i = 0; i < k; ++i) {
      for (Eigen::Index j = 0; j < k; ++j) {
        if (!std::isfinite(m(i, j))) {
          throw error(errc::bad_input, "reliability: matrix entry (" + std::to_string(i + 1) + ", " +
                                           std::to_string(j + 1) + ") is not a finite number");
        }
        // psych's Q cubes sum(C): entries beyond 2^300 (2e90) overflow it, below 2^-300 underflow.
        if (const double a = std::abs(m(i, j)); a != 0.0 && (a > 0x1p300 || a < 0x1p-300)) {
          throw error(errc::bad_input, "reliability: matrix entry (" + std::to_string(i + 1) + ", " +
                                           std::to_string(j + 1) + ") = " + number_text(m(i, j)) +
                                           " is outside the magnitudes 5e-91 to 2e90 whose sums and cubes a double "
                                           "holds; rescale the matrix");
        }
        if (std::abs(m(i, j) - m(j, i)) > 1e-10 * std::max(1.0, std::abs(m(i, j)))) {
          throw error(errc::bad_input, "reliability: the matrix is not symmetric at (" + std::to_string(i + 1) + ", " +
                                           std::to_string(j + 1) + ")");
        }
      }
      if (!(m(i, i) > 0.0)) {
        throw error(errc::insufficient_data, "reliability: item " + names[static_cast<std::size_t>(i)] +
                                                 " has variance " + number_text(m(i, i), 6) + "; must be > 0");
      }
    }
    const bool is_cor = (m.diagonal().array() == 1.0).all();
    core_input in;
    in.names = names;
    in.c = m;
    const Eigen::VectorXd sd = m.diagonal().array().sqrt();
    in.r = sd.asDiagonal().inverse() * m * sd.asDiagonal().inverse();  // cov2cor
    in.r.diagonal().setOnes();
    in.counts = Eigen::MatrixXd::Constant(k, k, n);
    in.item_n = Eigen::VectorXd::Constant(k, n);
    in.item_mean = Eigen::VectorXd::Constant(k, nan_v);
    in.item_sd = is_cor ? Eigen::VectorXd::Constant(k, nan_v) : sd;
    in.raw_r = (m.rowwise().sum().array() / (m.diagonal().array() * m.sum()).sqrt()).matrix();
    in.n_rows = n;
    in.n_complete = n;
    reliability_options o = options;
    o.missing = missing_method::listwise;  // n_effective = n
    return analyze_core(std::move(in), o, nullptr, {});
  });
}

ATTUNE_END_NAMESPACE
