// attune irt fit | score | info | simulate: calibrate an item bank (a graded response model per scale), score
// from a bank, its information on a theta grid, answers simulated from its model (study/irt.hpp; docs/irt.md).
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

// A command's options: the common flags (info and simulate: only --format and -o), the study's, --bank.
template <class StudyOptions>
struct command_options {
  input_flags in;
  StudyOptions so;
  std::string bank;
  bool summary = false;  // score --summary
};

void add_fit(CLI::App& irt) {
  auto o = std::make_shared<command_options<irt_fit_study_options>>();
  auto* cmd = irt.add_subcommand("fit", "calibrate an item bank: a graded response model per scale (writes the bank)");
  add_input_flags(*cmd, o->in, {"json", "table"}, false);
  for (const char* n : {"--min-answered", "--id"}) cmd->remove_option(cmd->get_option(n));
  cmd->get_option("-o")->description(
      "write the bank file (JSON, atomically) to FILE; standard output then gets only --format table");
  add_options(*cmd, describe_options(o->so));
  cmd->callback([o] {
    o->so.input = make_input_options(o->in);
    o->so.grm.threads = o->in.threads;
    const irt_fit_study study = study_irt_fit(optional_instrument(o->in).get(), o->in.data, o->so);
    const bool table = o->in.format_enum() == output_format::table;
    const bool to_file = !o->in.output.empty() && o->in.output != "-";  // -o: the bank file
    write_text(o->in, table && !to_file ? to_table(study) : to_json(study));
    if (table && to_file) std::cout << to_table(study);
  });
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
  add_options(*cmd, describe_options(o->so));
  cmd->add_flag("--summary", o->summary, "with CSV output: print a summary per scale on standard error");
  cmd->callback([o] {
    o->so.input = make_input_options(o->in);
    o->so.scoring.threads = o->in.threads;
    const irt_score_study study = study_irt_score(load_item_bank(o->bank), o->in.data, o->so);
    output out(o->in, {o->bank});
    write_report(out.stream(), o->in.format_enum(), study, make_row_options(o->in));
    out.commit();
    if (o->in.format_enum() != output_format::csv) return;
    if (o->summary) {
      std::cerr << irt_score_summary_text(study);
      return;
    }
    print_warnings(study.warnings);
    for (const auto& sc : study.scores) print_warnings(sc.warnings);
  });
}

void add_info(CLI::App& irt) {
  auto o = std::make_shared<command_options<irt_info_study_options>>();
  auto* cmd = irt.add_subcommand("info", "item and test information and SE on a theta grid, per scale of an item bank");
  cmd->add_option("--bank", o->bank, "the item bank (JSON)")->required();
  add_options(*cmd, describe_options(o->so));
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
  add_options(*cmd, describe_options(o->so), {{"respondents", "-n"}});
  cmd->add_option("--threads", o->so.threads, "worker threads (0 = all cores; the answers never depend on it)")
      ->capture_default_str();
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
  for (auto add : {add_fit, add_score, add_info, add_simulate}) add(*irt);
}

}  // namespace attune::cli
