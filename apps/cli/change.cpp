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
  std::vector<std::string> files, lower_better, higher_better;
  bool list_unmatched = false;
};

void run(options& o) {
  change_study_options& so = o.so;
  so.input = make_input_options(o.in);
  for (const auto& n : o.lower_better) so.directions[n] = change_direction::lower_is_better;
  for (const auto& n : o.higher_better) {
    if (so.directions.count(n) > 0) {
      throw error(errc::invalid_argument, "scale '" + n + "' is both --lower-better and --higher-better", {.value = n});
    }
    so.directions[n] = change_direction::higher_is_better;
  }
  const change_study study = study_change(resolve_instrument(o.in.instrument), o.files, so);
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
  auto& so = o->so;
  add_value(*cmd, "--scales", so.scales, "scores to compare (default: anxiety and avoidance)");
  add_score_values(*cmd, "--reliability", so.reliability,
                   "r_xx for the RCI, NAME=VALUE or one value (default: alpha at the first administration)");
  add_score_values(*cmd, "--sd", so.sd, "SD for the RCI, NAME=VALUE or one value (default: --norms, else the first administration)");
  add_norms(*cmd, "--norms", so.norms, "norm table (built-in id or FILE.json) giving the SD for the RCI, and cuts for --styles norms");
  add_norms(*cmd, "--functional-norms", so.functional_norms, "norm table of a functional population (clinical significance)");
  add_norms(*cmd, "--dysfunctional-norms", so.dysfunctional_norms, "norm table of a dysfunctional population");
  add_choice(*cmd, "--cutoff", so.cutoff, parse_cutoff_kind, "a, b or c", "Jacobson-Truax cut-off: a, b or c");
  // default_str: CLI11 would show the default through a 6-digit text (1.95996).
  cmd->add_option("--critical", so.critical, "|RCI| beyond this is reliable")->default_str("1.959963984540054");
  add_value(*cmd, "--lower-better", o->lower_better, "scales where lower is better (anxiety and avoidance always are)");
  add_value(*cmd, "--higher-better", o->higher_better, "scales where higher is better");
  add_choice(*cmd, "--styles", so.styles_method, parse_classify_method, "midpoint, fisher, norms or none",
             "style per administration: midpoint, fisher, norms or none");
  cmd->add_flag("--rescale", so.rescale_to_1_7, "--styles fisher: rescale scores onto 1-7");
  add_value(*cmd, "--level", so.level, "confidence level of the group-level intervals");
  cmd->add_flag("--list-unmatched", o->list_unmatched,
                "list every id not in every file on standard error (the summary counts them per file)");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
