// Tests of the seeded generator (simulate.hpp).
#include "attune/analyses/simulate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "attune/analyses/scoring.hpp"
#include "test_support.hpp"

namespace {

TEST(Simulate, SameSeedSameDataOtherSeedOtherData) {
  const auto& inst = *attune::find_builtin("ecr-r");
  const auto a = attune::simulate_responses(inst, {.n = 200, .seed = 7});
  const auto b = attune::simulate_responses(inst, {.n = 200, .seed = 7});
  const auto c = attune::simulate_responses(inst, {.n = 200, .seed = 8});
  EXPECT_EQ(attune::responses_to_csv(a), attune::responses_to_csv(b));
  EXPECT_NE(attune::responses_to_csv(a), attune::responses_to_csv(c));
}

TEST(Simulate, AnswersAreCategoriesInRangeWithTheRequestedMissingShare) {
  const auto& inst = *attune::find_builtin("raas");
  const auto d = attune::simulate_responses(inst, {.n = 4000, .missing_rate = 0.1});
  const auto missing = d.values.array().isNaN().count();
  EXPECT_NEAR(static_cast<double>(missing) / static_cast<double>(d.values.size()), 0.1, 0.01);
  for (Eigen::Index i = 0; i < d.values.size(); ++i) {
    const double x = d.values.data()[i];
    if (std::isnan(x)) continue;
    ASSERT_TRUE(x >= 1 && x <= 5 && x == std::floor(x)) << x;
  }
  EXPECT_EQ(d.row_ids.front(), "R000001");
}

TEST(Simulate, KeyedItemsCorrelatePositivelyAndDimensionsAsAsked) {
  const auto& inst = *attune::find_builtin("ecr-r");
  const auto d = attune::simulate_responses(inst, {.n = 5000, .dimension_correlation = 0.5, .missing_rate = 0});
  const auto t = attune::score(inst, d);
  const Eigen::VectorXd a = t.scores.col(0), v = t.scores.col(1);
  const double r = ((a.array() - a.mean()) * (v.array() - v.mean())).mean() /
                   std::sqrt((a.array() - a.mean()).square().mean() * (v.array() - v.mean()).square().mean());
  EXPECT_GT(r, 0.35);  // attenuated by measurement error from 0.5
  EXPECT_LT(r, 0.5);
  // A reversed item (Q9) correlates negatively with a keyed one (Q1) in raw answers.
  const Eigen::VectorXd q1 = d.values.col(0), q9 = d.values.col(8);
  EXPECT_LT(((q1.array() - q1.mean()) * (q9.array() - q9.mean())).mean(), 0);
}

TEST(Simulate, CsvReadsBack) {
  const auto& inst = *attune::find_builtin("ecr-s");
  const auto d = attune::simulate_responses(inst, {.n = 50});
  std::istringstream in(attune::responses_to_csv(d));
  attune::read_options o;
  o.id_column = "id";
  const auto back = attune::read_responses(in, "sim.csv", inst.item_ids(), o);
  EXPECT_TRUE(back.values.array().isNaN().matrix() == d.values.array().isNaN().matrix());
  EXPECT_TRUE((back.values.array().isNaN() || back.values.array() == d.values.array()).all());
  EXPECT_EQ(back.row_ids, d.row_ids);
}

TEST(SimulateErrors, OptionsAreChecked) {
  const auto& inst = *attune::find_builtin("ecr");
  attune::test::expect_error([&] { attune::simulate_responses(inst, {.n = 0}); }, attune::errc::invalid_argument, {"n = 0"});
  attune::test::expect_error([&] { attune::simulate_responses(inst, {.loading = 1.0}); }, attune::errc::invalid_argument,
                             {"loading = 1", "(0, 1)"});
  attune::test::expect_error([&] { attune::simulate_responses(inst, {.missing_rate = 1.0}); },
                             attune::errc::invalid_argument, {"missing_rate = 1"});
}

}  // namespace

namespace {

// simulate_response_chunks hands over the same answers and ids as simulate_responses, in chunks
// (the missing answers come from a second engine that starts where the answers' draws end).
TEST(Simulate, ChunksGiveTheSameAnswersAsTheWholeSample) {
  const auto& inst = *attune::find_builtin("ecr-r");
  const attune::simulation_options o{.n = 1000, .seed = 3, .missing_rate = 0.05};
  const auto whole = attune::simulate_responses(inst, o);
  std::ostringstream chunked;
  std::size_t chunks = 0;
  bool header = true;
  attune::simulate_response_chunks(inst, o, 300, [&](const attune::responses& c) {
    EXPECT_EQ(c.first_row, 1 + 300 * chunks);
    ++chunks;
    attune::write_responses_csv(chunked, c, header);
    header = false;
  });
  EXPECT_EQ(chunks, 4U);
  EXPECT_EQ(chunked.str(), attune::responses_to_csv(whole));
}

}  // namespace
