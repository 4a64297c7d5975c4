// Placeholder until the classify module lands; replaced by the module's own command.
#include "cli/commands.hpp"
#include "attune/error.hpp"

namespace attune::cli {
void add_classify_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("classify", "(not available yet)");
  cmd->group("");  // hidden
  cmd->callback([] { throw attune::error(attune::errc::invalid_argument, "'classify' is not available in this build"); });
}
}  // namespace attune::cli
