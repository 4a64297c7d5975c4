// Tests of attune/profiles.hpp: Gaussian mixtures with mclust's covariance models.
//
// Golden values: tests/golden/profiles.R (mclust 6.0.0, R 4.2.2) wrote under tests/data/profiles/
//   <set>_mclust.csv  per model and k = 1..6: df, logLik, BIC, ICL, relative entropy of
//                     Mclust(x, G = k, modelNames = model) with mclust's defaults (hierarchical
//                     start, EM tolerance 1e-5), and logLik, BIC with EM tolerance 1e-10 (_tight)
//   <set>_hc.csv      hclass(hc(x, "VVV", use = "SVD"), 2:6), mclust's initial partitions
//   <set>_prior.csv   logLik, BIC with priorControl() (tolerance 1e-10)
// for set = mixture (a generated 4-profile mixture, N = 600) and sample (the two ECR-R scores of
// examples/data/ecr-r-sample.csv, N = 500).
//
// Where the comparison differs from mclust on purpose, the test says why:
// - VVE: mclust 6.0.0's orientation step leaves the volumes lambda_k out of the objective it
//   minimises (sum_k tr(D A_k^-1 D^T W_k) instead of sum_k tr(D A_k^-1 D^T W_k) / lambda_k), so
//   its EM does not maximise the VVE likelihood exactly; attune's does, and reaches at least
//   mclust's log-likelihood.
// - EII with a prior: mclust leaves the prior scale out of its EII M-step; attune follows
//   Fraley & Raftery (2007) and is checked against the closed form.
// - EEI with a prior: mclust 6.0.0's EEI EM does not shrink the means towards the prior mean and
//   its K = 1 routine divides by nu + n + 3 instead of nu + n + 2; attune shrinks the means (the
//   posterior mode) for every K. EEI is compared with mclust for K >= 2 within 2e-5 (the
//   difference is of order kappa / n) and at K = 1 with the closed form.
#include "attune/analyses/profiles.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <random>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "attune/analyses/cluster.hpp"
#include "attune/core/error.hpp"
#include "profiles_golden_io.hpp"
#include "test_support.hpp"

namespace {

using attune::covariance_model;
using attune::errc;
using attune::fit_profiles;
using attune::mixture_fit;
using attune::mixture_options;
using attune::mixture_result;
using attune::test::expect_error;

// The tolerance for agreement with mclust on the same solution.
constexpr double golden_tolerance = 1e-6;
constexpr double entropy_tolerance = 1e-5;
const double nan_v = std::numeric_limits<double>::quiet_NaN();

using attune::test::read_profiles_matrix;

Eigen::MatrixXd read_data(const std::string& set) { return attune::test::read_profiles_scores(set); }
Eigen::MatrixXd read_matrix(const std::string& name, std::size_t skip = 0) { return read_profiles_matrix(name, skip); }

struct golden_row {
  double df, loglik, bic, icl, entropy, loglik_tight, bic_tight;
};

// <set>_mclust.csv keyed by (model, k).
std::map<std::pair<std::string, std::size_t>, golden_row> read_mclust(const std::string& set) {
  const auto rows = attune::test::parse_csv(attune::test::read_file(attune::test::data_path("profiles/" + set + "_mclust.csv")));
  std::map<std::pair<std::string, std::size_t>, golden_row> out;
  auto num = [](const std::string& c) { return c == "NA" ? nan_v : std::stod(c); };
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out[{r[0], std::stoul(r[1])}] = {num(r[2]), num(r[3]), num(r[4]), num(r[5]), num(r[6]), num(r[7]), num(r[8])};
  }
  return out;
}

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

mixture_options all_models() {
  mixture_options o;
  o.models.assign(attune::all_covariance_models.begin(), attune::all_covariance_models.end());
  return o;
}

// A mixture on the attachment plane drawn with the library's generator stream (seeded).
Eigen::MatrixXd generated(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  auto u = [&] { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; };
  auto normal = [&] { return std::sqrt(-2.0 * std::log(u())) * std::cos(6.283185307179586 * u()); };
  const double mu[3][2] = {{2.5, 2.5}, {5.0, 2.8}, {3.0, 5.0}};
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 2);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const auto k = static_cast<std::size_t>(i % 3);
    x(i, 0) = mu[k][0] + 0.5 * normal();
    x(i, 1) = mu[k][1] + 0.6 * normal();
  }
  return x;
}

// ---------------------------------------------------------------------------------------------

