// Tests of `attune irt fit|score|info|simulate`, `attune cat simulate|run`, `attune simulate --bank` and
// `attune quality --bank`: every JSON output is exactly the library's document, the bank file
// round trip, the interactive CAT driven through a pipe, and the error paths with their hints.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "attune/attune.hpp"
#include "test_support.hpp"

namespace {

using attune::test::data_path;
using attune::test::read_file;
using attune::test::run_cli;
using attune::test::source_path;
using attune::test::temp_path;

const std::string kBank = source_path("examples/data/ecr-openpsychometrics-bank.json");
const std::string kBankData = data_path("irt/ecr-bank-sample.csv");
const std::string kSample = source_path("examples/data/ecr-r-sample.csv");

std::string q(const std::string& path) { return "'" + path + "'"; }

TEST(CliIrt, JsonIsTheLibrarysDocument) {
  const attune::item_bank bank = attune::load_item_bank(kBank);
  {
    const auto r = run_cli("irt fit " + q(kSample) + " --instrument ecr-r --no-se --no-item-fit");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    attune::irt_fit_study_options o;
    o.grm.standard_errors = false;
    o.grm.item_fit = false;
    EXPECT_EQ(r.out, attune::to_json(attune::study_irt_fit(attune::find_builtin("ecr-r"), kSample, o)));
  }
  {
    const auto r = run_cli("irt score " + q(kBankData) + " --bank " + q(kBank) + " --method map --id id --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    attune::irt_score_study_options o;
    o.input.read.id_column = "id";
    o.scoring.method = attune::theta_method::map;
    EXPECT_EQ(r.out, attune::to_json(attune::study_irt_score(bank, kBankData, o)));
  }
  {
    const auto r = run_cli("irt info --bank " + q(kBank) + " --theta-step 1 --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    attune::irt_info_study_options o;
    o.theta_step = 1;
    EXPECT_EQ(r.out, attune::to_json(attune::study_irt_info(bank, o)));
  }
  {
    const auto r = run_cli("cat simulate --bank " + q(kBank) + " -n 60 --seed 4 --select mpwi --stop-se 0.35 "
                           "--min-items 2 --max-items 10 --randomesque 2 --exposure-seed 9 --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    attune::cat_simulation_study_options o;
    o.simulation.n = 60;
    o.simulation.seed = 4;
    o.simulation.cat.selection = attune::cat_selection::mpwi;
    o.simulation.cat.stop.se = 0.35;
    o.simulation.cat.stop.min_items = 2;
    o.simulation.cat.stop.max_items = 10;
    o.simulation.cat.randomesque = 2;
    o.simulation.cat.seed = 9;
    EXPECT_EQ(r.out, attune::to_json(attune::study_cat_simulation(bank, o)));
  }
  {
    const auto r = run_cli("cat simulate " + q(kBankData) + " --bank " + q(kBank) + " --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, attune::to_json(attune::study_cat_simulation(bank, kBankData, {})));
    EXPECT_EQ(nlohmann::json::parse(r.out)["answers"], kBankData);
  }
}

TEST(CliIrt, FitWritesTheBankThatScoreReads) {
  const std::string bank = temp_path("cli_irt_bank.json");
  auto r = run_cli("irt fit " + q(kSample) + " --items Q1-Q6 --scale 1-7 --name anx6 --source 'a test' --licence CC0-1.0 "
                   "--date 2026-12-01 -o " + q(bank) + " --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== anx6 (6 items) =="), std::string::npos) << r.out;  // the table on stdout
  const auto doc = nlohmann::json::parse(read_file(bank));                     // the bank in the file
  EXPECT_EQ(doc["format"], "attune-item-bank/1");
  EXPECT_EQ(doc["provenance"]["source"], "a test");
  EXPECT_EQ(doc["provenance"]["date"], "2026-12-01");
  EXPECT_EQ(doc["provenance"]["n"], 500);
  EXPECT_EQ(doc["licence"], "CC0-1.0");
  EXPECT_EQ(doc["fit"]["scales"][0]["name"], "anx6");
  EXPECT_EQ(doc["items"].size(), 6u);
  r = run_cli("irt score " + q(kSample) + " --bank " + q(bank));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "row,theta_anx6,se_anx6,answered_anx6");
  // with -o and --format json nothing goes to standard output
  r = run_cli("irt fit " + q(kSample) + " --items Q1-Q6 --scale 1-7 -o " + q(bank));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::filesystem::remove(bank);
}

TEST(CliIrt, ScoreMethodsAndTable) {
  auto r = run_cli("irt score " + q(kBankData) + " --bank " + q(kBank) + " --method ml --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["method"], "ml");
  EXPECT_EQ(doc["scores"][0]["infinite"], 1);                 // R000014 answered every item at the low end
  EXPECT_TRUE(doc["respondents"][13]["theta_anxiety"].is_null());  // -inf is null in JSON
  EXPECT_EQ(doc["respondents"][13]["answered_anxiety"], 18);
  EXPECT_TRUE(doc["respondents"][12]["theta_anxiety"].is_null());  // no answers
  EXPECT_EQ(doc["respondents"][12]["answered_anxiety"], 0);
  r = run_cli("irt score " + q(kBankData) + " --bank " + q(kBank) + " --method ml --ml-fallback --format json");
  doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["scores"][0]["fallbacks"], 1);
  EXPECT_LT(doc["respondents"][13]["theta_anxiety"].get<double>(), -2.0);
  r = run_cli("irt score " + q(kBankData) + " --bank " + q(kBank) + " --method eapsum --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("irt scores (eap_sum)"), std::string::npos) << r.out;
  r = run_cli("irt score " + q(kBankData) + " --bank " + q(kBank) + " --summary");
  EXPECT_NE(r.err.find("mean theta"), std::string::npos) << r.err;
}

TEST(CliIrt, InfoTable) {
  const auto r = run_cli("irt info --bank " + q(kBank));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== anxiety (18 items) =="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("marginal reliability 0.931"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("   -4.00"), std::string::npos) << r.out;
}

TEST(CliIrt, SimulateFromABankIsSeeded) {
  const auto a = run_cli("simulate --bank " + q(kBank) + " -n 20 --seed 5");
  const auto b = run_cli("simulate --bank " + q(kBank) + " -n 20 --seed 5");
  const auto c = run_cli("simulate --bank " + q(kBank) + " -n 20 --seed 6");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  EXPECT_EQ(a.out.substr(0, 10), "id,Q2,Q4,Q");
  const auto r = run_cli("simulate --bank " + q(kBank) + " --instrument ecr");
  EXPECT_EQ(r.exit_code, 1);
  const auto none = run_cli("simulate -n 3");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("--instrument ID|FILE.json or --bank"), std::string::npos) << none.err;
}

TEST(CliIrt, IrtSimulateIsTheLibrarysSimulation) {
  attune::grm_simulation_options o;
  o.n = 30;
  o.seed = 9;
  o.missing_rate = 0.2;
  const auto study = attune::study_irt_simulate(attune::load_item_bank(kBank), o);
  const auto csv = run_cli("irt simulate --bank " + q(kBank) + " -n 30 --seed 9 --missing-rate 0.2 --threads 1");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, attune::responses_to_csv(study.data));
  EXPECT_NE(csv.out.find(",,"), std::string::npos);  // answers deleted at random are empty cells
  // -o through the atomic output file; the same answers whatever the thread count
  const std::string out = temp_path("cli_irt_simulate.csv");
  const auto written = run_cli("irt simulate --bank " + q(kBank) + " -n 30 --seed 9 --missing-rate 0.2 --threads 3 -o " + q(out));
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(written.out, "");
  EXPECT_EQ(read_file(out), csv.out);
  // the defaults are grm_simulation_options' (1000 respondents, seed 1)
  const auto defaults = run_cli("irt simulate --bank " + q(kBank));
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  EXPECT_EQ(defaults.out, attune::responses_to_csv(attune::study_irt_simulate(attune::load_item_bank(kBank)).data));
  const auto table = run_cli("irt simulate --bank " + q(kBank) + " -n 30 --seed 9 --missing-rate 0.2 --format table");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out, attune::to_table(study));
  // errors: a bad rate names the option; no bank; -o onto the bank it reads
  auto r = run_cli("irt simulate --bank " + q(kBank) + " --missing-rate 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("grm_simulation_options.missing_rate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: see --missing-rate"), std::string::npos) << r.err;
  r = run_cli("irt simulate -n 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--bank"), std::string::npos) << r.err;
  r = run_cli("irt simulate --bank " + q(kBank) + " --format apa");
  EXPECT_EQ(r.exit_code, 1);
  r = run_cli("irt simulate --bank " + q(kBank) + " -n 3 -o " + q(kBank));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("replace the data being read"), std::string::npos) << r.err;
}

