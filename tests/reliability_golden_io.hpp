// Readers for the golden files of the reliability modules, written by tests/golden/reliability.R into
// tests/data/reliability/ (reliability, split-half, ICC and bootstrap tests share them).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace attune::test {

inline constexpr double psych_tol = 1e-9;   // issue 3: every psych output within 1e-9
inline constexpr double merge_tol = 1e-12;  // issue 3: merged shards equal the whole data to 1e-12
inline const double nan_value = std::numeric_limits<double>::quiet_NaN();

inline std::string dir(const std::string& f) { return data_path("reliability/" + f); }

// Numeric CSV with a header row; "NA" = missing.
inline Eigen::MatrixXd read_matrix(const std::string& path, bool header, std::vector<std::string>* names = nullptr) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path << " (run tests/golden/reliability.R)";
  std::string line;
  std::vector<std::vector<double>> rows;
  if (header && std::getline(in, line) && names) {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) names->push_back(cell);
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(cell == "NA" ? nan_value : std::stod(cell));
    rows.push_back(row);
  }
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
  }
  return m;
}

inline std::map<std::string, double> read_golden(const std::string& path) {
  std::map<std::string, double> g;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::string line;
  while (std::getline(in, line)) {
    const auto comma = line.rfind(',');
    if (comma == std::string::npos) continue;
    const std::string v = line.substr(comma + 1);
    g[line.substr(0, comma)] = v == "NA" ? nan_value : std::stod(v);
  }
  return g;
}

inline double get(const std::map<std::string, double>& g, const std::string& key) {
  auto it = g.find(key);
  EXPECT_NE(it, g.end()) << "golden key missing: " << key;
  return it == g.end() ? nan_value : it->second;
}

// Largest |attune - R| seen in the golden comparisons (printed at the end, for docs and reports).
inline double max_deviation = 0.0;

#define EXPECT_REL(actual, expected, tol, what)                                                     \
  do {                                                                                              \
    const double a_ = (actual), e_ = (expected);                                                    \
    if (std::isnan(e_)) {                                                                           \
      EXPECT_TRUE(std::isnan(a_)) << (what) << ": R gives NA, attune " << a_;                       \
    } else {                                                                                        \
      EXPECT_NEAR(a_, e_, (tol) * std::max(1.0, std::abs(e_))) << (what);                           \
      if ((tol) == psych_tol) max_deviation = std::max(max_deviation, std::abs(a_ - e_));           \
    }                                                                                               \
  } while (0)

/// Prints max_deviation at the end of a test program (register with AddGlobalTestEnvironment).
class report_deviation : public ::testing::Environment {
 public:
  void TearDown() override { std::printf("largest |attune - R| over the golden comparisons: %.3g\n", max_deviation); }
};

}  // namespace attune::test
