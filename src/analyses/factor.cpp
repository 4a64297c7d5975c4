// Exploratory factor analysis: minres / ML extraction, rotations, Schmid-Leiman, parallel analysis.
// Reference implementation: R psych 2.2.9 (`fa`, `fac`, `schmid`, `smc`, `fa.parallel`),
// GPArotation (`GPFoblq`, `vgQ.oblimin`, `vgQ.geomin`) and R stats (`varimax`).
#include "attune/analyses/factor.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <functional>


#include "attune/core/error.hpp"
#include "detail/quote.hpp"
#include "detail/random.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Checks that `r` is a usable correlation matrix; `where` names the caller for messages.
void check_correlation(const MatrixXd& r, const std::string& where) {
  if (r.rows() != r.cols())
    throw error(errc::bad_input, where + ": correlation matrix is " + std::to_string(r.rows()) + " x " +
                                     std::to_string(r.cols()) + "; it must be square");
  for (Index i = 0; i < r.rows(); ++i) {
    for (Index j = 0; j < r.cols(); ++j) {
      if (!std::isfinite(r(i, j)))
        throw error(errc::bad_input, where + ": correlation matrix entry (" + std::to_string(i + 1) + ", " +
                                         std::to_string(j + 1) + ") is not a finite number (" + number_text(r(i, j)) +
                                         "); drop the item or use pairwise data with enough overlap");
      if (std::abs(r(i, j) - r(j, i)) > 1e-8)
        throw error(errc::bad_input, where + ": correlation matrix is not symmetric at (" + std::to_string(i + 1) +
                                         ", " + std::to_string(j + 1) + ")");
    }
    if (std::abs(r(i, i) - 1.0) > 1e-8)
      throw error(errc::bad_input, where + ": diagonal entry " + std::to_string(i + 1) + " is " + number_text(r(i, i)) +
                                       "; a correlation matrix has a unit diagonal");
  }
}

// Moore-Penrose pseudo-inverse of a symmetric matrix, tolerance sqrt(eps) * largest singular
// value (psych 2.2.9 `Pinv`).
MatrixXd pinv_sym(const MatrixXd& a) {
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(a);
  const VectorXd& ev = es.eigenvalues();
  const double tol = std::sqrt(std::numeric_limits<double>::epsilon()) * ev.cwiseAbs().maxCoeff();
  VectorXd inv = VectorXd::Zero(ev.size());
  for (Index i = 0; i < ev.size(); ++i)
    if (std::abs(ev(i)) > tol) inv(i) = 1.0 / ev(i);
  return es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose();
}

// --- extraction ---------------------------------------------------------------------------

constexpr double psi_lower = 0.005;  // psych fa: L-BFGS-B lower bound on the uniquenesses

struct uls_eval {
  double f = 0;
  VectorXd g;
  MatrixXd h;
};

// Unweighted least squares (= minres) concentrated criterion F(psi) = 1/2 sum_{j>m} lambda_j^2,
// lambda the eigenvalues of R - diag(psi) (Harman & Jones 1966; at the optimum it equals half
// the residual sum of squares that psych `fit.residuals` minimises). Gradient
// dF/dpsi_i = -(R - psi - LL')_ii (psych `FAgr.minres`, sign convention of a minimiser).
// Hessian from eigenvalue perturbation theory (derived here):
// H_ik = (P_R)_ik^2 + 2 sum_{j in R} sum_{l in T} lambda_j/(lambda_j - lambda_l) v_ij v_kj v_il v_kl,
// T = the m leading eigenvectors, R = the others, P_R the projector on R.
// h += sum_{j < nr} sum_{l >= nr} c(j, l) w_jl w_jl', w_jl = v_j o v_l (the eigenvalue-perturbation
// cross terms of both Hessians below), as one matrix product per leading vector l:
// W_l = V_R o v_l (k x nr), h += W_l diag(c(., l)) W_l'. A loop of k x k rank-one updates did the
// same work memory-bound, most of the time of an extraction at k = 1000 (issue 10, F15).
template <class C>
void add_cross_terms(MatrixXd& h, const MatrixXd& v, Index nr, C c) {
  const Index k = v.rows();
  MatrixXd w(k, nr), wc(k, nr);
  for (Index l = nr; l < k; ++l) {
    w = v.leftCols(nr).array().colwise() * v.col(l).array();
    for (Index j = 0; j < nr; ++j) wc.col(j) = c(j, l) * w.col(j);
    h.noalias() += wc * w.transpose();
  }
}

uls_eval uls_evaluate(const MatrixXd& s, const VectorXd& psi, int m, bool want_hessian) {
  const Index k = s.rows();
  MatrixXd a = s;
  a.diagonal() -= psi;
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(a);
  // Eigen gives ascending order: residual set = first k - m, leading set = last m.
  const VectorXd& lam = es.eigenvalues();
  const MatrixXd& v = es.eigenvectors();
  const Index nr = k - m;
  uls_eval out;
  out.f = 0.5 * lam.head(nr).squaredNorm();
  // E = sum_{j in R} lambda_j v_j v_j'; g_i = -E_ii
  out.g = -(v.leftCols(nr).array().square().matrix() * lam.head(nr));
  if (!want_hessian) return out;
  const MatrixXd vr = v.leftCols(nr);
  const MatrixXd pr = vr * vr.transpose();
  out.h = pr.array().square().matrix();
  add_cross_terms(out.h, v, nr, [&](Index j, Index l) {
    const double denom = lam(j) - lam(l);
    return std::abs(denom) < 1e-300 ? 0.0 : 2.0 * lam(j) / denom;
  });
  return out;
}

