// Mergeable pairwise-complete moments (see include/attune/moments.hpp).
//
// Per pair (i, j) the state is the count, the two means, the two sums of squared deviations and the
// co-moment over the rows that answered both items: the quantities R's
// stats::cov/cor(use = "pairwise.complete.obs") use (R 4.x, src/library/stats/src/cov.c: for each
// pair, means over the pair's complete rows, then centred cross products, n - 1 denominator).
// Blocks of rows are reduced with matrix products on data shifted by the block's item means (to avoid
// cancellation), converted to centred moments, and merged with the parallel update of Chan, Golub &
// LeVeque (1979): for counts nA, nB with d = meanB - meanA,
//   mean = meanA + d nB/n,  M2 = M2A + M2B + d^2 nA nB/n,  C = CA + CB + d_i d_j nA nB/n.
#include "attune/analyses/moments.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "detail/words.hpp"
#include "detail/quote.hpp"
#include "detail/number_text.hpp"
#include "detail/scale.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

constexpr Eigen::Index block_rows = 4096;

std::string hex(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::hex);
  return std::string(buf, res.ptr);
}

// A block's centred moments from its sums over each pair's rows, on data shifted by `shift`:
// n(i,j) rows, s(i,j) and q(i,j) the sums of x_i and x_i^2, c(i,j) the sum of x_i x_j (becomes
// the co-moment about the pair's means; mean and m2 as in the class comment).
void centre_block(const Eigen::MatrixXd& n, const Eigen::MatrixXd& s, const Eigen::MatrixXd& q,
                  const Eigen::VectorXd& shift, Eigen::MatrixXd& c, Eigen::MatrixXd& mean, Eigen::MatrixXd& m2) {
  const Eigen::Index k = n.rows();
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const double nij = n(i, j);
      if (nij == 0.0) {
        mean(i, j) = m2(i, j) = c(i, j) = 0.0;
        continue;
      }
      const double mi = s(i, j) / nij;
      mean(i, j) = mi + shift(i);
      m2(i, j) = std::max(0.0, q(i, j) - s(i, j) * mi);
      c(i, j) = c(i, j) - s(i, j) * s(j, i) / nij;
    }
  }
}

}  // namespace

pairwise_moments::pairwise_moments(Eigen::Index k) {
  if (k < 0) {
    throw error(errc::invalid_argument, "pairwise_moments: k = " + std::to_string(k) + " items; must be >= 0");
  }
  if (k > 0) ensure_items(k, "pairwise_moments");
}

void pairwise_moments::ensure_items(Eigen::Index k, const char* where) {
  if (k_ == 0 && rows_ == 0.0) {
    k_ = k;
    n_ = Eigen::MatrixXd::Zero(k, k);
    mean_ = Eigen::MatrixXd::Zero(k, k);
    m2_ = Eigen::MatrixXd::Zero(k, k);
    c_ = Eigen::MatrixXd::Zero(k, k);
    return;
  }
  if (k != k_) {
    throw error(errc::invalid_argument, std::string(where) + ": " + std::to_string(k) +
                                            " items, but this accumulator holds " + std::to_string(k_));
  }
}

Eigen::Index pairwise_moments::n_items() const { return k_; }
double pairwise_moments::n_rows() const { return rows_; }
double pairwise_moments::n_complete() const { return complete_; }

void pairwise_moments::merge_block(const Eigen::MatrixXd& n, const Eigen::MatrixXd& mean, const Eigen::MatrixXd& m2,
                                   const Eigen::MatrixXd& c) {
  // Chan, Golub & LeVeque (1979), element-wise per pair.
  const Eigen::Index k = k_;
  Eigen::MatrixXd delta = mean - mean_;
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const double na = n_(i, j), nb = n(i, j), nt = na + nb;
      if (nb == 0.0) continue;
      const double w = na * nb / nt;
      const double di = delta(i, j), dj = delta(j, i);
      mean_(i, j) += di * (nb / nt);
      m2_(i, j) += m2(i, j) + di * di * w;
      c_(i, j) += c(i, j) + di * dj * w;
      n_(i, j) = nt;
    }
  }
}

