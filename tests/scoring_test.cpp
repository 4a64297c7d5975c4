// Tests of scoring (scoring.hpp): hand-computed scores, reverse keying on the data's range,
// the minimum-answered rule, composites, out-of-range answers, the single-respondent API, and
// the reference figures of the real openpsychometrics ECR data (instruments.md section 10).
#include "attune/analyses/scoring.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "test_support.hpp"

namespace {

using attune::test::expect_error;
constexpr double NA = std::numeric_limits<double>::quiet_NaN();
constexpr double kExact = 1e-12;  // sums of a few small integers: exact up to rounding

attune::instrument small_instrument() {
  // Two subscales on 1-5: s1 = a, b(reversed), c; s2 = d, e.
  return attune::instrument_from_json(R"({"id": "small", "range": {"min": 1, "max": 5},
    "items": [{"id": "a"}, {"id": "b", "reversed": true}, {"id": "c"}, {"id": "d"}, {"id": "e"}],
    "subscales": [{"name": "s1", "items": ["a", "b", "c"]}, {"name": "s2", "items": ["d", "e"]}],
    "composites": [{"name": "diff", "method": "weighted_sum", "parts": ["s1", "s2"], "weights": [1, -1]}]})",
                                      "small.json");
}

attune::responses make(const Eigen::MatrixXd& v) {
  attune::responses r;
  r.values = v;
  r.source = "d.csv";
  r.columns = {"a", "b", "c", "d", "e"};
  for (Eigen::Index i = 0; i < v.rows(); ++i) r.lines.push_back(static_cast<std::size_t>(i) + 2);
  return r;
}

TEST(Scoring, MeansAfterReverseKeyingAndAnsweredCounts) {
  Eigen::MatrixXd v(2, 5);
  v << 1, 5, 3, 2, 4,  //
      5, 1, NA, 4, 4;
  const auto t = attune::score(small_instrument(), make(v), {.min_answered = 0.5});
  EXPECT_EQ(t.names, (std::vector<std::string>{"s1", "s2", "diff"}));
  EXPECT_NEAR(t.scores(0, 0), (1 + 1 + 3) / 3.0, kExact);  // b = 1 + 5 - 5
  EXPECT_NEAR(t.scores(1, 0), (5 + 5) / 2.0, kExact);
  EXPECT_NEAR(t.scores(0, 1), 3.0, kExact);
  EXPECT_NEAR(t.scores(0, 2), 5 / 3.0 - 3.0, kExact);
  EXPECT_EQ(t.answered(0, 0), 3);
  EXPECT_EQ(t.answered(1, 0), 2);
}

TEST(Scoring, MinimumAnsweredRuleLeavesNoScore) {
  Eigen::MatrixXd v(1, 5);
  v << 1, NA, NA, 2, 4;
  const auto t = attune::score(small_instrument(), make(v));  // default 0.8: 3 of 3, 2 of 2
  EXPECT_EQ(t.required, (std::vector<int>{3, 2}));
  EXPECT_TRUE(std::isnan(t.scores(0, 0)));
  EXPECT_TRUE(std::isnan(t.scores(0, 2)));  // a composite of a missing part is missing
  EXPECT_NEAR(t.scores(0, 1), 3.0, kExact);
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("fewer than 3 of the 3 items of 's1'"), std::string::npos);
}

TEST(Scoring, RequiredCountIsTheCeilingOfTheShare) {
  const auto& ecr_r = *attune::find_builtin("ecr-r");
  Eigen::MatrixXd v = Eigen::MatrixXd::Constant(1, 36, 4.0);
  const auto t = attune::score(ecr_r, make(v));
  EXPECT_EQ(t.required, (std::vector<int>{15, 15}));  // ceil(0.8 * 18) = 15
  const auto half = attune::score(ecr_r, make(v), {.min_answered = 0.5});
  EXPECT_EQ(half.required, (std::vector<int>{9, 9}));
}

TEST(Scoring, ReverseKeyingUsesTheDataRange) {
  // ECR given on 1-5: item 3 (reversed) answered 1 becomes 5 (6 - x), not 7 (8 - x).
  const auto& ecr = *attune::find_builtin("ecr");
  Eigen::MatrixXd v = Eigen::MatrixXd::Constant(1, 36, 1.0);
  const auto t = attune::score(ecr, make(v), {.range = attune::response_range{1, 5}});
  EXPECT_NEAR(t.scores(0, 1), (9 * 1 + 9 * 5) / 18.0, kExact);  // avoidance: 9 reversed items
  EXPECT_NEAR(t.scores(0, 0), (17 * 1 + 5) / 18.0, kExact);     // anxiety: item 22 reversed
}

