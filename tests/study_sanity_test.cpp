// The answer checks every study runs (study/input.hpp, answer_checks; issue 12, item 1): answers
// inside a narrower range than declared, and subscales whose keyed items give a negative alpha or
// item-rest correlation. No CLI needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>

#include "attune/study/classify.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"
#include "attune/report/json.hpp"
#include "attune/core/warning.hpp"
#include <nlohmann/json.hpp>
#include <optional>
#include "test_support.hpp"

namespace {

const attune::instrument& ecr() { return *attune::find_builtin("ecr"); }

// ECR answers of `n` people on 1..`top`, from one trait per subscale (keyed as the instrument
// says, so every item correlates positively with its subscale), or with item `unkeyed` written
// as if it were not reversed (a wrong key).
attune::responses ecr_answers(int n, int top, const std::string& unkeyed = "") {
  const auto& inst = ecr();
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z(0.0, 1.0);
  std::ostringstream os;
  for (std::size_t j = 0; j < inst.items.size(); ++j) os << (j ? "," : "") << inst.items[j].id;
  os << "\n";
  for (int p = 0; p < n; ++p) {
    const double anxiety = z(rng), avoidance = z(rng);
    for (std::size_t j = 0; j < inst.items.size(); ++j) {
      const auto& it = inst.items[j];
      const double trait = (j % 2 == 1) ? anxiety : avoidance;  // even items (Q2, Q4, ...): anxiety
      double latent = trait + 0.8 * z(rng);
      if (it.reversed != (it.id == unkeyed)) latent = -latent;
      const double answer = std::clamp(std::round((top + 1) / 2.0 + latent * (top - 1) / 4.0), 1.0, static_cast<double>(top));
      os << (j ? "," : "") << answer;
    }
    os << "\n";
  }
  std::istringstream in(os.str());
  return attune::read_responses(in, "answers.csv", inst.item_ids());
}

std::string joined(const std::vector<attune::warning>& w) {
  std::string s;
  for (const auto& x : w) s += x.message + "\n";
  return s;
}

// ECR (1-7) answered on 1-5 without --scale: every command warns, naming the observed range and
// the option; with the range given, or the checks silenced, no warning.
TEST(AnswerChecks, NarrowerRangeThanDeclaredWarnsInEveryStudy) {
  const auto data = ecr_answers(300, 5);
  attune::score_study_options so;
  const auto s = attune::study_score(ecr(), data, so);
  const std::string w = joined(s.warnings);
  EXPECT_NE(w.find("every answer in answers.csv lies in 1-5, inside the declared response range 1-7"), std::string::npos) << w;
  EXPECT_NE(w.find("give scoring_options.range = 1-5"), std::string::npos) << w;
  EXPECT_NE(w.find("8 - x on 1-7"), std::string::npos) << w;
  attune::classify_study_options co;
  co.method = attune::classify_method::midpoint;
  EXPECT_NE(joined(attune::study_classify(ecr(), data, co).warnings).find("inside the declared response range 1-7"), std::string::npos);
  attune::reliability_study_options ro;
  EXPECT_NE(joined(attune::study_reliability(&ecr(), data, ro).warnings).find("inside the declared response range 1-7"),
            std::string::npos);
  so.input.scoring.range = attune::response_range{1, 5};
  EXPECT_EQ(joined(attune::study_score(ecr(), data, so).warnings), "");
  attune::score_study_options quiet;
  quiet.input.sanity_warnings = false;
  EXPECT_EQ(joined(attune::study_score(ecr(), data, quiet).warnings), "");
  // Full 1-7 answers: nothing to say. Few answers: a narrow range may be chance, no warning.
  EXPECT_EQ(joined(attune::study_score(ecr(), ecr_answers(300, 7), {}).warnings), "");
  EXPECT_EQ(joined(attune::study_score(ecr(), ecr_answers(5, 5), {}).warnings), "");
}

// Q3 is reverse keyed in the ECR; data written as if it were not give it a negative item-rest
// correlation in its subscale (avoidance): score and classify warn too, naming the item.
TEST(AnswerChecks, NegativeItemRestCorrelationPointsToTheKey) {
  attune::score_study_options so;
  so.input.scoring.range = attune::response_range{1, 5};
  EXPECT_EQ(joined(attune::study_score(ecr(), ecr_answers(200, 5), so).warnings), "");
  const auto data = ecr_answers(200, 5, "Q3");
  const std::string w = joined(attune::study_score(ecr(), data, so).warnings);
  EXPECT_NE(w.find("subscale 'avoidance' of answers.csv: the item-rest correlation is negative for Q3 ("), std::string::npos) << w;
  EXPECT_NE(w.find("a wrong key or an item that should (or should not) be reversed"), std::string::npos) << w;
  EXPECT_EQ(w.find("'anxiety'"), std::string::npos) << w;
  attune::classify_study_options co;
  co.input = so.input;
  co.method = attune::classify_method::midpoint;
  EXPECT_NE(joined(attune::study_classify(ecr(), data, co).warnings).find("negative for Q3"), std::string::npos);
  so.input.sanity_warnings = false;
  EXPECT_EQ(joined(attune::study_score(ecr(), data, so).warnings), "");
}

// Two items of a two-item scale that correlate negatively: alpha < 0.
TEST(AnswerChecks, NegativeAlpha) {
  attune::instrument inst;
  inst.id = "pair";
  inst.range = {1, 5};
  inst.items = {{.id = "a"}, {.id = "b"}};
  inst.subscales = {{.name = "s", .items = {"a", "b"}}};
  std::ostringstream os;
  os << "a,b\n";
  for (int i = 0; i < 40; ++i) os << 1 + i % 5 << "," << 5 - i % 5 << "\n";
  std::istringstream in(os.str());
  const auto data = attune::read_responses(in, "pair.csv", inst.item_ids());
  const std::string w = joined(attune::study_score(inst, data, {}).warnings);
  EXPECT_NE(w.find("subscale 's' of pair.csv: alpha is -"), std::string::npos) << w;
}

// The checks' warnings are structured (issue 12, item 9): the narrower range names its fix
// scoring_options.range; a negative item-rest correlation names its item and the option that
// silences the check; both reach the JSON as {"message", "option", "item"}.
TEST(AnswerChecks, WarningsCarryTheirOptionAndItem) {
  attune::score_study_options so;
  auto narrow = attune::study_score(ecr(), ecr_answers(200, 5), so).warnings;
  ASSERT_EQ(narrow.size(), 1u) << joined(narrow);
  EXPECT_EQ(narrow[0].option, "scoring_options.range");
  EXPECT_FALSE(narrow[0].item.has_value());
  so.input.scoring.range = attune::response_range{1, 5};
  const auto keyed = attune::study_score(ecr(), ecr_answers(200, 5, "Q3"), so);
  ASSERT_EQ(keyed.warnings.size(), 1u) << joined(keyed.warnings);
  EXPECT_EQ(keyed.warnings[0].option, "input_options.sanity_warnings");
  EXPECT_EQ(keyed.warnings[0].item, std::optional<std::string>("Q3"));
  const auto doc = nlohmann::json::parse(attune::to_json(keyed));
  ASSERT_EQ(doc["warnings"].size(), 1u);
  EXPECT_EQ(doc["warnings"][0]["message"], keyed.warnings[0].message);
  EXPECT_EQ(doc["warnings"][0]["option"], "input_options.sanity_warnings");
  EXPECT_EQ(doc["warnings"][0]["item"], "Q3");
}

TEST(Warning, OptionIsTheFirstOptionsFieldTheTextNames) {
  EXPECT_EQ(attune::option_named_in("give scoring_options.range = 1-5 (or input_options.sanity_warnings = false)"),
            "scoring_options.range");
  EXPECT_EQ(attune::option_named_in("set classify_options.rescale_to_1_7 to map them"), "classify_options.rescale_to_1_7");
  EXPECT_EQ(attune::option_named_in("raise grm_options.max_iterations."), "grm_options.max_iterations");
  EXPECT_EQ(attune::option_named_in("item Q7 has zero variance"), "");
  EXPECT_EQ(attune::option_named_in("the options. nothing_options. here"), "");
  const attune::warning w("alpha is negative: check the keys");
  EXPECT_EQ(w.option, "");
  const attune::warning x("too few: raise mixture_options.starts");
  EXPECT_EQ(x.option, "mixture_options.starts");
  // An analysis's text warning in JSON: an object, with the option its text names, or null.
  std::vector<attune::warning> ws{w, x};
  EXPECT_EQ(attune::messages(ws), (std::vector<std::string>{w.message, x.message}));
}

}  // namespace
