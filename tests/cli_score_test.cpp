// Tests of `attune score`, `attune instruments` and `attune simulate`: outputs, exit codes,
// error messages, atomic -o.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <nlohmann/json.hpp>

#include "attune/csv.hpp"
#include "attune/instrument.hpp"
#include "attune/responses.hpp"
#include "attune/scoring.hpp"
#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

const std::string kSample = attune::test::source_path("examples/data/ecr-r-sample.csv");

std::string ecr_s_csv(const std::string& last_row = "") {
  std::string s = "pid,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10,Q11,Q12\n"
                  "p1,1,2,3,4,5,6,7,1,2,3,4,5\n"
                  "p2,7,7,7,7,7,7,7,7,7,7,7,7\n"
                  "p3,4,,4,,4,,4,,4,,4,\n";
  return s + last_row;
}

TEST(CliScore, CsvColumnsAndValues) {
  const auto r = run_cli("score - --instrument ecr-s --id pid", ecr_s_csv());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // anxiety items 2,4,6,8R,10,12; avoidance 1R,3,5R,7,9R,11 (8 - x).
  // p1 anxiety: 2,4,6,(8-1)=7,3,5 -> 27/6 = 4.5 ; avoidance: 7,3,3,7,6,4 -> 30/6 = 5
  EXPECT_EQ(r.out, "id,anxiety,anxiety_answered,avoidance,avoidance_answered\n"
                   "p1,4.5,6,5,6\n"
                   "p2,6,6,4,6\n"
                   "p3,,0,4,6\n");
  EXPECT_NE(r.err.find("fewer than 5 of the 6 items of 'anxiety'"), std::string::npos) << r.err;
}

TEST(CliScore, WarningsAreCountedOverAllChunks) {
  const auto r = run_cli("score - --instrument ecr-s --chunk-rows 1", ecr_s_csv("p4,,,,,,,,,,,,\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 respondents answered fewer than 5 of the 6 items of 'anxiety'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 respondent answered fewer than 5 of the 6 items of 'avoidance'"), std::string::npos) << r.err;
  // One line per subscale, not one per chunk.
  std::size_t lines = 0;
  for (std::size_t p = r.err.find("warning:"); p != std::string::npos; p = r.err.find("warning:", p + 1)) ++lines;
  EXPECT_EQ(lines, 2u) << r.err;
}

TEST(CliScore, JsonAndTableFormats) {
  const auto j = run_cli("score - --instrument ecr-s --id pid --format json", ecr_s_csv());
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["instrument"], "ecr-s");
  EXPECT_EQ(doc["n_rows"], 3);
  EXPECT_EQ(doc["respondents"][0]["id"], "p1");
  EXPECT_DOUBLE_EQ(doc["respondents"][0]["scores"]["anxiety"].get<double>(), 4.5);
  EXPECT_TRUE(doc["respondents"][2]["scores"]["anxiety"].is_null());
  EXPECT_EQ(doc["respondents"][2]["answered"]["anxiety"], 0);
  EXPECT_EQ(doc["summary"][0]["n_scored"], 2);
  const auto t = run_cli("score - --instrument ecr-s --format table", ecr_s_csv());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("anxiety_answered"), std::string::npos);
  EXPECT_NE(t.out.find("4.500"), std::string::npos);
  EXPECT_NE(t.out.find("3 respondents"), std::string::npos);
}

// JSON streams a chunk at a time: the same document whatever the chunk size, with the members
// known only at the end (counts, summary, warnings) after the respondents.
TEST(CliScore, JsonStreamsInChunks) {
  const auto whole = run_cli("score '" + kSample + "' --instrument ecr-r --id id --format json");
  const auto chunked = run_cli("score '" + kSample + "' --instrument ecr-r --id id --format json --chunk-rows 7");
  const auto csv = run_cli("score '" + kSample + "' --instrument ecr-r --id id");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ASSERT_EQ(chunked.exit_code, 0) << chunked.err;
  EXPECT_EQ(whole.out, chunked.out);
  const auto doc = nlohmann::json::parse(chunked.out);
  EXPECT_EQ(doc["n_rows"], 500);
  ASSERT_EQ(doc["respondents"].size(), 500u);
  EXPECT_EQ(doc["range"]["min"], 1.0);
  EXPECT_EQ(doc["range"]["max"], 7.0);
  EXPECT_EQ(doc["min_answered"], 0.8);
  EXPECT_EQ(doc["n_out_of_range"], 0);
  EXPECT_EQ(doc["summary"][0]["n_scored"].get<int>() + doc["summary"][0]["n_unscored"].get<int>(), 500);
  const auto rows = attune::test::parse_csv(csv.out);
  ASSERT_EQ(rows.size(), 501u);
  for (std::size_t i = 0; i < 500; ++i) {
    const auto& r = doc["respondents"][i];
    EXPECT_EQ(r["id"], rows[i + 1][0]);
    const std::string& anxiety = rows[i + 1][1];
    if (anxiety.empty()) EXPECT_TRUE(r["scores"]["anxiety"].is_null()) << i;
    else EXPECT_EQ(r["scores"]["anxiety"].get<double>(), std::stod(anxiety)) << i;
    EXPECT_EQ(r["answered"]["avoidance"].get<int>(), std::stoi(rows[i + 1][4])) << i;
  }
  // No rows: still one valid document.
  const auto empty = run_cli("score - --instrument ecr-s --format json", "Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10,Q11,Q12\n");
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  const auto none = nlohmann::json::parse(empty.out);
  EXPECT_EQ(none["n_rows"], 0);
  EXPECT_TRUE(none["respondents"].empty());
}

