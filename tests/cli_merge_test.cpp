// State files and `attune merge` (issue 18, item 5; docs/scale.md): shards saved with
// --save-state and merged print exactly what one run over all the rows prints, and every bad
// state file is an error naming the file and what is wrong.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
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
                        std::vector<std::string>* paths = nullptr, const std::string& command = "reliability") {
  std::string list;
  for (std::size_t s = 0; s < d.shards.size(); ++s) {
    const std::string state = dir + "/shard" + std::to_string(s + 1) + ".state";
    const auto r = run_cli(command + " '" + d.shards[s] + "' " + options + " --save-state '" + state + "'");
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

// Correlate (Pearson) states: 4 shards merged print the single run's correlations byte for byte
// (exact integer sums), in any order, as JSON and as CSV.
TEST(CliMerge, FourCorrelateShardsMergedPrintExactlyTheSingleRun) {
  const std::string dir = temp_path("correlate");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 9000, {2500, 4097, 1, 2402});
  const std::string options = "--instrument ecr-r";
  const auto single = run_cli("correlate '" + d.whole + "' " + options + " --format json");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  std::vector<std::string> paths;
  const std::string states = save_states(d, dir, options, &paths, "correlate");
  const auto merged = run_cli("merge" + states + " --format json");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(merged.out, single.out) << "the merge must be byte-identical to the single run";
  const auto csv = run_cli("correlate '" + d.whole + "' " + options + " --format csv");
  const auto reversed = run_cli("merge '" + paths[3] + "' '" + paths[2] + "' '" + paths[1] + "' '" + paths[0] + "' --format csv");
  ASSERT_EQ(reversed.exit_code, 0) << reversed.err;
  EXPECT_EQ(reversed.out, csv.out);
  // The library reads the state back byte for byte; a correlate state is not a reliability state.
  const std::string text = read_file(paths[0]);
  const attune::correlate_state st = attune::read_correlate_state(text, paths[0]);
  EXPECT_EQ(attune::serialize_state(st), text);
  EXPECT_EQ(st.n_rows, 2500u);
  EXPECT_TRUE(st.moments.exact());
  EXPECT_THROW((void)attune::read_reliability_state(text, paths[0]), attune::error);
  // Mixing studies in one merge is an error naming the file.
  const std::string rel = dir + "/rel.state";
  ASSERT_EQ(run_cli("reliability '" + d.shards[0] + "' " + options + " --save-state '" + rel + "'").exit_code, 0);
  const auto mixed = run_cli("merge '" + paths[0] + "' '" + rel + "'");
  EXPECT_NE(mixed.exit_code, 0);
  EXPECT_NE(mixed.err.find("rel.state"), std::string::npos) << mixed.err;
}

// Polychoric correlate states hold the items' frequency tables (integer counts): 4 shards merged
// print the single run byte for byte, in any order and at any thread count; a polychoric state
// does not merge with a Pearson one.
TEST(CliMerge, FourPolychoricShardsMergedPrintExactlyTheSingleRun) {
  const std::string dir = temp_path("polychoric");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 9000, {2500, 4097, 1, 2402});
  const std::string options = "--instrument ecr-r --method polychoric";
  const auto single = run_cli("correlate '" + d.whole + "' " + options + " --format json --threads 1");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  ASSERT_NE(single.out.find("\"method\": \"polychoric\""), std::string::npos);
  for (const std::string threads : {"1", "2"}) {
    SCOPED_TRACE("threads " + threads);
    const auto streamed = run_cli("correlate '" + d.whole + "' " + options + " --format json --threads " + threads);
    EXPECT_EQ(streamed.out, single.out);
    const std::string sub = dir + "/t" + threads;
    std::filesystem::create_directories(sub);
    std::vector<std::string> paths;
    const std::string states = save_states(d, sub, options + " --threads " + threads, &paths, "correlate");
    const auto merged = run_cli("merge" + states + " --format json");
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(merged.out, single.out) << "the merge must be byte-identical to the single run";
    const auto reversed = run_cli("merge '" + paths[3] + "' '" + paths[1] + "' '" + paths[2] + "' '" + paths[0] + "' --format json");
    EXPECT_EQ(reversed.out, single.out);
    if (threads == "2") {
      // The states themselves do not depend on the thread count.
      EXPECT_EQ(read_file(paths[1]), read_file(dir + "/t1/shard2.state"));
    }
  }
  // The library reads the state back byte for byte: the tables, not moments.
  const std::string first = dir + "/t1/shard1.state";
  const std::string text = read_file(first);
  const attune::correlate_state st = attune::read_correlate_state(text, first);
  EXPECT_EQ(attune::serialize_state(st), text);
  ASSERT_TRUE(st.tables.has_value());
  EXPECT_EQ(st.tables->n_rows(), 2500);
  EXPECT_EQ(st.tables->categories(), 7);
  // A Pearson state and a polychoric one: the error names both files and the method.
  const std::string pearson = dir + "/pearson.state";
  ASSERT_EQ(run_cli("correlate '" + d.shards[1] + "' --instrument ecr-r --save-state '" + pearson + "'").exit_code, 0);
  const auto mixed = run_cli("merge '" + first + "' '" + pearson + "'");
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_NE(mixed.err.find("shard1.state"), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("pearson.state"), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("options.method"), std::string::npos) << mixed.err;
  // Other polychoric options (max_categories) do not merge either.
  attune::correlate_state other = st;
  other.fingerprint.replace(other.fingerprint.find("\"max_categories\":8"), 18, "\"max_categories\":9");
  other.source = "other";
  try {
    attune::correlate_state into = st;
    attune::merge_state(into, other);
    ADD_FAILURE() << "merged";
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("options.polychoric.max_categories"), std::string::npos) << e.what();
  }
}

