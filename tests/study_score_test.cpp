// The score study (study/score.hpp) and its report, without the CLI: in-memory data with and
// without ids, and the streaming writer equal to the whole-study report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
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

}  // namespace