TEST(CliScore, ScaleMissingCodesItemsAndDelimiter) {
  // Semicolon file on 1-5 with 0 = missing and item columns named differently.
  const std::string data = "x1;x2;x3;x4;x5;x6;x7;x8;x9\n1;1;1;1;5;5;0;3;3\n";
  const auto r = run_cli("score - --instrument ecr-rs --items x1-x9 --scale 1-5 --missing 0 --min-answered 0.5", data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // avoidance: 1-4 reversed on 1-5 -> 5,5,5,5,5,5 = 5; anxiety: (3 + 3) / 2 = 3 with 2 answered
  EXPECT_EQ(r.out, "anxiety,anxiety_answered,avoidance,avoidance_answered\n3,2,5,6\n");
}

TEST(CliScore, SampleDataWithSummaryAndOutputFile) {
  const std::string out = temp_path("scores.csv");
  const auto r = run_cli("score '" + kSample + "' --instrument ecr-r --id id --summary -o '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("500 respondents"), std::string::npos) << r.err;
  const std::string written = attune::test::read_file(out);
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 501);
}

// Every number in the CSV output reads back as exactly the library's score, on 20,000 simulated
// respondents (a few thousand distinct scores: more than the writer's 4,096-slot cache of number
// texts can hold without collisions), in the default chunks and in chunks of 7 rows.
TEST(CliScore, CsvNumbersReadBackExactlyAsTheLibraryScores) {
  const std::string data = temp_path("exact.csv");
  ASSERT_EQ(run_cli("simulate --instrument ecr-r -n 20000 --seed 7 -o '" + data + "'").exit_code, 0);
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  attune::read_options reading;
  reading.id_column = "id";
  const attune::responses answers = attune::read_responses_file(data, inst.item_ids(), reading);
  const attune::score_table expected = attune::score(inst, answers);
  for (const std::string chunk : {"", " --chunk-rows 7"}) {
    const auto r = run_cli("score '" + data + "' --instrument ecr-r --id id" + chunk);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = attune::test::parse_csv(r.out);
    ASSERT_EQ(rows.size(), 20001u);
    for (std::size_t i = 0; i < 20000; ++i) {
      const auto& row = rows[i + 1];
      ASSERT_EQ(row.size(), 5u);
      EXPECT_EQ(row[0], answers.row_ids[i]);
      for (Eigen::Index s = 0; s < 2; ++s) {
        const std::string& text = row[static_cast<std::size_t>(1 + 2 * s)];
        const double want = expected.scores(static_cast<Eigen::Index>(i), s);
        if (std::isnan(want)) {
          EXPECT_EQ(text, "") << "row " << i + 1;
          continue;
        }
        double got = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), got);
        ASSERT_TRUE(ec == std::errc() && end == text.data() + text.size()) << text;
        EXPECT_EQ(got, want) << "row " << i + 1 << ", " << expected.names[static_cast<std::size_t>(s)];
        char shortest[32];
        EXPECT_EQ(text, std::string(shortest, std::to_chars(shortest, shortest + 32, want).ptr));
        EXPECT_EQ(row[static_cast<std::size_t>(2 + 2 * s)],
                  std::to_string(expected.answered(static_cast<Eigen::Index>(i), s)));
      }
    }
  }
}

TEST(CliScore, IdsWithDelimitersAndQuotesAreQuotedAndCompositesWritten) {
  std::string data = "who";
  for (int i = 1; i <= 36; ++i) data += ",Q" + std::to_string(i);
  data += "\n\"Smith, \"\"J\"\"\"";
  for (int i = 1; i <= 36; ++i) data += "," + std::to_string(1 + i % 5);
  data += "\n";
  const auto r = run_cli("score - --instrument ecr-rs-4 --items Q1-Q36 --id who", data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream text(r.out);
  attune::csv_reader reader(text, "output");
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.next(fields));
  const std::vector<std::string> header = reader.header();
  const std::vector<std::string> row(fields.begin(), fields.end());
  EXPECT_FALSE(reader.next(fields));
  const std::vector<std::vector<std::string>> rows = {header, row};
  EXPECT_EQ(rows[1][0], "Smith, \"J\"");
  EXPECT_NE(r.out.find("\"Smith, \"\"J\"\"\","), std::string::npos) << r.out;
  ASSERT_EQ(rows[0].size(), rows[1].size());
  const auto global = std::find(header.begin(), header.end(), "global_anxiety");
  ASSERT_NE(global, header.end()) << r.out;
  EXPECT_FALSE(rows[1][static_cast<std::size_t>(global - header.begin())].empty());
}

