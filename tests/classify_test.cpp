// Tests of attune/classify.hpp. Expected values are hand-computed from the published rules
// (reference/instruments.md sections 1, 5, 7, 9, 11); no R reference exists for these rules.
#include "attune/analyses/classify.hpp"

#include <gtest/gtest.h>

#include <random>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <limits>
#include <sstream>

#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::attachment_style;
using attune::classify_method;
using attune::classify_options;

constexpr double tol_vector = 5e-7;  // instruments.md section 11 prints 6 decimals
constexpr double tol_exact = 1e-12;  // arithmetic that should agree to rounding
const double nan_v = std::numeric_limits<double>::quiet_NaN();

using attune::test::expect_error;

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x(i++) = d;
  return x;
}

classify_options fisher_opts() {
  classify_options o;
  o.method = classify_method::fisher;
  o.range = attune::response_range{1, 7};
  return o;
}

// instruments.md section 11, item 3: (Avoid, Anx) -> secure, fearful, preoccupied, dismissing.
struct fisher_vector {
  double avoid, anx;
  double sec, fea, pre, dis;
  attachment_style winner;
};
const fisher_vector fisher_vectors[] = {
    {1, 1, -2.768922, -16.940574, -14.822402, -9.923443, attachment_style::secure},
    {7, 7, 49.802246, 75.547939, 66.987118, 63.904553, attachment_style::fearful},
    {1, 7, 30.066269, 32.125294, 43.439066, 19.711781, attachment_style::preoccupied},
    {7, 1, 16.967056, 26.482071, 8.725650, 34.269330, attachment_style::dismissing},
    {3, 3, 14.754801, 13.888930, 12.447438, 14.685889, attachment_style::secure},
    {4, 4, 23.516662, 29.303683, 26.082358, 26.990555, attachment_style::fearful},
};

TEST(Classify, FisherTestVectorsOfInstrumentsSection11) {
  for (const auto& t : fisher_vectors) {
    const auto f = attune::fisher_values(t.anx, t.avoid);  // output order: sec, pre, dis, fea
    EXPECT_NEAR(f[0], t.sec, tol_vector) << t.avoid << "," << t.anx;
    EXPECT_NEAR(f[1], t.pre, tol_vector);
    EXPECT_NEAR(f[2], t.dis, tol_vector);
    EXPECT_NEAR(f[3], t.fea, tol_vector);
    const auto r = attune::classify(vec({t.anx}), vec({t.avoid}), fisher_opts());
    EXPECT_EQ(r.styles[0], t.winner) << t.avoid << "," << t.anx;
    EXPECT_EQ(r.n, 1u);
    EXPECT_FALSE(r.rescaled);
  }
}

TEST(Classify, FisherProbabilitiesAreSoftmaxWithEqualPriors) {
  const auto r = attune::classify(vec({3}), vec({3}), fisher_opts());
  // Hand: p_secure = 1 / (1 + sum_k exp(f_k - f_sec)) with the section 11 values at (3, 3).
  const double p_sec = 1.0 / (1.0 + std::exp(12.447438 - 14.754801) +
                              std::exp(14.685889 - 14.754801) + std::exp(13.888930 - 14.754801));
  EXPECT_NEAR(r.probabilities(0, 0), p_sec, 1e-6);
  EXPECT_NEAR(r.probabilities.row(0).sum(), 1.0, tol_exact);
  EXPECT_NEAR(r.probabilities(0, 2) / r.probabilities(0, 0), std::exp(14.685889 - 14.754801), 1e-6);
  // (3, 3) is close to the secure/dismissing boundary: p_secure about .40 < 0.8.
  EXPECT_EQ(r.n_uncertain, 1u);
  const auto far = attune::classify(vec({1}), vec({1}), fisher_opts());
  EXPECT_GT(far.probabilities(0, 0), 0.99);
  EXPECT_EQ(far.n_uncertain, 0u);
}

TEST(Classify, FisherBoundaryDistanceInSemUnits) {
  auto o = fisher_opts();
  o.sem_anxiety = 1.0;
  o.sem_avoidance = 1.0;
  const auto r = attune::classify(vec({3}), vec({3}), o);
  // Hand: the nearest competitor of secure at (3, 3) is dismissing:
  // (f_sec - f_dis) / ||(d anx coef, d avo coef)|| = 0.068912 / hypot(0.5333279, -4.0761325).
  const double expected = (14.754801 - 14.685889) / std::hypot(5.4725318 - 4.9392039, 3.2893296 - 7.3654621);
  EXPECT_NEAR(r.boundary_distance_sem(0), expected, 1e-6);
  EXPECT_EQ(r.could_flip[0], true);
  EXPECT_EQ(r.n_near_boundary, 1u);
}

