// Latent profile analysis: Gaussian mixtures with mclust's 14 covariance models.
// Sources: Celeux & Govaert (1995) for the M-steps; Browne & McNicholas (2014) for the common
// orientation of EVE and VVE (majorisation-minimisation); Fraley (1998) for the model-based
// hierarchical start; Fraley & Raftery (2002, 2007) and Scrucca et al. (2016) for mclust's
// conventions (parameter counts, BIC, ICL, the conjugate prior and its defaults); McLachlan (1987)
// for the bootstrap LRT; Arthur & Vassilvitskii (2007) for k-means++ seeds. mclust 6.0.0 was read
// for its behaviour (defaults, stopping rule, the order of the steps), not copied.
#include "attune/analyses/profiles.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "attune/core/error.hpp"
#include "detail/disjoint_sets.hpp"
#include "detail/finite_value.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"
#include "detail/random.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;
using model_t = covariance_model;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double log_2pi = 1.8378770664093454835606594728112;
// mclust's emControl()$tol[2] and its threshold for an empty profile: sqrt(machine eps).
const double rteps = std::sqrt(std::numeric_limits<double>::epsilon());
constexpr std::size_t inner_max_iterations = 10000;
constexpr std::size_t estep_min_block = 512;
// Stream indices of the random draws that are not starts (starts use 0, 1, 2, ...).
constexpr std::uint64_t subset_stream = 0x5B5E7ULL << 32;
constexpr std::uint64_t bootstrap_stream = 0xB007ULL << 40;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void fail_option(const std::string& field, const std::string& value, const std::string& rule_text,
                              const std::string& rule_id) {
  error_details d;
  d.option = "mixture_options." + field;
  d.value = value;
  d.rule = rule_id;
  throw error(errc::invalid_argument, "mixture_options." + field + " = " + value + ": " + rule_text, d);
}

bool has_prior_formula(model_t m) {
  return m == model_t::EII || m == model_t::VII || m == model_t::EEI || m == model_t::VVI ||
         m == model_t::EEE || m == model_t::VVV;
}

bool full_scale_prior(model_t m) { return m == model_t::EEE || m == model_t::VVV; }

std::string profile_name(std::size_t k) { return "profile " + std::to_string(k + 1); }

// ---------------------------------------------------------------------------------------------
// Data: the complete rows, centred (so that one-pass cross-products lose no precision), row-major.

struct dataset {
  std::size_t n = 0, d = 0;
  std::vector<double> x;   // n * d, centred by `centre`
  Eigen::VectorXd centre;  // added back to report means
  double max_eigen = 0.0;  // largest eigenvalue of the sample covariance (collapse scale)
  Eigen::MatrixXd cov;     // sample covariance, n - 1 denominator (prior defaults)
  std::vector<std::size_t> bounds;  // E-step blocks (a function of n only)
};

void finish_dataset(dataset& ds) {
  const auto d = static_cast<Eigen::Index>(ds.d);
  ds.cov = Eigen::MatrixXd::Zero(d, d);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
  for (std::size_t i = 0; i < ds.n; ++i) {
    for (Eigen::Index a = 0; a < d; ++a) mean(a) += ds.x[i * ds.d + static_cast<std::size_t>(a)];
  }
  mean /= static_cast<double>(ds.n);
  for (std::size_t i = 0; i < ds.n; ++i) {
    const double* xi = &ds.x[i * ds.d];
    for (Eigen::Index a = 0; a < d; ++a) {
      for (Eigen::Index b = a; b < d; ++b) ds.cov(a, b) += (xi[a] - mean(a)) * (xi[b] - mean(b));
    }
  }
  ds.cov = ds.cov.selfadjointView<Eigen::Upper>();
  ds.cov /= std::max<double>(1.0, static_cast<double>(ds.n) - 1.0);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(ds.cov, Eigen::EigenvaluesOnly);
  ds.max_eigen = es.eigenvalues().maxCoeff();
  ds.bounds = detail::block_bounds(ds.n, estep_min_block);
}

// ---------------------------------------------------------------------------------------------
// Sufficient statistics of the M-step: n_k = sum z_ik, s_k = sum z_ik x_i, C_k = sum z_ik x_i x_i^T
// (upper triangle), over `rows` rows.

struct suff_stats {
  std::size_t k = 0, d = 0;
  double rows = 0.0;
  std::vector<double> nk, s, c;
  void reset(std::size_t k_, std::size_t d_) {
    k = k_;
    d = d_;
    rows = 0.0;
    nk.assign(k, 0.0);
    s.assign(k * d, 0.0);
    c.assign(k * d * d, 0.0);
  }
  void add(const suff_stats& o) {
    rows += o.rows;
    for (std::size_t i = 0; i < nk.size(); ++i) nk[i] += o.nk[i];
    for (std::size_t i = 0; i < s.size(); ++i) s[i] += o.s[i];
    for (std::size_t i = 0; i < c.size(); ++i) c[i] += o.c[i];
  }
  inline void accumulate(std::size_t comp, double z, const double* xi) {
    nk[comp] += z;
    double* sk = &s[comp * d];
    double* ck = &c[comp * d * d];
    for (std::size_t a = 0; a < d; ++a) {
      const double zx = z * xi[a];
      sk[a] += zx;
      for (std::size_t b = a; b < d; ++b) ck[a * d + b] += zx * xi[b];
    }
  }
};

// Hard memberships (label per listed row, 0..k-1) as statistics.
suff_stats partition_stats(const dataset& ds, const std::vector<std::size_t>& rows, const std::vector<int>& label,
                           std::size_t k) {
  suff_stats st;
  st.reset(k, ds.d);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    st.accumulate(static_cast<std::size_t>(label[r]), 1.0, &ds.x[rows[r] * ds.d]);
  }
  st.rows = static_cast<double>(rows.size());
  return st;
}

// ---------------------------------------------------------------------------------------------
// Parameters (in the centred coordinates) and the state that warm-starts the iterative M-steps.

struct mixture_params {
  std::size_t k = 0, d = 0;
  std::vector<double> pro;
  std::vector<Eigen::VectorXd> mean;
  std::vector<Eigen::MatrixXd> sigma;
  // Warm start of the inner loops (VEI, VEE, VEV: shape/C and scale; EVE, VVE: orientation, shapes).
  bool warm = false;
  Eigen::MatrixXd orientation;
  std::vector<Eigen::VectorXd> shape;
  std::vector<double> scale;
  Eigen::MatrixXd common;
};

struct prior_params {
  double shrinkage = 0.0;
  Eigen::VectorXd mean;   // centred coordinates
  double dof = 0.0;
  Eigen::MatrixXd scale;  // d x d (EEE, VVV) or 1 x 1 (s_P)
};

struct inner_info {
  std::size_t not_converged = 0;  // inner loops that hit inner_max_iterations
};

double geometric_mean(const Eigen::VectorXd& v) { return std::exp(v.array().log().mean()); }

// The weighted scatter about each profile's mean: W_k = C_k - s_k s_k^T / n_k.
Eigen::MatrixXd scatter(const suff_stats& st, std::size_t comp) {
  const auto d = static_cast<Eigen::Index>(st.d);
  Eigen::MatrixXd w(d, d);
  const double nk = st.nk[comp];
  const double* sk = &st.s[comp * st.d];
  const double* ck = &st.c[comp * st.d * st.d];
  for (Eigen::Index a = 0; a < d; ++a) {
    for (Eigen::Index b = a; b < d; ++b) {
      const double v = ck[static_cast<std::size_t>(a * d + b)] - sk[a] * sk[b] / nk;
      w(a, b) = v;
      w(b, a) = v;
    }
  }
  return w;
}

// Eigen-decomposition with eigenvalues in decreasing order (Celeux & Govaert's convention).
void eigen_desc(const Eigen::MatrixXd& w, Eigen::VectorXd& values, Eigen::MatrixXd& vectors) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(w);
  values = es.eigenvalues().reverse();
  vectors = es.eigenvectors().rowwise().reverse();
}

Eigen::MatrixXd nearest_orthogonal(const Eigen::MatrixXd& g) {
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(g, Eigen::ComputeFullU | Eigen::ComputeFullV);
  return svd.matrixU() * svd.matrixV().transpose();
}

bool converged_inner(double f, double f_old) { return std::abs(f - f_old) / (1.0 + std::abs(f)) <= rteps; }

// The common shape A (|A| = 1) and volumes lambda_k of VEI and VEV from one vector per profile
// (VEI: diag(W_k); VEV: the eigenvalues Omega_k of W_k, decreasing): alternate
// lambda_k = sum_j v_kj / A_j / (d n_k) and A = B / |B|^(1/d), B = sum_k v_k / lambda_k (Celeux &
// Govaert 1995), from A until the objective sum_k [d n_k log lambda_k + sum_j v_kj / (lambda_k A_j)]
// changes by at most sqrt(eps). Returns false when a volume or shape falls to 0.
bool common_shape(const std::vector<Eigen::VectorXd>& v, const std::vector<double>& nk, Eigen::VectorXd& A,
                  std::vector<double>& lambda, inner_info& info) {
  const std::size_t K = v.size();
  const double dd = static_cast<double>(A.size());
  lambda.assign(K, 0.0);
  double f_old = std::numeric_limits<double>::max();
  bool done = false;
  for (std::size_t it = 0; it < inner_max_iterations && !done; ++it) {
    Eigen::VectorXd B = Eigen::VectorXd::Zero(A.size());
    double f = 0.0;
    for (std::size_t k = 0; k < K; ++k) {
      const double tr = (v[k].array() / A.array()).sum();
      lambda[k] = tr / (dd * nk[k]);
      if (!(std::isfinite(lambda[k]) && lambda[k] > 0.0)) return false;
      B += v[k] / lambda[k];
      f += dd * nk[k] * std::log(lambda[k]) + tr / lambda[k];
    }
    if (!(B.minCoeff() > 0.0)) return false;
    A = B / geometric_mean(B);
    done = converged_inner(f, f_old);
    f_old = f;
  }
  if (!done) ++info.not_converged;
  for (std::size_t k = 0; k < K; ++k) lambda[k] = (v[k].array() / A.array()).sum() / (dd * nk[k]);
  return true;
}