// Maximum-likelihood criterion (psych 2.2.9 `FAfn`, as stats::factanal):
// F(psi) = -sum_{j>m} (log theta_j - theta_j) - m + k, theta = eigenvalues of S* = psi^-1/2 R psi^-1/2.
// Gradient (psych `FAgr`): diag(LL' + psi - R) / psi^2 = -G_i / psi_i, G = diag(sum_{j in R} (theta_j - 1) v_j v_j').
// Hessian (derived here, as for ULS above, by eigenvalue perturbation; dS*/dpsi_k = -(E_k S* + S* E_k) / (2 psi_k)):
// H_ik = delta_ik G_i / psi_i^2 + [Q_ik P_ik + sum_{j in R} sum_{l in T} c_jl v_ij v_kj v_il v_kl] / (psi_i psi_k),
// Q = sum_{j in R} theta_j v_j v_j', P = sum_{j in R} v_j v_j', c_jl = (theta_j - 1)(theta_j + theta_l)/(theta_j - theta_l).
// O(m k^3) like the ULS Hessian; the central differences of the gradient it replaces took 2k
// eigendecompositions per Newton step, O(k^4) (24 s at k = 200, issue 10 F15).
uls_eval ml_evaluate(const MatrixXd& s, const VectorXd& psi, int m, bool want_hessian = false) {
  const Index k = s.rows();
  const VectorXd sc = psi.array().rsqrt();
  const MatrixXd sstar = sc.asDiagonal() * s * sc.asDiagonal();
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(sstar);
  const VectorXd& th = es.eigenvalues();  // ascending
  const MatrixXd& v = es.eigenvectors();
  const Index nr = k - m;
  uls_eval out;
  double e = 0;
  for (Index j = 0; j < nr; ++j) e += std::log(th(j)) - th(j);
  out.f = -(e - static_cast<double>(m) + static_cast<double>(k));
  MatrixXd load(k, m);
  for (Index c = 0; c < m; ++c) load.col(c) = v.col(k - 1 - c) * std::sqrt(std::max(th(k - 1 - c) - 1.0, 0.0));
  load = psi.array().sqrt().matrix().asDiagonal() * load;
  VectorXd diag = load.rowwise().squaredNorm() + psi - s.diagonal();
  out.g = diag.array() / psi.array().square();
  if (!want_hessian) return out;
  const MatrixXd vr = v.leftCols(nr);
  const VectorXd g_sum = vr.array().square().matrix() * (th.head(nr).array() - 1.0).matrix();  // G_i
  const MatrixXd p = vr * vr.transpose();
  const MatrixXd q = vr * th.head(nr).asDiagonal() * vr.transpose();
  out.h = q.cwiseProduct(p);
  add_cross_terms(out.h, v, nr, [&](Index j, Index l) {
    const double denom = th(j) - th(l);
    return std::abs(denom) < 1e-300 ? 0.0 : (th(j) - 1.0) * (th(j) + th(l)) / denom;
  });
  const VectorXd inv_psi = psi.cwiseInverse();
  out.h = inv_psi.asDiagonal() * out.h * inv_psi.asDiagonal();
  out.h.diagonal() += g_sum.cwiseProduct(inv_psi.cwiseAbs2());
  return out;
}

struct fit_outcome {
  VectorXd psi;
  double f = 0;
  int iterations = 0;
  bool converged = false;
};

