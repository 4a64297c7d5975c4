// Issue 18 item 2: the output of a command does not depend on --threads. Each command runs with
// --threads 1 and --threads 2 on the same file (several chunks of the streaming readers, answers
// missing here and there) and the two outputs are compared byte for byte.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <utility>
#include <vector>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

// 10,000 x 12 Likert answers 1-5 from one latent trait (a fixed linear congruential generator, so
// the file is the same everywhere), about 2% missing; items 4 and 9 reverse-keyed in effect.
std::string likert_file() {
  std::uint64_t state = 20261202;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  std::string csv = "id";
  for (int j = 1; j <= 12; ++j) csv += ",Q" + std::to_string(j);
  csv += "\n";
  for (int i = 0; i < 10000; ++i) {
    const double trait = (uniform() + uniform() + uniform() - 1.5) * 2.0;
    csv += std::to_string(i + 1);
    for (int j = 1; j <= 12; ++j) {
      csv += ',';
      if (uniform() < 0.02) continue;
      const double sign = (j == 4 || j == 9) ? -1.0 : 1.0;
      const double v = 3.0 + sign * trait + (uniform() - 0.5) * 2.5;
      csv += std::to_string(v < 1.0 ? 1 : v > 5.0 ? 5 : static_cast<int>(v + 0.5));
    }
    csv += "\n";
  }
  const std::string path = temp_path("likert.csv");
  write_file(path, csv);
  return path;
}

void expect_near_json(const nlohmann::json& a, const nlohmann::json& b, double tol, const std::string& where);

