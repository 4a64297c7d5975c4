#include "cli/common.hpp"

#include <charconv>
#include <cmath>
#include <iostream>
#include <map>


namespace attune::cli {

output_format input_flags::format_enum() const { return parse_output_format(format).value_or(output_format::table); }

void add_input_flags(CLI::App& cmd, input_flags& o, const std::vector<std::string>& formats, bool instrument_required,
                     bool data) {
  if (data) cmd.add_option("DATA", o.data, "CSV/TSV file with a header row; - reads standard input")->required();
  auto* inst = cmd.add_option("--instrument", o.instrument, "built-in id (see `attune instruments`) or FILE.json");
  if (instrument_required) inst->required();
  cmd.add_option("--items", o.items,
                 "columns holding the items, in instrument order: names, ranges (Q1-Q36) or 1-based positions; "
                 "default: columns named like the item ids")
      ->delimiter(',');
  cmd.add_option("--scale", o.scale, "response range of this file, MIN-MAX (e.g. 1-5), when it differs from the instrument's");
  cmd.add_option("--missing", o.missing, "cell values that mean no answer, e.g. 0,99 (empty cells and NA always do)")
      ->delimiter(',');
  cmd.add_option("--id", o.id, "column holding respondent ids, copied to the output");
  cmd.add_option("--delimiter", o.delimiter, "field delimiter: ',' ';' or 'tab' (default: detected)");
  cmd.add_option("--min-answered", o.min_answered, "share of a subscale's items that must be answered for a score, in (0, 1]")
      ->default_val(0.8);
  cmd.add_option("--out-of-range", o.out_of_range, "what an answer outside the range is: error (default) or missing")
      ->check(CLI::IsMember({"error", "missing"}))
      ->default_val("error");
  cmd.add_option("--format", o.format, "output format")->check(CLI::IsMember(formats))->default_val(formats.front());
  cmd.add_option("-o,--output", o.output, "write to FILE (atomically) instead of standard output");
  cmd.add_option("--threads", o.threads, "worker threads (0 = all cores); results never depend on it")
      ->check(CLI::NonNegativeNumber)
      ->default_val(0);
}

namespace {

response_range parse_scale(const std::string& text) {
  // "1-7", "0-4", "-3-3": the separator is the first '-' after the first character.
  const std::size_t dash = text.find('-', 1);
  auto fail = [&] {
    throw error(errc::invalid_argument, "--scale '" + text + "': expected MIN-MAX with MIN < MAX, e.g. 1-7");
  };
  if (dash == std::string::npos) fail();
  response_range r;
  const char* a = text.data();
  const auto [p1, e1] = std::from_chars(a, a + dash, r.min);
  const auto [p2, e2] = std::from_chars(a + dash + 1, a + text.size(), r.max);
  if (e1 != std::errc() || e2 != std::errc() || p1 != a + dash || p2 != a + text.size() || !(r.min < r.max)) fail();
  return r;
}

}  // namespace

input_options make_input_options(const input_flags& o) {
  input_options in;
  if (!o.delimiter.empty()) {
    if (o.delimiter == "tab" || o.delimiter == "\\t" || o.delimiter == "\t") {
      in.read.csv.delimiter = '\t';
    } else if (o.delimiter == "," || o.delimiter == ";") {
      in.read.csv.delimiter = o.delimiter[0];
    } else {
      throw error(errc::invalid_argument, "--delimiter '" + o.delimiter + "': use ',', ';' or tab");
    }
  }
  for (const auto& code : o.missing) {
    double v = 0.0;
    if (!parse_cell(code, {}, v) || std::isnan(v)) {
      throw error(errc::invalid_argument, "--missing '" + code + "': a missing code must be a number");
    }
    in.read.missing_codes.push_back(v);
  }
  in.read.items = o.items;
  in.read.id_column = o.id;
  if (!o.scale.empty()) in.scoring.range = parse_scale(o.scale);
  in.scoring.min_answered = o.min_answered;
  in.scoring.out_of_range = o.out_of_range == "missing" ? out_of_range_policy::set_missing : out_of_range_policy::error;
  return in;
}

std::unique_ptr<instrument> optional_instrument(const input_flags& o) {
  if (o.instrument.empty()) return nullptr;
  return std::make_unique<instrument>(resolve_instrument(o.instrument));
}

std::vector<std::string> input_flags::inputs(std::vector<std::string> more) const {
  more.push_back(data);
  more.push_back(instrument);
  return more;
}

output::output(const input_flags& o, std::vector<std::string> more_inputs)
    : file_(o.output, output_file_options{o.inputs(std::move(more_inputs))}) {}

std::ostream& output::stream() { return file_.stream(); }

void output::commit() { file_.commit(); }

void write_text(const input_flags& o, const std::string& text, std::vector<std::string> more_inputs) {
  write_output_file(o.output, text, output_file_options{o.inputs(std::move(more_inputs))});
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "attune: warning: " << w << "\n";
}

namespace {

// The command-line flag of a library options field.
const std::map<std::string, std::string>& option_flags() {
  static const std::map<std::string, std::string> flags = {
      {"scoring_options.range", "--scale MIN-MAX"},
      {"scoring_options.min_answered", "--min-answered"},
      {"scoring_options.out_of_range", "--out-of-range"},
      {"read_options.items", "--items"},
      {"read_options.id_column", "--id"},
      {"read_options.missing_codes", "--missing"},
      {"csv_options.delimiter", "--delimiter"},
      {"reversed", "--reverse"},
      {"reliability_study_options.reversed", "--reverse"},
      {"instrument", "--instrument (a built-in id from `attune instruments`, or an instrument file)"},
  };
  return flags;
}

bool looks_like_missing_code(const std::string& v) {
  return v == "0" || v == "-1" || v == "9" || v == "99" || v == "-99" || v == "999" || v == "-9" || v == "-999";
}

}  // namespace

std::string message_with_hint(const error& e) {
  std::string msg = e.what();
  std::string hint;
  const std::string rule = e.rule().value_or("");
  if (rule == "out_of_range") {
    const std::string v = e.value().value_or("");
    hint = looks_like_missing_code(v) ? "if " + v + " means no answer, give --missing " + v +
                                            "; otherwise give the data's range with --scale MIN-MAX, or treat such "
                                            "values as missing with --out-of-range missing"
                                      : "give the data's range with --scale MIN-MAX, or treat such values as missing "
                                        "with --out-of-range missing";
  } else if (rule == "not_a_number") {
    hint = "codes that mean no answer go in --missing (empty cells and NA always do)";
  } else if (rule == "missing_column" || rule == "unknown_column" || rule == "item_count") {
    hint = "name the item columns with --items (names, ranges such as Q1-Q36, or positions)";
  } else if (rule == "single_column_header") {
    hint = "give the delimiter with --delimiter (',', ';' or tab)";
  } else if (e.option()) {
    const auto& flags = option_flags();
    if (auto it = flags.find(*e.option()); it != flags.end()) hint = "see " + it->second;
  }
  if (!hint.empty()) msg += "\n  hint: " + hint;
  return msg;
}

}  // namespace attune::cli
