// Careless and invalid responding (issue 6). Formulas: docs/quality.md.
// Reference implementation: R careless 1.2.2, ryentes/careless@0a84caf (R/longstring.R, R/irv.R,
// R/mahad.R, R/evenodd.R, R/psychsyn.R, R/psychant.R) and psych 2.2.9 `outlier` (used by mahad).
#include "attune/analyses/quality.hpp"

#include <Eigen/LU>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"
#include "detail/math.hpp"
#include "attune/analyses/moments.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/words.hpp"
#include "analyses/quality_rows.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace {

using detail::number_text;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(errc code, const std::string& message) { throw error(code, message); }

// Pearson r of two equally long sequences (two-pass, as R's cor.c), clamped to [-1, 1] as R does.
// NaN for fewer than 2 values or a zero variance.
double pearson(const double* x, const double* y, std::size_t n) {
  if (n < 2) return nan_v;
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0.0 || syy == 0.0) return nan_v;
  const double r = sxy / std::sqrt(sxx * syy);
  return r >= 1.0 ? 1.0 : (r <= -1.0 ? -1.0 : r);
}

std::string item_name(const std::vector<std::string>& ids, Eigen::Index j) {
  if (j >= 0 && static_cast<std::size_t>(j) < ids.size() && !ids[static_cast<std::size_t>(j)].empty())
    return ids[static_cast<std::size_t>(j)];
  return "column " + std::to_string(j + 1);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// design and options

void quality_design::validate(Eigen::Index k) const {
  const auto ku = static_cast<std::size_t>(k);
  if (!item_ids.empty() && item_ids.size() != ku)
    fail(errc::invalid_argument, "quality design: " + std::to_string(item_ids.size()) +
                                     " item ids for " + std::to_string(k) + " data columns");
  if (item_min.size() != k || item_max.size() != k)
    fail(errc::invalid_argument, "quality design: item ranges given for " + std::to_string(item_min.size()) +
                                     "/" + std::to_string(item_max.size()) + " items, data have " +
                                     std::to_string(k) + " columns");
  for (Eigen::Index j = 0; j < k; ++j) {
    if (!(std::isfinite(item_min(j)) && std::isfinite(item_max(j)) && item_min(j) < item_max(j)))
      fail(errc::invalid_argument, "quality design: item " + item_name(item_ids, j) + " has range " +
                                       number_text(item_min(j)) + "-" + number_text(item_max(j)) + "; min must be below max");
  }
  for (const auto& s : subscales) {
    if (s.reversed.size() != s.items.size())
      fail(errc::invalid_argument, "quality design: subscale " + detail::quoted(s.name) + " lists " +
                                       std::to_string(s.items.size()) + " items but " +
                                       std::to_string(s.reversed.size()) + " reverse keys");
    std::vector<bool> seen(ku, false);
    for (const auto j : s.items) {
      if (j < 0 || j >= k)
        fail(errc::invalid_argument, "quality design: subscale " + detail::quoted(s.name) + " names column " +
                                         std::to_string(j + 1) + "; data have " + std::to_string(k));
      if (seen[static_cast<std::size_t>(j)])
        fail(errc::invalid_argument, "quality design: subscale " + detail::quoted(s.name) + " lists item " +
                                         item_name(item_ids, j) + " twice");
      seen[static_cast<std::size_t>(j)] = true;
    }
  }
}

quality_design make_quality_design(const instrument& inst, const std::optional<response_range>& range) {
  quality_design d;
  const auto k = static_cast<Eigen::Index>(inst.items.size());
  d.item_min.resize(k);
  d.item_max.resize(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto& it = inst.items[static_cast<std::size_t>(j)];
    d.item_ids.push_back(it.id);
    const response_range r = range ? *range : (it.range ? *it.range : inst.range);
    d.item_min(j) = r.min;
    d.item_max(j) = r.max;
  }
  for (const auto& s : inst.subscales) {
    quality_subscale q;
    q.name = s.name;
    for (const auto& id : s.items) {
      Eigen::Index idx = -1;
      for (Eigen::Index j = 0; j < k; ++j)
        if (inst.items[static_cast<std::size_t>(j)].id == id) idx = j;
      if (idx < 0)
        fail(errc::bad_input, "instrument " + detail::quoted(inst.id) + ": subscale " + detail::quoted(s.name) + " names unknown item " + detail::quoted(id));
      // Reverse keys as instrument::is_reversed: the subscale's own list overrides the items' flags.
      const bool rev = s.reversed_items
                           ? std::find(s.reversed_items->begin(), s.reversed_items->end(), id) != s.reversed_items->end()
                           : inst.items[static_cast<std::size_t>(idx)].reversed;
      q.items.push_back(idx);
      q.reversed.push_back(rev);
    }
    d.subscales.push_back(std::move(q));
  }
  return d;
}

namespace {
constexpr detail::enum_table<quality_index, 8> index_names{{{quality_index::longstring, "longstring"},
                                                           {quality_index::irv, "irv"},
                                                           {quality_index::mahalanobis, "mahalanobis"},
                                                           {quality_index::evenodd, "evenodd"},
                                                           {quality_index::psychsyn, "psychsyn"},
                                                           {quality_index::psychant, "psychant"},
                                                           {quality_index::reversal, "reversal"},
                                                           {quality_index::lz, "lz"}}};
constexpr detail::enum_table<mahalanobis_method, 2> mahalanobis_names{
    {{mahalanobis_method::observed, "observed"}, {mahalanobis_method::psych, "psych"}}};
}  // namespace

std::string_view to_string(quality_index i) noexcept { return detail::enum_name(index_names, i); }
std::optional<quality_index> parse_quality_index(std::string_view s) noexcept { return detail::enum_parse(index_names, s); }
std::string_view to_string(mahalanobis_method m) noexcept { return detail::enum_name(mahalanobis_names, m); }
std::optional<mahalanobis_method> parse_mahalanobis_method(std::string_view s) noexcept {
  return detail::enum_parse(mahalanobis_names, s);
}

const std::vector<quality_index>& all_quality_indices() noexcept {
  static const std::vector<quality_index> all{quality_index::longstring, quality_index::irv,
                                              quality_index::mahalanobis, quality_index::evenodd,
                                              quality_index::psychsyn, quality_index::psychant,
                                              quality_index::reversal, quality_index::lz};
  return all;
}

std::string flag_names(std::uint32_t flags) {
  std::string out;
  for (const auto i : all_quality_indices()) {
    if ((flags & static_cast<std::uint32_t>(i)) != 0U) {
      if (!out.empty()) out += '|';
      out += to_string(i);
    }
  }
  return out;
}

void quality_options::validate() const {
  auto bad = [](const std::string& field, double v, const std::string& rule) {
    throw error(errc::invalid_argument, "quality: " + field + " = " + number_text(v) + "; " + rule,
                {.value = number_text(v), .option = "quality_options." + field});
  };
  if (!(longstring_share > 0.0 && longstring_share <= 1.0) && !std::isnan(longstring_share))
    bad("longstring_share", longstring_share, "must be in (0, 1] (or NaN for no flag)");
  if (irv_blocks < 1) bad("irv_blocks", irv_blocks, "must be at least 1");
  if (!(mahalanobis_confidence > 0.0 && mahalanobis_confidence < 1.0) && !std::isnan(mahalanobis_confidence))
    bad("mahalanobis_confidence", mahalanobis_confidence, "must be in (0, 1) (or NaN for no flag)");
  if (evenodd_min_subscales < 2) bad("evenodd_min_subscales", evenodd_min_subscales, "must be at least 2");
  if (!(psychsyn_critical > 0.0 && psychsyn_critical < 1.0))
    bad("psychsyn_critical", psychsyn_critical, "must be in (0, 1)");
  if (!(psychant_critical < 0.0 && psychant_critical > -1.0))
    bad("psychant_critical", psychant_critical, "must be in (-1, 0)");
  if (!(min_answered > 0.0 && min_answered <= 1.0)) bad("min_answered", min_answered, "must be in (0, 1]");
  if (std::isinf(irv_min)) bad("irv_min", irv_min, "must be finite (or NaN for no flag)");
  if (std::isinf(irv_max)) bad("irv_max", irv_max, "must be finite (or NaN for no flag)");
  if (std::isinf(evenodd_max)) bad("evenodd_max", evenodd_max, "must be finite (or NaN for no flag)");
  if (std::isinf(psychsyn_min)) bad("psychsyn_min", psychsyn_min, "must be finite (or NaN for no flag)");
  if (std::isinf(psychant_max)) bad("psychant_max", psychant_max, "must be finite (or NaN for no flag)");
  if (std::isinf(reversal_max)) bad("reversal_max", reversal_max, "must be finite (or NaN for no flag)");
}

// ---------------------------------------------------------------------------------------------
// indices

// careless 1.2.2 R/longstring.R: per row rle(); max and mean of the run lengths. R's rle breaks a
// run wherever x[i] != x[i-1] is TRUE or NA, so each missing answer is a run of length 1.
// attune returns NaN for a row without any answer (rle would give 1).
longstring_result longstring(const Eigen::MatrixXd& values) {
  const Eigen::Index n = values.rows(), k = values.cols();
  longstring_result out;
  out.longest = Eigen::VectorXd::Constant(n, nan_v);
  out.average = Eigen::VectorXd::Constant(n, nan_v);
  for (Eigen::Index i = 0; i < n; ++i) {
    int longest = 0, runs = 0, current = 0, answered = 0;
    for (Eigen::Index j = 0; j < k; ++j) {
      const double v = values(i, j);
      if (!std::isnan(v)) ++answered;
      const bool same = j > 0 && !std::isnan(v) && v == values(i, j - 1);  // NaN == x is false
      if (same) {
        ++current;
      } else {
        ++runs;
        current = 1;
      }
      longest = std::max(longest, current);
    }
    if (answered > 0 && k > 0) {
      out.longest(i) = longest;
      out.average(i) = static_cast<double>(k) / runs;  // mean of run lengths = k / number of runs
    }
  }
  return out;
}

// R cut(seq_along(x), blocks, labels = FALSE): breaks = seq.int(1, k, length.out = blocks + 1)
// (R's C seq: from + i*by in the lower half, to - (n-1-i)*by in the upper half), the ends widened
// by (k-1)/1000, intervals right-closed (.bincode).
std::vector<int> irv_block_of_items(Eigen::Index k, int blocks) {
  if (blocks < 1) fail(errc::invalid_argument, "irv: blocks = " + std::to_string(blocks) + "; must be at least 1");
  if (k < 1) fail(errc::invalid_argument, "irv: no items");
  if (blocks > k)
    fail(errc::invalid_argument, "irv: blocks = " + std::to_string(blocks) + " for " + std::to_string(k) +
                                     " items; at most one block per item");
  std::vector<int> block(static_cast<std::size_t>(k), 0);
  if (blocks == 1 || k == 1) return block;
  const int lout = blocks + 1;
  const double from = 1.0, to = static_cast<double>(k), dx = to - from;
  std::vector<double> br(static_cast<std::size_t>(lout));
  const double by = (to - from) / static_cast<double>(lout - 1);
  for (int i = 0; i < lout; ++i) {
    br[static_cast<std::size_t>(i)] = i < lout / 2 ? from + static_cast<double>(i) * by
                                                   : to - static_cast<double>(lout - 1 - i) * by;
  }
  br.front() = from - dx / 1000.0;
  br.back() = to + dx / 1000.0;
  for (Eigen::Index j = 0; j < k; ++j) {
    const double x = static_cast<double>(j + 1);
    int b = 0;
    while (b < blocks - 1 && !(x <= br[static_cast<std::size_t>(b + 1)])) ++b;
    block[static_cast<std::size_t>(j)] = b;
  }
  return block;
}

namespace {
// SD (n - 1) of the non-missing values at columns [begin, end) of row i; NaN below 2 values.
// R sd(x, na.rm = TRUE) (two-pass).
double row_sd(const Eigen::MatrixXd& v, Eigen::Index i, const std::vector<Eigen::Index>& cols, int& count) {
  double sum = 0.0;
  count = 0;
  for (const auto j : cols) {
    const double x = v(i, j);
    if (!std::isnan(x)) {
      sum += x;
      ++count;
    }
  }
  if (count < 2) return nan_v;
  const double mean = sum / count;
  double ss = 0.0;
  for (const auto j : cols) {
    const double x = v(i, j);
    if (!std::isnan(x)) ss += (x - mean) * (x - mean);
  }
  return std::sqrt(ss / (count - 1));
}
}  // namespace

// careless 1.2.2 R/irv.R: apply(x, 1, sd, na.rm = TRUE); split blocks via cut(seq_along(x), n).
Eigen::MatrixXd irv(const Eigen::MatrixXd& values, const irv_options& options) {
  const int blocks = options.blocks;
  const Eigen::Index n = values.rows(), k = values.cols();
  const auto block = irv_block_of_items(k, blocks);
  std::vector<std::vector<Eigen::Index>> cols(static_cast<std::size_t>(blocks) + 1);
  for (Eigen::Index j = 0; j < k; ++j) {
    cols[0].push_back(j);
    cols[static_cast<std::size_t>(block[static_cast<std::size_t>(j)]) + 1].push_back(j);
  }
  Eigen::MatrixXd out(n, blocks + 1);
  int count = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (std::size_t b = 0; b < cols.size(); ++b) out(i, static_cast<Eigen::Index>(b)) = row_sd(values, i, cols[b], count);
  return out;
}

namespace detail {

mahalanobis_model make_mahalanobis_model(const quality_sample& sample) {
  const Eigen::Index k = sample.n_items();
  if (k < 1) fail(errc::insufficient_data, "mahalanobis: no items");
  // cov(x, use = "pairwise"), from the shared accumulator (pinned to equal R's).
  const pairwise_moments& pm = sample.moments();
  const Eigen::MatrixXd& counts = pm.pair_counts();
  for (Eigen::Index j = 0; j < k; ++j)
    for (Eigen::Index l = 0; l < k; ++l)
      if (counts(j, l) < 2.0)
        fail(errc::insufficient_data,
             "mahalanobis: " +
                 (j == l ? "item " + std::to_string(j + 1) + " was answered by "
                         : "items " + std::to_string(j + 1) + " and " + std::to_string(l + 1) + " were answered together by ") +
                 number_text(counts(j, l)) + " respondents; a (co)variance needs 2");
  mahalanobis_model m;
  m.covariance = pm.covariance();
  // A zero variance makes S singular, but the LU's condition estimate can miss it (issue 10, F9:
  // every D^2 came out NaN without a word), so it is checked first.
  for (Eigen::Index j = 0; j < k; ++j)
    if (!(m.covariance(j, j) > 0.0))
      fail(errc::numerical_issue, "mahalanobis: item " + std::to_string(j + 1) +
                                      " has zero variance (every answer the same), so the covariance matrix is "
                                      "singular; leave that item out");
  const Eigen::PartialPivLU<Eigen::MatrixXd> lu(m.covariance);
  // Reciprocal condition estimate; psych's solve() fails on an exactly singular matrix.
  const double rcond = lu.rcond();
  if (!(rcond > 1e-12))
    fail(errc::numerical_issue, "mahalanobis: the pairwise covariance matrix of the " + std::to_string(k) +
                                    " items is singular (reciprocal condition " + number_text(rcond, 6) +
                                    "); an item is constant or a linear function of others");
  m.inverse = lu.inverse();
  if (!m.inverse.allFinite())
    fail(errc::numerical_issue, "mahalanobis: the pairwise covariance matrix of the " + std::to_string(k) +
                                    " items cannot be inverted; an item is constant or a linear function of others");
  m.mean = sample.sums().cwiseQuotient(sample.counts());  // counts >= 2 (checked above)
  return m;
}

mahalanobis_result mahalanobis_rows(const Eigen::MatrixXd& values, const mahalanobis_model& model,
                                    mahalanobis_method method, mahalanobis_counts& counts) {
  const Eigen::Index n = values.rows(), k = values.cols();
  const Eigen::MatrixXd& inv = model.inverse;
  Eigen::MatrixXd z(n, k);
  mahalanobis_result out;
  out.df = Eigen::VectorXi::Zero(n);
  for (Eigen::Index j = 0; j < k; ++j) {
    const double mean = model.mean(j);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = values(i, j);
      if (std::isnan(v)) {
        z(i, j) = 0.0;
      } else {
        z(i, j) = v - mean;
        ++out.df(i);
      }
    }
  }
  // One product per block of rows, so that a chunk of a streamed file gets the very numbers of
  // the whole matrix (the product's rounding may depend on the shape).
  Eigen::MatrixXd zs(n, k);
  for (Eigen::Index r0 = 0; r0 < n; r0 += mahalanobis_block_rows) {
    const Eigen::Index b = std::min(mahalanobis_block_rows, n - r0);
    zs.middleRows(r0, b).noalias() = z.middleRows(r0, b) * inv;
  }
  out.d2.resize(n);
  out.p_value.resize(n);
  // observed: a row with missing answers m gets z_o' (S_oo)^-1 z_o. With P = S^-1, the block
  // inverse (Schur complement) gives (S_oo)^-1 = P_oo - P_om (P_mm)^-1 P_mo, so
  //   z_o' (S_oo)^-1 z_o = z_o' P_oo z_o - w' (P_mm)^-1 w,   w = P_mo z_o = (P z)_m  (z = 0 at m),
  // i.e. psych's sum minus a |m| x |m| solve per row (|m| = items missing, usually 1-3).
  std::size_t singular_rows = 0;
  if (method == mahalanobis_method::observed) {
    std::vector<Eigen::Index> miss;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (out.df(i) == 0 || out.df(i) == k) continue;
      miss.clear();
      for (Eigen::Index j = 0; j < k; ++j)
        if (std::isnan(values(i, j))) miss.push_back(j);
      const auto mm = static_cast<Eigen::Index>(miss.size());
      Eigen::MatrixXd pmm(mm, mm);
      Eigen::VectorXd w(mm);
      for (Eigen::Index a = 0; a < mm; ++a) {
        w(a) = zs(i, miss[static_cast<std::size_t>(a)]);
        for (Eigen::Index b = 0; b < mm; ++b) pmm(a, b) = inv(miss[static_cast<std::size_t>(a)], miss[static_cast<std::size_t>(b)]);
      }
      const Eigen::PartialPivLU<Eigen::MatrixXd> plu(pmm);
      if (!(plu.rcond() > 1e-12)) {
        out.d2(i) = nan_v;
        ++singular_rows;
        continue;
      }
      out.d2(i) = zs.row(i).dot(z.row(i)) - w.dot(plu.solve(w));
    }
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (out.df(i) == 0) {
      out.d2(i) = nan_v;
      out.p_value(i) = nan_v;
      continue;
    }
    const bool sub_done = method == mahalanobis_method::observed && out.df(i) < k;
    if (!sub_done) out.d2(i) = zs.row(i).dot(z.row(i));
    const double d2 = out.d2(i);
    out.p_value(i) = !std::isfinite(d2) ? nan_v : detail::chi_squared_upper_tail(d2, static_cast<double>(out.df(i)));
  }
  std::size_t no_answer = 0, undefined = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (out.df(i) == 0) {
      ++no_answer;
    } else if (!std::isfinite(out.d2(i))) {
      ++undefined;
    }
  }
  counts.merge({singular_rows, no_answer, undefined});
  return out;
}

