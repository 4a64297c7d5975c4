#include "attune/study/input.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>

#include "attune/analyses/exact_moments.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress_input.hpp"

ATTUNE_BEGIN_NAMESPACE

responses read_study_data(const std::string& path, const instrument* inst, const input_options& options) {
  options.scoring.validate();
  if (inst == nullptr && options.read.items.empty()) {
    throw error(errc::invalid_argument,
                "without an instrument, items must name the columns that hold the items",
                {.option = "read_options.items", .rule = "items_required"});
  }
  // Through the progress stream: the bytes read are reported as stage "read" (one report per
  // block the CSV reader takes, not per row).
  responses data = detail::read_responses_with_progress(
      path, inst != nullptr ? inst->item_ids() : std::vector<std::string>{}, reading_options(options), options.progress);
  if (data.n_rows() == 0) {
    const std::string name = path == "-" ? "<stdin>" : path;
    throw error(errc::insufficient_data, "no respondents in " + name + ": the file has a header and no data rows",
                {.source = name, .rule = "no_respondents"});
  }
  return data;
}

read_options reading_options(const input_options& options) {
  read_options r = options.read;
  r.extra_columns.insert(r.extra_columns.end(), options.keep.begin(), options.keep.end());
  return r;
}

kept_columns take_kept_columns(const responses& data, const input_options& options) {
  kept_columns k;
  if (options.keep.empty()) return k;
  if (data.extra.size() < options.keep.size()) {
    throw error(errc::invalid_argument,
                "input_options.keep names " + std::to_string(options.keep.size()) + " column(s), but the data carry " +
                    std::to_string(data.extra.size()) + " extra column(s): read them with reading_options(input)",
                {.option = "input_options.keep", .rule = "kept_columns_not_read"});
  }
  k.names = options.keep;
  k.values.assign(data.extra.end() - static_cast<std::ptrdiff_t>(options.keep.size()), data.extra.end());
  return k;
}

std::string id_column_name(const responses& data, const input_options& options) {
  if (data.row_ids.empty()) return {};
  if (data.row_ids.size() != static_cast<std::size_t>(data.n_rows())) {
    throw error(errc::invalid_argument,
                "responses.row_ids has " + std::to_string(data.row_ids.size()) + " ids for " +
                    std::to_string(data.n_rows()) + " rows",
                {.rule = "row_ids_length"});
  }
  return options.read.id_column.empty() ? "id" : options.read.id_column;
}

