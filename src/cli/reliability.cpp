// Placeholder until the reliability module lands; replaced by the module's own command.
#include "cli/commands.hpp"
#include "attune/error.hpp"

namespace attune::cli {
void add_reliability_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("reliability", "(not available yet)");
  cmd->group("");  // hidden
  cmd->callback([] { throw attune::error(attune::errc::invalid_argument, "'reliability' is not available in this build"); });
}
}  // namespace attune::cli
