// attune correlate: pairwise Pearson and polychoric matrices, formats, errors.
#include <cstdlib>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attune/report/table.hpp"
#include "factor_golden_io.hpp"
#include "test_support.hpp"

namespace {

using attune::test::data_path;
using attune::test::read_factor_matrix;
using attune::test::run_cli;

constexpr double golden_tol = 1e-4;  // psych::polychoric; R cor(use = "pairwise") is exact to 1e-12

Eigen::MatrixXd matrix_of(const nlohmann::json& a) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(a.size()), static_cast<Eigen::Index>(a[0].size()));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a[i].size(); ++j)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = a[i][j].is_null() ? std::nan("") : a[i][j].get<double>();
  return m;
}

TEST(CliCorrelate, PearsonJsonMatchesR) {
  // R: cor(two, use = "pairwise") (tests/golden/factor.R, cor_two.csv)
  const auto r = run_cli("correlate '" + data_path("factor/two_factor.csv") + "' --items I1-I10 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["items"].size(), 10u);
  EXPECT_EQ(j["items"][0], "I1");
  EXPECT_EQ(j["study"], "correlate");
  EXPECT_EQ(j["correlation"]["method"], "pearson");
  EXPECT_LT((matrix_of(j["correlation"]["matrix"]) - read_factor_matrix("cor_two.csv")).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_EQ(j["n_rows"], 600);
  EXPECT_TRUE(j["correlation"]["standard_errors"].is_null());
}

TEST(CliCorrelate, PolychoricJsonMatchesPsych) {
  // psych::polychoric(two)$rho
  const auto r = run_cli("correlate '" + data_path("factor/two_factor.csv") + "' --items I1-I10 --method polychoric");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& c = j["correlation"];
  EXPECT_LT((matrix_of(c["matrix"]) - read_factor_matrix("poly_two_rho.csv")).cwiseAbs().maxCoeff(), golden_tol);
  EXPECT_EQ(c["standard_errors"].size(), 10u);
  EXPECT_EQ(c["smoothed"], false);
}

TEST(CliCorrelate, CsvAndTableFormats) {
  const auto c = run_cli("correlate '" + data_path("factor/two_factor.csv") + "' --items I1,I2,I3 --format csv");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out.substr(0, c.out.find('\n')), "item,I1,I2,I3");
  EXPECT_NE(c.out.find("\nI1,1,"), std::string::npos);
  const auto t = run_cli("correlate '" + data_path("factor/two_factor.csv") + "' --items I1,I2,I3 --format table");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("pearson correlations, 3 items, 600 rows"), std::string::npos);
  // As R prints round(cor(two[, 1:3], use = "pairwise"), 2).
  EXPECT_NE(t.out.find("     I1   I2   I3\nI1 1.00 "), std::string::npos) << t.out;
}

TEST(CliCorrelate, TableWrapsToTheWidthAsRPrintsRound2) {
  // R 4: m <- matrix(c(1,-0.42,0.5, -0.42,1,0.123, 0.5,0.123,1), 3), named a, bb, Q10;
  // print(round(m, 2)) at the default width, then with options(width = 20): the same text.
  Eigen::MatrixXd m(3, 3);
  m << 1, -0.42, 0.5, -0.42, 1, 0.123, 0.5, 0.123, 1;
  const std::vector<std::string> names{"a", "bb", "Q10"};
  ::unsetenv("COLUMNS");
  EXPECT_EQ(attune::correlation_matrix_text(names, m),
            "        a    bb  Q10\n"
            "a    1.00 -0.42 0.50\n"
            "bb  -0.42  1.00 0.12\n"
            "Q10  0.50  0.12 1.00\n");
  ::setenv("COLUMNS", "20", 1);
  EXPECT_EQ(attune::correlation_matrix_text(names, m),
            "        a    bb\n"
            "a    1.00 -0.42\n"
            "bb  -0.42  1.00\n"
            "Q10  0.50  0.12\n"
            "\n"
            "     Q10\n"
            "a   0.50\n"
            "bb  0.12\n"
            "Q10 1.00\n");
  // The CLI's tables wrap the same way: every line of a 10-item matrix shorter than 40.
  ::setenv("COLUMNS", "40", 1);
  const auto t = run_cli("correlate '" + data_path("factor/two_factor.csv") + "' --items I1-I10 --format table");
  ::unsetenv("COLUMNS");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  std::size_t blocks = 0;
  for (std::size_t start = 0, end = 0; start < t.out.size(); start = end + 1) {
    end = t.out.find('\n', start);
    const std::string line = t.out.substr(start, end - start);
    if (line.rfind("warning", 0) == 0 || line.find("correlations") != std::string::npos) continue;
    EXPECT_LT(line.size(), 40u) << line;
    if (line.rfind("    ", 0) == 0) ++blocks;  // a header line (blank row-name column)
  }
  EXPECT_GE(blocks, 2u) << t.out;
}

TEST(CliCorrelate, StdinAndOutputFile) {
  const std::string out = attune::test::temp_path("correlate_out.json");
  const auto r = run_cli("correlate - --items a,b -o '" + out + "'", "a,b\n1,2\n2,3\n3,3\n4,5\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(attune::test::read_file(out));
  EXPECT_NEAR(j["correlation"]["matrix"][0][1].get<double>(), 0.92338051687663869, 1e-12);  // R: cor(1:4, c(2,3,3,5))
}

TEST(CliCorrelate, ErrorsExitOneWithAMessage) {
  const auto none = run_cli("correlate '" + data_path("factor/two_factor.csv") + "'");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("--items"), std::string::npos);
  const auto method = run_cli("correlate '" + data_path("factor/two_factor.csv") + "' --items I1,I2 --method spearman");
  EXPECT_EQ(method.exit_code, 1);
  const auto frac = run_cli("correlate - --items a,b --method polychoric", "a,b\n1,2\n2.5,3\n3,3\n");
  EXPECT_EQ(frac.exit_code, 1);
  EXPECT_NE(frac.err.find("not an integer"), std::string::npos);
  const auto one = run_cli("correlate - --items a", "a,b\n1,2\n2,3\n");
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_NE(one.err.find("at least 2"), std::string::npos);
}

}  // namespace
