#include "attune/study/input.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>

#include "attune/analyses/exact_moments.hpp"
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

struct answer_checks::state {
  const instrument* inst = nullptr;
  input_options options;
  response_range declared;
  double lo = INFINITY, hi = -INFINITY;
  std::size_t n_answers = 0;
  std::vector<pairwise_moments> scales;  // keyed items of each subscale
  // While the keyed answers are integers (Likert data), their exact sums instead: cheaper than the
  // floating-point moments, above all with missing answers (half of `attune score`'s CPU time went
  // to them), and the same whatever the chunks. `scales[k]` is used once `exact[k]` is empty.
  std::vector<std::optional<exact_moments>> exact;
  std::vector<bool> skipped;             // subscales whose moments could not be formed

  // Subscale k's moments, floating point.
  [[nodiscard]] pairwise_moments moments(std::size_t k) const {
    return exact[k] ? exact[k]->to_moments() : scales[k];
  }
  // Subscale k from now on in floating point.
  void make_floating(std::size_t k) {
    if (!exact[k]) return;
    scales[k] = moments(k);
    exact[k].reset();
  }
};

answer_checks::answer_checks(const instrument& inst, const input_options& options) : s_(std::make_unique<state>()) {
  s_->inst = &inst;
  s_->options = options;
  s_->declared = options.scoring.range.value_or(inst.range);
  // the alpha check of a subscale costs k x k moments: long scales (k > sanity_max_items) skip it
  for (const auto& sub : inst.subscales) {
    const bool checked = sub.items.size() >= 2 && sub.items.size() <= sanity_max_items;
    s_->scales.emplace_back(checked ? static_cast<Eigen::Index>(sub.items.size()) : Eigen::Index{1});
    s_->exact.emplace_back();
    if (checked) s_->exact.back().emplace(static_cast<Eigen::Index>(sub.items.size()), false);
  }
}
answer_checks::~answer_checks() = default;
answer_checks::answer_checks(answer_checks&&) noexcept = default;
answer_checks& answer_checks::operator=(answer_checks&&) noexcept = default;

void answer_checks::add_answers(const responses& data) {
  if (!s_->options.sanity_warnings) return;
  const Eigen::MatrixXd& v = data.values;
  // Local accumulators: the answers are doubles, as `lo` and `hi` are, so updating the members
  // in the loop would store and reload them at every answer (they might alias).
  // Four independent lanes, branch-free: a NaN compares false both ways, so it changes neither
  // end (std::min(lo, x) is x < lo ? x : lo, the same selection). The span is the same in any
  // order except between -0 and +0, which compare equal: where an end is zero, the sequential
  // loop decides which zero came first.
  const double* x = v.data();
  const Eigen::Index n = v.size();
  double lo[4] = {s_->lo, s_->lo, s_->lo, s_->lo}, hi[4] = {s_->hi, s_->hi, s_->hi, s_->hi};
  double answered[4] = {0.0, 0.0, 0.0, 0.0};  // exact up to 2^53
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int l = 0; l < 4; ++l) {
      const double y = x[i + l];
      lo[l] = y < lo[l] ? y : lo[l];
      hi[l] = y > hi[l] ? y : hi[l];
      answered[l] += y == y ? 1.0 : 0.0;
    }
  }
  for (; i < n; ++i) {
    const double y = x[i];
    lo[0] = y < lo[0] ? y : lo[0];
    hi[0] = y > hi[0] ? y : hi[0];
    answered[0] += y == y ? 1.0 : 0.0;
  }
  double low = std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3]));
  double high = std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]));
  if (low == 0.0 || high == 0.0) {
    low = s_->lo;
    high = s_->hi;
    for (Eigen::Index r = 0; r < n; ++r) {
      if (std::isnan(x[r])) continue;
      low = std::min(low, x[r]);
      high = std::max(high, x[r]);
    }
  }
  s_->lo = low;
  s_->hi = high;
  s_->n_answers += static_cast<std::size_t>(answered[0] + answered[1] + answered[2] + answered[3]);
}

