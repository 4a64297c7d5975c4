// Polychoric / tetrachoric correlations against psych 2.2.9 (tests/golden/factor.R).
#include "attune/analyses/polychoric.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "factor_golden_io.hpp"
#include "test_support.hpp"

namespace {

using attune::test::read_factor_matrix;

constexpr double golden_tol = 1e-4;  // the tolerance against psych::polychoric
constexpr double bvn_tol = 1e-9;     // Genz BVND vs mnormt::biv.nt.prob (same algorithm family)

double max_abs_diff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.cols(), b.cols());
  const double d = (a - b).cwiseAbs().maxCoeff();
  ::testing::Test::RecordProperty("max_abs_diff", std::to_string(d));
  std::printf("max |attune - psych| = %.3g\n", d);
  return d;
}

TEST(BivariateNormal, MatchesMnormt) {
  // g$p <- biv.nt.prob(Inf, lower = -Inf, upper = c(h, k), S = [[1, r], [r, 1]])
  const Eigen::MatrixXd g = read_factor_matrix("bvn.csv");
  ASSERT_GT(g.rows(), 100);
  for (Eigen::Index i = 0; i < g.rows(); ++i)
    EXPECT_NEAR(attune::bivariate_normal_cdf(g(i, 0), g(i, 1), g(i, 2)), g(i, 3), bvn_tol) << "row " << i;
}

TEST(BivariateNormal, LimitsAndSymmetry) {
  EXPECT_DOUBLE_EQ(attune::bivariate_normal_cdf(-INFINITY, 0.3, 0.5), 0.0);
  EXPECT_NEAR(attune::bivariate_normal_cdf(INFINITY, 0.0, 0.5), 0.5, 1e-15);
  // P(X<=0, Y<=0) = 1/4 + asin(r)/(2 pi) (Sheppard 1899)
  for (double r : {-0.99, -0.5, 0.0, 0.4, 0.93, 0.999})
    EXPECT_NEAR(attune::bivariate_normal_cdf(0, 0, r), 0.25 + std::asin(r) / (2 * M_PI), 1e-14) << r;
  EXPECT_NEAR(attune::bivariate_normal_cdf(0.7, -0.2, 0.3), attune::bivariate_normal_cdf(-0.2, 0.7, 0.3), 1e-15);
}

TEST(Polychoric, Bfi25MatchesPsych) {
  // psych::polychoric(psychTools::bfi[, 1:25]) (6 categories, pairwise missing, global thresholds)
  const Eigen::MatrixXd x = read_factor_matrix("bfi25.csv", true);
  const auto res = attune::polychoric(x);
  EXPECT_TRUE(res.global_thresholds);
  EXPECT_LT(max_abs_diff(res.rho, read_factor_matrix("poly_bfi25_rho.csv")), golden_tol);
  const Eigen::MatrixXd tau = read_factor_matrix("poly_bfi25_tau.csv");  // items x thresholds
  for (Eigen::Index i = 0; i < tau.rows(); ++i)
    for (Eigen::Index j = 0; j < tau.cols(); ++j) EXPECT_NEAR(res.thresholds[static_cast<std::size_t>(i)](j), tau(i, j), 1e-12);
  EXPECT_EQ(res.n, 2800);
}

TEST(Polychoric, TwoFactorDataMatchesPsych) {
  // psych::polychoric(two) : generated 5-category data, 2.5% missing
  const auto res = attune::polychoric(read_factor_matrix("two_factor.csv", true));
  EXPECT_LT(max_abs_diff(res.rho, read_factor_matrix("poly_two_rho.csv")), golden_tol);
  // standard errors are positive and shrink like 1/sqrt(N)
  EXPECT_GT(res.standard_errors(0, 1), 0.01);
  EXPECT_LT(res.standard_errors(0, 1), 0.06);
}

TEST(Polychoric, UnequalCategoriesUseLocalThresholdsAndCorrection) {
  // psych::polychoric(uneq): items 1-3 have 4 categories -> global = FALSE, 13 corrected cells
  const auto res = attune::polychoric(read_factor_matrix("unequal.csv", true));
  EXPECT_FALSE(res.global_thresholds);
  EXPECT_GT(res.corrected_pairs, 0);
  EXPECT_LT(max_abs_diff(res.rho, read_factor_matrix("poly_unequal_rho.csv")), golden_tol);
  ASSERT_FALSE(res.warnings.empty());
}