std::vector<std::string> mahalanobis_warnings(const mahalanobis_counts& c) {
  std::vector<std::string> w;
  if (c.singular > 0)
    w.push_back("mahalanobis: " + std::to_string(c.singular) +
                " respondent(s) answered a set of items whose covariance sub-matrix is singular: D^2 not computed");
  if (c.no_answer > 0)
    w.push_back("mahalanobis: " + std::to_string(c.no_answer) + " respondent(s) answered no item: D^2 undefined (NaN)");
  if (c.undefined > c.singular)
    w.push_back("mahalanobis: D^2 undefined (NaN) for " + std::to_string(c.undefined - c.singular) +
                " more respondent(s): the covariance matrix is too close to singular for their answers");
  return w;
}

}  // namespace detail

// psych 2.2.9 outlier() (called by careless 1.2.2 R/mahad.R):
//   Sx <- cov(x, use = "pairwise"); Sx.inv <- solve(Sx); x <- scale(x, scale = FALSE)
//   D2 <- rowSums(t(apply(x, 1, function(xx) colSums(xx * Sx.inv, na.rm = TRUE))) * x, na.rm = TRUE)
// i.e. D2 = z' S^-1 z over the answered entries, z centred by colMeans(x, na.rm = TRUE).
// careless drops all-NA rows (NA result); its flag uses df = ncol(x), attune's df = items answered.
// mahalanobis_method::observed (default) instead gives a row with missing answers the D^2 of its
// answered sub-vector, z_o' (S_oo)^-1 z_o (chi-square(|o|) under multivariate normality; the
// usual D^2 under missing data, e.g. Little 1988); both agree on complete rows.
mahalanobis_result mahalanobis(const Eigen::MatrixXd& values, const mahalanobis_options& options) {
  if (values.cols() < 1) fail(errc::insufficient_data, "mahalanobis: no items");
  quality_sample sample(values.cols());
  sample.add(values);
  detail::mahalanobis_model model = detail::make_mahalanobis_model(sample);
  detail::mahalanobis_counts counts;
  mahalanobis_result out = detail::mahalanobis_rows(values, model, options.method, counts);
  out.warnings = detail::mahalanobis_warnings(counts);
  out.covariance = std::move(model.covariance);
  return out;
}

