// Benchmarks of the factor module: polychoric matrix, EFA, omega (psych-compatible defaults).
// With ATTUNE_BENCH_POLY_DATA / ATTUNE_BENCH_OMEGA_DATA set (CSV with a header, numbers only),
// BM_polychoric_file / BM_omega_file time the same data that bench/compare_factor.sh gives R.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "attune/analyses/factor.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/omega.hpp"
#include "attune/analyses/polychoric.hpp"
#include "detail/random.hpp"

namespace {

Eigen::MatrixXd read_csv(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(cell.empty() || cell == "NA" ? std::nan("") : std::stod(cell));
    rows.push_back(row);
  }
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return m;
}

// Two correlated factors (anxiety/avoidance-like), 9 + 9 items, answers 1-5.
Eigen::MatrixXd generate(Eigen::Index n, Eigen::Index k, std::uint64_t seed) {
  attune::detail::rng g(seed);
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double f1 = g.normal();
    const double f2 = 0.3 * f1 + std::sqrt(1 - 0.09) * g.normal();
    for (Eigen::Index j = 0; j < k; ++j) {
      const double l = 0.5 + 0.3 * static_cast<double>(j % (k / 2)) / static_cast<double>(k / 2);
      const double z = l * (j < k / 2 ? f1 : f2) + std::sqrt(1 - l * l) * g.normal();
      x(i, j) = std::min(5.0, std::max(1.0, std::round(3 + 1.2 * z)));
    }
  }
  return x;
}

void BM_polychoric_generated(benchmark::State& state) {
  const Eigen::MatrixXd x = generate(state.range(0), 18, 1);
  for (auto _ : state) benchmark::DoNotOptimize(attune::polychoric(x).rho(0, 1));
}
BENCHMARK(BM_polychoric_generated)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_polychoric_1thread(benchmark::State& state) {
  const Eigen::MatrixXd x = generate(state.range(0), 18, 1);
  attune::polychoric_options o;
  o.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(attune::polychoric(x, o).rho(0, 1));
}
BENCHMARK(BM_polychoric_1thread)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_omega_generated(benchmark::State& state) {
  const Eigen::MatrixXd x = generate(state.range(0), 18, 2);
  for (auto _ : state) {
    attune::pairwise_moments pm(x.cols());
    pm.add(x);
    benchmark::DoNotOptimize(attune::omega(pm.correlation(), x.rows()).omega_hierarchical);
  }
}
BENCHMARK(BM_omega_generated)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_efa_minres_oblimin(benchmark::State& state) {
  const Eigen::MatrixXd x = generate(2000, state.range(0), 3);
  attune::pairwise_moments pm(x.cols());
  pm.add(x);
  const Eigen::MatrixXd r = pm.correlation();
  attune::efa_options o;
  o.n_factors = 2;
  for (auto _ : state) benchmark::DoNotOptimize(attune::exploratory_factor_analysis(r, 2000, o).loadings(0, 0));
}
BENCHMARK(BM_efa_minres_oblimin)->Arg(18)->Arg(36)->Unit(benchmark::kMicrosecond);

void BM_polychoric_file(benchmark::State& state) {
  const char* path = std::getenv("ATTUNE_BENCH_POLY_DATA");
  if (!path) {
    state.SkipWithError("set ATTUNE_BENCH_POLY_DATA");
    return;
  }
  const Eigen::MatrixXd x = read_csv(path);
  const double r = attune::polychoric(x).rho(0, 1);
  for (auto _ : state) benchmark::DoNotOptimize(attune::polychoric(x).rho(0, 1));
  state.SetLabel("rho12=" + std::to_string(r));
}
BENCHMARK(BM_polychoric_file)->Unit(benchmark::kMillisecond);

void BM_omega_file(benchmark::State& state) {
  const char* path = std::getenv("ATTUNE_BENCH_OMEGA_DATA");
  if (!path) {
    state.SkipWithError("set ATTUNE_BENCH_OMEGA_DATA");
    return;
  }
  const Eigen::MatrixXd x = read_csv(path);
  auto run = [&x] {
    attune::pairwise_moments pm(x.cols());
    pm.add(x);
    return attune::omega(pm.correlation(), x.rows()).omega_hierarchical;
  };
  const double oh = run();
  for (auto _ : state) benchmark::DoNotOptimize(run());
  state.SetLabel("omega_h=" + std::to_string(oh));
}
BENCHMARK(BM_omega_file)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
