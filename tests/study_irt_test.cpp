// The IRT studies (study/irt.hpp) and their reports, without the CLI: calibrating a bank from an
// instrument's subscales or from the data's columns, the bank document with its fit report,
// scoring from a bank, information on a grid, simulated adaptive tests, person fit in the quality
// study, and the committed example ECR bank with its CAT figures.
#include "attune/study/irt.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <nlohmann/json.hpp>

#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/quality.hpp"
#include "irt_test_support.hpp"
#include "test_support.hpp"

namespace {

using attune::errc;
using attune::test::expect_error;

const std::string kEcrBank = attune::test::source_path("examples/data/ecr-openpsychometrics-bank.json");

// `bank`'s simulated answers as data read from a file would be: item ids as columns, row ids.
attune::responses as_data(const attune::item_bank& bank, std::size_t n, std::uint64_t seed, double missing = 0.0) {
  attune::grm_simulation_options o;
  o.n = n;
  o.seed = seed;
  o.missing_rate = missing;
  return attune::study_irt_simulate(bank, o).data;
}

// Six items on two subscales of three, 1-5, the second item of each reverse keyed.
attune::instrument make_six_items() {
  attune::instrument inst;
  inst.id = "six";
  inst.range = {1, 5};
  for (const char* id : {"a1", "a2", "a3", "b1", "b2", "b3"}) inst.items.push_back({id, "", false, std::nullopt});
  inst.items[1].reversed = true;
  inst.items[4].reversed = true;
  inst.subscales = {{"a", "A", {"a1", "a2", "a3"}, std::nullopt}, {"b", "B", {"b1", "b2", "b3"}, std::nullopt}};
  return inst;
}
const attune::instrument& six_items() {
  static const attune::instrument inst = make_six_items();
  return inst;
}

// The true bank of `six_items()`: ids, scales and keys as the instrument has them.
attune::item_bank six_bank() {
  attune::item_bank bank = attune::test::synthetic_bank(6, 5, 11, {"a", "a", "a", "b", "b", "b"});
  const char* ids[] = {"a1", "a2", "a3", "b1", "b2", "b3"};
  for (std::size_t j = 0; j < 6; ++j) {
    bank.items[j].id = ids[j];
    bank.items[j].scale = j < 3 ? "a" : "b";
    bank.items[j].reversed = j == 1 || j == 4;
  }
  return bank;
}

TEST(StudyIrtFit, InstrumentSubscalesGiveABankWithKeysAndProvenance) {
  const attune::item_bank truth = six_bank();
  attune::irt_fit_study_options o;
  o.provenance.source = "a test";
  o.licence = "CC0-1.0";
  const auto s = attune::study_irt_fit(&six_items(), as_data(truth, 3000, 5, 0.05), o);
  ASSERT_EQ(s.fit.scales.size(), 2u);
  EXPECT_EQ(s.fit.n_rows, 3000u);
  EXPECT_EQ(s.bank.instrument, "six");
  EXPECT_EQ(s.bank.scales(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.bank.licence, "CC0-1.0");
  EXPECT_EQ(s.bank.provenance.source, "a test");
  ASSERT_TRUE(s.bank.provenance.n);
  EXPECT_EQ(*s.bank.provenance.n, 3000u);  // everyone answered something
  ASSERT_EQ(s.bank.items.size(), 6u);
  for (std::size_t j = 0; j < 6; ++j) {
    const auto& it = s.bank.items[j];
    EXPECT_EQ(it.id, truth.items[j].id);
    EXPECT_EQ(it.reversed, truth.items[j].reversed) << it.id;
    EXPECT_EQ(it.categories, (std::vector<double>{1, 2, 3, 4, 5}));
    EXPECT_NEAR(it.slope, truth.items[j].slope, 0.25) << it.id;  // recovery on 3,000 x 3 items
  }
  for (const auto& f : s.fit.scales) {
    EXPECT_TRUE(f.converged) << f.name;
    EXPECT_GE(f.n, 2990u);  // those with an answer on the scale (5% deleted at random)
  }
}

TEST(StudyIrtFit, TheBankDocumentCarriesTheFitAndReadsBackAsTheBank) {
  const auto s = attune::study_irt_fit(&six_items(), as_data(six_bank(), 800, 6));
  const std::string doc = attune::to_json(s);
  const auto j = nlohmann::json::parse(doc);
  EXPECT_EQ(j["format"], "attune-item-bank/1");
  EXPECT_FALSE(j.contains("study"));
  const auto& sc = j["fit"]["scales"][0];
  for (const char* key : {"name", "n", "loglik", "aic", "bic", "iterations", "converged", "marginal_reliability", "items"}) {
    EXPECT_TRUE(sc.contains(key)) << key;
  }
  EXPECT_FALSE(sc.contains("covariance"));  // left out of the file (docs/json.md)
  for (const char* key : {"item", "slope", "intercepts", "a", "b", "se", "fit"}) EXPECT_TRUE(sc["items"][0].contains(key)) << key;
  EXPECT_TRUE(sc["items"][0]["fit"].contains("s_x2"));
  // item_bank_from_json reads the document (the fit is checked to be an object and ignored):
  // the same bank, bit for bit.
  const attune::item_bank back = attune::item_bank_from_json(doc, "fit.json");
  EXPECT_EQ(attune::item_bank_fingerprint(back), attune::item_bank_fingerprint(s.bank));
  EXPECT_EQ(attune::item_bank_to_json(back), attune::item_bank_to_json(s.bank));
  // a fit that is not an object is refused, naming the field
  auto bad = j;
  bad["fit"] = 3;
  expect_error([&] { (void)attune::item_bank_from_json(bad.dump(), "bad.json"); }, errc::bad_input, {"bad.json", "fit"});
  const std::string table = attune::to_table(s);
  EXPECT_NE(table.find("== a (3 items) =="), std::string::npos) << table;
  EXPECT_NE(table.find("S-X2"), std::string::npos) << table;
}

TEST(StudyIrtFit, ScoringFromTheWrittenBankReproducesTheFittedEap) {
  const attune::item_bank truth = six_bank();
  const attune::responses data = as_data(truth, 600, 7, 0.1);
  const auto s = attune::study_irt_fit(&six_items(), data);
  const attune::item_bank read = attune::item_bank_from_json(attune::to_json(s), "bank.json");
  const auto a = attune::study_irt_score(read, data);
  const auto b = attune::score_item_bank(s.bank, data.values);
  ASSERT_EQ(a.scores.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    for (Eigen::Index i = 0; i < data.n_rows(); ++i) {
      ASSERT_EQ(a.scores[k].theta(i), b[k].theta(i));
      ASSERT_EQ(a.scores[k].se(i), b[k].se(i));
    }
  }
}

TEST(StudyIrtFit, DataColumnsAsOneScale) {
  attune::item_bank truth = attune::test::synthetic_bank(5, 4, 21);
  truth.items[2].reversed = true;
  attune::irt_fit_study_options o;
  o.input.scoring.range = attune::response_range{1, 4};
  o.reversed = {"Q3"};
  o.grm.scale = "mine";
  const auto s = attune::study_irt_fit(nullptr, as_data(truth, 1500, 8), o);
  EXPECT_EQ(s.bank.instrument, "");
  EXPECT_EQ(s.bank.scales(), (std::vector<std::string>{"mine"}));
  EXPECT_TRUE(s.bank.items[2].reversed);
  EXPECT_FALSE(s.bank.items[1].reversed);
  EXPECT_GT(s.bank.items[2].slope, 0.0);  // keyed right: a positive slope
}

TEST(StudyIrtFit, Errors) {
  const attune::responses data = as_data(six_bank(), 200, 9);
  attune::irt_fit_study_options o;
  o.reversed = {"a1"};
  expect_error([&] { (void)attune::study_irt_fit(&six_items(), data, o); }, errc::invalid_argument, "has its own keys");
  attune::instrument shared = six_items();
  shared.subscales.push_back({"ab", "AB", {"a1", "b1"}, std::nullopt});
  try {
    (void)attune::study_irt_fit(&shared, data);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.rule(), "item_in_two_scales");
    EXPECT_EQ(e.item(), "a1");
  }
  attune::irt_fit_study_options half;
  half.input.scoring.range = attune::response_range{1, 5.5};
  expect_error([&] { (void)attune::study_irt_fit(&six_items(), data, half); }, errc::invalid_argument,
               "does not give graded categories");
  attune::irt_fit_study_options items;
  items.grm.items.push_back({"a1", {}, false});
  expect_error([&] { (void)attune::study_irt_fit(&six_items(), data, items); }, errc::invalid_argument, "leave it empty");
  // out of range: the input's rule, naming the data row
  attune::responses bad = data;
  bad.values(3, 2) = 7;
  try {
    (void)attune::study_irt_fit(&six_items(), bad);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.rule(), "out_of_range");
    EXPECT_EQ(e.row(), 4u);
  }
}

