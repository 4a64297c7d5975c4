/// @file split_half.hpp
/// Split-half reliability (psych `splitHalf`) and the Spearman-Brown prophecy.
///
/// A split puts the k items into halves A and B; its coefficient is 4 r_AB / sum(R) (Guttman 1945 /
/// Flanagan-Rulon on standardized items), r_AB = 1'_A R 1_B. attune follows psych >= 2.3.12, which
/// considers every split (2.2.9 was wrong for small and odd numbers of items).
/// Errors: `attune::error`, invalid_argument (options) or insufficient_data (fewer than 2 items).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Split-half reliabilities (psych `splitHalf`, on the correlation matrix).
/// A split puts items into halves A and B; its coefficient is 4 r_AB / sum(R) (Guttman 1945 /
/// Flanagan-Rulon on standardized items), r_AB = 1'_A R 1_B.
struct ATTUNE_EXPORT split_half_result {
  double max = 0.0;     ///< lambda 4 (best split)
  double min = 0.0;     ///< beta (worst split; Revelle 1979)
  double mean = 0.0;
  double median = 0.0;
  std::size_t n_splits = 0;  ///< distinct splits evaluated
  bool exhaustive = true;    ///< every split, or a seeded random sample of `n_splits`
  std::vector<int> max_split;  ///< 1 = item in half A, 0 = half B, for the best split
  std::vector<int> min_split;  ///< the same for the worst split
  double odd_even = 0.0;           ///< coefficient of the split items 1,3,5,... vs 2,4,6,...
  double odd_even_r = 0.0;         ///< correlation between the two half scores
  double odd_even_sb = 0.0;        ///< Spearman-Brown 2r/(1+r) of that correlation
  double first_second = 0.0;       ///< first ceil(k/2) items vs the rest (SPSS's halves)
  double first_second_r = 0.0;
  double first_second_sb = 0.0;
};

/// Most splits `split_half` evaluates (the maximum of `max_exhaustive_splits` and `sampled_splits`).
inline constexpr std::size_t max_split_count = 5000000;

/// Options of `split_half`.
struct ATTUNE_EXPORT split_half_options {
  std::size_t max_exhaustive_splits = 500000;  ///< enumerate if C(k, floor(k/2)) <= this (k <= 21; psych's n.sample is 15,000)
  std::size_t sampled_splits = 15000;         ///< random splits otherwise (1..max_split_count)
  std::uint64_t seed = 20240601;
  int threads = 0;  ///< threads for the coefficients (0 = all cores); the result never depends on it
  void validate() const;  ///< throws invalid_argument naming the field and value
};

/// Split-half coefficients of a k x k correlation (or covariance) matrix, k >= 2: every split into
/// halves of floor(k/2) and ceil(k/2) items when C(k, floor(k/2)) <= max_exhaustive_splits (as psych
/// >= 2.3.12), otherwise `sampled_splits` random splits drawn with `seed`.
ATTUNE_EXPORT split_half_result split_half(const Eigen::MatrixXd& correlation, const split_half_options& options = {});

/// Spearman-Brown prophecy: reliability of a scale `length_factor` times as long,
/// m rho / (1 + (m - 1) rho) (Spearman 1910; Brown 1910).
ATTUNE_EXPORT double spearman_brown(double reliability, double length_factor);
/// Length factor m that brings `reliability` to `target`: target (1 - rho) / (rho (1 - target)).
/// Throws invalid_argument unless both are in (0, 1).
ATTUNE_EXPORT double length_for_reliability(double reliability, double target);

ATTUNE_END_NAMESPACE
