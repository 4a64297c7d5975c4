// Private helper of every module: the library's one seeded random-number source (bootstrap,
// parallel analysis, k-means starts, simulation, CAT exposure control).
// std::normal_distribution is implementation-defined, so the transforms are our own:
// uniform = top 53 bits of std::mt19937_64; normal = Box-Muller (Box & Muller 1958).
// Streams: stream_seed(seed, index) = SplitMix64 (Steele, Lea & Flood 2014) of seed and index,
// so replicate i draws the same numbers whatever thread runs it.
#pragma once

#include "attune/core/config.hpp"

#include <cmath>
#include <cstddef>
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

template <class Engine>
inline std::uint64_t lemire_below(Engine& engine, std::uint64_t n) {
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

// std::mt19937_64 (Matsumoto & Nishimura 1998; the parameters of C++ [rand.predef]) with the same
// seeding and the same output sequence, but each block of 312 words twisted and tempered in loops
// without branches that vectorise (libstdc++'s twist branches on each word's low bit). For the
// hot loop of the bootstrap's resampling; tests/bootstrap_test.cpp checks it against the standard
// engine.
class mt19937_64_block {
 public:
  explicit mt19937_64_block(std::uint64_t seed) {
    state_[0] = seed;
    for (std::size_t i = 1; i < kN; ++i) {
      state_[i] = 6364136223846793005ULL * (state_[i - 1] ^ (state_[i - 1] >> 62)) + i;
    }
  }
  std::uint64_t operator()() {
    if (next_ == kN) refill();
    return out_[next_++];
  }

 private:
  static constexpr std::size_t kN = 312, kM = 156;
  static constexpr std::uint64_t kA = 0xB5026F5AA96619E9ULL, kUpper = ~std::uint64_t{0} << 31,
                                 kLower = ~kUpper;
  static std::uint64_t mix(std::uint64_t hi, std::uint64_t lo, std::uint64_t far) {
    const std::uint64_t y = (hi & kUpper) | (lo & kLower);
    return far ^ (y >> 1) ^ ((0 - (y & 1)) & kA);
  }
  void refill() {
    std::uint64_t* mt = state_;
    for (std::size_t k = 0; k < kN - kM; ++k) mt[k] = mix(mt[k], mt[k + 1], mt[k + kM]);
    for (std::size_t k = kN - kM; k < kN - 1; ++k) mt[k] = mix(mt[k], mt[k + 1], mt[k - (kN - kM)]);
    mt[kN - 1] = mix(mt[kN - 1], mt[0], mt[kM - 1]);
    for (std::size_t k = 0; k < kN; ++k) {
      std::uint64_t z = mt[k];
      z ^= (z >> 29) & 0x5555555555555555ULL;
      z ^= (z << 17) & 0x71D67FFFEDA60000ULL;
      z ^= (z << 37) & 0xFFF7EEE000000000ULL;
      z ^= z >> 43;
      out_[k] = z;
    }
    next_ = 0;
  }
  std::uint64_t state_[kN];
  std::uint64_t out_[kN] = {};
  std::size_t next_ = kN;
};

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