void pairwise_moments::add_block(const Eigen::Ref<const Eigen::MatrixXd>& x, const double* weights,
                                 Eigen::Index first_row) {
  const Eigen::Index b = x.rows(), k = x.cols();
  if (b == 0) return;
  // One column-wise pass: infinities and magnitudes whose squares overflow or underflow are bad
  // input (NaN is the missing code); flag rows with a NaN.
  Eigen::Array<unsigned char, Eigen::Dynamic, 1> has_nan = Eigen::Array<unsigned char, Eigen::Dynamic, 1>::Zero(b);
  bool any_nan = false;
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* col = x.col(j).data();
    // Branch-free counts first (double counters, exact up to 2^53, so that the loop vectorises);
    // the rows with a NaN are flagged only in a column that has one.
    double n_unsafe = 0.0, n_missing = 0.0;
    for (Eigen::Index r = 0; r < b; ++r) {
      const double v = col[r];
      n_unsafe += detail::safe_magnitude(v) ? 0.0 : 1.0;
      n_missing += v != v ? 1.0 : 0.0;
    }
    if (n_missing > 0.0) {
      any_nan = true;
      for (Eigen::Index r = 0; r < b; ++r) has_nan(r) |= static_cast<unsigned char>(std::isnan(col[r]));
    }
    if (n_unsafe > 0.0) {
      for (Eigen::Index r = 0; r < b; ++r) {
        if (std::isinf(col[r])) {
          throw error(errc::bad_input, "pairwise_moments: infinite value at row " + std::to_string(first_row + r) +
                                           ", column " + std::to_string(j));
        }
        if (!detail::safe_magnitude(col[r])) {
          throw error(errc::bad_input, "pairwise_moments: value " + detail::number_text(col[r]) + " at row " +
                                           std::to_string(first_row + r) + ", column " + std::to_string(j) +
                                           " is too " + (std::abs(col[r]) > 1.0 ? "large" : "small") +
                                           ": its square " + (std::abs(col[r]) > 1.0 ? "overflows" : "underflows") +
                                           " a double (magnitudes from 3.2e-145 to 3.1e144 are safe); rescale the data");
        }
      }
    }
  }
  Eigen::VectorXd w = weights ? Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(weights, b))
                              : Eigen::VectorXd::Ones(b);
  const double total_w = w.sum();
  double complete_w = total_w;
  if (any_nan) {
    for (Eigen::Index r = 0; r < b; ++r) {
      if (has_nan(r)) complete_w -= w(r);
    }
  }
  rows_ += total_w;
  complete_ += complete_w;

  Eigen::MatrixXd n(k, k), mean(k, k), m2(k, k), c(k, k);
  if (!any_nan) {
    // Fast path: no missing value, one product. Two-pass within the block.
    if (total_w == 0.0) return;
    Eigen::RowVectorXd m(k), corr(k);
    if (weights) {
      m = (w.transpose() * x) / total_w;
      const Eigen::MatrixXd xc = x.rowwise() - m;
      const Eigen::MatrixXd wx = xc.array().colwise() * w.array();
      c.noalias() = xc.transpose() * wx;
      corr = (w.transpose() * xc) / total_w;
    } else {
      m = x.colwise().sum() / total_w;
      const Eigen::MatrixXd xc = x.rowwise() - m;
      c.setZero();
      c.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
      c.triangularView<Eigen::StrictlyUpper>() = c.transpose();
      corr = xc.colwise().sum() / total_w;
    }
    // Second-pass correction of the means (tiny; keeps the block exact to rounding).
    c -= total_w * corr.transpose() * corr;
    n.setConstant(total_w);
    for (Eigen::Index j = 0; j < k; ++j) {
      mean.col(j) = (m + corr).transpose();
      m2.col(j) = c.diagonal();
    }
    merge_block(n, mean, m2, c);
    return;
  }
  // Missing answers are usually sparse (a few per cent of the cells): then the counts, sums and
  // sums of squares of each pair are the item's totals over its answered rows minus the few rows
  // where the other item is missing, and only the co-moments need a product.
  if (weights == nullptr) {
    std::size_t missing_cells = 0;
    for (Eigen::Index j = 0; j < k; ++j) {
      const double* col = x.col(j).data();
      for (Eigen::Index r = 0; r < b; ++r) missing_cells += std::isnan(col[r]) ? 1U : 0U;
    }
    if (missing_cells * 8 <= static_cast<std::size_t>(b) * static_cast<std::size_t>(k)) {
      add_sparse_missing(x, has_nan.data());
      return;
    }
  }
  // General path: mask W (weighted), data shifted by the block's observed means, missing -> 0.
  Eigen::MatrixXd mask(b, k), x0(b, k);
  Eigen::VectorXd shift(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    double sw = 0.0, sx = 0.0;
    for (Eigen::Index r = 0; r < b; ++r) {
      if (!std::isnan(x(r, j))) {
        sw += w(r);
        sx += w(r) * x(r, j);
      }
    }
    shift(j) = sw > 0.0 ? sx / sw : 0.0;
    for (Eigen::Index r = 0; r < b; ++r) {
      const bool obs = !std::isnan(x(r, j));
      mask(r, j) = obs ? 1.0 : 0.0;
      x0(r, j) = obs ? x(r, j) - shift(j) : 0.0;
    }
  }
  const Eigen::MatrixXd wmask = mask.array().colwise() * w.array();
  const Eigen::MatrixXd wx0 = x0.array().colwise() * w.array();
  n.noalias() = mask.transpose() * wmask;                               // N_ij
  Eigen::MatrixXd s(k, k), q(k, k);
  s.noalias() = x0.transpose() * wmask;                                 // sum of x_i over rows with i, j
  q.noalias() = x0.array().square().matrix().transpose() * wmask;       // sum of x_i^2 over those rows
  c.noalias() = x0.transpose() * wx0;                                   // sum of x_i x_j
  centre_block(n, s, q, shift, c, mean, m2);
  merge_block(n, mean, m2, c);
}

