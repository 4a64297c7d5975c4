// The bootstrap of coefficient alpha and its jackknife (see include/attune/analyses/bootstrap.hpp).
#include "attune/analyses/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "attune/analyses/moments.hpp"
#include "attune/core/error.hpp"
#include "detail/math.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"
#include "detail/quantile.hpp"
#include "detail/random.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

// Raw alpha from a covariance matrix: k/(k-1) (1 - tr(C)/sum(C)) (psych alpha.1; Cronbach 1951).
double alpha_from_cov(const Eigen::MatrixXd& c) {
  const double k = static_cast<double>(c.cols());
  return (1.0 - c.trace() / c.sum()) * k / (k - 1.0);
}

// Draws of one bootstrap resample: n row indices uniform on [0, n). For n < 2^32 each 64-bit output
// of the engine gives two 32-bit draws (Lemire 2019 with rejection, so unbiased); otherwise 64-bit.
template <class F>
void draw_resample(std::uint64_t stream_seed, std::uint64_t n, F&& take) {
  detail::mt19937_64_block rng(stream_seed);  // the numbers of std::mt19937_64, faster
  if (n > 0xFFFFFFFFULL) {
    for (std::uint64_t r = 0; r < n; ++r) take(detail::lemire_below(rng, n));
    return;
  }
  const auto n32 = static_cast<std::uint32_t>(n);
  const std::uint32_t threshold = static_cast<std::uint32_t>(0U - n32) % n32;
  std::uint64_t buffer = 0;
  bool have = false;
  auto next32 = [&]() -> std::uint32_t {
    if (have) {
      have = false;
      return static_cast<std::uint32_t>(buffer >> 32);
    }
    buffer = rng();
    have = true;
    return static_cast<std::uint32_t>(buffer);
  };
  for (std::uint64_t r = 0; r < n; ++r) {
    std::uint64_t m = static_cast<std::uint64_t>(next32()) * n32;
    while (static_cast<std::uint32_t>(m) < threshold) m = static_cast<std::uint64_t>(next32()) * n32;
    take(m >> 32);
  }
}

std::uint64_t replicate_seed(std::uint64_t seed, int b) {
  return detail::splitmix64(seed ^ (0xA5A5A5A5ULL + static_cast<std::uint64_t>(b)));
}

}  // namespace

confidence_interval percentile_interval(const std::vector<double>& sorted, double level) {
  confidence_interval b;
  b.method = "bootstrap_percentile";
  b.level = level;
  if (sorted.size() < 2 || !(level > 0.0 && level < 1.0)) return b;
  const double tail = (1.0 - level) / 2.0;
  b.lower = detail::quantile_type7(sorted, tail);
  b.upper = detail::quantile_type7(sorted, 1.0 - tail);
  return b;
}

