// Confirmatory factor analysis by maximum likelihood (see include/attune/cfa.hpp).
//
// References:
//   lavaan 0.6.14 (Rosseel 2012, J Stat Softw 48(2)): cfa(std.lv = TRUE), likelihood "normal"
//     (S with divisor N), expected information, fitMeasures() (lav_fit_cfi, lav_fit_tli,
//     lav_fit_rmsea, lav_fit_rmsea_ci, lav_fit_rmsea_closefit, srmr_bentler, lav_fit_aic/bic).
//   Joreskog (1969) Psychometrika 34, 183-202: ML factor analysis, F_ML.
//   Lee & Jennrich (1979) Psychometrika 44, 99-113: Fisher scoring for covariance structures.
#include "attune/analyses/cfa.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/quote.hpp"
#include "detail/math.hpp"
#include "detail/number_text.hpp"
#include "detail/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
constexpr detail::enum_table<cfa_parameter_kind, 3> parameter_kind_names{
    {{cfa_parameter_kind::loading, "loading"},
     {cfa_parameter_kind::residual_variance, "residual_variance"},
     {cfa_parameter_kind::factor_correlation, "factor_correlation"}}};
}  // namespace

std::string_view to_string(cfa_parameter_kind k) noexcept { return detail::enum_name(parameter_kind_names, k); }
std::optional<cfa_parameter_kind> parse_cfa_parameter_kind(std::string_view s) noexcept {
  return detail::enum_parse(parameter_kind_names, s);
}

namespace {

using detail::number_text;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

// The parameter layout of a simple-structure model (lavaan's parameter order).
struct layout {
  std::size_t k = 0;                        // items
  std::size_t m = 0;                        // factors
  std::vector<std::size_t> factor_of_item;  // k
  std::vector<std::size_t> loading_item;    // k: item of loading parameter p (factor by factor)
  std::vector<std::size_t> loading_of_item; // k: loading parameter index of item i
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // factor pairs (j < l), lhs-major
  [[nodiscard]] std::size_t q() const { return 2 * k + pairs.size(); }
  [[nodiscard]] std::size_t residual(std::size_t i) const { return k + i; }
  [[nodiscard]] std::size_t correlation(std::size_t c) const { return 2 * k + c; }
};

layout make_layout(const cfa_model& model) {
  layout L;
  L.k = model.factor_of_item.size();
  L.m = model.factors.size();
  L.factor_of_item = model.factor_of_item;
  L.loading_of_item.assign(L.k, 0);
  for (std::size_t j = 0; j < L.m; ++j) {
    for (std::size_t i = 0; i < L.k; ++i) {
      if (L.factor_of_item[i] == j) {
        L.loading_of_item[i] = L.loading_item.size();
        L.loading_item.push_back(i);
      }
    }
  }
  for (std::size_t j = 0; j < L.m; ++j)
    for (std::size_t l = j + 1; l < L.m; ++l) L.pairs.emplace_back(j, l);
  return L;
}

struct matrices {
  Eigen::MatrixXd lambda;  // k x m
  Eigen::MatrixXd phi;     // m x m
  Eigen::VectorXd theta;   // k
};

matrices unpack(const layout& L, const Eigen::VectorXd& x) {
  matrices M{Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(L.k), static_cast<Eigen::Index>(L.m)),
             Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(L.m), static_cast<Eigen::Index>(L.m)),
             Eigen::VectorXd(static_cast<Eigen::Index>(L.k))};
  for (std::size_t p = 0; p < L.k; ++p) {
    const auto i = static_cast<Eigen::Index>(L.loading_item[p]);
    M.lambda(i, static_cast<Eigen::Index>(L.factor_of_item[L.loading_item[p]])) = x(static_cast<Eigen::Index>(p));
  }
  for (std::size_t i = 0; i < L.k; ++i) M.theta(static_cast<Eigen::Index>(i)) = x(static_cast<Eigen::Index>(L.residual(i)));
  for (std::size_t c = 0; c < L.pairs.size(); ++c) {
    const auto j = static_cast<Eigen::Index>(L.pairs[c].first), l = static_cast<Eigen::Index>(L.pairs[c].second);
    M.phi(j, l) = M.phi(l, j) = x(static_cast<Eigen::Index>(L.correlation(c)));
  }
  return M;
}

Eigen::MatrixXd implied(const matrices& M) {
  Eigen::MatrixXd sigma = M.lambda * M.phi * M.lambda.transpose();
  sigma.diagonal() += M.theta;
  return sigma;
}

// log|A| for a symmetric positive-definite A, or nullopt.
std::optional<double> log_det_pd(const Eigen::LLT<Eigen::MatrixXd>& llt) {
  if (llt.info() != Eigen::Success) return std::nullopt;
  const auto d = llt.matrixLLT().diagonal();
  if ((d.array() <= 0.0).any()) return std::nullopt;
  return 2.0 * d.array().log().sum();
}