// One M-step: proportions, means and the model's covariances from the statistics. Returns the
// reason when a profile empties or a covariance cannot be formed (checked again for collapse by
// the caller).
std::optional<std::string> m_step(model_t model, const suff_stats& st, const prior_params* prior,
                                  mixture_params& p, inner_info& info) {
  const std::size_t K = st.k, d = st.d;
  const auto di = static_cast<Eigen::Index>(d);
  const double dd = static_cast<double>(d);
  const double n = st.rows;
  p.k = K;
  p.d = d;
  p.pro.resize(K);
  p.mean.resize(K);
  p.sigma.resize(K);
  std::vector<Eigen::VectorXd> xbar(K);
  std::vector<Eigen::MatrixXd> W(K);
  Eigen::MatrixXd Wsum = Eigen::MatrixXd::Zero(di, di);
  for (std::size_t k = 0; k < K; ++k) {
    if (!(st.nk[k] > rteps)) {
      return profile_name(k) + " emptied (its expected size fell to " + number_text(st.nk[k], 3) + ")";
    }
    p.pro[k] = st.nk[k] / n;
    xbar[k] = Eigen::Map<const Eigen::VectorXd>(&st.s[k * d], di) / st.nk[k];
    W[k] = scatter(st, k);
    Wsum += W[k];
    p.mean[k] = xbar[k];
  }
  std::vector<double> nk(st.nk.begin(), st.nk.end());
  auto bad = [](double v) { return !(std::isfinite(v) && v > 0.0); };
  auto degenerate = [&](std::size_t k) {
    return std::optional<std::string>(profile_name(k) + " collapsed (a variance fell to 0)");
  };

  if (prior) {
    // Posterior mode under the conjugate prior (Fraley & Raftery 2007; mclust 6.0.0's formulas).
    const double kap = prior->shrinkage, nu = prior->dof;
    const double shrink = kap > 0.0 ? 1.0 : 0.0;
    std::vector<Eigen::MatrixXd> extra(K);  // W_k + c_k d_k d_k^T
    for (std::size_t k = 0; k < K; ++k) {
      const Eigen::VectorXd dk = xbar[k] - prior->mean;
      const double ck = kap * nk[k] / (nk[k] + kap);
      extra[k] = W[k] + ck * dk * dk.transpose();
      p.mean[k] = (nk[k] * xbar[k] + kap * prior->mean) / (nk[k] + kap);
    }
    const double s = full_scale_prior(model) ? 0.0 : prior->scale(0, 0);
    switch (model) {
      case model_t::VVV:
        for (std::size_t k = 0; k < K; ++k) p.sigma[k] = (prior->scale + extra[k]) / (nu + nk[k] + dd + 2.0);
        break;
      case model_t::EEE: {
        Eigen::MatrixXd t = prior->scale;
        for (std::size_t k = 0; k < K; ++k) t += extra[k];
        t /= nu + n + dd + 1.0 + shrink * static_cast<double>(K);
        for (std::size_t k = 0; k < K; ++k) p.sigma[k] = t;
        break;
      }
      case model_t::VVI:
        for (std::size_t k = 0; k < K; ++k) {
          Eigen::VectorXd v = (extra[k].diagonal().array() + s) / (nu + nk[k] + 2.0 + shrink);
          p.sigma[k] = v.asDiagonal();
        }
        break;
      case model_t::EEI: {
        Eigen::VectorXd v = Eigen::VectorXd::Constant(di, s);
        for (std::size_t k = 0; k < K; ++k) v += extra[k].diagonal();
        v /= nu + n + 1.0 + shrink;
        for (std::size_t k = 0; k < K; ++k) p.sigma[k] = v.asDiagonal();
        break;
      }
      case model_t::VII:
        for (std::size_t k = 0; k < K; ++k) {
          const double v = (s + extra[k].trace()) / (nu + nk[k] * dd + 2.0 + shrink * dd);
          p.sigma[k] = v * Eigen::MatrixXd::Identity(di, di);
        }
        break;
      case model_t::EII: {
        double t = s;
        for (std::size_t k = 0; k < K; ++k) t += extra[k].trace();
        t /= nu + (n + shrink * static_cast<double>(K)) * dd + 2.0;
        for (std::size_t k = 0; k < K; ++k) p.sigma[k] = t * Eigen::MatrixXd::Identity(di, di);
        break;
      }
      default:
        return std::string("no prior for model ") + std::string(to_string(model));
    }
    return std::nullopt;
  }

  switch (model) {
    case model_t::EII: {
      const double v = Wsum.trace() / (n * dd);
      if (bad(v)) return degenerate(0);
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = v * Eigen::MatrixXd::Identity(di, di);
      break;
    }
    case model_t::VII:
      for (std::size_t k = 0; k < K; ++k) {
        const double v = W[k].trace() / (nk[k] * dd);
        if (bad(v)) return degenerate(k);
        p.sigma[k] = v * Eigen::MatrixXd::Identity(di, di);
      }
      break;
    case model_t::EEI: {
      const Eigen::MatrixXd s = (Wsum.diagonal() / n).asDiagonal();
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = s;
      break;
    }
    case model_t::VVI:
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = (W[k].diagonal() / nk[k]).asDiagonal();
      break;
    case model_t::EEE: {
      const Eigen::MatrixXd s = Wsum / n;
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = s;
      break;
    }
    case model_t::VVV:
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = W[k] / nk[k];
      break;
    case model_t::EVI: {
      // A_k = B_k / |B_k|^(1/d), lambda = sum_k |B_k|^(1/d) / n with B_k = diag(W_k).
      double lambda = 0.0;
      std::vector<Eigen::VectorXd> B(K);
      for (std::size_t k = 0; k < K; ++k) {
        B[k] = W[k].diagonal();
        if (B[k].minCoeff() <= 0.0) return degenerate(k);
        lambda += geometric_mean(B[k]);
      }
      lambda /= n;
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = (lambda * B[k] / geometric_mean(B[k])).asDiagonal();
      break;
    }
    case model_t::VEI: {
      std::vector<Eigen::VectorXd> v(K);
      for (std::size_t k = 0; k < K; ++k) v[k] = W[k].diagonal();
      Eigen::VectorXd A;
      if (p.warm && p.shape.size() == 1 && p.shape[0].size() == di) {
        A = p.shape[0];
      } else {
        A = Wsum.diagonal();
        if (A.minCoeff() <= 0.0) return degenerate(0);
        A /= geometric_mean(A);
      }
      std::vector<double> lambda;
      if (!common_shape(v, nk, A, lambda, info)) return degenerate(0);
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = (lambda[k] * A).asDiagonal();
      p.shape.assign(1, A);
      break;
    }
    case model_t::VEE: {
      // Alternate lambda_k = tr(W_k C^-1) / (d n_k) and C = B / |B|^(1/d), B = sum_k W_k / lambda_k.
      auto normalise = [&](const Eigen::MatrixXd& b, Eigen::MatrixXd& c) {
        Eigen::LLT<Eigen::MatrixXd> llt(b);
        if (llt.info() != Eigen::Success) return false;
        const double logdet = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
        if (!std::isfinite(logdet)) return false;
        c = b / std::exp(logdet / dd);
        return true;
      };
      Eigen::MatrixXd C;
      if (p.warm && p.common.rows() == di) {
        C = p.common;
      } else if (!normalise(Wsum, C)) {
        return degenerate(0);
      }
      std::vector<double> lambda(K);
      double f_old = std::numeric_limits<double>::max();
      bool done = false;
      for (std::size_t it = 0; it < inner_max_iterations; ++it) {
        Eigen::LLT<Eigen::MatrixXd> llt(C);
        if (llt.info() != Eigen::Success) return degenerate(0);
        Eigen::MatrixXd B = Eigen::MatrixXd::Zero(di, di);
        double f = 0.0;
        for (std::size_t k = 0; k < K; ++k) {
          const double tr = llt.solve(W[k]).trace();
          lambda[k] = tr / (dd * nk[k]);
          if (bad(lambda[k])) return degenerate(k);
          B += W[k] / lambda[k];
          f += dd * nk[k] * std::log(lambda[k]) + tr / lambda[k];
        }
        if (!normalise(B, C)) return degenerate(0);
        if (converged_inner(f, f_old)) {
          done = true;
          break;
        }
        f_old = f;
      }
      if (!done) ++info.not_converged;
      Eigen::LLT<Eigen::MatrixXd> llt(C);
      for (std::size_t k = 0; k < K; ++k) {
        lambda[k] = llt.solve(W[k]).trace() / (dd * nk[k]);
        p.sigma[k] = lambda[k] * C;
      }
      p.common = C;
      break;
    }
    case model_t::EEV:
    case model_t::VEV: {
      // W_k = L_k Omega_k L_k^T (decreasing eigenvalues); D_k = L_k.
      std::vector<Eigen::VectorXd> omega(K);
      std::vector<Eigen::MatrixXd> L(K);
      Eigen::VectorXd osum = Eigen::VectorXd::Zero(di);
      for (std::size_t k = 0; k < K; ++k) {
        eigen_desc(W[k], omega[k], L[k]);
        if (omega[k].minCoeff() <= 0.0) return degenerate(k);
        osum += omega[k];
      }
      if (model == model_t::EEV) {
        // lambda A = sum_k Omega_k / n (closed form).
        const Eigen::VectorXd la = osum / n;
        for (std::size_t k = 0; k < K; ++k) p.sigma[k] = L[k] * la.asDiagonal() * L[k].transpose();
        break;
      }
      // VEV: the common shape of the eigenvalues.
      Eigen::VectorXd A = (p.warm && p.shape.size() == 1 && p.shape[0].size() == di) ? p.shape[0]
                                                                                       : Eigen::VectorXd(osum / geometric_mean(osum));
      std::vector<double> lambda;
      if (!common_shape(omega, nk, A, lambda, info)) return degenerate(0);
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = lambda[k] * L[k] * A.asDiagonal() * L[k].transpose();
      p.shape.assign(1, A);
      break;
    }
    case model_t::EVV: {
      // C_k = W_k / |W_k|^(1/d), lambda = sum_k |W_k|^(1/d) / n.
      std::vector<double> g(K);
      double lambda = 0.0;
      for (std::size_t k = 0; k < K; ++k) {
        Eigen::LLT<Eigen::MatrixXd> llt(W[k]);
        if (llt.info() != Eigen::Success) return degenerate(k);
        const double logdet = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
        g[k] = std::exp(logdet / dd);
        if (bad(g[k])) return degenerate(k);
        lambda += g[k];
      }
      lambda /= n;
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = lambda * W[k] / g[k];
      break;
    }
    case model_t::EVE:
    case model_t::VVE: {
      // Common orientation D by the two majorisation-minimisation steps of Browne & McNicholas
      // (2014): with B_k = diag(D^T W_k D) the shapes are EVE: A_k = B_k / |B_k|^(1/d) (lambda =
      // sum_k |B_k|^(1/d) / n), VVE: C_k = B_k / n_k. For fixed shapes (inverse diagonal M_k),
      // D minimises sum_k tr(D M_k D^T W_k) over orthogonal D; each step maximises tr(G^T D) of a
      // linear majoriser, D = U V^T from the SVD G = U S V^T:
      //   step 1 (W_k <= omega_k I):   G = sum_k (omega_k I - W_k) D M_k,
      //   step 2 (M_k <= alpha_k I):   G = sum_k W_k D (alpha_k I - M_k).
      const bool vve = model == model_t::VVE;
      std::vector<double> omega(K);
      for (std::size_t k = 0; k < K; ++k) {
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(W[k], Eigen::EigenvaluesOnly);
        if (es.eigenvalues().minCoeff() <= 0.0) return degenerate(k);
        omega[k] = es.eigenvalues().maxCoeff();
      }
      Eigen::MatrixXd D;
      if (p.warm && p.orientation.rows() == di) {
        D = p.orientation;
      } else {
        Eigen::VectorXd v;
        eigen_desc(Wsum, v, D);
      }
      std::vector<Eigen::VectorXd> shape(K);  // A_k (EVE) or C_k (VVE)
      auto update_shapes = [&](double& objective) -> bool {
        objective = 0.0;
        for (std::size_t k = 0; k < K; ++k) {
          const Eigen::VectorXd b = (D.transpose() * W[k] * D).diagonal();
          if (b.minCoeff() <= 0.0) return false;
          if (vve) {
            shape[k] = b / nk[k];
            objective += nk[k] * (shape[k].array().log().sum() + dd);
          } else {
            const double g = geometric_mean(b);
            shape[k] = b / g;
            objective += dd * g;
          }
        }
        return true;
      };
      double f_old = std::numeric_limits<double>::max(), f = 0.0;
      if (p.warm && p.shape.size() == K) {
        shape = p.shape;
      } else if (!update_shapes(f)) {
        return degenerate(0);
      }
      bool done = false;
      for (std::size_t it = 0; it < inner_max_iterations; ++it) {
        Eigen::MatrixXd G = Eigen::MatrixXd::Zero(di, di);
        for (std::size_t k = 0; k < K; ++k) {
          const Eigen::VectorXd m = shape[k].cwiseInverse();
          G += (omega[k] * D - W[k] * D) * m.asDiagonal();
        }
        D = nearest_orthogonal(G);
        G.setZero();
        for (std::size_t k = 0; k < K; ++k) {
          const Eigen::VectorXd m = shape[k].cwiseInverse();
          const double alpha = m.maxCoeff();
          G += W[k] * D * (Eigen::VectorXd::Constant(di, alpha) - m).asDiagonal();
        }
        D = nearest_orthogonal(G);
        if (!update_shapes(f)) return degenerate(0);
        if (converged_inner(f, f_old)) {
          done = true;
          break;
        }
        f_old = f;
      }
      if (!done) ++info.not_converged;
      const double lambda = vve ? 1.0 : f / (n * dd);
      for (std::size_t k = 0; k < K; ++k) p.sigma[k] = lambda * D * shape[k].asDiagonal() * D.transpose();
      p.orientation = D;
      p.shape = shape;
      break;
    }
  }
  p.warm = true;
  return std::nullopt;
}

