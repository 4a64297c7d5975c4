// Exact integer sums of integer answers (see include/attune/analyses/exact_moments.hpp).
//
// Per block of at most 4096 rows the item sums come from the zero-filled answers X0 and the
// answered indicator M: the co-moments P = X0'X0 from one symmetric rank update; n = M'M,
// S = X0'M, Q = (X0 o X0)'M either as products or, when few cells are missing, as each item's
// totals minus the rows where the other item is missing. Every partial sum is an integer below
// 2^53 (4096 x (2^20)^2 = 2^52), so the products are exact in double and both ways give the same
// integers (below 2^24, as for Likert answers, in single precision too, and P is computed so);
// they are then added to 64-bit totals. The score sums are grouped by the number of
// items answered so that they stay integers: the score of a row is s / m (psych alpha's
// rowMeans(x, na.rm = TRUE)).
#include "attune/analyses/exact_moments.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "attune/core/error.hpp"
#include "detail/words.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

__extension__ typedef __int128 int128;

constexpr Eigen::Index kBlockRows = 4096;
constexpr std::int64_t kLimit = std::int64_t{1} << 62;  // every stored sum stays within +-2^62
constexpr double kMaxRowSum = 33554432.0;               // 2^25: k x the largest answer

// a += b within +-2^62; false (a unchanged) otherwise.
bool add_to(std::int64_t& a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r) || r > kLimit || r < -kLimit) return false;
  a = r;
  return true;
}

bool add_all(std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  std::vector<std::int64_t> t = a;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!add_to(t[i], b[i])) return false;
  }
  a = std::move(t);
  return true;
}

// (n q - s t) / n: the centred sum from exact sums, the numerator exact in 128 bits (|n|, |q|, |s|,
// |t| <= 2^62, so each product is below 2^124 and the difference below 2^125).
double centred(std::int64_t n, std::int64_t q, std::int64_t s, std::int64_t t) {
  if (n <= 0) return 0.0;
  const int128 num = static_cast<int128>(n) * q - static_cast<int128>(s) * t;
  return static_cast<double>(num) / static_cast<double>(n);
}

}  // namespace

exact_moments::exact_moments(Eigen::Index k, bool with_score) : k_(k), with_score_(with_score) {
  if (k < 0) throw error(errc::invalid_argument, "exact_moments: k = " + std::to_string(k) + "; must be >= 0");
  const auto kk = static_cast<std::size_t>(k) * static_cast<std::size_t>(k);
  for (auto* v : {&n_, &sum_, &sum_sq_, &cross_}) v->assign(kk, 0);
  if (with_score) {
    for (auto* v : {&m_n_, &m_sum_, &m_sum_sq_, &m_cross_}) v->assign(kk, 0);
    for (auto* v : {&s_n_, &s_sum_, &s_sum_sq_}) v->assign(static_cast<std::size_t>(k), 0);
  }
}

bool exact_moments::add(const Eigen::Ref<const Eigen::MatrixXd>& rows) {
  if (rows.cols() != k_) {
    throw error(errc::invalid_argument, "exact_moments::add: " + std::to_string(rows.cols()) +
                                            " items, but this accumulator holds " + std::to_string(k_));
  }
  // The blocks go into a fresh accumulator that is merged at the end, so a refusal (an ineligible
  // value in any block) leaves these sums unchanged.
  exact_moments sum(k_, with_score_);
  for (Eigen::Index first = 0; first < rows.rows(); first += kBlockRows) {
    const Eigen::Index b = std::min(kBlockRows, rows.rows() - first);
    if (!sum.add_block(rows.middleRows(first, b))) return false;
  }
  return merge(sum);
}

