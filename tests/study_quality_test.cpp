// Tests of the quality study (study/quality.hpp): the rules in words, the report in data words
// (item ids, 1-based data rows), and the clean copy of the data. No CLI needed.
#include "attune/study/quality.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "test_support.hpp"

namespace {

using attune::errc;

// Four items in two subscales of two, 1-5; row 3 is a straight-liner, row 4 has an answer out of
// range, row 5 repeats row 1's id.
attune::instrument small() {
  attune::instrument inst;
  inst.id = "small";
  inst.range = {1, 5};
  for (const char* id : {"a1", "a2", "b1", "b2"}) inst.items.push_back({id, "", false, std::nullopt});
  inst.subscales = {{"a", "A", {"a1", "a2"}, std::nullopt}, {"b", "B", {"b1", "b2"}, std::nullopt}};
  return inst;
}

const std::string kData = "pid;a1;a2;b1;b2\nx;1;2;4;5\ny;2;1;5;4\nz;3;3;3;3\nw;9;2;1;2\nx;5;4;2;1\nv;2;2;4;4\n";

TEST(StudyQuality, ReportSpeaksInDataWords) {
  const std::string path = attune::test::temp_path("study_quality.csv");
  attune::test::write_file(path, kData);
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  o.input.scoring.min_answered = 1.0;
  const auto s = attune::study_quality(small(), path, o);
  EXPECT_EQ(s.items, (std::vector<std::string>{"a1", "a2", "b1", "b2"}));
  EXPECT_EQ(s.id_column, "pid");
  EXPECT_EQ(s.n_rows, 6U);
  EXPECT_DOUBLE_EQ(s.options.min_answered, 1.0);  // the input's rule
  ASSERT_EQ(s.rules.size(), 7U);
  EXPECT_EQ(s.rules[0].rule, "longest run >= 2");
  EXPECT_EQ(s.rules[3].rule, "off (2 subscales; needs 6)");
  const auto j = nlohmann::json::parse(attune::to_json(s));
  const auto& v = j["report"]["validation"];
  EXPECT_EQ(v["out_of_range"][0], nlohmann::json::parse(R"({"row": 4, "id": "w", "item": "a1", "value": 9.0})"));
  EXPECT_EQ(v["duplicate_ids"][0], nlohmann::json::parse(R"({"id": "x", "rows": [1, 5]})"));
  EXPECT_EQ(v["constant_rows"], nlohmann::json::array({3}));
  EXPECT_EQ(v["required"], nlohmann::json::array({2, 2}));
  EXPECT_EQ(v["missing_per_item"], nlohmann::json::array({0, 0, 0, 0}));
  EXPECT_EQ(j["report"]["flagged_by"].size(), 7U);
  EXPECT_EQ(j["respondents"][2]["pid"], "z");
  EXPECT_EQ(j["respondents"][2]["answered"], 4);
  EXPECT_NE(j["respondents"][2]["flags"].get<std::string>().find("longstring"), std::string::npos);
  EXPECT_EQ(j["rules"][0]["index"], "longstring");
  EXPECT_EQ(j["options"]["mahalanobis_missing"], "observed");
  const std::string summary = attune::quality_summary_text(s);
  EXPECT_NE(summary.find("row 4 (w), item a1: 9"), std::string::npos) << summary;
  EXPECT_NE(summary.find("x: rows 1 5"), std::string::npos) << summary;
}

TEST(StudyQuality, CleanCopyKeepsTheUnflaggedRowsVerbatim) {
  const std::string path = attune::test::temp_path("study_quality_clean.csv");
  attune::test::write_file(path, kData);
  std::vector<bool> keep = {true, false, false, true, false, true};
  std::ostringstream out;
  attune::write_clean_data(path, {}, keep, out);
  EXPECT_EQ(out.str(), "pid;a1;a2;b1;b2\nx;1;2;4;5\nw;9;2;1;2\nv;2;2;4;4\n");
  keep.pop_back();
  try {
    attune::write_clean_data(path, {}, keep, out);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::io_error);
    EXPECT_EQ(e.rule(), "file_changed");
  }
  attune::test::expect_error([&] { attune::write_clean_data("-", {}, keep, out); }, errc::invalid_argument,
                             "standard input cannot be read twice");
  // unflagged() gives the rows to keep.
  attune::quality_study_options o;
  const auto s = attune::study_quality(small(), path, o);
  const auto kept = attune::unflagged(s);
  ASSERT_EQ(kept.size(), 6U);
  EXPECT_FALSE(kept[2]);  // the straight-liner
}

TEST(StudyQuality, OptionsAreValidatedBeforeReading) {
  attune::quality_study_options o;
  o.quality.mahalanobis_confidence = 1.5;
  attune::test::expect_error([&] { attune::study_quality(small(), "/no/such/file.csv", o); }, errc::invalid_argument,
                             "mahalanobis_confidence = 1.5");
  o = {};
  o.input.scoring.min_answered = 0;
  attune::test::expect_error([&] { o.validate(); }, errc::invalid_argument, "min_answered");
}

}  // namespace
