// Tests of `attune profiles` and `attune cluster`: the output contract (the document is the
// library's, the CSV columns, the table's summary), degenerate data through the command line,
// and the error paths (exit status 1, a message in data and API words, the hint naming the flag).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/study/profiles.hpp"
#include "profiles_test_data.hpp"
#include "test_support.hpp"

namespace {

using attune::covariance_model;
using attune::test::parse_csv;
using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

const std::string kSample = attune::test::source_path("examples/data/ecr-r-sample.csv");
const attune::instrument& ecr_r() { return *attune::find_builtin("ecr-r"); }

std::string quadrants_file() {
  const std::string path = temp_path("profiles_quadrants.csv");
  write_file(path, attune::test::ecrr_groups(attune::test::kQuadrants, 25, 21));
  return path;
}

// What the CLI prints is exactly the library's document for the same data and options.
TEST(CliProfiles, JsonIsTheLibrarysDocument) {
  auto r = run_cli("profiles '" + kSample + "' --instrument ecr-r --id id --models EEI,VVV --k 1-3 --starts 3 "
                   "--seed 5 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::profiles_study_options o;
  o.input.read.id_column = "id";
  o.mixture.models = {covariance_model::EEI, covariance_model::VVV};
  o.mixture.k_max = 3;
  o.mixture.starts = 3;
  o.mixture.seed = 5;
  EXPECT_EQ(r.out, attune::to_json(attune::study_profiles(ecr_r(), kSample, o)));

  const std::string data = quadrants_file();
  r = run_cli("profiles " + data + " --instrument ecr-r --on items --models eei --k 4 --starts 2 --labels sample_mean "
              "--bootstrap-lrt 3 --prior --format json --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::profiles_study_options i;
  i.on = attune::profile_data::items;
  i.mixture.models = {covariance_model::EEI};
  i.mixture.k_min = i.mixture.k_max = 4;
  i.mixture.starts = 2;
  i.mixture.bootstrap_lrt = 3;
  i.mixture.prior = attune::mixture_prior{};
  i.labels = attune::label_reference::sample_mean;
  EXPECT_EQ(r.out, attune::to_json(attune::study_profiles(ecr_r(), data, i)));
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["bootstrap_lrt"].size(), 0U);  // K = 4 only: no K - 1 to test against
  EXPECT_EQ(j["columns"].size(), 36U);

  r = run_cli("cluster " + data + " --instrument ecr-r --method ward.D --k 3 --format json --compare-profiles "
              "--models VVI --starts 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::cluster_study_options c;
  c.ward.method = attune::ward_method::ward_d;
  c.k = 3;
  c.profiles = attune::mixture_options{};
  c.profiles->models = {covariance_model::VVI};
  c.profiles->starts = 2;
  EXPECT_EQ(r.out, attune::to_json(attune::study_cluster(ecr_r(), data, c)));
}

TEST(CliProfiles, CsvRowsTableSummaryAndRows) {
  const std::string data = quadrants_file();
  const std::string base = "profiles " + data + " --instrument ecr-r --id id --models VVI --k 3-4 --starts 2";
  auto r = run_cli(base);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The table alone is the summary: the model selection first.
  EXPECT_EQ(r.out.rfind("profiles: latent profile analysis of ecr-r, on scores (anxiety, avoidance)", 0), 0U) << r.out;
  EXPECT_NE(r.out.find("model selection"), std::string::npos);
  EXPECT_NE(r.out.find("best: VVI with 4 profile(s) (highest bic)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("secure"), std::string::npos);
  EXPECT_EQ(r.out.find("uncertainty"), std::string::npos);  // no rows without --rows
  // With --rows the respondents' rows come first, then the summary (to_table).
  auto t = run_cli(base + " --rows");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.out.substr(t.out.size() - r.out.size()), r.out);
  EXPECT_NE(t.out.find("uncertainty"), std::string::npos);
  // CSV: the rows; the summary on standard error.
  r = run_cli(base + " --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = parse_csv(r.out);
  ASSERT_EQ(rows.size(), 101U);
  std::string header;
  for (const auto& cell : rows[0]) header += (header.empty() ? "" : ",") + cell;
  EXPECT_EQ(header, "id,anxiety,avoidance,p_1,p_2,p_3,p_4,profile,uncertainty,label");
  EXPECT_EQ(rows[1][0], "p1");
  EXPECT_EQ(rows[1][9], "secure");
  EXPECT_NE(r.err.find("model selection"), std::string::npos);
  // Cluster: rows, and the merge heights in the summary.
  r = run_cli("cluster " + data + " --instrument ecr-r --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_csv(r.out)[0], (std::vector<std::string>{"row", "anxiety", "avoidance", "cluster", "label"}));
  EXPECT_NE(r.err.find("merge heights"), std::string::npos);
  r = run_cli("cluster " + data + " --instrument ecr-r");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cluster: Ward's hierarchical clustering (ward.D2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("adjusted Rand index with the midpoint styles: 1.000"), std::string::npos) << r.out;
}

TEST(CliProfiles, IdenticalAnswerPatternsGiveADiagnosticAndFiniteResults) {
  const std::string path = temp_path("profiles_identical.csv");
  write_file(path, attune::test::ecrr_groups({{2, 2}, {6, 2}, {5, 6}}, 40, 3, 150));
  auto r = run_cli("profiles " + path + " --instrument ecr-r --models VVV --k 3 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  bool said = false;
  for (const auto& w : j["warnings"]) {
    said = said || w["message"].get<std::string>().find("150 of 270 respondents give one identical answer pattern") !=
                       std::string::npos;
  }
  EXPECT_TRUE(said) << j["warnings"];
  const auto& f = j["fits"][0];
  EXPECT_GE(f["starts_collapsed"].get<int>(), 1);
  if (!f["loglik"].is_null()) {
    EXPECT_TRUE(std::isfinite(f["loglik"].get<double>()));
  }
  // The table says it too, and --prior gives a finite fit from every start.
  r = run_cli("profiles " + path + " --instrument ecr-r --models VVV --k 3 --prior");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("identical answer pattern"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("conjugate prior"), std::string::npos);
}

TEST(CliProfiles, ErrorPaths) {
  const std::string data = quadrants_file();
  const std::string p = "profiles " + data + " --instrument ecr-r ";
  const std::string c = "cluster " + data + " --instrument ecr-r ";
  struct error_case {
    std::string args;
    std::vector<std::string> fragments;
  };
  const std::vector<error_case> cases = {
      {p + "--models EEI,XYZ", {"--models 'XYZ': use EII, VII, EEI", "VVV or all"}},
      {p + "--models EEI,EEI", {"mixture_options.models = EEI: listed twice", "hint: see --models"}},
      {p + "--k 0-3", {"mixture_options.k_min = 0: must be >= 1", "hint: see --k MIN-MAX"}},
      {p + "--k 3-25", {"mixture_options.k_max = 25", "hint: see --k MIN-MAX"}},
      {p + "--k two", {"--k 'two': expected N or MIN-MAX"}},
      {p + "--starts 0", {"mixture_options.starts = 0", "hint: see --starts"}},
      {p + "--on answers", {"--on 'answers': use scores or items"}},
      {p + "--labels quadrant", {"--labels 'quadrant': use midpoint, sample_mean or none"}},
      {p + "--scores anxiety,closeness", {"has no score 'closeness'", "hint: see --scores"}},
      {p + "--models VEV --prior", {"model VEV has no conjugate prior", "hint: --prior goes with --models"}},
      {p + "--bootstrap-lrt 20000", {"mixture_options.bootstrap_lrt = 20000", "hint: see --bootstrap-lrt"}},
      {"profiles " + data + " --instrument rq", {"no anxiety and avoidance scores", "hint: name the scores with --scores"}},
      {c + "--method ward", {"--method 'ward': use ward.D2 or ward.D"}},
      {c + "--k 500", {"cluster_study_options.k = 500", "hint: see --k"}},
      {c + "--max-rows 20", {"ward_options.max_n = 20", "hint: see --max-rows"}},
      {"cluster /no/such/file.csv --instrument ecr-r", {"/no/such/file.csv"}},
  };
  for (const auto& e : cases) {
    const auto r = run_cli(e.args);
    EXPECT_EQ(r.exit_code, 1) << e.args << "\n" << r.err;
    for (const auto& f : e.fragments) EXPECT_NE(r.err.find(f), std::string::npos) << e.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << e.args;
  }
  // Help lists the fixed sets of values.
  const auto h = run_cli("profiles --help");
  EXPECT_NE(h.out.find("scores | items"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("midpoint (of the response range) | sample_mean | none"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("VVV or all"), std::string::npos);
  EXPECT_NE(run_cli("cluster --help").out.find("ward.D2 (Ward's minimum variance) | ward.D"), std::string::npos);
}

}  // namespace
