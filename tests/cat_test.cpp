// Adaptive testing: the session (selection, balancing, stop rules, save/restore that continues
// exactly), the generator state it relies on, and the simulator.
#include "attune/analyses/cat.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "attune/analyses/irt.hpp"
#include "attune/core/error.hpp"
#include "detail/random.hpp"
#include "irt_test_support.hpp"
#include "test_support.hpp"

namespace {

using attune::cat_session;
using attune::test::expect_error;
using attune::test::synthetic_bank;
using Eigen::Index;
using Eigen::MatrixXd;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

// A respondent: the answers a simulated person gives to every bank item.
std::vector<double> respondent(const attune::item_bank& bank, double theta_a, double theta_b, std::uint64_t seed) {
  const auto scales = bank.scales();
  MatrixXd th(1, static_cast<Index>(scales.size()));
  th(0, 0) = theta_a;
  if (scales.size() > 1) th(0, 1) = theta_b;
  const MatrixXd x = attune::simulate_graded(bank, th, seed);
  return {x.data(), x.data() + x.size()};
}

// Runs `s` until done (or `steps` items), answering from `answers` (bank order).
void run(cat_session& s, const attune::item_bank& bank, const std::vector<double>& answers, int steps = 1000) {
  for (int i = 0; i < steps; ++i) {
    const auto next = s.next_item();
    if (!next) return;
    s.answer(*next, answers[static_cast<std::size_t>(bank.item_index(*next))]);
  }
}

// ---------------------------------------------------------------------------------------------

TEST(CatRng, ResumeContinuesTheStreamExactly) {
  attune::detail::rng a(12345);
  for (int i = 0; i < 7; ++i) (void)a.uniform();
  (void)a.below(10);
  (void)a.normal();  // leaves a spare Box-Muller value
  const auto st = a.state();
  EXPECT_EQ(st.seed, 12345U);
  EXPECT_TRUE(st.spare.has_value());
  auto b = attune::detail::rng::resume(st);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(a.normal(), b.normal()) << i;
    EXPECT_EQ(a.uniform(), b.uniform()) << i;
    EXPECT_EQ(a.below(7), b.below(7)) << i;
  }
  EXPECT_EQ(a.state().draws, b.state().draws);
  attune::detail::rng fresh(12345);
  EXPECT_EQ(fresh.state().draws, 0U);
  EXPECT_FALSE(fresh.state().spare.has_value());
}

TEST(CatSession, FirstItemAndEapUpdates) {
  const auto bank = synthetic_bank(20, 5, 3);
  attune::cat_options o;
  o.stop.se = std::nullopt;
  o.stop.max_items = 6;
  cat_session s(bank, o);
  EXPECT_NEAR(s.theta(), 0.0, 1e-15);  // the prior mean on the grid, up to rounding
  EXPECT_NEAR(s.se(), 1.0, 1e-6);  // the prior on the grid
  // MFI at theta = 0: the most informative item at 0
  const auto info = attune::graded_information(bank.items, Eigen::VectorXd::Zero(1));
  Index best = 0;
  info.items.row(0).maxCoeff(&best);
  const auto first = s.next_item();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, bank.items[static_cast<std::size_t>(best)].id);
  EXPECT_EQ(s.next_item(), first);  // pending until answered
  EXPECT_EQ(s.pending(), first);
  const auto answers = respondent(bank, 0.7, 0, 9);
  run(s, bank, answers);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.stop_rule(), attune::cat_stop_rule::max_items);
  ASSERT_EQ(s.history().size(), 6U);
  // the session's EAP equals score_graded on the same answers (same grid and prior)
  MatrixXd x = MatrixXd::Constant(1, 20, nan_v);
  for (const auto& h : s.history()) x(0, bank.item_index(h.item)) = h.value;
  const auto sc = attune::score_graded(bank.items, x);
  EXPECT_NEAR(s.theta(), sc.theta(0), 1e-12);
  EXPECT_NEAR(s.se(), sc.se(0), 1e-12);
  EXPECT_EQ(s.history().back().theta, s.theta());
  EXPECT_FALSE(s.next_item());
  expect_error([&] { s.answer("Q20", 1); }, attune::errc::invalid_argument, "the test is finished (max_items)");
}