// careless 1.2.2 R/evenodd.R: per factor, mean(even positions, na.rm) and mean(odd positions,
// na.rm); cor(f[,1], f[,2], use = "pairwise.complete.obs"); 2r/(1+r); below -1 -> -1; negated.
evenodd_result evenodd(const Eigen::MatrixXd& keyed, const std::vector<quality_subscale>& subscales) {
  if (subscales.size() < 2)
    fail(errc::insufficient_data, "evenodd: " + std::to_string(subscales.size()) +
                                      " subscale(s); the even-odd index needs at least 2 (careless: 'multiple factors')");
  const Eigen::Index n = keyed.rows();
  for (const auto& s : subscales)
    for (const auto j : s.items)
      if (j < 0 || j >= keyed.cols())
        fail(errc::invalid_argument, "evenodd: subscale " + detail::quoted(s.name) + " names column " + std::to_string(j + 1) +
                                         "; data have " + std::to_string(keyed.cols()));
  evenodd_result out;
  out.value.resize(n);
  out.subscales.resize(n);
  const std::size_t f = subscales.size();
  std::vector<double> ev(f), od(f);
  for (Eigen::Index i = 0; i < n; ++i) {
    std::size_t used = 0;
    for (std::size_t s = 0; s < f; ++s) {
      double se = 0.0, so = 0.0;
      int ne = 0, no = 0;
      const auto& items = subscales[s].items;
      for (std::size_t p = 0; p < items.size(); ++p) {
        const double v = keyed(i, items[p]);
        if (std::isnan(v)) continue;
        if ((p + 1) % 2 == 0) {  // 1-based position even
          se += v;
          ++ne;
        } else {
          so += v;
          ++no;
        }
      }
      if (ne > 0 && no > 0) {
        ev[used] = se / ne;
        od[used] = so / no;
        ++used;
      }
    }
    out.subscales(i) = static_cast<int>(used);
    double r = pearson(ev.data(), od.data(), used);
    if (!std::isnan(r)) {
      r = (2.0 * r) / (1.0 + r);  // Spearman-Brown; r = -1 gives -inf
      if (r < -1.0) r = -1.0;
    }
    out.value(i) = -r;
  }
  return out;
}

