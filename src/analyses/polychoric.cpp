// Polychoric / tetrachoric correlations. Reference: R psych 2.2.9 `polychoric`, `polyc`,
// `polyBinBvn`, `polyF`, `tetrachoric`, `tetrac`, `cor.smooth`; R stats `optimize` (Brent_fmin
// in src/library/stats/src/optimize.c); Genz (2004) "Numerical computation of rectangular
// bivariate and trivariate normal and t probabilities", Statistics and Computing 14:251-260 (BVND).
#include "attune/analyses/polychoric.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include "attune/analyses/moments.hpp"
#include "attune/core/error.hpp"
#include "detail/math.hpp"
#include "detail/memory.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"
#include "detail/quote.hpp"
#include "detail/words.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMaxSerializedCategories = 1000;  // bounds a state's tables: c^2 counts per pair
constexpr double two_pi = 6.283185307179586476925286766559;

double pnorm(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double qnorm(double p) {
  if (p <= 0) return -inf;
  if (p >= 1) return inf;
  return detail::normal_quantile(p);  // NaN for NaN, never throws
}

// Gauss-Legendre nodes and weights of Genz's BVND (TVPACK): 6, 12 and 20 points (half of each).
constexpr double xg[3][10] = {
    {-0.9324695142031522, -0.6612093864662647, -0.2386191860831970},
    {-0.9815606342467191, -0.9041172563704750, -0.7699026741943050, -0.5873179542866171, -0.3678314989981802,
     -0.1252334085114692},
    {-0.9931285991850949, -0.9639719272779138, -0.9122344282513259, -0.8391169718222188, -0.7463319064601508,
     -0.6360536807265150, -0.5108670019508271, -0.3737060887154196, -0.2277858511416451, -0.07652652113349733}};
constexpr double wg[3][10] = {
    {0.1713244923791705, 0.3607615730481384, 0.4679139345726904},
    {0.04717533638651177, 0.1069393259953183, 0.1600783285433464, 0.2031674267230659, 0.2334925365383547,
     0.2491470458134029},
    {0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475, 0.1019301198172404,
     0.1181945319615184, 0.1316886384491766, 0.1420961093183821, 0.1491729864726037, 0.1527533871307259}};

// The quadrature of Genz's BVND for |r| < 0.925 needs sin(asin(r) (1 +- x_i) / 2) at the
// Gauss-Legendre nodes: they depend on r only, so a grid of cells (polychoric) computes them once
// per r instead of once per cell (the sines were ~40% of polychoric's time; issue 10, F15).
struct bvnd_nodes {
  int lg = 0;
  double asr = 0;
  double sn[20] = {};  // sn[2i] at (x_i + 1)/2, sn[2i + 1] at (-x_i + 1)/2
  const double* w = nullptr;
};
bvnd_nodes bvnd_prepare(double r);

// Genz BVND: P(X > dh, Y > dk) for correlation r (TVPACK, transcribed). `nodes` (for |r| < 0.925)
// and the products pnorm(-dh) pnorm(-dk) may be given precomputed; the arithmetic is the same.
double bvnd(double dh, double dk, double r, const bvnd_nodes* nodes = nullptr, double tail_product = nan_v) {
  if (nodes != nullptr && std::abs(r) < 0.925) {
    const double h = dh, k = dk, hk = h * k;
    const double hs = (h * h + k * k) / 2;
    double bvn = 0;
    for (int i = 0; i < nodes->lg; ++i) {
      double sn = nodes->sn[2 * i];
      bvn += nodes->w[i] * std::exp((sn * hk - hs) / (1 - sn * sn));
      sn = nodes->sn[2 * i + 1];
      bvn += nodes->w[i] * std::exp((sn * hk - hs) / (1 - sn * sn));
    }
    return bvn * nodes->asr / (2 * two_pi) + (std::isnan(tail_product) ? pnorm(-h) * pnorm(-k) : tail_product);
  }
  int ng, lg;
  if (std::abs(r) < 0.3) {
    ng = 0;
    lg = 3;
  } else if (std::abs(r) < 0.75) {
    ng = 1;
    lg = 6;
  } else {
    ng = 2;
    lg = 10;
  }
  double h = dh, k = dk, hk = h * k, bvn = 0;
  if (std::abs(r) < 0.925) {
    const double hs = (h * h + k * k) / 2, asr = std::asin(r);
    for (int i = 0; i < lg; ++i) {
      double sn = std::sin(asr * (xg[ng][i] + 1) / 2);
      bvn += wg[ng][i] * std::exp((sn * hk - hs) / (1 - sn * sn));
      sn = std::sin(asr * (-xg[ng][i] + 1) / 2);
      bvn += wg[ng][i] * std::exp((sn * hk - hs) / (1 - sn * sn));
    }
    bvn = bvn * asr / (2 * two_pi) + pnorm(-h) * pnorm(-k);
  } else {
    if (r < 0) {
      k = -k;
      hk = -hk;
    }
    if (std::abs(r) < 1) {
      const double as = (1 - r) * (1 + r);
      double a = std::sqrt(as);
      const double bs = (h - k) * (h - k);
      const double c = (4 - hk) / 8, d = (12 - hk) / 16;
      bvn = a * std::exp(-(bs / as + hk) / 2) * (1 - c * (bs - as) * (1 - d * bs / 5) / 3 + c * d * as * as / 5);
      if (hk > -160) {
        const double b = std::sqrt(bs);
        bvn -= std::exp(-hk / 2) * std::sqrt(two_pi) * pnorm(-b / a) * b * (1 - c * bs * (1 - d * bs / 5) / 3);
      }
      a = a / 2;
      for (int i = 0; i < lg; ++i) {
        double xs = (a * (xg[ng][i] + 1)) * (a * (xg[ng][i] + 1));
        double rs = std::sqrt(1 - xs);
        bvn += a * wg[ng][i] *
               (std::exp(-bs / (2 * xs) - hk / (1 + rs)) / rs - std::exp(-(bs / xs + hk) / 2) * (1 + c * xs * (1 + d * xs)));
        xs = as * (-xg[ng][i] + 1) * (-xg[ng][i] + 1) / 4;
        rs = std::sqrt(1 - xs);
        bvn += a * wg[ng][i] * std::exp(-(bs / xs + hk) / 2) *
               (std::exp(-hk * (1 - rs) / (2 * (1 + rs))) / rs - (1 + c * xs * (1 + d * xs)));
      }
      bvn = -bvn / two_pi;
    }
    if (r > 0) bvn += pnorm(-std::max(h, k));
    if (r < 0) bvn = -bvn + std::max(0.0, pnorm(-h) - pnorm(-k));
  }
  return bvn;
}

// Bivariate normal density.
bvnd_nodes bvnd_prepare(double r) {
  // The same node choice as bvnd (TVPACK).
  bvnd_nodes n;
  const int ng = std::abs(r) < 0.3 ? 0 : (std::abs(r) < 0.75 ? 1 : 2);
  n.lg = ng == 0 ? 3 : (ng == 1 ? 6 : 10);
  n.w = wg[ng];
  n.asr = std::asin(r);
  for (int i = 0; i < n.lg; ++i) {
    n.sn[2 * i] = std::sin(n.asr * (xg[ng][i] + 1) / 2);
    n.sn[2 * i + 1] = std::sin(n.asr * (-xg[ng][i] + 1) / 2);
  }
  return n;
}

double dbvn(double h, double k, double r) {
  if (!std::isfinite(h) || !std::isfinite(k)) return 0.0;
  const double s = 1 - r * r;
  return std::exp(-(h * h - 2 * r * h * k + k * k) / (2 * s)) / (two_pi * std::sqrt(s));
}

// R stats::optimize = Brent_fmin (R src/library/stats/src/optimize.c), transcribed; non-finite
// function values are replaced by the largest double as R's optimize does.
template <class F>
double brent_fmin(double ax, double bx, F&& fn, double tol) {
  auto f = [&](double x) {
    const double v = fn(x);
    return std::isfinite(v) ? v : std::numeric_limits<double>::max();
  };
  const double c = (3. - std::sqrt(5.)) * .5;
  double a, b, d, e, p, q, r, u, v, w, x;
  double t2, fu, fv, fw, fx, xm, eps, tol1, tol3;
  eps = std::numeric_limits<double>::epsilon();
  tol1 = eps + 1.;
  eps = std::sqrt(eps);
  a = ax;
  b = bx;
  v = a + c * (b - a);
  w = v;
  x = v;
  d = 0.;
  e = 0.;
  fx = f(x);
  fv = fx;
  fw = fx;
  tol3 = tol / 3.;
  for (;;) {
    xm = (a + b) * .5;
    tol1 = eps * std::abs(x) + tol3;
    t2 = tol1 * 2.;
    if (std::abs(x - xm) <= t2 - (b - a) * .5) break;
    p = 0.;
    q = 0.;
    r = 0.;
    if (std::abs(e) > tol1) {
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = (q - r) * 2.;
      if (q > 0.)
        p = -p;
      else
        q = -q;
      r = e;
      e = d;
    }
    if (std::abs(p) >= std::abs(q * .5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
      if (x < xm)
        e = b - x;
      else
        e = a - x;
      d = c * e;
    } else {
      d = p / q;
      u = x + d;
      if (u - a < t2 || b - u < t2) {
        d = tol1;
        if (x >= xm) d = -d;
      }
    }
    if (std::abs(d) >= tol1)
      u = x + d;
    else if (d > 0.)
      u = x + tol1;
    else
      u = x - tol1;
    fu = f(u);
    if (fu <= fx) {
      if (u < x)
        b = x;
      else
        a = x;
      v = w;
      w = x;
      x = u;
      fv = fw;
      fw = fx;
      fx = fu;
    } else {
      if (u < x)
        a = u;
      else
        b = u;
      if (fu <= fw || w == x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u;
        fv = fu;
      }
    }
  }
  return x;
}

// Cell probabilities of the bivariate normal on the grid of thresholds (rc: rows, cc: columns),
// P[i][j] = Phi2 rectangle; psych polyBinBvn (computed here from the cumulative grid).
struct grid_model {
  std::vector<double> rc, cc;  // finite or infinite thresholds (sizes nr-1, nc-1)
  // fills cum (nr+1) x (nc+1) with Phi2 at the cut points (with -inf/+inf borders)
  std::vector<double> prc, pcc;  // pnorm of the thresholds, once per pair (see prepare)
  void prepare() {
    prc.resize(rc.size());
    pcc.resize(cc.size());
    for (std::size_t i = 0; i < rc.size(); ++i) prc[i] = pnorm(rc[i]);
    for (std::size_t j = 0; j < cc.size(); ++j) pcc[j] = pnorm(cc[j]);
  }
  void cell_probs(double rho, MatrixXd& p) const {
    const Index nr = static_cast<Index>(rc.size()) + 1, nc = static_cast<Index>(cc.size()) + 1;
    MatrixXd cum(nr + 1, nc + 1);
    // Interior points: bivariate_normal_cdf(h, k, rho) = clamp(bvnd(-h, -k, rho), 0, 1) for finite
    // thresholds and |rho| < 1, with the nodes and the tail products Phi(h) Phi(k) computed once.
    const double r = std::clamp(rho, -1.0, 1.0);
    const bool cached = !std::isnan(rho) && std::abs(r) < 0.925 && prc.size() == rc.size() && pcc.size() == cc.size();
    const bvnd_nodes nodes = cached ? bvnd_prepare(r) : bvnd_nodes{};
    for (Index i = 0; i <= nr; ++i) {
      const double h = i == 0 ? -inf : (i == nr ? inf : rc[static_cast<std::size_t>(i - 1)]);
      for (Index j = 0; j <= nc; ++j) {
        const double kk = j == 0 ? -inf : (j == nc ? inf : cc[static_cast<std::size_t>(j - 1)]);
        const bool interior = i > 0 && i < nr && j > 0 && j < nc && std::isfinite(h) && std::isfinite(kk);
        if (cached && interior) {
          const double tails = prc[static_cast<std::size_t>(i - 1)] * pcc[static_cast<std::size_t>(j - 1)];
          cum(i, j) = std::clamp(bvnd(-h, -kk, r, &nodes, tails), 0.0, 1.0);
        } else {
          cum(i, j) = bivariate_normal_cdf(h, kk, rho);
        }
      }
    }
    p.resize(nr, nc);
    for (Index i = 0; i < nr; ++i)
      for (Index j = 0; j < nc; ++j) p(i, j) = cum(i + 1, j + 1) - cum(i, j + 1) - cum(i + 1, j) + cum(i, j);
  }
  // psych polyF: -sum(tab * log P) over cells with P > 0
  double objective(double rho, const MatrixXd& tab) const {
    MatrixXd p;
    cell_probs(rho, p);
    double s = 0;
    for (Index i = 0; i < p.rows(); ++i)
      for (Index j = 0; j < p.cols(); ++j)
        if (p(i, j) > 0 && tab(i, j) != 0) s -= tab(i, j) * std::log(p(i, j));
    return s;
  }
  // expected information per observation for rho: sum (dP/drho)^2 / P
  double information(double rho) const {
    const Index nr = static_cast<Index>(rc.size()) + 1, nc = static_cast<Index>(cc.size()) + 1;
    MatrixXd p;
    cell_probs(rho, p);
    MatrixXd dens(nr + 1, nc + 1);
    for (Index i = 0; i <= nr; ++i) {
      const double h = i == 0 ? -inf : (i == nr ? inf : rc[static_cast<std::size_t>(i - 1)]);
      for (Index j = 0; j <= nc; ++j) {
        const double kk = j == 0 ? -inf : (j == nc ? inf : cc[static_cast<std::size_t>(j - 1)]);
        dens(i, j) = dbvn(h, kk, rho);
      }
    }
    double info = 0;
    for (Index i = 0; i < nr; ++i)
      for (Index j = 0; j < nc; ++j) {
        const double dp = dens(i + 1, j + 1) - dens(i, j + 1) - dens(i + 1, j) + dens(i, j);
        if (p(i, j) > 1e-300) info += dp * dp / p(i, j);
      }
    return info;
  }
};

struct pair_estimate {
  double rho = nan_v;
  double se = nan_v;
  bool corrected = false;
  bool renormalised = false;
};

// Non-global pair rule (psych 2.2.9 polyc with global = FALSE): drop empty rows and columns,
// replace empty cells by correct/tot, thresholds from the cumulative margins of that table.
// The margins are kept in counts (integers plus multiples of `correct`), so that the test
// "a cumulative proportion reaches 1 before the last category" is exact: on a tie (exactly 1 in
// exact arithmetic) a floating-point sum of proportions gives 0.99999999999999989, a threshold
// of 8.2 and a rho that is rounding noise (issue 12).
pair_estimate estimate_local(MatrixXd tab, double correct, double tol, bool want_se) {
  pair_estimate out;
  const double tot = tab.sum();
  if (!(tot > 0)) return out;
  std::vector<Index> rows, cols;
  for (Index i = 0; i < tab.rows(); ++i)
    if (tab.row(i).sum() > 0) rows.push_back(i);
  for (Index j = 0; j < tab.cols(); ++j)
    if (tab.col(j).sum() > 0) cols.push_back(j);
  if (rows.size() < 2 || cols.size() < 2) return out;
  MatrixXd counts(static_cast<Index>(rows.size()), static_cast<Index>(cols.size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) counts(static_cast<Index>(i), static_cast<Index>(j)) = tab(rows[i], cols[j]);
  if (correct > 0) {
    for (Index i = 0; i < counts.size(); ++i)
      if (counts.data()[i] == 0) {
        counts.data()[i] = correct;
        out.corrected = true;
      }
  }
  const MatrixXd t = counts / tot;
  // psych >= 2.4.6 precision fix: corrected margins may make a cumulative proportion reach 1
  // before the last category (qnorm -> NaN in psych 2.2.9); renormalise the margins then.
  auto thresholds = [&](const VectorXd& margin_counts) {
    std::vector<double> cum(static_cast<std::size_t>(margin_counts.size() - 1));
    double upper = 0;  // exact: sums of whole counts and of multiples of `correct` (0.5)
    for (Index i = 0; i + 1 < margin_counts.size(); ++i) upper += margin_counts(i);
    const bool renormalise = upper >= tot;
    const double denominator = renormalise ? margin_counts.sum() : tot;
    if (renormalise) out.renormalised = true;
    double acc = 0;
    for (Index i = 0; i + 1 < margin_counts.size(); ++i) {
      acc += margin_counts(i);
      cum[static_cast<std::size_t>(i)] = qnorm(acc / denominator);
    }
    return cum;
  };
  const VectorXd row_counts = counts.rowwise().sum(), column_counts = counts.colwise().sum().transpose();
  grid_model g;
  g.rc = thresholds(row_counts);
  g.cc = thresholds(column_counts);
  g.prepare();
  out.rho = brent_fmin(-1.0, 1.0, [&](double r) { return g.objective(r, t); }, tol);
  if (want_se) {
    const double info = g.information(out.rho);
    out.se = info > 0 ? 1.0 / std::sqrt(tot * info) : nan_v;
  }
  return out;
}

std::string cell_where(std::size_t r, Index c) { return "row " + std::to_string(r) + ", column " + std::to_string(c + 1); }

// Pair p of items (i > j), in psych's matpLower order (1,0), (2,0), (2,1), (3,0), ...
std::size_t pair_index(Index i, Index j) {
  return static_cast<std::size_t>(i) * static_cast<std::size_t>(i - 1) / 2 + static_cast<std::size_t>(j);
}

std::size_t n_pairs(Index k) { return k < 2 ? 0 : pair_index(k, 0); }

constexpr Index kTabulateRows = 4096;  // rows coded at a time (bounded memory for a whole matrix)

}  // namespace

// The tables' private members, for the estimation below.
struct polychoric_tables_access {
  static void add(polychoric_tables& t, const Eigen::Ref<const Eigen::MatrixXd>& rows, std::size_t first_row, int threads,
                  const char* fn) {
    t.add_named(rows, first_row, threads, fn);
  }
  static const std::vector<std::int64_t>& items(const polychoric_tables& t) { return t.items_; }
  static const std::vector<std::int64_t>& pairs(const polychoric_tables& t) { return t.pairs_; }
};

namespace {

// psych's estimation from the tables (see polychoric.hpp): the one implementation behind
// `polychoric` of a matrix (which tabulates first) and of accumulated tables.
polychoric_result estimate(const polychoric_tables& tables, const polychoric_options& options, bool tetra) {
  options.validate();
  const std::string fn = tetra ? "tetrachoric" : "polychoric";
  const Index k = tables.n_items();
  const auto n = static_cast<Index>(tables.n_rows());
  if (k < 2) throw error(errc::insufficient_data, fn + ": k = " + std::to_string(k) + " item; at least 2 are needed");
  if (n < 2) throw error(errc::insufficient_data, fn + ": N = " + std::to_string(n) + " row; at least 2 are needed");
  if (!tables.has_answers()) throw error(errc::insufficient_data, fn + ": every answer is missing");
  const double gmin = tables.lowest(), gmax = tables.highest();
  const double span = gmax - gmin + 1;
  if (span > options.max_categories)
    throw error(errc::bad_input, fn + ": the answers span " + number_text(span) + " categories (" + number_text(gmin) + " to " + number_text(gmax) +
                                     "), more than max_categories = " + std::to_string(options.max_categories) +
                                     "; polychoric correlations are meant for a few ordered categories");
  if (tables.exceeds_max_categories())
    throw error(errc::invalid_argument, fn + ": the tables were accumulated with max_categories = " +
                                            std::to_string(tables.max_categories()) + ", and the answers span " + number_text(span) +
                                            " categories; accumulate them with max_categories = " +
                                            std::to_string(options.max_categories));
  const int nv = static_cast<int>(span);
  const std::vector<std::int64_t>& item_counts = polychoric_tables_access::items(tables);
  const std::vector<std::int64_t>& pair_tables = polychoric_tables_access::pairs(tables);
  polychoric_result res;
  res.n = n;
  res.categories = nv;
  // codes 0..nv-1 (psych: x - min + 1)
  std::vector<int> item_min(static_cast<std::size_t>(k), nv), item_max(static_cast<std::size_t>(k), -1);
  MatrixXd freq = MatrixXd::Zero(nv, k);
  for (Index c = 0; c < k; ++c)
    for (int a = 0; a < nv; ++a) {
      const std::int64_t f = item_counts[static_cast<std::size_t>(c * nv + a)];
      freq(a, c) = static_cast<double>(f);
      if (f == 0) continue;
      item_min[static_cast<std::size_t>(c)] = std::min(item_min[static_cast<std::size_t>(c)], a);
      item_max[static_cast<std::size_t>(c)] = std::max(item_max[static_cast<std::size_t>(c)], a);
    }
  std::vector<bool> bad(static_cast<std::size_t>(k), false);
  for (Index c = 0; c < k; ++c) {
    const auto cs = static_cast<std::size_t>(c);
    if (item_max[cs] < 0 || item_min[cs] == item_max[cs]) {
      bad[cs] = true;
      res.warnings.push_back("item " + std::to_string(c + 1) + " has no variance (" +
                             (item_max[cs] < 0 ? std::string("no answers") : "a single category") +
                             "); its correlations are NaN");
    }
  }
  if (tetra && nv > 2)
    throw error(errc::bad_input, "tetrachoric: the answers take " + std::to_string(nv) +
                                     " values; tetrachoric correlations need dichotomous (two-valued) items");
  // psych: global thresholds unless the items' highest categories differ
  int maxmax = -1, minmax = nv;
  for (Index c = 0; c < k; ++c) {
    if (bad[static_cast<std::size_t>(c)]) continue;
    maxmax = std::max(maxmax, item_max[static_cast<std::size_t>(c)]);
    minmax = std::min(minmax, item_max[static_cast<std::size_t>(c)]);
  }
  res.global_thresholds = tetra || minmax == maxmax;
  if (!res.global_thresholds)
    res.warnings.push_back("the items do not have the same number of response categories; each pair uses the thresholds of its "
                           "own table (psych global = FALSE)");
  // thresholds from integer cumulative counts (exact, never above 1)
  res.thresholds.resize(static_cast<std::size_t>(k));
  for (Index c = 0; c < k; ++c) {
    VectorXd t(nv - 1);
    const double tot = freq.col(c).sum();
    double acc = 0;
    for (int i = 0; i + 1 < nv; ++i) {
      acc += freq(i, c);
      t(i) = tot > 0 ? qnorm(acc / tot) : nan_v;
    }
    res.thresholds[static_cast<std::size_t>(c)] = t;
  }
  res.rho = MatrixXd::Identity(k, k);
  res.standard_errors = MatrixXd::Zero(k, k);
  res.pair_counts = MatrixXd::Zero(k, k);
  // pairs (i > j as psych's matpLower: rows of the table = item i)
  std::vector<std::pair<Index, Index>> pairs;
  for (Index i = 1; i < k; ++i)
    for (Index j = 0; j < i; ++j) pairs.emplace_back(i, j);
  std::vector<pair_estimate> est(pairs.size());
  std::vector<double> counts(pairs.size(), 0.0);
  detail::progress_meter meter(options.progress, "polychoric", pairs.size());
  const auto cells = static_cast<std::size_t>(nv) * static_cast<std::size_t>(nv);
  auto work = [&](std::size_t first, std::size_t last) {
    MatrixXd tab(nv, nv);
    for (std::size_t pi = first; pi < last; ++pi) {
      meter.check();
      const auto [i, j] = pairs[pi];
      const std::int64_t* cell = pair_tables.data() + pi * cells;
      for (int a = 0; a < nv; ++a)
        for (int b = 0; b < nv; ++b) tab(a, b) = static_cast<double>(cell[static_cast<std::size_t>(a * nv + b)]);
      const double tot = tab.sum();
      counts[pi] = tot;
      if (bad[static_cast<std::size_t>(i)] || bad[static_cast<std::size_t>(j)] || tot < 2) continue;
      if (!res.global_thresholds) {
        est[pi] = estimate_local(tab, options.correct, options.optimizer_tolerance, options.standard_errors);
        continue;
      }
      pair_estimate pe;
      MatrixXd t = tab;
      if (tetra) {
        // psych tetrac: 0.5 added to empty cells of the 2 x 2 table (counts)
        if (options.correct > 0 && t.minCoeff() == 0) {
          for (Index q = 0; q < t.size(); ++q)
            if (t.data()[q] == 0) t.data()[q] = options.correct;
          pe.corrected = true;
        }
      } else {
        t /= tot;  // psych polyc: tab / tot (no correction in the global case in 2.2.9)
      }
      grid_model g;
      const VectorXd& ti = res.thresholds[static_cast<std::size_t>(i)];
      const VectorXd& tj = res.thresholds[static_cast<std::size_t>(j)];
      g.rc.assign(ti.data(), ti.data() + ti.size());
      g.cc.assign(tj.data(), tj.data() + tj.size());
      g.prepare();
      pe.rho = brent_fmin(-1.0, 1.0, [&](double rr) { return g.objective(rr, t); }, options.optimizer_tolerance);
      if (options.standard_errors) {
        const double info = g.information(pe.rho);
        pe.se = info > 0 ? 1.0 / std::sqrt(tot * info) : nan_v;
      }
      est[pi] = pe;
    }
  };
  // Each pair writes only its own slots, so the blocks' schedule never changes a number; the
  // library's one pool runs them (the calling thread too, which sends the progress reports).
  detail::parallel_for_blocks(pairs.size(), 8, options.threads, [&](std::size_t first, std::size_t last) {
    work(first, last);
    meter.advance(last - first);
  });
  meter.finish();
  for (Index c = 0; c < k; ++c) res.pair_counts(c, c) = freq.col(c).sum();
  bool any_nan = false;
  int renorm = 0;
  for (std::size_t pi = 0; pi < pairs.size(); ++pi) {
    const auto [i, j] = pairs[pi];
    res.rho(i, j) = res.rho(j, i) = est[pi].rho;
    res.standard_errors(i, j) = res.standard_errors(j, i) = est[pi].se;
    res.pair_counts(i, j) = res.pair_counts(j, i) = counts[pi];
    if (est[pi].corrected) ++res.corrected_pairs;
    if (est[pi].renormalised) ++renorm;
    if (std::isnan(est[pi].rho)) {
      any_nan = true;
      if (!bad[static_cast<std::size_t>(i)] && !bad[static_cast<std::size_t>(j)])
        res.warnings.push_back("items " + std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                               ": too few shared answers or categories for a correlation (" + number_text(counts[pi]) +
                               " rows answered both); set to NaN");
    }
  }
  for (Index c = 0; c < k; ++c)
    if (bad[static_cast<std::size_t>(c)]) res.rho(c, c) = nan_v;
  if (res.corrected_pairs > 0 && options.correct > 0)
    res.warnings.push_back(std::to_string(res.corrected_pairs) + " pair tables had empty cells, replaced by the continuity correction " +
                           number_text(options.correct) + " (sparse tables: examine your data)");
  if (renorm > 0)
    res.warnings.push_back(std::to_string(renorm) + " pair tables had continuity-corrected margins renormalised to keep the "
                           "thresholds finite");
  res.rho_unsmoothed = res.rho;
  if (any_nan || std::any_of(bad.begin(), bad.end(), [](bool b) { return b; })) {
    if (options.smooth) res.warnings.push_back("some correlations are missing; smoothing was not attempted");
  } else if (options.smooth) {
    smoothing_result s = smooth_correlation(res.rho);
    if (s.smoothed) {
      res.rho = s.matrix;
      res.smoothed = true;
      res.warnings.push_back("the correlation matrix was not positive definite; it was smoothed (psych cor.smooth)");
    }
  }
  return res;
}

// `polychoric` / `tetrachoric` of a matrix: its tables (the matrix's own checks first, with the
// same messages), then the estimation.
polychoric_result estimate(const Eigen::MatrixXd& data, const polychoric_options& options, bool tetra) {
  options.validate();
  const char* fn = tetra ? "tetrachoric" : "polychoric";
  const Index n = data.rows(), k = data.cols();
  if (k < 2) throw error(errc::insufficient_data, std::string(fn) + ": k = " + std::to_string(k) + " item; at least 2 are needed");
  if (n < 2) throw error(errc::insufficient_data, std::string(fn) + ": N = " + std::to_string(n) + " row; at least 2 are needed");
  polychoric_tables tables(k, options.max_categories);
  polychoric_tables_access::add(tables, data, 1, options.threads, fn);
  return estimate(tables, options, tetra);
}

}  // namespace

void polychoric_options::validate() const {
  if (!(correct >= 0) || !std::isfinite(correct))
    throw error(errc::invalid_argument, "polychoric_options.correct = " + number_text(correct) + "; it must be a finite number >= 0");
  if (max_categories < 2)
    throw error(errc::invalid_argument, "polychoric_options.max_categories = " + std::to_string(max_categories) + "; it must be at least 2");
  if (!(optimizer_tolerance > 0) || optimizer_tolerance > 0.1)
    throw error(errc::invalid_argument, "polychoric_options.optimizer_tolerance = " + number_text(optimizer_tolerance) +
                                            "; it must lie in (0, 0.1]");
  if (threads < 0)
    throw error(errc::invalid_argument, "polychoric_options.threads = " + std::to_string(threads) + "; it must be 0 (automatic) or positive");
}

double bivariate_normal_cdf(double h, double k, double rho) {
  if (std::isnan(h) || std::isnan(k) || std::isnan(rho)) return nan_v;
  if (h == -inf || k == -inf) return 0.0;
  if (h == inf) return pnorm(k);
  if (k == inf) return pnorm(h);
  rho = std::clamp(rho, -1.0, 1.0);
  if (rho == 1.0) return pnorm(std::min(h, k));
  if (rho == -1.0) return std::max(0.0, pnorm(h) - pnorm(-k));
  return std::clamp(bvnd(-h, -k, rho), 0.0, 1.0);
}

smoothing_result smooth_correlation(const Eigen::MatrixXd& r, double eig_tol) {
  if (r.rows() != r.cols()) throw error(errc::bad_input, "smooth_correlation: the matrix is not square");
  if (!r.allFinite()) throw error(errc::bad_input, "smooth_correlation: the matrix has NaN or infinite entries");
  if (!(eig_tol > 0)) throw error(errc::invalid_argument, "smooth_correlation: eig_tol = " + number_text(eig_tol) + "; it must be positive");
  smoothing_result out;
  out.matrix = r;
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(r);
  VectorXd ev = es.eigenvalues();
  if (ev.minCoeff() >= std::numeric_limits<double>::epsilon()) return out;
  for (Index i = 0; i < ev.size(); ++i)
    if (ev(i) < eig_tol) ev(i) = 100 * eig_tol;
  ev *= static_cast<double>(r.rows()) / ev.sum();
  MatrixXd x = es.eigenvectors() * ev.asDiagonal() * es.eigenvectors().transpose();
  const VectorXd sd = x.diagonal().array().sqrt();
  for (Index i = 0; i < x.rows(); ++i)
    for (Index j = 0; j < x.cols(); ++j) x(i, j) /= sd(i) * sd(j);
  x.diagonal().setOnes();
  out.matrix = x;
  out.smoothed = true;
  return out;
}

polychoric_result polychoric(const Eigen::MatrixXd& data, const polychoric_options& options) {
  return detail::out_of_memory_as_error("polychoric", data.cols(), 8.0 + options.max_categories * options.max_categories / 2.0, [&] { return estimate(data, options, false); });
}

polychoric_result tetrachoric(const Eigen::MatrixXd& data, const polychoric_options& options) {
  return detail::out_of_memory_as_error("tetrachoric", data.cols(), 8.0 + options.max_categories * options.max_categories / 2.0, [&] { return estimate(data, options, true); });
}

polychoric_result polychoric(const polychoric_tables& tables, const polychoric_options& options) {
  return detail::out_of_memory_as_error("polychoric", tables.n_items(), 8.0 + tables.categories() * tables.categories() / 2.0, [&] { return estimate(tables, options, false); });
}

polychoric_result tetrachoric(const polychoric_tables& tables, const polychoric_options& options) {
  return detail::out_of_memory_as_error("tetrachoric", tables.n_items(), 8.0 + tables.categories() * tables.categories() / 2.0, [&] { return estimate(tables, options, true); });
}

// ---- polychoric_tables ----

polychoric_tables::polychoric_tables(Eigen::Index k, int max_categories) : k_(k), max_categories_(max_categories) {
  if (k < 0) throw error(errc::invalid_argument, "polychoric_tables: k = " + std::to_string(k) + "; must be >= 0");
  if (max_categories < 2)
    throw error(errc::invalid_argument, "polychoric_tables: max_categories = " + std::to_string(max_categories) + "; must be at least 2");
}

std::int64_t polychoric_tables::item_count(Eigen::Index item, int category) const {
  if (item < 0 || item >= k_ || category < 0 || category >= span_) return 0;
  return items_[static_cast<std::size_t>(item * span_ + category)];
}

std::int64_t polychoric_tables::pair_count(Eigen::Index i, Eigen::Index j, int a, int b) const {
  if (i == j || i < 0 || j < 0 || i >= k_ || j >= k_ || a < 0 || b < 0 || a >= span_ || b >= span_) return 0;
  if (i < j) {
    std::swap(i, j);
    std::swap(a, b);
  }
  const auto s = static_cast<std::size_t>(span_);
  return pairs_[pair_index(i, j) * s * s + static_cast<std::size_t>(a) * s + static_cast<std::size_t>(b)];
}

// The tables re-laid out for the answers lowest .. highest (a superset of the span held), or
// dropped when that span exceeds max_categories.
void polychoric_tables::widen(double lowest, double highest) {
  if (has_answers_) {
    lowest = std::min(lowest, lowest_);
    highest = std::max(highest, highest_);
  }
  const bool had = has_answers_ && span_ > 0;
  const double old_lowest = lowest_;
  const bool was_dropped = exceeds_max_categories();
  has_answers_ = true;
  lowest_ = lowest;
  highest_ = highest;
  if (was_dropped || highest - lowest + 1 > max_categories_) {
    span_ = 0;
    items_.clear();
    items_.shrink_to_fit();
    pairs_.clear();
    pairs_.shrink_to_fit();
    return;
  }
  const int span = static_cast<int>(highest - lowest) + 1;
  if (had && span == span_) return;  // lowest unchanged too: the span holds the old one
  const auto s = static_cast<std::size_t>(span);
  std::vector<std::int64_t> items(static_cast<std::size_t>(k_) * s, 0), pairs(n_pairs(k_) * s * s, 0);
  if (had) {
    const auto d = static_cast<std::size_t>(old_lowest - lowest);
    const auto o = static_cast<std::size_t>(span_);
    for (std::size_t c = 0; c < static_cast<std::size_t>(k_); ++c)
      for (std::size_t a = 0; a < o; ++a) items[c * s + a + d] = items_[c * o + a];
    for (std::size_t p = 0; p < n_pairs(k_); ++p)
      for (std::size_t a = 0; a < o; ++a)
        for (std::size_t b = 0; b < o; ++b) pairs[p * s * s + (a + d) * s + b + d] = pairs_[p * o * o + a * o + b];
  }
  span_ = span;
  items_ = std::move(items);
  pairs_ = std::move(pairs);
}

void polychoric_tables::add(const Eigen::Ref<const Eigen::MatrixXd>& rows, std::size_t first_row, int threads) {
  add_named(rows, first_row, threads, "polychoric");
}

void polychoric_tables::add_named(const Eigen::Ref<const Eigen::MatrixXd>& rows, std::size_t first_row, int threads,
                                  const char* fn) {
  if (rows.cols() != k_)
    throw error(errc::invalid_argument, "polychoric_tables::add: " + std::to_string(rows.cols()) +
                                            " items, but these tables hold " + std::to_string(k_));
  if (threads < 0) throw error(errc::invalid_argument, "polychoric_tables::add: threads = " + std::to_string(threads) + "; must be >= 0");
  const Index n = rows.rows(), k = k_;
  // Every value checked first, column by column as `polychoric` of a matrix (so a refusal changes nothing).
  double lo = inf, hi = -inf;
  for (Index c = 0; c < k; ++c) {
    const double* col = rows.col(c).data();
    for (Index r = 0; r < n; ++r) {
      const double v = col[r];
      if (std::isnan(v)) continue;
      // finite and whole (as v == round(v), without the library call): below 2^52 through int64,
      // above it every finite double is whole
      const double mag = std::abs(v);
      const bool whole = mag < 4503599627370496.0 ? static_cast<double>(static_cast<std::int64_t>(v)) == v : mag != inf;
      if (!whole)
        throw error(errc::bad_input, std::string(fn) + ": value " + number_text(v) + " at " +
                                         cell_where(first_row + static_cast<std::size_t>(r), c) +
                                         " is not an integer category; ordinal answers must be whole numbers");
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (rows_ > std::numeric_limits<std::int64_t>::max() - n)
    throw error(errc::bad_input, "polychoric_tables::add: more than 2^63 rows");
  rows_ += n;
  if (!std::isfinite(lo)) return;  // every answer missing: only the rows count
  widen(lo, hi);
  if (span_ == 0) return;  // past max_categories: only the span is kept
  // Blocks of rows coded 0 .. span - 1 (span = missing), then each pair's table of the block in
  // (span + 1)^2 scratch tables whose missing row and column are left out: four of them, for rows
  // r mod 4, so that consecutive rows in one cell do not wait on each other's increment.
  const int span = span_;
  const auto s = static_cast<std::size_t>(span), s1 = s + 1;
  const std::size_t cells = s * s, m = s1 * s1;
  std::vector<std::uint32_t> code, row_code;  // a cell's code, and code (span + 1) as a table row
  const std::size_t np = n_pairs(k);
  for (Index first = 0; first < n; first += kTabulateRows) {
    const Index b = std::min(kTabulateRows, n - first);
    const auto bs = static_cast<std::size_t>(b);
    code.assign(bs * static_cast<std::size_t>(k), 0);
    row_code.assign(bs * static_cast<std::size_t>(k), 0);
    for (Index c = 0; c < k; ++c) {
      const double* col = rows.col(c).data() + first;
      std::uint32_t* out = code.data() + static_cast<std::size_t>(c) * bs;
      std::uint32_t* out_row = row_code.data() + static_cast<std::size_t>(c) * bs;
      std::int64_t* f = items_.data() + static_cast<std::size_t>(c) * s;
      for (std::size_t r = 0; r < bs; ++r) {
        const double v = col[r];
        const auto cv = static_cast<std::uint32_t>(std::isnan(v) ? span : static_cast<int>(v - lowest_));
        out[r] = cv;
        out_row[r] = cv * static_cast<std::uint32_t>(s1);
        if (cv < s) ++f[cv];
      }
    }
    auto tabulate = [&](std::size_t p0, std::size_t p1) {
      std::vector<std::uint32_t> h(4 * m);  // at most 4096 rows a block: no overflow
      Index i = 1, j = 0;
      while (pair_index(i, 0) + static_cast<std::size_t>(i) <= p0) ++i;  // the pair p0 = (i, j)
      j = static_cast<Index>(p0 - pair_index(i, 0));
      for (std::size_t p = p0; p < p1; ++p) {
        std::fill(h.begin(), h.end(), 0U);
        const std::uint32_t* ri = row_code.data() + static_cast<std::size_t>(i) * bs;
        const std::uint32_t* cj = code.data() + static_cast<std::size_t>(j) * bs;
        std::uint32_t* h0 = h.data();
        std::uint32_t* h1 = h0 + m;
        std::uint32_t* h2 = h1 + m;
        std::uint32_t* h3 = h2 + m;
        std::size_t r = 0;
        for (; r + 4 <= bs; r += 4) {
          ++h0[ri[r] + cj[r]];
          ++h1[ri[r + 1] + cj[r + 1]];
          ++h2[ri[r + 2] + cj[r + 2]];
          ++h3[ri[r + 3] + cj[r + 3]];
        }
        for (; r < bs; ++r) ++h0[ri[r] + cj[r]];
        std::int64_t* t = pairs_.data() + p * cells;
        for (std::size_t a = 0; a < s; ++a)
          for (std::size_t c = 0; c < s; ++c) {
            const std::size_t x = a * s1 + c;
            t[a * s + c] += static_cast<std::int64_t>(h0[x]) + h1[x] + h2[x] + h3[x];
          }
        if (++j == i) {
          ++i;
          j = 0;
        }
      }
    };
    if (threads == 1 || np < 64) {
      tabulate(0, np);
    } else {
      // Each pair adds to its own table only: the same counts whatever the schedule.
      detail::parallel_for_blocks(np, 32, threads, tabulate);
    }
  }
}

void polychoric_tables::merge(const polychoric_tables& other) {
  if (other.k_ != k_ || other.max_categories_ != max_categories_)
    throw error(errc::invalid_argument, "polychoric_tables::merge: tables of " + std::to_string(other.k_) + " items (max_categories " +
                                            std::to_string(other.max_categories_) + ") into tables of " + std::to_string(k_) +
                                            " items (max_categories " + std::to_string(max_categories_) + ")");
  if (rows_ > std::numeric_limits<std::int64_t>::max() - other.rows_)
    throw error(errc::bad_input, "polychoric_tables::merge: more than 2^63 rows");
  rows_ += other.rows_;
  if (!other.has_answers_) return;
  widen(other.lowest_, other.highest_);  // drops the tables when other's span (or the union) is too wide
  if (span_ == 0) return;
  const auto s = static_cast<std::size_t>(span_), o = static_cast<std::size_t>(other.span_);
  const auto d = static_cast<std::size_t>(other.lowest_ - lowest_);
  for (std::size_t c = 0; c < static_cast<std::size_t>(k_); ++c)
    for (std::size_t a = 0; a < o; ++a) items_[c * s + a + d] += other.items_[c * o + a];
  for (std::size_t p = 0; p < n_pairs(k_); ++p)
    for (std::size_t a = 0; a < o; ++a)
      for (std::size_t b = 0; b < o; ++b) pairs_[p * s * s + (a + d) * s + b + d] += other.pairs_[p * o * o + a * o + b];
}

namespace {
std::string exact_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
}  // namespace

std::string polychoric_tables::serialize() const {
  std::string out = "attune-polychoric-tables 1 " + std::to_string(k_) + " " + std::to_string(max_categories_) + " " +
                    std::to_string(rows_) + " " + (has_answers_ ? exact_text(lowest_) + " " + exact_text(highest_) : "none none") +
                    "\n";
  if (span_ == 0) return out;
  for (const auto* table : {&items_, &pairs_}) {
    out += table == &items_ ? "items" : "pairs";
    for (const std::int64_t v : *table) {
      out += ' ';
      out += std::to_string(v);
    }
    out += '\n';
  }
  return out;
}

polychoric_tables polychoric_tables::deserialize(std::string_view text) {
  auto fail = [](std::size_t line, const std::string& what) {
    return error(errc::bad_input, "polychoric_tables::deserialize: line " + std::to_string(line) + ": " + what);
  };
  detail::text_lines lines{text};
  const std::size_t& line_no = lines.line_no;
  auto next_line = [&] { return lines.next(); };
  auto integer = [&](std::string_view tok) {
    long long v = 0;
    const auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size())
      throw fail(line_no, detail::quoted(tok) + " is not a 64-bit integer");
    return static_cast<std::int64_t>(v);
  };
  auto answer = [&](std::string_view tok) {
    double v = 0;
    const auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size() || !std::isfinite(v) || v != std::round(v))
      throw fail(line_no, detail::quoted(tok) + " is not an integer answer");
    return v;
  };
  const auto head = detail::space_separated_words(next_line());
  if (head.size() != 7 || head[0] != "attune-polychoric-tables" || head[1] != "1")
    throw fail(1, "expected 'attune-polychoric-tables 1 <k> <max_categories> <rows> <lowest> <highest>'");
  const std::int64_t k = integer(head[2]), max_cat = integer(head[3]), rows = integer(head[4]);
  if (k < 1 || k > max_serialized_items - 1)
    throw fail(1, "k = " + std::to_string(k) + " items; serialized tables hold 1 to " + std::to_string(max_serialized_items - 1));
  if (max_cat < 2 || max_cat > kMaxSerializedCategories)
    throw fail(1, "max_categories = " + std::to_string(max_cat) + "; serialized tables allow 2 to " +
                      std::to_string(kMaxSerializedCategories));
  if (rows < 0) throw fail(1, "rows = " + std::to_string(rows) + "; must be >= 0");
  polychoric_tables out(static_cast<Index>(k), static_cast<int>(max_cat));
  out.rows_ = rows;
  const bool none = head[5] == "none";
  if (none != (head[6] == "none")) throw fail(1, "lowest and highest must both be numbers or both 'none'");
  if (none) {
    if (!lines.rest_blank()) throw fail(2, "unexpected text after tables without answers");
    return out;
  }
  const double lowest = answer(head[5]), highest = answer(head[6]);
  if (!(highest >= lowest)) throw fail(1, "highest " + std::string(head[6]) + " is below lowest " + std::string(head[5]));
  out.has_answers_ = true;
  out.lowest_ = lowest;
  out.highest_ = highest;
  if (highest - lowest + 1 > static_cast<double>(max_cat)) {
    if (!lines.rest_blank())
      throw fail(2, "tables past max_categories hold no counts; unexpected text");
    return out;
  }
  const int span = static_cast<int>(highest - lowest) + 1;
  const auto s = static_cast<std::size_t>(span);
  const std::size_t n_item_counts = static_cast<std::size_t>(k) * s, n_pair_counts = n_pairs(static_cast<Index>(k)) * s * s;
  // At least 2 bytes ("0 ") per count, checked before anything is allocated.
  const std::size_t need = 2 * (n_item_counts + n_pair_counts);
  if (text.size() < need)
    throw fail(1, "k = " + std::to_string(k) + " items of " + std::to_string(span) + " categories need at least " +
                      std::to_string(need) + " bytes of text; this text has " + std::to_string(text.size()));
  out.span_ = span;
  out.items_.assign(n_item_counts, 0);
  out.pairs_.assign(n_pair_counts, 0);
  for (auto* table : {&out.items_, &out.pairs_}) {
    const char* name = table == &out.items_ ? "items" : "pairs";
    const auto tok = detail::space_separated_words(next_line());
    if (tok.empty() || tok[0] != name || tok.size() != table->size() + 1)
      throw fail(line_no, std::string("expected '") + name + "' and " + std::to_string(table->size()) + " counts");
    for (std::size_t i = 0; i < table->size(); ++i) {
      const std::int64_t v = integer(tok[i + 1]);
      if (v < 0 || v > rows) throw fail(line_no, "a count of " + std::to_string(v) + " rows in tables of " + std::to_string(rows));
      (*table)[i] = v;
    }
  }
  // Each item's counts sum to at most the rows; a pair's margins are at most its items' counts.
  for (std::size_t c = 0; c < static_cast<std::size_t>(k); ++c) {
    std::int64_t sum = 0;
    for (std::size_t a = 0; a < s; ++a) sum += out.items_[c * s + a];
    if (sum > rows) throw fail(2, "item " + std::to_string(c + 1) + " counts " + std::to_string(sum) + " answers in " + std::to_string(rows) + " rows");
  }
  for (Index i = 1; i < static_cast<Index>(k); ++i)
    for (Index j = 0; j < i; ++j) {
      const std::int64_t* t = out.pairs_.data() + pair_index(i, j) * s * s;
      for (std::size_t a = 0; a < s; ++a) {
        std::int64_t row = 0, col = 0;
        for (std::size_t b = 0; b < s; ++b) {
          row += t[a * s + b];
          col += t[b * s + a];
        }
        if (row > out.items_[static_cast<std::size_t>(i) * s + a] || col > out.items_[static_cast<std::size_t>(j) * s + a])
          throw fail(3, "the table of items " + std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                            " counts more answers of a category than the items do");
      }
    }
  if (!lines.rest_blank()) throw fail(line_no + 1, "unexpected text after the tables");
  return out;
}

double polychoric_table(const Eigen::MatrixXd& table, const polychoric_options& options) {
  const double correct = options.correct, optimizer_tolerance = options.optimizer_tolerance;
  if (!table.allFinite() || table.minCoeff() < 0)
    throw error(errc::bad_input, "polychoric_table: counts must be finite and non-negative");
  if (!(correct >= 0)) throw error(errc::invalid_argument, "polychoric_table: correct = " + number_text(correct) + "; it must be >= 0");
  if (!(optimizer_tolerance > 0)) throw error(errc::invalid_argument, "polychoric_table: the optimizer tolerance must be positive");
  pair_estimate pe = estimate_local(table, correct, optimizer_tolerance, false);
  if (std::isnan(pe.rho))
    throw error(errc::insufficient_data, "polychoric_table: the table needs at least 2 non-empty rows and 2 non-empty columns");
  return pe.rho;
}

ATTUNE_END_NAMESPACE
