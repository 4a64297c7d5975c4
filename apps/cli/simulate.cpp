// attune simulate: seeded synthetic answers to any instrument (the sample data's generator), or
// from an item bank's graded response model.
#include "attune/analyses/simulate.hpp"
#include "attune/study/irt.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_simulate_command(CLI::App& app) {
  struct options {
    input_flags out;
    std::string bank;
    simulation_options sim;
  };
  auto o = std::make_shared<options>();
  auto* cmd =
      app.add_subcommand("simulate", "generate seeded synthetic answers to an instrument or an item bank (CSV)");
  auto* inst = cmd->add_option("--instrument", o->out.instrument, "built-in id or FILE.json");
  auto* bank = cmd->add_option("--bank", o->bank,
                               "an item bank (JSON): answers from its graded response model, N(0, 1) thetas per scale");
  inst->excludes(bank);
  add_options(*cmd, describe_options(o->sim), {{"respondents", "-n"}});
  cmd->add_option("-o,--output", o->out.output, "write to FILE (atomically) instead of standard output");
  cmd->callback([o] {
    if (!o->bank.empty()) {
      const auto study = study_irt_simulate(load_item_bank(o->bank), bank_simulation_options(o->sim));
      write_text(o->out, responses_to_csv(study.data), {o->bank});
      return;
    }
    if (o->out.instrument.empty()) {
      throw error(errc::invalid_argument, "give --instrument ID|FILE.json or --bank bank.json: what to simulate");
    }
    // Streamed a chunk at a time: memory does not grow with -n (10,000,000 respondents fit).
    const instrument simulated = resolve_instrument(o->out.instrument);
    output out(o->out);
    bool header = true;
    simulate_response_chunks(simulated, o->sim, 0, [&](const responses& chunk) {
      write_responses_csv(out.stream(), chunk, header);
      header = false;
    });
    out.commit();
  });
}

}  // namespace attune::cli