TEST(Tetrachoric, MatchesPsych) {
  // psych::tetrachoric(bin): 0.5 added to empty cells; smoothing as psych
  const Eigen::MatrixXd x = read_factor_matrix("binary.csv", true);
  const auto res = attune::tetrachoric(x);
  EXPECT_LT(max_abs_diff(res.rho_unsmoothed, read_factor_matrix("tetra_binary_rho_unsmoothed.csv")), golden_tol);
  EXPECT_LT(max_abs_diff(res.rho, read_factor_matrix("tetra_binary_rho.csv")), golden_tol);
  EXPECT_GT(res.corrected_pairs, 0);
  const Eigen::MatrixXd tau = read_factor_matrix("tetra_binary_tau.csv");
  for (Eigen::Index i = 0; i < tau.cols(); ++i) EXPECT_NEAR(res.thresholds[static_cast<std::size_t>(i)](0), tau(0, i), 1e-12);
}

TEST(Polychoric, ThresholdsAreExactCumulativeProportions) {
  // the psych >= 2.4.6 precision fix: thresholds from integer counts; check against qnorm of k/n
  Eigen::MatrixXd x(10, 2);
  x << 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 3, 2, 1, 3, 2, 2, 3, 3;
  const auto res = attune::polychoric(x);
  // item 1 answers: 1,1,2,2,3,3,3,1,2,3 -> cumulative 3/10, 6/10
  EXPECT_NEAR(res.thresholds[0](0), -0.52440051270804066, 1e-14);  // qnorm(0.3)
  EXPECT_NEAR(res.thresholds[0](1), 0.25334710313579978, 1e-14);   // qnorm(0.6)
  EXPECT_TRUE(std::isfinite(res.rho(0, 1)));
}

TEST(Polychoric, CorrectedMarginsNeverGiveNaN) {
  // a 3 x 3 table with many empty cells: corrected margins sum above 1 and, in psych 2.2.9,
  // cumsum(csum)[-3] can exceed 1 -> qnorm NaN. Here the margins are renormalised.
  Eigen::MatrixXd tab(3, 3);
  tab << 1, 0, 0, 0, 1, 0, 0, 0, 1;
  const double r = attune::polychoric_table(tab, {.correct = 5.0});
  EXPECT_TRUE(std::isfinite(r));
  EXPECT_LE(std::abs(r), 1.0);
}

// A pair table on the margin tie: with 0.5 for each of the 3 empty cells of rows 1-4, the first
// four rows hold exactly the total count (70 of 70), but the floating-point cumsum of the
// proportions gives 0.99999999999999989. Decided from the counts, the row margins are
// renormalised. Reference (R, psych 2.2.9 polyF, margins renormalised from the counts):
// -0.11643276164447217; the floating-point decision gives -0.0982 instead.
TEST(Polychoric, MarginTieIsDecidedFromCounts) {
  Eigen::MatrixXd tab(5, 5);
  tab << 1, 4, 6, 3, 5,  //
      6, 2, 1, 4, 6,     //
      2, 0, 0, 3, 5,     //
      4, 5, 6, 5, 2,     //
      0, 0, 0, 1, 0;
  EXPECT_NEAR(attune::polychoric_table(tab), -0.11643276164447217, golden_tol);
  EXPECT_GT(std::abs(attune::polychoric_table(tab) - -0.09824312115261144), 0.01);
}

