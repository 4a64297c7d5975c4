/// @file factor_fit.hpp
/// The fit of an exploratory factor solution as R psych 2.2.9 `fa` reports it (`fa.stats`): the
/// likelihood chi-square, its df and p, TLI, RMSEA with its interval, BIC, the empirical
/// chi-square and RMSR, under the names that the CFA uses (`cfa_fit_measures`).
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "attune/analyses/factor.hpp"
#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `efa_fit_statistics`.
struct ATTUNE_EXPORT efa_fit_options {
  /// Level of the RMSEA interval: psych `fa` reports 90% (its `alpha = 0.1`). In (0, 1).
  double level = 0.90;
  /// @throws attune::error (invalid_argument) naming the field.
  void validate() const;
};

/// Fit indices of an m-factor model of k items (psych 2.2.9 `fa.stats`). Statistics that need N
/// are NaN without it (`n_obs` 0); those that need df > 0 are NaN for a saturated model.
struct ATTUNE_EXPORT efa_fit {
  double objective = 0.0;  ///< ML discrepancy F = tr(S^-1 R) - log|S^-1 R| - k of the implied S (psych `objective`)
  /// Likelihood-ratio chi-square (N - 1 - (2k + 5)/6 - 2m/3) F, floored at 0 (psych `STATISTIC`).
  double chisq = 0.0;
  int df = 0;                 ///< k(k - 1)/2 - k m + m(m - 1)/2 (psych `dof`)
  double pvalue = 0.0;        ///< P(chi-square(df) > chisq) (psych `PVAL`)
  double null_chisq = 0.0;    ///< -log|R| (N - 1 - (2k + 5)/6) of the independence model
  int null_df = 0;            ///< k(k - 1)/2
  /// Tucker-Lewis index (M0 - Mm) / (M0 - 1/nm), M0 = F0 / null_df, Mm = F / df,
  /// nm = N - 1 - (2k + 5)/6 - 2m/3 (psych's form; Tucker & Lewis 1973).
  double tli = 0.0;
  /// RMSEA as psych computes it: sqrt(max(chisq / (df N) - 1/(N - 1), 0)).
  double rmsea = 0.0;
  /// Its interval (Steiger & Lind 1980): sqrt(lambda / ((N - 1) df)) at the non-centrality lambda
  /// where P(chi-square(df, lambda) <= chisq) is (1 -+ level)/2; 0 when chisq is below that
  /// quantile of the central chi-square (psych); NaN when a bound falls on the wrong side of rmsea.
  double rmsea_lower = 0.0;
  double rmsea_upper = 0.0;
  double rmsea_level = 0.90;  ///< the level of that interval
  double bic = 0.0;           ///< chisq - df log(N) (psych `BIC`)
  /// Empirical chi-square: the sum over both triangles of the squared off-diagonal residuals
  /// weighted by their pair counts (N each without counts) (psych `chi`), its p (`EPVAL`) and
  /// BIC (`EBIC`: empirical_chisq - df log(n_harmonic)).
  double empirical_chisq = 0.0;
  double empirical_pvalue = 0.0;
  double empirical_bic = 0.0;
  /// Root mean square off-diagonal residual, weighted by the pair counts: sqrt(sum n_ij e_ij^2 /
  /// (n_harmonic k (k - 1))) (psych `rms`); unweighted without counts.
  double rmsr = 0.0;
  double crms = 0.0;          ///< the same over 2 df instead of k(k - 1) (psych `crms`)
  double n_obs = 0.0;         ///< N (psych `n.obs`: the rows)
  double n_harmonic = 0.0;    ///< harmonic mean of the pair counts (N without counts; psych `nh`)
  bool smoothed = false;      ///< R or the implied matrix was not positive definite and was smoothed (psych `cor.smooth`)
  std::vector<std::string> warnings;
};

/// The fit of `solution` (its loadings and factor correlations) to `correlation` (k x k), from
/// `n_obs` respondents (0 = unknown) and, when the correlations are pairwise, the k x k
/// `pair_counts` (empty: every pair has `n_obs`). As psych 2.2.9 `fa(r = raw data)` with its
/// `np.obs = pairwiseCount(x)`.
/// @throws attune::error (invalid_argument) for shapes that do not match or bad options.
ATTUNE_EXPORT efa_fit efa_fit_statistics(const Eigen::MatrixXd& correlation, const efa_result& solution,
                                         Eigen::Index n_obs, const Eigen::MatrixXd& pair_counts = {},
                                         const efa_fit_options& options = {});

ATTUNE_END_NAMESPACE