// Box-constrained Newton minimisation of the extraction criterion over psi in [lower, upper]
// (psych uses L-BFGS-B on the same box; we solve to much tighter tolerance so that the optimum,
// not the optimiser's stopping point, is what is reported).
fit_outcome minimise_psi(const MatrixXd& s, VectorXd psi, int m, factor_method method, int max_iter, double upper) {
  const Index k = s.rows();
  auto evaluate = [&](const VectorXd& p, bool hess) -> uls_eval {
    if (method == factor_method::minres) return uls_evaluate(s, p, m, hess);
    return ml_evaluate(s, p, m, hess);
  };
  // The criterion alone, from the eigenvalues (as uls_evaluate and ml_evaluate compute it).
  auto criterion = [&](const VectorXd& p) {
    const Index nr = k - m;
    if (method == factor_method::minres) {
      MatrixXd a = s;
      a.diagonal() -= p;
      const Eigen::SelfAdjointEigenSolver<MatrixXd> es(a, Eigen::EigenvaluesOnly);
      return 0.5 * es.eigenvalues().head(nr).squaredNorm();
    }
    const VectorXd sc = p.array().rsqrt();
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(sc.asDiagonal() * s * sc.asDiagonal(), Eigen::EigenvaluesOnly);
    double e = 0;
    for (Index j = 0; j < nr; ++j) e += std::log(es.eigenvalues()(j)) - es.eigenvalues()(j);
    return -(e - static_cast<double>(m) + static_cast<double>(k));
  };
  for (Index i = 0; i < k; ++i) psi(i) = std::clamp(psi(i), psi_lower, upper);
  fit_outcome out;
  uls_eval cur = evaluate(psi, true);
  for (int it = 1; it <= max_iter; ++it) {
    out.iterations = it;
    // active set: at a bound with the gradient pushing outwards
    std::vector<Index> free_idx;
    double pg = 0;
    for (Index i = 0; i < k; ++i) {
      const bool at_lo = psi(i) <= psi_lower + 1e-12 && cur.g(i) > 0;
      const bool at_hi = psi(i) >= upper - 1e-12 && cur.g(i) < 0;
      if (!at_lo && !at_hi) {
        free_idx.push_back(i);
        pg = std::max(pg, std::abs(cur.g(i)));
      }
    }
    if (pg < 1e-11) {
      out.converged = true;
      break;
    }
    const Index nf = static_cast<Index>(free_idx.size());
    MatrixXd hf(nf, nf);
    VectorXd gf(nf);
    for (Index a = 0; a < nf; ++a) {
      gf(a) = cur.g(free_idx[static_cast<std::size_t>(a)]);
      for (Index b = 0; b < nf; ++b) hf(a, b) = cur.h(free_idx[static_cast<std::size_t>(a)], free_idx[static_cast<std::size_t>(b)]);
    }
    VectorXd dir;
    Eigen::LLT<MatrixXd> llt(hf);
    if (llt.info() == Eigen::Success) {
      dir = -llt.solve(gf);
    } else {
      // regularise: shift the spectrum to make the model positive definite
      Eigen::SelfAdjointEigenSolver<MatrixXd> es(hf);
      const double shift = std::max(1e-8, -es.eigenvalues().minCoeff() * 1.5 + 1e-6);
      dir = -(hf + shift * MatrixXd::Identity(nf, nf)).llt().solve(gf);
    }
    if (!(dir.dot(gf) < 0)) dir = -gf;
    VectorXd full = VectorXd::Zero(k);
    for (Index a = 0; a < nf; ++a) full(free_idx[static_cast<std::size_t>(a)]) = dir(a);
    // projected backtracking line search (Armijo)
    double step = 1.0;
    bool accepted = false;
    VectorXd trial;
    for (int ls = 0; ls < 60; ++ls) {
      trial = psi + step * full;
      for (Index i = 0; i < k; ++i) trial(i) = std::clamp(trial(i), psi_lower, upper);
      const double f_trial = criterion(trial);  // eigenvalues only: a third of the work
      const double decrease = cur.g.dot(trial - psi);
      if (std::isfinite(f_trial) && f_trial <= cur.f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // no further decrease possible at double precision: accept the point if the gradient is small
      out.converged = pg < 1e-7;
      break;
    }
    const double change = (trial - psi).cwiseAbs().maxCoeff();
    psi = trial;
    cur = evaluate(psi, true);
    if (change < 1e-14) {
      out.converged = true;
      break;
    }
  }
  out.psi = psi;
  out.f = cur.f;
  return out;
}

// Loadings from uniquenesses: minres `FAout.wls` (eigen of R - psi), ml `FAout`.
MatrixXd loadings_from_psi(const MatrixXd& s, const VectorXd& psi, int m, factor_method method) {
  const Index k = s.rows();
  MatrixXd load(k, m);
  if (method == factor_method::minres) {
    MatrixXd a = s;
    a.diagonal() -= psi;
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(a);
    for (int c = 0; c < m; ++c)
      load.col(c) = es.eigenvectors().col(k - 1 - c) * std::sqrt(std::max(es.eigenvalues()(k - 1 - c), 0.0));
  } else {
    const VectorXd sc = psi.array().rsqrt();
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(sc.asDiagonal() * s * sc.asDiagonal());
    for (int c = 0; c < m; ++c)
      load.col(c) = es.eigenvectors().col(k - 1 - c) * std::sqrt(std::max(es.eigenvalues()(k - 1 - c) - 1.0, 0.0));
    load = psi.array().sqrt().matrix().asDiagonal() * load;
  }
  return load;
}

// Flips columns so that every column sum is positive (psych fa: sign(colSums), 0 -> +).
void sign_columns(MatrixXd& l, MatrixXd* phi) {
  for (Index c = 0; c < l.cols(); ++c) {
    if (l.col(c).sum() < 0) {
      l.col(c) = -l.col(c);
      if (phi) {
        phi->row(c) = -phi->row(c);
        phi->col(c) = -phi->col(c);
      }
    }
  }
}

// --- rotations ------------------------------------------------------------------------------

struct vgq {
  double f;
  MatrixXd gq;
};

// GPArotation `vgQ.oblimin`: X = L^2 (1 1' - I) [then (I - gam/p 11') X]; Gq = L * X; f = sum(L^2 * X)/4.
vgq vgq_oblimin(const MatrixXd& l, double gam) {
  const Index p = l.rows(), m = l.cols();
  const MatrixXd l2 = l.array().square().matrix();
  MatrixXd offdiag = MatrixXd::Ones(m, m);
  offdiag.diagonal().setZero();
  MatrixXd x = l2 * offdiag;
  if (gam != 0.0) {
    const Eigen::RowVectorXd cs = x.colwise().sum();
    x.rowwise() -= (gam / static_cast<double>(p)) * cs;
  }
  return {(l2.array() * x.array()).sum() / 4.0, (l.array() * x.array()).matrix()};
}

// GPArotation `vgQ.geomin`: L2 = L^2 + delta; pro = exp(rowSums(log L2)/m);
// Gq = (2/m) * L / L2 * pro; f = sum(pro).
vgq vgq_geomin(const MatrixXd& l, double delta) {
  const Index p = l.rows(), m = l.cols();
  const Eigen::ArrayXXd l2 = l.array().square() + delta;
  const Eigen::ArrayXd pro = (l2.log().rowwise().sum() / static_cast<double>(m)).exp();
  Eigen::ArrayXXd gq = (2.0 / static_cast<double>(m)) * l.array() / l2;
  for (Index i = 0; i < p; ++i) gq.row(i) *= pro(i);
  return {pro.sum(), gq.matrix()};
}

// GPArotation `GPFoblq` (gradient projection, oblique; Bernaards & Jennrich 2005), transcribed
// step by step so that the iterates (and hence the stopping point at eps) are the same.
rotation_result gpf_oblique(const MatrixXd& a, const std::function<vgq(const MatrixXd&)>& crit, double eps, int maxit) {
  const Index m = a.cols();
  MatrixXd tmat = MatrixXd::Identity(m, m);
  double al = 1.0;
  MatrixXd l = a * tmat.inverse().transpose();
  vgq q = crit(l);
  MatrixXd g = -(l.transpose() * q.gq * tmat.inverse()).transpose();
  double f = q.f;
  rotation_result out;
  double s = 0;
  int iter = 0;
  for (iter = 0; iter <= maxit; ++iter) {
    const Eigen::RowVectorXd cs = (tmat.array() * g.array()).colwise().sum();
    const MatrixXd gp = g - tmat * cs.asDiagonal();
    s = std::sqrt(gp.squaredNorm());
    if (s < eps) break;
    al = 2.0 * al;
    MatrixXd tmatt;
    vgq qt;
    for (int i = 0; i <= 10; ++i) {
      MatrixXd x = tmat - al * gp;
      const Eigen::RowVectorXd v = x.colwise().squaredNorm().array().rsqrt();
      tmatt = x * v.asDiagonal();
      l = a * tmatt.inverse().transpose();
      qt = crit(l);
      const double improvement = f - qt.f;
      if (improvement > 0.5 * s * s * al) break;
      al = al / 2.0;
    }
    tmat = tmatt;
    f = qt.f;
    g = -(l.transpose() * qt.gq * tmatt.inverse()).transpose();
  }
  out.converged = s < eps;
  out.iterations = std::min(iter, maxit);
  out.loadings = a * tmat.inverse().transpose();
  out.phi = tmat.transpose() * tmat;
  out.rotation = tmat;
  return out;
}

// R stats `varimax(x, normalize = TRUE, eps = 1e-5)` (Kaiser 1958), transcribed.
rotation_result varimax_rotate(const MatrixXd& x0, double eps, int maxit) {
  const Index p = x0.rows(), nc = x0.cols();
  const VectorXd sc = x0.rowwise().norm();
  MatrixXd x = x0;
  for (Index i = 0; i < p; ++i)
    if (sc(i) > 0) x.row(i) /= sc(i);
  MatrixXd tt = MatrixXd::Identity(nc, nc);
  double d = 0;
  int it = 0;
  bool conv = false;
  for (it = 1; it <= maxit; ++it) {
    const MatrixXd z = x * tt;
    const Eigen::RowVectorXd cs2 = z.array().square().colwise().sum();
    const MatrixXd b = x.transpose() * (z.array().cube().matrix() - z * cs2.asDiagonal() / static_cast<double>(p));
    Eigen::JacobiSVD<MatrixXd> svd(b, Eigen::ComputeFullU | Eigen::ComputeFullV);
    tt = svd.matrixU() * svd.matrixV().transpose();
    const double dpast = d;
    d = svd.singularValues().sum();
    if (d < dpast * (1 + eps)) {
      conv = true;
      break;
    }
  }
  rotation_result out;
  MatrixXd z = x * tt;
  for (Index i = 0; i < p; ++i) z.row(i) *= sc(i);
  out.loadings = z;
  out.phi = MatrixXd::Identity(nc, nc);
  out.rotation = tt;
  out.converged = conv;
  out.iterations = std::min(it, maxit);
  return out;
}

}  // namespace

