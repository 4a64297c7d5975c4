// The traps of issue 12 ("no silent mistakes") through the command line: each is an error or a
// warning that names the fix.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <optional>
#include <string>

#include "attune/core/error.hpp"
#include "attune/keys/instrument.hpp"
#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string ecr_header(int last = 36, char delimiter = ',') {
  std::string h;
  for (int i = 1; i <= last; ++i) h += (i > 1 ? std::string(1, delimiter) : "") + "Q" + std::to_string(i);
  return h + "\n";
}

// 10 respondents answering the 36 ECR items on 1-5 only (the instrument is 1-7).
std::string one_to_five_rows() {
  std::string rows = ecr_header();
  for (int p = 0; p < 10; ++p) {
    for (int i = 1; i <= 36; ++i) rows += (i > 1 ? "," : "") + std::to_string(1 + (i * 3 + p) % 5);
    rows += "\n";
  }
  return rows;
}

TEST(CliTraps, UnknownCommandListsCommandsAndSuggestsTheClosest) {
  const auto r = run_cli("scroe data.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "unknown command 'scroe'; did you mean 'score'?")) << r.err;
  EXPECT_TRUE(has(r.err, "commands: instruments, score, reliability")) << r.err;
}

TEST(CliTraps, MalformedFilesAreErrorsNamingTheFix) {
  const std::string dir = temp_path("traps");
  std::filesystem::create_directories(dir);
  // duplicate column names
  std::string dup = ecr_header();
  dup.replace(dup.find("Q18"), 3, "Q17");
  write_file(dir + "/dup.csv", dup + std::string(71, '1').replace(1, 69, std::string(69, ',')) + "\n");
  auto r = run_cli("reliability '" + dir + "/dup.csv' --instrument ecr");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "the header names column 'Q17' twice, at positions 17 and 18")) << r.err;
  // a header and no rows: an error in every analysis; score writes the header and warns
  write_file(dir + "/header.csv", ecr_header());
  for (const char* cmd : {"reliability", "correlate", "factor", "quality", "classify --method midpoint"}) {
    r = run_cli(std::string(cmd) + " '" + dir + "/header.csv' --instrument ecr");
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_TRUE(has(r.err, "no respondents in " + dir + "/header.csv")) << cmd << ": " << r.err;
  }
  r = run_cli("score '" + dir + "/header.csv' --instrument ecr");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "row,anxiety,anxiety_answered,avoidance,avoidance_answered\n");
  EXPECT_TRUE(has(r.err, "warning: no respondents in")) << r.err;
  // a header read as one column: the delimiter hint
  write_file(dir + "/pipe.csv", ecr_header(36, '|') + "1|2\n");
  r = run_cli("score '" + dir + "/pipe.csv' --instrument ecr");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "the header reads as a single column")) << r.err;
  EXPECT_TRUE(has(r.err, "--delimiter")) << r.err;
  // --items past the end of the header names the first missing column
  write_file(dir + "/q29.csv", ecr_header(29) + "1,2\n");
  r = run_cli("score '" + dir + "/q29.csv' --instrument ecr --items Q1-Q36");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "the header has no column 'Q30'")) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliTraps, MessagesNameTheOption) {
  const std::string dir = temp_path("traps-msg");
  std::filesystem::create_directories(dir);
  std::string rows = ecr_header();
  for (int p = 0; p < 3; ++p) {
    for (int i = 1; i <= 36; ++i) rows += (i > 1 ? "," : "") + std::to_string(p == 1 && i == 5 ? 0 : 1 + (i + p) % 5);
    rows += "\n";
  }
  write_file(dir + "/d.csv", rows);
  auto r = run_cli("score '" + dir + "/d.csv' --instrument ecr --scale 1-5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "give --missing 0")) << r.err;
  r = run_cli("score '" + dir + "/d.csv' --instrument ecr --min-answered 1.5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "--min-answered 1.5: must be in (0, 1]")) << r.err;
  EXPECT_FALSE(has(r.err, "scoring_options")) << r.err;
  r = run_cli("score '" + dir + "/d.csv' --instrument ecr --out-of-range missng");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "--out-of-range 'missng': use error or missing")) << r.err;
  r = run_cli("classify '" + dir + "/d.csv' --instrument ecr --scale 1-5 --missing 0 --method fisher");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "--rescale")) << r.err;
  std::filesystem::remove_all(dir);
}

