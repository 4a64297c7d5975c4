// Tests of attune/change.hpp: z/T/percentiles against norms, Jacobson & Truax (1991) reliable
// change and clinical significance, trajectories. Expected values are hand-computed from the
// formulas (shown next to each); no R package is the reference for these closed forms.
#include "attune/analyses/change.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <limits>

#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::change_category;
using attune::change_direction;
using attune::clinical_status;

constexpr double tol = 1e-12;   // closed-form arithmetic
constexpr double tol_hand = 1e-9;  // hand values printed with 10+ digits
const double nan_v = std::numeric_limits<double>::quiet_NaN();

using attune::test::expect_error;

attune::scale_norm norm(const std::string& scale, double m, double sd) {
  return {scale, m, sd, 100, "test population", "test source", {}};
}

TEST(Norms, ZTAndPercentiles) {
  // The anxiety and avoidance norms of tests/norms_test.cpp's valid table.
  attune::norm_table t;
  t.scales = {norm("anxiety", 4.2, 1.1), norm("avoidance", 3.6, 1.2)};
  t.scales[0].percentiles = {{1, 5}, {2, 20}, {3, 50}, {4, 80}};
  Eigen::VectorXd x(5);
  x << 2.5, 0.5, 4.0, nan_v, 4.2;
  const auto r = attune::norm_scores(x, *t.find("anxiety"));
  EXPECT_EQ(r.method, attune::percentile_method::table);
  EXPECT_EQ(r.n, 4u);
  EXPECT_NEAR(r.z(0), (2.5 - 4.2) / 1.1, tol);
  EXPECT_NEAR(r.t(0), 50 + 10 * (2.5 - 4.2) / 1.1, tol);
  EXPECT_NEAR(r.percentile(0), 35.0, tol);  // halfway between (2, 20) and (3, 50)
  EXPECT_NEAR(r.percentile(1), 5.0, tol);   // below the table: its first percentile
  EXPECT_NEAR(r.percentile(2), 80.0, tol);  // on the last point: not outside
  EXPECT_NEAR(r.percentile(4), 80.0, tol);  // above: the last percentile
  EXPECT_TRUE(std::isnan(r.z(3)));
  EXPECT_EQ(r.n_outside_table, 2u);
  ASSERT_EQ(r.warnings.size(), 1u);
  // Without a table: 100 Phi(z); z = 1 -> 84.1344746068543 (Python math.erfc).
  const auto nrm = attune::norm_scores(Eigen::VectorXd::Constant(1, 3.6 + 1.2), *t.find("avoidance"));
  EXPECT_EQ(nrm.method, attune::percentile_method::normal);
  EXPECT_NEAR(nrm.percentile(0), 84.1344746068543, tol_hand);
  EXPECT_NEAR(nrm.t(0), 60.0, tol_hand);
  expect_error([] { attune::norm_scores(Eigen::VectorXd::Zero(1), norm("x", 1, 0)); },
               attune::errc::invalid_argument, "scale 'x' has mean 1 and sd 0");
}