// The discrepancy function and its pieces at one point.
struct evaluation {
  bool ok = false;
  double f = inf_value;          // F_ML (Joreskog 1969)
  Eigen::MatrixXd sigma, c;      // Sigma and Sigma^-1
  double log_det_sigma = 0, trace_sc = 0;
};

evaluation evaluate(const layout& L, const Eigen::VectorXd& x, const Eigen::MatrixXd& s, double log_det_s) {
  evaluation e;
  if (!x.allFinite()) return e;
  e.sigma = implied(unpack(L, x));
  Eigen::LLT<Eigen::MatrixXd> llt(e.sigma);
  const auto ld = log_det_pd(llt);
  if (!ld) return e;
  e.log_det_sigma = *ld;
  e.c = llt.solve(Eigen::MatrixXd::Identity(s.rows(), s.cols()));
  e.trace_sc = (s.array() * e.c.array()).sum();  // tr(S C), both symmetric
  e.f = e.log_det_sigma + e.trace_sc - log_det_s - static_cast<double>(L.k);
  e.ok = std::isfinite(e.f);
  return e;
}

// Gradient g_a = tr(M dSigma/da) with M = C (Sigma - S) C, and the expected second derivative
// H_ab = tr(C dSigma/da C dSigma/db) of F_ML (Lee & Jennrich 1979). Each dSigma/da is written
// s_a (a b' + b a'): a loading of item i on factor j has a = e_i, b = (Lambda Phi) e_j, s = 1;
// a residual variance has a = b = e_i, s = 1/2; a correlation (j, l) has a = Lambda e_j,
// b = Lambda e_l, s = 1. Then tr(C (ab'+ba') C (cd'+dc')) = 2[(a'Cc)(b'Cd) + (a'Cd)(b'Cc)].
void derivatives(const layout& L, const Eigen::VectorXd& x, const Eigen::MatrixXd& s, const evaluation& e,
                 Eigen::VectorXd& g, Eigen::MatrixXd& h, bool with_h = true) {
  const matrices M = unpack(L, x);
  const auto k = static_cast<Eigen::Index>(L.k);
  const auto q = static_cast<Eigen::Index>(L.q());
  const Eigen::MatrixXd lp = M.lambda * M.phi;  // k x m
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k, q), b = Eigen::MatrixXd::Zero(k, q);
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(q);
  for (std::size_t p = 0; p < L.k; ++p) {
    const auto i = static_cast<Eigen::Index>(L.loading_item[p]);
    a(i, static_cast<Eigen::Index>(p)) = 1.0;
    b.col(static_cast<Eigen::Index>(p)) = lp.col(static_cast<Eigen::Index>(L.factor_of_item[L.loading_item[p]]));
  }
  for (std::size_t i = 0; i < L.k; ++i) {
    const auto p = static_cast<Eigen::Index>(L.residual(i));
    a(static_cast<Eigen::Index>(i), p) = b(static_cast<Eigen::Index>(i), p) = 1.0;
    scale(p) = 0.5;
  }
  for (std::size_t c = 0; c < L.pairs.size(); ++c) {
    const auto p = static_cast<Eigen::Index>(L.correlation(c));
    a.col(p) = M.lambda.col(static_cast<Eigen::Index>(L.pairs[c].first));
    b.col(p) = M.lambda.col(static_cast<Eigen::Index>(L.pairs[c].second));
  }
  const Eigen::MatrixXd resid = e.sigma - s;
  const Eigen::MatrixXd mm = e.c * resid * e.c;
  // g_a = s_a tr(M (ab' + ba')) = 2 s_a a' M b.
  g = 2.0 * scale.array() * (a.array() * (mm * b).array()).colwise().sum().transpose();
  if (!with_h) return;
  const Eigen::MatrixXd ca = e.c * a, cb = e.c * b;
  const Eigen::MatrixXd pp = a.transpose() * ca;  // a_a' C a_b
  const Eigen::MatrixXd qq = b.transpose() * cb;  // b_a' C b_b
  const Eigen::MatrixXd rr = a.transpose() * cb;  // a_a' C b_b
  h = 2.0 * (scale * scale.transpose()).array() * (pp.array() * qq.array() + rr.array() * rr.transpose().array());
}

struct fit_state {
  Eigen::VectorXd x;
  evaluation e;
  int iterations = 0;
  bool converged = false;
  std::string failure;
};