TEST(StudyIrtScore, RowsCategoryRuleAndDocument) {
  const attune::item_bank bank = six_bank();
  attune::responses data = as_data(bank, 5, 10);
  data.values(1, 3) = 9;  // not a category of b1
  data.source = "x.csv";
  try {
    (void)attune::study_irt_score(bank, data);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.rule(), "not_a_category");
    EXPECT_EQ(e.row(), 2u);
    EXPECT_EQ(e.column(), "b1");
    EXPECT_EQ(e.value(), "9");
    EXPECT_NE(std::string(e.what()).find("x.csv, row 2"), std::string::npos) << e.what();
  }
  attune::irt_score_study_options o;
  o.input.scoring.out_of_range = attune::out_of_range_policy::set_missing;
  const auto s = attune::study_irt_score(bank, data, o);
  EXPECT_EQ(s.n_set_missing, 1u);
  EXPECT_EQ(s.scores[1].answered(1), 2);
  EXPECT_EQ(s.id_column, "id");
  EXPECT_EQ(s.scales, (std::vector<std::string>{"a", "b"}));
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(j["study"], "irt_score");
  EXPECT_EQ(j["respondents"][0]["id"], "R000001");
  EXPECT_DOUBLE_EQ(j["respondents"][4]["theta_b"].get<double>(), s.scores[1].theta(4));
  EXPECT_DOUBLE_EQ(j["respondents"][4]["se_a"].get<double>(), s.scores[0].se(4));
  EXPECT_EQ(j["respondents"][1]["answered_b"], 2);
  EXPECT_EQ(j["scores"][0]["method"], "eap");
  // CSV through the same writer: the header has the theta, se and answered columns
  std::ostringstream csv;
  attune::write_report(csv, attune::output_format::csv, s);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')),
            "id,theta_a,se_a,answered_a,theta_b,se_b,answered_b");
}