// The distance is the radius of the largest circle (in SEM units) around the point that stays
// in the style's region: check by walking around circles just inside and just outside it.
TEST(Classify, BoundaryDistanceMatchesABruteForceSearch) {
  auto o = fisher_opts();
  o.sem_anxiety = 0.4;
  o.sem_avoidance = 0.7;
  const Eigen::VectorXd anx = vec({2.2, 4.5, 5.9, 3.1}), avo = vec({2.9, 3.3, 5.0, 4.4});
  const auto r = attune::classify(anx, avo, o);
  for (Eigen::Index i = 0; i < anx.size(); ++i) {
    const double d = r.boundary_distance_sem(i);
    ASSERT_TRUE(std::isfinite(d));
    bool changed_inside = false, changed_outside = false;
    for (int k = 0; k < 3600; ++k) {
      const double t = 2.0 * M_PI * k / 3600.0;
      for (double radius : {d * 0.999, d * 1.001 + 1e-9}) {
        const double a = anx(i) + radius * std::cos(t) * o.sem_anxiety;
        const double v = avo(i) + radius * std::sin(t) * o.sem_avoidance;
        const auto f = attune::fisher_values(a, v);
        const auto w = static_cast<std::size_t>(std::max_element(f.begin(), f.end()) - f.begin());
        if (attune::all_styles[w] != r.styles[static_cast<std::size_t>(i)]) {
          (radius < d ? changed_inside : changed_outside) = true;
        }
      }
    }
    EXPECT_FALSE(changed_inside) << "row " << i;
    EXPECT_TRUE(changed_outside) << "row " << i;
  }
}

TEST(Classify, FisherRangeRules) {
  classify_options o;
  o.method = classify_method::fisher;
  expect_error([&] { attune::classify(vec({3}), vec({3}), o); }, attune::errc::invalid_argument,
               "needs the response range");
  o.range = attune::response_range{1, 5};
  expect_error([&] { attune::classify(vec({3}), vec({3}), o); }, attune::errc::invalid_argument,
               "1-7 scale; these scores are on 1-5");
  o.rescale_to_1_7 = true;
  // 3 on 1-5 -> 1 + 6 * 2 / 4 = 4 on 1-7: the (4, 4) test vector, fearful.
  const auto r = attune::classify(vec({3}), vec({3}), o);
  EXPECT_TRUE(r.rescaled);
  EXPECT_EQ(r.styles[0], attachment_style::fearful);
  EXPECT_NEAR(r.function_values(0, 3), 29.303683, tol_vector);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("rescaled"), std::string::npos);
  // The rescaled SEM distance stays in input units: SEM 0.5 on 1-5 = 0.75 on 1-7.
  o.sem_anxiety = o.sem_avoidance = 0.5;
  auto o7 = fisher_opts();
  o7.sem_anxiety = o7.sem_avoidance = 0.75;
  const auto r5 = attune::classify(vec({2.5}), vec({3.5}), o);
  const auto r7 = attune::classify(vec({3.25}), vec({4.75}), o7);
  EXPECT_NEAR(r5.boundary_distance_sem(0), r7.boundary_distance_sem(0), 1e-9);
  EXPECT_EQ(r5.styles[0], r7.styles[0]);
}

TEST(Classify, ScoreOutsideTheRangeIsAnError) {
  expect_error([&] { attune::classify(vec({3, 7.5}), vec({3, 3}), fisher_opts()); },
               attune::errc::bad_input, "row 2: anxiety score 7.5 is outside the range 1-7");
  expect_error([&] { attune::classify(vec({3}), vec({0.5}), fisher_opts()); },
               attune::errc::bad_input, "row 1: avoidance score 0.5");
}

TEST(Classify, MissingScoresAreUnclassified) {
  const auto r = attune::classify(vec({3, nan_v}), vec({3, 2}), fisher_opts());
  EXPECT_EQ(r.n, 1u);
  EXPECT_EQ(r.styles[1], attachment_style::unclassified);
  EXPECT_EQ(r.n_unclassified, 1u);
  EXPECT_TRUE(std::isnan(r.probabilities(1, 0)));
  EXPECT_FALSE(r.could_flip[1].has_value());
}

