// Factor scores. Reference implementation: R psych 2.2.9 `factor.scores` (methods Thurstone,
// Bartlett, tenBerge) with its helpers `matSqrt` and `invMatSqrt`; ten Berge, Krijnen, Wansbeek &
// Shapiro (1999), Journal of Statistical Planning and Inference 77:271-285.
#include "attune/analyses/factor_scores.hpp"

#include <Eigen/Dense>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr detail::enum_table<factor_score_method, 3> method_names{{{factor_score_method::regression, "regression"},
                                                                   {factor_score_method::bartlett, "bartlett"},
                                                                   {factor_score_method::ten_berge, "tenberge"}}};

// psych matSqrt: eigenvalues below 0 set to machine epsilon.
MatrixXd mat_sqrt(const MatrixXd& x) {
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(x);
  VectorXd ev = es.eigenvalues();
  for (Index i = 0; i < ev.size(); ++i)
    if (ev(i) < 0) ev(i) = std::numeric_limits<double>::epsilon();
  return es.eigenvectors() * ev.cwiseSqrt().asDiagonal() * es.eigenvectors().transpose();
}

// psych invMatSqrt: eigenvalues below machine epsilon set to 100 epsilon.
MatrixXd inv_mat_sqrt(const MatrixXd& x) {
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(x);
  VectorXd ev = es.eigenvalues();
  const double eps = std::numeric_limits<double>::epsilon();
  for (Index i = 0; i < ev.size(); ++i)
    if (ev(i) < eps) ev(i) = 100 * eps;
  return es.eigenvectors() * ev.cwiseSqrt().cwiseInverse().asDiagonal() * es.eigenvectors().transpose();
}

MatrixXd solve_checked(const MatrixXd& a, const MatrixXd& b, const char* what) {
  Eigen::FullPivLU<MatrixXd> lu(a);
  if (!lu.isInvertible())
    throw error(errc::bad_input, std::string("factor scores: ") + what + " is singular; the scores are undefined");
  return lu.solve(b);
}

}  // namespace

std::string_view to_string(factor_score_method m) noexcept { return detail::enum_name(method_names, m); }

std::optional<factor_score_method> parse_factor_score_method(std::string_view name) noexcept {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "thurstone") return factor_score_method::regression;
  if (lower == "ten_berge" || lower == "ten-berge") return factor_score_method::ten_berge;
  return detail::enum_parse(method_names, lower);
}

factor_scores_result factor_scores(const Eigen::MatrixXd& data, const Eigen::MatrixXd& correlation, const efa_result& fit,
                                   factor_score_method method) {
  const Index k = fit.loadings.rows(), m = fit.loadings.cols();
  if (correlation.rows() != k || correlation.cols() != k || data.cols() != k)
    throw error(errc::bad_input, "factor scores: the solution has " + std::to_string(k) + " items; the correlation matrix is " +
                                     std::to_string(correlation.rows()) + " x " + std::to_string(correlation.cols()) +
                                     " and the data have " + std::to_string(data.cols()) + " columns");
  const MatrixXd& f = fit.loadings;
  const MatrixXd phi = fit.phi.size() == m * m ? fit.phi : MatrixXd::Identity(m, m);
  if (m == 1) method = factor_score_method::regression;  // psych: one factor -> Thurstone
  const MatrixXd s = f * phi;  // structure
  factor_scores_result out;
  out.method = method;
  switch (method) {
    case factor_score_method::regression:
      out.weights = solve_checked(correlation, s, "the correlation matrix");
      break;
    case factor_score_method::bartlett: {
      const VectorXd u2 = VectorXd::Ones(k) - (f * phi * f.transpose()).diagonal();
      const MatrixXd inv_u2_f = u2.cwiseInverse().asDiagonal() * f;
      out.weights = inv_u2_f * solve_checked(f.transpose() * inv_u2_f, MatrixXd::Identity(m, m), "L' U^-2 L");
      break;
    }
    case factor_score_method::ten_berge: {
      // psych: L = f Phi^1/2, C = R^-1/2 L (L' R^-1 L)^-1/2, W = R^-1/2 C Phi^1/2 (R^-1/2 of the
      // unsmoothed R, R^-1 of cor.smooth(R): the same matrix for a positive definite R)
      const MatrixXd phi_half = mat_sqrt(phi);
      const MatrixXd l = f * phi_half;
      const MatrixXd r_half_inv = inv_mat_sqrt(correlation);
      const MatrixXd r_inv = solve_checked(correlation, MatrixXd::Identity(k, k), "the correlation matrix");
      const MatrixXd c = r_half_inv * l * inv_mat_sqrt(l.transpose() * r_inv * l);
      out.weights = r_half_inv * c * phi_half;
      break;
    }
  }
  out.r2 = (out.weights.transpose() * s).diagonal();
  for (Index j = 0; j < m; ++j)
    if (!(out.r2(j) > 0 && out.r2(j) <= 1)) out.r2(j) = std::numeric_limits<double>::quiet_NaN();
  const MatrixXd c = out.weights.transpose() * correlation * out.weights;
  const VectorXd sd = c.diagonal().cwiseSqrt();
  out.score_correlations = sd.cwiseInverse().asDiagonal() * c * sd.cwiseInverse().asDiagonal();
  // R's scale(): each column's mean and sample SD over its answered rows
  const Index n = data.rows();
  MatrixXd z(n, k);
  for (Index j = 0; j < k; ++j) {
    double sum = 0, count = 0;
    for (Index i = 0; i < n; ++i)
      if (!std::isnan(data(i, j))) {
        sum += data(i, j);
        ++count;
      }
    const double mean = sum / count;
    double ss = 0;
    for (Index i = 0; i < n; ++i)
      if (!std::isnan(data(i, j))) ss += (data(i, j) - mean) * (data(i, j) - mean);
    const double sd_j = std::sqrt(ss / (count - 1));
    for (Index i = 0; i < n; ++i) z(i, j) = (data(i, j) - mean) / sd_j;  // NaN stays NaN
  }
  out.scores = z * out.weights;  // a NaN answer makes the row's scores NaN (psych impute = "none")
  return out;
}

ATTUNE_END_NAMESPACE
