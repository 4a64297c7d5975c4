// The JSON contract (issue 11): for every command, the document that `attune <command> --format
// json` prints is exactly `to_json` of the study function the command calls, for the same data
// and options; and both equal a golden snapshot committed in tests/golden/json/, so that a renamed
// or dropped key fails here. docs/json.md documents every key of every snapshot (checked below).
//
// After a deliberate change of the contract, refresh the snapshots with
//   ATTUNE_UPDATE_SNAPSHOTS=1 ctest --preset ci -R JsonContract
// and say so in CHANGELOG.md and docs/json.md.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "attune/attune.hpp"
#include "test_support.hpp"

namespace {

using attune::test::read_file;
using attune::test::run_cli;
using attune::test::source_path;
using attune::test::write_file;

const std::string kSample = source_path("examples/data/ecr-r-sample.csv");
const std::string kEcrBank = source_path("examples/data/ecr-openpsychometrics-bank.json");
const std::string kBankData = attune::test::data_path("irt/ecr-bank-sample.csv");

struct contract_case {
  std::string name;                             // snapshot tests/golden/json/<name>.json
  std::string args;                             // the command line, after `attune`
  std::function<std::string()> library;         // the same through the study layer and to_json
  std::string dir;                              // run in this folder (documents that name their files)
};

// Runs in `dir` for its lifetime (none when empty), so that file names in documents are relative.
class working_directory {
 public:
  explicit working_directory(const std::string& dir) {
    if (dir.empty()) return;
    old_ = std::filesystem::current_path();
    std::filesystem::current_path(dir);
  }
  working_directory(const working_directory&) = delete;
  working_directory& operator=(const working_directory&) = delete;
  ~working_directory() {
    if (!old_.empty()) std::filesystem::current_path(old_);
  }

