// Tests of the workflow around the analyses (issue 12): every tutorial command runs on the sample
// files; survey exports (--skip-rows, the Qualtrics hint); columns carried through (--keep) to
// score, classify, quality and change; the row column without --id.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using attune::test::parse_csv;
using attune::test::read_file;
using attune::test::run_cli;
using attune::test::source_path;
using attune::test::temp_path;
using attune::test::write_file;

// The `attune ...` lines of the ```sh blocks of a doc.
std::vector<std::string> shell_commands(const std::string& doc) {
  std::istringstream in(read_file(source_path(doc)));
  std::vector<std::string> out;
  std::string line;
  bool in_block = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block && line == "```sh";
      continue;
    }
    if (in_block && line.rfind("attune ", 0) == 0) out.push_back(line.substr(7));
  }
  return out;
}

TEST(CliWorkflow, EveryTutorialCommandRunsOnTheSampleFiles) {
  const auto commands = shell_commands("docs/tutorial.md");
  ASSERT_GE(commands.size(), 6U);
  bool change_seen = false;
  for (auto args : commands) {
    SCOPED_TRACE(args);
    // Paths are relative to the repository root; outputs go to the test folder.
    args = std::regex_replace(args, std::regex("examples/"), source_path("examples/"));
    args = std::regex_replace(args, std::regex("-o ([A-Za-z_.-]+)"), "-o " + temp_path("tutorial_$1"));
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // A command either prints something or writes its -o file (attune report prints nothing).
    std::smatch written;
    if (std::regex_search(args, written, std::regex("-o (\\S+)"))) {
      EXPECT_FALSE(read_file(written[1].str()).empty()) << written[1].str();
    } else {
      EXPECT_FALSE(r.out.empty() && r.err.empty());
    }
    change_seen = change_seen || args.rfind("change ", 0) == 0;
  }
  EXPECT_TRUE(change_seen) << "the tutorial's change step";
}

// A Qualtrics-like export of the first rows of the ECR-R sample: header, question texts, ImportIds.
std::string qualtrics_export(std::size_t rows) {
  std::istringstream in(read_file(source_path("examples/data/ecr-r-sample.csv")));
  std::string header, line, out;
  std::getline(in, header);
  std::vector<std::string> names;
  std::stringstream hs(header);
  for (std::string n; std::getline(hs, n, ',');) names.push_back(n);
  out = header + ",age\n";
  std::string texts, ids;
  for (std::size_t j = 0; j < names.size(); ++j) {
    texts += (j ? "," : "") + std::string("\"Item ") + std::to_string(j) + " text, long\"";
    ids += (j ? "," : "") + std::string("\"{\"\"ImportId\"\":\"\"QID") + std::to_string(j) + "\"\"}\"";
  }
  out += texts + ",How old are you?\n" + ids + ",\"{\"\"ImportId\"\":\"\"QID99\"\"}\"\n";
  for (std::size_t i = 0; i < rows && std::getline(in, line); ++i) out += line + "," + std::to_string(20 + i) + "\n";
  return out;
}

TEST(CliWorkflow, QualtricsExportGetsAHintAndReadsWithSkipRows) {
  const std::string path = temp_path("qualtrics.csv");
  write_file(path, qualtrics_export(10));
  auto r = run_cli("score " + path + " --instrument ecr-r --id id");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Qualtrics"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--skip-rows 2"), std::string::npos) << r.err;
  r = run_cli("score " + path + " --instrument ecr-r --id id --skip-rows 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  ASSERT_EQ(csv.size(), 11U);  // header + 10 respondents
  EXPECT_EQ(csv[1][0], "R000001");
  // The same scores as the sample itself.
  const auto plain = parse_csv(run_cli("score " + source_path("examples/data/ecr-r-sample.csv") +
                                       " --instrument ecr-r --id id").out);
  EXPECT_EQ(csv[1], plain[1]);
  EXPECT_EQ(csv[10], plain[10]);
  // Without --id the rows keep their numbers in the file (the 2 skipped rows count).
  const auto numbered = parse_csv(run_cli("score " + path + " --instrument ecr-r --skip-rows 2").out);
  EXPECT_EQ(numbered[0][0], "row");
  EXPECT_EQ(numbered[1][0], "3");
  // quality --clean-output copies the skipped rows through.
  const std::string clean = temp_path("qualtrics_clean.csv");
  r = run_cli("quality " + path + " --instrument ecr-r --id id --skip-rows 2 --clean-output " + clean);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string copy = read_file(clean);
  EXPECT_NE(copy.find("ImportId"), std::string::npos);
}

TEST(CliWorkflow, KeptColumnsAreCarriedToEveryPerRespondentOutput) {
  const std::string path = temp_path("keep.csv");
  write_file(path, qualtrics_export(30));
  const std::string common = " --instrument ecr-r --id id --skip-rows 2 --keep age";
  for (const std::string cmd : {"score", "classify --method midpoint", "quality"}) {
    SCOPED_TRACE(cmd);
    const auto r = run_cli(cmd + " " + path + common);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto csv = parse_csv(r.out);
    ASSERT_GE(csv.size(), 2U);
    EXPECT_EQ(csv[0][0], "id");
    EXPECT_EQ(csv[0][1], "age");
    EXPECT_EQ(csv[1][1], "20");
    EXPECT_EQ(csv[30][1], "49");
    const auto j = nlohmann::json::parse(run_cli(cmd + " " + path + common + " --format json").out);
    EXPECT_EQ(j["respondents"][2]["age"], "22");
  }
  // change: from the first file holding the id.
  const std::string after = temp_path("keep_after.csv");
  std::string text = qualtrics_export(30);
  text = std::regex_replace(text, std::regex(",(2[0-9]|3[0-9]|4[0-9])\n"), ",99\n");
  write_file(after, text);
  const auto r = run_cli("change " + path + " " + after + common + " --sd 1 --reliability 0.9");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  EXPECT_EQ(csv[0][0], "id");
  EXPECT_EQ(csv[0][1], "age");
  EXPECT_EQ(csv[1][1], "20");
  // An unknown kept column names itself.
  const auto bad = run_cli("score " + path + " --instrument ecr-r --skip-rows 2 --keep nosuch");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("nosuch"), std::string::npos) << bad.err;
}

}  // namespace

namespace {

TEST(CliWorkflow, KeepIsRefusedWhereNoRowsAreWritten) {
  const std::string data = attune::test::source_path("examples/data/ecr-r-sample.csv");
  for (const std::string cmd : {"reliability", "factor"}) {
    const auto r = attune::test::run_cli(cmd + " " + data + " --instrument ecr-r --keep id");
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_NE(r.err.find("--keep"), std::string::npos) << r.err;
  }
}

}  // namespace
