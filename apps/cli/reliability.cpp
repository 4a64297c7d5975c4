// attune reliability: alpha, Guttman's lambdas, split-half, intervals, omega and the item analysis
// of each subscale of an instrument, or of one scale named with --items.
#include "attune/report/apa.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_reliability_command(CLI::App& app) {
  struct options { input_flags in; reliability_study_options so; std::string save_state; };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "reliability", "alpha, Guttman's lambdas, split-half, omega, confidence intervals and the item analysis of each subscale");
  add_input_flags(*cmd, o->in, {"table", "json", "apa"}, /*instrument_required=*/false);
  add_options(*cmd, describe_options(o->so));
  add_save_state(*cmd, o->save_state, "the items' moments");
  cmd->callback([o] {
    refuse_keep(o->in, "reliability");
    o->so.input = make_input_options(o->in);
    o->so.reliability.threads = o->in.threads;
    const auto inst = optional_instrument(o->in);
    if (!o->save_state.empty()) {
      return write_state(o->in, o->save_state, serialize_state(accumulate_reliability(inst.get(), o->in.data, o->so)));
    }
    const reliability_study study = study_reliability(inst.get(), o->in.data, o->so);
    const output_format f = o->in.format_enum();
    write_text(o->in, f == output_format::json ? to_json(study) : f == output_format::apa ? to_apa(study) + "\n" : to_table(study));
  });
}

}  // namespace attune::cli
