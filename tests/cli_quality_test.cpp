// Tests of `attune quality`: output formats, the validation report, --clean-output, error paths,
// and end-to-end agreement with the base-R golden values (tests/golden/quality.R).
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/study/quality.hpp"
#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;
constexpr double golden_tol = 1e-12;

std::vector<std::string> split(const std::string& line, char d = ',') {
  std::vector<std::string> out;
  std::string f;
  std::istringstream ss(line);
  while (std::getline(ss, f, d)) out.push_back(f);
  if (!line.empty() && line.back() == d) out.emplace_back();
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream ss(text);
  std::string l;
  while (std::getline(ss, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

// ECR-R-shaped data (Q1-Q36: anxiety 1-18 reversed 9, 11; avoidance 19-36 reversed 20, 22, 26-31,
// 33-36), 200 generated respondents plus special rows:
//   201 straight-liner, 202 duplicate id of 1, 203 out-of-range answer (9 on Q5),
//   204 no answer, 205 only 10 answers.
std::string ecr_r_data() {
  const std::vector<int> rev = {9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36};
  std::mt19937_64 rng(42);
  auto unif = [&] { return (static_cast<double>(rng() >> 11U) + 0.5) * 0x1.0p-53; };
  auto normal = [&] { return std::sqrt(-2.0 * std::log(unif())) * std::cos(2.0 * M_PI * unif()); };
  std::ostringstream os;
  os << "pid";
  for (int j = 1; j <= 36; ++j) os << ",Q" << j;
  os << "\n";
  for (int i = 1; i <= 205; ++i) {
    os << (i == 202 ? std::string("p1") : "p" + std::to_string(i));
    const double anx = normal(), avo = normal();
    for (int j = 1; j <= 36; ++j) {
      const double lat = 0.8 * (j <= 18 ? anx : avo) + 0.6 * normal();
      double v = std::min(7.0, std::max(1.0, std::round(4.0 + 1.5 * lat)));
      if (std::find(rev.begin(), rev.end(), j) != rev.end()) v = 8.0 - v;
      std::string cell = std::to_string(static_cast<int>(v));
      if (i == 201) cell = "4";
      if (i == 203 && j == 5) cell = "9";
      if (i == 204) cell = "";
      if (i == 205 && j > 10) cell = "NA";
      os << "," << cell;
    }
    os << "\n";
  }
  return os.str();
}

std::string ecr_r_file() {
  static const std::string path = [] {
    const std::string p = temp_path("quality_ecr_r.csv");
    write_file(p, ecr_r_data());
    return p;
  }();
  return path;
}

TEST(CliQuality, CsvHasOneRowPerRespondentWithIndexColumnsAndFlags) {
  const auto r = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --id pid");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 206U);
  const auto header = split(ls[0]);
  const std::vector<std::string> want = {"pid", "answered", "longstring", "longstring_avg", "irv", "irv_1", "irv_2",
                                         "irv_3", "mahalanobis", "mahalanobis_df", "mahalanobis_p", "evenodd",
                                         "evenodd_subscales", "psychsyn", "psychsyn_pairs", "psychant",
                                         "psychant_pairs", "reversal", "flags"};
  EXPECT_EQ(header, want);
  const auto straight = split(ls[201]);
  EXPECT_EQ(straight[0], "p201");
  EXPECT_EQ(straight[2], "36");                            // longstring
  EXPECT_EQ(straight.back().substr(0, 14), "longstring|irv");
  const auto none = split(ls[204]);
  EXPECT_EQ(none[0], "p204");
  EXPECT_EQ(none[1], "0");
  EXPECT_EQ(none[2], "");                                  // NaN is an empty cell
  // ECR-R has 2 subscales: evenodd is computed but never flags, with a warning on stderr
  EXPECT_NE(r.err.find("evenodd is not used for flags: 2 subscales"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 answer(s) outside the item range"), std::string::npos) << r.err;
}

TEST(CliQuality, JsonCarriesTheValidationReport) {
  const auto r = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --id pid --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["instrument"], "ecr-r");
  EXPECT_EQ(doc["n_rows"], 205);
  EXPECT_EQ(doc["items"].size(), 36U);
  const auto& rep = doc["report"];
  EXPECT_EQ(rep["n"], 204);
  ASSERT_EQ(doc["respondents"].size(), 205U);
  // Rows are flat, with the CSV's column names (the id column keeps its name).
  const auto& straight = doc["respondents"][200];
  EXPECT_EQ(straight["pid"], "p201");
  EXPECT_EQ(straight["longstring"], 36);
  EXPECT_EQ(straight["irv_1"], 0);
  EXPECT_EQ(straight["flags"], "longstring|irv");
  EXPECT_TRUE(doc["respondents"][203]["mahalanobis"].is_null());
  const auto& v = rep["validation"];
  ASSERT_EQ(v["out_of_range"].size(), 1U);
  EXPECT_EQ(v["out_of_range"][0]["row"], 203);
  EXPECT_EQ(v["out_of_range"][0]["id"], "p203");
  EXPECT_EQ(v["out_of_range"][0]["item"], "Q5");
  EXPECT_EQ(v["out_of_range"][0]["value"], 9);
  ASSERT_EQ(v["duplicate_ids"].size(), 1U);
  EXPECT_EQ(v["duplicate_ids"][0]["id"], "p1");
  EXPECT_EQ(v["duplicate_ids"][0]["rows"], nlohmann::json::array({1, 202}));
  EXPECT_EQ(v["constant_rows"], nlohmann::json::array({201}));
  EXPECT_EQ(v["no_answer_rows"], nlohmann::json::array({204}));
  EXPECT_EQ(v["below_min_answered"], nlohmann::json::array({204, 205}));
  EXPECT_EQ(doc["subscales"][0], "anxiety");
  EXPECT_EQ(v["required"][0], 15);              // in the order of "subscales"
  EXPECT_EQ(v["missing_per_item"][0], 1);       // Q1 ("items"): row 204
  EXPECT_EQ(v["missing_per_item"][35], 2);      // Q36: rows 204, 205
  EXPECT_GE(rep["flagged_by"]["longstring"], 1);
  ASSERT_EQ(doc["rules"].size(), 7U);
  EXPECT_EQ(doc["rules"][2]["index"], "mahalanobis");
  EXPECT_TRUE(doc["rules"][2]["rule"].get<std::string>().find("qchisq(0.999") != std::string::npos);
  EXPECT_EQ(doc["options"]["mahalanobis_missing"], "observed");
  EXPECT_FALSE(rep["synonyms"].empty());
  EXPECT_EQ(rep["synonyms"][0]["first"].get<std::string>().substr(0, 1), "Q");
}

// What the CLI prints is exactly the library's document for the same data and options.
TEST(CliQuality, JsonIsTheLibrarysDocument) {
  const auto r = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --id pid --irv-blocks 4 "
                         "--mahalanobis-missing psych --min-answered 0.5 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  o.input.scoring.min_answered = 0.5;
  o.quality.irv_blocks = 4;
  o.quality.mahalanobis_missing = attune::mahalanobis_method::psych;
  EXPECT_EQ(r.out, attune::to_json(attune::study_quality(*attune::find_builtin("ecr-r"), ecr_r_file(), o)));
}

TEST(CliQuality, TableEndsWithTheSummary) {
  const auto r = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ecr-r: 205 respondents (204 with answers), 36 items;"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("longest run >= 18"), std::string::npos);
  EXPECT_NE(r.out.find("duplicate ids: 0"), std::string::npos);  // without --id there are no ids
  EXPECT_NE(r.out.find("out-of-range answers: 1"), std::string::npos);
  EXPECT_NE(r.out.find("row 203"), std::string::npos);
  EXPECT_NE(r.out.find("below the minimum-answered rule (anxiety 15, avoidance 15): 2"), std::string::npos) << r.out;
}

TEST(CliQuality, SummaryOnStderrWithCsv) {
  const auto r = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --summary");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("validation:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("validation:"), std::string::npos);
}

// Per respondent of a quality JSON document: in a clean copy (answers, enough of them, no flag).
std::vector<bool> clean_rows_of(const nlohmann::json& doc) {
  std::vector<bool> keep;
  for (const auto& r : doc["respondents"]) keep.push_back(r["flags"].get<std::string>().empty());
  for (const char* list : {"no_answer_rows", "below_min_answered"}) {
    for (const auto& row : doc["report"]["validation"][list]) keep[row.get<std::size_t>() - 1] = false;  // 1-based rows
  }
  return keep;
}

TEST(CliQuality, CleanOutputDropsFlaggedRowsAtomically) {
  const std::string clean = temp_path("quality_clean.csv");
  const std::string out = temp_path("quality_out.json");
  const auto r = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --id pid --format json -o " + out +
                         " --clean-output " + clean);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const auto doc = nlohmann::json::parse(attune::test::read_file(out));
  const auto kept = lines(attune::test::read_file(clean));
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept[0], lines(ecr_r_data())[0]);  // same header
  const std::size_t flagged = doc["report"]["n_flagged"].get<std::size_t>();
  const auto keep = clean_rows_of(doc);
  EXPECT_EQ(kept.size(), 1 + static_cast<std::size_t>(std::count(keep.begin(), keep.end(), true)));
  EXPECT_GT(flagged, 0U);
  // every kept row is an unflagged respondent with enough answers, copied verbatim
  const auto original = lines(ecr_r_data());
  std::size_t next = 1;
  for (std::size_t i = 0; i < 205; ++i) {
    if (!keep[i]) continue;
    ASSERT_LT(next, kept.size());
    EXPECT_EQ(kept[next++], original[i + 1]);
  }
  for (const auto& l : kept) EXPECT_EQ(l.find("p201,"), std::string::npos);  // the straight-liner is gone

  // on an error nothing is written
  const std::string clean2 = temp_path("quality_clean2.csv");
  const auto bad = run_cli("quality " + ecr_r_file() + " --instrument ecr-r --confidence 2 --clean-output " + clean2);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(clean2));
}

