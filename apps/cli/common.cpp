#include "cli/common.hpp"
#include "cli/progress_bar.hpp"

#include "attune/core/limits.hpp"

#include <iostream>
#include <map>
#include <set>
#include <algorithm>

namespace attune::cli {

output_format input_flags::format_enum() const { return parse_output_format(format).value_or(output_format::table); }

void add_input_flags(CLI::App& cmd, input_flags& o, const std::vector<std::string>& formats, bool instrument_required,
                     bool data) {
  if (data) cmd.add_option("DATA", o.data, "CSV/TSV file with a header row; - reads standard input")->required();
  auto* inst = cmd.add_option("--instrument", o.instrument, "built-in id (see `attune instruments`) or FILE.json");
  if (instrument_required) inst->required();
  add_options(cmd, describe_options(o.options));
  add_output_flags(cmd, o, formats);
  cmd.add_option("--threads", o.threads, "worker threads (0 = all cores); results never depend on it")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  // Input limits (docs/limits.md) beside the library's: raise them for files that really are this large.
  cmd.add_option_function<int>(
         "--max-json-depth", [](int levels) { set_json_depth_limit(levels); },
         "deepest nesting accepted in JSON inputs: instrument, norms, item bank files (default 64)")
      ->check(CLI::Range(1, max_json_depth_limit));
}

void add_output_flags(CLI::App& cmd, input_flags& o, const std::vector<std::string>& formats, const std::string& help) {
  cmd.add_option("--format", o.format, help)->check(CLI::IsMember(formats))->default_val(formats.front());
  cmd.add_option("-o,--output", o.output, "write to FILE (atomically) instead of standard output");
}

void add_columns_flag(CLI::App& cmd, input_flags& o) {
  cmd.add_option("--columns", o.columns,
                 "write only these output columns (after the id or row column), e.g. mahalanobis,flags; "
                 "an unknown name lists the columns")
      ->delimiter(',');
}

row_options make_row_options(const input_flags& o) { return row_options{o.columns}; }

input_options make_input_options(const input_flags& o) {
  input_options in = o.options;
  in.progress = terminal_progress();
  return in;
}

void refuse_keep(const input_flags& o, const std::string& command) {
  if (o.options.keep.empty()) return;
  throw error(errc::invalid_argument, "--keep carries columns to per-respondent rows (score, classify, quality, change); `" +
                                          command + "` writes none: drop --keep");
}

CLI::Option* add_save_state(CLI::App& cmd, std::string& path, const std::string& what) {
  return cmd.add_option("--save-state", path,
                        "write this file's accumulated state (a shard: " + what +
                            ") instead of the results; combine shards with attune merge (docs/scale.md)");
}

void write_state(const input_flags& o, const std::string& path, const std::string& state_text) {
  end_progress();
  write_output_file(path, state_text, output_file_options{.inputs = o.inputs()});
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

std::ostream& output::stream() {
  end_progress();
  return file_.stream();
}

void output::commit() { file_.commit(); }

void write_text(const input_flags& o, const std::string& text, std::vector<std::string> more_inputs) {
  end_progress();
  write_output_file(o.output, text, output_file_options{o.inputs(std::move(more_inputs))});
}

namespace {

// `text` with the library's option fields named by their flags.
std::string in_cli_terms(std::string text) {
  // the fields that the library's warnings name (its errors carry error_details.option instead)
  static const std::pair<const char*, const char*> terms[] = {
      {"scoring_options.range = ", "--scale "},
      {"input_options.sanity_warnings = false", "--no-sanity-warnings"},
      {"scoring_options.min_answered = ", "--min-answered "},
      {"scoring_options.min_answered", "--min-answered"},
      {"classify_options.rescale_to_1_7", "--rescale"},
      {"classify_study_options.rescale_to_1_7", "--rescale"},
      {"row_options.columns", "--columns"},
  };
  for (const auto& [field, flag] : terms) {
    const std::string f = field, g = flag;
    for (std::size_t at = text.find(f); at != std::string::npos; at = text.find(f, at + g.size())) text.replace(at, f.size(), g);
  }
  return text;
}

// The command-line flag of a library options field whose flag is not named like the field (a
// field "x_options.lz_min" whose command has --lz-min needs no entry: `flag_of`).
const std::map<std::string, std::string>& option_flags() {
  static const std::map<std::string, std::string> flags = {
      {"read_options.extra_columns", "--keep COL[,COL...]"},
      {"row_options.columns", "--columns NAME[,NAME...]"},
      {"json_depth_limit", "--max-json-depth N"},
      {"reversed", "--reverse"},
      {"instrument", "--instrument (a built-in id from `attune instruments`, or an instrument file)"},
      {"classify_options.range", "--scale MIN-MAX"},
      {"classify_options.rescale_to_1_7", "--rescale"},
      {"classify_options.norm_anxiety_mean", "--norms ID|FILE.json"},
      {"classify_options.prototypes", "--prototype STYLE=ANXIETY:AVOIDANCE"},
      {"classify_options.kmeans_starts", "--starts"},
      {"classify_study_options.forced_choice_column", "--forced-choice COLUMN"},
      {"change_study_options.directions", "--lower-better / --higher-better"},
      {"mixture_options.k_min", "--k MIN-MAX"},
      {"mixture_options.k_max", "--k MIN-MAX"},
      {"grm_options.unused_categories", "--unused-categories drop (the category is left out of that item, with a warning)"},
      {"cat_simulation_options.n", "-n"},
      {"grm_simulation_options.n", "-n"},
      {"quality_study_options.bank", "--bank (a bank of the instrument's items, e.g. from `attune irt fit --instrument`)"},
  };
  return flags;
}

// The hint of a broken rule whose fix does not depend on the value.
const std::map<std::string, std::string>& rule_hints() {
  static const std::map<std::string, std::string> hints = {
      {"not_a_number", "codes that mean no answer go in --missing (empty cells and NA always do)"},
      {"missing_column", "name the item columns with --items (names, ranges such as Q1-Q36, or positions)"},
      {"unknown_column", "name the item columns with --items (names, ranges such as Q1-Q36, or positions)"},
      {"item_count", "name the item columns with --items (names, ranges such as Q1-Q36, or positions)"},
      {"single_column_header", "give the delimiter with --delimiter (',', ';' or tab)"},
      {"record_too_long", "if the file really has records this long, raise the limit with --max-record-bytes BYTES"},
      {"too_many_columns", "if the file really is this wide, raise the limit with --max-columns N"},
      {"json_too_deep", "if the file really nests this deep, raise the limit with --max-json-depth N"},
      {"fisher_range", "give --rescale to map the scores linearly onto 1-7 (the output says so), or use another --method"},
      {"norms_required", "give the norm table with --norms ID|FILE.json"},
      {"clinical_norms_pair", "give both --functional-norms and --dysfunctional-norms"},
      {"sd_unavailable", "give --sd NAME=VALUE, or --norms with the scale's SD"},
      {"reliability_unavailable", "give --reliability NAME=VALUE (a test-retest value when you have one)"},
      {"id_required", "name the id column with --id COLUMN"},
      {"scores_required", "name the scores with --scores, or fit the items with --on items"},
      {"prior_models", "--prior goes with --models among EII, VII, EEI, VVI, EEE, VVV"},
      {"survey_export_rows", "skip the export's extra header rows with --skip-rows 2"},
  };
  return hints;
}

bool looks_like_missing_code(const std::string& v) {
  return v == "0" || v == "-1" || v == "9" || v == "99" || v == "-99" || v == "999" || v == "-9" || v == "-999";
}

std::set<std::string>& known_flags() {
  static std::set<std::string> flags;
  return flags;
}

// The flags of the described options (add_options), by the field each sets.
std::map<std::string, std::string>& described_flags() {
  static std::map<std::string, std::string> flags;
  return flags;
}

// The flag (with its value's form, where the table gives one) that sets a library options field.
std::optional<std::string> flag_of(const std::string& field) {
  if (auto it = option_flags().find(field); it != option_flags().end()) return it->second;
  if (auto it = described_flags().find(field); it != described_flags().end()) return it->second;
  std::string flag = "--" + field.substr(field.rfind('.') + 1);
  std::replace(flag.begin(), flag.end(), '_', '-');
  if (known_flags().count(flag) > 0) return flag;
  return std::nullopt;
}

}  // namespace

void remember_flags(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& name : opt->get_lnames()) known_flags().insert("--" + name);
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) remember_flags(*sub);
}

