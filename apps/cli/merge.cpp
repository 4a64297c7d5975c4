// attune merge: combines the state files of shards (attune reliability/correlate --save-state) and prints
// the study of all their rows, as one run over all of them would (docs/scale.md).
#include "attune/report/apa.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_merge_command(CLI::App& app) {
  struct options {
    std::vector<std::string> states;
    input_flags out;  // --format and -o only
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("merge", "combine the state files of shards (--save-state) into the result of all their rows");
  cmd->add_option("STATE", o->states,
                  "state files written by attune reliability or attune correlate --save-state, in row order")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--format", o->out.format, "table, json, apa (reliability) or csv (correlate)")
      ->check(CLI::IsMember({"table", "json", "apa", "csv"}))
      ->default_val("table");
  cmd->add_option("-o,--output", o->out.output, "write to FILE (atomically) instead of standard output");
  cmd->callback([o] {
    // The study of the first file's first line (every file must be of it: the readers check).
    const std::string study_name = state_study(read_state_file(o->states.front()), o->states.front());
    std::vector<std::string> warnings;
    if (study_name == "correlate") {
      correlate_study study = study_correlate(merge_correlate_state_files(o->states, warnings));
      study.warnings.insert(study.warnings.end(), warnings.begin(), warnings.end());
      switch (o->out.format_enum()) {
        case output_format::json: write_text(o->out, to_json(study), o->states); break;
        case output_format::csv: write_text(o->out, to_csv(study), o->states); break;
        case output_format::apa:
          throw error(errc::invalid_argument, "merge: correlate states print as table, json or csv",
                      {.option = "--format"});
        default: write_text(o->out, to_table(study), o->states);
      }
      return;
    }
    const reliability_state merged = merge_state_files(o->states, warnings);
    reliability_study study = study_reliability(merged);
    study.warnings.insert(study.warnings.end(), warnings.begin(), warnings.end());
    switch (o->out.format_enum()) {
      case output_format::json: write_text(o->out, to_json(study), o->states); break;
      case output_format::apa: write_text(o->out, to_apa(study) + "\n", o->states); break;
      case output_format::csv:
        throw error(errc::invalid_argument, "merge: reliability states print as table, json or apa",
                    {.option = "--format"});
      default: write_text(o->out, to_table(study), o->states);
    }
  });
}

}  // namespace attune::cli
