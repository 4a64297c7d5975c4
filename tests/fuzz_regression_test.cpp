// Regression tests of issue 10: each finding of ../shared/fuzz-findings/README.md, built from its
// input (copied byte for byte into tests/data/fuzz/, see the README there), plus every file of the
// fuzzing corpus through every parser it could reach. Findings tested in their module's test file
// are named here with the test that covers them.
//   F1  csv_test.cpp CsvFuzz.DelimiterDetected...      F10 norms_test.cpp NormsLimits.DeepNesting...
//   F11, F12 classify_test.cpp ClassifyKmeans.*        F13, F14 output_file_test.cpp
//   F16 csv_test.cpp CsvFuzz.RecordsOverTheLimit..., CsvFuzz.DevZero...
//   F6, F9 (ICC) icc_test.cpp IccDegenerate.*          F9 (Mahalanobis) quality_test.cpp
//   F15 reliability_scale_test.cpp, bench/reliability_bench.cpp
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "attune/attune.h"
#include "attune/attune.hpp"
#include "detail/math.hpp"
#include "test_support.hpp"

namespace {

using attune::test::expect_error;

std::string fuzz_file(const std::string& name) {
  return attune::test::read_file(attune::test::data_path("fuzz/" + name));
}



TEST(FuzzF2, NumbersThatOverflowADoubleAreBadInput) {
  expect_error([] { attune::instrument_from_json(fuzz_file("F2_instrument_number_overflow.json"), "F2i.json"); },
               attune::errc::bad_input, {"F2i.json, line 1, column 1", "'1e400' is too large for a double"});
  expect_error([] { attune::norm_table_from_json(fuzz_file("F2_norms_number_overflow.json"), "F2n.json"); },
               attune::errc::bad_input, {"F2n.json, line 1, column 59", "'1e999' is too large for a double"});
}

TEST(FuzzF18, NonCentralChiSquareWithAHugeNonCentralityIsItsNormalApproximation) {
  // Issue 18, fuzz_capi_study (tests/data/fuzz/F18_capi_factor_rmsea_ncp.bin: a factor study with
  // n_factors 5 and varimax on the harness's 20 respondents): the RMSEA interval's root search
  // asked Boost for the non-central chi-square at lambda > 2^32, where Boost's Poisson index
  // overflows an int (UBSan: signed integer overflow). Above 1e9 the normal approximation is used.
  using attune::detail::non_central_chi_squared_cdf;
  const double df = 25.0;
  for (const double ncp : {5e9, 1e12, 1e300}) {
    const double mean = df + ncp, sd = std::sqrt(2.0 * (df + 2.0 * ncp));
    EXPECT_NEAR(non_central_chi_squared_cdf(mean, df, ncp), 0.5, 1e-9);
    // Phi(1) (closed form); at 1e300 mean + sd rounds to the mean itself.
    if (ncp < 1e100) {
      EXPECT_NEAR(non_central_chi_squared_cdf(mean + sd, df, ncp), 0.841344746068543, 1e-9);
    }
    EXPECT_EQ(non_central_chi_squared_cdf(1.0, df, ncp), 0.0);
  }
  // Just below the switch Boost's exact value and the approximation agree to the skewness term,
  // O(1 / sqrt(ncp)): here within 1e-4.
  const double ncp = 0.999e9, mean = df + ncp, sd = std::sqrt(2.0 * (df + 2.0 * ncp));
  for (const double z : {-2.0, -1.0, 0.0, 1.0, 2.0}) {
    const double exact = non_central_chi_squared_cdf(mean + z * sd, df, ncp);
    const double normal = 0.5 * std::erfc(-z / std::sqrt(2.0));
    EXPECT_NEAR(exact, normal, 1e-4) << "z = " << z;
  }
}

TEST(FuzzF17, NumbersThatOverflowADoubleInStrictJsonAreBadInput) {
  // Issue 18, fuzz_item_bank: '-0.0153219903058e8850' in an item bank escaped as nlohmann's
  // out_of_range (std::terminate in the harness). The strict JSON reader is shared by item banks,
  // saved CAT sessions and the C API's options: all three are checked.
  const auto e = attune::test::caught([] { attune::item_bank_from_json(fuzz_file("F17_item_bank_number_overflow.json"), "F17.json"); });
  EXPECT_EQ(e.code(), attune::errc::bad_input);
  EXPECT_NE(std::string(e.what()).find("F17.json: the number '-0.0153219903058e8850' is too large for a double"),
            std::string::npos) << e.what();
  EXPECT_EQ(e.rule(), "number_overflow");
  EXPECT_EQ(e.value(), "-0.0153219903058e8850");
  const auto bank = attune::load_item_bank(attune::test::source_path("examples/data/ecr-openpsychometrics-bank.json"));
  expect_error([&] { (void)attune::cat_session::restore(bank, "{\"format\": 1e400}"); }, attune::errc::bad_input,
               "the number '1e400' is too large for a double");
  // A long number is quoted in at most 80 characters.
  const std::string long_number = "{\"format\": 1" + std::string(400, '0') + "e400}";
  const auto l = attune::test::caught([&] { (void)attune::item_bank_from_json(long_number); });
  EXPECT_LT(std::string(l.what()).size(), 300u) << l.what();
  attune_instrument* inst = nullptr;
  attune_error err;
  ASSERT_EQ(attune_instrument_builtin("ecr-r", &inst, &err), ATTUNE_OK);
  const std::vector<double> x(10 * 36, 4.0);
  char* doc = nullptr;
  EXPECT_EQ(attune_study_json("reliability", inst, x.data(), 10, 36, "{\"level\": -1e400}", &doc, &err), ATTUNE_BAD_INPUT);
  EXPECT_NE(std::string(err.message).find("is too large for a double"), std::string::npos) << err.message;
  EXPECT_STREQ(err.rule, "number_overflow");
  EXPECT_EQ(doc, nullptr);
  attune_instrument_free(inst);
}

TEST(FuzzF19, SavedCatSessionWithAHugeDrawCountIsRefusedAtOnce) {
  // Issue 18, fuzz_cat_session (10-minute run): "draws": 1,579,944,189 under the old bound of
  // 2^32 made restore replay 1.6e9 random words (a 31 s timeout). The bound now follows the bank:
  // 1000 per item plus 1,000,000, far above what a real session draws.
  const auto bank = attune::load_item_bank(attune::test::source_path("examples/data/ecr-openpsychometrics-bank.json"));
  const auto e = attune::test::caught([&] { (void)attune::cat_session::restore(bank, fuzz_file("F19_cat_session_huge_draws.json")); });
  EXPECT_EQ(e.code(), attune::errc::bad_input);
  EXPECT_NE(std::string(e.what()).find("is implausibly large for a CAT session on " + std::to_string(bank.items.size()) +
                                       " items (at most " + std::to_string(1000 * bank.items.size() + 1000000) + ")"),
            std::string::npos)
      << e.what();
  // A real session's draws restore: save after a few answers, restore, same text.
  attune::cat_options o;
  o.randomesque = 3;
  attune::cat_session s(bank, o);
  for (int i = 0; i < 5; ++i) {
    const auto next = s.next_item();
    ASSERT_TRUE(next);
    s.answer(*next, bank.items[static_cast<std::size_t>(bank.item_index(*next))].categories.front());
  }
  EXPECT_EQ(attune::cat_session::restore(bank, s.save()).save(), s.save());
}

TEST(FuzzF3, ListwiseAccumulatorWithOneCompleteRowIsInsufficientData) {
  // The Feldt interval's F distribution got df 0 and boost threw domain_error.
  const auto acc = attune::reliability_accumulator::deserialize(fuzz_file("F3_accumulator_feldt_df0.txt"));
  attune::reliability_options o;
  o.missing = attune::missing_method::listwise;
  expect_error([&] { attune::analyze_reliability(acc, o); }, attune::errc::insufficient_data,
               "N = 1 complete row(s) in the listwise accumulator");
}

TEST(FuzzF5, MomentsHeaderAskingForHugeMatricesIsRefusedBeforeAllocating) {
  // A 32-byte header asked for four 30,000 x 30,000 matrices (29 GB).
  const std::string text = fuzz_file("F5_moments_deserialize_huge_k.txt");
  ASSERT_EQ(text.size(), 32u);
  expect_error([&] { attune::pairwise_moments::deserialize(text); }, attune::errc::bad_input,
               "k = 30000 items; a serialized state holds at most 10000");
  expect_error([] { attune::pairwise_moments::deserialize("attune-pairwise-moments 1 5000\n"); },
               attune::errc::bad_input, "k = 5000 items need at least 8 k^2 = 200000000 bytes of text; this text has 31");
  // A real state still round-trips.
  attune::pairwise_moments pm;
  pm.add(Eigen::MatrixXd::Random(20, 4));
  EXPECT_EQ(attune::pairwise_moments::deserialize(pm.serialize()).serialize(), pm.serialize());
}

TEST(FuzzF7, AccumulatorHeaderWithHugeKIsRefusedBeforeAllocating) {
  // k = 2^63 - 1: signed overflow of k + 1 (UBSan); k = 3e6: 72 TB requested.
  expect_error([] { attune::reliability_accumulator::deserialize(fuzz_file("F7_accumulator_kmax.txt")); },
               attune::errc::bad_input, "k = 9223372036854775807 items; a serialized accumulator holds at most 9999");
  expect_error([] { attune::reliability_accumulator::deserialize(fuzz_file("F7b_accumulator_k3e6.txt")); },
               attune::errc::bad_input, "k = 3000000 items");
  expect_error([] { attune::reliability_accumulator::deserialize("attune-reliability-accumulator 1 2000 pairwise 0x1p+0\n"); },
               attune::errc::bad_input, "k = 2000 items need at least 9 k + 8 (k + 1)^2 = 32050008 bytes");
  attune::reliability_accumulator acc(3);
  acc.add(Eigen::MatrixXd::Random(10, 3));
  EXPECT_EQ(attune::reliability_accumulator::deserialize(acc.serialize()).serialize(), acc.serialize());
}

TEST(FuzzF8, HugeNInReliabilityFromAMatrixTakesConstantTime) {
  // F8_repro.cpp 3e23 1e300: boost's F quantile took 21 s and over 100 s.
  Eigen::MatrixXd c(2, 2);
  c << 1.0, 0.5, 0.5, 1.0;
  for (double n : {3e23, 1e300}) {
    const auto r = attune::analyze_reliability_from_matrix(c, n);
    SCOPED_TRACE(n);
    EXPECT_NEAR(r.alpha, 2.0 / 3.0, 1e-15);  // k/(k-1) (1 - 2/3) with sum(C) = 3
    // As N grows the interval shrinks to alpha: Feldt's half-width ~ z (1 - alpha) sqrt(2/N + 2/N(k-1)).
    ASSERT_FALSE(r.intervals.empty());
    EXPECT_NEAR(r.intervals[0].lower, r.alpha, 1e-10);
    EXPECT_NEAR(r.intervals[0].upper, r.alpha, 1e-10);
    EXPECT_LE(r.intervals[0].lower, r.intervals[0].upper);
  }
  // Just above the asymptotic threshold (df > 1e10) the limit agrees with the exact F to 1e-9.
  const auto below = attune::analyze_reliability_from_matrix(c, 1e10);
  const auto above = attune::analyze_reliability_from_matrix(c, 1.0000001e10);
  EXPECT_NEAR(below.intervals[0].lower, above.intervals[0].lower, 1e-9);
  EXPECT_NEAR(below.intervals[0].upper, above.intervals[0].upper, 1e-9);
}

TEST(FuzzF9, InfiniteBonettWrightIntervalCarriesAWarning) {
  // F6_F9_repro.cpp: [[2,3],[4,4],[7,7]] gave the interval [-inf, 1] without a word.
  Eigen::MatrixXd x(3, 2);
  x << 2, 3, 4, 4, 7, 7;
  const auto r = attune::analyze_reliability(x);
  ASSERT_EQ(r.intervals.size(), 2u);
  EXPECT_TRUE(std::isinf(r.intervals[1].lower));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "reliability: the bonett_wright interval is [-inf, 1]: its variance Q / (N - 3) needs N > 3 (N = 3)");
  // The Feldt interval is finite and has no warning.
  EXPECT_TRUE(std::isfinite(r.intervals[0].lower));
}

