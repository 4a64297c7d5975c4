// The command line's progress bar (presentation only: the library sends progress_events): drawn
// on standard error only when it is a terminal and --quiet is not given. Ctrl-C during a long
// computation sets the library's cancel flag; a second one ends the program (docs/cli.md).
#pragma once

#include <CLI/CLI.hpp>

#include "attune/core/progress.hpp"

namespace attune::cli {

/// Adds the global --quiet flag to `app` and to each of its commands (at any depth), so that it
/// may be given before or after the command's name.
void add_quiet_flag(CLI::App& app);

/// The progress options of a command: the bar's callback (when it is drawn) and the Ctrl-C
/// cancel flag.
progress_options terminal_progress();

/// Erases the bar's line, if one was drawn (before the command's output or error message).
void end_progress();

}  // namespace attune::cli
