// attune cat simulate | run: adaptive tests on an item bank. `simulate` runs the CAT on simulated
// respondents (or real answer vectors from DATA) and reports its length and accuracy; `run` is an
// interactive test in the terminal, one item at a time (study/irt.hpp, analyses/cat.hpp; docs/irt.md).
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>

#include "attune/analyses/cat.hpp"
#include "attune/io/output_file.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/irt.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

// The CAT's flags, shared by simulate and run, into its options.
void add_cat_flags(CLI::App& cmd, std::string& bank, cat_options& c) {
  cmd.add_option("--bank", bank, "the item bank (attune-item-bank/1 JSON, as `attune irt fit` writes)")->required();
  add_choice(cmd, "--select", c.selection, parse_cat_selection, "mfi, mpwi or kl",
             "item selection: mfi (Fisher information at the EAP), mpwi or kl");
  add_choice(cmd, "--balance", c.balance, parse_cat_balance, "alternate, largest_se or none",
             "which scale asks next: alternate (default), largest_se or none");
  cmd.add_option_function<double>(
         "--stop-se", [&c](double se) { c.stop.se = se > 0 ? std::optional<double>(se) : std::nullopt; },
         "stop a scale at this SE (0: no SE rule)")
      ->default_str(CLI::detail::to_string(c.stop.se.value_or(0)));
  add_value(cmd, "--min-items", c.stop.min_items, "per scale: no rule stops a scale before this many items");
  add_value(cmd, "--max-items", c.stop.max_items, "per scale: at most this many items");
  add_value(cmd, "--se-change", c.stop.se_change, "per scale: stop when an item lowers the SE by less than this");
  add_value(cmd, "--max-total-items", c.stop.max_total_items, "at most this many items in all");
  add_value(cmd, "--randomesque", c.randomesque, "exposure control: pick at random among the best N items");
  add_value(cmd, "--exposure-seed", c.seed, "seed of the randomesque draws");
}

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
  auto& sim = o->so.simulation;
  add_cat_flags(*cmd, o->bank, sim.cat);
  add_value(*cmd, "-n,--respondents", sim.n, "simulated respondents");
  add_value(*cmd, "--seed", sim.seed, "seed of the simulated respondents");
  cmd->callback([o] {
    o->so.input = make_input_options(o->in);
    o->so.simulation.threads = o->in.threads;
    const item_bank bank = load_item_bank(o->bank);
    const cat_simulation_study study =
        o->in.data.empty() ? study_cat_simulation(bank, o->so) : study_cat_simulation(bank, o->in.data, o->so);
    write_text(o->in, o->in.format_enum() == output_format::json ? to_json(study) : to_table(study), {o->bank});
  });
}

struct run_options {
  std::string bank, instrument, session, answer;
  cat_options cat;
};

std::unique_ptr<instrument> wording_of(const item_bank& bank, const std::string& id) {
  if (!id.empty()) return std::make_unique<instrument>(resolve_instrument(id));
  if (const instrument* b = find_builtin(bank.instrument)) return std::make_unique<instrument>(*b);
  return nullptr;
}

