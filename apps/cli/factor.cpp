// attune factor: exploratory factor analysis of an instrument's items, or (--cfa) the
// confirmatory model with one factor per subscale (e.g. anxiety and avoidance).
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_factor_command(CLI::App& app) {
  struct options { input_flags in; factor_study_options so; std::string save_state; };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "factor",
      "factor structure of an instrument's items: exploratory factor analysis (psych::fa), or with --cfa the "
      "confirmatory model with one factor per subscale (lavaan::cfa)");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  add_options(*cmd, describe_options(o->so));
  add_save_state(*cmd, o->save_state, "the keyed items' moments, or polychoric tables; exploratory");
  cmd->callback([o] {
    factor_study_options& so = o->so;
    const output_format format = o->in.format_enum();
    if (format == output_format::csv && !so.scores) {
      throw error(errc::invalid_argument, "--format csv writes the factor scores: give --scores regression|bartlett|tenberge");
    }
    refuse_keep(o->in, "factor");
    so.input = make_input_options(o->in);
    so.parallel_analysis.threads = so.threads = o->in.threads;
    const instrument inst = resolve_instrument(o->in.instrument);
    if (!o->save_state.empty()) {
      return write_state(o->in, o->save_state, serialize_state(accumulate_factor(inst, o->in.data, so)));
    }
    const factor_study study = study_factor(inst, o->in.data, so);
    write_text(o->in, format == output_format::csv ? to_csv(study) : format == output_format::json ? to_json(study) : to_table(study));
    if (format == output_format::csv) print_warnings(study.warnings);
  });
}

}  // namespace attune::cli
