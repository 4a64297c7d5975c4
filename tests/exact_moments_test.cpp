// exact_moments (include/attune/analyses/exact_moments.hpp): integer sums that any partition of the
// rows reproduces bit for bit, and moments that agree with the floating-point accumulator (and so
// with R's cov(use = "pairwise"), which pairwise_moments is tested against) to rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "attune/analyses/exact_moments.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

// Likert answers 1..7 with about 10% missing, `n` x `k`, seeded.
Eigen::MatrixXd likert(Eigen::Index n, Eigen::Index k, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> answer(1, 7), miss(0, 9);
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    const int trait = answer(gen);
    for (Eigen::Index j = 0; j < k; ++j) {
      x(i, j) = miss(gen) == 0 ? std::nan("") : std::clamp((trait + answer(gen)) / 2, 1, 7);
    }
  }
  return x;
}

TEST(ExactMoments, AnyPartitionInAnyOrderGivesTheSameBits) {
  const Eigen::MatrixXd x = likert(10000, 6, 3);
  attune::exact_moments whole(6);
  ASSERT_TRUE(whole.add(x));
  // Three cuts that do not fall on 4096-row blocks, merged in reverse order.
  attune::exact_moments a(6), b(6), c(6), merged(6);
  ASSERT_TRUE(a.add(x.topRows(1234)));
  ASSERT_TRUE(b.add(x.middleRows(1234, 5000)));
  ASSERT_TRUE(c.add(x.bottomRows(10000 - 6234)));
  ASSERT_TRUE(merged.merge(c));
  ASSERT_TRUE(merged.merge(b));
  ASSERT_TRUE(merged.merge(a));
  EXPECT_EQ(merged.serialize(), whole.serialize());
  EXPECT_EQ(merged.to_moments().serialize(), whole.to_moments().serialize());
  EXPECT_EQ(attune::exact_moments::deserialize(whole.serialize()).serialize(), whole.serialize());
}

// A block with few missing cells takes the item totals minus the rows where the other item is
// missing; one with many takes the mask products. A single row with a missing cell (1 in 6 > 1/8)
// always takes the products and a complete row the totals, so adding row by row must give the same
// integers as adding the whole block, at 2% missing (totals) and 40% (products). Answers -3..3, so
// that an answered 0 (a zero in X0 too) must still count as answered, and negative sums occur.
TEST(ExactMoments, FewAndManyMissingCellsGiveTheSameSumsAsRowByRow) {
  for (const int missing_percent : {2, 40}) {
    std::mt19937 gen(static_cast<unsigned>(17 + missing_percent));
    std::uniform_int_distribution<int> answer(-3, 3), pct(0, 99);
    Eigen::MatrixXd x(5000, 6);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      for (Eigen::Index j = 0; j < x.cols(); ++j) {
        x(i, j) = pct(gen) < missing_percent ? std::nan("") : answer(gen);
      }
    }
    attune::exact_moments whole(6), by_row(6);
    ASSERT_TRUE(whole.add(x));
    for (Eigen::Index i = 0; i < x.rows(); ++i) ASSERT_TRUE(by_row.add(x.middleRows(i, 1)));
    EXPECT_EQ(whole.serialize(), by_row.serialize()) << missing_percent << "% missing";
    // The pair counts against a direct count over the rows.
    const attune::pairwise_moments m = whole.to_moments();
    for (Eigen::Index a = 0; a < 6; ++a) {
      for (Eigen::Index b = 0; b < 6; ++b) {
        double both = 0;
        for (Eigen::Index i = 0; i < x.rows(); ++i) both += !std::isnan(x(i, a)) && !std::isnan(x(i, b)) ? 1 : 0;
        EXPECT_EQ(m.counts()(a, b), both) << missing_percent << "% missing, pair " << a << ", " << b;
      }
    }
  }
}

