// EFA fit on raw data (psych's objective and pairwise-weighted RMSR) and factor scores, against
// psych 2.2.9 (tests/golden/factor_scores.R).
#include "attune/analyses/factor_scores.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "attune/analyses/moments.hpp"
#include "attune/core/error.hpp"
#include "factor_golden_io.hpp"

namespace {

using attune::test::read_factor_matrix;

constexpr double psych_tol = 1e-4;  // the tolerance against psych::fa

std::map<std::string, double> fit_golden() {
  std::map<std::string, double> g;
  std::ifstream in(attune::test::data_path("factor/fit_raw_golden.csv"));
  std::string line;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    g[line.substr(0, comma)] = std::stod(line.substr(comma + 1));
  }
  return g;
}

struct raw_fit {
  Eigen::MatrixXd r;
  attune::efa_result efa;
};

// psych::fa on raw data: pairwise correlations, n.obs = rows, np.obs = the pairwise counts.
raw_fit fit_raw(const Eigen::MatrixXd& x, int m, attune::factor_method method) {
  attune::pairwise_moments pm(x.cols());
  pm.add(x);
  raw_fit out;
  out.r = pm.correlation();
  attune::efa_options o;
  o.n_factors = m;
  o.method = method;
  o.pair_counts = pm.counts();
  out.efa = attune::exploratory_factor_analysis(out.r, x.rows(), o);
  return out;
}

// psych prints F_ML as `objective` for minres too (attune used to report the minres criterion
// there); with missing answers RMSR weights the residuals by the pair counts.
TEST(EfaFit, ObjectiveAndRmsrAsPsychOnRawData) {
  const auto g = fit_golden();
  for (const auto& [name, file, m] : {std::tuple{"bfi25", "bfi25.csv", 5}, std::tuple{"two", "two_factor.csv", 2}}) {
    const Eigen::MatrixXd x = read_factor_matrix(file, true);
    for (const auto method : {attune::factor_method::minres, attune::factor_method::ml}) {
      const std::string key = std::string(name) + "_" + std::string(attune::to_string(method));
      SCOPED_TRACE(key);
      const auto f = fit_raw(x, m, method);
      EXPECT_NEAR(f.efa.objective, g.at(key + "_objective"), psych_tol);
      EXPECT_NEAR(f.efa.rmsr, g.at(key + "_rms"), psych_tol);
      if (method == attune::factor_method::ml) EXPECT_EQ(f.efa.criterion, f.efa.objective);
      else EXPECT_LT(f.efa.criterion, f.efa.objective);
    }
  }
  // Without pair counts RMSR is unweighted; with equal counts the weighting changes nothing.
  const Eigen::MatrixXd x = read_factor_matrix("two_factor.csv", true);
  const auto weighted = fit_raw(x, 2, attune::factor_method::minres);
  attune::efa_options o{.n_factors = 2};
  const auto plain = attune::exploratory_factor_analysis(weighted.r, x.rows(), o);
  EXPECT_GT(std::abs(plain.rmsr - weighted.efa.rmsr), 1e-6);
  o.pair_counts = Eigen::MatrixXd::Constant(10, 10, 600);
  EXPECT_NEAR(attune::exploratory_factor_analysis(weighted.r, x.rows(), o).rmsr, plain.rmsr, 1e-15);
  o.pair_counts = Eigen::MatrixXd::Constant(3, 3, 600);
  attune::test::expect_error([&] { (void)attune::exploratory_factor_analysis(weighted.r, x.rows(), o); },
                             attune::errc::invalid_argument, {"efa_options.pair_counts must be a 10 x 10 matrix"});
}

TEST(FactorScores, MatchPsychFactorScores) {
  const Eigen::MatrixXd x = read_factor_matrix("two_factor.csv", true);
  const auto f = fit_raw(x, 2, attune::factor_method::minres);
  for (const auto& [method, name] : {std::pair{attune::factor_score_method::regression, "regression"},
                                     std::pair{attune::factor_score_method::bartlett, "bartlett"},
                                     std::pair{attune::factor_score_method::ten_berge, "tenberge"}}) {
    SCOPED_TRACE(name);
    const auto s = attune::factor_scores(x, f.r, f.efa, method);
    const Eigen::MatrixXd w = read_factor_matrix(std::string("scores_two_") + name + "_weights.csv");
    const Eigen::MatrixXd sc = read_factor_matrix(std::string("scores_two_") + name + "_scores.csv");
    ASSERT_EQ(s.weights.rows(), w.rows());
    ASSERT_EQ(s.scores.rows(), sc.rows());
    EXPECT_LT((s.weights - w).cwiseAbs().maxCoeff(), psych_tol);
    double worst = 0;
    int missing = 0;
    for (Eigen::Index i = 0; i < sc.rows(); ++i)
      for (Eigen::Index j = 0; j < sc.cols(); ++j) {
        EXPECT_EQ(std::isnan(s.scores(i, j)), std::isnan(sc(i, j))) << "row " << i + 1;
        if (std::isnan(sc(i, j))) ++missing;
        else worst = std::max(worst, std::abs(s.scores(i, j) - sc(i, j)));
      }
    EXPECT_LT(worst, psych_tol);
    EXPECT_GT(missing, 0);
  }
  // ten Berge scores correlate as the factors do (the defining property).
  const auto tb = attune::factor_scores(x, f.r, f.efa, attune::factor_score_method::ten_berge);
  EXPECT_NEAR(tb.score_correlations(0, 1), f.efa.phi(0, 1), 1e-10);
}

TEST(FactorScores, MethodNamesAndShapes) {
  EXPECT_EQ(attune::parse_factor_score_method("Thurstone"), attune::factor_score_method::regression);
  EXPECT_EQ(attune::parse_factor_score_method("tenBerge"), attune::factor_score_method::ten_berge);
  EXPECT_EQ(attune::parse_factor_score_method("Bartlett"), attune::factor_score_method::bartlett);
  EXPECT_FALSE(attune::parse_factor_score_method("anderson").has_value());
  const Eigen::MatrixXd x = read_factor_matrix("two_factor.csv", true);
  const auto f = fit_raw(x, 2, attune::factor_method::minres);
  attune::test::expect_error([&] { (void)attune::factor_scores(x.leftCols(9), f.r, f.efa, attune::factor_score_method::bartlett); },
                             attune::errc::bad_input, {"the data have 9 columns"});
}

}  // namespace
