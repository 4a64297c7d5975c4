/// @file factor.hpp
/// Exploratory factor analysis (analyses layer): minres and maximum-likelihood extraction from a
/// correlation matrix, oblimin / varimax / geomin rotation, the Schmid-Leiman transformation and
/// Horn's parallel analysis.
///
/// The reference implementation is R psych 2.2.9 `fa()` (with GPArotation for the oblique
/// rotations and `stats::varimax` for varimax, exactly as `psych::fa` calls them). Golden values
/// come from `tests/golden/factor.R`.
///
/// Orientation: a correlation matrix is k x k (items x items); loadings are k x m (items x factors).
/// Errors: `attune::error` (invalid_argument for bad options, bad_input for a matrix that is not a
/// correlation matrix, insufficient_data for too few items for the factors asked for). Statistical
/// trouble that still gives an answer (Heywood cases, non-convergence of a rotation, a smoothed
/// matrix) is reported in `warnings`.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How factors are extracted.
enum class factor_method {
  minres,  ///< minimum residual = unweighted least squares (psych `fm = "minres"`, the default)
  ml,      ///< maximum likelihood (psych `fm = "ml"`, as `factanal`)
};

/// How the extracted factors are rotated.
enum class factor_rotation {
  none,     ///< unrotated principal-axis orientation
  varimax,  ///< orthogonal varimax with Kaiser normalisation (`stats::varimax`, as `psych::fa`)
  oblimin,  ///< oblique oblimin, gradient projection (`GPArotation::oblimin`, gamma = 0: quartimin)
  geomin,   ///< oblique geomin, gradient projection (`GPArotation::geominQ`, delta = 0.01)
};

/// "minres" / "ml".
ATTUNE_EXPORT std::string_view to_string(factor_method method) noexcept;
/// "none" / "varimax" / "oblimin" / "geomin".
ATTUNE_EXPORT std::string_view to_string(factor_rotation rotation) noexcept;
/// Parses "minres" (also "uls"), "ml" (also "mle"), case-insensitive; nullopt when unknown.
ATTUNE_EXPORT std::optional<factor_method> parse_factor_method(std::string_view name) noexcept;
/// Parses "none", "varimax", "oblimin" (also "quartimin"), "geomin" (also "geominQ"); nullopt when unknown.
ATTUNE_EXPORT std::optional<factor_rotation> parse_factor_rotation(std::string_view name) noexcept;

/// Options of `exploratory_factor_analysis`.
struct ATTUNE_EXPORT efa_options {
  int n_factors = 1;                                 ///< number of factors m (1 <= m < k)
  factor_method method = factor_method::minres;      ///< extraction method
  factor_rotation rotation = factor_rotation::oblimin;  ///< rotation (ignored when m = 1)
  double oblimin_gamma = 0.0;                        ///< oblimin gamma (0 = quartimin, psych default)
  double geomin_delta = 0.01;                        ///< geomin delta (GPArotation default)
  int max_iterations = 1000;                         ///< cap for extraction and rotation iterations
  double rotation_tolerance = 1e-5;                  ///< GPArotation `eps` / `stats::varimax` eps
  /// k x k numbers of rows behind each correlation (pairwise deletion), or empty (every pair has
  /// n_obs). Given, RMSR weights the squared residuals by them as psych `fa.stats` with `np.obs`.
  Eigen::MatrixXd pair_counts;
  /// Throws attune::error(invalid_argument) naming the offending field.
  void validate() const;
};

