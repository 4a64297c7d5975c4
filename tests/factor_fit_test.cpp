// Tests of the EFA fit block (analyses/factor_fit.hpp) and of the factor study's fit and parallel
// analysis: golden values from R psych 2.2.9 fa (tests/golden/factor_fit.R) on bfi (25 items,
// missing answers, pair counts) and on the ECR-R sample (keyed, 2 factors).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attune/analyses/factor.hpp"
#include "attune/analyses/factor_fit.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/factor.hpp"
#include "factor_golden_io.hpp"
#include "test_support.hpp"

namespace {

std::map<std::string, double> golden(const std::string& name) {
  std::ifstream in(attune::test::data_path("factor/" + name));
  std::map<std::string, double> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    out[line.substr(0, comma)] = std::stod(line.substr(comma + 1));
  }
  return out;
}

// Every statistic within 1e-4 (relative for those above 1, as chi-squares of thousands), the
// p-values relative to their size.
void expect_fit(const attune::efa_fit& f, const std::map<std::string, double>& r) {
  ASSERT_EQ(r.size(), 18U);
  const std::map<std::string, double> ours = {
      {"objective", f.objective},   {"chisq", f.chisq},
      {"df", f.df},                 {"pvalue", f.pvalue},
      {"null_chisq", f.null_chisq}, {"null_df", f.null_df},
      {"tli", f.tli},               {"rmsea", f.rmsea},
      {"rmsea_lower", f.rmsea_lower}, {"rmsea_upper", f.rmsea_upper},
      {"bic", f.bic},               {"empirical_chisq", f.empirical_chisq},
      {"empirical_pvalue", f.empirical_pvalue}, {"empirical_bic", f.empirical_bic},
      {"rmsr", f.rmsr},             {"crms", f.crms},
      {"n_obs", f.n_obs},           {"n_harmonic", f.n_harmonic}};
  for (const auto& [name, expected] : r) {
    const double actual = ours.at(name);
    if (name == "pvalue" || name == "empirical_pvalue") {
      // p-values as small as 1e-264: compared on the log scale.
      EXPECT_LE(std::abs(std::log(actual) - std::log(expected)), 1e-4 * std::max(1.0, std::abs(std::log(expected))))
          << name << ": " << actual << " vs psych " << expected;
    } else if (name == "bic" || name == "empirical_bic") {
      // BIC = chi-square - df log N: its error is the chi-square's (psych's ml stops its optimizer
      // earlier, ~1e-6 in the loadings), so it is compared relative to the chi-square's size.
      const double chi = r.at(name == "bic" ? "chisq" : "empirical_chisq");
      EXPECT_LE(std::abs(actual - expected), 1e-4 * std::max(1.0, chi)) << name << ": " << actual << " vs psych " << expected;
    } else {
      EXPECT_LE(std::abs(actual - expected), 1e-4 * std::max(1.0, std::abs(expected)))
          << name << ": " << actual << " vs psych " << expected;
    }
  }
}

TEST(EfaFit, EqualsPsychFaOnBfiWithPairCounts) {
  const Eigen::MatrixXd x = attune::test::read_factor_matrix("bfi25.csv", /*header=*/true);
  attune::pairwise_moments pm(x.cols());
  pm.add(x);
  const Eigen::MatrixXd r = pm.correlation();
  for (const auto method : {attune::factor_method::minres, attune::factor_method::ml}) {
    SCOPED_TRACE(std::string(attune::to_string(method)));
    attune::efa_options o;
    o.n_factors = 5;
    o.method = method;
    const auto e = attune::exploratory_factor_analysis(r, x.rows(), o);
    const auto f = attune::efa_fit_statistics(r, e, x.rows(), pm.counts());
    expect_fit(f, golden(std::string("fit_bfi25_") + (method == attune::factor_method::ml ? "ml" : "minres") + ".csv"));
    EXPECT_DOUBLE_EQ(f.rmsea_level, 0.90);
    EXPECT_FALSE(f.smoothed);
  }
}