TEST(Classify, MidpointSplitWithSemDistances) {
  classify_options o;
  o.method = classify_method::midpoint;
  o.range = attune::response_range{1, 7};
  o.sem_anxiety = 0.5;
  o.sem_avoidance = 0.25;
  // (anx, avo): (2, 2) secure, (5, 2) preoccupied, (2, 5) dismissing, (6, 6) fearful, (4, 3):
  // anxiety exactly 4 counts as low ('> 4 = high') -> secure.
  const auto r = attune::classify(vec({2, 5, 2, 6, 4}), vec({2, 2, 5, 6, 3}), o);
  EXPECT_EQ(r.anxiety_cut, 4.0);
  EXPECT_EQ(r.avoidance_cut, 4.0);
  EXPECT_EQ(r.styles[0], attachment_style::secure);
  EXPECT_EQ(r.styles[1], attachment_style::preoccupied);
  EXPECT_EQ(r.styles[2], attachment_style::dismissing);
  EXPECT_EQ(r.styles[3], attachment_style::fearful);
  EXPECT_EQ(r.styles[4], attachment_style::secure);
  // Hand: row 0 min(|2-4|/0.5, |2-4|/0.25) = min(4, 8) = 4; row 1 min(2, 8) = 2;
  // row 2 min(4, 4) = 4; row 3 min(4, 8) = 4; row 4 min(0, 4) = 0 (on the cut).
  EXPECT_NEAR(r.boundary_distance_sem(0), 4.0, tol_exact);
  EXPECT_NEAR(r.boundary_distance_sem(1), 2.0, tol_exact);
  EXPECT_NEAR(r.boundary_distance_sem(4), 0.0, tol_exact);
  EXPECT_EQ(r.could_flip[1], false);
  EXPECT_EQ(r.could_flip[4], true);
  EXPECT_EQ(r.n_near_boundary, 1u);
  EXPECT_EQ(r.counts[0], 2u);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("exactly on a cut"), std::string::npos);

  o.on_cut = attune::cut_tie::unclassified;
  const auto u = attune::classify(vec({2, 4}), vec({2, 3}), o);
  EXPECT_EQ(u.styles[1], attachment_style::unclassified);
  EXPECT_EQ(u.n_unclassified, 1u);

  classify_options no_range;
  no_range.method = classify_method::midpoint;
  expect_error([&] { attune::classify(vec({2}), vec({2}), no_range); },
               attune::errc::invalid_argument, "'midpoint' needs the response range");
}

TEST(Classify, WithinOneSemCouldFlip) {
  classify_options o;
  o.method = classify_method::midpoint;
  o.range = attune::response_range{1, 5};  // cut 3
  o.sem_anxiety = 0.3;
  o.sem_avoidance = 0.3;
  // |3.3 - 3| / 0.3 = 1 exactly -> could flip (distance <= 1); 3.31 -> 1.0333 -> no.
  const auto r = attune::classify(vec({3.25, 3.4}), vec({1.0, 1.0}), o);
  EXPECT_NEAR(r.boundary_distance_sem(0), 0.25 / 0.3, tol_exact);
  EXPECT_EQ(r.could_flip[0], true);
  EXPECT_NEAR(r.boundary_distance_sem(1), 0.4 / 0.3, 1e-12);
  EXPECT_EQ(r.could_flip[1], false);
}

TEST(Classify, MedianSplit) {
  classify_options o;
  o.method = classify_method::median;
  // anxiety median of {1, 2, 3, 4} (row 4 has no avoidance and is left out) = 2.5;
  // avoidance median of {4, 3, 2, 1} = 2.5.
  const auto r = attune::classify(vec({1, 2, 3, 4, 9}), vec({4, 3, 2, 1, nan_v}), o);
  EXPECT_DOUBLE_EQ(r.anxiety_cut, 2.5);
  EXPECT_DOUBLE_EQ(r.avoidance_cut, 2.5);
  EXPECT_EQ(r.styles[0], attachment_style::dismissing);
  EXPECT_EQ(r.styles[1], attachment_style::dismissing);
  EXPECT_EQ(r.styles[2], attachment_style::preoccupied);
  EXPECT_EQ(r.styles[4], attachment_style::unclassified);
  EXPECT_EQ(r.n, 4u);
  expect_error([&] { attune::classify(vec({nan_v}), vec({1}), o); }, attune::errc::insufficient_data,
               "'median' needs at least one respondent");
}

TEST(Classify, NormsSplit) {
  classify_options o;
  o.method = classify_method::norms;
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "'norms' needs norm means");
  o.norm_anxiety_mean = 3.1;
  o.norm_avoidance_mean = 2.6;
  const auto r = attune::classify(vec({3.2, 3.0}), vec({2.5, 2.7}), o);
  EXPECT_EQ(r.styles[0], attachment_style::preoccupied);
  EXPECT_EQ(r.styles[1], attachment_style::dismissing);
}