// --- public API -------------------------------------------------------------------------------

namespace {
// The first name of a value is its to_string; later ones are aliases that parse (psych's and
// GPArotation's names).
constexpr detail::enum_table<factor_method, 4> method_names{{{factor_method::minres, "minres"},
                                                            {factor_method::ml, "ml"},
                                                            {factor_method::minres, "uls"},
                                                            {factor_method::ml, "mle"}}};
constexpr detail::enum_table<factor_rotation, 6> rotation_names{{{factor_rotation::none, "none"},
                                                                {factor_rotation::varimax, "varimax"},
                                                                {factor_rotation::oblimin, "oblimin"},
                                                                {factor_rotation::geomin, "geomin"},
                                                                {factor_rotation::oblimin, "quartimin"},
                                                                {factor_rotation::geomin, "geominQ"}}};
constexpr detail::enum_table<two_factor_general, 3> two_factor_names{{{two_factor_general::equal, "equal"},
                                                                     {two_factor_general::first, "first"},
                                                                     {two_factor_general::second, "second"}}};
}  // namespace

std::string_view to_string(factor_method method) noexcept { return detail::enum_name(method_names, method); }
std::string_view to_string(factor_rotation rotation) noexcept { return detail::enum_name(rotation_names, rotation); }
std::string_view to_string(two_factor_general option) noexcept { return detail::enum_name(two_factor_names, option); }
std::optional<factor_method> parse_factor_method(std::string_view name) noexcept { return detail::enum_parse(method_names, name); }
std::optional<factor_rotation> parse_factor_rotation(std::string_view name) noexcept {
  return detail::enum_parse(rotation_names, name);
}
std::optional<two_factor_general> parse_two_factor_general(std::string_view name) noexcept {
  return detail::enum_parse(two_factor_names, name);
}

