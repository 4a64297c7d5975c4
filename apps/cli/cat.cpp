// attune cat simulate | run: the CAT on simulated respondents (or DATA), its length and accuracy; or a test
// taken in the terminal or one step per call (study/irt.hpp, analyses/cat.hpp; docs/irt.md).
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "attune/io/output_file.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/irt.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

const char* const kBankHelp = "the item bank (attune-item-bank/1 JSON, as `attune irt fit` writes)";

void add_simulate(CLI::App& cat) {
  struct options {
    input_flags in;
    std::string bank;
    cat_simulation_study_options so;
  };
  auto o = std::make_shared<options>();
  auto* cmd = cat.add_subcommand(
      "simulate", "run the CAT on simulated respondents (or DATA): items used, RMSE, r with the full EAP");
  add_input_flags(*cmd, o->in, {"table", "json"}, false, false);
  for (const char* n : {"--instrument", "--scale", "--min-answered", "--id"}) cmd->remove_option(cmd->get_option(n));
  cmd->add_option("DATA", o->in.data,
                  "real answers (CSV, columns named like the bank's items) instead of simulated ones");
  cmd->add_option("--bank", o->bank, kBankHelp)->required();
  add_options(*cmd, describe_options(o->so), {{"respondents", "-n"}});
  cmd->callback([o] {
    o->so.input = make_input_options(o->in);
    o->so.simulation.threads = o->in.threads;
    const item_bank bank = load_item_bank(o->bank);
    const auto study =
        o->in.data.empty() ? study_cat_simulation(bank, o->so) : study_cat_simulation(bank, o->in.data, o->so);
    write_text(o->in, o->in.format_enum() == output_format::json ? to_json(study) : to_table(study), {o->bank});
  });
}

struct run_options {
  std::string bank, instrument, session, answer;
  cat_options cat;
};

// One step of a stateless test (`--session FILE`, study_cat_step): the session restored from FILE
// (new when absent or empty), saved back (atomically) after --answer; prints the next item or the summary.
void run_step(const run_options& o, const item_bank& bank, const instrument* inst) {
  std::ostringstream saved;
  if (std::ifstream in(o.session); in) saved << in.rdbuf();
  const cat_step step = study_cat_step(bank, saved.str(), o.answer, o.cat, inst);
  output_file file(o.session, output_file_options{{o.bank}});
  file.stream() << step.saved << "\n";
  file.commit();
  if (!step.next) return void(std::cout << cat_summary_text(step.session));
  const cat_item_prompt& p = *step.next;
  std::cout << cat_prompt_text(p, step.session.history().size() + 1) << "\n"
            << "answer " << cat_choices_text(p) << ": attune cat run --bank " << o.bank << " --session " << o.session
            << " --answer " << p.item << "=VALUE\n";
  for (const auto& sc : bank.scales()) std::cout << "  " << cat_progress_text(step.session, sc) << "\n";
}

// The interactive test: prompts on standard output, answers from standard input (a terminal or a
// pipe); `q` (or the end of the input) quits, `s` skips an item, anything else that is not one of
// the item's answer values asks again.
void run_interview(const run_options& o, const item_bank& bank, const instrument* inst) {
  cat_session session(bank, o.cat);
  std::cout << "Adaptive test on " << bank.items.size() << " items" << (inst ? " of " + inst->name : std::string())
            << ". Type the number of your answer; s skips an item, q quits.\n";
  const bool echo_off = ::isatty(STDIN_FILENO) != 0;  // a terminal echoes what is typed
  // The answer to `p` (NaN: skipped), or nullopt to quit.
  const auto ask = [&](const cat_item_prompt& p) -> std::optional<double> {
    const bank_item& it = bank.items[static_cast<std::size_t>(bank.item_index(p.item))];
    for (std::string line;;) {
      std::cout << "answer " << cat_choices_text(p) << " (s skip, q quit): " << std::flush;
      const bool read = static_cast<bool>(std::getline(std::cin, line));
      line.erase(0, line.find_first_not_of(" \t"));
      line.erase(line.find_last_not_of(" \t\r") + 1);
      if (read && !echo_off) std::cout << line << "\n";  // piped answers: show them as a terminal would
      if (!read || line == "q" || line == "Q") return std::nullopt;
      if (line == "s" || line == "S") return std::numeric_limits<double>::quiet_NaN();
      double value = 0;
      if (parse_cell(line, {}, value) && it.category_of(value)) return value;
      std::cout << "'" << line << "' is not one of " << cat_choices_text(p) << "\n";
    }
  };
  while (auto item = session.next_item()) {
    const cat_item_prompt p = cat_prompt(bank, inst, *item);
    std::cout << "\n" << cat_prompt_text(p, session.history().size() + 1) << "\n";
    const auto value = ask(p);
    if (!value) break;
    session.answer(p.item, *value);
    std::cout << "  " << cat_progress_text(session, p.scale) << "\n";
  }
  std::cout << "\n" << cat_summary_text(session);
}

void add_run(CLI::App& cat) {
  auto o = std::make_shared<run_options>();
  auto* cmd =
      cat.add_subcommand("run", "take an adaptive test in the terminal: one item at a time, theta and SE as you go");
  cmd->add_option("--bank", o->bank, kBankHelp)->required();
  add_options(*cmd, describe_options(o->cat));
  cmd->add_option(
      "--instrument", o->instrument,
      "the instrument whose item wording to show (default: the bank's, when built in and its wording is shipped)");
  cmd->add_option(
      "--session", o->session,
      "stateless: one step per call; the session is restored from FILE (new when FILE is absent), and saved "
      "back after --answer, with the next item printed");
  cmd->add_option("--answer", o->answer, "with --session: the answer to record, ITEM=VALUE (VALUE skip: skipped)");
  cmd->callback([o] {
    if (!o->answer.empty() && o->session.empty()) {
      throw error(errc::invalid_argument, "--answer needs --session FILE (the saved state of the test)",
                  {.option = "--answer", .rule = "answer_without_session"});
    }
    const item_bank bank = load_item_bank(o->bank);
    const auto inst = cat_wording(bank, o->instrument);
    (o->session.empty() ? run_interview : run_step)(*o, bank, inst ? &*inst : nullptr);
  });
}

}  // namespace

void add_cat_command(CLI::App& app) {
  auto* cat = app.add_subcommand("cat", "computerised adaptive testing on an item bank: simulate, or take a test");
  cat->require_subcommand(1);
  for (auto add : {add_simulate, add_run}) add(*cat);
}

}  // namespace attune::cli