// Hand case: before 4.5, after 3.2, SD 1.1, r_xx .90.
// S_diff = 1.1 * sqrt(2) * sqrt(.1) = 0.4919349550499538; RCI = -1.3 / S_diff = -2.6426257915906604.
TEST(ReliableChange, JacobsonTruaxHandCase) {
  EXPECT_NEAR(attune::standard_error_of_difference(1.1, 0.9), 0.4919349550499538, tol);
  EXPECT_NEAR(attune::reliable_change_index(4.5, 3.2, 1.1, 0.9), -2.6426257915906604, tol);
  attune::rci_options o;
  o.sd = 1.1;
  o.reliability = 0.9;
  const auto c = attune::assess_change(4.5, 3.2, o);
  EXPECT_NEAR(c.change, -1.3, tol);
  EXPECT_EQ(c.category, change_category::reliably_improved);  // lower anxiety = improvement
  EXPECT_EQ(attune::assess_change(3.2, 4.5, o).category, change_category::reliably_deteriorated);
  // (4.2 - 4.5) / S_diff = -0.61: no reliable change.
  EXPECT_EQ(attune::assess_change(4.5, 4.2, o).category, change_category::no_reliable_change);
  o.direction = change_direction::higher_is_better;
  EXPECT_EQ(attune::assess_change(4.5, 3.2, o).category, change_category::reliably_deteriorated);
  o.direction = change_direction::none;
  EXPECT_EQ(attune::assess_change(4.5, 3.2, o).category, change_category::reliably_decreased);
  EXPECT_EQ(attune::assess_change(3.2, 4.5, o).category, change_category::reliably_increased);
  EXPECT_EQ(attune::assess_change(nan_v, 4.5, o).category, change_category::not_assessable);
  EXPECT_TRUE(std::isnan(attune::reliable_change_index(nan_v, 1, 1, 0.5)));
  // Exactly on the critical value is not reliable (|RCI| must exceed it).
  EXPECT_EQ(attune::categorize_change(-1.96, 1.96, change_direction::lower_is_better),
            change_category::no_reliable_change);
  EXPECT_EQ(attune::categorize_change(-1.9601, 1.96, change_direction::lower_is_better),
            change_category::reliably_improved);
}

TEST(ReliableChange, OptionErrors) {
  using attune::errc;
  expect_error([] { attune::standard_error_of_difference(0, 0.9); }, errc::invalid_argument, "sd = 0");
  expect_error([] { attune::standard_error_of_difference(1, 1); }, errc::invalid_argument, "reliability = 1");
  expect_error([] { attune::standard_error_of_difference(1, -0.1); }, errc::invalid_argument, "reliability = -0.1");
  attune::rci_options o;
  expect_error([&] { attune::assess_change(1, 2, o); }, errc::invalid_argument, "sd = nan");
  o.sd = 1;
  o.reliability = 0.8;
  o.critical = 0;
  expect_error([&] { attune::assess_change(1, 2, o); }, errc::invalid_argument, "critical = 0");
}

// Hand case, lower is better: functional M 2.5 SD .8, dysfunctional M 4.5 SD 1.0:
// a = 4.5 - 2 * 1.0 = 2.5; b = 2.5 + 2 * .8 = 4.1; c = (.8 * 4.5 + 1.0 * 2.5) / 1.8 = 3.3888...
TEST(ClinicalSignificance, CutoffsLowerIsBetter) {
  const auto c = attune::jacobson_truax_cutoffs(norm("anxiety", 2.5, 0.8), norm("anxiety", 4.5, 1.0),
                                                change_direction::lower_is_better);
  EXPECT_NEAR(c.a, 2.5, tol);
  EXPECT_NEAR(c.b, 4.1, tol);
  EXPECT_NEAR(c.c, 3.3888888888888884, tol);
  EXPECT_NEAR(attune::select_cutoff(c, attune::cutoff_kind::b), 4.1, tol);
  attune::rci_options o;
  o.sd = 1.1;
  o.reliability = 0.9;
  // 4.5 -> 3.2: RCI -2.64 and 3.2 < c: recovered.
  EXPECT_EQ(attune::clinical_significance(4.5, 3.2, o, c.c), clinical_status::recovered);
  // 4.5 -> 3.5: RCI -2.03 (reliable) but 3.5 > c: improved.
  EXPECT_EQ(attune::clinical_significance(4.5, 3.5, o, c.c), clinical_status::improved);
  // Cut-off a = 2.5: 3.2 is not below it: improved only.
  EXPECT_EQ(attune::clinical_significance(4.5, 3.2, o, c.a), clinical_status::improved);
  EXPECT_EQ(attune::clinical_significance(4.5, 4.3, o, c.c), clinical_status::unchanged);
  EXPECT_EQ(attune::clinical_significance(3.0, 4.5, o, c.c), clinical_status::deteriorated);
  EXPECT_EQ(attune::clinical_significance(nan_v, 4.5, o, c.c), clinical_status::not_assessable);
  EXPECT_EQ(attune::clinical_significance(4.5, 3.2, o, nan_v), clinical_status::not_assessable);
}