TEST(CliScoreErrors, OutOfRangeNamesThePlaceAndLeavesNoPartialFile) {
  const std::string out = temp_path("partial.csv");
  const std::string bad = temp_path("bad.csv");
  write_file(bad, ecr_s_csv("p4,1,2,3,4,5,6,7,1,2,3,4,9\n"));
  // Chunks of one row: the first rows are written before row 4 fails.
  const auto r = run_cli("score '" + bad + "' --instrument ecr-s --chunk-rows 1 -o '" + out + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("row 4 (line 5), column 'Q12': value 9 is outside the response range 1-7"), std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(out).parent_path())) {
    EXPECT_EQ(entry.path().string().find("partial.csv.tmp"), std::string::npos) << entry.path();
  }
}

TEST(CliScoreErrors, OutOfRangeAsMissing) {
  const auto r = run_cli("score - --instrument ecr-s --out-of-range missing", ecr_s_csv("p4,1,2,3,4,5,6,7,1,2,3,4,9\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 answer outside the response range treated as missing"), std::string::npos) << r.err;
}

TEST(CliScoreErrors, UsageAndInputErrorsExitOne) {
  EXPECT_EQ(run_cli("score").exit_code, 1);
  EXPECT_EQ(run_cli("score - ").exit_code, 1);  // --instrument is required
  EXPECT_EQ(run_cli("nosuchcommand").exit_code, 1);
  auto r = run_cli("score - --instrument nope", ecr_s_csv());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'nope'"), std::string::npos);
  r = run_cli("score /nonexistent.csv --instrument ecr-s");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent.csv: cannot open"), std::string::npos);
  r = run_cli("score - --instrument ecr-s --scale 7-1", ecr_s_csv());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--scale '7-1'"), std::string::npos);
  r = run_cli("score - --instrument ecr-s --missing x", ecr_s_csv());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--missing 'x'"), std::string::npos);
  r = run_cli("score - --instrument ecr-s --delimiter '|'", ecr_s_csv());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--delimiter '|'"), std::string::npos);
  r = run_cli("score - --instrument ecr-s", "Q1,Q2\n1,2\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no column named 'Q3'"), std::string::npos);
  r = run_cli("score - --instrument ecr-s --id pid", ecr_s_csv("p4,1,2,3,4,x,6,7,1,2,3,4,5\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("row 4 (line 5), column 'Q5': value 'x' is not a number"), std::string::npos) << r.err;
}

TEST(CliScore, CustomInstrumentFile) {
  const std::string path = temp_path("two.json");
  write_file(path, R"({"id": "two", "range": {"min": 0, "max": 4}, "scoring": "sum",
    "items": [{"id": "a"}, {"id": "b", "reversed": true}], "subscales": [{"name": "total", "items": ["a", "b"]}]})");
  const auto r = run_cli("score - --instrument '" + path + "'", "a,b\n1,1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "total,total_answered\n4,2\n");
  write_file(path, R"({"id": "two", "range": {"min": 0, "max": 4}, "items": [{"id": "a"}],
    "subscales": [{"name": "total", "items": ["a", "q"]}]})");
  const auto bad = run_cli("score - --instrument '" + path + "'", "a,b\n1,1\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("two.json: instrument 'two': subscale 'total' names unknown item 'q'"), std::string::npos) << bad.err;
}

TEST(CliInstruments, TableJsonAndShow) {
  const auto t = run_cli("instruments");
  ASSERT_EQ(t.exit_code, 0);
  EXPECT_NE(t.out.find("ecr-r: Experiences in Close Relationships - Revised"), std::string::npos);
  EXPECT_NE(t.out.find("key: empirical"), std::string::npos);
  const auto j = run_cli("instruments --format json");
  ASSERT_EQ(j.exit_code, 0);
  const auto doc = nlohmann::json::parse(j.out);
  ASSERT_EQ(doc.size(), 7u);
  EXPECT_EQ(doc[0]["id"], "ecr");
  EXPECT_EQ(doc[0]["wording_included"], true);
  EXPECT_EQ(doc[2]["wording_included"], false);
  const auto s = run_cli("instruments --show raas");
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(s.out)["range"]["max"], 5);
}

TEST(CliSimulate, SeededAndReadable) {
  const auto a = run_cli("simulate --instrument ecr-s -n 20 --seed 3");
  const auto b = run_cli("simulate --instrument ecr-s -n 20 --seed 3");
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(std::count(a.out.begin(), a.out.end(), '\n'), 21);
  EXPECT_EQ(run_cli("simulate --instrument ecr-s -n 0").exit_code, 1);
}

}  // namespace
