// attune quality: careless and invalid responding, one row per respondent, a summary, the data
// validation report, and optionally the data without the flagged respondents (study_quality;
// docs/quality.md).
#include <filesystem>
#include <optional>
#include <iostream>

#include "attune/io/output_file.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct options {
  input_flags in;
  quality_study_options so;
  std::string clean_output, bank, save_state;
  bool summary = false;
};

void run(options& o) {
  if (!o.clean_output.empty()) {
    if (o.in.data == "-") {
      throw error(errc::invalid_argument, "--clean-output needs DATA to be a file: standard input cannot be read twice");
    }
    std::error_code ec;
    if (o.clean_output == o.in.data || std::filesystem::equivalent(o.clean_output, o.in.data, ec)) {
      throw error(errc::invalid_argument, "--clean-output '" + o.clean_output + "' is DATA itself; write to another file");
    }
    if (!o.in.output.empty() && o.in.output != "-" && o.clean_output == o.in.output) {
      throw error(errc::invalid_argument, "--clean-output and -o name the same file '" + o.clean_output + "'");
    }
  }
  quality_study_options& so = o.so;
  so.input = make_input_options(o.in);
  if (!o.bank.empty()) so.bank = load_item_bank(o.bank);
  so.threads = o.in.threads;
  if (!o.save_state.empty()) {
    if (!o.clean_output.empty()) throw error(errc::invalid_argument, "--save-state writes a state, not a clean copy: drop --clean-output");
    write_state(o.in, o.save_state, serialize_state(accumulate_quality(resolve_instrument(o.in.instrument), o.in.data, so)));
    return;
  }
  // CSV and JSON stream a chunk at a time (quality_file: two passes over DATA; standard input and
  // --bank are read whole); the table holds every row to align it.
  output out(o.in, {o.bank});
  std::optional<quality_writer> writer;
  clean_selection rows;
  const quality_study study = quality_file(
      resolve_instrument(o.in.instrument), o.in.data, so,
      [&](const quality_study& head) { writer.emplace(out.stream(), o.in.format_enum(), head, make_row_options(o.in)); },
      [&](const quality_study& chunk) { writer->write(chunk); }, o.clean_output.empty() ? nullptr : &rows);
  writer->finish(study);
  std::optional<output_file> clean;
  if (!o.clean_output.empty()) {
    clean.emplace(o.clean_output, output_file_options{o.in.inputs({o.in.output, o.bank})});
    write_clean_data(o.in.data, so.input.read, rows.keep, clean->stream());
    std::cerr << "attune: clean copy " << o.clean_output << ": kept " << rows.kept << " of " << study.n_rows
              << " rows; left out " << rows.no_answers << " with no answers, " << rows.below_min_answered
              << " below the minimum-answered rule (--min-answered), " << rows.flagged << " flagged by an index\n";
  }
  out.commit();
  if (clean) clean->commit();
  if (o.in.format_enum() != output_format::csv) return;
  if (o.summary) {
    std::cerr << quality_summary_text(study);
  } else {
    print_warnings(study.report.warnings);
    if (study.person_fit) print_warnings(study.person_fit->warnings);
  }
}

}  // namespace

void add_quality_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("quality",
                                 "screen for careless and invalid responding: longstring, irv, mahalanobis, evenodd, "
                                 "psychsyn, psychant, reversal, lz with --bank, and a data validation report");
  add_input_flags(*cmd, o->in, {"csv", "json", "table"});
  add_columns_flag(*cmd, o->in);
  cmd->add_option("--clean-output", o->clean_output,
                  "also write DATA without the flagged respondents to FILE (atomically; same columns)");
  add_save_state(*cmd, o->save_state, "the sample statistics: item moments and covariances");
  cmd->add_flag("--summary", o->summary, "with CSV output: print the summary and validation report on standard error");
  cmd->add_option("--bank", o->bank,
                  "an item bank of the instrument's items (JSON): adds person fit lz (graded response model) and its flag");
  add_options(*cmd, describe_options(o->so));
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