// Fisher scoring with a backtracking line search from `x0`.
fit_state fisher_scoring(const layout& L, const Eigen::VectorXd& x0, const Eigen::MatrixXd& s, double log_det_s,
                         const cfa_options& options, detail::progress_meter& meter) {
  fit_state st;
  st.x = x0;
  st.e = evaluate(L, st.x, s, log_det_s);
  if (!st.e.ok) {
    st.failure = "the implied covariance matrix at the start is not positive definite";
    return st;
  }
  const auto q = static_cast<Eigen::Index>(L.q());
  Eigen::VectorXd g;
  Eigen::MatrixXd h;
  for (int it = 1; it <= options.max_iterations; ++it) {
    st.iterations = it;
    meter.advance();
    derivatives(L, st.x, s, st.e, g, h);
    // Solve H d = -g; a ridge (Levenberg) keeps the step defined where H is near singular.
    Eigen::VectorXd d;
    double ridge = 0.0;
    const double hscale = std::max(h.diagonal().cwiseAbs().maxCoeff(), 1e-300);
    for (int attempt = 0; attempt < 12; ++attempt) {
      Eigen::MatrixXd hr = h;
      hr.diagonal().array() += ridge;
      Eigen::LLT<Eigen::MatrixXd> llt(hr);
      if (llt.info() == Eigen::Success) {
        d = -llt.solve(g);
        if (d.allFinite()) break;
      }
      d.resize(0);
      ridge = ridge == 0.0 ? 1e-10 * hscale : ridge * 100.0;
    }
    if (d.size() != q) {
      st.failure = "the information matrix is singular during the iterations";
      return st;
    }
    // Fisher scoring converges only linearly when the model misfits badly or is weakly
    // identified (e.g. factors with near-zero loadings). After `newton_after` iterations, try a
    // Newton step on the observed Hessian of F_ML (central differences of the analytic
    // gradient), kept when the Hessian is positive definite; otherwise the scoring step stays.
    constexpr int newton_after = 25;
    if (it > newton_after) {
      Eigen::MatrixXd hess(q, q);
      bool ok = true;
      Eigen::VectorXd gp;
      Eigen::MatrixXd unused;
      for (Eigen::Index a = 0; a < q && ok; ++a) {
        // Forward differences: the Newton direction needs no more than ~1e-6 relative accuracy.
        const double step_a = 1e-7 * (1.0 + std::abs(st.x(a)));
        Eigen::VectorXd xp = st.x;
        xp(a) += step_a;
        const evaluation ep = evaluate(L, xp, s, log_det_s);
        if (!ep.ok) {
          ok = false;
          break;
        }
        derivatives(L, xp, s, ep, gp, unused, /*with_h=*/false);
        hess.col(a) = (gp - g) / step_a;
      }
      if (ok) {
        const Eigen::MatrixXd sym = 0.5 * (hess + hess.transpose());
        Eigen::LLT<Eigen::MatrixXd> llt(sym);
        if (llt.info() == Eigen::Success) {
          const Eigen::VectorXd dn = -llt.solve(g);
          if (dn.allFinite() && g.dot(dn) < 0.0) d = dn;
        }
      }
    }
    // Backtracking (Armijo) line search on F_ML, keeping Sigma positive definite.
    const double slope = g.dot(d);
    double step = 1.0;
    bool accepted = false;
    evaluation trial;
    Eigen::VectorXd xt;
    for (int half = 0; half < 40; ++half) {
      xt = st.x + step * d;
      trial = evaluate(L, xt, s, log_det_s);
      if (trial.ok && trial.f <= st.e.f + 1e-4 * step * std::min(slope, 0.0) + 1e-13 * (1.0 + std::abs(st.e.f))) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease along the scoring direction: at the minimum to working precision?
      if (d.cwiseAbs().maxCoeff() < std::sqrt(options.tolerance)) {
        st.converged = true;
        return st;
      }
      st.failure = "the line search found no decrease";
      return st;
    }
    const double change = (step * d).cwiseAbs().maxCoeff();
    st.x = xt;
    st.e = std::move(trial);
    if (step == 1.0 && change < options.tolerance) {
      st.converged = true;
      return st;
    }
  }
  st.failure = "no convergence within " + std::to_string(options.max_iterations) + " iterations";
  return st;
}