TEST(EfaFit, EqualsPsychFaOnTheEcrRSampleThroughTheStudy) {
  attune::factor_study_options o;
  o.input.read.id_column = "id";
  const auto s = attune::study_factor(*attune::find_builtin("ecr-r"),
                                      attune::test::source_path("examples/data/ecr-r-sample.csv"), o);
  ASSERT_TRUE(s.fit.has_value());
  expect_fit(*s.fit, golden("fit_ecr_r_sample_minres.csv"));
  // In the JSON under efa.fit with the CFA's names.
  const auto j = nlohmann::json::parse(attune::to_json(s));
  for (const char* key : {"chisq", "df", "pvalue", "tli", "rmsea", "rmsea_lower", "rmsea_upper", "bic", "rmsr"}) {
    EXPECT_TRUE(j["efa"]["fit"].contains(key)) << key;
  }
  EXPECT_NEAR(j["efa"]["fit"]["tli"].get<double>(), golden("fit_ecr_r_sample_minres.csv").at("tli"), 1e-4);
  EXPECT_NE(attune::to_table(s).find("TLI"), std::string::npos);
}

TEST(EfaFit, WithoutCountsEveryPairHasN) {
  const Eigen::MatrixXd r = attune::test::read_factor_matrix("cor_bfi25.csv");
  attune::efa_options o;
  o.n_factors = 5;
  const auto e = attune::exploratory_factor_analysis(r, 2800, o);
  const auto f = attune::efa_fit_statistics(r, e, 2800);
  const Eigen::MatrixXd counts = Eigen::MatrixXd::Constant(25, 25, 2800.0);
  const auto g = attune::efa_fit_statistics(r, e, 2800, counts);
  EXPECT_NEAR(f.empirical_chisq, g.empirical_chisq, 1e-8 * g.empirical_chisq);
  EXPECT_NEAR(f.rmsr, g.rmsr, 1e-14);
  EXPECT_NEAR(f.crms, g.crms, 1e-14);
  EXPECT_DOUBLE_EQ(f.n_harmonic, 2800.0);
  // Without N: the likelihood statistics are undefined, the residual ones are not.
  const auto h = attune::efa_fit_statistics(r, e, 0);
  EXPECT_TRUE(std::isnan(h.chisq));
  EXPECT_TRUE(std::isnan(h.rmsea));
  EXPECT_NEAR(h.rmsr, f.rmsr, 1e-14);
  EXPECT_THROW(attune::efa_fit_statistics(r, e, 2800, Eigen::MatrixXd::Ones(3, 3)), attune::error);
  attune::efa_fit_options bad;
  bad.level = 1.5;
  EXPECT_THROW(attune::efa_fit_statistics(r, e, 2800, {}, bad), attune::error);
}

TEST(EfaFit, ParallelAnalysisSuggestsWhatPsychFaParallelDoes) {
  // psych fa.parallel(n.iter = 100, SMC = TRUE, quant = .95), attune's rule: 8 factors and 6
  // components for bfi, 2 and 2 for the ECR-R sample (fit_parallel.csv). The simulations differ,
  // so only the suggestions are compared.
  std::ifstream in(attune::test::data_path("factor/fit_parallel.csv"));
  std::string line;
  std::getline(in, line);
  std::map<std::string, std::pair<int, int>> psych;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string data, f, c;
    std::getline(row, data, ',');
    std::getline(row, f, ',');
    std::getline(row, c, ',');
    psych[data] = {std::stoi(f), std::stoi(c)};
  }
  attune::factor_study_options o;
  o.parallel = true;
  const auto s = attune::study_factor(*attune::find_builtin("ecr-r"),
                                      attune::test::source_path("examples/data/ecr-r-sample.csv"), o);
  ASSERT_TRUE(s.parallel.has_value());
  EXPECT_EQ(s.parallel->suggested_factors, psych.at("ecr_r_sample").first);
  EXPECT_EQ(s.parallel->suggested_components, psych.at("ecr_r_sample").second);
  EXPECT_EQ(s.parallel_replicates, 100);
  EXPECT_NE(attune::to_table(s).find("suggests 2 factor(s)"), std::string::npos);
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(j["parallel"]["suggested_factors"], 2);
  EXPECT_EQ(j["parallel"]["replicates"], 100);

  const Eigen::MatrixXd x = attune::test::read_factor_matrix("bfi25.csv", /*header=*/true);
  attune::pairwise_moments pm(x.cols());
  pm.add(x);
  const auto p = attune::parallel_analysis(pm.correlation(), x.rows(), attune::parallel_options{});
  EXPECT_EQ(p.suggested_factors, psych.at("bfi25").first);
  EXPECT_EQ(p.suggested_components, psych.at("bfi25").second);
}

}  // namespace
