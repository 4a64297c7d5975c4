// attune merge: combines the state files of shards (attune reliability --save-state) and prints
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
  cmd->add_option("STATE", o->states, "state files written by attune reliability --save-state, in row order")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--format", o->out.format, "table, json or apa")
      ->check(CLI::IsMember({"table", "json", "apa"}))
      ->default_val("table");
  cmd->add_option("-o,--output", o->out.output, "write to FILE (atomically) instead of standard output");
  cmd->callback([o] {
    std::vector<std::string> warnings;
    const reliability_state merged = merge_state_files(o->states, warnings);
    reliability_study study = study_reliability(merged);
    study.warnings.insert(study.warnings.end(), warnings.begin(), warnings.end());
    switch (o->out.format_enum()) {
      case output_format::json: write_text(o->out, to_json(study), o->states); break;
      case output_format::apa: write_text(o->out, to_apa(study) + "\n", o->states); break;
      default: write_text(o->out, to_table(study), o->states);
    }
  });
}

}  // namespace attune::cli
