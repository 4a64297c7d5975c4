// Tests of the classify study (study/classify.hpp, study/measurement.hpp): what it adds to the
// analyses (SEMs from given values or this sample, the method's fit to the instrument, the RQ
// forced choice read with the answers, norm scores) and its report. No CLI needed.
#include "attune/study/classify.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "attune/analyses/descriptives.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/analyses/simulate.hpp"
#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "option_list_checks.hpp"
#include "test_support.hpp"

namespace {

using attune::classify_method;
using attune::classify_study_options;
using attune::errc;

const attune::instrument& builtin(const char* id) { return *attune::find_builtin(id); }

attune::responses read_text(const std::string& text, const attune::instrument& inst, attune::read_options o = {}) {
  std::istringstream in(text);
  return attune::read_responses(in, "mem.csv", inst.item_ids(), o);
}

// ECR-R rows whose keyed anxiety and avoidance means are the given values.
std::string ecrr_csv(const std::vector<std::pair<double, double>>& rows) {
  const auto& inst = builtin("ecr-r");
  const auto* anx = inst.find_subscale("anxiety");
  std::ostringstream os;
  os << "id";
  for (const auto& it : inst.items) os << "," << it.id;
  os << "\n";
  int k = 0;
  for (const auto& [a, v] : rows) {
    os << "p" << ++k;
    for (const auto& it : inst.items) {
      const bool is_anx = std::find(anx->items.begin(), anx->items.end(), it.id) != anx->items.end();
      const double target = is_anx ? a : v;
      os << "," << (it.reversed ? 8 - target : target);
    }
    os << "\n";
  }
  return os.str();
}

// A file whose items vary (so that alpha and the SD exist): a person's answers are their level
// plus a small item-dependent offset.
std::string ecrr_varied() {
  const auto& inst = builtin("ecr-r");
  std::ostringstream os;
  os << "id";
  for (const auto& it : inst.items) os << "," << it.id;
  os << "\n";
  for (int p = 0; p < 12; ++p) {
    os << "r" << p;
    for (std::size_t j = 0; j < inst.items.size(); ++j) {
      const int level = 2 + (p + static_cast<int>(j % 3)) % 5;
      const int v = inst.items[j].reversed ? 8 - level : level;
      os << "," << v;
    }
    os << "\n";
  }
  return os.str();
}

using attune::test::caught;

TEST(StudyClassify, OptionsNameTheFieldInApiWords) {
  classify_study_options o;
  o.probability_threshold = 2;
  auto e = caught([&] { o.validate(); });
  EXPECT_STREQ(e.what(), "classify_study_options.probability_threshold = 2: must be in (0, 1]");
  EXPECT_EQ(e.option(), "classify_study_options.probability_threshold");
  o = {};
  o.forced_choice_column = "choice";
  e = caught([&] { o.validate(); });
  EXPECT_EQ(e.option(), "classify_study_options.forced_choice_column");
  EXPECT_EQ(e.rule(), "option_not_applicable");
  EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  o = {};
  o.method = classify_method::norms;
  e = caught([&] { o.validate(); });
  EXPECT_EQ(e.rule(), "norms_required");
  o = {};
  o.reliability.by_score["anxiety"] = 1.5;
  e = caught([&] { o.validate(); });
  EXPECT_STREQ(e.what(), "classify_study_options.reliability['anxiety'] = 1.5: must be in [0, 1]");
  EXPECT_EQ(e.value(), "1.5");
  o = {};
  o.sd.all = 0;
  e = caught([&] { o.validate(); });
  EXPECT_STREQ(e.what(), "classify_study_options.sd = 0 (every score): must be > 0");
}

TEST(StudyClassify, TheMethodMustFitTheInstrumentAndTheRange) {
  const auto data = read_text(ecrr_csv({{2, 2}}), builtin("ecr-r"));
  classify_study_options o;
  o.method = classify_method::rq;
  auto e = caught([&] { attune::study_classify(builtin("ecr-r"), data, o); });
  EXPECT_EQ(e.option(), "classify_study_options.method");
  EXPECT_EQ(e.value(), "secure");
  EXPECT_NE(std::string(e.what()).find("has no score 'secure' needed by method rq"), std::string::npos);
  // Fisher's functions need 1-7: an error naming the option that rescales.
  o.method = classify_method::fisher;
  o.input.scoring.range = attune::response_range{1, 5};
  e = caught([&] { attune::study_classify(builtin("ecr"), data, o); });
  EXPECT_EQ(e.option(), "classify_study_options.rescale_to_1_7");
  EXPECT_EQ(e.rule(), "fisher_range");
  EXPECT_NE(std::string(e.what()).find("1-7 scale; these scores are on 1-5"), std::string::npos);
  // The RQ has no anxiety and avoidance.
  o = {};
  e = caught([&] { attune::study_classify(builtin("rq"), data, o); });
  EXPECT_NE(std::string(e.what()).find("use method 'rq'"), std::string::npos);
}

TEST(StudyClassify, SemFromGivenValuesOrThisSample) {
  const auto& inst = builtin("ecr-r");
  classify_study_options o;
  o.input.read.id_column = "id";
  const auto data = read_text(ecrr_varied(), inst, o.input.read);
  o.reliability.by_score["anxiety"] = 0.75;
  o.sd.all = 2.0;
  const auto s = attune::study_classify(inst, data, o);
  ASSERT_EQ(s.sem.size(), 2U);
  EXPECT_EQ(s.sem[0].score, "anxiety");
  EXPECT_EQ(s.sem[0].reliability_source, "given");
  EXPECT_DOUBLE_EQ(*s.sem[0].sem, 1.0);  // 2 sqrt(1 - .75)
  // Avoidance: alpha of its 18 keyed items in this sample, as analyze_reliability computes it.
  EXPECT_EQ(s.sem[1].reliability_source, "alpha in this sample");
  const auto* avo = inst.find_subscale("avoidance");
  const double alpha = attune::analyze_reliability(attune::keyed_items(inst, *avo, data.values), [] {
                         attune::reliability_options r;
                         r.intervals.clear();
                         r.split_half = false;
                         return r;
                       }()).alpha;
  EXPECT_NEAR(*s.sem[1].reliability, alpha, 1e-15);
  EXPECT_NEAR(*s.sem[1].sem, 2.0 * std::sqrt(1.0 - alpha), 1e-15);
  ASSERT_TRUE(s.result);
  EXPECT_DOUBLE_EQ(s.result->sem_anxiety, 1.0);
  EXPECT_EQ(s.ids.front(), "r0");
  EXPECT_EQ(s.rows.back(), 12U);
  EXPECT_EQ(s.provenance.status, "convention");
  // A single respondent has no sample SD: no SEM, said in a warning, distances unknown.
  const auto one = attune::study_classify(inst, read_text(ecrr_csv({{2, 6}}), inst), classify_study_options{});
  EXPECT_FALSE(one.sem[0].sem);
  EXPECT_FALSE(one.result->could_flip[0].has_value());
  bool said = false;
  for (const auto& w : one.warnings) said = said || w.message.find("cannot be estimated from this sample") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(StudyClassify, CompositeAlphaUsesEveryItemOfItsParts) {
  const auto& inst = builtin("raas");
  std::ostringstream os;
  os << "id";
  for (const auto& it : inst.items) os << "," << it.id;
  os << "\n";
  for (int p = 0; p < 10; ++p) {
    os << p;
    for (std::size_t j = 0; j < inst.items.size(); ++j) os << "," << 1 + (p + static_cast<int>(j % 4)) % 5;
    os << "\n";
  }
  const auto data = read_text(os.str(), inst);
  std::string why;
  const auto alpha = attune::sample_alpha(inst, "close_depend", data, {}, &why);
  ASSERT_TRUE(alpha) << why;
  Eigen::MatrixXd items(data.values.rows(), 12);
  items << attune::keyed_items(inst, *inst.find_subscale("close"), data.values),
      attune::keyed_items(inst, *inst.find_subscale("depend"), data.values);
  attune::reliability_options r;
  r.intervals.clear();
  r.split_half = false;
  EXPECT_NEAR(*alpha, attune::analyze_reliability(items, r).alpha, 1e-15);
  EXPECT_EQ(attune::subscales_of(inst, "close_depend").size(), 2U);
  classify_study_options o;
  o.method = classify_method::raas;
  const auto s = attune::study_classify(inst, data, o);
  EXPECT_EQ(s.scores, (std::vector<std::string>{"close_depend", "anxiety"}));
  EXPECT_NEAR(*s.sem[0].reliability, *alpha, 1e-15);
}

TEST(StudyClassify, RqForcedChoiceIsReadWithTheAnswers) {
  const auto& inst = builtin("rq");
  const std::string path = attune::test::temp_path("study_rq.csv");
  attune::test::write_file(path, "id,secure,fearful,preoccupied,dismissing,choice\n"
                                 "a,6,2,6,1,3\n"   // tie, forced choice 3 = preoccupied
                                 "b,6,2,3,1,\n"); // unique highest
  classify_study_options o;
  o.method = classify_method::rq;
  o.input.read.id_column = "id";
  o.forced_choice_column = "CHOICE";
  const auto s = attune::study_classify(inst, path, o);
  ASSERT_TRUE(s.rq_result);
  EXPECT_EQ(s.rq_result->styles[0], attune::attachment_style::preoccupied);
  EXPECT_EQ(s.forced_choice[0], attune::attachment_style::preoccupied);
  EXPECT_EQ(s.forced_choice[1], attune::attachment_style::unclassified);
  EXPECT_EQ(s.scores, (std::vector<std::string>{"model_of_self", "model_of_other"}));
  // A bad forced choice names the row, the column and the value.
  attune::test::write_file(path, "id,secure,fearful,preoccupied,dismissing,choice\nz,6,6,1,1,7\n");
  auto e = caught([&] { attune::study_classify(inst, path, o); });
  EXPECT_EQ(e.code(), errc::bad_input);
  EXPECT_EQ(e.row(), 1U);
  EXPECT_EQ(e.line(), 2U);
  EXPECT_EQ(e.column(), "choice");
  EXPECT_EQ(e.value(), "7");
  // A column that is not there is named, with the option that asked for it.
  o.forced_choice_column = "nosuch";
  e = caught([&] { attune::study_classify(inst, path, o); });
  EXPECT_EQ(e.option(), "classify_study_options.forced_choice_column");
  EXPECT_NE(std::string(e.what()).find("nosuch"), std::string::npos);
  // In memory, the forced choice must have been read.
  o.forced_choice_column = "choice";
  e = caught([&] { attune::study_classify(inst, read_text("secure,fearful,preoccupied,dismissing\n1,2,3,4\n", inst), o); });
  EXPECT_EQ(e.rule(), "forced_choice_not_read");
}

TEST(StudyClassify, AnswersTreatedAsMissingAreMissingForTheAlphasToo) {
  const auto& inst = builtin("ecr-r");
  std::string text = ecrr_varied();
  const std::string clean = text;
  text.replace(text.find("\nr3,") + 4, 1, "9");  // Q1 of r3: out of range
  classify_study_options o;
  o.input.scoring.out_of_range = attune::out_of_range_policy::set_missing;
  const auto s = attune::study_classify(inst, read_text(text, inst), o);
  auto data = read_text(text, inst);
  attune::apply_range_rule(inst, data, o.input.scoring);
  EXPECT_NEAR(*s.sem[0].reliability, *attune::sample_alpha(inst, "anxiety", data, o.input.scoring), 1e-15);
  EXPECT_NE(*s.sem[0].reliability, *attune::sample_alpha(inst, "anxiety", read_text(text, inst), o.input.scoring));
  EXPECT_NE(s.warnings.front().message.find("1 answer(s) outside the response range"), std::string::npos);
}

TEST(StudyClassify, ReportRowsAreFlatWithTheCsvColumns) {
  const auto& inst = builtin("ecr-r");
  classify_study_options o;
  o.sd.all = 1;
  o.reliability.all = 0.75;
  const auto s = attune::study_classify(inst, read_text(ecrr_csv({{2, 2}, {6, 5}}), inst), o);
  std::ostringstream csv;
  attune::write_report(csv, attune::output_format::csv, s);
  EXPECT_EQ(csv.str(), "row,anxiety,avoidance,style,boundary_distance_sem,could_flip\n"
                       "1,2,2,secure,4,0\n"
                       "2,6,5,fearful,2,0\n");
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(j["format"], "attune/1");
  EXPECT_EQ(j["study"], "classify");
  EXPECT_EQ(j["respondents"][1], nlohmann::json::parse(R"({"row":2,"anxiety":6,"avoidance":5,"style":"fearful",
      "boundary_distance_sem":2,"could_flip":false})"));
  EXPECT_EQ(j["result"]["counts"]["fearful"], 1);
  EXPECT_TRUE(j["rq_result"].is_null());
  EXPECT_EQ(j["sem"][0]["sd_source"], "given");
  std::ostringstream table;
  attune::write_report(table, attune::output_format::table, s);
  EXPECT_EQ(table.str().substr(0, table.str().find("\n\n") + 1),
            "row  anxiety  avoidance    style  boundary_distance_sem  could_flip\n"
            "  1    2.000      2.000   secure                   4.00          no\n"
            "  2    6.000      5.000  fearful                   2.00          no\n");
  EXPECT_NE(table.str().find("classify: method midpoint (convention) on ecr-r"), std::string::npos);
}

}  // namespace

// classify_file streams a file (several chunks of 4096 rows; three reading passes for the SEMs
// from this sample's alpha and SD) and hands the rows over in parts; classify_writer writes them.
// The document is byte for byte the one write_report gives for the whole-file study, for any
// thread count; so are the CSV rows.
TEST(StudyClassify, StreamingAFileGivesTheWholeFileDocument) {
  const auto& inst = builtin("ecr-r");
  const std::string path = attune::test::temp_path("classify_stream.csv");
  attune::simulation_options sim;
  sim.n = 10000;  // 3 chunks
  sim.seed = 11;
  attune::test::write_file(path, attune::responses_to_csv(attune::simulate_responses(inst, sim)));
  for (const auto method : {classify_method::fisher, classify_method::midpoint, classify_method::prototypes}) {
    classify_study_options o;
    o.method = method;
    o.input.read.id_column = "id";
    if (method == classify_method::prototypes) {
      o.prototypes = {{attune::attachment_style::secure, 2.5, 2.5}, {attune::attachment_style::fearful, 5, 5},
                      {attune::attachment_style::dismissing, 2.5, 5}};
      o.reliability.all = 0.9;
    }
    const auto whole = attune::study_classify(inst, path, o);
    for (const auto format : {attune::output_format::json, attune::output_format::csv}) {
      std::ostringstream expected;
      attune::write_report(expected, format, whole);
      for (const int threads : {1, 2}) {
        o.threads = threads;
        std::ostringstream streamed;
        std::optional<attune::classify_writer> writer;
        std::size_t parts = 0;
        const auto s = attune::classify_file(
            inst, path, o, [&](const attune::classify_study& head) { writer.emplace(streamed, format, head); },
            [&](const attune::classify_study& part) {
              ++parts;
              writer->write(part);
            });
        writer->finish(s);
        EXPECT_EQ(parts, 3U);
        EXPECT_TRUE(s.ids.empty());
        ASSERT_TRUE(s.result.has_value());
        EXPECT_EQ(s.result->n, whole.result->n);
        EXPECT_EQ(s.result->counts, whole.result->counts);
        EXPECT_EQ(streamed.str(), expected.str()) << to_string(method) << " threads " << threads;
      }
    }
  }
  // midpoint on the 1-7 ECR-R: some means are exactly 4 (the cut), in several chunks; the
  // warning carries the count over all of them.
  classify_study_options o;
  const auto whole = attune::study_classify(inst, path, o);
  ASSERT_GT(whole.result->n_on_cut, 0U);
  EXPECT_NE(whole.result->warnings.front().find(std::to_string(whole.result->n_on_cut) + " respondent(s) score exactly"),
            std::string::npos);
}

// The methods that need every row (median, kmeans) and standard input take the whole-file path
// and hand it over as one part, with every row.
TEST(StudyClassify, MethodsThatNeedEveryRowAreHandedOverInOnePart) {
  const auto& inst = builtin("ecr-r");
  const std::string path = attune::test::temp_path("classify_stream_median.csv");
  attune::simulation_options sim;
  sim.n = 5000;
  attune::test::write_file(path, attune::responses_to_csv(attune::simulate_responses(inst, sim)));
  classify_study_options o;
  o.method = classify_method::median;
  std::size_t parts = 0, rows = 0;
  const auto s = attune::classify_file(
      inst, path, o, [](const attune::classify_study&) {},
      [&](const attune::classify_study& part) {
        ++parts;
        rows += part.n_rows;
      });
  EXPECT_EQ(parts, 1U);
  EXPECT_EQ(rows, 5000U);
  EXPECT_EQ(s.n_rows, 5000U);
}

// The study classify_file returns keeps the counts and the summary; its rows went to on_chunk.
// Rendering it read past its empty vectors (a crash); now an error with its rule.
TEST(StudyClassify, TheSummaryAStreamReturnsIsNotRenderedAsRows) {
  const auto& inst = builtin("ecr-r");
  const std::string path = attune::test::temp_path("classify_stream_summary.csv");
  attune::simulation_options sim;
  sim.n = 300;
  attune::test::write_file(path, attune::responses_to_csv(attune::simulate_responses(inst, sim)));
  classify_study_options o;
  o.method = classify_method::fisher;
  std::string chunk_json;
  const auto s = attune::classify_file(
      inst, path, o, [](const attune::classify_study&) {},
      [&](const attune::classify_study& part) { chunk_json = attune::to_json(part); });
  EXPECT_EQ(s.n_rows, 300U);
  EXPECT_NE(chunk_json.find("\"format\": \"attune/1\""), std::string::npos) << chunk_json.substr(0, 200);
  for (const bool table : {false, true}) {
    try {
      (void)(table ? attune::to_table(s) : attune::to_json(s));
      ADD_FAILURE() << "no error";
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), errc::invalid_argument);
      EXPECT_EQ(e.rule(), std::optional<std::string>("rows_not_held"));
      EXPECT_NE(std::string(e.what()).find("classify study of 300 rows holds 0"), std::string::npos) << e.what();
    }
  }
}

