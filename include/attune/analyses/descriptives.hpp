/// @file descriptives.hpp
/// Generic descriptive statistics (analyses layer): the sample SD and median of the finite
/// values, and the classical standard error of measurement.
///
/// All functions are pure and thread-safe. Errors are `attune::error`.
#pragma once

#include <Eigen/Core>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The sample standard deviation (n - 1 denominator) of the finite values; NaN for fewer than 2.
ATTUNE_EXPORT double sample_sd(const Eigen::Ref<const Eigen::VectorXd>& x) noexcept;

/// The sample median of the finite values (R `median`: the mean of the two middle values for an
/// even count); NaN if none.
ATTUNE_EXPORT double sample_median(const Eigen::Ref<const Eigen::VectorXd>& x);

/// Standard error of measurement, SEM = SD * sqrt(1 - r_xx) (classical test theory; e.g.
/// Jacobson & Truax 1991, J Consult Clin Psychol 59:12-19, eq. for S_E).
/// @throws attune::error (invalid_argument) when sd < 0 or not finite, or r_xx is not in [0, 1].
ATTUNE_EXPORT double standard_error_of_measurement(double sd, double reliability);

ATTUNE_END_NAMESPACE