TEST(StudyIrtInfo, GridInformationAndReliability) {
  const attune::item_bank bank = six_bank();
  attune::irt_info_study_options o;
  o.theta_min = -3;
  o.theta_max = 3;
  o.theta_step = 0.25;
  const auto s = attune::study_irt_info(bank, o);
  ASSERT_EQ(s.scales.size(), 2u);
  const auto& a = s.scales[0];
  ASSERT_EQ(a.information.theta.size(), 25);
  EXPECT_EQ(a.information.theta(12), 0.0);
  EXPECT_EQ(a.information.theta(24), 3.0);
  EXPECT_DOUBLE_EQ(a.marginal_reliability, attune::marginal_reliability(bank.scale_items("a")));
  for (Eigen::Index q = 0; q < 25; ++q) EXPECT_NEAR(a.information.se(q), 1 / std::sqrt(a.information.test(q)), 1e-12);
  EXPECT_EQ(a.max_information, a.information.test.maxCoeff());
  o.theta_step = 0;
  expect_error([&] { (void)attune::study_irt_info(bank, o); }, errc::invalid_argument, "theta_step");
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(j["study"], "irt_info");
  EXPECT_EQ(j["scales"][1]["information"]["items"][0].size(), 3u);  // grid rows x items
}

TEST(StudyCatSimulation, SimulatedAndRealAnswersMatchTheAnalysis) {
  const attune::item_bank bank = six_bank();
  attune::cat_simulation_study_options o;
  o.simulation.n = 200;
  o.simulation.seed = 3;
  o.simulation.cat.stop.se = 0.5;
  const auto s = attune::study_cat_simulation(bank, o);
  const auto direct = attune::simulate_cat(bank, o.simulation);
  EXPECT_EQ(s.answers, "simulated");
  EXPECT_EQ(s.n, 200u);
  EXPECT_EQ(s.result.mean_items, direct.mean_items);
  EXPECT_EQ(s.result.scales[0].rmse_true, direct.scales[0].rmse_true);
  const auto data = as_data(bank, 100, 4);
  const auto r = attune::study_cat_simulation(bank, data, o);
  EXPECT_EQ(r.n, 100u);
  EXPECT_TRUE(std::isnan(r.result.scales[0].rmse_true));
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(j["study"], "cat_simulation");
  EXPECT_EQ(j["cat"]["stop"]["se"], 0.5);
  EXPECT_FALSE(j["result"].contains("theta_cat"));
  EXPECT_NE(attune::to_table(s).find("mean items"), std::string::npos);
}