Eigen::MatrixXd reverse_key(const Eigen::MatrixXd& values, const quality_design& design) {
  design.validate(values.cols());
  Eigen::MatrixXd out = values;
  std::vector<bool> rev(static_cast<std::size_t>(values.cols()), false);
  for (const auto& s : design.subscales)
    for (std::size_t p = 0; p < s.items.size(); ++p)
      if (s.reversed[p]) rev[static_cast<std::size_t>(s.items[p])] = true;
  for (Eigen::Index j = 0; j < values.cols(); ++j)
    if (rev[static_cast<std::size_t>(j)])
      out.col(j) = (design.item_min(j) + design.item_max(j)) - values.col(j).array();  // NaN stays NaN
  return out;
}

// careless 1.2.2 R/psychsyn.R get_item_pairs: cor(x, use = "pairwise.complete.obs"), lower
// triangle, Freq > |critval| (synonyms) or < -|critval| (antonyms).
std::vector<item_pair> psych_pairs(const Eigen::MatrixXd& values, double critical, bool antonyms) {
  pairwise_moments pm(values.cols());
  pm.add(values);
  return psych_pairs(pm, critical, antonyms);
}

std::vector<item_pair> psych_pairs(const pairwise_moments& pm, double critical, bool antonyms) {
  const double c = std::abs(critical);
  const Eigen::Index k = pm.n_items();
  const Eigen::MatrixXd cor = pm.correlation();  // cor(x, use = "pairwise.complete.obs"); NaN if undefined
  std::vector<item_pair> out;
  for (Eigen::Index l = 0; l < k; ++l)       // R's as.table order: column-major, lower triangle
    for (Eigen::Index j = l + 1; j < k; ++j) {
      const double r = cor(j, l);
      if (antonyms ? r < -c : r > c) out.push_back({j, l, r});
    }
  return out;
}