TEST(CatSession, SavedSessionContinuesExactly) {
  const auto bank = synthetic_bank(36, 5, 5, {"avoidance", "anxiety"});
  for (auto sel : {attune::cat_selection::mfi, attune::cat_selection::mpwi, attune::cat_selection::kl}) {
    attune::cat_options o;
    o.selection = sel;
    o.randomesque = 4;
    o.seed = 99;
    o.stop.se = 0.25;
    o.stop.max_items = 12;
    const auto answers = respondent(bank, -0.4, 1.1, 3);
    cat_session original(bank, o);
    run(original, bank, answers, 5);
    (void)original.next_item();  // a pending item travels too
    const std::string saved = original.save();
    cat_session restored = cat_session::restore(bank, saved);
    EXPECT_EQ(restored.save(), saved);
    EXPECT_EQ(restored.pending(), original.pending());
    EXPECT_EQ(restored.theta("anxiety"), original.theta("anxiety"));
    run(original, bank, answers);
    run(restored, bank, answers);
    ASSERT_EQ(original.history().size(), restored.history().size()) << to_string(sel);
    for (std::size_t i = 0; i < original.history().size(); ++i) {
      EXPECT_EQ(original.history()[i].item, restored.history()[i].item) << i;
      EXPECT_EQ(original.history()[i].theta, restored.history()[i].theta) << i;
      EXPECT_EQ(original.history()[i].se, restored.history()[i].se) << i;
    }
    EXPECT_EQ(original.stop_rule(), restored.stop_rule());
    EXPECT_EQ(original.save(), restored.save());
    EXPECT_GT(original.history().size(), 6U);
    // a session restored at every step is the same as one run straight through
    cat_session straight(bank, o), hopping(bank, o);
    run(straight, bank, answers);
    while (auto next = hopping.next_item()) {
      hopping = cat_session::restore(bank, hopping.save());
      EXPECT_EQ(hopping.next_item(), next);
      hopping.answer(*next, answers[static_cast<std::size_t>(bank.item_index(*next))]);
      hopping = cat_session::restore(bank, hopping.save());
    }
    EXPECT_EQ(straight.save(), hopping.save());
  }
}

TEST(CatSession, RandomesqueDrawsVaryWithTheSeed) {
  const auto bank = synthetic_bank(30, 5, 8);
  std::set<std::string> firsts;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    attune::cat_options o;
    o.randomesque = 5;
    o.seed = seed;
    cat_session s(bank, o);
    firsts.insert(*s.next_item());
  }
  EXPECT_EQ(firsts.size(), 5U);  // one of the 5 best items at theta = 0, each of them drawn
  attune::cat_options o;
  cat_session a(bank, o), b(bank, o);
  EXPECT_EQ(a.next_item(), b.next_item());
}

TEST(CatSession, StopRules) {
  const auto bank = synthetic_bank(20, 5, 4);
  const auto answers = respondent(bank, 0.2, 0, 1);
  auto length = [&](attune::cat_options o, std::optional<attune::cat_stop_rule>* rule = nullptr) {
    cat_session s(bank, o);
    run(s, bank, answers);
    if (rule) *rule = s.stop_rule();
    return s.history().size();
  };
  std::optional<attune::cat_stop_rule> rule;
  attune::cat_options o;
  o.stop.se = 0.4;
  const auto n_se = length(o, &rule);
  EXPECT_EQ(rule, attune::cat_stop_rule::se_reached);
  EXPECT_LT(n_se, 20U);
  {
    cat_session s(bank, o);
    run(s, bank, answers);
    EXPECT_LE(s.se(), 0.4);
    EXPECT_GT(s.history()[s.history().size() - 2].se, 0.4);
  }
  o.stop.min_items = static_cast<int>(n_se) + 3;
  EXPECT_EQ(length(o, &rule), n_se + 3);  // the floor holds the SE rule back
  EXPECT_EQ(rule, attune::cat_stop_rule::se_reached);
  o = {};
  o.stop.se = std::nullopt;
  EXPECT_EQ(length(o, &rule), 20U);
  EXPECT_EQ(rule, attune::cat_stop_rule::bank_exhausted);
  o.stop.se_change = 0.02;
  const auto n_plateau = length(o, &rule);
  EXPECT_EQ(rule, attune::cat_stop_rule::se_plateau);
  EXPECT_LT(n_plateau, 20U);
  o.stop.max_total_items = 3;
  EXPECT_EQ(length(o, &rule), 3U);
  EXPECT_EQ(rule, attune::cat_stop_rule::max_total_items);
  expect_error([] { attune::cat_options b; b.randomesque = 0; cat_session(synthetic_bank(3, 3, 1), b); }, attune::errc::invalid_argument,
               "cat_options.randomesque = 0: must be >= 1");
  expect_error([] { attune::cat_options b; b.stop.min_items = 5; b.stop.max_items = 2; b.validate(); }, attune::errc::invalid_argument,
               "cat_options.stop.max_items = 2");
}