TEST(Profiles, ModelNamesRoundTrip) {
  for (const covariance_model m : attune::all_covariance_models) {
    EXPECT_EQ(attune::parse_covariance_model(attune::to_string(m)), m);
  }
  EXPECT_EQ(attune::parse_covariance_model("vvv"), covariance_model::VVV);
  EXPECT_FALSE(attune::parse_covariance_model("VVX").has_value());
  EXPECT_FALSE(attune::parse_covariance_model("").has_value());
  EXPECT_EQ(attune::parse_mixture_start("Random"), attune::mixture_start::random);
  EXPECT_EQ(attune::to_string(attune::mixture_start::hierarchical), "hierarchical");
  EXPECT_EQ(attune::parse_label_reference("sample-mean"), attune::label_reference::sample_mean);
  EXPECT_EQ(attune::to_string(attune::label_reference::midpoint), "midpoint");
  EXPECT_FALSE(attune::parse_label_reference("median").has_value());
}

TEST(Profiles, ParameterCountsAreMclusts) {
  // d = 2 against the df column that mclust wrote (nMclustParams), k = 1..6, every model.
  const auto g = read_mclust("mixture");
  for (const auto& [key, row] : g) {
    const auto m = *attune::parse_covariance_model(key.first);
    EXPECT_EQ(static_cast<double>(attune::mixture_parameter_count(m, 2, key.second)), row.df) << key.first << key.second;
  }
  // d = 5, k = 3: mclust's nVarParams (printed by mclust 6.0.0).
  const std::pair<covariance_model, std::size_t> d5[] = {
      {covariance_model::EII, 1},  {covariance_model::VII, 3},  {covariance_model::EEI, 5},
      {covariance_model::VEI, 7},  {covariance_model::EVI, 13}, {covariance_model::VVI, 15},
      {covariance_model::EEE, 15}, {covariance_model::VEE, 17}, {covariance_model::EVE, 23},
      {covariance_model::VVE, 25}, {covariance_model::EEV, 35}, {covariance_model::VEV, 37},
      {covariance_model::EVV, 43}, {covariance_model::VVV, 45}};
  for (const auto& [m, n] : d5) {
    EXPECT_EQ(attune::covariance_parameter_count(m, 5, 3), n) << attune::to_string(m);
    EXPECT_EQ(attune::mixture_parameter_count(m, 5, 3), n + 2 + 15) << attune::to_string(m);
  }
}

class ProfilesGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ProfilesGolden, HierarchicalPartitionsEqualMclustHclass) {
  const std::string set = GetParam();
  const auto parts = attune::model_based_partitions(read_data(set), 6);
  const Eigen::MatrixXd gold = read_matrix(set + "_hc.csv");
  ASSERT_EQ(parts.size(), 5u);
  for (std::size_t k = 2; k <= 6; ++k) {
    std::vector<int> theirs(parts[k - 2].size());
    for (std::size_t i = 0; i < theirs.size(); ++i) theirs[i] = static_cast<int>(gold(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k - 2)));
    // Same partition, up to the labels (hclass and attune both number by first appearance).
    EXPECT_DOUBLE_EQ(attune::adjusted_rand_index(parts[k - 2], theirs), 1.0) << set << " k = " << k;
    EXPECT_EQ(parts[k - 2], theirs) << set << " k = " << k;
  }
}

TEST_P(ProfilesGolden, MclustsDefaultsReproduceMclust) {
  // One start (mclust's hierarchical one) and mclust's EM tolerance 1e-5: the same EM path, so
  // the same log-likelihood, BIC, ICL and entropy.
  const std::string set = GetParam();
  const auto gold = read_mclust(set);
  mixture_options o = all_models();
  o.starts = 1;
  o.tolerance = 1e-5;
  const mixture_result r = fit_profiles(read_data(set), o);
  ASSERT_EQ(r.fits.size(), 14u * 6u);
  std::size_t compared = 0;
  for (const mixture_fit& f : r.fits) {
    const std::string name(attune::to_string(f.model));
    SCOPED_TRACE(set + " " + name + " k = " + std::to_string(f.k));
    const golden_row& g = gold.at({name, f.k});
    ASSERT_TRUE(f.loglik.has_value());
    EXPECT_EQ(f.starts, 1u);
    EXPECT_EQ(f.best_start_kind, attune::mixture_start::hierarchical);
    if (f.model == covariance_model::VVE && f.k > 1) continue;  // see the file comment
    EXPECT_LE(rel(*f.loglik, g.loglik), golden_tolerance) << *f.loglik << " vs " << g.loglik;
    EXPECT_LE(rel(*f.bic, g.bic), golden_tolerance);
    EXPECT_LE(rel(*f.icl, g.icl), golden_tolerance);
    // The entropy moves more than the log-likelihood with where a loose EM stops: VEI, VEE, VEV
    // and EVE, whose inner loops stop at sqrt(eps), differ from mclust by up to 2e-8 in the
    // log-likelihood and 1.5e-6 in the entropy (sample, EVE, K = 4).
    if (f.k > 1) {
      EXPECT_NEAR(*f.entropy, g.entropy, entropy_tolerance);
    }
    ++compared;
  }
  EXPECT_EQ(compared, 13u * 6u + 1u);
}