TEST(StudyCatPrompt, WordingOnlyFromTheInstrument) {
  const attune::item_bank bank = attune::load_item_bank(kEcrBank);
  const attune::instrument& ecr = *attune::find_builtin("ecr");
  const auto p = attune::cat_prompt(bank, &ecr, "Q2");
  EXPECT_EQ(p.text, "I worry about being abandoned.");
  EXPECT_EQ(p.scale, "anxiety");
  EXPECT_EQ(attune::cat_choices_text(p), "1/2/3/4/5");
  EXPECT_EQ(attune::cat_prompt_text(p, 3), "[3] Q2 (anxiety): I worry about being abandoned.");
  EXPECT_EQ(attune::cat_prompt(bank, nullptr, "Q2").text, "");
  expect_error([&] { (void)attune::cat_prompt(bank, &ecr, "Q99"); }, errc::invalid_argument, "not an item of the bank");
}

TEST(StudyIrtSimulate, SeededDataWithIds) {
  const attune::item_bank bank = six_bank();
  attune::grm_simulation_options o;
  o.n = 50;
  o.seed = 12;
  const auto a = attune::study_irt_simulate(bank, o), b = attune::study_irt_simulate(bank, o);
  EXPECT_EQ(a.data.values, b.data.values);
  EXPECT_EQ(a.data.row_ids.front(), "R000001");
  EXPECT_EQ(a.data.columns, (std::vector<std::string>{"a1", "a2", "a3", "b1", "b2", "b3"}));
  EXPECT_EQ(a.theta.cols(), 2);
  o.seed = 13;
  EXPECT_NE(attune::study_irt_simulate(bank, o).data.values, a.data.values);
}

