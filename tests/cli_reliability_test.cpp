// Tests of `attune reliability`: the JSON contract (issue 3), values against the psych golden files
// of tests/golden/reliability.R, the table, options and every usage error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

constexpr double psych_tol = 1e-9;

std::string data(const std::string& f) { return attune::test::data_path("reliability/" + f); }

std::map<std::string, double> golden(const std::string& c) {
  std::map<std::string, double> g;
  std::ifstream in(data(c + "_golden.csv"));
  std::string line;
  while (std::getline(in, line)) {
    const auto comma = line.rfind(',');
    const std::string v = line.substr(comma + 1);
    g[line.substr(0, comma)] = v == "NA" ? std::nan("") : std::stod(v);
  }
  return g;
}

TEST(CliReliability, JsonContractAndPsychValues) {
  const auto r = run_cli("reliability '" + data("bfi_agree.csv") +
                         "' --items A1,A2,A3,A4,A5 --format json --ci feldt,normal_theory,bonett_wright --interval-n rows");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc["instrument"].is_null());
  EXPECT_EQ(doc["n_rows"], 2800);
  ASSERT_EQ(doc["scales"].size(), 1u);
  EXPECT_EQ(doc["format"], "attune/1");
  EXPECT_EQ(doc["study"], "reliability");
  const auto& scale = doc["scales"][0];
  for (const char* key : {"name", "items", "reversed", "reliability", "omega", "ordinal_alpha", "warnings"}) {
    EXPECT_TRUE(scale.contains(key)) << key;
  }
  EXPECT_EQ(scale["items"], nlohmann::json({"A1", "A2", "A3", "A4", "A5"}));
  const auto& s = scale["reliability"];
  for (const char* key : {"n_items", "n_rows", "n_complete", "n", "alpha", "alpha_std", "lambda1", "lambda2",
                          "lambda3", "lambda4", "lambda5", "lambda6", "average_r", "median_r", "var_r", "signal_noise",
                          "ase", "total_mean", "total_sd", "sem", "sem_sum", "covariance", "correlation", "smc",
                          "split_half", "intervals", "items", "warnings"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  for (const char* key : {"max", "min", "mean", "median", "n_splits", "exhaustive", "odd_even", "first_second"}) {
    EXPECT_TRUE(s["split_half"].contains(key)) << key;
  }
  // psych::alpha on the keyed bfi agreeableness items (tests/golden/reliability.R, bfi_agree).
  const auto g = golden("bfi_agree");
  EXPECT_NEAR(s["alpha"].get<double>(), g.at("raw_alpha"), psych_tol);
  EXPECT_NEAR(s["alpha_std"].get<double>(), g.at("std_alpha"), psych_tol);
  EXPECT_NEAR(s["lambda6"].get<double>(), g.at("G6"), psych_tol);
  EXPECT_NEAR(s["ase"].get<double>(), g.at("ase"), psych_tol);  // --interval-n rows: psych's N
  EXPECT_NEAR(s["lambda4"].get<double>(), g.at("split.max"), psych_tol);
  EXPECT_EQ(s["n_complete"], static_cast<int>(g.at("n_complete")));
  EXPECT_NEAR(s["n"].get<double>(), g.at("n_effective"), psych_tol);
  ASSERT_EQ(s["intervals"].size(), 3u);
  EXPECT_EQ(s["intervals"][0]["method"], "feldt");
  EXPECT_EQ(s["intervals"][0]["n"], 2800);
  EXPECT_EQ(s["intervals"][0]["level"], 0.95);
  EXPECT_NEAR(s["intervals"][0]["lower"].get<double>(), g.at("ci95.rows.feldt.lower"), psych_tol);  // psych::alpha.ci
  EXPECT_NEAR(s["intervals"][2]["upper"].get<double>(), g.at("ci95.rows.bw.upper"), psych_tol);
  const auto& it = s["items"][0];
  for (const char* key : {"item", "n", "mean", "sd", "raw_r", "std_r", "r_cor", "r_drop", "alpha_if_deleted",
                          "alpha_std_if_deleted", "g6_if_deleted", "frequencies", "missing_share"}) {
    EXPECT_TRUE(it.contains(key)) << key;
  }
  EXPECT_EQ(it["item"], "A1");
  EXPECT_NEAR(it["r_drop"].get<double>(), g.at("item1.r_drop"), psych_tol);
  EXPECT_NEAR(it["alpha_if_deleted"].get<double>(), g.at("item1.alpha_drop"), psych_tol);
  EXPECT_EQ(it["frequencies"][0][0], 1.0);  // [value, share] pairs, ascending by value
  EXPECT_NEAR(it["frequencies"][0][1].get<double>(), g.at("item1.freq.1"), psych_tol);
  EXPECT_NEAR(it["missing_share"].get<double>(), g.at("item1.freq.miss"), psych_tol);
}

TEST(CliReliability, ReverseKeysWithScale) {
  // Un-reverse A1 in a copy of the keyed file (7 - x on 1-6), then let --reverse key it again.
  std::ifstream in(data("bfi_agree.csv"));
  std::ostringstream os;
  std::string line;
  std::getline(in, line);
  os << line << "\n";
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    const std::string first = line.substr(0, comma);
    os << (first == "NA" ? "NA" : std::to_string(7 - std::stoi(first))) << line.substr(comma) << "\n";
  }
  const std::string path = temp_path("bfi_agree_raw.csv");
  write_file(path, os.str());
  const auto r = run_cli("reliability '" + path + "' --items A1-A5 --reverse A1 --scale 1-6 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_NEAR(doc["scales"][0]["reliability"]["alpha"].get<double>(), golden("bfi_agree").at("raw_alpha"), psych_tol);
  EXPECT_EQ(doc["scales"][0]["reversed"], nlohmann::json({"A1"}));
  // Without the reversal A1 correlates negatively with the rest: flagged.
  const auto w = run_cli("reliability '" + path + "' --items A1-A5 --format json");
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const auto wdoc = nlohmann::json::parse(w.out);
  EXPECT_NE(wdoc["scales"][0]["reliability"]["warnings"].dump().find("A1 has a negative item-rest correlation"), std::string::npos);
}

TEST(CliReliability, ListwiseAndLevel) {
  const auto r = run_cli("reliability '" + data("gen1_pairwise.csv") +
                         "' --items Q1-Q8 --missing-method listwise --ci feldt --level 0.9 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto g = golden("gen1_listwise");  // psych::alpha(na.omit(x))
  const auto& s = doc["scales"][0]["reliability"];
  EXPECT_NEAR(s["alpha"].get<double>(), g.at("raw_alpha"), psych_tol);
  EXPECT_EQ(s["n_complete"], static_cast<int>(g.at("n_complete")));
  EXPECT_NEAR(s["intervals"][0]["lower"].get<double>(), g.at("ci90.rows.feldt.lower"), psych_tol);
  EXPECT_EQ(s["intervals"][0]["level"], 0.9);
}

TEST(CliReliability, InstrumentSubscalesAndTable) {
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  const auto j = run_cli("reliability '" + sample + "' --instrument ecr-r --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["instrument"], "ecr-r");
  ASSERT_EQ(doc["scales"].size(), 2u);
  for (const auto& s : doc["scales"]) {
    EXPECT_EQ(s["items"].size(), 18u);
    EXPECT_GT(s["reliability"]["alpha"].get<double>(), 0.0);
    EXPECT_LT(s["reliability"]["alpha"].get<double>(), 1.0);
    EXPECT_GT(s["omega"]["total"].get<double>(), 0.0);
    EXPECT_EQ(s["omega"]["hierarchical"]["n_factors"], 3);
  }
  const auto t = run_cli("reliability '" + sample + "' --instrument ecr-r");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  for (const char* text : {"== anxiety (18 items) ==", "raw_alpha std.alpha G6(smc)", "Reliability if an item is dropped",
                           "Item statistics", "Non missing response frequency", "feldt", "bonett_wright", "Split-half",
                           "Omega: total (one factor)", "bifactor (3 group factors)"}) {
    EXPECT_NE(t.out.find(text), std::string::npos) << text;
  }
}

TEST(CliReliability, BootstrapSameForAnyThreadCount) {
  const std::string args = "reliability '" + data("gen1_pairwise.csv") +
                           "' --items Q1-Q8 --ci bootstrap_percentile,bootstrap_bca --bootstrap 200 --seed 3 --format json";
  const auto one = run_cli(args + " --threads 1");
  const auto two = run_cli(args + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  const auto doc = nlohmann::json::parse(one.out);
  EXPECT_EQ(doc["scales"][0]["reliability"]["intervals"][0]["method"], "bootstrap_percentile");
  EXPECT_EQ(doc["scales"][0]["reliability"]["intervals"][0]["n"], 500);
}

TEST(CliReliability, OutputFileAndErrors) {
  const std::string out = temp_path("rel.json");
  const auto ok = run_cli("reliability '" + data("two_items.csv") + "' --items Q1,Q2 --format json -o '" + out + "'");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(nlohmann::json::parse(attune::test::read_file(out))["scales"][0]["reliability"]["items"][0]["alpha_if_deleted"].is_null());

  struct bad_case {
    std::string args, message;
  };
  std::string f = "'";  // appended: "'" + std::string&& trips GCC 12's false -Wrestrict at -O3
  f += data("bfi_agree.csv");
  f += "'";
  for (const auto& c : std::vector<bad_case>{
           {"reliability " + f, "--items"},
           {"reliability " + f + " --items A1-A5 --reverse A1", "reverse keys need the response range"},
           {"reliability " + f + " --items A1-A5 --reverse A1", "--scale"},
           {"reliability " + f + " --items A1-A5 --reverse B7 --scale 1-6", "reversed item 'B7' is not one of the item columns"},
           {"reliability " + f + " --items A1-A5 --ci wald", "'wald'"},
           {"reliability " + f + " --items A1-A5 --level 2", "level = 2"},
           {"reliability " + f + " --items A1", "k = 1"},
           {"reliability " + f + " --items A1-A5 --scale 1-5", "outside the response range 1-5"},
           {"reliability " + f + " --items A1-A5 --interval-n all", "--interval-n"},
           {"reliability " + f + " --items A1-A5 --instrument ecr-r --reverse A1", "has its own keys"},
       }) {
    const std::string bad_out = temp_path("bad.json");
    const auto r = run_cli(c.args + " -o '" + bad_out + "'");
    EXPECT_EQ(r.exit_code, 1) << c.args;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(bad_out)) << c.args;
  }
  // Out-of-range answers can be treated as missing instead, and the JSON says so.
  const auto m = run_cli("reliability " + f + " --items A1-A5 --scale 1-5 --out-of-range missing --format json");
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("outside the response range were treated as missing"), std::string::npos);
}

}  // namespace
