// Private helper of the irt and cat modules: the graded response model of one item at one theta.
//
// Samejima (1969) in mirt's slope-intercept form: for categories c = 0..K-1 and boundaries
// k = 1..K-1, P*_k(theta) = logistic(eta_k), eta_k = a theta + d_k, with P*_0 = 1 and P*_K = 0;
// P_c = P*_c - P*_{c+1}. For accuracy both s_k = logistic(eta_k) and t_k = 1 - s_k are formed
// directly, and a category whose two boundaries are both near 1 is computed as t_{c+1} - t_c (no
// cancellation of two numbers close to 1).
//
// Derivatives (used by the M-step, the observed information, scoring and item information):
// psi_k = s_k t_k = dP*_k/deta_k, psi'_k = psi_k (t_k - s_k) = d^2 P*_k/deta_k^2 (psi_0 = psi_K = 0);
// dP_c/deta_c = psi_c, dP_c/deta_{c+1} = -psi_{c+1}, dP_c/dtheta = a (psi_c - psi_{c+1}).
// Item information (Samejima 1969): I(theta) = sum_c (dP_c/dtheta)^2 / P_c.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The most categories an item may have (category indices travel as bytes; 255 = missing).
inline constexpr int kMaxGradedCategories = 100;

/// s = logistic(eta), t = 1 - s, both to full relative precision.
inline void logistic_pair(double eta, double& s, double& t) {
  if (eta >= 0) {
    const double e = std::exp(-eta);
    s = 1.0 / (1.0 + e);
    t = e * s;
  } else {
    const double e = std::exp(eta);
    t = 1.0 / (1.0 + e);
    s = e * t;
  }
}

/// One item evaluated at one theta: category probabilities and boundary derivatives.
struct graded_point {
  std::vector<double> p;      ///< K category probabilities
  std::vector<double> psi;    ///< K+1 values psi_0..psi_K (psi_0 = psi_K = 0)
  std::vector<double> dpsi;   ///< K+1 values psi'_0..psi'_K

  /// Evaluates the item (slope a, intercepts d[0..K-2]) at theta. `derivatives` also fills psi, dpsi.
  void evaluate(double a, const double* d, int k, double theta, bool derivatives = true) {
    p.resize(static_cast<std::size_t>(k));
    if (derivatives) {
      psi.assign(static_cast<std::size_t>(k) + 1, 0.0);
      dpsi.assign(static_cast<std::size_t>(k) + 1, 0.0);
    }
    double s_prev = 1.0, t_prev = 0.0;
    for (int c = 0; c < k; ++c) {
      double s_next = 0.0, t_next = 1.0;
      bool high = false;  // both boundaries of category c are above one half
      if (c + 1 < k) {
        const double eta = a * theta + d[c];
        logistic_pair(eta, s_next, t_next);
        high = eta > 0;
        if (derivatives) {
          const double ps = s_next * t_next;
          psi[static_cast<std::size_t>(c) + 1] = ps;
          dpsi[static_cast<std::size_t>(c) + 1] = ps * (t_next - s_next);
        }
      }
      p[static_cast<std::size_t>(c)] = high ? t_next - t_prev : s_prev - s_next;
      s_prev = s_next;
      t_prev = t_next;
    }
  }

  /// dP_c/dtheta for the slope a.
  [[nodiscard]] double dp_dtheta(double a, int c) const {
    return a * (psi[static_cast<std::size_t>(c)] - psi[static_cast<std::size_t>(c) + 1]);
  }
  /// d^2 P_c/dtheta^2 for the slope a.
  [[nodiscard]] double d2p_dtheta2(double a, int c) const {
    return a * a * (dpsi[static_cast<std::size_t>(c)] - dpsi[static_cast<std::size_t>(c) + 1]);
  }
  /// Fisher information of the item at this theta (needs derivatives).
  [[nodiscard]] double information(double a) const {
    double info = 0;
    for (std::size_t c = 0; c < p.size(); ++c) {
      if (!(p[c] > 0)) continue;  // P_c underflowed: its derivative is as small, the term vanishes
      const double dp = a * (psi[c] - psi[c + 1]);
      info += dp * dp / p[c];
    }
    return info;
  }
};

/// Category probabilities only, into p[0..K-1] (no allocation; the E-step's inner tables).
inline void graded_probabilities(double a, const double* d, int k, double theta, double* p) {
  double s_prev = 1.0, t_prev = 0.0;
  for (int c = 0; c < k; ++c) {
    double s_next = 0.0, t_next = 1.0;
    bool high = false;
    if (c + 1 < k) {
      const double eta = a * theta + d[c];
      logistic_pair(eta, s_next, t_next);
      high = eta > 0;
    }
    p[c] = high ? t_next - t_prev : s_prev - s_next;
    s_prev = s_next;
    t_prev = t_next;
  }
}

}  // namespace detail
ATTUNE_END_NAMESPACE