// Person fit in the quality study: lz at each scale's EAP, the multi-test lz over both scales,
// and its flag rule.
TEST(StudyQualityLz, PersonFitColumnsAndFlag) {
  const attune::item_bank bank = six_bank();
  attune::responses data = as_data(bank, 300, 14);
  attune::quality_study_options o;
  o.bank = bank;
  o.lz_min = -1.0;  // three items per scale: a looser cut than -1.96, so that some respondents are flagged
  const auto s = attune::study_quality(six_items(), data, o);
  ASSERT_TRUE(s.person_fit);
  const auto& pf = *s.person_fit;
  EXPECT_EQ(pf.scales, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pf.lz.size(), 300);
  EXPECT_EQ(pf.lz_scales.cols(), 2);
  // one scale alone: lz_scales equals person_fit_lz at the EAP
  const auto items = bank.scale_items("a");
  const Eigen::MatrixXd xa = data.values.leftCols(3);
  const auto eap = attune::score_graded(items, xa);
  const auto direct = attune::person_fit_lz(items, xa, eap.theta);
  for (Eigen::Index i = 0; i < 300; ++i) {
    if (std::isnan(direct.lz(i))) {
      EXPECT_TRUE(std::isnan(pf.lz_scales(i, 0)));
    } else {
      EXPECT_DOUBLE_EQ(pf.lz_scales(i, 0), direct.lz(i));
    }
  }
  // the combination: sum (l0 - E) / sqrt(sum V) over the two scales
  const auto b_items = bank.scale_items("b");
  const Eigen::MatrixXd xb = data.values.rightCols(3);
  const auto fb = attune::person_fit_lz(b_items, xb, attune::score_graded(b_items, xb).theta);
  std::size_t flagged = 0;
  Eigen::Index worst = 0;
  for (Eigen::Index i = 0; i < 300; ++i) {
    if (!std::isnan(direct.lz(i)) && !std::isnan(fb.lz(i))) {
      const double lzm = (direct.l0(i) - direct.expected(i) + fb.l0(i) - fb.expected(i)) /
                         std::sqrt(direct.variance(i) + fb.variance(i));
      EXPECT_NEAR(pf.lz(i), lzm, 1e-12) << i;
    }
    const bool flag = (s.report.flags[static_cast<std::size_t>(i)] & static_cast<std::uint32_t>(attune::quality_index::lz)) != 0U;
    EXPECT_EQ(flag, pf.lz(i) < -1.0) << i;
    flagged += flag ? 1U : 0U;
    if (pf.lz(i) < pf.lz(worst)) worst = i;
  }
  EXPECT_EQ(flagged, pf.n_flagged);
  EXPECT_GT(flagged, 0u);
  EXPECT_EQ(s.rules.back().index, attune::quality_index::lz);
  const auto j = nlohmann::json::parse(attune::to_json(s));
  EXPECT_TRUE(j["respondents"][0].contains("lz_a"));
  EXPECT_NE(j["respondents"][static_cast<std::size_t>(worst)]["flags"].get<std::string>().find("lz"), std::string::npos);
  EXPECT_EQ(j["report"]["flagged_by"]["lz"], pf.n_flagged);
  EXPECT_EQ(j["person_fit"]["n"], pf.n);
  // without a bank: no lz column, no lz rule, person_fit null
  const auto plain = nlohmann::json::parse(attune::to_json(attune::study_quality(six_items(), data)));
  EXPECT_FALSE(plain["respondents"][0].contains("lz"));
  EXPECT_FALSE(plain["report"]["flagged_by"].contains("lz"));
  EXPECT_TRUE(plain["person_fit"].is_null());
  // a bank item the instrument lacks
  attune::item_bank other = bank;
  other.items[0].id = "zz";
  o.bank = other;
  try {
    (void)attune::study_quality(six_items(), data, o);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.rule(), "bank_item_not_in_instrument");
    EXPECT_EQ(e.option(), "quality_study_options.bank");
  }
}

