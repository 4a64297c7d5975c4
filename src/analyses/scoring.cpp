#include "attune/analyses/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace {

using detail::number_text;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string range_text(const response_range& r) { return number_text(r.min) + "-" + number_text(r.max); }

// A subscale resolved to column positions, reverse keys and ranges.
struct keyed_column {
  Eigen::Index column;
  bool reversed;
  response_range range;
};

std::vector<keyed_column> resolve(const instrument& inst, const subscale& s, const scoring_options& options) {
  std::vector<keyed_column> out;
  out.reserve(s.items.size());
  for (const auto& id : s.items) {
    const auto i = static_cast<std::size_t>(inst.item_index(id));
    out.push_back({static_cast<Eigen::Index>(i), inst.is_reversed(s, id), item_range(inst, i, options)});
  }
  return out;
}

int required_answers(const scoring_options& options, std::size_t k) {
  // ceil with a guard against 0.8 * 5 = 4.000000000000001
  const double need = options.min_answered * static_cast<double>(k) - 1e-9;
  return std::max(1, static_cast<int>(std::ceil(need)));
}

// Values of composite `c` from the scores computed so far (columns named in `names`).
void score_composites(const instrument& inst, Eigen::MatrixXd& scores, std::size_t n_subscales) {
  const auto names = inst.score_names();
  for (std::size_t ci = 0; ci < inst.composites.size(); ++ci) {
    const composite& c = inst.composites[ci];
    const auto target = static_cast<Eigen::Index>(n_subscales + ci);
    scores.col(target).setZero();
    for (std::size_t p = 0; p < c.parts.size(); ++p) {
      const auto part = static_cast<Eigen::Index>(std::find(names.begin(), names.end(), c.parts[p]) - names.begin());
      const double w = c.method == composite::rule::mean ? 1.0 / static_cast<double>(c.parts.size())
                                                         : (c.weights.empty() ? 1.0 : c.weights[p]);
      scores.col(target) += w * scores.col(part);  // NaN in any part makes the composite NaN
    }
  }
}

}  // namespace

void scoring_options::validate() const {
  if (!(min_answered > 0.0 && min_answered <= 1.0)) {
    throw error(errc::invalid_argument, "scoring_options.min_answered = " + number_text(min_answered) +
                                            ": must be in (0, 1] (a share of a subscale's items)",
                {.value = number_text(min_answered), .option = "scoring_options.min_answered", .rule = "min_answered_range"});
  }
  if (range && !(std::isfinite(range->min) && std::isfinite(range->max) && range->min < range->max)) {
    throw error(errc::invalid_argument,
                "scoring_options.range = " + range_text(*range) + ": min must be below max",
                {.value = range_text(*range), .option = "scoring_options.range", .rule = "range_order"});
  }
}

response_range item_range(const instrument& inst, std::size_t i, const scoring_options& options) noexcept {
  if (options.range) return *options.range;
  if (i < inst.items.size() && inst.items[i].range) return *inst.items[i].range;
  return inst.range;
}

