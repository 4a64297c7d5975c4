// One function per command; each lives in its own apps/cli/<command>.cpp.
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
void add_profiles_command(CLI::App& app);
void add_cluster_command(CLI::App& app);
void add_irt_command(CLI::App& app);
void add_cat_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_merge_command(CLI::App& app);

/// Every command, in the order `attune --help` lists them.
inline void add_commands(CLI::App& app) {
  add_instruments_command(app);
  add_score_command(app);
  add_reliability_command(app);
  add_correlate_command(app);
  add_factor_command(app);
  add_classify_command(app);
  add_change_command(app);
  add_quality_command(app);
  add_profiles_command(app);
  add_cluster_command(app);
  add_irt_command(app);
  add_cat_command(app);
  add_report_command(app);
  add_merge_command(app);
  add_simulate_command(app);
}

}  // namespace attune::cli
