/// @file cfa.hpp
/// Confirmatory factor analysis (CFA) by maximum likelihood, as `lavaan::cfa(model, data,
/// std.lv = TRUE)` (lavaan 0.6.14): each item loads on exactly one factor (simple structure, e.g.
/// an instrument's subscales as factors), the factors have unit variance and are freely
/// correlated, the residuals are uncorrelated.
///
/// Model: Sigma(theta) = Lambda Phi Lambda' + Theta, with Lambda (k x m) holding one free loading
/// per row, Phi (m x m) the factor correlations (unit diagonal) and Theta = diag(residual
/// variances). Parameters are estimated by minimising the normal-theory discrepancy
///   F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - k
/// where S is the sample covariance with divisor N (lavaan's default `likelihood = "normal"`),
/// by Fisher scoring with the analytic gradient and expected information and a backtracking
/// line search (Joreskog 1969; Lee & Jennrich 1979), switching to Newton steps on the observed
/// Hessian after 25 iterations where that Hessian is positive definite (slow, weakly identified fits). Standard errors come from the expected
/// information (lavaan's default `information = "expected"`): Cov(theta) = 2/N * H^-1 with
/// H_ab = tr(Sigma^-1 dSigma/da Sigma^-1 dSigma/db).
///
/// Missing data: rows with any missing answer are dropped (listwise / complete cases, as
/// lavaan's default `missing = "listwise"`); the result reports how many rows were used and how
/// many dropped. No full-information ML.
///
/// Orientation of factors: a factor's loadings and correlations can all change sign together
/// without changing the fit; attune turns each factor so that the sum of its loadings is >= 0.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

/// A simple-structure CFA model: which factor each item loads on.
struct ATTUNE_EXPORT cfa_model {
  /// The factor names, e.g. {"anxiety", "avoidance"} (m >= 1 entries, unique, non-empty).
  std::vector<std::string> factors;
  /// For each of the k items (data columns, in order), the index of its factor in `factors`.
  std::vector<std::size_t> factor_of_item;
  /// Optional item names for messages and output (empty: "item 1", "item 2", ...).
  std::vector<std::string> items;

  /// Checks the model against `n_items` data columns.
  /// @throws attune::error (invalid_argument) for an empty model, a wrong number of
  ///         assignments, an index out of range, a factor with fewer than 2 items (not
  ///         identified), a one-factor model with fewer than 3 items, or wrong `items` length.
  void validate(std::size_t n_items) const;

  /// The item names (the given ones or "item 1", ...).
  [[nodiscard]] std::vector<std::string> item_names(std::size_t n_items) const;
};

/// Options of `confirmatory_factor_analysis`.
struct ATTUNE_EXPORT cfa_options {
  /// Maximum number of Fisher-scoring iterations per start (>= 1).
  int max_iterations = 1000;
  /// Convergence: the largest change of a parameter in one full step (> 0, < 1).
  double tolerance = 1e-10;
  /// Level of the RMSEA confidence interval, in (0, 1); lavaan's default 0.90.
  double rmsea_ci_level = 0.90;
  /// RMSEA of the close-fit test (lavaan's `rmsea.close.h0`), >= 0.
  double rmsea_close_h0 = 0.05;
  /// Starting values (empty: none) in parameter order (see `cfa_result::parameters`): the loadings
  /// (factor by factor, items in order within a factor), then the k residual variances, then the
  /// factor correlations (pairs (1,2), (1,3), ..., (2,3), ...). When this start fails (a
  /// non-positive-definite implied covariance, no convergence), attune's own starts are tried.
  Eigen::VectorXd start;
  /// Reports ("cfa": Fisher-scoring iterations of all starts, total unknown) and cancel flag, read
  /// every iteration (core/progress.hpp).
  progress_options progress;

  /// @throws attune::error (invalid_argument) naming the field and value.
  void validate() const;
};

/// What a free parameter is.
enum class cfa_parameter_kind {
  loading,             ///< factor `lhs` =~ item `rhs`
  residual_variance,   ///< item `lhs` ~~ item `lhs` (rhs == lhs)
  factor_correlation,  ///< factor `lhs` ~~ factor `rhs`
};

/// "loading" / "residual_variance" / "factor_correlation".
ATTUNE_EXPORT std::string_view to_string(cfa_parameter_kind k) noexcept;
ATTUNE_EXPORT std::optional<cfa_parameter_kind> parse_cfa_parameter_kind(std::string_view s) noexcept;

/// One free parameter, as a row of lavaan's `parameterEstimates()` / `standardizedSolution()`.
struct ATTUNE_EXPORT cfa_parameter {
  cfa_parameter_kind kind = cfa_parameter_kind::loading;
  std::size_t lhs = 0;  ///< loading: factor; residual variance: item; correlation: factor
  std::size_t rhs = 0;  ///< loading: item; residual variance: item; correlation: factor
  double estimate = 0;  ///< unstandardized estimate
  double se = 0;        ///< standard error (expected information)
  double z = 0;         ///< estimate / se
  double pvalue = 0;    ///< two-sided normal p of z
  double std_all = 0;   ///< completely standardized estimate (lavaan's std.all)
  double std_all_se = 0;  ///< its delta-method standard error (lavaan's standardizedSolution se)
};