namespace {

// The shortest round-trip text of x (std::to_chars), "" for NaN: a CSV cell as the writer formats it.
std::string cell(double x) {
  if (!std::isfinite(x)) return "";
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, x).ptr);
}

// The CSV lines of a classify study's rows, each cell formatted here, one at a time: what the
// report writes without remembering the row tails (report/classify.cpp, row_tail_cache).
std::vector<std::string> expected_fisher_lines(const attune::classify_study& s) {
  std::vector<std::string> lines;
  const auto& c = *s.result;
  for (std::size_t i = 0; i < s.n_rows; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    std::string l = s.ids[i] + "," + cell(c.anxiety(r)) + "," + cell(c.avoidance(r)) + "," +
                    std::string(to_string(c.styles[i]));
    for (Eigen::Index k = 0; k < 4; ++k) l += "," + cell(c.function_values(r, k));
    for (Eigen::Index k = 0; k < 4; ++k) l += "," + cell(c.probabilities(r, k));
    l += "," + cell(c.boundary_distance_sem(r)) + ",";
    if (c.could_flip[i]) l += *c.could_flip[i] ? "1" : "0";
    lines.push_back(l);
  }
  return lines;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

// The writer remembers the text of each (anxiety, avoidance) pair's cells and repeats it: every
// row must still read exactly as its cells formatted one by one. 20,000 respondents with 2%
// missing answers (many distinct pairs, so slots are reused, and rows with NaN scores).
TEST(StudyClassify, RememberedRowTailsAreTheCellsFormattedOneByOne) {
  const auto& inst = builtin("ecr");
  const std::string path = attune::test::temp_path("classify_tails.csv");
  attune::simulation_options sim;
  sim.n = 20000;
  sim.seed = 18;
  attune::test::write_file(path, attune::responses_to_csv(attune::simulate_responses(inst, sim)));
  classify_study_options o;
  o.method = classify_method::fisher;
  o.input.read.id_column = "id";
  const auto whole = attune::study_classify(inst, path, o);
  std::ostringstream csv;
  attune::write_report(csv, attune::output_format::csv, whole);
  const auto got = lines_of(csv.str());
  const auto want = expected_fisher_lines(whole);
  ASSERT_EQ(got.size(), want.size() + 1);
  EXPECT_EQ(got[0],
            "id,anxiety,avoidance,style,f_secure,f_preoccupied,f_dismissing,f_fearful,p_secure,p_preoccupied,"
            "p_dismissing,p_fearful,boundary_distance_sem,could_flip");
  std::size_t differ = 0, missing = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (got[i + 1] != want[i]) ++differ;
    if (!std::isfinite(whole.result->anxiety(static_cast<Eigen::Index>(i)))) ++missing;
  }
  EXPECT_EQ(differ, 0U);
  EXPECT_GT(missing, 0U);  // the NaN rows went through the cache too
  // The same in JSON: each row's values as the result holds them.
  std::ostringstream json;
  attune::write_report(json, attune::output_format::json, whole);
  const auto doc = nlohmann::json::parse(json.str());
  const auto& rows = doc.at("respondents");
  ASSERT_EQ(rows.size(), whole.n_rows);
  for (std::size_t i = 0; i < whole.n_rows; i += 997) {
    const auto r = static_cast<Eigen::Index>(i);
    const auto& row = rows[i];
    EXPECT_EQ(row.at("style").get<std::string>(), to_string(whole.result->styles[i]));
    if (std::isfinite(whole.result->anxiety(r))) {
      EXPECT_EQ(row.at("p_fearful").get<double>(), whole.result->probabilities(r, 3));
      EXPECT_EQ(row.at("boundary_distance_sem").get<double>(), whole.result->boundary_distance_sem(r));
    } else {
      EXPECT_TRUE(row.at("p_fearful").is_null());
    }
  }
}