TEST(CatSession, ContentBalancing) {
  const auto bank = synthetic_bank(24, 5, 6, {"avoidance", "anxiety"});
  const auto answers = respondent(bank, 1.0, -1.0, 2);
  attune::cat_options o;
  o.stop.se = std::nullopt;
  o.stop.max_items = 4;  // per scale
  cat_session s(bank, o);
  run(s, bank, answers);
  ASSERT_EQ(s.history().size(), 8U);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(s.history()[i].scale, i % 2 == 0 ? "avoidance" : "anxiety") << i;
  const auto st = s.scales();
  EXPECT_EQ(st[0].items, 4);
  EXPECT_EQ(st[1].stop, attune::cat_stop_rule::max_items);
  EXPECT_NEAR(s.theta("avoidance"), st[0].theta, 0);
  expect_error([&] { (void)s.theta(); }, attune::errc::invalid_argument, "2 scales (avoidance, anxiety): name one");
  expect_error([&] { (void)s.theta("secure"); }, attune::errc::invalid_argument, "no scale 'secure'");
  // once a scale is finished, only the other runs
  o.stop.max_items = std::nullopt;
  o.stop.se = 0.45;
  cat_session t(bank, o);
  run(t, bank, answers);
  for (const auto& sc : t.scales()) EXPECT_EQ(sc.stop, attune::cat_stop_rule::se_reached);
  // largest_se: the first item of each scale comes first (equal prior SEs: bank order), then whichever is less precise
  o.balance = attune::cat_balance::largest_se;
  cat_session u(bank, o);
  run(u, bank, answers, 2);
  EXPECT_EQ(u.history()[0].scale, "avoidance");
  EXPECT_EQ(u.history()[1].scale, "anxiety");
  // none: the best item of either scale
  o.balance = attune::cat_balance::none;
  cat_session v(bank, o);
  const auto info = attune::graded_information(bank.items, Eigen::VectorXd::Zero(1));
  Index best = 0;
  info.items.row(0).maxCoeff(&best);
  EXPECT_EQ(*v.next_item(), bank.items[static_cast<std::size_t>(best)].id);
}

TEST(CatSession, SelectionRulesPreferInformativeItems) {
  // two items: a sharp one at theta = 0, a flat one; every rule asks the sharp one first
  attune::item_bank bank;
  bank.items.push_back({"flat", "s", {1, 2, 3}, false, 0.5, {1.0, -1.0}});
  bank.items.push_back({"sharp", "s", {1, 2, 3}, false, 2.5, {1.0, -1.0}});
  bank.items.push_back({"far", "s", {1, 2, 3}, false, 2.5, {8.0, 6.0}});
  for (auto sel : {attune::cat_selection::mfi, attune::cat_selection::mpwi, attune::cat_selection::kl}) {
    attune::cat_options o;
    o.selection = sel;
    cat_session s(bank, o);
    EXPECT_EQ(*s.next_item(), "sharp") << to_string(sel);
  }
  // the lowest answer on "sharp" moves the posterior down, toward "far" (b = -3.2, -2.4), which MPWI then prefers
  attune::cat_options o;
  o.selection = attune::cat_selection::mpwi;
  cat_session s(bank, o);
  s.answer("sharp", 1);
  EXPECT_LT(s.theta(), -0.5);
  EXPECT_EQ(*s.next_item(), "far");
}

TEST(CatSession, SkippedItemsAndMisuse) {
  const auto bank = synthetic_bank(10, 4, 2);
  cat_session s(bank, {});
  const auto first = *s.next_item();
  s.answer(first, nan_v);  // skipped
  EXPECT_EQ(s.history().size(), 1U);
  EXPECT_NEAR(s.theta(), 0.0, 1e-15);  // a skipped item leaves the prior
  EXPECT_TRUE(std::isnan(s.history()[0].value));
  expect_error([&] { s.answer(first, 2); }, attune::errc::invalid_argument, "already administered");
  expect_error([&] { s.answer("nope", 2); }, attune::errc::invalid_argument, "no item 'nope'");
  expect_error([&] { s.answer("Q3", 2.5); }, attune::errc::invalid_argument, "2.5 to item 'Q3' is not one of its categories");
  s.answer("Q3", 4);  // any item may be answered, not only the pending one
  EXPECT_GT(s.theta(), 0);
  const auto restored = cat_session::restore(bank, s.save());
  EXPECT_TRUE(std::isnan(restored.history()[0].value));
  EXPECT_EQ(restored.theta(), s.theta());
}

