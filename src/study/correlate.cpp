#include "attune/study/correlate.hpp"

#include <filesystem>
#include <fstream>
#include <new>
#include <optional>

#include "attune/analyses/reliability.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "attune/study/state.hpp"
#include "detail/leading_moments.hpp"
#include "detail/option_builders.hpp"
#include "data/chunk_pipeline.hpp"
#include "detail/progress.hpp"
#include "study/state_fingerprint.hpp"

ATTUNE_BEGIN_NAMESPACE

void correlate_study_options::validate() const {
  input.scoring.validate();
  correlation.validate();
}

correlate_study study_correlate(const instrument* given, responses data, const correlate_study_options& options) {
  options.validate();
  const instrument custom = given == nullptr ? columns_as_scale(data, options.input) : instrument{};
  const instrument& inst = given != nullptr ? *given : custom;
  correlate_study out;
  if (given != nullptr) out.instrument = inst.id;
  out.items = data.columns;
  out.n_rows = static_cast<std::size_t>(data.n_rows());
  out.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  check_answers(inst, data, options.input, out.warnings);
  out.correlation = correlate(data.values, options.correlation);
  return out;
}

option_list describe_options(correlate_study_options& o) {
  return {detail::choice_option("method", "correlation_options.method", "pearson (pairwise complete, as R cor(use = \"pairwise\")) or polychoric (as psych)", o.correlation.method, parse_correlation_kind, {"pearson", "polychoric"})};
}

namespace {

// A correlate accumulation: of a file read in chunks, or of merged state files. The answer checks
// point at `inst`, so it is built in place and never moved.
struct correlate_accumulation {
  instrument inst;  // the given instrument, or the data's columns as one scale
  bool given = false;
  std::vector<std::string> columns;
  std::size_t n_rows = 0, n_out_of_range = 0;
  std::optional<answer_checks> checks;
  correlation_options correlation;  // the method, and the polychoric options
  reliability_accumulator moments;  // Pearson: pairwise; exact sums while every answer is an integer
  std::optional<polychoric_tables> tables;  // polychoric: the items' frequency tables
  correlate_accumulation() = default;
  correlate_accumulation(const correlate_accumulation&) = delete;
  correlate_accumulation& operator=(const correlate_accumulation&) = delete;
};

// One chunk's part, on any worker.
struct correlate_chunk {
  std::size_t n_out_of_range = 0;
  std::optional<answer_checks> checks;
  reliability_accumulator moments;
  polychoric_tables tables;
};

// One pass over the file, chunk by chunk on `options.threads` threads, merged in file order (the
// result does not depend on the thread count): memory O(k^2 + chunk), not O(N k). False where the
// file cannot be opened (the whole-file reader names it).
bool accumulate(correlate_accumulation& a, const instrument* given, const std::string& path,
                const correlate_study_options& options) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return false;
  a.given = given != nullptr;
  a.correlation = options.correlation;
  const bool poly = options.correlation.method == correlation_kind::polychoric;
  const int max_categories = options.correlation.polychoric.max_categories;
  if (given != nullptr) a.inst = *given;
  if (given == nullptr) {
    // The data's columns as one scale (a declared range: the same for every chunk), from the
    // header and the first row, before the workers need it.
    std::ifstream in(path, std::ios::binary);
    response_reader head(in, path, {}, reading_options(options.input));
    responses first;
    if (!head.read(first, 1)) return true;  // no rows: the caller's check
    a.inst = columns_as_scale(first, options.input);
  }
  detail::for_each_chunk<correlate_chunk>(
      detail::chunk_file{.path = path,
                         .item_ids = given != nullptr ? given->item_ids() : std::vector<std::string>{},
                         .read = reading_options(options.input),
                         .progress = options.input.progress,
                         .stage = "read"},
      {.chunk_rows = detail::stream_chunk_rows, .threads = options.threads},
      [&](responses& chunk, correlate_chunk& part) {
        part.n_out_of_range = apply_range_rule(a.inst, chunk, options.input.scoring);
        part.checks.emplace(a.inst, options.input);
        part.checks->add(chunk);
        const auto k = static_cast<Eigen::Index>(chunk.columns.size());
        if (poly) {
          // Non-integer answers are named by their data row in the file (the chunk's first row + r).
          part.tables = polychoric_tables(k, max_categories);
          part.tables.add(chunk.values, chunk.first_row);
        } else {
          part.moments = reliability_accumulator(k, missing_method::pairwise);
          part.moments.add(chunk.values);
        }
      },
      [&](responses& chunk, correlate_chunk& part) {  // file order
        if (!a.checks) {
          a.columns = chunk.columns;
          a.checks.emplace(a.inst, options.input);
          const auto k = static_cast<Eigen::Index>(chunk.columns.size());
          if (poly) {
            a.tables.emplace(k, max_categories);
          } else {
            a.moments = reliability_accumulator(k, missing_method::pairwise);
          }
        }
        a.n_rows += static_cast<std::size_t>(chunk.n_rows());
        a.n_out_of_range += part.n_out_of_range;
        a.checks->merge(*part.checks);
        if (poly) {
          a.tables->merge(part.tables);  // integer counts: the same tables whatever the chunks
        } else {
          a.moments.merge(part.moments);
        }
      });
  return true;
}

