// Benchmarks of the IRT and CAT modules (issue 13):
//   - fitting the graded model to 36 items x 10,000 respondents x 5 categories (target: under
//     0.5 s on one core), with the EM iterations as a counter;
//   - EAP scoring of 1,000,000 respondents (respondents per second);
//   - one CAT step (select the next item and update theta) on a 36-item bank.
// Data come from `simulate_graded` on a seeded synthetic bank (slopes 0.8-2.4, spread thresholds).
#include <benchmark/benchmark.h>

#include <map>
#include <string>

#include "attune/analyses/cat.hpp"
#include "attune/analyses/irt.hpp"
#include "detail/random.hpp"

namespace {

attune::item_bank bank36(const std::vector<std::string>& scales = {"scale"}) {
  attune::item_bank bank;
  attune::detail::rng g(36);
  for (int j = 0; j < 36; ++j) {
    attune::bank_item it;
    it.id = "Q" + std::to_string(j + 1);
    it.scale = scales[static_cast<std::size_t>(j) % scales.size()];
    it.categories = {1, 2, 3, 4, 5};
    it.slope = 0.8 + 1.6 * g.uniform();
    const double loc = -1 + 2 * g.uniform();
    for (int c = 0; c < 4; ++c) it.intercepts.push_back(-it.slope * (loc - 1.5 + c));
    bank.items.push_back(it);
  }
  return bank;
}

const attune::grm_simulation& data(std::size_t n) {
  static std::map<std::size_t, attune::grm_simulation> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    attune::grm_simulation_options o;
    o.n = n;
    o.seed = 2026;
    it = cache.emplace(n, attune::simulate_graded(bank36(), o)).first;
  }
  return it->second;
}

attune::grm_options fit_options(bool full, int threads) {
  attune::grm_options o;
  for (const auto& it : bank36().items) o.items.push_back({it.id, it.categories, false});
  o.standard_errors = full;
  o.item_fit = full;
  o.threads = threads;
  return o;
}

// range(0): 0 = estimates only, 1 = with SEs (Louis) and S-X2; range(1): threads (0 = all cores)
void BM_fit_graded_36x10000(benchmark::State& state) {
  const auto& sim = data(10000);
  const auto o = fit_options(state.range(0) != 0, static_cast<int>(state.range(1)));
  int iterations = 0;
  for (auto _ : state) {
    const auto fit = attune::fit_graded(sim.answers, o);
    iterations = fit.iterations;
    benchmark::DoNotOptimize(fit.loglik);
  }
  state.counters["em_iterations"] = iterations;
}
BENCHMARK(BM_fit_graded_36x10000)->Args({0, 1})->Args({1, 1})->Args({0, 0})->Args({1, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_score_eap_1M(benchmark::State& state) {
  const auto& sim = data(1000000);
  const auto bank = bank36();
  attune::grm_score_options o;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(attune::score_graded(bank.items, sim.answers, o).theta(0));
  state.SetItemsProcessed(state.iterations() * 1000000);  // respondents per second
}
BENCHMARK(BM_score_eap_1M)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

// One step = next_item() + answer(): the 36-item bank administered in full (no stop rule), from
// a copy of a fresh session per iteration (the copy is included; it costs about one step).
void BM_cat_step(benchmark::State& state) {
  const auto bank = bank36({"avoidance", "anxiety"});
  attune::cat_options o;
  o.selection = static_cast<attune::cat_selection>(state.range(0));
  o.stop.se = std::nullopt;
  const attune::cat_session fresh(bank, o);
  const auto& sim = data(10000);
  std::int64_t steps = 0;
  std::size_t person = 0;
  for (auto _ : state) {
    attune::cat_session s = fresh;
    const auto row = static_cast<Eigen::Index>(person++ % 10000);
    while (auto next = s.next_item()) {
      s.answer(*next, sim.answers(row, bank.item_index(*next)));
      ++steps;
    }
    benchmark::DoNotOptimize(s.theta("anxiety"));
  }
  state.SetItemsProcessed(steps);  // steps per second; 1e6 / that = microseconds per step
  state.SetLabel(std::string(attune::to_string(o.selection)));
}
BENCHMARK(BM_cat_step)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
