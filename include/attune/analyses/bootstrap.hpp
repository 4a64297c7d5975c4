/// @file bootstrap.hpp
/// The nonparametric bootstrap of coefficient alpha (rows resampled with replacement, as psych
/// `alpha(x, n.iter = B)`), its jackknife, and the two bootstrap intervals every attune analysis
/// uses (percentile and BCa; reliability and omega).
///
/// Orientation: rows = respondents, columns = items (keyed), NaN = missing answer.
/// Randomness: replicate b draws from its own engine, seeded from `seed` and b (SplitMix64), so the
/// replicates do not depend on the thread count.
/// Errors: `attune::error` (invalid_argument) for a replicate count out of range.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "attune/core/config.hpp"
#include "attune/core/interval.hpp"
#include "attune/core/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Most bootstrap replicates an attune analysis accepts (`reliability_options::bootstrap`,
/// `omega_bootstrap_options::replicates`): 100,000 replicates
/// put the Monte Carlo error of a 95% percentile bound far below its sampling error, and bound the
/// work a request can cause (10 million replicates of alpha ran for hours).
inline constexpr int max_bootstrap_replicates = 100000;

/// Percentile interval (Efron & Tibshirani 1993, An Introduction to the Bootstrap, 13.3): the R
/// `quantile(type = 7)` values at (1 - level)/2 and (1 + level)/2 of the draws. `sorted_draws`:
/// the finite replicates, ascending. NaN bounds for fewer than 2 draws. Method "bootstrap_percentile";
/// `n` is left for the caller (the rows resampled).
ATTUNE_EXPORT confidence_interval percentile_interval(const std::vector<double>& sorted_draws, double level);

/// A BCa interval and the pieces it was made from.
struct ATTUNE_EXPORT bca_interval_result {
  confidence_interval interval;  ///< method "bootstrap_bca"; NaN bounds when undefined (see `undefined_reason`)
  double z0 = std::numeric_limits<double>::quiet_NaN();            ///< bias correction
  double acceleration = std::numeric_limits<double>::quiet_NaN();  ///< from the jackknife
  std::optional<std::string> undefined_reason;  ///< why the interval is undefined; null when it is defined
};

/// Bias-corrected and accelerated interval (Efron 1987, JASA 82:171-185; Efron & Tibshirani 1993,
/// 14.3): z0 = Phi^-1(#{draw < estimate} / B); acceleration a = sum d^3 / (6 (sum d^2)^1.5) with
/// d_i = mean(jack) - jack_i over the finite jackknife values; bounds = type-7 quantiles at
/// Phi(z0 + (z0 + z_q) / (1 - a (z0 + z_q))) for z_q = Phi^-1((1 -+ level)/2).
/// Undefined (NaN bounds, with the reason) when every draw lies on one side of the estimate (z0
/// infinite), with fewer than 2 draws or fewer than 2 finite jackknife values.
ATTUNE_EXPORT bca_interval_result bca_interval(const std::vector<double>& sorted_draws, double estimate,
                                               const std::vector<double>& jackknife, double level);

/// Bootstrap replicates of raw alpha, in replicate order (NaN for a resample whose alpha is
/// undefined, e.g. a zero variance). Complete data: each replicate from k + 3 weighted sums;
/// missing answers: pairwise covariances of each resample (psych: cov(xi, use = "pairwise")).
/// Cost O(B N k) (parallel over blocks of replicates). `replicates` in 0..max_bootstrap_replicates
/// (invalid_argument otherwise). `progress`: stage "bootstrap", one unit per replicate; its cancel
/// flag stops the draws (errc::cancelled).
ATTUNE_EXPORT std::vector<double> bootstrap_alpha(const Eigen::MatrixXd& items, int replicates, std::uint64_t seed,
                                                  int threads = 0, const progress_options& progress = {});

/// Leave-one-row-out raw alphas (pairwise covariances), for the BCa acceleration: N values, O(N k^2),
/// parallel over blocks of rows on up to `threads` threads (0 = all cores); the values do not depend
/// on `threads`.
ATTUNE_EXPORT std::vector<double> jackknife_alpha(const Eigen::MatrixXd& items, int threads = 0);

ATTUNE_END_NAMESPACE
