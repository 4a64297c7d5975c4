// Tests for attune::pairwise_moments: agreement with a direct transcription of R's pairwise
// cov/cor algorithm, chunking and merging, exact serialization, weights, and every error path.
// The R golden values (cov/cor of the generated data sets with missing answers) are checked in
// tests/reliability_test.cpp, which reads tests/data/reliability/ written by tests/golden/reliability.R.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "attune/core/error.hpp"
#include "attune/analyses/moments.hpp"

namespace {

constexpr double tight = 1e-12;  // relative agreement between two exact algorithms
const double nan = std::numeric_limits<double>::quiet_NaN();

// Likert-like data (1..6, mean shifted by item) with a share of missing answers; our own transform
// of mt19937_64 so the data are the same on every platform.
Eigen::MatrixXd make_data(Eigen::Index n, Eigen::Index k, double missing_share, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto u = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index r = 0; r < n; ++r) {
    const double trait = u() * 3.0;
    for (Eigen::Index j = 0; j < k; ++j) {
      double v = std::floor(1.0 + trait + u() * 3.0);
      if (j % 3 == 0) v += 100.0;  // a large offset tests the shifted accumulation
      x(r, j) = u() < missing_share ? nan : v;
    }
  }
  return x;
}

// Direct transcription of R's COR_PAIRWISE (stats/src/cov.c): per pair, means over the pair's
// complete rows, centred cross products, n - 1 denominator; cor divides by the pair's SDs.
void naive_pairwise(const Eigen::MatrixXd& x, Eigen::MatrixXd& cov, Eigen::MatrixXd& cor, Eigen::MatrixXd& n) {
  const Eigen::Index k = x.cols();
  cov.resize(k, k);
  cor.resize(k, k);
  n.resize(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) {
      double cnt = 0, si = 0, sj = 0;
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        if (std::isnan(x(r, i)) || std::isnan(x(r, j))) continue;
        ++cnt;
        si += x(r, i);
        sj += x(r, j);
      }
      n(i, j) = cnt;
      const double mi = si / cnt, mj = sj / cnt;
      double cij = 0, vi = 0, vj = 0;
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        if (std::isnan(x(r, i)) || std::isnan(x(r, j))) continue;
        cij += (x(r, i) - mi) * (x(r, j) - mj);
        vi += (x(r, i) - mi) * (x(r, i) - mi);
        vj += (x(r, j) - mj) * (x(r, j) - mj);
      }
      cov(i, j) = cij / (cnt - 1);
      cor(i, j) = i == j ? 1.0 : cij / std::sqrt(vi * vj);
    }
  }
}

void expect_close(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double tol) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.cols(), b.cols());
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      EXPECT_NEAR(a(i, j), b(i, j), tol * std::max(1.0, std::abs(b(i, j)))) << "at (" << i << ", " << j << ")";
    }
  }
}

TEST(PairwiseMoments, MatchesRPairwiseAlgorithmWithMissing) {
  const Eigen::MatrixXd x = make_data(9000, 7, 0.15, 1);  // > 2 blocks of 4096 rows
  Eigen::MatrixXd cov, cor, n;
  naive_pairwise(x, cov, cor, n);
  attune::pairwise_moments pm(7);
  pm.add(x);
  EXPECT_EQ(pm.n_items(), 7);
  EXPECT_EQ(pm.n_rows(), 9000.0);
  expect_close(pm.counts(), n, 0.0);
  expect_close(pm.covariance(), cov, tight);
  expect_close(pm.correlation(), cor, tight);
  for (Eigen::Index i = 0; i < 7; ++i) {
    double s = 0, c = 0;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      if (!std::isnan(x(r, i))) { s += x(r, i); ++c; }
    }
    EXPECT_NEAR(pm.means()(i), s / c, tight * std::abs(s / c));
  }
}

