// attune instruments: the built-in instruments, their keys' sources and confirmation levels.
#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_instruments_command(CLI::App& app) {
  struct options { input_flags out; std::string show; };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("instruments", "list the built-in instruments with their keys and sources");
  add_output_flags(*cmd, o->out, {"table", "json"}, "table or json");
  cmd->add_option("--show", o->show, "print one instrument (built-in id or file) as an instrument file (JSON)");
  cmd->callback([o] {
    if (!o->show.empty()) {  // one instrument's full definition, in the instrument-file format
      write_text(o->out, instrument_to_json(resolve_instrument(o->show)));
    } else {
      const auto& all = builtin_instruments();
      write_text(o->out, o->out.format_enum() == output_format::json ? to_json(all) : to_table(all));
    }
  });
}

}  // namespace attune::cli