// Hand case, higher is better: functional M 3.6 SD .8, dysfunctional M 2.4 SD .6:
// a = 2.4 + 1.2 = 3.6; b = 3.6 - 1.6 = 2.0; c = (.8 * 2.4 + .6 * 3.6) / 1.4 = 2.9142857...
TEST(ClinicalSignificance, CutoffsHigherIsBetterAndErrors) {
  const auto c = attune::jacobson_truax_cutoffs(norm("close", 3.6, 0.8), norm("close", 2.4, 0.6),
                                                change_direction::higher_is_better);
  EXPECT_NEAR(c.a, 3.6, tol);
  EXPECT_NEAR(c.b, 2.0, tol);
  EXPECT_NEAR(c.c, 2.9142857142857146, tol);
  expect_error([] { attune::jacobson_truax_cutoffs(norm("close", 3.6, 0.8), norm("close", 2.4, 0.6),
                                                   change_direction::lower_is_better); },
               attune::errc::bad_input, "functional mean 3.6 is not below the dysfunctional mean 2.4");
  expect_error([] { attune::jacobson_truax_cutoffs(norm("x", 1, 1), norm("x", 2, 1), change_direction::none); },
               attune::errc::invalid_argument, "no direction of improvement");
  expect_error([] { attune::jacobson_truax_cutoffs(norm("x", 1, 0), norm("x", 2, 1),
                                                   change_direction::lower_is_better); },
               attune::errc::invalid_argument, "scale 'x' norm mean 1, sd 0");
  EXPECT_EQ(attune::parse_cutoff_kind("C"), attune::cutoff_kind::c);
  EXPECT_FALSE(attune::parse_cutoff_kind("d"));
  EXPECT_EQ(attune::to_string(clinical_status::recovered), "recovered");
}

TEST(ChangeNames, EveryEnumParsesItsOwnNames) {
  using attune::change_category;
  for (auto k : {attune::cutoff_kind::a, attune::cutoff_kind::b, attune::cutoff_kind::c}) {
    EXPECT_EQ(attune::parse_cutoff_kind(attune::to_string(k)), k);
  }
  for (auto d : {change_direction::lower_is_better, change_direction::higher_is_better, change_direction::none}) {
    EXPECT_EQ(attune::parse_change_direction(attune::to_string(d)), d);
  }
  for (auto c : {change_category::reliably_improved, change_category::no_reliable_change,
                 change_category::reliably_deteriorated, change_category::reliably_increased,
                 change_category::reliably_decreased, change_category::not_assessable}) {
    EXPECT_EQ(attune::parse_change_category(attune::to_string(c)), c);
  }
  for (auto c : {clinical_status::recovered, clinical_status::improved, clinical_status::unchanged,
                 clinical_status::deteriorated, clinical_status::not_assessable}) {
    EXPECT_EQ(attune::parse_clinical_status(attune::to_string(c)), c);
  }
  for (auto m : {attune::percentile_method::table, attune::percentile_method::normal}) {
    EXPECT_EQ(attune::parse_percentile_method(attune::to_string(m)), m);
  }
  EXPECT_EQ(attune::parse_change_direction("Lower_Is_Better"), change_direction::lower_is_better);
  EXPECT_FALSE(attune::parse_change_category("improved"));
  EXPECT_FALSE(attune::parse_clinical_status(""));
}