void add_options(CLI::App& cmd, const option_list& options, const std::map<std::string, std::string>& short_names) {
  for (const option_info& info : options) {
    const std::string flag = "--" + info.name;
    auto it = short_names.find(info.name);
    const std::string names = it == short_names.end() ? flag : it->second + "," + flag;
    // the library's message starts with the option's name: the flag's is the same with "--"
    auto set = [info](const std::vector<std::string>& texts) {
      try {
        info.set(texts);
      } catch (const error& e) {
        throw error(e.code(), "--" + std::string(e.what()), e.details());
      }
    };
    CLI::Option* opt = nullptr;
    switch (info.form) {
      case option_info::form_kind::toggle:
        opt = cmd.add_flag_function(names, [set](std::int64_t) { set({}); }, info.help);
        break;
      case option_info::form_kind::list:
        opt = cmd.add_option_function<std::vector<std::string>>(names, set, info.help)->delimiter(',');
        break;
      case option_info::form_kind::value:
        opt = cmd.add_option_function<std::string>(names, [set](const std::string& t) { set({t}); }, info.help);
        break;
    }
    if (info.form != option_info::form_kind::toggle) opt->type_name(info.value_type);
    if (info.default_text) opt->default_str(*info.default_text);
    const bool plain = info.value_type == "FLOAT" || info.value_type == "INT" || info.value_type == "UINT" ||
                       info.value_type == "TEXT" || info.form == option_info::form_kind::toggle;
    described_flags().emplace(info.field, plain ? flag : flag + " " + info.value_type);  // "--scale MIN-MAX"
  }
}

