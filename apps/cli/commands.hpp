// One function per subcommand; each lives in its own apps/cli/<command>.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace attune::cli {

void add_instruments_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_reliability_command(CLI::App& app);
void add_correlate_command(CLI::App& app);
void add_factor_command(CLI::App& app);
void add_classify_command(CLI::App& app);
void add_change_command(CLI::App& app);
void add_quality_command(CLI::App& app);

}  // namespace attune::cli
