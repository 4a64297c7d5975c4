// Readers for the golden files written by tests/golden/profiles.R (plain CSV with a header).
#pragma once

#include <Eigen/Core>
#include <limits>
#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace attune::test {

/// tests/data/profiles/<name> as numbers ("NA" or an empty cell = NaN), the header skipped and
/// the first `skip` columns dropped.
inline Eigen::MatrixXd read_profiles_matrix(const std::string& name, std::size_t skip = 0) {
  const auto rows = parse_csv(read_file(data_path("profiles/" + name)));
  if (rows.size() < 2) throw std::runtime_error("golden file profiles/" + name + " is empty");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size() - 1), static_cast<Eigen::Index>(rows[0].size() - skip));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    for (std::size_t j = skip; j < rows[0].size(); ++j) {
      const std::string& c = j < rows[i].size() ? rows[i][j] : std::string();
      m(static_cast<Eigen::Index>(i - 1), static_cast<Eigen::Index>(j - skip)) =
          c.empty() || c == "NA" ? std::numeric_limits<double>::quiet_NaN() : std::stod(c);
    }
  }
  return m;
}

/// The two score sets: "mixture" (generated) and "sample" (ECR-R scores of the bundled sample).
inline Eigen::MatrixXd read_profiles_scores(const std::string& set) {
  return set == "mixture" ? read_profiles_matrix("mixture.csv") : read_profiles_matrix("sample_scores.csv", 1);
}

}  // namespace attune::test
