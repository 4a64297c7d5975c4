// attune irt fit | score | info | simulate: calibrate an item bank (a graded response model per
// scale), score respondents from a bank, the information of a bank on a theta grid, and answers
// simulated from a bank's model (study/irt.hpp; docs/irt.md).
#include <iostream>

#include "attune/analyses/simulate.hpp"
#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/irt.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

// A command's options: the common flags (info and simulate: only --format and -o), the study's and
// --bank (all but fit).
template <class StudyOptions>
struct command_options {
  input_flags in;
  StudyOptions so;
  std::string bank;
  bool summary = false;  // score --summary
};

void run_fit(command_options<irt_fit_study_options>& o) {
  o.so.input = make_input_options(o.in);
  o.so.grm.threads = o.in.threads;
  const auto inst = optional_instrument(o.in);
  const irt_fit_study study = study_irt_fit(inst.get(), o.in.data, o.so);
  const bool table = o.in.format_enum() == output_format::table;
  if (o.in.output.empty() || o.in.output == "-") {
    write_text(o.in, table ? to_table(study) : to_json(study));
    return;
  }
  write_text(o.in, to_json(study));  // -o: the bank file
  if (table) std::cout << to_table(study);
}

void add_fit(CLI::App& irt) {
  auto o = std::make_shared<command_options<irt_fit_study_options>>();
  auto* cmd = irt.add_subcommand("fit", "calibrate an item bank: a graded response model per scale (writes the bank)");
  add_input_flags(*cmd, o->in, {"json", "table"}, false);
  for (const char* n : {"--min-answered", "--id"}) cmd->remove_option(cmd->get_option(n));
  cmd->get_option("-o")->description(
      "write the bank file (JSON, atomically) to FILE; standard output then gets only --format table");
  auto& g = o->so.grm;
  add_value(*cmd, "--reverse", o->so.reversed, "with --items: reverse-keyed columns (needs --scale)");
  add_value(*cmd, "--name", g.scale, "with --items: the scale's name in the bank");
  add_choice(*cmd, "--unused-categories", g.unused_categories, parse_unused_category_rule, "error or drop",
             "a category nobody chose: error (default) or drop it from that item's model (with a warning)");
  add_choice(*cmd, "--start", g.start, parse_grm_start, "polychoric or simple",
             "starting values: polychoric (default) or simple (mirt's)");
  add_value(*cmd, "--tolerance", g.tolerance, "EM converges when no parameter moves more than this");
  add_value(*cmd, "--max-iterations", g.max_iterations, "most EM iterations");
  cmd->add_flag_callback(
      "--no-se", [&g] { g.standard_errors = false; }, "skip the standard errors (observed information)");
  cmd->add_flag_callback(
      "--no-item-fit", [&g] { g.item_fit = false; }, "skip the S-X2 item fit");
  auto& p = o->so.provenance;
  cmd->add_option("--source", p.source, "provenance: who calibrated the bank, on which data (URL, DOI)");
  cmd->add_option("--sample", p.sample, "provenance: the sample in words");
  cmd->add_option("--date", p.date, "provenance: the calibration date (e.g. 2026-12-01)");
  cmd->add_option("--script", p.script, "provenance: the script or command that fitted it");
  cmd->add_option("--licence", o->so.licence, "the parameters' licence");
  cmd->add_option("--notes", o->so.notes, "notes written into the bank");
  cmd->callback([o] { run_fit(*o); });
}

void run_score(command_options<irt_score_study_options>& o) {
  o.so.input = make_input_options(o.in);
  o.so.scoring.threads = o.in.threads;
  const irt_score_study study = study_irt_score(load_item_bank(o.bank), o.in.data, o.so);
  output out(o.in, {o.bank});
  write_report(out.stream(), o.in.format_enum(), study, make_row_options(o.in));
  out.commit();
  if (o.in.format_enum() != output_format::csv) return;
  if (o.summary) {
    std::cerr << irt_score_summary_text(study);
  } else {
    print_warnings(study.warnings);
    for (const auto& sc : study.scores) print_warnings(sc.warnings);
  }
}

