// attune reliability --format json: the omega fields added by the factor module (issue 4).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "factor_golden_io.hpp"
#include "test_support.hpp"

namespace {

using attune::test::data_path;
using attune::test::read_factor_matrix;
using attune::test::run_cli;

constexpr double omega_tol = 1e-4;  // psych::omega

TEST(CliReliabilityOmega, JsonCarriesOmegaAndOrdinalAlpha) {
  const auto r = run_cli("reliability '" + data_path("factor/two_factor.csv") +
                         "' --items I1-I10 --format json --bootstrap 40 --seed 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& s = j["scales"][0];
  ASSERT_TRUE(s.contains("omega")) << s.dump();
  const auto& om = s["omega"];
  // omega(cor(two, use = "pairwise"), nfactors = 3): omega_h, omega.tot, omega.lim, ..., ECV
  const Eigen::MatrixXd g = read_factor_matrix("omega_two.csv");
  EXPECT_NEAR(om["hierarchical"].get<double>(), g(0, 0), omega_tol);
  EXPECT_NEAR(om["total"].get<double>(), g(0, 1), omega_tol);
  EXPECT_NEAR(om["hierarchical_asymptotic"].get<double>(), g(0, 2), omega_tol);
  EXPECT_NEAR(om["ecv"].get<double>(), g(0, 5), omega_tol);
  EXPECT_EQ(om["nfactors"], 3);
  ASSERT_EQ(om["ci"].size(), 2u);
  EXPECT_LT(om["ci"][0].get<double>(), om["total"].get<double>());
  EXPECT_GT(om["ci"][1].get<double>(), om["total"].get<double>());
  // ordinal alpha = standardized alpha of psych::polychoric(two)$rho
  const Eigen::MatrixXd p = read_factor_matrix("poly_two_rho.csv");
  const double k = static_cast<double>(p.rows());
  EXPECT_NEAR(s["ordinal_alpha"].get<double>(), k / (k - 1) * (1 - k / p.sum()), omega_tol);
}

}  // namespace