bool exact_moments::add_block(const Eigen::Ref<const Eigen::MatrixXd>& rows) {
  const Eigen::Index b = rows.rows(), k = k_;
  const auto ks = static_cast<std::size_t>(k);
  // Two passes over each column give the zero-filled answers X0, the row sums s and counts m, and
  // per cell whether it is answered and whether it is refused; the number answered N_i is then a
  // sum over the column, and S_i, Q_i come with the co-moments below. All in double, where they are exact
  // integers (|x| <= 2^20, so x^2 <= 2^40 and 4096 of them stay below 2^53), so that the loops
  // vectorise and the sums are Eigen's vectorised reductions. A cell is refused when it is not
  // NaN and either its magnitude exceeds exact_max_answer (infinities included) or it is not an
  // integer: within the bound, v is an integer exactly when rounding it to an integer (adding and
  // subtracting 1.5 x 2^52) gives v back. (GCC vectorises a choice between constants, and a
  // choice stored as it is, but not arithmetic on a chosen value: hence 1.0 / 0.0 flags and the
  // second pass.)
  constexpr double kRound = 6755399441055744.0;  // 1.5 x 2^52
  // X0 and a column of ones: its co-moments with X0 are the item sums S_i (Q_i is X0'X0's diagonal).
  Eigen::MatrixXd x1(b, k + 1);
  x1.col(k).setOnes();
  auto x0 = x1.leftCols(k);
  Eigen::VectorXd row_sum = Eigen::VectorXd::Zero(b), row_m = Eigen::VectorXd::Zero(b);
  Eigen::VectorXd answered_col(b), refused_col(b);
  std::vector<std::int64_t> n_item(ks), s_item(ks), q_item(ks);
  std::int64_t missing_cells = 0;
  double largest = 0.0;
  double refused = 0.0;
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* col = rows.col(j).data();
    double* out = x0.col(j).data();
    double* ans = answered_col.data();
    double* bad = refused_col.data();
    for (Eigen::Index r = 0; r < b; ++r) {
      const double v = col[r];
      const double answered = v == v ? 1.0 : 0.0;
      const double within = std::abs(v) <= exact_max_answer ? 1.0 : 0.0;  // 0 for NaN
      const double eligible = within * ((v + kRound) - kRound == v ? 1.0 : 0.0);
      out[r] = std::abs(v) <= exact_max_answer ? v : 0.0;
      ans[r] = answered;
      bad[r] = answered - eligible;  // 1: answered and not eligible
    }
    if (with_score_) row_sum += x0.col(j);
    row_m += answered_col;
    refused = std::max(refused, refused_col.maxCoeff());
    largest = std::max(largest, x0.col(j).cwiseAbs().maxCoeff());
    const double cn = answered_col.sum();
    n_item[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(cn);
    missing_cells += b - static_cast<std::int64_t>(cn);
  }
  if (refused != 0.0) return false;
  if (largest * static_cast<double>(k) > kMaxRowSum) return false;
  exact_moments part(k, with_score_);
  // Co-moments P = X0'X0: one symmetric rank update (lower triangle), exact in double because
  // every partial sum is an integer below 2^53 whatever the order of its additions.
  // When every partial sum stays below 2^24 (b x largest^2, and b for the ones: 4096 rows of
  // answers up to 64), the same integers come from single precision, at twice the width per
  // instruction. Row k of the (k + 1)^2 result holds S_i.
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(k + 1, k + 1);
  if (static_cast<double>(b) * std::max(largest * largest, 1.0) <= 16777216.0) {
    Eigen::MatrixXf pf = Eigen::MatrixXf::Zero(k + 1, k + 1);
    const Eigen::MatrixXf xf = x1.cast<float>();
    pf.selfadjointView<Eigen::Lower>().rankUpdate(xf.transpose());
    p = pf.cast<double>();
  } else {
    p.selfadjointView<Eigen::Lower>().rankUpdate(x1.transpose());
  }
  for (Eigen::Index j = 0; j < k; ++j) {
    s_item[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(p(k, j));
    q_item[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(p(j, j));
  }
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = j; i < k; ++i) {
      const auto v = static_cast<std::int64_t>(p(i, j));
      part.cross_[static_cast<std::size_t>(i + j * k)] = v;
      part.cross_[static_cast<std::size_t>(j + i * k)] = v;
    }
  }
  if (missing_cells * 8 <= b * k) {
    // Few missing cells (as moments.cpp's add_sparse_missing): over the rows answering both i and
    // j, n_ij = N_i - sum_{r: j missing} m_ri, S_ij = S_i - sum_{r: j missing} x0_ri and
    // Q_ij = Q_i - sum_{r: j missing} x0_ri^2; k integer additions per missing cell instead of
    // three b x k x k products. Integer sums, so the same integers as the products give.
    std::vector<std::int64_t> ans(ks), val(ks), sq(ks);
    for (Eigen::Index r = 0; r < b; ++r) {
      if (row_m(r) == static_cast<double>(k)) continue;
      for (Eigen::Index i = 0; i < k; ++i) {
        const auto u = static_cast<std::size_t>(i);
        ans[u] = std::isnan(rows(r, i)) ? 0 : 1;
        val[u] = static_cast<std::int64_t>(x0(r, i));
        sq[u] = val[u] * val[u];
      }
      for (Eigen::Index j = 0; j < k; ++j) {
        if (ans[static_cast<std::size_t>(j)] != 0) continue;
        const auto c = static_cast<std::size_t>(j * k);
        for (std::size_t i = 0; i < ks; ++i) {
          part.n_[c + i] -= ans[i];
          part.sum_[c + i] -= val[i];
          part.sum_sq_[c + i] -= sq[i];
        }
      }
    }
    for (std::size_t j = 0; j < ks; ++j) {
      for (std::size_t i = 0; i < ks; ++i) {
        part.n_[i + j * ks] += n_item[i];
        part.sum_[i + j * ks] += s_item[i];
        part.sum_sq_[i + j * ks] += q_item[i];
      }
    }
  } else {
    // Many missing cells: n = M'M (symmetric), S = X0'M, Q = (X0 o X0)'M with M the answered mask.
    Eigen::MatrixXd answered(b, k);
    for (Eigen::Index j = 0; j < k; ++j) {
      for (Eigen::Index r = 0; r < b; ++r) answered(r, j) = std::isnan(rows(r, j)) ? 0.0 : 1.0;
    }
    Eigen::MatrixXd n = Eigen::MatrixXd::Zero(k, k);
    n.selfadjointView<Eigen::Lower>().rankUpdate(answered.transpose());
    Eigen::MatrixXd s(k, k), q(k, k);
    s.noalias() = x0.transpose() * answered;
    q.noalias() = x0.cwiseProduct(x0).transpose() * answered;
    for (Eigen::Index j = 0; j < k; ++j) {
      for (Eigen::Index i = 0; i < k; ++i) {
        const auto t = static_cast<std::size_t>(i + j * k);
        part.n_[t] = static_cast<std::int64_t>(i >= j ? n(i, j) : n(j, i));
        part.sum_[t] = static_cast<std::int64_t>(s(i, j));
        part.sum_sq_[t] = static_cast<std::int64_t>(q(i, j));
      }
    }
  }
  if (!with_score_) {
    part.rows_ = b;
    part.complete_rows_ = (row_m.array() == static_cast<double>(k)).count();
    return merge(part);
  }
  // Score sums by the number answered m: |s| <= 2^25, s^2 <= 2^50, 4096 rows below 2^62.
  std::int64_t complete = 0, complete_sum = 0, complete_sum_sq = 0;
  Eigen::VectorXd complete_s(b);  // s on the complete rows, 0 elsewhere
  for (Eigen::Index r = 0; r < b; ++r) {
    const auto m = static_cast<std::int64_t>(row_m(r));
    const auto sr = static_cast<std::int64_t>(row_sum(r));
    complete_s(r) = m == k ? row_sum(r) : 0.0;
    if (m == 0) continue;
    const auto t = static_cast<std::size_t>(m - 1);
    part.s_n_[t] += 1;
    part.s_sum_[t] += sr;
    part.s_sum_sq_[t] += sr * sr;
    if (m == k) {
      ++complete;
      complete_sum += sr;
      complete_sum_sq += sr * sr;
    }
  }
  // The same sums per answered item j. The complete rows (most rows) all fall in m = k, where
  // sum s x_j is one product X0' s; it is exact in double when every partial sum stays below
  // 2^53, that is when 4096 x largest x (k x largest) does (Likert data: far below). Otherwise,
  // and for the rows with missing answers, cell by cell in 64-bit integers.
  const bool product_exact = static_cast<double>(b) * largest * largest * static_cast<double>(k) <= 9007199254740992.0;
  Eigen::VectorXd complete_cross;
  if (product_exact) complete_cross.noalias() = x0.transpose() * complete_s;
  std::vector<Eigen::Index> cell_rows;  // the rows summed cell by cell
  for (Eigen::Index r = 0; r < b; ++r) {
    if (row_m(r) > 0.0 && !(product_exact && row_m(r) == static_cast<double>(k))) cell_rows.push_back(r);
  }
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* col = rows.col(j).data();
    const double* xj = x0.col(j).data();
    if (product_exact) {
      const auto t = static_cast<std::size_t>(k - 1 + j * k);
      part.m_n_[t] += complete;
      part.m_sum_[t] += complete_sum;
      part.m_sum_sq_[t] += complete_sum_sq;
      part.m_cross_[t] += static_cast<std::int64_t>(complete_cross(j));
    }
    for (const Eigen::Index r : cell_rows) {
      if (std::isnan(col[r])) continue;
      const auto sr = static_cast<std::int64_t>(row_sum(r));
      const auto t = static_cast<std::size_t>(static_cast<Eigen::Index>(row_m(r)) - 1 + j * k);
      part.m_n_[t] += 1;
      part.m_sum_[t] += sr;
      part.m_sum_sq_[t] += sr * sr;
      part.m_cross_[t] += sr * static_cast<std::int64_t>(xj[r]);
    }
  }
  part.rows_ = b;
  return merge(part);
}