TEST(Classify, KmeansFindsAndLabelsFourClusters) {
  // Four tight groups around the quadrant centers (2, 2), (6, 2), (2, 6), (6, 6) (anx, avo).
  std::vector<double> a, v;
  const double centers[4][2] = {{2, 2}, {6, 2}, {2, 6}, {6, 6}};
  for (const auto& c : centers) {
    for (int k = 0; k < 10; ++k) {
      a.push_back(c[0] + 0.05 * (k % 3) - 0.05);
      v.push_back(c[1] + 0.04 * (k % 5) - 0.08);
    }
  }
  const Eigen::VectorXd anx = Eigen::Map<Eigen::VectorXd>(a.data(), static_cast<Eigen::Index>(a.size()));
  const Eigen::VectorXd avo = Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  classify_options o;
  o.method = classify_method::kmeans;
  o.sem_anxiety = o.sem_avoidance = 0.3;
  const auto r = attune::classify(anx, avo, o);
  const attachment_style expect[4] = {attachment_style::secure, attachment_style::preoccupied,
                                      attachment_style::dismissing, attachment_style::fearful};
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(r.styles[i], expect[i / 10]) << i;
  ASSERT_EQ(r.centers.size(), 4u);
  EXPECT_NEAR(r.centers[0].anxiety, 2.0 - 0.05 + 0.05 * (3 + 3 + 3) / 10.0, 1e-12);  // k%3 sums to 9
  EXPECT_EQ(r.n_near_boundary, 0u);  // each point is about 2 / 0.3 SEM from the bisectors
  EXPECT_TRUE(r.warnings.empty() || r.warnings[0].find("kmeans") == std::string::npos);
  // Same seed, same result; the starts are independent streams.
  const auto r2 = attune::classify(anx, avo, o);
  EXPECT_EQ(r.styles, r2.styles);
  EXPECT_EQ(r.within_ss, r2.within_ss);

  o.kmeans_starts = 0;
  expect_error([&] { attune::classify(anx, avo, o); }, attune::errc::invalid_argument, "kmeans_starts = 0");
  o.kmeans_starts = 5;
  o.kmeans_max_iterations = 0;
  expect_error([&] { attune::classify(anx, avo, o); }, attune::errc::invalid_argument,
               "kmeans_max_iterations = 0");
  o.kmeans_max_iterations = 10;
  expect_error([&] { attune::classify(vec({1, 1, 2, 2, 3}), vec({1, 1, 2, 2, 3}), o); },
               attune::errc::insufficient_data, "at least 4 distinct");
}

TEST(Classify, PrototypesNearestPoint) {
  classify_options o;
  o.method = classify_method::prototypes;
  o.prototypes = {{attachment_style::secure, 2, 2}, {attachment_style::fearful, 5, 5}};
  o.sem_anxiety = o.sem_avoidance = 1.0;
  const auto r = attune::classify(vec({2.5, 4.0}), vec({2.5, 4.5}), o);
  EXPECT_EQ(r.styles[0], attachment_style::secure);
  EXPECT_EQ(r.styles[1], attachment_style::fearful);
  // Hand: the bisector of (2,2)-(5,5) is anx + avo = 7; the distance of (2.5, 2.5) to it is
  // |5 - 7| / sqrt(2).
  EXPECT_NEAR(r.boundary_distance_sem(0), 2.0 / std::sqrt(2.0), 1e-12);
  o.prototypes.push_back({attachment_style::secure, 1, 1});
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "two prototypes for style 'secure'");
  o.prototypes = {{attachment_style::secure, 2, 2}};
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "2 to 4 prototypes; got 1");
  o.prototypes = {{attachment_style::secure, 2, 2}, {attachment_style::unclassified, 3, 3}};
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "cannot be 'unclassified'");
  o.prototypes = {{attachment_style::secure, 2, 2}, {attachment_style::fearful, nan_v, 3}};
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "non-finite coordinate");
}

TEST(Classify, OptionAndShapeErrors) {
  classify_options o;
  o.method = classify_method::midpoint;
  o.range = attune::response_range{1, 7};
  expect_error([&] { attune::classify(vec({1, 2}), vec({1}), o); }, attune::errc::invalid_argument,
               "2 anxiety scores but 1 avoidance");
  o.sem_anxiety = -1;
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "sem_anxiety = -1");
  o.sem_anxiety = nan_v;
  o.range = attune::response_range{5, 5};
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "range 5-5");
  o.range = attune::response_range{1, 7};
  o.probability_threshold = 0;
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "probability_threshold = 0");
  o.probability_threshold = 0.8;
  o.method = classify_method::rq;
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "use classify_rq");
  o.method = classify_method::raas;
  expect_error([&] { attune::classify(vec({1}), vec({1}), o); }, attune::errc::invalid_argument,
               "use classify_raas");
}