/// Result of `exploratory_factor_analysis`.
struct ATTUNE_EXPORT efa_result {
  factor_method method = factor_method::minres;      ///< the extraction used
  factor_rotation rotation = factor_rotation::none;  ///< the rotation used (none for one factor)
  Eigen::MatrixXd loadings;            ///< k x m pattern loadings after rotation (columns ordered as psych: by variance accounted for, signs so column sums are positive)
  Eigen::MatrixXd unrotated_loadings;  ///< k x m loadings before rotation
  Eigen::MatrixXd structure;           ///< k x m structure matrix = loadings * phi
  Eigen::MatrixXd phi;                 ///< m x m factor correlations (identity for orthogonal solutions)
  Eigen::MatrixXd rotation_matrix;     ///< m x m T with loadings = unrotated * (T')^-1 (oblique) or unrotated * T (orthogonal), before column reordering
  Eigen::VectorXd communalities;       ///< k communalities h2 = diag(L phi L')
  Eigen::VectorXd uniquenesses;        ///< k uniquenesses u2 = 1 - h2
  Eigen::VectorXd eigenvalues;         ///< k eigenvalues of the correlation matrix (descending)
  Eigen::VectorXd variance_accounted;  ///< m sums of squared loadings (diag(phi L'L) if oblique)
  double objective = 0.0;              ///< psych's `objective`: the ML discrepancy F_ML = tr(Sigma^-1 R) - log|Sigma^-1 R| - k that the chi-square is built from (whatever the extraction)
  double criterion = 0.0;              ///< the extraction's own criterion at the solution (minres: half the sum of squared off-diagonal residuals, i.e. over i < j; ml: F_ML)
  double chi_square = 0.0;             ///< likelihood-ratio chi-square (Bartlett-corrected as psych: (N - 1 - (2k + 5)/6 - 2m/3) * F_ML)
  int df = 0;                          ///< degrees of freedom ((k - m)^2 - (k + m)) / 2
  double rmsr = 0.0;                   ///< root mean square of the off-diagonal residuals (weighted by `efa_options.pair_counts` when given, as psych)
  bool converged = false;              ///< extraction and rotation both converged
  int iterations = 0;                  ///< extraction iterations used
  int rotation_iterations = 0;         ///< rotation iterations used
  bool heywood = false;                ///< a communality reached or exceeded 1 (Heywood case)
  Eigen::Index n = 0;              ///< effective N used for the fit statistics
  std::vector<std::string> warnings;   ///< diagnostics (Heywood case, non-convergence, ...)
};

/// Exploratory factor analysis of a correlation matrix.
///
/// minres (unweighted least squares): uniquenesses psi minimise the sum of squared off-diagonal
/// residuals of R - LL', L = first m eigenvectors of R - diag(psi) scaled by the square roots of
/// their eigenvalues (Harman & Jones 1966; psych 2.2.9 `fa`, `fit.residuals` / `FAgr.minres`,
/// starting at psi = 1 - SMC). ml: psi minimise F = log|Sigma| + tr(Sigma^-1 R) - log|R| - k
/// (Joreskog 1967; psych `FAfn`/`FAgr`, as `stats::factanal`). Both keep psi in [0.005, 1].
/// Then the loadings are rotated (see `factor_rotation`), signs are set so that every column sum is
/// positive, and the columns are ordered by variance accounted for (as psych).
///
/// @param correlation k x k symmetric correlation matrix (unit diagonal, no NaN).
/// @param n_obs number of observations behind the matrix (for the chi-square; 0 = unknown).
/// @param options the number of factors, extraction, rotation and iteration limits.
/// @throws attune::error bad_input (not square / not symmetric / NaN / diagonal not 1),
///         insufficient_data (k < 2 or m >= k), invalid_argument (bad options).
/// Cost: O(k^3) per iteration (one symmetric eigen-decomposition).
ATTUNE_EXPORT efa_result exploratory_factor_analysis(const Eigen::MatrixXd& correlation, Eigen::Index n_obs,
                                                     const efa_options& options = {});

/// Result of a rotation.
struct ATTUNE_EXPORT rotation_result {
  Eigen::MatrixXd loadings;   ///< k x m rotated loadings
  Eigen::MatrixXd phi;        ///< m x m factor correlations (identity when orthogonal)
  Eigen::MatrixXd rotation;   ///< m x m: orthogonal L*T; oblique L*(T')^-1 (GPArotation's Th)
  bool converged = false;
  int iterations = 0;
};

/// Rotates k x m loadings exactly as `stats::varimax` (normalize = TRUE), `GPArotation::oblimin`
/// (GPFoblq, gam) or `GPArotation::geominQ` (GPFoblq, delta). m = 1 or `none` returns the input.
/// Does not reorder or re-sign the columns.
ATTUNE_EXPORT rotation_result rotate_loadings(const Eigen::MatrixXd& loadings, factor_rotation rotation,
                                              const efa_options& options = {});

/// Squared multiple correlations 1 - 1/diag(R^-1) (psych `smc`); a singular R uses the
/// Moore-Penrose pseudo-inverse as psych does, and values are clamped to [0, 1].
ATTUNE_EXPORT Eigen::VectorXd squared_multiple_correlations(const Eigen::MatrixXd& correlation);

