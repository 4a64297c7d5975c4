// Golden tests of the reliability module against R psych, written by tests/golden/reliability.R into
// tests/data/reliability/. Each case file <case>_golden.csv holds "key,value" lines; the R call that
// produced each key is named next to the comparisons below. psych 2.2.9 (Debian) is the reference
// except where the script says otherwise (pairwise R = cor(x, use = "pairwise") as psych >= 2.4.4;
// all splits in splitHalf as psych >= 2.3.12; ADF and Bonett-Wright by independent R code).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "attune/core/error.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/reliability.hpp"
#include "reliability_golden_io.hpp"
#include "test_support.hpp"

namespace {

using namespace attune::test;  // NOLINT: the golden readers, tolerances and EXPECT_REL
const auto* const report = ::testing::AddGlobalTestEnvironment(new report_deviation);

const attune::confidence_interval* find_ci(const attune::reliability_result& r, attune::ci_method m) {
  for (const auto& ci : r.intervals) {
    if (ci.method == to_string(m)) return &ci;
  }
  return nullptr;
}

attune::reliability_options golden_options(double level, attune::interval_n nn) {
  attune::reliability_options o;
  o.intervals = {attune::ci_method::feldt, attune::ci_method::feldt_1965, attune::ci_method::normal_theory,
                 attune::ci_method::bonett_wright, attune::ci_method::adf};
  o.level = level;
  o.n_for_intervals = nn;
  return o;
}

// Compares one analysis with the golden file `golden_case`.
void check_case(const std::string& data_case, const std::string& golden_case, attune::missing_method missing) {
  SCOPED_TRACE("data " + data_case + ", golden " + golden_case);
  std::vector<std::string> names;
  const Eigen::MatrixXd x = read_matrix(dir(data_case + ".csv"), true, &names);
  const auto g = read_golden(dir(golden_case + "_golden.csv"));
  const Eigen::Index k = x.cols();
  for (double level : {0.95, 0.90}) {
    for (attune::interval_n nn : {attune::interval_n::rows, attune::interval_n::effective}) {
      attune::reliability_options o = golden_options(level, nn);
      o.missing = missing;
      o.item_names = names;
      const attune::reliability_result r = attune::analyze_reliability(x, o);
      const std::string nname = nn == attune::interval_n::rows ? "rows" : "effective";
      const std::string p = "ci" + std::to_string(static_cast<int>(level * 100)) + "." + nname + ".";
      // psych::alpha(x)$total (raw alpha, ase, mean, sd) and psych::alpha(cor(x, use = "pairwise"), n.obs)$total.
      EXPECT_REL(r.alpha, get(g, "raw_alpha"), psych_tol, "raw_alpha");
      EXPECT_REL(r.alpha_std, get(g, "std_alpha"), psych_tol, "std.alpha");
      EXPECT_REL(r.lambda6, get(g, "G6"), psych_tol, "G6(smc)");
      EXPECT_REL(r.average_r, get(g, "average_r"), psych_tol, "average_r");
      EXPECT_REL(r.signal_noise, get(g, "signal_noise"), psych_tol, "S/N");
      EXPECT_REL(r.median_r, get(g, "median_r"), psych_tol, "median_r");
      EXPECT_REL(r.var_r, get(g, "var_r"), psych_tol, "var.r");
      EXPECT_REL(r.total_mean, get(g, "total_mean"), psych_tol, "mean");
      EXPECT_REL(r.total_sd, get(g, "total_sd"), psych_tol, "sd");
      // ase: psych's (row count) and with the effective N (sqrt(Q / n_eff)).
      EXPECT_REL(r.ase, get(g, p + "ase"), psych_tol, "ase");
      if (nn == attune::interval_n::rows) EXPECT_REL(r.ase, get(g, "ase"), psych_tol, "psych ase");
      EXPECT_EQ(r.n_complete, get(g, "n_complete"));
      EXPECT_REL(r.n, missing == attune::missing_method::listwise ? get(g, "n_complete") : get(g, "n_effective"),
                 psych_tol, "n_effective");
      // Guttman lambdas (psych guttman() formulas on R), split-half by base-R enumeration of all splits.
      EXPECT_REL(r.lambda1, get(g, "lambda1"), psych_tol, "lambda1");
      EXPECT_REL(r.lambda2, get(g, "lambda2"), psych_tol, "lambda2");
      EXPECT_REL(r.lambda3, get(g, "std_alpha"), psych_tol, "lambda3 (on R) = std.alpha");
      EXPECT_REL(r.lambda5, get(g, "lambda5"), psych_tol, "lambda5");
      ASSERT_TRUE(r.split_half.has_value());
      EXPECT_TRUE(r.split_half->exhaustive);
      EXPECT_EQ(static_cast<double>(r.split_half->n_splits), get(g, "split.n"));
      EXPECT_REL(r.lambda4, get(g, "split.max"), psych_tol, "lambda4");
      EXPECT_REL(r.split_half->min, get(g, "split.min"), psych_tol, "beta");
      EXPECT_REL(r.split_half->mean, get(g, "split.mean"), psych_tol, "mean split");
      EXPECT_REL(r.split_half->median, get(g, "split.median"), psych_tol, "median split");
      EXPECT_REL(r.split_half->odd_even, get(g, "oe.coef"), psych_tol, "odd-even");
      EXPECT_REL(r.split_half->odd_even_r, get(g, "oe.r"), psych_tol, "odd-even r");
      EXPECT_REL(r.split_half->odd_even_sb, get(g, "oe.sb"), psych_tol, "odd-even SB");
      EXPECT_REL(r.split_half->first_second, get(g, "fs.coef"), psych_tol, "first-second");
      EXPECT_REL(r.split_half->first_second_r, get(g, "fs.r"), psych_tol, "first-second r");
      EXPECT_REL(r.split_half->first_second_sb, get(g, "fs.sb"), psych_tol, "first-second SB");
      if (g.count("psych_split_max")) {  // psych::splitHalf itself (2.2.9 right for even k)
        EXPECT_REL(r.lambda4, get(g, "psych_split_max"), psych_tol, "psych splitHalf maxrb");
        EXPECT_REL(r.split_half->mean, get(g, "psych_split_mean"), psych_tol, "psych splitHalf meanr");
        EXPECT_REL(r.lambda2, get(g, "psych_lambda2"), psych_tol, "psych splitHalf lambda2");
        EXPECT_REL(r.lambda6, get(g, "psych_lambda6"), psych_tol, "psych splitHalf lambda6");
      }
      // Item statistics: psych::alpha(x)$item.stats (n, raw.r, r.drop, mean, sd) and std.r, r.cor from
      // psych::alpha(cor(x, use = "pairwise"))$item.stats; item-deleted from $alpha.drop.
      ASSERT_EQ(static_cast<Eigen::Index>(r.items.size()), k);
      for (Eigen::Index i = 0; i < k; ++i) {
        const auto& it = r.items[static_cast<std::size_t>(i)];
        const std::string q = "item" + std::to_string(i + 1) + ".";
        SCOPED_TRACE(it.item);
        EXPECT_EQ(it.item, names[static_cast<std::size_t>(i)]);
        EXPECT_EQ(it.n, get(g, q + "n"));
        EXPECT_REL(it.raw_r, get(g, q + "raw_r"), psych_tol, "raw.r");
        EXPECT_REL(it.std_r, get(g, q + "std_r"), psych_tol, "std.r");
        EXPECT_REL(it.r_cor, get(g, q + "r_cor"), psych_tol, "r.cor");
        EXPECT_REL(it.r_drop, get(g, q + "r_drop"), psych_tol, "r.drop");
        EXPECT_REL(it.mean, get(g, q + "mean"), psych_tol, "mean");
        EXPECT_REL(it.sd, get(g, q + "sd"), psych_tol, "sd");
        if (k > 2) {
          EXPECT_REL(it.alpha_if_deleted, get(g, q + "alpha_drop"), psych_tol, "raw_alpha drop");
          EXPECT_REL(it.alpha_std_if_deleted, get(g, q + "std_alpha_drop"), psych_tol, "std.alpha drop");
          EXPECT_REL(it.g6_if_deleted, get(g, q + "g6_drop"), psych_tol, "G6 drop");
          EXPECT_REL(it.average_r_if_deleted, get(g, q + "average_r_drop"), psych_tol, "average_r drop");
          EXPECT_REL(it.signal_noise_if_deleted, get(g, q + "sn_drop"), psych_tol, "S/N drop");
          EXPECT_REL(it.var_r_if_deleted, get(g, q + "var_r_drop"), psych_tol, "var.r drop");
          EXPECT_REL(it.median_r_if_deleted, get(g, q + "med_r_drop"), psych_tol, "med.r drop");
          if (nn == attune::interval_n::rows) EXPECT_REL(it.ase_if_deleted, get(g, q + "ase_drop"), psych_tol, "alpha se drop");
        } else {
          // Deliberate difference: psych 2.2.9 reports C12/C22 as "raw_alpha" of a one-item scale; attune NaN.
          EXPECT_TRUE(std::isnan(it.alpha_if_deleted));
          EXPECT_FALSE(std::isnan(get(g, q + "psych_alpha_drop")));
        }
        // psych::alpha(x)$response.freq: shares of each value among the answers, and "miss".
        if (g.count(q + "freq.miss")) {
          EXPECT_REL(it.missing_share, get(g, q + "freq.miss"), psych_tol, "miss");
          ASSERT_FALSE(it.frequencies.empty());
          for (const auto& [value, share] : it.frequencies) {
            std::ostringstream key;
            key << q << "freq." << value;
            EXPECT_REL(share, get(g, key.str()), psych_tol, key.str());
          }
        }
      }
      // Intervals: psych::alpha.ci (Feldt 1987) with N = rows or n_eff; alpha +- z ase; Bonett-Wright
      // (Bayesrel ciAlpha transcription); Feldt 1965 (statpsych); ADF with the explicit Gamma matrix.
      const auto* fe = find_ci(r, attune::ci_method::feldt);
      ASSERT_NE(fe, nullptr);
      EXPECT_REL(fe->lower, get(g, p + "feldt.lower"), psych_tol, "feldt lower");
      EXPECT_REL(fe->upper, get(g, p + "feldt.upper"), psych_tol, "feldt upper");
      EXPECT_EQ(fe->n, r.n_intervals);
      EXPECT_EQ(fe->level, level);
      const auto* f65 = find_ci(r, attune::ci_method::feldt_1965);
      EXPECT_REL(f65->lower, get(g, p + "feldt65.lower"), psych_tol, "feldt 1965 lower");
      EXPECT_REL(f65->upper, get(g, p + "feldt65.upper"), psych_tol, "feldt 1965 upper");
      const auto* nt = find_ci(r, attune::ci_method::normal_theory);
      EXPECT_REL(nt->lower, get(g, p + "nt.lower"), psych_tol, "normal theory lower");
      EXPECT_REL(nt->upper, get(g, p + "nt.upper"), psych_tol, "normal theory upper");
      const auto* bw = find_ci(r, attune::ci_method::bonett_wright);
      EXPECT_REL(bw->lower, get(g, p + "bw.lower"), psych_tol, "bonett-wright lower");
      EXPECT_REL(bw->upper, get(g, p + "bw.upper"), psych_tol, "bonett-wright upper");
      const std::string pa = "ci" + std::to_string(static_cast<int>(level * 100)) + ".adf.";
      const auto* adf = find_ci(r, attune::ci_method::adf);
      EXPECT_REL(adf->lower, get(g, pa + "lower"), psych_tol, "adf lower");
      EXPECT_REL(adf->upper, get(g, pa + "upper"), psych_tol, "adf upper");
      EXPECT_EQ(adf->n, get(g, pa + "n"));
      if (nn == attune::interval_n::rows) {
        EXPECT_EQ(fe->n, get(g, "n_rows")) << "psych's N is the row count";
      }
    }
  }
}

TEST(ReliabilityGolden, BfiFiveScalesPairwise) {
  for (const char* s : {"agree", "conscientious", "extraversion", "neuroticism", "openness"}) {
    check_case(std::string("bfi_") + s, std::string("bfi_") + s, attune::missing_method::pairwise);
  }
}

TEST(ReliabilityGolden, GeneratedWithMissingPairwise) {
  check_case("gen1_pairwise", "gen1_pairwise", attune::missing_method::pairwise);
  check_case("gen2_pairwise", "gen2_pairwise", attune::missing_method::pairwise);
}

TEST(ReliabilityGolden, GeneratedWithMissingListwise) {
  // Our listwise analysis of the data with missing answers = psych::alpha(na.omit(x)).
  check_case("gen1_pairwise", "gen1_listwise", attune::missing_method::listwise);
  check_case("gen2_pairwise", "gen2_listwise", attune::missing_method::listwise);
}

TEST(ReliabilityGolden, CompleteDataTwoAndSixteenItems) {
  check_case("two_items", "two_items", attune::missing_method::pairwise);
  check_case("sixteen_items", "sixteen_items", attune::missing_method::pairwise);
}

TEST(ReliabilityGolden, PairwiseMomentsEqualRCovCor) {
  // R: cov(x, use = "pairwise"), cor(x, use = "pairwise") written by the golden script.
  for (const char* c : {"gen1_pairwise", "gen2_pairwise", "bfi_openness"}) {
    const Eigen::MatrixXd x = read_matrix(dir(std::string(c) + ".csv"), true);
    const Eigen::MatrixXd cov = read_matrix(dir(std::string(c) + "_cov.csv"), false);
    const Eigen::MatrixXd cor = read_matrix(dir(std::string(c) + "_cor.csv"), false);
    attune::pairwise_moments pm;
    pm.add(x);
    EXPECT_LT((pm.covariance() - cov).cwiseAbs().maxCoeff(), 1e-13) << c;
    EXPECT_LT((pm.correlation() - cor).cwiseAbs().maxCoeff(), 1e-13) << c;
  }
}

TEST(Reliability, MergedShardsEqualWholeData) {
  for (auto missing : {attune::missing_method::pairwise, attune::missing_method::listwise}) {
    const Eigen::MatrixXd x = read_matrix(dir("gen1_pairwise.csv"), true);
    attune::reliability_options o;
    o.missing = missing;
    const auto whole = attune::analyze_reliability(x, o);
    attune::reliability_accumulator a(x.cols(), missing), b(x.cols(), missing), c(x.cols(), missing);
    a.add(x.topRows(100));
    b.add(x.middleRows(100, 250));
    c.add(x.bottomRows(150));
    // Shards travel as text.
    attune::reliability_accumulator merged = attune::reliability_accumulator::deserialize(a.serialize());
    merged.merge(attune::reliability_accumulator::deserialize(b.serialize()));
    merged.merge(c);
    const auto m = attune::analyze_reliability(merged, o);
    EXPECT_NEAR(m.alpha, whole.alpha, merge_tol);
    EXPECT_NEAR(m.alpha_std, whole.alpha_std, merge_tol);
    EXPECT_NEAR(m.lambda6, whole.lambda6, merge_tol);
    EXPECT_NEAR(m.lambda4, whole.lambda4, merge_tol);
    EXPECT_NEAR(m.ase, whole.ase, merge_tol);
    EXPECT_NEAR(m.total_sd, whole.total_sd, merge_tol);
    EXPECT_EQ(m.n_rows, whole.n_rows);
    EXPECT_NEAR(m.n, whole.n, merge_tol);
    ASSERT_EQ(m.intervals.size(), whole.intervals.size());
    for (std::size_t t = 0; t < m.intervals.size(); ++t) EXPECT_NEAR(m.intervals[t].lower, whole.intervals[t].lower, merge_tol);
    for (std::size_t i = 0; i < m.items.size(); ++i) {
      EXPECT_NEAR(m.items[i].raw_r, whole.items[i].raw_r, merge_tol);
      EXPECT_NEAR(m.items[i].r_drop, whole.items[i].r_drop, merge_tol);
      EXPECT_NEAR(m.items[i].alpha_if_deleted, whole.items[i].alpha_if_deleted, merge_tol);
      EXPECT_NEAR(m.items[i].mean, whole.items[i].mean, merge_tol);
      ASSERT_EQ(m.items[i].frequencies.size(), whole.items[i].frequencies.size());
      for (std::size_t f = 0; f < m.items[i].frequencies.size(); ++f) {
        EXPECT_EQ(m.items[i].frequencies[f], whole.items[i].frequencies[f]);
      }
    }
  }
}

TEST(Reliability, FromMatrixEqualsFromCompleteData) {
  const Eigen::MatrixXd x = read_matrix(dir("sixteen_items.csv"), true);
  const auto g = read_golden(dir("sixteen_items_golden.csv"));
  attune::pairwise_moments pm;
  pm.add(x);
  const auto fromcov = attune::analyze_reliability_from_matrix(pm.covariance(), static_cast<double>(x.rows()));
  const auto fromdata = attune::analyze_reliability(x);
  EXPECT_REL(fromcov.alpha, get(g, "raw_alpha"), psych_tol, "alpha from covariance");
  EXPECT_REL(fromcov.ase, get(g, "ase"), psych_tol, "ase with n.obs");
  EXPECT_REL(fromcov.lambda6, get(g, "G6"), psych_tol, "G6 from covariance");
  for (std::size_t i = 0; i < fromcov.items.size(); ++i) {
    EXPECT_REL(fromcov.items[i].raw_r, fromdata.items[i].raw_r, 1e-12, "raw_r from the covariances (complete data)");
    EXPECT_REL(fromcov.items[i].alpha_if_deleted, fromdata.items[i].alpha_if_deleted, 1e-12, "alpha drop");
    EXPECT_TRUE(std::isnan(fromcov.items[i].mean));
  }
  const auto fromcor = attune::analyze_reliability_from_matrix(pm.correlation(), static_cast<double>(x.rows()));
  EXPECT_REL(fromcor.alpha, get(g, "std_alpha"), psych_tol, "alpha of R = std.alpha");
  EXPECT_TRUE(std::isnan(fromcor.items[0].sd));
}

// ---------------------------------------------------------------------------------------------
// Warnings and errors

using attune::test::expect_error;

bool has_warning(const attune::reliability_result& r, const std::string& fragment) {
  for (const auto& w : r.warnings) {
    if (w.find(fragment) != std::string::npos) return true;
  }
  return false;
}

TEST(ReliabilityErrors, TooFewItemsOrRows) {
  expect_error([] { attune::analyze_reliability(Eigen::MatrixXd::Ones(10, 1)); }, attune::errc::insufficient_data, "k = 1");
  Eigen::MatrixXd one(1, 3);
  one << 1, 2, 3;
  expect_error([&] { attune::analyze_reliability(one); }, attune::errc::insufficient_data, "N = 1");
  Eigen::MatrixXd x(4, 3);
  x << 1, 2, nan_value, 2, nan_value, 3, nan_value, 3, 4, 3, 4, 5;
  attune::reliability_options lw;
  lw.missing = attune::missing_method::listwise;
  expect_error([&] { attune::analyze_reliability(x, lw); }, attune::errc::insufficient_data, "complete row");
  expect_error([] { attune::analyze_reliability_from_matrix(Eigen::MatrixXd::Identity(1, 1), 10); },
               attune::errc::insufficient_data, "k = 1");
  expect_error([] { attune::analyze_reliability_from_matrix(Eigen::MatrixXd::Identity(3, 3), 1); },
               attune::errc::insufficient_data, "N = 1");
}

TEST(ReliabilityErrors, AllMissingItemAndNeverPairedItems) {
  Eigen::MatrixXd x(5, 3);
  x << 1, 2, nan_value, 2, 3, nan_value, 3, 3, nan_value, 4, 5, nan_value, 2, 2, nan_value;
  attune::reliability_options o;
  o.item_names = {"a", "b", "c"};
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::insufficient_data, "item c has 0 answers");
  Eigen::MatrixXd y(6, 3);
  y << 1, 2, nan_value, 2, 3, nan_value, 3, 4, nan_value, 1, nan_value, 2, 3, nan_value, 5, 2, nan_value, 3;
  expect_error([&] { attune::analyze_reliability(y, o); }, attune::errc::numerical_issue, "items b and c");
}

