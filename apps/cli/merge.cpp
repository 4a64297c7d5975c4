// attune merge: combines the state files of shards (attune reliability/correlate/factor/quality --save-state) and prints
// the study of all their rows, as one run over all of them would (docs/scale.md).
#include "attune/report/apa.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_merge_command(CLI::App& app) {
  struct options { std::vector<std::string> states; input_flags out; };  // out: --format and -o only
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("merge", "combine the state files of shards (--save-state) into the result of all their rows");
  cmd->add_option("STATE", o->states,
                  "state files written by attune reliability, correlate, factor or quality --save-state, in row order")
      ->required()->expected(1, -1);
  add_output_flags(*cmd, o->out, {"table", "json", "apa", "csv"}, "table, json, apa (reliability) or csv (correlate)");
  cmd->callback([o] {
    const merged_study merged = merge_states(o->states);
    const output_format f = o->out.format_enum();
    const auto refuse = [&](const char* formats) {
      throw error(errc::invalid_argument, "merge: " + merged.study + " states print as " + formats, {.option = "--format"});
    };
    const auto json_or_table = [&](const auto& study) { return f == output_format::json ? to_json(study) : to_table(study); };
    std::string text;
    if (merged.reliability) {
      if (f == output_format::csv) refuse("table, json or apa");
      text = f == output_format::apa ? to_apa(*merged.reliability) + "\n" : json_or_table(*merged.reliability);
    } else if (merged.correlate) {
      if (f == output_format::apa) refuse("table, json or csv");
      text = f == output_format::csv ? to_csv(*merged.correlate) : json_or_table(*merged.correlate);
    } else if (f == output_format::apa || f == output_format::csv) {
      refuse("table or json");
    } else {
      text = merged.factor ? json_or_table(*merged.factor) : json_or_table(*merged.quality);
    }
    write_text(o->out, text, o->states);
  });
}

}  // namespace attune::cli