TEST(CatSession, RestoreIsStrict) {
  const auto bank = synthetic_bank(10, 4, 2);
  cat_session s(bank, {});
  s.answer(*s.next_item(), 3);
  (void)s.next_item();
  const std::string saved = s.save();
  auto other = bank;
  other.items[4].slope += 1e-9;
  expect_error([&] { cat_session::restore(other, saved); }, attune::errc::bad_input,
               {"bank is the fingerprint of another item bank", attune::item_bank_fingerprint(other)});
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = saved;
    const auto p = t.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return t.replace(p, from.size(), to);
  };
  expect_error([&] { cat_session::restore(bank, replace("attune-cat-session/1", "attune-cat-session/0")); }, attune::errc::bad_input,
               "format must be");
  expect_error([&] { cat_session::restore(bank, replace("\"selection\":\"mfi\"", "\"selection\":\"best\"")); }, attune::errc::bad_input,
               "options.selection must be mfi, mpwi or kl");
  expect_error([&] { cat_session::restore(bank, replace("\"randomesque\":1", "\"randomesque\":0")); }, attune::errc::bad_input,
               "cat_options.randomesque = 0");
  expect_error([&] { cat_session::restore(bank, replace("\"draws\":\"", "\"draws\":\"x")); }, attune::errc::bad_input,
               "rng.draws must be a whole number written as a string");
  expect_error([&] { cat_session::restore(bank, replace("\"value\":3", "\"value\":9")); }, attune::errc::bad_input,
               {"answers[0] cannot be replayed", "not one of its categories"});
  expect_error([&] { cat_session::restore(bank, replace("\"answers\":[", "\"answers\":[{\"item\":\"Q1\",\"value\":1},{\"item\":\"Q1\",\"value\":1},")); },
               attune::errc::bad_input, "already administered");
  expect_error([&] { cat_session::restore(bank, saved.substr(0, saved.size() / 2)); }, attune::errc::bad_input, "not valid JSON");
  expect_error([&] { cat_session::restore(bank, replace("\"pending\":\"", "\"pending\":\"zz")); }, attune::errc::bad_input,
               "pending is not an item of the bank");
}

// ---------------------------------------------------------------------------------------------

TEST(CatSimulation, AccuracyLengthAndThreads) {
  const auto bank = synthetic_bank(36, 5, 13, {"avoidance", "anxiety"});
  attune::cat_simulation_options o;
  o.n = 400;
  o.seed = 17;
  o.cat.stop.se = 0.32;
  o.cat.randomesque = 2;
  o.threads = 1;
  const auto a = attune::simulate_cat(bank, o);
  o.threads = 2;
  const auto b = attune::simulate_cat(bank, o);
  EXPECT_EQ(a.theta_cat, b.theta_cat);
  EXPECT_EQ(a.items_used, b.items_used);
  EXPECT_EQ(a.respondents, 400U);
  std::size_t total = 0;
  for (const auto& l : a.items_distribution) total += l.respondents;
  EXPECT_EQ(total, 400U);
  std::size_t stops = 0;
  for (const auto& r : a.stop_rules) stops += r.respondents;
  EXPECT_EQ(stops, 400U);
  ASSERT_EQ(a.scales.size(), 2U);
  for (const auto& sc : a.scales) {
    std::printf("%s: mean items %.2f, RMSE(true) %.3f, r(true) %.3f, r(full EAP) %.3f, mean SE %.3f\n", sc.name.c_str(), sc.mean_items,
                sc.rmse_true, sc.cor_true, sc.cor_full_eap, sc.mean_se);
    EXPECT_LT(sc.mean_items, 18.0);
    EXPECT_GT(sc.cor_full_eap, 0.9);
    EXPECT_LT(sc.rmse_true, 0.45);
    EXPECT_LT(sc.mean_se, 0.36);
  }
  EXPECT_NEAR(a.mean_items, a.scales[0].mean_items + a.scales[1].mean_items, 1e-12);
  // on given answers: no true theta, the same sessions
  attune::grm_simulation_options go;
  go.n = 400;
  go.seed = 17;
  const auto sim = attune::simulate_graded(bank, go);
  const auto c = attune::simulate_cat(bank, sim.answers, o);
  EXPECT_EQ(c.theta_cat, a.theta_cat);
  EXPECT_TRUE(std::isnan(c.scales[0].rmse_true));
  EXPECT_EQ(c.scales[0].cor_full_eap, a.scales[0].cor_full_eap);
  expect_error([&] { attune::simulate_cat(bank, sim.answers.leftCols(3), o); }, attune::errc::invalid_argument, "3 columns");
}

}  // namespace