TEST_P(ProfilesGolden, BestOfStartsIsNeverBelowMclust) {
  // attune's defaults (10 starts, tolerance 1e-8) against mclust's default and converged
  // (tolerance 1e-10) fits: never below by more than 1e-6 relative; where both reach the same
  // maximum (within 1e-6), that is most fits, they agree within 1e-6.
  const std::string set = GetParam();
  const auto gold = read_mclust(set);
  const mixture_result r = fit_profiles(read_data(set), all_models());
  std::size_t same = 0, higher = 0;
  for (const mixture_fit& f : r.fits) {
    const std::string name(attune::to_string(f.model));
    SCOPED_TRACE(set + " " + name + " k = " + std::to_string(f.k));
    const golden_row& g = gold.at({name, f.k});
    ASSERT_TRUE(f.loglik.has_value());
    EXPECT_GE(*f.loglik, g.loglik - golden_tolerance * std::abs(g.loglik));
    EXPECT_GE(*f.loglik, g.loglik_tight - golden_tolerance * std::abs(g.loglik_tight));
    if (rel(*f.loglik, g.loglik_tight) <= golden_tolerance) {
      ++same;
      EXPECT_LE(rel(*f.bic, g.bic_tight), golden_tolerance);
    } else {
      ++higher;
    }
    EXPECT_GE(f.starts_at_best, 1u);
  }
  EXPECT_EQ(same + higher, 84u);
  EXPECT_GE(same, 40u) << "attune and converged mclust should reach the same maximum in most fits";
  // The best model by BIC (mclust's rule) is one of the fits and has the highest bic.
  ASSERT_TRUE(r.best.has_value());
  for (const auto& f : r.fits) EXPECT_LE(*f.bic, *r.fits[r.best->fit].bic);
  EXPECT_EQ(r.best->rule, "highest bic");
}

TEST_P(ProfilesGolden, ConjugatePriorEqualsMclustPriorControl) {
  const std::string set = GetParam();
  const auto rows = attune::test::parse_csv(attune::test::read_file(attune::test::data_path("profiles/" + set + "_prior.csv")));
  mixture_options o;
  o.models = {covariance_model::VII, covariance_model::EEI, covariance_model::VVI, covariance_model::EEE,
              covariance_model::VVV};
  o.starts = 1;
  o.tolerance = 1e-10;
  o.prior = attune::mixture_prior{};
  const mixture_result r = fit_profiles(read_data(set), o);
  std::size_t compared = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto model = *attune::parse_covariance_model(rows[i][0]);
    const std::size_t k = std::stoul(rows[i][1]);
    if (model == covariance_model::EEI && k == 1) continue;  // see the file comment
    const double tolerance = model == covariance_model::EEI ? 2e-5 : golden_tolerance;
    for (const auto& f : r.fits) {
      if (f.model != model || f.k != k) continue;
      SCOPED_TRACE(set + " " + rows[i][0] + " k = " + rows[i][1]);
      ASSERT_TRUE(f.loglik.has_value());
      EXPECT_LE(rel(*f.loglik, std::stod(rows[i][2])), tolerance) << *f.loglik << " vs " << rows[i][2];
      EXPECT_LE(rel(*f.bic, std::stod(rows[i][3])), tolerance);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 29u);
}

INSTANTIATE_TEST_SUITE_P(Sets, ProfilesGolden, ::testing::Values("mixture", "sample"));

