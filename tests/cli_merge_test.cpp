// State files and `attune merge` (issue 18, item 5; docs/scale.md): shards saved with
// --save-state and merged print exactly what one run over all the rows prints, and every bad
// state file is an error naming the file and what is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "attune/attune.hpp"
#include "attune/study/state.hpp"
#include "test_support.hpp"

namespace {

using attune::test::read_file;
using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

// A simulated ECR-R file (2% missing answers) of `n` rows, and the same rows cut into shard files
// of the given sizes (each with the header). The cuts fall inside the 4096-row chunks of the
// single run, so equality cannot come from aligned chunks.
struct sharded {
  std::string whole;
  std::vector<std::string> shards;
};

sharded make_shards(const std::string& dir, int n, const std::vector<int>& sizes) {
  sharded out;
  out.whole = dir + "/whole.csv";
  const auto r = run_cli("simulate --instrument ecr-r -n " + std::to_string(n) + " --seed 7 -o '" + out.whole + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(read_file(out.whole));
  std::string header, line;
  std::getline(in, header);
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    std::string text = header + "\n";
    for (int i = 0; i < sizes[s] && std::getline(in, line); ++i) text += line + "\n";
    if (s + 1 == sizes.size()) {
      while (std::getline(in, line)) text += line + "\n";
    }
    out.shards.push_back(dir + "/shard" + std::to_string(s + 1) + ".csv");
    write_file(out.shards.back(), text);
  }
  return out;
}

std::string save_states(const sharded& d, const std::string& dir, const std::string& options,
                        std::vector<std::string>* paths = nullptr) {
  std::string list;
  for (std::size_t s = 0; s < d.shards.size(); ++s) {
    const std::string state = dir + "/shard" + std::to_string(s + 1) + ".state";
    const auto r = run_cli("reliability '" + d.shards[s] + "' " + options + " --save-state '" + state + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    list += " '" + state + "'";
    if (paths) paths->push_back(state);
  }
  return list;
}

TEST(CliMerge, FourShardsMergedPrintExactlyTheSingleRun) {
  const std::string dir = temp_path("four");
  std::filesystem::create_directories(dir);
  // 9,000 rows: two full 4096-row chunks and a partial one in the single run; shards of 2,500,
  // 4,097, 1 and 2,402 rows.
  const sharded d = make_shards(dir, 9000, {2500, 4097, 1, 2402});
  for (const std::string options : {"--instrument ecr-r", "--instrument ecr-r --missing-method listwise --ci feldt"}) {
    SCOPED_TRACE(options);
    const auto single = run_cli("reliability '" + d.whole + "' " + options + " --format json");
    ASSERT_EQ(single.exit_code, 0) << single.err;
    const std::string states = save_states(d, dir, options);
    const auto merged = run_cli("merge" + states + " --format json");
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(merged.out, single.out) << "the merge must be byte-identical to the single run";
    // The tables agree too, and the order of the shards does not matter (integer sums).
    const auto table = run_cli("reliability '" + d.whole + "' " + options);
    std::vector<std::string> paths;
    save_states(d, dir, options, &paths);
    const auto reversed = run_cli("merge '" + paths[3] + "' '" + paths[2] + "' '" + paths[1] + "' '" + paths[0] + "'");
    ASSERT_EQ(reversed.exit_code, 0) << reversed.err;
    EXPECT_EQ(reversed.out, table.out);
  }
}

TEST(CliMerge, OneStateEqualsItsOwnRunAndTheLibraryAgrees) {
  const std::string dir = temp_path("one");
  std::filesystem::create_directories(dir);
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  const std::string state = dir + "/sample.state";
  ASSERT_EQ(run_cli("reliability '" + sample + "' --instrument ecr-r --save-state '" + state + "'").exit_code, 0);
  const auto single = run_cli("reliability '" + sample + "' --instrument ecr-r --format json");
  const auto merged = run_cli("merge '" + state + "' --format json");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(merged.out, single.out);
  // Through the library: read, serialize back byte for byte.
  const std::string text = read_file(state);
  const attune::reliability_state st = attune::read_reliability_state(text, state);
  EXPECT_EQ(attune::serialize_state(st), text);
  EXPECT_EQ(st.n_rows, 500u);
  EXPECT_EQ(st.scales.size(), 2u);
  EXPECT_TRUE(st.scales[0].exact());
}

class CliMergeErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = temp_path("errors");
    std::filesystem::create_directories(dir);
    d = make_shards(dir, 600, {300, 300});
    save_states(d, dir, "--instrument ecr-r", &states);
  }
  std::string dir;
  sharded d;
  std::vector<std::string> states;
};