// The E-step's per-profile constants: mean, inverse Cholesky factor (packed lower triangle) and
// log(pi_k) - d/2 log(2 pi) - 1/2 log|Sigma_k|.
struct prepared {
  std::size_t k = 0, d = 0;
  std::vector<double> mu, inv, cst;
};

// Checks the covariances for collapse and prepares the E-step. Returns the reason for a collapse.
std::optional<std::string> prepare(const mixture_params& p, const dataset& ds, double collapse_tolerance,
                                   prepared& pp) {
  const std::size_t d = p.d;
  const std::size_t tri = d * (d + 1) / 2;
  pp.k = p.k;
  pp.d = d;
  pp.mu.assign(p.k * d, 0.0);
  pp.inv.assign(p.k * tri, 0.0);
  pp.cst.assign(p.k, 0.0);
  const double floor = collapse_tolerance * ds.max_eigen;
  for (std::size_t k = 0; k < p.k; ++k) {
    const Eigen::MatrixXd& s = p.sigma[k];
    if (!s.allFinite()) return profile_name(k) + " has a covariance that is not finite";
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s, Eigen::EigenvaluesOnly);
    const double smallest = es.eigenvalues().minCoeff();
    if (!(smallest > floor)) {
      return profile_name(k) + " collapsed (its covariance has an eigenvalue of " + number_text(smallest, 3) +
             ", " + number_text(smallest / ds.max_eigen, 3) +
             " times the sample's largest: the likelihood would grow without bound; expected size " +
             number_text(p.pro[k] * static_cast<double>(ds.n), 4) + ")";
    }
    Eigen::LLT<Eigen::MatrixXd> llt(s);
    if (llt.info() != Eigen::Success) return profile_name(k) + " collapsed (its covariance is not positive definite)";
    const Eigen::MatrixXd L = llt.matrixL();
    const Eigen::MatrixXd Li = L.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(
        static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d)));
    double logdet = 0.0;
    for (std::size_t a = 0; a < d; ++a) logdet += 2.0 * std::log(L(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)));
    double* inv = &pp.inv[k * tri];
    std::size_t t = 0;
    for (std::size_t r = 0; r < d; ++r) {
      for (std::size_t c = 0; c <= r; ++c) inv[t++] = Li(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
    }
    for (std::size_t a = 0; a < d; ++a) pp.mu[k * d + a] = p.mean[k](static_cast<Eigen::Index>(a));
    pp.cst[k] = std::log(p.pro[k]) - 0.5 * static_cast<double>(d) * log_2pi - 0.5 * logdet;
  }
  return std::nullopt;
}

// One row's posterior weights: z_k = exp(l_k - max_j l_j) with l_k = log(pi_k phi_k(x)), into z;
// returns max_j l_j and their sum in `total` (so z_k / total is the posterior and
// max + log(total) the log-density). D = the number of columns when known at compile time (the
// loops unroll for the two attachment scores), 0 for any.
template <std::size_t D>
inline double row_weights(const prepared& pp, const double* __restrict xi, double* __restrict z,
                          double* __restrict diff, double& total) {
  const std::size_t d = D == 0 ? pp.d : D, K = pp.k, tri = d * (d + 1) / 2;
  for (std::size_t k = 0; k < K; ++k) {
    const double* mu = &pp.mu[k * d];
    for (std::size_t a = 0; a < d; ++a) diff[a] = xi[a] - mu[a];
    const double* inv = &pp.inv[k * tri];
    double q = 0.0;
    std::size_t t = 0;
    for (std::size_t r = 0; r < d; ++r) {
      double acc = 0.0;
      for (std::size_t c = 0; c <= r; ++c) acc += inv[t++] * diff[c];
      q += acc * acc;
    }
    z[k] = pp.cst[k] - 0.5 * q;
  }
  double m = z[0];
  for (std::size_t k = 1; k < K; ++k) m = std::max(m, z[k]);
  total = 0.0;
  for (std::size_t k = 0; k < K; ++k) {
    z[k] = std::exp(z[k] - m);
    total += z[k];
  }
  return m;
}

// The posterior of one row into z; returns its log-density (log-sum-exp).
inline double row_posterior(const prepared& pp, const double* xi, double* z, double* diff) {
  double total = 0.0;
  const double m = row_weights<0>(pp, xi, z, diff, total);
  const double inv = 1.0 / total;
  for (std::size_t k = 0; k < pp.k; ++k) z[k] *= inv;
  return m + std::log(total);
}

// One block of the E-step with the statistics of the next M-step, for D columns known at compile
// time (the loops unroll for the two attachment scores) or D = 0 for any d.
template <std::size_t D>
double e_block(const dataset& ds, const prepared& pp, std::size_t b0, std::size_t b1, suff_stats& st) {
  const std::size_t d = D == 0 ? pp.d : D, K = pp.k;
  // Accumulators on the stack when d is known (K <= max_k), so that the compiler keeps them apart
  // from the data it reads.
  constexpr std::size_t KM = mixture_options::max_k;
  constexpr std::size_t DS = D == 0 ? 1 : D;
  double nk_l[KM] = {}, s_l[KM * DS] = {}, c_l[KM * DS * DS] = {}, lz_l[KM] = {}, diff_l[DS] = {};
  std::vector<double> diff_v(D == 0 ? d : 0);
  double* __restrict nk = D == 0 ? st.nk.data() : nk_l;
  double* __restrict sv = D == 0 ? st.s.data() : s_l;
  double* __restrict cv = D == 0 ? st.c.data() : c_l;
  double* __restrict lz = lz_l;
  double* __restrict diff = D == 0 ? diff_v.data() : diff_l;
  const double* __restrict x = ds.x.data();
  // log f(x_i) = m_i + log s_i: the m_i are summed, the s_i (in [1, K]) multiplied, and the
  // product's binary exponent taken out every 64 rows (K^64 < 2^277), so that one log serves 64
  // rows instead of one each.
  double sum = 0.0, product = 1.0;
  long long exponent = 0;
  for (std::size_t i = b0; i < b1; ++i) {
    const double* xi = x + i * d;
    double total = 0.0;
    sum += row_weights<D>(pp, xi, lz, diff, total);
    const double inv_total = 1.0 / total;
    product *= total;
    if (((i - b0) & 63) == 63) {
      int e = 0;
      product = std::frexp(product, &e);
      exponent += e;
    }
    for (std::size_t k = 0; k < K; ++k) {
      const double z = lz[k] * inv_total;
      nk[k] += z;
      double* sk = sv + k * d;
      double* ck = cv + k * d * d;
      for (std::size_t a = 0; a < d; ++a) {
        const double zx = z * xi[a];
        sk[a] += zx;
        for (std::size_t bb = a; bb < d; ++bb) ck[a * d + bb] += zx * xi[bb];
      }
    }
  }
  if constexpr (D != 0) {
    std::copy(nk_l, nk_l + K, st.nk.begin());
    std::copy(s_l, s_l + K * d, st.s.begin());
    std::copy(c_l, c_l + K * d * d, st.c.begin());
  }
  return sum + (std::log(product) + static_cast<double>(exponent) * 0.69314718055994530941723212145818);
}