bool exact_moments::merge(const exact_moments& other) {
  if (other.k_ != k_) {
    throw error(errc::invalid_argument, "exact_moments::merge: " + std::to_string(other.k_) +
                                            " items, but this accumulator holds " + std::to_string(k_));
  }
  if (other.with_score_ != with_score_) {
    throw error(errc::invalid_argument, "exact_moments::merge: an accumulator of the items only and one with the score");
  }
  exact_moments t = *this;
  if (!add_to(t.rows_, other.rows_) || !add_to(t.complete_rows_, other.complete_rows_)) return false;
  if (!add_all(t.n_, other.n_) || !add_all(t.sum_, other.sum_) || !add_all(t.sum_sq_, other.sum_sq_) ||
      !add_all(t.cross_, other.cross_) || !add_all(t.m_n_, other.m_n_) || !add_all(t.m_sum_, other.m_sum_) ||
      !add_all(t.m_sum_sq_, other.m_sum_sq_) || !add_all(t.m_cross_, other.m_cross_) ||
      !add_all(t.s_n_, other.s_n_) || !add_all(t.s_sum_, other.s_sum_) || !add_all(t.s_sum_sq_, other.s_sum_sq_)) {
    return false;
  }
  *this = std::move(t);
  return true;
}

pairwise_moments exact_moments::to_moments() const {
  const Eigen::Index k = k_, K = with_score_ ? k + 1 : k;
  Eigen::MatrixXd n = Eigen::MatrixXd::Zero(K, K), mean = n, m2 = n, c = n;
  auto at = [k](Eigen::Index i, Eigen::Index j) { return static_cast<std::size_t>(i + j * k); };
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const std::int64_t nij = n_[at(i, j)];
      n(i, j) = static_cast<double>(nij);
      if (nij <= 0) continue;
      mean(i, j) = static_cast<double>(sum_[at(i, j)]) / static_cast<double>(nij);
      m2(i, j) = std::max(0.0, centred(nij, sum_sq_[at(i, j)], sum_[at(i, j)], sum_[at(i, j)]));
      c(i, j) = centred(nij, cross_[at(i, j)], sum_[at(i, j)], sum_[at(j, i)]);
    }
  }
  if (!with_score_) {
    return pairwise_moments::from_state(static_cast<double>(rows_), static_cast<double>(complete_rows_), std::move(n),
                                        std::move(mean), std::move(m2), std::move(c));
  }
  // The score against item j, over the rows that answered j (the score exists on each of them):
  // its sums are sum_m (sums of s) / m, in long double, m = 1..k in order.
  for (Eigen::Index j = 0; j < k; ++j) {
    const std::int64_t nj = n_[at(j, j)];
    n(k, j) = n(j, k) = static_cast<double>(nj);
    if (nj <= 0) continue;
    long double a = 0, bsq = 0, d = 0;
    for (Eigen::Index m = 1; m <= k; ++m) {
      const std::size_t t = at(m - 1, j);
      const auto lm = static_cast<long double>(m);
      a += static_cast<long double>(m_sum_[t]) / lm;
      bsq += static_cast<long double>(m_sum_sq_[t]) / (lm * lm);
      d += static_cast<long double>(m_cross_[t]) / lm;
    }
    const auto ln = static_cast<long double>(nj);
    const auto sj = static_cast<long double>(sum_[at(j, j)]);
    mean(k, j) = static_cast<double>(a / ln);
    mean(j, k) = mean(j, j);
    m2(k, j) = std::max(0.0, static_cast<double>(bsq - a * a / ln));
    m2(j, k) = m2(j, j);
    c(k, j) = c(j, k) = static_cast<double>(d - a * sj / ln);
  }
  std::int64_t scored = 0;
  long double a = 0, bsq = 0;
  for (Eigen::Index m = 1; m <= k; ++m) {
    const auto t = static_cast<std::size_t>(m - 1);
    const auto lm = static_cast<long double>(m);
    scored += s_n_[t];
    a += static_cast<long double>(s_sum_[t]) / lm;
    bsq += static_cast<long double>(s_sum_sq_[t]) / (lm * lm);
  }
  n(k, k) = static_cast<double>(scored);
  if (scored > 0) {
    mean(k, k) = static_cast<double>(a / static_cast<long double>(scored));
    m2(k, k) = c(k, k) = std::max(0.0, static_cast<double>(bsq - a * a / static_cast<long double>(scored)));
  }
  const double complete = k > 0 ? static_cast<double>(s_n_[static_cast<std::size_t>(k - 1)]) : 0.0;
  return pairwise_moments::from_state(static_cast<double>(rows_), complete, std::move(n), std::move(mean),
                                      std::move(m2), std::move(c));
}

