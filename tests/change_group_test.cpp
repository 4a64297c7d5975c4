// Tests of the group-level change (analyses/change.hpp compute_group_change, and the `group` of
// every scale of study_change): golden values from R's t.test(paired = TRUE) and cor.test on the
// sample before/after files (tests/golden/change.R), and the edge cases in closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "attune/analyses/change.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/change.hpp"
#include "test_support.hpp"

namespace {

using attune::change_direction;
using attune::compute_group_change;
using attune::group_change_options;

// tests/data/change/group_ecr_r.csv: scale,stat,value.
std::map<std::string, std::map<std::string, double>> golden() {
  std::ifstream in(attune::test::data_path("change/group_ecr_r.csv"));
  std::map<std::string, std::map<std::string, double>> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string scale, stat, value;
    std::getline(row, scale, ',');
    std::getline(row, stat, ',');
    std::getline(row, value, ',');
    out[scale][stat] = std::stod(value);
  }
  return out;
}

// Relative-or-absolute closeness: |a - b| <= tol * max(1, |b|).
void expect_close(double actual, double expected, double tol, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), tol * std::max(1.0, std::abs(expected)))
      << what << ": " << actual << " vs R " << expected;
}

TEST(ChangeGroup, EqualsRPairedTTestAndCorTestOnTheSampleFiles) {
  const auto ref = golden();
  ASSERT_EQ(ref.size(), 2U) << "tests/data/change/group_ecr_r.csv";
  attune::change_study_options o;
  o.input.read.id_column = "id";
  o.sd.all = 1.0;          // as tests/golden/change.R: the RCI counts depend on no estimate
  o.reliability.all = 0.9;
  const auto s = attune::study_change(*attune::find_builtin("ecr-r"),
                                      {attune::test::source_path("examples/data/ecr-r-before.csv"),
                                       attune::test::source_path("examples/data/ecr-r-after.csv")},
                                      o);
  ASSERT_EQ(s.scales.size(), 2U);
  for (const auto& sc : s.scales) {
    SCOPED_TRACE(sc.name);
    const auto& r = ref.at(sc.name);
    const auto& g = sc.group;
    EXPECT_EQ(static_cast<double>(g.n_pairs), r.at("n_pairs"));
    // t.test and cor.test: 1e-9 (the formulas are closed form; the differences are rounding).
    const double tol = 1e-9;
    expect_close(g.mean_before, r.at("mean_before"), tol, "mean_before");
    expect_close(g.mean_after, r.at("mean_after"), tol, "mean_after");
    expect_close(g.mean_change, r.at("mean_change"), tol, "mean_change");
    expect_close(g.mean_change_ci.lower, r.at("mean_change_lower"), tol, "mean_change_ci.lower");
    expect_close(g.mean_change_ci.upper, r.at("mean_change_upper"), tol, "mean_change_ci.upper");
    expect_close(g.sd_change, r.at("sd_change"), tol, "sd_change");
    expect_close(g.t, r.at("t"), tol, "t");
    EXPECT_EQ(g.df, r.at("df"));
    // p is 1.6e-20: relative to its own size.
    EXPECT_NEAR(g.p / r.at("p"), 1.0, 1e-9) << "p " << g.p << " vs R " << r.at("p");
    expect_close(g.d_z, r.at("d_z"), tol, "d_z");
    expect_close(g.d_av, r.at("d_av"), tol, "d_av");
    expect_close(g.retest_r, r.at("retest_r"), tol, "retest_r");
    expect_close(g.retest_r_ci.lower, r.at("retest_r_lower"), tol, "retest_r_ci.lower");
    expect_close(g.retest_r_ci.upper, r.at("retest_r_upper"), tol, "retest_r_ci.upper");
    // The non-central t bounds: R's pt(ncp =) (AS 243, error bound 1e-12) and uniroot (tol 1e-13)
    // against Boost's non-central t and TOMS 748: 1e-8.
    expect_close(g.d_z_ci.lower, r.at("d_z_lower"), 1e-8, "d_z_ci.lower");
    expect_close(g.d_z_ci.upper, r.at("d_z_upper"), 1e-8, "d_z_ci.upper");
    expect_close(g.d_av_ci.lower, r.at("d_av_lower"), 1e-8, "d_av_ci.lower");
    expect_close(g.d_av_ci.upper, r.at("d_av_upper"), 1e-8, "d_av_ci.upper");
    EXPECT_EQ(g.d_z_ci.method, "noncentral_t");
    EXPECT_EQ(g.d_av_ci.method, "noncentral_t_algina_keselman");
    EXPECT_EQ(g.retest_r_ci.method, "fisher_z");
    EXPECT_EQ(g.mean_change_ci.method, "t");
    ASSERT_TRUE(g.improved && g.unchanged && g.deteriorated);
    EXPECT_EQ(static_cast<double>(*g.improved), r.at("improved"));
    EXPECT_EQ(static_cast<double>(*g.unchanged), r.at("unchanged"));
    EXPECT_EQ(static_cast<double>(*g.deteriorated), r.at("deteriorated"));
    EXPECT_FALSE(g.clinical.has_value());  // no functional/dysfunctional norms
  }
}

