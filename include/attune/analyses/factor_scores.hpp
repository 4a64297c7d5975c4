/// @file factor_scores.hpp
/// Factor scores of an exploratory factor analysis (psych `factor.scores`): the weights W that turn
/// standardized answers into scores, and the scores themselves.
/// Errors: `attune::error` bad_input (shapes that do not match, a singular matrix),
/// invalid_argument (an unknown method name).
#pragma once

#include <optional>
#include <string_view>

#include <Eigen/Core>

#include "attune/analyses/factor.hpp"
#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How the scores are estimated (psych `factor.scores` methods).
enum class factor_score_method {
  regression,  ///< Thurstone (1935): W = R^-1 S, S = L Phi the structure matrix (psych "regression" / "Thurstone")
  bartlett,    ///< Bartlett (1937): W = U^-2 L (L' U^-2 L)^-1, U^2 = 1 - diag(L Phi L')
  ten_berge,   ///< ten Berge, Krijnen, Wansbeek & Shapiro (1999): scores whose correlations equal Phi
};
/// "regression", "bartlett", "tenberge".
ATTUNE_EXPORT std::string_view to_string(factor_score_method m) noexcept;
/// Accepts the names of `to_string` and psych's spellings ("Thurstone", "Bartlett", "tenBerge"), any case.
ATTUNE_EXPORT std::optional<factor_score_method> parse_factor_score_method(std::string_view name) noexcept;

/// Result of `factor_scores`.
struct ATTUNE_EXPORT factor_scores_result {
  factor_score_method method = factor_score_method::regression;
  Eigen::MatrixXd weights;   ///< k x m score weights (psych `weights`)
  Eigen::MatrixXd scores;    ///< N x m scores of the rows; NaN for a row with a missing answer (psych impute = "none")
  Eigen::VectorXd r2;        ///< m multiple R^2 of the scores with the factors, diag(W' S) (psych `R2`; NaN outside (0, 1])
  Eigen::MatrixXd score_correlations;  ///< m x m correlations of the scores, cov2cor(W' R W) (psych `r.scores`)
};

/// Factor scores of `data` (N x k answers, NaN = missing) for the solution `fit` of the k x k
/// correlation matrix `correlation` (the one the solution was fitted to). The answers are
/// standardized with each column's mean and sample SD over its answered rows (R's `scale`), and
/// scores = Z W, as psych `factor.scores(x, fit, method, rho = correlation)`. With one factor every
/// method gives regression scores (as psych).
/// @throws attune::error bad_input when the shapes do not match or R (regression, tenBerge) or
///         L' U^-2 L (Bartlett) is singular.
ATTUNE_EXPORT factor_scores_result factor_scores(const Eigen::MatrixXd& data, const Eigen::MatrixXd& correlation,
                                                 const efa_result& fit, factor_score_method method);

ATTUNE_END_NAMESPACE