// careless 1.2.2 R/psychsyn.R syn_for_one: pairs answered on both items; if more than 2,
// cor(itemvalues, use = "pairwise.complete.obs")[1, 2]; NA otherwise (resample_na = FALSE).
psychsyn_result psychsyn(const Eigen::MatrixXd& values, const std::vector<item_pair>& pairs) {
  const Eigen::Index n = values.rows(), k = values.cols();
  for (const auto& p : pairs)
    if (p.first < 0 || p.first >= k || p.second < 0 || p.second >= k)
      fail(errc::invalid_argument, "psychsyn: item pair (" + std::to_string(p.first + 1) + ", " +
                                       std::to_string(p.second + 1) + ") outside the " + std::to_string(k) + " columns");
  psychsyn_result out;
  out.value.resize(n);
  out.pairs.resize(n);
  std::vector<double> a(pairs.size()), b(pairs.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    std::size_t m = 0;
    for (const auto& p : pairs) {
      const double x = values(i, p.first), y = values(i, p.second);
      if (std::isnan(x) || std::isnan(y)) continue;
      a[m] = x;
      b[m] = y;
      ++m;
    }
    out.pairs(i) = static_cast<int>(m);
    out.value(i) = m > 2 ? pearson(a.data(), b.data(), m) : nan_v;
  }
  return out;
}