// head_without_counts with the SEMs given: one reading pass, the head handed over with the first
// chunk (no row count, no reading warnings), the same CSV rows and the same returned study as the
// whole-file path; with the SEMs from the sample the option changes nothing (the counting pass
// is needed for them).
TEST(StudyClassify, HeadWithoutCountsReadsOnceAndWritesTheSameRows) {
  const auto& inst = builtin("ecr");
  const std::string path = attune::test::temp_path("classify_one_pass.csv");
  attune::simulation_options sim;
  sim.n = 10000;  // 3 chunks
  sim.seed = 7;
  sim.missing_rate = 0.05;
  attune::test::write_file(path, attune::responses_to_csv(attune::simulate_responses(inst, sim)));
  for (const bool given : {true, false}) {
    classify_study_options o;
    o.method = classify_method::fisher;
    o.input.read.id_column = "id";
    if (given) {
      o.reliability.all = 0.9;
      o.sd.all = 1.0;
    }
    const auto whole = attune::study_classify(inst, path, o);
    std::ostringstream expected;
    attune::write_report(expected, attune::output_format::csv, whole);
    o.head_without_counts = true;
    for (const int threads : {1, 2}) {
      o.threads = threads;
      std::ostringstream streamed;
      std::optional<attune::classify_writer> writer;
      std::size_t head_rows = 99, parts = 0;
      const auto s = attune::classify_file(
          inst, path, o,
          [&](const attune::classify_study& head) {
            head_rows = head.n_rows;
            writer.emplace(streamed, attune::output_format::csv, head);
          },
          [&](const attune::classify_study& part) {
            ++parts;
            writer->write(part);
          });
      writer->finish(s);
      EXPECT_EQ(head_rows, given ? 0U : 10000U);
      EXPECT_EQ(parts, 3U);
      EXPECT_EQ(streamed.str(), expected.str()) << "given " << given << " threads " << threads;
      EXPECT_EQ(s.n_rows, whole.n_rows);
      EXPECT_EQ(attune::all_warnings(s), attune::all_warnings(whole));
      EXPECT_EQ(attune::classify_summary_text(s), attune::classify_summary_text(whole));
    }
  }
}

