// Benchmarks of attune/classify.hpp and attune/change.hpp on synthetic scores: Fisher functions
// with probabilities and SEM distances, a midpoint split, k-means (20 starts), and RCI
// trajectories over four administrations. Side-by-side with R: bench/compare_classify.sh.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "attune/analyses/change.hpp"
#include "attune/analyses/classify.hpp"
#include "attune/analyses/simulate.hpp"
#include "attune/study/classify.hpp"

namespace {

// Scores on 1-7 from a fixed seed (top 53 bits -> [0, 1), then a sum of uniforms for a hump).
Eigen::VectorXd scores(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double s = 0;
    for (int k = 0; k < 4; ++k) s += static_cast<double>(rng() >> 11) * 0x1.0p-53;
    x(i) = 1.0 + 6.0 * s / 4.0;
  }
  return x;
}

void run_method(benchmark::State& state, attune::classify_method method) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const Eigen::VectorXd a = scores(n, 1), v = scores(n, 2);
  attune::classify_options o;
  o.method = method;
  o.range = attune::response_range{1, 7};
  o.sem_anxiety = 0.3;
  o.sem_avoidance = 0.25;
  for (auto _ : state) {
    auto r = attune::classify(a, v, o);
    benchmark::DoNotOptimize(r.styles.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_fisher(benchmark::State& state) { run_method(state, attune::classify_method::fisher); }
void BM_midpoint(benchmark::State& state) { run_method(state, attune::classify_method::midpoint); }
void BM_median(benchmark::State& state) { run_method(state, attune::classify_method::median); }
void BM_kmeans(benchmark::State& state) { run_method(state, attune::classify_method::kmeans); }

void BM_trajectories(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  std::vector<Eigen::MatrixXd> waves;
  for (std::uint64_t w = 0; w < 4; ++w) {
    Eigen::MatrixXd m(n, 2);
    m.col(0) = scores(n, 10 + w);
    m.col(1) = scores(n, 20 + w);
    waves.push_back(m);
  }
  attune::trajectory_options o;
  o.scales = {"anxiety", "avoidance"};
  o.rci = {attune::rci_options{1.1, 0.9}, attune::rci_options{1.2, 0.9}};
  o.cutoffs = {3.5, 3.2};
  for (auto _ : state) {
    auto r = attune::compute_trajectories(waves, o);
    benchmark::DoNotOptimize(r.total_rci.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// End to end through the study layer, streaming a file (classify_file: the passes for the SEM from
// this sample's alpha and SD, then the rows), rows written to a discarded stream as the CLI would.
void BM_classify_file_fisher(benchmark::State& state) {
  const auto& inst = *attune::find_builtin("ecr");
  const std::string path = "classify_bench_" + std::to_string(state.range(0)) + ".csv";
  {
    std::ofstream out(path, std::ios::binary);
    attune::simulation_options sim;
    sim.n = static_cast<std::size_t>(state.range(0));
    sim.missing_rate = 0;
    bool header = true;
    attune::simulate_response_chunks(inst, sim, 0, [&](const attune::responses& c) {
      attune::write_responses_csv(out, c, header);
      header = false;
    });
  }
  attune::classify_study_options o;
  o.method = attune::classify_method::fisher;
  o.input.read.id_column = "id";
  o.threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    std::size_t rows = 0;
    auto s = attune::classify_file(inst, path, o, [](const attune::classify_study&) {},
                                   [&](const attune::classify_study& part) { rows += part.n_rows; });
    benchmark::DoNotOptimize(rows);
  }
  std::remove(path.c_str());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(BM_classify_file_fisher)->Args({200000, 1})->Args({200000, 2})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fisher)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_midpoint)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_median)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_kmeans)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_trajectories)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