// One step of a stateless test (`--session FILE`): restore the session saved in FILE (a new one
// when FILE does not exist or is empty), record `--answer ITEM=VALUE` (VALUE "skip": a skipped
// item), choose the next item, save the session back to FILE (atomically) and print the next item
// or, when the test is done, the summary. A server, a shell script or a student can so take the
// test one answer per call; the session continues exactly as one interactive run would.
void run_step(const run_options& o, const item_bank& bank, const instrument* inst) {
  std::string saved;
  if (std::ifstream in(o.session); in) {
    std::ostringstream text;
    text << in.rdbuf();
    saved = text.str();
  }
  const bool fresh = saved.find_first_not_of(" \t\r\n") == std::string::npos;
  cat_session session = fresh ? cat_session(bank, o.cat) : cat_session::restore(bank, saved);
  if (!o.answer.empty()) {
    const auto eq = o.answer.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == o.answer.size()) {
      throw error(errc::invalid_argument, "--answer '" + o.answer + "' must be ITEM=VALUE (VALUE skip: a skipped item)",
                  {.value = o.answer, .option = "--answer", .rule = "item_equals_value"});
    }
    const std::string item = o.answer.substr(0, eq), text = o.answer.substr(eq + 1);
    double value = std::numeric_limits<double>::quiet_NaN();
    if (text != "skip" && !parse_cell(text, {}, value)) {
      throw error(errc::invalid_argument, "--answer '" + o.answer + "': '" + text + "' is not a number (or skip)",
                  {.item = item, .value = text, .option = "--answer", .rule = "not_a_number"});
    }
    session.answer(item, value);
  }
  const auto next = session.next_item();
  output_file file(o.session, output_file_options{{o.bank}});
  file.stream() << session.save() << "\n";
  file.commit();
  if (!next) {
    std::cout << cat_summary_text(session);
    return;
  }
  const cat_item_prompt p = cat_prompt(bank, inst, *next);
  std::cout << cat_prompt_text(p, session.history().size() + 1) << "\n"
            << "answer " << cat_choices_text(p) << ": attune cat run --bank " << o.bank << " --session " << o.session
            << " --answer " << p.item << "=VALUE\n";
  for (const auto& sc : bank.scales()) std::cout << "  " << cat_progress_text(session, sc) << "\n";
}

// The interactive test: prompts on standard output, answers from standard input (a terminal or a
// pipe); `q` (or the end of the input) quits, `s` skips an item, anything else that is not one of
// the item's answer values asks again.
void run_interview(const run_options& o, const item_bank& bank, const instrument* inst) {
  cat_session session(bank, o.cat);
  std::cout << "Adaptive test on " << bank.items.size() << " items" << (inst ? " of " + inst->name : std::string())
            << ". Type the number of your answer; s skips an item, q quits.\n";
  std::string line;
  const bool echo_off = ::isatty(STDIN_FILENO) != 0;  // a terminal echoes what is typed
  while (auto item = session.next_item()) {
    const cat_item_prompt p = cat_prompt(bank, inst, *item);
    const bank_item& it = bank.items[static_cast<std::size_t>(bank.item_index(p.item))];
    std::cout << "\n" << cat_prompt_text(p, session.history().size() + 1) << "\n";
    double value = 0;
    for (;;) {
      std::cout << "answer " << cat_choices_text(p) << " (s skip, q quit): " << std::flush;
      const bool read = static_cast<bool>(std::getline(std::cin, line));
      line.erase(0, line.find_first_not_of(" \t"));
      line.erase(line.find_last_not_of(" \t\r") + 1);
      if (read && !echo_off) std::cout << line << "\n";  // piped answers: show them as a terminal would
      if (!read || line == "q" || line == "Q") {
        std::cout << "\n" << cat_summary_text(session);
        return;
      }
      if (line == "s" || line == "S") {
        value = std::numeric_limits<double>::quiet_NaN();
        break;
      }
      if (parse_cell(line, {}, value) && it.category_of(value)) break;
      std::cout << "'" << line << "' is not one of " << cat_choices_text(p) << "\n";
    }
    session.answer(p.item, value);
    std::cout << "  " << cat_progress_text(session, p.scale) << "\n";
  }
  std::cout << "\n" << cat_summary_text(session);
}

void add_run(CLI::App& cat) {
  auto o = std::make_shared<run_options>();
  auto* cmd =
      cat.add_subcommand("run", "take an adaptive test in the terminal: one item at a time, theta and SE as you go");
  add_cat_flags(*cmd, o->bank, o->cat);
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
    const auto inst = wording_of(bank, o->instrument);
    if (o->session.empty())
      run_interview(*o, bank, inst.get());
    else
      run_step(*o, bank, inst.get());
  });
}

}  // namespace

void add_cat_command(CLI::App& app) {
  auto* cat = app.add_subcommand("cat", "computerised adaptive testing on an item bank: simulate, or take a test");
  cat->require_subcommand(1);
  add_simulate(*cat);
  add_run(*cat);
}

}  // namespace attune::cli
