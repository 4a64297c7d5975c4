// The bootstrap of alpha: seeded, thread-invariant, and consistent with the ADF standard error.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <random>
#include "detail/random.hpp"

#include "attune/core/error.hpp"
#include "attune/analyses/reliability.hpp"
#include "reliability_golden_io.hpp"
#include "test_support.hpp"

namespace {

using namespace attune::test;  // NOLINT: the golden readers, tolerances and EXPECT_REL

const attune::confidence_interval* find_ci(const attune::reliability_result& r, attune::ci_method m) {
  for (const auto& ci : r.intervals) {
    if (ci.method == to_string(m)) return &ci;
  }
  return nullptr;
}

TEST(Bootstrap, AlphaIsSeededAndThreadInvariant) {
  for (const char* c : {"sixteen_items", "gen1_pairwise"}) {  // complete data fast path, pairwise path
    const Eigen::MatrixXd x = read_matrix(dir(std::string(c) + ".csv"), true);
    attune::reliability_options o;
    o.intervals = {attune::ci_method::bootstrap_percentile, attune::ci_method::bootstrap_bca, attune::ci_method::adf};
    o.bootstrap = 300;
    o.seed = 7;
    o.threads = 1;
    const auto r1 = attune::analyze_reliability(x, o);
    o.threads = 3;
    const auto r3 = attune::analyze_reliability(x, o);
    ASSERT_EQ(r1.bootstrap_alphas.size(), 300u);
    EXPECT_EQ(r1.bootstrap_alphas, r3.bootstrap_alphas) << c;
    o.seed = 8;
    const auto other = attune::analyze_reliability(x, o);
    EXPECT_NE(r1.bootstrap_alphas, other.bootstrap_alphas);
    const auto* pc = find_ci(r1, attune::ci_method::bootstrap_percentile);
    const auto* bca = find_ci(r1, attune::ci_method::bootstrap_bca);
    ASSERT_NE(pc, nullptr);
    ASSERT_NE(bca, nullptr);
    EXPECT_LT(pc->lower, r1.alpha);
    EXPECT_GT(pc->upper, r1.alpha);
    EXPECT_LT(bca->lower, r1.alpha);
    EXPECT_GT(bca->upper, r1.alpha);
    EXPECT_EQ(pc->n, static_cast<double>(x.rows()));
    if (std::string(c) != "sixteen_items") continue;  // ADF uses the complete rows only
    // The bootstrap SD agrees with the ADF standard error (both distribution-free) to sampling error.
    double m = 0, s = 0;
    for (double v : r1.bootstrap_alphas) m += v;
    m /= 300.0;
    for (double v : r1.bootstrap_alphas) s += (v - m) * (v - m);
    const double boot_sd = std::sqrt(s / 299.0);
    const auto* adf = find_ci(r1, attune::ci_method::adf);
    const double adf_se = (adf->upper - adf->lower) / (2.0 * 1.959963984540054);
    EXPECT_NEAR(boot_sd / adf_se, 1.0, 0.3) << c;
  }
}

}  // namespace