 private:
  std::filesystem::path old_;
};

const attune::instrument& ecr_r() { return *attune::find_builtin("ecr-r"); }

std::vector<contract_case> cases() {
  std::vector<contract_case> c;
  c.push_back({"instruments", "instruments --format json", [] { return attune::to_json(attune::builtin_instruments()); }});
  c.push_back({"score", "score '" + kSample + "' --instrument ecr-r --id id --format json", [] {
                 attune::score_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_json(attune::study_score(ecr_r(), kSample, o));
               }});
  c.push_back({"reliability", "reliability '" + kSample + "' --instrument ecr-r --format json", [] {
                 return attune::to_json(attune::study_reliability(&ecr_r(), kSample));
               }});
  c.push_back({"reliability_items",
               "reliability '" + kSample + "' --items Q1-Q6 --scale 1-7 --reverse Q2 --ci feldt,adf --format json", [] {
                 attune::reliability_study_options o;
                 o.input.read.items = {"Q1-Q6"};
                 o.input.scoring.range = attune::response_range{1, 7};
                 o.reversed = {"Q2"};
                 o.reliability.intervals = {attune::ci_method::feldt, attune::ci_method::adf};
                 return attune::to_json(attune::study_reliability(nullptr, kSample, o));
               }});
  c.push_back({"correlate", "correlate '" + kSample + "' --instrument ecr-r --items Q1-Q36 --format json", [] {
                 attune::correlate_study_options o;
                 o.input.read.items = {"Q1-Q36"};
                 return attune::to_json(attune::study_correlate(&ecr_r(), kSample, o));
               }});
  c.push_back({"correlate_polychoric", "correlate '" + kSample + "' --items Q1-Q6 --method polychoric --format json", [] {
                 attune::correlate_study_options o;
                 o.input.read.items = {"Q1-Q6"};
                 o.correlation.method = attune::correlation_kind::polychoric;
                 return attune::to_json(attune::study_correlate(nullptr, kSample, o));
               }});
  c.push_back({"factor", "factor '" + kSample + "' --instrument ecr-r --format json", [] {
                 return attune::to_json(attune::study_factor(ecr_r(), kSample));
               }});
  c.push_back({"factor_cfa", "factor '" + kSample + "' --instrument ecr-r --cfa --format json", [] {
                 attune::factor_study_options o;
                 o.analysis = attune::factor_analysis_kind::cfa;
                 return attune::to_json(attune::study_factor(ecr_r(), kSample, o));
               }});
  c.push_back({"classify", "classify '" + kSample + "' --instrument ecr-r --method midpoint --id id --format json", [] {
                 attune::classify_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_json(attune::study_classify(ecr_r(), kSample, o));
               }});
  c.push_back({"classify_fisher",
               "classify '" + kSample + "' --instrument ecr-r --method fisher --reliability 0.9 --sd 1.2 --format json",
               [] {
                 attune::classify_study_options o;
                 o.method = attune::classify_method::fisher;
                 o.reliability.all = 0.9;
                 o.sd.all = 1.2;
                 return attune::to_json(attune::study_classify(ecr_r(), kSample, o));
               }});
  c.push_back({"change", "change wave1.csv wave2.csv wave3.csv --instrument ecr-r --id id --format json",
               [] {
                 attune::change_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_json(
                     attune::study_change(ecr_r(), std::vector<std::string>{"wave1.csv", "wave2.csv", "wave3.csv"}, o));
               },
               source_path("tests/data/change")});
  c.push_back({"quality", "quality '" + kSample + "' --instrument ecr-r --id id --format json", [] {
                 attune::quality_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_json(attune::study_quality(ecr_r(), kSample, o));
               }});
  c.push_back({"profiles",
               "profiles '" + kSample + "' --instrument ecr-r --id id --models EEI,VVV --k 1-3 --starts 3 "
               "--bootstrap-lrt 3 --format json",
               [] {
                 attune::profiles_study_options o;
                 o.input.read.id_column = "id";
                 o.mixture.models = {attune::covariance_model::EEI, attune::covariance_model::VVV};
                 o.mixture.k_max = 3;
                 o.mixture.starts = 3;
                 o.mixture.bootstrap_lrt = 3;
                 return attune::to_json(attune::study_profiles(ecr_r(), kSample, o));
               }});
  c.push_back({"cluster",
               "cluster '" + kSample + "' --instrument ecr-r --id id --k 4 --compare-profiles --models VVI "
               "--starts 2 --format json",
               [] {
                 attune::cluster_study_options o;
                 o.input.read.id_column = "id";
                 o.profiles = attune::mixture_options{};
                 o.profiles->models = {attune::covariance_model::VVI};
                 o.profiles->starts = 2;
                 return attune::to_json(attune::study_cluster(ecr_r(), kSample, o));
               }});
  // IRT (issue 13): the fit document is the bank file itself ("format": "attune-item-bank/1").
  c.push_back({"irt_fit", "irt fit '" + kSample + "' --items Q1-Q6 --scale 1-7 --name anxiety6", [] {
                 attune::irt_fit_study_options o;
                 o.input.read.items = {"Q1-Q6"};
                 o.input.scoring.range = attune::response_range{1, 7};
                 o.grm.scale = "anxiety6";
                 return attune::to_json(attune::study_irt_fit(nullptr, kSample, o));
               }});
  c.push_back({"irt_score", "irt score '" + kBankData + "' --bank '" + kEcrBank + "' --id id --format json", [] {
                 attune::irt_score_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_json(attune::study_irt_score(attune::load_item_bank(kEcrBank), kBankData, o));
               }});
  c.push_back({"irt_info", "irt info --bank '" + kEcrBank + "' --theta-step 2 --format json", [] {
                 attune::irt_info_study_options o;
                 o.theta_step = 2;
                 return attune::to_json(attune::study_irt_info(attune::load_item_bank(kEcrBank), o));
               }});
  c.push_back({"irt_simulation", "irt simulate --bank '" + kEcrBank + "' -n 4 --seed 7 --missing-rate 0.1 --format json",
               [] {
                 attune::grm_simulation_options o;
                 o.n = 4;
                 o.seed = 7;
                 o.missing_rate = 0.1;
                 return attune::to_json(attune::study_irt_simulate(attune::load_item_bank(kEcrBank), o));
               }});
  c.push_back({"cat_simulation", "cat simulate --bank '" + kEcrBank + "' -n 50 --stop-se 0.32 --format json", [] {
                 attune::cat_simulation_study_options o;
                 o.simulation.n = 50;
                 o.simulation.cat.stop.se = 0.32;
                 return attune::to_json(attune::study_cat_simulation(attune::load_item_bank(kEcrBank), o));
               }});
  c.push_back({"quality_lz",
               "quality '" + kBankData + "' --instrument ecr --scale 1-5 --id id --bank '" + kEcrBank + "' --format json",
               [] {
                 attune::quality_study_options o;
                 o.input.read.id_column = "id";
                 o.input.scoring.range = attune::response_range{1, 5};
                 o.bank = attune::load_item_bank(kEcrBank);
                 return attune::to_json(attune::study_quality(*attune::find_builtin("ecr"), kBankData, o));
               }});
  return c;
}

bool updating() {
  const char* v = std::getenv("ATTUNE_UPDATE_SNAPSHOTS");
  return v != nullptr && std::string(v) == "1";
}

// A snapshot holds "<source>" where a document names a file of this checkout, so that it does not
// depend on where the repository is cloned.
std::string portable(std::string text) {
  const std::string dir = source_path("");
  for (std::size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at)) text.replace(at, dir.size(), "<source>/");
  return text;
}