// Starting values. Kind 0: per factor, the first principal component of its items' correlation
// matrix (loadings clipped to [0.1, 0.95] in absolute value), residual variances s_ii (1 - l^2),
// factor correlations from unit-weighted composites of the standardized items (clipped to
// +-0.9). Kind 1: all standardized loadings 0.5 (signs from kind 0), residual variances
// 0.75 s_ii, uncorrelated factors.
Eigen::VectorXd start_values(const layout& L, const Eigen::MatrixXd& s, int kind) {
  const auto k = static_cast<Eigen::Index>(L.k);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(L.q()));
  const Eigen::VectorXd sd = s.diagonal().array().sqrt();
  Eigen::VectorXd std_loading(k);
  for (std::size_t j = 0; j < L.m; ++j) {
    std::vector<Eigen::Index> idx;
    for (std::size_t i = 0; i < L.k; ++i)
      if (L.factor_of_item[i] == j) idx.push_back(static_cast<Eigen::Index>(i));
    const auto kj = static_cast<Eigen::Index>(idx.size());
    Eigen::MatrixXd r(kj, kj);
    for (Eigen::Index u = 0; u < kj; ++u)
      for (Eigen::Index v = 0; v < kj; ++v) r(u, v) = s(idx[static_cast<std::size_t>(u)], idx[static_cast<std::size_t>(v)]) / (sd(idx[static_cast<std::size_t>(u)]) * sd(idx[static_cast<std::size_t>(v)]));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(r);
    Eigen::VectorXd u = es.eigenvectors().col(kj - 1) * std::sqrt(std::max(es.eigenvalues()(kj - 1), 0.0));
    if (u.sum() < 0) u = -u;
    for (Eigen::Index t = 0; t < kj; ++t) {
      double l = u(t);
      const double sign = l < 0 ? -1.0 : 1.0;
      l = kind == 0 ? sign * std::clamp(std::abs(l), 0.1, 0.95) : sign * 0.5;
      std_loading(idx[static_cast<std::size_t>(t)]) = l;
    }
  }
  for (std::size_t i = 0; i < L.k; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    x(static_cast<Eigen::Index>(L.loading_of_item[i])) = std_loading(ii) * sd(ii);
    x(static_cast<Eigen::Index>(L.residual(i))) =
        kind == 0 ? s(ii, ii) * (1.0 - std_loading(ii) * std_loading(ii)) : 0.75 * s(ii, ii);
  }
  if (kind == 0 && !L.pairs.empty()) {
    // Composite j = sum over its items of sign(l_i) x_i / sd_i.
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(k, static_cast<Eigen::Index>(L.m));
    for (std::size_t i = 0; i < L.k; ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      w(ii, static_cast<Eigen::Index>(L.factor_of_item[i])) = (std_loading(ii) < 0 ? -1.0 : 1.0) / sd(ii);
    }
    const Eigen::MatrixXd cc = w.transpose() * s * w;
    for (std::size_t c = 0; c < L.pairs.size(); ++c) {
      const auto j = static_cast<Eigen::Index>(L.pairs[c].first), l = static_cast<Eigen::Index>(L.pairs[c].second);
      const double r = cc(j, l) / std::sqrt(cc(j, j) * cc(l, l));
      x(static_cast<Eigen::Index>(L.correlation(c))) = std::isfinite(r) ? std::clamp(r, -0.9, 0.9) : 0.0;
    }
  }
  return x;
}

double normal_two_sided_p(double z) { return std::erfc(std::abs(z) / std::numbers::sqrt2); }

// Root of f on [lo, hi] (f(lo), f(hi) of opposite signs): TOMS 748 (Alefeld, Potra & Shi 1995,
// Boost.Math) to 45 bits, which takes ~10 evaluations of the non-central chi-square CDF where
// bisection takes ~50 (lavaan uses stats::uniroot with tol 1.2e-4, i.e. less precise).
template <class F>
double find_root(F f, double lo, double hi) {
  return detail::find_root_toms748(f, lo, hi, 45, 200);  // NaN when [lo, hi] does not bracket a root
}

double pchisq_nc(double x, double df, double ncp) { return detail::non_central_chi_squared_cdf(x, df, ncp); }