option_list describe_options(input_options& o) {
  using detail::bound_option;
  read_options& read = o.read;
  scoring_options& scoring = o.scoring;
  return {
      bound_option("items", "read_options.items",
                   "columns holding the items, in instrument order: names, ranges (Q1-Q36) or 1-based positions; "
                   "default: columns named like the item ids",
                   read.items),
      detail::parsed_option(
          "scale", "scoring_options.range",
          "response range of this file, MIN-MAX (e.g. 1-5), when it differs from the instrument's",
          [&scoring](const std::vector<std::string>& t) {
            const std::string text = t.empty() ? std::string() : t.front();
            auto r = parse_response_range(text);
            if (!r)
              detail::refuse_option_text("scale", "scoring_options.range", text,
                                         "expected MIN-MAX with MIN < MAX, e.g. 1-7");
            scoring.range = *r;
          },
          std::nullopt, false, "MIN-MAX"),
      detail::parsed_option(
          "missing", "read_options.missing_codes",
          "cell values that mean no answer, e.g. 0,99 (empty cells and NA always do)",
          [&read](const std::vector<std::string>& codes) {
            std::vector<double> values;
            for (const auto& code : codes) {
              double v = 0.0;
              if (!parse_cell(code, {}, v) || std::isnan(v)) {
                detail::refuse_option_text("missing", "read_options.missing_codes", code,
                                           "a missing code must be a number");
              }
              values.push_back(v);
            }
            read.missing_codes = std::move(values);
          },
          std::nullopt, /*list=*/true),
      bound_option("id", "read_options.id_column", "column holding respondent ids, copied to the output",
                   read.id_column),
      bound_option("keep", "input_options.keep",
                   "columns carried through to every respondent's output row (score, classify, quality, change), e.g. "
                   "age,gender,condition (names or 1-based positions)",
                   o.keep),
      bound_option("skip-rows", "read_options.skip_rows",
                   "rows after the header that are not data (a Qualtrics export has 2: question texts, ImportIds)",
                   read.skip_rows, {0, 1000000}),
      detail::parsed_option(
          "delimiter", "csv_options.delimiter", "field delimiter: ',' ';' or 'tab' (default: detected)",
          [&read](const std::vector<std::string>& t) {
            const std::string text = t.empty() ? std::string() : t.front();
            if (text == "tab" || text == "\\t" || text == "\t") {
              read.csv.delimiter = '\t';
            } else if (text == "," || text == ";") {
              read.csv.delimiter = text[0];
            } else {
              detail::refuse_option_text("delimiter", "csv_options.delimiter", text, "use ',', ';' or tab");
            }
          }),
      bound_option("min-answered", "scoring_options.min_answered",
                   "share of a subscale's items that must be answered for a score, in (0, 1]", scoring.min_answered),
      detail::parsed_option(
          "out-of-range", "scoring_options.out_of_range", "what an answer outside the range is: error or missing",
          [&scoring](const std::vector<std::string>& t) {
            const std::string text = t.empty() ? std::string() : t.front();
            if (text == "error") {
              scoring.out_of_range = out_of_range_policy::error;
            } else if (text == "missing") {
              scoring.out_of_range = out_of_range_policy::set_missing;
            } else {
              detail::refuse_option_text("out-of-range", "scoring_options.out_of_range", text, "use error or missing");
            }
          },
          std::string(scoring.out_of_range == out_of_range_policy::error ? "error" : "missing")),
      bound_option("max-record-bytes", "csv_options.max_record_bytes",
                   "longest CSV record (and so field) accepted, in bytes (default 16 MiB)", read.csv.max_record_bytes,
                   {64, 4.0e18}),
      bound_option("max-columns", "csv_options.max_columns", "widest CSV header accepted (default 10000 columns)",
                   read.csv.max_columns, {1, 1.0e18}),
      detail::toggle_option("no-sanity-warnings", "input_options.sanity_warnings",
                            "no warnings about answers inside a narrower range than declared, or about subscales whose "
                            "keyed items give a negative alpha or item-rest correlation",
                            o.sanity_warnings, false),
  };
}

