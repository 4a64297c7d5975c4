// attune correlate: the item correlation matrix (pairwise Pearson or polychoric).
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_correlate_command(CLI::App& app) {
  struct options { input_flags in; correlate_study_options so; std::string save_state; };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("correlate", "item correlation matrix: pairwise Pearson or polychoric");
  add_input_flags(*cmd, o->in, {"json", "csv", "table"}, false);
  add_options(*cmd, describe_options(o->so));
  add_save_state(*cmd, o->save_state, "Pearson moments or polychoric frequency tables");
  cmd->callback([o] {
    refuse_keep(o->in, "correlate");
    correlate_study_options& so = o->so;
    so.input = make_input_options(o->in);
    so.correlation.polychoric.threads = so.threads = o->in.threads;
    const auto inst = optional_instrument(o->in);
    if (!o->save_state.empty()) {
      return write_state(o->in, o->save_state, serialize_state(accumulate_correlate(inst.get(), o->in.data, so)));
    }
    const correlate_study study = study_correlate(inst.get(), o->in.data, so);
    const output_format f = o->in.format_enum();
    write_text(o->in, f == output_format::json ? to_json(study) : f == output_format::csv ? to_csv(study) : to_table(study));
  });
}

}  // namespace attune::cli