TEST(Profiles, EiiAndEeiPriorsAreTheirClosedForms) {
  // K = 1, prior mean = the data mean, so mu = xbar and d_k = 0; s_P = tr(S) / d (mclust's
  // default scale for K = 1), nu_P = d + 2, kappa_P = 0.01 > 0:
  //   EII: sigma^2 = (s_P + tr W) / (nu_P + (n + 1) d + 2),
  //   EEI: Sigma_jj = (s_P + W_jj) / (nu_P + n + 2).
  const Eigen::MatrixXd x = read_data("mixture");
  mixture_options o;
  o.models = {covariance_model::EII, covariance_model::EEI};
  o.k_max = 1;
  o.prior = attune::mixture_prior{};
  const mixture_result r = fit_profiles(x, o);
  const double n = static_cast<double>(x.rows()), d = 2.0;
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const Eigen::MatrixXd centred = x.rowwise() - mean;
  const double trW = centred.squaredNorm();
  const double sP = trW / (n - 1.0) / d;
  const double eii = (sP + trW) / ((d + 2.0) + (n + 1.0) * d + 2.0);
  ASSERT_TRUE(r.fits[0].loglik.has_value());
  EXPECT_NEAR(r.fits[0].covariances[0](0, 0), eii, 1e-12 * eii);
  EXPECT_NEAR(r.fits[0].covariances[0](1, 1), eii, 1e-12 * eii);
  EXPECT_NEAR(r.fits[0].covariances[0](0, 1), 0.0, 1e-15);
  EXPECT_NEAR((r.fits[0].means.row(0) - mean).norm(), 0.0, 1e-12);
  ASSERT_TRUE(r.fits[1].loglik.has_value());
  for (Eigen::Index j = 0; j < 2; ++j) {
    const double eei = (sP + centred.col(j).squaredNorm()) / ((d + 2.0) + n + 2.0);
    EXPECT_NEAR(r.fits[1].covariances[0](j, j), eei, 1e-12 * eei);
  }
}

TEST(Profiles, CriteriaFollowTheirFormulas) {
  const Eigen::MatrixXd x = read_data("mixture");
  mixture_options o;
  o.models = {covariance_model::VVV, covariance_model::EEI};
  o.k_max = 4;
  const mixture_result r = fit_profiles(x, o);
  EXPECT_EQ(r.n, 600u);
  EXPECT_EQ(r.n_missing, 0u);
  EXPECT_EQ(r.d, 2u);
  const double log_n = std::log(600.0);
  for (const auto& f : r.fits) {
    SCOPED_TRACE(std::string(attune::to_string(f.model)) + " " + std::to_string(f.k));
    ASSERT_TRUE(f.loglik && f.bic && f.bic_min && f.aic && f.icl);
    const double df = static_cast<double>(f.df);
    EXPECT_NEAR(*f.bic, 2.0 * *f.loglik - df * log_n, 1e-9);
    EXPECT_NEAR(*f.bic_min, -*f.bic, 1e-9);
    EXPECT_NEAR(*f.aic, -2.0 * *f.loglik + 2.0 * df, 1e-9);
    EXPECT_LE(*f.icl, *f.bic + 1e-9);  // ICL adds 2 sum log z <= 0
    if (f.k == 1) {
      EXPECT_FALSE(f.entropy.has_value());
      EXPECT_NEAR(*f.icl, *f.bic, 1e-12);
    } else {
      ASSERT_TRUE(f.entropy.has_value());
      EXPECT_GE(*f.entropy, 0.0);
      EXPECT_LE(*f.entropy, 1.0);
    }
    std::size_t total = 0;
    for (const auto s : f.sizes) total += s;
    EXPECT_EQ(total, 600u);
    EXPECT_EQ(*f.smallest, *std::min_element(f.sizes.begin(), f.sizes.end()));
    double pro = 0.0;
    for (const double p : f.proportions) pro += p;
    EXPECT_NEAR(pro, 1.0, 1e-12);
    EXPECT_EQ(f.means.rows(), static_cast<Eigen::Index>(f.k));
    EXPECT_TRUE(f.converged);
  }
  // Four generated profiles; BIC prefers the 13 parameters of EEI to the 23 of VVV (mclust's
  // BICs: EEI -3462.9, VVV -3489.9).
  ASSERT_TRUE(r.best.has_value());
  EXPECT_EQ(r.best->model, covariance_model::EEI);
  EXPECT_EQ(r.best->k, 4u);
  EXPECT_EQ(r.best->fit, 7u);  // EEI after the four VVV fits, K = 4
}

