// What `attune profiles` and `attune cluster` share: the command with its flags (the input's, the
// study's options as the library describes them, --rows) and how a study is written. No statistics here.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "attune/report/rows.hpp"
#include "attune/study/profiles.hpp"
#include "cli/common.hpp"

namespace attune::cli {

/// The flags of a profiles or cluster command.
template <class StudyOptions>
struct profile_command {
  input_flags in;
  StudyOptions so;
  bool rows = false;
};

/// Adds the command `name`: DATA, the input flags, --columns, the study's options and --rows.
template <class StudyOptions>
CLI::App* add_profile_command(CLI::App& app, const std::string& name, const std::string& help,
                              profile_command<StudyOptions>& o) {
  auto* cmd = app.add_subcommand(name, help);
  add_input_flags(*cmd, o.in, {"table", "json", "csv"});
  add_columns_flag(*cmd, o.in);
  add_options(*cmd, describe_options(o.so));
  cmd->add_flag("--rows", o.rows, "with --format table: the per-respondent rows above the summary");
  return cmd;
}

/// Writes a profiles or cluster study: --format table without --rows the summary alone; otherwise
/// the report (a table: the rows above the summary; CSV: the rows, the summary on standard error).
template <class Study>
void write_profile_study(const input_flags& in, bool rows, const Study& study, std::string (*summary)(const Study&)) {
  if (in.format_enum() == output_format::table && !rows) {
    write_text(in, summary(study));
    return;
  }
  output out(in);
  write_report(out.stream(), in.format_enum(), study, make_row_options(in));
  out.commit();
  if (in.format_enum() == output_format::csv) std::cerr << summary(study);
}

}  // namespace attune::cli