TEST(FuzzF6, IccOfTheReproProgramReturnsWithWarnings) {
  Eigen::MatrixXd x(3, 2);
  x << 1, 1, 2, 2, 3, 3;
  const auto r = attune::analyze_icc(x);  // boost threw domain_error here
  EXPECT_EQ(r.rows[0].icc, 1.0);
  EXPECT_FALSE(r.warnings.empty());
}

TEST(FuzzMessages, HugeValuesInReliabilityGetAnOverflowMessage) {
  // "Values of 1e200 give 'k = 0 item(s) with variance' instead of an overflow message."
  Eigen::MatrixXd x(4, 2);
  x << 1e200, 2e200, 3e200, 1e200, 2e200, 2e200, 4e200, 3e200;
  attune::reliability_options o;
  o.item_names = {"Q1", "Q2"};
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::bad_input,
               {"item Q1, row 1: value 1e+200 is too large: its square overflows a double", "rescale"});
  expect_error([&] { attune::analyze_reliability(x * 1e-175 * 1e-175, o); }, attune::errc::bad_input, "its square underflows");
  // The same data in a safe unit are fine.
  EXPECT_NEAR(attune::analyze_reliability(x * 1e-200, o).alpha, attune::analyze_reliability(x * 1e-199, o).alpha, 1e-12);
}

