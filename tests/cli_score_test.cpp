// Tests of `attune score`, `attune instruments` and `attune simulate`: outputs, exit codes,
// error messages, atomic -o.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "attune/io/csv.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/data/responses.hpp"
#include "attune/analyses/scoring.hpp"
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
  EXPECT_EQ(r.out, "pid,anxiety,anxiety_answered,avoidance,avoidance_answered\n"
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
  EXPECT_EQ(doc["format"], "attune/1");
  EXPECT_EQ(doc["study"], "score");
  EXPECT_EQ(doc["id_column"], "pid");
  EXPECT_EQ(doc["respondents"][0]["pid"], "p1");
  EXPECT_DOUBLE_EQ(doc["respondents"][0]["anxiety"].get<double>(), 4.5);
  EXPECT_TRUE(doc["respondents"][2]["anxiety"].is_null());
  EXPECT_EQ(doc["respondents"][2]["anxiety_answered"], 0);
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
    if (anxiety.empty()) EXPECT_TRUE(r["anxiety"].is_null()) << i;
    else EXPECT_EQ(r["anxiety"].get<double>(), std::stod(anxiety)) << i;
    EXPECT_EQ(r["avoidance_answered"].get<int>(), std::stoi(rows[i + 1][4])) << i;
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
  EXPECT_EQ(r.out, "row,anxiety,anxiety_answered,avoidance,avoidance_answered\n1,3,2,5,6\n");
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

// Every number in the CSV output is the shortest text of exactly the library's score. The data
// are 20,000 respondents on a 1-100000 scale (seeded), so nearly every score is distinct
// and the scores keep evicting each other from the writer's 4,096-slot cache of number
// texts; in the default chunks and in chunks of 7 rows.
TEST(CliScore, CsvNumbersAreExactlyTheLibraryScores) {
  const std::string inst_path = temp_path("wide.json");
  write_file(inst_path, R"({"id": "wide", "range": {"min": 1, "max": 100000},
    "items": [{"id": "a1"}, {"id": "a2"}, {"id": "a3", "reversed": true}, {"id": "a4"}, {"id": "a5"},
              {"id": "b1"}, {"id": "b2"}, {"id": "b3"}, {"id": "b4", "reversed": true}, {"id": "b5"}],
    "subscales": [{"name": "a", "items": ["a1", "a2", "a3", "a4", "a5"]},
                  {"name": "b", "items": ["b1", "b2", "b3", "b4", "b5"]}]})");
  const std::string data = temp_path("wide.csv");
  std::string text = "id,a1,a2,a3,a4,a5,b1,b2,b3,b4,b5\n";
  std::mt19937 rng(20261128);
  for (int r = 1; r <= 20000; ++r) {
    text += "p" + std::to_string(r);
    for (int j = 0; j < 10; ++j) {
      text += ',';
      if (rng() % 10 != 0) text += std::to_string(1 + rng() % 100000);  // 10% missing
    }
    text += '\n';
  }
  write_file(data, text);
  const attune::instrument inst = attune::load_instrument(inst_path);
  attune::read_options reading;
  reading.id_column = "id";
  const attune::responses answers = attune::read_responses_file(data, inst.item_ids(), reading);
  const attune::score_table expected = attune::score(inst, answers);
  std::set<double> distinct;
  for (Eigen::Index i = 0; i < expected.scores.rows(); ++i) distinct.insert(expected.scores(i, 0));
  ASSERT_GT(distinct.size(), 16000u);  // four times the cache's slots
  for (const std::string chunk : {"", " --chunk-rows 7"}) {
    const auto r = run_cli("score '" + data + "' --instrument '" + inst_path + "' --id id" + chunk);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = attune::test::parse_csv(r.out);
    ASSERT_EQ(rows.size(), 20001u);
    for (std::size_t i = 0; i < 20000; ++i) {
      const auto& row = rows[i + 1];
      ASSERT_EQ(row.size(), 5u);
      EXPECT_EQ(row[0], answers.row_ids[i]);
      for (Eigen::Index s = 0; s < 2; ++s) {
        const std::string& cell = row[static_cast<std::size_t>(1 + 2 * s)];
        const double want = expected.scores(static_cast<Eigen::Index>(i), s);
        char shortest[32];
        const std::string want_text =
            std::isnan(want) ? "" : std::string(shortest, std::to_chars(shortest, shortest + 32, want).ptr);
        ASSERT_EQ(cell, want_text) << "row " << i + 1 << ", " << expected.names[static_cast<std::size_t>(s)];
        EXPECT_EQ(row[static_cast<std::size_t>(2 + 2 * s)],
                  std::to_string(expected.answered(static_cast<Eigen::Index>(i), s)));
      }
    }
  }
}