// The first 70 respondents of the real ECR data (../shared/data, never copied here), keyed: Q26
// has 4 categories, the others 5, so every pair has its own thresholds (psych global = FALSE).
// 54 of the 630 pairs need renormalised margins, 32 of them on the tie. Reference:
// tests/golden/polychoric_ecr.R (psych polychoric(global = FALSE), the margin rule from counts).
TEST(RealEcrData, PolychoricMatchesPsychOnTheMarginTie) {
  const std::string csv = attune::test::unpack_real_ecr_data("polychoric-ecr");
  if (csv.empty()) GTEST_SKIP() << "the real ECR data are absent (../shared/data/openpsychometrics-ecr): skipped";
  const auto& ecr = *attune::find_builtin("ecr");
  attune::read_options ro;
  ro.missing_codes = {0};
  const auto data = attune::read_responses_file(csv, ecr.item_ids(), ro);
  Eigen::MatrixXd x = data.values.topRows(70);
  for (int item : {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}) x.col(item - 1) = (6.0 - x.col(item - 1).array()).matrix();
  const auto res = attune::polychoric(x, {.smooth = false});
  EXPECT_FALSE(res.global_thresholds);
  std::ifstream in(attune::test::data_path("polychoric/ecr_first70.csv"));
  std::string line;
  std::getline(in, line);  // header: i,j,rho,renormalised,tie
  int pairs = 0, renormalised = 0, ties = 0;
  double worst = 0, worst_tie = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f[5];
    for (auto& v : f) std::getline(ss, v, ',');
    const int i = std::stoi(f[0]) - 1, j = std::stoi(f[1]) - 1;
    const double d = std::abs(res.rho_unsmoothed(i, j) - std::stod(f[2]));
    EXPECT_LT(d, golden_tol) << "pair Q" << i + 1 << "-Q" << j + 1;
    worst = std::max(worst, d);
    ++pairs;
    renormalised += std::stoi(f[3]);
    if (f[4] == "1") {
      ++ties;
      worst_tie = std::max(worst_tie, d);
    }
  }
  EXPECT_EQ(pairs, 630);
  EXPECT_EQ(renormalised, 54);
  EXPECT_EQ(ties, 32);
  std::printf("max |attune - psych| = %.3g (on the 32 tie pairs: %.3g)\n", worst, worst_tie);
  bool warned = false;
  for (const auto& w : res.warnings) warned = warned || w.find("54 pair tables had continuity-corrected margins renormalised") == 0;
  EXPECT_TRUE(warned);
  std::filesystem::remove_all(std::filesystem::path(csv).parent_path().parent_path());
}

TEST(Polychoric, TableFromIndependentCountsIsNearZero) {
  Eigen::MatrixXd tab(3, 3);
  tab << 10, 20, 10, 20, 40, 20, 10, 20, 10;
  EXPECT_NEAR(attune::polychoric_table(tab, {.optimizer_tolerance = 1e-10}), 0.0, 1e-6);
}

TEST(Polychoric, ThreadCountDoesNotChangeTheResult) {
  const Eigen::MatrixXd x = read_factor_matrix("two_factor.csv", true);
  attune::polychoric_options one, four;
  one.threads = 1;
  four.threads = 4;
  EXPECT_EQ(attune::polychoric(x, one).rho, attune::polychoric(x, four).rho);
}

TEST(Polychoric, ZeroVarianceItemGivesNaNAndWarning) {
  Eigen::MatrixXd x(6, 3);
  x << 1, 2, 3, 2, 2, 1, 3, 2, 2, 1, 2, 3, 2, 2, 1, 3, 2, 2;
  const auto res = attune::polychoric(x);
  EXPECT_TRUE(std::isnan(res.rho(0, 1)));
  EXPECT_TRUE(std::isfinite(res.rho(0, 2)));
  ASSERT_FALSE(res.warnings.empty());
  EXPECT_NE(res.warnings[0].find("item 2 has no variance"), std::string::npos);
}

TEST(Polychoric, ErrorsNameTheProblem) {
  Eigen::MatrixXd x(3, 2);
  x << 1, 2, 2.5, 1, 3, 3;
  try {
    (void)attune::polychoric(x);
    FAIL();
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_NE(std::string(e.what()).find("row 2, column 1"), std::string::npos);
  }
  Eigen::MatrixXd wide(3, 2);
  wide << 1, 2, 12, 1, 3, 3;
  try {
    (void)attune::polychoric(wide);
    FAIL();
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("max_categories = 8"), std::string::npos);
  }
  EXPECT_THROW((void)attune::polychoric(Eigen::MatrixXd::Ones(5, 1)), attune::error);
  Eigen::MatrixXd three(4, 2);
  three << 0, 1, 1, 2, 0, 1, 1, 0;
  try {
    (void)attune::tetrachoric(three);
    FAIL();
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("dichotomous"), std::string::npos);
  }
  attune::polychoric_options bad;
  bad.correct = -1;
  EXPECT_THROW(bad.validate(), attune::error);
  EXPECT_THROW((void)attune::polychoric_table(Eigen::MatrixXd::Constant(2, 2, -1.0)), attune::error);
}

