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

// Drops options of add_input_flags that a command has no use for.
void drop_options(CLI::App& cmd, std::initializer_list<const char*> names) {
  for (const char* n : names) cmd.remove_option(cmd.get_option(n));
}

struct fit_options {
  input_flags in;
  std::vector<std::string> reversed;
  std::string name = "scale", unused = "error", start = "polychoric";
  double tolerance = 1e-4;
  int max_iterations = 500;
  bool no_se = false, no_item_fit = false;
  bank_provenance provenance;
  std::string licence, notes;
};

void run_fit(const fit_options& o) {
  irt_fit_study_options so;
  so.input = make_input_options(o.in);
  so.reversed = o.reversed;
  so.grm.scale = o.name;
  so.grm.unused_categories =
      parse_choice("--unused-categories", o.unused, parse_unused_category_rule, "error or drop");
  so.grm.start = parse_choice("--start", o.start, parse_grm_start, "polychoric or simple");
  so.grm.tolerance = o.tolerance;
  so.grm.max_iterations = o.max_iterations;
  so.grm.standard_errors = !o.no_se;
  so.grm.item_fit = !o.no_item_fit;
  so.grm.threads = o.in.threads;
  so.provenance = o.provenance;
  so.licence = o.licence;
  so.notes = o.notes;
  const auto inst = optional_instrument(o.in);
  const irt_fit_study study = study_irt_fit(inst.get(), o.in.data, so);
  const bool table = o.in.format_enum() == output_format::table;
  if (o.in.output.empty() || o.in.output == "-") {
    write_text(o.in, table ? to_table(study) : to_json(study));
    return;
  }
  write_text(o.in, to_json(study));  // -o: the bank file
  if (table) std::cout << to_table(study);
}

void add_fit(CLI::App& irt) {
  auto o = std::make_shared<fit_options>();
  auto* cmd = irt.add_subcommand("fit", "calibrate an item bank: a graded response model per scale (writes the bank)");
  add_input_flags(*cmd, o->in, {"json", "table"}, false);
  drop_options(*cmd, {"--min-answered", "--id"});
  cmd->get_option("-o")->description(
      "write the bank file (JSON, atomically) to FILE; standard output then gets only --format table");
  cmd->add_option("--reverse", o->reversed, "with --items: reverse-keyed columns (needs --scale)")->delimiter(',');
  cmd->add_option("--name", o->name, "with --items: the scale's name in the bank")->default_val("scale");
  cmd->add_option("--unused-categories", o->unused,
                  "a category nobody chose: error (default) or drop it from that item's model (with a warning)")
      ->default_val("error");
  cmd->add_option("--start", o->start, "starting values: polychoric (default) or simple (mirt's)")->default_val("polychoric");
  cmd->add_option("--tolerance", o->tolerance, "EM converges when no parameter moves more than this")->default_val(1e-4);
  cmd->add_option("--max-iterations", o->max_iterations, "most EM iterations")->default_val(500);
  cmd->add_flag("--no-se", o->no_se, "skip the standard errors (observed information)");
  cmd->add_flag("--no-item-fit", o->no_item_fit, "skip the S-X2 item fit");
  cmd->add_option("--source", o->provenance.source, "provenance: who calibrated the bank, on which data (URL, DOI)");
  cmd->add_option("--sample", o->provenance.sample, "provenance: the sample in words");
  cmd->add_option("--date", o->provenance.date, "provenance: the calibration date (e.g. 2026-12-01)");
  cmd->add_option("--script", o->provenance.script, "provenance: the script or command that fitted it");
  cmd->add_option("--licence", o->licence, "the parameters' licence");
  cmd->add_option("--notes", o->notes, "notes written into the bank");
  cmd->callback([o] { run_fit(*o); });
}

struct score_options {
  input_flags in;
  std::string bank, method = "eap";
  bool ml_fallback = false, summary = false;
};

