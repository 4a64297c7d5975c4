// Shared plumbing of the attune command line: the common options, the output, and the hints that
// turn a library error's code and fields into the option that fixes it. No statistics here.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
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
#include "attune/study/measurement.hpp"

namespace attune::cli {

/// The options every data command shares (DESIGN.md, command-line contract).
struct input_flags {
  std::string data;                   // DATA path, "-" = stdin
  std::string instrument;             // --instrument ID|FILE.json
  std::vector<std::string> items;     // --items
  std::string scale;                  // --scale MIN-MAX
  std::vector<std::string> missing;   // --missing CODE[,CODE]
  std::string id;                     // --id COLUMN
  std::vector<std::string> keep;      // --keep COL[,COL...]
  std::size_t skip_rows = 0;          // --skip-rows N
  std::string delimiter;              // --delimiter , ; tab
  double min_answered = 0.8;          // --min-answered
  std::string out_of_range = "error"; // --out-of-range error|missing
  std::string format;                 // --format
  std::string output;                 // -o FILE
  int threads = 0;                    // --threads
  bool no_sanity_warnings = false;    // --no-sanity-warnings
  std::size_t max_record_bytes = std::size_t{16} << 20;  // --max-record-bytes (csv_options)
  std::size_t max_columns = 10000;    // --max-columns (csv_options)
  std::vector<std::string> columns;   // --columns NAME[,NAME...] (row_options, per-respondent output)

  [[nodiscard]] attune::output_format format_enum() const;
  /// The files the command reads (DATA, the instrument file, and `more`): -o must not be one of them.
  [[nodiscard]] std::vector<std::string> inputs(std::vector<std::string> more = {}) const;
};

/// Adds DATA and the common options to a command. `formats` lists the accepted --format values,
/// the first being the default. `data` false: the command takes its files itself (change).
void add_input_flags(CLI::App& cmd, input_flags& o, const std::vector<std::string>& formats,
                     bool instrument_required = true, bool data = true);

/// Adds --columns to a command that writes per-respondent rows (row_options::columns).
void add_columns_flag(CLI::App& cmd, input_flags& o);
/// The row options from the flags.
[[nodiscard]] row_options make_row_options(const input_flags& o);

/// The library's input options from the flags.
input_options make_input_options(const input_flags& o);

/// An error when --keep is given to `command`, which writes no per-respondent rows to carry it to.
void refuse_keep(const input_flags& o, const std::string& command);

/// The instrument named by --instrument, or none (nullptr) when it was not given.
std::unique_ptr<instrument> optional_instrument(const input_flags& o);

/// The value of an enum flag through its `parse_<enum>`, or an error naming the flag, the text and
/// the choices (`choices`: "low or unclassified").
template <class E>
E parse_choice(const std::string& flag, const std::string& text, std::optional<E> (*parse)(std::string_view) noexcept,
               const std::string& choices) {
  if (auto v = parse(text)) return *v;
  throw error(errc::invalid_argument, flag + " '" + text + "': use " + choices, {.value = text});
}

/// "NAME=VALUE" entries (e.g. anxiety=0.91), or a lone number for every score, as `score_values`.
score_values parse_score_values(const std::string& flag, const std::vector<std::string>& entries);

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

/// `text` with the library's option fields (scoring_options.range = 1-5, ...) named by their
/// command-line flags (--scale 1-5, ...).
std::string in_cli_terms(std::string text);
void in_cli_terms(std::vector<std::string>& texts);

/// A warning in the command line's terms: its message with the options fields named by their
/// flags (`in_cli_terms`), and its option's flag when the message does not already name it.
std::string warning_text(const warning& w);

/// "attune: warning: ..." lines on standard error (`warning_text`); an analysis's text warnings
/// take the option their text names.
void print_warnings(const std::vector<warning>& warnings);
void print_warnings(const std::vector<std::string>& warnings);

/// The message of a library error with the command line's hint: which option fixes it.
std::string message_with_hint(const error& e);

}  // namespace attune::cli