TEST(Smoothing, NonPositiveDefiniteMatrixIsSmoothedAsPsych) {
  Eigen::MatrixXd r(3, 3);
  r << 1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1;  // not PD
  const auto s = attune::smooth_correlation(r);
  EXPECT_TRUE(s.smoothed);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s.matrix);
  EXPECT_GT(es.eigenvalues().minCoeff(), 0.0);
  EXPECT_NEAR(s.matrix(0, 0), 1.0, 1e-15);
  const auto pd = attune::smooth_correlation(Eigen::MatrixXd::Identity(3, 3));
  EXPECT_FALSE(pd.smoothed);
}

}  // namespace

// ---- polychoric_tables: the mergeable frequency tables (issue 18) ----

namespace tables {

// Seeded integer answers lowest .. lowest + categories - 1, a share of them missing.
Eigen::MatrixXd answers(Eigen::Index n, Eigen::Index k, int categories, double missing, unsigned seed, int lowest = 1) {
  std::uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index r = 0; r < n; ++r) {
    const double common = next();
    for (Eigen::Index c = 0; c < k; ++c) {
      const double u = 0.6 * common + 0.4 * next();  // positively correlated items
      x(r, c) = next() < missing ? std::nan("") : lowest + std::floor(u * categories * 0.999);
    }
  }
  return x;
}

// Every member equal, doubles bit for bit (NaN included).
void expect_same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const char* what) {
  ASSERT_EQ(a.rows(), b.rows()) << what;
  ASSERT_EQ(a.cols(), b.cols()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)), 0) << what;
}

void expect_identical(const attune::polychoric_result& a, const attune::polychoric_result& b) {
  expect_same_bits(a.rho, b.rho, "rho");
  expect_same_bits(a.rho_unsmoothed, b.rho_unsmoothed, "rho_unsmoothed");
  expect_same_bits(a.standard_errors, b.standard_errors, "standard_errors");
  expect_same_bits(a.pair_counts, b.pair_counts, "pair_counts");
  ASSERT_EQ(a.thresholds.size(), b.thresholds.size());
  for (std::size_t i = 0; i < a.thresholds.size(); ++i) expect_same_bits(a.thresholds[i], b.thresholds[i], "thresholds");
  EXPECT_EQ(a.categories, b.categories);
  EXPECT_EQ(a.global_thresholds, b.global_thresholds);
  EXPECT_EQ(a.smoothed, b.smoothed);
  EXPECT_EQ(a.corrected_pairs, b.corrected_pairs);
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.warnings, b.warnings);
}

// The tables of `x` added in chunks of `rows` rows (the chunk's first row numbered as in a file).
attune::polychoric_tables in_chunks(const Eigen::MatrixXd& x, Eigen::Index rows, int max_categories = 8, int threads = 1) {
  attune::polychoric_tables t(x.cols(), max_categories);
  for (Eigen::Index first = 0; first < x.rows(); first += rows) {
    const Eigen::Index b = std::min(rows, x.rows() - first);
    t.add(x.middleRows(first, b), static_cast<std::size_t>(first) + 1, threads);
  }
  return t;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const attune::error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace tables

TEST(PolychoricTables, ChunksAndMergeOrdersGiveIdenticalTables) {
  // The first rows use only 2..3, so later chunks widen the tables downwards and upwards.
  Eigen::MatrixXd x = tables::answers(700, 6, 5, 0.1, 3);
  for (Eigen::Index r = 0; r < 50; ++r)
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      if (!std::isnan(x(r, c))) x(r, c) = 2 + std::fmod(x(r, c), 2.0);
  const attune::polychoric_tables whole = tables::in_chunks(x, x.rows());
  EXPECT_EQ(whole.n_rows(), 700);
  EXPECT_EQ(whole.categories(), 5);
  EXPECT_EQ(whole.lowest(), 1.0);
  for (const Eigen::Index rows : {1, 7, 50, 333, 4096}) {
    const auto t = tables::in_chunks(x, rows, 8, rows == 333 ? 2 : 1);
    EXPECT_TRUE(t == whole) << rows;
    EXPECT_EQ(t.serialize(), whole.serialize()) << rows;
  }
  // Three shards merged in two orders.
  const auto a = tables::in_chunks(x.topRows(50), 13), b = tables::in_chunks(x.middleRows(50, 400), 100),
             c = tables::in_chunks(x.bottomRows(250), 250);
  attune::polychoric_tables abc = a, cab = c;
  abc.merge(b);
  abc.merge(c);
  cab.merge(a);
  cab.merge(b);
  EXPECT_TRUE(abc == whole);
  EXPECT_TRUE(cab == whole);
  // The counts themselves: item 0's counts and one pair's joint counts against a direct count.
  std::int64_t answered = 0, joint = 0;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    if (x(r, 0) == 3) ++answered;
    if (x(r, 2) == 1 && x(r, 4) == 4) ++joint;
  }
  EXPECT_EQ(whole.item_count(0, 2), answered);
  EXPECT_EQ(whole.pair_count(2, 4, 0, 3), joint);
  EXPECT_EQ(whole.pair_count(4, 2, 3, 0), joint);
}