void run_score(const score_options& o) {
  irt_score_study_options so;
  so.input = make_input_options(o.in);
  so.scoring.method = parse_choice("--method", o.method, parse_theta_method, "eap, map, ml or eapsum");
  so.scoring.ml_map_fallback = o.ml_fallback;
  so.scoring.threads = o.in.threads;
  const irt_score_study study = study_irt_score(load_item_bank(o.bank), o.in.data, so);
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
  auto o = std::make_shared<score_options>();
  auto* cmd = irt.add_subcommand("score", "theta and its SE per respondent and scale, from an item bank's parameters");
  add_input_flags(*cmd, o->in, {"csv", "json", "table"}, false);
  add_columns_flag(*cmd, o->in);
  drop_options(*cmd, {"--instrument", "--scale", "--min-answered"});
  cmd->get_option("--out-of-range")
      ->description("an answer that is not one of its item's categories: error (default) or missing");
  cmd->add_option("--bank", o->bank, "the item bank (attune-item-bank/1 JSON, as `attune irt fit` writes)")->required();
  cmd->add_option("--method", o->method, "eap (default: posterior mean and SD), map, ml or eapsum")->default_val("eap");
  cmd->add_flag("--ml-fallback", o->ml_fallback, "ml: give all-lowest/all-highest patterns the MAP estimate, not -inf/+inf");
  cmd->add_flag("--summary", o->summary, "with CSV output: print a summary per scale on standard error");
  cmd->callback([o] { run_score(*o); });
}

struct info_options {
  input_flags out;
  std::string bank;
  irt_info_study_options grid;
};

void add_info(CLI::App& irt) {
  auto o = std::make_shared<info_options>();
  auto* cmd = irt.add_subcommand("info", "item and test information and SE on a theta grid, per scale of an item bank");
  cmd->add_option("--bank", o->bank, "the item bank (JSON)")->required();
  cmd->add_option("--theta-min", o->grid.theta_min, "first grid point")->default_val(-4.0);
  cmd->add_option("--theta-max", o->grid.theta_max, "last grid point")->default_val(4.0);
  cmd->add_option("--theta-step", o->grid.theta_step, "grid step")->default_val(0.5);
  cmd->add_option("--format", o->out.format, "output format")->check(CLI::IsMember({"table", "json"}))->default_val("table");
  cmd->add_option("-o,--output", o->out.output, "write to FILE (atomically) instead of standard output");
  cmd->callback([o] {
    const irt_info_study study = study_irt_info(load_item_bank(o->bank), o->grid);
    write_text(o->out, o->out.format_enum() == output_format::json ? to_json(study) : to_table(study), {o->bank});
  });
}

struct simulate_options {
  input_flags out;
  std::string bank;
  grm_simulation_options simulation;
};

void add_simulate(CLI::App& irt) {
  auto o = std::make_shared<simulate_options>();
  auto* cmd = irt.add_subcommand("simulate", "answers simulated from an item bank's graded response model (seeded)");
  cmd->add_option("--bank", o->bank, "the item bank (JSON)")->required();
  cmd->add_option("-n,--respondents", o->simulation.n, "number of respondents")->default_val(o->simulation.n);
  cmd->add_option("--seed", o->simulation.seed, "random seed: the same seed gives the same answers everywhere")
      ->default_val(o->simulation.seed);
  cmd->add_option("--missing-rate", o->simulation.missing_rate, "share of answers deleted completely at random, in [0, 1)")
      ->default_val(o->simulation.missing_rate);
  cmd->add_option("--threads", o->simulation.threads, "worker threads (0 = all cores; the answers never depend on it)")
      ->default_val(0);
  cmd->add_option("--format", o->out.format, "csv (the answers, default), json (answers and true thetas) or table")
      ->check(CLI::IsMember({"csv", "json", "table"}))
      ->default_val("csv");
  cmd->add_option("-o,--output", o->out.output, "write to FILE (atomically) instead of standard output");
  cmd->callback([o] {
    const irt_simulation_study study = study_irt_simulate(load_item_bank(o->bank), o->simulation);
    const output_format f = o->out.format_enum();
    write_text(o->out,
               f == output_format::json    ? to_json(study)
               : f == output_format::table ? to_table(study)
                                           : responses_to_csv(study.data),
               {o->bank});
  });
}

}  // namespace

void add_irt_command(CLI::App& app) {
  auto* irt = app.add_subcommand("irt", "item response theory: calibrate an item bank, score from it, its information, simulate from it");
  irt->require_subcommand(1);
  add_fit(*irt);
  add_score(*irt);
  add_info(*irt);
  add_simulate(*irt);
}

}  // namespace attune::cli