void answer_checks::use_moments(std::size_t index, const pairwise_moments& keyed) {
  if (!s_->options.sanity_warnings || index >= s_->scales.size()) return;
  const subscale& sub = s_->inst->subscales[index];
  if (sub.items.size() < 2 || sub.items.size() > sanity_max_items) return;
  if (keyed.n_items() < static_cast<Eigen::Index>(sub.items.size())) {
    throw error(errc::invalid_argument, "answer_checks::use_moments: " + std::to_string(keyed.n_items()) +
                                            " columns for subscale '" + sub.name + "' of " +
                                            std::to_string(sub.items.size()) + " items");
  }
  s_->scales[index] = keyed;
  s_->exact[index].reset();
  if (index < s_->skipped.size()) s_->skipped[index] = false;
}

void answer_checks::add(const responses& data) {
  if (!s_->options.sanity_warnings) return;
  add_answers(data);
  const Eigen::MatrixXd& v = data.values;
  for (std::size_t k = 0; k < s_->inst->subscales.size(); ++k) {
    const subscale& sub = s_->inst->subscales[k];
    if (sub.items.size() < 2 || sub.items.size() > sanity_max_items) continue;
    try {
      const Eigen::MatrixXd keyed = keyed_items(*s_->inst, sub, v, s_->options.scoring);
      if (s_->exact[k] && s_->exact[k]->add(keyed)) continue;
      s_->make_floating(k);
      s_->scales[k].add(keyed);
    } catch (const error&) {
      // answers too large for sums of squares (1e200): the analyses say so; the check is skipped
      s_->exact[k].reset();
      s_->scales[k] = pairwise_moments(static_cast<Eigen::Index>(sub.items.size()));
      s_->skipped.resize(s_->inst->subscales.size(), false);
      s_->skipped[k] = true;
    }
  }
}

void answer_checks::merge(const answer_checks& other) {
  if (!s_->options.sanity_warnings) return;
  const state& o = *other.s_;
  s_->lo = std::min(s_->lo, o.lo);
  s_->hi = std::max(s_->hi, o.hi);
  s_->n_answers += o.n_answers;
  for (std::size_t k = 0; k < s_->scales.size() && k < o.scales.size(); ++k) {
    const bool skipped = k < o.skipped.size() && o.skipped[k];
    if (skipped) {
      s_->skipped.resize(s_->inst->subscales.size(), false);
      s_->skipped[k] = true;
    }
    if (k < s_->skipped.size() && s_->skipped[k]) continue;  // the check is skipped: no moments needed
    if (s_->exact[k] && o.exact[k] && s_->exact[k]->merge(*o.exact[k])) continue;
    s_->make_floating(k);
    s_->scales[k].merge(o.moments(k));
  }
}

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
    const subscale& sub = s_->inst->subscales[k];
    if (sub.items.size() < 2 || sub.items.size() > sanity_max_items || (k < s_->skipped.size() && s_->skipped[k])) continue;
    const pairwise_moments pm = s_->moments(k);
    const auto n_sub = static_cast<Eigen::Index>(sub.items.size());  // (use_moments may give more columns)
    const Eigen::MatrixXd counts = pm.counts().topLeftCorner(n_sub, n_sub);
    if (!(counts.minCoeff() >= sanity_min_rows)) continue;
    const Eigen::MatrixXd c = pm.covariance().topLeftCorner(n_sub, n_sub);
    if (!c.allFinite() || !(c.diagonal().minCoeff() > 0)) continue;
    const double n_items = static_cast<double>(sub.items.size());
    const double total = c.sum();
    const double alpha = n_items / (n_items - 1) * (1 - c.trace() / total);
    std::string finding;
    if (alpha < 0) finding = "alpha is " + number_text(alpha, 3);
    std::string negative;
    std::optional<std::string> first_negative;  // the warning's item: the first with a negative item-rest r
    if (sub.items.size() >= 3) {
      for (Eigen::Index i = 0; i < c.rows(); ++i) {
        // item-rest correlation from the covariances: cov(x_i, rest) / sqrt(var_i var_rest)
        const double cov_rest = c.row(i).sum() - c(i, i);
        const double var_rest = total - 2 * c.row(i).sum() + c(i, i);
        const double r = cov_rest / std::sqrt(c(i, i) * var_rest);
        if (r < 0) {
          negative += (negative.empty() ? "" : ", ") + sub.items[static_cast<std::size_t>(i)] + " (" + number_text(r, 2) + ")";
          if (!first_negative) first_negative = sub.items[static_cast<std::size_t>(i)];
        }
      }
    }
    if (!negative.empty()) finding += (finding.empty() ? "" : ", and ") + std::string("the item-rest correlation is negative for ") + negative;
    if (finding.empty()) continue;
    warning w("subscale '" + sub.name + "' of " + where + ": " + finding +
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
}  // namespace