// 1-5 answers scored on the 1-7 ECR without --scale: a warning naming the observed range and
// --scale; --no-sanity-warnings silences it.
TEST(CliTraps, NarrowerRangeWarningNamesScale) {
  const std::string dir = temp_path("traps-range");
  std::filesystem::create_directories(dir);
  write_file(dir + "/d.csv", one_to_five_rows());
  auto r = run_cli("score '" + dir + "/d.csv' --instrument ecr --no-sanity-warnings");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  r = run_cli("score '" + dir + "/d.csv' --instrument ecr");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "lies in 1-5, inside the declared response range 1-7")) << r.err;
  EXPECT_TRUE(has(r.err, "give --scale 1-5")) << r.err;
  EXPECT_TRUE(has(r.err, "silence this check with --no-sanity-warnings")) << r.err;
  r = run_cli("score '" + dir + "/d.csv' --instrument ecr --scale 1-5");
  EXPECT_FALSE(has(r.err, "declared response range")) << r.err;
  std::filesystem::remove_all(dir);
}

// Test-retest ICC from the command line; reference psych::ICC(x, lmer = FALSE) on the same 10 x 2
// data: ICC1 0.8875, ICC2 0.886792452830189, ICC3 0.875776397515528.
TEST(CliReliability, IccOfTheScaleColumns) {
  const std::string dir = temp_path("traps-icc");
  std::filesystem::create_directories(dir);
  write_file(dir + "/retest.csv", "t1,t2\n3,3\n4,5\n2,2\n5,4\n4,4\n3,3\n2,1\n5,5\n1,2\n4,4\n");
  const auto r = run_cli("reliability '" + dir + "/retest.csv' --items t1,t2 --icc --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& rows = j["scales"][0]["icc"]["rows"];
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_NEAR(rows[0]["icc"].get<double>(), 0.8875, 1e-12);
  EXPECT_NEAR(rows[1]["icc"].get<double>(), 0.886792452830189, 1e-12);
  EXPECT_NEAR(rows[2]["icc"].get<double>(), 0.875776397515528, 1e-12);
  const auto t = run_cli("reliability '" + dir + "/retest.csv' --items t1,t2 --icc");
  EXPECT_TRUE(has(t.out, "Intraclass correlations")) << t.out;
  std::filesystem::remove_all(dir);
}

// factor --scores writes psych's factor scores (values: tests/factor_scores_test.cpp) as CSV; with
// --correlation polychoric the fit is on polychoric correlations, whose warnings it carries.
TEST(CliFactor, ScoresAndPolychoric) {
  const std::string dir = temp_path("traps-factor");
  std::filesystem::create_directories(dir);
  std::string rows = "id," + ecr_header();
  for (int p = 0; p < 60; ++p) {
    rows += "p" + std::to_string(p);
    for (int i = 1; i <= 36; ++i) rows += "," + std::to_string(1 + (i * 7 + p * 3 + (p * i) % 4) % 5);
    rows += "\n";
  }
  write_file(dir + "/d.csv", rows);
  auto r = run_cli("factor '" + dir + "/d.csv' --instrument ecr --scale 1-5 --id id --scores bartlett --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "id,MR1,MR2");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 61);
  r = run_cli("factor '" + dir + "/d.csv' --instrument ecr --scale 1-5 --format csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "give --scores")) << r.err;
  r = run_cli("factor '" + dir + "/d.csv' --instrument ecr --scale 1-5 --correlation polychoric --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["correlation"], "polychoric");
  r = run_cli("factor '" + dir + "/d.csv' --instrument ecr --scale 1-5 --cfa --scores regression");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "scores applies to the exploratory analysis only (drop it, or drop cfa)\n  hint: see --scores")) << r.err;
  std::filesystem::remove_all(dir);
}

// reliability --ordinal carries the polychoric warnings (corrected or renormalised pair tables).
TEST(CliReliability, OrdinalAlphaCarriesPolychoricWarnings) {
  const std::string dir = temp_path("traps-ordinal");
  std::filesystem::create_directories(dir);
  write_file(dir + "/d.csv", "a,b,c\n1,1,1\n2,2,1\n3,3,2\n4,4,2\n5,5,3\n1,2,1\n2,1,2\n3,4,3\n4,3,3\n5,4,3\n");
  const auto r = run_cli("reliability '" + dir + "/d.csv' --items a,b,c --ordinal --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  bool carried = false;
  for (const auto& w : j["scales"][0]["warnings"]) carried = carried || has(w["message"].get<std::string>(), "ordinal alpha: ");
  EXPECT_TRUE(carried) << j["scales"][0]["warnings"].dump();
  std::filesystem::remove_all(dir);
}

// A constant item: alpha leaves it out with a warning, and so do omega (with its bootstrap
// interval) and ordinal alpha, instead of failing.
TEST(CliReliability, OmegaSurvivesAConstantItemAsAlphaDoes) {
  const std::string dir = temp_path("traps-constant");
  std::filesystem::create_directories(dir);
  std::string rows = "a,b,c,d,e,f,g\n";
  for (int p = 0; p < 60; ++p) {
    const int level = p % 5;
    for (int i = 0; i < 6; ++i) rows += std::to_string(1 + std::min(4, std::max(0, level + ((p * 7 + i * 3) % 3) - 1))) + ",";
    rows += "3\n";
  }
  write_file(dir + "/d.csv", rows);
  const auto r = run_cli("reliability '" + dir + "/d.csv' --items a,b,c,d,e,f,g --omega-ci --bootstrap 50 --ordinal --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = nlohmann::json::parse(r.out)["scales"][0];
  ASSERT_FALSE(s["omega"].is_null()) << s["warnings"].dump();
  EXPECT_FALSE(s["omega"]["total_ci"].is_null()) << s["omega"]["warnings"].dump();
  EXPECT_FALSE(s["ordinal_alpha"].is_null()) << s["warnings"].dump();
  EXPECT_TRUE(has(s["reliability"]["warnings"].dump(), "item g has zero variance and was left out")) << s.dump();
  std::filesystem::remove_all(dir);
}

// The figure: on the real ECR data correlate applies the range and the missing codes.
TEST(RealEcrData, CorrelateAppliesRangeAndMissingCodes) {
  const std::string csv = attune::test::unpack_real_ecr_data("traps-ecr");
  if (csv.empty()) GTEST_SKIP() << "the real ECR data are absent (../shared/data/openpsychometrics-ecr): skipped";
  auto r = run_cli("correlate '" + csv + "' --instrument ecr --items Q1-Q36 --scale 1-5 --missing 0 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["correlation"]["matrix"][0][1].get<double>(), 0.0672, 0.00005);
  EXPECT_EQ(j["correlation"]["pair_counts"][0][1].get<double>(), 51205);
  r = run_cli("correlate '" + csv + "' --instrument ecr --items Q1-Q36 --scale 1-5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "--missing 0")) << r.err;
  std::filesystem::remove_all(std::filesystem::path(csv).parent_path().parent_path());
}

// Structured warnings through the CLI (issue 12, item 9): JSON carries {"message", "option"};
// standard error gives the option as its flag.
TEST(CliTraps, WarningsAreObjectsInJsonAndFlagsOnStderr) {
  const std::string dir = temp_path("traps-warnings");
  std::filesystem::create_directories(dir);
  write_file(dir + "/d.csv", one_to_five_rows());
  auto r = run_cli("score '" + dir + "/d.csv' --instrument ecr --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["warnings"].size(), 1u) << j["warnings"];
  EXPECT_EQ(j["warnings"][0]["option"], "scoring_options.range");
  EXPECT_TRUE(has(j["warnings"][0]["message"].get<std::string>(), "scoring_options.range = 1-5"));
  r = run_cli("score '" + dir + "/d.csv' --instrument ecr");
  EXPECT_TRUE(has(r.err, "attune: warning: every answer in")) << r.err;
  EXPECT_FALSE(has(r.err, "scoring_options")) << r.err;
  std::filesystem::remove_all(dir);
}

// --columns cuts a per-respondent output down (issue 12, item 7); an unknown name lists the columns.
TEST(CliTraps, ColumnsCutsWideOutputAndUnknownNamesListTheColumns) {
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  auto r = run_cli("quality '" + sample + "' --instrument ecr-r --id id --columns mahalanobis,flags --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "id,mahalanobis,flags");
  const auto full = run_cli("quality '" + sample + "' --instrument ecr-r --id id --format csv");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), std::count(full.out.begin(), full.out.end(), '\n'));
  r = run_cli("quality '" + sample + "' --instrument ecr-r --columns mahalanobis_p,flags --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string first = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(has(first, "row") && has(first, "mahalanobis_p") && has(first, "flags")) << first;
  EXPECT_FALSE(has(first, "longstring")) << first;
  r = run_cli("quality '" + sample + "' --instrument ecr-r --columns mahalanobis,nope --format json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "--columns: the quality output has no column 'nope'; its columns are row, answered, longstring")) << r.err;
  EXPECT_EQ(r.out, "");
  r = run_cli("score '" + sample + "' --instrument ecr-r --columns avoidance --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["respondents"][0].size(), 2u) << j["respondents"][0];
  EXPECT_TRUE(j["respondents"][0].contains("avoidance"));
}

// EFA factor correlations print as R's print(round(phi, 2)): a header row of factor names.
TEST(CliTraps, FactorCorrelationsHaveRowAndColumnNames) {
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  const auto r = run_cli("factor '" + sample + "' --instrument ecr-r --factors 2 --rotation oblimin");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto at = r.out.find("factor correlations:\n");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream lines(r.out.substr(at));
  std::string heading, header, row1, row2;
  std::getline(lines, heading);
  std::getline(lines, header);
  std::getline(lines, row1);
  std::getline(lines, row2);
  EXPECT_TRUE(has(header, "MR1") && has(header, "MR2")) << header;
  EXPECT_TRUE(has(row1, "MR1") && has(row1, "1.00")) << row1;
  EXPECT_TRUE(has(row2, "MR2") && has(row2, "1.00")) << row2;
}

// A broken instrument file: the error names the file (error_details.source) and the hint names
// --instrument and the format's documentation (issue 12, item 9).
TEST(CliTraps, InstrumentFileErrorsNameTheFileAndTheOption) {
  const std::string dir = temp_path("traps-instrument");
  std::filesystem::create_directories(dir);
  write_file(dir + "/bad.json", "{\"id\": \"x\", \"items\": [}");
  write_file(dir + "/d.csv", "a,b\n1,2\n");
  auto r = run_cli("score '" + dir + "/d.csv' --instrument '" + dir + "/bad.json'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, dir + "/bad.json")) << r.err;
  EXPECT_TRUE(has(r.err, "hint: fix the instrument file given to --instrument")) << r.err;
  try {
    (void)attune::instrument_from_json("{\"id\": 3}", "mine.json");
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.source(), std::optional<std::string>("mine.json"));
    EXPECT_EQ(e.option(), std::optional<std::string>("instrument"));
  }
  std::filesystem::remove_all(dir);
}

// correlate reads answers as every other command does (issue 12, trap 2): 7-point answers with
// --scale 1-5 are an error naming the value and --scale; an answer of 0 is not made a category
// of the polychoric correlation but an error naming --missing; with --missing 0 it is no answer.
TEST(CliTraps, CorrelateAppliesTheRangeRuleToEveryMethod) {
  const std::string dir = temp_path("traps-correlate");
  std::filesystem::create_directories(dir);
  std::string seven = "a,b,c\n", zero = "a,b,c\n";
  for (int p = 0; p < 40; ++p) {
    seven += std::to_string(1 + p % 7) + "," + std::to_string(1 + (p + 1) % 7) + "," + std::to_string(1 + (p * 3) % 7) + "\n";
    zero += std::to_string(p == 5 ? 0 : 1 + p % 5) + "," + std::to_string(1 + (p + 1) % 5) + "," +
            std::to_string(1 + (p * 3) % 5) + "\n";
  }
  write_file(dir + "/seven.csv", seven);
  write_file(dir + "/zero.csv", zero);
  for (const char* method : {"pearson", "polychoric"}) {
    auto r = run_cli("correlate '" + dir + "/seven.csv' --items a,b,c --scale 1-5 --method " + method);
    EXPECT_EQ(r.exit_code, 1) << method;
    EXPECT_TRUE(has(r.err, "is outside the response range 1-5")) << method << ": " << r.err;
    EXPECT_TRUE(has(r.err, "--scale")) << r.err;
    r = run_cli("correlate '" + dir + "/zero.csv' --items a,b,c --scale 1-5 --method " + method);
    EXPECT_EQ(r.exit_code, 1) << method;
    EXPECT_TRUE(has(r.err, "give --missing 0")) << method << ": " << r.err;
    r = run_cli("correlate '" + dir + "/zero.csv' --items a,b,c --scale 1-5 --missing 0 --method " + std::string(method) +
                " --format json");
    ASSERT_EQ(r.exit_code, 0) << method << ": " << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["correlation"]["pair_counts"][0][1].get<double>(), 39) << method;
  }
  std::filesystem::remove_all(dir);
}

// attune factor --parallel (issue 12, item 6/10): Horn's parallel analysis reachable from the CLI.
TEST(CliTraps, FactorParallelPrintsTheSuggestedNumberOfFactors) {
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  auto r = run_cli("factor '" + sample + "' --instrument ecr-r --parallel --iterations 20 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "parallel analysis (Horn 1965; 20 simulated data sets): suggests")) << r.out;
  // --iterations runs it too, before --parallel or alone (the same output)
  for (const char* flags : {" --iterations 20 --parallel --seed 3", " --iterations 20 --seed 3"}) {
    const auto q = run_cli("factor '" + sample + "' --instrument ecr-r" + flags);
    ASSERT_EQ(q.exit_code, 0) << q.err;
    EXPECT_EQ(q.out, r.out) << flags;
  }
}

}  // namespace