TEST(ReliabilityWarnings, ZeroVarianceItemIsLeftOut) {
  Eigen::MatrixXd x = read_matrix(dir("gen1_listwise.csv"), true);
  Eigen::MatrixXd y(x.rows(), x.cols() + 1);
  y << x, Eigen::VectorXd::Constant(x.rows(), 3.0);
  const auto r = attune::analyze_reliability(y);
  EXPECT_TRUE(has_warning(r, "item V9 has zero variance")) << (r.warnings.empty() ? "" : r.warnings[0]);
  EXPECT_EQ(r.n_items, x.cols());
  EXPECT_NEAR(r.alpha, attune::analyze_reliability(x).alpha, 1e-14);
  // Only one item with variance left: an error.
  Eigen::MatrixXd z(4, 2);
  z << 1, 2, 2, 2, 3, 2, 4, 2;
  expect_error([&] { attune::analyze_reliability(z); }, attune::errc::insufficient_data, "k = 1 item(s) with variance");
}

TEST(ReliabilityWarnings, NegativeItemRestAndNegativeAlpha) {
  // gen2 item Q4 loads -0.15 on the factor: psych warns, attune flags it.
  std::vector<std::string> names;
  const Eigen::MatrixXd x = read_matrix(dir("gen2_pairwise.csv"), true, &names);
  attune::reliability_options o;
  o.item_names = names;
  const auto r = attune::analyze_reliability(x, o);
  EXPECT_TRUE(has_warning(r, "item Q4 has a negative item-rest correlation"));
  Eigen::MatrixXd neg(6, 2);
  neg << 1, 5, 2, 4, 3, 3, 4, 2, 5, 1, 3, 4;
  const auto rn = attune::analyze_reliability(neg);
  EXPECT_LT(rn.alpha, 0.0);
  EXPECT_TRUE(has_warning(rn, "negative alpha"));
}