// classify_file past its row store (held_bytes): with room for everything the rows are classified
// from memory (one reading pass); with room for the scores only the rows are read again
// (read_pass3); with room for neither the SDs and the rows are read again (read_pass2 and
// read_pass3). Each gives the whole-file path's CSV and JSON, at threads 1 and 2.
TEST(StudyClassify, PastItsRowStoreClassifyFileReadsAgainAndWritesTheSameDocument) {
  const auto& inst = builtin("ecr");
  const std::string path = attune::test::temp_path("classify_held_bytes.csv");
  attune::simulation_options sim;
  sim.n = 10000;  // 3 chunks; the two scores take 160,000 bytes, with the ids about 480,000
  sim.seed = 11;
  sim.missing_rate = 0.03;
  attune::test::write_file(path, attune::responses_to_csv(attune::simulate_responses(inst, sim)));
  classify_study_options o;
  o.method = classify_method::fisher;
  o.input.read.id_column = "id";
  const auto whole = attune::study_classify(inst, path, o);
  struct bound_case {
    std::size_t bytes;
    std::vector<std::string> passes;  // the reading stages after the first
  };
  for (const bound_case& c : {bound_case{std::size_t{64} << 20, {}}, bound_case{200000, {"read_pass3"}},
                              bound_case{1000, {"read_pass2", "read_pass3"}}}) {
    for (const auto format : {attune::output_format::csv, attune::output_format::json}) {
      std::ostringstream expected;
      attune::write_report(expected, format, whole);
      for (const int threads : {1, 2}) {
        SCOPED_TRACE(std::to_string(c.bytes) + " bytes, threads " + std::to_string(threads));
        o.held_bytes = c.bytes;
        o.threads = threads;
        std::vector<std::string> stages;
        o.input.progress.callback = [&](const attune::progress_event& e) {
          if (e.stage.rfind("read_pass", 0) == 0 && (stages.empty() || stages.back() != e.stage)) {
            stages.emplace_back(e.stage);
          }
        };
        std::ostringstream streamed;
        std::optional<attune::classify_writer> writer;
        const auto s = attune::classify_file(
            inst, path, o, [&](const attune::classify_study& head) { writer.emplace(streamed, format, head); },
            [&](const attune::classify_study& part) { writer->write(part); });
        writer->finish(s);
        o.input.progress.callback = nullptr;
        EXPECT_EQ(stages, c.passes);
        EXPECT_EQ(streamed.str(), expected.str());
        EXPECT_EQ(attune::all_warnings(s), attune::all_warnings(whole));
      }
    }
  }
}