namespace {

TEST(Bootstrap, PercentileIntervalIsTheType7Quantiles) {
  // Draws 1..10: R quantile(1:10, c(.025, .975)) = 1.225, 9.775 (h = 9 p).
  std::vector<double> d(10);
  for (int i = 0; i < 10; ++i) d[static_cast<std::size_t>(i)] = i + 1.0;
  const auto b = attune::percentile_interval(d, 0.95);
  EXPECT_NEAR(b.lower, 1.225, 1e-15);
  EXPECT_NEAR(b.upper, 9.775, 1e-15);
  EXPECT_TRUE(std::isnan(attune::percentile_interval({1.0}, 0.95).lower));
}

TEST(Bootstrap, BcaWithoutBiasOrAccelerationIsThePercentileInterval) {
  // Estimate at the median of the draws (z0 = Phi^-1(5/10) = 0) and a symmetric jackknife (a = 0).
  std::vector<double> d(10);
  for (int i = 0; i < 10; ++i) d[static_cast<std::size_t>(i)] = i + 1.0;
  const auto b = attune::bca_interval(d, 5.5, {1.0, 2.0, 3.0}, 0.95);
  EXPECT_FALSE(b.undefined_reason.has_value()) << *b.undefined_reason;
  EXPECT_NEAR(b.z0, 0.0, 1e-15);
  EXPECT_NEAR(b.acceleration, 0.0, 1e-15);
  EXPECT_NEAR(b.interval.lower, 1.225, 1e-12);
  EXPECT_NEAR(b.interval.upper, 9.775, 1e-12);
}

TEST(Bootstrap, BcaBiasAndAccelerationByHand) {
  // 3 of 10 draws below the estimate: z0 = Phi^-1(0.3) = -0.5244005127080407. Jackknife {0, 0, 3}:
  // d = mean - jack = {1, 1, -2}, sum d^2 = 6, sum d^3 = -6, a = -6 / (6 * 6^1.5) = -0.06804138174397717.
  std::vector<double> d(10);
  for (int i = 0; i < 10; ++i) d[static_cast<std::size_t>(i)] = i + 1.0;
  const auto b = attune::bca_interval(d, 3.5, {0.0, 0.0, 3.0}, 0.90);
  ASSERT_FALSE(b.undefined_reason.has_value()) << *b.undefined_reason;
  EXPECT_NEAR(b.z0, -0.5244005127080407, 1e-12);
  EXPECT_NEAR(b.acceleration, -0.06804138174397717, 1e-15);
  // Adjusted levels: Phi(z0 + (z0 + zq) / (1 - a (z0 + zq))) for zq = -+1.6448536269514722.
  auto level = [&](double zq) {
    const double w = b.z0 + zq;
    return 0.5 * std::erfc(-(b.z0 + w / (1.0 - b.acceleration * w)) / std::sqrt(2.0));
  };
  EXPECT_NEAR(b.interval.lower, 1.0 + 9.0 * level(-1.6448536269514722), 1e-12);
  EXPECT_NEAR(b.interval.upper, 1.0 + 9.0 * level(1.6448536269514722), 1e-12);
}

TEST(Bootstrap, BcaIsUndefinedWhenEveryDrawIsOnOneSide) {
  const auto b = attune::bca_interval({1.0, 2.0, 3.0}, 0.5, {1.0, 2.0}, 0.95);
  EXPECT_TRUE(std::isnan(b.interval.lower));
  EXPECT_TRUE(std::isnan(b.interval.upper));
  ASSERT_TRUE(b.undefined_reason.has_value());
  EXPECT_NE(b.undefined_reason->find("one side of the estimate"), std::string::npos) << *b.undefined_reason;
  const auto j = attune::bca_interval({1.0, 2.0, 3.0}, 2.5, {1.0}, 0.95);
  ASSERT_TRUE(j.undefined_reason.has_value());
  EXPECT_NE(j.undefined_reason->find("1 finite jackknife"), std::string::npos) << *j.undefined_reason;
}

TEST(Bootstrap, ReplicateCountHasADocumentedMaximum) {
  const Eigen::MatrixXd x = read_matrix(dir("two_items.csv"), true);
  attune::reliability_options o;
  o.intervals = {attune::ci_method::bootstrap_percentile};
  o.bootstrap = attune::max_bootstrap_replicates + 1;
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::invalid_argument, "must be in 0..100000");
  expect_error([&] { attune::bootstrap_alpha(x, 10000000, 1); }, attune::errc::invalid_argument, "replicates = 10000000");
}

}  // namespace

// The bootstrap's block-wise engine gives exactly the numbers of std::mt19937_64 (seeding, twist
// and tempering), over several refills, for a few seeds including 0 and 2^64 - 1.
TEST(BootstrapEngine, SameSequenceAsStdMt19937_64) {
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{5489}, std::uint64_t{0xA5A5A5A5A5A5A5A5ULL},
                                   ~std::uint64_t{0}}) {
    std::mt19937_64 reference(seed);
    attune::detail::mt19937_64_block fast(seed);
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(fast(), reference()) << "seed " << seed << ", draw " << i;
  }
}
