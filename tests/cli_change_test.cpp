// Tests of `attune change`: matching by id (unmatched listed), rci_/change_ columns with
// hand-computed values, trajectories over four files, clinical significance, and error paths.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/study/change.hpp"
#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

// ECR-R rows whose keyed anxiety and avoidance means are the given values.
std::string ecrr_csv(const std::vector<std::pair<std::string, std::pair<double, double>>>& rows) {
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  const auto* anx = inst->find_subscale("anxiety");
  std::ostringstream os;
  os << "client";
  for (const auto& it : inst->items) os << "," << it.id;
  os << "\n";
  for (const auto& [id, scores] : rows) {
    os << id;
    for (const auto& it : inst->items) {
      const bool is_anx = std::find(anx->items.begin(), anx->items.end(), it.id) != anx->items.end();
      const double target = is_anx ? scores.first : scores.second;
      os << "," << (it.reversed ? 8 - target : target);
    }
    os << "\n";
  }
  return os.str();
}

using attune::test::parse_csv;

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  EXPECT_NE(it, header.end()) << name;
  return static_cast<std::size_t>(it - header.begin());
}

// SD 1 and r .5 give S_diff = sqrt(2) sqrt(.5) = 1 (up to rounding: 1.0000000000000002), so
// RCI = after - before.
constexpr double tol = 1e-12;
const std::string unit_rci = " --sd 1 --reliability 0.5";