namespace {

// A norm table of `scales` whose percentile tables (lo to hi) are narrower than the scores, so
// that many chunks hold scores beyond them; unconfirmed, so that the study warns about it.
attune::norm_table narrow_norms(const std::vector<std::string>& scales, double lo, double hi) {
  attune::norm_table t;
  t.id = "narrow";
  t.description = "made up for a test";
  t.status = attune::confirmation::unconfirmed;
  for (const auto& name : scales) {
    t.scales.push_back({name, (lo + hi) / 2, 1.5, 100, "test", "test", {{lo, 5}, {(lo + hi) / 2, 50}, {hi, 95}}});
  }
  return t;
}

// n simulated RQ respondents (3% missing ratings, many ties) with a forced-choice column `choice`
// (style names, RQ numbers, empty, NA) and a column `grp`; the choice of data row `bad_row`
// (1-based; 0: none) is "7".
std::string rq_csv(int n, int bad_row = 0) {
  attune::simulation_options sim;
  sim.n = static_cast<std::size_t>(n);
  sim.seed = 9;
  sim.missing_rate = 0.03;
  std::istringstream in(attune::responses_to_csv(attune::simulate_responses(builtin("rq"), sim)));
  const char* choices[] = {"secure", "2", "", "preoccupied", "4", "NA", "dismissing", "1"};
  std::ostringstream out;
  std::string line;
  std::getline(in, line);
  out << line << ",choice,grp\n";
  for (int r = 1; std::getline(in, line); ++r) {
    out << line << "," << (r == bad_row ? "7" : choices[r % 8]) << ",g" << r % 3 << "\n";
  }
  return out.str();
}

// What classify_file hands over, written by classify_writer: the document, the study it returns
// and how many parts came.
struct streamed {
  std::string text;
  attune::classify_study study;
  std::size_t parts = 0;
};
streamed stream_file(const attune::instrument& inst, const std::string& path, const classify_study_options& o,
                     attune::output_format format) {
  streamed r;
  std::ostringstream out;
  std::optional<attune::classify_writer> writer;
  r.study = attune::classify_file(
      inst, path, o, [&](const attune::classify_study& head) { writer.emplace(out, format, head); },
      [&](const attune::classify_study& part) {
        ++r.parts;
        writer->write(part);
      });
  writer->finish(r.study);
  r.text = out.str();
  return r;
}

}  // namespace

