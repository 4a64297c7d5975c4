// Tests of attune/analyses/descriptives.hpp: sample SD and median of the finite values, and the
// standard error of measurement (hand-computed values).
#include "attune/analyses/descriptives.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::test::expect_error;
const double nan_v = std::numeric_limits<double>::quiet_NaN();
const double inf_v = std::numeric_limits<double>::infinity();

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x(i++) = d;
  return x;
}

TEST(Descriptives, StandardErrorOfMeasurement) {
  EXPECT_NEAR(attune::standard_error_of_measurement(2.0, 0.91), 2.0 * 0.3, 1e-12);
  EXPECT_DOUBLE_EQ(attune::standard_error_of_measurement(2.0, 1.0), 0.0);
  expect_error([] { attune::standard_error_of_measurement(-1, 0.9); }, attune::errc::invalid_argument, "sd = -1");
  expect_error([] { attune::standard_error_of_measurement(1, 1.2); }, attune::errc::invalid_argument,
               "reliability = 1.2");
}

TEST(Descriptives, SampleSdAndMedianOfTheFiniteValues) {
  // sd of {1, 2, 3, 4} = sqrt(5/3).
  EXPECT_NEAR(attune::sample_sd(vec({1, 2, nan_v, 3, 4})), std::sqrt(5.0 / 3.0), 1e-12);
  EXPECT_NEAR(attune::sample_sd(vec({1, inf_v, 3})), std::sqrt(2.0), 1e-12);
  EXPECT_TRUE(std::isnan(attune::sample_sd(vec({1}))));
  EXPECT_DOUBLE_EQ(attune::sample_median(vec({5, 1, 3})), 3.0);
  EXPECT_DOUBLE_EQ(attune::sample_median(vec({4, 1, 3, 2, nan_v})), 2.5);
  EXPECT_DOUBLE_EQ(attune::sample_median(vec({-inf_v, 7, 1})), 4.0);
  EXPECT_TRUE(std::isnan(attune::sample_median(vec({nan_v}))));
  EXPECT_TRUE(std::isnan(attune::sample_median(Eigen::VectorXd())));
}

}  // namespace