correlate_study analyze(const correlate_accumulation& a, const std::string& source) {
  correlate_study out;
  if (a.given) out.instrument = a.inst.id;
  out.items = a.columns;
  out.n_rows = a.n_rows;
  out.n_out_of_range = a.n_out_of_range;
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  const auto checked = a.checks->warnings(source);
  out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  if (a.tables) {
    out.correlation = correlate(*a.tables, a.correlation);
  } else {
    // The accumulator's moments hold the items and then the scale score: the items' block.
    out.correlation = correlate(detail::leading_moments(a.moments.moments(), a.moments.n_items()), out.n_rows);
  }
  return out;
}

// A scale whose range does not come from the answers: what a state can hold (Pearson moments, or
// the polychoric frequency tables).
bool streamable(const instrument* inst, const std::string& path, const correlate_study_options& options) {
  return path != "-" && (inst != nullptr || options.input.scoring.range);
}

}  // namespace

correlate_study study_correlate(const instrument* inst, const std::string& path, const correlate_study_options& options) {
  options.validate();
  // Pearson moments and polychoric frequency tables stream; a scale of columns without a declared
  // range (its range is the answers' span) reads the file.
  if (streamable(inst, path, options)) {
    try {
      correlate_accumulation a;
      if (accumulate(a, inst, path, options) && a.n_rows > 0) return analyze(a, path);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      // the whole-file path below reports it with its usual message
    } catch (const std::bad_alloc&) {
    }
  }
  return study_correlate(inst, read_study_data(path, inst, options.input), options);
}

correlate_state accumulate_correlate(const instrument* inst, const std::string& path,
                                     const correlate_study_options& options) {
  options.validate();
  if (!streamable(inst, path, options)) {
    throw detail::state_needs_rows(path,
                                   "a correlate state of the data's columns as a scale needs the scale's response "
                                   "range (scoring_options.range): without it, the range is the answers' span, "
                                   "known only from every row",
                                   "scoring_options.range");
  }
  correlate_accumulation a;
  if (!accumulate(a, inst, path, options) || a.n_rows == 0) {
    (void)read_study_data(path, inst, options.input);  // names the missing or empty file, as the study does
    throw error(errc::insufficient_data, path + ": no data rows", {.source = path, .rule = "no_rows"});
  }
  if (a.columns.size() < 2) {
    throw error(errc::insufficient_data,
                "correlations need at least 2 item columns; " + std::to_string(a.columns.size()) + " given",
                {.rule = "too_few_items"});
  }
  correlate_state st;
  st.fingerprint = detail::correlate_fingerprint(a.inst, a.given, a.columns, options);
  st.n_rows = a.n_rows;
  st.n_out_of_range = a.n_out_of_range;
  st.checks = a.checks->serialize();
  if (a.tables) {
    // A shard whose answers already span more categories than max_categories can never be
    // analysed: refused now, with the error the study gives (polychoric checks the span first).
    if (a.tables->exceeds_max_categories()) (void)correlate(*a.tables, options.correlation);
    st.tables = std::move(a.tables);
  } else {
    st.moments = std::move(a.moments);
  }
  return st;
}

correlate_study study_correlate(const correlate_state& state) {
  auto contents = detail::read_correlate_fingerprint(state.fingerprint, state.source);
  correlate_accumulation a;
  a.inst = std::move(contents.inst);
  a.given = contents.given;
  a.columns = std::move(contents.columns);
  a.n_rows = state.n_rows;
  a.n_out_of_range = state.n_out_of_range;
  if (a.n_rows == 0) throw error(errc::insufficient_data, "correlate: the states hold no rows", {.rule = "no_rows"});
  a.checks.emplace(a.inst, contents.options.input);
  a.checks->restore(state.checks);
  a.correlation = contents.options.correlation;
  const bool poly = a.correlation.method == correlation_kind::polychoric;
  const Eigen::Index held = poly ? (state.tables ? state.tables->n_items() : 0) : state.moments.n_items();
  if (held != static_cast<Eigen::Index>(a.columns.size())) {
    throw error(errc::bad_input, "state " + state.source + ": the " + (poly ? "polychoric tables" : "moments") + " hold " +
                                     std::to_string(held) + " items; the fingerprint names " + std::to_string(a.columns.size()) +
                                     " columns",
                {.source = state.source, .rule = "state_file"});
  }
  if (poly) {
    a.tables = state.tables;
  } else {
    a.moments = state.moments;
  }
  return analyze(a, "the merged states");
}

ATTUNE_END_NAMESPACE