// Norm scores and rq stream too (issue 18): each part holds its rows' norm scores (and rq's
// ratings and forced choices), the summaries are merged in file order (the norm n, the scores
// beyond the percentile table and that warning's count; rq's counts and its missing-rating
// warning). The document is the whole-file path's in every format, with the rows held, read
// again, or the SDs read again too (held_bytes), at threads 1 and 2.
TEST(StudyClassify, NormScoresAndRqStreamTheWholeFileDocument) {
  const std::string ecr = attune::test::temp_path("classify_stream_norms.csv");
  attune::simulation_options sim;
  sim.n = 10000;  // 3 chunks
  sim.seed = 13;
  sim.missing_rate = 0.03;
  attune::test::write_file(ecr, attune::responses_to_csv(attune::simulate_responses(builtin("ecr-r"), sim)));
  const std::string rq = attune::test::temp_path("classify_stream_rq.csv");
  attune::test::write_file(rq, rq_csv(10000));
  using attune::output_format;
  struct study_case {
    std::string name;
    const attune::instrument* inst;
    std::string path;
    classify_study_options o;
    std::vector<output_format> formats = {output_format::json, output_format::csv, output_format::table};
  };
  std::vector<study_case> cases;
  auto add = [&](std::string name, const char* inst, const std::string& path, classify_method m) -> classify_study_options& {
    cases.push_back({std::move(name), &builtin(inst), path, {}});
    cases.back().o.method = m;
    cases.back().o.input.read.id_column = "id";
    return cases.back().o;
  };
  add("midpoint", "ecr-r", ecr, classify_method::midpoint).norms = narrow_norms({"anxiety", "avoidance"}, 2.5, 5.5);
  {
    auto& o = add("norms", "ecr-r", ecr, classify_method::norms);
    o.norms = narrow_norms({"anxiety", "avoidance"}, 3, 5);
    o.on_cut = attune::cut_tie::unclassified;
    o.input.keep = {"Q1"};
  }
  {
    auto& o = add("one pass", "ecr-r", ecr, classify_method::midpoint);
    o.norms = narrow_norms({"avoidance"}, 3, 5);
    o.reliability.all = 0.9;
    o.sd.all = 1.0;
    o.head_without_counts = true;
    cases.back().formats = {output_format::csv};
  }
  {
    auto& o = add("rq", "rq", rq, classify_method::rq);
    o.forced_choice_column = "choice";
    o.norms = narrow_norms({"model_of_self", "model_of_other"}, -3, 3);
    o.input.keep = {"grp"};
  }
  add("rq without a choice", "rq", rq, classify_method::rq).head_without_counts = true;
  for (const auto& c : cases) {
    const auto whole = attune::study_classify(*c.inst, c.path, c.o);
    std::size_t merged = 0;  // the summaries a missing merge would leave at zero
    for (const auto& n : whole.norm_scores) merged += n.normed.n_outside_table;
    merged += whole.rq_result ? whole.rq_result->n_missing : whole.result->n_on_cut;
    EXPECT_GT(merged, 0U) << c.name;
    for (const auto format : c.formats) {
      std::ostringstream expected;
      attune::write_report(expected, format, whole);
      for (const std::size_t held : {std::size_t{64} << 20, std::size_t{200000}, std::size_t{1000}}) {
        for (const int threads : {1, 2}) {
          SCOPED_TRACE(c.name + ", format " + std::string(to_string(format)) + ", " + std::to_string(held) +
                       " bytes, threads " + std::to_string(threads));
          classify_study_options o = c.o;
          o.held_bytes = held;
          o.threads = threads;
          const auto s = stream_file(*c.inst, c.path, o, format);
          EXPECT_EQ(s.parts, 3U);
          EXPECT_EQ(s.text, expected.str());
          EXPECT_EQ(attune::all_warnings(s.study), attune::all_warnings(whole));
          EXPECT_EQ(attune::classify_summary_text(s.study), attune::classify_summary_text(whole));
        }
      }
    }
  }
}