void fit_measures(const layout& L, const Eigen::MatrixXd& s, double log_det_s, const evaluation& e, std::size_t n,
                  const cfa_options& options, cfa_fit_measures& fm) {
  const double nn = static_cast<double>(n);
  const double k = static_cast<double>(L.k);
  fm.npar = L.q();
  fm.fmin = 0.5 * e.f;  // lavaan's fmin is F_ML / 2
  fm.chisq = nn * e.f;  // lavaan: 2 N fmin (likelihood "normal")
  fm.df = k * (k + 1.0) / 2.0 - static_cast<double>(fm.npar);
  fm.pvalue = fm.df > 0 ? detail::chi_squared_upper_tail(std::max(fm.chisq, 0.0), fm.df)
                        : nan_value;
  // Independence (baseline) model: Sigma0 = diag(S).
  fm.baseline_chisq = nn * (s.diagonal().array().log().sum() - log_det_s);
  fm.baseline_df = k * (k - 1.0) / 2.0;
  fm.baseline_pvalue = detail::chi_squared_upper_tail(std::max(fm.baseline_chisq, 0.0), fm.baseline_df);
  // lavaan 0.6.14 lav_fit_cfi: t1 = max(X2 - df, 0), t2 = max(X2 - df, X2.null - df.null, 0).
  const double t1 = std::max(fm.chisq - fm.df, 0.0);
  const double t2 = std::max({fm.chisq - fm.df, fm.baseline_chisq - fm.baseline_df, 0.0});
  fm.cfi = (std::abs(t1) < 1.5e-8 && std::abs(t2) < 1.5e-8) ? 1.0 : 1.0 - t1 / t2;
  // lav_fit_tli: 1 - ((X2 - df) df.null) / ((X2.null - df.null) df); 1 when df = 0.
  {
    const double u1 = (fm.chisq - fm.df) * fm.baseline_df;
    const double u2 = (fm.baseline_chisq - fm.baseline_df) * fm.df;
    fm.tli = (fm.df > 0 && std::abs(u2) > 0) ? 1.0 - u1 / u2 : 1.0;
  }
  // Log-likelihoods with saturated means (lavaan's logl, unrestricted.logl).
  const double log2pi = std::log(2.0 * std::numbers::pi);
  fm.loglik = -nn / 2.0 * (k * log2pi + e.log_det_sigma + e.trace_sc);
  fm.unrestricted_loglik = -nn / 2.0 * (k * log2pi + log_det_s + k);
  fm.aic = -2.0 * fm.loglik + 2.0 * static_cast<double>(fm.npar);
  fm.bic = -2.0 * fm.loglik + static_cast<double>(fm.npar) * std::log(nn);
  // lav_fit_rmsea: sqrt(max(X2 / N / df - 1 / N, 0)).
  fm.rmsea = fm.df > 0 ? std::sqrt(std::max(fm.chisq / nn / fm.df - 1.0 / nn, 0.0)) : 0.0;
  // lav_fit_rmsea_ci: lambda with pchisq(X2, df, lambda) = (1 + level)/2 (lower) and
  // (1 - level)/2 (upper); RMSEA bound = sqrt(lambda / (N df)).
  const double upper_p = 1.0 - (1.0 - options.rmsea_ci_level) / 2.0;
  const double lower_p = (1.0 - options.rmsea_ci_level) / 2.0;
  const double x2 = fm.chisq, df = fm.df;
  if (df < 1.0 || pchisq_nc(x2, df, 0.0) - upper_p < 0.0) {
    fm.rmsea_lower = 0.0;
  } else {
    const double lambda = find_root([&](double lam) { return pchisq_nc(x2, df, lam) - upper_p; }, 0.0, x2);
    fm.rmsea_lower = std::sqrt(lambda / (nn * df));
  }
  const double n_rmsea = std::max(nn, 4.0 * x2);
  if (df < 1.0 || pchisq_nc(x2, df, n_rmsea) - lower_p > 0.0 || pchisq_nc(x2, df, 0.0) - lower_p < 0.0) {
    fm.rmsea_upper = 0.0;
  } else {
    const double lambda = find_root([&](double lam) { return pchisq_nc(x2, df, lam) - lower_p; }, 0.0, n_rmsea);
    fm.rmsea_upper = std::sqrt(lambda / (nn * df));
  }
  // lav_fit_rmsea_closefit: 1 - pchisq(X2, df, ncp = N df h0^2).
  fm.rmsea_pvalue = df > 0 ? 1.0 - pchisq_nc(x2, df, nn * df * options.rmsea_close_h0 * options.rmsea_close_h0)
                           : nan_value;
  // Bentler's SRMR (lavaan "srmr" = srmr_bentler without mean structure): the root mean square of
  // (s_ij - sigma_ij) / sqrt(s_ii s_jj) over the k(k+1)/2 elements i <= j.
  double ss = 0.0;
  for (Eigen::Index j = 0; j < s.cols(); ++j) {
    for (Eigen::Index i = j; i < s.rows(); ++i) {
      const double r = (s(i, j) - e.sigma(i, j)) / std::sqrt(s(i, i) * s(j, j));
      ss += r * r;
    }
  }
  fm.srmr = std::sqrt(ss / (k * (k + 1.0) / 2.0));
}