// E-step over all rows with the new statistics for the next M-step; returns the log-likelihood.
// Blocks are fixed by n and reduced in order: the same sums for any thread count.
double e_step(const dataset& ds, const prepared& pp, int threads, suff_stats& out) {
  const std::size_t blocks = ds.bounds.size() - 1;
  std::vector<suff_stats> part(blocks);
  std::vector<double> ll(blocks, 0.0);
  detail::parallel_for(blocks, threads, [&](std::size_t b) {
    suff_stats& st = part[b];
    st.reset(pp.k, pp.d);
    const std::size_t b0 = ds.bounds[b], b1 = ds.bounds[b + 1];
    switch (pp.d) {
      case 1: ll[b] = e_block<1>(ds, pp, b0, b1, st); break;
      case 2: ll[b] = e_block<2>(ds, pp, b0, b1, st); break;
      case 3: ll[b] = e_block<3>(ds, pp, b0, b1, st); break;
      case 4: ll[b] = e_block<4>(ds, pp, b0, b1, st); break;
      default: ll[b] = e_block<0>(ds, pp, b0, b1, st); break;
    }
    st.rows = static_cast<double>(b1 - b0);
  });
  out.reset(pp.k, pp.d);
  double total = 0.0;
  for (std::size_t b = 0; b < blocks; ++b) {
    out.add(part[b]);
    total += ll[b];
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// EM from a start (mclust's me*: M-step, E-step, ... until the relative change is <= tolerance).

struct em_settings {
  model_t model = model_t::VVV;
  std::size_t k = 1;
  double tolerance = 1e-8;
  std::size_t max_iterations = 10000;
  double collapse_tolerance = 1e-10;
  const prior_params* prior = nullptr;
  int threads = 1;
  const progress_options* progress = nullptr;  // its cancel flag is read every iteration
};

struct em_run {
  bool ok = false;
  std::string failure;
  mixture_params params;
  double loglik = nan_v;
  std::size_t iterations = 0;
  bool converged = false;
  std::size_t inner_not_converged = 0;
};

// `initial` holds the statistics of the start's memberships. `pre_step` is true when they do
// not come from an E-step on all rows (a subset's hard memberships are first turned into an
// E-step on all rows, as mclust's mstep(subset) + estep(data) before me()).
em_run run_em(const dataset& ds, const em_settings& s, suff_stats initial, bool pre_step,
              const mixture_params* warm = nullptr) {
  em_run run;
  inner_info info;
  mixture_params p;
  if (warm) p = *warm;
  prepared pp;
  suff_stats st = std::move(initial);
  auto fail = [&](std::string why) {
    run.ok = false;
    run.failure = std::move(why);
    run.inner_not_converged = info.not_converged;
    return run;
  };
  if (pre_step) {
    if (auto why = m_step(s.model, st, s.prior, p, info)) return fail(*why);
    if (auto why = prepare(p, ds, s.collapse_tolerance, pp)) return fail(*why);
    const double l0 = e_step(ds, pp, s.threads, st);
    if (!std::isfinite(l0)) return fail("the log-likelihood is not finite");
  }
  double previous = nan_v;
  for (std::size_t t = 1; t <= s.max_iterations; ++t) {
    if (s.progress != nullptr) detail::throw_if_cancelled(*s.progress, "profiles");
    if (auto why = m_step(s.model, st, s.prior, p, info)) return fail(*why);
    if (auto why = prepare(p, ds, s.collapse_tolerance, pp)) return fail(*why);
    suff_stats next;
    const double l = e_step(ds, pp, s.threads, next);
    if (!std::isfinite(l)) return fail("the log-likelihood is not finite");
    run.params = p;
    run.loglik = l;
    run.iterations = t;
    // As mclust: the first iteration is compared with FLMAX / 2, so it never stops the loop.
    if (t >= 2 && std::abs(l - previous) / (1.0 + std::abs(l)) <= s.tolerance) {
      run.converged = true;
      break;
    }
    previous = l;
    st = std::move(next);
  }
  run.ok = true;
  run.inner_not_converged = info.not_converged;
  return run;
}

// EM from parameters (mclust's em(): an E-step first).
em_run run_em_from(const dataset& ds, const em_settings& s, const mixture_params& start) {
  em_run run;
  prepared pp;
  if (auto why = prepare(start, ds, s.collapse_tolerance, pp)) {
    run.failure = *why;
    return run;
  }
  suff_stats st;
  const double l0 = e_step(ds, pp, s.threads, st);
  if (!std::isfinite(l0)) {
    run.failure = "the log-likelihood is not finite";
    return run;
  }
  mixture_params warm = start;
  warm.warm = false;
  return run_em(ds, s, std::move(st), false, &warm);
}

// ---------------------------------------------------------------------------------------------
// Model-based hierarchical agglomeration (Fraley 1998), unconstrained ("VVV") criterion with
// mclust's regularisation: a cluster of n points with scatter W and trace tr costs
//   n log(beta (tr + alpha) / n)                           when n <= p,
//   n log(|W / n| + beta (tr + alpha) / n)                 otherwise (|W/n| = 0: the first form),
// two singletons merged 2 log(beta (tr + alpha) / 2); alpha = tr(W_total) / (m p), beta = 1.
// Each step merges the pair that raises the total cost least (the first such pair on ties).

struct hc_cluster {
  double n = 1.0;
  Eigen::VectorXd mean;
  Eigen::MatrixXd W;
  double tr = 0.0;
  double term = 0.0;
};

double hc_term(double n, double tr, const Eigen::MatrixXd& W, std::size_t p, double alpha) {
  const double beta = 1.0;
  const double base = beta * (tr + alpha) / n;
  if (n <= static_cast<double>(p)) return n * std::log(base);
  if (tr == 0.0) return n * std::log(alpha * beta / n);
  double logdet = -std::numeric_limits<double>::infinity();
  if (p == 2) {
    const double det = (W(0, 0) * W(1, 1) - W(0, 1) * W(1, 0)) / (n * n);
    if (det > 0.0) logdet = std::log(det);
  } else {
    Eigen::LLT<Eigen::MatrixXd> llt(W / n);
    if (llt.info() == Eigen::Success) {
      const Eigen::MatrixXd L = llt.matrixL();
      double s = 0.0;
      bool zero = false;
      for (Eigen::Index a = 0; a < L.rows(); ++a) {
        if (!(L(a, a) > 0.0)) zero = true;
        s += 2.0 * std::log(L(a, a));
      }
      if (!zero) logdet = s;
    }
  }
  if (!std::isfinite(logdet)) return n * std::log(base);
  if (logdet <= 0.0) return n * std::log(std::exp(logdet) + base);
  return n * (std::log1p(std::exp(-logdet) * base) + logdet);
}

struct merged {
  double n, tr, term;
  Eigen::VectorXd mean;
  Eigen::MatrixXd W;
};

// The cost term of a merged with b (scatter into `w`, its trace into `tr`), without allocating:
// it runs for every pair of clusters.
struct hc_scratch {
  Eigen::VectorXd diff;
  Eigen::MatrixXd w;
};

double hc_merge_term(const hc_cluster& a, const hc_cluster& b, std::size_t p, double alpha, hc_scratch& s,
                     double& tr) {
  const double n = a.n + b.n;
  const double f = a.n * b.n / n;
  if (p == 2) {
    const double d0 = a.mean(0) - b.mean(0), d1 = a.mean(1) - b.mean(1);
    s.w(0, 0) = (a.W(0, 0) + b.W(0, 0)) + (f * d0) * d0;
    s.w(1, 0) = (a.W(1, 0) + b.W(1, 0)) + (f * d1) * d0;
    s.w(0, 1) = (a.W(0, 1) + b.W(0, 1)) + (f * d0) * d1;
    s.w(1, 1) = (a.W(1, 1) + b.W(1, 1)) + (f * d1) * d1;
    tr = (a.tr + b.tr) + f * (d0 * d0 + d1 * d1);
  } else {
    s.diff = a.mean - b.mean;
    s.w = a.W + b.W;
    s.w.noalias() += (f * s.diff) * s.diff.transpose();
    tr = (a.tr + b.tr) + f * s.diff.squaredNorm();
  }
  // mclust's two singletons: 2 log(beta (tr + alpha) / 2) whatever p.
  if (a.n == 1.0 && b.n == 1.0) return 2.0 * std::log((tr + alpha) / 2.0);
  return hc_term(n, tr, s.w, p, alpha);
}

hc_scratch make_scratch(std::size_t p) {
  hc_scratch s;
  s.diff.resize(static_cast<Eigen::Index>(p));
  s.w.resize(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
  return s;
}

merged hc_merge(const hc_cluster& a, const hc_cluster& b, std::size_t p, double alpha) {
  merged m;
  hc_scratch s = make_scratch(p);
  m.n = a.n + b.n;
  m.term = hc_merge_term(a, b, p, alpha, s, m.tr);
  m.W = s.w;
  m.mean = (a.n * a.mean + b.n * b.mean) / m.n;
  return m;
}

// Partitions (labels 0..k-1 per row of `z`) for every k in [2, k_max] (index k - 2).
std::vector<std::vector<int>> hc_partitions(const Eigen::MatrixXd& z, std::size_t k_max, int threads) {
  const std::size_t m = static_cast<std::size_t>(z.rows()), p = static_cast<std::size_t>(z.cols());
  std::vector<std::vector<int>> out;
  if (k_max < 2 || m < 2) return out;
  k_max = std::min(k_max, m);
  // alpha = traceW(Z / sqrt(m p)): the trace of the centred scatter of the scaled data.
  const Eigen::RowVectorXd cm = z.colwise().mean();
  double alpha = (z.rowwise() - cm).squaredNorm() / (static_cast<double>(m) * static_cast<double>(p));
  alpha = std::max(alpha, std::numeric_limits<double>::epsilon());
  std::vector<hc_cluster> cl(m);
  for (std::size_t i = 0; i < m; ++i) {
    cl[i].mean = z.row(static_cast<Eigen::Index>(i)).transpose();
    cl[i].W = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
    cl[i].term = std::log(alpha);  // log(beta alpha), beta = 1
  }
  // Merge costs of all pairs (i < j) in a condensed triangle.
  auto idx = [m](std::size_t i, std::size_t j) { return i * m - i * (i + 1) / 2 + (j - i - 1); };
  std::vector<double> cost(m * (m - 1) / 2);
  auto delta = [&](std::size_t i, std::size_t j, hc_scratch& sc) {
    double tr = 0.0;
    return hc_merge_term(cl[i], cl[j], p, alpha, sc, tr) - (cl[i].term + cl[j].term);
  };
  detail::parallel_for_blocks(m - 1, 64, threads, [&](std::size_t b0, std::size_t b1) {
    hc_scratch sc = make_scratch(p);
    for (std::size_t i = b0; i < b1; ++i) {
      for (std::size_t j = i + 1; j < m; ++j) cost[idx(i, j)] = delta(i, j, sc);
    }
  });
  // Ties between equal costs resolve as in mclust's Fortran: clusters sit in slots 0..g-1; the
  // pair chosen among equal costs is the last in the order (j = 1..g-1, i = 0..j-1) of their
  // slots, i.e. the largest (max slot, min slot). A merge puts the new cluster in the lower slot
  // and moves the cluster in the last slot into the higher one.
  std::vector<char> active(m, 1);
  std::vector<std::size_t> best(m, 0), slot(m), owner(m);
  std::iota(slot.begin(), slot.end(), std::size_t{0});
  std::iota(owner.begin(), owner.end(), std::size_t{0});
  std::vector<double> bestd(m, std::numeric_limits<double>::infinity());
  auto pair_cost = [&](std::size_t i, std::size_t j) { return i < j ? cost[idx(i, j)] : cost[idx(j, i)]; };
  // Whether pair (i, x) comes after pair (i, y) in mclust's scan order.
  auto later = [&](std::size_t i, std::size_t x, std::size_t y) {
    const std::size_t hx = std::max(slot[i], slot[x]), lx = std::min(slot[i], slot[x]);
    const std::size_t hy = std::max(slot[i], slot[y]), ly = std::min(slot[i], slot[y]);
    return hx != hy ? hx > hy : lx > ly;
  };
  auto rescan = [&](std::size_t i) {
    bestd[i] = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < m; ++j) {
      if (j == i || !active[j]) continue;
      const double c = pair_cost(i, j);
      if (c < bestd[i] || (c == bestd[i] && later(i, j, best[i]))) {
        bestd[i] = c;
        best[i] = j;
      }
    }
  };
  for (std::size_t i = 0; i < m; ++i) rescan(i);
  // The rows' clusters for the snapshots (hclass numbers them by first appearance; 0-based here).
  detail::disjoint_sets sets(m);
  out.resize(k_max - 1);
  auto snapshot = [&](std::size_t clusters) {
    std::vector<int> part = sets.labels();
    for (int& l : part) --l;
    out[clusters - 2] = std::move(part);
  };
  if (m <= k_max) snapshot(m);
  for (std::size_t clusters = m; clusters > 2; --clusters) {
    std::size_t a = m;
    double dmin = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < m; ++i) {
      if (!active[i]) continue;
      if (a == m || bestd[i] < dmin ||
          (bestd[i] == dmin && std::max(slot[i], slot[best[i]]) * m + std::min(slot[i], slot[best[i]]) >
                                   std::max(slot[a], slot[best[a]]) * m + std::min(slot[a], slot[best[a]]))) {
        dmin = bestd[i];
        a = i;
      }
    }
    std::size_t b = best[a];
    if (slot[b] < slot[a]) std::swap(a, b);  // a keeps the lower slot
    merged mg = hc_merge(cl[a], cl[b], p, alpha);
    cl[a].n = mg.n;
    cl[a].tr = mg.tr;
    cl[a].term = mg.term;
    cl[a].mean = std::move(mg.mean);
    cl[a].W = std::move(mg.W);
    active[b] = 0;
    sets.unite(a, b);
    const std::size_t last = clusters - 1;  // the last slot
    std::size_t moved = m;
    if (slot[b] != last) {
      moved = owner[last];
      slot[moved] = slot[b];
      owner[slot[b]] = moved;
    }
    std::vector<std::size_t> others;
    for (std::size_t j = 0; j < m; ++j) {
      if (active[j] && j != a) others.push_back(j);
    }
    detail::parallel_for_blocks(others.size(), p > 4 ? 8 : 4096, threads, [&](std::size_t b0, std::size_t b1) {
      hc_scratch sc = make_scratch(p);
      for (std::size_t t = b0; t < b1; ++t) {
        const std::size_t j = others[t];
        (a < j ? cost[idx(a, j)] : cost[idx(j, a)]) = delta(a, j, sc);
      }
    });
    for (const std::size_t j : others) {
      if (best[j] == a || best[j] == b || best[j] == moved || j == moved) {
        rescan(j);
      } else {
        const double c = pair_cost(a, j);
        if (c < bestd[j] || (c == bestd[j] && later(j, a, best[j]))) {
          bestd[j] = c;
          best[j] = a;
        }
      }
    }
    rescan(a);
    if (clusters - 1 <= k_max) snapshot(clusters - 1);
  }
  return out;
}

// mclust's hc(use = "SVD") input: columns standardised (n - 1 SD), rotated to the principal axes
// and scaled by 1 / sqrt(singular value): Z = X_s V D^(-1/2). Constant columns and null
// directions are dropped.
Eigen::MatrixXd svd_transform(const dataset& ds, const std::vector<std::size_t>& rows) {
  const auto m = static_cast<Eigen::Index>(rows.size());
  const auto d = static_cast<Eigen::Index>(ds.d);
  Eigen::MatrixXd x(m, d);
  for (Eigen::Index r = 0; r < m; ++r) {
    for (Eigen::Index c = 0; c < d; ++c) x(r, c) = ds.x[rows[static_cast<std::size_t>(r)] * ds.d + static_cast<std::size_t>(c)];
  }
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  std::vector<Eigen::Index> keep;
  for (Eigen::Index c = 0; c < d; ++c) {
    const double sd = std::sqrt(x.col(c).squaredNorm() / std::max<double>(1.0, static_cast<double>(m) - 1.0));
    if (sd > 0.0 && std::isfinite(sd)) {
      x.col(c) /= sd;
      keep.push_back(c);
    }
  }
  Eigen::MatrixXd xs(m, static_cast<Eigen::Index>(keep.size()));
  for (std::size_t c = 0; c < keep.size(); ++c) xs.col(static_cast<Eigen::Index>(c)) = x.col(keep[c]);
  if (xs.cols() == 0) return xs;
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(xs, Eigen::ComputeThinV);
  const Eigen::VectorXd sv = svd.singularValues();
  std::vector<Eigen::Index> dirs;
  for (Eigen::Index j = 0; j < sv.size(); ++j) {
    if (sv(j) > 1e-12 * sv(0)) dirs.push_back(j);
  }
  Eigen::MatrixXd z(m, static_cast<Eigen::Index>(dirs.size()));
  for (std::size_t j = 0; j < dirs.size(); ++j) {
    z.col(static_cast<Eigen::Index>(j)) = xs * svd.matrixV().col(dirs[j]) / std::sqrt(sv(dirs[j]));
  }
  return z;
}

// ---------------------------------------------------------------------------------------------
// Random starts: k-means++ seeds on the standardised data, each row to the nearest seed.

std::optional<std::vector<int>> random_partition(const dataset& ds, std::size_t K, std::uint64_t seed) {
  detail::rng rng(seed);
  const std::size_t n = ds.n, d = ds.d;
  std::vector<double> inv_sd(d);
  for (std::size_t a = 0; a < d; ++a) {
    const double v = ds.cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a));
    inv_sd[a] = v > 0.0 ? 1.0 / std::sqrt(v) : 0.0;
  }
  auto dist2 = [&](std::size_t i, std::size_t j) {
    double s = 0.0;
    for (std::size_t a = 0; a < d; ++a) {
      const double t = (ds.x[i * d + a] - ds.x[j * d + a]) * inv_sd[a];
      s += t * t;
    }
    return s;
  };
  std::vector<std::size_t> seeds{static_cast<std::size_t>(rng.below(n))};
  std::vector<double> d2(n, std::numeric_limits<double>::infinity());
  std::vector<int> label(n, 0);
  while (true) {
    const std::size_t c = seeds.size() - 1;
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = dist2(i, seeds[c]);
      if (v < d2[i]) {
        d2[i] = v;
        label[i] = static_cast<int>(c);
      }
      total += d2[i];
    }
    if (seeds.size() == K) break;
    if (!(total > 0.0)) return std::nullopt;  // fewer distinct rows than profiles
    const double target = rng.uniform() * total;
    double acc = 0.0;
    std::size_t pick = n;
    for (std::size_t i = 0; i < n; ++i) {
      acc += d2[i];
      if (acc > target && d2[i] > 0.0) {
        pick = i;
        break;
      }
    }
    if (pick == n) {  // rounding at the end of the sum: the last row with a positive distance
      for (std::size_t i = n; i-- > 0;) {
        if (d2[i] > 0.0) {
          pick = i;
          break;
        }
      }
    }
    seeds.push_back(pick);
  }
  return label;
}

