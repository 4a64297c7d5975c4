// Placeholder until the correlate module lands; replaced by the module's own command.
#include "cli/commands.hpp"
#include "attune/error.hpp"

namespace attune::cli {
void add_correlate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("correlate", "(not available yet)");
  cmd->group("");  // hidden
  cmd->callback([] { throw attune::error(attune::errc::invalid_argument, "'correlate' is not available in this build"); });
}
}  // namespace attune::cli