cfa_result fit_model(const Eigen::MatrixXd& s, std::size_t n, const cfa_model& model, const cfa_options& options,
                     std::vector<std::string> warnings) {
  const layout L = make_layout(model);
  const auto k = static_cast<Eigen::Index>(L.k);
  const auto m = static_cast<Eigen::Index>(L.m);
  const auto q = static_cast<Eigen::Index>(L.q());
  const std::vector<std::string> items = model.item_names(L.k);

  // df >= 0 always holds here: cfa_model::validate requires >= 2 items per factor and >= 3
  // items for one factor, so k(k+1)/2 - 2k - m(m-1)/2 >= 0.
  if (n < L.k + 1) {
    throw error(errc::insufficient_data, "cfa: N = " + std::to_string(n) + " complete rows for k = " +
                                             std::to_string(L.k) + " items; need at least k + 1 = " +
                                             std::to_string(L.k + 1));
  }
  for (Eigen::Index i = 0; i < k; ++i) {
    if (!(s(i, i) > 0.0)) {
      throw error(errc::numerical_issue, "cfa: item " + detail::quoted(items[static_cast<std::size_t>(i)]) +
                                             " has zero variance (" + number_text(s(i, i), 6) +
                                             "); the sample covariance matrix is not positive definite");
    }
  }
  Eigen::LLT<Eigen::MatrixXd> llt_s(s);
  const auto log_det_s = log_det_pd(llt_s);
  if (!log_det_s || !std::isfinite(*log_det_s)) {
    throw error(errc::numerical_issue,
                "cfa: the sample covariance matrix of the " + std::to_string(L.k) +
                    " items is not positive definite (an item is a linear combination of others, or too few rows)");
  }

  // Starts: the user's (if any), then attune's two.
  std::vector<Eigen::VectorXd> starts;
  if (options.start.size() > 0) {
    if (options.start.size() != q) {
      throw error(errc::invalid_argument, "cfa: options.start has " + std::to_string(options.start.size()) +
                                              " values; the model has " + std::to_string(L.q()) + " parameters");
    }
    starts.push_back(options.start);
  }
  starts.push_back(start_values(L, s, 0));
  starts.push_back(start_values(L, s, 1));
  fit_state best;
  bool found = false;
  std::string failures;
  // Iterations of all starts; the total is unknown (a fit stops when it converges).
  detail::progress_meter meter(options.progress, "cfa", 0, 10);
  for (std::size_t t = 0; t < starts.size(); ++t) {
    fit_state st = fisher_scoring(L, starts[t], s, *log_det_s, options, meter);
    if (st.converged) {
      best = std::move(st);
      found = true;
      break;
    }
    const std::string which = options.start.size() > 0 && t == 0 ? "the given start" : "start " + std::to_string(options.start.size() > 0 ? t : t + 1);
    failures += (failures.empty() ? "" : "; ") + which + ": " + st.failure;
    warnings.push_back("cfa: " + which + " failed (" + st.failure + "); trying another start");
  }
  meter.finish();
  if (!found) {
    throw error(errc::no_convergence, "cfa: the ML fit did not converge (" + failures + ")");
  }

  // Orientation: each factor turned so that the sum of its loadings is >= 0.
  {
    Eigen::VectorXd sums = Eigen::VectorXd::Zero(m);
    for (std::size_t i = 0; i < L.k; ++i)
      sums(static_cast<Eigen::Index>(L.factor_of_item[i])) += best.x(static_cast<Eigen::Index>(L.loading_of_item[i]));
    for (std::size_t i = 0; i < L.k; ++i)
      if (sums(static_cast<Eigen::Index>(L.factor_of_item[i])) < 0) best.x(static_cast<Eigen::Index>(L.loading_of_item[i])) *= -1.0;
    for (std::size_t c = 0; c < L.pairs.size(); ++c) {
      const bool flip = (sums(static_cast<Eigen::Index>(L.pairs[c].first)) < 0) != (sums(static_cast<Eigen::Index>(L.pairs[c].second)) < 0);
      if (flip) best.x(static_cast<Eigen::Index>(L.correlation(c))) *= -1.0;
    }
    best.e = evaluate(L, best.x, s, *log_det_s);
  }

  // Standard errors: Cov = (N/2 H)^-1 (expected information of the log-likelihood).
  Eigen::VectorXd g;
  Eigen::MatrixXd h;
  derivatives(L, best.x, s, best.e, g, h);
  Eigen::MatrixXd info = static_cast<double>(n) / 2.0 * h;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(info);
  const double emax = es.eigenvalues().cwiseAbs().maxCoeff();
  if (es.info() != Eigen::Success || es.eigenvalues().minCoeff() <= 1e-10 * emax) {
    throw error(errc::numerical_issue,
                "cfa: the information matrix is singular at the solution (smallest eigenvalue " +
                    number_text(es.eigenvalues().minCoeff(), 6) + "): the model is not identified by these data "
                    "(e.g. a two-item factor uncorrelated with the others)");
  }
  const Eigen::MatrixXd vcov = es.eigenvectors() * es.eigenvalues().cwiseInverse().asDiagonal() * es.eigenvectors().transpose();

  cfa_result r;
  r.factors = model.factors;
  r.items = items;
  r.n = n;
  r.iterations = best.iterations;
  r.sample_covariance = s;
  r.implied_covariance = best.e.sigma;
  r.vcov = vcov;
  const matrices M = unpack(L, best.x);
  const Eigen::VectorXd sigma_diag = best.e.sigma.diagonal();
  r.loadings = M.lambda;
  r.loadings_se = Eigen::MatrixXd::Constant(k, m, nan_value);
  r.std_loadings = Eigen::MatrixXd::Zero(k, m);
  r.factor_correlations = M.phi;
  r.factor_correlations_se = Eigen::MatrixXd::Constant(m, m, nan_value);
  r.residual_variances = M.theta;
  r.residual_variances_se.resize(k);
  r.std_residual_variances = M.theta.array() / sigma_diag.array();
  r.r_squared = 1.0 - r.std_residual_variances.array();

  // Standardized solution (lavaan std.all) and its delta-method standard errors: with simple
  // structure and unit factor variances, item i's std loading l / sqrt(l^2 + t) and std residual
  // t / (l^2 + t) depend only on its own loading l and residual variance t.
  Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(q, q);
  for (std::size_t i = 0; i < L.k; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    const auto pl = static_cast<Eigen::Index>(L.loading_of_item[i]);
    const auto pt = static_cast<Eigen::Index>(L.residual(i));
    const double l = best.x(pl), t = best.x(pt), v = sigma_diag(ii);
    const double v32 = v * std::sqrt(v);
    jac(pl, pl) = t / v32;
    jac(pl, pt) = -0.5 * l / v32;
    jac(pt, pl) = -2.0 * l * t / (v * v);
    jac(pt, pt) = l * l / (v * v);
  }
  for (std::size_t c = 0; c < L.pairs.size(); ++c) {
    const auto p = static_cast<Eigen::Index>(L.correlation(c));
    jac(p, p) = 1.0;
  }
  const Eigen::VectorXd std_se = (jac * vcov * jac.transpose()).diagonal().cwiseMax(0.0).cwiseSqrt();

  r.parameters.resize(L.q());
  for (std::size_t p = 0; p < L.q(); ++p) {
    cfa_parameter& par = r.parameters[p];
    const auto pi = static_cast<Eigen::Index>(p);
    par.estimate = best.x(pi);
    par.se = std::sqrt(std::max(vcov(pi, pi), 0.0));
    par.z = par.estimate / par.se;
    par.pvalue = normal_two_sided_p(par.z);
    par.std_all_se = std_se(pi);
    if (p < L.k) {
      const std::size_t i = L.loading_item[p];
      const auto ii = static_cast<Eigen::Index>(i);
      const auto j = static_cast<Eigen::Index>(L.factor_of_item[i]);
      par.kind = cfa_parameter_kind::loading;
      par.lhs = L.factor_of_item[i];
      par.rhs = i;
      par.std_all = par.estimate / std::sqrt(sigma_diag(ii));
      r.loadings_se(ii, j) = par.se;
      r.std_loadings(ii, j) = par.std_all;
    } else if (p < 2 * L.k) {
      const std::size_t i = p - L.k;
      par.kind = cfa_parameter_kind::residual_variance;
      par.lhs = par.rhs = i;
      par.std_all = par.estimate / sigma_diag(static_cast<Eigen::Index>(i));
      r.residual_variances_se(static_cast<Eigen::Index>(i)) = par.se;
    } else {
      const auto& pr = L.pairs[p - 2 * L.k];
      par.kind = cfa_parameter_kind::factor_correlation;
      par.lhs = pr.first;
      par.rhs = pr.second;
      par.std_all = par.estimate;
      r.factor_correlations_se(static_cast<Eigen::Index>(pr.first), static_cast<Eigen::Index>(pr.second)) = par.se;
      r.factor_correlations_se(static_cast<Eigen::Index>(pr.second), static_cast<Eigen::Index>(pr.first)) = par.se;
    }
  }

  fit_measures(L, s, *log_det_s, best.e, n, options, r.fit);

  // Diagnostics: Heywood cases and improper factor correlations.
  for (std::size_t i = 0; i < L.k; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    if (M.theta(ii) < 0.0) {
      warnings.push_back("cfa: Heywood case: the residual variance of item " + detail::quoted(items[i]) + " is negative (" +
                         number_text(M.theta(ii), 6) + "; standardized loading " +
                         number_text(r.std_loadings(ii, static_cast<Eigen::Index>(L.factor_of_item[i])), 6) +
                         "): the solution is improper");
    }
  }
  for (std::size_t c = 0; c < L.pairs.size(); ++c) {
    const double phi = best.x(static_cast<Eigen::Index>(L.correlation(c)));
    if (std::abs(phi) > 1.0) {
      warnings.push_back("cfa: the correlation of factors " + detail::quoted(model.factors[L.pairs[c].first]) + " and " +
                         detail::quoted(model.factors[L.pairs[c].second]) + " is " + number_text(phi, 6) +
                         ", outside [-1, 1]: the solution is improper");
    }
  }
  if (m > 1) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ep(M.phi, Eigen::EigenvaluesOnly);
    if (ep.eigenvalues().minCoeff() <= 0.0) {
      warnings.push_back("cfa: the factor correlation matrix is not positive definite (smallest eigenvalue " +
                         number_text(ep.eigenvalues().minCoeff(), 6) + ")");
    }
  }
  r.warnings = std::move(warnings);
  return r;
}

}  // namespace

