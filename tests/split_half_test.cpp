// Split-half coefficients (psych splitHalf semantics) and the Spearman-Brown prophecy.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "attune/core/error.hpp"
#include "attune/analyses/split_half.hpp"
#include "reliability_golden_io.hpp"
#include "test_support.hpp"

namespace {

using namespace attune::test;  // NOLINT: the golden readers, tolerances and EXPECT_REL

TEST(SplitHalf, SampledAboveTheLimit) {
  // 17 items: C(17, 8) = 24310 > 15000 splits, so psych's n.sample = 15000 samples 15000 random splits.
  Eigen::MatrixXd r = Eigen::MatrixXd::Constant(17, 17, 0.3);
  for (Eigen::Index i = 0; i < 17; ++i) {
    for (Eigen::Index j = 0; j < 17; ++j) r(i, j) += (i == j) ? 0.7 : 0.02 * static_cast<double>((i * j) % 5);
  }
  attune::split_half_options o;
  o.max_exhaustive_splits = 15000;
  const auto s = attune::split_half(r, o);
  EXPECT_FALSE(s.exhaustive);
  EXPECT_EQ(s.n_splits, 15000u);
  const auto s2 = attune::split_half(r, o);
  EXPECT_EQ(s.mean, s2.mean);  // seeded
  o.max_exhaustive_splits = 30000;
  const auto all = attune::split_half(r, o);
  EXPECT_TRUE(all.exhaustive);
  EXPECT_EQ(all.n_splits, 24310u);
  EXPECT_LE(s.max, all.max);
  EXPECT_GE(s.min, all.min);
  EXPECT_NEAR(s.mean, all.mean, 0.01);
  // The best split's membership reproduces its coefficient.
  double ab = 0;
  for (Eigen::Index i = 0; i < 17; ++i) {
    for (Eigen::Index j = 0; j < 17; ++j) {
      if (all.max_split[static_cast<std::size_t>(i)] == 1 && all.max_split[static_cast<std::size_t>(j)] == 0) ab += r(i, j);
    }
  }
  EXPECT_NEAR(4 * ab / r.sum(), all.max, 1e-12);
}

// By default every split is evaluated up to C(k, floor(k/2)) = 500,000: 21 items (352,716 splits);
// 22 items (705,432) are sampled. The exhaustive maximum is checked against a brute-force search.
TEST(SplitHalf, DefaultEnumeratesUpTo21Items) {
  auto matrix = [](Eigen::Index k) {
    Eigen::MatrixXd r(k, k);
    for (Eigen::Index i = 0; i < k; ++i)
      for (Eigen::Index j = 0; j < k; ++j) r(i, j) = i == j ? 1.0 : 0.2 + 0.03 * static_cast<double>((i * 7 + j * 7 + i * j) % 9);
    return r;
  };
  const Eigen::MatrixXd r21 = matrix(21);
  const auto s21 = attune::split_half(r21);
  EXPECT_TRUE(s21.exhaustive);
  EXPECT_EQ(s21.n_splits, 352716u);
  double best = -1, worst = 2;
  for (std::uint32_t mask = 0; mask < (1u << 21); ++mask) {
    if (__builtin_popcount(mask) != 10) continue;
    double ab = 0;
    for (Eigen::Index i = 0; i < 21; ++i)
      for (Eigen::Index j = 0; j < 21; ++j)
        if ((mask >> i & 1u) != 0 && (mask >> j & 1u) == 0) ab += r21(i, j);
    best = std::max(best, 4 * ab / r21.sum());
    worst = std::min(worst, 4 * ab / r21.sum());
  }
  EXPECT_NEAR(s21.max, best, 1e-12);
  EXPECT_NEAR(s21.min, worst, 1e-12);
  attune::split_half_options few;
  few.sampled_splits = 1000;
  const auto s22 = attune::split_half(matrix(22), few);
  EXPECT_FALSE(s22.exhaustive);
  EXPECT_EQ(s22.n_splits, 1000u);
}

TEST(SplitHalf, OfALongScale) {
  // 70 items (beyond a 64-bit mask): sampled splits; with equal correlations every split is equal,
  // 4 (35 * 35 r) / (70 + 70 * 69 r).
  const double rho = 0.2;
  Eigen::MatrixXd r = Eigen::MatrixXd::Constant(70, 70, rho);
  r.diagonal().setOnes();
  attune::split_half_options o;
  o.sampled_splits = 200;
  const auto s = attune::split_half(r, o);
  EXPECT_FALSE(s.exhaustive);
  const double expected = 4.0 * 35 * 35 * rho / (70 + 70 * 69 * rho);
  EXPECT_NEAR(s.max, expected, 1e-12);
  EXPECT_NEAR(s.min, expected, 1e-12);
  EXPECT_EQ(std::count(s.max_split.begin(), s.max_split.end(), 1), 35);
}

// The coefficients are computed in batches on several threads; every statistic, and the best and
// worst splits (the first split to reach them, in split order), must be bit-identical for any
// thread count: exhaustive (18 items, 24,310 splits, one batch), sampled (30 items), and sampled
// over several batches (600 items: 3,495 splits a batch, 10,000 splits); the best split's
// membership must reproduce its coefficient.
TEST(SplitHalf, AnyThreadCountGivesTheSameBits) {
  for (const Eigen::Index k : {18, 30, 600}) {
    Eigen::MatrixXd r(k, k);
    for (Eigen::Index i = 0; i < k; ++i)
      for (Eigen::Index j = 0; j < k; ++j) r(i, j) = i == j ? 1.0 : 0.1 + 0.01 * static_cast<double>((i * 13 + j * 13 + i * j) % 17);
    attune::split_half_options o;
    o.sampled_splits = 10000;
    o.threads = 1;
    const auto one = attune::split_half(r, o);
    for (const int threads : {2, 3, 0}) {
      o.threads = threads;
      const auto many = attune::split_half(r, o);
      EXPECT_EQ(many.n_splits, one.n_splits) << k;
      EXPECT_EQ(many.exhaustive, one.exhaustive) << k;
      for (const auto& [a, b] : {std::pair{many.max, one.max}, std::pair{many.min, one.min}, std::pair{many.mean, one.mean},
                                 std::pair{many.median, one.median}}) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(a), std::bit_cast<std::uint64_t>(b)) << k << " items, " << threads << " threads";
      }
      EXPECT_EQ(many.max_split, one.max_split) << k;
      EXPECT_EQ(many.min_split, one.min_split) << k;
    }
    // The best split's membership reproduces its coefficient.
    double ab = 0;
    for (Eigen::Index i = 0; i < k; ++i)
      for (Eigen::Index j = 0; j < k; ++j)
        if (one.max_split[static_cast<std::size_t>(i)] == 1 && one.max_split[static_cast<std::size_t>(j)] == 0) ab += r(i, j);
    EXPECT_NEAR(4 * ab / r.sum(), one.max, 1e-12) << k;
    EXPECT_EQ(one.exhaustive, k == 18);
  }
}

TEST(SpearmanBrown, Prophecy) {
  // Spearman-Brown: doubling a scale of reliability .6 gives 2(.6)/(1 + .6) = .75.
  EXPECT_NEAR(attune::spearman_brown(0.6, 2.0), 0.75, 1e-15);
  const double m = attune::length_for_reliability(0.6, 0.9);
  EXPECT_NEAR(m, 6.0, 1e-12);
  EXPECT_NEAR(attune::spearman_brown(0.6, m), 0.9, 1e-12);
  EXPECT_THROW(attune::length_for_reliability(0.0, 0.9), attune::error);
  EXPECT_THROW(attune::length_for_reliability(0.6, 1.0), attune::error);
  EXPECT_THROW(attune::spearman_brown(0.6, 0.0), attune::error);
}

}  // namespace
