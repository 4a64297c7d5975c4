// Issue 18 item 2: the output of a command does not depend on --threads. Each command runs with
// --threads 1 and --threads 2 on the same file (several chunks of the streaming readers, answers
// missing here and there) and the two outputs are compared byte for byte.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
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