TEST(Scoring, PerItemRanges) {
  const auto inst = attune::instrument_from_json(R"({"id": "mixed", "range": {"min": 1, "max": 5},
    "items": [{"id": "a", "reversed": true}, {"id": "b", "reversed": true, "range": {"min": 0, "max": 10}}],
    "subscales": [{"name": "s", "items": ["a", "b"]}]})",
                                                 "m.json");
  attune::responses r;
  r.values = Eigen::RowVector2d(2, 3);
  const auto t = attune::score(inst, r);
  EXPECT_NEAR(t.scores(0, 0), ((6 - 2) + (10 - 3)) / 2.0, kExact);
}

TEST(Scoring, SumScoringIsProratedWhenAnswersAreMissing) {
  auto inst = small_instrument();
  inst.scoring = attune::scoring_method::sum;
  Eigen::MatrixXd v(2, 5);
  v << 1, 5, 3, 2, 4,  //
      5, 1, NA, 4, 4;
  const auto t = attune::score(inst, make(v), {.min_answered = 0.5});
  EXPECT_NEAR(t.scores(0, 0), 5.0, kExact);             // plain sum 1 + 1 + 3
  EXPECT_NEAR(t.scores(1, 0), (10.0 / 2) * 3, kExact);  // mean of 2 answered x 3 items
}

TEST(Scoring, CompositesOfBuiltIns) {
  const auto& rq = *attune::find_builtin("rq");
  Eigen::MatrixXd v(1, 4);
  v << 6, 2, 3, 5;  // secure, fearful, preoccupied, dismissing
  const auto t = attune::score(rq, make(v));
  EXPECT_NEAR(t.scores(0, 4), (6 + 5) - (3 + 2), kExact);  // model of self
  EXPECT_NEAR(t.scores(0, 5), (6 + 3) - (5 + 2), kExact);  // model of other
  const auto& four = *attune::find_builtin("ecr-rs-4");
  Eigen::MatrixXd w = Eigen::MatrixXd::Constant(1, 36, 7.0);
  for (int j = 27; j < 36; ++j) w(0, j) = 1.0;  // friend: all 1
  const auto g = attune::score(four, make(w));
  // mother..partner anxiety 7, friend 1 -> global 5.5; avoidance: items 1-4 reversed
  EXPECT_NEAR(g.scores(0, 8), (7 + 7 + 7 + 1) / 4.0, kExact);
  EXPECT_NEAR(g.scores(0, 9), (3 * (4 * 1 + 2 * 7) / 6.0 + (4 * 7 + 2 * 1) / 6.0) / 4.0, kExact);
}

TEST(ScoringErrors, OutOfRangeNamesRowLineColumnAndValue) {
  Eigen::MatrixXd v(3, 5);
  v << 1, 2, 3, 4, 5,  //
      1, 2, 3, 4, 5,   //
      1, 2, 3, 9, 5;
  expect_error([&] { attune::score(small_instrument(), make(v)); }, attune::errc::bad_input,
               {"d.csv, row 3 (line 4)", "column 'd'", "value 9", "range 1-5"});
  try {
    attune::score(small_instrument(), make(v));
  } catch (const attune::error& e) {
    EXPECT_EQ(e.source(), "d.csv");
    EXPECT_EQ(e.row(), 3u);
    EXPECT_EQ(e.line(), 4u);
    EXPECT_EQ(e.column(), "d");
    EXPECT_EQ(e.value(), "9");
    EXPECT_EQ(e.rule(), "out_of_range");
  }
}

// An app scoring one respondent learns which question is out of range from the error's fields,
// and the message speaks of the data, not of any command-line option.
TEST(ScoringErrors, ScoreRespondentOutOfRangeNamesTheItemAndValue) {
  const attune::instrument& ecr_r = *attune::find_builtin("ecr-r");
  std::vector<double> answers(36, 4.0);
  answers[6] = 9.0;
  try {
    (void)attune::score_respondent(ecr_r, answers);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_EQ(e.item(), "Q7");
    EXPECT_EQ(e.value(), "9");
    EXPECT_EQ(e.row(), 1u);
    EXPECT_EQ(e.rule(), "out_of_range");
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  }
}

TEST(ScoringErrors, FirstOutOfRangeValueInReadingOrderIsReported) {
  Eigen::MatrixXd v(2, 5);
  v << 1, 2, 3, 4, 5,  //
      1, 0, 3, 4, 7;
  expect_error([&] { attune::score(small_instrument(), make(v)); }, attune::errc::bad_input, {"row 2", "column 'b'", "value 0"});
}