// ---------------------------------------------------------------------------------------------
// Summaries of a fit: entropy, ICL term, modal sizes (streamed, no N x K storage).

struct fit_summary {
  double loglik = 0.0, entropy_sum = 0.0, icl_sum = 0.0;
  std::vector<std::size_t> sizes;
};

fit_summary summarise(const dataset& ds, const prepared& pp, int threads) {
  const std::size_t blocks = ds.bounds.size() - 1;
  std::vector<fit_summary> part(blocks);
  detail::parallel_for(blocks, threads, [&](std::size_t b) {
    fit_summary& f = part[b];
    f.sizes.assign(pp.k, 0);
    std::vector<double> lz(pp.k), diff(pp.d);
    for (std::size_t i = ds.bounds[b]; i < ds.bounds[b + 1]; ++i) {
      f.loglik += row_posterior(pp, &ds.x[i * ds.d], lz.data(), diff.data());
      std::size_t top = 0;
      for (std::size_t k = 0; k < pp.k; ++k) {
        if (lz[k] > 0.0) f.entropy_sum -= lz[k] * std::log(lz[k]);
        if (lz[k] > lz[top]) top = k;
      }
      f.icl_sum += std::log(lz[top]);
      ++f.sizes[top];
    }
  });
  fit_summary out;
  out.sizes.assign(pp.k, 0);
  for (const auto& f : part) {
    out.loglik += f.loglik;
    out.entropy_sum += f.entropy_sum;
    out.icl_sum += f.icl_sum;
    for (std::size_t k = 0; k < pp.k; ++k) out.sizes[k] += f.sizes[k];
  }
  return out;
}

// Simulated rows (centred coordinates of the original data) from a mixture.
dataset simulate(const mixture_params& p, std::size_t n, std::uint64_t seed) {
  detail::rng rng(seed);
  dataset ds;
  ds.n = n;
  ds.d = p.d;
  ds.x.resize(n * p.d);
  std::vector<Eigen::MatrixXd> L(p.k);
  for (std::size_t k = 0; k < p.k; ++k) L[k] = Eigen::LLT<Eigen::MatrixXd>(p.sigma[k]).matrixL();
  Eigen::VectorXd e(static_cast<Eigen::Index>(p.d));
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    std::size_t k = 0;
    double acc = p.pro[0];
    while (k + 1 < p.k && u > acc) acc += p.pro[++k];
    for (Eigen::Index a = 0; a < e.size(); ++a) e(a) = rng.normal();
    const Eigen::VectorXd xi = p.mean[k] + L[k] * e;
    for (std::size_t a = 0; a < p.d; ++a) ds.x[i * p.d + a] = xi(static_cast<Eigen::Index>(a));
  }
  ds.centre = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p.d));
  finish_dataset(ds);
  return ds;
}

// The default prior of mclust 6.0.0 (defaultPrior) and the user's overrides, in centred coordinates.
prior_params make_prior(const mixture_prior& pr, const dataset& ds, model_t model, std::size_t K) {
  prior_params out;
  const auto d = static_cast<Eigen::Index>(ds.d);
  const double dd = static_cast<double>(ds.d);
  out.shrinkage = pr.shrinkage;
  out.mean = pr.mean ? Eigen::VectorXd(*pr.mean - ds.centre) : Eigen::VectorXd::Zero(d);
  if (!pr.mean) {
    // Column means of the data fitted, in centred coordinates (about 0; exact for the data).
    for (std::size_t i = 0; i < ds.n; ++i) {
      for (Eigen::Index a = 0; a < d; ++a) out.mean(a) += ds.x[i * ds.d + static_cast<std::size_t>(a)];
    }
    out.mean /= static_cast<double>(ds.n);
  }
  out.dof = pr.dof ? *pr.dof : dd + 2.0;
  const double fac = std::pow(1.0 / static_cast<double>(K), 2.0 / dd);
  if (full_scale_prior(model)) {
    out.scale = pr.scale ? *pr.scale : Eigen::MatrixXd(fac * ds.cov);
  } else {
    out.scale = Eigen::MatrixXd::Constant(1, 1, pr.scale ? (*pr.scale)(0, 0) : fac * ds.cov.trace() / dd);
  }
  return out;
}

void validate_prior(const mixture_prior& pr, std::size_t d, const std::vector<model_t>& models) {
  for (const model_t m : models) {
    if (!has_prior_formula(m)) {
      error_details det;
      det.option = "mixture_options.prior";
      det.value = std::string(to_string(m));
      det.rule = "prior_models";
      throw error(errc::invalid_argument,
                  "mixture_options.prior: model " + std::string(to_string(m)) +
                      " has no conjugate prior here; the prior is available for EII, VII, EEI, VVI, "
                      "EEE and VVV (fit the others without it)", det);
    }
  }
  if (!(std::isfinite(pr.shrinkage) && pr.shrinkage >= 0.0)) {
    fail_option("prior.shrinkage", number_text(pr.shrinkage), "must be finite and >= 0", "prior_shrinkage");
  }
  if (pr.mean && static_cast<std::size_t>(pr.mean->size()) != d) {
    fail_option("prior.mean", "a vector of " + std::to_string(pr.mean->size()),
                "must have one value per column (" + std::to_string(d) + ")", "prior_size");
  }
  if (pr.mean && !pr.mean->allFinite()) fail_option("prior.mean", "non-finite", "must be finite", "prior_mean");
  if (pr.dof && !(std::isfinite(*pr.dof) && *pr.dof > static_cast<double>(d) - 1.0)) {
    fail_option("prior.dof", number_text(*pr.dof), "must be > d - 1 = " + std::to_string(d - 1), "prior_dof");
  }
  if (pr.scale) {
    const bool full = std::any_of(models.begin(), models.end(), full_scale_prior);
    const bool diag = std::any_of(models.begin(), models.end(), [](model_t m) { return !full_scale_prior(m); });
    if (full && diag) {
      fail_option("prior.scale", "given", "a scale for EEE/VVV (d x d) and for the spherical and diagonal "
                                          "models (1 x 1) differ: fit them separately", "prior_scale");
    }
    const auto want = static_cast<Eigen::Index>(full ? d : 1);
    if (pr.scale->rows() != want || pr.scale->cols() != want) {
      fail_option("prior.scale", std::to_string(pr.scale->rows()) + " x " + std::to_string(pr.scale->cols()),
                  "must be " + std::to_string(want) + " x " + std::to_string(want), "prior_size");
    }
    Eigen::LLT<Eigen::MatrixXd> llt(*pr.scale);
    if (!pr.scale->allFinite() || llt.info() != Eigen::Success) {
      fail_option("prior.scale", "given", "must be symmetric positive definite", "prior_scale");
    }
  }
}