// attune's own index (no careless equivalent); see docs/quality.md.
Eigen::VectorXd reversal(const Eigen::MatrixXd& values, const quality_design& design) {
  design.validate(values.cols());
  const Eigen::Index n = values.rows();
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double total = 0.0;
    int used = 0;
    for (const auto& s : design.subscales) {
      double sk = 0.0, sr = 0.0;
      int nk = 0, nr = 0;
      for (std::size_t p = 0; p < s.items.size(); ++p) {
        const Eigen::Index j = s.items[p];
        const double v = values(i, j);
        if (std::isnan(v)) continue;
        const double pos = (v - design.item_min(j)) / (design.item_max(j) - design.item_min(j));
        if (s.reversed[p]) {
          sr += pos;
          ++nr;
        } else {
          sk += pos;
          ++nk;
        }
      }
      if (nk > 0 && nr > 0) {
        total += std::abs(sk / nk + sr / nr - 1.0);
        ++used;
      }
    }
    out(i) = used > 0 ? total / used : nan_v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// validation

namespace {
int required_answers(double min_answered, std::size_t k) {
  // ceil(min_answered * k), guarding against 0.8 * 15 = 12.000000000000002.
  return std::max(1, static_cast<int>(std::ceil(min_answered * static_cast<double>(k) - 1e-9)));  // as scoring.cpp
}
}  // namespace

namespace {
// The rows sharing a non-empty id, per id, ordered by their first row.
std::vector<std::vector<Eigen::Index>> duplicate_rows(const std::vector<std::string>& row_ids) {
  std::map<std::string, std::vector<Eigen::Index>> by_id;
  for (std::size_t i = 0; i < row_ids.size(); ++i) {
    if (!row_ids[i].empty()) by_id[row_ids[i]].push_back(static_cast<Eigen::Index>(i));
  }
  std::vector<std::vector<Eigen::Index>> out;
  for (auto& [id, rows] : by_id)
    if (rows.size() > 1) out.push_back(std::move(rows));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return out;
}
}  // namespace

validation_report validate_data(const Eigen::MatrixXd& values, const std::vector<std::string>& row_ids,
                                const quality_design& design, const quality_options& options) {
  options.validate();
  const Eigen::Index n = values.rows(), k = values.cols();
  design.validate(k);
  if (!row_ids.empty() && row_ids.size() != static_cast<std::size_t>(n))
    fail(errc::invalid_argument, "quality: " + std::to_string(row_ids.size()) + " row ids for " +
                                     std::to_string(n) + " rows");
  validation_report rep;
  rep.missing_per_item = Eigen::VectorXi::Zero(k);
  rep.missing_per_respondent = Eigen::VectorXi::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double first = nan_v;
    bool constant = true;
    int answered = 0;
    for (Eigen::Index j = 0; j < k; ++j) {
      const double v = values(i, j);
      if (std::isnan(v)) {
        ++rep.missing_per_item(j);
        ++rep.missing_per_respondent(i);
        continue;
      }
      if (!(v >= design.item_min(j) && v <= design.item_max(j))) rep.out_of_range.push_back({i, j, v});
      if (answered == 0) first = v;
      else if (v != first) constant = false;
      ++answered;
    }
    if (answered < k) ++rep.n_with_missing;
    if (answered == 0) rep.no_answer_rows.push_back(i);
    else if (answered >= 2 && constant) rep.constant_rows.push_back(i);
  }
  // The minimum-answered rule per subscale (scoring's rule; out-of-range answers count as given here).
  std::vector<std::vector<Eigen::Index>> groups;
  for (const auto& s : design.subscales) groups.push_back(s.items);
  if (groups.empty()) {
    groups.emplace_back(static_cast<std::size_t>(k));
    std::iota(groups[0].begin(), groups[0].end(), Eigen::Index{0});
  }
  for (const auto& g : groups) rep.required.push_back(required_answers(options.min_answered, g.size()));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (std::size_t s = 0; s < groups.size(); ++s) {
      int answered = 0;
      for (const auto j : groups[s])
        if (!std::isnan(values(i, j))) ++answered;
      if (answered < rep.required[s]) {
        rep.below_min_answered.push_back(i);
        break;
      }
    }
  }
  if (!row_ids.empty()) rep.duplicate_ids = duplicate_rows(row_ids);
  return rep;
}

// ---------------------------------------------------------------------------------------------
// the sample's statistics

namespace {
std::string hex_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::hex);
  return std::string(buf, r.ptr);
}
}  // namespace

quality_sample::quality_sample(Eigen::Index k)
    : moments_(k), sums_(Eigen::VectorXd::Zero(k)), counts_(Eigen::VectorXd::Zero(k)) {}

void quality_sample::add(const Eigen::Ref<const Eigen::MatrixXd>& answers) {
  moments_.add(answers);  // checks the columns and the values
  const Eigen::Index k = answers.cols();
  if (sums_.size() != k) {  // k taken from the first add
    sums_ = Eigen::VectorXd::Zero(k);
    counts_ = Eigen::VectorXd::Zero(k);
  }
  for (Eigen::Index r0 = 0; r0 < answers.rows(); r0 += detail::mahalanobis_block_rows) {
    const Eigen::Index b = std::min(detail::mahalanobis_block_rows, answers.rows() - r0);
    for (Eigen::Index j = 0; j < k; ++j) {
      double sum = 0.0, count = 0.0;
      for (Eigen::Index i = r0; i < r0 + b; ++i) {
        const double v = answers(i, j);
        if (!std::isnan(v)) {
          sum += v;
          count += 1.0;
        }
      }
      sums_(j) += sum;
      counts_(j) += count;
    }
  }
}

void quality_sample::merge(const quality_sample& other) {
  moments_.merge(other.moments_);  // checks k
  if (other.sums_.size() == 0) return;
  if (sums_.size() == 0) {
    sums_ = other.sums_;
    counts_ = other.counts_;
    return;
  }
  sums_ += other.sums_;
  counts_ += other.counts_;
}

std::string quality_sample::serialize() const {
  std::string out = "attune-quality-sample 1 " + std::to_string(n_items()) + "\nsums";
  for (Eigen::Index j = 0; j < sums_.size(); ++j) out += ' ' + hex_text(sums_(j));
  out += "\ncounts";
  for (Eigen::Index j = 0; j < counts_.size(); ++j) out += ' ' + hex_text(counts_(j));
  out += '\n';
  out += moments_.serialize();
  return out;
}

