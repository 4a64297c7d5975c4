/// @file bootstrap.hpp
/// The nonparametric bootstrap of coefficient alpha (rows resampled with replacement, as psych
/// `alpha(x, n.iter = B)`) and its jackknife.
///
/// Orientation: rows = respondents, columns = items (keyed), NaN = missing answer.
/// Randomness: replicate b draws from its own engine, seeded from `seed` and b (SplitMix64), so the
/// replicates do not depend on the thread count.
/// Errors: `attune::error` (invalid_argument) for a replicate count out of range.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Bootstrap replicates of raw alpha, in replicate order (NaN for a resample whose alpha is
/// undefined, e.g. a zero variance). Complete data: each replicate from k + 3 weighted sums;
/// missing answers: pairwise covariances of each resample (psych: cov(xi, use = "pairwise")).
/// Cost O(B N k) (parallel over blocks of replicates).
ATTUNE_EXPORT std::vector<double> bootstrap_alpha(const Eigen::MatrixXd& items, int replicates, std::uint64_t seed,
                                                  unsigned threads = 1);

/// Leave-one-row-out raw alphas (pairwise covariances), for the BCa acceleration: N values, O(N k^2).
ATTUNE_EXPORT std::vector<double> jackknife_alpha(const Eigen::MatrixXd& items);

ATTUNE_END_NAMESPACE
