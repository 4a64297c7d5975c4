#include "attune/study/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <vector>

#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "attune/study/state.hpp"
#include "study/state_fingerprint.hpp"
#include "detail/progress.hpp"
#include "detail/progress_input.hpp"
#include "detail/parallel.hpp"

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
  check_answers(inst, data, options.input, out.warnings);
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

// Rows per chunk of the streaming path: one block of pairwise_moments::add (4096 rows), so that a
// chunk's accumulator holds exactly the block the whole-matrix path forms, and the chunks merge in
// file order. Fixed, never derived from the thread count: the output is the same for any `threads`.
constexpr std::size_t kStreamChunkRows = 4096;

// What a statistic needs beyond the accumulated moments, value counts and range checks: every row
// (the bootstrap resamples rows, ADF needs the fourth moments of the complete rows, ordinal alpha
// and the ICC read the rows, a scale without a declared range takes the answers' span), or a
// second read (stdin cannot be read twice, and the fallback below reads the file again).
bool needs_rows(const instrument* given, const std::string& path, const reliability_study_options& o) {
  const auto& ro = o.reliability;
  const bool raw_interval = std::any_of(ro.intervals.begin(), ro.intervals.end(), [](ci_method m) {
    return m == ci_method::adf || m == ci_method::bootstrap_percentile || m == ci_method::bootstrap_bca;
  });
  return path == "-" || raw_interval || o.omega_bootstrap > 0 || o.ordinal || o.icc ||
         (given == nullptr && !o.input.scoring.range);
}

// One chunk's contribution: the range rule's count, the answer checks, and per subscale the
// reliability accumulator of its keyed items.
struct chunk_state {
  std::size_t n_out_of_range = 0;
  std::optional<answer_checks> checks;
  std::vector<reliability_accumulator> scales;
};

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

// The one-pass accumulation: the file read in chunks, each chunk accumulated (on up to `threads`
// threads), the chunk states merged in file order. False when the file cannot be opened (the
// whole-file reader reports it).
bool accumulate(accumulation& a, const instrument* given, const std::string& path,
                const reliability_study_options& options) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return false;  // the whole-file reader reports it
  // The bytes read are reported as stage "read" (detail/progress_input.hpp).
  detail::progress_input input(path, options.input.progress);
  response_reader reader(input.stream(), path, given != nullptr ? given->item_ids() : std::vector<std::string>{},
                         reading_options(options.input));
  a.given = given != nullptr;
  if (given != nullptr) a.inst = *given;
  bool started = false;
  const std::size_t batch = 4 * detail::worker_count(options.reliability.threads, 1 << 20);
  std::vector<responses> chunks(batch);
  std::vector<chunk_state> parts(batch);
  for (bool more = true; more;) {
    std::size_t got = 0;
    while (got < batch && (more = reader.read(chunks[got], kStreamChunkRows))) ++got;
    if (got == 0) break;
    if (!started) {
      started = true;
      if (given == nullptr) a.inst = columns_as_scale(chunks[0], options.input, options.reversed);
      a.columns = chunks[0].columns;
      a.scales = analysed_scales(a.inst, a.given);
      a.total.checks.emplace(a.inst, options.input);
      for (const std::size_t s : a.scales) {
        a.total.scales.emplace_back(static_cast<Eigen::Index>(a.inst.subscales[s].items.size()),
                                    options.reliability.missing);
      }
    }
    detail::parallel_for(got, options.reliability.threads, [&](std::size_t c) {
      responses& data = chunks[c];
      chunk_state& part = parts[c];
      part = chunk_state{};
      part.n_out_of_range = apply_range_rule(a.inst, data, options.input.scoring);
      part.checks.emplace(a.inst, options.input);
      part.checks->add(data);
      for (const std::size_t s : a.scales) {
        const subscale& sub = a.inst.subscales[s];
        part.scales.emplace_back(static_cast<Eigen::Index>(sub.items.size()), options.reliability.missing);
        part.scales.back().add(keyed_items(a.inst, sub, data.values, options.input.scoring));
      }
    });
    for (std::size_t c = 0; c < got; ++c) {  // file order, whatever the thread count
      a.n_rows += static_cast<double>(chunks[c].n_rows());
      a.total.n_out_of_range += parts[c].n_out_of_range;
      a.total.checks->merge(*parts[c].checks);
      for (std::size_t t = 0; t < a.scales.size(); ++t) a.total.scales[t].merge(parts[c].scales[t]);
    }
  }
  input.finish();
  return true;
}