/// Fit measures, named and computed as lavaan 0.6.14 `fitMeasures()`.
struct ATTUNE_EXPORT cfa_fit_measures {
  std::size_t npar = 0;        ///< free parameters q
  double fmin = 0;             ///< F_ML / 2 at the minimum (lavaan's fmin)
  double chisq = 0;            ///< N * F_ML
  double df = 0;               ///< k (k + 1) / 2 - q
  double pvalue = 0;           ///< P(chi2_df > chisq); NaN when df = 0
  double baseline_chisq = 0;   ///< independence model: N (sum log s_ii - log|S|)
  double baseline_df = 0;      ///< k (k - 1) / 2
  double baseline_pvalue = 0;
  double cfi = 0;              ///< 1 - max(chisq - df, 0) / max(chisq - df, chisq0 - df0, 0)
  double tli = 0;              ///< 1 - (chisq - df) df0 / ((chisq0 - df0) df)
  double loglik = 0;           ///< -N/2 (k log 2pi + log|Sigma| + tr(S Sigma^-1))
  double unrestricted_loglik = 0;  ///< -N/2 (k log 2pi + log|S| + k)
  double aic = 0;              ///< -2 loglik + 2 q
  double bic = 0;              ///< -2 loglik + q log N
  double rmsea = 0;            ///< sqrt(max(chisq / (N df) - 1 / N, 0)); 0 when df = 0
  double rmsea_lower = 0;      ///< lower end of the RMSEA interval (non-central chi-square)
  double rmsea_upper = 0;      ///< upper end
  double rmsea_pvalue = 0;     ///< close-fit test P(RMSEA <= rmsea_close_h0); NaN when df = 0
  double srmr = 0;             ///< Bentler's SRMR (lavaan's "srmr" without mean structure)
};

/// The fitted model.
struct ATTUNE_EXPORT cfa_result {
  std::vector<std::string> factors;  ///< factor names (m)
  std::vector<std::string> items;    ///< item names (k)
  /// The free parameters in lavaan's order: loadings (factor by factor), residual variances,
  /// factor correlations.
  std::vector<cfa_parameter> parameters;
  Eigen::MatrixXd loadings;                ///< k x m, 0 where not free
  Eigen::MatrixXd loadings_se;             ///< k x m, NaN where not free
  Eigen::MatrixXd std_loadings;            ///< k x m completely standardized loadings
  Eigen::MatrixXd factor_correlations;     ///< m x m, unit diagonal
  Eigen::MatrixXd factor_correlations_se;  ///< m x m, NaN diagonal
  Eigen::VectorXd residual_variances;      ///< k
  Eigen::VectorXd residual_variances_se;   ///< k
  Eigen::VectorXd std_residual_variances;  ///< k: residual variance / implied variance
  Eigen::VectorXd r_squared;               ///< k: 1 - std_residual_variances
  Eigen::MatrixXd sample_covariance;       ///< k x k, divisor N
  Eigen::MatrixXd implied_covariance;      ///< k x k, Sigma at the estimates
  Eigen::MatrixXd vcov;                    ///< q x q covariance of the estimates (parameter order)
  cfa_fit_measures fit;
  std::size_t n = 0;          ///< effective N: complete rows used
  std::size_t n_dropped = 0;  ///< rows dropped for a missing answer (listwise)
  int iterations = 0;         ///< Fisher-scoring iterations of the accepted start
  /// Diagnostics: Heywood cases (negative residual variances, standardized loadings above 1),
  /// factor correlations outside [-1, 1] or not positive definite, rows dropped, starts that failed.
  std::vector<std::string> warnings;
};

/// Fits a simple-structure CFA by maximum likelihood to raw data (rows = respondents, columns =
/// items, NaN = missing; rows with a missing answer are dropped).
/// Agrees with `lavaan::cfa(model, data, std.lv = TRUE)` 0.6.14 to 1e-4 and better (estimates,
/// standard errors, std.all, fit measures; tests/golden/cfa.R).
/// @throws attune::error: (invalid_argument) bad model or options; (bad_input) an infinite value,
///         naming row and column; (insufficient_data) fewer complete rows than items + 1;
///         (numerical_issue) a zero-variance item or a sample covariance that is not positive
///         definite, or a singular information matrix (model not identified);
///         (no_convergence) when no start converges within `max_iterations`.
/// Cost: O(N k^2) for the covariance, then O(iterations * (k^3 + q^2 k)) with q = 2k + m(m-1)/2.
/// Reference: lavaan 0.6.14 (Rosseel 2012, J Stat Softw 48(2)), `lavaan::cfa`, `fitMeasures`.
ATTUNE_EXPORT cfa_result confirmatory_factor_analysis(const Eigen::MatrixXd& data,
                                                      const cfa_model& model,
                                                      const cfa_options& options = {});

/// Fits the model to a covariance matrix `covariance` (k x k, divisor N: the maximum-likelihood
/// estimate, as lavaan with `sample.cov.rescale = FALSE`) of `n` respondents.
/// @throws attune::error as `confirmatory_factor_analysis`; (invalid_argument) for a matrix
///         that is not square and symmetric or does not match the model.
ATTUNE_EXPORT cfa_result cfa_from_covariance(const Eigen::MatrixXd& covariance, std::size_t n,
                                             const cfa_model& model,
                                             const cfa_options& options = {});

ATTUNE_END_NAMESPACE