namespace {

std::string unscored_warning(std::size_t unscored, int need, std::size_t k, const std::string& name) {
  return std::to_string(unscored) + " respondent" + (unscored == 1 ? "" : "s") + " answered fewer than " +
         std::to_string(need) + " of the " + std::to_string(k) + " items of " + detail::quoted(name) + ": not scored";
}

std::string out_of_range_warning(std::size_t n_bad) {
  return std::to_string(n_bad) + " answer" + (n_bad == 1 ? "" : "s") +
         " outside the response range treated as missing";
}

struct out_of_range_scan {
  std::size_t count = 0;
  Eigen::Index first_row = -1;  // the first offending answer in reading order
  Eigen::Index first_col = -1;
};

out_of_range_scan scan_ranges(const instrument& inst, const Eigen::MatrixXd& values, const scoring_options& options) {
  const Eigen::Index n = values.rows(), k = values.cols();
  out_of_range_scan scan;
  // First a branch-free count (NaN compares false both ways, so missing answers are not counted);
  // only when some value is out of range, a second pass finds the first one.
  for (Eigen::Index j = 0; j < k; ++j) {
    const response_range r = item_range(inst, static_cast<std::size_t>(j), options);
    const double* col = values.col(j).data();
    // Two double counters (exact up to 2^53), so that the compiler can use one SIMD register.
    double bad0 = 0.0, bad1 = 0.0;
    Eigen::Index i = 0;
    for (; i + 1 < n; i += 2) {
      bad0 += (col[i] < r.min || col[i] > r.max) ? 1.0 : 0.0;
      bad1 += (col[i + 1] < r.min || col[i + 1] > r.max) ? 1.0 : 0.0;
    }
    if (i < n) bad0 += (col[i] < r.min || col[i] > r.max) ? 1.0 : 0.0;
    scan.count += static_cast<std::size_t>(bad0 + bad1);
  }
  if (scan.count == 0) return scan;
  Eigen::Index bad_row = n;
  for (Eigen::Index j = 0; j < k; ++j) {
    const response_range r = item_range(inst, static_cast<std::size_t>(j), options);
    const double* col = values.col(j).data();
    for (Eigen::Index i = 0; i < n && i < bad_row; ++i) {
      const double x = col[i];
      if (!std::isnan(x) && !(x >= r.min && x <= r.max)) {
        bad_row = i;
        scan.first_row = i;
        scan.first_col = j;
        break;
      }
    }
  }
  return scan;
}

[[noreturn]] void throw_out_of_range(const instrument& inst, const responses& data, const scoring_options& options,
                                     const out_of_range_scan& scan) {
  const auto j = static_cast<std::size_t>(scan.first_col);
  const std::string column = j < data.columns.size() ? data.columns[j] : inst.items[j].id;
  const std::string value = number_text(data.values(scan.first_row, scan.first_col));
  error_details where = data.at(scan.first_row);
  where.column = column;
  where.item = inst.items[j].id;
  where.value = value;
  where.option = "scoring_options.range";
  where.rule = "out_of_range";
  throw error(errc::bad_input,
              data.where(scan.first_row) + ", column " + detail::quoted(column) + ": value " + value +
                  " is outside the response range " + range_text(item_range(inst, j, options)),
              std::move(where));
}

void set_out_of_range_missing(const instrument& inst, Eigen::MatrixXd& values, const scoring_options& options) {
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    const response_range r = item_range(inst, static_cast<std::size_t>(j), options);
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
      const double x = values(i, j);
      if (!std::isnan(x) && !(x >= r.min && x <= r.max)) values(i, j) = kNaN;
    }
  }
}

void check_columns(const instrument& inst, const responses& data, const char* who) {
  if (static_cast<std::size_t>(data.values.cols()) != inst.items.size()) {
    throw error(errc::invalid_argument, std::string(who) + ": the data have " + std::to_string(data.values.cols()) +
                                            " item columns, instrument " + detail::quoted(inst.id) + " has " +
                                            std::to_string(inst.items.size()) + " items");
  }
}

}  // namespace

std::size_t apply_range_rule(const instrument& inst, responses& data, const scoring_options& options) {
  options.validate();
  check_columns(inst, data, "apply_range_rule");
  const out_of_range_scan scan = scan_ranges(inst, data.values, options);
  if (scan.count == 0) return 0;
  if (options.out_of_range == out_of_range_policy::error) throw_out_of_range(inst, data, options, scan);
  set_out_of_range_missing(inst, data.values, options);
  return scan.count;
}

