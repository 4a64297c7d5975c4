// Exploratory factor analysis against psych 2.2.9 fa() (tests/golden/factor.R).
#include "attune/analyses/factor.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <string>

#include "attune/core/error.hpp"
#include "factor_golden_io.hpp"

namespace {

using attune::test::max_diff_up_to_order_sign;
using attune::test::read_factor_matrix;

constexpr double loading_tol = 1e-4;  // the tolerance against psych::fa (order and sign free)

struct fa_case {
  std::string data;   // "bfi25" or "two"
  int factors;
  std::string method;
  std::string rotation;  // psych name
};

class FaGolden : public ::testing::TestWithParam<fa_case> {};

TEST_P(FaGolden, LoadingsMatchPsych) {
  // psych::fa(cor(x, use = "pairwise"), nfactors, n.obs, fm, rotate) -> a$loadings, a$Phi
  const fa_case& c = GetParam();
  const Eigen::MatrixXd r = read_factor_matrix("cor_" + c.data + ".csv");
  attune::efa_options o;
  o.n_factors = c.factors;
  o.method = *attune::parse_factor_method(c.method);
  o.rotation = *attune::parse_factor_rotation(c.rotation);
  const Eigen::Index n = c.data == "bfi25" ? 2800 : 600;
  const auto res = attune::exploratory_factor_analysis(r, n, o);
  EXPECT_TRUE(res.converged);
  const std::string stem = "fa_" + c.data + "_" + c.method + "_" + c.rotation;
  const Eigen::MatrixXd want = read_factor_matrix(stem + "_loadings.csv");
  const double d = max_diff_up_to_order_sign(res.loadings, want);
  std::printf("%s: max |attune - psych| loadings = %.3g\n", stem.c_str(), d);
  EXPECT_LT(d, loading_tol) << stem;
  if (c.rotation == "oblimin" || c.rotation == "geominQ") {
    const Eigen::MatrixXd phi = read_factor_matrix(stem + "_phi.csv");
    // compare |phi| entries after sorting rows/cols is awkward; compare the sorted absolute off-diagonals
    std::vector<double> a, b;
    for (Eigen::Index i = 0; i < phi.rows(); ++i)
      for (Eigen::Index j = 0; j < i; ++j) {
        a.push_back(std::abs(res.phi(i, j)));
        b.push_back(std::abs(phi(i, j)));
      }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], loading_tol) << stem;
  }
  if (c.data == "bfi25") {
    // a$STATISTIC, a$dof, a$rms
    const Eigen::MatrixXd st = read_factor_matrix(stem + "_stats.csv");
    EXPECT_NEAR(res.chi_square, st(0, 0), 1e-6 * st(0, 0) + 0.05) << stem;
    EXPECT_EQ(res.df, static_cast<int>(st(0, 1)));
    EXPECT_NEAR(res.rmsr, st(0, 2), 1e-5) << stem;
  }
}

std::vector<fa_case> all_cases() {
  std::vector<fa_case> v;
  for (const char* m : {"minres", "ml"})
    for (const char* rot : {"oblimin", "varimax", "geominQ", "none"}) {
      v.push_back({"bfi25", 5, m, rot});
      v.push_back({"two", 2, m, rot});
    }
  return v;
}

INSTANTIATE_TEST_SUITE_P(Psych, FaGolden, ::testing::ValuesIn(all_cases()), [](const ::testing::TestParamInfo<fa_case>& param_info) {
  return param_info.param.data + "_" + param_info.param.method + "_" + param_info.param.rotation;
});

TEST(Factor, OneFactorSubscaleMatchesPsych) {
  // psych::fa(r_two[1:5, 1:5], nfactors = 1)
  const Eigen::MatrixXd r = read_factor_matrix("cor_two.csv").topLeftCorner(5, 5);
  const auto res = attune::exploratory_factor_analysis(r, 600);
  EXPECT_LT((res.loadings - read_factor_matrix("fa_two_sub1_1f_loadings.csv")).cwiseAbs().maxCoeff(), loading_tol);
  EXPECT_NEAR(res.communalities.sum() + res.uniquenesses.sum(), 5.0, 1e-12);
}

TEST(Factor, UlsHessianMatchesFiniteDifferences) {
  // the minres fit must reach a stationary point: residual diagonal 0 (psych FAgr.minres = 0)
  const Eigen::MatrixXd r = read_factor_matrix("cor_bfi25.csv");
  attune::efa_options o;
  o.n_factors = 5;
  o.rotation = attune::factor_rotation::none;
  const auto res = attune::exploratory_factor_analysis(r, 2800, o);
  Eigen::MatrixXd resid = r - res.unrotated_loadings * res.unrotated_loadings.transpose();
  resid.diagonal() -= res.uniquenesses;
  EXPECT_LT(resid.diagonal().cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT(res.iterations, 50);
}

TEST(Factor, RotationKeepsTheCommonPart) {
  const Eigen::MatrixXd r = read_factor_matrix("cor_bfi25.csv");
  for (auto rot : {attune::factor_rotation::varimax, attune::factor_rotation::oblimin, attune::factor_rotation::geomin}) {
    attune::efa_options o;
    o.n_factors = 5;
    o.rotation = rot;
    const auto res = attune::exploratory_factor_analysis(r, 2800, o);
    const Eigen::MatrixXd a = res.loadings * res.phi * res.loadings.transpose();
    const Eigen::MatrixXd b = res.unrotated_loadings * res.unrotated_loadings.transpose();
    EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-10) << attune::to_string(rot);
    EXPECT_LT((res.phi.diagonal().array() - 1.0).abs().maxCoeff(), 1e-12);
  }
}