bca_interval_result bca_interval(const std::vector<double>& sorted, double estimate, const std::vector<double>& jackknife,
                                 double level) {
  bca_interval_result out;
  out.interval.method = "bootstrap_bca";
  out.interval.level = level;
  if (sorted.size() < 2) {
    out.undefined_reason = std::to_string(sorted.size()) + " usable bootstrap value(s); at least 2 are needed";
    return out;
  }
  if (!std::isfinite(estimate)) {
    out.undefined_reason = "the estimate on the full data is " + detail::number_text(estimate);
    return out;
  }
  const double below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), estimate) - sorted.begin());
  const double prop = below / static_cast<double>(sorted.size());
  if (prop <= 0.0 || prop >= 1.0) {
    out.undefined_reason = "every bootstrap value lies on one side of the estimate (the bias correction z0 is infinite)";
    return out;
  }
  out.z0 = detail::normal_quantile(prop);
  double mean = 0.0;
  std::size_t ok = 0;
  for (double v : jackknife) {
    if (!std::isfinite(v)) continue;
    mean += v;
    ++ok;
  }
  if (ok < 2) {
    out.undefined_reason = std::to_string(ok) + " finite jackknife value(s); the acceleration needs at least 2";
    return out;
  }
  mean /= static_cast<double>(ok);
  double s2 = 0.0, s3 = 0.0;
  for (double v : jackknife) {
    if (!std::isfinite(v)) continue;
    const double d = mean - v;
    s2 += d * d;
    s3 += d * d * d;
  }
  out.acceleration = s2 > 0.0 ? s3 / (6.0 * std::pow(s2, 1.5)) : 0.0;
  const double tail = (1.0 - level) / 2.0;
  auto adjusted = [&](double zq) {
    const double w = out.z0 + zq;
    return detail::normal_cdf(out.z0 + w / (1.0 - out.acceleration * w));
  };
  out.interval.lower = detail::quantile_type7(sorted, adjusted(detail::normal_quantile(tail)));
  out.interval.upper = detail::quantile_type7(sorted, adjusted(detail::normal_quantile(1.0 - tail)));
  if (!std::isfinite(out.interval.lower) || !std::isfinite(out.interval.upper)) {
    out.undefined_reason = "the adjusted percentiles are undefined (acceleration " + detail::number_text(out.acceleration) + ")";
    out.interval.lower = out.interval.upper = std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

// Replicate b draws from its own engine mt19937_64(replicate_seed(seed, b)); work is handed out in
// blocks of replicates whose size depends only on N, so the result does not depend on `threads`.
std::vector<double> bootstrap_alpha(const Eigen::MatrixXd& x, int replicates, std::uint64_t seed, int threads,
                                    const progress_options& progress) {
  if (replicates < 0 || replicates > max_bootstrap_replicates) {
    throw error(errc::invalid_argument, "bootstrap_alpha: replicates = " + std::to_string(replicates) +
                                            "; must be in 0.." + std::to_string(max_bootstrap_replicates));
  }
  const Eigen::Index n = x.rows(), k = x.cols();
  const double kd = static_cast<double>(k);
  const auto nu = static_cast<std::uint64_t>(n);
  std::vector<double> out(static_cast<std::size_t>(replicates), nan_v);
  if (n == 0 || replicates == 0) return out;
  detail::progress_meter meter(progress, "bootstrap", static_cast<std::uint64_t>(replicates));
  // Up to 64 replicates per block, and at most ~4 MB of resample counts per block.
  const int block = static_cast<int>(std::clamp<Eigen::Index>((Eigen::Index{1} << 19) / std::max<Eigen::Index>(n, 1), 1, 64));
  const std::size_t n_tasks = static_cast<std::size_t>((replicates + block - 1) / block);
  const bool complete = !x.array().isNaN().any();
  if (complete) {
    // alpha = k/(k-1) (1 - sum_i var_i / var(total)): a replicate with resample counts w needs only
    // w'[Xc, q, t, t^2] (Xc centred items, q = sum_i xc_i^2, t = sum_i xc_i): k + 3 numbers,
    // obtained for a block of replicates by one product W M.
    const Eigen::RowVectorXd mu = x.colwise().mean();
    const Eigen::Index w = k + 3;
    Eigen::MatrixXd m(n, w);
    m.leftCols(k) = x.rowwise() - mu;
    m.col(k) = m.leftCols(k).rowwise().squaredNorm();
    m.col(k + 1) = m.leftCols(k).rowwise().sum();
    m.col(k + 2) = m.col(k + 1).array().square().matrix();
    const double nn = static_cast<double>(n);
    // One counts matrix per worker, reused from block to block (a fresh 4 MB matrix per block cost
    // its page faults and its zeroing); which buffer a block gets does not matter: each row of the
    // product depends only on its own row of counts, and the shape stays fixed.
    using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    std::vector<row_major> buffers(detail::worker_count(threads, n_tasks));
    std::vector<std::size_t> free_buffers(buffers.size());
    for (std::size_t i = 0; i < free_buffers.size(); ++i) free_buffers[i] = i;
    std::mutex buffers_mutex;
    detail::parallel_for(n_tasks, threads, [&](std::size_t task) {
      const int b0 = static_cast<int>(task) * block;
      const int nb = std::min(block, replicates - b0);
      std::size_t slot = 0;
      {
        const std::lock_guard<std::mutex> lock(buffers_mutex);
        slot = free_buffers.back();
        free_buffers.pop_back();
      }
      struct give_back {
        std::vector<std::size_t>& list;
        std::mutex& mutex;
        std::size_t slot;
        ~give_back() {
          const std::lock_guard<std::mutex> lock(mutex);
          list.push_back(slot);
        }
      } const returned{free_buffers, buffers_mutex, slot};
      row_major& counts = buffers[slot];
      if (counts.rows() != block) counts.setZero(block, n);  // fixed shape: the product's rounding never varies
      if (nb < block) counts.bottomRows(block - nb).setZero();
      std::vector<std::uint32_t> tally(static_cast<std::size_t>(n));  // half the bytes of a row of doubles
      for (int b = 0; b < nb; ++b) {
        std::fill(tally.begin(), tally.end(), 0U);
        std::uint32_t* t = tally.data();
        draw_resample(replicate_seed(seed, b0 + b), nu, [t](std::uint64_t i) { ++t[i]; });
        meter.check();
        double* row = counts.data() + static_cast<Eigen::Index>(b) * n;
        for (Eigen::Index r = 0; r < n; ++r) row[r] = static_cast<double>(t[r]);
      }
      const Eigen::MatrixXd s = counts * m;
      for (int b = 0; b < nb; ++b) {
        const double sum_var = (s(b, k) - s.row(b).head(k).squaredNorm() / nn) / (nn - 1.0);
        const double var_t = (s(b, k + 2) - s(b, k + 1) * s(b, k + 1) / nn) / (nn - 1.0);
        out[static_cast<std::size_t>(b0 + b)] = (1.0 - sum_var / var_t) * kd / (kd - 1.0);
      }
      meter.advance(static_cast<std::uint64_t>(nb));
    });
  } else {
    // Missing answers: pairwise covariances of each resample (psych: cov(xi, use = "pairwise")),
    // from frequency-weighted moments.
    detail::parallel_for(n_tasks, threads, [&](std::size_t task) {
      const int b0 = static_cast<int>(task) * block;
      const int nb = std::min(block, replicates - b0);
      Eigen::VectorXd w(n);
      for (int b = 0; b < nb; ++b) {
        w.setZero();
        draw_resample(replicate_seed(seed, b0 + b), nu, [&w](std::uint64_t i) { w(static_cast<Eigen::Index>(i)) += 1.0; });
        pairwise_moments pm(k);
        pm.add_weighted(x, w);
        const Eigen::MatrixXd c = pm.covariance();
        out[static_cast<std::size_t>(b0 + b)] = c.array().isNaN().any() ? nan_v : alpha_from_cov(c);
        meter.advance();
      }
    });
  }
  meter.finish();
  return out;
}

// Jackknife (leave-one-row-out) raw alphas for the BCa acceleration, by downdating the pairwise
// co-moments: removing x from a pair with n rows and means (m_i, m_j) changes the co-moment by
// -(x_i - m_i)(x_j - m_j) n/(n-1) (the inverse of Welford's update).
std::vector<double> jackknife_alpha(const Eigen::MatrixXd& x, int threads) {
  pairwise_moments pm;
  pm.add(x);
  const Eigen::Index n = x.rows(), k = x.cols();
  const Eigen::MatrixXd& cnt = pm.pair_counts();
  const Eigen::MatrixXd& mean = pm.pair_means();
  const Eigen::MatrixXd& cm = pm.comoments();
  const double kd = static_cast<double>(k);
  std::vector<double> out(static_cast<std::size_t>(n));
  // Precompute sum(C) and tr(C) of the full data, and per pair the old covariance and n - 1, n - 2.
  const Eigen::MatrixXd cnt1 = cnt.array() - 1.0, cnt2 = cnt.array() - 2.0;
  const Eigen::MatrixXd old_cov = cm.array() / cnt1.array();
  const Eigen::MatrixXd mean_t = mean.transpose();  // mean_t(i, j) = mean(j, i), contiguous in i
  double sum_c = 0.0, tr_c = 0.0;
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const double c = old_cov(i, j);
      sum_c += c;
      if (i == j) tr_c += c;
    }
  }
  // Rows are independent: blocks of rows in parallel, each writing its own values (the same for
  // any thread count). A row without a missing answer takes the loop without the tests, whose
  // changes of each column are computed in one vectorisable pass and then summed in the same order.
  detail::parallel_for_blocks(static_cast<std::size_t>(n), 1024, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> xr(static_cast<std::size_t>(k)), change(static_cast<std::size_t>(k));
    for (auto r = static_cast<Eigen::Index>(begin); r < static_cast<Eigen::Index>(end); ++r) {
      double s = sum_c, t = tr_c;
      bool complete = true;
      for (Eigen::Index i = 0; i < k; ++i) {
        xr[static_cast<std::size_t>(i)] = x(r, i);
        complete = complete && !std::isnan(xr[static_cast<std::size_t>(i)]);
      }
      for (Eigen::Index j = 0; j < k; ++j) {
        const double xj = xr[static_cast<std::size_t>(j)];
        if (complete) {
          const double* cm_j = &cm(0, j);
          const double* mean_j = &mean(0, j);
          const double* mean_t_j = &mean_t(0, j);
          const double* n_j = &cnt(0, j);
          const double* n1_j = &cnt1(0, j);
          const double* n2_j = &cnt2(0, j);
          const double* old_j = &old_cov(0, j);
          double* ch = change.data();
          const double* xi = xr.data();
          for (Eigen::Index i = 0; i < k; ++i) {
            const double new_cm = cm_j[i] - (xi[i] - mean_j[i]) * (xj - mean_t_j[i]) * n_j[i] / n1_j[i];
            ch[i] = new_cm / n2_j[i] - old_j[i];
          }
          for (Eigen::Index i = 0; i < k; ++i) s += ch[i];
          t += ch[j];
          continue;
        }
        if (std::isnan(xj)) continue;
        for (Eigen::Index i = 0; i < k; ++i) {
          const double xi = xr[static_cast<std::size_t>(i)];
          if (std::isnan(xi)) continue;
          const double nij = cnt(i, j);
          const double old_c = old_cov(i, j);
          const double new_cm = cm(i, j) - (xi - mean(i, j)) * (xj - mean(j, i)) * nij / cnt1(i, j);
          const double new_c = new_cm / cnt2(i, j);
          s += new_c - old_c;
          if (i == j) t += new_c - old_c;
        }
      }
      out[static_cast<std::size_t>(r)] = (1.0 - t / s) * kd / (kd - 1.0);
    }
  });
  return out;
}

ATTUNE_END_NAMESPACE