TEST(Trajectories, FourAdministrations) {
  // Two people, one scale (anxiety), four waves. SD 1, r .5 -> S_diff = sqrt(2) sqrt(.5) = 1.
  std::vector<Eigen::MatrixXd> waves(4, Eigen::MatrixXd::Zero(2, 1));
  waves[0] << 5.0, 3.0;
  waves[1] << 4.0, 3.5;
  waves[2] << 3.5, nan_v;
  waves[3] << 2.5, 3.2;
  attune::trajectory_options o;
  o.scales = {"anxiety"};
  o.rci = {attune::rci_options{1.0, 0.5}};
  o.cutoffs = {3.0};
  const auto r = attune::compute_trajectories(waves, o);
  EXPECT_EQ(r.n_waves, 4u);
  ASSERT_EQ(r.step_rci.size(), 3u);
  EXPECT_NEAR(r.step_rci[0](0, 0), -1.0, tol);  // (4 - 5) / 1
  EXPECT_NEAR(r.step_rci[2](0, 0), -1.0, tol);  // (2.5 - 3.5) / 1
  EXPECT_TRUE(std::isnan(r.step_rci[1](1, 0)));  // wave 3 missing
  EXPECT_NEAR(r.total_change(0, 0), -2.5, tol);
  EXPECT_NEAR(r.total_rci(0, 0), -2.5, tol);
  EXPECT_EQ(r.total_category[0][0], change_category::reliably_improved);
  EXPECT_NEAR(r.total_rci(1, 0), 0.2, 1e-12);  // first to last, the gap in between does not matter
  EXPECT_EQ(r.total_category[0][1], change_category::no_reliable_change);
  EXPECT_EQ(r.clinical[0][0], clinical_status::recovered);  // 2.5 < 3
  EXPECT_EQ(r.clinical[0][1], clinical_status::unchanged);
  EXPECT_EQ(r.counts[0][static_cast<std::size_t>(change_category::reliably_improved)], 1u);
  EXPECT_EQ(r.n, 2u);
}

TEST(Trajectories, Errors) {
  using attune::errc;
  attune::trajectory_options o;
  std::vector<Eigen::MatrixXd> waves(2, Eigen::MatrixXd::Zero(2, 1));
  expect_error([&] { attune::compute_trajectories(waves, o); }, errc::invalid_argument, "no scales");
  o.rci = {attune::rci_options{1.0, 0.5}};
  expect_error([&] { attune::compute_trajectories(waves, o); }, errc::invalid_argument, "0 scale names for 1");
  o.scales = {"anxiety"};
  o.cutoffs = {1, 2};
  expect_error([&] { attune::compute_trajectories(waves, o); }, errc::invalid_argument, "2 cut-offs for 1");
  o.cutoffs.clear();
  o.rci[0].reliability = 1.0;
  expect_error([&] { attune::compute_trajectories(waves, o); }, errc::invalid_argument,
               "scale 'anxiety': reliable change: reliability = 1");
  o.rci[0].reliability = 0.8;
  expect_error([&] { attune::compute_trajectories({waves[0]}, o); }, errc::invalid_argument,
               "1 administration(s)");
  waves[1] = Eigen::MatrixXd::Zero(3, 1);
  expect_error([&] { attune::compute_trajectories(waves, o); }, errc::invalid_argument,
               "administration 2 is 3 x 1; expected 2 x 1");
  waves[1] = Eigen::MatrixXd::Constant(2, 1, nan_v);
  const auto r = attune::compute_trajectories(waves, o);
  EXPECT_EQ(r.n, 0u);
  ASSERT_FALSE(r.warnings.empty());
}

// Golden values from base R (tests/golden/classify.R, R 4.2.2): S_diff, RCI and the category
// (lower is better, critical qnorm(.975)).
TEST(ReliableChange, MatchesBaseRGolden) {
  std::ifstream in(attune::test::data_path("change/rci.csv"));
  ASSERT_TRUE(in) << "missing tests/data/change/rci.csv (run tests/golden/classify.R)";
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) c.push_back(cell);
    ASSERT_EQ(c.size(), 7u) << line;
    attune::rci_options o;
    o.sd = std::stod(c[2]);
    o.reliability = std::stod(c[3]);
    const auto ch = attune::assess_change(std::stod(c[0]), std::stod(c[1]), o);
    EXPECT_NEAR(attune::standard_error_of_difference(o.sd, o.reliability), std::stod(c[4]), tol);
    EXPECT_NEAR(ch.rci, std::stod(c[5]), tol);
    EXPECT_EQ(std::string(attune::to_string(ch.category)), c[6]);
    ++rows;
  }
  EXPECT_EQ(rows, 7);
}

}  // namespace