TEST_F(CliMergeErrors, MismatchedOptionsNameBothFilesAndTheField) {
  const std::string listwise = dir + "/listwise.state";
  ASSERT_EQ(run_cli("reliability '" + d.shards[1] + "' --instrument ecr-r --missing-method listwise --save-state '" +
                    listwise + "'")
                .exit_code,
            0);
  const auto r = run_cli("merge '" + states[0] + "' '" + listwise + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("shard1.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("listwise.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("options.missing_method"), std::string::npos) << r.err;
  // Another instrument's keys: the instrument differs.
  const std::string other = dir + "/other.state";
  const std::string file = dir + "/ecr-r-copy.json";
  write_file(file, attune::instrument_to_json(attune::resolve_instrument("ecr-r")));
  auto inst = attune::instrument_from_json(read_file(file), file);
  for (auto& item : inst.items) item.reversed = false;  // other keys
  write_file(file, attune::instrument_to_json(inst));
  ASSERT_EQ(run_cli("reliability '" + d.shards[1] + "' --instrument '" + file + "' --save-state '" + other + "'").exit_code, 0);
  const auto r2 = run_cli("merge '" + states[0] + "' '" + other + "'");
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_NE(r2.err.find("instrument."), std::string::npos) << r2.err;
  // Different missing codes.
  const std::string codes = dir + "/codes.state";
  ASSERT_EQ(run_cli("reliability '" + d.shards[1] + "' --instrument ecr-r --missing 9 --save-state '" + codes + "'").exit_code, 0);
  const auto r3 = run_cli("merge '" + states[0] + "' '" + codes + "'");
  EXPECT_EQ(r3.exit_code, 1);
  EXPECT_NE(r3.err.find("options.missing_codes"), std::string::npos) << r3.err;
}

TEST_F(CliMergeErrors, WrongVersionTruncatedCorruptAndDirectory) {
  const std::string text = read_file(states[0]);
  const std::string v2 = dir + "/v2.state";
  write_file(v2, "attune-state 2" + text.substr(text.find(' ', 13)));
  auto r = run_cli("merge '" + v2 + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("v2.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("format version '2'"), std::string::npos) << r.err;

  const std::string cut = dir + "/cut.state";
  write_file(cut, text.substr(0, text.size() / 2));
  r = run_cli("merge '" + cut + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cut.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;

  std::string damaged = text;
  damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == '1' ? '2' : '1';
  const std::string bad = dir + "/damaged.state";
  write_file(bad, damaged);
  r = run_cli("merge '" + bad + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;

  const std::string csv = d.shards[0];
  r = run_cli("merge '" + csv + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not an attune state file"), std::string::npos) << r.err;

  r = run_cli("merge '" + dir + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;

  r = run_cli("merge '" + dir + "/absent.state'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;
}

TEST_F(CliMergeErrors, TheSameStateTwiceIsAnErrorACopyAWarning) {
  auto r = run_cli("merge '" + states[0] + "' '" + states[1] + "' '" + states[0] + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("given twice"), std::string::npos) << r.err;
  const std::string copy = dir + "/copy.state";
  std::filesystem::copy_file(states[0], copy);
  r = run_cli("merge '" + states[0] + "' '" + copy + "' --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("identical content"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"n_rows\": 600"), std::string::npos) << r.out;
}

TEST_F(CliMergeErrors, WhatNeedsEveryRowIsRefusedAndNoFileIsLeft) {
  const std::string state = dir + "/boot.state";
  auto r = run_cli("reliability '" + d.shards[0] + "' --instrument ecr-r --ci bootstrap_bca --save-state '" + state + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("every row"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(state));
  r = run_cli("reliability - --instrument ecr-r --save-state '" + state + "'", read_file(d.shards[0]));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("standard input"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(state));
}

}  // namespace