instrument columns_as_scale(const responses& data, const input_options& options, const std::vector<std::string>& reversed) {
  instrument inst;
  inst.id = "custom";
  inst.name = "the data's item columns as one scale";
  if (options.scoring.range) {
    inst.range = *options.scoring.range;
  } else {
    if (!reversed.empty()) {
      throw error(errc::invalid_argument,
                  "reverse keys need the response range (reversed answers are min + max - x): set scoring_options.range",
                  {.option = "scoring_options.range", .rule = "range_required"});
    }
    // No declared range: the answers' own span, so that no answer can be out of range.
    const auto& v = data.values;
    double lo = INFINITY, hi = -INFINITY;
    for (Eigen::Index i = 0; i < v.size(); ++i) {
      const double x = v.data()[i];
      if (std::isnan(x)) continue;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    if (!(lo < hi)) {  // no answer, or all equal: any range that holds them
      lo = std::isfinite(lo) ? lo : 0.0;
      hi = lo + 1.0;
    }
    inst.range = {lo, hi};
  }
  std::set<std::string> left(reversed.begin(), reversed.end());
  subscale s;
  s.name = "scale";
  s.label = "scale";
  for (std::size_t j = 0; j < data.item_ids.size(); ++j) {
    item it;
    it.id = data.item_ids[j];
    it.reversed = left.erase(it.id) > 0;
    inst.items.push_back(it);
    s.items.push_back(it.id);
  }
  if (!left.empty()) {
    throw error(errc::invalid_argument, "reversed item '" + *left.begin() + "' is not one of the item columns",
                {.item = *left.begin(), .option = "reversed", .rule = "unknown_item"});
  }
  inst.subscales.push_back(std::move(s));
  return inst;
}

namespace {

// A subscale's keyed answers over the rows that answered every one of its items ("complete
// rows"): the count, and per item the sums of y_i, y_i^2 and y_i t, with the sums of t and t^2,
// where y_i is the keyed answer minus `shift` and t = sum_i y_i the row's total. Alpha and the
// item-rest correlations need only var_i, cov(y_i, t) and var(t) (Cronbach 1951; the item-rest
// covariance is cov(y_i, t) - var_i), so O(k) per row instead of the k x k pairwise co-moments:
// the check cost half of `attune score`'s time that way. A chunk's sums are formed in double (Eigen's
// vectorised reductions, exact for integer answers while every partial sum stays below 2^53)
// and added to long double totals: for integer (Likert) answers every total is an exact integer,
// so chunks, threads and shards give the same totals in any grouping.
struct keyed_sums {
  std::int64_t n = 0;
  std::vector<long double> sum, sum_sq, cross;  // per item: y_i, y_i^2, y_i t
  long double total = 0, total_sq = 0;          // t, t^2

  explicit keyed_sums(std::size_t k = 0) : sum(k, 0), sum_sq(k, 0), cross(k, 0) {}

  // Adds the rows of `keyed` (b x k keyed answers, NaN = missing) that answer every item.
  void add(const Eigen::MatrixXd& keyed, double shift) {
    const Eigen::Index b = keyed.rows(), k = keyed.cols();
    Eigen::ArrayXd t = keyed.rowwise().sum().array() - static_cast<double>(k) * shift;  // NaN: a missing answer
    Eigen::ArrayXd complete(b), z(b);
    for (Eigen::Index r = 0; r < b; ++r) {
      complete(r) = t(r) == t(r) ? 1.0 : 0.0;
      t(r) = t(r) == t(r) ? t(r) : 0.0;
    }
    const double rows = complete.sum();
    if (rows == 0.0) return;
    for (Eigen::Index j = 0; j < k; ++j) {
      // z = the answer, `shift` where it is missing (so that y = z - shift is 0 there and finite):
      // a choice on the answer alone, rarely taken, then Eigen's vectorised reductions weighted by
      // `complete`. (Choosing on `complete` instead, true for a random 70% of the rows with 2%
      // missing answers, mispredicted a third of the time and tripled the cost.)
      const double* x = keyed.col(j).data();
      for (Eigen::Index r = 0; r < b; ++r) z(r) = x[r] == x[r] ? x[r] : shift;
      const auto y = (z - shift) * complete;
      const auto u = static_cast<std::size_t>(j);
      sum[u] += y.sum();
      sum_sq[u] += (y * (z - shift)).sum();
      cross[u] += (y * t).sum();
    }
    n += static_cast<std::int64_t>(rows);
    total += t.sum();
    total_sq += t.square().sum();
  }
  void merge(const keyed_sums& o) {
    n += o.n;
    for (std::size_t i = 0; i < sum.size(); ++i) {
      sum[i] += o.sum[i];
      sum_sq[i] += o.sum_sq[i];
      cross[i] += o.cross[i];
    }
    total += o.total;
    total_sq += o.total_sq;
  }
};

}  // namespace

struct answer_checks::state {
  const instrument* inst = nullptr;
  input_options options;
  response_range declared;
  double shift = 0.0;  // an integer near the declared range's middle: the sums stay small, integers stay integers
  double lo = INFINITY, hi = -INFINITY;
  std::size_t n_answers = 0;
  std::int64_t rows = 0;                           // rows added
  std::vector<keyed_sums> sums;                    // per subscale (no items where it is not checked)
  std::vector<std::optional<pairwise_moments>> given;  // per subscale, from use_moments

  [[nodiscard]] bool checked(std::size_t k) const {
    const std::size_t items = inst->subscales[k].items.size();
    return items >= 2 && items <= sanity_max_items;
  }
};

answer_checks::answer_checks(const instrument& inst, const input_options& options) : s_(std::make_unique<state>()) {
  s_->inst = &inst;
  s_->options = options;
  s_->declared = options.scoring.range.value_or(inst.range);
  const double middle = std::floor((s_->declared.min + s_->declared.max) / 2);
  s_->shift = std::isfinite(middle) && std::abs(middle) <= exact_max_answer ? middle : 0.0;
  for (std::size_t k = 0; k < inst.subscales.size(); ++k) {
    s_->sums.emplace_back(s_->checked(k) ? inst.subscales[k].items.size() : 0);
    s_->given.emplace_back();
  }
}
answer_checks::~answer_checks() = default;
answer_checks::answer_checks(answer_checks&&) noexcept = default;
answer_checks& answer_checks::operator=(answer_checks&&) noexcept = default;

void answer_checks::add_answers(const responses& data) {
  if (!s_->options.sanity_warnings) return;
  const Eigen::MatrixXd& v = data.values;
  // Eigen's vectorised reductions; PropagateNumbers skips NaN (missing answers). The span is the
  // same in any order except between -0 and +0, which compare equal: where an end is zero, the
  // sequential loop below decides which zero came first.
  const auto x = v.reshaped().array();
  const std::size_t n_answered = v.size() == 0 ? 0 : static_cast<std::size_t>((x == x).count());
  double low = s_->lo, high = s_->hi;
  if (n_answered > 0) {
    low = std::min(low, x.minCoeff<Eigen::PropagateNumbers>());
    high = std::max(high, x.maxCoeff<Eigen::PropagateNumbers>());
  }
  if (low == 0.0 || high == 0.0) {
    low = s_->lo;
    high = s_->hi;
    for (Eigen::Index r = 0; r < v.size(); ++r) {
      const double y = v.data()[r];
      if (std::isnan(y)) continue;
      low = std::min(low, y);
      high = std::max(high, y);
    }
  }
  s_->lo = low;
  s_->hi = high;
  s_->n_answers += n_answered;
}

void answer_checks::use_moments(std::size_t index, const pairwise_moments& keyed) {
  if (!s_->options.sanity_warnings || index >= s_->given.size() || !s_->checked(index)) return;
  const subscale& sub = s_->inst->subscales[index];
  if (keyed.n_items() < static_cast<Eigen::Index>(sub.items.size())) {
    throw error(errc::invalid_argument, "answer_checks::use_moments: " + std::to_string(keyed.n_items()) +
                                            " columns for subscale '" + sub.name + "' of " +
                                            std::to_string(sub.items.size()) + " items");
  }
  s_->given[index] = keyed;
}

void answer_checks::add(const responses& data) {
  if (!s_->options.sanity_warnings) return;
  add_answers(data);
  s_->rows += static_cast<std::int64_t>(data.values.rows());
  for (std::size_t k = 0; k < s_->inst->subscales.size(); ++k) {
    if (!s_->checked(k)) continue;
    s_->sums[k].add(keyed_items(*s_->inst, s_->inst->subscales[k], data.values, s_->options.scoring), s_->shift);
  }
}

void answer_checks::merge(const answer_checks& other) {
  if (!s_->options.sanity_warnings) return;
  const state& o = *other.s_;
  if (o.sums.size() != s_->sums.size()) {
    throw error(errc::invalid_argument, "answer_checks::merge: checks of another instrument");
  }
  s_->lo = std::min(s_->lo, o.lo);
  s_->hi = std::max(s_->hi, o.hi);
  s_->n_answers += o.n_answers;
  s_->rows += o.rows;
  for (std::size_t k = 0; k < s_->sums.size(); ++k) {
    s_->sums[k].merge(o.sums[k]);
    if (s_->given[k].has_value() != o.given[k].has_value()) {
      // one side's moments cover its rows, the other's rows would be missing from them
      throw error(errc::invalid_argument, "answer_checks::merge: subscale '" + s_->inst->subscales[k].name +
                                              "' has moments from use_moments on one side only");
    }
    if (s_->given[k]) s_->given[k]->merge(*o.given[k]);
  }
}

namespace {

// What the checks of one subscale judge, from either source of moments: the item variances, each
// item's covariance with the total, the total's variance (any common scale), and the rows behind them.
struct keyed_spread {
  Eigen::VectorXd var, cov_total;
  double var_total = 0.0;
  double rows = 0.0;
  [[nodiscard]] bool usable() const {
    return rows >= sanity_min_rows && var.allFinite() && cov_total.allFinite() && std::isfinite(var_total) &&
           var.minCoeff() > 0;
  }
};

keyed_spread spread_of(const pairwise_moments& pm, Eigen::Index k) {
  keyed_spread s;
  s.rows = pm.counts().topLeftCorner(k, k).minCoeff();
  const Eigen::MatrixXd c = pm.covariance().topLeftCorner(k, k);
  s.var = c.diagonal();
  s.cov_total = c.rowwise().sum();
  s.var_total = c.sum();
  return s;
}

// Centred sums n q - s t over n (Welford's M2 from raw sums; exact integers give the exact value
// up to the final rounding): the variance and covariances times n - 1.
keyed_spread spread_of(const keyed_sums& ks) {
  keyed_spread s;
  const auto k = static_cast<Eigen::Index>(ks.sum.size());
  const long double n = static_cast<long double>(ks.n);
  s.rows = static_cast<double>(ks.n);
  s.var.resize(k);
  s.cov_total.resize(k);
  if (ks.n == 0) return s;
  for (Eigen::Index i = 0; i < k; ++i) {
    const auto u = static_cast<std::size_t>(i);
    s.var(i) = static_cast<double>(ks.sum_sq[u] - ks.sum[u] * ks.sum[u] / n);
    s.cov_total(i) = static_cast<double>(ks.cross[u] - ks.sum[u] * ks.total / n);
  }
  s.var_total = static_cast<double>(ks.total_sq - ks.total * ks.total / n);
  return s;
}

}  // namespace

std::vector<warning> answer_checks::warnings(const std::string& source) const {
  std::vector<warning> out;
  if (!s_->options.sanity_warnings) return out;
  using detail::number_text;
  const std::string where = source.empty() || source == "-" ? "the data" : source;
  const response_range& d = s_->declared;
  if (s_->n_answers >= sanity_min_answers && (s_->lo > d.min || s_->hi < d.max)) {
    out.emplace_back("every answer in " + where + " lies in " + number_text(s_->lo) + "-" + number_text(s_->hi) +
                  ", inside the declared response range " + number_text(d.min) + "-" + number_text(d.max) +
                  " (" + std::to_string(s_->n_answers) + " answers): if the answers are on a " + number_text(s_->lo) +
                  "-" + number_text(s_->hi) + " scale, give scoring_options.range = " + number_text(s_->lo) + "-" +
                  number_text(s_->hi) + " (reverse keying uses min + max - x = " + number_text(d.min + d.max) +
                  " - x on " + number_text(d.min) + "-" + number_text(d.max) +
                  "); silence this check with input_options.sanity_warnings = false",
                  "scoring_options.range");
  }
  for (std::size_t k = 0; k < s_->inst->subscales.size(); ++k) {
    if (!s_->checked(k)) continue;
    const subscale& sub = s_->inst->subscales[k];
    const auto n_sub = static_cast<Eigen::Index>(sub.items.size());  // (use_moments may give more columns)
    const keyed_spread c = s_->given[k] ? spread_of(*s_->given[k], n_sub) : spread_of(s_->sums[k]);
    if (!c.usable()) continue;
    const double n_items = static_cast<double>(sub.items.size());
    const double alpha = n_items / (n_items - 1) * (1 - c.var.sum() / c.var_total);
    std::string finding;
    if (alpha < 0) finding = "alpha is " + number_text(alpha, 3);
    std::string negative;
    std::optional<std::string> first_negative;  // the warning's item: the first with a negative item-rest r
    if (sub.items.size() >= 3) {
      for (Eigen::Index i = 0; i < n_sub; ++i) {
        // item-rest correlation: cov(x_i, rest) / sqrt(var_i var_rest), rest = total - x_i
        const double cov_rest = c.cov_total(i) - c.var(i);
        const double var_rest = c.var_total - 2 * c.cov_total(i) + c.var(i);
        const double r = cov_rest / std::sqrt(c.var(i) * var_rest);
        if (r < 0) {
          negative += (negative.empty() ? "" : ", ") + sub.items[static_cast<std::size_t>(i)] + " (" + number_text(r, 2) + ")";
          if (!first_negative) first_negative = sub.items[static_cast<std::size_t>(i)];
        }
      }
    }
    if (!negative.empty()) finding += (finding.empty() ? "" : ", and ") + std::string("the item-rest correlation is negative for ") + negative;
    if (finding.empty()) continue;
    // Without use_moments the sums cover the rows that answered every item of the subscale.
    const std::string over = !s_->given[k] && s_->sums[k].n < s_->rows
                                 ? " (over the " + std::to_string(s_->sums[k].n) + " of " + std::to_string(s_->rows) +
                                       " rows that answered all its items)"
                                 : "";
    warning w("subscale '" + sub.name + "' of " + where + ": " + finding + over +
                  " after keying: a wrong key or an item that should (or should not) be reversed; check the "
                  "instrument's reverse keys and how the data are coded (silence this check with "
                  "input_options.sanity_warnings = false)",
              "input_options.sanity_warnings");
    w.item = first_negative;
    out.push_back(std::move(w));
  }
  return out;
}

namespace {
std::string hex_text(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::hex).ptr);
}
// A long double as two doubles, high part and remainder: exact for x87's 64-bit significand.
std::string long_text(long double v) {
  const auto high = static_cast<double>(v);
  return hex_text(high) + " " + hex_text(std::isfinite(high) ? static_cast<double>(v - high) : 0.0);
}
}  // namespace