std::string snapshot_path(const std::string& name) { return source_path("tests/golden/json/" + name + ".json"); }

TEST(JsonContract, CliPrintsExactlyTheLibraryDocumentAndTheSnapshot) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    const working_directory in(c.dir);
    const auto r = run_cli(c.args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string library = c.library();
    EXPECT_EQ(r.out, library) << "the CLI and the library disagree for: attune " << c.args;
    if (updating()) write_file(snapshot_path(c.name), portable(library));
    EXPECT_EQ(read_file(snapshot_path(c.name)), portable(library))
        << "the document differs from tests/golden/json/" << c.name << ".json (see this file's comment)";
    const auto doc = nlohmann::json::parse(library);
    // every document is attune/1 but the calibrated bank, which is the bank file (docs/json.md)
    EXPECT_EQ(doc["format"], c.name == "irt_fit" ? "attune-item-bank/1" : "attune/1");
  }
}

// Readable tables are compared whole (tests/golden/table/<name>.txt), and the CLI's table is
// exactly the library's to_table.
std::vector<contract_case> table_cases() {
  const std::string small = source_path("tests/data/study/ecr-s-small.csv");
  std::vector<contract_case> c;
  c.push_back({"score", "score '" + small + "' --instrument ecr-s --id pid --format table", [small] {
                 attune::score_study_options o;
                 o.input.read.id_column = "pid";
                 return attune::to_table(attune::study_score(*attune::find_builtin("ecr-s"), small, o));
               }});
  c.push_back({"reliability", "reliability '" + kSample + "' --instrument ecr-r", [] {
                 return attune::to_table(attune::study_reliability(&ecr_r(), kSample));
               }});
  c.push_back({"correlate", "correlate '" + kSample + "' --items Q1-Q8 --format table", [] {
                 attune::correlate_study_options o;
                 o.input.read.items = {"Q1-Q8"};
                 return attune::to_table(attune::study_correlate(nullptr, kSample, o));
               }});
  c.push_back({"factor", "factor '" + kSample + "' --instrument ecr-r", [] {
                 return attune::to_table(attune::study_factor(ecr_r(), kSample));
               }});
  c.push_back({"factor_cfa", "factor '" + kSample + "' --instrument ecr-r --cfa", [] {
                 attune::factor_study_options o;
                 o.analysis = attune::factor_analysis_kind::cfa;
                 return attune::to_table(attune::study_factor(ecr_r(), kSample, o));
               }});
  c.push_back({"classify", "classify '" + small + "' --instrument ecr-s --method midpoint --id pid --format table",
               [small] {
                 attune::classify_study_options o;
                 o.input.read.id_column = "pid";
                 return attune::to_table(attune::study_classify(*attune::find_builtin("ecr-s"), small, o));
               }});
  c.push_back({"change", "change wave1.csv wave2.csv wave3.csv --instrument ecr-r --id id --format table",
               [] {
                 attune::change_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_table(
                     attune::study_change(ecr_r(), std::vector<std::string>{"wave1.csv", "wave2.csv", "wave3.csv"}, o));
               },
               source_path("tests/data/change")});
  c.push_back({"quality", "quality '" + kSample + "' --instrument ecr-r --format table", [] {
                 return attune::to_table(attune::study_quality(ecr_r(), kSample));
               }});
  c.push_back({"profiles", "profiles '" + kSample + "' --instrument ecr-r --models EEI,VVV --k 1-4 --starts 3", [] {
                 attune::profiles_study_options o;
                 o.mixture.models = {attune::covariance_model::EEI, attune::covariance_model::VVV};
                 o.mixture.k_max = 4;
                 o.mixture.starts = 3;
                 return attune::profiles_summary_text(attune::study_profiles(ecr_r(), kSample, o));
               }});
  c.push_back({"cluster", "cluster '" + kSample + "' --instrument ecr-r --k 4", [] {
                 return attune::cluster_summary_text(attune::study_cluster(ecr_r(), kSample));
               }});
  c.push_back({"irt_fit", "irt fit '" + kSample + "' --items Q1-Q6 --scale 1-7 --format table", [] {
                 attune::irt_fit_study_options o;
                 o.input.read.items = {"Q1-Q6"};
                 o.input.scoring.range = attune::response_range{1, 7};
                 return attune::to_table(attune::study_irt_fit(nullptr, kSample, o));
               }});
  c.push_back({"irt_score", "irt score '" + kBankData + "' --bank '" + kEcrBank + "' --id id --format table", [] {
                 attune::irt_score_study_options o;
                 o.input.read.id_column = "id";
                 return attune::to_table(attune::study_irt_score(attune::load_item_bank(kEcrBank), kBankData, o));
               }});
  c.push_back({"irt_info", "irt info --bank '" + kEcrBank + "'", [] {
                 return attune::to_table(attune::study_irt_info(attune::load_item_bank(kEcrBank)));
               }});
  c.push_back({"irt_simulation", "irt simulate --bank '" + kEcrBank + "' -n 200 --seed 7 --format table", [] {
                 attune::grm_simulation_options o;
                 o.n = 200;
                 o.seed = 7;
                 return attune::to_table(attune::study_irt_simulate(attune::load_item_bank(kEcrBank), o));
               }});
  c.push_back({"cat_simulation", "cat simulate --bank '" + kEcrBank + "' -n 200 --stop-se 0.32", [] {
                 attune::cat_simulation_study_options o;
                 o.simulation.n = 200;
                 o.simulation.cat.stop.se = 0.32;
                 return attune::to_table(attune::study_cat_simulation(attune::load_item_bank(kEcrBank), o));
               }});
  return c;
}