score_table score(const instrument& inst, const responses& data, const scoring_options& options) {
  options.validate();
  check_columns(inst, data, "score");
  const Eigen::Index n = data.values.rows();
  const out_of_range_scan scan = scan_ranges(inst, data.values, options);
  const std::size_t n_bad = scan.count;
  const Eigen::MatrixXd* values = &data.values;
  Eigen::MatrixXd cleaned;
  if (n_bad > 0) {
    if (options.out_of_range == out_of_range_policy::error) throw_out_of_range(inst, data, options, scan);
    cleaned = data.values;
    set_out_of_range_missing(inst, cleaned, options);
    values = &cleaned;
  }

  score_table out;
  out.names = inst.score_names();
  out.n_out_of_range = n_bad;
  const std::size_t n_sub = inst.subscales.size();
  out.scores.resize(n, static_cast<Eigen::Index>(out.names.size()));
  out.answered.resize(n, static_cast<Eigen::Index>(n_sub));
  Eigen::VectorXd sum(n);
  Eigen::VectorXd count(n);  // answers per respondent (exact small integers)
  for (std::size_t s = 0; s < n_sub; ++s) {
    const subscale& sub = inst.subscales[s];
    const auto cols = resolve(inst, sub, options);
    const int need = required_answers(options, cols.size());
    out.required.push_back(need);
    sum.setZero();
    count.setZero();
    for (const auto& kc : cols) {  // column by column: sequential memory access
      const double* col = values->col(kc.column).data();
      // keyed value = offset + sign * x: x, or min + max - x when reversed (both exact).
      const double offset = kc.reversed ? kc.range.min + kc.range.max : 0.0;
      const double sign = kc.reversed ? -1.0 : 1.0;
      const double lo = kc.range.min;
      double* sum_data = sum.data();
      double* count_data = count.data();
      // Branch-free, so that it vectorises. Every value here is NaN or within [min, max] (checked
      // or cleaned above), so `x >= min` is "answered". A missing answer adds 0 * (keyed min) = 0:
      // the sums are exactly those of adding the answered values alone.
      for (Eigen::Index i = 0; i < n; ++i) {
        const double x = col[i];
        const double answered = x >= lo ? 1.0 : 0.0;
        const double y = x >= lo ? x : lo;
        sum_data[i] += answered * (offset + sign * y);
        count_data[i] += answered;
      }
    }
    std::size_t unscored = 0;
    const auto k_s = static_cast<double>(cols.size());
    for (Eigen::Index i = 0; i < n; ++i) {
      out.answered(i, static_cast<Eigen::Index>(s)) = static_cast<int>(count[i]);
      if (count[i] < need) {
        out.scores(i, static_cast<Eigen::Index>(s)) = kNaN;
        ++unscored;
        continue;
      }
      const double mean = sum[i] / count[i];
      // A sum with missing answers is prorated (mean of the answered items x number of items),
      // so that it is not biased downwards; with every item answered it is the plain sum.
      out.scores(i, static_cast<Eigen::Index>(s)) = inst.scoring == scoring_method::mean ? mean : mean * k_s;
    }
    out.n_items.push_back(static_cast<int>(cols.size()));
    if (unscored > 0) out.warnings.push_back(unscored_warning(unscored, need, cols.size(), sub.name));
  }
  score_composites(inst, out.scores, n_sub);
  if (n_bad > 0) out.warnings.push_back(out_of_range_warning(n_bad));
  return out;
}

respondent_scores score_respondent(const instrument& inst, std::span<const double> answers,
                                   const scoring_options& options) {
  if (answers.size() != inst.items.size()) {
    throw error(errc::invalid_argument, "score_respondent: " + std::to_string(answers.size()) +
                                            " answers given, instrument " + detail::quoted(inst.id) + " has " +
                                            std::to_string(inst.items.size()) + " items");
  }
  responses one;
  one.values = Eigen::Map<const Eigen::RowVectorXd>(answers.data(), static_cast<Eigen::Index>(answers.size()));
  one.source = "respondent";
  one.columns = inst.item_ids();
  const score_table t = score(inst, one, options);
  respondent_scores r;
  r.names = t.names;
  r.scores.assign(t.scores.data(), t.scores.data() + t.scores.size());
  r.answered.assign(t.answered.data(), t.answered.data() + t.answered.size());
  r.n_out_of_range = t.n_out_of_range;
  return r;
}

