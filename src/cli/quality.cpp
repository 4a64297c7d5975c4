// Placeholder until the quality module lands; replaced by the module's own command.
#include "cli/commands.hpp"
#include "attune/error.hpp"

namespace attune::cli {
void add_quality_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("quality", "(not available yet)");
  cmd->group("");  // hidden
  cmd->callback([] { throw attune::error(attune::errc::invalid_argument, "'quality' is not available in this build"); });
}
}  // namespace attune::cli