mixture_params params_from_fit(const mixture_fit& fit, const Eigen::VectorXd& centre) {
  mixture_params p;
  p.k = fit.k;
  p.d = static_cast<std::size_t>(fit.means.cols());
  p.pro = fit.proportions;
  p.mean.resize(p.k);
  p.sigma = fit.covariances;
  for (std::size_t k = 0; k < p.k; ++k) p.mean[k] = fit.means.row(static_cast<Eigen::Index>(k)).transpose() - centre;
  return p;
}

profile_membership membership_of(const Eigen::Ref<const Eigen::MatrixXd>& data, const std::vector<char>& complete,
                                 const dataset& ds, const prepared& pp, int threads) {
  const std::size_t K = pp.k;
  profile_membership m;
  const auto rows = data.rows();
  m.posterior = Eigen::MatrixXd::Constant(rows, static_cast<Eigen::Index>(K), nan_v);
  m.uncertainty = Eigen::VectorXd::Constant(rows, nan_v);
  m.profile.assign(static_cast<std::size_t>(rows), std::nullopt);
  std::vector<std::size_t> index;  // complete row r -> input row
  index.reserve(ds.n);
  for (std::size_t r = 0; r < complete.size(); ++r) {
    if (complete[r]) index.push_back(r);
  }
  detail::parallel_for(ds.bounds.size() - 1, threads, [&](std::size_t b) {
    std::vector<double> lz(K), diff(pp.d);
    for (std::size_t i = ds.bounds[b]; i < ds.bounds[b + 1]; ++i) {
      row_posterior(pp, &ds.x[i * ds.d], lz.data(), diff.data());
      std::size_t top = 0;
      for (std::size_t k = 0; k < K; ++k) {
        if (lz[k] > lz[top]) top = k;
      }
      const auto r = static_cast<Eigen::Index>(index[i]);
      for (std::size_t k = 0; k < K; ++k) m.posterior(r, static_cast<Eigen::Index>(k)) = lz[k];
      m.uncertainty(r) = 1.0 - lz[top];
      m.profile[index[i]] = static_cast<int>(top) + 1;
    }
  });
  m.n = ds.n;
  m.average_posterior = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(K));
  std::vector<double> count(K, 0.0);
  for (const std::size_t r : index) {
    const auto j = static_cast<Eigen::Index>(*m.profile[r] - 1);
    m.average_posterior.row(j) += m.posterior.row(static_cast<Eigen::Index>(r));
    count[static_cast<std::size_t>(j)] += 1.0;
  }
  for (std::size_t j = 0; j < K; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    if (count[j] > 0.0) {
      m.average_posterior.row(jj) /= count[j];
    } else {
      m.average_posterior.row(jj).setConstant(nan_v);
    }
  }
  return m;
}

// The complete rows of `data` as a dataset; infinite values are bad input.
dataset make_dataset(const Eigen::Ref<const Eigen::MatrixXd>& data, std::vector<char>& complete, const char* where) {
  dataset ds;
  ds.d = static_cast<std::size_t>(data.cols());
  complete.assign(static_cast<std::size_t>(data.rows()), 0);
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    bool ok = true;
    for (Eigen::Index c = 0; c < data.cols(); ++c) {
      const double v = data(i, c);
      if (std::isinf(v)) detail::throw_infinite_value(where, static_cast<std::size_t>(i), static_cast<std::size_t>(c), v);
      if (std::isnan(v)) ok = false;
    }
    complete[static_cast<std::size_t>(i)] = ok ? 1 : 0;
    if (ok) ++ds.n;
  }
  const auto d = static_cast<Eigen::Index>(ds.d);
  ds.centre = Eigen::VectorXd::Zero(d);
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    if (complete[static_cast<std::size_t>(i)]) ds.centre += data.row(i).transpose();
  }
  if (ds.n > 0) ds.centre /= static_cast<double>(ds.n);
  ds.x.reserve(ds.n * ds.d);
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    if (!complete[static_cast<std::size_t>(i)]) continue;
    for (Eigen::Index c = 0; c < d; ++c) ds.x.push_back(data(i, c) - ds.centre(c));
  }
  if (ds.n > 0) finish_dataset(ds);
  return ds;
}

