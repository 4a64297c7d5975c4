// The bootstrap of alpha: seeded, thread-invariant, and consistent with the ADF standard error.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "attune/core/error.hpp"
#include "attune/analyses/reliability.hpp"
#include "reliability_golden_io.hpp"
#include "test_support.hpp"

namespace {

using namespace attune::test;  // NOLINT: the golden readers, tolerances and EXPECT_REL

const attune::confidence_interval* find_ci(const attune::reliability_result& r, attune::ci_method m) {
  for (const auto& ci : r.intervals) {
    if (ci.method == m) return &ci;
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