void efa_options::validate() const {
  if (n_factors < 1)
    throw error(errc::invalid_argument, "efa_options.n_factors = " + std::to_string(n_factors) + "; it must be at least 1");
  if (max_iterations < 1)
    throw error(errc::invalid_argument,
                "efa_options.max_iterations = " + std::to_string(max_iterations) + "; it must be at least 1");
  if (!(rotation_tolerance > 0) || !std::isfinite(rotation_tolerance))
    throw error(errc::invalid_argument, "efa_options.rotation_tolerance = " + number_text(rotation_tolerance) + "; it must be positive");
  if (!(geomin_delta > 0) || !std::isfinite(geomin_delta))
    throw error(errc::invalid_argument, "efa_options.geomin_delta = " + number_text(geomin_delta) + "; it must be positive");
  if (!std::isfinite(oblimin_gamma))
    throw error(errc::invalid_argument, "efa_options.oblimin_gamma is not a finite number");
}

Eigen::VectorXd squared_multiple_correlations(const Eigen::MatrixXd& correlation) {
  check_correlation(correlation, "squared_multiple_correlations");
  // psych 2.2.9 smc: 1 - 1/diag(Pinv(R)), clamped to [0, 1].
  const MatrixXd inv = pinv_sym(correlation);
  VectorXd out(correlation.rows());
  for (Index i = 0; i < out.size(); ++i) {
    double v = 1.0 - 1.0 / inv(i, i);
    if (!std::isfinite(v)) v = 1.0;
    out(i) = std::clamp(v, 0.0, 1.0);
  }
  return out;
}

rotation_result rotate_loadings(const Eigen::MatrixXd& loadings, factor_rotation rotation, const efa_options& options) {
  options.validate();
  if (!loadings.allFinite()) throw error(errc::bad_input, "rotate_loadings: the loadings contain NaN or infinite values");
  const Index m = loadings.cols();
  if (m < 2 || rotation == factor_rotation::none) {
    rotation_result out;
    out.loadings = loadings;
    out.phi = MatrixXd::Identity(m, m);
    out.rotation = MatrixXd::Identity(m, m);
    out.converged = true;
    return out;
  }
  switch (rotation) {
    case factor_rotation::varimax: return varimax_rotate(loadings, options.rotation_tolerance, options.max_iterations);
    case factor_rotation::oblimin: {
      const double gam = options.oblimin_gamma;
      return gpf_oblique(loadings, [gam](const MatrixXd& l) { return vgq_oblimin(l, gam); }, options.rotation_tolerance,
                         options.max_iterations);
    }
    case factor_rotation::geomin: {
      const double delta = options.geomin_delta;
      return gpf_oblique(loadings, [delta](const MatrixXd& l) { return vgq_geomin(l, delta); },
                         options.rotation_tolerance, options.max_iterations);
    }
    case factor_rotation::none: break;
  }
  return {};
}