TEST(Factor, HeywoodCaseIsAWarning) {
  // one factor, three items: lambda_1^2 = r12 r13 / r23 = 1.6 > 1, so psi_1 hits its bound
  Eigen::MatrixXd r(3, 3);
  r << 1, .8, .8, .8, 1, .4, .8, .4, 1;
  attune::efa_options o;
  const auto res = attune::exploratory_factor_analysis(r, 100, o);
  bool found = false;
  for (const auto& w : res.warnings) found = found || w.find("Heywood") != std::string::npos;
  EXPECT_TRUE(res.heywood);
  EXPECT_TRUE(found);
}

TEST(Factor, NonConvergenceIsAWarning) {
  const Eigen::MatrixXd r = read_factor_matrix("cor_bfi25.csv");
  attune::efa_options o;
  o.n_factors = 5;
  o.max_iterations = 1;  // neither the extraction nor the rotation can finish in one step
  const auto res = attune::exploratory_factor_analysis(r, 2800, o);
  EXPECT_FALSE(res.converged);
  bool extraction = false, rotation = false;
  for (const auto& w : res.warnings) {
    extraction = extraction || w.find("extraction did not converge") != std::string::npos;
    rotation = rotation || w.find("rotation did not converge") != std::string::npos;
  }
  EXPECT_TRUE(extraction);
  EXPECT_TRUE(rotation);
  EXPECT_TRUE(res.loadings.allFinite());
}

TEST(Factor, SingularMatrixIsAWarningNotACrash) {
  Eigen::MatrixXd r = Eigen::MatrixXd::Constant(4, 4, 0.5);
  r.diagonal().setOnes();
  r(0, 1) = r(1, 0) = 1.0;  // items 1 and 2 identical: singular
  const auto res = attune::exploratory_factor_analysis(r, 100);
  bool found = false;
  for (const auto& w : res.warnings) found = found || w.find("singular") != std::string::npos;
  EXPECT_TRUE(found);
  EXPECT_TRUE(res.loadings.allFinite());
}

TEST(Factor, ErrorsNameTheProblem) {
  auto expect_error = [](auto&& fn, attune::errc code, const std::string& text) {
    try {
      fn();
      ADD_FAILURE() << "no error for " << text;
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  const Eigen::MatrixXd r = read_factor_matrix("cor_two.csv");
  attune::efa_options o;
  o.n_factors = 10;
  expect_error([&] { (void)attune::exploratory_factor_analysis(r, 600, o); }, attune::errc::insufficient_data, "10 factors");
  o.n_factors = 0;
  expect_error([&] { (void)attune::exploratory_factor_analysis(r, 600, o); }, attune::errc::invalid_argument, "n_factors = 0");
  Eigen::MatrixXd bad = r;
  bad(2, 3) = std::nan("");
  expect_error([&] { (void)attune::exploratory_factor_analysis(bad, 600); }, attune::errc::bad_input, "(3, 4)");
  Eigen::MatrixXd asym = r;
  asym(0, 1) += 0.1;
  expect_error([&] { (void)attune::exploratory_factor_analysis(asym, 600); }, attune::errc::bad_input, "not symmetric");
  expect_error([&] { (void)attune::exploratory_factor_analysis(Eigen::MatrixXd::Ones(2, 3), 600); }, attune::errc::bad_input,
               "square");
  EXPECT_FALSE(attune::parse_factor_rotation("promax").has_value());
  EXPECT_FALSE(attune::parse_factor_method("pa").has_value());
  EXPECT_EQ(attune::parse_factor_rotation("geominQ"), attune::factor_rotation::geomin);
  EXPECT_EQ(attune::to_string(attune::factor_rotation::geomin), "geomin");
  expect_error([&] { (void)attune::schmid_leiman(r, 600, {.n_factors = 3, .rotation = attune::factor_rotation::varimax}); },
               attune::errc::invalid_argument, "oblique");
  attune::parallel_options po;
  po.quantile = 1.5;
  expect_error([&] { (void)attune::parallel_analysis(r, 600, po); }, attune::errc::invalid_argument, "quantile");
}

TEST(ParallelAnalysis, SuggestsTwoFactorsForTwoFactorData) {
  const Eigen::MatrixXd r = read_factor_matrix("cor_two.csv");
  attune::parallel_options po;
  po.replicates = 50;
  po.seed = 42;
  po.threads = 1;
  const auto a = attune::parallel_analysis(r, 600, po);
  EXPECT_EQ(a.suggested_factors, 2);
  EXPECT_EQ(a.suggested_components, 2);
  po.threads = 3;
  const auto b = attune::parallel_analysis(r, 600, po);
  EXPECT_EQ(a.simulated_factors, b.simulated_factors);  // same seed, any thread count
}

}  // namespace
