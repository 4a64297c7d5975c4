// Shared plumbing of the attune command line: the common options, the output, and the hints that
// turn a library error's code and fields into the option that fixes it. No statistics here.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/core/warning.hpp"
#include "attune/io/output_file.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/norms.hpp"
#include "attune/report/format.hpp"
#include "attune/report/rows.hpp"
#include "attune/study/input.hpp"
#include "attune/study/measurement.hpp"
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

// ---- flags bound to the library's options ------------------------------------------------------
// A flag sets a member of the study's options struct directly, and --help shows the member's own
// value as the default: the library's defaults are the command line's, stated once.

template <class T>
struct is_list : std::false_type {};
template <class T>
struct is_list<std::vector<T>> : std::true_type {};

/// A value (or a comma-separated list) into `member`.
template <class T>
CLI::Option* add_value(CLI::App& cmd, const std::string& name, T& member, const std::string& help) {
  CLI::Option* opt = cmd.add_option(name, member, help);
  if constexpr (is_list<T>::value) {
    opt->delimiter(',');
  } else {
    opt->capture_default_str();
  }
  return opt;
}

/// An enum by its `parse_<enum>` name (an error names the flag, the text and `choices`); with an
/// optional member, "none" leaves it empty.
template <class E>
CLI::Option* add_choice(CLI::App& cmd, const std::string& name, E& member,
                        std::optional<E> (*parse)(std::string_view) noexcept, const std::string& choices,
                        const std::string& help) {
  return cmd
      .add_option_function<std::string>(
          name, [&member, name, parse, choices](const std::string& t) { member = parse_choice(name, t, parse, choices); },
          help)
      ->default_str(std::string(to_string(member)));
}
template <class E>
CLI::Option* add_choice(CLI::App& cmd, const std::string& name, std::optional<E>& member,
                        std::optional<E> (*parse)(std::string_view) noexcept, const std::string& choices,
                        const std::string& help) {
  return cmd
      .add_option_function<std::string>(
          name,
          [&member, name, parse, choices](const std::string& t) {
            member = t == "none" ? std::nullopt : std::optional<E>(parse_choice(name, t, parse, choices));
          },
          help)
      ->default_str(member ? std::string(to_string(*member)) : "none");
}

/// A flag --NAME for each of the library's described options (study/option_info.hpp): its help,
/// the form of its value and its default come from the library, and the library's setter parses
/// the text (its message then names the flag). `short_names` adds a one-letter name to an
/// option ({"respondents", "-n"}).
void add_options(CLI::App& cmd, const option_list& options, const std::map<std::string, std::string>& short_names = {});

/// NAME=VALUE entries, or one value for every score (`parse_score_values`).
CLI::Option* add_score_values(CLI::App& cmd, const std::string& name, score_values& member, const std::string& help);
/// A norm table: a built-in id or FILE.json (`resolve_norm_table`).
CLI::Option* add_norms(CLI::App& cmd, const std::string& name, std::optional<norm_table>& member,
                       const std::string& help);
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

/// Notes the flags of `app` and its commands (those set up for this run), so that a hint can name
/// the flag that sets a library options field named like it (min_answered: --min-answered).
void remember_flags(const CLI::App& app);

/// The message of a library error with the command line's hint: which option fixes it.
std::string message_with_hint(const error& e);

}  // namespace attune::cli
