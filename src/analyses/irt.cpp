// The graded response model: estimation, scores, information, fit, simulation (docs/irt.md).
//
// References (formulas cited where they are used):
//   Samejima (1969) Psychometrika Monograph 17 - the model and its item information;
//   Bock & Aitkin (1981) Psychometrika 46:443-459 - marginal ML by EM over quadrature;
//   Louis (1982) JRSS B 44:226-233 - the observed information from the complete-data quantities;
//   Varadhan & Roland (2008) Scand J Stat 35:335-353 - SQUAREM;
//   Pratt (1981) JASA 76:103-106 - concavity of the cumulative-link log-likelihood;
//   Lord & Wingersky (1984) APM 8:453-461 - the sum-score recursion;
//   Thissen, Pommerich, Billeaud & Williams (1995) APM 19:39-49 - EAP for sum scores;
//   Orlando & Thissen (2000) APM 24:50-64, Kang & Chen (2008) JEM 45:391-406 - S-X2;
//   Drasgow, Levine & Williams (1985) BJMSP 38:67-86 - lz;
//   Bock & Mislevy (1982) APM 6:431-444 - EAP;  Golub & Welsch (1969) Math Comp 23:221-230;
//   mirt 1.47 (Chalmers 2012) for the documented defaults only (grid, TOL, NCYCLES, start values).
#include "attune/analyses/irt.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "attune/analyses/factor.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/graded.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"
#include "detail/random.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();
constexpr std::uint8_t kMissing = 255;
// Probabilities are floored here before logs and products: a category whose probability
// underflowed (|a theta + d| > 690) would otherwise turn a log-likelihood into -inf.
constexpr double kProbFloor = 1e-300;
constexpr std::size_t kPatternBlock = 256;  // smallest block of patterns / respondents per task

using detail::enum_table;
using detail::enum_name;
using detail::enum_parse;

constexpr enum_table<quadrature_rule, 2> kQuadratureNames{
    {{quadrature_rule::equally_spaced, "equally_spaced"}, {quadrature_rule::gauss_hermite, "gauss_hermite"}}};
constexpr enum_table<unused_category_rule, 2> kUnusedNames{
    {{unused_category_rule::error, "error"}, {unused_category_rule::drop, "drop"}}};
constexpr enum_table<em_acceleration, 2> kAccelerationNames{
    {{em_acceleration::none, "none"}, {em_acceleration::squarem, "squarem"}}};
constexpr enum_table<grm_start, 2> kStartNames{{{grm_start::polychoric, "polychoric"}, {grm_start::simple, "simple"}}};
constexpr enum_table<standard_error_method, 2> kSeNames{
    {{standard_error_method::none, "none"}, {standard_error_method::louis, "louis"}}};
constexpr enum_table<theta_method, 4> kThetaNames{{{theta_method::eap, "eap"},
                                                    {theta_method::map, "map"},
                                                    {theta_method::ml, "ml"},
                                                    {theta_method::eap_sum, "eap_sum"}}};

constexpr auto bad_option = detail::fail_option;

double qnorm(double p) { return boost::math::quantile(boost::math::normal_distribution<double>(), p); }

std::string categories_text(const std::vector<double>& c) {
  std::string s;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == 10) return s + ", ...";
    s += (i ? ", " : "") + number_text(c[i]);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Answers as category codes

// rows x items category indices (row-major), kMissing for NaN.
struct coded_answers {
  Index rows = 0;
  int items = 0;
  std::vector<std::uint8_t> cells;
  [[nodiscard]] const std::uint8_t* row(Index i) const { return cells.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(items); }
};

