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
        EXPECT_REL(row.lower, get(g, row.type + ".lower"), psych_tol, "lower bound");
        EXPECT_REL(row.upper, get(g, row.type + ".upper"), psych_tol, "upper bound");
      }
    }
  }
}

TEST(Icc, MissingRowsAreDroppedWithAWarning) {
  const Eigen::MatrixXd x = read_matrix(dir("icc_sf.csv"), true);
  Eigen::MatrixXd y(x.rows() + 1, x.cols());
  y << x, Eigen::RowVectorXd::Constant(x.cols(), nan_value);
  const auto a = attune::analyze_icc(x), b = attune::analyze_icc(y);
  EXPECT_EQ(b.n_subjects, static_cast<double>(x.rows()));
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

}  // namespace