// Unweighted block with few missing cells (at most one in 8). With x0 the data shifted by each
// item's mean over its answered rows in the block (missing -> 0), m the answered mask, and for an
// item i its totals over the block N_i = sum m_i, S_i = sum x0_i, Q_i = sum x0_i^2, the pair
// (i, j) needs the same over the rows that answered both:
//   n_ij = N_i - sum_{r: j missing} m_ri,  s_ij = S_i - sum_{r: j missing} x0_ri,
//   q_ij = Q_i - sum_{r: j missing} x0_ri^2,  c_ij = sum_r x0_ri x0_rj (a missing cell adds 0).
// The corrections cost k additions per missing cell instead of three b x k x k products; the
// co-moments are one symmetric rank update. The centred moments then follow as in the general
// path (same formulas; the sums are formed in another order, so they agree with it to rounding).
void pairwise_moments::add_sparse_missing(const Eigen::Ref<const Eigen::MatrixXd>& x, const unsigned char* has_nan) {
  const Eigen::Index b = x.rows(), k = x.cols();
  Eigen::MatrixXd x0(b, k);
  Eigen::VectorXd shift(k), n_item(k), s_item(k), q_item(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* col = x.col(j).data();
    double sw = 0.0, sx = 0.0;
    for (Eigen::Index r = 0; r < b; ++r) {
      const bool obs = !std::isnan(col[r]);
      sw += obs ? 1.0 : 0.0;
      sx += obs ? col[r] : 0.0;
    }
    shift(j) = sw > 0.0 ? sx / sw : 0.0;
    double* out = x0.col(j).data();
    double s1 = 0.0, s2 = 0.0;
    for (Eigen::Index r = 0; r < b; ++r) {
      const double v = std::isnan(col[r]) ? 0.0 : col[r] - shift(j);
      out[r] = v;
      s1 += v;
      s2 += v * v;
    }
    n_item(j) = sw;
    s_item(j) = s1;
    q_item(j) = s2;
  }
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(k, k);
  c.selfadjointView<Eigen::Lower>().rankUpdate(x0.transpose());
  c.triangularView<Eigen::StrictlyUpper>() = c.transpose();
  // Corrections, column j: the rows where item j is missing.
  Eigen::MatrixXd dn = Eigen::MatrixXd::Zero(k, k), ds = Eigen::MatrixXd::Zero(k, k), dq = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd row(k), row_sq(k), answered(k);
  for (Eigen::Index r = 0; r < b; ++r) {
    if (!has_nan[r]) continue;
    for (Eigen::Index i = 0; i < k; ++i) {
      const bool obs = !std::isnan(x(r, i));
      answered(i) = obs ? 1.0 : 0.0;
      row(i) = x0(r, i);
      row_sq(i) = row(i) * row(i);
    }
    for (Eigen::Index j = 0; j < k; ++j) {
      if (answered(j) != 0.0) continue;
      dn.col(j) += answered;
      ds.col(j) += row;
      dq.col(j) += row_sq;
    }
  }
  Eigen::MatrixXd n(k, k), mean(k, k), m2(k, k), s(k, k), q(k, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      n(i, j) = n_item(i) - dn(i, j);
      s(i, j) = s_item(i) - ds(i, j);
      q(i, j) = q_item(i) - dq(i, j);
    }
  }
  centre_block(n, s, q, shift, c, mean, m2);
  merge_block(n, mean, m2, c);
}

void pairwise_moments::add(const Eigen::Ref<const Eigen::MatrixXd>& rows) {
  ensure_items(rows.cols(), "pairwise_moments::add");
  for (Eigen::Index r0 = 0; r0 < rows.rows(); r0 += block_rows) {
    const Eigen::Index b = std::min(block_rows, rows.rows() - r0);
    add_block(rows.middleRows(r0, b), nullptr, r0);
  }
}

