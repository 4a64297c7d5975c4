/// @file omega.hpp
/// McDonald's omega (analyses layer): omega total, omega hierarchical (and its asymptotic
/// value), explained common variance and group-factor omegas from a Schmid-Leiman solution as
/// R psych 2.2.9 `omega()`; one-factor omega for a single subscale; ordinal alpha and ordinal
/// omega from polychoric correlations (Zumbo, Gadermann & Zeisser 2007); seeded bootstrap
/// percentile and BCa intervals.
///
/// Notation (psych `omegah`): R the k x k correlation matrix (items reflected so that every
/// general-factor loading is positive), V_t = 1'R1, g the general loadings, u2 the uniquenesses
/// of the m-factor solution:
///   omega_h = (sum g)^2 / V_t,  omega_t = (V_t - sum u2) / V_t,
///   omega_h asymptotic = (sum g)^2 / (V_t - sum u2),  ECV = sum g^2 / sum (g^2 + group^2).
/// Orientation: correlation matrices k x k; data N x k (rows respondents, NaN missing).
/// Errors: attune::error as `exploratory_factor_analysis`; bootstrap options invalid_argument.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"
#include "attune/analyses/correlation.hpp"
#include "attune/analyses/factor.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/core/interval.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `omega` (psych defaults: 3 factors, minres, oblimin, option "equal").
struct ATTUNE_EXPORT omega_options {
  int n_factors = 3;                                   ///< group factors m (>= 1)
  factor_method method = factor_method::minres;        ///< extraction
  factor_rotation rotation = factor_rotation::oblimin;  ///< oblique rotation (oblimin or geomin)
  two_factor_general two_factor = two_factor_general::equal;  ///< identification of g when m = 2
  bool flip = true;  ///< reflect items with negative general loadings (psych `flip = TRUE`)
  void validate() const;
};

/// Result of `omega`.
struct ATTUNE_EXPORT omega_result {
  double omega_hierarchical = 0;              ///< (sum g)^2 / V_t
  double omega_total = 0;                     ///< (V_t - sum u2) / V_t
  double omega_hierarchical_asymptotic = 0;   ///< (sum g)^2 / (V_t - sum u2) (psych "omega.lim")
  double alpha = 0;                           ///< standardized alpha of the (reflected) matrix
  double lambda6 = 0;                         ///< Guttman's lambda 6 (SMC)
  double ecv = 0;                             ///< explained common variance of g
  int n_factors = 0;                          ///< group factors m
  Eigen::VectorXd general;                    ///< k general-factor loadings (after reflection)
  Eigen::MatrixXd group;                      ///< k x m group-factor loadings (after reflection)
  Eigen::VectorXd communalities;              ///< k h2
  Eigen::VectorXd uniquenesses;               ///< k u2
  Eigen::VectorXd keys;                       ///< k reflection keys (+1 / -1)
  /// Group omegas (psych `omega.group`): element 0 is the whole scale (g), element j the items
  /// whose largest group loading is on factor j.
  Eigen::VectorXd group_omega_total, group_omega_general, group_omega_group;
  Eigen::MatrixXd phi;                        ///< m x m factor correlations of the oblique solution
  Eigen::Index n = 0;
  std::vector<std::string> warnings;
};

/// Omega from a correlation matrix (psych 2.2.9 `omega(m, nfactors, fm, rotate)`).
/// @throws as `exploratory_factor_analysis` (n_factors >= k is insufficient_data).
ATTUNE_EXPORT omega_result omega(const Eigen::MatrixXd& correlation, Eigen::Index n_obs, const omega_options& options = {});

/// One-factor omega of a single subscale.
struct ATTUNE_EXPORT omega_single_result {
  double omega_total = 0;  ///< psych (observed denominator): (1'R1 - sum u2) / 1'R1
  double omega_model = 0;  ///< McDonald (1999, eq. 6.20b; model-implied denominator): (sum l)^2 / ((sum l)^2 + sum u2)
  Eigen::VectorXd loadings;
  Eigen::VectorXd uniquenesses;
  Eigen::Index n = 0;
  std::vector<std::string> warnings;
};

/// One-factor omega (minres or ml); items with negative loadings are reflected for
/// `omega_total` as psych does. @throws as `exploratory_factor_analysis` (k >= 2; k = 2 is
/// under-identified and gives a warning).
ATTUNE_EXPORT omega_single_result omega_single_factor(const Eigen::MatrixXd& correlation, Eigen::Index n_obs,
                                                      factor_method method = factor_method::minres);

/// Ordinal alpha and ordinal omega (Zumbo, Gadermann & Zeisser 2007, Journal of Modern Applied
/// Statistical Methods 6:21-29): standardized alpha k/(k-1) (1 - k / 1'P1) and one-factor omega
/// (`omega_single_factor`'s omega_total) on the polychoric matrix P of the items.
struct ATTUNE_EXPORT ordinal_reliability_result {
  double ordinal_alpha = 0;
  double ordinal_omega = 0;
  Eigen::MatrixXd polychoric;   ///< the k x k polychoric matrix used
  Eigen::Index n = 0;
  std::vector<std::string> warnings;
};

/// @throws as `polychoric`, and numerical_issue when a polychoric correlation is NaN.
ATTUNE_EXPORT ordinal_reliability_result ordinal_reliability(const Eigen::MatrixXd& data,
                                                            const polychoric_options& options = {});


/// Options of `omega_bootstrap`.
struct ATTUNE_EXPORT omega_bootstrap_options {
  omega_options omega;                 ///< the omega model refitted on each resample
  correlation_kind correlation = correlation_kind::pearson;  ///< pairwise Pearson or polychoric
  int replicates = 1000;               ///< bootstrap resamples B
  double level = 0.95;                 ///< confidence level
  std::uint64_t seed = 1;              ///< random seed (one stream per replicate)
  int threads = 0;                     ///< 0 = hardware concurrency; the result does not depend on it
  int jackknife_groups = 200;          ///< delete-group jackknife for the BCa acceleration (groups of rows, min(N, this))
  /// Reports ("omega_bootstrap": replicates, then jackknife groups) and cancel flag (core/progress.hpp).
  progress_options progress;
  void validate() const;
};

/// Result of `omega_bootstrap`.
struct ATTUNE_EXPORT omega_bootstrap_result {
  omega_result estimate;                       ///< omega on the full data
  confidence_interval total_percentile;        ///< percentile interval of omega_total
  confidence_interval total_bca;               ///< BCa interval of omega_total (Efron 1987)
  confidence_interval hierarchical_percentile; ///< percentile interval of omega_h
  confidence_interval hierarchical_bca;        ///< BCa interval of omega_h
  Eigen::MatrixXd draws;                       ///< B x 2 bootstrap values (omega_total, omega_h); NaN for failed fits
  int failed = 0;                              ///< resamples whose fit failed (excluded)
  Eigen::Index n = 0;
  std::vector<std::string> warnings;
};

/// Bootstrap intervals for omega from raw data (rows resampled with replacement; replicate b uses
/// its own random stream derived from seed and b, so any thread count gives the same draws).
/// Percentile: R quantile type 7 of the draws. BCa (Efron 1987; Efron & Tibshirani 1993, 14.3):
/// z0 = Phi^-1(#{draw < estimate}/B), acceleration from a delete-group jackknife.
/// @throws invalid_argument (options), plus the errors of `omega` on the full data.
ATTUNE_EXPORT omega_bootstrap_result omega_bootstrap(const Eigen::MatrixXd& data, const omega_bootstrap_options& options = {});

ATTUNE_END_NAMESPACE