TEST(CliChange, TwoFilesMatchedByIdWithUnmatchedListed) {
  const std::string before = temp_path("cls_before.csv"), after = temp_path("cls_after.csv");
  write_file(before, ecrr_csv({{"A", {5, 4}}, {"B", {3, 3}}, {"only_before", {2, 2}}}));
  write_file(after, ecrr_csv({{"B", {4, 3}}, {"A", {2, 4}}, {"only_after", {6, 6}}}));
  auto r = run_cli("change " + before + " " + after + " --instrument ecr-r --id client" + unit_rci);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  ASSERT_EQ(csv.size(), 3u);  // header + A + B (order of the first file)
  const auto& h = csv[0];
  EXPECT_EQ(h[0], "client");  // the id column keeps its name
  EXPECT_EQ(csv[1][0], "A");
  EXPECT_EQ(csv[2][0], "B");
  // A: anxiety 5 -> 2: change -3, RCI -3 (reliably improved); avoidance 4 -> 4: no change.
  EXPECT_NEAR(std::stod(csv[1][column(h, "change_anxiety")]), -3, tol);
  EXPECT_NEAR(std::stod(csv[1][column(h, "rci_anxiety")]), -3, tol);
  EXPECT_EQ(csv[1][column(h, "category_anxiety")], "reliably_improved");
  EXPECT_NEAR(std::stod(csv[1][column(h, "rci_avoidance")]), 0, tol);
  EXPECT_EQ(csv[1][column(h, "category_avoidance")], "no_reliable_change");
  EXPECT_NEAR(std::stod(csv[2][column(h, "change_anxiety")]), 1, tol);
  EXPECT_EQ(csv[1][column(h, "anxiety_t1")], "5");
  EXPECT_EQ(csv[1][column(h, "anxiety_t2")], "2");
  EXPECT_EQ(csv[1][column(h, "style_t1")], "preoccupied");  // anxiety 5 > 4, avoidance 4 not > 4
  EXPECT_EQ(csv[1][column(h, "style_t2")], "secure");
  // Unmatched respondents are named on stderr.
  EXPECT_NE(r.err.find("only_before"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("only_after"), std::string::npos) << r.err;

  r = run_cli("change " + before + " " + after + " --instrument ecr-r --id client --format json" + unit_rci);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_matched"], 2);
  ASSERT_EQ(j["unmatched"].size(), 2u);
  EXPECT_EQ(j["unmatched"][0]["id"], "only_before");
  EXPECT_EQ(j["unmatched"][0]["in_output"], false);
  EXPECT_EQ(j["unmatched"][1]["id"], "only_after");
  EXPECT_NEAR(j["respondents"][0]["rci_anxiety"].get<double>(), -3.0, tol);
  EXPECT_EQ(j["respondents"][0]["client"], "A");
  EXPECT_NEAR(j["scales"][0]["s_diff"].get<double>(), 1.0, tol);
  EXPECT_EQ(j["scales"][0]["rci"]["direction"], "lower_is_better");
  EXPECT_EQ(j["scales"][0]["sd_source"], "given");
  // The default critical value is exactly the two-sided 5% normal quantile (was 1.95996).
  EXPECT_DOUBLE_EQ(j["scales"][0]["rci"]["critical"].get<double>(), 1.959963984540054);
}

TEST(CliChange, HandComputedRciFromGivenSdAndReliability) {
  const std::string before = temp_path("cls_b2.csv"), after = temp_path("cls_a2.csv");
  write_file(before, ecrr_csv({{"c1", {4.5, 3.0}}}));
  write_file(after, ecrr_csv({{"c1", {3.0, 3.0}}}));
  // S_diff = 1.1 sqrt(2) sqrt(.1) = 0.4919349550499538; RCI = -1.5 / S_diff = -3.0491836056815307.
  const auto r = run_cli("change " + before + " " + after +
                         " --instrument ecr-r --id client --sd 1.1 --reliability 0.9 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["respondents"][0]["rci_anxiety"].get<double>(), -1.5 / 0.4919349550499538, 1e-12);
  EXPECT_EQ(j["respondents"][0]["category_anxiety"], "reliably_improved");
}

TEST(CliChange, FourAdministrationsGiveTrajectories) {
  std::vector<std::string> files;
  const std::pair<double, double> path[4] = {{6, 5}, {5, 5}, {4, 4.5}, {2.5, 3}};
  for (int w = 0; w < 4; ++w) {
    std::string name = "cls_wave";
    name += std::to_string(w);  // (not "..." + ...: GCC 12 -Wrestrict false positive at -O3)
    name += ".csv";
    files.push_back(temp_path(name));
    std::vector<std::pair<std::string, std::pair<double, double>>> rows = {{"client", path[w]}};
    if (w != 2) rows.push_back({"other", {3, 3}});  // missing at the third administration
    write_file(files.back(), ecrr_csv(rows));
  }
  const std::string args = "change " + files[0] + " " + files[1] + " " + files[2] + " " + files[3] +
                           " --instrument ecr-r --id client" + unit_rci;
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  const auto& h = csv[0];
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_NEAR(std::stod(csv[1][column(h, "rci_anxiety_t1_t2")]), -1, tol);
  EXPECT_NEAR(std::stod(csv[1][column(h, "rci_anxiety_t3_t4")]), -1.5, tol);
  EXPECT_NEAR(std::stod(csv[1][column(h, "rci_anxiety")]), -3.5, tol);
  EXPECT_NEAR(std::stod(csv[1][column(h, "rci_avoidance")]), -2, tol);
  EXPECT_EQ(csv[1][column(h, "style_t1")], "fearful");
  EXPECT_EQ(csv[1][column(h, "style_t4")], "secure");
  EXPECT_EQ(csv[2][column(h, "anxiety_t3")], "");  // the gap stays empty
  EXPECT_EQ(csv[2][column(h, "style_t3")], "unclassified");
  EXPECT_NEAR(std::stod(csv[2][column(h, "rci_anxiety")]), 0, tol);
  // One summary line per file; the full list with --list-unmatched.
  EXPECT_NE(r.err.find("unmatched: 1 id(s) missing from " + files[2] + " (other)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("id 'other' is only in"), std::string::npos) << r.err;
  r = run_cli(args + " --list-unmatched");
  EXPECT_NE(r.err.find("unmatched: id 'other' is only in"), std::string::npos) << r.err;
  r = run_cli(args + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["respondents"][0]["change_anxiety_t3_t4"].get<double>(), -1.5, tol);
  EXPECT_EQ(j["respondents"][0]["style_t4"], "secure");
  EXPECT_TRUE(j["respondents"][1]["anxiety_t3"].is_null());
  EXPECT_EQ(j["trajectories"]["n_waves"], 4);
  EXPECT_EQ(j["unmatched"][0]["in_output"], true);
  r = run_cli(args + " --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("S_diff"), std::string::npos);
}

TEST(CliChange, ClinicalSignificanceCutoffs) {
  const std::string before = temp_path("cls_cb.csv"), after = temp_path("cls_ca.csv");
  write_file(before, ecrr_csv({{"x", {5, 5}}, {"y", {5, 5}}}));
  write_file(after, ecrr_csv({{"x", {2.5, 3.5}}, {"y", {4.5, 5}}}));
  const std::string fn = temp_path("cls_functional.json"), dn = temp_path("cls_dysfunctional.json");
  write_file(fn, R"({"format":"attune-norms/1","id":"community","population":"community","source":"test",
    "scales":{"anxiety":{"mean":3.0,"sd":1.0,"n":500},"avoidance":{"mean":2.5,"sd":1.0,"n":500}}})");
  write_file(dn, R"({"format":"attune-norms/1","id":"clinic","population":"clinic","source":"test",
    "scales":{"anxiety":{"mean":5.0,"sd":1.0,"n":200},"avoidance":{"mean":4.5,"sd":1.0,"n":200}}})");
  // Cut-off c for anxiety = (1 * 5 + 1 * 3) / 2 = 4; avoidance (4.5 + 2.5) / 2 = 3.5.
  auto r = run_cli("change " + before + " " + after + " --instrument ecr-r --id client --format json" + unit_rci +
                   " --functional-norms " + fn + " --dysfunctional-norms " + dn);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["scales"][0]["cutoffs"]["c"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j["scales"][0]["cutoffs"]["a"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(j["scales"][0]["cutoffs"]["b"].get<double>(), 5.0);
  EXPECT_EQ(j["cutoff"], "c");
  EXPECT_DOUBLE_EQ(j["scales"][0]["cutoff"].get<double>(), 4.0);
  EXPECT_EQ(j["respondents"][0]["clinical_anxiety"], "recovered");    // 5 -> 2.5: RCI -2.5, below 4
  EXPECT_EQ(j["respondents"][0]["clinical_avoidance"], "unchanged");  // 5 -> 3.5: RCI -1.5
  EXPECT_EQ(j["respondents"][1]["clinical_anxiety"], "unchanged");
  // Cut-off a = 3: 2.5 is below it: still recovered; with --critical 3 the RCI -2.5 is not reliable.
  r = run_cli("change " + before + " " + after + " --instrument ecr-r --id client --format json" + unit_rci +
              " --functional-norms " + fn + " --dysfunctional-norms " + dn + " --critical 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["respondents"][0]["clinical_anxiety"], "unchanged");
}

TEST(CliChange, SdAndReliabilityFromTheFirstAdministration) {
  const std::string before = temp_path("cls_sb.csv"), after = temp_path("cls_sa.csv");
  write_file(before, ecrr_csv({{"a", {2, 2}}, {"b", {4, 3}}, {"c", {6, 5}}}));
  write_file(after, ecrr_csv({{"a", {2, 2}}, {"b", {4, 3}}, {"c", {6, 5}}}));
  // Only --reliability given: SD of anxiety {2, 4, 6} = 2.
  const auto r = run_cli("change " + before + " " + after + " --instrument ecr-r --id client --reliability 0.5 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["scales"][0]["rci"]["sd"].get<double>(), 2.0);
  EXPECT_NE(j["scales"][0]["sd_source"].get<std::string>().find("first administration"), std::string::npos);
}

// What the CLI prints is exactly the library's document for the same data and options.
TEST(CliChange, JsonIsTheLibrarysDocument) {
  std::vector<std::string> files;
  const std::pair<double, double> path[3] = {{6, 5}, {4, 4.5}, {2.5, 3}};
  for (int w = 0; w < 3; ++w) {
    std::string name = "cls_doc";
    name += std::to_string(w);
    name += ".csv";
    files.push_back(temp_path(name));
    std::vector<std::pair<std::string, std::pair<double, double>>> rows = {{"c1", path[w]}, {"c2", {3, 3}}};
    if (w == 1) rows.pop_back();
    write_file(files.back(), ecrr_csv(rows));
  }
  const std::string fn = temp_path("cls_doc_f.json"), dn = temp_path("cls_doc_d.json");
  write_file(fn, R"({"format":"attune-norms/1","id":"community","population":"community","source":"test",
    "scales":{"anxiety":{"mean":3.0,"sd":1.0,"n":500},"avoidance":{"mean":2.5,"sd":1.0,"n":500}}})");
  write_file(dn, R"({"format":"attune-norms/1","id":"clinic","population":"clinic","source":"test",
    "scales":{"anxiety":{"mean":5.0,"sd":1.0,"n":200},"avoidance":{"mean":4.5,"sd":1.0,"n":200}}})");
  const auto r = run_cli("change " + files[0] + " " + files[1] + " " + files[2] +
                         " --instrument ecr-r --id client --sd 1.1 --reliability avoidance=0.8,0.9 --cutoff a"
                         " --functional-norms " + fn + " --dysfunctional-norms " + dn + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::change_study_options o;
  o.input.read.id_column = "client";
  o.sd.all = 1.1;
  o.reliability.by_score["avoidance"] = 0.8;
  o.reliability.all = 0.9;
  o.cutoff = attune::cutoff_kind::a;
  o.functional_norms = attune::load_norm_table(fn);
  o.dysfunctional_norms = attune::load_norm_table(dn);
  EXPECT_EQ(r.out, attune::to_json(attune::study_change(*attune::find_builtin("ecr-r"), files, o)));
}

TEST(CliChange, ErrorPaths) {
  const std::string a = temp_path("cls_e1.csv"), b = temp_path("cls_e2.csv"), dup = temp_path("cls_dup.csv"),
                    empty_id = temp_path("cls_emptyid.csv");
  write_file(a, ecrr_csv({{"p", {3, 3}}}));
  write_file(b, ecrr_csv({{"p", {4, 4}}}));
  write_file(dup, ecrr_csv({{"p", {3, 3}}, {"p", {4, 4}}}));
  write_file(empty_id, ecrr_csv({{"", {3, 3}}}));
  struct error_case {
    std::string args;
    std::string message;
  };
  const std::string base = " --instrument ecr-r --id client";
  const std::vector<error_case> cases = {
      {"change " + a + base, "at least two data files"},
      {"change " + a + " " + b + " --instrument ecr-r", "--id is required"},
      {"change " + a + " " + b + base, "SD of 'anxiety' cannot be estimated"},
      {"change " + a + " " + b + base + " --sd 1", "reliability of 'anxiety' cannot be estimated"},
      {"change " + dup + " " + b + base + unit_rci, "id 'p' appears twice"},
      {"change " + empty_id + " " + b + base + unit_rci, "empty id"},
      {"change " + a + " " + b + base + unit_rci + " --cutoff d", "--cutoff 'd'"},
      {"change " + a + " " + b + base + unit_rci + " --functional-norms raas-ledley2006-male",
       "both --functional-norms and --dysfunctional-norms"},
      {"change " + a + " " + b + base + unit_rci + " --lower-better close", "'close' is not one of the scales compared"},
      {"change " + a + " " + b + base + unit_rci + " --higher-better anxiety --lower-better anxiety",
       "--higher-better 'anxiety': the scale is also given as lower-better"},
      {"change " + a + " " + b + base + unit_rci + " --styles kmeans", "styles_method = kmeans: use midpoint, fisher or norms"},
      {"change " + a + " " + b + base + " --sd 1 --reliability 1", "reliability = 1"},
      {"change " + a + " " + b + base + unit_rci + " --scales nosuch", "no score 'nosuch'"},
      {"change " + a + " " + b + base + unit_rci + " --norms nosuch-norms", "nosuch-norms"},
      {"change " + a + " /no/such.csv" + base + unit_rci, "/no/such.csv"},
      {"change - -" + base + unit_rci, "standard input (-) given twice"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

}  // namespace

namespace {

TEST(CliChange, ManyUnmatchedIdsGiveOneLinePerFile) {
  const std::string before = temp_path("clm_before.csv"), after = temp_path("clm_after.csv");
  std::vector<std::pair<std::string, std::pair<double, double>>> b = {{"A", {5, 4}}, {"B", {3, 3}}}, a = b;
  for (int i = 0; i < 40; ++i) b.push_back({"gone" + std::to_string(i), {2, 2}});
  for (int i = 0; i < 3; ++i) a.push_back({"new" + std::to_string(i), {2, 2}});
  write_file(before, ecrr_csv(b));
  write_file(after, ecrr_csv(a));
  const std::string args = "change " + before + " " + after + " --instrument ecr-r --id client" + unit_rci;
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("unmatched: 40 id(s) missing from " + after + " (gone0, gone1, gone2, gone3, gone4, ...)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("unmatched: 3 id(s) missing from " + before + " (new0, new1, new2)\n"), std::string::npos) << r.err;
  std::size_t lines = 0;
  for (std::size_t p = r.err.find("unmatched"); p != std::string::npos; p = r.err.find("unmatched", p + 1)) ++lines;
  EXPECT_EQ(lines, 2U) << r.err;
  EXPECT_EQ(parse_csv(r.out)[0][0], "client");  // the id column keeps its name
  r = run_cli(args + " --list-unmatched");
  lines = 0;
  for (std::size_t p = r.err.find("unmatched: id '"); p != std::string::npos; p = r.err.find("unmatched: id '", p + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 43U);
  r = run_cli(args + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["unmatched"].size(), 43U);  // the full list
}

TEST(CliChange, GroupLevelResultsPerScaleOnTheSampleFiles) {
  const std::string before = attune::test::source_path("examples/data/ecr-r-before.csv");
  const std::string after = attune::test::source_path("examples/data/ecr-r-after.csv");
  auto r = run_cli("change " + before + " " + after + " --instrument ecr-r --id id --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["scales"].size(), 2U);
  const auto& g = j["scales"][0]["group"];
  for (const char* key : {"n_pairs", "mean_before", "mean_after", "mean_change", "mean_change_ci", "sd_change", "t", "df",
                          "p", "d_z", "d_z_ci", "d_av", "d_av_ci", "retest_r", "retest_r_ci", "improved", "unchanged",
                          "deteriorated"}) {
    EXPECT_TRUE(g.contains(key)) << key;
  }
  EXPECT_EQ(g["n_pairs"], 114);  // 120 before, 6 dropped out (tests/golden/change.R)
  EXPECT_EQ(g["improved"].get<int>() + g["unchanged"].get<int>() + g["deteriorated"].get<int>(), 114);
  EXPECT_EQ(j["id_column"], "id");
  r = run_cli("change " + before + " " + after + " --instrument ecr-r --id id");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("group (114 pairs)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unmatched: 6 id(s) missing from " + after), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unmatched: 2 id(s) missing from " + before), std::string::npos) << r.err;
}

}  // namespace
