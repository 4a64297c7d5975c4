// attune score: anxiety and avoidance (and every subscale) per respondent. CSV and JSON stream a
// chunk at a time (memory does not grow with the file); the table holds every row to align it.
#include <iostream>

#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/score.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_score_command(CLI::App& app) {
  struct options { input_flags in; score_study_options so; bool summary = false; };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("score", "score respondents on an instrument's subscales (anxiety, avoidance...)");
  add_input_flags(*cmd, o->in, {"csv", "json", "table"});
  add_columns_flag(*cmd, o->in);
  cmd->add_flag("--summary", o->summary, "with CSV output: print a summary (n, mean, SD, min, max) on standard error");
  add_options(*cmd, describe_options(o->so));
  cmd->callback([o] {
    const instrument inst = resolve_instrument(o->in.instrument);
    score_study_options& so = o->so;
    so.input = make_input_options(o->in);
    so.threads = o->in.threads;
    const output_format format = o->in.format_enum();
    output out(o->in);
    score_writer writer(out.stream(), format, score_study_head(inst, so), make_row_options(o->in));
    // The rows' text is made on the worker threads; this thread writes it in file order.
    const score_study study = score_file(
        inst, o->in.data, so, [&](const scored_chunk& c, std::string& text) { writer.format(c, text); },
        [&](const scored_chunk&, std::string& text) { writer.write_formatted(text); });
    writer.finish(study);
    out.commit();
    if (format == output_format::csv && o->summary) std::cerr << score_summary_text(study);
    if (format == output_format::csv && !o->summary) print_warnings(study.warnings);
  });
}

}  // namespace attune::cli
