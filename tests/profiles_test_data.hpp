// Test data of the profiles and cluster studies: ECR-R answers of respondents in groups around
// given points of the attachment plane, and respondents who all give one answer pattern.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "attune/keys/instrument.hpp"

namespace attune::test {

// ECR-R answers of `per` respondents around each of the given (anxiety, avoidance) points: each
// answer is the point's level plus noise, rounded to 1..7 and written reverse keyed where the
// item is.
inline std::string ecrr_groups(const std::vector<std::pair<double, double>>& centres, int per, unsigned seed,
                               int identical_ones = 0) {
  const auto& inst = *attune::find_builtin("ecr-r");
  const auto* anx = inst.find_subscale("anxiety");
  std::mt19937 g(seed);
  std::normal_distribution<double> noise(0.0, 0.45);
  std::ostringstream os;
  os << "id";
  for (const auto& it : inst.items) os << "," << it.id;
  os << "\n";
  int k = 0;
  for (const auto& [a, v] : centres) {
    for (int p = 0; p < per; ++p) {
      os << "p" << ++k;
      const double da = noise(g), dv = noise(g);
      for (const auto& it : inst.items) {
        const bool is_anx = std::find(anx->items.begin(), anx->items.end(), it.id) != anx->items.end();
        const double level = std::clamp(std::round((is_anx ? a + da : v + dv) + noise(g)), 1.0, 7.0);
        os << "," << (it.reversed ? 8 - level : level);
      }
      os << "\n";
    }
  }
  for (int p = 0; p < identical_ones; ++p) {  // everyone answers 1: identical scores
    os << "same" << p;
    for (std::size_t j = 0; j < inst.items.size(); ++j) os << ",1";
    os << "\n";
  }
  return os.str();
}

/// The four quadrants' centres on 1-7: secure, preoccupied, dismissing, fearful.
inline const std::vector<std::pair<double, double>> kQuadrants = {{2, 2}, {6, 2}, {2, 6}, {6, 6}};

}  // namespace attune::test
