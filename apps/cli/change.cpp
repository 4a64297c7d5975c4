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
  std::vector<std::string> files, scales, reliability, sd, lower_better, higher_better;
  std::string norms, functional, dysfunctional, cutoff = "c", styles = "midpoint";
  double critical = 1.959963984540054;
  double level = 0.95;
  bool rescale = false;
  bool list_unmatched = false;
};

void run(const options& o) {
  change_study_options so;
  so.input = make_input_options(o.in);
  so.scales = o.scales;
  so.reliability = parse_score_values("--reliability", o.reliability);
  so.sd = parse_score_values("--sd", o.sd);
  if (!o.norms.empty()) so.norms = resolve_norm_table(o.norms);
  if (!o.functional.empty()) so.functional_norms = resolve_norm_table(o.functional);
  if (!o.dysfunctional.empty()) so.dysfunctional_norms = resolve_norm_table(o.dysfunctional);
  so.cutoff = parse_choice("--cutoff", o.cutoff, parse_cutoff_kind, "a, b or c");
  so.critical = o.critical;
  for (const auto& n : o.lower_better) so.directions[n] = change_direction::lower_is_better;
  for (const auto& n : o.higher_better) {
    if (so.directions.count(n) > 0) {
      throw error(errc::invalid_argument, "scale '" + n + "' is both --lower-better and --higher-better", {.value = n});
    }
    so.directions[n] = change_direction::higher_is_better;
  }
  if (o.styles == "none") {
    so.styles_method.reset();
  } else {
    so.styles_method = parse_choice("--styles", o.styles, parse_classify_method, "midpoint, fisher, norms or none");
  }
  so.rescale_to_1_7 = o.rescale;
  so.level = o.level;
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
  cmd->add_option("--scales", o->scales, "scores to compare (default: anxiety and avoidance)")->delimiter(',');
  cmd->add_option("--reliability", o->reliability,
                  "r_xx for the RCI, NAME=VALUE or one value (default: alpha at the first administration)")
      ->delimiter(',');
  cmd->add_option("--sd", o->sd, "SD for the RCI, NAME=VALUE or one value (default: --norms, else the first administration)")
      ->delimiter(',');
  cmd->add_option("--norms", o->norms,
                  "norm table (built-in id or FILE.json) giving the SD for the RCI, and cuts for --styles norms");
  cmd->add_option("--functional-norms", o->functional, "norm table of a functional population (clinical significance)");
  cmd->add_option("--dysfunctional-norms", o->dysfunctional, "norm table of a dysfunctional population");
  cmd->add_option("--cutoff", o->cutoff, "Jacobson-Truax cut-off: a, b or c (default c)")->default_val("c");
  // default_str, not default_val: CLI11 would pass the default through a 6-digit text (1.95996).
  cmd->add_option("--critical", o->critical, "|RCI| beyond this is reliable")->default_str("1.959963984540054");
  cmd->add_option("--lower-better", o->lower_better, "scales where lower is better (anxiety and avoidance always are)")
      ->delimiter(',');
  cmd->add_option("--higher-better", o->higher_better, "scales where higher is better")->delimiter(',');
  cmd->add_option("--styles", o->styles, "style per administration: midpoint (default), fisher, norms or none")
      ->default_val("midpoint");
  cmd->add_flag("--rescale", o->rescale, "--styles fisher: rescale scores onto 1-7");
  cmd->add_option("--level", o->level, "confidence level of the group-level intervals (default 0.95)")
      ->default_str("0.95");
  cmd->add_flag("--list-unmatched", o->list_unmatched,
                "list every id not in every file on standard error (the summary counts them per file)");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