void pairwise_moments::add_weighted(const Eigen::Ref<const Eigen::MatrixXd>& rows,
                                    const Eigen::Ref<const Eigen::VectorXd>& weights) {
  ensure_items(rows.cols(), "pairwise_moments::add_weighted");
  if (weights.size() != rows.rows()) {
    throw error(errc::invalid_argument, "pairwise_moments::add_weighted: " + std::to_string(weights.size()) +
                                            " weights for " + std::to_string(rows.rows()) + " rows");
  }
  for (Eigen::Index r = 0; r < weights.size(); ++r) {
    if (!(weights(r) >= 0.0) || std::isinf(weights(r))) {
      throw error(errc::invalid_argument, "pairwise_moments::add_weighted: weight " + std::to_string(weights(r)) +
                                              " at row " + std::to_string(r) + "; weights must be finite and >= 0");
    }
  }
  const Eigen::VectorXd wv = weights;  // contiguous copy
  for (Eigen::Index r0 = 0; r0 < rows.rows(); r0 += block_rows) {
    const Eigen::Index b = std::min(block_rows, rows.rows() - r0);
    add_block(rows.middleRows(r0, b), wv.data() + r0, r0);
  }
}

Eigen::Index pairwise_moments::add_complete_rows(const Eigen::Ref<const Eigen::MatrixXd>& rows) {
  ensure_items(rows.cols(), "pairwise_moments::add_complete_rows");
  std::vector<Eigen::Index> keep;
  keep.reserve(static_cast<std::size_t>(rows.rows()));
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    if (!rows.row(r).array().isNaN().any()) keep.push_back(r);
  }
  Eigen::MatrixXd sub(static_cast<Eigen::Index>(keep.size()), rows.cols());
  for (std::size_t i = 0; i < keep.size(); ++i) sub.row(static_cast<Eigen::Index>(i)) = rows.row(keep[i]);
  add(sub);
  return sub.rows();
}

void pairwise_moments::merge(const pairwise_moments& other) {
  if (other.k_ == 0) {
    rows_ += other.rows_;
    return;
  }
  ensure_items(other.k_, "pairwise_moments::merge");
  rows_ += other.rows_;
  complete_ += other.complete_;
  merge_block(other.n_, other.mean_, other.m2_, other.c_);
}

Eigen::MatrixXd pairwise_moments::counts() const { return n_; }

Eigen::VectorXd pairwise_moments::means() const {
  Eigen::VectorXd m(k_);
  for (Eigen::Index i = 0; i < k_; ++i) m(i) = n_(i, i) > 0.0 ? mean_(i, i) : std::numeric_limits<double>::quiet_NaN();
  return m;
}

