// Reliability with many items (issue 10, F15): the item-deleted statistics that are now computed
// in O(k^2 log k) equal their direct computation, what cannot scale is capped with a warning, and
// k = 400 at N = 400 (over 60 s before) is fast. The figure for k = 1,000 is in
// bench/reliability_bench.cpp (BM_alpha_wide).
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "attune/analyses/reliability.hpp"

namespace {

// F15_repro.cpp's data: N x k Likert items 1..7 on one factor.
Eigen::MatrixXd one_factor_items(Eigen::Index n, Eigen::Index k, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> z;
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double f = z(g);
    for (Eigen::Index j = 0; j < k; ++j) x(i, j) = std::clamp(std::round(4 + 0.6 * f + 0.8 * z(g)), 1.0, 7.0);
  }
  return x;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double variance(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

TEST(ReliabilityScale, ItemDeletedMedianAndVarianceEqualTheDirectComputation) {
  // Ties are frequent with few respondents: N = 30 answers 1..7 give many equal correlations.
  for (Eigen::Index k : {3, 4, 5, 12, 41}) {
    SCOPED_TRACE(k);
    const Eigen::MatrixXd x = one_factor_items(30, k, 7);
    attune::reliability_options o;
    o.split_half = false;
    const auto r = attune::analyze_reliability(x, o);
    ASSERT_EQ(r.n_items, k);
    for (Eigen::Index i = 0; i < k; ++i) {
      std::vector<double> rest;
      for (Eigen::Index b = 0; b < k; ++b)
        for (Eigen::Index a = b + 1; a < k; ++a)
          if (a != i && b != i) rest.push_back(r.correlation(a, b));
      const auto& it = r.items[static_cast<std::size_t>(i)];
      EXPECT_EQ(it.median_r_if_deleted, median(rest)) << "item " << i;  // the same values: exactly
      if (rest.size() >= 2) {
        EXPECT_NEAR(it.var_r_if_deleted, variance(rest), 1e-14) << "item " << i;
      } else {
        EXPECT_TRUE(std::isnan(it.var_r_if_deleted));
      }
    }
  }
}

TEST(ReliabilityScale, SingularCorrelationWithManyItemsCapsG6IfDeletedWithAWarning) {
  // N = 60 < k = 150: R has rank 59. One pseudo-inverse per deleted item would be O(k^4).
  const Eigen::MatrixXd x = one_factor_items(60, 150, 3);
  attune::reliability_options o;
  o.split_half = false;
  const auto r = attune::analyze_reliability(x, o);
  EXPECT_TRUE(std::isfinite(r.lambda6));
  for (const auto& it : r.items) {
    EXPECT_TRUE(std::isnan(it.g6_if_deleted));
    EXPECT_TRUE(std::isfinite(it.alpha_if_deleted));
  }
  EXPECT_TRUE(std::any_of(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
    return w.find("G6 if an item is deleted is not computed (NaN): the correlation matrix is singular and k = 150 > 100") !=
           std::string::npos;
  }));
  // Up to 100 items psych's per-item pseudo-inverse is still done.
  const auto small = attune::analyze_reliability(one_factor_items(60, 90, 3), o);
  for (const auto& it : small.items) EXPECT_TRUE(std::isfinite(it.g6_if_deleted));
}

TEST(ReliabilityScale, FourHundredItemsAtFourHundredRows) {
  // F15: over 60 s with default options; now about 0.2 s of CPU (bench/reliability_bench.cpp,
  // BM_alpha_wide, measures it; a hang would hit the test's timeout).
  const Eigen::MatrixXd x = one_factor_items(400, 400, 1);
  const auto r = attune::analyze_reliability(x);
  EXPECT_NEAR(r.alpha, 0.9952, 5e-5);  // F15_repro.cpp prints alpha 0.9952 at k = 400
  ASSERT_TRUE(r.split_half.has_value());
  EXPECT_FALSE(r.split_half->exhaustive);
}

}  // namespace
