// attune change: reliable change (Jacobson & Truax 1991) of respondents matched by id between two
// or more administrations, clinically significant change, trajectories and the path of styles
// (study_change; docs/change.md).
#include <iostream>

#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/change.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct options {
  input_flags in;
  change_study_options so;
  std::vector<std::string> files;
  bool list_unmatched = false;
};

void run(options& o) {
  o.so.input = make_input_options(o.in);
  const change_study study = study_change(resolve_instrument(o.in.instrument), o.files, o.so);
  output out(o.in, o.files);
  write_report(out.stream(), o.in.format_enum(), study, make_row_options(o.in));
  out.commit();
  if (o.in.format_enum() == output_format::csv) std::cerr << change_summary_text(study);
  if (o.list_unmatched) std::cerr << unmatched_text(study);
}

}  // namespace

void add_change_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "change", "reliable change (Jacobson & Truax) between administrations matched by id; trajectories for 3+ files");
  cmd->add_option("FILES", o->files, "BEFORE AFTER [MORE...]: data files in time order (- = standard input, once)")
      ->required();
  add_input_flags(*cmd, o->in, {"csv", "json", "table"}, /*instrument_required=*/true, /*data=*/false);
  add_columns_flag(*cmd, o->in);
  cmd->get_option("--id")->required()->description("column holding the respondent ids used to match the files");
  add_options(*cmd, describe_options(o->so));
  cmd->add_flag("--list-unmatched", o->list_unmatched,
                "list every id not in every file on standard error (the summary counts them per file)");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
