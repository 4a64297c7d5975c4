// Split-half reliability and the Spearman-Brown prophecy (see include/attune/analyses/split_half.hpp).
// Reference implementation: R psych `splitHalf` (every split, as psych >= 2.3.12; random splits
// above n.sample as psych).
#include "attune/analyses/split_half.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/quantile.hpp"
#include "detail/random.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

// Split-half coefficient pieces for a split given as membership flags.
struct split_pieces {
  double ab, aa, bb;
};
split_pieces split_sums(const Eigen::MatrixXd& r, const std::vector<int>& in_a) {
  split_pieces s{0.0, 0.0, 0.0};
  const Eigen::Index k = r.rows();
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) {
      const bool ai = in_a[static_cast<std::size_t>(i)] != 0, aj = in_a[static_cast<std::size_t>(j)] != 0;
      if (ai && aj) s.aa += r(i, j);
      else if (!ai && !aj) s.bb += r(i, j);
      else if (ai) s.ab += r(i, j);
    }
  }
  return s;
}

}  // namespace

void split_half_options::validate() const {
  if (max_exhaustive_splits > max_split_count) {
    throw error(errc::invalid_argument, "split_half_options.max_exhaustive_splits = " +
                                            std::to_string(max_exhaustive_splits) + "; at most " +
                                            std::to_string(max_split_count));
  }
  if (sampled_splits < 1 || sampled_splits > max_split_count) {
    throw error(errc::invalid_argument, "split_half_options.sampled_splits = " + std::to_string(sampled_splits) +
                                            "; must be in 1.." + std::to_string(max_split_count));
  }
}