TEST(Profiles, PosteriorsModalProfileUncertaintyAndTheMplusTable) {
  const Eigen::MatrixXd x = read_data("mixture");
  mixture_options o;
  o.models = {covariance_model::VVV};
  o.k_min = 4;
  o.k_max = 4;
  const mixture_result r = fit_profiles(x, o);
  ASSERT_TRUE(r.membership.has_value());
  const auto& m = *r.membership;
  ASSERT_EQ(m.posterior.rows(), 600);
  ASSERT_EQ(m.posterior.cols(), 4);
  Eigen::MatrixXd table = Eigen::MatrixXd::Zero(4, 4);
  std::vector<double> count(4, 0.0);
  for (Eigen::Index i = 0; i < 600; ++i) {
    EXPECT_NEAR(m.posterior.row(i).sum(), 1.0, 1e-12);
    Eigen::Index top = 0;
    m.posterior.row(i).maxCoeff(&top);
    ASSERT_TRUE(m.profile[static_cast<std::size_t>(i)].has_value());
    EXPECT_EQ(*m.profile[static_cast<std::size_t>(i)], top + 1);
    EXPECT_NEAR(m.uncertainty(i), 1.0 - m.posterior(i, top), 1e-15);
    table.row(top) += m.posterior.row(i);
    count[static_cast<std::size_t>(top)] += 1.0;
  }
  for (Eigen::Index j = 0; j < 4; ++j) {
    EXPECT_NEAR((m.average_posterior.row(j) - table.row(j) / count[static_cast<std::size_t>(j)]).norm(), 0.0, 1e-12);
    EXPECT_GT(m.average_posterior(j, j), 0.8);  // well separated profiles
    EXPECT_EQ(r.fits[0].sizes[static_cast<std::size_t>(j)], static_cast<std::size_t>(count[static_cast<std::size_t>(j)]));
  }
  // classify_profiles gives the same posteriors from the fit's estimates.
  const auto again = attune::classify_profiles(x, r.fits[0]);
  EXPECT_LE((again.posterior - m.posterior).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_EQ(again.profile, m.profile);
}

TEST(Profiles, RowsWithMissingValuesAreLeftOutAndCounted) {
  Eigen::MatrixXd x = read_data("mixture");
  const Eigen::MatrixXd complete = x.bottomRows(590);
  x(3, 0) = nan_v;
  x(7, 1) = nan_v;
  for (Eigen::Index i = 0; i < 10; ++i) x(i, i % 2) = nan_v;  // rows 0..9 incomplete
  mixture_options o;
  o.models = {covariance_model::EEE};
  o.k_max = 3;
  const mixture_result r = fit_profiles(x, o);
  const mixture_result rc = fit_profiles(complete, o);
  EXPECT_EQ(r.n, 590u);
  EXPECT_EQ(r.n_missing, 10u);
  EXPECT_EQ(r.n_rows, 600u);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("10 of 600 rows left out"), std::string::npos) << r.warnings[0];
  for (std::size_t f = 0; f < r.fits.size(); ++f) EXPECT_DOUBLE_EQ(*r.fits[f].loglik, *rc.fits[f].loglik);
  const auto& m = *r.membership;
  EXPECT_EQ(m.n, 590u);
  for (Eigen::Index i = 0; i < 10; ++i) {
    EXPECT_FALSE(m.profile[static_cast<std::size_t>(i)].has_value());
    EXPECT_TRUE(std::isnan(m.uncertainty(i)));
    EXPECT_TRUE(std::isnan(m.posterior(i, 0)));
  }
  EXPECT_TRUE(m.profile[10].has_value());
}

TEST(Profiles, IdenticalAnswersGiveADiagnosticAndFiniteResults) {
  // 240 respondents from a mixture and 160 who all answer 1 to every item (scores (1, 1)):
  // a profile that takes the identical rows has variance 0 and an unbounded likelihood.
  Eigen::MatrixXd x(400, 2);
  x.topRows(240) = generated(240, 11);
  x.bottomRows(160).setConstant(1.0);
  mixture_options o;
  o.models = {covariance_model::VVV};
  o.k_min = 3;
  o.k_max = 3;
  const mixture_result r = fit_profiles(x, o);
  bool said = false;
  for (const auto& w : r.warnings) said = said || w.find("160 of 400 respondents give one identical answer pattern") != std::string::npos;
  EXPECT_TRUE(said) << (r.warnings.empty() ? "" : r.warnings[0]);
  ASSERT_EQ(r.fits.size(), 1u);
  const mixture_fit& f = r.fits[0];
  EXPECT_GE(f.starts_collapsed, 1u) << "the hierarchical start puts the identical rows in one profile";
  bool collapsed = false;
  for (const auto& w : f.warnings) collapsed = collapsed || w.find("collapsed") != std::string::npos;
  EXPECT_TRUE(collapsed);
  if (f.loglik) {  // a start that avoided the pile: finite, with proper covariances
    EXPECT_TRUE(std::isfinite(*f.loglik));
    EXPECT_TRUE(std::isfinite(*f.bic));
    for (const auto& s : f.covariances) {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s);
      EXPECT_GT(es.eigenvalues().minCoeff(), 0.0);
    }
  }
  // The conjugate prior regularises the covariances: every start gives a finite fit.
  o.prior = attune::mixture_prior{};
  const mixture_result rp = fit_profiles(x, o);
  const mixture_fit& fp = rp.fits[0];
  ASSERT_TRUE(fp.loglik.has_value());
  EXPECT_TRUE(std::isfinite(*fp.loglik));
  EXPECT_EQ(fp.starts_collapsed, 0u);
  double smallest_variance = std::numeric_limits<double>::infinity();
  for (const auto& s : fp.covariances) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s);
    smallest_variance = std::min(smallest_variance, es.eigenvalues().minCoeff());
  }
  EXPECT_GT(smallest_variance, 1e-6);
  // One start on four distinct points in three profiles: a profile holds one distinct point, so
  // the start collapses and the fit has no log-likelihood at all, never an infinite one.
  mixture_options one;
  one.models = {covariance_model::VVV};
  one.k_min = one.k_max = 3;
  one.starts = 1;
  Eigen::MatrixXd piles(300, 2);
  piles.topRows(100).setConstant(1.0);
  piles.middleRows(100, 100).setConstant(4.0);
  piles.bottomRows(100).setConstant(7.0);
  piles(0, 1) = 1.5;  // variance left only in one row: every profile collapses
  const mixture_result rn = fit_profiles(piles, one);
  EXPECT_FALSE(rn.fits[0].loglik.has_value());
  EXPECT_FALSE(rn.fits[0].bic.has_value());
  ASSERT_FALSE(rn.fits[0].warnings.empty());
  EXPECT_NE(rn.fits[0].warnings[0].find("no fit: all 1 start(s) failed"), std::string::npos) << rn.fits[0].warnings[0];
  EXPECT_NE(rn.fits[0].warnings[0].find("mixture_options.prior"), std::string::npos);
  EXPECT_FALSE(rn.best.has_value());
  EXPECT_FALSE(rn.membership.has_value());
}