// Few missing cells (at most one in 8 per 4,096-row block) take the sparse path: per-pair counts
// and sums corrected per missing cell, one symmetric product. It must agree with R's algorithm and
// with the four-product path (which weighted rows, here all weights 1, always take).
TEST(PairwiseMoments, SparseMissingPathMatchesRAndTheProductPath) {
  for (const double share : {0.002, 0.02, 0.1}) {
    const Eigen::MatrixXd x = make_data(9000, 19, share, 11);
    Eigen::MatrixXd cov, cor, n;
    naive_pairwise(x, cov, cor, n);
    attune::pairwise_moments sparse(19), products(19);
    sparse.add(x);
    products.add_weighted(x, Eigen::VectorXd::Ones(x.rows()));
    expect_close(sparse.counts(), n, 0.0);
    expect_close(sparse.covariance(), cov, tight);
    expect_close(sparse.correlation(), cor, tight);
    expect_close(sparse.counts(), products.counts(), 0.0);
    expect_close(sparse.pair_means(), products.pair_means(), tight);
    expect_close(sparse.pair_m2(), products.pair_m2(), tight);
    expect_close(sparse.comoments(), products.comoments(), tight);
    EXPECT_EQ(sparse.n_complete(), products.n_complete());
  }
  // a column with every answer missing in a block, and rows with every answer missing
  Eigen::MatrixXd x = make_data(5000, 12, 0.01, 12);  // 1 cell in 12 missing: the sparse path
  x.col(2).head(4096).setConstant(nan);
  x.row(7).setConstant(nan);
  attune::pairwise_moments sparse(12), products(12);
  sparse.add(x);
  products.add_weighted(x, Eigen::VectorXd::Ones(x.rows()));
  expect_close(sparse.counts(), products.counts(), 0.0);
  expect_close(sparse.covariance(), products.covariance(), tight);
  expect_close(sparse.pair_m2(), products.pair_m2(), tight);
}

TEST(PairwiseMoments, CompleteDataFastPathMatches) {
  const Eigen::MatrixXd x = make_data(5000, 5, 0.0, 2);
  Eigen::MatrixXd cov, cor, n;
  naive_pairwise(x, cov, cor, n);
  attune::pairwise_moments pm;
  pm.add(x);
  EXPECT_EQ(pm.n_complete(), 5000.0);
  expect_close(pm.covariance(), cov, tight);
  expect_close(pm.correlation(), cor, tight);
}

TEST(PairwiseMoments, ChunksAndMergedShardsEqualWholeData) {
  const Eigen::MatrixXd x = make_data(3001, 6, 0.2, 3);
  attune::pairwise_moments whole(6);
  whole.add(x);
  attune::pairwise_moments chunked(6);
  for (Eigen::Index r0 = 0; r0 < x.rows(); r0 += 517) chunked.add(x.middleRows(r0, std::min<Eigen::Index>(517, x.rows() - r0)));
  attune::pairwise_moments a, b, c;
  a.add(x.topRows(1000));
  b.add(x.middleRows(1000, 1));  // a single row
  c.add(x.bottomRows(2000));
  a.merge(b);
  a.merge(c);
  attune::pairwise_moments empty;
  a.merge(empty);  // merging an empty accumulator changes nothing
  for (const auto* pm : {&chunked, &a}) {
    expect_close(pm->covariance(), whole.covariance(), tight);
    expect_close(pm->correlation(), whole.correlation(), tight);
    expect_close(pm->counts(), whole.counts(), 0.0);
    EXPECT_EQ(pm->n_rows(), whole.n_rows());
    EXPECT_EQ(pm->n_complete(), whole.n_complete());
  }
}

TEST(PairwiseMoments, SerializeRoundTripIsExact) {
  const Eigen::MatrixXd x = make_data(777, 4, 0.1, 4);
  attune::pairwise_moments pm;
  pm.add(x);
  const std::string text = pm.serialize();
  const attune::pairwise_moments back = attune::pairwise_moments::deserialize(text);
  EXPECT_EQ(back.serialize(), text);
  EXPECT_EQ(back.n_rows(), pm.n_rows());
  EXPECT_TRUE((back.covariance().array() == pm.covariance().array()).all());
  EXPECT_TRUE((back.comoments().array() == pm.comoments().array()).all());
  // A deserialized shard merges like the original.
  attune::pairwise_moments m1 = pm, m2 = back;
  m1.merge(pm);
  m2.merge(back);
  EXPECT_TRUE((m1.covariance().array() == m2.covariance().array()).all());
}