split_half_result split_half(const Eigen::MatrixXd& r, const split_half_options& options) {
  options.validate();
  const Eigen::Index k = r.cols();
  if (r.rows() != k || k < 2) {
    throw error(errc::insufficient_data, "split_half: a " + std::to_string(r.rows()) + " x " + std::to_string(k) +
                                             " matrix; needs a square matrix of at least 2 items");
  }
  split_half_result out;
  const double sum_r = r.sum();
  const Eigen::VectorXd rs = r.rowwise().sum();
  const int m = static_cast<int>(k / 2);
  // Coefficient of the split with half A (item indices): 4 r_AB / sum(R), r_AB = 1_A' R 1 - 1_A' R 1_A
  // (psych splitHalf: rab = 4 R[1,2] / sum(R)).
  // 1_A' R 1_A from the lower triangle (R symmetric: half the work), walking each column of the
  // column-major R down the rows of A in ascending order (memory order): with 15,000 sampled
  // splits of 500 items this loop was most of the time of analyze_reliability at k = 1000.
  // `a` points at the m items of half A; `sorted_a` is the caller's scratch (one per thread).
  auto coefficient = [&](const Eigen::Index* a, std::vector<Eigen::Index>& sorted_a) {
    sorted_a.assign(a, a + m);
    // the exhaustive walk gives A ascending (bits in order); sampled splits need the sort
    if (!std::is_sorted(sorted_a.begin(), sorted_a.end())) std::sort(sorted_a.begin(), sorted_a.end());
    double a_total = 0.0, diag = 0.0, off = 0.0;
    for (std::size_t t = 0; t < sorted_a.size(); ++t) {
      const Eigen::Index col = sorted_a[t];
      const double* rc = r.col(col).data();
      a_total += rs(col);
      diag += rc[col];
      double sum = 0.0;
      for (std::size_t s = t + 1; s < sorted_a.size(); ++s) sum += rc[sorted_a[s]];
      off += sum;
    }
    return 4.0 * (a_total - (diag + 2.0 * off)) / sum_r;
  };
  // Number of splits: C(k, m) combinations of half A; for even k every split appears twice (A and
  // its complement), so the distinct splits are those with item 1 in A.
  double combos = 1.0;
  for (int i = 0; i < m; ++i) combos = combos * static_cast<double>(k - i) / static_cast<double>(i + 1);
  combos = std::round(combos);
  // The splits are drawn on this thread, in batches (the bit mask of half A, or for sampled splits
  // its m items in a row of `items`), and their coefficients computed on up to `threads` threads
  // into their own slots of `values`; the largest and smallest are then found in split order, as
  // one thread would. `half_of(i, half)` writes the items of split i of the batch, ascending for masks.
  const auto mu = static_cast<std::size_t>(m);
  const std::size_t batch_size = std::clamp<std::size_t>((std::size_t{1} << 20) / mu, 256, 65536);  // <= 8 MB of items
  std::vector<double> values;
  std::vector<Eigen::Index> best, worst, items;
  std::vector<std::uint64_t> masks;
  double vmax = -std::numeric_limits<double>::infinity(), vmin = std::numeric_limits<double>::infinity();
  auto run_batch = [&](std::size_t n_in_batch, const auto& half_of) {
    const std::size_t first = values.size();
    values.resize(first + n_in_batch);
    detail::parallel_for_blocks(n_in_batch, 256, options.threads, [&](std::size_t b, std::size_t e) {
      std::vector<Eigen::Index> a(mu), sorted_a;
      for (std::size_t i = b; i < e; ++i) {
        half_of(i, a.data());
        values[first + i] = coefficient(a.data(), sorted_a);
      }
    });
    for (std::size_t i = 0; i < n_in_batch; ++i) {
      const double v = values[first + i];
      if (v > vmax) {
        vmax = v;
        best.resize(mu);
        half_of(i, best.data());
      }
      if (v < vmin) {
        vmin = v;
        worst.resize(mu);
        half_of(i, worst.data());
      }
    }
  };
  const auto mask_half = [&](std::size_t i, Eigen::Index* half) {
    for (std::uint64_t bits = masks[i]; bits != 0; bits &= bits - 1) *half++ = std::countr_zero(bits);
  };
  const auto sampled_half = [&](std::size_t i, Eigen::Index* half) {
    std::copy_n(items.begin() + static_cast<std::ptrdiff_t>(i * mu), mu, half);
  };
  if (combos <= static_cast<double>(options.max_exhaustive_splits) && k <= 62) {
    out.exhaustive = true;
    const bool even = (k % 2 == 0);
    // Gosper's hack over m-subsets of k bits.
    std::uint64_t mask = (m == 0) ? 0 : ((std::uint64_t{1} << m) - 1);
    const std::uint64_t limit = std::uint64_t{1} << k;
    values.reserve(static_cast<std::size_t>(even ? combos / 2 : combos));
    masks.reserve(std::min(batch_size, static_cast<std::size_t>(combos)));
    while (mask < limit) {
      if (!even || (mask & 1U)) {
        masks.push_back(mask);
        if (masks.size() == batch_size) {
          run_batch(masks.size(), mask_half);
          masks.clear();
        }
      }
      if (mask == 0) break;
      const std::uint64_t c = mask & (0 - mask);
      const std::uint64_t rr = mask + c;
      mask = (((rr ^ mask) >> 2) / c) | rr;
    }
    if (!masks.empty()) run_batch(masks.size(), mask_half);
  } else {
    out.exhaustive = false;
    std::mt19937_64 rng(detail::splitmix64(options.seed ^ 0x5157ULL));
    std::vector<Eigen::Index> perm(static_cast<std::size_t>(k));
    values.reserve(options.sampled_splits);
    items.reserve(std::min(batch_size, options.sampled_splits) * mu);
    for (std::size_t s = 0; s < options.sampled_splits; ++s) {
      std::iota(perm.begin(), perm.end(), Eigen::Index{0});
      for (int i = 0; i < m; ++i) {  // partial Fisher-Yates: m items for half A
        const auto j = static_cast<std::size_t>(i) + detail::lemire_below(rng, static_cast<std::uint64_t>(k - i));
        std::swap(perm[static_cast<std::size_t>(i)], perm[j]);
        items.push_back(perm[static_cast<std::size_t>(i)]);
      }
      if (items.size() == batch_size * mu) {
        run_batch(batch_size, sampled_half);
        items.clear();
      }
    }
    if (!items.empty()) run_batch(items.size() / mu, sampled_half);
  }
  out.n_splits = values.size();
  out.max = vmax;
  out.min = vmin;
  out.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  out.median = detail::median_of(std::move(values));
  out.max_split.resize(static_cast<std::size_t>(k));
  out.min_split.resize(static_cast<std::size_t>(k));
  for (Eigen::Index i : best) out.max_split[static_cast<std::size_t>(i)] = 1;
  for (Eigen::Index i : worst) out.min_split[static_cast<std::size_t>(i)] = 1;
  // Fixed splits: odd-even (items 1, 3, 5, ... in A) and first-second (first ceil(k/2) items in A).
  auto fixed = [&](const std::vector<int>& in_a, double& coef, double& rr, double& sb) {
    const split_pieces p = split_sums(r, in_a);
    coef = 4.0 * p.ab / sum_r;
    rr = p.ab / std::sqrt(p.aa * p.bb);
    sb = 2.0 * rr / (1.0 + rr);
  };
  std::vector<int> oe(static_cast<std::size_t>(k)), fs(static_cast<std::size_t>(k));
  for (Eigen::Index i = 0; i < k; ++i) {
    oe[static_cast<std::size_t>(i)] = (i % 2 == 0) ? 1 : 0;
    fs[static_cast<std::size_t>(i)] = (i < (k + 1) / 2) ? 1 : 0;
  }
  fixed(oe, out.odd_even, out.odd_even_r, out.odd_even_sb);
  fixed(fs, out.first_second, out.first_second_r, out.first_second_sb);
  return out;
}

double spearman_brown(double reliability, double length_factor) {
  if (!(length_factor > 0.0) || std::isinf(length_factor)) {
    throw error(errc::invalid_argument, "spearman_brown: length_factor = " + number_text(length_factor) + "; must be > 0");
  }
  if (!(reliability <= 1.0) || std::isnan(reliability)) {
    throw error(errc::invalid_argument, "spearman_brown: reliability = " + number_text(reliability) + "; must be <= 1");
  }
  return length_factor * reliability / (1.0 + (length_factor - 1.0) * reliability);
}

double length_for_reliability(double reliability, double target) {
  if (!(reliability > 0.0 && reliability < 1.0)) {
    throw error(errc::invalid_argument, "length_for_reliability: reliability = " + number_text(reliability) + "; must be in (0, 1)");
  }
  if (!(target > 0.0 && target < 1.0)) {
    throw error(errc::invalid_argument, "length_for_reliability: target = " + number_text(target) + "; must be in (0, 1)");
  }
  return target * (1.0 - reliability) / (reliability * (1.0 - target));
}

ATTUNE_END_NAMESPACE