// The errors of a streamed rq or norm-scored study are the whole-file path's, raised before any
// row is handed over: a forced choice that is not a style in the first or a later chunk (the
// same file, row, line, column, value and rule), a forced-choice column the file lacks, a norm
// scale without a usable SD.
TEST(StudyClassify, StreamedRqAndNormsErrorsAreTheWholeFileOnes) {
  auto expect_same_error = [](const attune::instrument& inst, const std::string& path, const classify_study_options& o,
                              const std::string& fragment) {
    const attune::error whole = caught([&] { (void)attune::study_classify(inst, path, o); });
    bool head = false;
    std::size_t parts = 0;
    const attune::error streamed = caught([&] {
      (void)attune::classify_file(inst, path, o, [&](const attune::classify_study&) { head = true; },
                                  [&](const attune::classify_study&) { ++parts; });
    });
    EXPECT_NE(std::string(whole.what()).find(fragment), std::string::npos) << whole.what();
    EXPECT_EQ(std::string(streamed.what()), std::string(whole.what()));
    EXPECT_EQ(streamed.code(), whole.code());
    EXPECT_EQ(streamed.row(), whole.row());
    EXPECT_EQ(streamed.line(), whole.line());
    EXPECT_EQ(streamed.column(), whole.column());
    EXPECT_EQ(streamed.value(), whole.value());
    EXPECT_EQ(streamed.rule(), whole.rule());
    EXPECT_EQ(streamed.option(), whole.option());
    EXPECT_FALSE(head);
    EXPECT_EQ(parts, 0U);
  };
  const auto& rq = builtin("rq");
  classify_study_options o;
  o.method = classify_method::rq;
  o.forced_choice_column = "choice";
  for (const int bad_row : {5, 9000}) {
    SCOPED_TRACE(bad_row);
    const std::string path = attune::test::temp_path("classify_stream_rq_bad.csv");
    attune::test::write_file(path, rq_csv(10000, bad_row));
    for (const int threads : {1, 2}) {
      o.threads = threads;
      expect_same_error(rq, path, o, "row " + std::to_string(bad_row) + " (line " + std::to_string(bad_row + 1) +
                                         "), column 'choice': forced choice '7'");
    }
  }
  const std::string path = attune::test::temp_path("classify_stream_rq_ok.csv");
  attune::test::write_file(path, rq_csv(10000));
  o.forced_choice_column = "nosuch";
  expect_same_error(rq, path, o, "nosuch");
  o.forced_choice_column.reset();
  o.norms = narrow_norms({"model_of_self"}, -3, 3);
  o.norms->scales[0].sd = 0;
  expect_same_error(rq, path, o, "sd 0");
}

