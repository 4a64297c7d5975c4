// The graded response model against an independent base-R implementation (tests/golden/irt.R:
// direct BFGS maximisation of the same marginal likelihood, brute-force enumeration), parameter
// recovery on seeded simulations, and the degenerate cases.
#include "attune/analyses/irt.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "irt_test_support.hpp"
#include "test_support.hpp"

namespace {

using attune::bank_item;
using attune::test::expect_error;
using attune::test::synthetic_bank;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

// A CSV with a header: column name -> values (empty / NA = NaN, Inf / -Inf allowed).
std::map<std::string, std::vector<double>> read_columns(const std::string& name) {
  std::ifstream in(attune::test::data_path("irt/" + name));
  EXPECT_TRUE(in) << "cannot open irt/" << name;
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) names.push_back(cell);
  }
  std::map<std::string, std::vector<double>> cols;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (line.back() == ',') cells.emplace_back();
    for (std::size_t c = 0; c < names.size(); ++c) {
      std::string v = c < cells.size() ? cells[c] : "";
      v.erase(0, v.find_first_not_of(' '));
      double x = nan_v;
      if (v == "Inf") x = INFINITY;
      else if (v == "-Inf") x = -INFINITY;
      else if (!v.empty() && v != "NA") x = std::stod(v);
      cols[names[c]].push_back(x);
    }
  }
  return cols;
}

MatrixXd read_matrix(const std::string& name, const std::vector<std::string>& columns) {
  const auto cols = read_columns(name);
  const auto n = static_cast<Index>(cols.at(columns[0]).size());
  MatrixXd m(n, static_cast<Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j)
    for (Index i = 0; i < n; ++i) m(i, static_cast<Index>(j)) = cols.at(columns[j])[static_cast<std::size_t>(i)];
  return m;
}

// the golden data: items I1-I4 answer 1..4, I5-I6 answer 1..3, I6 reverse keyed
attune::grm_options golden_options() {
  attune::grm_options o;
  o.scale = "golden";
  for (int j = 1; j <= 6; ++j) {
    attune::grm_item_spec s;
    s.id = "I" + std::to_string(j);
    s.categories = j <= 4 ? std::vector<double>{1, 2, 3, 4} : std::vector<double>{1, 2, 3};
    s.reversed = j == 6;
    o.items.push_back(s);
  }
  return o;
}

MatrixXd golden_data() { return read_matrix("golden_data.csv", {"I1", "I2", "I3", "I4", "I5", "I6"}); }

// bank items from the R file (item, index, value): index 0 = slope, then intercepts
std::vector<bank_item> items_from(const std::string& file, const std::vector<std::vector<double>>& categories,
                                  const std::vector<bool>& reversed = {}) {
  const auto cols = read_columns(file);
  std::vector<bank_item> items;
  for (std::size_t r = 0; r < cols.at("item").size(); ++r) {
    const auto j = static_cast<std::size_t>(cols.at("item")[r]) - 1;
    if (items.size() <= j) {
      items.resize(j + 1);
      items[j].id = "I" + std::to_string(j + 1);
      items[j].scale = "golden";
      items[j].categories = categories[j];
      items[j].reversed = j < reversed.size() && reversed[j];
    }
    if (cols.at("index")[r] == 0) items[j].slope = cols.at("value")[r];
    else items[j].intercepts.push_back(cols.at("value")[r]);
  }
  return items;
}

std::vector<bank_item> golden_r_items() {
  return items_from("golden_params.csv", {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3}, {1, 2, 3}},
                    {false, false, false, false, false, true});
}

attune::grm_options options_for(const std::vector<bank_item>& items) {
  attune::grm_options o;
  for (const auto& it : items) o.items.push_back({it.id, it.categories, it.reversed});
  return o;
}