TEST(Classify, NamesParseAndPrint) {
  for (auto s : attune::all_styles) EXPECT_EQ(attune::parse_attachment_style(attune::to_string(s)), s);
  EXPECT_EQ(attune::parse_attachment_style("Fearful-Avoidant"), attachment_style::fearful);
  EXPECT_FALSE(attune::parse_attachment_style("anxious"));
  EXPECT_EQ(attune::parse_classify_method("KMeans"), classify_method::kmeans);
  EXPECT_EQ(attune::parse_classify_method("raas"), classify_method::raas);
  EXPECT_FALSE(attune::parse_classify_method("lda"));
  EXPECT_EQ(attune::quadrant_style(true, false), attachment_style::preoccupied);
  EXPECT_EQ(attune::quadrant_style(false, true), attachment_style::dismissing);
  EXPECT_EQ(attune::to_string(attune::rq_decision::forced_choice), "forced_choice");
  for (auto d : {attune::rq_decision::highest, attune::rq_decision::forced_choice, attune::rq_decision::tie,
                 attune::rq_decision::missing}) {
    EXPECT_EQ(attune::parse_rq_decision(attune::to_string(d)), d);
  }
  EXPECT_EQ(attune::parse_cut_tie("Unclassified"), attune::cut_tie::unclassified);
  EXPECT_EQ(attune::to_string(attune::cut_tie::low), "low");
  EXPECT_FALSE(attune::parse_cut_tie("maybe"));
  for (auto m : {classify_method::fisher, classify_method::midpoint, classify_method::median, classify_method::norms,
                 classify_method::kmeans, classify_method::prototypes, classify_method::rq, classify_method::raas}) {
    EXPECT_EQ(attune::parse_classify_method(attune::to_string(m)), m);
  }
  EXPECT_FALSE(attune::dimensional_use_note().empty());
}

// ---- RQ: Bartholomew's rule (instruments.md section 5). Columns: secure, fearful,
// preoccupied, dismissing.

TEST(ClassifyRq, HighestRatingAndDimensions) {
  Eigen::MatrixXd x(1, 4);
  x << 6, 2, 3, 5;
  const auto r = attune::classify_rq(x);
  EXPECT_EQ(r.styles[0], attachment_style::secure);
  EXPECT_EQ(r.decisions[0], attune::rq_decision::highest);
  EXPECT_DOUBLE_EQ(r.margin(0), 1.0);
  // Hand: self = (6 + 5) - (3 + 2) = 6; other = (6 + 3) - (5 + 2) = 2.
  EXPECT_DOUBLE_EQ(r.model_of_self(0), 6.0);
  EXPECT_DOUBLE_EQ(r.model_of_other(0), 2.0);
  EXPECT_FALSE(r.note.empty());
}

TEST(ClassifyRq, TwoWayTieWithAndWithoutForcedChoice) {
  Eigen::MatrixXd x(4, 4);
  x << 6, 2, 6, 1,   // secure = preoccupied = 6
      6, 2, 6, 1,    //
      6, 2, 6, 1,    //
      3, 5, 2, 5;    // fearful = dismissing = 5
  const std::vector<attachment_style> fc = {attachment_style::preoccupied,
                                            attachment_style::unclassified,  // no answer
                                            attachment_style::dismissing,    // outside the tie
                                            attachment_style::dismissing};
  const auto r = attune::classify_rq(x, fc);
  EXPECT_EQ(r.styles[0], attachment_style::preoccupied);
  EXPECT_EQ(r.decisions[0], attune::rq_decision::forced_choice);
  EXPECT_EQ(r.styles[1], attachment_style::unclassified);
  EXPECT_EQ(r.decisions[1], attune::rq_decision::tie);
  EXPECT_EQ(r.styles[2], attachment_style::unclassified);
  EXPECT_EQ(r.decisions[2], attune::rq_decision::tie);
  EXPECT_EQ(r.styles[3], attachment_style::dismissing);
  EXPECT_EQ(r.n_tied[0], 2);
  EXPECT_DOUBLE_EQ(r.margin(0), 0.0);
  EXPECT_EQ(r.n_forced_choice_used, 2u);
  EXPECT_EQ(r.n_unclassified, 2u);
  // Without any forced choice column: both ties unclassified.
  const auto none = attune::classify_rq(x);
  EXPECT_EQ(none.n_unclassified, 4u);
}

TEST(ClassifyRq, ThreeWayTie) {
  Eigen::MatrixXd x(2, 4);
  x << 5, 5, 5, 1, 5, 5, 5, 1;
  const auto r = attune::classify_rq(x, {attachment_style::unclassified, attachment_style::fearful});
  EXPECT_EQ(r.styles[0], attachment_style::unclassified);
  EXPECT_EQ(r.decisions[0], attune::rq_decision::tie);
  EXPECT_EQ(r.n_tied[0], 3);
  EXPECT_EQ(r.styles[1], attachment_style::fearful);  // a forced choice within the tie decides
}

TEST(ClassifyRq, MissingRatingsAndForcedChoiceAgreement) {
  Eigen::MatrixXd x(2, 4);
  x << 5, nan_v, 1, 1, 2, 7, 1, 1;
  const auto r = attune::classify_rq(x, {attachment_style::secure, attachment_style::secure});
  EXPECT_EQ(r.decisions[0], attune::rq_decision::missing);
  EXPECT_TRUE(std::isnan(r.model_of_self(0)));
  EXPECT_EQ(r.n, 1u);
  EXPECT_EQ(r.styles[1], attachment_style::fearful);
  EXPECT_EQ(r.n_forced_choice_given, 1u);
  EXPECT_EQ(r.n_forced_choice_agrees, 0u);
  ASSERT_FALSE(r.warnings.empty());
}