// The library: a polychoric correlate streamed (in 4096-row chunks) gives the whole-file
// document, and states of shards merged give it too.
TEST(CliMerge, PolychoricStreamedAndMergedEqualTheWholeFileInTheLibrary) {
  const std::string dir = temp_path("polychoric_library");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 9000, {2500, 4097, 1, 2402});
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  attune::correlate_study_options o;
  o.correlation.method = attune::correlation_kind::polychoric;
  o.threads = 2;
  const std::string whole = attune::to_json(attune::study_correlate(&inst, attune::read_study_data(d.whole, &inst, o.input), o));
  EXPECT_EQ(attune::to_json(attune::study_correlate(&inst, d.whole, o)), whole);
  attune::correlate_state merged = attune::accumulate_correlate(&inst, d.shards[2], o);
  for (const std::size_t s : {3u, 0u, 1u}) attune::merge_state(merged, attune::accumulate_correlate(&inst, d.shards[s], o));
  EXPECT_EQ(attune::to_json(attune::study_correlate(merged)), whole);
}

// A polychoric state refuses what the polychoric correlations refuse: a non-integer answer (named
// by its data row in the file) and answers spanning more than max_categories; no file is left.
TEST(CliMerge, PolychoricStatesRefuseWhatPolychoricRefuses) {
  const std::string dir = temp_path("polychoric_refused");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 5000, {5000});
  std::istringstream in(read_file(d.shards[0]));
  std::string text, line;
  for (int row = 0; std::getline(in, line); ++row) {
    if (row == 4500) line.replace(line.find(',') + 1, line.find(',', line.find(',') + 1) - line.find(',') - 1, "2.5");
    text += line + "\n";
  }
  const std::string half = dir + "/half.csv", state = dir + "/half.state";
  write_file(half, text);
  auto r = run_cli("correlate '" + half + "' --instrument ecr-r --method polychoric --save-state '" + state + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("row 4500, column 1"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(state));
  // The whole-file run names the same cell.
  r = run_cli("correlate '" + half + "' --instrument ecr-r --method polychoric");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("row 4500, column 1"), std::string::npos) << r.err;
  // Columns of 0..10 (declared range): 11 categories, more than max_categories = 8.
  const std::string wide = dir + "/wide.csv";
  write_file(wide, "a,b\n0,1\n10,2\n3,3\n");
  r = run_cli("correlate '" + wide + "' --items a,b --scale 0-10 --method polychoric --save-state '" + state + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("max_categories = 8"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(state));
}