// Codes every answer through its item's categories (reverse keys applied). A value that is not a
// category is an error naming the first such cell in row order, whatever the thread count.
coded_answers code_answers(const std::vector<bank_item>& items, const MatrixXd& answers, int threads, const std::string& where) {
  const int k = static_cast<int>(items.size());
  if (answers.cols() != k) {
    error_details d;
    d.rule = "column_count";
    throw error(errc::invalid_argument,
                where + ": the answers have " + std::to_string(answers.cols()) + " columns for " + std::to_string(k) +
                    " items (one column per item, in item order)",
                d);
  }
  coded_answers out;
  out.rows = answers.rows();
  out.items = k;
  out.cells.assign(static_cast<std::size_t>(out.rows) * static_cast<std::size_t>(k), kMissing);
  const auto bounds = detail::block_bounds(static_cast<std::size_t>(out.rows), 4096);
  std::vector<std::optional<std::pair<Index, int>>> first_bad(bounds.size() - 1);
  detail::parallel_for(bounds.size() - 1, threads, [&](std::size_t b) {
    for (auto i = static_cast<Index>(bounds[b]); i < static_cast<Index>(bounds[b + 1]); ++i)
      for (int j = 0; j < k; ++j) {
        const double v = answers(i, j);
        if (std::isnan(v)) continue;
        const auto c = items[static_cast<std::size_t>(j)].category_of(v);
        if (!c) {
          first_bad[b] = std::pair{i, j};
          return;
        }
        out.cells[static_cast<std::size_t>(i) * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)] =
            static_cast<std::uint8_t>(*c);
      }
  });
  for (const auto& bad : first_bad)
    if (bad) {
      const auto [i, j] = *bad;
      const auto& it = items[static_cast<std::size_t>(j)];
      error_details d;
      d.row = static_cast<std::size_t>(i) + 1;
      d.item = it.id;
      d.value = number_text(answers(i, j));
      d.rule = "not_a_category";
      throw error(errc::bad_input,
                  where + ": row " + std::to_string(i + 1) + ", item '" + it.id + "': the answer " + number_text(answers(i, j)) +
                      " is not one of the item's categories (" + categories_text(it.categories) + ")",
                  d);
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Unique response patterns

struct pattern_table {
  int items = 0;
  std::vector<std::uint8_t> cells;  // patterns x items
  std::vector<double> count;
  [[nodiscard]] std::size_t size() const { return count.size(); }
  [[nodiscard]] const std::uint8_t* row(std::size_t p) const { return cells.data() + p * static_cast<std::size_t>(items); }
};

// Patterns in order of first appearance (so the table, and every sum over it, is the same on
// every run); rows without any answer are left out.
pattern_table tabulate_patterns(const coded_answers& x) {
  pattern_table t;
  t.items = x.items;
  const auto k = static_cast<std::size_t>(x.items);
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(static_cast<std::size_t>(x.rows));
  std::vector<std::size_t> first_row;
  for (Index i = 0; i < x.rows; ++i) {
    const std::uint8_t* r = x.row(i);
    if (std::all_of(r, r + k, [](std::uint8_t c) { return c == kMissing; })) continue;
    const std::string_view key(reinterpret_cast<const char*>(r), k);
    const auto [pos, inserted] = index.emplace(key, t.count.size());
    if (inserted) {
      first_row.push_back(static_cast<std::size_t>(i));
      t.count.push_back(1.0);
    } else {
      t.count[pos->second] += 1.0;
    }
  }
  t.cells.resize(first_row.size() * k);
  for (std::size_t p = 0; p < first_row.size(); ++p)
    std::memcpy(t.cells.data() + p * k, x.row(static_cast<Index>(first_row[p])), k);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Parameters and probability tables

// The flat parameter vector: item j occupies [off[j], off[j] + K_j): slope, then K_j - 1
// intercepts. The same offsets index the item's categories in the probability tables.
struct layout {
  std::vector<int> k;    // categories per item
  std::vector<int> off;  // offsets
  int total = 0;
  explicit layout(const std::vector<int>& cats) : k(cats) {
    off.resize(cats.size());
    for (std::size_t j = 0; j < cats.size(); ++j) {
      off[j] = total;
      total += cats[j];
    }
  }
  [[nodiscard]] int items() const { return static_cast<int>(k.size()); }
};

std::vector<double> flatten(const std::vector<bank_item>& items, const layout& lay) {
  std::vector<double> p(static_cast<std::size_t>(lay.total));
  for (std::size_t j = 0; j < items.size(); ++j) {
    const auto o = static_cast<std::size_t>(lay.off[j]);
    p[o] = items[j].slope;
    std::copy(items[j].intercepts.begin(), items[j].intercepts.end(), p.begin() + static_cast<std::ptrdiff_t>(o) + 1);
  }
  return p;
}

// P[(off_j + c) * Q + q] = P_jc(theta_q), floored.
void probability_table(const std::vector<double>& par, const layout& lay, const VectorXd& nodes, std::vector<double>& table) {
  const auto q_n = static_cast<std::size_t>(nodes.size());
  table.resize(static_cast<std::size_t>(lay.total) * q_n);
  std::vector<double> p(static_cast<std::size_t>(detail::kMaxGradedCategories));
  for (int j = 0; j < lay.items(); ++j) {
    const auto o = static_cast<std::size_t>(lay.off[static_cast<std::size_t>(j)]);
    const int kj = lay.k[static_cast<std::size_t>(j)];
    for (std::size_t q = 0; q < q_n; ++q) {
      detail::graded_probabilities(par[o], par.data() + o + 1, kj, nodes(static_cast<Index>(q)), p.data());
      for (int c = 0; c < kj; ++c) table[(o + static_cast<std::size_t>(c)) * q_n + q] = std::max(p[static_cast<std::size_t>(c)], kProbFloor);
    }
  }
}

// L[q] = prior_q prod_j P_j(c_j | theta_q) over the answered items, kept in range by rescaling
// every 8 items; returns log of the factor taken out (true L = L * exp(result)), or -inf when the
// pattern has probability 0 at every node.
double pattern_likelihood(const std::uint8_t* cells, const layout& lay, const double* table, std::size_t q_n,
                          const double* prior, double* lik) {
  std::copy(prior, prior + q_n, lik);
  double log_scale = 0;
  int since = 0;
  bool exact = true;
  for (int j = 0; j < lay.items(); ++j) {
    const std::uint8_t c = cells[j];
    if (c == kMissing) continue;
    const double* row = table + (static_cast<std::size_t>(lay.off[static_cast<std::size_t>(j)]) + c) * q_n;
    for (std::size_t q = 0; q < q_n; ++q) lik[q] *= row[q];
    if (++since == 8) {
      since = 0;
      const double m = *std::max_element(lik, lik + q_n);
      if (m < 1e-100) {
        if (!(m > 1e-290)) {
          exact = false;  // underflow is near: redo the whole pattern in logs
          break;
        }
        for (std::size_t q = 0; q < q_n; ++q) lik[q] /= m;
        log_scale += std::log(m);
      }
    }
  }
  if (exact) return log_scale;
  double best = -inf_v;
  for (std::size_t q = 0; q < q_n; ++q) {
    double s = std::log(prior[q]);
    for (int j = 0; j < lay.items(); ++j) {
      const std::uint8_t c = cells[j];
      if (c == kMissing) continue;
      s += std::log(table[(static_cast<std::size_t>(lay.off[static_cast<std::size_t>(j)]) + c) * q_n + q]);
    }
    lik[q] = s;
    best = std::max(best, s);
  }
  if (!std::isfinite(best)) return -inf_v;
  for (std::size_t q = 0; q < q_n; ++q) lik[q] = std::exp(lik[q] - best);
  return best;
}

// ---------------------------------------------------------------------------------------------
// E-step

struct estep_result {
  double loglik = 0;
  std::vector<double> counts;   // expected counts r, same layout as the probability table
  std::vector<double> mean;     // per pattern posterior mean (when asked)
  std::vector<double> var;      // per pattern posterior variance (when asked)
};

// One pass over the patterns (Bock & Aitkin 1981): log-likelihood, expected counts
// r_jcq = sum_p n_p [x_pj = c] L_p(q) w_q / sum_q' L_p(q') w_q', and optionally the posterior
// moments. Blocks of patterns are fixed by their number only; block partial sums are added in
// block order, so the result is the same for every thread count.
estep_result estep(const std::vector<double>& table, const layout& lay, const pattern_table& pt, const quadrature& qd,
                   bool counts, bool moments, int threads) {
  const auto q_n = static_cast<std::size_t>(qd.nodes.size());
  const std::size_t cells = table.size();
  const auto bounds = detail::block_bounds(pt.size(), kPatternBlock);
  const std::size_t blocks = bounds.size() - 1;
  std::vector<double> ll(blocks, 0.0);
  std::vector<std::vector<double>> part(counts ? blocks : 0);
  estep_result out;
  if (moments) {
    out.mean.assign(pt.size(), nan_v);
    out.var.assign(pt.size(), nan_v);
  }
  detail::parallel_for(blocks, threads, [&](std::size_t b) {
    std::vector<double> lik(q_n);
    std::vector<double>* r = counts ? &part[b] : nullptr;
    if (r) r->assign(cells, 0.0);
    double sum_ll = 0;
    for (std::size_t p = bounds[b]; p < bounds[b + 1]; ++p) {
      const std::uint8_t* x = pt.row(p);
      const double ls = pattern_likelihood(x, lay, table.data(), q_n, qd.weights.data(), lik.data());
      double total = 0;
      for (double v : lik) total += v;
      if (!(total > 0) || !std::isfinite(ls)) {
        sum_ll = -inf_v;
        continue;
      }
      sum_ll += pt.count[p] * (std::log(total) + ls);
      if (r) {
        const double f = pt.count[p] / total;
        for (int j = 0; j < lay.items(); ++j) {
          const std::uint8_t c = x[j];
          if (c == kMissing) continue;
          double* row = r->data() + (static_cast<std::size_t>(lay.off[static_cast<std::size_t>(j)]) + c) * q_n;
          for (std::size_t q = 0; q < q_n; ++q) row[q] += f * lik[q];
        }
      }
      if (moments) {
        double m = 0;
        for (std::size_t q = 0; q < q_n; ++q) m += qd.nodes(static_cast<Index>(q)) * lik[q];
        m /= total;
        double v = 0;
        for (std::size_t q = 0; q < q_n; ++q) {
          const double e = qd.nodes(static_cast<Index>(q)) - m;
          v += e * e * lik[q];
        }
        out.mean[p] = m;
        out.var[p] = v / total;
      }
    }
    ll[b] = sum_ll;
  });
  for (double v : ll) out.loglik += v;
  if (counts) {
    out.counts.assign(cells, 0.0);
    for (const auto& pb : part)
      for (std::size_t i = 0; i < cells; ++i) out.counts[i] += pb[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// M-step: one item

// F = sum_qc r_cq log P_c(theta_q) at (a, d), with its gradient and Hessian in (a, d_1..d_{K-1})
// when asked. Derivatives: see detail/graded.hpp; d^2 log P = d^2 P / P - dP dP' / P^2.
double item_objective(const double* r, int kc, const VectorXd& nodes, double a, const double* d, VectorXd* g, MatrixXd* h,
                      detail::graded_point& gp) {
  const auto q_n = static_cast<std::size_t>(nodes.size());
  const bool deriv = g != nullptr;
  if (deriv) {
    g->setZero(kc);
    h->setZero(kc, kc);
  }
  double f = 0;
  for (std::size_t q = 0; q < q_n; ++q) {
    const double th = nodes(static_cast<Index>(q));
    gp.evaluate(a, d, kc, th, deriv);
    for (int c = 0; c < kc; ++c) {
      const double w = r[static_cast<std::size_t>(c) * q_n + q];
      if (w == 0) continue;
      const double p = std::max(gp.p[static_cast<std::size_t>(c)], kProbFloor);
      f += w * std::log(p);
      if (!deriv) continue;
      const auto cu = static_cast<std::size_t>(c);
      const double lo = gp.psi[cu], hi = gp.psi[cu + 1], dlo = gp.dpsi[cu], dhi = gp.dpsi[cu + 1];
      // dP: slope th (lo - hi), d_c: lo (c >= 1), d_{c+1}: -hi (c + 1 <= K - 1)
      double u[3] = {th * (lo - hi), lo, -hi};
      int idx[3] = {0, c, c + 1};
      double hp[3][3] = {{th * th * (dlo - dhi), th * dlo, -th * dhi}, {th * dlo, dlo, 0}, {-th * dhi, 0, -dhi}};
      const bool has[3] = {true, c >= 1, c + 1 <= kc - 1};
      for (int s = 0; s < 3; ++s) {
        if (!has[s]) continue;
        (*g)(idx[s]) += w * u[s] / p;
        for (int t = 0; t < 3; ++t) {
          if (!has[t]) continue;
          (*h)(idx[s], idx[t]) += w * (hp[s][t] / p - u[s] * u[t] / (p * p));
        }
      }
    }
  }
  return f;
}

bool ordered(const double* d, int n) {
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(d[i]) || (i > 0 && !(d[i] < d[i - 1]))) return false;
  return true;
}

// Maximises item_objective by Newton-Raphson with step halving from (a, d) in place. The
// objective is concave (Pratt 1981), so Newton steps on -H (made positive definite if rounding
// says otherwise) go uphill; a step is halved until the intercepts stay ordered and F does not
// fall. The slope is held inside [-max_slope, max_slope]; at the bound with the gradient pointing
// out, it is fixed and only the intercepts move.
void mstep_item(const double* r, int kc, const VectorXd& nodes, double max_slope, double* par) {
  detail::graded_point gp;
  VectorXd g;
  MatrixXd h;
  std::vector<double> trial(static_cast<std::size_t>(kc));
  for (int it = 0; it < 50; ++it) {
    const double f0 = item_objective(r, kc, nodes, par[0], par + 1, &g, &h, gp);
    const bool pinned = std::abs(par[0]) >= max_slope && g(0) * par[0] > 0;
    const int first = pinned ? 1 : 0;
    const int n = kc - first;
    MatrixXd neg = -h.block(first, first, n, n);
    VectorXd step;
    for (double ridge = 0;; ridge = ridge == 0 ? 1e-8 * (1 + neg.diagonal().cwiseAbs().maxCoeff()) : ridge * 10) {
      Eigen::LDLT<MatrixXd> ldlt(neg + ridge * MatrixXd::Identity(n, n));
      if (ldlt.info() == Eigen::Success && ldlt.isPositive() && (ldlt.vectorD().array() > 0).all()) {
        step = ldlt.solve(g.segment(first, n));
        if (step.allFinite()) break;
      }
      if (ridge > 1e12) return;
    }
    double t = 1;
    bool moved = false;
    for (int half = 0; half < 40; ++half, t *= 0.5) {
      std::copy(par, par + kc, trial.begin());
      for (int i = 0; i < n; ++i) trial[static_cast<std::size_t>(first + i)] += t * step(i);
      trial[0] = std::clamp(trial[0], -max_slope, max_slope);
      if (!ordered(trial.data() + 1, kc - 1)) continue;
      const double f1 = item_objective(r, kc, nodes, trial[0], trial.data() + 1, nullptr, nullptr, gp);
      if (f1 >= f0 - 1e-12 * (1 + std::abs(f0))) {
        moved = true;
        break;
      }
    }
    if (!moved) return;
    double change = 0;
    for (int i = 0; i < kc; ++i) change = std::max(change, std::abs(trial[static_cast<std::size_t>(i)] - par[i]));
    std::copy(trial.begin(), trial.end(), par);
    if (change < 1e-9) return;
  }
}

std::vector<double> mstep(const std::vector<double>& counts, const std::vector<double>& par, const layout& lay,
                          const VectorXd& nodes, double max_slope, int threads) {
  std::vector<double> out = par;
  const auto q_n = static_cast<std::size_t>(nodes.size());
  detail::parallel_for(static_cast<std::size_t>(lay.items()), threads, [&](std::size_t j) {
    const auto o = static_cast<std::size_t>(lay.off[j]);
    mstep_item(counts.data() + o * q_n, lay.k[j], nodes, max_slope, out.data() + o);
  });
  return out;
}

bool valid_parameters(const std::vector<double>& par, const layout& lay, double max_slope) {
  for (int j = 0; j < lay.items(); ++j) {
    const auto o = static_cast<std::size_t>(lay.off[static_cast<std::size_t>(j)]);
    if (!std::isfinite(par[o]) || std::abs(par[o]) > max_slope) return false;
    if (!ordered(par.data() + o + 1, lay.k[static_cast<std::size_t>(j)] - 1)) return false;
  }
  return true;
}

double max_abs_change(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// ---------------------------------------------------------------------------------------------
// EM with SQUAREM

struct em_state {
  std::vector<double> par;
  estep_result e;  // at par
};

struct em_outcome {
  std::vector<double> par;
  estep_result e;  // at par, with the posterior moments
  int iterations = 0;
  bool converged = false;
  double max_change = nan_v;
  std::vector<double> trace;
};

em_outcome run_em(std::vector<double> start, const layout& lay, const pattern_table& pt, const quadrature& qd,
                  const grm_options& opt) {
  em_outcome out;
  std::vector<double> table;
  // E-steps, total unknown (the EM stops when it converges); the cancel flag is read at each.
  detail::progress_meter meter(opt.progress, "grm", 0, 10);
  auto evaluate = [&](const std::vector<double>& par, bool moments) {
    meter.advance();
    probability_table(par, lay, qd.nodes, table);
    ++out.iterations;
    return estep(table, lay, pt, qd, true, moments, opt.threads);
  };
  em_state cur{std::move(start), {}};
  cur.e = evaluate(cur.par, false);
  out.trace.push_back(cur.e.loglik);
  // One EM step from `from`: the M-step on its expected counts; true when it has converged.
  auto em_step = [&](const em_state& from, std::vector<double>& next) {
    next = mstep(from.e.counts, from.par, lay, qd.nodes, opt.max_slope, opt.threads);
    out.max_change = max_abs_change(next, from.par);
    return out.max_change < opt.tolerance;
  };
  double step_max = 4.0;  // SQUAREM's adaptive cap on |alpha| (step.max0 = 1, mstep = 4 in the paper's code)
  std::vector<double> next;
  while (out.iterations < opt.max_iterations) {
    if (em_step(cur, next)) {
      cur.par = next;
      out.converged = true;
      break;
    }
    em_state p1{next, evaluate(next, false)};
    out.trace.push_back(p1.e.loglik);
    if (opt.acceleration == em_acceleration::none || out.iterations >= opt.max_iterations) {
      cur = std::move(p1);
      continue;
    }
    if (em_step(p1, next)) {
      cur.par = next;
      out.converged = true;
      break;
    }
    em_state p2{next, evaluate(next, false)};
    out.trace.push_back(p2.e.loglik);
    // SQUAREM S3 (Varadhan & Roland 2008): r = p1 - p0, v = p2 - 2 p1 + p0, alpha = -|r| / |v|,
    // p' = p0 - 2 alpha r + alpha^2 v (alpha = -1 gives p2). Kept only if it beats p2.
    double rr = 0, vv = 0;
    for (std::size_t i = 0; i < cur.par.size(); ++i) {
      const double r = p1.par[i] - cur.par[i], v = p2.par[i] - 2 * p1.par[i] + cur.par[i];
      rr += r * r;
      vv += v * v;
    }
    const double alpha = vv > 0 ? -std::min(std::sqrt(rr / vv), step_max) : -1.0;
    bool accepted = false;
    if (alpha < -1 && out.iterations < opt.max_iterations) {
      std::vector<double> ext(cur.par.size());
      for (std::size_t i = 0; i < ext.size(); ++i) {
        const double r = p1.par[i] - cur.par[i], v = p2.par[i] - 2 * p1.par[i] + cur.par[i];
        ext[i] = cur.par[i] - 2 * alpha * r + alpha * alpha * v;
      }
      if (valid_parameters(ext, lay, opt.max_slope)) {
        estep_result ee = evaluate(ext, false);
        em_state pe{std::move(ext), std::move(ee)};
        if (pe.e.loglik > p2.e.loglik) {
          if (-alpha >= step_max) step_max *= 4;
          out.trace.push_back(pe.e.loglik);
          cur = std::move(pe);
          accepted = true;
        }
      }
      if (!accepted) step_max = std::max(1.0, step_max / 4);
    }
    if (!accepted) cur = std::move(p2);
  }
  // the final E-step at the estimate (log-likelihood, counts and posterior moments)
  out.par = cur.par;
  out.e = evaluate(out.par, true);
  if (out.trace.back() != out.e.loglik) out.trace.push_back(out.e.loglik);  // a new point (converged: the last M-step)
  meter.finish();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Observed information (Louis 1982)

// For the marginal log-likelihood l = sum_i n_i log sum_q w_q f_i(q), with f_i(q) the complete
// data likelihood at node q and posterior weights w_iq:
//   -d2 l = sum_i n_i [ E_post(-d2 log f_i) - E_post(g_i g_i') + m_i m_i' ],
// g_i(q) = d log f_i(q) (stacked item scores s_j(q, x_ij)), m_i = E_post(g_i). The first term is
// block diagonal; with -d2 log P - s s' = -d2 P / P its item blocks, together with the diagonal
// part of the second, are sum_qc r_jcq (-d2 P_jc / P_jc). Everything is exact on the quadrature.
// Work: item pairs are independent tasks, each owning its block, over chunks of patterns in order.
MatrixXd observed_information(const std::vector<double>& par, const layout& lay, const pattern_table& pt, const quadrature& qd,
                              const std::vector<double>& counts, int threads) {
  const auto q_n = static_cast<std::size_t>(qd.nodes.size());
  const int k = lay.items();
  const int np = lay.total;
  // per item j, category c, node q: the score vector s (K_j values) and, for the diagonal term, -d2P/P
  std::vector<std::vector<double>> score(static_cast<std::size_t>(k));
  MatrixXd info = MatrixXd::Zero(np, np);
  detail::graded_point gp;
  for (int j = 0; j < k; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    const int kc = lay.k[ju];
    const auto o = static_cast<std::size_t>(lay.off[ju]);
    auto& sj = score[ju];
    sj.assign(static_cast<std::size_t>(kc) * q_n * static_cast<std::size_t>(kc), 0.0);
    for (std::size_t q = 0; q < q_n; ++q) {
      const double th = qd.nodes(static_cast<Index>(q));
      gp.evaluate(par[o], par.data() + o + 1, kc, th, true);
      for (int c = 0; c < kc; ++c) {
        const auto cu = static_cast<std::size_t>(c);
        const double p = std::max(gp.p[cu], kProbFloor);
        const double lo = gp.psi[cu], hi = gp.psi[cu + 1], dlo = gp.dpsi[cu], dhi = gp.dpsi[cu + 1];
        double* s = sj.data() + (cu * q_n + q) * static_cast<std::size_t>(kc);
        s[0] = th * (lo - hi) / p;
        if (c >= 1) s[c] += lo / p;
        if (c + 1 <= kc - 1) s[c + 1] -= hi / p;
        const double w = counts[(o + cu) * q_n + q];
        if (w == 0) continue;
        // -d2 P / P in (slope, d_c, d_{c+1})
        const int idx[3] = {0, c, c + 1};
        const bool has[3] = {true, c >= 1, c + 1 <= kc - 1};
        const double hp[3][3] = {{th * th * (dlo - dhi), th * dlo, -th * dhi}, {th * dlo, dlo, 0}, {-th * dhi, 0, -dhi}};
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < 3; ++b)
            if (has[a] && has[b]) info(lay.off[ju] + idx[a], lay.off[ju] + idx[b]) -= w * hp[a][b] / p;
      }
    }
  }
  std::vector<std::pair<int, int>> pairs;
  for (int j = 0; j < k; ++j)
    for (int l = j; l < k; ++l) pairs.emplace_back(j, l);
  std::vector<MatrixXd> block(pairs.size());
  for (std::size_t t = 0; t < pairs.size(); ++t)
    block[t] = MatrixXd::Zero(lay.k[static_cast<std::size_t>(pairs[t].first)], lay.k[static_cast<std::size_t>(pairs[t].second)]);
  std::vector<double> table;
  probability_table(par, lay, qd.nodes, table);
  constexpr std::size_t chunk = 4096;
  std::vector<double> post(chunk * q_n), m(chunk * static_cast<std::size_t>(np));
  for (std::size_t first = 0; first < pt.size(); first += chunk) {
    const std::size_t last = std::min(pt.size(), first + chunk);
    // posteriors and posterior mean scores of the chunk's patterns
    detail::parallel_for_blocks(last - first, kPatternBlock, threads, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        const std::uint8_t* x = pt.row(first + i);
        double* w = post.data() + i * q_n;
        pattern_likelihood(x, lay, table.data(), q_n, qd.weights.data(), w);
        double tot = 0;
        for (std::size_t q = 0; q < q_n; ++q) tot += w[q];
        for (std::size_t q = 0; q < q_n; ++q) w[q] = tot > 0 ? w[q] / tot : 0.0;
        double* mi = m.data() + i * static_cast<std::size_t>(np);
        std::fill(mi, mi + np, 0.0);
        for (int j = 0; j < k; ++j) {
          const std::uint8_t c = x[j];
          if (c == kMissing) continue;
          const auto ju = static_cast<std::size_t>(j);
          const auto kc = static_cast<std::size_t>(lay.k[ju]);
          const double* s = score[ju].data() + static_cast<std::size_t>(c) * q_n * kc;
          double* mj = mi + lay.off[ju];
          for (std::size_t q = 0; q < q_n; ++q)
            for (std::size_t t = 0; t < kc; ++t) mj[t] += w[q] * s[q * kc + t];
        }
      }
    });
    detail::parallel_for(pairs.size(), threads, [&](std::size_t t) {
      const auto [j, l] = pairs[t];
      const auto ju = static_cast<std::size_t>(j), lu = static_cast<std::size_t>(l);
      const int kj = lay.k[ju], kl = lay.k[lu];
      MatrixXd& bl = block[t];
      std::vector<double> tab(j == l ? 0 : static_cast<std::size_t>(kj * kl) * q_n, 0.0);
      for (std::size_t i = 0; i < last - first; ++i) {
        const std::uint8_t* x = pt.row(first + i);
        const double n = pt.count[first + i];
        const double* mi = m.data() + i * static_cast<std::size_t>(np);
        if (x[j] == kMissing || x[l] == kMissing) continue;
        for (int a = 0; a < kj; ++a)
          for (int b = 0; b < kl; ++b) bl(a, b) += n * mi[lay.off[ju] + a] * mi[lay.off[lu] + b];
        if (j == l) continue;
        double* row = tab.data() + static_cast<std::size_t>(x[j] * kl + x[l]) * q_n;
        const double* w = post.data() + i * q_n;
        for (std::size_t q = 0; q < q_n; ++q) row[q] += n * w[q];
      }
      if (j == l) return;
      for (int cj = 0; cj < kj; ++cj)
        for (int cl = 0; cl < kl; ++cl) {
          const double* row = tab.data() + static_cast<std::size_t>(cj * kl + cl) * q_n;
          for (std::size_t q = 0; q < q_n; ++q) {
            if (row[q] == 0) continue;
            const double* sj = score[ju].data() + (static_cast<std::size_t>(cj) * q_n + q) * static_cast<std::size_t>(kj);
            const double* sl = score[lu].data() + (static_cast<std::size_t>(cl) * q_n + q) * static_cast<std::size_t>(kl);
            for (int a = 0; a < kj; ++a)
              for (int b = 0; b < kl; ++b) bl(a, b) -= row[q] * sj[a] * sl[b];
          }
        }
    });
  }
  for (std::size_t t = 0; t < pairs.size(); ++t) {
    const auto [j, l] = pairs[t];
    const int oj = lay.off[static_cast<std::size_t>(j)], ol = lay.off[static_cast<std::size_t>(l)];
    info.block(oj, ol, block[t].rows(), block[t].cols()) += block[t];
    if (j != l) info.block(ol, oj, block[t].cols(), block[t].rows()) += block[t].transpose();
  }
  return 0.5 * (info + info.transpose());
}

// ---------------------------------------------------------------------------------------------
// Starting values

// counts[j][c]: how many respondents chose category c of item j
using usage = std::vector<std::vector<double>>;

usage category_usage(const coded_answers& x, const layout& lay) {
  usage u(static_cast<std::size_t>(lay.items()));
  for (int j = 0; j < lay.items(); ++j) u[static_cast<std::size_t>(j)].assign(static_cast<std::size_t>(lay.k[static_cast<std::size_t>(j)]), 0.0);
  for (Index i = 0; i < x.rows; ++i) {
    const std::uint8_t* r = x.row(i);
    for (int j = 0; j < x.items; ++j)
      if (r[j] != kMissing) u[static_cast<std::size_t>(j)][r[j]] += 1;
  }
  return u;
}

// mirt's documented start (1.47, R/05-model.elements.R): every loading 0.5, i.e. slope
// 0.5 * 1.702 = 0.851, and intercepts qnorm(P(X >= k)) / div with div = sqrt(1 - 0.25) / 1.702
// (about 1.965 qnorm(P(X >= k))).
std::vector<double> simple_start(const usage& u, const layout& lay) {
  std::vector<double> par(static_cast<std::size_t>(lay.total));
  const double div = std::sqrt(1 - 0.25) / 1.702;
  for (int j = 0; j < lay.items(); ++j) {
    const auto ju = static_cast<std::size_t>(j);
    const auto o = static_cast<std::size_t>(lay.off[ju]);
    const double tot = std::accumulate(u[ju].begin(), u[ju].end(), 0.0);
    par[o] = 0.851;
    double above = tot;
    for (int c = 1; c < lay.k[ju]; ++c) {
      above -= u[ju][static_cast<std::size_t>(c) - 1];
      par[o + static_cast<std::size_t>(c)] = qnorm(above / tot) / div;
    }
  }
  return par;
}

// From the polychoric correlations of the category codes and a one-factor minres solution:
// probit slope l / sqrt(1 - l^2), intercept -tau / sqrt(1 - l^2) (the normal-ogive item of the
// factor model), times 1.702 for the logistic metric. Empty (with `why`) when it cannot be formed.
std::vector<double> polychoric_start(const coded_answers& x, const layout& lay, int threads, std::string& why) {
  const int k = lay.items();
  MatrixXd codes(x.rows, k);
  for (Index i = 0; i < x.rows; ++i)
    for (int j = 0; j < k; ++j) {
      const std::uint8_t c = x.row(i)[j];
      codes(i, j) = c == kMissing ? nan_v : static_cast<double>(c);
    }
  try {
    polychoric_options po;
    po.standard_errors = false;
    po.max_categories = *std::max_element(lay.k.begin(), lay.k.end());
    po.threads = threads;
    const polychoric_result pc = polychoric(codes, po);
    if (!pc.rho.allFinite()) {
      why = "a polychoric correlation could not be estimated";
      return {};
    }
    efa_options eo;
    eo.n_factors = 1;
    const efa_result fa = exploratory_factor_analysis(pc.rho, x.rows, eo);
    std::vector<double> par(static_cast<std::size_t>(lay.total));
    for (int j = 0; j < k; ++j) {
      const auto ju = static_cast<std::size_t>(j);
      const auto o = static_cast<std::size_t>(lay.off[ju]);
      const double l = std::clamp(fa.loadings(j, 0), -0.9, 0.9);
      if (!std::isfinite(l)) {
        why = "the factor loadings are not finite";
        return {};
      }
      const double root = std::sqrt(1 - l * l);
      par[o] = 1.702 * l / root;
      for (int c = 1; c < lay.k[ju]; ++c) {
        const double tau = pc.thresholds[ju](c - 1);
        if (!std::isfinite(tau)) {
          why = "a threshold is not finite";
          return {};
        }
        par[o + static_cast<std::size_t>(c)] = -1.702 * tau / root;
      }
      if (!ordered(par.data() + o + 1, lay.k[ju] - 1)) {
        why = "the thresholds are not ordered";
        return {};
      }
    }
    return par;
  } catch (const error& e) {
    why = e.what();
    return {};
  }
}

[[noreturn]] void data_fail(errc code, const std::string& message, const std::string& item, const std::string& rule,
                            const std::optional<std::string>& value = std::nullopt, const std::optional<std::string>& option = std::nullopt) {
  error_details d;
  d.item = item;
  d.rule = rule;
  d.value = value;
  d.option = option;
  throw error(code, message, d);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Estimation

grm_fit_result fit_graded(const Eigen::MatrixXd& answers, const grm_options& options) {
  options.validate();
  const Index k = answers.cols();
  const std::string where = "fit_graded (scale '" + options.scale + "')";
  if (!options.items.empty() && static_cast<Index>(options.items.size()) != k)
    bad_option("grm_options.items", std::to_string(options.items.size()) + " items",
               "must list one item per data column (" + std::to_string(k) + ")");
  if (k < 2)
    throw error(errc::insufficient_data, where + ": " + std::to_string(k) + " item" + (k == 1 ? "" : "s") +
                                             "; the graded model of a scale needs at least 2 items");
  grm_fit_result res;
  res.name = options.scale;
  // the items' categories: given, or the integers from the lowest to the highest answer
  std::vector<bank_item> frame(static_cast<std::size_t>(k));
  std::string from_data;
  for (Index j = 0; j < k; ++j) {
    auto& it = frame[static_cast<std::size_t>(j)];
    const grm_item_spec* spec = options.items.empty() ? nullptr : &options.items[static_cast<std::size_t>(j)];
    it.id = spec && !spec->id.empty() ? spec->id : "item" + std::to_string(j + 1);
    it.scale = options.scale;
    it.reversed = spec && spec->reversed;
    if (spec && !spec->categories.empty()) {
      it.categories = spec->categories;
      continue;
    }
    double lo = inf_v, hi = -inf_v;
    for (Index i = 0; i < answers.rows(); ++i) {
      const double v = answers(i, j);
      if (std::isnan(v)) continue;
      if (!std::isfinite(v) || v != std::round(v)) {
        error_details d;
        d.row = static_cast<std::size_t>(i) + 1;
        d.item = it.id;
        d.value = number_text(v);
        d.rule = "not_an_integer";
        throw error(errc::bad_input,
                    where + ": row " + std::to_string(i + 1) + ", item '" + it.id + "': the answer " + number_text(v) +
                        " is not a whole number; give the item's categories (grm_options.items[" + std::to_string(j) + "].categories)",
                    d);
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (lo > hi) data_fail(errc::insufficient_data, where + ": item '" + it.id + "' has no answers", it.id, "no_answers");
    if (hi - lo + 1 > detail::kMaxGradedCategories)
      data_fail(errc::bad_input, where + ": item '" + it.id + "' spans " + number_text(hi - lo + 1) + " values (at most " +
                                     std::to_string(detail::kMaxGradedCategories) + " categories)",
                it.id, "too_many_categories");
    for (double v = lo; v <= hi; v += 1) it.categories.push_back(v);
    from_data += (from_data.empty() ? "" : ", ") + it.id + " " + number_text(lo) + "-" + number_text(hi);
  }
  if (!from_data.empty())
    res.warnings.push_back("categories taken from the answers (the integers from each item's lowest to its highest answer; "
                           "give grm_options.items[].categories to fix them): " + from_data);
  coded_answers coded = code_answers(frame, answers, options.threads, where);
  // constant items and unused categories
  {
    std::vector<int> cats(frame.size());
    for (std::size_t j = 0; j < frame.size(); ++j) cats[j] = frame[j].category_count();
    const usage u = category_usage(coded, layout(cats));
    for (std::size_t j = 0; j < frame.size(); ++j) {
      auto& it = frame[j];
      const double nj = std::accumulate(u[j].begin(), u[j].end(), 0.0);
      if (nj == 0) data_fail(errc::insufficient_data, where + ": item '" + it.id + "' has no answers", it.id, "no_answers");
      std::vector<int> used;
      for (int c = 0; c < it.category_count(); ++c)
        if (u[j][static_cast<std::size_t>(c)] > 0) used.push_back(c);
      if (used.size() == 1)
        data_fail(errc::insufficient_data,
                  where + ": item '" + it.id + "': every respondent who answered it chose " + number_text(it.value_of(used[0])) +
                      "; a constant item has no slope to estimate (leave it out of the scale)",
                  it.id, "constant_item", number_text(it.value_of(used[0])));
      if (static_cast<int>(used.size()) == it.category_count()) continue;
      std::string unused;
      for (int c = 0, ui = 0; c < it.category_count(); ++c) {
        if (ui < static_cast<int>(used.size()) && used[static_cast<std::size_t>(ui)] == c) {
          ++ui;
          continue;
        }
        unused += (unused.empty() ? "" : ", ") + number_text(it.value_of(c));
      }
      if (options.unused_categories == unused_category_rule::error)
        data_fail(errc::insufficient_data,
                  where + ": item '" + it.id + "': no respondent chose " + unused +
                      "; the graded model cannot estimate the intercept of an unused category (collect more data, or set "
                      "grm_options.unused_categories = drop to leave it out of this item's model)",
                  it.id, "unused_category", unused, "grm_options.unused_categories");
      // drop: keep the used categories; new code = rank among the used codes (monotone either way round)
      std::vector<std::uint8_t> remap(static_cast<std::size_t>(it.category_count()), kMissing);
      std::vector<double> kept_values;
      for (std::size_t r = 0; r < used.size(); ++r) {
        remap[static_cast<std::size_t>(used[r])] = static_cast<std::uint8_t>(r);
        kept_values.push_back(it.value_of(used[r]));
      }
      std::sort(kept_values.begin(), kept_values.end());
      it.categories = kept_values;
      for (Index i = 0; i < coded.rows; ++i) {
        std::uint8_t& c = coded.cells[static_cast<std::size_t>(i) * static_cast<std::size_t>(k) + j];
        if (c != kMissing) c = remap[c];
      }
      res.warnings.push_back("item '" + it.id + "': category " + unused + " was never chosen and is left out of its model");
    }
  }
  std::vector<int> cats(frame.size());
  for (std::size_t j = 0; j < frame.size(); ++j) cats[j] = frame[j].category_count();
  const layout lay(cats);
  const usage u = category_usage(coded, lay);
  pattern_table pt = tabulate_patterns(coded);
  res.patterns = pt.size();
  res.n = static_cast<std::size_t>(std::accumulate(pt.count.begin(), pt.count.end(), 0.0));
  if (res.n == 0) throw error(errc::insufficient_data, where + ": no respondent answered any item");
  if (res.n < static_cast<std::size_t>(answers.rows()))
    res.warnings.push_back(std::to_string(static_cast<std::size_t>(answers.rows()) - res.n) +
                           " respondents answered no item of the scale and are left out");
  if (k == 2)
    res.warnings.push_back("only 2 items: the graded model of a scale is not identified with two items (the slopes trade off "
                           "against each other and can run away); treat the estimates as descriptive");
  res.parameters = lay.total;
  const quadrature qd = make_quadrature(options.quadrature);
  res.quadrature = options.quadrature.rule;
  res.quadrature_points = options.quadrature.points;
  // starting values
  std::vector<double> start;
  res.start_values = options.start;
  if (options.start == grm_start::polychoric) {
    std::string why;
    start = polychoric_start(coded, lay, options.threads, why);
    if (start.empty()) {
      res.start_values = grm_start::simple;
      res.warnings.push_back("polychoric starting values could not be formed (" + why + "); started from mirt's defaults");
    }
  }
  if (start.empty()) start = simple_start(u, lay);
  for (int j = 0; j < lay.items(); ++j) {
    double& a = start[static_cast<std::size_t>(lay.off[static_cast<std::size_t>(j)])];
    a = std::clamp(a, -options.max_slope, options.max_slope);
  }
  em_outcome em = run_em(std::move(start), lay, pt, qd, options);
  res.iterations = em.iterations;
  res.converged = em.converged;
  res.max_change = em.max_change;
  res.loglik_trace = std::move(em.trace);
  res.loglik = em.e.loglik;
  res.aic = -2 * res.loglik + 2 * res.parameters;
  res.bic = -2 * res.loglik + res.parameters * std::log(static_cast<double>(res.n));
  if (!res.converged)
    res.warnings.push_back("the EM did not converge in " + std::to_string(options.max_iterations) +
                           " iterations (largest last change " + number_text(res.max_change, 3) + " > tolerance " +
                           number_text(options.tolerance) + "); raise grm_options.max_iterations or check the items");
  // empirical reliability of the EAPs on the fitting grid (patterns weighted by their counts)
  {
    double sw = 0, sm = 0, smm = 0, sv = 0;
    for (std::size_t p = 0; p < pt.size(); ++p) {
      const double w = pt.count[p];
      sw += w;
      sm += w * em.e.mean[p];
      sv += w * em.e.var[p];
    }
    const double mean = sm / sw;
    for (std::size_t p = 0; p < pt.size(); ++p) smm += pt.count[p] * (em.e.mean[p] - mean) * (em.e.mean[p] - mean);
    if (sw > 1) {
      const double var = smm / (sw - 1);
      res.empirical_reliability = var / (var + sv / sw);
    }
  }
  // items
  res.items.resize(frame.size());
  for (std::size_t j = 0; j < frame.size(); ++j) {
    auto& e = res.items[j];
    const auto o = static_cast<std::size_t>(lay.off[j]);
    e.item = frame[j].id;
    e.categories = frame[j].categories;
    e.reversed = frame[j].reversed;
    e.slope = em.par[o];
    e.intercepts.assign(em.par.begin() + static_cast<std::ptrdiff_t>(o) + 1,
                        em.par.begin() + static_cast<std::ptrdiff_t>(o) + lay.k[j]);
    e.a = e.slope;
    e.b.resize(e.intercepts.size());
    for (std::size_t c = 0; c < e.intercepts.size(); ++c) e.b[c] = -e.intercepts[c] / e.slope;
    e.n = static_cast<std::size_t>(std::accumulate(u[j].begin(), u[j].end(), 0.0));
    e.se.intercepts.assign(e.intercepts.size(), nan_v);
    e.se.b.assign(e.intercepts.size(), nan_v);
    if (std::abs(e.slope) >= options.max_slope * (1 - 1e-9))
      res.warnings.push_back("item '" + e.item + "': the slope reached its bound grm_options.max_slope = " +
                             number_text(options.max_slope) +
                             " (it ran away: the item nearly determines theta, or the model is not identified)");
    else if (e.slope < 0)
      res.warnings.push_back("item '" + e.item + "' has a negative slope (" + number_text(e.slope, 4) +
                             "): higher answers mean less of the trait; is it reverse keyed?");
  }
  // standard errors
  res.se_method = options.standard_errors ? standard_error_method::louis : standard_error_method::none;
  if (options.standard_errors) {
    const MatrixXd info = observed_information(em.par, lay, pt, qd, em.e.counts, options.threads);
    Eigen::LDLT<MatrixXd> ldlt(info);
    if (ldlt.info() == Eigen::Success && ldlt.isPositive() && (ldlt.vectorD().array() > 1e-12 * info.diagonal().maxCoeff()).all()) {
      res.covariance = ldlt.solve(MatrixXd::Identity(lay.total, lay.total));
      for (std::size_t j = 0; j < frame.size(); ++j) {
        auto& e = res.items[j];
        const int o = lay.off[j];
        const double vaa = res.covariance(o, o);
        e.se.slope = std::sqrt(vaa);
        e.se.a = e.se.slope;
        for (std::size_t c = 0; c < e.intercepts.size(); ++c) {
          const int oc = o + 1 + static_cast<int>(c);
          const double vdd = res.covariance(oc, oc), vad = res.covariance(o, oc);
          e.se.intercepts[c] = std::sqrt(vdd);
          // b = -d / a: db/da = d / a^2, db/dd = -1 / a (delta method)
          const double ga = e.intercepts[c] / (e.slope * e.slope), gd = -1 / e.slope;
          e.se.b[c] = std::sqrt(std::max(0.0, ga * ga * vaa + gd * gd * vdd + 2 * ga * gd * vad));
        }
      }
    } else {
      res.warnings.push_back("the observed information matrix is not positive definite (the model is not identified or an "
                             "estimate is at a bound): no standard errors");
    }
  }
  const std::vector<bank_item> fitted = bank_items(res);
  res.marginal_reliability = marginal_reliability(fitted);
  if (options.item_fit) {
    sx2_options so;
    so.quadrature = options.quadrature;
    so.min_expected = options.min_expected;
    so.threads = options.threads;
    sx2_result fit = item_fit_sx2(fitted, answers, so);
    for (std::size_t j = 0; j < frame.size(); ++j) res.items[j].fit = fit.items[j];
    for (auto& w : fit.warnings) res.warnings.push_back("S-X2: " + w);
  }
  return res;
}

std::vector<bank_item> bank_items(const grm_fit_result& fit) {
  std::vector<bank_item> out(fit.items.size());
  for (std::size_t j = 0; j < fit.items.size(); ++j) {
    const auto& e = fit.items[j];
    out[j].id = e.item;
    out[j].scale = fit.name;
    out[j].categories = e.categories;
    out[j].reversed = e.reversed;
    out[j].slope = e.slope;
    out[j].intercepts = e.intercepts;
  }
  return out;
}

double graded_loglik(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers, const quadrature_options& quadrature_opts) {
  for (const auto& it : items) it.validate();
  const coded_answers coded = code_answers(items, answers, 0, "graded_loglik");
  std::vector<int> cats(items.size());
  for (std::size_t j = 0; j < items.size(); ++j) cats[j] = items[j].category_count();
  const layout lay(cats);
  const pattern_table pt = tabulate_patterns(coded);
  const quadrature qd = make_quadrature(quadrature_opts);
  std::vector<double> table;
  probability_table(flatten(items, lay), lay, qd.nodes, table);
  return estep(table, lay, pt, qd, false, false, 0).loglik;
}

// ---------------------------------------------------------------------------------------------
// Enums and options

std::string_view to_string(quadrature_rule r) noexcept { return enum_name(kQuadratureNames, r); }
std::optional<quadrature_rule> parse_quadrature_rule(std::string_view s) noexcept { return enum_parse(kQuadratureNames, s); }
std::string_view to_string(unused_category_rule r) noexcept { return enum_name(kUnusedNames, r); }
std::optional<unused_category_rule> parse_unused_category_rule(std::string_view s) noexcept { return enum_parse(kUnusedNames, s); }
std::string_view to_string(em_acceleration a) noexcept { return enum_name(kAccelerationNames, a); }
std::optional<em_acceleration> parse_em_acceleration(std::string_view s) noexcept { return enum_parse(kAccelerationNames, s); }
std::string_view to_string(grm_start s) noexcept { return enum_name(kStartNames, s); }
std::optional<grm_start> parse_grm_start(std::string_view s) noexcept { return enum_parse(kStartNames, s); }
std::string_view to_string(standard_error_method m) noexcept { return enum_name(kSeNames, m); }
std::optional<standard_error_method> parse_standard_error_method(std::string_view s) noexcept { return enum_parse(kSeNames, s); }
std::string_view to_string(theta_method m) noexcept { return enum_name(kThetaNames, m); }
std::optional<theta_method> parse_theta_method(std::string_view s) noexcept {
  if (s == "eapsum") return theta_method::eap_sum;
  return enum_parse(kThetaNames, s);
}

void quadrature_options::validate() const {
  const std::string f = "quadrature_options.";
  if (rule == quadrature_rule::gauss_hermite) {
    if (points < 2 || points > 200) bad_option(f + "points", std::to_string(points), "must be from 2 to 200 for Gauss-Hermite");
    return;
  }
  if (points < 3 || points > 2001) bad_option(f + "points", std::to_string(points), "must be from 3 to 2001");
  if (!std::isfinite(lower)) bad_option(f + "lower", number_text(lower), "must be finite");
  if (!std::isfinite(upper)) bad_option(f + "upper", number_text(upper), "must be finite");
  if (!(lower < upper)) bad_option(f + "upper", number_text(upper), "must be above lower = " + number_text(lower));
}

quadrature make_quadrature(const quadrature_options& options) {
  options.validate();
  quadrature qd;
  const int n = options.points;
  if (options.rule == quadrature_rule::equally_spaced) {
    // mirt: seq(theta_lim[1], theta_lim[2], length.out = quadpts), prior = dnorm at the nodes, normalised
    qd.nodes.resize(n);
    qd.weights.resize(n);
    for (int i = 0; i < n; ++i) {
      qd.nodes(i) = i == n - 1 ? options.upper : options.lower + (options.upper - options.lower) * i / (n - 1);
      qd.weights(i) = std::exp(-0.5 * qd.nodes(i) * qd.nodes(i));
    }
  } else {
    // Golub & Welsch (1969): the nodes of the probabilists' Hermite polynomials are the
    // eigenvalues of the Jacobi matrix with off-diagonal sqrt(1), ..., sqrt(n-1); the weights are
    // the squared first components of the normalised eigenvectors (mu_0 = 1 for N(0, 1)).
    MatrixXd jac = MatrixXd::Zero(n, n);
    for (int i = 1; i < n; ++i) jac(i, i - 1) = jac(i - 1, i) = std::sqrt(static_cast<double>(i));
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(jac);
    qd.nodes = es.eigenvalues();
    qd.weights = es.eigenvectors().row(0).transpose().array().square();
    // the symmetric rule: make it exactly symmetric (rounding in the eigen-solver is not)
    for (int i = 0; i < n / 2; ++i) {
      const double x = 0.5 * (qd.nodes(n - 1 - i) - qd.nodes(i));
      const double w = 0.5 * (qd.weights(i) + qd.weights(n - 1 - i));
      qd.nodes(i) = -x;
      qd.nodes(n - 1 - i) = x;
      qd.weights(i) = qd.weights(n - 1 - i) = w;
    }
    if (n % 2 == 1) qd.nodes(n / 2) = 0;
  }
  qd.weights /= qd.weights.sum();
  return qd;
}

void grm_options::validate() const {
  const std::string f = "grm_options.";
  quadrature.validate();
  if (max_iterations < 1) bad_option(f + "max_iterations", std::to_string(max_iterations), "must be >= 1");
  if (!(tolerance > 0) || !std::isfinite(tolerance)) bad_option(f + "tolerance", number_text(tolerance), "must be positive");
  if (!(max_slope > 0) || !std::isfinite(max_slope)) bad_option(f + "max_slope", number_text(max_slope), "must be positive and finite");
  if (!(min_expected >= 0) || !std::isfinite(min_expected))
    bad_option(f + "min_expected", number_text(min_expected), "must be >= 0 and finite");
  for (std::size_t j = 0; j < items.size(); ++j) {
    const auto& c = items[j].categories;
    if (c.size() == 1) bad_option(f + "items[" + std::to_string(j) + "].categories", number_text(c[0]), "needs at least 2 values (or none: from the data)");
    if (c.size() > static_cast<std::size_t>(detail::kMaxGradedCategories))
      bad_option(f + "items[" + std::to_string(j) + "].categories", std::to_string(c.size()) + " values",
                 "at most " + std::to_string(detail::kMaxGradedCategories) + " categories");
    for (std::size_t i = 0; i < c.size(); ++i)
      if (!std::isfinite(c[i]) || (i > 0 && !(c[i] > c[i - 1])))
        bad_option(f + "items[" + std::to_string(j) + "].categories", categories_text(c), "must be finite and strictly increasing");
  }
}

void grm_score_options::validate() const {
  const std::string f = "grm_score_options.";
  quadrature.validate();
  if (!std::isfinite(prior_mean)) bad_option(f + "prior_mean", number_text(prior_mean), "must be finite");
  if (!(prior_sd > 0) || !std::isfinite(prior_sd)) bad_option(f + "prior_sd", number_text(prior_sd), "must be positive and finite");
  if (!(max_theta > 0) || !std::isfinite(max_theta)) bad_option(f + "max_theta", number_text(max_theta), "must be positive and finite");
  if (max_iterations < 1) bad_option(f + "max_iterations", std::to_string(max_iterations), "must be >= 1");
}

void sx2_options::validate() const {
  quadrature.validate();
  if (!(min_expected >= 0) || !std::isfinite(min_expected))
    bad_option("sx2_options.min_expected", number_text(min_expected), "must be >= 0 and finite");
}

void grm_simulation_options::validate() const {
  if (n < 1) bad_option("grm_simulation_options.n", "0", "must be >= 1");
  if (!(missing_rate >= 0 && missing_rate < 1))
    bad_option("grm_simulation_options.missing_rate", number_text(missing_rate), "must be in [0, 1)");
}

// ---------------------------------------------------------------------------------------------
// Shared by the scoring and fit functions

namespace {

struct prepared_items {
  std::vector<bank_item> items;
  layout lay;
  std::vector<double> par;
  explicit prepared_items(const std::vector<bank_item>& its, const std::string& where) : items(its), lay(categories_of(its, where)) {
    par = flatten(items, lay);
  }
  static std::vector<int> categories_of(const std::vector<bank_item>& its, const std::string& where) {
    if (its.empty()) throw error(errc::invalid_argument, where + ": no items");
    std::vector<int> cats;
    for (const auto& it : its) {
      it.validate();
      if (it.category_count() > detail::kMaxGradedCategories)
        data_fail(errc::bad_input, where + ": item '" + it.id + "' has more than " + std::to_string(detail::kMaxGradedCategories) + " categories",
                  it.id, "too_many_categories");
      cats.push_back(it.category_count());
    }
    return cats;
  }
};

// The quadrature for a N(prior_mean, prior_sd^2) prior: the equally spaced grid keeps its nodes
// and takes the density of the prior as weights; Gauss-Hermite nodes are moved and scaled.
quadrature prior_quadrature(const grm_score_options& o) {
  quadrature qd = make_quadrature(o.quadrature);
  if (o.quadrature.rule == quadrature_rule::gauss_hermite) {
    qd.nodes = (o.prior_mean + o.prior_sd * qd.nodes.array()).matrix();
  } else {
    for (Index q = 0; q < qd.nodes.size(); ++q) {
      const double z = (qd.nodes(q) - o.prior_mean) / o.prior_sd;
      qd.weights(q) = std::exp(-0.5 * z * z);
    }
    qd.weights /= qd.weights.sum();
  }
  return qd;
}

// Lord & Wingersky (1984): the distribution of the sum of 0-based categories over the items in
// `use` (all when empty) at node q of a probability table: f_s, s = 0..sum (K_j - 1).
void lord_wingersky(const std::vector<double>& table, const layout& lay, std::size_t q_n, std::size_t q,
                    const std::vector<int>& use, std::vector<double>& f, std::vector<double>& work) {
  f.assign(1, 1.0);
  for (int j : use) {
    const auto ju = static_cast<std::size_t>(j);
    const int kc = lay.k[ju];
    work.assign(f.size() + static_cast<std::size_t>(kc) - 1, 0.0);
    for (int c = 0; c < kc; ++c) {
      const double p = table[(static_cast<std::size_t>(lay.off[ju]) + static_cast<std::size_t>(c)) * q_n + q];
      for (std::size_t s = 0; s < f.size(); ++s) work[s + static_cast<std::size_t>(c)] += f[s] * p;
    }
    f.swap(work);
  }
}

sum_score_table sum_score_table_of(const prepared_items& pi, const std::vector<int>& use, const quadrature& qd,
                                   const std::vector<double>& table) {
  const auto q_n = static_cast<std::size_t>(qd.nodes.size());
  std::vector<double> f, work;
  int max_score = 0;
  for (int j : use) max_score += pi.lay.k[static_cast<std::size_t>(j)] - 1;
  const auto ns = static_cast<std::size_t>(max_score) + 1;
  std::vector<double> p0(ns, 0.0), p1(ns, 0.0), p2(ns, 0.0);
  for (std::size_t q = 0; q < q_n; ++q) {
    lord_wingersky(table, pi.lay, q_n, q, use, f, work);
    const double w = qd.weights(static_cast<Index>(q)), x = qd.nodes(static_cast<Index>(q));
    for (std::size_t s = 0; s < ns; ++s) {
      p0[s] += w * f[s];
      p1[s] += w * f[s] * x;
    }
  }
  std::vector<double> eap(ns);
  for (std::size_t s = 0; s < ns; ++s) eap[s] = p1[s] / p0[s];
  for (std::size_t q = 0; q < q_n; ++q) {
    lord_wingersky(table, pi.lay, q_n, q, use, f, work);
    const double w = qd.weights(static_cast<Index>(q)), x = qd.nodes(static_cast<Index>(q));
    for (std::size_t s = 0; s < ns; ++s) p2[s] += w * f[s] * (x - eap[s]) * (x - eap[s]);
  }
  // the raw sum, when every item's categories are consecutive integers
  bool consecutive = true;
  double offset = 0;
  for (int j : use) {
    const auto& c = pi.items[static_cast<std::size_t>(j)].categories;
    offset += c.front();
    for (std::size_t i = 0; i < c.size(); ++i) consecutive = consecutive && c[i] == c.front() + static_cast<double>(i) && c[i] == std::round(c[i]);
  }
  sum_score_table t;
  t.rows.resize(ns);
  for (std::size_t s = 0; s < ns; ++s) {
    auto& r = t.rows[s];
    r.score = static_cast<int>(s);
    r.raw = consecutive ? offset + static_cast<double>(s) : nan_v;
    r.probability = p0[s];
    r.eap = p0[s] > 0 ? eap[s] : nan_v;
    r.sd = p0[s] > 0 ? std::sqrt(p2[s] / p0[s]) : nan_v;
  }
  return t;
}

struct theta_curve {
  double l = 0, d1 = 0, d2 = 0;
};

// log L(theta) of one coded pattern with its first two derivatives (d2 log P = P''/P - (P'/P)^2).
theta_curve theta_loglik(const prepared_items& pi, const std::uint8_t* x, double theta, detail::graded_point& gp) {
  theta_curve t;
  for (int j = 0; j < pi.lay.items(); ++j) {
    const std::uint8_t c = x[j];
    if (c == kMissing) continue;
    const auto& it = pi.items[static_cast<std::size_t>(j)];
    gp.evaluate(it.slope, it.intercepts.data(), it.category_count(), theta, true);
    const double p = std::max(gp.p[c], kProbFloor);
    const double d1 = gp.dp_dtheta(it.slope, c) / p;
    t.l += std::log(p);
    t.d1 += d1;
    t.d2 += gp.d2p_dtheta2(it.slope, c) / p - d1 * d1;
  }
  return t;
}

// Newton-Raphson with step halving for the mode of log L (+ log prior when `prior`), from theta0.
// Returns the mode and -d2 at it; theta leaves [-limit, limit] -> +-inf.
std::pair<double, double> theta_mode(const prepared_items& pi, const std::uint8_t* x, double theta0, bool prior,
                                     const grm_score_options& o, double limit) {
  detail::graded_point gp;
  const double iv = 1 / (o.prior_sd * o.prior_sd);
  auto curve = [&](double th) {
    theta_curve t = theta_loglik(pi, x, th, gp);
    if (prior) {
      const double z = th - o.prior_mean;
      t.l -= 0.5 * z * z * iv;
      t.d1 -= z * iv;
      t.d2 -= iv;
    }
    return t;
  };
  double th = theta0;
  theta_curve cur = curve(th);
  for (int it = 0; it < o.max_iterations; ++it) {
    // concave in theta (Pratt 1981); a flat or convex point gets a bounded gradient step
    double step = cur.d2 < 0 ? -cur.d1 / cur.d2 : std::clamp(cur.d1, -1.0, 1.0);
    step = std::clamp(step, -3.0, 3.0);
    double t = 1;
    bool moved = false;
    theta_curve next;
    for (int half = 0; half < 40; ++half, t *= 0.5) {
      next = curve(th + t * step);
      if (next.l >= cur.l - 1e-13 * (1 + std::abs(cur.l))) {
        moved = true;
        break;
      }
    }
    if (!moved) break;
    th += t * step;
    cur = next;
    if (std::abs(th) > limit) return {th > 0 ? inf_v : -inf_v, nan_v};
    if (std::abs(t * step) < 1e-10) break;
  }
  return {th, -cur.d2};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Person scores

grm_scores score_graded(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers, const grm_score_options& options) {
  options.validate();
  const prepared_items pi(items, "score_graded");
  const coded_answers x = code_answers(pi.items, answers, options.threads, "score_graded");
  const quadrature qd = prior_quadrature(options);
  const auto q_n = static_cast<std::size_t>(qd.nodes.size());
  std::vector<double> table;
  probability_table(pi.par, pi.lay, qd.nodes, table);
  grm_scores res;
  res.scale = items.front().scale;
  res.method = options.method;
  const Index n = x.rows;
  res.theta = VectorXd::Constant(n, nan_v);
  res.se = VectorXd::Constant(n, nan_v);
  res.answered = Eigen::VectorXi::Zero(n);
  const int k = pi.lay.items();
  for (Index i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) res.answered(i) += x.row(i)[j] != kMissing;
  if (options.method == theta_method::eap_sum) {
    // one table per set of answered items, in order of first appearance
    std::map<std::vector<bool>, std::size_t> sets;
    std::vector<std::vector<int>> uses;
    std::vector<std::size_t> set_of(static_cast<std::size_t>(n), 0);
    for (Index i = 0; i < n; ++i) {
      if (res.answered(i) == 0) continue;
      std::vector<bool> key(static_cast<std::size_t>(k));
      std::vector<int> use;
      for (int j = 0; j < k; ++j)
        if (x.row(i)[j] != kMissing) {
          key[static_cast<std::size_t>(j)] = true;
          use.push_back(j);
        }
      const auto [pos, inserted] = sets.emplace(std::move(key), uses.size());
      if (inserted) uses.push_back(std::move(use));
      set_of[static_cast<std::size_t>(i)] = pos->second;
    }
    std::vector<sum_score_table> tables(uses.size());
    detail::parallel_for(uses.size(), options.threads, [&](std::size_t s) { tables[s] = sum_score_table_of(pi, uses[s], qd, table); });
    for (Index i = 0; i < n; ++i) {
      if (res.answered(i) == 0) continue;
      int score = 0;
      for (int j = 0; j < k; ++j)
        if (x.row(i)[j] != kMissing) score += x.row(i)[j];
      const auto& row = tables[set_of[static_cast<std::size_t>(i)]].rows[static_cast<std::size_t>(score)];
      res.theta(i) = row.eap;
      res.se(i) = row.sd;
    }
    if (uses.size() > 1)
      res.warnings.push_back(std::to_string(uses.size()) + " different sets of answered items: each set has its own sum-score table");
  } else {
    std::vector<std::uint8_t> fell_back(static_cast<std::size_t>(n), 0);
    detail::parallel_for_blocks(static_cast<std::size_t>(n), 1024, options.threads, [&](std::size_t b, std::size_t e) {
      std::vector<double> lik(q_n);
      for (auto i = static_cast<Index>(b); i < static_cast<Index>(e); ++i) {
        if (res.answered(i) == 0) continue;
        const std::uint8_t* r = x.row(i);
        pattern_likelihood(r, pi.lay, table.data(), q_n, qd.weights.data(), lik.data());
        double tot = 0, m = 0;
        for (std::size_t q = 0; q < q_n; ++q) {
          tot += lik[q];
          m += lik[q] * qd.nodes(static_cast<Index>(q));
        }
        m /= tot;
        double v = 0;
        for (std::size_t q = 0; q < q_n; ++q) v += lik[q] * (qd.nodes(static_cast<Index>(q)) - m) * (qd.nodes(static_cast<Index>(q)) - m);
        const double sd = std::sqrt(v / tot);
        if (options.method == theta_method::eap) {
          res.theta(i) = m;
          res.se(i) = sd;
          continue;
        }
        bool use_map = options.method == theta_method::map;
        if (options.method == theta_method::ml) {
          // all answers at the theta-lowest (highest) end of their items: the likelihood keeps rising
          bool all_low = true, all_high = true;
          for (int j = 0; j < k; ++j) {
            if (r[j] == kMissing) continue;
            const auto& it = pi.items[static_cast<std::size_t>(j)];
            const int low = it.slope > 0 ? 0 : it.category_count() - 1;
            const int high = it.category_count() - 1 - low;
            all_low = all_low && r[j] == low;
            all_high = all_high && r[j] == high;
          }
          if (all_low || all_high) {
            if (options.ml_map_fallback) {
              use_map = true;
              fell_back[static_cast<std::size_t>(i)] = 1;
            } else {
              res.theta(i) = all_low ? -inf_v : inf_v;
              continue;
            }
          }
        }
        const auto [th, info] = theta_mode(pi, r, m, use_map, options, use_map ? inf_v : options.max_theta);
        if (!std::isfinite(th) && options.ml_map_fallback) {
          const auto [th2, info2] = theta_mode(pi, r, m, true, options, inf_v);
          res.theta(i) = th2;
          res.se(i) = info2 > 0 ? 1 / std::sqrt(info2) : nan_v;
          fell_back[static_cast<std::size_t>(i)] = 1;
          continue;
        }
        res.theta(i) = th;
        res.se(i) = std::isfinite(th) && info > 0 ? 1 / std::sqrt(info) : nan_v;
      }
    });
    for (Index i = 0; i < n; ++i) {
      res.infinite += std::isinf(res.theta(i)) ? 1U : 0U;
      res.fallbacks += fell_back[static_cast<std::size_t>(i)];
    }
    if (res.infinite > 0)
      res.warnings.push_back(std::to_string(res.infinite) + " ML estimates are infinite (all answers at one end of the scale); "
                             "their SE is NaN (set grm_score_options.ml_map_fallback to give them MAP estimates)");
    if (res.fallbacks > 0)
      res.warnings.push_back(std::to_string(res.fallbacks) + " ML estimates were infinite and are replaced by MAP estimates");
  }
  for (Index i = 0; i < n; ++i) res.n += res.answered(i) > 0 ? 1U : 0U;
  if (res.n < static_cast<std::size_t>(n))
    res.warnings.push_back(std::to_string(static_cast<std::size_t>(n) - res.n) + " respondents answered no item: theta and se are NaN");
  return res;
}

std::vector<grm_scores> score_item_bank(const item_bank& bank, const Eigen::MatrixXd& answers, const grm_score_options& options) {
  bank.validate();
  if (answers.cols() != static_cast<Index>(bank.items.size()))
    throw error(errc::invalid_argument, "score_item_bank: the answers have " + std::to_string(answers.cols()) + " columns for " +
                                            std::to_string(bank.items.size()) + " bank items (one column per item, in bank order)");
  std::vector<grm_scores> out;
  for (const auto& name : bank.scales()) {
    const auto idx = bank.scale_item_indices(name);
    MatrixXd sub(answers.rows(), static_cast<Index>(idx.size()));
    for (std::size_t j = 0; j < idx.size(); ++j) sub.col(static_cast<Index>(j)) = answers.col(static_cast<Index>(idx[j]));
    out.push_back(score_graded(bank.scale_items(name), sub, options));
  }
  return out;
}

sum_score_table sum_score_eap(const std::vector<bank_item>& items, const grm_score_options& options) {
  options.validate();
  const prepared_items pi(items, "sum_score_eap");
  const quadrature qd = prior_quadrature(options);
  std::vector<double> table;
  probability_table(pi.par, pi.lay, qd.nodes, table);
  std::vector<int> all(items.size());
  std::iota(all.begin(), all.end(), 0);
  return sum_score_table_of(pi, all, qd, table);
}

// ---------------------------------------------------------------------------------------------
// Information and reliability

grm_information graded_information(const std::vector<bank_item>& items, const Eigen::VectorXd& theta) {
  for (const auto& it : items) it.validate();
  grm_information out;
  out.theta = theta;
  out.items = MatrixXd::Zero(theta.size(), static_cast<Index>(items.size()));
  detail::graded_point gp;
  for (Index g = 0; g < theta.size(); ++g)
    for (std::size_t j = 0; j < items.size(); ++j) {
      const auto& it = items[j];
      gp.evaluate(it.slope, it.intercepts.data(), it.category_count(), theta(g), true);
      out.items(g, static_cast<Index>(j)) = gp.information(it.slope);
    }
  out.test = out.items.rowwise().sum();
  out.se = out.test.array().rsqrt().matrix();
  return out;
}

double marginal_reliability(const std::vector<bank_item>& items) {
  for (const auto& it : items) it.validate();
  detail::graded_point gp;
  auto integrand = [&](double th) {
    double info = 0;
    for (const auto& it : items) {
      gp.evaluate(it.slope, it.intercepts.data(), it.category_count(), th, true);
      info += gp.information(it.slope);
    }
    // I / (I + 1) phi(theta): the reliability at theta of a N(0, 1) trait (Thissen & Wainer 2001)
    return info / (info + 1) * std::exp(-0.5 * th * th) * 0.39894228040143267794;
  };
  return boost::math::quadrature::gauss_kronrod<double, 15>::integrate(integrand, -inf_v, inf_v, 15, 1e-10);
}

double empirical_reliability(const Eigen::VectorXd& theta, const Eigen::VectorXd& se) {
  if (theta.size() != se.size())
    throw error(errc::invalid_argument, "empirical_reliability: theta has " + std::to_string(theta.size()) + " values and se " +
                                            std::to_string(se.size()));
  double n = 0, s = 0, s2 = 0;
  for (Index i = 0; i < theta.size(); ++i)
    if (std::isfinite(theta(i)) && std::isfinite(se(i))) {
      n += 1;
      s += theta(i);
      s2 += se(i) * se(i);
    }
  if (n < 2) return nan_v;
  const double mean = s / n;
  double ss = 0;
  for (Index i = 0; i < theta.size(); ++i)
    if (std::isfinite(theta(i)) && std::isfinite(se(i))) ss += (theta(i) - mean) * (theta(i) - mean);
  const double var = ss / (n - 1);
  return var / (var + s2 / n);
}

// ---------------------------------------------------------------------------------------------
// Fit

sx2_result item_fit_sx2(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers, const sx2_options& options) {
  options.validate();
  const prepared_items pi(items, "item_fit_sx2");
  const coded_answers x = code_answers(pi.items, answers, options.threads, "item_fit_sx2");
  const int k = pi.lay.items();
  sx2_result res;
  res.items.resize(items.size());
  // complete cases: the sum score needs every item
  int max_score = 0;
  for (int j = 0; j < k; ++j) max_score += pi.lay.k[static_cast<std::size_t>(j)] - 1;
  const auto ns = static_cast<std::size_t>(max_score) + 1;
  std::vector<double> n_s(ns, 0.0);
  std::vector<std::vector<double>> obs(items.size());  // [j][s * K_j + c]
  for (int j = 0; j < k; ++j) obs[static_cast<std::size_t>(j)].assign(ns * static_cast<std::size_t>(pi.lay.k[static_cast<std::size_t>(j)]), 0.0);
  for (Index i = 0; i < x.rows; ++i) {
    const std::uint8_t* r = x.row(i);
    if (std::any_of(r, r + k, [](std::uint8_t c) { return c == kMissing; })) continue;
    int s = 0;
    for (int j = 0; j < k; ++j) s += r[j];
    n_s[static_cast<std::size_t>(s)] += 1;
    for (int j = 0; j < k; ++j) obs[static_cast<std::size_t>(j)][static_cast<std::size_t>(s) * static_cast<std::size_t>(pi.lay.k[static_cast<std::size_t>(j)]) + r[j]] += 1;
    ++res.n;
  }
  if (res.n < static_cast<std::size_t>(x.rows))
    res.warnings.push_back(std::to_string(static_cast<std::size_t>(x.rows) - res.n) +
                           " respondents with missing answers are left out (S-X2 uses complete cases only)");
  for (auto& f : res.items) f.n = res.n;
  if (res.n < 2) {
    res.warnings.push_back("fewer than 2 complete cases: no S-X2");
    return res;
  }
  const quadrature qd = make_quadrature(options.quadrature);
  const auto q_n = static_cast<std::size_t>(qd.nodes.size());
  std::vector<double> table;
  probability_table(pi.par, pi.lay, qd.nodes, table);
  std::vector<int> all(items.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<double> den(ns, 0.0);
  {
    std::vector<double> f, work;
    for (std::size_t q = 0; q < q_n; ++q) {
      lord_wingersky(table, pi.lay, q_n, q, all, f, work);
      for (std::size_t s = 0; s < ns; ++s) den[s] += qd.weights(static_cast<Index>(q)) * f[s];
    }
  }
  std::vector<std::string> notes(items.size());
  detail::parallel_for(items.size(), options.threads, [&](std::size_t j) {
    const int kc = pi.lay.k[j];
    const auto kcu = static_cast<std::size_t>(kc);
    std::vector<int> rest;
    for (int l = 0; l < k; ++l)
      if (static_cast<std::size_t>(l) != j) rest.push_back(l);
    // E_jcs = sum_q w_q P_jc(q) f_{-j}(s - c | q) / sum_q w_q f(s | q)
    std::vector<double> num(ns * kcu, 0.0), f, work;
    for (std::size_t q = 0; q < q_n; ++q) {
      lord_wingersky(table, pi.lay, q_n, q, rest, f, work);
      const double w = qd.weights(static_cast<Index>(q));
      for (std::size_t c = 0; c < kcu; ++c) {
        const double p = table[(static_cast<std::size_t>(pi.lay.off[j]) + c) * q_n + q];
        for (std::size_t r = 0; r < f.size(); ++r) num[(r + c) * kcu + c] += w * p * f[r];
      }
    }
    double x2 = 0;
    int cells = 0, groups = 0;
    std::vector<std::pair<double, double>> row;  // (observed, expected) per cell
    for (std::size_t s = 0; s < ns; ++s) {
      if (n_s[s] == 0 || !(den[s] > 0)) continue;  // (den = 0: a score the model cannot produce; never with finite parameters)
      row.clear();
      for (std::size_t c = 0; c < kcu; ++c) row.emplace_back(obs[j][s * kcu + c], n_s[s] * num[s * kcu + c] / den[s]);
      // merge the cell with the smallest expected count into its neighbour with the smaller
      // expected count (first cell: the next; last: the previous) until all reach min_expected
      while (row.size() > 1) {
        std::size_t m = 0;
        for (std::size_t c = 1; c < row.size(); ++c)
          if (row[c].second < row[m].second) m = c;
        if (row[m].second >= options.min_expected) break;
        const std::size_t to = m == 0 ? 1 : m + 1 == row.size() ? m - 1 : (row[m - 1].second <= row[m + 1].second ? m - 1 : m + 1);
        row[to].first += row[m].first;
        row[to].second += row[m].second;
        row.erase(row.begin() + static_cast<std::ptrdiff_t>(m));
      }
      ++groups;
      cells += static_cast<int>(row.size());
      for (const auto& [o, e] : row)
        if (e > 0) x2 += (o - e) * (o - e) / e;
    }
    auto& fit = res.items[j];
    fit.s_x2 = x2;
    fit.df = cells - groups - kc;
    if (fit.df >= 1) {
      const boost::math::chi_squared_distribution<double> chi(fit.df);
      fit.p = boost::math::cdf(boost::math::complement(chi, x2));
      const double n = static_cast<double>(res.n);
      fit.rmsea = std::sqrt(std::max(0.0, (x2 - fit.df) / (fit.df * (n - 1))));
    } else {
      notes[j] = "item '" + items[j].id + "': df = " + std::to_string(fit.df) + " after merging sparse cells: no p-value";
    }
  });
  for (auto& note : notes)
    if (!note.empty()) res.warnings.push_back(std::move(note));
  return res;
}

person_fit_result person_fit_lz(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers, const Eigen::VectorXd& theta) {
  const prepared_items pi(items, "person_fit_lz");
  if (theta.size() != answers.rows())
    throw error(errc::invalid_argument, "person_fit_lz: " + std::to_string(theta.size()) + " thetas for " +
                                            std::to_string(answers.rows()) + " respondents");
  const coded_answers x = code_answers(pi.items, answers, 0, "person_fit_lz");
  person_fit_result res;
  const Index n = x.rows;
  res.lz = VectorXd::Constant(n, nan_v);
  res.l0 = VectorXd::Constant(n, nan_v);
  res.expected = VectorXd::Constant(n, nan_v);
  res.variance = VectorXd::Constant(n, nan_v);
  res.answered = Eigen::VectorXi::Zero(n);
  detail::graded_point gp;
  std::size_t skipped = 0;
  for (Index i = 0; i < n; ++i) {
    const std::uint8_t* r = x.row(i);
    double l0 = 0, e = 0, v = 0;
    int answered = 0;
    for (int j = 0; j < pi.lay.items(); ++j) {
      if (r[j] == kMissing) continue;
      ++answered;
      if (!std::isfinite(theta(i))) continue;
      const auto& it = pi.items[static_cast<std::size_t>(j)];
      gp.evaluate(it.slope, it.intercepts.data(), it.category_count(), theta(i), false);
      double m1 = 0, m2 = 0;
      for (double p : gp.p) {
        const double lp = std::log(std::max(p, kProbFloor));
        m1 += p * lp;
        m2 += p * lp * lp;
      }
      l0 += std::log(std::max(gp.p[r[j]], kProbFloor));
      e += m1;
      v += m2 - m1 * m1;
    }
    res.answered(i) = answered;
    if (answered < 2 || !std::isfinite(theta(i)) || !(v > 0)) {
      skipped += answered > 0 ? 1U : 0U;
      continue;
    }
    res.l0(i) = l0;
    res.expected(i) = e;
    res.variance(i) = v;
    res.lz(i) = (l0 - e) / std::sqrt(v);
    ++res.n;
  }
  if (skipped > 0)
    res.warnings.push_back(std::to_string(skipped) + " respondents have no lz (an infinite or missing theta, fewer than 2 answers, "
                           "or answers with no variance under the model)");
  return res;
}

// ---------------------------------------------------------------------------------------------
// Simulation

namespace {

void simulate_rows(const item_bank& bank, MatrixXd& theta, bool draw_theta, std::uint64_t seed, double missing_rate, int threads,
                   MatrixXd& out) {
  const auto scales = bank.scales();
  std::vector<Index> scale_of(bank.items.size());
  for (std::size_t j = 0; j < bank.items.size(); ++j)
    scale_of[j] = std::find(scales.begin(), scales.end(), bank.items[j].scale) - scales.begin();
  const Index n = theta.rows();
  out.resize(n, static_cast<Index>(bank.items.size()));
  detail::parallel_for_blocks(static_cast<std::size_t>(n), 1024, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      detail::rng g(detail::stream_seed(seed, i));
      const auto ii = static_cast<Index>(i);
      if (draw_theta)
        for (Index s = 0; s < theta.cols(); ++s) theta(ii, s) = g.normal();
      for (std::size_t j = 0; j < bank.items.size(); ++j) {
        const auto& it = bank.items[j];
        const double th = theta(ii, scale_of[j]);
        const double u = g.uniform();
        // the category is the number of boundaries k with u < P(X >= k | theta)
        int c = 0;
        for (std::size_t k = 0; k < it.intercepts.size(); ++k) {
          double s_k, t_k;
          detail::logistic_pair(it.slope * th + it.intercepts[k], s_k, t_k);
          if (u < s_k) ++c;
        }
        double v = it.value_of(c);
        if (missing_rate > 0 && g.uniform() < missing_rate) v = nan_v;
        out(ii, static_cast<Index>(j)) = v;
      }
    }
  });
}

}  // namespace

grm_simulation simulate_graded(const item_bank& bank, const grm_simulation_options& options) {
  options.validate();
  bank.validate();
  grm_simulation sim;
  sim.scales = bank.scales();
  sim.theta.resize(static_cast<Index>(options.n), static_cast<Index>(sim.scales.size()));
  simulate_rows(bank, sim.theta, true, options.seed, options.missing_rate, options.threads, sim.answers);
  return sim;
}

Eigen::MatrixXd simulate_graded(const item_bank& bank, const Eigen::MatrixXd& theta, std::uint64_t seed, double missing_rate) {
  bank.validate();
  if (!(missing_rate >= 0 && missing_rate < 1)) bad_option("missing_rate", number_text(missing_rate), "must be in [0, 1)");
  const auto scales = bank.scales();
  if (theta.cols() != static_cast<Index>(scales.size()))
    throw error(errc::invalid_argument, "simulate_graded: theta has " + std::to_string(theta.cols()) + " columns for the bank's " +
                                            std::to_string(scales.size()) + " scales");
  if (!theta.allFinite()) throw error(errc::invalid_argument, "simulate_graded: theta must be finite");
  MatrixXd th = theta, out;
  simulate_rows(bank, th, false, seed, missing_rate, 0, out);
  return out;
}

ATTUNE_END_NAMESPACE
