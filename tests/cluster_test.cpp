// Tests of attune/cluster.hpp: Ward clustering as R's hclust + cutree, and the adjusted Rand index.
//
// Golden values: tests/golden/profiles.R (R 4.2.2) wrote tests/data/profiles/<set>_ward.csv
// (hclust(dist(x), "ward.D" / "ward.D2"): merge matrix and heights in step order) and
// <set>_cutree.csv (cutree(tree, k), k = 2..6) for three sets: mixture (generated, N = 600, 2
// scores), sample (the two ECR-R scores of examples/data/ecr-r-sample.csv, N = 500, with
// duplicated points) and items (its 36 raw answers, N = 500, with missing answers, so R's dist
// rescales the sum of squares by p / present).
#include "attune/analyses/cluster.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "profiles_golden_io.hpp"
#include "test_support.hpp"

namespace {

using attune::adjusted_rand_index;
using attune::cut_tree;
using attune::errc;
using attune::hierarchical_tree;
using attune::ward_cluster;
using attune::ward_method;
using attune::ward_options;
using attune::test::expect_error;

// R prints heights with 17 significant digits; the same arithmetic in the same order agrees to
// rounding, and the issue asks for 1e-10.
constexpr double height_tolerance = 1e-10;
const double nan_v = std::numeric_limits<double>::quiet_NaN();

// A CSV with a header of numbers ("NA" or empty = NaN); `skip` leading columns dropped.
Eigen::MatrixXd read_matrix(const std::string& name) { return attune::test::read_profiles_matrix(name); }

Eigen::MatrixXd read_data(const std::string& set) {
  if (set != "items") return attune::test::read_profiles_scores(set);
  // items: the sample's Q1..Q36 (column 0 is the id).
  const auto rows = attune::test::parse_csv(attune::test::read_file(attune::test::source_path("examples/data/ecr-r-sample.csv")));
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size() - 1), 36);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    for (std::size_t j = 1; j <= 36; ++j) {
      const std::string& c = j < rows[i].size() ? rows[i][j] : std::string();
      m(static_cast<Eigen::Index>(i - 1), static_cast<Eigen::Index>(j - 1)) = c.empty() ? nan_v : std::stod(c);
    }
  }
  return m;
}

struct golden_tree {
  Eigen::MatrixXi merge;
  std::vector<double> height;
};

golden_tree read_golden_tree(const std::string& set, const std::string& method) {
  const auto rows = attune::test::parse_csv(attune::test::read_file(attune::test::data_path("profiles/" + set + "_ward.csv")));
  golden_tree g;
  std::vector<std::array<int, 2>> m;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][0] != method) continue;
    m.push_back({std::stoi(rows[i][2]), std::stoi(rows[i][3])});
    g.height.push_back(std::stod(rows[i][4]));
  }
  g.merge.resize(static_cast<Eigen::Index>(m.size()), 2);
  for (std::size_t i = 0; i < m.size(); ++i) {
    g.merge(static_cast<Eigen::Index>(i), 0) = m[i][0];
    g.merge(static_cast<Eigen::Index>(i), 1) = m[i][1];
  }
  return g;
}

ward_options with_method(ward_method m) {
  ward_options o;
  o.method = m;
  return o;
}

class WardGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(WardGolden, MergeHeightsAndCutsEqualRHclustAndCutree) {
  const std::string set = GetParam();
  const Eigen::MatrixXd x = read_data(set);
  const Eigen::MatrixXd cuts = read_matrix(set + "_cutree.csv");
  int column = 0;
  for (const ward_method method : {ward_method::ward_d, ward_method::ward_d2}) {
    SCOPED_TRACE(set + " " + std::string(attune::to_string(method)));
    const hierarchical_tree tree = ward_cluster(x, with_method(method));
    const golden_tree g = read_golden_tree(set, std::string(attune::to_string(method)));
    ASSERT_EQ(tree.n, static_cast<std::size_t>(x.rows()));
    ASSERT_EQ(tree.height.size(), g.height.size());
    double worst = 0.0;
    for (std::size_t s = 0; s < g.height.size(); ++s) {
      worst = std::max(worst, std::abs(tree.height[s] - g.height[s]) / std::max(1.0, std::abs(g.height[s])));
    }
    EXPECT_LE(worst, height_tolerance);
    // The same merges in the same order, ties included (R's nearest-neighbour list order).
    EXPECT_EQ(tree.merge, g.merge);
    for (std::size_t k = 2; k <= 6; ++k, ++column) {
      const std::vector<int> ours = cut_tree(tree, k);
      std::vector<int> theirs(ours.size());
      for (std::size_t i = 0; i < ours.size(); ++i) {
        theirs[i] = static_cast<int>(cuts(static_cast<Eigen::Index>(i), column));
      }
      EXPECT_DOUBLE_EQ(adjusted_rand_index(ours, theirs), 1.0) << "k = " << k;
      EXPECT_EQ(ours, theirs) << "k = " << k << " (R numbers clusters by first appearance)";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Sets, WardGolden, ::testing::Values("mixture", "sample", "items"));

TEST(Ward, ItemsWithMissingAnswersAreRescaledAsRDist) {
  const Eigen::MatrixXd x = read_data("items");
  const hierarchical_tree tree = ward_cluster(x);
  EXPECT_GT(tree.n_partial, 0u);
  EXPECT_EQ(tree.n_missing, 0u);
  bool said = false;
  for (const auto& w : tree.warnings) said = said || w.find("p / present") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(Ward, HandComputedLine) {
  // Points 0, 1, 3, 7. ward.D2 on squared distances: {0,1} at 1; then {0,1}+3 at
  // sqrt(2*1/3 * 2.5^2) = sqrt(25/3); then +7 at sqrt(3*1/4 * (7 - 4/3)^2) = sqrt(289/6).
  Eigen::MatrixXd x(4, 1);
  x << 0, 1, 3, 7;
  const hierarchical_tree t2 = ward_cluster(x, with_method(ward_method::ward_d2));
  ASSERT_EQ(t2.height.size(), 3u);
  EXPECT_NEAR(t2.height[0], 1.0, 1e-15);
  EXPECT_NEAR(t2.height[1], std::sqrt(25.0 / 3.0), 1e-14);
  EXPECT_NEAR(t2.height[2], std::sqrt(289.0 / 6.0), 1e-14);
  Eigen::MatrixXi merge(3, 2);
  merge << -1, -2, -3, 1, -4, 2;
  EXPECT_EQ(t2.merge, merge);
  EXPECT_EQ(t2.order, (std::vector<int>{4, 3, 1, 2}));
  EXPECT_EQ(cut_tree(t2, 2), (std::vector<int>{1, 1, 1, 2}));
  EXPECT_EQ(cut_tree(t2, 4), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(cut_tree(t2, 1), (std::vector<int>{1, 1, 1, 1}));
  // ward.D: the same update on unsquared distances: {0,1} at 1; d({0,1},3) = (2*3 + 2*2 - 1)/3 = 3,
  // d({0,1},7) = (2*7 + 2*6 - 1)/3 = 25/3, d(3,7) = 4: {0,1}+3 at 3; then
  // (3*25/3 + 2*4 - 1*3)/4 = 30/4.
  const hierarchical_tree t1 = ward_cluster(x, with_method(ward_method::ward_d));
  EXPECT_NEAR(t1.height[0], 1.0, 1e-15);
  EXPECT_NEAR(t1.height[1], 3.0, 1e-14);
  EXPECT_NEAR(t1.height[2], 7.5, 1e-14);
}

TEST(Ward, RowsWithoutValuesAreLeftOutAndCutTreeRowsMapsBack) {
  Eigen::MatrixXd x(5, 2);
  x << 0, 0, nan_v, nan_v, 0, 1, 5, 5, 5, 6;
  const hierarchical_tree t = ward_cluster(x);
  EXPECT_EQ(t.n, 4u);
  EXPECT_EQ(t.n_missing, 1u);
  EXPECT_EQ(t.rows, (std::vector<std::size_t>{0, 2, 3, 4}));
  const auto rows = attune::cut_tree_rows(t, 2);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_FALSE(rows[1].has_value());
  EXPECT_EQ(rows[0], 1);
  EXPECT_EQ(rows[2], 1);
  EXPECT_EQ(rows[3], 2);
  EXPECT_EQ(rows[4], 2);
}

TEST(Ward, ErrorsNameTheProblem) {
  Eigen::MatrixXd x(3, 2);
  x << 1, nan_v, nan_v, 2, 3, 3;
  try {
    ward_cluster(x);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::bad_input);
    EXPECT_NE(std::string(e.what()).find("rows 1 and 2"), std::string::npos) << e.what();
    EXPECT_EQ(e.row(), 1u);
  }
  Eigen::MatrixXd y(2, 1);
  y << 1, std::numeric_limits<double>::infinity();
  try {
    ward_cluster(y);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::bad_input);
    EXPECT_EQ(e.row(), 2u);
    EXPECT_EQ(e.column(), "column 1");
  }
  ward_options o;
  o.max_n = 3;
  Eigen::MatrixXd big = Eigen::MatrixXd::Random(4, 2);
  try {
    ward_cluster(big, o);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("GB"), std::string::npos) << e.what();
    EXPECT_EQ(e.option(), "ward_options.max_n");
  }
  o.max_n = 1;
  expect_error([&] { ward_cluster(big, o); }, errc::invalid_argument, "ward_options.max_n = 1: must be >= 2");
  Eigen::MatrixXd one(1, 2);
  one << 1, 2;
  expect_error([&] { ward_cluster(one); }, errc::insufficient_data, "at least 2");
  const hierarchical_tree t = ward_cluster(big);
  expect_error([&] { cut_tree(t, 0); }, errc::invalid_argument, "k = 0 must be in 1..4");
  expect_error([&] { cut_tree(t, 5); }, errc::invalid_argument, "k = 5");
}

TEST(Ward, SameTreeForAnyThreadCount) {
  const Eigen::MatrixXd x = read_data("items");
  ward_options a, b;
  a.threads = 1;
  b.threads = 3;
  const hierarchical_tree ta = ward_cluster(x, a), tb = ward_cluster(x, b);
  EXPECT_EQ(ta.merge, tb.merge);
  EXPECT_EQ(ta.height, tb.height);  // bit for bit
  EXPECT_EQ(ta.order, tb.order);
}

TEST(Ward, OrderIsAPermutationOfTheObservations) {
  const hierarchical_tree t = ward_cluster(read_data("mixture"));
  std::vector<int> sorted = t.order;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], static_cast<int>(i) + 1);
}

