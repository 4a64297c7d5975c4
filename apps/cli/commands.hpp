// One function per command; each lives in its own apps/cli/<command>.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <string_view>
#include <utility>

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
inline constexpr std::pair<std::string_view, void (*)(CLI::App&)> commands[] = {
    {"instruments", add_instruments_command}, {"score", add_score_command},       {"reliability", add_reliability_command},
    {"correlate", add_correlate_command},     {"factor", add_factor_command},     {"classify", add_classify_command},
    {"change", add_change_command},           {"quality", add_quality_command},   {"profiles", add_profiles_command},
    {"cluster", add_cluster_command},         {"irt", add_irt_command},           {"cat", add_cat_command},
    {"report", add_report_command},           {"merge", add_merge_command},       {"simulate", add_simulate_command},
};

/// The command named `first` (argv[1]) alone when there is one of that name, else every command
/// (for `attune --help` and the unknown-command message): setting up all of them costs about a
/// millisecond of every run.
inline void add_commands(CLI::App& app, std::string_view first) {
  for (const auto& [name, add] : commands) {
    if (name == first) return add(app);
  }
  for (const auto& [name, add] : commands) add(app);
}

}  // namespace attune::cli