TEST(TableContract, CliPrintsExactlyTheLibraryTableAndTheSnapshot) {
  // The snapshots are laid out at the default width (80): a terminal's COLUMNS must not move them.
  ::unsetenv("COLUMNS");
  for (const auto& c : table_cases()) {
    SCOPED_TRACE(c.name);
    const working_directory in(c.dir);
    const auto r = run_cli(c.args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string library = c.library();
    EXPECT_EQ(r.out, library) << "the CLI and the library disagree for: attune " << c.args;
    const std::string path = source_path("tests/golden/table/" + c.name + ".txt");
    if (updating()) write_file(path, portable(library));
    EXPECT_EQ(read_file(path), portable(library)) << "the table differs from tests/golden/table/" << c.name << ".txt";
  }
}

// Every key path of a document: "scales[].reliability.alpha" (array elements as [], objects with
// data-named keys such as per-score maps as {}).
void key_paths(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string p = prefix.empty() ? it.key() : prefix + "." + it.key();
      out.insert(p);
      key_paths(it.value(), p, out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) key_paths(e, prefix + "[]", out);
  }
}

// docs/json.md lists, under "### <snapshot name>", every key path of that document in a table
// whose first cell is the path in backticks.
std::map<std::string, std::set<std::string>> documented_paths() {
  std::istringstream in(read_file(source_path("docs/json.md")));
  std::map<std::string, std::set<std::string>> out;
  std::string line, section;
  const std::regex heading(R"(^### `([a-z_]+)`)"), row(R"(^\| `([^`]+)`)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, heading)) section = m[1];
    else if (!section.empty() && std::regex_search(line, m, row)) out[section].insert(m[1]);
  }
  return out;
}