// Answers that are not integers (half points) accumulate floating-point moments: the merge then
// equals the single run within 1e-14 (absolute, on correlations in [-1, 1]), not bit for bit.
TEST(CliMerge, NonIntegerAnswersMergeWithinRounding) {
  const std::string dir = temp_path("halves");
  std::filesystem::create_directories(dir);
  std::string whole = "a,b,c\n";
  std::vector<std::string> shard_text(4, "a,b,c\n");
  for (int i = 0; i < 6000; ++i) {
    const double a = 1 + (i * 7 % 13) * 0.5, b = 1 + ((i * 5 + 3) % 11) * 0.5, c = 1 + ((i * i) % 9) * 0.5;
    const std::string row = std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(c) + "\n";
    whole += row;
    shard_text[i < 1000 ? 0 : i < 4500 ? 1 : i < 4501 ? 2 : 3] += row;
  }
  write_file(dir + "/whole.csv", whole);
  std::string states;
  for (int s = 0; s < 4; ++s) {
    const std::string shard = dir + "/s" + std::to_string(s) + ".csv", state = shard + ".state";
    write_file(shard, shard_text[s]);
    const auto r = run_cli("correlate '" + shard + "' --items a,b,c --scale 1-7 --save-state '" + state + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    states += " '" + state + "'";
  }
  const auto single = run_cli("correlate '" + dir + "/whole.csv' --items a,b,c --scale 1-7 --format json");
  const auto merged = run_cli("merge" + states + " --format json");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  const auto js = nlohmann::json::parse(single.out), jm = nlohmann::json::parse(merged.out);
  EXPECT_EQ(jm["n_rows"], js["n_rows"]);
  const auto& rs = js["correlation"]["matrix"];
  const auto& rm = jm["correlation"]["matrix"];
  ASSERT_EQ(rs.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(rm[i][j].get<double>(), rs[i][j].get<double>(), 1e-14);
  }
  EXPECT_NE(rs[0][1].get<double>(), 0.0);
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
  const std::string v1 = dir + "/v1.state";
  write_file(v1, "attune-state 1" + text.substr(text.find(' ', 13)));
  auto r = run_cli("merge '" + v1 + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("v1.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("format version '1'"), std::string::npos) << r.err;

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

namespace {

// Factor states (exploratory, Pearson): 4 shards merged print the single run's factor analysis
// byte for byte (the keyed items' moments are exact integer sums), in any order.
TEST(CliMerge, FourFactorShardsMergedPrintExactlyTheSingleRun) {
  const std::string dir = temp_path("factor");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 9000, {2500, 4097, 1, 2402});
  for (const std::string options : {"--instrument ecr-r", "--instrument ecr-r --factors 3 --rotation varimax --method ml"}) {
    SCOPED_TRACE(options);
    const auto single = run_cli("factor '" + d.whole + "' " + options + " --format json");
    ASSERT_EQ(single.exit_code, 0) << single.err;
    std::vector<std::string> paths;
    const std::string states = save_states(d, dir, options, &paths, "factor");
    const auto merged = run_cli("merge" + states + " --format json");
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(merged.out, single.out) << "the merge must be byte-identical to the single run";
    const auto table = run_cli("factor '" + d.whole + "' " + options);
    const auto reversed = run_cli("merge '" + paths[3] + "' '" + paths[2] + "' '" + paths[1] + "' '" + paths[0] + "'");
    ASSERT_EQ(reversed.exit_code, 0) << reversed.err;
    EXPECT_EQ(reversed.out, table.out);
    const std::string text = read_file(paths[1]);
    const attune::factor_state st = attune::read_factor_state(text, paths[1]);
    EXPECT_EQ(attune::serialize_state(st), text);
    EXPECT_EQ(st.n_rows, 4097u);
    EXPECT_TRUE(st.moments.exact());
    EXPECT_EQ(st.moments.n_items(), 36);
  }
  // What needs every row is refused, and no file is left.
  const std::string state = dir + "/cfa.state";
  for (const std::string extra : {"--cfa", "--scores regression"}) {
    const auto r = run_cli("factor '" + d.shards[0] + "' --instrument ecr-r " + extra + " --save-state '" + state + "'");
    EXPECT_EQ(r.exit_code, 1) << extra;
    EXPECT_NE(r.err.find("every row"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(state));
  }
}

// Factor states on polychoric correlations hold the keyed items' frequency tables: 4 shards merged
// print the single run byte for byte at --threads 1 and 2; they do not merge with Pearson ones.
TEST(CliMerge, FourPolychoricFactorShardsMergedPrintExactlyTheSingleRun) {
  const std::string dir = temp_path("factor_polychoric");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 9000, {2500, 4097, 1, 2402});
  const std::string options = "--instrument ecr-r --correlation polychoric";
  const auto single = run_cli("factor '" + d.whole + "' " + options + " --format json --threads 1");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  ASSERT_NE(single.out.find("\"correlation\": \"polychoric\""), std::string::npos);
  for (const std::string threads : {"1", "2"}) {
    SCOPED_TRACE("threads " + threads);
    EXPECT_EQ(run_cli("factor '" + d.whole + "' " + options + " --format json --threads " + threads).out, single.out);
    const std::string sub = dir + "/t" + threads;
    std::filesystem::create_directories(sub);
    std::vector<std::string> paths;
    const std::string states = save_states(d, sub, options + " --threads " + threads, &paths, "factor");
    const auto merged = run_cli("merge" + states + " --format json");
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_EQ(merged.out, single.out) << "the merge must be byte-identical to the single run";
    const std::string text = read_file(paths[1]);
    const attune::factor_state st = attune::read_factor_state(text, paths[1]);
    EXPECT_EQ(attune::serialize_state(st), text);
    ASSERT_TRUE(st.tables.has_value());
    EXPECT_EQ(st.tables->n_items(), 36);
  }
  const std::string pearson = dir + "/pearson.state";
  ASSERT_EQ(run_cli("factor '" + d.shards[1] + "' --instrument ecr-r --save-state '" + pearson + "'").exit_code, 0);
  const auto r = run_cli("merge '" + dir + "/t1/shard1.state' '" + pearson + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("pearson.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("options.correlation"), std::string::npos) << r.err;
}

// Merging factor states of other factor options, or a factor state with a correlate state, is an
// error naming both files and the field.
TEST(CliMerge, MismatchedFactorStatesAreAnError) {
  const std::string dir = temp_path("factor_mismatch");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 800, {400, 400});
  const std::string a = dir + "/a.state", b = dir + "/b.state", c = dir + "/c.state";
  ASSERT_EQ(run_cli("factor '" + d.shards[0] + "' --instrument ecr-r --save-state '" + a + "'").exit_code, 0);
  ASSERT_EQ(run_cli("factor '" + d.shards[1] + "' --instrument ecr-r --factors 3 --save-state '" + b + "'").exit_code, 0);
  auto r = run_cli("merge '" + a + "' '" + b + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("a.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("b.state"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("options.factors"), std::string::npos) << r.err;
  ASSERT_EQ(run_cli("correlate '" + d.shards[1] + "' --instrument ecr-r --save-state '" + c + "'").exit_code, 0);
  r = run_cli("merge '" + a + "' '" + c + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("c.state"), std::string::npos) << r.err;
  // Truncated and damaged factor states.
  const std::string text = read_file(a);
  write_file(dir + "/cut.state", text.substr(0, text.size() - 30));
  r = run_cli("merge '" + dir + "/cut.state'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  std::string damaged = text;
  damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == '1' ? '2' : '1';
  write_file(dir + "/damaged.state", damaged);
  r = run_cli("merge '" + dir + "/damaged.state'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;
}

// Quality states: the sample statistics. Shards cut at the 4096-row blocks of the sample's sums
// merge to exactly (byte for byte) the state of the whole file; other cuts agree within rounding
// (the pairwise moments are floating point). The means are the item sums over the counts, checked
// against a direct computation.
TEST(CliMerge, FourQualityShardsMergedPrintTheWholeFilesSample) {
  const std::string dir = temp_path("quality");
  std::filesystem::create_directories(dir);
  const sharded d = make_shards(dir, 14000, {4096, 4096, 4096, 1712});
  const std::string options = "--instrument ecr-r";
  const std::string whole_state = dir + "/whole.state";
  ASSERT_EQ(run_cli("quality '" + d.whole + "' " + options + " --save-state '" + whole_state + "'").exit_code, 0);
  const auto single = run_cli("merge '" + whole_state + "' --format json");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  std::vector<std::string> paths;
  const std::string states = save_states(d, dir, options, &paths, "quality");
  const auto merged = run_cli("merge" + states + " --format json");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(merged.out, single.out) << "shards on the 4096-row blocks merge byte for byte";
  const auto j = nlohmann::json::parse(merged.out);
  EXPECT_EQ(j["study"], "quality_sample");
  EXPECT_EQ(j["n_rows"], 14000);
  ASSERT_EQ(j["items"].size(), 36u);
  // The first item's mean and SD, directly from the file (answers 1..7; empty = missing).
  std::istringstream in(read_file(d.whole));
  std::string line;
  std::getline(in, line);
  std::size_t col = 0;
  {
    std::istringstream h(line);
    std::string name;
    for (std::size_t c = 0; std::getline(h, name, ','); ++c) {
      if (name == j["items"][0].get<std::string>()) col = c;
    }
  }
  double n = 0, sum = 0, sum2 = 0;
  while (std::getline(in, line)) {
    std::istringstream r(line);
    std::string cell;
    for (std::size_t c = 0; std::getline(r, cell, ','); ++c) {
      if (c == col && !cell.empty()) {
        const double x = std::stod(cell);
        n += 1, sum += x, sum2 += x * x;
      }
    }
  }
  EXPECT_EQ(j["n"][0].get<double>(), n);
  EXPECT_NEAR(j["mean"][0].get<double>(), sum / n, 1e-12);
  EXPECT_NEAR(j["sd"][0].get<double>(), std::sqrt((sum2 - sum * sum / n) / (n - 1)), 1e-10);
  EXPECT_NEAR(j["covariance"][0][0].get<double>(), j["sd"][0].get<double>() * j["sd"][0].get<double>(), 1e-12);
  // Cuts inside the blocks: within rounding.
  const sharded e = make_shards(dir, 14000, {2500, 4097, 1, 7402});
  const std::string states2 = save_states(e, dir, options, nullptr, "quality");
  const auto merged2 = run_cli("merge" + states2 + " --format json");
  ASSERT_EQ(merged2.exit_code, 0) << merged2.err;
  const auto j2 = nlohmann::json::parse(merged2.out);
  for (std::size_t a = 0; a < 36; ++a) {
    EXPECT_EQ(j2["n"][a], j["n"][a]);
    EXPECT_NEAR(j2["mean"][a].get<double>(), j["mean"][a].get<double>(), 1e-13);
    for (std::size_t b = 0; b < 36; ++b) {
      EXPECT_NEAR(j2["covariance"][a][b].get<double>(), j["covariance"][a][b].get<double>(), 1e-12);
    }
  }
  EXPECT_EQ(j2["synonyms"], j["synonyms"]);
  // The table names the items and the pairs.
  const auto table = run_cli("merge" + states);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("quality sample statistics of ecr-r, 36 items, 14000 rows"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("psychsyn pairs"), std::string::npos) << table.out;
  // Library round trip.
  const std::string text = read_file(paths[0]);
  EXPECT_EQ(attune::serialize_state(attune::read_quality_state(text, paths[0])), text);
  // Other critical values: a mismatch naming the field; a bank is refused.
  const std::string other = dir + "/other.state";
  ASSERT_EQ(run_cli("quality '" + d.shards[0] + "' " + options + " --psychsyn-critical 0.5 --save-state '" + other + "'").exit_code, 0);
  auto r = run_cli("merge '" + paths[1] + "' '" + other + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("options.psychsyn_critical"), std::string::npos) << r.err;
  r = run_cli("quality - " + options + " --save-state '" + other + "x'", read_file(d.shards[0]));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("standard input"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(other + "x"));
  write_file(dir + "/cut.state", text.substr(0, text.size() / 3));
  r = run_cli("merge '" + dir + "/cut.state'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
}

}  // namespace