TEST(FuzzF16, ReliabilityOfTenThousandItemsWithoutTheMemoryIsAnAttuneError) {
  // "10,000-item reliability ends in internal error: std::bad_alloc" (exit 2). Under a 2 GB
  // address-space limit the k x k matrices cannot be allocated: exit 1, a message that says so.
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit";
#else
  const std::string path = attune::test::temp_path("wide10k.csv");
  std::string text;
  for (int j = 0; j < 10000; ++j) text += (j ? ",V" : "V") + std::to_string(j + 1);
  text += "\n";
  for (int r = 0; r < 20; ++r) {
    for (int j = 0; j < 10000; ++j) text += (j ? "," : "") + std::to_string(1 + (r * 7 + j * 3) % 5);
    text += "\n";
  }
  attune::test::write_file(path, text);
  const std::string out = attune::test::temp_path("wide10k.err");
  const std::string cmd = "ulimit -v 2000000; '" + std::string(ATTUNE_CLI_PATH) + "' reliability '" + path +
                          "' --items 1-10000 --scale 1-5 > /dev/null 2> '" + out + "'";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << attune::test::read_file(out);
  EXPECT_NE(attune::test::read_file(out).find("not enough memory for k = 10000 items"), std::string::npos)
      << attune::test::read_file(out);
#endif
}