group_change_options unit_options(change_direction d = change_direction::lower_is_better) {
  group_change_options o;
  o.rci.sd = 1.0;
  o.rci.reliability = 0.5;  // S_diff = 1: RCI = change
  o.rci.direction = d;
  return o;
}

TEST(ChangeGroup, PairsAreTheRowsScoredTwice) {
  const double nan = std::nan("");
  Eigen::VectorXd before(6), after(6);
  before << 5, 4, nan, 3, 6, 2;
  after << 2, 4, 3, nan, 6.5, 5;
  const auto g = compute_group_change(before, after, unit_options());
  EXPECT_EQ(g.n_pairs, 4U);
  // changes -3, 0, 0.5, 3: mean 0.125; by hand.
  EXPECT_DOUBLE_EQ(g.mean_change, 0.125);
  EXPECT_DOUBLE_EQ(g.mean_before, 17.0 / 4);
  const double sd = std::sqrt(((-3.125) * (-3.125) + 0.125 * 0.125 + 0.375 * 0.375 + 2.875 * 2.875) / 3);
  EXPECT_NEAR(g.sd_change, sd, 1e-14);
  EXPECT_NEAR(g.t, 0.125 / (sd / 2), 1e-13);
  EXPECT_EQ(*g.improved, 1U);       // -3 < -1.96
  EXPECT_EQ(*g.unchanged, 2U);
  EXPECT_EQ(*g.deteriorated, 1U);   // +3
  EXPECT_TRUE(g.d_z_ci.contains(g.d_z));
  EXPECT_TRUE(g.d_av_ci.contains(g.d_av));
  EXPECT_TRUE(g.retest_r_ci.contains(g.retest_r));
}

TEST(ChangeGroup, ClinicalCountsNeedACutOffAndADirection) {
  Eigen::VectorXd before(4), after(4);
  before << 5, 5, 5, 2;
  after << 2, 3.5, 4.5, 5;
  auto o = unit_options();
  o.cutoff = 3.0;  // recovered: reliably improved and below 3
  const auto g = compute_group_change(before, after, o);
  ASSERT_TRUE(g.clinical.has_value());
  EXPECT_EQ(g.clinical->recovered, 1U);     // 5 -> 2
  EXPECT_EQ(g.clinical->improved, 0U);      // 5 -> 3.5 changes by 1.5 < 1.96: unchanged
  EXPECT_EQ(g.clinical->unchanged, 2U);
  EXPECT_EQ(g.clinical->deteriorated, 1U);  // 2 -> 5
  const auto none = compute_group_change(before, after, unit_options(change_direction::none));
  EXPECT_FALSE(none.improved.has_value());
  EXPECT_FALSE(none.clinical.has_value());
}

TEST(ChangeGroup, TooFewPairsOrNoVarianceGiveNaNAndAWarning) {
  Eigen::VectorXd one(1), other(1);
  one << 3;
  other << 4;
  const auto g1 = compute_group_change(one, other, unit_options());
  EXPECT_EQ(g1.n_pairs, 1U);
  EXPECT_DOUBLE_EQ(g1.mean_change, 1.0);
  EXPECT_TRUE(std::isnan(g1.t));
  EXPECT_FALSE(g1.warnings.empty());
  Eigen::VectorXd b(3), a(3);
  b << 1, 2, 3;
  a << 2, 3, 4;  // every change is +1
  const auto g2 = compute_group_change(b, a, unit_options());
  EXPECT_TRUE(std::isnan(g2.t));
  EXPECT_DOUBLE_EQ(g2.d_av, 1.0);
  EXPECT_DOUBLE_EQ(g2.retest_r, 1.0);
  EXPECT_FALSE(g2.warnings.empty());
  Eigen::VectorXd empty(0);
  EXPECT_EQ(compute_group_change(empty, empty, unit_options()).n_pairs, 0U);
  EXPECT_THROW(compute_group_change(b, one, unit_options()), attune::error);
  auto bad = unit_options();
  bad.level = 1.0;
  EXPECT_THROW(compute_group_change(b, a, bad), attune::error);
}

}  // namespace