quality_sample quality_sample::deserialize(std::string_view text) {
  auto fail_at = [](int line, const std::string& what) {
    throw error(errc::bad_input, "quality_sample::deserialize: line " + std::to_string(line) + ": " + what);
  };
  std::string_view rest = text;
  auto next_line = [&](int line) {
    const std::size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) fail_at(line, "the text ends early");
    std::string_view l = rest.substr(0, nl);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    rest.remove_prefix(nl + 1);
    return l;
  };
  const auto head = detail::space_separated_words(next_line(1));
  long long k = -1;
  if (head.size() != 3 || head[0] != "attune-quality-sample" || head[1] != "1" ||
      std::from_chars(head[2].data(), head[2].data() + head[2].size(), k).ptr != head[2].data() + head[2].size() ||
      k < 0 || k > max_serialized_items) {
    fail_at(1, "expected 'attune-quality-sample 1 <k>' with k in 0.." + std::to_string(max_serialized_items));
  }
  auto vector_line = [&](int line, std::string_view name) {
    const auto t = detail::space_separated_words(next_line(line));
    if (t.empty() || t[0] != name || static_cast<long long>(t.size()) != k + 1) {
      fail_at(line, "expected '" + std::string(name) + "' and " + std::to_string(k) + " numbers");
    }
    Eigen::VectorXd v(k);
    for (Eigen::Index j = 0; j < k; ++j) {
      const auto& tok = t[static_cast<std::size_t>(j) + 1];
      double x = 0.0;
      const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), x, std::chars_format::hex);
      if (r.ec != std::errc() || r.ptr != tok.data() + tok.size() || !std::isfinite(x)) {
        fail_at(line, detail::quoted(tok) + " is not a finite hexadecimal floating-point number");
      }
      v(j) = x;
    }
    return v;
  };
  quality_sample s(static_cast<Eigen::Index>(k));
  s.sums_ = vector_line(2, "sums");
  s.counts_ = vector_line(3, "counts");
  s.moments_ = pairwise_moments::deserialize(rest);
  if (s.moments_.n_items() != k) fail_at(4, "the moments hold " + std::to_string(s.moments_.n_items()) + " items, not " + std::to_string(k));
  return s;
}

Eigen::MatrixXd in_range_answers(const Eigen::MatrixXd& values, const quality_design& design) {
  Eigen::MatrixXd x = values;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double lo = design.item_min(j), hi = design.item_max(j);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double v = x(i, j);
      if (!std::isnan(v) && !(v >= lo && v <= hi)) x(i, j) = nan_v;
    }
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// everything

namespace detail {

quality_context make_quality_context(const quality_sample& sample, const quality_design& design,
                                     const quality_options& options) {
  options.validate();
  const Eigen::Index k = sample.n_items();
  if (k < 2) fail(errc::insufficient_data, "quality: " + std::to_string(k) + " item(s); the indices need at least 2");
  if (options.irv_blocks > k)
    fail(errc::invalid_argument, "quality: irv_blocks = " + std::to_string(options.irv_blocks) + " for " +
                                     std::to_string(k) + " items; at most one block per item");
  design.validate(k);
  quality_context c;
  c.design = design;
  c.options = options;
  try {
    c.model = make_mahalanobis_model(sample);
  } catch (const error& e) {
    c.model_error = e.what();
  }
  c.synonyms = psych_pairs(sample.moments(), options.psychsyn_critical, false);
  c.antonyms = psych_pairs(sample.moments(), options.psychant_critical, true);
  c.qchi.assign(static_cast<std::size_t>(k) + 1, nan_v);
  if (!std::isnan(options.mahalanobis_confidence))
    for (Eigen::Index d = 1; d <= k; ++d)
      c.qchi[static_cast<std::size_t>(d)] =
          detail::chi_squared_quantile(options.mahalanobis_confidence, static_cast<double>(d));
  return c;
}

quality_report assess_rows(const Eigen::MatrixXd& values, const quality_context& context, quality_counts& counts) {
  const quality_design& design = context.design;
  const quality_options& options = context.options;
  const Eigen::Index n = values.rows(), k = values.cols();
  quality_report rep;
  rep.validation = validate_data(values, {}, design, options);
  // Out-of-range answers are reported above and left out of the indices.
  const Eigen::MatrixXd x = in_range_answers(values, design);
  counts.out_of_range += rep.validation.out_of_range.size();
  rep.n = n - static_cast<Eigen::Index>(rep.validation.no_answer_rows.size());

  const auto ls = longstring(x);
  rep.longstring = ls.longest;
  rep.longstring_avg = ls.average;
  const Eigen::MatrixXd iv = irv(x, {.blocks = options.irv_blocks});
  rep.irv = iv.col(0);
  rep.irv_blocks = iv.rightCols(options.irv_blocks);

  rep.mahalanobis = Eigen::VectorXd::Constant(n, nan_v);
  rep.mahalanobis_p = Eigen::VectorXd::Constant(n, nan_v);
  rep.mahalanobis_df = Eigen::VectorXi::Zero(n);
  if (context.model) {
    auto md = mahalanobis_rows(x, *context.model, options.mahalanobis_missing, counts.mahalanobis);
    rep.mahalanobis = md.d2;
    rep.mahalanobis_df = md.df;
    rep.mahalanobis_p = md.p_value;
  }

  rep.evenodd = Eigen::VectorXd::Constant(n, nan_v);
  rep.evenodd_subscales = Eigen::VectorXi::Zero(n);
  if (design.subscales.size() >= 2) {
    auto eo = evenodd(reverse_key(x, design), design.subscales);
    rep.evenodd = eo.value;
    rep.evenodd_subscales = eo.subscales;
  }

  auto run_psych = [&](const std::vector<item_pair>& pairs, Eigen::VectorXd& val, Eigen::VectorXi& cnt,
                       std::vector<item_pair>& out_pairs) {
    val = Eigen::VectorXd::Constant(n, nan_v);
    cnt = Eigen::VectorXi::Zero(n);
    out_pairs = pairs;
    if (pairs.empty()) return;
    auto ps = psychsyn(x, pairs);
    val = ps.value;
    cnt = ps.pairs;
  };
  run_psych(context.synonyms, rep.psychsyn, rep.psychsyn_pairs, rep.synonyms);
  run_psych(context.antonyms, rep.psychant, rep.psychant_pairs, rep.antonyms);

  rep.reversal = reversal(x, design);

  // Flags.
  rep.longstring_cutoff = std::isnan(options.longstring_share)
                              ? 0
                              : static_cast<int>(std::ceil(options.longstring_share * static_cast<double>(k) - 1e-9));
  const std::vector<double>& qchi = context.qchi;
  const bool evenodd_on = static_cast<int>(design.subscales.size()) >= options.evenodd_min_subscales;
  const auto bit = [](quality_index q) { return static_cast<std::uint32_t>(q); };
  const auto blocks = irv_block_of_items(k, options.irv_blocks);
  std::vector<int> block_answered(static_cast<std::size_t>(options.irv_blocks), 0);
  rep.flags.assign(static_cast<std::size_t>(n), 0U);
  rep.flagged_by.assign(all_quality_indices().size(), 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    std::uint32_t f = 0U;
    if (rep.longstring_cutoff > 0 && rep.longstring(i) >= rep.longstring_cutoff) f |= bit(quality_index::longstring);
    if (!std::isnan(options.irv_min)) {
      bool low = rep.irv(i) <= options.irv_min;
      // only blocks with at least 3 answers count
      std::fill(block_answered.begin(), block_answered.end(), 0);
      for (Eigen::Index j = 0; j < k; ++j)
        if (!std::isnan(x(i, j))) ++block_answered[static_cast<std::size_t>(blocks[static_cast<std::size_t>(j)])];
      for (Eigen::Index b = 0; b < options.irv_blocks && !low; ++b)
        if (block_answered[static_cast<std::size_t>(b)] >= 3 && rep.irv_blocks(i, b) <= options.irv_min) low = true;
      if (low) f |= bit(quality_index::irv);
    }
    if (!std::isnan(options.irv_max) && rep.irv(i) > options.irv_max) f |= bit(quality_index::irv);
    if (rep.mahalanobis_df(i) > 0 && rep.mahalanobis(i) > qchi[static_cast<std::size_t>(rep.mahalanobis_df(i))])
      f |= bit(quality_index::mahalanobis);
    if (evenodd_on && rep.evenodd_subscales(i) >= options.evenodd_min_subscales && rep.evenodd(i) > options.evenodd_max)
      f |= bit(quality_index::evenodd);
    if (rep.psychsyn(i) < options.psychsyn_min) f |= bit(quality_index::psychsyn);
    if (rep.psychant(i) > options.psychant_max) f |= bit(quality_index::psychant);
    if (rep.reversal(i) >= options.reversal_max) f |= bit(quality_index::reversal);
    rep.flags[static_cast<std::size_t>(i)] = f;
    if (f != 0U) ++rep.n_flagged;
    for (std::size_t q = 0; q < all_quality_indices().size(); ++q)
      if ((f & bit(all_quality_indices()[q])) != 0U) ++rep.flagged_by[q];
  }
  return rep;
}

std::vector<std::string> quality_warnings(const quality_context& context, const quality_counts& counts) {
  const quality_design& design = context.design;
  const quality_options& options = context.options;
  std::vector<std::string> w;
  if (counts.out_of_range > 0)
    w.push_back(std::to_string(counts.out_of_range) +
                " answer(s) outside the item range are treated as missing by the indices");
  if (context.model) {
    for (auto& m : mahalanobis_warnings(counts.mahalanobis)) w.push_back(std::move(m));
  } else {
    w.push_back("mahalanobis not computed: " + context.model_error);
  }
  if (design.subscales.size() < 2) {
    w.push_back("evenodd not computed: " + std::to_string(design.subscales.size()) + " subscale(s); it needs at least 2");
  } else if (static_cast<int>(design.subscales.size()) < options.evenodd_min_subscales) {
    w.push_back("evenodd is not used for flags: " + std::to_string(design.subscales.size()) +
                " subscales, the flag needs " + std::to_string(options.evenodd_min_subscales) +
                " (a correlation over so few points says nothing)");
  }
  if (context.synonyms.empty())
    w.push_back("psychsyn not computed: no item pair correlates above " + number_text(options.psychsyn_critical));
  if (context.antonyms.empty())
    w.push_back("psychant not computed: no item pair correlates below " + number_text(options.psychant_critical));
  bool any_reversed = false;
  for (const auto& s : design.subscales)
    for (std::size_t p = 0; p < s.items.size(); ++p) any_reversed = any_reversed || s.reversed[p];
  if (!any_reversed) w.push_back("reversal not computed: no subscale has reverse-keyed items");
  return w;
}

}  // namespace detail