void cfa_model::validate(std::size_t n_items) const {
  if (factors.empty()) throw error(errc::invalid_argument, "cfa: the model has no factors");
  std::set<std::string> seen;
  for (const auto& f : factors) {
    if (f.empty()) throw error(errc::invalid_argument, "cfa: a factor name is empty");
    if (!seen.insert(f).second) throw error(errc::invalid_argument, "cfa: factor name " + detail::quoted(f) + " is used twice");
  }
  if (factor_of_item.size() != n_items) {
    throw error(errc::invalid_argument, "cfa: factor_of_item has " + std::to_string(factor_of_item.size()) +
                                            " entries for " + std::to_string(n_items) + " items");
  }
  if (!items.empty() && items.size() != n_items) {
    throw error(errc::invalid_argument, "cfa: items has " + std::to_string(items.size()) + " names for " +
                                            std::to_string(n_items) + " items");
  }
  std::vector<std::size_t> count(factors.size(), 0);
  for (std::size_t i = 0; i < n_items; ++i) {
    if (factor_of_item[i] >= factors.size()) {
      throw error(errc::invalid_argument, "cfa: item " + std::to_string(i + 1) + " is assigned to factor " +
                                              std::to_string(factor_of_item[i]) + "; the model has " +
                                              std::to_string(factors.size()) + " factors (0-based indices)");
    }
    ++count[factor_of_item[i]];
  }
  for (std::size_t j = 0; j < factors.size(); ++j) {
    if (count[j] < 2) {
      throw error(errc::invalid_argument, "cfa: factor " + detail::quoted(factors[j]) + " has " + std::to_string(count[j]) +
                                              " item(s); a factor needs at least 2 to be identified");
    }
  }
  if (factors.size() == 1 && n_items < 3) {
    throw error(errc::invalid_argument, "cfa: a one-factor model needs at least 3 items; got " + std::to_string(n_items));
  }
}

