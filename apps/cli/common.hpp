// Shared plumbing of the attune command line: input options, loading, output.
// The CLI holds no statistics: commands parse arguments, call the library, format results.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/keys/instrument.hpp"
#include "attune/data/responses.hpp"
#include "attune/io/output_file.hpp"
#include "attune/analyses/scoring.hpp"
#include "detail/json_text.hpp"

namespace attune::cli {

/// The options every data command shares (DESIGN.md, command-line contract).
struct input_options {
  std::string data;                     // DATA path, "-" = stdin
  std::string instrument;               // --instrument ID|FILE.json
  std::vector<std::string> items;       // --items
  std::string scale;                    // --scale MIN-MAX
  std::vector<std::string> missing;     // --missing CODE[,CODE]
  std::string id;                       // --id COLUMN
  std::string delimiter;                // --delimiter , ; tab
  double min_answered = 0.8;            // --min-answered
  bool out_of_range_missing = false;    // --out-of-range missing
  std::string format;                   // --format
  std::string output;                   // -o FILE
};

/// Adds DATA and the common options to a subcommand. `formats` lists the accepted --format
/// values, the first being the default.
void add_input_options(CLI::App& cmd, input_options& o, const std::vector<std::string>& formats,
                       bool instrument_required = true);

/// "1-7" -> {1, 7}. @throws attune::error (invalid_argument).
response_range parse_scale(const std::string& text);
/// The library's read options from the command line's.
read_options make_read_options(const input_options& o);
/// The library's scoring options from the command line's.
scoring_options make_scoring_options(const input_options& o);

/// An instrument, its data and how to score them, loaded in full.
struct loaded_input {
  instrument inst;
  responses data;
  scoring_options scoring;
};
/// Resolves the instrument and reads DATA in full.
loaded_input load_input(const input_options& o);

/// A number as the shortest text that reads back exactly; "" for NaN (CSV) .
std::string format_number(double x);
/// A number rounded for tables ("NA" for NaN).
std::string format_fixed(double x, int decimals);
/// A CSV field, quoted when needed.
std::string csv_field(std::string_view s);
/// Writes `s` at `p` as a CSV field (as csv_field) and returns the end: for writers that format
/// into one buffer. Needs room for 2 * s.size() + 2 characters.
char* put_csv_field(char* p, std::string_view s) noexcept;
/// NaN -> null, otherwise the number.
nlohmann::json json_number(double x);
/// JSON text of a document; non-UTF-8 text is a bad-input error (json_text.hpp).
using detail::json_text;

/// The output options that keep -o from overwriting what the command reads: DATA, the instrument
/// file (a built-in id names no file and is ignored) and `more` (norm tables, other data files).
output_file_options protect_inputs(const input_options& o, std::vector<std::string> more = {});

}  // namespace attune::cli
