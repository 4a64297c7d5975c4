// attune classify: the four attachment styles per respondent, with the dimension scores and the
// uncertainty of each call (study_classify; docs/classification.md).
#include <iostream>
#include <optional>

#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/classify.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct options {
  input_flags in;
  classify_study_options so;
};

void run(options& o) {
  classify_study_options& so = o.so;
  so.input = make_input_options(o.in);
  so.threads = o.in.threads;
  // The CSV head holds the columns only: with the SEMs given, one reading pass (classify_file).
  so.head_without_counts = o.in.format_enum() == output_format::csv;
  const instrument inst = resolve_instrument(o.in.instrument);
  // CSV and JSON stream a chunk at a time (classify_file); the table holds every row to align it.
  output out(o.in);
  std::optional<classify_writer> writer;
  const classify_study study = classify_file(
      inst, o.in.data, so, [&](const classify_study& head) { writer.emplace(out.stream(), o.in.format_enum(), head, make_row_options(o.in)); },
      [&](const classify_study& chunk) { writer->write(chunk); });
  writer->finish(study);
  out.commit();
  if (o.in.format_enum() == output_format::csv) std::cerr << classify_summary_text(study);
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd =
      app.add_subcommand("classify", "attachment styles (secure, preoccupied, dismissing, fearful) with their uncertainty");
  add_input_flags(*cmd, o->in, {"csv", "json", "table"});
  add_columns_flag(*cmd, o->in);
  add_options(*cmd, describe_options(o->so));
  cmd->get_option("--method")->required()->default_str("");  // required: no default to show
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
