// Shared plumbing of the attune command line: the common options, the output, and the hints that
// turn a library error's code and fields into the option that fixes it. No statistics here.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/core/warning.hpp"
#include "attune/io/output_file.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/report/format.hpp"
#include "attune/report/rows.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"

namespace attune::cli {

/// The options every data command shares (DESIGN.md, command-line contract). The flags that set
/// the library's input options (--items, --scale, --missing, --id, --keep, --skip-rows,
/// --delimiter, --min-answered, --out-of-range, the limits) are bound to `options` directly.
struct input_flags {
  std::string data;                  // DATA path, "-" = stdin
  std::string instrument;            // --instrument ID|FILE.json
  std::string format;                // --format
  std::string output;                // -o FILE
  int threads = 0;                   // --threads
  std::vector<std::string> columns;  // --columns NAME[,NAME...] (row_options, per-respondent output)
  input_options options;

  [[nodiscard]] attune::output_format format_enum() const;
  /// The files the command reads (DATA, the instrument file, and `more`): -o must not be one of them.
  [[nodiscard]] std::vector<std::string> inputs(std::vector<std::string> more = {}) const;
};

/// Adds DATA and the common options to a command. `formats` lists the accepted --format values,
/// the first being the default. `data` false: the command takes its files itself (change).
void add_input_flags(CLI::App& cmd, input_flags& o, const std::vector<std::string>& formats,
                     bool instrument_required = true, bool data = true);

/// Adds --format (`formats`, the first the default; `help` its description) and -o FILE.
void add_output_flags(CLI::App& cmd, input_flags& o, const std::vector<std::string>& formats,
                      const std::string& help = "output format");

/// Adds --columns to a command that writes per-respondent rows (row_options::columns).
void add_columns_flag(CLI::App& cmd, input_flags& o);
/// The row options from the flags.
[[nodiscard]] row_options make_row_options(const input_flags& o);

/// The library's input options from the flags, with the terminal's progress bar.
input_options make_input_options(const input_flags& o);

/// An error when --keep is given to `command`, which writes no per-respondent rows to carry it to.
void refuse_keep(const input_flags& o, const std::string& command);

/// The instrument named by --instrument, or none (nullptr) when it was not given.
std::unique_ptr<instrument> optional_instrument(const input_flags& o);

// ---- flags bound to the library's options ------------------------------------------------------
// A flag sets a member of the study's options struct directly, and --help shows the member's own
// value as the default: the library's defaults are the command line's, stated once.

/// A flag --NAME for each of the library's described options (study/option_info.hpp): its help,
/// the form of its value and its default come from the library, and the library's setter parses
/// the text (its message then names the flag). `short_names` adds a one-letter name to an
/// option ({"respondents", "-n"}).
void add_options(CLI::App& cmd, const option_list& options, const std::map<std::string, std::string>& short_names = {});

/// --save-state FILE: the shard's state instead of the results (`what`: what the state holds).
CLI::Option* add_save_state(CLI::App& cmd, std::string& path, const std::string& what);
/// Writes a state to --save-state FILE (atomically; never one of the files the command reads).
void write_state(const input_flags& o, const std::string& path, const std::string& state_text);

/// Where a command writes: -o FILE (atomically: the file appears only on commit; never one of the
/// files the command reads) or standard output.
class output {
 public:
  explicit output(const input_flags& o, std::vector<std::string> more_inputs = {});
  std::ostream& stream();
  void commit();

 private:
  output_file file_;
};

/// Writes `text` to -o FILE or standard output (atomically), refusing the files the command reads.
void write_text(const input_flags& o, const std::string& text, std::vector<std::string> more_inputs = {});

/// "attune: warning: ..." lines on standard error, with the library's option fields named by their
/// flags (scoring_options.range = 1-5: --scale 1-5) and the flag of the warning's option added.
void print_warnings(const std::vector<warning>& warnings);
void print_warnings(const std::vector<std::string>& warnings);

/// Notes the flags of `app` and its commands (those set up for this run), so that a hint can name
/// the flag that sets a library options field named like it (min_answered: --min-answered).
void remember_flags(const CLI::App& app);

/// The message of a library error with the command line's hint: which option fixes it.
std::string message_with_hint(const error& e);

}  // namespace attune::cli