std::string answer_checks::serialize() const {
  // One line per subscale: its complete rows and sums; then its given moments, length-prefixed
  // ("moments 0" for none) so that they are read back from exactly their bytes.
  std::string out = "attune-answer-checks 2 " + std::to_string(s_->sums.size()) + " " + hex_text(s_->lo) + " " +
                    hex_text(s_->hi) + " " + std::to_string(s_->n_answers) + " " + std::to_string(s_->rows) + "\n";
  for (std::size_t k = 0; k < s_->sums.size(); ++k) {
    const keyed_sums& ks = s_->sums[k];
    out += "sums " + std::to_string(ks.sum.size()) + " " + std::to_string(ks.n) + " " + long_text(ks.total) + " " +
           long_text(ks.total_sq);
    for (const auto* v : {&ks.sum, &ks.sum_sq, &ks.cross}) {
      for (const long double x : *v) out += " " + long_text(x);
    }
    const std::string given = s_->given[k] ? s_->given[k]->serialize() : std::string();
    out += "\nmoments " + std::to_string(given.size()) + "\n" + given;
  }
  return out;
}

void answer_checks::restore(std::string_view text) {
  auto fail = [](const std::string& what) { return error(errc::bad_input, "answer checks state: " + what); };
  std::size_t pos = 0;
  std::string where = "line 1: ";  // where an error is: the head line, then "subscale K: "
  auto line = [&]() {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) throw fail("the text ends early");
    const std::string_view l = text.substr(pos, nl - pos);
    pos = nl + 1;
    return std::string(l);
  };
  auto number = [&](const std::string& tok) {
    double v = 0.0;
    const auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v, std::chars_format::hex);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size()) throw fail(where + "bad number '" + tok + "'");
    return v;
  };
  std::istringstream head(line());
  std::string magic, version, lo, hi;
  std::size_t n_scales = 0, n_answers = 0;
  std::int64_t rows = -1;
  head >> magic >> version >> n_scales >> lo >> hi >> n_answers >> rows;
  if (!head || magic != "attune-answer-checks" || version != "2" || rows < 0) {
    throw fail("line 1: expected 'attune-answer-checks 2 <subscales> <lo> <hi> <answers> <rows>'");
  }
  if (n_scales != s_->sums.size()) {
    throw fail("line 1: " + std::to_string(n_scales) + " subscales; the instrument has " + std::to_string(s_->sums.size()));
  }
  const double lo_v = number(lo), hi_v = number(hi);
  std::vector<keyed_sums> sums;
  std::vector<std::optional<pairwise_moments>> given;
  for (std::size_t k = 0; k < n_scales; ++k) {
    where = "subscale " + std::to_string(k + 1) + ": ";
    std::istringstream in(line());
    std::string word;
    std::size_t items = 0;
    std::int64_t n = -1;
    in >> word >> items >> n;
    const std::size_t expected = s_->sums[k].sum.size();
    if (!in || word != "sums" || items != expected || n < 0 || n > rows) {
      throw fail(where + "expected 'sums " + std::to_string(expected) + " <rows>' (at most " + std::to_string(rows) +
                 " rows) and the sums");
    }
    auto value = [&]() -> long double {
      std::string high, low;
      if (!(in >> high >> low)) throw fail(where + "the sums end early");
      return static_cast<long double>(number(high)) + static_cast<long double>(number(low));
    };
    keyed_sums ks(items);
    ks.n = n;
    ks.total = value();
    ks.total_sq = value();
    for (auto* v : {&ks.sum, &ks.sum_sq, &ks.cross}) {
      for (long double& x : *v) x = value();
    }
    if (in >> word) throw fail(where + "unexpected text after the sums");
    sums.push_back(std::move(ks));
    const std::string l = line();
    std::size_t bytes = 0;
    const auto res = std::from_chars(l.data() + std::min<std::size_t>(8, l.size()), l.data() + l.size(), bytes);
    if (l.compare(0, 8, "moments ") != 0 || res.ec != std::errc() || res.ptr != l.data() + l.size() ||
        bytes > text.size() - pos) {
      throw fail(where + "expected 'moments <bytes>' and that many bytes");
    }
    given.emplace_back();
    if (bytes > 0) {
      given.back() = pairwise_moments::deserialize(text.substr(pos, bytes));
      if (given.back()->n_items() < static_cast<Eigen::Index>(s_->inst->subscales[k].items.size())) {
        throw fail(where + "moments of " + std::to_string(given.back()->n_items()) + " items; it has " +
                   std::to_string(s_->inst->subscales[k].items.size()));
      }
      pos += bytes;
    }
  }
  if (pos != text.size()) throw fail("unexpected text after the last subscale");
  s_->lo = lo_v;
  s_->hi = hi_v;
  s_->n_answers = n_answers;
  s_->rows = rows;
  s_->sums = std::move(sums);
  s_->given = std::move(given);
}

void check_answers(const instrument& inst, const responses& data, const input_options& options,
                   std::vector<warning>& warnings) {
  answer_checks checks(inst, options);
  checks.add(data);
  const auto w = checks.warnings(data.source);
  warnings.insert(warnings.end(), w.begin(), w.end());
}

void check_answers(const instrument& inst, const responses& data, const input_options& options,
                   std::vector<std::string>& warnings) {
  std::vector<warning> w;
  check_answers(inst, data, options, w);
  for (auto& x : w) warnings.push_back(std::move(x.message));
}

ATTUNE_END_NAMESPACE
