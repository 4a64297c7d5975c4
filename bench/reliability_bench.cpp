// Benchmarks of the reliability module (issue 3 speed targets), Google Benchmark.
//
// Data: if ATTUNE_BENCH_RELIABILITY_DIR is set (bench/compare_reliability.sh does that), the
// *_file benchmarks read the CSV files R generated there (alpha.csv 100,000 x 18, boot.csv
// 10,000 x 18, split16.csv 1,000 x 16), so attune and psych time the same data; otherwise those
// benchmarks are skipped and the *_generated ones use data of the same shape generated here.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "attune/analyses/moments.hpp"
#include "attune/analyses/reliability.hpp"

namespace {

// One-factor Likert items (1..5), optional MCAR missing share.
Eigen::MatrixXd generate(Eigen::Index n, Eigen::Index k, double missing, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto u = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; };
  auto gauss = [&] { return std::sqrt(-2.0 * std::log(u())) * std::cos(6.283185307179586 * u()); };
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index r = 0; r < n; ++r) {
    const double f = gauss();
    for (Eigen::Index j = 0; j < k; ++j) {
      const double l = 0.45 + 0.35 * static_cast<double>(j) / static_cast<double>(k);
      const double y = l * f + std::sqrt(1 - l * l) * gauss();
      const double v = y < -1.2 ? 1 : y < -0.4 ? 2 : y < 0.4 ? 3 : y < 1.2 ? 4 : 5;
      x(r, j) = u() < missing ? std::numeric_limits<double>::quiet_NaN() : v;
    }
  }
  return x;
}

// Reads a numeric CSV with a header row ("NA" = missing).
Eigen::MatrixXd read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::string line;
  std::getline(in, line);
  std::vector<double> values;
  Eigen::Index rows = 0, cols = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    Eigen::Index c = 0;
    while (std::getline(ss, cell, ',')) {
      values.push_back(cell == "NA" ? std::numeric_limits<double>::quiet_NaN() : std::stod(cell));
      ++c;
    }
    cols = c;
    ++rows;
  }
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) m(r, c) = values[static_cast<std::size_t>(r * cols + c)];
  }
  return m;
}

const Eigen::MatrixXd* file_data(const char* name) {
  static std::vector<std::pair<std::string, Eigen::MatrixXd>> cache;
  const char* dir = std::getenv("ATTUNE_BENCH_RELIABILITY_DIR");
  if (!dir) return nullptr;
  for (const auto& [n, m] : cache) {
    if (n == name) return &m;
  }
  cache.emplace_back(name, read_csv(std::string(dir) + "/" + name));
  return cache.back().second.size() ? &cache.back().second : nullptr;
}

void run_alpha(benchmark::State& state, const Eigen::MatrixXd& x) {
  attune::reliability_options o;  // defaults: item analysis, split-half, Feldt + normal-theory CIs
  for (auto _ : state) {
    const auto r = attune::analyze_reliability(x, o);
    benchmark::DoNotOptimize(r.alpha);  // const: the read-only overload (the "+m,r" one miscompiles doubles with GCC 12)
    state.SetLabel("alpha=" + std::to_string(r.alpha));
  }
}

void run_bootstrap(benchmark::State& state, const Eigen::MatrixXd& x) {
  attune::reliability_options o;
  o.intervals = {attune::ci_method::bootstrap_percentile};
  o.bootstrap = 1000;
  o.split_half = false;
  o.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    const auto r = attune::analyze_reliability(x, o);
    benchmark::DoNotOptimize(r.intervals.front().lower);
  }
}

void run_split16(benchmark::State& state, const Eigen::MatrixXd& x) {
  for (auto _ : state) {
    attune::pairwise_moments pm;
    pm.add(x);
    const auto s = attune::split_half(pm.correlation());
    benchmark::DoNotOptimize(s.max);
    state.SetLabel("max=" + std::to_string(s.max) + " splits=" + std::to_string(s.n_splits));
  }
}

void BM_alpha_file(benchmark::State& state) {
  const auto* x = file_data("alpha.csv");
  if (!x) return state.SkipWithError("ATTUNE_BENCH_RELIABILITY_DIR not set");
  run_alpha(state, *x);
}
void BM_bootstrap_file(benchmark::State& state) {
  const auto* x = file_data("boot.csv");
  if (!x) return state.SkipWithError("ATTUNE_BENCH_RELIABILITY_DIR not set");
  run_bootstrap(state, *x);
}
void BM_split16_file(benchmark::State& state) {
  const auto* x = file_data("split16.csv");
  if (!x) return state.SkipWithError("ATTUNE_BENCH_RELIABILITY_DIR not set");
  run_split16(state, *x);
}

void BM_alpha_generated(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(100000, 18, 0.0, 1);
  run_alpha(state, x);
}
void BM_alpha_missing_generated(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(100000, 18, 0.10, 2);
  run_alpha(state, x);
}
void BM_bootstrap_generated(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(10000, 18, 0.0, 3);
  run_bootstrap(state, x);
}
void BM_bootstrap_missing_generated(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(10000, 18, 0.10, 4);
  run_bootstrap(state, x);
}
void BM_split16_generated(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(1000, 16, 0.0, 5);
  run_split16(state, x);
}
void BM_moments_add(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(100000, 18, state.range(0) / 100.0, 6);
  for (auto _ : state) {
    attune::pairwise_moments pm;
    pm.add(x);
    benchmark::DoNotOptimize(pm.comoments().data());
  }
  state.SetItemsProcessed(state.iterations() * x.rows());
}
// Issue 10, F15: many items, few respondents (N = 400, k = 1,000, one thread, default options:
// item analysis, 15,000 sampled split-halves, Feldt and Bonett-Wright). Took over 120 s before
// the fix; must stay under 10 s. The data: F15_repro.cpp's Likert 1-7 items on one factor.
void BM_alpha_wide(benchmark::State& state) {
  static const Eigen::MatrixXd x = [] {
    const Eigen::Index n = 400, k = 1000;
    std::mt19937_64 g(1);
    auto u = [&] { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; };
    auto gauss = [&] { return std::sqrt(-2.0 * std::log(u())) * std::cos(6.283185307179586 * u()); };
    Eigen::MatrixXd m(n, k);
    for (Eigen::Index r = 0; r < n; ++r) {
      const double f = gauss();
      for (Eigen::Index j = 0; j < k; ++j) m(r, j) = std::clamp(std::round(4 + 0.6 * f + 0.8 * gauss()), 1.0, 7.0);
    }
    return m;
  }();
  run_alpha(state, x);
}

void BM_icc(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(10000, 3, 0.0, 7);
  for (auto _ : state) {
    const auto r = attune::analyze_icc(x);
    benchmark::DoNotOptimize(r.rows[1].icc);
  }
}

}  // namespace

BENCHMARK(BM_alpha_file)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bootstrap_file)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_split16_file)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_alpha_generated)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_alpha_missing_generated)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bootstrap_generated)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bootstrap_missing_generated)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_split16_generated)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_moments_add)->Arg(0)->Arg(2)->Arg(10)->Arg(30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_icc)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_alpha_wide)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