Eigen::MatrixXd pairwise_moments::covariance() const {
  Eigen::MatrixXd cov(k_, k_);
  for (Eigen::Index j = 0; j < k_; ++j) {
    for (Eigen::Index i = 0; i < k_; ++i) {
      cov(i, j) = n_(i, j) >= 2.0 ? c_(i, j) / (n_(i, j) - 1.0) : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return cov;
}

Eigen::MatrixXd pairwise_moments::correlation() const {
  Eigen::MatrixXd r(k_, k_);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index j = 0; j < k_; ++j) {
    for (Eigen::Index i = 0; i < k_; ++i) {
      if (n_(i, j) < 2.0) {
        r(i, j) = nan;
        continue;
      }
      const double d = std::sqrt(m2_(i, j) * m2_(j, i));
      if (i == j) {
        r(i, j) = m2_(i, i) > 0.0 ? 1.0 : nan;
      } else {
        r(i, j) = d > 0.0 ? c_(i, j) / d : nan;
      }
    }
  }
  // R clamps |r| <= 1 (cov.c, COR_PAIRWISE: "if (sum > 1.) sum = 1.").
  return r.cwiseMax(-1.0).cwiseMin(1.0);
}

pairwise_moments pairwise_moments::from_state(double rows, double complete, Eigen::MatrixXd n, Eigen::MatrixXd mean,
                                              Eigen::MatrixXd m2, Eigen::MatrixXd c) {
  const Eigen::Index k = n.rows();
  for (const Eigen::MatrixXd* m : {&n, &mean, &m2, &c}) {
    if (m->rows() != k || m->cols() != k) {
      throw error(errc::invalid_argument, "pairwise_moments::from_state: the four matrices must be k x k");
    }
  }
  pairwise_moments pm(k);
  pm.rows_ = rows;
  pm.complete_ = complete;
  pm.n_ = std::move(n);
  pm.mean_ = std::move(mean);
  pm.m2_ = std::move(m2);
  pm.c_ = std::move(c);
  return pm;
}

std::string pairwise_moments::serialize() const {
  std::string out = "attune-pairwise-moments 1 " + std::to_string(k_) + "\n";
  out += "rows " + hex(rows_) + " complete " + hex(complete_) + "\n";
  const Eigen::MatrixXd* mats[] = {&n_, &mean_, &m2_, &c_};
  const char* names[] = {"n", "mean", "m2", "c"};
  for (int m = 0; m < 4; ++m) {
    out += names[m];
    out += "\n";
    for (Eigen::Index i = 0; i < k_; ++i) {
      for (Eigen::Index j = 0; j < k_; ++j) {
        if (j) out += ' ';
        out += hex((*mats[m])(i, j));
      }
      out += "\n";
    }
  }
  return out;
}

pairwise_moments pairwise_moments::deserialize(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = nl + 1;
  }
  auto fail = [](std::size_t line_no, const std::string& what) -> error {
    return error(errc::bad_input, "pairwise_moments::deserialize: line " + std::to_string(line_no + 1) + ": " + what);
  };
  const auto tokens = detail::space_separated_words;
  auto number = [&](std::string_view tok, std::size_t line_no) {
    double v = 0.0;
    auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v, std::chars_format::hex);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size() || !std::isfinite(v)) {
      throw fail(line_no, detail::quoted(tok) + " is not a finite hexadecimal floating-point number");
    }
    return v;
  };
  if (lines.empty()) throw fail(0, "empty text");
  auto head = tokens(lines[0]);
  if (head.size() != 3 || head[0] != "attune-pairwise-moments" || head[1] != "1") {
    throw fail(0, "expected 'attune-pairwise-moments 1 <k>', got " + detail::quoted(lines[0]));
  }
  long long k = -1;
  {
    auto res = std::from_chars(head[2].data(), head[2].data() + head[2].size(), k);
    if (res.ec != std::errc() || res.ptr != head[2].data() + head[2].size() || k < 0) {
      throw fail(0, "bad item count " + detail::quoted(head[2]));
    }
    if (k > max_serialized_items) {
      throw fail(0, "k = " + std::to_string(k) + " items; a serialized state holds at most " +
                        std::to_string(max_serialized_items));
    }
  }
  // Before the four k x k matrices are allocated (a 32-byte header asked for 29 GB, issue 10 F5):
  // each holds k lines of k numbers of at least one character and a separator, so the text has at
  // least 8 k^2 bytes.
  if (k > 0 && text.size() / 8 / static_cast<std::size_t>(k) < static_cast<std::size_t>(k)) {
    throw fail(0, "k = " + std::to_string(k) + " items need at least 8 k^2 = " +
                      std::to_string(8 * static_cast<unsigned long long>(k) * static_cast<unsigned long long>(k)) +
                      " bytes of text; this text has " + std::to_string(text.size()));
  }
  pairwise_moments pm(static_cast<Eigen::Index>(k));
  if (lines.size() < 2) throw fail(1, "missing 'rows ... complete ...' line");
  auto counters = tokens(lines[1]);
  if (counters.size() != 4 || counters[0] != "rows" || counters[2] != "complete") {
    throw fail(1, "expected 'rows <x> complete <x>', got " + detail::quoted(lines[1]));
  }
  pm.rows_ = number(counters[1], 1);
  pm.complete_ = number(counters[3], 1);
  Eigen::MatrixXd* mats[] = {&pm.n_, &pm.mean_, &pm.m2_, &pm.c_};
  const char* names[] = {"n", "mean", "m2", "c"};
  std::size_t ln = 2;
  for (int m = 0; m < 4; ++m) {
    if (ln >= lines.size() || lines[ln] != names[m]) {
      throw fail(ln, std::string("expected the section name '") + names[m] + "'");
    }
    ++ln;
    for (Eigen::Index i = 0; i < k; ++i, ++ln) {
      if (ln >= lines.size()) throw fail(ln, "text ends inside section " + detail::quoted(std::string(names[m])));
      auto t = tokens(lines[ln]);
      if (static_cast<long long>(t.size()) != k) {
        throw fail(ln, std::to_string(t.size()) + " numbers; expected " + std::to_string(k));
      }
      for (Eigen::Index j = 0; j < k; ++j) (*mats[m])(i, j) = number(t[static_cast<std::size_t>(j)], ln);
    }
  }
  for (; ln < lines.size(); ++ln) {
    if (!tokens(lines[ln]).empty()) throw fail(ln, "unexpected text after the last section");
  }
  return pm;
}

ATTUNE_END_NAMESPACE