TEST(ClassifyRq, ShapeErrorsAndForcedChoiceParsing) {
  expect_error([] { attune::classify_rq(Eigen::MatrixXd::Zero(2, 3)); }, attune::errc::invalid_argument,
               "3 columns; need 4");
  expect_error([] { attune::classify_rq(Eigen::MatrixXd::Zero(2, 4), {attachment_style::secure}); },
               attune::errc::invalid_argument, "1 forced choices for 2 respondents");
  EXPECT_EQ(attune::parse_rq_forced_choice("1"), attachment_style::secure);
  EXPECT_EQ(attune::parse_rq_forced_choice("2"), attachment_style::fearful);
  EXPECT_EQ(attune::parse_rq_forced_choice("3"), attachment_style::preoccupied);
  EXPECT_EQ(attune::parse_rq_forced_choice("4"), attachment_style::dismissing);
  EXPECT_EQ(attune::parse_rq_forced_choice(" Dismissing "), attachment_style::dismissing);
  EXPECT_EQ(attune::parse_rq_forced_choice(""), attachment_style::unclassified);
  EXPECT_EQ(attune::parse_rq_forced_choice("NA"), attachment_style::unclassified);
  EXPECT_FALSE(attune::parse_rq_forced_choice("5"));
  EXPECT_FALSE(attune::parse_rq_forced_choice("unclassified"));
}

// ---- Revised AAS: Collins' rule (instruments.md section 7).

TEST(ClassifyRaas, QuadrantsAndTheMidpointBoundary) {
  // (CD, Anx): secure (3.5, 2), preoccupied (3.5, 4), dismissing (2, 2), fearful (2, 4),
  // on the boundaries: (3, 2), (3.5, 3), (3, 3); just off it: (3 + 1e-6, 3 - 1e-6) secure.
  const Eigen::VectorXd cd = vec({3.5, 3.5, 2, 2, 3, 3.5, 3, 3 + 1e-6});
  const Eigen::VectorXd anx = vec({2, 4, 2, 4, 2, 3, 3, 3 - 1e-6});
  const auto r = attune::classify_raas(cd, anx);
  EXPECT_EQ(r.styles[0], attachment_style::secure);
  EXPECT_EQ(r.styles[1], attachment_style::preoccupied);
  EXPECT_EQ(r.styles[2], attachment_style::dismissing);
  EXPECT_EQ(r.styles[3], attachment_style::fearful);
  EXPECT_EQ(r.styles[4], attachment_style::unclassified);
  EXPECT_EQ(r.styles[5], attachment_style::unclassified);
  EXPECT_EQ(r.styles[6], attachment_style::unclassified);
  EXPECT_EQ(r.styles[7], attachment_style::secure);
  EXPECT_EQ(r.n_unclassified, 3u);
  EXPECT_EQ(r.method, classify_method::raas);
  EXPECT_FALSE(r.note.empty());
}

TEST(ClassifyRaas, FloatingPointMeansExactlyThree) {
  // Close 17/6 and Depend 19/6: CD = (17/6 + 19/6) / 2 is 3 up to rounding -> not classifiable.
  const double cd = (17.0 / 6.0 + 19.0 / 6.0) / 2.0;
  const auto r = attune::classify_raas(vec({cd}), vec({2.0}));
  EXPECT_EQ(r.styles[0], attachment_style::unclassified);
}

TEST(ClassifyRaas, SemDistanceAndErrors) {
  attune::raas_options o;
  o.sem_close_depend = 0.5;
  o.sem_anxiety = 0.25;
  const auto r = attune::classify_raas(vec({3.6, 3}), vec({2.5, 2}), o);
  // Hand: min(|3.6 - 3| / 0.5, |2.5 - 3| / 0.25) = min(1.2, 2) = 1.2.
  EXPECT_NEAR(r.boundary_distance_sem(0), 1.2, 1e-12);
  EXPECT_EQ(r.could_flip[0], false);
  EXPECT_NEAR(r.boundary_distance_sem(1), 0.0, tol_exact);
  expect_error([] { attune::classify_raas(vec({3, 3}), vec({3})); }, attune::errc::invalid_argument,
               "2 close-depend scores but 1 anxiety");
  o.sem_anxiety = 0;
  expect_error([&] { attune::classify_raas(vec({3}), vec({3}), o); }, attune::errc::invalid_argument,
               "sem_anxiety = 0");
  attune::raas_options bad;
  bad.tolerance = -1;
  expect_error([&] { attune::classify_raas(vec({3}), vec({3}), bad); }, attune::errc::invalid_argument,
               "tolerance = -1");
  bad.tolerance = 1e-9;
  bad.midpoint = nan_v;
  expect_error([&] { attune::classify_raas(vec({3}), vec({3}), bad); }, attune::errc::invalid_argument,
               "midpoint = nan");
}

