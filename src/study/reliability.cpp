#include "attune/study/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <system_error>
#include <vector>

#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "attune/study/state.hpp"
#include "data/chunk_pipeline.hpp"
#include "detail/magnitude.hpp"
#include "detail/memory.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress.hpp"
#include "detail/progress_input.hpp"
#include "detail/parallel.hpp"
#include "study/state_fingerprint.hpp"

ATTUNE_BEGIN_NAMESPACE

void reliability_study_options::validate() const {
  input.scoring.validate();
  reliability.validate();
  if (omega_bootstrap < 0 || omega_bootstrap == 1) {
    throw error(errc::invalid_argument,
                "reliability_study_options.omega_bootstrap = " + std::to_string(omega_bootstrap) +
                    ": use 0 (no interval) or at least 2 replicates",
                {.value = std::to_string(omega_bootstrap), .option = "reliability_study_options.omega_bootstrap"});
  }
}

option_list describe_options(reliability_study_options& o) {
  using detail::bound_option;
  reliability_options& r = o.reliability;
  // The intervals, the bootstrap replicates and omega's intervals as given (whatever the order they
  // are set in): a bootstrap interval without replicates takes 1000; replicates without a
  // bootstrap interval (and without omega's) add the percentile interval; omega's take the
  // replicates given, else 1000.
  struct request {
    std::vector<ci_method> intervals;
    int bootstrap = 0;
    bool omega = false;
  };
  auto q = std::make_shared<request>(request{r.intervals, r.bootstrap, o.omega_bootstrap > 0});
  const auto apply = [&o, &r, q] {
    r.intervals.clear();
    for (ci_method m : q->intervals) {
      if (std::find(r.intervals.begin(), r.intervals.end(), m) == r.intervals.end()) r.intervals.push_back(m);
    }
    const bool boot_ci = std::any_of(r.intervals.begin(), r.intervals.end(), [](ci_method m) {
      return m == ci_method::bootstrap_percentile || m == ci_method::bootstrap_bca;
    });
    r.bootstrap = q->bootstrap > 0 ? q->bootstrap : (boot_ci ? 1000 : 0);
    if (!boot_ci && q->bootstrap > 0 && !q->omega) r.intervals.push_back(ci_method::bootstrap_percentile);
    o.omega_bootstrap = q->omega ? (q->bootstrap > 0 ? q->bootstrap : 1000) : 0;
  };
  const std::string methods = "feldt, feldt_1965, normal_theory, adf, bonett_wright, bootstrap_percentile, bootstrap_bca";
  option_info bootstrap = bound_option("bootstrap", "reliability_options.bootstrap", "bootstrap replicates (default 1000 when a bootstrap interval is requested)", q->bootstrap, {0, 100000});
  bootstrap.set = [set = bootstrap.set, apply](const std::vector<std::string>& t) { set(t); apply(); };
  option_info omega = bound_option("omega-ci", "reliability_study_options.omega_bootstrap", "also bootstrap intervals of omega total and omega_h (a factor analysis per replicate: slow)", q->omega);
  omega.set = [q, apply](const std::vector<std::string>&) { q->omega = true; apply(); };
  return {
      detail::choice_option("missing-method", "reliability_options.missing", "pairwise (psych's default) or listwise", r.missing, parse_missing_method, {"pairwise", "listwise"}),
      detail::parsed_option("ci", "reliability_options.intervals", "interval methods for alpha: " + methods + " (or none)",
                            [q, apply, methods](const std::vector<std::string>& texts) {
                              q->intervals.clear();
                              for (const auto& name : texts) {
                                if (name.empty() || name == "none") continue;
                                const auto m = parse_ci_method(name);
                                if (!m) detail::refuse_option_text("ci", "reliability_options.intervals", name, "use " + methods + " or none");
                                q->intervals.push_back(*m);
                              }
                              apply();
                            }, "feldt,bonett_wright", true),
      bound_option("level", "reliability_options.level", "confidence level, in (0, 1)", r.level),
      detail::choice_option("interval-n", "reliability_options.n_for_intervals", "N for ase and the analytic intervals: effective or rows (psych's row count)", r.n_for_intervals, parse_interval_n, {"effective", "rows"}),
      bootstrap,
      bound_option("seed", "reliability_options.seed", "seed of the bootstrap and of sampled split-halves", r.seed),
      bound_option("reverse", "reliability_study_options.reversed", "reverse-keyed columns of the items scale (needs scale)", o.reversed),
      bound_option("ordinal", "reliability_study_options.ordinal", "also ordinal alpha from polychoric correlations", o.ordinal),
      omega,
      bound_option("icc", "reliability_study_options.icc", "also intraclass correlations of the scale's columns as raters or occasions (test-retest: items score_t1,score_t2)", o.icc),
  };
}