efa_result exploratory_factor_analysis(const Eigen::MatrixXd& correlation, Eigen::Index n_obs, const efa_options& options) {
  options.validate();
  check_correlation(correlation, "factor analysis");
  const Index k = correlation.rows();
  const int m = options.n_factors;
  if (k < 2) throw error(errc::insufficient_data, "factor analysis: k = " + std::to_string(k) + " item; at least 2 are needed");
  if (m >= k)
    throw error(errc::insufficient_data, "factor analysis: " + std::to_string(m) + " factors requested for " + std::to_string(k) +
                                             " items; the number of factors must be smaller than the number of items");
  if (n_obs < 0) throw error(errc::invalid_argument, "factor analysis: n_obs = " + std::to_string(n_obs) + " is negative");
  if (options.pair_counts.size() > 0 &&
      (options.pair_counts.rows() != k || options.pair_counts.cols() != k || !options.pair_counts.allFinite() ||
       !(options.pair_counts.minCoeff() > 0)))
    throw error(errc::invalid_argument, "efa_options.pair_counts must be a " + std::to_string(k) + " x " + std::to_string(k) +
                                            " matrix of positive counts (or empty)");
  efa_result res;
  res.method = options.method;
  res.rotation = m > 1 ? options.rotation : factor_rotation::none;  // one factor is not rotated
  res.n = n_obs;
  {
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(correlation, Eigen::EigenvaluesOnly);
    res.eigenvalues = es.eigenvalues().reverse();
  }
  if (res.eigenvalues(k - 1) < 1e-10)
    res.warnings.push_back("the correlation matrix is singular or not positive definite (smallest eigenvalue " +
                           number_text(res.eigenvalues(k - 1), 6) + "); consider smoothing it");
  const int df2 = static_cast<int>((k - m) * (k - m) - (k + m));
  res.df = df2 / 2;
  if (res.df < 0)
    res.warnings.push_back("the model has negative degrees of freedom (" + std::to_string(res.df) + "): " + std::to_string(m) +
                           " factors are too many for " + std::to_string(k) + " items; the solution is not identified");
  // starting values: psi = 1 - SMC (psych fa `fit`)
  const VectorXd smc = squared_multiple_correlations(correlation);
  VectorXd start = VectorXd::Ones(k) - smc;
  if (m > 1 && std::abs(smc.sum() - m) < 1e-12) start.setConstant(0.5);
  const double upper = std::max(smc.maxCoeff(), 1.0);
  fit_outcome fit = minimise_psi(correlation, start, m, options.method, options.max_iterations, upper);
  res.iterations = fit.iterations;
  bool conv = fit.converged;
  if (!fit.converged)
    res.warnings.push_back(std::string(to_string(options.method)) + " extraction did not converge in " + std::to_string(fit.iterations) +
                           " iterations; the loadings may be inaccurate");
  MatrixXd load = loadings_from_psi(correlation, fit.psi, m, options.method);
  if (!load.allFinite()) throw error(errc::numerical_issue, "factor analysis: the extraction produced non-finite loadings");
  sign_columns(load, nullptr);
  res.unrotated_loadings = load;
  MatrixXd phi = MatrixXd::Identity(m, m);
  res.rotation_matrix = MatrixXd::Identity(m, m);
  if (m > 1 && options.rotation != factor_rotation::none) {
    // psych replaces exact zeros by 1e-15 before rotating
    MatrixXd l0 = load;
    for (Index i = 0; i < l0.size(); ++i)
      if (l0.data()[i] == 0.0) l0.data()[i] = 1e-15;
    rotation_result rot = rotate_loadings(l0, options.rotation, options);
    load = rot.loadings;
    phi = rot.phi;
    res.rotation_matrix = rot.rotation;
    res.rotation_iterations = rot.iterations;
    if (!rot.converged) {
      conv = false;
      res.warnings.push_back(std::string(to_string(options.rotation)) + " rotation did not converge in " + std::to_string(rot.iterations) +
                             " iterations");
    }
  }
  sign_columns(load, &phi);
  // order by variance accounted for: diag(phi L'L) (psych fa `ev.rotated`)
  if (m > 1) {
    const VectorXd ev = (phi * (load.transpose() * load)).diagonal();
    std::vector<Index> order(static_cast<std::size_t>(m));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return ev(a) > ev(b); });
    MatrixXd l2(k, m), p2(m, m);
    for (Index c = 0; c < m; ++c) {
      l2.col(c) = load.col(order[static_cast<std::size_t>(c)]);
      for (Index d = 0; d < m; ++d) p2(c, d) = phi(order[static_cast<std::size_t>(c)], order[static_cast<std::size_t>(d)]);
    }
    load = l2;
    phi = p2;
  }
  res.loadings = load;
  res.phi = phi;
  res.structure = load * phi;
  res.variance_accounted = (phi * (load.transpose() * load)).diagonal();
  const MatrixXd model = res.unrotated_loadings * res.unrotated_loadings.transpose();
  res.communalities = model.diagonal();
  res.uniquenesses = VectorXd::Ones(k) - res.communalities;
  for (Index i = 0; i < k; ++i) {
    if (res.communalities(i) >= 1.0 - 1e-9 || fit.psi(i) <= psi_lower + 1e-9) {
      res.heywood = true;
    }
  }
  if (res.heywood)
    res.warnings.push_back(res.communalities.maxCoeff() > 1.0 + 1e-9
                               ? "ultra-Heywood case: a communality exceeds 1 (" + number_text(res.communalities.maxCoeff(), 6) +
                                     "); the solution is improper, examine it carefully"
                               : "Heywood case: a uniqueness reached its lower bound (" + number_text(psi_lower, 6) +
                                     "); the solution may be improper");
  // residuals and fit (psych factor.stats)
  MatrixXd resid = correlation - model;
  resid.diagonal().setZero();
  // psych fa.stats: rms = sqrt(sum(residual^2) / (k (k - 1))); with np.obs (pairwise counts)
  // sqrt(sum(residual^2 * np.obs) / (nh k (k - 1))), nh the harmonic mean of the k x k counts.
  const double off_pairs = static_cast<double>(k * (k - 1));
  if (options.pair_counts.size() > 0) {
    const MatrixXd& np = options.pair_counts;
    const double nh = static_cast<double>(np.size()) / np.cwiseInverse().sum();
    res.rmsr = std::sqrt(resid.cwiseAbs2().cwiseProduct(np).sum() / (nh * off_pairs));
  } else {
    res.rmsr = std::sqrt(resid.squaredNorm() / off_pairs);
  }
  if (options.method == factor_method::minres) res.criterion = 0.5 * resid.squaredNorm();
  MatrixXd implied = model;
  implied.diagonal() = correlation.diagonal();
  Eigen::PartialPivLU<MatrixXd> lu(implied);
  const MatrixXd mir = lu.solve(correlation);
  const double det = mir.determinant();
  double fml = mir.trace() - std::log(det) - static_cast<double>(k);
  if (!std::isfinite(fml)) fml = std::numeric_limits<double>::quiet_NaN();
  // psych reports this F_ML as `objective` for every extraction (issue 12: minres printed its own
  // criterion under that name, 4.56 against psych's 9.39 on spi with 5 factors)
  res.objective = fml;
  if (options.method == factor_method::ml) res.criterion = fml;
  if (n_obs > 0 && std::isfinite(fml)) {
    const double mult = (static_cast<double>(n_obs) - 1.0) - (2.0 * static_cast<double>(k) + 5.0) / 6.0 - 2.0 * m / 3.0;
    res.chi_square = std::max(0.0, fml * mult);
  } else {
    res.chi_square = std::numeric_limits<double>::quiet_NaN();
  }
  res.converged = conv;
  return res;
}