// The committed example bank: what it says about itself, and the CAT check of issue 13 on it
// (docs/irt.md, "The example ECR bank"). The figures of docs/irt.md are those of this seed.
TEST(EcrExampleBank, ProvenanceAndLabel) {
  const attune::item_bank bank = attune::load_item_bank(kEcrBank);
  EXPECT_EQ(bank.instrument, "ecr");
  EXPECT_EQ(bank.items.size(), 36u);
  EXPECT_EQ(bank.scales(), (std::vector<std::string>{"anxiety", "avoidance"}));
  EXPECT_NE(bank.provenance.source.find("https://openpsychometrics.org/_rawdata/ECR-data-1March2018.zip"), std::string::npos);
  EXPECT_NE(bank.provenance.source.find("49e19fa6ebad5ac2867d36a794860d7c0fed9dbff9402527a53c457d9f718d5e"),
            std::string::npos);
  EXPECT_EQ(bank.provenance.sample.rfind("online openpsychometrics.org sample, 1-5 scale", 0), 0u);
  ASSERT_TRUE(bank.provenance.n);
  EXPECT_EQ(*bank.provenance.n, 51433u);
  EXPECT_NE(bank.provenance.script.find("scripts/calibrate-ecr-bank.sh"), std::string::npos);
  EXPECT_FALSE(bank.provenance.date.empty());
  EXPECT_NE(bank.licence.find("facts about public data"), std::string::npos);
  EXPECT_NE(bank.notes.find("NOT THE AUTHORS' CALIBRATION"), std::string::npos);
  // the ECR key: reversed 3, 15, 19, 22, 25, 27, 29, 31, 33, 35; anxiety = even items
  const attune::instrument& ecr = *attune::find_builtin("ecr");
  for (const auto& it : bank.items) {
    const auto& item = ecr.items[static_cast<std::size_t>(ecr.item_index(it.id))];
    EXPECT_EQ(it.reversed, item.reversed) << it.id;
    EXPECT_EQ(it.scale, std::stoi(it.id.substr(1)) % 2 == 0 ? "anxiety" : "avoidance") << it.id;
    EXPECT_GT(it.slope, 1.0) << it.id;
    EXPECT_EQ(it.categories, (std::vector<double>{1, 2, 3, 4, 5}));
  }
}

TEST(EcrExampleBank, CatWithStopSe032) {
  const attune::item_bank bank = attune::load_item_bank(kEcrBank);
  attune::cat_simulation_study_options o;  // attune cat simulate --bank ... --stop-se 0.32 (n 1000, seed 1)
  o.simulation.cat.stop.se = 0.32;
  const auto s = attune::study_cat_simulation(bank, o);
  EXPECT_EQ(s.n, 1000u);
  // stated thresholds (docs/irt.md): fewer than half of the 36 items, r >= .95 with the full EAP
  EXPECT_LT(s.result.mean_items, 18.0);
  EXPECT_NEAR(s.result.mean_items, 16.465, 1e-9);  // the figure in docs/irt.md
  for (const auto& sc : s.result.scales) {
    EXPECT_GE(sc.cor_full_eap, 0.95) << sc.name;
    EXPECT_LE(sc.rmse_true, 0.34) << sc.name;
    EXPECT_LE(sc.mean_se, 0.32 + 0.01) << sc.name;
  }
}

// The real data: the committed bank is what the script fits (same parameters), and the CAT on the
// real answer vectors. Needs ../shared/data (ATTUNE_SHARED_DIR may point elsewhere); skips without.
std::string shared_data(const std::string& name) {
  const char* dir = std::getenv("ATTUNE_SHARED_DIR");
  return dir != nullptr ? std::string(dir) + "/" + name : attune::test::shared_path(name);
}