Eigen::MatrixXd keyed_items(const instrument& inst, const subscale& s, const Eigen::MatrixXd& values,
                            const scoring_options& options) {
  if (static_cast<std::size_t>(values.cols()) != inst.items.size()) {
    throw error(errc::invalid_argument, "keyed_items: the data have " + std::to_string(values.cols()) +
                                            " item columns, instrument " + detail::quoted(inst.id) + " has " +
                                            std::to_string(inst.items.size()) + " items");
  }
  const auto cols = resolve(inst, s, options);
  Eigen::MatrixXd out(values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const auto& kc = cols[j];
    if (kc.reversed) {
      out.col(static_cast<Eigen::Index>(j)) = (kc.range.min + kc.range.max) - values.col(kc.column).array();
    } else {
      out.col(static_cast<Eigen::Index>(j)) = values.col(kc.column);
    }
  }
  return out;
}

ATTUNE_END_NAMESPACE

ATTUNE_BEGIN_NAMESPACE

score_summary::score_summary(std::vector<std::string> names)
    : names_(std::move(names)),
      n_(names_.size(), 0),
      missing_(names_.size(), 0),
      mean_(names_.size(), 0.0),
      m2_(names_.size(), 0.0),
      min_(names_.size(), std::numeric_limits<double>::infinity()),
      max_(names_.size(), -std::numeric_limits<double>::infinity()) {}

void score_summary::add(const score_table& t) {
  if (t.names != names_) throw error(errc::invalid_argument, "score_summary::add: the score names differ");
  for (std::size_t c = 0; c < names_.size(); ++c) {
    const auto col = t.scores.col(static_cast<Eigen::Index>(c));
    for (Eigen::Index i = 0; i < col.size(); ++i) {
      const double x = col[i];
      if (std::isnan(x)) {
        ++missing_[c];
        continue;
      }
      ++n_[c];  // Welford (1962)
      const double delta = x - mean_[c];
      mean_[c] += delta / static_cast<double>(n_[c]);
      m2_[c] += delta * (x - mean_[c]);
      min_[c] = std::min(min_[c], x);
      max_[c] = std::max(max_[c], x);
    }
  }
  if (required_.empty()) {
    required_ = t.required;
    n_items_ = t.n_items;
  }
  n_rows_ += static_cast<std::size_t>(t.scores.rows());
  n_out_of_range_ += t.n_out_of_range;
}

std::vector<score_summary::column> score_summary::columns() const {
  std::vector<column> out;
  for (std::size_t c = 0; c < names_.size(); ++c) {
    column col;
    col.name = names_[c];
    col.n_scored = n_[c];
    col.n_unscored = missing_[c];
    col.mean = n_[c] > 0 ? mean_[c] : kNaN;
    col.sd = n_[c] > 1 ? std::sqrt(m2_[c] / static_cast<double>(n_[c] - 1)) : kNaN;
    col.min = n_[c] > 0 ? min_[c] : kNaN;
    col.max = n_[c] > 0 ? max_[c] : kNaN;
    out.push_back(col);
  }
  return out;
}

std::vector<std::string> score_summary::warnings() const {
  std::vector<std::string> out;
  for (std::size_t c = 0; c < required_.size() && c < names_.size(); ++c) {
    if (missing_[c] > 0) {
      out.push_back(unscored_warning(missing_[c], required_[c], static_cast<std::size_t>(n_items_[c]), names_[c]));
    }
  }
  if (n_out_of_range_ > 0) out.push_back(out_of_range_warning(n_out_of_range_));
  return out;
}

ATTUNE_END_NAMESPACE