// The block sums take single precision (every partial sum below 2^24), double precision, or 64-bit
// integers cell by cell, depending on the answers' magnitude and the block's rows; a single row
// and a 4096-row block of the same answers often take different ones. Each must give the integers
// a direct 64-bit count gives: the cross products sum x_i x_j over the rows answering both, and
// the score sums of the rows with m answers.
TEST(ExactMoments, EveryPrecisionOfTheBlockSumsGivesTheDirectIntegers) {
  struct magnitudes {
    int largest;
    Eigen::Index k;
  };
  for (const magnitudes c : {magnitudes{5, 6}, magnitudes{64, 6}, magnitudes{1000, 6}, magnitudes{1 << 20, 4}}) {
    std::mt19937 gen(static_cast<unsigned>(c.largest));
    std::uniform_int_distribution<int> answer(-c.largest, c.largest), pct(0, 99);
    Eigen::MatrixXd x(4500, c.k);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) = pct(gen) < 3 ? std::nan("") : answer(gen);
    }
    x(7, 0) = c.largest;  // the bound itself, so that the largest magnitude is reached
    x(8, 1) = -c.largest;
    attune::exact_moments whole(c.k), by_row(c.k);
    ASSERT_TRUE(whole.add(x)) << c.largest;
    for (Eigen::Index i = 0; i < 200; ++i) ASSERT_TRUE(by_row.add(x.middleRows(i, 1)));
    ASSERT_TRUE(by_row.add(x.bottomRows(x.rows() - 200)));
    EXPECT_EQ(whole.serialize(), by_row.serialize()) << c.largest;
    // The direct sums, in the order of the serialized "cross" and "m_cross" tables.
    std::vector<long long> cross(static_cast<std::size_t>(c.k * c.k), 0), m_cross(cross.size(), 0);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      long long s = 0, m = 0;
      for (Eigen::Index j = 0; j < c.k; ++j) {
        if (!std::isnan(x(r, j))) s += static_cast<long long>(x(r, j)), ++m;
      }
      for (Eigen::Index j = 0; j < c.k; ++j) {
        if (std::isnan(x(r, j))) continue;
        const auto xj = static_cast<long long>(x(r, j));
        m_cross[static_cast<std::size_t>(m - 1 + j * c.k)] += s * xj;
        for (Eigen::Index i = 0; i < c.k; ++i) {
          if (!std::isnan(x(r, i))) cross[static_cast<std::size_t>(i + j * c.k)] += static_cast<long long>(x(r, i)) * xj;
        }
      }
    }
    auto line = [](const std::vector<long long>& v, const std::string& name) {
      std::string out = name;
      for (const long long t : v) out += " " + std::to_string(t);
      return out + "\n";
    };
    const std::string text = whole.serialize();
    EXPECT_NE(text.find(line(cross, "cross")), std::string::npos) << c.largest;
    EXPECT_NE(text.find(line(m_cross, "m_cross")), std::string::npos) << c.largest;
  }
}

TEST(ExactMoments, AgreesWithTheFloatingPointMomentsOfItemsAndScore) {
  const Eigen::MatrixXd x = likert(3000, 5, 11);
  attune::exact_moments ex(5);
  ASSERT_TRUE(ex.add(x));
  // The score column as reliability_accumulator forms it: the mean of the answered items.
  Eigen::MatrixXd aug(x.rows(), 6);
  aug.leftCols(5) = x;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double s = 0, m = 0;
    for (Eigen::Index j = 0; j < 5; ++j) {
      if (!std::isnan(x(i, j))) s += x(i, j), m += 1;
    }
    aug(i, 5) = m > 0 ? s / m : std::nan("");
  }
  attune::pairwise_moments fp;
  fp.add(aug);
  const attune::pairwise_moments em = ex.to_moments();
  EXPECT_EQ(em.n_rows(), fp.n_rows());
  EXPECT_EQ(em.n_complete(), fp.n_complete());
  EXPECT_TRUE(em.counts() == fp.counts());
  const Eigen::MatrixXd d = em.covariance() - fp.covariance();
  EXPECT_LT(d.cwiseAbs().maxCoeff(), 1e-12 * fp.covariance().cwiseAbs().maxCoeff());
  EXPECT_LT((em.correlation() - fp.correlation()).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_LT((em.means() - fp.means()).cwiseAbs().maxCoeff(), 1e-14);
}

// Without the score (the answer checks' form): the k items' moments, the same counts and to
// rounding the same covariances as the floating-point accumulator of the items, identical for any
// partition; an accumulator of the other kind is not merged, and this one is not serialized.
TEST(ExactMoments, ItemsOnlyGiveTheItemsMomentsAndMergeOnlyWithTheirKind) {
  const Eigen::MatrixXd x = likert(6000, 5, 21);
  attune::exact_moments items(5, false), parts(5, false), a(5, false), b(5, false);
  ASSERT_TRUE(items.add(x));
  ASSERT_TRUE(a.add(x.topRows(2500)));
  ASSERT_TRUE(b.add(x.bottomRows(3500)));
  ASSERT_TRUE(parts.merge(b));
  ASSERT_TRUE(parts.merge(a));
  const attune::pairwise_moments em = items.to_moments(), ep = parts.to_moments();
  EXPECT_EQ(em.serialize(), ep.serialize());
  attune::pairwise_moments fp;
  fp.add(x);
  ASSERT_EQ(em.n_items(), 5);
  EXPECT_EQ(em.n_rows(), fp.n_rows());
  EXPECT_EQ(em.n_complete(), fp.n_complete());
  EXPECT_TRUE(em.counts() == fp.counts());
  EXPECT_LT((em.covariance() - fp.covariance()).cwiseAbs().maxCoeff(), 1e-12 * fp.covariance().cwiseAbs().maxCoeff());
  EXPECT_LT((em.means() - fp.means()).cwiseAbs().maxCoeff(), 1e-14);
  // The items' block of the accumulator with the score is the same moments, bit for bit.
  attune::exact_moments with_score(5);
  ASSERT_TRUE(with_score.add(x));
  const attune::pairwise_moments ws = with_score.to_moments();
  EXPECT_TRUE(ws.covariance().topLeftCorner(5, 5) == em.covariance());
  EXPECT_THROW((void)items.merge(with_score), attune::error);
  EXPECT_THROW((void)items.serialize(), attune::error);
}

