// Readers for the golden files written by tests/golden/factor.R (plain comma-separated numbers).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace attune::test {

/// Reads tests/data/factor/<name>: comma-separated numbers, empty cell or NA = NaN; `header`
/// skips the first line.
inline Eigen::MatrixXd read_factor_matrix(const std::string& name, bool header = false) {
  std::ifstream in(data_path("factor/" + name));
  if (!in) throw std::runtime_error("cannot open golden file factor/" + name);
  std::vector<std::vector<double>> rows;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first && header) {
      first = false;
      continue;
    }
    first = false;
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      const auto b = cell.find_first_not_of(' ');
      cell = b == std::string::npos ? "" : cell.substr(b);
      row.push_back(cell.empty() || cell == "NA" ? std::numeric_limits<double>::quiet_NaN() : std::stod(cell));
    }
    if (!line.empty() && line.back() == ',') row.push_back(std::numeric_limits<double>::quiet_NaN());
    rows.push_back(row);
  }
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return m;
}

/// Largest |a - b| after matching the columns of `b` to those of `a` (any order, any sign), as
/// factor solutions are identified only up to column order and sign.
inline double max_diff_up_to_order_sign(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  const Eigen::Index m = a.cols();
  std::vector<int> perm(static_cast<std::size_t>(m));
  for (int i = 0; i < m; ++i) perm[static_cast<std::size_t>(i)] = i;
  double best = std::numeric_limits<double>::infinity();
  do {
    double worst = 0;
    for (Eigen::Index c = 0; c < m; ++c) {
      const auto bc = b.col(perm[static_cast<std::size_t>(c)]);
      const double d1 = (a.col(c) - bc).cwiseAbs().maxCoeff();
      const double d2 = (a.col(c) + bc).cwiseAbs().maxCoeff();
      worst = std::max(worst, std::min(d1, d2));
    }
    best = std::min(best, worst);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

}  // namespace attune::test
