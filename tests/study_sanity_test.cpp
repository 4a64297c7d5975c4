// The answer checks every study runs (study/input.hpp, answer_checks; issue 12, item 1): answers
// inside a narrower range than declared, and subscales whose keyed items give a negative alpha or
// item-rest correlation. No CLI needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>

#include "attune/study/classify.hpp"
#include "attune/study/input.hpp"
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

// Five items, e reverse keyed but written unreversed, and a quarter of the rows missing one
// answer: the checks judge the rows that answered all five (the item-rest r of e, computed here
// from those rows' covariances, is what the warning prints) and say how many they are.
TEST(AnswerChecks, RowsWithMissingAnswersAreLeftOut) {
  attune::instrument inst;
  inst.id = "five";
  inst.range = {1, 5};
  inst.items = {{.id = "a"}, {.id = "b"}, {.id = "c"}, {.id = "d"}, {.id = "e", .reversed = true}};
  inst.subscales = {{.name = "s", .items = {"a", "b", "c", "d", "e"}}};
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z(0.0, 1.0);
  const int n = 400, k = 5;
  Eigen::MatrixXd x(n, k);
  for (int r = 0; r < n; ++r) {
    const double trait = z(rng);
    for (int j = 0; j < k; ++j) x(r, j) = std::clamp(std::round(3 + trait + 0.9 * z(rng)), 1.0, 5.0);
    if (r % 4 == 1) x(r, r % k) = std::nan("");
  }
  attune::responses data;
  data.item_ids = inst.item_ids();
  data.source = "five.csv";
  data.values = x;
  // the reference: the complete rows, e keyed (6 - x), e's item-rest r from their covariances
  Eigen::MatrixXd kept(n, k);
  Eigen::Index rows = 0;
  for (int r = 0; r < n; ++r) {
    if (!x.row(r).allFinite()) continue;
    kept.row(rows) = x.row(r);
    kept(rows, k - 1) = 6 - x(r, k - 1);
    ++rows;
  }
  kept.conservativeResize(rows, k);
  const Eigen::MatrixXd centred = kept.rowwise() - kept.colwise().mean();
  const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(rows - 1);
  const Eigen::MatrixXd rest = cov.topLeftCorner(k - 1, k - 1);
  const double r_e = cov.row(k - 1).head(k - 1).sum() / std::sqrt(cov(k - 1, k - 1) * rest.sum());
  ASSERT_LT(r_e, -0.2);
  ASSERT_EQ(rows, 300);
  char expected[64];
  std::snprintf(expected, sizeof expected, "the item-rest correlation is negative for e (%.2f)", r_e);
  const auto w = attune::study_score(inst, data, {}).warnings;
  const auto keyed = std::find_if(w.begin(), w.end(), [](const attune::warning& one) { return one.message.rfind("subscale 's'", 0) == 0; });
  ASSERT_NE(keyed, w.end()) << joined(w);
  EXPECT_NE(keyed->message.find(expected), std::string::npos) << keyed->message << " vs " << expected;
  EXPECT_NE(keyed->message.find("(over the 300 of 400 rows that answered all its items)"), std::string::npos) << keyed->message;
  EXPECT_EQ(keyed->item, std::optional<std::string>("e"));
}

// The sums are exact integers for integer answers: any chunking, and merging in any grouping,
// gives the same state text; the text reads back to the same state; bad texts are refused.
TEST(AnswerChecks, SameStateForAnyChunkingAndItReadsBack) {
  const auto& inst = ecr();
  auto data = ecr_answers(1000, 7, "Q3");
  for (Eigen::Index r = 0; r < data.values.rows(); r += 7) data.values(r, r % 36) = std::nan("");
  attune::input_options options;
  auto slice = [&](Eigen::Index first, Eigen::Index rows) {
    attune::responses part;
    part.item_ids = data.item_ids;
    part.source = data.source;
    part.values = data.values.middleRows(first, rows);
    return part;
  };
  attune::answer_checks whole(inst, options);
  whole.add(data);
  const std::string text = whole.serialize();
  EXPECT_EQ(text.rfind("attune-answer-checks 2 2 ", 0), 0u) << text.substr(0, 80);
  for (const Eigen::Index size : {1, 97, 500}) {
    attune::answer_checks chunked(inst, options);
    for (Eigen::Index first = 0; first < 1000; first += size) chunked.add(slice(first, std::min<Eigen::Index>(size, 1000 - first)));
    EXPECT_EQ(chunked.serialize(), text) << "chunks of " << size;
  }
  // four shards, merged as ((a + b) + (c + d))
  std::vector<attune::answer_checks> shards;
  for (int s = 0; s < 4; ++s) {
    shards.emplace_back(inst, options);
    shards.back().add(slice(250 * s, 250));
  }
  shards[0].merge(shards[1]);
  shards[2].merge(shards[3]);
  shards[0].merge(shards[2]);
  EXPECT_EQ(shards[0].serialize(), text);
  attune::answer_checks back(inst, options);
  back.restore(text);
  EXPECT_EQ(back.serialize(), text);
  EXPECT_EQ(joined(back.warnings("x.csv")), joined(whole.warnings("x.csv")));
  EXPECT_NE(joined(back.warnings("x.csv")).find("negative for Q3"), std::string::npos);
  // refusals: the old version, a short text, more complete rows than rows, trailing text
  auto refused = [&](const std::string& bad, const std::string& says) {
    attune::answer_checks c(inst, options);
    try {
      c.restore(bad);
      ADD_FAILURE() << "accepted: " << bad.substr(0, 60);
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), attune::errc::bad_input);
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused("attune-answer-checks 1 2 0x1p+0 0x1.cp+2 36000\nskipped 00\n", "expected 'attune-answer-checks 2");
  refused(text.substr(0, text.size() / 2), "ends early");
  std::string more = text;
  const std::size_t at = more.find("\nsums 18 ") + 9;
  more.replace(at, more.find(' ', at) - at, "1001");
  refused(more, "subscale 1: expected 'sums 18 <rows>' (at most 1000 rows)");
  refused(text + "x", "unexpected text after the last subscale");
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