TEST(Ward, MethodNames) {
  EXPECT_EQ(attune::to_string(ward_method::ward_d), "ward.D");
  EXPECT_EQ(attune::to_string(ward_method::ward_d2), "ward.D2");
  EXPECT_EQ(attune::parse_ward_method("ward.D2"), ward_method::ward_d2);
  EXPECT_EQ(attune::parse_ward_method("WARD.D"), ward_method::ward_d);
  EXPECT_EQ(attune::parse_ward_method("ward_d2"), ward_method::ward_d2);
  EXPECT_FALSE(attune::parse_ward_method("ward").has_value());
}

TEST(AdjustedRandIndex, ClosedForms) {
  // Cross-table {{2,1,0},{0,1,2}}: sum C(n_ij,2) = 2, rows 3+3 -> 6, columns 2,2,2 -> 3,
  // C(6,2) = 15: (2 - 6*3/15) / ((6 + 3)/2 - 6*3/15) = 0.8 / 3.3 = 8/33.
  EXPECT_NEAR(adjusted_rand_index({1, 1, 1, 2, 2, 2}, {1, 1, 2, 2, 3, 3}), 8.0 / 33.0, 1e-15);
  // Crossed halves: (0 - 2*2/6) / (2 - 2*2/6) = -0.5.
  EXPECT_NEAR(adjusted_rand_index({1, 1, 2, 2}, {1, 2, 1, 2}), -0.5, 1e-15);
  // Labels do not matter.
  EXPECT_DOUBLE_EQ(adjusted_rand_index({1, 1, 2, 3, 3}, {7, 7, -1, 4, 4}), 1.0);
  // Symmetric.
  EXPECT_DOUBLE_EQ(adjusted_rand_index({1, 1, 1, 2, 2, 2}, {1, 1, 2, 2, 3, 3}),
                   adjusted_rand_index({1, 1, 2, 2, 3, 3}, {1, 1, 1, 2, 2, 2}));
  // Zero denominator: both one class, both all singletons.
  EXPECT_DOUBLE_EQ(adjusted_rand_index({1, 1, 1}, {2, 2, 2}), 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index({1, 2, 3}, {3, 1, 2}), 1.0);
  // One class against singletons: index 0, expected 0, max C(3,2)/2: 0.
  EXPECT_DOUBLE_EQ(adjusted_rand_index({1, 1, 1}, {1, 2, 3}), 0.0);
}

TEST(AdjustedRandIndex, Errors) {
  expect_error([] { adjusted_rand_index({1, 2}, {1}); }, errc::invalid_argument, "2 and 1 labels");
  expect_error([] { adjusted_rand_index({1}, {1}); }, errc::insufficient_data, "at least 2");
}

}  // namespace