// Golden values from base R (tests/golden/classify.R, R 4.2.2): the four functions, softmax
// probabilities and the first-maximum style on a 0.25 grid of the 1-7 plane plus fixed points.
TEST(Classify, FisherMatchesBaseRGolden) {
  std::ifstream in(attune::test::data_path("classify/fisher.csv"));
  ASSERT_TRUE(in) << "missing tests/data/classify/fisher.csv (run tests/golden/classify.R)";
  std::string line;
  std::getline(in, line);  // header
  constexpr double tol_f = 1e-12;  // function values up to ~76
  constexpr double tol_p = 1e-14;
  double max_f = 0, max_p = 0;
  int rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) c.push_back(cell);
    ASSERT_EQ(c.size(), 11u) << line;
    const double anx = std::stod(c[0]), avo = std::stod(c[1]);
    const auto r = attune::classify(vec({anx}), vec({avo}), fisher_opts());
    for (Eigen::Index k = 0; k < 4; ++k) {
      max_f = std::max(max_f, std::abs(r.function_values(0, k) - std::stod(c[static_cast<std::size_t>(2 + k)])));
      max_p = std::max(max_p, std::abs(r.probabilities(0, k) - std::stod(c[static_cast<std::size_t>(6 + k)])));
    }
    EXPECT_EQ(std::string(attune::to_string(r.styles[0])), c[10]) << anx << ", " << avo;
    ++rows;
  }
  EXPECT_EQ(rows, 629);
  RecordProperty("max_abs_diff_functions", std::to_string(max_f));
  RecordProperty("max_abs_diff_probabilities", std::to_string(max_p));
  std::printf("max |attune - R|: functions %.3g, probabilities %.3g over %d points\n", max_f, max_p, rows);
  EXPECT_LT(max_f, tol_f);
  EXPECT_LT(max_p, tol_p);
}

// Issue 10, F11 and F12: k-means on scores whose squared distances overflow (1e200: SIGSEGV, an
// empty best fit indexed) or underflow (1e-170, denormals: seeding stopped at one center, a heap
// overflow). The same points in another unit give the same clusters: the repro program's data.
TEST(ClassifyKmeans, ScoresOfAnyMagnitudeGiveTheClustersOfTheSameData) {
  std::mt19937_64 g(1);
  std::uniform_int_distribution<int> u(1, 7);
  Eigen::VectorXd anx(200), avo(200);
  for (int i = 0; i < 200; ++i) {
    anx[i] = u(g);
    avo[i] = u(g);
  }
  classify_options o;
  o.method = classify_method::kmeans;
  const auto ref = attune::classify(anx, avo, o);
  ASSERT_EQ(ref.centers.size(), 4u);
  for (double unit : {0x1p600, 0x1p-560, 0x1p-1060, 1e200, 1e-170}) {
    SCOPED_TRACE(unit);
    const auto r = attune::classify(anx * unit, avo * unit, o);
    EXPECT_EQ(r.styles, ref.styles);
    ASSERT_EQ(r.centers.size(), 4u);
    for (std::size_t c = 0; c < 4; ++c) {
      EXPECT_EQ(r.centers[c].style, ref.centers[c].style);
      EXPECT_NEAR(r.centers[c].anxiety / unit, ref.centers[c].anxiety, 1e-9 * std::max(1.0, 1e-300 / unit));
    }
    if (unit == 0x1p600 || unit == 0x1p-560) {  // powers of two: exactly the same arithmetic
      EXPECT_EQ(r.within_ss, std::ldexp(ref.within_ss, unit > 1 ? 1200 : -1120));
    }
  }
  const auto big = attune::classify(anx * 1e200, avo * 1e200, o);
  EXPECT_TRUE(std::isinf(big.within_ss));
  EXPECT_TRUE(std::any_of(big.warnings.begin(), big.warnings.end(),
                          [](const std::string& w) { return w.find("overflows a double") != std::string::npos; }));
}

TEST(ClassifyKmeans, StartsAndIterationsHaveDocumentedMaxima) {
  classify_options o;
  o.method = classify_method::kmeans;
  o.kmeans_starts = attune::max_kmeans_starts + 1;
  expect_error([&] { attune::classify(vec({1, 2, 3, 4}), vec({1, 2, 3, 4}), o); }, attune::errc::invalid_argument,
               "kmeans_starts = 1001; need 1..1000");
  o.kmeans_starts = 1;
  o.kmeans_max_iterations = attune::max_kmeans_iterations + 1;
  expect_error([&] { attune::classify(vec({1, 2, 3, 4}), vec({1, 2, 3, 4}), o); }, attune::errc::invalid_argument,
               "kmeans_max_iterations = 10001; need 1..10000");
}