schmid_leiman_result schmid_leiman(const Eigen::MatrixXd& correlation, Eigen::Index n_obs,
                                   const schmid_leiman_options& options) {
  const int n_factors = options.n_factors;
  const factor_method method = options.method;
  const factor_rotation rotation = options.rotation;
  const two_factor_general option = options.two_factor;
  if (rotation == factor_rotation::varimax || rotation == factor_rotation::none)
    throw error(errc::invalid_argument, "schmid_leiman: rotation '" + std::string(to_string(rotation)) +
                                            "' is orthogonal; the transformation needs an oblique rotation (oblimin or geomin)");
  schmid_leiman_result out;
  const Index k = correlation.rows();
  // psych schmid: fa(..., rotate = "varimax"), then the oblique rotation of those loadings.
  efa_options eo;
  eo.n_factors = n_factors;
  eo.method = method;
  eo.rotation = factor_rotation::varimax;
  efa_result orth = exploratory_factor_analysis(correlation, n_obs, eo);
  out.warnings = orth.warnings;
  const MatrixXd& orth_load = orth.loadings;
  MatrixXd fload;
  MatrixXd factr;
  VectorXd gload(n_factors);
  if (n_factors == 1) {
    fload = orth_load;
    factr = MatrixXd::Identity(1, 1);
    gload(0) = 1.0;
    out.warnings.push_back("omega_h is not meaningful with one factor");
  } else {
    rotation_result rot = rotate_loadings(orth_load, rotation, eo);
    if (!rot.converged) out.warnings.push_back(std::string(to_string(rotation)) + " rotation did not converge in the Schmid-Leiman step");
    fload = rot.loadings;
    factr = rot.phi;
    if (n_factors > 2) {
      efa_options go;
      go.n_factors = 1;
      go.method = method;
      efa_result gf = exploratory_factor_analysis(factr, 0, go);
      gload = gf.loadings.col(0);
      for (const auto& w : gf.warnings) out.warnings.push_back("higher-order factor: " + w);
    } else {
      const double r12 = factr(0, 1);
      switch (option) {
        case two_factor_general::equal:
          gload(0) = std::sqrt(std::abs(r12));
          gload(1) = (r12 > 0 ? 1.0 : (r12 < 0 ? -1.0 : 0.0)) * std::sqrt(std::abs(r12));
          break;
        case two_factor_general::first:
          gload(0) = 1.0;
          gload(1) = r12;
          break;
        case two_factor_general::second:
          gload(0) = r12;
          gload(1) = 1.0;
          break;
      }
      out.warnings.push_back(
          "three factors are required for identification; with two, the general factor loadings are set by the two-factor "
          "option (psych option = \"equal\" by default): proceed with caution");
    }
  }
  out.general = fload * gload;
  out.communalities = orth_load.rowwise().squaredNorm();
  out.uniquenesses = correlation.diagonal() - out.communalities;
  out.group.resize(k, n_factors);
  for (Index i = 0; i < k; ++i) {
    for (int c = 0; c < n_factors; ++c) {
      const double f = fload(i, c);
      double u = f * f * (1.0 - gload(c) * gload(c));  // psych: diag(model) - uniq - primeload^2
      if (u < 0) u = 0;
      out.group(i, c) = (f > 0 ? 1.0 : (f < 0 ? -1.0 : 0.0)) * std::sqrt(u);
    }
  }
  out.general_share = out.general.array().square() / out.communalities.array();
  out.oblique = fload;
  out.phi = factr;
  out.general_of_factors = gload;
  return out;
}

