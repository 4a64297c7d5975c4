// attune correlate: the item correlation matrix (pairwise Pearson or polychoric).
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/io/output_file.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_correlate_command(CLI::App& app) {
  struct options {
    input_flags in;
    std::string method = "pearson";
    std::string save_state;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("correlate", "item correlation matrix: pairwise Pearson or polychoric");
  add_input_flags(*cmd, o->in, {"json", "csv", "table"}, false);
  cmd->add_option("--method", o->method, "pearson (pairwise complete, as R cor(use = \"pairwise\")) or polychoric (as psych)")
      ->check(CLI::IsMember({"pearson", "polychoric"}))
      ->default_val("pearson");
  cmd->add_option("--save-state", o->save_state,
                  "write this file's accumulated state (a shard: Pearson moments or polychoric frequency tables) instead of the "
                  "results; combine shards "
                  "with attune merge (docs/scale.md)");
  cmd->callback([o] {
    if (o->in.instrument.empty() && o->in.options.read.items.empty()) {
      throw error(errc::invalid_argument, "correlate: give --instrument (its items are used) or --items (which columns to correlate)");
    }
    correlate_study_options so;
    refuse_keep(o->in, "correlate");
    so.input = make_input_options(o->in);
    so.correlation.method = *parse_correlation_kind(o->method);
    so.correlation.polychoric.threads = o->in.threads;
    so.threads = o->in.threads;
    const auto inst = optional_instrument(o->in);
    if (!o->save_state.empty()) {
      const correlate_state state = accumulate_correlate(inst.get(), o->in.data, so);
      write_output_file(o->save_state, serialize_state(state), output_file_options{.inputs = o->in.inputs()});
      return;
    }
    const correlate_study study = study_correlate(inst.get(), o->in.data, so);
    const output_format f = o->in.format_enum();
    write_text(o->in, f == output_format::json ? to_json(study) : f == output_format::csv ? to_csv(study) : to_table(study));
  });
}

}  // namespace attune::cli
