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
  quality_options q;
  std::string mahalanobis_missing = "observed", clean_output, bank;
  double lz_min = -1.96;
  bool summary = false;
  std::string save_state;
};

void run(const options& o) {
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
  quality_study_options so;
  so.input = make_input_options(o.in);
  so.quality = o.q;
  so.quality.mahalanobis_missing =
      parse_choice("--mahalanobis-missing", o.mahalanobis_missing, parse_mahalanobis_method, "observed or psych");
  if (!o.bank.empty()) so.bank = load_item_bank(o.bank);
  so.lz_min = o.lz_min;
  so.threads = o.in.threads;
  if (!o.save_state.empty()) {
    if (!o.clean_output.empty()) throw error(errc::invalid_argument, "--save-state writes a state, not a clean copy: drop --clean-output");
    const quality_state state = accumulate_quality(resolve_instrument(o.in.instrument), o.in.data, so);
    write_output_file(o.save_state, serialize_state(state), output_file_options{.inputs = o.in.inputs()});
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
  cmd->add_option("--save-state", o->save_state,
                  "write this file's sample statistics (a shard's state: item moments and covariances) instead of "
                  "the screening; attune merge prints those of all shards (docs/scale.md)");
  cmd->add_flag("--summary", o->summary, "with CSV output: print the summary and validation report on standard error");
  auto& q = o->q;
  cmd->add_option("--longstring-share", q.longstring_share,
                  "flag a run of identical answers at least this share of the items long")
      ->default_val(0.5);
  cmd->add_option("--irv-blocks", q.irv_blocks, "number of consecutive item blocks for the irv")->default_val(3);
  cmd->add_option("--irv-min", q.irv_min, "flag an irv (all items or a block) at most this")->default_val(0.0);
  cmd->add_option("--irv-max", q.irv_max, "flag an irv above this (random responding; off by default)");
  cmd->add_option("--confidence", q.mahalanobis_confidence,
                  "mahalanobis: flag D2 above the chi-square quantile at this level (df = items answered); "
                  "0.999 = p < .001 (Meade & Craig 2012); careless uses 0.99")
      ->default_val(0.999);
  cmd->add_option("--mahalanobis-missing", o->mahalanobis_missing,
                  "D2 of a respondent with missing answers: observed (the answered items against their own "
                  "covariance; default) or psych (careless/psych::outlier)")
      ->default_val("observed");
  cmd->add_option("--evenodd-max", q.evenodd_max, "flag evenodd above this (careless sign; -0.3 = r' below .30)")
      ->default_val(-0.30);
  cmd->add_option("--evenodd-min-subscales", q.evenodd_min_subscales, "evenodd flags need at least this many subscales")
      ->default_val(6);
  cmd->add_option("--psychsyn-critical", q.psychsyn_critical, "synonyms: item pairs correlating above this")
      ->default_val(0.60);
  cmd->add_option("--psychant-critical", q.psychant_critical, "antonyms: item pairs correlating below this")
      ->default_val(-0.60);
  cmd->add_option("--psychsyn-min", q.psychsyn_min, "flag psychsyn below this")->default_val(0.0);
  cmd->add_option("--psychant-max", q.psychant_max, "flag psychant above this")->default_val(0.0);
  cmd->add_option("--reversal-max", q.reversal_max, "flag reversal at least this")->default_val(0.5);
  cmd->add_option("--bank", o->bank,
                  "an item bank of the instrument's items (JSON): adds person fit lz (graded response model) and its flag");
  cmd->add_option("--lz-min", o->lz_min, "with --bank: flag lz below this (Drasgow et al. 1985)")->default_val(-1.96);
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