// A value just outside the range is shown with its digits, not rounded onto the bound (which
// would read "value 5 is outside the range 1-5").
TEST(ScoringErrors, ValueJustOutsideTheRangeIsShownAsGiven) {
  Eigen::MatrixXd v(1, 5);
  v << 1, 2, 3, 4, 5.0000001;
  expect_error([&] { attune::score(small_instrument(), make(v)); }, attune::errc::bad_input,
               {"value 5.0000001 is outside the response range 1-5"});
  Eigen::MatrixXd ok = Eigen::MatrixXd::Ones(1, 5);
  expect_error([&] { attune::score(small_instrument(), make(ok), {.min_answered = 1.0000001}); },
               attune::errc::invalid_argument, {"min_answered = 1.0000001"});
}

TEST(Scoring, OutOfRangeAsMissingIsCounted) {
  Eigen::MatrixXd v(2, 5);
  v << 1, 2, 3, 9, 5,  //
      1, 2, 3, 4, 0;
  const auto t = attune::score(small_instrument(), make(v),
                               {.min_answered = 0.5, .out_of_range = attune::out_of_range_policy::set_missing});
  EXPECT_EQ(t.n_out_of_range, 2u);
  EXPECT_NEAR(t.scores(0, 1), 5.0, kExact);
  EXPECT_NEAR(t.scores(1, 1), 4.0, kExact);
  EXPECT_NE(t.warnings.back().find("2 answers outside the response range treated as missing"), std::string::npos);
}

TEST(ScoringErrors, BadOptionsAndShapes) {
  Eigen::MatrixXd v = Eigen::MatrixXd::Ones(1, 4);
  expect_error([&] { attune::score(small_instrument(), make(v)); }, attune::errc::invalid_argument,
               {"4 item columns", "has 5 items"});
  Eigen::MatrixXd ok = Eigen::MatrixXd::Ones(1, 5);
  expect_error([&] { attune::score(small_instrument(), make(ok), {.min_answered = 0}); }, attune::errc::invalid_argument,
               {"min_answered = 0", "(0, 1]"});
  expect_error([&] { attune::score(small_instrument(), make(ok), {.range = attune::response_range{5, 1}}); },
               attune::errc::invalid_argument, {"range = 5-1"});
}

TEST(ScoreRespondent, SameRulesAsTheBulkApi) {
  const auto inst = small_instrument();
  const std::vector<double> answers = {1, 5, 3, 2, 4};
  const auto r = attune::score_respondent(inst, answers);
  EXPECT_NEAR(r.scores[0], 5 / 3.0, kExact);
  EXPECT_EQ(r.answered, (std::vector<int>{3, 2}));
  const std::vector<double> too_few = {1, NA, NA, 2, 4};
  EXPECT_TRUE(std::isnan(attune::score_respondent(inst, too_few).scores[0]));
  const std::vector<double> bad = {1, 6, 3, 2, 4};
  expect_error([&] { attune::score_respondent(inst, bad); }, attune::errc::bad_input, {"column 'b'", "value 6"});
  const std::vector<double> short_vector = {1, 2};
  expect_error([&] { attune::score_respondent(inst, short_vector); }, attune::errc::invalid_argument, {"2 answers given"});
}

TEST(KeyedItems, ReversesTheSubscalesItems) {
  Eigen::MatrixXd v(2, 5);
  v << 1, 5, 3, 2, 4,  //
      5, NA, 2, 4, 4;
  const auto inst = small_instrument();
  const Eigen::MatrixXd k = attune::keyed_items(inst, inst.subscales[0], v);
  ASSERT_EQ(k.cols(), 3);
  EXPECT_EQ(k(0, 1), 1);
  EXPECT_TRUE(std::isnan(k(1, 1)));
  EXPECT_EQ(k(1, 2), 2);
}

