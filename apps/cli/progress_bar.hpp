// The command line's progress bar (presentation only: the library sends progress_events).
//
// A bar on standard error while a long computation runs, drawn only when standard error is a
// terminal and --quiet is not given; nothing otherwise, so pipes, logs and tests see no
// progress text. Ctrl-C during a long computation (from its first report until the command
// writes its output) sets the library's cancel flag: the command stops with "attune: error:
// ...: cancelled by the caller" (exit 1) and writes no output file; a second Ctrl-C ends the
// program at once. Elsewhere Ctrl-C keeps its default.
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
