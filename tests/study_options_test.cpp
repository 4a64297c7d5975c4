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

namespace {

using attune::option_info;
using attune::option_list;

const option_info& find(const option_list& list, const std::string& name) {
  for (const auto& o : list) {
    if (o.name == name) return o;
  }
  throw std::runtime_error("no option " + name);
}

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
  const option_info& bad = find(list, bad_name);
  try {
    bad.set({bad_text});
    ADD_FAILURE() << bad_name << " took '" << bad_text << "'";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.option(), bad.field);
    EXPECT_EQ(std::string(e.what()).rfind(bad_name + " '", 0), 0U) << e.what();
  }
}

TEST(StudyOptions, ReliabilityCombinesIntervalsAndBootstrap) {
  attune::reliability_study_options o;
  const option_list list = attune::describe_options(o);
  check_list(list, o.input, "ci", "feldtt");
  find(list, "level").set({"0.9"});
  EXPECT_DOUBLE_EQ(o.reliability.level, 0.9);
  find(list, "missing-method").set({"listwise"});
  EXPECT_EQ(o.reliability.missing, attune::missing_method::listwise);
  // a bootstrap interval alone: 1000 replicates
  find(list, "ci").set({"feldt", "bootstrap_bca", "feldt"});
  EXPECT_EQ(o.reliability.intervals, (std::vector{attune::ci_method::feldt, attune::ci_method::bootstrap_bca}));
  EXPECT_EQ(o.reliability.bootstrap, 1000);
  // replicates without a bootstrap interval add the percentile interval; omega takes them
  find(list, "ci").set({"none"});
  find(list, "bootstrap").set({"200"});
  EXPECT_EQ(o.reliability.intervals, std::vector{attune::ci_method::bootstrap_percentile});
  EXPECT_EQ(o.reliability.bootstrap, 200);
  find(list, "omega-ci").set({});
  EXPECT_TRUE(o.reliability.intervals.empty());
  EXPECT_EQ(o.omega_bootstrap, 200);
  EXPECT_THROW(find(list, "bootstrap").set({"100001"}), attune::error);
}

TEST(StudyOptions, FactorRefusesExploratoryOptionsWithCfa) {
  attune::factor_study_options o;
  const option_list list = attune::describe_options(o);
  check_list(list, o.input, "rotation", "spin");
  find(list, "factors").set({"3"});
  EXPECT_EQ(o.efa.n_factors, 3);
  find(list, "correlation").set({"polychoric"});
  EXPECT_TRUE(o.polychoric);
  try {
    find(list, "cfa").set({});
    ADD_FAILURE() << "cfa with factors";
  } catch (const attune::error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cfa fits one factor per subscale by maximum likelihood; factors", 0), 0U);
  }
  attune::factor_study_options p;
  const option_list plist = attune::describe_options(p);
  EXPECT_THROW(find(plist, "iterations").set({"5"}), attune::error);  // needs parallel
  find(plist, "parallel").set({});
  find(plist, "iterations").set({"5"});
  EXPECT_TRUE(p.parallel);
  EXPECT_EQ(p.parallel_analysis.replicates, 5);
}

TEST(StudyOptions, CorrelateScoreAndReportParseTheirOptions) {
  attune::correlate_study_options c;
  const option_list clist = attune::describe_options(c);
  check_list(clist, c.input, "method", "spearman");
  find(clist, "method").set({"polychoric"});
  EXPECT_EQ(c.correlation.method, attune::correlation_kind::polychoric);

  attune::score_study_options s;
  const option_list slist = attune::describe_options(s);
  check_list(slist, s.input, "chunk-rows", "0");
  find(slist, "chunk-rows").set({"500"});
  EXPECT_EQ(s.chunk_rows, 500U);

  attune::report_study_options r;
  const option_list rlist = attune::describe_options(r);
  check_list(rlist, r.input, "parallel", "10001");
  find(rlist, "no-irt").set({});
  find(rlist, "seed").set({"7"});
  EXPECT_FALSE(r.irt);
  EXPECT_EQ(r.seed, 7U);
}

}  // namespace