namespace {

// A warning in the command line's terms, with its option's flag when the message does not name it.
std::string warning_text(const warning& w) {
  std::string text = in_cli_terms(w.message);
  const auto flag = w.option.empty() ? std::nullopt : flag_of(w.option);
  if (!flag) return text;
  const std::string name = flag->substr(0, flag->find(' '));  // "--scale" of "--scale MIN-MAX"
  if (text.find(name) == std::string::npos) text += " (see " + *flag + ")";
  return text;
}

}  // namespace

void print_warnings(const std::vector<warning>& warnings) {
  end_progress();
  for (const auto& w : warnings) std::cerr << "attune: warning: " << warning_text(w) << "\n";
}

void print_warnings(const std::vector<std::string>& warnings) {
  end_progress();
  for (const auto& w : warnings) std::cerr << "attune: warning: " << warning_text(warning(w)) << "\n";
}

std::string message_with_hint(const error& e) {
  std::string msg = in_cli_terms(e.what());
  std::string hint;
  const std::string rule = e.rule().value_or("");
  if (rule == "not_a_category") {
    const std::string v = e.value().value_or("");
    hint = (looks_like_missing_code(v) ? "if " + v + " means no answer, give --missing " + v + "; otherwise treat "
                                       : std::string("treat ")) +
           "answers that are not categories as missing with --out-of-range missing";
  } else if (rule == "out_of_range") {
    const std::string v = e.value().value_or("");
    const std::string fix = "give the data's range with --scale MIN-MAX, or treat such values as missing with "
                            "--out-of-range missing";
    hint = looks_like_missing_code(v) ? "if " + v + " means no answer, give --missing " + v + "; otherwise " + fix : fix;
  } else if (auto it = rule_hints().find(rule); it != rule_hints().end()) {
    hint = it->second;
  } else if (e.option() == std::optional<std::string>("instrument") && e.source()) {
    hint = "fix the instrument file given to --instrument (its format: docs/instrument-format.md), or give a "
           "built-in id (attune instruments)";
  } else if (auto flag = e.option() ? flag_of(*e.option()) : std::nullopt) {
    if (rule != "option_text") hint = "see " + *flag;  // (an option's text error starts with its flag)
  }
  if (!hint.empty()) msg += "\n  hint: " + hint;
  return msg;
}

}  // namespace attune::cli