TEST(JsonContract, DocsDescribeEveryKeyOfEverySnapshot) {
  const auto docs = documented_paths();
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    std::set<std::string> paths;
    key_paths(nlohmann::json::parse(read_file(snapshot_path(c.name))), "", paths);
    const auto it = docs.find(c.name);
    if (it == docs.end()) {  // go on with the other documents: each missing section is a failure
      ADD_FAILURE() << "docs/json.md has no section ### `" << c.name << "`";
      continue;
    }
    for (const auto& p : paths) EXPECT_TRUE(it->second.count(p)) << "undocumented key: " << p;
    for (const auto& p : it->second) EXPECT_TRUE(paths.count(p)) << "documented but absent: " << p;
  }
}

// Every rule id the library's sources give an error (error_details.rule = "...") is in the table of
// docs/errors.md, whose first column lists ids in backticks.
TEST(ErrorContract, DocsListEveryRuleId) {
  const std::string docs = read_file(source_path("docs/errors.md"));
  const std::regex assigned(R"re(rule = (?:[^;"]*\? )?"([a-z_0-9]+)"(?: : "([a-z_0-9]+)")?)re");
  std::set<std::string> ids;
  for (const auto& f : std::filesystem::recursive_directory_iterator(source_path("src"))) {
    if (!f.is_regular_file()) continue;
    const std::string text = read_file(f.path().string());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), assigned); it != std::sregex_iterator(); ++it) {
      for (std::size_t g = 1; g < it->size(); ++g) {
        if ((*it)[g].matched) ids.insert((*it)[g]);
      }
    }
  }
  EXPECT_GT(ids.size(), 40u);  // the scan finds the ids (guards against a regex that matches nothing)
  for (const auto& id : ids) EXPECT_NE(docs.find("`" + id + "`"), std::string::npos) << "docs/errors.md lacks rule " << id;
}

}  // namespace