namespace {

// Omega total of a one-factor model, and psych's default bifactor omega where the scale has
// enough items for 3 group factors: ((k - 3)^2 - (k + 3)) / 2 >= 0 degrees of freedom, k >= 6.
// The bootstrap interval of omega total (n_factors = 1: the one-factor model) or of omega_h
// (n_factors = 3): BCa where it is defined, the percentile interval otherwise (with a warning).
// Rows are resampled from `rows` (the complete rows under listwise deletion, as the estimate).
std::optional<confidence_interval> omega_interval(const Eigen::MatrixXd& rows, int n_factors,
                                                  const reliability_study_options& o, std::vector<warning>& warnings) {
  omega_bootstrap_options bo;
  bo.omega.n_factors = n_factors;
  bo.replicates = o.omega_bootstrap;
  bo.level = o.reliability.level;
  bo.seed = o.reliability.seed;
  bo.threads = o.reliability.threads;
  bo.progress = o.input.progress;
  const char* what = n_factors == 1 ? "omega total" : "omega hierarchical";
  try {
    const omega_bootstrap_result b = omega_bootstrap(rows, bo);
    for (const auto& w : b.warnings) warnings.push_back(std::string(what) + " bootstrap: " + w);
    const confidence_interval& bca = n_factors == 1 ? b.total_bca : b.hierarchical_bca;
    if (bca.finite()) return bca;
    warnings.push_back(std::string(what) + ": the BCa interval is undefined; the percentile interval is given");
    return n_factors == 1 ? b.total_percentile : b.hierarchical_percentile;
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    warnings.push_back(std::string(what) + ": no bootstrap interval: " + e.what());
    return std::nullopt;
  }
}

// The columns with variance: alpha leaves a constant item out (with a warning), and so does omega,
// in the estimate (r.correlation holds the kept items) and in the bootstrap (issue 12).
Eigen::MatrixXd varying_columns(const Eigen::MatrixXd& keyed) {
  std::vector<Eigen::Index> keep;
  for (Eigen::Index j = 0; j < keyed.cols(); ++j) {
    double lo = INFINITY, hi = -INFINITY;
    for (Eigen::Index i = 0; i < keyed.rows(); ++i) {
      if (std::isnan(keyed(i, j))) continue;
      lo = std::min(lo, keyed(i, j));
      hi = std::max(hi, keyed(i, j));
    }
    if (hi > lo) keep.push_back(j);
  }
  return keyed(Eigen::all, keep);
}

omega_estimates omega_of(const reliability_result& r, const Eigen::MatrixXd& all_items, const reliability_study_options& o) {
  constexpr Eigen::Index kMinItemsForBifactor = 6;
  const auto n = static_cast<Eigen::Index>(r.n_rows);
  Eigen::MatrixXd rows;  // what the bootstrap resamples
  const Eigen::MatrixXd keyed = o.omega_bootstrap > 0 ? varying_columns(all_items) : Eigen::MatrixXd();
  if (o.omega_bootstrap > 0) {
    if (o.reliability.missing == missing_method::listwise) {
      std::vector<Eigen::Index> complete;
      for (Eigen::Index i = 0; i < keyed.rows(); ++i) {
        if (!keyed.row(i).array().isNaN().any()) complete.push_back(i);
      }
      rows = keyed(complete, Eigen::all);
    } else {
      rows = keyed;
    }
  }
  omega_estimates out;
  const omega_single_result one = omega_single_factor(r.correlation, n);
  out.total = one.omega_total;
  out.warnings.assign(one.warnings.begin(), one.warnings.end());
  if (o.omega_bootstrap > 0) out.total_ci = omega_interval(rows, 1, o, out.warnings);
  if (r.n_items < kMinItemsForBifactor) {
    out.warnings.push_back("omega hierarchical needs at least " + std::to_string(kMinItemsForBifactor) +
                           " items for 3 group factors; this scale has " + std::to_string(r.n_items));
    return out;
  }
  try {
    out.hierarchical = omega(r.correlation, n, omega_options{});
    for (const auto& w : out.hierarchical->warnings) out.warnings.push_back("omega hierarchical: " + w);
    if (o.omega_bootstrap > 0) out.hierarchical_ci = omega_interval(rows, 3, o, out.warnings);
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    out.warnings.push_back(std::string("omega hierarchical not available: ") + e.what());
  }
  return out;
}

// Ordinal alpha where the answers are integer categories (at most 8, as polychoric's maximum).
std::optional<double> ordinal_alpha_of(const Eigen::MatrixXd& keyed, int threads, const progress_options& progress,
                                       std::vector<warning>& warnings) {
  bool integer = true;
  double lo = INFINITY, hi = -INFINITY;
  for (Eigen::Index i = 0; i < keyed.size(); ++i) {
    const double v = keyed.data()[i];
    if (std::isnan(v)) continue;
    integer = integer && v == std::round(v);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!integer || !(hi > lo) || hi - lo + 1 > 8) {
    warnings.push_back("ordinal alpha needs integer answers with 2 to 8 categories");
    return std::nullopt;
  }
  try {
    polychoric_options po;
    po.threads = threads;
    po.standard_errors = false;
    po.progress = progress;
    const ordinal_reliability_result o = ordinal_reliability(keyed, po);
    // the polychoric warnings (corrected or renormalised pair tables, smoothing) qualify the
    // ordinal alpha: they go with it (issue 12)
    for (const auto& w : o.warnings) warnings.push_back("ordinal alpha: " + w);
    return o.ordinal_alpha;
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    warnings.push_back(std::string("ordinal alpha not available: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace

namespace {

void check(const instrument* given, const reliability_study_options& options) {
  options.validate();
  if (given != nullptr && !options.reversed.empty()) {
    throw error(errc::invalid_argument,
                "reverse keys are given for the data's columns as one scale; instrument '" + given->id +
                    "' has its own keys",
                {.option = "reliability_study_options.reversed", .rule = "reversed_with_instrument"});
  }
}

}  // namespace

reliability_study study_reliability(const instrument* given, responses data, const reliability_study_options& options) {
  check(given, options);
  const instrument custom = given == nullptr ? columns_as_scale(data, options.input, options.reversed) : instrument{};
  const instrument& inst = given != nullptr ? *given : custom;
  reliability_study out;
  if (given != nullptr) out.instrument = inst.id;
  out.n_rows = static_cast<std::size_t>(data.n_rows());
  out.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  {
    // As the file path does: pairwise alphas hand their moments to the checks (the warning then
    // repeats the alpha printed); listwise ones leave them to the checks' complete rows.
    answer_checks checks(inst, options.input);
    if (options.reliability.missing == missing_method::pairwise) {
      checks.add_answers(data);
      for (std::size_t k = 0; k < inst.subscales.size(); ++k) {
        const subscale& sub = inst.subscales[k];
        if (sub.items.size() < 2 || sub.items.size() > sanity_max_items || !options.input.sanity_warnings) continue;
        pairwise_moments keyed(static_cast<Eigen::Index>(sub.items.size()));
        try {
          keyed.add(keyed_items(inst, sub, data.values, options.input.scoring));
        } catch (const error&) {
          continue;  // answers too large for sums of squares (1e200): the analysis says so, the check is skipped
        }
        checks.use_moments(k, keyed);
      }
    } else {
      checks.add(data);
    }
    const auto checked = checks.warnings(data.source);
    out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  }
  for (const auto& s : inst.subscales) {
    if (s.items.size() < 2 && given != nullptr) {
      out.warnings.push_back("subscale '" + s.name + "' has one item: no internal consistency");
      continue;
    }
    scale_reliability sr;
    sr.name = s.name;
    for (const auto& id : s.items) {
      const auto idx = static_cast<std::size_t>(inst.item_index(id));
      sr.items.push_back(idx < data.columns.size() ? data.columns[idx] : id);
      if (inst.is_reversed(s, id)) sr.reversed.push_back(sr.items.back());
    }
    const Eigen::MatrixXd keyed = keyed_items(inst, s, data.values, options.input.scoring);
    reliability_options ro = options.reliability;
    ro.item_names = sr.items;
    ro.progress = options.input.progress;
    try {
      sr.reliability = analyze_reliability(keyed, ro);
    } catch (const error& e) {
      throw e.with_context("scale '" + s.name + "': ");
    }
    try {
      sr.omega = omega_of(sr.reliability, keyed, options);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      sr.warnings.push_back(std::string("omega not available: ") + e.what());
    }
    if (options.ordinal) sr.ordinal_alpha = ordinal_alpha_of(varying_columns(keyed), options.reliability.threads,
                                                        options.input.progress, sr.warnings);
    if (options.icc) {
      try {
        sr.icc = analyze_icc(keyed, icc_options{.level = options.reliability.level});
        for (const auto& w : sr.icc->warnings) sr.warnings.push_back("ICC: " + w);
      } catch (const error& e) {
        sr.warnings.push_back(std::string("ICC not available: ") + e.what());
      }
    }
    out.scales.push_back(std::move(sr));
  }
  if (out.scales.empty()) {
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no subscale with at least 2 items",
                {.rule = "no_scale"});
  }
  return out;
}

namespace {

// What only the whole matrix gives: the bootstrap resamples rows, ADF needs the fourth moments of
// the complete rows, ordinal alpha (the polychorics) and the ICC read the rows; and standard input,
// which cannot be read twice (a scale with an item without variance needs a second pass, below).
// Everything else streams, in memory that does not depend on N.
bool needs_rows(const std::string& path, const reliability_study_options& o) {
  const auto& ro = o.reliability;
  const bool raw_interval = std::any_of(ro.intervals.begin(), ro.intervals.end(), [](ci_method m) {
    return m == ci_method::adf || m == ci_method::bootstrap_percentile || m == ci_method::bootstrap_bca;
  });
  return path == "-" || raw_interval || o.omega_bootstrap > 0 || o.ordinal || o.icc;
}

// One chunk's contribution: its rows, the range rule's count (or its error), the answer checks,
// and per scale the reliability accumulator of its keyed items (or the first value whose square
// a double cannot hold, column by column, its row counted in the whole data).
struct chunk_state {
  std::size_t n_rows = 0;
  std::size_t n_out_of_range = 0;
  std::exception_ptr range_error;
  double lo = INFINITY, hi = -INFINITY;  // the answers' span (a scale without a declared range)
  std::optional<answer_checks> checks;
  std::vector<reliability_accumulator> scales;
  std::vector<std::optional<detail::unsafe_value>> unsafe;
};

// The instrument of the data's own columns before any row is read: the header gives the items.
// Without a declared range the whole-matrix path takes the answers' span, which only the sanity
// check's message uses (no answer lies outside it, and there are no reverse keys without a
// range); until the span is known the scale takes every finite value.
instrument streaming_scale(const response_reader& reader, const reliability_study_options& o, bool with_reversed) {
  responses head;
  for (const std::size_t c : reader.item_columns()) head.item_ids.push_back(reader.header()[c]);
  head.columns = head.item_ids;
  instrument inst = columns_as_scale(head, o.input, with_reversed ? o.reversed : std::vector<std::string>{});
  if (!o.input.scoring.range) {
    inst.range = {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max()};
  }
  return inst;
}

struct stream_scale {
  const subscale* sub = nullptr;
  std::size_t index = 0;  // in the instrument's subscales
  std::vector<std::string> names;
};

// Reads the file through the chunk pipeline and accumulates every scale (`columns[t]`: the keyed
// columns of scale t to keep, all when empty; `listwise_all`: under listwise deletion, the rows
// complete on all of the scale's items, before the columns are kept).
struct stream_pass {
  std::size_t n_rows = 0;
  chunk_state total;
  std::exception_ptr range_error;
};

stream_pass read_pass(const std::string& path, const instrument* given, const instrument& inst,
                      const std::vector<stream_scale>& scales, const std::vector<std::vector<Eigen::Index>>& columns,
                      bool with_checks, const reliability_study_options& options) {
  const missing_method missing = options.reliability.missing;
  const bool share_moments = missing == missing_method::pairwise;
  const bool track_span = given == nullptr && !options.input.scoring.range;
  // rows before the first data row (the whole-matrix path counts the matrix rows from 1)
  const std::size_t first_data_row = options.input.read.skip_rows + 1;
  auto columns_of = [&](std::size_t t) {
    return columns[t].empty() ? static_cast<Eigen::Index>(scales[t].sub->items.size())
                              : static_cast<Eigen::Index>(columns[t].size());
  };
  stream_pass pass;
  pass.total.checks.emplace(inst, options.input);
  for (std::size_t t = 0; t < scales.size(); ++t) pass.total.scales.emplace_back(columns_of(t), missing);
  pass.total.unsafe.resize(scales.size());
  // The bytes read are reported as stage "read" (a second pass as "read_pass2"), on this thread.
  const detail::chunk_file file{.path = path,
                                .item_ids = given != nullptr ? given->item_ids() : std::vector<std::string>{},
                                .read = reading_options(options.input),
                                .progress = options.input.progress,
                                .stage = with_checks ? "read" : "read_pass2"};
  detail::for_each_chunk<chunk_state>(
      file, {.chunk_rows = detail::stream_chunk_rows, .threads = options.reliability.threads},
      [&](responses& data, chunk_state& part) {
        part.n_rows = static_cast<std::size_t>(data.n_rows());
        part.range_error = nullptr;
        part.lo = INFINITY;
        part.hi = -INFINITY;
        if (track_span) {
          for (Eigen::Index i = 0; i < data.values.size(); ++i) {
            const double x = data.values.data()[i];
            if (std::isnan(x)) continue;
            part.lo = std::min(part.lo, x);
            part.hi = std::max(part.hi, x);
          }
        }
        try {
          part.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
        } catch (const error&) {
          part.range_error = std::current_exception();  // after the whole file is read, as ever
          return;
        }
        part.checks.reset();
        if (with_checks) {
          part.checks.emplace(inst, options.input);
          if (share_moments) {
            part.checks->add_answers(data);
          } else {
            part.checks->add(data);
          }
        }
        const std::size_t first = data.first_row - first_data_row;  // the chunk's row 0 in the whole data
        part.scales.clear();
        part.unsafe.assign(scales.size(), std::nullopt);
        for (std::size_t t = 0; t < scales.size(); ++t) {
          part.scales.emplace_back(columns_of(t), missing);
          Eigen::MatrixXd keyed = keyed_items(inst, *scales[t].sub, data.values, options.input.scoring);
          if (auto bad = detail::first_unsafe_value(keyed)) {
            bad->row += static_cast<Eigen::Index>(first);
            part.unsafe[t] = bad;
            continue;
          }
          if (!columns[t].empty()) {
            if (missing == missing_method::listwise) {
              std::vector<Eigen::Index> complete;
              for (Eigen::Index r = 0; r < keyed.rows(); ++r) {
                if (!keyed.row(r).array().isNaN().any()) complete.push_back(r);
              }
              keyed = Eigen::MatrixXd(keyed(complete, columns[t]));
            } else {
              keyed = Eigen::MatrixXd(keyed(Eigen::all, columns[t]));
            }
          }
          part.scales[t].add(keyed);
        }
      },
      [&](responses&, chunk_state& part) {  // file order, whatever the thread count
        pass.n_rows += part.n_rows;
        if (pass.range_error) return;  // an error is coming; only a later unreadable cell goes first
        if (part.range_error) {
          pass.range_error = part.range_error;
          return;
        }
        chunk_state& total = pass.total;
        total.n_out_of_range += part.n_out_of_range;
        total.lo = std::min(total.lo, part.lo);
        total.hi = std::max(total.hi, part.hi);
        if (part.checks) total.checks->merge(*part.checks);
        for (std::size_t t = 0; t < scales.size(); ++t) {
          if (part.unsafe[t]) {
            // the first column with such a value, at its first row (the order of the check)
            if (!total.unsafe[t] || part.unsafe[t]->column < total.unsafe[t]->column) total.unsafe[t] = part.unsafe[t];
          } else if (!total.unsafe[t]) {
            total.scales[t].merge(part.scales[t]);
          }
        }
      });
  return pass;
}

reliability_study analyze_stream(const instrument* given, const std::string& path, const reliability_study_options& options,
                                 const instrument& inst, std::optional<instrument>& custom,
                                 const std::exception_ptr& scale_error, const std::vector<std::string>& columns,
                                 const std::vector<stream_scale>& scales);

// The one-pass path: the file read in chunks (parsed and accumulated on up to `threads` threads),
// merged in file order; the same results, warnings and errors as the whole-matrix path. A scale
// with an item without variance is read a second time without it (the score is recomputed
// without the item, as psych alpha does).
reliability_study stream_reliability(const instrument* given, const std::string& path,
                                     const reliability_study_options& options) {
  options.input.scoring.validate();
  if (given == nullptr && options.input.read.items.empty()) {
    throw error(errc::invalid_argument,
                "without an instrument, items must name the columns that hold the items",
                {.option = "read_options.items", .rule = "items_required"});
  }
  // The header first (its errors come first), then the instrument of the data's own columns.
  std::optional<instrument> custom;
  std::exception_ptr scale_error;  // comes after the rows are read, as in the whole-matrix path
  std::vector<std::string> columns;  // the data column of each item
  {
    detail::progress_input file(path, {});  // the header only: no progress
    const response_reader reader(file.stream(), file.source(), given != nullptr ? given->item_ids() : std::vector<std::string>{},
                                 reading_options(options.input));
    for (const std::size_t c : reader.item_columns()) columns.push_back(reader.header()[c]);
    if (given == nullptr) {
      try {
        custom = streaming_scale(reader, options, true);
      } catch (const error&) {
        scale_error = std::current_exception();
        custom = streaming_scale(reader, options, false);
      }
    }
  }
  const instrument& inst = given != nullptr ? *given : *custom;
  std::vector<stream_scale> scales;  // those with an analysis
  for (std::size_t i = 0; i < inst.subscales.size(); ++i) {
    const subscale& s = inst.subscales[i];
    if (s.items.size() < 2 && given != nullptr) continue;
    stream_scale sc{&s, i, {}};
    for (const auto& id : s.items) sc.names.push_back(id);
    scales.push_back(std::move(sc));
  }
  // Each scale holds k x k moments (and the analysis a few more): where they do not fit, an error
  // that names the memory (issue 10, F16), as the whole-matrix path gives.
  std::size_t k_max = 0;
  for (const auto& sc : scales) k_max = std::max(k_max, sc.sub->items.size());
  return detail::out_of_memory_as_error("reliability", static_cast<long long>(k_max), 12.0, [&] {
    return analyze_stream(given, path, options, inst, custom, scale_error, columns, scales);
  });
}

reliability_study analyze_stream(const instrument* given, const std::string& path, const reliability_study_options& options,
                                 const instrument& inst, std::optional<instrument>& custom,
                                 const std::exception_ptr& scale_error, const std::vector<std::string>& columns,
                                 const std::vector<stream_scale>& scales) {
  stream_pass pass = read_pass(path, given, inst, scales, std::vector<std::vector<Eigen::Index>>(scales.size()),
                               true, options);
  if (pass.n_rows == 0) {
    throw error(errc::insufficient_data, "no respondents in " + path + ": the file has a header and no data rows",
                {.source = path, .rule = "no_respondents"});
  }
  if (scale_error) std::rethrow_exception(scale_error);
  if (pass.range_error) std::rethrow_exception(pass.range_error);
  // The data's columns without a declared range: the range is the answers' span.
  if (given == nullptr && !options.input.scoring.range) {
    responses span;
    span.item_ids = custom->item_ids();
    if (pass.total.lo <= pass.total.hi) span.values = (Eigen::MatrixXd(1, 2) << pass.total.lo, pass.total.hi).finished();
    const instrument spanned = columns_as_scale(span, options.input, options.reversed);
    custom->range = spanned.range;
    answer_checks checks(*custom, options.input);  // the declared range is the span
    checks.merge(*pass.total.checks);
    *pass.total.checks = std::move(checks);
  }
  reliability_study out;
  if (given != nullptr) out.instrument = inst.id;
  out.n_rows = pass.n_rows;
  out.n_out_of_range = pass.total.n_out_of_range;
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  if (options.reliability.missing == missing_method::pairwise) {
    for (std::size_t t = 0; t < scales.size(); ++t) {
      if (!pass.total.unsafe[t]) pass.total.checks->use_moments(scales[t].index, pass.total.scales[t].moments());
    }
  }
  const auto checked = pass.total.checks->warnings(path);
  out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  std::size_t t = 0;
  for (const auto& s : inst.subscales) {
    if (s.items.size() < 2 && given != nullptr) {
      out.warnings.push_back("subscale '" + s.name + "' has one item: no internal consistency");
      continue;
    }
    const std::size_t this_scale = t++;
    const reliability_accumulator& acc = pass.total.scales[this_scale];
    scale_reliability sr;
    sr.name = s.name;
    for (const auto& id : s.items) {
      const auto idx = static_cast<std::size_t>(inst.item_index(id));
      sr.items.push_back(idx < columns.size() ? columns[idx] : id);
      if (inst.is_reversed(s, id)) sr.reversed.push_back(sr.items.back());
    }
    reliability_options ro = options.reliability;
    ro.item_names = sr.items;
    ro.progress = options.input.progress;
    try {
      if (s.items.size() >= 2) {
        if (const auto& bad = pass.total.unsafe[this_scale]) {
          detail::throw_unsafe_reliability_value(sr.items[static_cast<std::size_t>(bad->column)],
                                                 static_cast<std::size_t>(bad->row) + 1, bad->value);
        }
      }
      try {
        sr.reliability = analyze_reliability(acc, ro);
      } catch (const error& e) {
        if (e.rule() != "zero_variance_item") throw;
        // An item without variance: psych alpha leaves it out and recomputes the score without
        // it, which needs the rows again (a second pass over the file, in the same bounded memory).
        std::vector<std::string> dropped;
        const std::vector<Eigen::Index> keep = reliability_kept_items(acc, sr.items, dropped);
        const std::vector<stream_scale> one(scales.begin() + static_cast<std::ptrdiff_t>(this_scale),
                                            scales.begin() + static_cast<std::ptrdiff_t>(this_scale) + 1);
        const stream_pass again = read_pass(path, given, inst, one, {keep}, false, options);
        reliability_options kept = ro;
        kept.item_names.clear();
        for (const Eigen::Index j : keep) kept.item_names.push_back(sr.items[static_cast<std::size_t>(j)]);
        sr.reliability = analyze_reliability(again.total.scales[0], kept);
        sr.reliability.warnings.insert(sr.reliability.warnings.begin(), dropped.begin(), dropped.end());
      }
    } catch (const error& e) {
      throw e.with_context("scale '" + s.name + "': ");
    }
    try {
      sr.omega = omega_of(sr.reliability, Eigen::MatrixXd(), options);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      sr.warnings.push_back(std::string("omega not available: ") + e.what());
    }
    out.scales.push_back(std::move(sr));
  }
  if (out.scales.empty()) {
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no subscale with at least 2 items",
                {.rule = "no_scale"});
  }
  return out;
}

// A whole accumulation: of a file read in chunks, or of merged state files. Not movable in
// spirit: the answer checks point at `inst`, so it is built in place and never moved.
struct accumulation {
  instrument inst;                   // the given instrument, or the data's columns as one scale
  bool given = false;
  std::vector<std::string> columns;  // the data columns of the items
  std::vector<std::size_t> scales;   // the subscales (indices into inst.subscales) with an analysis
  chunk_state total;
  double n_rows = 0.0;
  accumulation() = default;
  accumulation(const accumulation&) = delete;
  accumulation& operator=(const accumulation&) = delete;
};

// The subscales with an analysis: those with at least 2 items (every one for the data's columns).
std::vector<std::size_t> analysed_scales(const instrument& inst, bool given) {
  std::vector<std::size_t> out;
  for (std::size_t t = 0; t < inst.subscales.size(); ++t) {
    if (inst.subscales[t].items.size() >= 2 || !given) out.push_back(t);
  }
  return out;
}

// The study from an accumulation of merged states. Where the accumulators cannot give what the
// whole-matrix path gives (no rows, an item without variance: the score would be recomputed
// without it; an analysis that fails) there are no rows to fall back on: errors.
reliability_study analyze_accumulation(accumulation& a, const std::string& source,
                                       const reliability_study_options& options) {
  if (a.n_rows == 0.0) throw error(errc::insufficient_data, "reliability: the states hold no rows", {.rule = "no_rows"});
  const instrument& inst = a.inst;
  reliability_study out;
  if (a.given) out.instrument = inst.id;
  out.n_rows = static_cast<std::size_t>(a.n_rows);
  out.n_out_of_range = a.total.n_out_of_range;
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  // Pairwise: the checks took the answers only (add_answers); the subscales' keyed moments are
  // the accumulators' (as the streaming study does).
  if (options.reliability.missing == missing_method::pairwise) {
    for (std::size_t t = 0; t < a.scales.size(); ++t) a.total.checks->use_moments(a.scales[t], a.total.scales[t].moments());
  }
  const auto checked = a.total.checks->warnings(source);
  out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  std::size_t t = 0;
  for (const auto& s : inst.subscales) {
    if (s.items.size() < 2 && a.given) {
      out.warnings.push_back("subscale '" + s.name + "' has one item: no internal consistency");
      continue;
    }
    const reliability_accumulator& acc = a.total.scales[t++];
    scale_reliability sr;
    sr.name = s.name;
    for (const auto& id : s.items) {
      const auto idx = static_cast<std::size_t>(inst.item_index(id));
      sr.items.push_back(idx < a.columns.size() ? a.columns[idx] : id);
      if (inst.is_reversed(s, id)) sr.reversed.push_back(sr.items.back());
    }
    const pairwise_moments pm = acc.moments();
    for (Eigen::Index i = 0; i < acc.n_items(); ++i) {
      if (!(pm.pair_m2()(i, i) > 0.0)) {  // a constant item: the score is recomputed without it
        throw error(errc::insufficient_data,
                    "scale '" + s.name + "': item " + sr.items[static_cast<std::size_t>(i)] +
                        " has no variance in the merged states; the scale score cannot be recomputed without it "
                        "from states: run reliability on the data, or leave the item out of items",
                    {.item = sr.items[static_cast<std::size_t>(i)], .option = "read_options.items", .rule = "zero_variance"});
      }
    }
    reliability_options ro = options.reliability;
    ro.item_names = sr.items;
    try {
      sr.reliability = analyze_reliability(acc, ro);
    } catch (const error& e) {
      throw e.with_context("scale '" + s.name + "': ");
    }
    try {
      sr.omega = omega_of(sr.reliability, Eigen::MatrixXd(), options);
    } catch (const error& e) {
      sr.warnings.push_back(std::string("omega not available: ") + e.what());
    }
    out.scales.push_back(std::move(sr));
  }
  if (out.scales.empty()) {
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no subscale with at least 2 items",
                {.rule = "no_scale"});
  }
  return out;
}

}  // namespace

reliability_study study_reliability(const instrument* inst, const std::string& path,
                                    const reliability_study_options& options) {
  check(inst, options);
  if (needs_rows(path, options)) return study_reliability(inst, read_study_data(path, inst, options.input), options);
  return stream_reliability(inst, path, options);
}

ATTUNE_END_NAMESPACE

// ---------------------------------------------------------------------------------------------
// State files (study/state.hpp): the streaming accumulation saved, and analysed after a merge.

ATTUNE_BEGIN_NAMESPACE

reliability_state accumulate_reliability(const instrument* inst, const std::string& path,
                                         const reliability_study_options& options) {
  check(inst, options);
  if (needs_rows(path, options) || (inst == nullptr && !options.input.scoring.range)) {
    throw detail::state_needs_rows(path,
                                   "a state holds moments, not rows: bootstrap and ADF intervals, omega intervals, "
                                   "ordinal alpha, the ICC and a scale without a declared response range need "
                                   "every row; leave them out, or give the scale's range (scoring_options.range)",
                                   "reliability_study_options");
  }
  if (inst == nullptr && options.input.read.items.empty()) {
    throw error(errc::invalid_argument,
                "without an instrument, items must name the columns that hold the items",
                {.option = "read_options.items", .rule = "items_required"});
  }
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) (void)read_study_data(path, inst, options.input);  // names the file
  // The header (its errors first), the scales, then one pass through the chunk pipeline, as the
  // streaming study reads.
  accumulation a;
  a.given = inst != nullptr;
  {
    detail::progress_input file(path, {});
    const response_reader reader(file.stream(), file.source(), inst != nullptr ? inst->item_ids() : std::vector<std::string>{},
                                 reading_options(options.input));
    for (const std::size_t c : reader.item_columns()) a.columns.push_back(reader.header()[c]);
    a.inst = inst != nullptr ? *inst : streaming_scale(reader, options, true);
  }
  a.scales = analysed_scales(a.inst, a.given);
  std::vector<stream_scale> scales;
  for (const std::size_t t : a.scales) {
    stream_scale sc{&a.inst.subscales[t], t, {}};
    for (const auto& id : a.inst.subscales[t].items) sc.names.push_back(id);
    scales.push_back(std::move(sc));
  }
  stream_pass pass = read_pass(path, inst, a.inst, scales, std::vector<std::vector<Eigen::Index>>(scales.size()), true,
                               options);
  if (pass.n_rows == 0) {
    (void)read_study_data(path, inst, options.input);  // names the empty file, as the study does
    throw error(errc::insufficient_data, path + ": no data rows", {.source = path, .rule = "no_rows"});
  }
  if (pass.range_error) std::rethrow_exception(pass.range_error);
  for (std::size_t t = 0; t < scales.size(); ++t) {
    if (const auto& bad = pass.total.unsafe[t]) {
      try {
        const subscale& sub = *scales[t].sub;
        const auto idx = static_cast<std::size_t>(a.inst.item_index(sub.items[static_cast<std::size_t>(bad->column)]));
        detail::throw_unsafe_reliability_value(idx < a.columns.size() ? a.columns[idx] : sub.items[static_cast<std::size_t>(bad->column)],
                                               static_cast<std::size_t>(bad->row) + 1, bad->value);
      } catch (const error& e) {
        throw e.with_context("scale '" + scales[t].sub->name + "': ");
      }
    }
  }
  reliability_state st;
  st.fingerprint = detail::reliability_fingerprint(a.inst, a.given, a.columns, options);
  st.n_rows = pass.n_rows;
  st.n_out_of_range = pass.total.n_out_of_range;
  st.checks = pass.total.checks->serialize();
  st.scales = std::move(pass.total.scales);
  return st;
}

reliability_study study_reliability(const reliability_state& state) {
  auto contents = detail::read_reliability_fingerprint(state.fingerprint, state.source);
  accumulation a;
  a.inst = std::move(contents.inst);
  a.given = contents.given;
  a.columns = std::move(contents.columns);
  a.scales = analysed_scales(a.inst, a.given);
  if (a.scales.size() != state.scales.size()) {
    throw error(errc::bad_input, "state " + state.source + ": " + std::to_string(state.scales.size()) +
                                     " scales; its instrument has " + std::to_string(a.scales.size()));
  }
  a.n_rows = static_cast<double>(state.n_rows);
  a.total.n_out_of_range = state.n_out_of_range;
  a.total.checks.emplace(a.inst, contents.options.input);
  a.total.checks->restore(state.checks);
  a.total.scales = state.scales;
  return analyze_accumulation(a, "the merged states", contents.options);
}

ATTUNE_END_NAMESPACE