TEST(EcrExampleBank, RefitsFromTheRealDataAndRunsOnRealAnswers) {
  const std::string zip = shared_data("data/openpsychometrics-ecr/ECR-data-1March2018.zip");
  if (!std::filesystem::exists(zip)) GTEST_SKIP() << "the real ECR data are absent (" << zip << "): skipped";
  const std::string dir = attune::test::temp_path("irt-ecr-data");
  std::filesystem::create_directories(dir);
  const std::string cmd = "cd '" + dir + "' && '" ATTUNE_CMAKE_COMMAND "' -E tar xf '" + zip + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "cannot unpack " << zip;
  const std::string data = dir + "/ECR-data-1March2018/data.csv";
  const attune::item_bank committed = attune::load_item_bank(kEcrBank);
  attune::irt_fit_study_options o;
  o.input.scoring.range = attune::response_range{1, 5};
  o.input.read.missing_codes = {0};
  const auto fit = attune::study_irt_fit(attune::find_builtin("ecr"), data, o);
  ASSERT_EQ(fit.bank.items.size(), committed.items.size());
  for (std::size_t j = 0; j < committed.items.size(); ++j) {
    EXPECT_EQ(fit.bank.items[j].id, committed.items[j].id);
    EXPECT_NEAR(fit.bank.items[j].slope, committed.items[j].slope, 1e-9) << committed.items[j].id;
    for (std::size_t k = 0; k < committed.items[j].intercepts.size(); ++k)
      EXPECT_NEAR(fit.bank.items[j].intercepts[k], committed.items[j].intercepts[k], 1e-9);
  }
  EXPECT_EQ(*fit.bank.provenance.n, *committed.provenance.n);
  attune::cat_simulation_study_options c;
  c.simulation.cat.stop.se = 0.32;
  c.input = o.input;
  const auto real = attune::study_cat_simulation(committed, data, c);
  EXPECT_EQ(real.n, 51491u);
  EXPECT_LT(real.result.mean_items, 18.0);
  for (const auto& sc : real.result.scales) EXPECT_GE(sc.cor_full_eap, 0.95) << sc.name;
  std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

// The entry `name` of `list` set to `texts`.
void set_option(const attune::option_list& list, const std::string& name, const std::vector<std::string>& texts) {
  for (const auto& o : list)
    if (o.name == name) return o.set(texts);
  ADD_FAILURE() << "no option " << name;
}

// Names unique (with the input options' where the command has both); a bad text names the field.
void expect_described(const attune::option_list& list, bool with_input, const std::string& bad_name,
                      const std::string& bad_text, const std::string& field) {
  std::set<std::string> names;
  attune::input_options input;
  if (with_input)
    for (const auto& o : attune::describe_options(input)) names.insert(o.name);
  for (const auto& o : list) EXPECT_TRUE(names.insert(o.name).second) << o.name;
  try {
    set_option(list, bad_name, {bad_text});
    ADD_FAILURE() << bad_name << " took '" << bad_text << "'";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.option(), field);
    EXPECT_EQ(std::string(e.what()).rfind(bad_name + " '", 0), 0u) << e.what();
  }
}

}  // namespace

TEST(StudyIrtOptions, FitDescribedOptionsSetTheirMembers) {
  attune::irt_fit_study_options o;
  const auto list = attune::describe_options(o);
  set_option(list, "reverse", {"Q2", "Q5"});
  set_option(list, "unused-categories", {"drop"});
  set_option(list, "max-iterations", {"20"});
  set_option(list, "no-se", {});
  set_option(list, "date", {"2026-12-01"});
  EXPECT_EQ(o.reversed, (std::vector<std::string>{"Q2", "Q5"}));
  EXPECT_EQ(o.grm.unused_categories, attune::unused_category_rule::drop);
  EXPECT_EQ(o.grm.max_iterations, 20);
  EXPECT_FALSE(o.grm.standard_errors);
  EXPECT_TRUE(o.grm.item_fit);
  EXPECT_EQ(o.provenance.date, "2026-12-01");
  expect_described(list, true, "start", "random", "grm_options.start");
  expect_described(list, true, "tolerance", "x", "grm_options.tolerance");
}