TEST(Profiles, SameResultForAnyThreadCount) {
  // Many tasks (starts run in parallel) and one task (the E-step's blocks run in parallel).
  const Eigen::MatrixXd x = generated(1600, 5);  // 3 E-step blocks
  for (const std::size_t starts : {std::size_t{6}, std::size_t{1}}) {
    mixture_options a;
    a.tolerance = 1e-6;
    a.models = {covariance_model::VVV, covariance_model::VEI};
    a.k_min = starts == 1 ? 3 : 1;
    a.k_max = 3;
    if (starts == 1) a.models = {covariance_model::VVV};
    a.starts = starts;
    a.threads = 1;
    mixture_options b = a;
    b.threads = 3;
    const mixture_result ra = fit_profiles(x, a), rb = fit_profiles(x, b);
    ASSERT_EQ(ra.fits.size(), rb.fits.size());
    for (std::size_t f = 0; f < ra.fits.size(); ++f) {
      EXPECT_EQ(*ra.fits[f].loglik, *rb.fits[f].loglik);  // bit for bit
      EXPECT_EQ(ra.fits[f].starts_at_best, rb.fits[f].starts_at_best);
      EXPECT_EQ(ra.fits[f].means, rb.fits[f].means);
    }
    EXPECT_EQ(ra.membership->posterior, rb.membership->posterior);
  }
}

TEST(Profiles, HierarchicalStartOnASeededSubset) {
  const Eigen::MatrixXd x = generated(3000, 9);
  mixture_options o;
  o.models = {covariance_model::EEE};
  o.k_min = 3;
  o.k_max = 3;
  o.hierarchical_subset = 400;
  const mixture_result r = fit_profiles(x, o);
  const mixture_result again = fit_profiles(x, o);
  ASSERT_TRUE(r.fits[0].loglik.has_value());
  EXPECT_EQ(*r.fits[0].loglik, *again.fits[0].loglik);
  EXPECT_EQ(r.fits[0].starts, 10u);
  // The three generated profiles are found from most starts.
  EXPECT_GE(r.fits[0].starts_at_best, 5u);
  o.seed = 99;
  const mixture_result other = fit_profiles(x, o);
  EXPECT_LE(rel(*other.fits[0].loglik, *r.fits[0].loglik), 1e-8);
}

