// Helpers shared by the tests: paths, temporary files, running the CLI, reading golden data.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

#include "attune/core/error.hpp"

namespace attune::test {

inline std::string data_path(const std::string& name) { return std::string(ATTUNE_TEST_DATA_DIR) + "/" + name; }
inline std::string source_path(const std::string& name) { return std::string(ATTUNE_SOURCE_DIR) + "/" + name; }
inline std::string shared_path(const std::string& name) { return std::string(ATTUNE_SHARED_DIR) + "/" + name; }

/// A fresh path under the build tree's test folder (removed first if it exists), in a folder of
/// the running test's own: ctest -j runs each test as its own process, so two tests that use the
/// same name must not share the file.
inline std::string temp_path(const std::string& name) {
  std::string dir = ATTUNE_TEST_TMP_DIR;
  if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
    // a short folder name (messages shorten long paths, and tests check some of them whole)
    char folder[20];
    std::snprintf(folder, sizeof folder, "/%08zx",
                  std::hash<std::string>{}(std::string(test->test_suite_name()) + "." + test->name()) & 0xffffffffu);
    dir += folder;
  }
  std::filesystem::create_directories(dir);
  std::string p = dir + "/" + name;
  std::filesystem::remove_all(p);
  return p;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

/// Unpacks the real openpsychometrics ECR data (../shared/data, never copied into the repository)
/// into a fresh temporary folder `folder` and returns the path of its data.csv; "" when the
/// archive is absent (the caller skips, saying why).
inline std::string unpack_real_ecr_data(const std::string& folder) {
  const std::string zip = shared_path("data/openpsychometrics-ecr/ECR-data-1March2018.zip");
  if (!std::filesystem::exists(zip)) return "";
  const std::string dir = temp_path(folder);
  std::filesystem::create_directories(dir);
  const std::string cmd = "cd '" + dir + "' && '" ATTUNE_CMAKE_COMMAND "' -E tar xf '" + zip + "'";
  if (std::system(cmd.c_str()) != 0) return "";
  return dir + "/ECR-data-1March2018/data.csv";
}

struct cli_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `attune <args>` through the shell (args are passed as written), capturing both streams.
inline cli_result run_cli(const std::string& args, const std::string& stdin_text = "") {
  static int counter = 0;
  const std::string base = std::string(ATTUNE_TEST_TMP_DIR) + "/cli_" + std::to_string(::getpid()) +
                           "_" + std::to_string(counter++);
  const std::string in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
  write_file(in_path, stdin_text);
  const std::string cmd = std::string("'") + ATTUNE_CLI_PATH + "' " + args + " <'" + in_path +
                          "' >'" + out_path + "' 2>'" + err_path + "'";
  const int status = std::system(cmd.c_str());
  cli_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

/// Runs `f`, expecting an attune::error of kind `code` whose message contains every fragment.
template <class F>
void expect_error(F f, attune::errc code, std::initializer_list<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "no attune::error thrown";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const auto& s : fragments) {
      EXPECT_NE(std::string(e.what()).find(s), std::string::npos) << "missing '" << s << "' in: " << e.what();
    }
  }
}

/// The same, for one fragment.
template <class F>
void expect_error(F f, attune::errc code, const std::string& fragment) {
  expect_error(f, code, {fragment});
}

/// The attune::error that `f` throws (a failure when it throws none), to check its fields.
template <class F>
attune::error caught(F f) {
  try {
    f();
  } catch (const attune::error& e) {
    return e;
  }
  ADD_FAILURE() << "no attune::error thrown";
  return attune::error(attune::errc::invalid_argument, "none");
}

/// A simple comma-separated text (no quotes) as rows of cells; a trailing comma gives an empty cell.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (!line.empty() && line.back() == ',') f.emplace_back();
    out.push_back(f);
  }
  return out;
}

}  // namespace attune::test
