#include "attune/study/correlate.hpp"

#include <fstream>
#include <new>
#include <optional>

#include "attune/analyses/moments.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"

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

namespace {

// Rows per chunk: one block of pairwise_moments::add (4096 rows), so that the chunks' moments,
// merged in file order, are bit for bit those of the whole matrix (as reliability's streaming).
constexpr std::size_t kStreamChunkRows = 4096;

// Pearson correlations in one pass over the file, chunk by chunk: memory O(k^2 + chunk), not O(N k).
// nullopt where the whole-file path must answer (a file that cannot be opened or is empty: its
// message comes from there).
std::optional<correlate_study> stream_correlate(const instrument* given, const std::string& path,
                                                const correlate_study_options& options) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  response_reader reader(file, path, given != nullptr ? given->item_ids() : std::vector<std::string>{},
                         reading_options(options.input));
  instrument custom;
  const instrument* inst = given;
  std::optional<answer_checks> checks;
  std::optional<pairwise_moments> total;
  correlate_study out;
  if (given != nullptr) out.instrument = given->id;
  responses chunk;
  while (reader.read(chunk, kStreamChunkRows)) {
    if (inst == nullptr) {
      custom = columns_as_scale(chunk, options.input);  // a declared range: the same for every chunk
      inst = &custom;
    }
    if (!checks) {
      out.items = chunk.columns;
      checks.emplace(*inst, options.input);
      total.emplace(static_cast<Eigen::Index>(chunk.columns.size()));
    }
    out.n_rows += static_cast<std::size_t>(chunk.n_rows());
    out.n_out_of_range += apply_range_rule(*inst, chunk, options.input.scoring);
    checks->add(chunk);
    pairwise_moments part(total->n_items());
    part.add(chunk.values);
    total->merge(part);
  }
  if (out.n_rows == 0) return std::nullopt;
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  const auto checked = checks->warnings(path);
  out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  out.correlation = correlate(*total, out.n_rows);
  return out;
}

}  // namespace

correlate_study study_correlate(const instrument* inst, const std::string& path, const correlate_study_options& options) {
  options.validate();
  // Pearson streams; polychorics (which need every pair's frequency table from the rows) and a
  // scale of columns without a declared range (its range is the answers' span) read the file.
  if (path != "-" && options.correlation.method == correlation_kind::pearson &&
      (inst != nullptr || options.input.scoring.range)) {
    try {
      if (auto streamed = stream_correlate(inst, path, options)) return std::move(*streamed);
    } catch (const error&) {
      // the whole-file path below reports it with its usual message
    } catch (const std::bad_alloc&) {
    }
  }
  return study_correlate(inst, read_study_data(path, inst, options.input), options);
}

ATTUNE_END_NAMESPACE