TEST(CliCat, RunTakesAnswersFromAPipe) {
  // answers: 3, then bad input (asks again), then skip, then 4s until the test ends
  std::string input = "3\nfoo\n9\ns\n";
  for (int i = 0; i < 40; ++i) input += "4\n";
  const auto r = run_cli("cat run --bank " + q(kBank) + " --stop-se 0.4", input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[1] "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("I worry"), std::string::npos) << r.out;  // the ECR wording is shipped
  EXPECT_NE(r.out.find("answer 1/2/3/4/5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'foo' is not one of 1/2/3/4/5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'9' is not one of"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("theta "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Done after"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stop rule: se_reached"), std::string::npos) << r.out;
  // q quits with the scores so far; so does the end of the input
  const auto quit = run_cli("cat run --bank " + q(kBank), "2\n4\nq\n");
  ASSERT_EQ(quit.exit_code, 0) << quit.err;
  EXPECT_NE(quit.out.find("Stopped before the end after 2 items"), std::string::npos) << quit.out;
  const auto eof = run_cli("cat run --bank " + q(kBank), "2\n");
  ASSERT_EQ(eof.exit_code, 0) << eof.err;
  EXPECT_NE(eof.out.find("Stopped before the end after 1 items"), std::string::npos) << eof.out;
  // a bank of the data's own columns has no wording: ids only
  const std::string bank = temp_path("cli_cat_bank.json");
  ASSERT_EQ(run_cli("irt fit " + q(kSample) + " --items Q1-Q6 --scale 1-7 -o " + q(bank)).exit_code, 0);
  const auto plain = run_cli("cat run --bank " + q(bank) + " --max-items 2", "4\n4\n");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("(scale)\n"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("stop rule: max_items"), std::string::npos) << plain.out;
  std::filesystem::remove(bank);
}

// The stateless mode: one call per answer through a saved session ends exactly where one
// interactive run on the same answers ends; a bad answer is an error that leaves the session as it was.
TEST(CliCat, RunOneAnswerPerCallThroughASavedSession) {
  const std::string session = temp_path("cli_cat_session.json");
  std::filesystem::remove(session);
  auto r = run_cli("cat run --bank " + q(kBank) + " --stop-se 0.4 --session " + q(session));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string step = " --answer ";
  int calls = 0;
  while (r.out.find("Done after") == std::string::npos) {
    ASSERT_LT(++calls, 40) << r.out;
    // the first line names the pending item: "[k] ITEM (scale): ..."
    const auto open = r.out.find("] "), space = r.out.find(' ', open + 2);
    ASSERT_NE(open, std::string::npos) << r.out;
    const std::string item = r.out.substr(open + 2, space - open - 2);
    if (calls == 3) {  // not a category: an error, the saved session does not move
      const std::string before = attune::test::read_file(session);
      const auto bad = run_cli("cat run --bank " + q(kBank) + " --session " + q(session) + step + item + "=9");
      EXPECT_NE(bad.exit_code, 0);
      EXPECT_NE(bad.err.find("not one of its categories"), std::string::npos) << bad.err;
      EXPECT_EQ(attune::test::read_file(session), before);
    }
    r = run_cli("cat run --bank " + q(kBank) + " --session " + q(session) + step + item + (calls == 2 ? "=skip" : "=4"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_NE(attune::test::read_file(session).find("\"format\":\"attune-cat-session/1\""), std::string::npos);
  std::string input = "4\ns\n";
  for (int i = 0; i < 40; ++i) input += "4\n";
  const auto whole = run_cli("cat run --bank " + q(kBank) + " --stop-se 0.4", input);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ASSERT_GE(whole.out.size(), r.out.size());
  EXPECT_EQ(whole.out.substr(whole.out.size() - r.out.size()), r.out) << whole.out << "\n---\n" << r.out;
  const auto lone = run_cli("cat run --bank " + q(kBank) + " --answer Q2=4");
  EXPECT_NE(lone.exit_code, 0);
  EXPECT_NE(lone.err.find("--answer needs --session"), std::string::npos) << lone.err;
  std::filesystem::remove(session);
}

TEST(CliCat, SimulateTable) {
  const auto r = run_cli("cat simulate --bank " + q(kBank) + " -n 100 --stop-se 0.32");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("100 simulated respondents (seed 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("r(full EAP)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("se_reached"), std::string::npos) << r.out;
}

TEST(CliQualityLz, BankAddsLzColumnsAndFlag) {
  const auto r = run_cli("quality " + q(kBankData) + " --instrument ecr --scale 1-5 --id id --bank " + q(kBank));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_NE(header.find(",reversal,lz,lz_anxiety,lz_avoidance,flags"), std::string::npos) << header;
  const auto j = run_cli("quality " + q(kBankData) + " --instrument ecr --scale 1-5 --bank " + q(kBank) +
                         " --lz-min -1 --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["rules"].back()["index"], "lz");
  EXPECT_EQ(doc["rules"].back()["rule"], "lz < -1 (at each scale's EAP; Drasgow et al. 1985)");
  EXPECT_EQ(doc["person_fit"]["lz_min"], -1.0);
  EXPECT_TRUE(doc["report"]["flagged_by"].contains("lz"));
  // a bank of another instrument's items
  const auto bad = run_cli("quality " + q(kSample) + " --instrument ecr-s --bank " + q(kBank));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("is not an item of instrument 'ecr-s'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("hint: see --bank"), std::string::npos) << bad.err;
}

TEST(CliIrt, ErrorsNameTheProblemAndTheOption) {
  // no --bank: a usage error
  auto r = run_cli("irt score " + q(kBankData));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--bank"), std::string::npos) << r.err;
  // a bank file that is not a bank
  const std::string junk = temp_path("cli_irt_junk.json");
  attune::test::write_file(junk, "{\"format\": \"attune-item-bank/1\", \"model\": \"graded\"}");
  r = run_cli("irt info --bank " + q(junk));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(junk), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("parameterisation"), std::string::npos) << r.err;
  r = run_cli("irt info --bank /nonexistent/bank.json");
  EXPECT_EQ(r.exit_code, 1);
  // an answer that is not a category, with the missing-code hint
  const std::string data = temp_path("cli_irt_zero.csv");
  std::string text = read_file(kBankData);
  text.replace(text.find("\nR000002,") + 9, 1, "0");
  attune::test::write_file(data, text);
  r = run_cli("irt score " + q(data) + " --bank " + q(kBank));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("row 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("value 0 is not a category of item 'Q2' (1, 2, 3, 4, 5)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: if 0 means no answer, give --missing 0"), std::string::npos) << r.err;
  EXPECT_EQ(run_cli("irt score " + q(data) + " --bank " + q(kBank) + " --missing 0").exit_code, 0);
  r = run_cli("irt score " + q(data) + " --bank " + q(kBank) + " --out-of-range missing --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["n_set_missing"], 1);
  // fit without an instrument or items
  r = run_cli("irt fit " + q(kSample));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hint: see --items"), std::string::npos) << r.err;
  // reverse keys without a range
  r = run_cli("irt fit " + q(kSample) + " --items Q1-Q4 --reverse Q2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hint: see --scale MIN-MAX"), std::string::npos) << r.err;
  // an unused category: the error names the item; the hint names the option
  r = run_cli("irt fit " + q(kBankData) + " --instrument ecr --scale 1-7");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hint: see --unused-categories drop"), std::string::npos) << r.err;
  // bad CAT options and methods
  r = run_cli("cat simulate --bank " + q(kBank) + " --max-items 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hint: see --max-items"), std::string::npos) << r.err;
  r = run_cli("cat simulate --bank " + q(kBank) + " --select best");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--select 'best': use mfi, mpwi or kl"), std::string::npos) << r.err;
  r = run_cli("irt score " + q(kBankData) + " --bank " + q(kBank) + " --method wle");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("use eap, map, ml or eapsum"), std::string::npos) << r.err;
  r = run_cli("irt info --bank " + q(kBank) + " --theta-step -1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hint: see --theta-step"), std::string::npos) << r.err;
  // -o must not overwrite the bank it reads
  r = run_cli("irt info --bank " + q(kBank) + " -o " + q(kBank));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_file(kBank).substr(0, 1), "{");
  std::filesystem::remove(junk);
  std::filesystem::remove(data);
}

}  // namespace