/// Schmid-Leiman transformation (psych 2.2.9 `schmid`): an m-factor solution (extracted, varimax,
/// then oblimin-rotated as psych) and a one-factor analysis of its factor correlations give a
/// general factor g and m residualised group factors.
struct ATTUNE_EXPORT schmid_leiman_result {
  Eigen::VectorXd general;        ///< k loadings on g
  Eigen::MatrixXd group;          ///< k x m group-factor loadings
  Eigen::VectorXd communalities;  ///< k h2
  Eigen::VectorXd uniquenesses;   ///< k u2 = diag(R) - h2
  Eigen::VectorXd general_share;  ///< k p2 = g^2 / h2
  Eigen::MatrixXd oblique;        ///< k x m oblique (oblimin) pattern the transformation started from
  Eigen::MatrixXd phi;            ///< m x m factor correlations of that pattern
  Eigen::VectorXd general_of_factors;  ///< m loadings of the group factors on g
  std::vector<std::string> warnings;
};

/// How g is identified with only two group factors (psych `option`).
enum class two_factor_general { equal, first, second };
/// "equal" / "first" / "second".
ATTUNE_EXPORT std::string_view to_string(two_factor_general option) noexcept;
ATTUNE_EXPORT std::optional<two_factor_general> parse_two_factor_general(std::string_view name) noexcept;

/// Options of `schmid_leiman` (psych `schmid` defaults).
struct ATTUNE_EXPORT schmid_leiman_options {
  int n_factors = 3;                                    ///< group factors m (1 <= m < k)
  factor_method method = factor_method::minres;         ///< extraction
  factor_rotation rotation = factor_rotation::oblimin;  ///< the oblique rotation (oblimin or geomin)
  two_factor_general two_factor = two_factor_general::equal;  ///< identification of g when m = 2
};

/// Schmid-Leiman transformation of `correlation` with `options.n_factors` group factors.
/// @throws as `exploratory_factor_analysis`; invalid_argument for an orthogonal rotation.
ATTUNE_EXPORT schmid_leiman_result schmid_leiman(const Eigen::MatrixXd& correlation, Eigen::Index n_obs,
                                                 const schmid_leiman_options& options = {});

/// Most simulated data sets `parallel_analysis` accepts (each costs an N x k simulation and a k x k
/// eigendecomposition).
inline constexpr int max_parallel_replicates = 10000;

/// Options of `parallel_analysis`.
struct ATTUNE_EXPORT parallel_options {
  int replicates = 100;          ///< simulated data sets (psych `n.iter` is 20), 1..max_parallel_replicates
  double quantile = 0.95;        ///< compare with this quantile of the simulated eigenvalues (0.5: mean-like median)
  std::uint64_t seed = 1;        ///< random seed; the result does not depend on the thread count
  factor_method method = factor_method::minres;  ///< extraction for the factor (not component) eigenvalues
  int threads = 0;               ///< 0 = hardware concurrency
  progress_options progress;     ///< reports ("parallel_analysis": simulated data sets) and cancel flag (core/progress.hpp)
  void validate() const;
};

/// Horn's (1965) parallel analysis: eigenvalues of the observed correlation matrix compared with
/// those of random normal data of the same size (N x k). Component eigenvalues are those of R;
/// factor eigenvalues those of R with SMCs on the diagonal (as psych `fa.parallel`).
struct ATTUNE_EXPORT parallel_result {
  Eigen::VectorXd observed_components;   ///< k eigenvalues of R
  Eigen::VectorXd observed_factors;      ///< k eigenvalues of R with SMC diagonal
  Eigen::VectorXd simulated_components;  ///< k quantiles of simulated component eigenvalues
  Eigen::VectorXd simulated_factors;     ///< k quantiles of simulated factor eigenvalues
  int suggested_factors = 0;             ///< leading factor eigenvalues above the simulated ones
  int suggested_components = 0;          ///< leading component eigenvalues above the simulated ones
  Eigen::Index n = 0;
  std::vector<std::string> warnings;
};

/// Parallel analysis for a k x k correlation matrix from `n_obs` observations.
/// @throws attune::error invalid_argument (bad options, n_obs < 3), bad_input (bad matrix).
/// Cost: replicates x (N k^2 + k^3).
ATTUNE_EXPORT parallel_result parallel_analysis(const Eigen::MatrixXd& correlation, Eigen::Index n_obs,
                                                const parallel_options& options = {});

ATTUNE_END_NAMESPACE
