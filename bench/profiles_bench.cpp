// Benchmarks of attune/profiles.hpp and attune/cluster.hpp: the four required mixture models
// (EEI, VVI, EEE, VVV; tidyLPA's 1, 2, 3, 6) with K = 1..6 and 10 starts each on N respondents x 2
// scores, the hierarchical start alone, and Ward clustering. Side-by-side with mclust:
// bench/compare_profiles.sh (BM_profiles_file reads its data).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "attune/analyses/cluster.hpp"
#include "attune/analyses/profiles.hpp"
#include "attune/data/responses.hpp"

namespace {

// Four profiles on the anxiety x avoidance plane (1-7), from a fixed seed: top 53 bits ->
// (0, 1), Box-Muller normals.
Eigen::MatrixXd scores(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  auto u = [&] { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; };
  auto normal = [&] { return std::sqrt(-2.0 * std::log(u())) * std::cos(6.283185307179586 * u()); };
  const double mu[4][2] = {{2.5, 2.3}, {4.8, 2.6}, {2.6, 4.7}, {4.9, 5.0}};
  const double w[4] = {0.4, 0.25, 0.2, 0.15};
  Eigen::MatrixXd x(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double v = u();
    int k = 0;
    double acc = w[0];
    while (k < 3 && v > acc) acc += w[++k];
    x(i, 0) = mu[k][0] + 0.55 * normal();
    x(i, 1) = mu[k][1] + 0.55 * normal();
  }
  return x;
}

attune::mixture_options required(double tolerance, int threads) {
  attune::mixture_options o;  // EEI, VVI, EEE, VVV; K = 1..6; 10 starts
  o.tolerance = tolerance;
  o.threads = threads;
  return o;
}

// Args: N, tolerance exponent (5 = mclust's 1e-5, 8 = attune's default 1e-8), threads (0 = all).
void BM_profiles_required(benchmark::State& state) {
  const Eigen::MatrixXd x = scores(state.range(0), 1);
  const auto o = required(std::pow(10.0, -static_cast<double>(state.range(1))), static_cast<int>(state.range(2)));
  for (auto _ : state) {
    auto r = attune::fit_profiles(x, o);
    benchmark::DoNotOptimize(r.fits.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_profiles_required)
    ->Args({10000, 5, 1})
    ->Args({10000, 8, 1})
    ->Args({100000, 5, 1})
    ->Args({100000, 5, 0})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

void BM_hierarchical_start(benchmark::State& state) {
  const Eigen::MatrixXd x = scores(state.range(0), 2);
  for (auto _ : state) {
    auto p = attune::model_based_partitions(x, 6, 1);
    benchmark::DoNotOptimize(p.data());
  }
}
BENCHMARK(BM_hierarchical_start)->Arg(500)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_ward(benchmark::State& state) {
  const Eigen::MatrixXd x = scores(state.range(0), 3);
  attune::ward_options o;
  o.threads = 1;
  for (auto _ : state) {
    auto t = attune::ward_cluster(x, o);
    benchmark::DoNotOptimize(t.height.data());
  }
}
BENCHMARK(BM_ward)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

// compare_profiles.sh: the required fits on ATTUNE_BENCH_PROFILES_DATA (columns anxiety,
// avoidance) with EM tolerance ATTUNE_BENCH_PROFILES_TOLERANCE (default mclust's 1e-5) on
// ATTUNE_BENCH_PROFILES_THREADS threads (default 1); each fit's log-likelihood written to
// ATTUNE_BENCH_PROFILES_OUT when set.
void BM_profiles_file(benchmark::State& state) {
  const char* path = std::getenv("ATTUNE_BENCH_PROFILES_DATA");
  if (path == nullptr) {
    state.SkipWithError("set ATTUNE_BENCH_PROFILES_DATA to a CSV with columns anxiety, avoidance");
    return;
  }
  const char* threads = std::getenv("ATTUNE_BENCH_PROFILES_THREADS");
  const char* tolerance = std::getenv("ATTUNE_BENCH_PROFILES_TOLERANCE");
  const Eigen::MatrixXd x = attune::read_responses_file(path, {"anxiety", "avoidance"}).values;
  const auto o = required(tolerance ? std::atof(tolerance) : 1e-5, threads ? std::atoi(threads) : 1);
  attune::mixture_result r;
  for (auto _ : state) {
    r = attune::fit_profiles(x, o);
    benchmark::DoNotOptimize(r.fits.data());
  }
  if (const char* out = std::getenv("ATTUNE_BENCH_PROFILES_OUT")) {
    std::ofstream f(out);
    f.precision(17);
    f << "model,k,loglik,starts_at_best\n";
    for (const auto& fit : r.fits) {
      f << attune::to_string(fit.model) << ',' << fit.k << ',';
      if (fit.loglik) {
        f << *fit.loglik;
      } else {
        f << "NA";
      }
      f << ',' << fit.starts_at_best << '\n';
    }
  }
}
BENCHMARK(BM_profiles_file)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