TEST(PolychoricTables, SerializeRoundTripIsExact) {
  const auto t = tables::in_chunks(tables::answers(300, 5, 4, 0.2, 7, -2), 64);
  const auto back = attune::polychoric_tables::deserialize(t.serialize());
  EXPECT_TRUE(back == t);
  EXPECT_EQ(back.serialize(), t.serialize());
  EXPECT_EQ(back.lowest(), -2.0);
  // Tables without answers, and tables past max_categories (only the span is kept).
  attune::polychoric_tables empty(3);
  empty.add(Eigen::MatrixXd::Constant(4, 3, std::nan("")));
  EXPECT_TRUE(attune::polychoric_tables::deserialize(empty.serialize()) == empty);
  attune::polychoric_tables wide(2, 3);
  Eigen::MatrixXd w(2, 2);
  w << 1, 2, 5, 1;
  wide.add(w);
  EXPECT_TRUE(wide.exceeds_max_categories());
  EXPECT_EQ(wide.highest(), 5.0);
  EXPECT_TRUE(attune::polychoric_tables::deserialize(wide.serialize()) == wide);
}

TEST(PolychoricTables, MalformedTextIsBadInput) {
  const auto t = tables::in_chunks(tables::answers(40, 3, 3, 0.0, 5), 40);
  const std::string good = t.serialize();
  auto bad = [](const std::string& text) {
    try {
      (void)attune::polychoric_tables::deserialize(text);
    } catch (const attune::error& e) {
      return e.code() == attune::errc::bad_input;
    }
    return false;
  };
  EXPECT_TRUE(bad(""));
  EXPECT_TRUE(bad(good.substr(0, good.size() / 2)));              // truncated
  EXPECT_TRUE(bad(good.substr(0, good.find("pairs"))));           // the pairs line missing
  EXPECT_TRUE(bad("attune-polychoric-tables 2" + good.substr(good.find(' ', 25))));  // another version
  std::string extra = good;
  extra.insert(extra.find('\n', extra.find("items")), " 0");       // one count too many
  EXPECT_TRUE(bad(extra));
  std::string over = good;
  over.replace(over.find("items ") + 6, over.find(' ', over.find("items ") + 6) - over.find("items ") - 6, "41");
  EXPECT_TRUE(bad(over));                                          // a count above the rows
  std::string neg = good;
  neg.replace(neg.find("items ") + 6, neg.find(' ', neg.find("items ") + 6) - neg.find("items ") - 6, "-1");
  EXPECT_TRUE(bad(neg));
  // A huge k or span is refused before anything is allocated (the text is far too short).
  EXPECT_TRUE(bad("attune-polychoric-tables 1 9999 8 10 1 8\nitems 0\npairs 0\n"));
  EXPECT_TRUE(bad("attune-polychoric-tables 1 100000000 8 10 1 8\n"));
  EXPECT_TRUE(bad("attune-polychoric-tables 1 3 100000 10 1 5000\n"));
  EXPECT_TRUE(bad("attune-polychoric-tables 1 3 8 10 5 1\n"));    // highest below lowest
  EXPECT_TRUE(bad("attune-polychoric-tables 1 3 8 10 1.5 3\n"));  // not an integer answer
  // A pair table counting more answers of a category than its item does.
  attune::polychoric_tables two(2, 8);
  Eigen::MatrixXd y(2, 2);
  y << 1, 1, 2, 2;
  two.add(y);
  EXPECT_EQ(two.serialize(), "attune-polychoric-tables 1 2 8 2 1 2\nitems 1 1 1 1\npairs 1 0 0 1\n");
  EXPECT_TRUE(bad("attune-polychoric-tables 1 2 8 2 1 2\nitems 1 1 1 1\npairs 2 0 0 0\n"));
}

