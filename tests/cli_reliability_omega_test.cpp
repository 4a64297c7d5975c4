// Omega as `attune reliability` reports it per scale (issue 11): omega.total from a one-factor
// model (psych omega(x, nfactors = 1)) and omega.hierarchical, psych's default bifactor solution
// (omega(x): 3 group factors, minres, oblimin). Golden values: tests/golden/omega_scales.R.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/study/reliability.hpp"
#include "factor_golden_io.hpp"
#include "test_support.hpp"

namespace {

using attune::test::data_path;
using attune::test::read_factor_matrix;
using attune::test::run_cli;

constexpr double omega_tol = 1e-4;  // psych::omega prints 2 decimals; its minres/oblimin converge to ~1e-6

struct omega_golden {
  double one_factor, omega_h, omega_total, omega_lim, ecv;
};

std::map<std::string, omega_golden> golden() {
  std::ifstream in(data_path("study/omega_scales.csv"));
  std::string line;
  std::getline(in, line);  // header
  std::map<std::string, omega_golden> g;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name, v;
    std::getline(ls, name, ',');
    double x[5];
    for (double& d : x) {
      std::getline(ls, v, ',');
      d = std::stod(v);
    }
    g[name] = {x[0], x[1], x[2], x[3], x[4]};
  }
  return g;
}

void expect_omega(const attune::omega_estimates& om, const omega_golden& g, const std::string& name) {
  EXPECT_NEAR(om.total, g.one_factor, omega_tol) << name;
  ASSERT_TRUE(om.hierarchical.has_value()) << name;
  EXPECT_EQ(om.hierarchical->n_factors, 3) << name;
  EXPECT_NEAR(om.hierarchical->omega_hierarchical, g.omega_h, omega_tol) << name;
  EXPECT_NEAR(om.hierarchical->omega_total, g.omega_total, omega_tol) << name;
  EXPECT_NEAR(om.hierarchical->omega_hierarchical_asymptotic, g.omega_lim, omega_tol) << name;
  EXPECT_NEAR(om.hierarchical->ecv, g.ecv, omega_tol) << name;
}

TEST(StudyReliabilityOmega, SampleSubscalesEqualPsych) {
  const auto g = golden();
  const attune::instrument& ecr_r = *attune::find_builtin("ecr-r");
  attune::reliability_study_options o;
  o.reliability.split_half = false;
  const auto s = attune::study_reliability(&ecr_r, attune::test::source_path("examples/data/ecr-r-sample.csv"), o);
  ASSERT_EQ(s.scales.size(), 2u);
  for (const auto& sc : s.scales) {
    ASSERT_TRUE(sc.omega.has_value()) << sc.name;
    expect_omega(*sc.omega, g.at(sc.name), sc.name);
  }
}

TEST(StudyReliabilityOmega, TwoFactorDataEqualPsychAndOrdinalAlpha) {
  const auto g = golden();
  attune::reliability_study_options o;
  o.input.read.items = {"I1-I10"};
  o.ordinal = true;
  const auto s = attune::study_reliability(nullptr, data_path("factor/two_factor.csv"), o);
  ASSERT_EQ(s.scales.size(), 1u);
  ASSERT_TRUE(s.scales[0].omega.has_value());
  expect_omega(*s.scales[0].omega, g.at("two"), "two");
  // ordinal alpha = standardized alpha of psych::polychoric(two)$rho
  const Eigen::MatrixXd p = read_factor_matrix("poly_two_rho.csv");
  const double k = static_cast<double>(p.rows());
  ASSERT_TRUE(s.scales[0].ordinal_alpha.has_value());
  EXPECT_NEAR(*s.scales[0].ordinal_alpha, k / (k - 1) * (1 - k / p.sum()), omega_tol);
}

// Bootstrap intervals of both omegas, only when asked for; the same for any thread count.
TEST(StudyReliabilityOmega, BootstrapIntervalsWhenAskedFor) {
  attune::reliability_study_options o;
  o.input.read.items = {"I1-I10"};
  o.omega_bootstrap = 60;
  o.reliability.seed = 5;
  std::string first;
  for (int threads : {1, 2}) {
    o.reliability.threads = threads;
    const auto s = attune::study_reliability(nullptr, data_path("factor/two_factor.csv"), o);
    const auto& om = *s.scales[0].omega;
    ASSERT_TRUE(om.total_ci.has_value());
    ASSERT_TRUE(om.hierarchical_ci.has_value());
    EXPECT_TRUE(om.total_ci->contains(om.total)) << om.total_ci->lower << " " << om.total_ci->upper;
    EXPECT_TRUE(om.hierarchical_ci->contains(om.hierarchical->omega_hierarchical));
    EXPECT_EQ(om.total_ci->n, 600);
    EXPECT_EQ(om.total_ci->level, 0.95);
    const std::string text = attune::to_json(s);
    if (first.empty()) first = text;
    else EXPECT_EQ(text, first);
  }
}

TEST(CliReliabilityOmega, JsonAndTableCarryBothOmegas) {
  const auto r = run_cli("reliability '" + data_path("factor/two_factor.csv") + "' --items I1-I10 --format json --ordinal");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& om = j["scales"][0]["omega"];
  const auto g = golden().at("two");
  EXPECT_NEAR(om["total"].get<double>(), g.one_factor, omega_tol);
  EXPECT_NEAR(om["hierarchical"]["omega_hierarchical"].get<double>(), g.omega_h, omega_tol);
  EXPECT_NEAR(om["hierarchical"]["omega_total"].get<double>(), g.omega_total, omega_tol);
  EXPECT_TRUE(om["total_ci"].is_null());  // bootstrap intervals only when asked for
  EXPECT_TRUE(j["scales"][0]["ordinal_alpha"].is_number());
  const auto t = run_cli("reliability '" + data_path("factor/two_factor.csv") + "' --items I1-I10 --ordinal");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("Omega: total (one factor) 0.746"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("hierarchical 0.392"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Ordinal alpha (polychoric)"), std::string::npos) << t.out;
}

}  // namespace
