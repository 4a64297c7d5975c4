// attune simulate: seeded synthetic answers to any instrument (the sample data's generator).
#include "attune/analyses/simulate.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct simulate_cli_options {
  std::string instrument;
  simulation_options sim;
  std::string output;
};

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<simulate_cli_options>();
  auto* cmd = app.add_subcommand("simulate", "generate seeded synthetic answers to an instrument (CSV)");
  cmd->add_option("--instrument", o->instrument, "built-in id or FILE.json")->required();
  cmd->add_option("-n,--respondents", o->sim.n, "number of respondents")->default_val(1000);
  cmd->add_option("--seed", o->sim.seed, "random seed")->default_val(20261128);
  cmd->add_option("--loading", o->sim.loading, "item loading on its subscale's trait, in (0, 1)")->default_val(0.7);
  cmd->add_option("--correlation", o->sim.dimension_correlation, "correlation of anxiety and avoidance")
      ->default_val(0.2);
  cmd->add_option("--missing-rate", o->sim.missing_rate, "share of answers left empty at random")->default_val(0.02);
  cmd->add_option("-o,--output", o->output, "write to FILE (atomically) instead of standard output");
  cmd->callback([o] {
    const instrument inst = resolve_instrument(o->instrument);
    write_output_file(o->output, responses_to_csv(simulate_responses(inst, o->sim)), {{o->instrument}});
  });
}

}  // namespace attune::cli