TEST(PolychoricTables, EstimatesEqualTheMatrixBitForBit) {
  std::vector<Eigen::MatrixXd> sets;
  sets.push_back(tables::answers(600, 7, 5, 0.08, 11));                  // missing answers
  sets.push_back(tables::answers(400, 5, 2, 0.05, 12, 0));               // dichotomous
  Eigen::MatrixXd constant = tables::answers(200, 4, 4, 0.0, 13);
  constant.col(2).setConstant(3);                                        // an item with zero variance
  sets.push_back(constant);
  Eigen::MatrixXd sparse = tables::answers(25, 4, 6, 0.1, 14);           // sparse tables, empty cells
  sparse.col(1) = sparse.col(1).unaryExpr([](double v) { return std::isnan(v) ? v : std::min(v, 4.0); });  // unequal categories
  sets.push_back(sparse);
  sets.push_back(read_factor_matrix("two_factor.csv", true));
  for (std::size_t d = 0; d < sets.size(); ++d) {
    SCOPED_TRACE("data set " + std::to_string(d));
    const Eigen::MatrixXd& x = sets[d];
    attune::polychoric_options o;
    o.threads = 1;
    const auto direct = attune::polychoric(x, o);
    for (const Eigen::Index rows : {Eigen::Index{1}, Eigen::Index{9}, x.rows()}) {
      const auto t = tables::in_chunks(x, rows, o.max_categories, 2);
      tables::expect_identical(attune::polychoric(t, o), direct);
    }
    if (d == 1) {
      const auto tet = attune::tetrachoric(x, o);
      tables::expect_identical(attune::tetrachoric(tables::in_chunks(x, 17), o), tet);
    }
  }
  // The sparse set does exercise the corrections and local thresholds, the constant one the NaNs.
  const auto sparse_result = attune::polychoric(sets[3]);
  EXPECT_FALSE(sparse_result.global_thresholds);
  EXPECT_GT(sparse_result.corrected_pairs, 0);
  EXPECT_TRUE(std::isnan(attune::polychoric(sets[2]).rho(2, 2)));
}

TEST(PolychoricTables, ErrorsAreThoseOfTheMatrix) {
  // A non-integer value names its row in the file: the chunk's first row + r.
  Eigen::MatrixXd x = tables::answers(30, 3, 4, 0.0, 21);
  x(12, 1) = 2.5;
  attune::polychoric_tables t(3);
  t.add(x.topRows(10), 1);
  const std::string streamed = tables::message_of([&] { t.add(x.middleRows(10, 10), 11); });
  EXPECT_EQ(streamed, tables::message_of([&] { (void)attune::polychoric(x); }));
  EXPECT_NE(streamed.find("row 13, column 2"), std::string::npos);
  EXPECT_EQ(t.n_rows(), 10);  // the refused chunk changed nothing
  // More categories than max_categories across chunks: the whole span is named, as for the matrix.
  Eigen::MatrixXd wide = tables::answers(30, 3, 4, 0.0, 22);
  wide(25, 0) = 12;
  wide(3, 2) = -1;
  const auto w = tables::in_chunks(wide, 10);
  EXPECT_TRUE(w.exceeds_max_categories());
  EXPECT_EQ(tables::message_of([&] { (void)attune::polychoric(w); }), tables::message_of([&] { (void)attune::polychoric(wide); }));
  EXPECT_NE(tables::message_of([&] { (void)attune::polychoric(w); }).find("-1 to 12"), std::string::npos);
  // Fewer than 2 items or rows, and every answer missing.
  EXPECT_EQ(tables::message_of([&] { (void)attune::polychoric(attune::polychoric_tables(1)); }),
            tables::message_of([&] { (void)attune::polychoric(Eigen::MatrixXd(0, 1)); }));
  EXPECT_EQ(tables::message_of([&] { (void)attune::polychoric(tables::in_chunks(x.topRows(1), 1)); }),
            tables::message_of([&] { (void)attune::polychoric(Eigen::MatrixXd(x.topRows(1))); }));
  const Eigen::MatrixXd none = Eigen::MatrixXd::Constant(5, 2, std::nan(""));
  EXPECT_EQ(tables::message_of([&] { (void)attune::polychoric(tables::in_chunks(none, 2)); }),
            tables::message_of([&] { (void)attune::polychoric(none); }));
  // Tables of other shapes do not merge.
  attune::polychoric_tables three(3), four(4), three_wide(3, 10);
  EXPECT_THROW(three.merge(four), attune::error);
  EXPECT_THROW(three.merge(three_wide), attune::error);
}
