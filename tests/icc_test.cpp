// Intraclass correlations against R psych::ICC (golden files of tests/golden/reliability.R).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "attune/core/error.hpp"
#include "attune/analyses/icc.hpp"
#include "reliability_golden_io.hpp"
#include "test_support.hpp"

namespace {

using namespace attune::test;  // NOLINT: the golden readers, tolerances and EXPECT_REL

const auto* const report = ::testing::AddGlobalTestEnvironment(new report_deviation);

TEST(IccGolden, SixForms) {
  // psych::ICC(x, lmer = FALSE, alpha = 1 - level)$results.
  for (const char* c : {"icc_sf", "icc_retest"}) {
    const Eigen::MatrixXd x = read_matrix(dir(std::string(c) + ".csv"), true);
    for (int level : {95, 90}) {
      const auto g = read_golden(dir(std::string(c) + "_" + std::to_string(level) + "_golden.csv"));
      attune::icc_options o;
      o.level = level / 100.0;
      const attune::icc_result r = attune::analyze_icc(x, o);
      ASSERT_EQ(r.rows.size(), 6u);
      EXPECT_REL(r.ms_within, get(g, "MSW"), psych_tol, "MSW");
      for (const auto& row : r.rows) {
        SCOPED_TRACE(std::string(c) + " " + row.type + " level " + std::to_string(level));
        EXPECT_REL(row.icc, get(g, row.type + ".icc"), psych_tol, "ICC");
        EXPECT_REL(row.f, get(g, row.type + ".f"), psych_tol, "F");
        EXPECT_EQ(row.df1, get(g, row.type + ".df1"));
        EXPECT_EQ(row.df2, get(g, row.type + ".df2"));
        EXPECT_REL(row.p, get(g, row.type + ".p"), psych_tol, "p");
        EXPECT_REL(row.ci.lower, get(g, row.type + ".lower"), psych_tol, "lower bound");
        EXPECT_REL(row.ci.upper, get(g, row.type + ".upper"), psych_tol, "upper bound");
      }
    }
  }
}

TEST(Icc, MissingRowsAreDroppedWithAWarning) {
  const Eigen::MatrixXd x = read_matrix(dir("icc_sf.csv"), true);
  Eigen::MatrixXd y(x.rows() + 1, x.cols());
  y << x, Eigen::RowVectorXd::Constant(x.cols(), nan_value);
  const auto a = attune::analyze_icc(x), b = attune::analyze_icc(y);
  EXPECT_EQ(b.n, static_cast<double>(x.rows()));
  EXPECT_EQ(a.rows[1].icc, b.rows[1].icc);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("1 row(s)"), std::string::npos);
}

TEST(IccErrors, Options) {
  const Eigen::MatrixXd x = read_matrix(dir("two_items.csv"), true);
  attune::icc_options io;
  io.level = 0;
  expect_error([&] { attune::analyze_icc(x, io); }, attune::errc::invalid_argument, "level = 0");
  expect_error([] { attune::analyze_icc(Eigen::MatrixXd::Ones(5, 1)); }, attune::errc::insufficient_data, "1 rater");
}

bool has_warning(const attune::icc_result& r, const std::string& fragment) {
  return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const std::string& w) { return w.find(fragment) != std::string::npos; });
}

TEST(IccDegenerate, PerfectAgreementIsOneWithAnUndefinedIntervalAndAWarning) {
  // Issue 10, F6: [[1,1],[2,2],[3,3]] made boost throw domain_error (Satterthwaite df 0/0).
  Eigen::MatrixXd x(3, 2);
  x << 1, 1, 2, 2, 3, 3;
  const auto r = attune::analyze_icc(x);
  ASSERT_EQ(r.rows.size(), 6u);
  for (const auto& row : r.rows) {
    SCOPED_TRACE(row.type);
    EXPECT_DOUBLE_EQ(row.icc, 1.0);  // MSW = MSE = 0: (MSB - 0) / MSB
    EXPECT_TRUE(std::isnan(row.ci.lower));
    EXPECT_TRUE(std::isnan(row.ci.upper));
    EXPECT_EQ(row.p, 0.0);  // F = inf
  }
  EXPECT_TRUE(has_warning(r, "confidence intervals of ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k are undefined"));
  EXPECT_TRUE(has_warning(r, "the raters agree perfectly"));
}

TEST(IccDegenerate, ConstantRatingsGiveNaNWithAWarning) {
  const auto r = attune::analyze_icc(Eigen::MatrixXd::Constant(4, 3, 5.0));
  for (const auto& row : r.rows) EXPECT_TRUE(std::isnan(row.icc)) << row.type;
  EXPECT_TRUE(has_warning(r, "ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k undefined (NaN): every rating is the same"));
}

TEST(IccDegenerate, RatersThatDifferByAConstant) {
  // MSE = 0: consistency ICC(3) = 1 (undefined interval), absolute agreement ICC(1) < 1.
  Eigen::MatrixXd x(4, 2);
  x << 1, 2, 2, 3, 3, 4, 5, 6;
  const auto r = attune::analyze_icc(x);
  EXPECT_DOUBLE_EQ(r.rows[2].icc, 1.0);
  EXPECT_TRUE(std::isnan(r.rows[2].ci.lower));
  EXPECT_LT(r.rows[0].icc, 1.0);
  EXPECT_TRUE(std::isfinite(r.rows[0].ci.lower));
  EXPECT_TRUE(has_warning(r, "MSE is 0"));
}

TEST(IccDegenerate, HugeAndTinyRatingsGiveTheSameIccs) {
  // The ICCs do not depend on the unit; squares of 1e200 overflow and of 1e-170 underflow, so the
  // analysis rescales by a power of two. Reference: the same ratings on the 1-7 scale.
  const Eigen::MatrixXd x = read_matrix(dir("icc_sf.csv"), true);
  const auto ref = attune::analyze_icc(x);
  for (double unit : {1e200, 1e-170, 4.9406564584124654e-324 * 1024}) {
    SCOPED_TRACE(unit);
    const auto r = attune::analyze_icc(x * unit);
    for (std::size_t t = 0; t < 6; ++t) {
      EXPECT_NEAR(r.rows[t].icc, ref.rows[t].icc, 1e-12);
      EXPECT_NEAR(r.rows[t].ci.lower, ref.rows[t].ci.lower, 1e-12);
      EXPECT_NEAR(r.rows[t].ci.upper, ref.rows[t].ci.upper, 1e-12);
    }
  }
  EXPECT_TRUE(has_warning(attune::analyze_icc(x * 1e200), "overflow a double"));
}

}  // namespace
