#include "attune/study/score.hpp"

#include <fstream>
#include <iostream>

#include <optional>

#include "attune/core/error.hpp"
#include "data/chunk_pipeline.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress_input.hpp"

ATTUNE_BEGIN_NAMESPACE

score_study score_study_head(const instrument& inst, const score_study_options& options) {
  options.input.scoring.validate();
  score_study s;
  s.instrument = inst.id;
  s.range = options.input.scoring.range.value_or(inst.range);
  s.min_answered = options.input.scoring.min_answered;
  s.names = inst.score_names();
  for (const auto& sub : inst.subscales) s.subscales.push_back(sub.name);
  s.id_column = options.input.read.id_column;
  s.kept.names = options.input.keep;
  return s;
}

namespace {

void finish(score_study& s, const score_summary& summary) {
  s.n_rows = summary.n_rows();
  s.n_out_of_range = summary.n_out_of_range();
  s.summary = summary.columns();
  const auto texts = summary.warnings();
  s.warnings.assign(texts.begin(), texts.end());
}

}  // namespace

option_list describe_options(score_study_options& o) {
  option_info chunk = detail::bound_option("chunk-rows", "score_study_options.chunk_rows", "rows read and scored at a time (bounds memory; default: about 1 MiB of answers, 3,640 rows of 36 items)", o.chunk_rows, {1, 1 << 30});
  if (o.chunk_rows == 0) chunk.default_text.reset();  // 0: cache_friendly_chunk_rows
  return {chunk};
}

score_study study_score(const instrument& inst, const responses& data, const score_study_options& options) {
  score_study s = score_study_head(inst, options);
  s.id_column = id_column_name(data, options.input);  // in-memory data may carry ids without an id column
  s.scores = score(inst, data, options.input.scoring);
  s.ids = data.row_ids;
  s.kept = take_kept_columns(data, options.input);
  s.rows.resize(static_cast<std::size_t>(data.n_rows()));
  for (std::size_t i = 0; i < s.rows.size(); ++i) s.rows[i] = data.first_row + i;
  score_summary summary(s.names);
  summary.add(s.scores);
  finish(s, summary);
  responses checked = data;
  apply_range_rule(inst, checked, options.input.scoring);
  check_answers(inst, checked, options.input, s.warnings);
  return s;
}

score_study study_score(const instrument& inst, const std::string& path, const score_study_options& options) {
  return study_score(inst, read_study_data(path, &inst, options.input), options);
}

score_study score_file(const instrument& inst, const std::string& path, const score_study_options& options,
                       const std::function<void(const scored_chunk&)>& on_chunk) {
  return score_file(inst, path, options, nullptr, [&](const scored_chunk& c, std::string&) { on_chunk(c); });
}

score_study score_file(const instrument& inst, const std::string& path, const score_study_options& options,
                       const std::function<void(const scored_chunk&, std::string& text)>& format,
                       const std::function<void(const scored_chunk&, std::string& text)>& on_chunk) {
  score_study s = score_study_head(inst, options);
  // The bytes read are reported as stage "read" (detail/progress_input.hpp).
  detail::progress_input input(path, options.input.progress);
  const std::string source = input.source();
  response_reader reader(input.stream(), source, inst.item_ids(), reading_options(options.input));
  const std::size_t chunk_rows = options.chunk_rows > 0 ? options.chunk_rows : cache_friendly_chunk_rows(inst.items.size());
  score_summary summary(s.names);
  answer_checks checks(inst, options.input);
  // Chunks are parsed, scored and checked on the workers; the summary, the caller's writer and
  // the checks take them in file order, so the output is the same for any thread count.
  struct scored_part {
    score_table table;
    std::optional<answer_checks> checks;
    std::string text;  // the chunk's output (`format`)
  };
  detail::for_each_chunk<scored_part>(
      reader, {.chunk_rows = chunk_rows, .threads = detail::file_threads(path, options.threads)},
      [&](responses& chunk, scored_part& part) {
        part.table = score(inst, chunk, options.input.scoring);
        if (format) format({chunk, part.table}, part.text);
        part.checks.reset();
        if (!options.input.sanity_warnings) return;
        part.checks.emplace(inst, options.input);
        if (part.table.n_out_of_range == 0) {
          part.checks->add(chunk);
        } else {
          responses checked;  // the answers the scores used: out-of-range ones missing
          checked.values = chunk.values;
          checked.item_ids = chunk.item_ids;
          checked.columns = chunk.columns;
          apply_range_rule(inst, checked, options.input.scoring);
          part.checks->add(checked);
        }
      },
      [&](responses& chunk, scored_part& part) {
        summary.add(part.table);
        on_chunk({chunk, part.table}, part.text);
        if (part.checks) checks.merge(*part.checks);
      });
  input.finish();
  finish(s, summary);
  if (s.n_rows == 0) s.warnings.push_back("no respondents in " + source + ": the file has a header and no data rows");
  const auto w = checks.warnings(source);
  s.warnings.insert(s.warnings.end(), w.begin(), w.end());
  return s;
}

ATTUNE_END_NAMESPACE