// Distinct rows and the largest group of identical rows.
std::pair<std::size_t, std::size_t> distinct_rows(const dataset& ds) {
  std::vector<std::size_t> order(ds.n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const std::size_t d = ds.d;
  auto less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(&ds.x[a * d], &ds.x[a * d] + d, &ds.x[b * d], &ds.x[b * d] + d);
  };
  std::sort(order.begin(), order.end(), less);
  std::size_t distinct = 0, largest = 0, run = 0;
  for (std::size_t t = 0; t < order.size(); ++t) {
    if (t == 0 || less(order[t - 1], order[t])) {
      ++distinct;
      run = 1;
    } else {
      ++run;
    }
    largest = std::max(largest, run);
  }
  return {distinct, largest};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Names.

std::string_view to_string(covariance_model m) noexcept {
  switch (m) {
    case model_t::EII: return "EII";
    case model_t::VII: return "VII";
    case model_t::EEI: return "EEI";
    case model_t::VEI: return "VEI";
    case model_t::EVI: return "EVI";
    case model_t::VVI: return "VVI";
    case model_t::EEE: return "EEE";
    case model_t::VEE: return "VEE";
    case model_t::EVE: return "EVE";
    case model_t::VVE: return "VVE";
    case model_t::EEV: return "EEV";
    case model_t::VEV: return "VEV";
    case model_t::EVV: return "EVV";
    case model_t::VVV: return "VVV";
  }
  return "VVV";
}

std::optional<covariance_model> parse_covariance_model(std::string_view s) noexcept {
  const std::string u = upper(s);
  for (const model_t m : all_covariance_models) {
    if (u == to_string(m)) return m;
  }
  return std::nullopt;
}

std::size_t covariance_parameter_count(covariance_model model, std::size_t d, std::size_t k) noexcept {
  const std::size_t full = d * (d + 1) / 2, rot = d * (d - 1) / 2;
  switch (model) {
    case model_t::EII: return 1;
    case model_t::VII: return k;
    case model_t::EEI: return d;
    case model_t::VEI: return k + d - 1;
    case model_t::EVI: return 1 + k * (d - 1);
    case model_t::VVI: return k * d;
    case model_t::EEE: return full;
    case model_t::VEE: return k + full - 1;
    case model_t::EVE: return 1 + k * (d - 1) + rot;
    case model_t::VVE: return k * d + rot;
    case model_t::EEV: return d + k * rot;
    case model_t::VEV: return k + d - 1 + k * rot;
    case model_t::EVV: return 1 + k * (full - 1);
    case model_t::VVV: return k * full;
  }
  return 0;
}

std::size_t mixture_parameter_count(covariance_model model, std::size_t d, std::size_t k) noexcept {
  return (k - 1) + k * d + covariance_parameter_count(model, d, k);
}

std::string_view to_string(mixture_start s) noexcept {
  switch (s) {
    case mixture_start::hierarchical: return "hierarchical";
    case mixture_start::random: return "random";
    case mixture_start::given: return "given";
  }
  return "random";
}

std::optional<mixture_start> parse_mixture_start(std::string_view s) noexcept {
  const std::string l = lower(s);
  if (l == "hierarchical") return mixture_start::hierarchical;
  if (l == "random") return mixture_start::random;
  if (l == "given") return mixture_start::given;
  return std::nullopt;
}

std::string_view to_string(label_reference r) noexcept {
  return r == label_reference::midpoint ? "midpoint" : "sample_mean";
}

std::optional<label_reference> parse_label_reference(std::string_view s) noexcept {
  const std::string l = lower(s);
  if (l == "midpoint") return label_reference::midpoint;
  if (l == "sample_mean" || l == "sample-mean" || l == "mean") return label_reference::sample_mean;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Labels.

void profile_label_options::validate() const {
  if (anxiety_column == avoidance_column) {
    error_details d;
    d.option = "profile_label_options.avoidance_column";
    d.value = std::to_string(avoidance_column);
    d.rule = "distinct_columns";
    throw error(errc::invalid_argument, "profile_label_options: anxiety_column and avoidance_column are both " +
                                            std::to_string(anxiety_column) + "; they must differ", d);
  }
  if (reference == label_reference::midpoint) {
    if (!range) {
      error_details d;
      d.option = "profile_label_options.range";
      d.rule = "range_required";
      throw error(errc::invalid_argument,
                  "profile_label_options.range: the midpoint reference needs the response range of the scores", d);
    }
    if (!(std::isfinite(range->min) && std::isfinite(range->max) && range->min < range->max)) {
      error_details d;
      d.option = "profile_label_options.range";
      d.value = number_text(range->min) + "-" + number_text(range->max);
      d.rule = "range_order";
      throw error(errc::invalid_argument, "profile_label_options.range = " + *d.value + ": min must be below max", d);
    }
  }
}

profile_labels label_profiles(const Eigen::Ref<const Eigen::MatrixXd>& means, const profile_label_options& options,
                              double anxiety_cut, double avoidance_cut) {
  const auto cols = static_cast<std::size_t>(means.cols());
  if (options.anxiety_column >= cols || options.avoidance_column >= cols) {
    error_details d;
    d.option = options.anxiety_column >= cols ? "profile_label_options.anxiety_column"
                                              : "profile_label_options.avoidance_column";
    d.value = std::to_string(std::max(options.anxiety_column, options.avoidance_column));
    d.rule = "column_range";
    throw error(errc::invalid_argument, "label_profiles: column " + *d.value + " does not exist; the means have " +
                                            std::to_string(cols) + " column(s)", d);
  }
  if (!std::isfinite(anxiety_cut) || !std::isfinite(avoidance_cut)) {
    throw error(errc::invalid_argument, "label_profiles: the cuts (" + number_text(anxiety_cut) + ", " +
                                            number_text(avoidance_cut) + ") must be finite");
  }
  profile_labels out;
  out.reference = options.reference;
  out.anxiety_cut = anxiety_cut;
  out.avoidance_cut = avoidance_cut;
  const auto K = static_cast<std::size_t>(means.rows());
  bool tie = false;
  for (std::size_t k = 0; k < K; ++k) {
    const double a = means(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(options.anxiety_column));
    const double v = means(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(options.avoidance_column));
    if (a == anxiety_cut || v == avoidance_cut || !std::isfinite(a) || !std::isfinite(v)) {
      out.quadrant.push_back(attachment_style::unclassified);
      tie = true;
    } else {
      out.quadrant.push_back(quadrant_style(a > anxiety_cut, v > avoidance_cut));
    }
  }
  out.styles.assign(K, attachment_style::unclassified);
  if (K != 4) {
    out.reason = std::to_string(K) + " profile(s): the four attachment names need exactly four profiles";
    return out;
  }
  if (tie) {
    out.reason = "a profile's mean lies exactly on a cut";
    return out;
  }
  std::array<int, 4> count{};
  for (const auto s : out.quadrant) ++count[static_cast<std::size_t>(s)];
  for (std::size_t q = 0; q < 4; ++q) {
    if (count[q] > 1) {
      out.reason = std::to_string(count[q]) + " profiles lie in the " + std::string(to_string(all_styles[q])) +
                   " quadrant: the four profiles do not fall in four quadrants";
      return out;
    }
  }
  out.labelled = true;
  out.styles = out.quadrant;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Options.

void mixture_options::validate() const {
  if (models.empty()) fail_option("models", "{}", "give at least one covariance model", "models_empty");
  for (std::size_t i = 0; i < models.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (models[i] == models[j]) {
        fail_option("models", std::string(to_string(models[i])), "listed twice", "models_unique");
      }
    }
  }
  if (k_min < 1) fail_option("k_min", std::to_string(k_min), "must be >= 1", "k_min");
  if (k_max < k_min || k_max > max_k) {
    fail_option("k_max", std::to_string(k_max),
                "must be in k_min..max_k (" + std::to_string(k_min) + ".." + std::to_string(max_k) + ")", "k_max");
  }
  if (starts < 1 || starts > max_starts) {
    fail_option("starts", std::to_string(starts), "must be in 1.." + std::to_string(max_starts), "starts");
  }
  if (hierarchical_subset < 2 || hierarchical_subset > max_hierarchical_subset) {
    fail_option("hierarchical_subset", std::to_string(hierarchical_subset),
                "must be in 2.." + std::to_string(max_hierarchical_subset) + " (its memory grows with its square)",
                "hierarchical_subset");
  }
  if (!(tolerance > 0.0 && tolerance < 1.0)) {
    fail_option("tolerance", number_text(tolerance), "must be in (0, 1)", "tolerance");
  }
  if (max_iterations < 1 || max_iterations > 1000000) {
    fail_option("max_iterations", std::to_string(max_iterations), "must be in 1..1000000", "max_iterations");
  }
  if (!(best_tolerance >= 0.0 && best_tolerance < 1.0)) {
    fail_option("best_tolerance", number_text(best_tolerance), "must be in [0, 1)", "best_tolerance");
  }
  if (!(collapse_tolerance >= 0.0 && collapse_tolerance <= 1e-2)) {
    fail_option("collapse_tolerance", number_text(collapse_tolerance), "must be in [0, 0.01]", "collapse_tolerance");
  }
  if (bootstrap_lrt > max_bootstrap) {
    fail_option("bootstrap_lrt", std::to_string(bootstrap_lrt), "must be in 0.." + std::to_string(max_bootstrap),
                "bootstrap_lrt");
  }
  if (bootstrap_random_starts > max_starts) {
    fail_option("bootstrap_random_starts", std::to_string(bootstrap_random_starts),
                "must be in 0.." + std::to_string(max_starts), "bootstrap_random_starts");
  }
  if (bootstrap_model && std::find(models.begin(), models.end(), *bootstrap_model) == models.end()) {
    fail_option("bootstrap_model", std::string(to_string(*bootstrap_model)), "must be one of the models fitted",
                "bootstrap_model");
  }
  if (labels) labels->validate();
}

// ---------------------------------------------------------------------------------------------
// The fit.

namespace {

struct start_task {
  std::size_t fit = 0;    // index into the result's fits
  std::size_t start = 0;  // start index
};

struct fit_work {
  model_t model = model_t::VVV;
  std::size_t k = 1;
  std::optional<prior_params> prior;
  std::vector<em_run> runs;
  std::vector<mixture_start> kinds;
  std::optional<std::string> skipped;  // why no start ran
  std::optional<std::size_t> best;
};

void pick_best(fit_work& w) {
  w.best.reset();
  for (std::size_t s = 0; s < w.runs.size(); ++s) {
    if (!w.runs[s].ok) continue;
    if (!w.best || w.runs[s].loglik > w.runs[*w.best].loglik) w.best = s;
  }
}

}  // namespace

mixture_result fit_profiles(const Eigen::Ref<const Eigen::MatrixXd>& data, const mixture_options& options) {
  options.validate();
  mixture_result result;
  result.n_rows = static_cast<std::size_t>(data.rows());
  result.d = static_cast<std::size_t>(data.cols());
  if (result.d == 0) throw error(errc::insufficient_data, "fit_profiles: the data have no columns");
  if (options.labels) {
    const std::size_t top = std::max(options.labels->anxiety_column, options.labels->avoidance_column);
    if (top >= result.d) {
      error_details det;
      det.option = "mixture_options.labels";
      det.value = std::to_string(top);
      det.rule = "column_range";
      throw error(errc::invalid_argument, "mixture_options.labels: column " + std::to_string(top) +
                                              " does not exist; the data have " + std::to_string(result.d) +
                                              " column(s)", det);
    }
  }
  std::vector<char> complete;
  dataset ds = make_dataset(data, complete, "fit_profiles");
  result.n = ds.n;
  result.n_missing = result.n_rows - ds.n;
  if (ds.n < 2) {
    throw error(errc::insufficient_data, "fit_profiles: " + std::to_string(ds.n) +
                                             " complete row(s); a mixture needs at least 2 (rows with a missing "
                                             "value are left out)");
  }
  if (options.prior) validate_prior(*options.prior, ds.d, options.models);
  const auto [distinct, largest] = distinct_rows(ds);
  result.n_distinct = distinct;
  if (distinct < options.k_min) {
    throw error(errc::insufficient_data, "fit_profiles: the data have " + std::to_string(distinct) +
                                             " distinct row(s), fewer than k_min = " + std::to_string(options.k_min));
  }
  if (!(ds.max_eigen > 0.0)) {
    throw error(errc::insufficient_data, "fit_profiles: every complete row is the same; there is no variance to model");
  }
  if (result.n_missing > 0) {
    result.warnings.push_back(std::to_string(result.n_missing) + " of " + std::to_string(result.n_rows) +
                              " rows left out: a value is missing (listwise; no full-information estimation)");
  }
  if (largest >= std::max<std::size_t>(ds.d + 1, (ds.n + 19) / 20) && largest > 1) {
    result.warnings.push_back(std::to_string(largest) + " of " + std::to_string(ds.n) +
                              " respondents give one identical answer pattern (" + std::to_string(distinct) +
                              " distinct rows in all): a profile may collapse onto identical rows (variance 0); "
                              "such starts are reported, and mixture_options.prior regularises the covariances");
  }

  // The hierarchical start: partitions of all rows, or of a seeded subset.
  std::vector<std::vector<int>> hc;
  std::vector<std::size_t> hc_rows;
  bool hc_subset = false;
  if (options.hierarchical_start && options.k_max >= 2) {
    if (ds.n > options.hierarchical_subset) {
      hc_subset = true;
      std::vector<std::size_t> all(ds.n);
      std::iota(all.begin(), all.end(), std::size_t{0});
      detail::rng rng(detail::stream_seed(options.seed, subset_stream));
      for (std::size_t i = 0; i < options.hierarchical_subset; ++i) {
        const std::size_t j = i + static_cast<std::size_t>(rng.below(ds.n - i));
        std::swap(all[i], all[j]);
      }
      hc_rows.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(options.hierarchical_subset));
      std::sort(hc_rows.begin(), hc_rows.end());
    } else {
      hc_rows.resize(ds.n);
      std::iota(hc_rows.begin(), hc_rows.end(), std::size_t{0});
    }
    const Eigen::MatrixXd z = svd_transform(ds, hc_rows);
    if (z.cols() > 0) hc = hc_partitions(z, options.k_max, options.threads);
  }

  // One work item per model and K; one task per start.
  std::vector<fit_work> work;
  for (const model_t m : options.models) {
    for (std::size_t k = options.k_min; k <= options.k_max; ++k) {
      fit_work w;
      w.model = m;
      w.k = k;
      if (options.prior) w.prior = make_prior(*options.prior, ds, m, k);
      if (k > distinct) {
        w.skipped = std::to_string(k) + " profiles need at least " + std::to_string(k) + " distinct rows; the data have " +
                    std::to_string(distinct);
      }
      work.push_back(std::move(w));
    }
  }
  std::vector<start_task> tasks;
  for (std::size_t f = 0; f < work.size(); ++f) {
    if (work[f].skipped) continue;
    const std::size_t starts = work[f].k == 1 ? 1 : options.starts;
    work[f].runs.assign(starts, em_run{});
    work[f].kinds.assign(starts, mixture_start::random);
    for (std::size_t s = 0; s < starts; ++s) tasks.push_back({f, s});
  }
  em_settings base;
  base.tolerance = options.tolerance;
  base.max_iterations = options.max_iterations;
  base.collapse_tolerance = options.collapse_tolerance;
  base.threads = tasks.size() == 1 ? options.threads : 1;
  base.progress = &options.progress;
  const bool use_hc = !hc.empty();
  // One start: its EM run (a task of the pool).
  auto run_start = [&](std::size_t t) {
    fit_work& w = work[tasks[t].fit];
    const std::size_t s = tasks[t].start;
    em_settings es = base;
    es.model = w.model;
    es.k = w.k;
    es.prior = w.prior ? &*w.prior : nullptr;
    em_run& run = w.runs[s];
    if (w.k == 1) {
      std::vector<std::size_t> rows(ds.n);
      std::iota(rows.begin(), rows.end(), std::size_t{0});
      w.kinds[s] = mixture_start::hierarchical;
      run = run_em(ds, es, partition_stats(ds, rows, std::vector<int>(ds.n, 0), 1), false);
      return;
    }
    const bool hierarchical = use_hc && s == 0 && w.k - 2 < hc.size() && !hc[w.k - 2].empty();
    if (hierarchical) {
      w.kinds[s] = mixture_start::hierarchical;
      run = run_em(ds, es, partition_stats(ds, hc_rows, hc[w.k - 2], w.k), hc_subset);
      return;
    }
    w.kinds[s] = mixture_start::random;
    const auto part = random_partition(ds, w.k, detail::stream_seed(options.seed, s));
    if (!part) {
      run.failure = "fewer distinct rows than profiles";
      return;
    }
    std::vector<std::size_t> rows(ds.n);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    run = run_em(ds, es, partition_stats(ds, rows, *part, w.k), false);
  };
  detail::progress_meter meter(options.progress, "profiles", tasks.size());
  detail::parallel_for(tasks.size(), options.threads, [&](std::size_t t) {
    run_start(t);
    meter.advance();
  });
  meter.finish();

  // Per model and K: the best start, its criteria and warnings.
  const double log_n = std::log(static_cast<double>(ds.n));
  result.fits.resize(work.size());
  std::vector<std::optional<prepared>> best_prepared(work.size());
  detail::parallel_for(work.size(), tasks.size() == 1 ? 1 : options.threads, [&](std::size_t f) {
    fit_work& w = work[f];
    mixture_fit& fit = result.fits[f];
    fit.model = w.model;
    fit.k = w.k;
    fit.df = mixture_parameter_count(w.model, ds.d, w.k);
    if (w.skipped) {
      fit.warnings.push_back("not fitted: " + *w.skipped);
      return;
    }
    fit.starts = w.runs.size();
    pick_best(w);
    std::optional<std::string> first_failure;
    std::size_t inner = 0;
    for (const auto& r : w.runs) {
      if (!r.ok) {
        ++fit.starts_collapsed;
        if (!first_failure) first_failure = r.failure;
      }
      inner += r.inner_not_converged;
    }
    if (!w.best) {
      fit.warnings.push_back("no fit: all " + std::to_string(fit.starts) + " start(s) failed (" +
                             first_failure.value_or("no start") + ")" +
                             (options.prior ? std::string()
                                            : std::string("; mixture_options.prior (a conjugate prior) regularises "
                                                          "the covariances")));
      return;
    }
    const em_run& best = w.runs[*w.best];
    const double lbest = best.loglik;
    for (const auto& r : w.runs) {
      if (r.ok && lbest - r.loglik <= options.best_tolerance * std::max(1.0, std::abs(lbest))) ++fit.starts_at_best;
    }
    fit.best_start = *w.best;
    fit.best_start_kind = w.kinds[*w.best];
    fit.converged = best.converged;
    fit.iterations = best.iterations;
    prepared pp;
    prepare(best.params, ds, 0.0, pp);
    const fit_summary sm = summarise(ds, pp, 1);
    best_prepared[f] = std::move(pp);
    fit.loglik = lbest;
    const double df = static_cast<double>(fit.df);
    fit.bic = 2.0 * lbest - df * log_n;
    fit.bic_min = -2.0 * lbest + df * log_n;
    fit.aic = -2.0 * lbest + 2.0 * df;
    fit.icl = *fit.bic + 2.0 * sm.icl_sum;
    if (w.k > 1) fit.entropy = 1.0 - sm.entropy_sum / (static_cast<double>(ds.n) * std::log(static_cast<double>(w.k)));
    fit.sizes = sm.sizes;
    fit.smallest = *std::min_element(sm.sizes.begin(), sm.sizes.end());
    fit.proportions = best.params.pro;
    fit.means.resize(static_cast<Eigen::Index>(w.k), static_cast<Eigen::Index>(ds.d));
    for (std::size_t k = 0; k < w.k; ++k) {
      fit.means.row(static_cast<Eigen::Index>(k)) = (best.params.mean[k] + ds.centre).transpose();
    }
    fit.covariances = best.params.sigma;
    if (fit.starts_collapsed > 0) {
      fit.warnings.push_back(std::to_string(fit.starts_collapsed) + " of " + std::to_string(fit.starts) +
                             " starts failed (first: " + *first_failure + ")");
    }
    if (fit.starts > 1 && fit.starts_at_best == 1) {
      fit.warnings.push_back("the best log-likelihood was reached by 1 of " + std::to_string(fit.starts) +
                             " starts: it is not replicated (a local maximum is possible; use more starts)");
    }
    if (!fit.converged) {
      fit.warnings.push_back("EM did not converge within " + std::to_string(options.max_iterations) +
                             " iterations (mixture_options.max_iterations)");
    }
    if (inner > 0) {
      fit.warnings.push_back(std::to_string(inner) + " inner M-step loop(s) stopped after " +
                             std::to_string(inner_max_iterations) + " iterations without meeting sqrt(eps)");
    }
    if (*fit.smallest * 100 < ds.n) {
      fit.warnings.push_back("the smallest profile has " + std::to_string(*fit.smallest) + " respondent(s), under 1% of " +
                             std::to_string(ds.n));
    }
    if (options.labels) {
      const auto& lo = *options.labels;
      const double ca = lo.reference == label_reference::midpoint ? lo.range->midpoint()
                                                                  : ds.centre(static_cast<Eigen::Index>(lo.anxiety_column));
      const double cv = lo.reference == label_reference::midpoint ? lo.range->midpoint()
                                                                  : ds.centre(static_cast<Eigen::Index>(lo.avoidance_column));
      fit.labels = label_profiles(fit.means, lo, ca, cv);
    }
  });

  // The best fit: highest bic (mclust's rule); ties go to the earlier fit.
  for (std::size_t f = 0; f < result.fits.size(); ++f) {
    const auto& fit = result.fits[f];
    if (!fit.bic) continue;
    if (!result.best || *fit.bic > *result.fits[result.best->fit].bic) {
      result.best = mixture_choice{fit.model, fit.k, f, "highest bic"};
    }
  }
  if (!result.best) {
    result.warnings.push_back("no model and number of profiles could be fitted (see each fit's warnings)");
    return result;
  }
  result.membership = membership_of(data, complete, ds, *best_prepared[result.best->fit], options.threads);

  // Bootstrap likelihood-ratio tests of K against K - 1 for one model.
  if (options.bootstrap_lrt > 0) {
    const model_t model = options.bootstrap_model.value_or(result.best->model);
    detail::progress_meter lrt_meter(options.progress, "bootstrap_lrt", options.bootstrap_lrt * (options.k_max - options.k_min));
    for (std::size_t k = options.k_min + 1; k <= options.k_max; ++k) {
      std::size_t f0 = work.size(), f1 = work.size();
      for (std::size_t f = 0; f < work.size(); ++f) {
        if (work[f].model == model && work[f].k == k - 1) f0 = f;
        if (work[f].model == model && work[f].k == k) f1 = f;
      }
      bootstrap_lrt_test test;
      test.model = model;
      test.k = k;
      if (f0 == work.size() || f1 == work.size() || !work[f0].best || !work[f1].best) {
        test.warnings.push_back("not tested: the fit with " + std::to_string(k - 1) + " or " + std::to_string(k) +
                                " profiles failed");
        test.p_value = nan_v;
        test.statistic = nan_v;
        result.bootstrap_lrt.push_back(std::move(test));
        continue;
      }
      const mixture_params& p0 = work[f0].runs[*work[f0].best].params;
      const mixture_params& p1 = work[f1].runs[*work[f1].best].params;
      test.statistic = 2.0 * (work[f1].runs[*work[f1].best].loglik - work[f0].runs[*work[f0].best].loglik);
      const std::size_t B = options.bootstrap_lrt;
      constexpr std::size_t max_draws = 10;
      std::vector<std::optional<double>> stat(B);
      std::vector<std::size_t> draws(B, 0);
      // Replicate b: up to max_draws simulated data sets until both fits succeed.
      auto replicate = [&](std::size_t b) {
        for (std::size_t a = 0; a < max_draws; ++a) {
          ++draws[b];
          const std::uint64_t base_seed =
              detail::stream_seed(options.seed, bootstrap_stream + (static_cast<std::uint64_t>(k) << 24) +
                                                    static_cast<std::uint64_t>(b) * max_draws + a);
          const dataset sim = simulate(p0, ds.n, base_seed);
          em_settings es = base;
          es.threads = 1;
          es.model = model;
          std::optional<prior_params> pr0, pr1;
          if (options.prior) {
            pr0 = make_prior(*options.prior, sim, model, k - 1);
            pr1 = make_prior(*options.prior, sim, model, k);
          }
          es.k = k - 1;
          es.prior = pr0 ? &*pr0 : nullptr;
          const em_run r0 = run_em_from(sim, es, p0);
          if (!r0.ok) continue;
          es.k = k;
          es.prior = pr1 ? &*pr1 : nullptr;
          std::optional<double> l1;
          const em_run r1 = run_em_from(sim, es, p1);
          if (r1.ok) l1 = r1.loglik;
          for (std::size_t s = 0; s < options.bootstrap_random_starts; ++s) {
            const auto part = random_partition(sim, k, detail::stream_seed(base_seed, s + 1));
            if (!part) continue;
            std::vector<std::size_t> rows(sim.n);
            std::iota(rows.begin(), rows.end(), std::size_t{0});
            const em_run r = run_em(sim, es, partition_stats(sim, rows, *part, k), false);
            if (r.ok && (!l1 || r.loglik > *l1)) l1 = r.loglik;
          }
          if (!l1) continue;
          stat[b] = 2.0 * (*l1 - r0.loglik);
          return;
        }
      };
      detail::parallel_for(B, options.threads, [&](std::size_t b) {
        replicate(b);
        lrt_meter.advance();
      });
      std::size_t exceed = 0;
      for (std::size_t b = 0; b < B; ++b) {
        test.redrawn += draws[b] - 1;
        if (!stat[b]) continue;
        test.bootstrap.push_back(*stat[b]);
        if (*stat[b] >= test.statistic) ++exceed;
      }
      test.replicates = test.bootstrap.size();
      test.p_value = (1.0 + static_cast<double>(exceed)) / (static_cast<double>(test.replicates) + 1.0);
      if (test.replicates < B) {
        test.warnings.push_back(std::to_string(B - test.replicates) + " of " + std::to_string(B) +
                                " replicates failed " + std::to_string(max_draws) + " draws each and were dropped");
      }
      if (test.redrawn > 0) {
        test.warnings.push_back(std::to_string(test.redrawn) + " replicate draw(s) collapsed and were drawn again");
      }
      result.bootstrap_lrt.push_back(std::move(test));
    }
    lrt_meter.finish();
  }
  return result;
}

profile_membership classify_profiles(const Eigen::Ref<const Eigen::MatrixXd>& data, const mixture_fit& fit) {
  if (!fit.loglik || fit.proportions.size() != fit.k || static_cast<std::size_t>(fit.means.rows()) != fit.k ||
      fit.covariances.size() != fit.k) {
    throw error(errc::invalid_argument, "classify_profiles: the fit (" + std::string(to_string(fit.model)) + ", " +
                                            std::to_string(fit.k) + " profiles) has no estimates");
  }
  if (data.cols() != fit.means.cols()) {
    throw error(errc::invalid_argument, "classify_profiles: the data have " + std::to_string(data.cols()) +
                                            " column(s), the fit " + std::to_string(fit.means.cols()));
  }
  std::vector<char> complete;
  dataset ds = make_dataset(data, complete, "classify_profiles");
  if (ds.n == 0) {
    profile_membership m;
    m.posterior = Eigen::MatrixXd::Constant(data.rows(), static_cast<Eigen::Index>(fit.k), nan_v);
    m.uncertainty = Eigen::VectorXd::Constant(data.rows(), nan_v);
    m.profile.assign(static_cast<std::size_t>(data.rows()), std::nullopt);
    m.average_posterior = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(fit.k), static_cast<Eigen::Index>(fit.k), nan_v);
    return m;
  }
  const mixture_params p = params_from_fit(fit, ds.centre);
  prepared pp;
  if (auto why = prepare(p, ds, 0.0, pp)) {
    throw error(errc::numerical_issue, "classify_profiles: " + *why);
  }
  return membership_of(data, complete, ds, pp, 0);
}