void parallel_options::validate() const {
  if (replicates < 1 || replicates > max_parallel_replicates)
    throw error(errc::invalid_argument, "parallel_options.replicates = " + std::to_string(replicates) +
                                            "; it must be in 1.." + std::to_string(max_parallel_replicates));
  if (!(quantile > 0 && quantile < 1))
    throw error(errc::invalid_argument, "parallel_options.quantile = " + number_text(quantile) + "; it must lie strictly between 0 and 1");
  if (threads < 0)
    throw error(errc::invalid_argument, "parallel_options.threads = " + std::to_string(threads) + "; it must be 0 (automatic) or positive");
}

parallel_result parallel_analysis(const Eigen::MatrixXd& correlation, Eigen::Index n_obs, const parallel_options& options) {
  options.validate();
  check_correlation(correlation, "parallel analysis");
  const Index k = correlation.rows();
  if (k < 2) throw error(errc::insufficient_data, "parallel analysis: k = " + std::to_string(k) + " item; at least 2 are needed");
  if (n_obs < 3) throw error(errc::invalid_argument, "parallel analysis: n_obs = " + std::to_string(n_obs) + "; at least 3 are needed");
  parallel_result out;
  out.n = n_obs;
  auto eig_pair = [](const MatrixXd& r, VectorXd& comp, VectorXd& fac) {
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(r, Eigen::EigenvaluesOnly);
    comp = es.eigenvalues().reverse();
    MatrixXd rs = r;
    // SMC diagonal (psych fa.parallel's principal-axis variant, Humphreys & Montanelli 1975)
    const MatrixXd inv = pinv_sym(r);
    for (Index i = 0; i < r.rows(); ++i) rs(i, i) = std::clamp(1.0 - 1.0 / inv(i, i), 0.0, 1.0);
    Eigen::SelfAdjointEigenSolver<MatrixXd> es2(rs, Eigen::EigenvaluesOnly);
    fac = es2.eigenvalues().reverse();
  };
  eig_pair(correlation, out.observed_components, out.observed_factors);
  const int reps = options.replicates;
  MatrixXd sim_c(k, reps), sim_f(k, reps);
  auto work = [&](int first, int last) {
    for (int r = first; r < last; ++r) {
      // one independent stream per replicate: the result does not depend on the thread count
      detail::rng gen(detail::stream_seed(options.seed, static_cast<std::uint64_t>(r)));
      MatrixXd x(n_obs, k);
      for (Index j = 0; j < k; ++j)
        for (Index i = 0; i < n_obs; ++i) x(i, j) = gen.normal();
      const Eigen::RowVectorXd mean = x.colwise().mean();
      x.rowwise() -= mean;
      MatrixXd c = x.transpose() * x;
      const VectorXd sd = c.diagonal().array().sqrt();
      c = sd.asDiagonal().inverse() * c * sd.asDiagonal().inverse();
      c.diagonal().setOnes();
      VectorXd vc, vf;
      eig_pair(c, vc, vf);
      sim_c.col(r) = vc;
      sim_f.col(r) = vf;
    }
  };
  // One task per replicate (it writes only its own columns): the library's one pool runs them,
  // the calling thread too, which sends the progress reports.
  detail::progress_meter meter(options.progress, "parallel_analysis", static_cast<std::uint64_t>(reps));
  detail::parallel_for(static_cast<std::size_t>(reps), options.threads, [&](std::size_t r) {
    work(static_cast<int>(r), static_cast<int>(r) + 1);
    meter.advance();
  });
  meter.finish();
  auto quant = [&](const MatrixXd& sims, VectorXd& outv) {
    outv.resize(k);
    for (Index i = 0; i < k; ++i) {
      std::vector<double> v(sims.row(i).data(), sims.row(i).data() + 0);
      v.resize(static_cast<std::size_t>(reps));
      for (int r = 0; r < reps; ++r) v[static_cast<std::size_t>(r)] = sims(i, r);
      std::sort(v.begin(), v.end());
      // R quantile type 7
      const double h = (reps - 1) * options.quantile;
      const auto lo = static_cast<std::size_t>(std::floor(h));
      const std::size_t hi = std::min(lo + 1, v.size() - 1);
      outv(i) = v[lo] + (h - std::floor(h)) * (v[hi] - v[lo]);
    }
  };
  quant(sim_c, out.simulated_components);
  quant(sim_f, out.simulated_factors);
  auto count = [&](const VectorXd& obs, const VectorXd& sim) {
    int n = 0;
    while (n < k && obs(n) > sim(n)) ++n;
    return n;
  };
  out.suggested_components = count(out.observed_components, out.simulated_components);
  out.suggested_factors = count(out.observed_factors, out.simulated_factors);
  return out;
}

ATTUNE_END_NAMESPACE
