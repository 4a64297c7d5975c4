// Tests of the change study (study/change.hpp): matching by id with the unmatched listed, the
// choice of SD and reliability for the RCI, errors in API words, and its report. No CLI needed.
#include "attune/study/change.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attune/analyses/descriptives.hpp"
#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "option_list_checks.hpp"
#include "test_support.hpp"

namespace {

using attune::change_study_options;
using attune::errc;

const attune::instrument& ecrr() { return *attune::find_builtin("ecr-r"); }

// An ECR-R data set "name" whose keyed anxiety and avoidance means are the given values.
attune::responses wave(const std::string& name, const std::vector<std::pair<std::string, std::pair<double, double>>>& rows) {
  const auto* anx = ecrr().find_subscale("anxiety");
  std::ostringstream os;
  os << "client";
  for (const auto& it : ecrr().items) os << "," << it.id;
  os << "\n";
  for (const auto& [id, scores] : rows) {
    os << id;
    for (const auto& it : ecrr().items) {
      const bool is_anx = std::find(anx->items.begin(), anx->items.end(), it.id) != anx->items.end();
      const double target = is_anx ? scores.first : scores.second;
      os << "," << (it.reversed ? 8 - target : target);
    }
    os << "\n";
  }
  std::istringstream in(os.str());
  attune::read_options o;
  o.id_column = "client";
  return attune::read_responses(in, name, ecrr().item_ids(), o);
}

change_study_options unit_rci() {  // S_diff = 1 (up to rounding): RCI = after - before
  change_study_options o;
  o.input.read.id_column = "client";
  o.sd.all = 1;
  o.reliability.all = 0.5;
  return o;
}

using attune::test::caught;

TEST(StudyChange, MatchesByIdAndListsTheUnmatched) {
  const auto s = attune::study_change(
      ecrr(), {wave("t1", {{"A", {5, 4}}, {"B", {3, 3}}, {"X", {2, 2}}}), wave("t2", {{"B", {4, 3}}, {"A", {2, 4}}})},
      unit_rci());
  EXPECT_EQ(s.files, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(s.ids, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(s.n_matched, 2U);
  ASSERT_EQ(s.unmatched.size(), 1U);
  EXPECT_EQ(s.unmatched[0].id, "X");
  EXPECT_EQ(s.unmatched[0].present_in, (std::vector<std::string>{"t1"}));
  EXPECT_FALSE(s.unmatched[0].in_output);
  ASSERT_EQ(s.scores.size(), 2U);
  EXPECT_EQ(s.scores[1](0, 0), 2.0);  // A's anxiety at t2, though A is the second row there
  EXPECT_NEAR(s.trajectories.total_rci(0, 0), -3.0, 1e-12);
  EXPECT_EQ(s.trajectories.total_category[0][0], attune::change_category::reliably_improved);
  EXPECT_EQ(s.scales[0].rci.direction, attune::change_direction::lower_is_better);
  EXPECT_EQ(s.styles.size(), 2U);
  EXPECT_EQ(s.styles[0][0], attune::attachment_style::preoccupied);
  EXPECT_EQ(s.styles_method, attune::classify_method::midpoint);
}

TEST(StudyChange, SdFromNormsElseTheFirstAdministrationAndAlphaThere) {
  const auto t1 = wave("t1", {{"a", {2, 2}}, {"b", {4, 3}}, {"c", {6, 5}}});
  const auto t2 = wave("t2", {{"a", {2, 2}}, {"b", {4, 3}}, {"c", {6, 5}}});
  change_study_options o;
  o.input.read.id_column = "client";
  o.reliability.all = 0.5;
  auto s = attune::study_change(ecrr(), {t1, t2}, o);
  EXPECT_DOUBLE_EQ(s.scales[0].rci.sd, 2.0);  // SD of {2, 4, 6}
  EXPECT_EQ(s.scales[0].sd_source, "first administration (t1)");
  attune::norm_table norms;
  norms.id = "ref";
  norms.scales.push_back({"anxiety", 3.0, 1.25, 100, "test", "test", {}});
  o.norms = norms;
  s = attune::study_change(ecrr(), {t1, t2}, o);
  EXPECT_DOUBLE_EQ(s.scales[0].rci.sd, 1.25);
  EXPECT_EQ(s.scales[0].sd_source, "norm table 'ref'");
  EXPECT_EQ(s.scales[1].sd_source, "first administration (t1)");
  // Without a reliability, alpha at the first administration: these answers have no item
  // variance within a scale, so there is none, and the error says what to give.
  o.reliability = {};
  const auto e = caught([&] { attune::study_change(ecrr(), {t1, t2}, o); });
  EXPECT_EQ(e.code(), errc::insufficient_data);
  EXPECT_EQ(e.option(), "change_study_options.reliability");
  EXPECT_EQ(e.rule(), "reliability_unavailable");
  EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
}

TEST(StudyChange, ErrorsNameTheDataAndTheOption) {
  const auto a = wave("a.csv", {{"p", {3, 3}}}), b = wave("b.csv", {{"p", {4, 4}}});
  auto e = caught([&] { attune::study_change(ecrr(), {a}, unit_rci()); });
  EXPECT_EQ(e.rule(), "two_data_sets");
  auto o = unit_rci();
  o.input.read.id_column.clear();
  e = caught([&] { attune::study_change(ecrr(), {a, b}, o); });
  EXPECT_EQ(e.option(), "read_options.id_column");
  e = caught([&] { attune::study_change(ecrr(), {wave("d.csv", {{"p", {3, 3}}, {"p", {4, 4}}}), b}, unit_rci()); });
  EXPECT_EQ(e.code(), errc::bad_input);
  EXPECT_EQ(e.rule(), "duplicate_id");
  EXPECT_EQ(e.row(), 2U);
  EXPECT_EQ(e.value(), "p");
  EXPECT_EQ(e.source(), "d.csv");
  e = caught([&] { attune::study_change(ecrr(), {wave("e.csv", {{"", {3, 3}}}), b}, unit_rci()); });
  EXPECT_EQ(e.rule(), "empty_id");
  o = unit_rci();
  o.directions["close"] = attune::change_direction::higher_is_better;
  e = caught([&] { attune::study_change(ecrr(), {a, b}, o); });
  EXPECT_EQ(e.option(), "change_study_options.directions");
  o = unit_rci();
  o.functional_norms = attune::norm_table{};
  e = caught([&] { attune::study_change(ecrr(), {a, b}, o); });
  EXPECT_EQ(e.rule(), "clinical_norms_pair");
  o = unit_rci();
  o.styles_method = attune::classify_method::kmeans;
  e = caught([&] { attune::study_change(ecrr(), {a, b}, o); });
  EXPECT_STREQ(e.what(), "change_study_options.styles_method = kmeans: use midpoint, fisher or norms (or none)");
  o = unit_rci();
  o.reliability.all = 1;
  e = caught([&] { attune::study_change(ecrr(), {a, b}, o); });
  EXPECT_EQ(e.option(), "change_study_options.reliability");
  o = unit_rci();
  o.scales = {"nosuch"};
  e = caught([&] { attune::study_change(ecrr(), {a, b}, o); });
  EXPECT_EQ(e.option(), "change_study_options.scales");
  e = caught([&] { attune::study_change(ecrr(), std::vector<std::string>{"-", "-"}, unit_rci()); });
  EXPECT_EQ(e.rule(), "stdin_twice");
}

TEST(StudyChange, ReportRowsAreFlatWithTheCsvColumns) {
  auto o = unit_rci();
  o.styles_method.reset();
  const auto s = attune::study_change(ecrr(), {wave("t1", {{"A", {5, 4}}}), wave("t2", {{"A", {2, 4}}})}, o);
  EXPECT_TRUE(s.styles.empty());
  std::ostringstream csv;
  attune::write_report(csv, attune::output_format::csv, s);
  EXPECT_EQ(csv.str(),
            "client,anxiety_t1,anxiety_t2,change_anxiety,rci_anxiety,category_anxiety,avoidance_t1,avoidance_t2,"
            "change_avoidance,rci_avoidance,category_avoidance\n"
            "A,5,2,-3,-2.9999999999999996,reliably_improved,4,4,0,0,no_reliable_change\n");
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(j["study"], "change");
  EXPECT_EQ(j["respondents"][0]["client"], "A");
  EXPECT_EQ(j["trajectories"]["counts"][0]["reliably_improved"], 1);
  EXPECT_TRUE(j["styles_method"].is_null());
  EXPECT_NE(attune::change_summary_text(s).find("S_diff = 1.0000"), std::string::npos);
}

}  // namespace

// describe_options(change_study_options&): names unique beside the input's, every entry sets its
// member, a bad text names the option and the field; a scale given both ways is refused, in
// either order.
TEST(StudyChange, DescribedOptionsSetTheirMembers) {
  change_study_options o;
  const attune::option_list list = attune::describe_options(o);
  const attune::option_list input = attune::describe_options(o.input);
  attune::test::expect_unique_names({&input, &list});
  const std::string norms = attune::test::temp_path("chg_options_norms.json");
  attune::test::write_file(norms, R"({"format":"attune-norms/1","id":"community","population":"community","source":"test",
    "scales":{"anxiety":{"mean":3,"sd":1.2,"n":100,"population":"community","source":"test"}}})");
  using attune::test::set_option;
  set_option(list, "scales", {"anxiety", "close"});
  set_option(list, "reliability", {"0.85"});
  set_option(list, "sd", {"anxiety=1.1"});
  set_option(list, "norms", {norms});
  set_option(list, "functional-norms", {norms});
  set_option(list, "dysfunctional-norms", {norms});
  set_option(list, "cutoff", {"a"});
  set_option(list, "critical", {"2.5"});
  set_option(list, "lower-better", {"close"});
  set_option(list, "higher-better", {"depend"});
  set_option(list, "styles", {"none"});
  set_option(list, "rescale", {});
  set_option(list, "level", {"0.9"});
  EXPECT_EQ(o.scales, (std::vector<std::string>{"anxiety", "close"}));
  EXPECT_EQ(o.reliability.all, 0.85);
  EXPECT_EQ(o.sd.by_score.at("anxiety"), 1.1);
  ASSERT_TRUE(o.norms && o.functional_norms && o.dysfunctional_norms);
  EXPECT_EQ(o.norms->id, "community");
  EXPECT_EQ(o.cutoff, attune::cutoff_kind::a);
  EXPECT_EQ(o.critical, 2.5);
  EXPECT_EQ(o.directions.at("close"), attune::change_direction::lower_is_better);
  EXPECT_EQ(o.directions.at("depend"), attune::change_direction::higher_is_better);
  EXPECT_FALSE(o.styles_method);
  EXPECT_TRUE(o.rescale_to_1_7);
  EXPECT_EQ(o.level, 0.9);
  set_option(list, "styles", {"fisher"});
  EXPECT_EQ(o.styles_method, attune::classify_method::fisher);
  using attune::test::expect_refused;
  expect_refused(list, "reliability", {"r=x"});
  expect_refused(list, "functional-norms", {"no-such-table"});
  expect_refused(list, "cutoff", {"d"});
  expect_refused(list, "critical", {"abc"});
  expect_refused(list, "styles", {"bogus"});
  expect_refused(list, "level", {"x"});
  expect_refused(list, "higher-better", {"close"});  // lower-better already
  expect_refused(list, "lower-better", {"depend"});  // higher-better already
}
