// Omega against psych 2.2.9 omega() (tests/golden/factor.R).
#include "attune/analyses/omega.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "attune/core/error.hpp"
#include "factor_golden_io.hpp"

namespace {

using attune::test::read_factor_matrix;

constexpr double omega_tol = 1e-4;  // the issue's tolerance against psych::omega

void expect_omega(const attune::omega_result& o, const std::string& golden) {
  // columns: omega_h, omega.tot, omega.lim, alpha, G6, ECV
  const Eigen::MatrixXd g = read_factor_matrix(golden);
  std::printf("%s: d(omega_h) = %.3g, d(omega_t) = %.3g\n", golden.c_str(), std::abs(o.omega_hierarchical - g(0, 0)),
              std::abs(o.omega_total - g(0, 1)));
  EXPECT_NEAR(o.omega_hierarchical, g(0, 0), omega_tol) << golden;
  EXPECT_NEAR(o.omega_total, g(0, 1), omega_tol) << golden;
  EXPECT_NEAR(o.omega_hierarchical_asymptotic, g(0, 2), omega_tol) << golden;
  EXPECT_NEAR(o.alpha, g(0, 3), 1e-12) << golden;
  EXPECT_NEAR(o.lambda6, g(0, 4), 1e-10) << golden;
  EXPECT_NEAR(o.ecv, g(0, 5), omega_tol) << golden;
}

TEST(Omega, Bfi25MatchesPsych) {
  // omega(cor(bfi25, use = "pairwise"), nfactors = 3, n.obs = 2800)
  const auto o = attune::omega(read_factor_matrix("cor_bfi25.csv"), 2800);
  expect_omega(o, "omega_bfi25.csv");
  // o_bfi$omega.group: rows g, F1*, F2*, F3*; columns total, general, group
  const Eigen::MatrixXd grp = read_factor_matrix("omega_bfi25_group.csv");
  EXPECT_NEAR(o.group_omega_total(0), grp(0, 0), omega_tol);
  EXPECT_NEAR(o.group_omega_general(0), grp(0, 1), omega_tol);
  EXPECT_NEAR(o.group_omega_group(0), grp(0, 2), omega_tol);
  // the group factors may come out in another order: compare as sets
  for (int j = 1; j <= 3; ++j) {
    double best = 1e9;
    for (int i = 1; i <= 3; ++i)
      best = std::min(best, std::abs(o.group_omega_total(j) - grp(i, 0)) + std::abs(o.group_omega_general(j) - grp(i, 1)) +
                                std::abs(o.group_omega_group(j) - grp(i, 2)));
    EXPECT_LT(best, 3 * omega_tol) << "group " << j;
  }
  // reflected items (psych flips items with negative g loadings: bfi has reverse-keyed items)
  EXPECT_LT(o.keys.minCoeff(), 0.0);
}

TEST(Omega, Bfi25MaximumLikelihoodMatchesPsych) {
  attune::omega_options opt;
  opt.method = attune::factor_method::ml;
  expect_omega(attune::omega(read_factor_matrix("cor_bfi25.csv"), 2800, opt), "omega_bfi25_ml.csv");
}

TEST(Omega, TwoFactorDataMatchesPsych) {
  // omega(cor(two, use = "pairwise"), nfactors = 3) and nfactors = 2 (option "equal")
  const Eigen::MatrixXd r = read_factor_matrix("cor_two.csv");
  expect_omega(attune::omega(r, 600), "omega_two.csv");
  attune::omega_options two;
  two.n_factors = 2;
  const auto o2 = attune::omega(r, 600, two);
  expect_omega(o2, "omega_two_2f.csv");
  bool warned = false;
  for (const auto& w : o2.warnings) warned = warned || w.find("three factors are required") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(Omega, OneFactorSubscaleMatchesPsych) {
  // omega(r_bfi[1:5, 1:5], nfactors = 1)$omega.tot and $alpha
  const Eigen::MatrixXd r = read_factor_matrix("cor_bfi25.csv").topLeftCorner(5, 5);
  const auto o = attune::omega_single_factor(r, 2800);
  const Eigen::MatrixXd g = read_factor_matrix("omega_bfi_A_1f.csv");
  EXPECT_NEAR(o.omega_total, g(0, 0), omega_tol);
  EXPECT_GT(o.omega_model, 0.0);
  EXPECT_LT(o.omega_model, 1.0);
  attune::omega_options one;
  one.n_factors = 1;
  EXPECT_NEAR(attune::omega(r, 2800, one).omega_total, g(0, 0), omega_tol);
  EXPECT_NEAR(attune::omega(r, 2800, one).alpha, g(0, 1), 1e-12);
}

TEST(Omega, OrdinalAlphaAndOmegaMatchPsych) {
  // alpha(p_two$rho[1:5, 1:5])$total$std.alpha; omega(p_two$rho[1:5, 1:5], nfactors = 1)$omega.tot
  const Eigen::MatrixXd x = read_factor_matrix("two_factor.csv", true).leftCols(5);
  const auto o = attune::ordinal_reliability(x);
  const Eigen::MatrixXd g = read_factor_matrix("ordinal_two_sub1.csv");
  EXPECT_NEAR(o.ordinal_alpha, g(0, 0), omega_tol);
  EXPECT_NEAR(o.ordinal_omega, g(0, 1), omega_tol);
}

TEST(Omega, OrdinalReliabilityRejectsNaNCorrelations) {
  Eigen::MatrixXd x(6, 3);
  x << 1, 2, 3, 2, 2, 1, 3, 2, 2, 1, 2, 3, 2, 2, 1, 3, 2, 2;  // item 2 constant
  try {
    (void)attune::ordinal_reliability(x);
    FAIL();
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::numerical_issue);
  }
}

TEST(OmegaBootstrap, SeededAndThreadIndependent) {
  const Eigen::MatrixXd x = read_factor_matrix("two_factor.csv", true);
  attune::omega_bootstrap_options o;
  o.replicates = 40;
  o.seed = 7;
  o.threads = 1;
  o.jackknife_groups = 20;
  const auto a = attune::omega_bootstrap(x, o);
  o.threads = 3;
  const auto b = attune::omega_bootstrap(x, o);
  EXPECT_TRUE(a.draws.cwiseEqual(b.draws).all() || (a.draws.array().isNaN() == b.draws.array().isNaN()).all());
  EXPECT_EQ(a.total_percentile.lower, b.total_percentile.lower);
  EXPECT_EQ(a.total_bca.upper, b.total_bca.upper);
  EXPECT_LT(a.total_percentile.lower, a.estimate.omega_total);
  EXPECT_GT(a.total_percentile.upper, a.estimate.omega_total);
  EXPECT_LT(a.total_bca.lower, a.total_bca.upper);
  EXPECT_LT(a.hierarchical_percentile.lower, a.hierarchical_percentile.upper);
  // same estimate as omega() on the pairwise Pearson matrix
  const auto direct = attune::omega(read_factor_matrix("cor_two.csv"), 600);
  EXPECT_NEAR(a.estimate.omega_total, direct.omega_total, 1e-10);
  o.seed = 8;
  const auto c = attune::omega_bootstrap(x, o);
  EXPECT_NE(a.total_percentile.lower, c.total_percentile.lower);
}

TEST(OmegaBootstrap, OptionErrors) {
  attune::omega_bootstrap_options o;
  o.replicates = 1;
  EXPECT_THROW(o.validate(), attune::error);
  o.replicates = 10;
  o.level = 1.0;
  try {
    o.validate();
    FAIL();
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("level"), std::string::npos);
  }
  attune::omega_options bad;
  bad.rotation = attune::factor_rotation::varimax;
  EXPECT_THROW(bad.validate(), attune::error);
  EXPECT_THROW((void)attune::omega(read_factor_matrix("cor_two.csv"), 600, attune::omega_options{12}), attune::error);
}

}  // namespace

namespace {

// The one-factor model of `omega` (n_factors = 1, what the reliability study bootstraps for the
// interval of omega total) is the one-factor omega.
TEST(Omega, OneGroupFactorIsTheOneFactorOmega) {
  const Eigen::MatrixXd r = attune::test::read_factor_matrix("cor_two.csv").topLeftCorner(5, 5);
  attune::omega_options o;
  o.n_factors = 1;
  EXPECT_NEAR(attune::omega(r, 600, o).omega_total, attune::omega_single_factor(r, 600).omega_total, 1e-12);
}

}  // namespace
