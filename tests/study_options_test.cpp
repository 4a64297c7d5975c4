// The options of the reliability, factor, correlate, score and report studies described for front
// ends (describe_options): unique names (with the input options'), setters that parse into the
// member, and text errors that name the option and its field.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "attune/core/error.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/report.hpp"
#include "attune/study/score.hpp"
#include "option_list_checks.hpp"

namespace {

using attune::option_info;
using attune::option_list;

using attune::test::option_named;
using attune::test::refused_text;
using attune::test::set_option;

// Names unique together with the input options'; a bad text names the option and its field.
void check_list(const option_list& list, attune::input_options& input, const std::string& bad_name,
                const std::string& bad_text) {
  std::set<std::string> names;
  for (const auto& o : attune::describe_options(input)) names.insert(o.name);
  for (const auto& o : list) {
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    EXPECT_FALSE(o.field.empty()) << o.name;
    EXPECT_FALSE(o.help.empty()) << o.name;
  }
  refused_text(option_named(list, bad_name), {bad_text});
}

TEST(StudyOptions, ReliabilityCombinesIntervalsAndBootstrap) {
  attune::reliability_study_options o;
  const option_list list = attune::describe_options(o);
  check_list(list, o.input, "ci", "feldtt");
  set_option(list, "level", {"0.9"});
  EXPECT_DOUBLE_EQ(o.reliability.level, 0.9);
  set_option(list, "missing-method", {"listwise"});
  EXPECT_EQ(o.reliability.missing, attune::missing_method::listwise);
  // a bootstrap interval alone: 1000 replicates
  set_option(list, "ci", {"feldt", "bootstrap_bca", "feldt"});
  EXPECT_EQ(o.reliability.intervals, (std::vector{attune::ci_method::feldt, attune::ci_method::bootstrap_bca}));
  EXPECT_EQ(o.reliability.bootstrap, 1000);
  // replicates without a bootstrap interval add the percentile interval; omega takes them
  set_option(list, "ci", {"none"});
  set_option(list, "bootstrap", {"200"});
  EXPECT_EQ(o.reliability.intervals, std::vector{attune::ci_method::bootstrap_percentile});
  EXPECT_EQ(o.reliability.bootstrap, 200);
  set_option(list, "omega-ci", {});
  EXPECT_TRUE(o.reliability.intervals.empty());
  EXPECT_EQ(o.omega_bootstrap, 200);
  EXPECT_THROW(option_named(list, "bootstrap").set({"100001"}), attune::error);
}

TEST(StudyOptions, FactorRefusesExploratoryOptionsWithCfa) {
  attune::factor_study_options o;
  const option_list list = attune::describe_options(o);
  check_list(list, o.input, "rotation", "spin");
  set_option(list, "factors", {"3"});
  EXPECT_EQ(o.efa.n_factors, 3);
  set_option(list, "correlation", {"polychoric"});
  EXPECT_TRUE(o.polychoric);
  try {
    set_option(list, "cfa", {});
    ADD_FAILURE() << "cfa with factors";
  } catch (const attune::error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cfa fits one factor per subscale by maximum likelihood; factors", 0), 0U);
  }
  // iterations run the parallel analysis, given before parallel, after it or alone
  for (const std::vector<std::string>& order :
       {std::vector<std::string>{"iterations", "parallel"}, {"parallel", "iterations"}, {"iterations"}}) {
    attune::factor_study_options p;
    const option_list plist = attune::describe_options(p);
    for (const auto& name : order) set_option(plist, name, name == "iterations" ? std::vector<std::string>{"5"} : std::vector<std::string>{});
    EXPECT_TRUE(p.parallel) << order.front();
    EXPECT_EQ(p.parallel_analysis.replicates, 5) << order.front();
    EXPECT_NO_THROW(p.validate());
  }
  // and, exploratory, they do not go with cfa, in either order
  for (const bool cfa_first : {true, false}) {
    attune::factor_study_options p;
    const option_list plist = attune::describe_options(p);
    set_option(plist, cfa_first ? "cfa" : "iterations", cfa_first ? std::vector<std::string>{} : std::vector<std::string>{"5"});
    try {  // (the error names the option given first: the one to drop, or the other)
      set_option(plist, cfa_first ? "iterations" : "cfa", cfa_first ? std::vector<std::string>{"5"} : std::vector<std::string>{});
      ADD_FAILURE() << "iterations with cfa";
    } catch (const attune::error& e) {
      EXPECT_EQ(e.rule(), std::optional<std::string>("efa_only")) << e.what();
      EXPECT_EQ(e.option(), option_named(plist, cfa_first ? "cfa" : "iterations").field) << e.what();
    }
  }
}

TEST(StudyOptions, CorrelateScoreAndReportParseTheirOptions) {
  attune::correlate_study_options c;
  const option_list clist = attune::describe_options(c);
  check_list(clist, c.input, "method", "spearman");
  set_option(clist, "method", {"polychoric"});
  EXPECT_EQ(c.correlation.method, attune::correlation_kind::polychoric);

  attune::score_study_options s;
  const option_list slist = attune::describe_options(s);
  check_list(slist, s.input, "chunk-rows", "0");
  set_option(slist, "chunk-rows", {"500"});
  EXPECT_EQ(s.chunk_rows, 500U);

  attune::report_study_options r;
  const option_list rlist = attune::describe_options(r);
  check_list(rlist, r.input, "parallel", "10001");
  set_option(rlist, "no-irt", {});
  set_option(rlist, "seed", {"7"});
  EXPECT_FALSE(r.irt);
  EXPECT_EQ(r.seed, 7U);
}

}  // namespace
