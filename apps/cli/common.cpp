#include "cli/common.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"

namespace attune::cli {

void add_input_options(CLI::App& cmd, input_options& o, const std::vector<std::string>& formats,
                       bool instrument_required) {
  cmd.add_option("DATA", o.data, "CSV/TSV file with a header row; - reads standard input")->required();
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
  cmd.add_option("--min-answered", o.min_answered,
                 "share of a subscale's items that must be answered for a score, in (0, 1]")
      ->default_val(0.8);
  cmd.add_option("--out-of-range", o.out_of_range_missing,
                 "what an answer outside the range is: error (default) or missing")
      ->transform(CLI::Transformer(std::map<std::string, bool>{{"error", false}, {"missing", true}}));
  cmd.add_option("--format", o.format, "output format")
      ->check(CLI::IsMember(formats))
      ->default_val(formats.front());
  cmd.add_option("-o,--output", o.output, "write to FILE (atomically) instead of standard output");
}

response_range parse_scale(const std::string& text) {
  // "1-7", "0-4", "-3-3", "1e-170-7e-170": the separator is the first '-' after the first
  // character at which both sides read as numbers (an exponent may hold a '-').
  for (std::size_t dash = text.find('-', 1); dash != std::string::npos; dash = text.find('-', dash + 1)) {
    response_range r;
    const char* a = text.data();
    const auto [p1, e1] = std::from_chars(a, a + dash, r.min);
    const auto [p2, e2] = std::from_chars(a + dash + 1, a + text.size(), r.max);
    if (e1 == std::errc() && e2 == std::errc() && p1 == a + dash && p2 == a + text.size() && r.min < r.max) return r;
  }
  throw error(errc::invalid_argument, "--scale " + detail::quoted(text) + ": expected MIN-MAX with MIN < MAX, e.g. 1-7");
}

read_options make_read_options(const input_options& o) {
  read_options r;
  if (!o.delimiter.empty()) {
    if (o.delimiter == "tab" || o.delimiter == "\\t" || o.delimiter == "\t") {
      r.csv.delimiter = '\t';
    } else if (o.delimiter == "," || o.delimiter == ";") {
      r.csv.delimiter = o.delimiter[0];
    } else {
      throw error(errc::invalid_argument, "--delimiter '" + o.delimiter + "': use ',', ';' or tab");
    }
  }
  for (const auto& code : o.missing) {
    double v = 0.0;
    if (!parse_cell(code, {}, v) || std::isnan(v)) {
      throw error(errc::invalid_argument, "--missing '" + code + "': a missing code must be a number");
    }
    r.missing_codes.push_back(v);
  }
  r.items = o.items;
  r.id_column = o.id;
  return r;
}

scoring_options make_scoring_options(const input_options& o) {
  scoring_options s;
  if (!o.scale.empty()) s.range = parse_scale(o.scale);
  s.min_answered = o.min_answered;
  s.out_of_range = o.out_of_range_missing ? out_of_range_policy::set_missing : out_of_range_policy::error;
  s.validate();
  return s;
}

loaded_input load_input(const input_options& o) {
  loaded_input in{resolve_instrument(o.instrument), {}, make_scoring_options(o)};
  in.data = read_responses_file(o.data, in.inst.item_ids(), make_read_options(o));
  return in;
}

std::string format_number(double x) {
  if (std::isnan(x)) return {};
  char buf[32];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, ptr);
}

std::string format_fixed(double x, int decimals) {
  if (std::isnan(x)) return "NA";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

char* put_csv_field(char* p, std::string_view s) noexcept {
  const bool plain = std::none_of(s.begin(), s.end(), [](char c) {
    return c == ',' || c == ';' || c == '\t' || c == '"' || c == '\n' || c == '\r';
  });
  if (plain) {
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  *p++ = '"';
  for (char c : s) {
    if (c == '"') *p++ = '"';
    *p++ = c;
  }
  *p++ = '"';
  return p;
}

std::string csv_field(std::string_view s) {
  std::string out(2 * s.size() + 2, '\0');
  out.resize(static_cast<std::size_t>(put_csv_field(out.data(), s) - out.data()));
  return out;
}

nlohmann::json json_number(double x) {
  if (std::isnan(x) || std::isinf(x)) return nullptr;
  return x;
}

output_file_options protect_inputs(const input_options& o, std::vector<std::string> more) {
  output_file_options out;
  out.inputs = {o.data, o.instrument};
  for (auto& m : more) out.inputs.push_back(std::move(m));
  return out;
}

}  // namespace attune::cli