TEST(Profiles, BootstrapLikelihoodRatioTest) {
  const Eigen::MatrixXd x = read_data("mixture");
  mixture_options o;
  o.models = {covariance_model::VVV};
  o.k_max = 5;
  o.starts = 4;
  o.tolerance = 1e-6;
  o.bootstrap_lrt = 19;
  o.bootstrap_random_starts = 1;
  o.threads = 1;
  const mixture_result r = fit_profiles(x, o);
  ASSERT_EQ(r.bootstrap_lrt.size(), 4u);  // 2 vs 1, ..., 5 vs 4
  for (const auto& t : r.bootstrap_lrt) {
    SCOPED_TRACE(t.k);
    EXPECT_EQ(t.model, covariance_model::VVV);
    EXPECT_EQ(t.replicates, 19u);
    ASSERT_EQ(t.bootstrap.size(), 19u);
    std::size_t exceed = 0;
    for (const double b : t.bootstrap) exceed += b >= t.statistic ? 1 : 0;
    EXPECT_DOUBLE_EQ(t.p_value, (1.0 + static_cast<double>(exceed)) / 20.0);
    const double l0 = *r.fits[t.k - 2].loglik, l1 = *r.fits[t.k - 1].loglik;
    EXPECT_DOUBLE_EQ(t.statistic, 2.0 * (l1 - l0));
  }
  // Four generated profiles: 2, 3 and 4 profiles are each far better than one fewer ...
  EXPECT_DOUBLE_EQ(r.bootstrap_lrt[0].p_value, 0.05);
  EXPECT_DOUBLE_EQ(r.bootstrap_lrt[1].p_value, 0.05);
  EXPECT_DOUBLE_EQ(r.bootstrap_lrt[2].p_value, 0.05);
  // ... and a fifth is not (seeded: the same p every run).
  EXPECT_GT(r.bootstrap_lrt[3].p_value, 0.05);
  // The replicates do not depend on the thread count.
  o.threads = 2;
  const mixture_result r2 = fit_profiles(x, o);
  for (std::size_t t = 0; t < r.bootstrap_lrt.size(); ++t) EXPECT_EQ(r.bootstrap_lrt[t].bootstrap, r2.bootstrap_lrt[t].bootstrap);
}

TEST(Profiles, AttachmentLabels) {
  attune::profile_label_options lo;
  lo.range = attune::response_range{1, 7};
  Eigen::MatrixXd means(4, 2);  // anxiety, avoidance
  means << 2.5, 2.3, 4.8, 2.6, 2.6, 4.7, 4.9, 5.0;
  auto l = attune::label_profiles(means, lo, 4.0, 4.0);
  EXPECT_TRUE(l.labelled);
  EXPECT_FALSE(l.reason.has_value());
  const std::vector<attune::attachment_style> expect = {attune::attachment_style::secure, attune::attachment_style::preoccupied,
                                                        attune::attachment_style::dismissing, attune::attachment_style::fearful};
  EXPECT_EQ(l.styles, expect);
  EXPECT_EQ(l.quadrant, expect);
  // Two profiles in one quadrant.
  means(1, 0) = 3.9;
  l = attune::label_profiles(means, lo, 4.0, 4.0);
  EXPECT_FALSE(l.labelled);
  EXPECT_EQ(l.styles, std::vector<attune::attachment_style>(4, attune::attachment_style::unclassified));
  EXPECT_EQ(l.quadrant[1], attune::attachment_style::secure);
  EXPECT_NE(l.reason->find("2 profiles lie in the secure quadrant"), std::string::npos) << *l.reason;
  // A mean exactly on a cut.
  means(1, 0) = 4.0;
  l = attune::label_profiles(means, lo, 4.0, 4.0);
  EXPECT_FALSE(l.labelled);
  EXPECT_EQ(l.quadrant[1], attune::attachment_style::unclassified);
  EXPECT_NE(l.reason->find("exactly on a cut"), std::string::npos);
  // Not four profiles.
  l = attune::label_profiles(means.topRows(3), lo, 4.0, 4.0);
  EXPECT_FALSE(l.labelled);
  EXPECT_NE(l.reason->find("3 profile(s)"), std::string::npos);
  EXPECT_EQ(l.quadrant.size(), 3u);
  // Through fit_profiles: the generated mixture's four profiles get the four names.
  mixture_options o;
  o.models = {covariance_model::VVV};
  o.k_min = 3;
  o.k_max = 4;
  o.labels = lo;
  const mixture_result r = fit_profiles(read_data("mixture"), o);
  ASSERT_TRUE(r.fits[1].labels.has_value());
  EXPECT_TRUE(r.fits[1].labels->labelled);
  EXPECT_DOUBLE_EQ(r.fits[1].labels->anxiety_cut, 4.0);
  std::vector<attune::attachment_style> styles = r.fits[1].labels->styles;
  std::sort(styles.begin(), styles.end());
  EXPECT_EQ(styles, expect);
  for (std::size_t k = 0; k < 4; ++k) {
    const auto s = r.fits[1].labels->styles[k];
    const double a = r.fits[1].means(static_cast<Eigen::Index>(k), 0), v = r.fits[1].means(static_cast<Eigen::Index>(k), 1);
    EXPECT_EQ(s, attune::quadrant_style(a > 4.0, v > 4.0));
  }
  EXPECT_FALSE(r.fits[0].labels->labelled);
  // Relative to the sample means.
  lo.reference = attune::label_reference::sample_mean;
  lo.range.reset();
  o.labels = lo;
  const mixture_result rs = fit_profiles(read_data("mixture"), o);
  const Eigen::RowVectorXd mean = read_data("mixture").colwise().mean();
  EXPECT_NEAR(rs.fits[1].labels->anxiety_cut, mean(0), 1e-12);
  EXPECT_NEAR(rs.fits[1].labels->avoidance_cut, mean(1), 1e-12);
}