TEST(PairwiseMoments, WeightsEqualRepeatedRows) {
  const Eigen::MatrixXd x = make_data(300, 4, 0.1, 5);
  Eigen::VectorXd w(300);
  Eigen::Index total = 0;
  for (Eigen::Index r = 0; r < 300; ++r) total += static_cast<Eigen::Index>(w(r) = static_cast<double>(r % 3));
  Eigen::MatrixXd rep(total, 4);
  Eigen::Index at = 0;
  for (Eigen::Index r = 0; r < 300; ++r) {
    for (int t = 0; t < static_cast<int>(w(r)); ++t) rep.row(at++) = x.row(r);
  }
  attune::pairwise_moments weighted, repeated;
  weighted.add_weighted(x, w);
  repeated.add(rep);
  expect_close(weighted.covariance(), repeated.covariance(), tight);
  expect_close(weighted.correlation(), repeated.correlation(), tight);
  expect_close(weighted.counts(), repeated.counts(), 0.0);
}

TEST(PairwiseMoments, ListwiseRowsOnly) {
  Eigen::MatrixXd x = make_data(500, 4, 0.1, 6);
  attune::pairwise_moments lw;
  const Eigen::Index kept = lw.add_complete_rows(x);
  EXPECT_EQ(static_cast<double>(kept), lw.n_rows());
  EXPECT_EQ(lw.n_rows(), lw.n_complete());
  EXPECT_TRUE((lw.counts().array() == static_cast<double>(kept)).all());
  attune::pairwise_moments all;
  all.add(x);
  EXPECT_EQ(all.n_complete(), static_cast<double>(kept));
}

TEST(PairwiseMoments, DegenerateEntriesAreNaN) {
  Eigen::MatrixXd x(4, 3);
  x << 1, 2, nan,
       2, 2, nan,
       3, 2, 5,
       4, 2, nan;
  attune::pairwise_moments pm;
  pm.add(x);
  const Eigen::MatrixXd r = pm.correlation();
  EXPECT_TRUE(std::isnan(r(0, 1)));  // item 1 has zero variance
  EXPECT_TRUE(std::isnan(r(1, 1)));
  EXPECT_TRUE(std::isnan(pm.covariance()(0, 2)));  // one pair only
  EXPECT_EQ(pm.counts()(0, 2), 1.0);
  EXPECT_DOUBLE_EQ(pm.covariance()(0, 0), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(pm.covariance()(1, 1), 0.0);
}

TEST(PairwiseMoments, Errors) {
  attune::pairwise_moments pm(3);
  try {
    pm.add(Eigen::MatrixXd::Zero(2, 4));
    FAIL() << "expected an error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("4 items"), std::string::npos) << e.what();
  }
  Eigen::MatrixXd inf = Eigen::MatrixXd::Ones(3, 3);
  inf(2, 1) = std::numeric_limits<double>::infinity();
  try {
    pm.add(inf);
    FAIL() << "expected an error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_NE(std::string(e.what()).find("row 2, column 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pm.add_weighted(Eigen::MatrixXd::Ones(2, 3), Eigen::VectorXd::Ones(3)), attune::error);
  try {
    pm.add_weighted(Eigen::MatrixXd::Ones(2, 3), Eigen::VectorXd::Constant(2, -1.0));
    FAIL() << "expected an error";
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("at row 0"), std::string::npos) << e.what();
  }
  attune::pairwise_moments other(2);
  other.add(Eigen::MatrixXd::Ones(2, 2));
  EXPECT_THROW(pm.merge(other), attune::error);
  EXPECT_THROW(attune::pairwise_moments(-1), attune::error);
  // Malformed serialized text names the line.
  const std::string good = [] {
    attune::pairwise_moments p;
    p.add(Eigen::MatrixXd::Identity(3, 2));
    return p.serialize();
  }();
  EXPECT_NO_THROW(attune::pairwise_moments::deserialize(good));
  try {
    attune::pairwise_moments::deserialize("hello\n");
    FAIL() << "expected an error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos) << e.what();
  }
  std::string bad = good;
  bad[bad.find("mean\n") + 5] = 'z';  // not replace(): GCC 12 -O3 raises a false -Wrestrict on it
  try {
    attune::pairwise_moments::deserialize(bad);
    FAIL() << "expected an error";
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("line 7"), std::string::npos) << e.what();
  }
  EXPECT_THROW(attune::pairwise_moments::deserialize(good.substr(0, good.rfind('\n', good.size() - 2) + 1)), attune::error);  // last row missing
  EXPECT_THROW(attune::pairwise_moments::deserialize(good + "extra\n"), attune::error);
}

}  // namespace