TEST(StudyIrtOptions, ScoreInfoAndSimulationDescribedOptions) {
  attune::irt_score_study_options s;
  set_option(attune::describe_options(s), "method", {"eapsum"});
  set_option(attune::describe_options(s), "ml-fallback", {});
  EXPECT_EQ(s.scoring.method, attune::theta_method::eap_sum);
  EXPECT_TRUE(s.scoring.ml_map_fallback);
  expect_described(attune::describe_options(s), true, "method", "mle", "grm_score_options.method");
  attune::irt_info_study_options i;
  set_option(attune::describe_options(i), "theta-step", {"0.25"});
  EXPECT_EQ(i.theta_step, 0.25);
  expect_described(attune::describe_options(i), false, "theta-min", "low", "irt_info_study_options.theta_min");
  attune::grm_simulation_options g;
  set_option(attune::describe_options(g), "respondents", {"12"});
  EXPECT_EQ(g.n, 12u);
  expect_described(attune::describe_options(g), false, "respondents", "-3", "grm_simulation_options.n");
  attune::simulation_options sim;
  set_option(attune::describe_options(sim), "correlation", {"0.4"});
  set_option(attune::describe_options(sim), "missing-rate", {"0.1"});
  set_option(attune::describe_options(sim), "seed", {"9"});
  EXPECT_EQ(sim.dimension_correlation, 0.4);
  const attune::grm_simulation_options from_bank = attune::bank_simulation_options(sim);
  EXPECT_EQ(from_bank.n, sim.n);
  EXPECT_EQ(from_bank.seed, 9u);
  EXPECT_EQ(from_bank.missing_rate, 0.1);
  expect_described(attune::describe_options(sim), false, "loading", "strong", "simulation_options.loading");
}

TEST(StudyIrtOptions, CatDescribedOptionsAndStopSeZeroTurnsTheRuleOff) {
  attune::cat_options c;
  set_option(attune::describe_options(c), "balance", {"largest_se"});
  set_option(attune::describe_options(c), "max-items", {"7"});
  set_option(attune::describe_options(c), "stop-se", {"0"});
  EXPECT_EQ(c.balance, attune::cat_balance::largest_se);
  EXPECT_EQ(c.stop.max_items, 7);
  EXPECT_FALSE(c.stop.se);
  set_option(attune::describe_options(c), "stop-se", {"0.25"});
  EXPECT_EQ(c.stop.se, 0.25);
  expect_described(attune::describe_options(c), false, "stop-se", "small", "cat_options.stop.se");
  attune::cat_simulation_study_options o;
  const auto list = attune::describe_options(o);
  set_option(list, "respondents", {"50"});
  set_option(list, "exposure-seed", {"3"});
  EXPECT_EQ(o.simulation.n, 50u);
  EXPECT_EQ(o.simulation.cat.seed, 3u);
  expect_described(list, true, "select", "best", "cat_options.selection");
}

TEST(StudyCatStep, StepsGiveTheTestOfOneSessionAndErrorsNameTheAnswer) {
  const attune::item_bank bank = attune::test::synthetic_bank(6, 3, 4);
  attune::cat_options o;
  o.stop.max_items = 3;
  o.stop.se.reset();
  attune::cat_session straight(bank, o);
  attune::cat_step step = attune::study_cat_step(bank, " \n", "", o);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(step.next);
    EXPECT_EQ(step.next->item, *straight.next_item());
    EXPECT_EQ(step.saved, straight.save());
    const std::string value = i == 1 ? "skip" : std::to_string(static_cast<int>(step.next->categories[1]));
    straight.answer(step.next->item, i == 1 ? std::nan("") : step.next->categories[1]);
    step = attune::study_cat_step(bank, step.saved, step.next->item + "=" + value, o);
  }
  EXPECT_FALSE(step.next);
  EXPECT_FALSE(straight.next_item());
  EXPECT_DOUBLE_EQ(step.session.theta(), straight.theta());
  EXPECT_EQ(step.session.history().size(), 3u);
  expect_error([&] { attune::study_cat_step(bank, "", "Q1", o); }, errc::invalid_argument, "answer 'Q1' must be ITEM=VALUE");
  try {
    attune::study_cat_step(bank, "", "Q1=x", o);
    ADD_FAILURE();
  } catch (const attune::error& e) {
    EXPECT_EQ(e.option(), "answer");
    EXPECT_EQ(e.item(), "Q1");
    EXPECT_EQ(e.value(), "x");
    EXPECT_EQ(e.rule(), "not_a_number");
  }
}