TEST(Profiles, OptionErrorsNameFieldValueAndRule) {
  const Eigen::MatrixXd x = read_data("mixture");
  mixture_options o;
  o.starts = 0;
  try {
    fit_profiles(x, o);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("mixture_options.starts = 0: must be in 1..1000"), std::string::npos) << e.what();
    EXPECT_EQ(e.option(), "mixture_options.starts");
    EXPECT_EQ(e.value(), "0");
  }
  auto bad = [&](auto set, const std::string& fragment) {
    mixture_options b;
    set(b);
    expect_error([&] { fit_profiles(x, b); }, errc::invalid_argument, fragment);
  };
  bad([](mixture_options& b) { b.k_max = 21; }, "mixture_options.k_max = 21");
  bad([](mixture_options& b) { b.k_min = 0; }, "mixture_options.k_min = 0");
  bad([](mixture_options& b) { b.k_min = 4; b.k_max = 3; }, "mixture_options.k_max = 3");
  bad([](mixture_options& b) { b.models.clear(); }, "give at least one covariance model");
  bad([](mixture_options& b) { b.models = {covariance_model::EEE, covariance_model::EEE}; }, "listed twice");
  bad([](mixture_options& b) { b.tolerance = 0.0; }, "mixture_options.tolerance = 0");
  bad([](mixture_options& b) { b.bootstrap_lrt = 10001; }, "mixture_options.bootstrap_lrt = 10001");
  bad([](mixture_options& b) { b.hierarchical_subset = 1; }, "mixture_options.hierarchical_subset = 1");
  bad([](mixture_options& b) { b.bootstrap_model = covariance_model::EII; }, "must be one of the models fitted");
  bad([](mixture_options& b) { b.models = {covariance_model::EVE}; b.prior = attune::mixture_prior{}; },
      "model EVE has no conjugate prior here");
  bad([](mixture_options& b) { b.prior = attune::mixture_prior{}; b.prior->dof = 0.5; }, "mixture_options.prior.dof = 0.5");
  bad([](mixture_options& b) {
        b.labels = attune::profile_label_options{};
      },
      "the midpoint reference needs the response range");
  bad([](mixture_options& b) {
        b.labels = attune::profile_label_options{};
        b.labels->reference = attune::label_reference::sample_mean;
        b.labels->avoidance_column = 2;
      },
      "mixture_options.labels: column 2 does not exist");
}

TEST(Profiles, DataErrors) {
  Eigen::MatrixXd x = read_data("mixture");
  x(4, 1) = std::numeric_limits<double>::infinity();
  try {
    fit_profiles(x);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::bad_input);
    EXPECT_EQ(e.row(), 5u);
    EXPECT_EQ(e.column(), "column 2");
    EXPECT_NE(std::string(e.what()).find("row 5, column 2 is inf"), std::string::npos) << e.what();
  }
  Eigen::MatrixXd one(3, 2);
  one << 1, 2, nan_v, 1, 3, nan_v;
  expect_error([&] { fit_profiles(one); }, errc::insufficient_data, "1 complete row(s)");
  Eigen::MatrixXd same = Eigen::MatrixXd::Constant(10, 2, 3.0);
  mixture_options o;
  o.k_min = 2;
  expect_error([&] { fit_profiles(same, o); }, errc::insufficient_data, "1 distinct row(s)");
  // More profiles than distinct rows: that K is skipped with a warning, the others fitted.
  Eigen::MatrixXd three(30, 2);
  for (Eigen::Index i = 0; i < 30; ++i) three.row(i) << static_cast<double>(i % 3), static_cast<double>((i % 3) * (i % 3));
  mixture_options s;
  s.models = {covariance_model::EII};
  s.k_max = 4;
  const mixture_result r = fit_profiles(three, s);
  EXPECT_FALSE(r.fits[3].loglik.has_value());
  EXPECT_NE(r.fits[3].warnings[0].find("4 profiles need at least 4 distinct rows; the data have 3"), std::string::npos);
  EXPECT_TRUE(r.fits[0].loglik.has_value());
  expect_error([&] { attune::classify_profiles(three, r.fits[3]); }, errc::invalid_argument, "has no estimates");
  expect_error([&] { attune::model_based_partitions(three, 1); }, errc::invalid_argument, "k_max = 1: must be >= 2");
}

}  // namespace