void add_score(CLI::App& irt) {
  auto o = std::make_shared<command_options<irt_score_study_options>>();
  auto* cmd = irt.add_subcommand("score", "theta and its SE per respondent and scale, from an item bank's parameters");
  add_input_flags(*cmd, o->in, {"csv", "json", "table"}, false);
  add_columns_flag(*cmd, o->in);
  for (const char* n : {"--instrument", "--scale", "--min-answered"}) cmd->remove_option(cmd->get_option(n));
  cmd->get_option("--out-of-range")
      ->description("an answer that is not one of its item's categories: error (default) or missing");
  cmd->add_option("--bank", o->bank, "the item bank (attune-item-bank/1 JSON, as `attune irt fit` writes)")->required();
  add_choice(*cmd, "--method", o->so.scoring.method, parse_theta_method, "eap, map, ml or eapsum",
             "eap (default: posterior mean and SD), map, ml or eapsum");
  cmd->add_flag("--ml-fallback", o->so.scoring.ml_map_fallback,
                "ml: give all-lowest/all-highest patterns the MAP estimate, not -inf/+inf");
  cmd->add_flag("--summary", o->summary, "with CSV output: print a summary per scale on standard error");
  cmd->callback([o] { run_score(*o); });
}

void add_info(CLI::App& irt) {
  auto o = std::make_shared<command_options<irt_info_study_options>>();
  auto* cmd = irt.add_subcommand("info", "item and test information and SE on a theta grid, per scale of an item bank");
  cmd->add_option("--bank", o->bank, "the item bank (JSON)")->required();
  add_value(*cmd, "--theta-min", o->so.theta_min, "first grid point");
  add_value(*cmd, "--theta-max", o->so.theta_max, "last grid point");
  add_value(*cmd, "--theta-step", o->so.theta_step, "grid step");
  add_output_flags(*cmd, o->in, {"table", "json"});
  cmd->callback([o] {
    const irt_info_study study = study_irt_info(load_item_bank(o->bank), o->so);
    write_text(o->in, o->in.format_enum() == output_format::json ? to_json(study) : to_table(study), {o->bank});
  });
}

void add_simulate(CLI::App& irt) {
  auto o = std::make_shared<command_options<grm_simulation_options>>();
  auto* cmd = irt.add_subcommand("simulate", "answers simulated from an item bank's graded response model (seeded)");
  cmd->add_option("--bank", o->bank, "the item bank (JSON)")->required();
  add_value(*cmd, "-n,--respondents", o->so.n, "number of respondents");
  add_value(*cmd, "--seed", o->so.seed, "random seed: the same seed gives the same answers everywhere");
  add_value(*cmd, "--missing-rate", o->so.missing_rate, "share of answers deleted completely at random, in [0, 1)");
  add_value(*cmd, "--threads", o->so.threads, "worker threads (0 = all cores; the answers never depend on it)");
  add_output_flags(*cmd, o->in, {"csv", "json", "table"},
                   "csv (the answers, default), json (answers and true thetas) or table");
  cmd->callback([o] {
    const irt_simulation_study study = study_irt_simulate(load_item_bank(o->bank), o->so);
    const output_format f = o->in.format_enum();
    write_text(o->in,
               f == output_format::json    ? to_json(study)
               : f == output_format::table ? to_table(study)
                                           : responses_to_csv(study.data),
               {o->bank});
  });
}

}  // namespace

void add_irt_command(CLI::App& app) {
  auto* irt = app.add_subcommand(
      "irt", "item response theory: calibrate an item bank, score from it, its information, simulate from it");
  irt->require_subcommand(1);
  add_fit(*irt);
  add_score(*irt);
  add_info(*irt);
  add_simulate(*irt);
}

}  // namespace attune::cli