std::vector<std::string> cfa_model::item_names(std::size_t n_items) const {
  if (!items.empty()) return items;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n_items; ++i) names.push_back("item " + std::to_string(i + 1));
  return names;
}

void cfa_options::validate() const {
  if (max_iterations < 1) throw error(errc::invalid_argument, "cfa: max_iterations = " + std::to_string(max_iterations) + "; must be >= 1");
  if (!(tolerance > 0.0 && tolerance < 1.0)) throw error(errc::invalid_argument, "cfa: tolerance = " + number_text(tolerance) + "; must be in (0, 1)");
  if (!(rmsea_ci_level > 0.0 && rmsea_ci_level < 1.0)) throw error(errc::invalid_argument, "cfa: rmsea_ci_level = " + number_text(rmsea_ci_level) + "; must be in (0, 1)");
  if (!(rmsea_close_h0 >= 0.0) || !std::isfinite(rmsea_close_h0)) throw error(errc::invalid_argument, "cfa: rmsea_close_h0 = " + number_text(rmsea_close_h0) + "; must be >= 0");
  if (!start.allFinite()) throw error(errc::invalid_argument, "cfa: options.start contains a value that is not finite");
}

cfa_result confirmatory_factor_analysis(const Eigen::MatrixXd& data, const cfa_model& model, const cfa_options& options) {
  options.validate();
  model.validate(static_cast<std::size_t>(data.cols()));
  const std::vector<std::string> items = model.item_names(static_cast<std::size_t>(data.cols()));
  // Listwise deletion: only rows with every item answered (lavaan missing = "listwise").
  std::vector<Eigen::Index> rows;
  rows.reserve(static_cast<std::size_t>(data.rows()));
  for (Eigen::Index r = 0; r < data.rows(); ++r) {
    bool complete = true;
    for (Eigen::Index c = 0; c < data.cols(); ++c) {
      const double v = data(r, c);
      if (std::isnan(v)) {
        complete = false;
      } else if (!std::isfinite(v)) {
        throw error(errc::bad_input, "cfa: row " + std::to_string(r + 1) + ", item " +
                                         detail::quoted(items[static_cast<std::size_t>(c)]) + ": value " + number_text(v) + " is not finite");
      }
    }
    if (complete) rows.push_back(r);
  }
  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto k = data.cols();
  if (n < 2) {
    throw error(errc::insufficient_data, "cfa: " + std::to_string(n) + " complete row(s) of " +
                                             std::to_string(data.rows()) + "; need at least k + 1 = " +
                                             std::to_string(k + 1));
  }
  // Covariance with divisor N (lavaan likelihood "normal"), centred for accuracy.
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index r = 0; r < n; ++r) x.row(r) = data.row(rows[static_cast<std::size_t>(r)]);
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(k, k);
  s.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  s = s.selfadjointView<Eigen::Lower>();
  s /= static_cast<double>(n);
  std::vector<std::string> warnings;
  const auto dropped = static_cast<std::size_t>(data.rows() - n);
  if (dropped > 0) {
    warnings.push_back("cfa: " + std::to_string(dropped) + " of " + std::to_string(data.rows()) +
                       " rows dropped for missing answers (listwise deletion); N = " + std::to_string(n));
  }
  cfa_result r = fit_model(s, static_cast<std::size_t>(n), model, options, std::move(warnings));
  r.n_dropped = dropped;
  return r;
}

cfa_result cfa_from_covariance(const Eigen::MatrixXd& covariance, std::size_t n, const cfa_model& model,
                               const cfa_options& options) {
  options.validate();
  if (covariance.rows() != covariance.cols()) {
    throw error(errc::invalid_argument, "cfa: the covariance matrix is " + std::to_string(covariance.rows()) + " x " +
                                            std::to_string(covariance.cols()) + "; it must be square");
  }
  model.validate(static_cast<std::size_t>(covariance.cols()));
  if (!covariance.allFinite()) throw error(errc::bad_input, "cfa: the covariance matrix contains a value that is not finite");
  const double tol = 1e-10 * std::max(1.0, covariance.cwiseAbs().maxCoeff());
  for (Eigen::Index i = 0; i < covariance.rows(); ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      if (std::abs(covariance(i, j) - covariance(j, i)) > tol) {
        throw error(errc::invalid_argument, "cfa: the covariance matrix is not symmetric at (" + std::to_string(i + 1) +
                                                ", " + std::to_string(j + 1) + "): " + number_text(covariance(i, j)) +
                                                " vs " + number_text(covariance(j, i)));
      }
    }
  }
  const Eigen::MatrixXd s = 0.5 * (covariance + covariance.transpose());
  return fit_model(s, n, model, options, {});
}

ATTUNE_END_NAMESPACE