TEST(ReliabilityWarnings, SingularCorrelationMatrixUsesPseudoInverse) {
  Eigen::MatrixXd x = read_matrix(dir("gen1_listwise.csv"), true);
  Eigen::MatrixXd y(x.rows(), x.cols() + 1);
  y << x, x.col(0) + x.col(1);  // linear dependence: R singular
  const auto r = attune::analyze_reliability(y);
  EXPECT_TRUE(has_warning(r, "singular"));
  EXPECT_TRUE(std::isfinite(r.lambda6));
  for (const auto& it : r.items) EXPECT_TRUE(std::isfinite(it.g6_if_deleted));
  expect_error([] {
    Eigen::MatrixXd m = Eigen::MatrixXd::Identity(3, 3);
    m(0, 1) = 0.5;
    attune::analyze_reliability_from_matrix(m, 100);
  }, attune::errc::bad_input, "not symmetric at (1, 2)");
}

TEST(ReliabilityErrors, Options) {
  const Eigen::MatrixXd x = read_matrix(dir("two_items.csv"), true);
  attune::reliability_options o;
  o.level = 1.0;
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::invalid_argument, "level = 1");
  o = {};
  o.intervals = {attune::ci_method::bootstrap_bca};
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::invalid_argument, "bootstrap = 0");
  o = {};
  o.bootstrap = -1;
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::invalid_argument, "bootstrap = -1");
  o = {};
  o.item_names = {"a"};
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::invalid_argument, "1 item_names for 2 items");
  o = {};
  o.max_categories = 0;
  expect_error([&] { attune::analyze_reliability(x, o); }, attune::errc::invalid_argument, "max_categories = 0");
  o = {};
  o.intervals = {attune::ci_method::adf};
  expect_error([&] { attune::analyze_reliability_from_matrix(Eigen::MatrixXd::Identity(2, 2), 50, o); },
               attune::errc::invalid_argument, "adf interval needs raw data");
  EXPECT_FALSE(attune::parse_ci_method("wald").has_value());
  EXPECT_EQ(attune::parse_ci_method("bca"), attune::ci_method::bootstrap_bca);
  EXPECT_EQ(attune::parse_missing_method("listwise"), attune::missing_method::listwise);
  EXPECT_EQ(attune::to_string(attune::interval_n::rows), "rows");
  EXPECT_EQ(attune::parse_ci_method("bonett_wright"), attune::ci_method::bonett_wright);
  EXPECT_EQ(attune::to_string(attune::ci_method::bootstrap_bca), "bootstrap_bca");
  attune::reliability_accumulator acc(2, attune::missing_method::listwise);
  acc.add(x);
  expect_error([&] { attune::analyze_reliability(acc, attune::reliability_options{}); }, attune::errc::invalid_argument,
               "different missing method");
  attune::reliability_accumulator other(3);
  other.add(Eigen::MatrixXd::Ones(2, 3));
  expect_error([&] { acc.merge(other); }, attune::errc::invalid_argument, "3 items");
  expect_error([] { attune::reliability_accumulator::deserialize("nonsense"); }, attune::errc::bad_input, "line 1");
}

}  // namespace