// The study from an accumulation. Returns nullopt where the accumulators cannot give what the
// whole-matrix path gives (an item without variance: the score is recomputed without it; an
// analysis that fails: its message comes from the whole-matrix path), and the caller falls back;
// with `strict` (a state file: no rows to fall back on) these are errors instead.
std::optional<reliability_study> analyze_accumulation(const accumulation& a, const std::string& source,
                                                      const reliability_study_options& options, bool strict) {
  if (a.n_rows == 0.0) {
    if (strict) throw error(errc::insufficient_data, "reliability: the states hold no rows", {.rule = "no_rows"});
    return std::nullopt;  // the whole-file reader names the empty file
  }
  const instrument& inst = a.inst;
  reliability_study out;
  if (a.given) out.instrument = inst.id;
  out.n_rows = static_cast<std::size_t>(a.n_rows);
  out.n_out_of_range = a.total.n_out_of_range;
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
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
        if (!strict) return std::nullopt;
        throw error(errc::insufficient_data,
                    "scale '" + s.name + "': item " + sr.items[static_cast<std::size_t>(i)] +
                        " has no variance in the merged states; the scale score cannot be recomputed without it "
                        "from states: run reliability on the data, or name the other items with --items",
                    {.item = sr.items[static_cast<std::size_t>(i)], .rule = "zero_variance"});
      }
    }
    reliability_options ro = options.reliability;
    ro.item_names = sr.items;
    try {
      sr.reliability = analyze_reliability(acc, ro);
    } catch (const error& e) {
      if (!strict) return std::nullopt;
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
    if (!strict) return std::nullopt;
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no subscale with at least 2 items",
                {.rule = "no_scale"});
  }
  return out;
}

std::optional<reliability_study> stream_reliability(const instrument* given, const std::string& path,
                                                    const reliability_study_options& options) {
  accumulation a;
  if (!accumulate(a, given, path, options)) return std::nullopt;
  return analyze_accumulation(a, path, options, false);
}

}  // namespace

reliability_study study_reliability(const instrument* inst, const std::string& path,
                                    const reliability_study_options& options) {
  check(inst, options);
  if (!needs_rows(inst, path, options)) {
    // Any error on the way (a cell that is not a number, an answer too large for the sums of
    // squares) is reported by the whole-file path below, with the same message as ever.
    try {
      if (auto streamed = stream_reliability(inst, path, options)) return std::move(*streamed);
    } catch (const error&) {
    } catch (const std::bad_alloc&) {
      // Each chunk holds k x k moments; where they do not fit, the whole-file path below names
      // the memory its k x k matrices need (issue 10, F16) instead of an internal error.
    }
  }
  return study_reliability(inst, read_study_data(path, inst, options.input), options);
}

ATTUNE_END_NAMESPACE

// ---------------------------------------------------------------------------------------------
// State files (study/state.hpp): the streaming accumulation saved, and analysed after a merge.

ATTUNE_BEGIN_NAMESPACE

reliability_state accumulate_reliability(const instrument* inst, const std::string& path,
                                         const reliability_study_options& options) {
  check(inst, options);
  if (needs_rows(inst, path, options)) {
    throw error(errc::invalid_argument,
                path == "-" ? std::string("a state is saved from a data file, not from standard input")
                            : std::string("a state holds moments, not rows: bootstrap and ADF intervals, omega intervals, "
                                          "ordinal alpha, the ICC and a scale without a declared response range need "
                                          "every row; leave them out, or give the scale's range (scoring_options.range)"),
                {.option = "reliability_study_options", .rule = "state_needs_rows"});
  }
  accumulation a;
  if (!accumulate(a, inst, path, options)) {
    (void)read_study_data(path, inst, options.input);  // names the file that cannot be opened
    throw error(errc::io_error, "cannot read " + path, {.source = path});
  }
  reliability_state st;
  if (a.n_rows == 0.0) {
    (void)read_study_data(path, inst, options.input);  // names the empty file, as the study does
    throw error(errc::insufficient_data, path + ": no data rows", {.source = path, .rule = "no_rows"});
  }
  st.fingerprint = detail::reliability_fingerprint(a.inst, a.given, a.columns, options);
  st.n_rows = static_cast<std::size_t>(a.n_rows);
  st.n_out_of_range = a.total.n_out_of_range;
  st.checks = a.total.checks->serialize();
  st.scales = std::move(a.total.scales);
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
  return *analyze_accumulation(a, "the merged states", contents.options, true);
}

ATTUNE_END_NAMESPACE