namespace {
constexpr const char* kTableNames[] = {"n", "sum", "sum_sq", "cross", "m_n", "m_sum", "m_sum_sq", "m_cross",
                                       "s_n", "s_sum", "s_sum_sq"};
}  // namespace

std::string exact_moments::serialize() const {
  if (!with_score_) {
    throw error(errc::invalid_argument, "exact_moments::serialize: an accumulator of the items only is not serialized");
  }
  std::string out = "attune-exact-moments 1 " + std::to_string(k_) + " " + std::to_string(rows_) + "\n";
  const std::vector<std::int64_t>* tables[] = {&n_, &sum_, &sum_sq_, &cross_, &m_n_, &m_sum_,
                                               &m_sum_sq_, &m_cross_, &s_n_, &s_sum_, &s_sum_sq_};
  for (std::size_t t = 0; t < 11; ++t) {
    out += kTableNames[t];
    for (const std::int64_t v : *tables[t]) {
      out += ' ';
      out += std::to_string(v);
    }
    out += '\n';
  }
  return out;
}

exact_moments exact_moments::deserialize(std::string_view text) {
  auto fail = [](std::size_t line, const std::string& what) {
    return error(errc::bad_input, "exact_moments::deserialize: line " + std::to_string(line) + ": " + what);
  };
  detail::text_lines lines{text};
  const std::size_t& line_no = lines.line_no;
  auto next_line = [&] { return lines.next(); };
  const auto tokens = detail::space_separated_words;
  auto integer = [&](std::string_view tok) {
    long long v = 0;
    const auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size() || v > kLimit || v < -kLimit) {
      throw fail(line_no, detail::quoted(tok) + " is not an integer within +-2^62");
    }
    return static_cast<std::int64_t>(v);
  };
  const auto head = tokens(next_line());
  if (head.size() != 4 || head[0] != "attune-exact-moments" || head[1] != "1") {
    throw fail(1, "expected 'attune-exact-moments 1 <k> <rows>'");
  }
  const std::int64_t k = integer(head[2]), rows = integer(head[3]);
  if (k < 1 || k > max_serialized_items - 1) {
    throw fail(1, "k = " + std::to_string(k) + " items; a serialized state holds 1 to " +
                      std::to_string(max_serialized_items - 1));
  }
  if (rows < 0) throw fail(1, "rows = " + std::to_string(rows) + "; must be >= 0");
  // 8 tables of k^2 numbers of at least 2 bytes each, before anything is allocated.
  const auto need = 16ULL * static_cast<unsigned long long>(k) * static_cast<unsigned long long>(k);
  if (text.size() < need) {
    throw fail(1, "k = " + std::to_string(k) + " items need at least 16 k^2 = " + std::to_string(need) +
                      " bytes of text; this text has " + std::to_string(text.size()));
  }
  exact_moments out(static_cast<Eigen::Index>(k));
  out.rows_ = rows;
  std::vector<std::int64_t>* tables[] = {&out.n_, &out.sum_, &out.sum_sq_, &out.cross_, &out.m_n_, &out.m_sum_,
                                         &out.m_sum_sq_, &out.m_cross_, &out.s_n_, &out.s_sum_, &out.s_sum_sq_};
  for (std::size_t t = 0; t < 11; ++t) {
    const auto tok = tokens(next_line());
    if (tok.empty() || tok[0] != kTableNames[t] || tok.size() != tables[t]->size() + 1) {
      throw fail(line_no, std::string("expected '") + kTableNames[t] + "' and " + std::to_string(tables[t]->size()) +
                              " integers");
    }
    for (std::size_t i = 0; i < tables[t]->size(); ++i) (*tables[t])[i] = integer(tok[i + 1]);
  }
  for (const auto* counts : {&out.n_, &out.m_n_, &out.s_n_}) {
    for (const std::int64_t v : *counts) {
      if (v < 0 || v > rows) throw fail(line_no, "a count of " + std::to_string(v) + " rows in a state of " + std::to_string(rows));
    }
  }
  if (!lines.rest_blank()) {
    throw fail(line_no + 1, "unexpected text after the last table");
  }
  return out;
}

ATTUNE_END_NAMESPACE