quality_report assess_quality(const Eigen::MatrixXd& values, const quality_sample& sample, const quality_design& design,
                              const quality_options& options) {
  const detail::quality_context context = detail::make_quality_context(sample, design, options);
  if (values.cols() != sample.n_items())
    fail(errc::invalid_argument, "quality: " + std::to_string(values.cols()) + " data columns for a sample of " +
                                     std::to_string(sample.n_items()) + " items");
  detail::quality_counts counts;
  quality_report rep = detail::assess_rows(values, context, counts);
  rep.warnings = detail::quality_warnings(context, counts);
  return rep;
}

quality_report assess_quality(const Eigen::MatrixXd& values, const quality_design& design,
                              const quality_options& options, const std::vector<std::string>& row_ids) {
  options.validate();
  const Eigen::Index k = values.cols();
  if (k < 2) fail(errc::insufficient_data, "quality: " + std::to_string(k) + " item(s); the indices need at least 2");
  if (options.irv_blocks > k)
    fail(errc::invalid_argument, "quality: irv_blocks = " + std::to_string(options.irv_blocks) + " for " +
                                     std::to_string(k) + " items; at most one block per item");
  design.validate(k);
  if (!row_ids.empty() && row_ids.size() != static_cast<std::size_t>(values.rows()))
    fail(errc::invalid_argument, "quality: " + std::to_string(row_ids.size()) + " row ids for " +
                                     std::to_string(values.rows()) + " rows");
  quality_sample sample(k);
  sample.add(in_range_answers(values, design));
  quality_report rep = assess_quality(values, sample, design, options);
  if (!row_ids.empty()) rep.validation.duplicate_ids = duplicate_rows(row_ids);
  return rep;
}

ATTUNE_END_NAMESPACE