// The golden data set of tests/golden/quality.R as an instrument file: 4 subscales x 6 items,
// items 2 and 5 of each reversed, 1-7.
std::string golden_instrument() {
  const std::string p = temp_path("quality_golden_instrument.json");
  nlohmann::json inst;
  inst["id"] = "golden24";
  inst["range"] = {{"min", 1}, {"max", 7}};
  inst["items"] = nlohmann::json::array();
  inst["subscales"] = nlohmann::json::array();
  for (int s = 0; s < 4; ++s) {
    nlohmann::json items = nlohmann::json::array();
    for (int p2 = 0; p2 < 6; ++p2) {
      const std::string id = "Q" + std::to_string(s * 6 + p2 + 1);
      inst["items"].push_back({{"id", id}, {"reversed", p2 == 1 || p2 == 4}});
      items.push_back(id);
    }
    inst["subscales"].push_back({{"name", "s" + std::to_string(s + 1)}, {"items", items}});
  }
  write_file(p, inst.dump());
  return p;
}

TEST(CliQuality, EndToEndEqualsTheBaseRImplementation) {
  const std::string data = attune::test::data_path("quality/data.csv");
  // --confidence 0.99: the level of the golden flag columns (careless's; attune's default is 0.999)
  const auto r = run_cli("quality " + data + " --instrument " + golden_instrument() + " --id id --confidence 0.99");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = lines(r.out);
  const auto want = lines(attune::test::read_file(attune::test::data_path("quality/expected.csv")));
  ASSERT_EQ(got.size(), want.size());
  const auto gh = split(got[0]), wh = split(want[0]);
  // R column -> CLI column
  const std::vector<std::pair<std::string, std::string>> map = {
      {"longstring", "longstring"}, {"longstring_avg", "longstring_avg"}, {"irv", "irv"}, {"irv1", "irv_1"},
      {"irv2", "irv_2"}, {"irv3", "irv_3"}, {"mahalanobis_df", "mahalanobis_df"}, {"mahalanobis_p", "mahalanobis_p"},
      {"evenodd", "evenodd"}, {"psychsyn", "psychsyn"}, {"psychant", "psychant"}, {"reversal", "reversal"},
      {"mahalanobis", "mahalanobis"}};
  auto index = [](const std::vector<std::string>& h, const std::string& name) {
    return static_cast<std::size_t>(std::find(h.begin(), h.end(), name) - h.begin());
  };
  double worst = 0.0;
  for (std::size_t i = 1; i < got.size(); ++i) {
    const auto g = split(got[i]), w = split(want[i]);
    for (const auto& [rn, cn] : map) {
      const std::string& ws = w[index(wh, rn)];
      const std::string& gs = g[index(gh, cn)];
      if (ws == "NA") {
        EXPECT_EQ(gs, "") << cn << " row " << i;
        continue;
      }
      ASSERT_FALSE(gs.empty()) << cn << " row " << i;
      const double a = std::stod(gs), b = std::stod(ws);
      const double tol = rn == "mahalanobis" ? golden_tol * std::max(1.0, std::abs(b)) : golden_tol;
      EXPECT_NEAR(a, b, tol) << cn << " row " << i;
      if (rn != "mahalanobis") worst = std::max(worst, std::abs(a - b));
    }
    // R: mahalanobis_flag = d2 > qchisq(.99, df = items answered)
    const bool flagged = g.back().find("mahalanobis") != std::string::npos;
    EXPECT_EQ(flagged, w[index(wh, "mahalanobis_flag")] == "1") << "row " << i;
  }
  std::cout << "  max |CLI - R| over the index columns (except D2): " << worst << "\n";

  // --mahalanobis-missing psych gives careless/psych::outlier's D^2 (R: q_mahad)
  const auto p = run_cli("quality " + data + " --instrument " + golden_instrument() +
                         " --mahalanobis-missing psych --confidence 0.99");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto pl = lines(p.out);
  ASSERT_EQ(pl.size(), want.size());
  for (std::size_t i = 1; i < pl.size(); ++i) {
    const auto g = split(pl[i]), w = split(want[i]);
    const std::string& ws = w[index(wh, "mahalanobis_psych")];
    const std::string& gs = g[index(gh, "mahalanobis")];
    if (ws == "NA") {
      EXPECT_EQ(gs, "") << "row " << i;
      continue;
    }
    const double b = std::stod(ws);
    EXPECT_NEAR(std::stod(gs), b, golden_tol * std::max(1.0, std::abs(b))) << "row " << i;
    EXPECT_EQ(g.back().find("mahalanobis") != std::string::npos, w[index(wh, "mahalanobis_psych_flag")] == "1");
  }
}