// The quality screen's sample statistics (`quality_sample_study`, issue 18): `attune quality
// --save-state` then `attune merge --format json` prints exactly to_json(study_quality_sample(
// accumulate_quality(...))), which equals tests/golden/json/quality_sample.json; every key is
// documented; n, mean, SD, covariances and the psychsyn/psychant pairs equal their closed forms
// from the file (pairwise-complete Pearson r, as R's cor(use = "pairwise") in careless).
TEST(JsonContract, QualitySampleOfASavedStateIsTheLibraryDocumentAndTheSnapshot) {
  const std::string small = source_path("tests/data/study/ecr-s-small.csv");
  const std::string state = attune::test::temp_path("quality_sample.state");
  const auto saved = run_cli("quality '" + small + "' --instrument ecr-s --id pid --save-state '" + state + "'");
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const auto r = run_cli("merge '" + state + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  const std::string library =
      attune::to_json(attune::study_quality_sample(attune::accumulate_quality(*attune::find_builtin("ecr-s"), small, o)));
  EXPECT_EQ(r.out, library);
  const std::string snapshot = snapshot_path("quality_sample");
  if (updating()) write_file(snapshot, portable(library));
  EXPECT_EQ(read_file(snapshot), portable(library)) << "the document differs from " << snapshot;

  const auto doc = nlohmann::json::parse(library);
  EXPECT_EQ(doc["format"], "attune/1");
  EXPECT_EQ(doc["study"], "quality_sample");
  std::set<std::string> paths;
  key_paths(doc, "", paths);
  const auto docs = documented_paths();
  ASSERT_TRUE(docs.count("quality_sample"));
  for (const auto& p : paths) EXPECT_TRUE(docs.at("quality_sample").count(p)) << "undocumented key: " << p;
  for (const auto& p : docs.at("quality_sample")) EXPECT_TRUE(paths.count(p)) << "documented but absent: " << p;

  // Closed forms from the file (header pid, Q1..Q12; empty = missing).
  const auto rows = attune::test::parse_csv(read_file(small));
  ASSERT_EQ(rows.size(), 5U);
  const std::size_t k = 12;
  ASSERT_EQ(doc["items"].size(), k);
  EXPECT_EQ(doc["n_rows"], 4);
  auto cell = [&](std::size_t i, std::size_t j) {  // row i (0-based data row), item j
    const std::string& s = rows[i + 1][j + 1];
    return s.empty() ? std::nan("") : std::stod(s);
  };
  for (std::size_t j = 0; j < k; ++j) EXPECT_EQ(doc["items"][j], rows[0][j + 1]);
  // Pairwise-complete moments of items a and b: count, covariance, Pearson r.
  struct pairwise {
    double n = 0, cov = 0, r = 0;
  };
  auto moments = [&](std::size_t a, std::size_t b) {
    std::vector<std::pair<double, double>> xy;
    for (std::size_t i = 0; i < 4; ++i) {
      if (!std::isnan(cell(i, a)) && !std::isnan(cell(i, b))) xy.emplace_back(cell(i, a), cell(i, b));
    }
    pairwise m;
    m.n = static_cast<double>(xy.size());
    double mx = 0, my = 0;
    for (const auto& [x, y] : xy) mx += x / m.n, my += y / m.n;
    double sxy = 0, sxx = 0, syy = 0;
    for (const auto& [x, y] : xy) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx), syy += (y - my) * (y - my);
    m.cov = sxy / (m.n - 1);
    m.r = sxy / std::sqrt(sxx * syy);
    return m;
  };
  for (std::size_t a = 0; a < k; ++a) {
    const pairwise own = moments(a, a);
    double sum = 0;
    for (std::size_t i = 0; i < 4; ++i) sum += std::isnan(cell(i, a)) ? 0.0 : cell(i, a);
    EXPECT_EQ(doc["n"][a].get<double>(), own.n) << a;
    EXPECT_NEAR(doc["mean"][a].get<double>(), sum / own.n, 1e-14) << a;
    EXPECT_NEAR(doc["sd"][a].get<double>(), std::sqrt(own.cov), 1e-13) << a;
    for (std::size_t b = 0; b < k; ++b) {
      const pairwise m = moments(a, b);
      EXPECT_EQ(doc["pair_counts"][a][b].get<double>(), m.n) << a << "," << b;
      EXPECT_NEAR(doc["covariance"][a][b].get<double>(), m.cov, 1e-13) << a << "," << b;
    }
  }
  // The pairs: exactly those with r beyond the critical values, with that r.
  auto expect_pairs = [&](const nlohmann::json& got, double critical, bool antonyms) {
    std::size_t want = 0;
    for (std::size_t a = 0; a < k; ++a) {
      for (std::size_t b = a + 1; b < k; ++b) {
        const double rab = moments(a, b).r;
        if (antonyms ? !(rab < critical) : !(rab > critical)) continue;
        ++want;
        bool found = false;
        for (const auto& p : got) {
          const bool same = (p["first"] == rows[0][a + 1] && p["second"] == rows[0][b + 1]) ||
                            (p["first"] == rows[0][b + 1] && p["second"] == rows[0][a + 1]);
          if (!same) continue;
          found = true;
          EXPECT_NEAR(p["r"].get<double>(), rab, 1e-13) << rows[0][a + 1] << "," << rows[0][b + 1];
        }
        EXPECT_TRUE(found) << rows[0][a + 1] << "," << rows[0][b + 1] << " r = " << rab;
      }
    }
    EXPECT_EQ(got.size(), want);
  };
  EXPECT_EQ(doc["psychsyn_critical"], 0.6);
  EXPECT_EQ(doc["psychant_critical"], -0.6);
  expect_pairs(doc["synonyms"], 0.6, false);
  expect_pairs(doc["antonyms"], -0.6, true);
}