TEST(ExactMoments, RefusesNonIntegersAndReliabilityFallsBackOnFloatingPoint) {
  Eigen::MatrixXd x = likert(200, 4, 5);
  attune::exact_moments ex(4);
  const std::string before = ex.serialize();
  Eigen::MatrixXd half = x;
  half(150, 2) = 3.5;
  EXPECT_FALSE(ex.add(half));
  EXPECT_EQ(ex.serialize(), before) << "a refused add leaves the sums unchanged";
  Eigen::MatrixXd huge = x;
  huge(0, 0) = 2e6;  // above exact_max_answer
  EXPECT_FALSE(ex.add(huge));
  for (const double bad : {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           attune::exact_max_answer + 1.0, 1e-300, -2.5}) {
    Eigen::MatrixXd y = likert(5000, 4, 9);
    y(4800, 3) = bad;  // in the second 4096-row block: the first block's sums must not stay
    EXPECT_FALSE(ex.add(y)) << bad;
    EXPECT_EQ(ex.serialize(), before) << bad;
  }
  Eigen::MatrixXd edge = x;
  edge(0, 0) = attune::exact_max_answer;
  edge(1, 0) = -0.0;
  EXPECT_TRUE(attune::exact_moments(4).add(edge)) << "the bound itself, and -0, are eligible";

  attune::reliability_accumulator acc(4);
  acc.add(x.topRows(100));
  EXPECT_TRUE(acc.exact());
  acc.add(half.bottomRows(100));
  EXPECT_FALSE(acc.exact());
  attune::reliability_options o;
  const double from_acc = attune::analyze_reliability(acc, o).alpha;
  Eigen::MatrixXd all(200, 4);
  all << x.topRows(100), half.bottomRows(100);
  EXPECT_NEAR(from_acc, attune::analyze_reliability(all, o).alpha, 1e-12);
  // The floating-point state round-trips (version 1), the exact one too (version 2).
  EXPECT_EQ(acc.serialize().rfind("attune-reliability-accumulator 1 ", 0), 0u);
  attune::reliability_accumulator exact(4);
  exact.add(x);
  EXPECT_EQ(exact.serialize().rfind("attune-reliability-accumulator 2 ", 0), 0u);
  EXPECT_EQ(attune::reliability_accumulator::deserialize(exact.serialize()).serialize(), exact.serialize());
}

TEST(ExactMoments, HostileTextIsAClearError) {
  using attune::test::expect_error;
  expect_error([] { (void)attune::exact_moments::deserialize("attune-exact-moments 2 3 10\n"); }, attune::errc::bad_input,
               "line 1");
  expect_error([] { (void)attune::exact_moments::deserialize("attune-exact-moments 1 9999 10\n"); },
               attune::errc::bad_input, {"line 1", "bytes of text"});
  expect_error([] { (void)attune::exact_moments::deserialize("attune-exact-moments 1 99999 10\n"); },
               attune::errc::bad_input, "holds 1 to");
  attune::exact_moments ex(2);
  Eigen::MatrixXd x(3, 2);
  x << 1, 2, 2, 3, 3, 5;
  ASSERT_TRUE(ex.add(x));
  std::string text = ex.serialize();
  // A count above the rows.
  const auto at = text.find("\nn 3");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 4, "\nn 9");
  expect_error([&] { (void)attune::exact_moments::deserialize(text); }, attune::errc::bad_input, "a count of 9");
  // A sum beyond 2^62.
  std::string big = ex.serialize();
  big.replace(big.find("\nsum ") + 5, 1, "9999999999999999999");
  expect_error([&] { (void)attune::exact_moments::deserialize(big); }, attune::errc::bad_input, "within +-2^62");
}

}  // namespace