TEST(ScoreSummary, CountsMeansAndSdsAcrossChunks) {
  const auto inst = small_instrument();
  Eigen::MatrixXd v(4, 5);
  v << 1, 5, 3, 2, 4,  //
      5, 1, 5, 4, 4,   //
      2, 2, 2, NA, NA, //
      3, 3, 3, 1, 1;
  attune::score_summary whole(inst.score_names()), parts(inst.score_names());
  whole.add(attune::score(inst, make(v)));
  parts.add(attune::score(inst, make(v.topRows(1))));
  parts.add(attune::score(inst, make(v.bottomRows(3))));
  const auto a = whole.columns(), b = parts.columns();
  EXPECT_EQ(a[1].n_scored, 3u);
  EXPECT_EQ(a[1].n_unscored, 1u);
  EXPECT_NEAR(a[1].mean, (3 + 4 + 1) / 3.0, kExact);
  EXPECT_NEAR(a[1].sd, std::sqrt(((3 - 8 / 3.0) * (3 - 8 / 3.0) + (4 - 8 / 3.0) * (4 - 8 / 3.0) +
                                  (1 - 8 / 3.0) * (1 - 8 / 3.0)) / 2.0), kExact);
  for (std::size_t c = 0; c < a.size(); ++c) {
    EXPECT_NEAR(a[c].mean, b[c].mean, kExact);
    EXPECT_NEAR(a[c].sd, b[c].sd, kExact);
  }
  EXPECT_EQ(whole.n_rows(), 4u);
  EXPECT_EQ(parts.warnings(), whole.warnings());
  ASSERT_EQ(whole.warnings().size(), 1u);
  EXPECT_EQ(whole.warnings()[0], "1 respondent answered fewer than 2 of the 2 items of 's2': not scored");
}

// The real ECR data of openpsychometrics.org (51,491 people, 1-5 scale, 0 = missing), read from
// ../shared/data (never copied into the repository). Reference: instruments.md section 10,
// computed on the 46,610 complete rows with the ECR key on the 1-5 scale.
TEST(RealEcrData, ReproducesTheReferenceFigures) {
  const std::string zip = attune::test::shared_path("data/openpsychometrics-ecr/ECR-data-1March2018.zip");
  if (!std::filesystem::exists(zip)) GTEST_SKIP() << "the real ECR data are absent (" << zip << "): skipped";
  const std::string dir = attune::test::temp_path("ecr-data");
  std::filesystem::create_directories(dir);
  const std::string cmd = "cd '" + dir + "' && '" ATTUNE_CMAKE_COMMAND "' -E tar xf '" + zip + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "cannot unpack " << zip;
  const auto& ecr = *attune::find_builtin("ecr");
  attune::read_options ro;
  ro.missing_codes = {0};
  const auto data = attune::read_responses_file(dir + "/ECR-data-1March2018/data.csv", ecr.item_ids(), ro);
  ASSERT_EQ(data.n_rows(), 51491);
  EXPECT_EQ((data.values.array().isNaN()).count(), 9534);
  std::vector<Eigen::Index> complete;
  for (Eigen::Index i = 0; i < data.n_rows(); ++i) {
    if (!data.values.row(i).array().isNaN().any()) complete.push_back(i);
  }
  ASSERT_EQ(complete.size(), 46610u);
  attune::responses cc = data;
  cc.values = data.values(complete, Eigen::all);
  const auto t = attune::score(ecr, cc, {.range = attune::response_range{1, 5}});
  const Eigen::VectorXd anx = t.scores.col(0), avo = t.scores.col(1);
  const double n = static_cast<double>(anx.size());
  auto sd = [&](const Eigen::VectorXd& x) { return std::sqrt((x.array() - x.mean()).square().sum() / (n - 1)); };
  const double r = ((anx.array() - anx.mean()) * (avo.array() - avo.mean())).sum() / ((n - 1) * sd(anx) * sd(avo));
  // The reference gives four decimals: a tolerance of half a unit in the last place.
  constexpr double kFourDecimals = 0.00005;
  EXPECT_NEAR(avo.mean(), 2.5650, kFourDecimals);
  EXPECT_NEAR(sd(avo), 0.8396, kFourDecimals);
  EXPECT_NEAR(anx.mean(), 3.0954, kFourDecimals);
  EXPECT_NEAR(sd(anx), 0.8034, kFourDecimals);
  EXPECT_NEAR(r, -0.0456, kFourDecimals);
  std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

TEST(ApplyRangeRule, ErrorNamesThePlaceOrSetsMissingInPlace) {
  Eigen::MatrixXd v(2, 5);
  v << 1, 2, 3, 4, 5,  //
      0, 2, 3, 4, 9;
  attune::responses data = make(v);
  attune::test::expect_error([&] { attune::apply_range_rule(small_instrument(), data); }, attune::errc::bad_input,
                             {"d.csv, row 2 (line 3)", "column 'a'", "value 0"});
  attune::scoring_options o;
  o.out_of_range = attune::out_of_range_policy::set_missing;
  EXPECT_EQ(attune::apply_range_rule(small_instrument(), data, o), 2u);
  EXPECT_TRUE(std::isnan(data.values(1, 0)));
  EXPECT_TRUE(std::isnan(data.values(1, 4)));
  EXPECT_EQ(data.values(1, 1), 2);
  EXPECT_EQ(attune::apply_range_rule(small_instrument(), data, o), 0u);
}

}  // namespace