// Ids that need quoting are quoted, including the worst case for the writer's buffer (an id of
// nothing but quotes doubles in length); composites get their columns.
TEST(CliScore, IdsWithDelimitersAndQuotesAreQuotedAndCompositesWritten) {
  const std::string quotes(500, '"');
  std::string data = "who";
  for (int i = 1; i <= 36; ++i) data += ",Q" + std::to_string(i);
  std::string answers;
  for (int i = 1; i <= 36; ++i) answers += "," + std::to_string(1 + i % 5);
  data += "\n\"Smith, \"\"J\"\"\"" + answers + "\n\"" + quotes + quotes + "\"" + answers + "\n";
  const auto r = run_cli("score - --instrument ecr-rs-4 --items Q1-Q36 --id who", data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n\"Smith, \"\"J\"\"\","), std::string::npos) << r.out;
  std::istringstream text(r.out);
  attune::csv_reader reader(text, "output");
  const std::vector<std::string> header = reader.header();
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.next(fields));
  const std::vector<std::string> first(fields.begin(), fields.end());
  ASSERT_TRUE(reader.next(fields));
  const std::vector<std::string> second(fields.begin(), fields.end());
  EXPECT_FALSE(reader.next(fields));
  EXPECT_EQ(first[0], "Smith, \"J\"");
  EXPECT_EQ(second[0], quotes);
  EXPECT_EQ(first.size(), header.size());
  const auto global = std::find(header.begin(), header.end(), "global_anxiety");
  ASSERT_NE(global, header.end()) << r.out;
  EXPECT_FALSE(first[static_cast<std::size_t>(global - header.begin())].empty());
  // Same answers, same scores: the long id did not disturb the fields after it.
  EXPECT_EQ(std::vector<std::string>(first.begin() + 1, first.end()),
            std::vector<std::string>(second.begin() + 1, second.end()));
}

// JSON must be UTF-8: an id in another encoding (Latin-1 "\xE9mile") is a bad-input error naming
// the row and the text, with a way to convert the file; CSV passes the bytes through.
TEST(CliScoreErrors, JsonOutputOfTextThatIsNotUtf8) {
  const std::string data = "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9\nok,1,2,3,4,5,6,7,1,2\n\xE9mile,1,2,3,4,5,6,7,1,2\n";
  const std::string out = temp_path("latin1.json");
  const auto r = run_cli("score - --instrument ecr-rs --id id --format json -o '" + out + "'", data);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const std::string fragment : {"<stdin>, row 2 (line 3)", "column 'id'", "'\\xE9mile'", "not valid UTF-8", "iconv"}) {
    EXPECT_NE(r.err.find(fragment), std::string::npos) << fragment << " in " << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(out));
  const auto classify = run_cli("classify - --instrument ecr-rs --id id --method midpoint --format json", data);
  EXPECT_EQ(classify.exit_code, 1) << classify.err;
  EXPECT_NE(classify.err.find("not valid UTF-8"), std::string::npos) << classify.err;
  const auto csv = run_cli("score - --instrument ecr-rs --id id", data);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\n\xE9mile,"), std::string::npos);
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
  EXPECT_EQ(r.out, "row,total,total_answered\n1,4,2\n");
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
  EXPECT_EQ(doc["study"], "instruments");
  const auto& all = doc["instruments"];
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[0]["id"], "ecr");
  EXPECT_FALSE(all[0]["items"][0]["text"].get<std::string>().empty());  // the ECR wording is free for research
  EXPECT_TRUE(all[2]["items"][0]["text"].get<std::string>().empty());
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
