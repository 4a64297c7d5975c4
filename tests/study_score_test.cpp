// The score study (study/score.hpp) and its report, without the CLI: in-memory data with and
// without ids, and the streaming writer equal to the whole-study report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/study/score.hpp"
#include "test_support.hpp"

namespace {

attune::responses answers(bool with_ids) {
  attune::responses r;
  r.values = Eigen::MatrixXd::Constant(2, 12, 4.0);
  r.values(1, 0) = 7.0;
  for (int j = 0; j < 12; ++j) {
    r.item_ids.push_back("Q" + std::to_string(j + 1));
    r.columns.push_back(r.item_ids.back());
  }
  if (with_ids) r.row_ids = {"a", "b"};
  return r;
}

TEST(StudyScore, InMemoryDataWithAndWithoutIds) {
  const attune::instrument& ecr_s = *attune::find_builtin("ecr-s");
  for (bool ids : {false, true}) {
    const auto s = attune::study_score(ecr_s, answers(ids), {});
    EXPECT_EQ(s.n_rows, 2u);
    EXPECT_EQ(s.id_column, ids ? "id" : "");
    const auto doc = nlohmann::json::parse(attune::to_json(s));
    ASSERT_EQ(doc["respondents"].size(), 2u);
    if (ids) {
      EXPECT_EQ(doc["respondents"][1]["id"], "b");
    } else {
      EXPECT_EQ(doc["respondents"][1]["row"], 2);
    }
    // Q1 is reverse keyed avoidance on 1-7: 8 - 7 = 1 for the second respondent.
    EXPECT_DOUBLE_EQ(doc["respondents"][1]["avoidance"].get<double>(), (1.0 + 5 * 4.0) / 6.0);
  }
}

TEST(StudyScore, StreamedDocumentEqualsTheWholeStudy) {
  const attune::instrument& ecr_r = *attune::find_builtin("ecr-r");
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  attune::score_study_options o;
  o.input.read.id_column = "id";
  o.chunk_rows = 37;
  for (auto format : {attune::output_format::json, attune::output_format::csv, attune::output_format::table}) {
    std::ostringstream streamed;
    attune::score_writer w(streamed, format, attune::score_study_head(ecr_r, o));
    const auto tail = attune::score_file(ecr_r, sample, o, [&](const attune::scored_chunk& c) { w.write(c); });
    w.finish(tail);
    std::ostringstream whole;
    attune::write_report(whole, format, attune::study_score(ecr_r, sample, o));
    EXPECT_EQ(streamed.str(), whole.str()) << to_string(format);
  }
}

// The rows' text made on the workers (`format`, `write_formatted`) equals `write`'s, for every
// format, thread count and column selection; a JSON id that is not UTF-8 is reported with its row
// after the rows before its chunk were written, as `write` does.
TEST(StudyScore, RowsFormattedOnTheWorkersEqualTheWriter) {
  const attune::instrument& ecr_r = *attune::find_builtin("ecr-r");
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  for (auto format : {attune::output_format::json, attune::output_format::csv, attune::output_format::table}) {
    for (const std::vector<std::string>& columns :
         {std::vector<std::string>{}, std::vector<std::string>{"avoidance"}}) {
      attune::score_study_options o;
      o.input.read.id_column = "id";
      o.chunk_rows = 37;
      std::ostringstream serial;
      {
        attune::score_writer w(serial, format, attune::score_study_head(ecr_r, o), {columns});
        w.finish(attune::score_file(ecr_r, sample, o, [&](const attune::scored_chunk& c) { w.write(c); }));
      }
      for (int threads : {1, 2, 3}) {
        o.threads = threads;
        std::ostringstream parallel;
        attune::score_writer w(parallel, format, attune::score_study_head(ecr_r, o), {columns});
        w.finish(attune::score_file(
            ecr_r, sample, o, [&](const attune::scored_chunk& c, std::string& text) { w.format(c, text); },
            [&](const attune::scored_chunk&, std::string& text) { w.write_formatted(text); }));
        EXPECT_EQ(parallel.str(), serial.str()) << to_string(format) << ", threads " << threads;
      }
    }
  }
}

TEST(StudyScore, FormattedRowsReportAnIdThatIsNotUtf8) {
  const attune::instrument& ecr_r = *attune::find_builtin("ecr-r");
  const std::string path = attune::test::temp_path("score_not_utf8.csv");
  {
    std::ifstream in(attune::test::source_path("examples/data/ecr-r-sample.csv"));
    std::ofstream out(path, std::ios::binary);
    std::string line;
    for (int i = 0; std::getline(in, line); ++i) {
      if (i == 60) line = "R\xff" + line.substr(line.find(','));
      out << line << '\n';
    }
  }
  attune::score_study_options o;
  o.input.read.id_column = "id";
  o.chunk_rows = 25;
  o.threads = 2;
  std::ostringstream text;
  attune::score_writer w(text, attune::output_format::json, attune::score_study_head(ecr_r, o));
  try {
    (void)attune::score_file(
        ecr_r, path, o, [&](const attune::scored_chunk& c, std::string& t) { w.format(c, t); },
        [&](const attune::scored_chunk&, std::string& t) { w.write_formatted(t); });
    FAIL() << "no error";
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("row 60 (line 61)"), std::string::npos) << e.what();
    EXPECT_EQ(e.details().rule, "not_utf8");
  }
  // The rows of the two chunks before (rows 1-50) were written, none of the third.
  const std::string out = text.str();
  EXPECT_NE(out.find("\"R000050\""), std::string::npos);
  EXPECT_EQ(out.find("\"R000051\""), std::string::npos);
}

}  // namespace