std::vector<std::vector<int>> model_based_partitions(const Eigen::Ref<const Eigen::MatrixXd>& data,
                                                    std::size_t k_max, int threads) {
  if (k_max < 2) {
    error_details det;
    det.value = std::to_string(k_max);
    det.rule = "k_max";
    throw error(errc::invalid_argument, "model_based_partitions: k_max = " + std::to_string(k_max) + ": must be >= 2", det);
  }
  std::vector<char> complete;
  const dataset ds = make_dataset(data, complete, "model_based_partitions");
  if (ds.n > mixture_options::max_hierarchical_subset) {
    error_details det;
    det.value = std::to_string(ds.n);
    det.rule = "max_rows";
    throw error(errc::invalid_argument, "model_based_partitions: " + std::to_string(ds.n) +
                                            " complete rows; at most " +
                                            std::to_string(mixture_options::max_hierarchical_subset) +
                                            " (the memory grows with the square of the rows)", det);
  }
  if (ds.n < k_max) {
    throw error(errc::insufficient_data, "model_based_partitions: " + std::to_string(ds.n) +
                                             " complete row(s), fewer than k_max = " + std::to_string(k_max));
  }
  std::vector<std::size_t> rows(ds.n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  const Eigen::MatrixXd z = svd_transform(ds, rows);
  if (z.cols() == 0) throw error(errc::insufficient_data, "model_based_partitions: every column is constant");
  std::vector<std::vector<int>> out = hc_partitions(z, k_max, threads);
  for (auto& part : out) {
    for (int& l : part) ++l;
  }
  return out;
}

ATTUNE_END_NAMESPACE
