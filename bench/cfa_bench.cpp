// Benchmarks of confirmatory factor analysis (include/attune/analyses/cfa.hpp).
//
// BM_cfa_two_factor/N: the two-factor model on 36 items (18 + 18, as the ECR-R's anxiety and
// avoidance) on generated 7-point answers, from raw data (covariance + ML fit + SEs + fit indices).
// BM_cfa_file: the same model on a CSV file named by the environment variable
// ATTUNE_BENCH_CFA_DATA (header row, 36 numeric columns, first 18 = factor 1); used by
// bench/compare_cfa.sh to time attune and lavaan::cfa on the same data in one run.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "attune/analyses/cfa.hpp"

namespace {

// Standard normal deviates by Box-Muller on mt19937_64 (no implementation-defined distributions).
struct normal_rng {
  std::mt19937_64 engine;
  explicit normal_rng(std::uint64_t seed) : engine(seed) {}
  double uniform() { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53; }
  double operator()() {
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
  }
};

Eigen::MatrixXd generate(Eigen::Index n, std::uint64_t seed) {
  normal_rng rng(seed);
  const Eigen::Index k = 36;
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index r = 0; r < n; ++r) {
    const double f1 = rng();
    const double f2 = 0.3 * f1 + std::sqrt(1 - 0.09) * rng();
    for (Eigen::Index c = 0; c < k; ++c) {
      const double l = 0.45 + 0.4 * static_cast<double>(c % 18) / 17.0;
      const double v = l * (c < 18 ? f1 : f2) + std::sqrt(1 - l * l) * rng();
      x(r, c) = std::clamp(std::round(4.0 + 1.4 * v), 1.0, 7.0);
    }
  }
  return x;
}

attune::cfa_model two_factor_model() {
  attune::cfa_model m;
  m.factors = {"anxiety", "avoidance"};
  for (std::size_t i = 0; i < 36; ++i) m.factor_of_item.push_back(i < 18 ? 0 : 1);
  return m;
}

void BM_cfa_two_factor(benchmark::State& state) {
  const Eigen::MatrixXd x = generate(state.range(0), 42);
  const auto model = two_factor_model();
  for (auto _ : state) {
    auto r = attune::confirmatory_factor_analysis(x, model);
    benchmark::DoNotOptimize(r.fit.chisq);
  }
}
BENCHMARK(BM_cfa_two_factor)->Arg(500)->Arg(2000)->Arg(10000)->Unit(benchmark::kMillisecond);

Eigen::MatrixXd read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
      row.push_back(cell.empty() || cell == "NA" ? std::numeric_limits<double>::quiet_NaN() : std::stod(cell));
    rows.push_back(std::move(row));
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
  return x;
}

void BM_cfa_file(benchmark::State& state) {
  const char* path = std::getenv("ATTUNE_BENCH_CFA_DATA");
  if (path == nullptr) {
    state.SkipWithError("set ATTUNE_BENCH_CFA_DATA to a CSV of 36 items");
    return;
  }
  const Eigen::MatrixXd x = read_csv(path);
  const auto model = two_factor_model();
  for (auto _ : state) {
    auto r = attune::confirmatory_factor_analysis(x, model);
    benchmark::DoNotOptimize(r.fit.chisq);
  }
  // The chi-square, for compare_cfa.sh to check that both programs fitted the same model.
  state.SetLabel("chisq=" + std::to_string(attune::confirmatory_factor_analysis(x, model).fit.chisq));
}
BENCHMARK(BM_cfa_file)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