TEST(CliQuality, ErrorsNameTheProblemAndExitWithOne) {
  const std::string data = ecr_r_file();
  struct bad_case {
    std::string args;
    std::string message;
  };
  const std::vector<bad_case> cases = {
      {"quality " + data, "--instrument is required"},
      {"quality " + data + " --instrument nope", "nope"},
      {"quality /nonexistent/file.csv --instrument ecr-r", "/nonexistent/file.csv"},
      {"quality " + data + " --instrument ecr-r --confidence 1.5", "mahalanobis_confidence = 1.5"},
      {"quality " + data + " --instrument ecr-r --irv-blocks 0", "irv_blocks = 0"},
      {"quality " + data + " --instrument ecr-r --irv-blocks 40", "irv_blocks = 40 for 36 items"},
      {"quality " + data + " --instrument ecr-r --longstring-share 2", "longstring_share = 2"},
      {"quality " + data + " --instrument ecr-r --psychsyn-critical 1.2", "psychsyn_critical = 1.2"},
      {"quality " + data + " --instrument ecr-r --psychant-critical 0.6", "psychant_critical = 0.6"},
      {"quality " + data + " --instrument ecr-r --evenodd-min-subscales 1", "evenodd_min_subscales = 1"},
      {"quality " + data + " --instrument ecr-r --min-answered 0", "--min-answered 0: must be in (0, 1]"},
      {"quality " + data + " --instrument ecr-r --format xml", "xml"},
      {"quality " + data + " --instrument ecr-r --scale 7-1", "--scale '7-1'"},
      {"quality " + data + " --instrument ecr-r --mahalanobis-missing full", "full"},
      {"quality - --instrument ecr-r --clean-output " + temp_path("q_stdin.csv"), "standard input cannot be read twice"},
      {"quality " + data + " --instrument ecr-r --clean-output " + data, "is DATA itself"},
      {"quality " + data + " --instrument ecr-r -o " + temp_path("q_same.csv") + " --clean-output " +
           temp_path("q_same.csv"),
       "name the same file"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\nstderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
  // a cell that is not a number names row, column and value
  const std::string bad = temp_path("quality_bad.csv");
  std::string text = ecr_r_data();
  text.replace(text.find("\np3,") + 4, 1, "x");
  write_file(bad, text);
  const auto r = run_cli("quality " + bad + " --instrument ecr-r");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("x"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Q1"), std::string::npos) << r.err;
}

TEST(CliQuality, ReadsStandardInput) {
  const auto r = run_cli("quality - --instrument ecr-r --format json", ecr_r_data());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["n_rows"], 205);
}

}  // namespace

namespace {

TEST(CliQuality, CleanOutputAlsoDropsRowsWithoutEnoughAnswersAndCountsEachReason) {
  std::string data = ecr_r_data();
  data += "nothing" + std::string(36, ',') + "\n";  // no answer at all
  data += "few,4,4,3,4,5" + std::string(31, ',') + "\n";  // 5 of 36: below the 80% rule
  const std::string path = temp_path("quality_sparse.csv"), clean = temp_path("quality_sparse_clean.csv");
  write_file(path, data);
  const std::string out = temp_path("quality_sparse.json");
  const auto r = run_cli("quality " + path + " --instrument ecr-r --id pid --format json -o " + out +
                         " --clean-output " + clean);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string copy = attune::test::read_file(clean);
  EXPECT_EQ(copy.find("nothing,"), std::string::npos);
  EXPECT_EQ(copy.find("few,"), std::string::npos);
  const auto doc = nlohmann::json::parse(attune::test::read_file(out));
  const auto keep = clean_rows_of(doc);
  ASSERT_EQ(keep.size(), 207U);
  EXPECT_FALSE(keep[205]);
  EXPECT_FALSE(keep[206]);
  const auto n_kept = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), true));
  EXPECT_EQ(lines(copy).size(), 1 + n_kept);
  // Each row under its first reason: no answers, then below the rule, then flagged.
  const auto& v = doc["report"]["validation"];
  const std::size_t no_answers = v["no_answer_rows"].size();
  std::size_t below = 0, flagged = 0;
  for (const auto& row : v["below_min_answered"]) {
    bool none = false;
    for (const auto& x : v["no_answer_rows"]) none = none || x == row;
    below += none ? 0 : 1;
  }
  flagged = 207 - n_kept - no_answers - below;
  EXPECT_GE(no_answers, 1U);
  EXPECT_GE(below, 1U);
  EXPECT_NE(r.err.find("kept " + std::to_string(n_kept) + " of 207 rows; left out " + std::to_string(no_answers) +
                       " with no answers, " + std::to_string(below) +
                       " below the minimum-answered rule (--min-answered), " + std::to_string(flagged) + " flagged"),
            std::string::npos)
      << r.err;
}

}  // namespace