// ---------------------------------------------------------------------------------------------
// Every file of the fuzzing corpus through every parser: nothing but attune::error may leave.

template <class F>
void only_attune_errors(const std::string& what, F f) {
  try {
    f();
  } catch (const attune::error&) {
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": non-attune exception " << e.what();
  } catch (...) {
    ADD_FAILURE() << what << ": unknown exception";
  }
}

std::vector<std::filesystem::path> corpus() {
  std::vector<std::filesystem::path> files;
  for (const std::string& dir : {attune::test::data_path("fuzz"), attune::test::shared_path("fuzz-findings")}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
  }
  return files;
}

TEST(FuzzCorpus, EveryFileThroughEveryParser) {
  const auto files = corpus();
  ASSERT_GE(files.size(), 14u);  // tests/data/fuzz at least
  for (const auto& path : files) {
    const std::string name = path.filename().string();
    SCOPED_TRACE(name);
    const std::string text = attune::test::read_file(path.string());
    only_attune_errors(name + " csv", [&] {
      std::istringstream in(text);
      attune::csv_reader r(in, name);
      std::vector<std::string_view> f;
      while (r.next(f)) {
      }
    });
    only_attune_errors(name + " responses", [&] {
      std::istringstream in(text);
      (void)attune::read_responses(in, name, {});
    });
    only_attune_errors(name + " responses (ecr-r)", [&] {
      std::istringstream in(text);
      const auto d = attune::read_responses(in, name, attune::resolve_instrument("ecr-r").item_ids());
      (void)attune::analyze_reliability(d.values);
    });
    only_attune_errors(name + " instrument", [&] { (void)attune::instrument_from_json(text, name); });
    only_attune_errors(name + " norms", [&] { (void)attune::norm_table_from_json(text, name); });
    only_attune_errors(name + " moments", [&] { (void)attune::pairwise_moments::deserialize(text); });
    only_attune_errors(name + " accumulator", [&] {
      const auto acc = attune::reliability_accumulator::deserialize(text);
      for (auto m : {attune::missing_method::pairwise, attune::missing_method::listwise}) {
        attune::reliability_options o;
        o.missing = m;
        only_attune_errors(name + " accumulator analysis", [&] { (void)attune::analyze_reliability(acc, o); });
      }
    });
    // The CLI on the data files (exit 0 or 1, never 2 or a signal).
    if (path.extension() == ".csv") {
      for (const std::string cmd : {"score", "reliability", "quality"}) {
        const auto r = attune::test::run_cli(cmd + " '" + path.string() + "' --instrument ecr-r");
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << cmd << " " << name << ": exit " << r.exit_code << " " << r.err;
      }
    }
    if (path.extension() == ".json") {
      const auto r = attune::test::run_cli("score - --instrument '" + path.string() + "'", "a,b\n1,2\n");
      EXPECT_EQ(r.exit_code, 1) << name << ": " << r.err;
      const auto n = attune::test::run_cli("change - - --instrument raas --norms '" + path.string() + "'", "");
      EXPECT_TRUE(n.exit_code == 1) << name << ": exit " << n.exit_code << " " << n.err;
    }
  }
}

}  // namespace