std::string answer_checks::serialize() const {
  // Length-prefixed sections: each subscale's moments are read back from exactly their bytes.
  std::string out = "attune-answer-checks 1 " + std::to_string(s_->scales.size()) + " " + hex_text(s_->lo) + " " +
                    hex_text(s_->hi) + " " + std::to_string(s_->n_answers) + "\nskipped ";
  for (std::size_t k = 0; k < s_->scales.size(); ++k) out += k < s_->skipped.size() && s_->skipped[k] ? '1' : '0';
  out += '\n';
  for (std::size_t k = 0; k < s_->scales.size(); ++k) {
    const std::string text = s_->moments(k).serialize();
    out += "moments " + std::to_string(text.size()) + "\n" + text;
  }
  return out;
}

void answer_checks::restore(std::string_view text) {
  auto fail = [](const std::string& what) { return error(errc::bad_input, "answer checks state: " + what); };
  std::size_t pos = 0;
  auto line = [&]() {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) throw fail("the text ends early");
    const std::string_view l = text.substr(pos, nl - pos);
    pos = nl + 1;
    return std::string(l);
  };
  std::istringstream head(line());
  std::string magic, version, lo, hi;
  std::size_t n_scales = 0, n_answers = 0;
  head >> magic >> version >> n_scales >> lo >> hi >> n_answers;
  if (!head || magic != "attune-answer-checks" || version != "1") {
    throw fail("line 1: expected 'attune-answer-checks 1 <subscales> <lo> <hi> <answers>'");
  }
  if (n_scales != s_->scales.size()) {
    throw fail("line 1: " + std::to_string(n_scales) + " subscales; the instrument has " + std::to_string(s_->scales.size()));
  }
  auto number = [&](const std::string& tok) {
    double v = 0.0;
    const auto res = std::from_chars(tok.data(), tok.data() + tok.size(), v, std::chars_format::hex);
    if (res.ec != std::errc() || res.ptr != tok.data() + tok.size()) throw fail("line 1: bad number '" + tok + "'");
    return v;
  };
  const double lo_v = number(lo), hi_v = number(hi);
  const std::string skipped = line();
  if (skipped.size() != 8 + n_scales || skipped.compare(0, 8, "skipped ") != 0 ||
      skipped.find_first_not_of("01", 8) != std::string::npos) {
    throw fail("line 2: expected 'skipped' and one 0 or 1 per subscale");
  }
  std::vector<pairwise_moments> scales;
  for (std::size_t k = 0; k < n_scales; ++k) {
    const std::string l = line();
    std::size_t bytes = 0;
    const auto res = std::from_chars(l.data() + std::min<std::size_t>(8, l.size()), l.data() + l.size(), bytes);
    if (l.compare(0, 8, "moments ") != 0 || res.ec != std::errc() || res.ptr != l.data() + l.size() ||
        bytes > text.size() - pos) {
      throw fail("subscale " + std::to_string(k + 1) + ": expected 'moments <bytes>' and that many bytes");
    }
    scales.push_back(pairwise_moments::deserialize(text.substr(pos, bytes)));
    if (scales.back().n_items() != s_->scales[k].n_items()) {
      throw fail("subscale " + std::to_string(k + 1) + ": moments of " + std::to_string(scales.back().n_items()) +
                 " items; expected " + std::to_string(s_->scales[k].n_items()));
    }
    pos += bytes;
  }
  if (pos != text.size()) throw fail("unexpected text after the last subscale");
  s_->lo = lo_v;
  s_->hi = hi_v;
  s_->n_answers = n_answers;
  s_->scales = std::move(scales);
  for (auto& e : s_->exact) e.reset();
  s_->skipped.assign(n_scales, false);
  for (std::size_t k = 0; k < n_scales; ++k) s_->skipped[k] = skipped[8 + k] == '1';
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