bool has_warning(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& w : warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

double max_abs(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

std::vector<double> flat(const std::vector<bank_item>& items) {
  std::vector<double> v;
  for (const auto& it : items) {
    v.push_back(it.slope);
    v.insert(v.end(), it.intercepts.begin(), it.intercepts.end());
  }
  return v;
}

// ---------------------------------------------------------------------------------------------

TEST(IrtQuadrature, EquallySpacedIsMirtGrid) {
  const auto q = attune::make_quadrature({});
  ASSERT_EQ(q.nodes.size(), 61);
  EXPECT_EQ(q.nodes(0), -6.0);
  EXPECT_EQ(q.nodes(60), 6.0);
  EXPECT_NEAR(q.nodes(30), 0.0, 1e-15);
  EXPECT_NEAR(q.nodes(31) - q.nodes(30), 0.2, 1e-14);
  EXPECT_NEAR(q.weights.sum(), 1.0, 1e-15);
  EXPECT_NEAR(q.weights(30) / q.weights(40), std::exp(0.5 * 4.0), 1e-12);  // density ratio at 0 and 2
}

TEST(IrtQuadrature, GaussHermiteIntegratesNormalMoments) {
  for (int n : {5, 21, 61}) {
    const auto q = attune::make_quadrature({attune::quadrature_rule::gauss_hermite, n});
    EXPECT_NEAR(q.weights.sum(), 1.0, 1e-14);
    EXPECT_NEAR(q.weights.dot(q.nodes), 0.0, 1e-13) << n;
    EXPECT_NEAR(q.weights.dot(q.nodes.array().square().matrix()), 1.0, 1e-12) << n;
    EXPECT_NEAR(q.weights.dot(q.nodes.array().pow(4).matrix()), 3.0, 1e-11) << n;
    EXPECT_NEAR(q.weights.dot(q.nodes.array().pow(8).matrix()), 105.0, 1e-8) << n;  // exact for n >= 5
  }
  // probabilists' 3-point rule: nodes 0, +-sqrt(3), weights 2/3, 1/6
  const auto q3 = attune::make_quadrature({attune::quadrature_rule::gauss_hermite, 3});
  EXPECT_NEAR(q3.nodes(2), std::sqrt(3.0), 1e-14);
  EXPECT_NEAR(q3.weights(1), 2.0 / 3.0, 1e-14);
}

TEST(IrtQuadrature, OptionsAreValidated) {
  expect_error([] { attune::make_quadrature({attune::quadrature_rule::equally_spaced, 1}); }, attune::errc::invalid_argument,
               "quadrature_options.points = 1");
  expect_error([] { attune::make_quadrature({attune::quadrature_rule::equally_spaced, 61, 2, 1}); },
               attune::errc::invalid_argument, "quadrature_options.upper = 1");
}

TEST(IrtEnums, NamesRoundTrip) {
  for (auto v : {attune::theta_method::eap, attune::theta_method::map, attune::theta_method::ml, attune::theta_method::eap_sum})
    EXPECT_EQ(attune::parse_theta_method(attune::to_string(v)), v);
  EXPECT_EQ(attune::parse_theta_method("eapsum"), attune::theta_method::eap_sum);
  EXPECT_FALSE(attune::parse_theta_method("wle"));
  for (auto v : {attune::quadrature_rule::equally_spaced, attune::quadrature_rule::gauss_hermite})
    EXPECT_EQ(attune::parse_quadrature_rule(attune::to_string(v)), v);
  for (auto v : {attune::unused_category_rule::error, attune::unused_category_rule::drop})
    EXPECT_EQ(attune::parse_unused_category_rule(attune::to_string(v)), v);
  for (auto v : {attune::em_acceleration::none, attune::em_acceleration::squarem})
    EXPECT_EQ(attune::parse_em_acceleration(attune::to_string(v)), v);
  for (auto v : {attune::grm_start::polychoric, attune::grm_start::simple}) EXPECT_EQ(attune::parse_grm_start(attune::to_string(v)), v);
  for (auto v : {attune::standard_error_method::none, attune::standard_error_method::louis})
    EXPECT_EQ(attune::parse_standard_error_method(attune::to_string(v)), v);
}

// ---------------------------------------------------------------------------------------------
// Agreement with the direct maximisation in R

TEST(IrtGolden, FitMatchesDirectMaximisationInR) {
  const auto fit = attune::fit_graded(golden_data(), golden_options());
  const auto r = golden_r_items();
  const auto rfit = read_columns("golden_fit.csv");
  ASSERT_TRUE(fit.converged);
  EXPECT_EQ(fit.n, 500U);
  EXPECT_EQ(fit.parameters, 22);
  const double dpar = max_abs(flat(attune::bank_items(fit)), flat(r));
  const double dll = std::abs(fit.loglik - rfit.at("loglik")[0]);
  std::printf("iterations %d, max |attune - R| parameters %.3g, loglik %.3g\n", fit.iterations, dpar, dll);
  EXPECT_LT(dpar, 2e-3);
  EXPECT_LT(dll, 0.01);
  // standard errors: Louis' observed information vs R's numerically differentiated gradient
  const auto cols = read_columns("golden_params.csv");
  std::vector<double> se;
  for (const auto& it : fit.items) {
    se.push_back(it.se.slope);
    se.insert(se.end(), it.se.intercepts.begin(), it.se.intercepts.end());
  }
  double rel = 0;
  for (std::size_t i = 0; i < se.size(); ++i) rel = std::max(rel, std::abs(se[i] / cols.at("se")[i] - 1));
  std::printf("max relative |SE attune / SE R - 1| = %.3g\n", rel);
  EXPECT_LT(rel, 0.01);
  // classical parameters
  for (const auto& it : fit.items) {
    EXPECT_DOUBLE_EQ(it.a, it.slope);
    for (std::size_t k = 0; k < it.b.size(); ++k) EXPECT_DOUBLE_EQ(it.b[k], -it.intercepts[k] / it.slope);
  }
}

TEST(IrtGolden, TightToleranceReachesTheSameOptimum) {
  auto o = golden_options();
  o.tolerance = 1e-8;
  const auto fit = attune::fit_graded(golden_data(), o);
  const double dpar = max_abs(flat(attune::bank_items(fit)), flat(golden_r_items()));
  std::printf("tolerance 1e-8: %d iterations, max |attune - R| = %.3g\n", fit.iterations, dpar);
  EXPECT_LT(dpar, 2e-5);  // R's BFGS stops at |gradient| 1.6e-6
  EXPECT_NEAR(fit.loglik, read_columns("golden_fit.csv").at("loglik")[0], 1e-7);
}

TEST(IrtGolden, LoglikAtFixedParametersMatchesR) {
  const auto rfit = read_columns("golden_fit.csv");
  EXPECT_NEAR(attune::graded_loglik(golden_r_items(), golden_data()), rfit.at("loglik")[0], 1e-8);
}

TEST(IrtGolden, ScoresFromRParametersMatchR) {
  const auto items = golden_r_items();
  const MatrixXd x = golden_data();
  const auto g = read_columns("golden_scores.csv");
  const auto eap = attune::score_graded(items, x);
  attune::grm_score_options mo;
  mo.method = attune::theta_method::map;
  const auto map = attune::score_graded(items, x, mo);
  mo.method = attune::theta_method::ml;
  const auto ml = attune::score_graded(items, x, mo);
  double de = 0, ds = 0, dm = 0, dms = 0, dl = 0, dls = 0;
  int inf_count = 0;
  for (Index i = 0; i < x.rows(); ++i) {
    const auto u = static_cast<std::size_t>(i);
    de = std::max(de, std::abs(eap.theta(i) - g.at("eap")[u]));
    ds = std::max(ds, std::abs(eap.se(i) - g.at("sd")[u]));
    dm = std::max(dm, std::abs(map.theta(i) - g.at("map")[u]));
    dms = std::max(dms, std::abs(map.se(i) - g.at("map_se")[u]));
    if (std::isinf(g.at("ml")[u])) {
      EXPECT_EQ(ml.theta(i), g.at("ml")[u]) << "row " << i;
      EXPECT_TRUE(std::isnan(ml.se(i)));
      ++inf_count;
      continue;
    }
    dl = std::max(dl, std::abs(ml.theta(i) - g.at("ml")[u]));
    dls = std::max(dls, std::abs(ml.se(i) - g.at("ml_se")[u]));
  }
  std::printf("max |attune - R|: EAP %.3g SD %.3g MAP %.3g (SE %.3g) ML %.3g (SE %.3g); %d infinite ML\n", de, ds, dm, dms, dl, dls,
              inf_count);
  EXPECT_LT(de, 1e-10);
  EXPECT_LT(ds, 1e-10);
  EXPECT_LT(dm, 1e-6);   // R optimize tolerance 1e-12 on theta, SEs by numerical differences
  EXPECT_LT(dms, 1e-5);
  EXPECT_LT(dl, 1e-6);
  EXPECT_LT(dls, 1e-5);
  EXPECT_GT(inf_count, 0);
  EXPECT_EQ(ml.infinite, static_cast<std::size_t>(inf_count));
  EXPECT_EQ(eap.n, 500U);
}

TEST(IrtGolden, EapFromFittedParametersWithin1e3OfR) {
  const auto fit = attune::fit_graded(golden_data(), golden_options());
  const auto eap = attune::score_graded(attune::bank_items(fit), golden_data());
  const auto g = read_columns("golden_scores.csv");
  double de = 0, ds = 0;
  for (Index i = 0; i < eap.theta.size(); ++i) {
    de = std::max(de, std::abs(eap.theta(i) - g.at("eap")[static_cast<std::size_t>(i)]));
    ds = std::max(ds, std::abs(eap.se(i) - g.at("sd")[static_cast<std::size_t>(i)]));
  }
  std::printf("EAP from fitted parameters: max |attune - R| EAP %.3g SD %.3g\n", de, ds);
  EXPECT_LT(de, 1e-3);
  EXPECT_LT(ds, 1e-3);
}

std::vector<bank_item> small_bank() {
  return items_from("golden_small_bank.csv", {{1, 2, 3}, {1, 2, 3, 4}, {1, 2, 3}, {1, 2}, {1, 2, 3}});
}

TEST(IrtGolden, LordWingerskyTableEqualsEnumeration) {
  const auto t = attune::sum_score_eap(small_bank());
  const auto g = read_columns("golden_sumscore.csv");
  ASSERT_EQ(t.rows.size(), g.at("score").size());
  for (std::size_t s = 0; s < t.rows.size(); ++s) {
    EXPECT_EQ(t.rows[s].score, static_cast<int>(g.at("score")[s]));
    EXPECT_NEAR(t.rows[s].eap, g.at("eap")[s], 1e-12) << s;
    EXPECT_NEAR(t.rows[s].sd, g.at("sd")[s], 1e-12) << s;
    EXPECT_NEAR(t.rows[s].probability, g.at("probability")[s], 1e-15) << s;
    EXPECT_EQ(t.rows[s].raw, static_cast<double>(s) + 5.0);  // five items starting at 1
  }
}

TEST(IrtGolden, Sx2EqualsBruteForce) {
  const auto items = small_bank();
  MatrixXd codes = read_matrix("golden_sx2_data.csv", {"S1", "S2", "S3", "S4", "S5"});
  const MatrixXd answers = codes.array() + 1.0;
  const auto res = attune::item_fit_sx2(items, answers);
  const auto g = read_columns("golden_sx2.csv");
  EXPECT_EQ(res.n, 1000U);
  double worst = 0;
  for (std::size_t j = 0; j < items.size(); ++j) {
    const auto& f = res.items[j];
    EXPECT_EQ(f.df, static_cast<int>(g.at("df")[j])) << j;
    EXPECT_NEAR(f.s_x2, g.at("s_x2")[j], 1e-9 * (1 + g.at("s_x2")[j])) << j;
    EXPECT_NEAR(f.p, g.at("p")[j], 1e-9) << j;
    EXPECT_NEAR(f.rmsea, g.at("rmsea")[j], 1e-9) << j;
    worst = std::max(worst, std::abs(f.s_x2 - g.at("s_x2")[j]));
  }
  std::printf("S-X2: max |attune - R| = %.3g\n", worst);
}

// ---------------------------------------------------------------------------------------------
// Recovery on simulated data

struct recovery_case {
  attune::item_bank bank;
  attune::grm_simulation sim;
};

const recovery_case& recovery() {
  static const recovery_case c = [] {
    recovery_case r;
    r.bank = synthetic_bank(18, 5, 7);
    attune::grm_simulation_options so;
    so.n = 5000;
    so.seed = 20261201;
    r.sim = attune::simulate_graded(r.bank, so);
    return r;
  }();
  return c;
}

TEST(IrtRecovery, SlopesInterceptsAndThetaAreRecovered) {
  const auto& rc = recovery();
  const auto fit = attune::fit_graded(rc.sim.answers, options_for(rc.bank.items));
  ASSERT_TRUE(fit.converged);
  EXPECT_EQ(fit.start_values, attune::grm_start::polychoric);
  double sa = 0, sd = 0;
  int nd = 0;
  for (std::size_t j = 0; j < 18; ++j) {
    const auto& t = rc.bank.items[j];
    const auto& e = fit.items[j];
    sa += (e.slope - t.slope) * (e.slope - t.slope);
    for (std::size_t k = 0; k < t.intercepts.size(); ++k, ++nd) sd += (e.intercepts[k] - t.intercepts[k]) * (e.intercepts[k] - t.intercepts[k]);
  }
  const double rmse_a = std::sqrt(sa / 18), rmse_d = std::sqrt(sd / nd);
  const auto eap = attune::score_graded(attune::bank_items(fit), rc.sim.answers);
  const double r = (eap.theta.array() - eap.theta.mean()).matrix().dot((rc.sim.theta.col(0).array() - rc.sim.theta.col(0).mean()).matrix()) /
                   std::sqrt((eap.theta.array() - eap.theta.mean()).square().sum() *
                             (rc.sim.theta.col(0).array() - rc.sim.theta.col(0).mean()).square().sum());
  const double ll_true = attune::graded_loglik(rc.bank.items, rc.sim.answers);
  std::printf("recovery: %d iterations, RMSE slopes %.4f intercepts %.4f, cor(EAP, theta) %.4f, loglik %.3f vs true %.3f\n",
              fit.iterations, rmse_a, rmse_d, r, fit.loglik, ll_true);
  EXPECT_LT(rmse_a, 0.10);
  EXPECT_LT(rmse_d, 0.15);
  EXPECT_GT(r, 0.90);
  EXPECT_GE(fit.loglik, ll_true);
  EXPECT_NEAR(fit.loglik, attune::graded_loglik(attune::bank_items(fit), rc.sim.answers), 1e-6);
  for (std::size_t i = 1; i < fit.loglik_trace.size(); ++i) EXPECT_GE(fit.loglik_trace[i], fit.loglik_trace[i - 1] - 1e-9) << i;
  EXPECT_GT(fit.marginal_reliability, 0.85);
  EXPECT_NEAR(fit.empirical_reliability, fit.marginal_reliability, 0.03);
  // S-X2 of a well-fitting model: few small p-values
  int small_p = 0;
  for (const auto& it : fit.items) small_p += it.fit->p < 0.01;
  EXPECT_LE(small_p, 2);
}

TEST(IrtRecovery, ResultsDoNotDependOnThreads) {
  const auto& rc = recovery();
  MatrixXd x = rc.sim.answers.topRows(3000);
  auto o = options_for(rc.bank.items);
  o.threads = 1;
  const auto a = attune::fit_graded(x, o);
  for (int t : {2, 3, 5}) {
    o.threads = t;
    const auto b = attune::fit_graded(x, o);
    EXPECT_EQ(a.loglik, b.loglik) << t;
    EXPECT_EQ(a.iterations, b.iterations) << t;
    EXPECT_EQ(flat(attune::bank_items(a)), flat(attune::bank_items(b))) << t;
    for (std::size_t j = 0; j < a.items.size(); ++j) {
      EXPECT_EQ(a.items[j].se.slope, b.items[j].se.slope) << t;
      EXPECT_EQ(a.items[j].fit->s_x2, b.items[j].fit->s_x2) << t;
    }
    EXPECT_EQ(a.empirical_reliability, b.empirical_reliability);
  }
}

TEST(IrtRecovery, SquaremAndPlainEmAgree) {
  const auto& rc = recovery();
  MatrixXd x = rc.sim.answers.topRows(2000);
  auto o = options_for(rc.bank.items);
  o.item_fit = false;
  o.standard_errors = false;
  o.tolerance = 1e-6;
  const auto fast = attune::fit_graded(x, o);
  o.acceleration = attune::em_acceleration::none;
  const auto plain = attune::fit_graded(x, o);
  std::printf("E-steps: SQUAREM %d, plain EM %d\n", fast.iterations, plain.iterations);
  EXPECT_TRUE(fast.converged);
  EXPECT_TRUE(plain.converged);
  EXPECT_LT(fast.iterations, plain.iterations);
  EXPECT_LT(max_abs(flat(attune::bank_items(fast)), flat(attune::bank_items(plain))), 1e-3);
  EXPECT_NEAR(fast.loglik, plain.loglik, 1e-4);
}

TEST(IrtRecovery, SimpleStartAndGaussHermiteReachTheOptimum) {
  const auto& rc = recovery();
  MatrixXd x = rc.sim.answers.topRows(2000);
  auto o = options_for(rc.bank.items);
  o.item_fit = false;
  o.standard_errors = false;
  const auto base = attune::fit_graded(x, o);
  o.start = attune::grm_start::simple;
  const auto simple = attune::fit_graded(x, o);
  EXPECT_EQ(simple.start_values, attune::grm_start::simple);
  EXPECT_LT(max_abs(flat(attune::bank_items(base)), flat(attune::bank_items(simple))), 2e-3);
  o.start = attune::grm_start::polychoric;
  o.quadrature = {attune::quadrature_rule::gauss_hermite, 41};
  const auto gh = attune::fit_graded(x, o);
  EXPECT_TRUE(gh.converged);
  EXPECT_EQ(gh.quadrature, attune::quadrature_rule::gauss_hermite);
  EXPECT_LT(max_abs(flat(attune::bank_items(base)), flat(attune::bank_items(gh))), 0.02);
}

// ---------------------------------------------------------------------------------------------
// Standard errors: Louis' identity against a numerical Hessian of the marginal likelihood

TEST(IrtStandardErrors, ObservedInformationEqualsNumericalHessian) {
  auto bank = synthetic_bank(5, 4, 11);
  bank.items[2].categories = {1, 2, 3};
  bank.items[2].intercepts = {1.0, -0.5};
  attune::grm_simulation_options so;
  so.n = 400;
  so.seed = 5;
  so.missing_rate = 0.1;
  const auto sim = attune::simulate_graded(bank, so);
  auto o = options_for(bank.items);
  o.tolerance = 1e-9;
  const auto fit = attune::fit_graded(sim.answers, o);
  ASSERT_EQ(fit.covariance.rows(), fit.parameters);
  const MatrixXd info = fit.covariance.inverse();
  auto items = attune::bank_items(fit);
  std::vector<std::pair<std::size_t, int>> where;  // (item, 0 = slope / k = intercept k)
  for (std::size_t j = 0; j < items.size(); ++j)
    for (int p = 0; p < items[j].category_count(); ++p) where.emplace_back(j, p);
  auto shifted = [&](std::size_t i, double h) {
    auto its = items;
    auto [j, p] = where[i];
    if (p == 0) its[j].slope += h;
    else its[j].intercepts[static_cast<std::size_t>(p) - 1] += h;
    return its;
  };
  const double h = 1e-4;
  double worst = 0;
  for (std::size_t a = 0; a < where.size(); ++a)
    for (std::size_t b = a; b < where.size(); ++b) {
      auto pp = shifted(a, h), pm = shifted(a, -h), mp = shifted(a, h), mm = shifted(a, -h);
      auto bump = [&](std::vector<bank_item>& its, double d) {
        auto [j, p] = where[b];
        if (p == 0) its[j].slope += d;
        else its[j].intercepts[static_cast<std::size_t>(p) - 1] += d;
      };
      bump(pp, h), bump(pm, h), bump(mp, -h), bump(mm, -h);
      const double hess = (attune::graded_loglik(pp, sim.answers) - attune::graded_loglik(pm, sim.answers) -
                           attune::graded_loglik(mp, sim.answers) + attune::graded_loglik(mm, sim.answers)) /
                          (4 * h * h);
      const double d = std::abs(-hess - info(static_cast<Index>(a), static_cast<Index>(b)));
      worst = std::max(worst, d / (1 + std::abs(info(static_cast<Index>(a), static_cast<Index>(b)))));
    }
  std::printf("max relative |Louis - numerical Hessian| = %.3g\n", worst);
  EXPECT_LT(worst, 1e-4);
}

// ---------------------------------------------------------------------------------------------
// Data rules and degenerate cases

TEST(IrtData, MissingAnswersDropOutOfTheLikelihood) {
  const auto items = golden_r_items();
  MatrixXd one(1, 6);
  one << 2, 3, nan_v, 1, 2, 3;
  std::vector<bank_item> five = items;
  five.erase(five.begin() + 2);
  MatrixXd reduced(1, 5);
  reduced << 2, 3, 1, 2, 3;
  EXPECT_NEAR(attune::graded_loglik(items, one), attune::graded_loglik(five, reduced), 1e-13);
  const auto s1 = attune::score_graded(items, one), s2 = attune::score_graded(five, reduced);
  EXPECT_NEAR(s1.theta(0), s2.theta(0), 1e-13);
  EXPECT_EQ(s1.answered(0), 5);
}

TEST(IrtData, AnswersOutsideTheCategoriesAreErrors) {
  MatrixXd x = golden_data();
  x(16, 2) = 7;
  try {
    attune::fit_graded(x, golden_options());
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_EQ(e.row(), 17U);
    EXPECT_EQ(e.item(), "I3");
    EXPECT_EQ(e.value(), "7");
    EXPECT_NE(std::string(e.what()).find("not one of the item's categories (1, 2, 3, 4)"), std::string::npos) << e.what();
  }
  x(16, 2) = 2.5;
  auto o = golden_options();
  o.items.clear();
  expect_error([&] { attune::fit_graded(x, o); }, attune::errc::bad_input, {"row 17", "'item3'", "2.5 is not a whole number"});
}

TEST(IrtData, UnusedCategoryIsAnErrorOrDropped) {
  MatrixXd x = golden_data();
  for (Index i = 0; i < x.rows(); ++i)
    if (x(i, 1) == 4) x(i, 1) = 3;  // nobody answers 4 on I2
  try {
    attune::fit_graded(x, golden_options());
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::insufficient_data);
    EXPECT_EQ(e.item(), "I2");
    EXPECT_EQ(e.value(), "4");
    EXPECT_EQ(e.option(), "grm_options.unused_categories");
    EXPECT_NE(std::string(e.what()).find("no respondent chose 4"), std::string::npos) << e.what();
  }
  auto o = golden_options();
  o.unused_categories = attune::unused_category_rule::drop;
  const auto fit = attune::fit_graded(x, o);
  EXPECT_EQ(fit.items[1].categories, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(fit.items[1].intercepts.size(), 2U);
  EXPECT_EQ(fit.parameters, 21);
  EXPECT_TRUE(has_warning(fit.warnings, "item 'I2': category 4 was never chosen"));
  // a dropped category of a reverse-keyed item: I6 never answered 1 (its highest code)
  MatrixXd y = golden_data();
  for (Index i = 0; i < y.rows(); ++i)
    if (y(i, 5) == 1) y(i, 5) = 2;
  const auto fit2 = attune::fit_graded(y, o);
  EXPECT_EQ(fit2.items[5].categories, (std::vector<double>{2, 3}));
  EXPECT_TRUE(fit2.items[5].reversed);
}

TEST(IrtData, ConstantItemIsAnError) {
  MatrixXd x = golden_data();
  for (Index i = 0; i < x.rows(); ++i)
    if (!std::isnan(x(i, 3))) x(i, 3) = 2;
  auto o = golden_options();
  o.items[3].categories = {2};  // rejected as an option first
  expect_error([&] { attune::fit_graded(x, o); }, attune::errc::invalid_argument, "needs at least 2 values");
  o = golden_options();
  expect_error([&] { attune::fit_graded(x, o); }, attune::errc::insufficient_data, {"item 'I4'", "every respondent who answered it chose 2"});
  o.items.clear();
  expect_error([&] { attune::fit_graded(x, o); }, attune::errc::insufficient_data, "chose 2");
}

TEST(IrtDegenerate, OneItemIsAnErrorTwoItemsAWarning) {
  MatrixXd x = golden_data();
  attune::grm_options o;
  expect_error([&] { attune::fit_graded(x.leftCols(1), o); }, attune::errc::insufficient_data, "at least 2 items");
  const auto fit = attune::fit_graded(x.leftCols(2), o);
  EXPECT_TRUE(has_warning(fit.warnings, "not identified with two items"));
  EXPECT_TRUE(std::isfinite(fit.loglik));
  for (const auto& it : fit.items) EXPECT_LE(std::abs(it.slope), o.max_slope);
}

TEST(IrtDegenerate, RunawaySlopeIsBoundedAndFlagged) {
  // items 1 and 2 are copies of each other: their slopes grow without limit
  MatrixXd x = golden_data().leftCols(4);
  for (Index i = 0; i < x.rows(); ++i) {
    if (std::isnan(x(i, 0))) x(i, 0) = 2;
    x(i, 1) = x(i, 0);
  }
  attune::grm_options o;
  o.max_slope = 10;
  const auto fit = attune::fit_graded(x, o);
  EXPECT_TRUE(std::isfinite(fit.loglik));
  EXPECT_TRUE(has_warning(fit.warnings, "reached its bound grm_options.max_slope = 10")) << "no bound warning";
  EXPECT_NEAR(std::max(std::abs(fit.items[0].slope), std::abs(fit.items[1].slope)), 10.0, 1e-9);
}

TEST(IrtDegenerate, NoConvergenceIsAWarning) {
  auto o = golden_options();
  o.max_iterations = 3;
  const auto fit = attune::fit_graded(golden_data(), o);
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.iterations, 4);  // three E-steps and the final one at the estimate
  EXPECT_EQ(fit.loglik_trace.back(), fit.loglik);
  for (std::size_t i = 1; i < fit.loglik_trace.size(); ++i) EXPECT_GT(fit.loglik_trace[i], fit.loglik_trace[i - 1]);
  ASSERT_FALSE(fit.warnings.empty());
  EXPECT_TRUE(has_warning(fit.warnings, "did not converge in 3 iterations"));
}

TEST(IrtDegenerate, NegativeSlopeIsFlagged) {
  MatrixXd x = golden_data();
  auto o = golden_options();
  o.items[5].reversed = false;  // I6 is reverse keyed in the data; fit it unreversed
  const auto fit = attune::fit_graded(x, o);
  EXPECT_LT(fit.items[5].slope, 0);
  EXPECT_TRUE(has_warning(fit.warnings, "'I6' has a negative slope"));
}

TEST(IrtOptions, AreValidatedWithTheirNames) {
  attune::grm_options o;
  o.max_iterations = 0;
  expect_error([&] { attune::fit_graded(golden_data(), o); }, attune::errc::invalid_argument,
               "grm_options.max_iterations = 0: must be >= 1");
  o = {};
  o.tolerance = -1;
  expect_error([&] { attune::fit_graded(golden_data(), o); }, attune::errc::invalid_argument, "grm_options.tolerance = -1");
  o = golden_options();
  o.items.pop_back();
  expect_error([&] { attune::fit_graded(golden_data(), o); }, attune::errc::invalid_argument, "grm_options.items");
  attune::grm_score_options so;
  so.prior_sd = 0;
  expect_error([&] { attune::score_graded(golden_r_items(), golden_data(), so); }, attune::errc::invalid_argument,
               "grm_score_options.prior_sd = 0");
}

// ---------------------------------------------------------------------------------------------
// Scores

TEST(IrtScores, MlExtremesMapFallbackAndEmptyRows) {
  const auto items = golden_r_items();
  MatrixXd x(4, 6);
  x << 1, 1, 1, 1, 1, 3,          // all lowest (I6 reversed: 3 is its lowest category)
      4, 4, 4, 4, 3, 1,           // all highest
      nan_v, nan_v, nan_v, nan_v, nan_v, nan_v,  // nothing answered
      2, nan_v, 3, 1, 2, 2;
  attune::grm_score_options o;
  o.method = attune::theta_method::ml;
  const auto ml = attune::score_graded(items, x, o);
  EXPECT_EQ(ml.theta(0), -INFINITY);
  EXPECT_EQ(ml.theta(1), INFINITY);
  EXPECT_TRUE(std::isnan(ml.se(0)) && std::isnan(ml.se(1)));
  EXPECT_TRUE(std::isnan(ml.theta(2)));
  EXPECT_TRUE(std::isfinite(ml.theta(3)) && std::isfinite(ml.se(3)));
  EXPECT_EQ(ml.infinite, 2U);
  EXPECT_EQ(ml.n, 3U);
  o.ml_map_fallback = true;
  const auto fb = attune::score_graded(items, x, o);
  o.method = attune::theta_method::map;
  o.ml_map_fallback = false;
  const auto map = attune::score_graded(items, x, o);
  EXPECT_EQ(fb.fallbacks, 2U);
  EXPECT_DOUBLE_EQ(fb.theta(0), map.theta(0));
  EXPECT_DOUBLE_EQ(fb.se(1), map.se(1));
  EXPECT_DOUBLE_EQ(fb.theta(3), ml.theta(3));
  // the MAP is the zero of the posterior's derivative: check by central differences of the EAP-free log posterior
  EXPECT_LT(map.theta(0), -1.0);
}

TEST(IrtScores, EapSumUsesTheTableOfTheAnsweredItems) {
  const auto items = small_bank();
  MatrixXd x(3, 5);
  x << 1, 2, 1, 1, 3,
       3, 4, 3, 2, 3,
       2, nan_v, 2, 1, 2;
  attune::grm_score_options o;
  o.method = attune::theta_method::eap_sum;
  const auto s = attune::score_graded(items, x, o);
  const auto full = attune::sum_score_eap(items);
  EXPECT_DOUBLE_EQ(s.theta(0), full.rows[0 + 1 + 0 + 0 + 2].eap);
  EXPECT_DOUBLE_EQ(s.se(1), full.rows.back().sd);
  std::vector<bank_item> four = items;
  four.erase(four.begin() + 1);
  const auto part = attune::sum_score_eap(four);
  EXPECT_DOUBLE_EQ(s.theta(2), part.rows[1 + 1 + 0 + 1].eap);
  // a sum score's EAP is the probability-weighted mean of the EAPs of its patterns: monotone in the score
  for (std::size_t r = 1; r < full.rows.size(); ++r) EXPECT_GT(full.rows[r].eap, full.rows[r - 1].eap);
  double total = 0;
  for (const auto& r : full.rows) total += r.probability;
  EXPECT_NEAR(total, 1.0, 1e-14);
}

TEST(IrtScores, ScoreItemBankSplitsTheScales) {
  auto bank = synthetic_bank(8, 4, 3, {"anxiety", "avoidance"});
  attune::grm_simulation_options so;
  so.n = 50;
  const auto sim = attune::simulate_graded(bank, so);
  const auto scores = attune::score_item_bank(bank, sim.answers);
  ASSERT_EQ(scores.size(), 2U);
  EXPECT_EQ(scores[1].scale, "avoidance");
  MatrixXd sub(50, 4);
  for (int j = 0; j < 4; ++j) sub.col(j) = sim.answers.col(2 * j + 1);
  const auto direct = attune::score_graded(bank.scale_items("avoidance"), sub);
  EXPECT_EQ(scores[1].theta, direct.theta);
}

// ---------------------------------------------------------------------------------------------
// Information and reliability

TEST(IrtInformation, ItemInformationIsFisherInformation) {
  const auto items = golden_r_items();
  VectorXd grid = VectorXd::LinSpaced(13, -3, 3);
  const auto info = attune::graded_information(items, grid);
  const double h = 1e-5;
  for (std::size_t j = 0; j < items.size(); ++j)
    for (Index g = 0; g < grid.size(); ++g) {
      // sum_c (dP_c/dtheta)^2 / P_c with dP by central differences of the category probabilities
      auto probs = [&](double t) {
        std::vector<double> p;
        double above = 1;
        for (std::size_t k = 0; k <= items[j].intercepts.size(); ++k) {
          const double next = k < items[j].intercepts.size() ? 1 / (1 + std::exp(-(items[j].slope * t + items[j].intercepts[k]))) : 0;
          p.push_back(above - next);
          above = next;
        }
        return p;
      };
      const auto p0 = probs(grid(g)), pp = probs(grid(g) + h), pm = probs(grid(g) - h);
      double fisher = 0;
      for (std::size_t c = 0; c < p0.size(); ++c) fisher += std::pow((pp[c] - pm[c]) / (2 * h), 2) / p0[c];
      EXPECT_NEAR(info.items(g, static_cast<Index>(j)), fisher, 1e-7) << j << " " << g;
    }
  for (Index g = 0; g < grid.size(); ++g) {
    EXPECT_NEAR(info.test(g), info.items.row(g).sum(), 1e-14);
    EXPECT_NEAR(info.se(g), 1 / std::sqrt(info.test(g)), 1e-14);
  }
}

TEST(IrtInformation, MarginalReliabilityIsTheIntegral) {
  const auto items = golden_r_items();
  // a fine midpoint rule on [-10, 10]
  const int n = 20000;
  VectorXd grid(n);
  for (int i = 0; i < n; ++i) grid(i) = -10 + 20.0 * (i + 0.5) / n;
  const auto info = attune::graded_information(items, grid);
  double rho = 0;
  for (int i = 0; i < n; ++i) rho += info.test(i) / (info.test(i) + 1) * std::exp(-0.5 * grid(i) * grid(i)) / std::sqrt(2 * M_PI) * 20.0 / n;
  EXPECT_NEAR(attune::marginal_reliability(items), rho, 1e-8);
  EXPECT_GT(rho, 0.5);
  EXPECT_LT(rho, 1.0);
}

TEST(IrtInformation, EmpiricalReliability) {
  VectorXd th(5), se(5);
  th << -1, 0, 1, 2, INFINITY;
  se << 0.5, 0.5, 0.5, 0.5, nan_v;
  const double var = 1.6666666666666667;  // var(-1, 0, 1, 2)
  EXPECT_NEAR(attune::empirical_reliability(th, se), var / (var + 0.25), 1e-15);
  EXPECT_TRUE(std::isnan(attune::empirical_reliability(th.head(1), se.head(1))));
}

// ---------------------------------------------------------------------------------------------
// Person fit

TEST(IrtPersonFit, LzByHandAndOnModelData) {
  const auto items = golden_r_items();
  MatrixXd x(1, 6);
  x << 2, 3, 3, nan_v, 2, 2;
  VectorXd th(1);
  th << 0.4;
  const auto r = attune::person_fit_lz(items, x, th);
  // by hand
  double l0 = 0, e = 0, v = 0;
  for (std::size_t j = 0; j < 6; ++j) {
    if (j == 3) continue;
    std::vector<double> p;
    double above = 1;
    for (std::size_t k = 0; k <= items[j].intercepts.size(); ++k) {
      const double next = k < items[j].intercepts.size() ? 1 / (1 + std::exp(-(items[j].slope * 0.4 + items[j].intercepts[k]))) : 0;
      p.push_back(above - next);
      above = next;
    }
    const int c = *items[j].category_of(x(0, static_cast<Index>(j)));
    l0 += std::log(p[static_cast<std::size_t>(c)]);
    double m1 = 0, m2 = 0;
    for (double q : p) {
      m1 += q * std::log(q);
      m2 += q * std::log(q) * std::log(q);
    }
    e += m1;
    v += m2 - m1 * m1;
  }
  EXPECT_NEAR(r.l0(0), l0, 1e-12);
  EXPECT_NEAR(r.lz(0), (l0 - e) / std::sqrt(v), 1e-12);
  EXPECT_EQ(r.answered(0), 5);
  // model-consistent answers at the true theta: lz about N(0, 1); reversed answers: very negative
  auto bank = synthetic_bank(30, 5, 21);
  attune::grm_simulation_options so;
  so.n = 2000;
  so.seed = 8;
  const auto sim = attune::simulate_graded(bank, so);
  const auto fit = attune::person_fit_lz(bank.items, sim.answers, sim.theta.col(0));
  EXPECT_EQ(fit.n, 2000U);
  const double mean = fit.lz.mean();
  const double sd = std::sqrt((fit.lz.array() - mean).square().sum() / 1999);
  std::printf("lz on model data: mean %.3f sd %.3f\n", mean, sd);
  EXPECT_NEAR(mean, 0.0, 0.1);
  EXPECT_NEAR(sd, 1.0, 0.1);
  MatrixXd flipped = 6.0 - sim.answers.topRows(20).array();
  const auto bad = attune::person_fit_lz(bank.items, flipped, sim.theta.col(0).head(20));
  int low = 0;
  for (Index i = 0; i < 20; ++i) low += bad.lz(i) < -3;
  EXPECT_GE(low, 15);
}

// ---------------------------------------------------------------------------------------------
// Simulation

TEST(IrtSimulation, SeededAndThreadIndependent) {
  const auto bank = synthetic_bank(10, 5, 1, {"a", "b"});
  attune::grm_simulation_options so;
  so.n = 3000;
  so.seed = 42;
  so.missing_rate = 0.1;
  so.threads = 1;
  const auto a = attune::simulate_graded(bank, so);
  so.threads = 3;
  const auto b = attune::simulate_graded(bank, so);
  EXPECT_TRUE(a.answers.cwiseEqual(b.answers).count() + (a.answers.array().isNaN() && b.answers.array().isNaN()).count() ==
              a.answers.size());
  EXPECT_EQ(a.theta, b.theta);
  EXPECT_EQ(a.scales, (std::vector<std::string>{"a", "b"}));
  so.seed = 43;
  const auto c = attune::simulate_graded(bank, so);
  EXPECT_NE(a.theta, c.theta);
  const double missing = static_cast<double>(a.answers.array().isNaN().count()) / static_cast<double>(a.answers.size());
  EXPECT_NEAR(missing, 0.1, 0.01);
  // first respondent's first theta: the first Box-Muller value of its own stream (platform-independent)
  attune::grm_simulation_options one = so;
  one.seed = 42;
  one.n = 1;
  EXPECT_EQ(attune::simulate_graded(bank, one).theta(0, 0), a.theta(0, 0));
  // category proportions follow the model: P(X >= 2) of item 1 at theta is averaged over the sample
  const auto& it = bank.items[0];
  double expected = 0, observed = 0, answered = 0;
  for (Index i = 0; i < 3000; ++i) {
    expected += 1 / (1 + std::exp(-(it.slope * a.theta(i, 0) + it.intercepts[0])));
    if (!std::isnan(a.answers(i, 0))) {
      answered += 1;
      observed += a.answers(i, 0) >= 2;
    }
  }
  EXPECT_NEAR(observed / answered, expected / 3000, 0.03);
}

TEST(IrtSimulation, GivenThetasAndReverseKeys) {
  auto bank = synthetic_bank(4, 3, 2);
  bank.items[1].reversed = true;
  MatrixXd th(2, 1);
  th << -8, 8;
  const MatrixXd x = attune::simulate_graded(bank, th, 1);
  EXPECT_EQ(x(0, 0), 1);
  EXPECT_EQ(x(1, 0), 3);
  EXPECT_EQ(x(0, 1), 3);  // reversed: the lowest category is the highest value
  EXPECT_EQ(x(1, 1), 1);
  expect_error([&] { attune::simulate_graded(bank, MatrixXd::Zero(2, 2), 1); }, attune::errc::invalid_argument, "2 columns");
}

}  // namespace
