// Private helper of every module: the library's one seeded random-number source (bootstrap,
// parallel analysis, k-means starts, simulation, CAT exposure control).
// std::normal_distribution is implementation-defined, so the transforms are our own:
// uniform = top 53 bits of std::mt19937_64; normal = Box-Muller (Box & Muller 1958).
// Streams: stream_seed(seed, index) = SplitMix64 (Steele, Lea & Flood 2014) of seed and index,
// so replicate i draws the same numbers whatever thread runs it.
#pragma once

#include "attune/core/config.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t index) {
  return splitmix64(splitmix64(seed) ^ splitmix64(index + 0x632BE59BD9B4E019ULL));
}

// Uniform integer in [0, n) from a 64-bit engine by rejection (Lemire 2019, "Fast random integer
// generation in an interval", ACM TOMACS 29:3); platform independent, unlike
// std::uniform_int_distribution. Used by the reliability bootstrap and sampled split-halves.
__extension__ typedef unsigned __int128 uint128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

inline std::uint64_t lemire_below(std::mt19937_64& engine, std::uint64_t n) {
  const uint128 prod0 = static_cast<uint128>(engine()) * n;
  auto lo = static_cast<std::uint64_t>(prod0);
  auto hi = static_cast<std::uint64_t>(prod0 >> 64);
  if (lo < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (lo < threshold) {
      const uint128 p = static_cast<uint128>(engine()) * n;
      lo = static_cast<std::uint64_t>(p);
      hi = static_cast<std::uint64_t>(p >> 64);
    }
  }
  return hi;
}

class rng {
 public:
  explicit rng(std::uint64_t seed) : gen_(seed), seed_(seed) {}

  /// Everything needed to continue a stream exactly: the seed, how many 64-bit words the engine
  /// has produced, and the Box-Muller value kept for the next `normal()` call (if any). Small
  /// enough to travel in a saved CAT session (the engine's own 312-word state would not be).
  struct state_type {
    std::uint64_t seed = 0;
    std::uint64_t draws = 0;
    std::optional<double> spare;
  };
  [[nodiscard]] state_type state() const {
    return {seed_, draws_, has_spare_ ? std::optional<double>(spare_) : std::nullopt};
  }
  /// The generator in state `s`: seeded with s.seed, advanced by s.draws words (cost O(draws)).
  static rng resume(const state_type& s) {
    rng g(s.seed);
    g.gen_.discard(s.draws);
    g.draws_ = s.draws;
    if (s.spare) {
      g.spare_ = *s.spare;
      g.has_spare_ = true;
    }
    return g;
  }

  /// Uniform on (0, 1): (top 53 bits + 0.5) / 2^53.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  /// Standard normal by Box-Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform(), u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double t = 6.283185307179586476925286766559 * u2;
    spare_ = r * std::sin(t);
    has_spare_ = true;
    return r * std::cos(t);
  }
  /// Integer uniform on [0, n) (Lemire-free simple rejection to avoid modulo bias).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do {
      x = next();
    } while (x >= limit);
    return x % n;
  }

 private:
  std::uint64_t next() {
    ++draws_;
    return gen_();
  }
  std::mt19937_64 gen_;
  std::uint64_t seed_ = 0;
  std::uint64_t draws_ = 0;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace detail
ATTUNE_END_NAMESPACE