TEST(ClassifyKmeans, TheFuzzersFilesThroughTheCli) {
  // F11_kmeans_1e200.csv with --scale 1e200-7e200 crashed the CLI (SIGSEGV); F12 likewise at 1e-170.
  for (const auto& [file, scale] : {std::pair{"F11_kmeans_1e200.csv", "1e200-7e200"},
                                    std::pair{"F12_kmeans_1e-170.csv", "1e-170-7e-170"}}) {
    const auto r = attune::test::run_cli("classify '" + attune::test::data_path(std::string("fuzz/") + file) +
                                         "' --instrument ecr-r --scale " + scale + " --method kmeans --format json");
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.err;
    EXPECT_NE(r.out.find("\"fearful\""), std::string::npos) << file;
  }
}

}  // namespace

namespace {

// The 46,610 complete rows of the real ECR data (../shared/data, never copied here), ECR key:
// the default k-means (50 k-means++ starts, Lloyd then Hartigan's transfers) reaches the optimum
// of R's kmeans(nstart = 50) (Hartigan-Wong), which nstart = 1000 does not improve
// (tests/golden/kmeans_ecr.R). Lloyd's iterations alone stopped at worse optima (issue 12).
TEST(RealEcrData, KmeansReachesRsOptimum) {
  const std::string csv = attune::test::unpack_real_ecr_data("kmeans-ecr");
  if (csv.empty()) GTEST_SKIP() << "the real ECR data are absent (../shared/data/openpsychometrics-ecr): skipped";
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<double> anx, avo;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string cell;
    double v[36];
    bool complete = true;
    for (int j = 0; j < 36; ++j) {
      std::getline(ss, cell, ',');
      v[j] = std::stod(cell);
      complete = complete && v[j] != 0;
    }
    if (!complete) continue;
    for (int item : {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}) v[item - 1] = 6 - v[item - 1];
    double a = 0, b = 0;
    for (int j = 0; j < 36; j += 2) {
      b += v[j];      // odd items (Q1, Q3, ...): avoidance
      a += v[j + 1];  // even items: anxiety
    }
    anx.push_back(a / 18);
    avo.push_back(b / 18);
  }
  ASSERT_EQ(anx.size(), 46610u);
  std::map<std::string, double> golden;
  std::ifstream g(attune::test::data_path("classify/kmeans_ecr_golden.csv"));
  while (std::getline(g, line)) golden[line.substr(0, line.find(','))] = std::stod(line.substr(line.find(',') + 1));
  classify_options o;
  o.method = classify_method::kmeans;
  const Eigen::Map<const Eigen::VectorXd> a(anx.data(), static_cast<Eigen::Index>(anx.size()));
  const Eigen::Map<const Eigen::VectorXd> b(avo.data(), static_cast<Eigen::Index>(avo.size()));
  const auto r = attune::classify(a, b, o);
  std::printf("within SS: attune %.10g, R nstart = 50: %.10g, nstart = 1000: %.10g\n", r.within_ss,
              golden.at("within_ss_nstart50"), golden.at("within_ss_nstart1000"));
  EXPECT_LE(r.within_ss, golden.at("within_ss_nstart50") * (1 + 1e-12));
  EXPECT_NEAR(r.within_ss, golden.at("within_ss_nstart1000"), 1e-9 * golden.at("within_ss_nstart1000"));
  std::filesystem::remove_all(std::filesystem::path(csv).parent_path().parent_path());
}

}  // namespace

TEST(Classify, ValidateErrorsNameTheOptionsField) {
  // Issue 12 item 9: every classify_options::validate error carries error_details.option, so the
  // CLI can name its flag (common.cpp option_flags).
  auto option_of = [](const attune::classify_options& o) {
    try {
      o.validate();
    } catch (const attune::error& e) {
      return e.details().option.value_or("(no option)");
    }
    return std::string("(no error)");
  };
  attune::classify_options o;
  o.method = attune::classify_method::kmeans;
  o.range = attune::response_range{1, 7};
  o.kmeans_starts = 0;
  EXPECT_EQ(option_of(o), "classify_options.kmeans_starts");
  o.kmeans_starts = 10;
  o.probability_threshold = 1.5;
  EXPECT_EQ(option_of(o), "classify_options.probability_threshold");
  attune::classify_options m;
  m.method = attune::classify_method::midpoint;
  m.range.reset();
  EXPECT_EQ(option_of(m), "classify_options.range");
  m.range = attune::response_range{1, 7};
  m.sem_anxiety = -1;
  EXPECT_EQ(option_of(m), "classify_options.sem_anxiety");
}