void expect_same_output(const std::string& args) {
  const auto one = run_cli(args + " --threads 1");
  const auto two = run_cli(args + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << args << "\n" << one.err;
  ASSERT_EQ(two.exit_code, 0) << args << "\n" << two.err;
  EXPECT_FALSE(one.out.empty()) << args;
  EXPECT_EQ(one.out, two.out) << args;
  EXPECT_EQ(one.err, two.err) << args;
}

TEST(CliThreads, ReliabilityStreamsTheSameForAnyThreadCount) {
  const std::string data = "'" + likert_file() + "' --items Q1-Q12 --scale 1-5";
  expect_same_output("reliability " + data + " --format json");
  expect_same_output("reliability " + data + " --format table");
  expect_same_output("reliability " + data + " --format json --missing-method listwise");
  expect_same_output("reliability " + data + " --format json --reverse Q4,Q9");
}

TEST(CliThreads, ReliabilityWithRowsTheSameForAnyThreadCount) {
  const std::string data = "'" + likert_file() + "' --items Q1-Q12 --scale 1-5";
  expect_same_output("reliability " + data + " --format json --ordinal");
  expect_same_output("reliability " + data + " --format json --ci bootstrap_percentile --bootstrap 50");
}

// ECR-R files (`attune simulate`, 2% missing): 12,000 respondents, several chunks of every
// streaming reader (3,640 rows for score, 4,096 for reliability); 1,500 for the commands whose
// cost grows faster than N (ward's distances, mixtures, polychorics, the report).
std::string ecr_file(int n = 12000) {
  const std::string p = temp_path("threads_ecr-r_" + std::to_string(n) + ".csv");
  if (!std::ifstream(p)) {
    const auto r = run_cli("simulate --instrument ecr-r -n " + std::to_string(n) + " --seed 20261202 -o '" + p + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  return p;
}

// Issue 18, Must show: every command that reads data, --threads 1 against --threads 2.
TEST(CliThreads, EveryCommandThatReadsDataGivesTheSameOutputForAnyThreadCount) {
  const std::string data = "'" + ecr_file() + "' --instrument ecr-r";
  for (const std::string format : {"csv", "json", "table"}) expect_same_output("score " + data + " --id id --format " + format);
  const std::string small = "'" + ecr_file(1500) + "' --instrument ecr-r";
  for (const auto& [command, file] : std::vector<std::pair<std::string, std::string>>{
           {"score --id id --chunk-rows 1000 --format csv", data},
           {"reliability --format json", data},
           {"reliability --format table", data},
           {"correlate --format json", data},
           {"correlate --items Q1-Q36 --scale 1-7 --format csv", data},
           {"factor --format json", data},
           {"factor --factors 3 --method ml --format table", data},
           {"classify --method fisher --id id --format csv", data},
           {"quality --id id --format json", data},
           {"correlate --method polychoric --format json", small},
           {"factor --format json", small},
           {"factor --cfa --format json", small},
           {"classify --method kmeans --id id --seed 7 --format json", small},
           {"profiles --models EEI --k 1-2 --starts 2 --format json", small},
           {"cluster --method ward.D2 --k 4 --format json", small}}) {
    const std::size_t space = command.find(' ');
    expect_same_output(command.substr(0, space) + " " + file + command.substr(space));
  }
  const std::string after = temp_path("threads_ecr-r_after.csv");
  ASSERT_EQ(run_cli("simulate --instrument ecr-r -n 12000 --seed 20261203 -o '" + after + "'").exit_code, 0);
  expect_same_output("change '" + ecr_file() + "' '" + after + "' --instrument ecr-r --id id --format json");
  const std::string html1 = temp_path("threads_report1.html"), html2 = temp_path("threads_report2.html");
  const auto r1 = run_cli("report " + small + " -o '" + html1 + "' --threads 1");
  const auto r2 = run_cli("report " + small + " -o '" + html2 + "' --threads 2");
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  // the Methods section quotes the command line (its -o file and --threads): the rest is equal
  auto without_command = [](std::string html) {
    const std::size_t at = html.find("command: attune report");
    if (at != std::string::npos) html.erase(at, html.find("</p>", at) - at);
    return html;
  };
  EXPECT_EQ(without_command(attune::test::read_file(html1)), without_command(attune::test::read_file(html2)));
}

// The streamed reliability gives what the whole-matrix path gives for a scale with a constant
// item (left out, the score recomputed: a second pass over the file), for answers too large for
// their squares, for an answer outside the range and a cell that is not a number (the same
// messages, naming the same row and line), whatever the thread count.
TEST(CliThreads, ReliabilityStreamedGivesTheWholeFileMessages) {
  std::string csv = "Q1,Q2,Q3,Q4\n";
  for (int i = 0; i < 9000; ++i) {
    csv += std::to_string(1 + i % 5) + "," + std::to_string(1 + (i / 3) % 5) + ",3," + std::to_string(1 + (i * 7) % 5) + "\n";
  }
  const std::string constant = temp_path("threads_constant.csv");
  write_file(constant, csv);
  for (const std::string extra : {"", " --missing-method listwise"}) {
    const std::string args = " --items Q1-Q4 --scale 1-5 --format json" + extra;
    const auto streamed = run_cli("reliability '" + constant + "'" + args + " --threads 2");
    const auto whole = run_cli("reliability -" + args, csv);
    ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const auto a = nlohmann::json::parse(streamed.out), b = nlohmann::json::parse(whole.out);
    expect_near_json(a["scales"], b["scales"], 1e-12, "constant item" + extra);
    EXPECT_NE(a["scales"][0]["reliability"]["warnings"].dump().find("Q3 has zero variance"), std::string::npos) << a.dump();
  }
  auto expect_same_error = [](const std::string& name, std::string text, const std::string& args, const std::string& what) {
    const std::string path = temp_path(name);
    write_file(path, text);
    for (const char* threads : {" --threads 1", " --threads 2"}) {
      const auto streamed = run_cli("reliability '" + path + "'" + args + threads);
      const auto whole = run_cli("reliability -" + args, text);
      EXPECT_EQ(streamed.exit_code, 1) << name << streamed.err;
      EXPECT_NE(streamed.err.find(what), std::string::npos) << name << "\n" << streamed.err;
      // the same words, the source named differently (the file, or <stdin>)
      std::string expected = whole.err;
      for (std::size_t at; (at = expected.find("<stdin>")) != std::string::npos;) expected.replace(at, 7, path);
      EXPECT_EQ(streamed.err, expected) << name;
    }
  };
  std::string big = "Q1,Q2,Q3\n";
  for (int i = 0; i < 9000; ++i) big += std::to_string(1 + i % 5) + "," + std::to_string(1 + i % 4) + "," + std::to_string(1 + i % 3) + "\n";
  std::string huge = big;
  huge.replace(huge.find("\n", huge.size() / 2) + 1, 1, "1e200");  // row ~4500, column Q1
  expect_same_error("threads_huge.csv", huge, " --items Q1-Q3", "its square overflows");
  std::string range = big;
  range.replace(range.find("\n", range.size() / 3) + 1, 1, "9");
  expect_same_error("threads_range.csv", range, " --items Q1-Q3 --scale 1-5", "outside the response range 1-5");
  std::string text = range;  // a cell that is not a number after the answer out of range: it is named
  text.replace(text.find("\n", text.size() * 2 / 3) + 1, 1, "x");
  expect_same_error("threads_text.csv", text, " --items Q1-Q3 --scale 1-5", "is not a number");
  // a note with line ends in quotes (the records after it keep their line numbers), then a record
  // with a field too few: named by its line and row
  std::string noted = "Q1,Q2,Q3,note\n";
  for (int i = 0; i < 9000; ++i) {
    noted += std::to_string(1 + i % 5) + "," + std::to_string(1 + i % 4) + "," + std::to_string(1 + i % 3) +
             (i == 3000 ? ",\"two\nlines, \"\"quoted\"\"\n\"\n" : i == 7000 ? "\n" : ",a\n");
  }
  expect_same_error("threads_quoted.csv", noted, " --items Q1-Q3 --scale 1-5", "line 7004 (row 7001): 3 fields, but the header has 4");
}

// Every number of `a` equals the one at the same place in `b` to `tol` (relative), every string,
// key and array length exactly.
void expect_near_json(const nlohmann::json& a, const nlohmann::json& b, double tol, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (auto it = a.begin(); it != a.end(); ++it) {
      ASSERT_TRUE(b.contains(it.key())) << where << "/" << it.key();
      expect_near_json(it.value(), b[it.key()], tol, where + "/" + it.key());
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (std::size_t i = 0; i < a.size(); ++i) expect_near_json(a[i], b[i], tol, where + "/" + std::to_string(i));
  } else if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    EXPECT_NEAR(x, y, tol * std::max(1.0, std::abs(y))) << where;
  } else {
    EXPECT_EQ(a, b) << where;
  }
}

// The one-pass path (a file) gives the whole-matrix path's results (stdin is read whole): the
// same keys, warnings and counts, and numbers equal to rounding.
TEST(CliThreads, ReliabilityStreamedEqualsWholeFile) {
  const std::string path = likert_file();
  for (const std::string extra : {"", " --missing-method listwise", " --reverse Q4,Q9"}) {
    const std::string args = " --items Q1-Q12 --scale 1-5 --format json" + extra;
    const auto streamed = run_cli("reliability '" + path + "'" + args);
    const auto whole = run_cli("reliability -" + args, attune::test::read_file(path));
    ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    auto a = nlohmann::json::parse(streamed.out), b = nlohmann::json::parse(whole.out);
    // the warnings name the input (the file, or <stdin>)
    expect_near_json(a["scales"], b["scales"], 1e-12, extra);
    EXPECT_EQ(a["n_rows"], b["n_rows"]);
    EXPECT_EQ(a["warnings"].size(), b["warnings"].size());
  }
}

}  // namespace

namespace {

// `attune quality FILE` streams in two passes (quality_file); standard input is read whole. Both,
// with one thread or two, write the same bytes (10,000 simulated ECR-R respondents: 3 chunks).
TEST(CliThreads, QualityStreamedEqualsWholeInputForAnyThreadCount) {
  const std::string path = attune::test::temp_path("quality_threads.csv");
  const auto sim = run_cli("simulate --instrument ecr-r -n 10000 --seed 18 -o '" + path + "'");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  for (const std::string format : {"csv", "json"}) {
    const std::string args = " --instrument ecr-r --id id --format " + format;
    expect_same_output("quality '" + path + "'" + args);
    const auto streamed = run_cli("quality '" + path + "'" + args + " --threads 2");
    const auto whole = run_cli("quality -" + args, attune::test::read_file(path));
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    EXPECT_TRUE(streamed.out == whole.out) << format;
    EXPECT_EQ(streamed.err, whole.err) << format;
  }
}

}  // namespace

// Issue 18 items 2 and 5: the state files of correlate, factor and quality (12,000 rows: three
// chunks) are byte-identical at --threads 1 and 2.
TEST(CliThreads, StateFilesTheSameForAnyThreadCount) {
  const std::string data = "'" + ecr_file() + "' --instrument ecr-r";
  for (const std::string command : {"correlate", "factor", "quality"}) {
    SCOPED_TRACE(command);
    const std::string one = temp_path("threads_" + command + "_1.state"), two = temp_path("threads_" + command + "_2.state");
    ASSERT_EQ(run_cli(command + " " + data + " --threads 1 --save-state '" + one + "'").exit_code, 0);
    ASSERT_EQ(run_cli(command + " " + data + " --threads 2 --save-state '" + two + "'").exit_code, 0);
    EXPECT_EQ(attune::test::read_file(one), attune::test::read_file(two));
  }
}