// One pass: a cell that is not a number in the first chunks (before the head) or in a later batch
// of chunks (after rows were handed over) is a bad_input error with the whole-file path's message.
TEST(StudyClassify, HeadWithoutCountsReportsABadCell) {
  const auto& inst = builtin("ecr");
  attune::simulation_options sim;
  sim.n = 24000;  // 6 chunks: more than one batch
  sim.seed = 3;
  sim.missing_rate = 0;
  const std::string good = attune::responses_to_csv(attune::simulate_responses(inst, sim));
  classify_study_options o;
  o.method = classify_method::fisher;
  o.input.read.id_column = "id";
  o.reliability.all = 0.9;
  o.sd.all = 1.0;
  o.head_without_counts = true;
  for (const std::size_t bad_line : {std::size_t{50}, std::size_t{22000}}) {
    // line bad_line + 1 of the file (after the header): its last cell becomes "x"
    std::string text = good;
    std::size_t at = 0;
    for (std::size_t l = 0; l <= bad_line; ++l) at = text.find('\n', at) + 1;
    const std::size_t end = text.find('\n', at);
    const std::size_t last = text.rfind(',', end);
    text.replace(last + 1, end - last - 1, "x");
    const std::string path = attune::test::temp_path("classify_one_pass_bad.csv");
    attune::test::write_file(path, text);
    std::string whole_message;
    try {
      (void)attune::study_classify(inst, path, o);
    } catch (const attune::error& e) {
      whole_message = e.what();
    }
    ASSERT_FALSE(whole_message.empty());
    std::size_t parts = 0;
    try {
      (void)attune::classify_file(inst, path, o, [](const attune::classify_study&) {},
                                  [&](const attune::classify_study&) { ++parts; });
      ADD_FAILURE() << "no error for a bad cell at line " << bad_line;
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), errc::bad_input);
      EXPECT_EQ(std::string(e.what()), whole_message) << bad_line;
    }
    if (bad_line < 4096) {
      EXPECT_EQ(parts, 0U);
    } else {
      EXPECT_GT(parts, 0U);  // rows before the bad one were handed over
    }
  }
}

// describe_options(classify_study_options&): names unique beside the input's, every entry sets
// its member, a bad text names the option and the field.
TEST(StudyClassify, DescribedOptionsSetTheirMembers) {
  classify_study_options o;
  const attune::option_list list = attune::describe_options(o);
  const attune::option_list input = attune::describe_options(o.input);
  attune::test::expect_unique_names({&input, &list});
  using attune::test::set_option;
  set_option(list, "method", {"kmeans"});
  set_option(list, "rescale", {});
  set_option(list, "reliability", {"anxiety=0.91", "0.8"});
  set_option(list, "sd", {"avoidance=1.5"});
  set_option(list, "norms", {"raas-ledley2006-female"});
  set_option(list, "prototype", {"secure=2.1:1.9", "fearful=6:6.5"});
  set_option(list, "forced-choice", {"fc"});
  set_option(list, "on-cut", {"unclassified"});
  set_option(list, "starts", {"7"});
  set_option(list, "seed", {"42"});
  set_option(list, "probability-threshold", {"0.7"});
  EXPECT_EQ(o.method, classify_method::kmeans);
  EXPECT_TRUE(o.rescale_to_1_7);
  EXPECT_EQ(o.reliability.by_score.at("anxiety"), 0.91);
  EXPECT_EQ(o.reliability.all, 0.8);
  EXPECT_EQ(o.sd.by_score.at("avoidance"), 1.5);
  ASSERT_TRUE(o.norms);
  EXPECT_EQ(o.norms->id, "raas-ledley2006-female");
  ASSERT_EQ(o.prototypes.size(), 2U);
  EXPECT_EQ(o.prototypes[0].style, attune::attachment_style::secure);
  EXPECT_EQ(o.prototypes[0].anxiety, 2.1);
  EXPECT_EQ(o.prototypes[0].avoidance, 1.9);
  EXPECT_EQ(o.prototypes[1].style, attune::attachment_style::fearful);
  EXPECT_EQ(o.forced_choice_column, "fc");
  EXPECT_EQ(o.on_cut, attune::cut_tie::unclassified);
  EXPECT_EQ(o.kmeans_starts, 7);
  EXPECT_EQ(o.seed, 42U);
  EXPECT_EQ(o.probability_threshold, 0.7);
  using attune::test::expect_refused;
  expect_refused(list, "method", {"lda"});
  expect_refused(list, "reliability", {"anxiety=abc"});
  expect_refused(list, "reliability", {"=0.9"});
  expect_refused(list, "sd", {"inf"});
  expect_refused(list, "norms", {"no-such-table"});
  expect_refused(list, "prototype", {"calm=1:1"});
  expect_refused(list, "prototype", {"secure=2"});
  expect_refused(list, "on-cut", {"maybe"});
  expect_refused(list, "starts", {"0"});
  expect_refused(list, "starts", {"1001"});
  expect_refused(list, "seed", {"-1"});
  expect_refused(list, "probability-threshold", {"abc"});
  // a norm file that is not one: its error, named by the option
  const std::string bad = attune::test::temp_path("cls_bad_norms.json");
  attune::test::write_file(bad, "{\"format\":");
  expect_refused(list, "norms", {bad});
}
