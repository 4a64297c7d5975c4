// Helpers shared by the IRT and CAT tests: a seeded synthetic item bank.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "attune/keys/item_bank.hpp"

namespace attune::test {

/// k graded items with `cats` categories (values 1..cats), slopes in [0.8, 2.4], thresholds spread
/// from -1.5 to 1.5 around a location in [-1, 1]; item j belongs to scales[j % scales.size()].
inline attune::item_bank synthetic_bank(int k, int cats, std::uint64_t seed, const std::vector<std::string>& scales = {"scale"}) {
  attune::item_bank bank;
  std::mt19937_64 g(seed);
  auto u = [&] { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; };
  for (int j = 0; j < k; ++j) {
    attune::bank_item it;
    it.id = "Q" + std::to_string(j + 1);
    it.scale = scales[static_cast<std::size_t>(j) % scales.size()];
    for (int c = 1; c <= cats; ++c) it.categories.push_back(c);
    it.slope = 0.8 + 1.6 * u();
    const double loc = -1.0 + 2.0 * u();
    const int steps = cats - 2 > 0 ? cats - 2 : 1;
    for (int c = 0; c < cats - 1; ++c) it.intercepts.push_back(-it.slope * (loc - 1.5 + 3.0 * c / steps));
    bank.items.push_back(it);
  }
  return bank;
}

}  // namespace attune::test
