// Benchmarks of the quality module: every index, the flags and the validation report on
// 100,000 respondents x 36 items (6 subscales x 6 items, items 2 and 5 of each reverse keyed,
// answers 1-7, 5% missing). bench/compare_quality.sh times R on the same data in the same run.
//
// BM_quality_file reads the data written by compare_quality.sh (ATTUNE_BENCH_QUALITY_DATA: a CSV
// with a header and 36 item columns, NA = missing) outside the timed loop, and uses careless's
// (psych) D^2 like the R side; BM_quality_all_100k uses attune's default (observed) D^2.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "attune/analyses/quality.hpp"

namespace {

constexpr Eigen::Index n_sub = 6, per = 6, k = n_sub * per;

attune::quality_design design() {
  attune::quality_design d;
  d.item_min = Eigen::VectorXd::Constant(k, 1.0);
  d.item_max = Eigen::VectorXd::Constant(k, 7.0);
  for (Eigen::Index j = 0; j < k; ++j) d.item_ids.push_back("Q" + std::to_string(j + 1));
  for (Eigen::Index s = 0; s < n_sub; ++s) {
    attune::quality_subscale q;
    q.name = "s" + std::to_string(s + 1);
    for (Eigen::Index p = 0; p < per; ++p) {
      q.items.push_back(s * per + p);
      q.reversed.push_back(p == 1 || p == 4);
    }
    d.subscales.push_back(q);
  }
  return d;
}

Eigen::MatrixXd generate(Eigen::Index n) {
  std::mt19937_64 rng(100000);
  auto unif = [&] { return (static_cast<double>(rng() >> 11U) + 0.5) * 0x1.0p-53; };
  auto normal = [&] { return std::sqrt(-2.0 * std::log(unif())) * std::cos(2.0 * M_PI * unif()); };
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    double eta[n_sub];
    for (auto& e : eta) e = normal();
    for (Eigen::Index j = 0; j < k; ++j) {
      double v = std::min(7.0, std::max(1.0, std::round(4.0 + 1.5 * (0.85 * eta[j / per] + std::sqrt(1.0 - 0.85 * 0.85) * normal()))));
      if (j % per == 1 || j % per == 4) v = 8.0 - v;
      x(i, j) = unif() < 0.05 ? std::nan("") : v;
    }
  }
  return x;
}

Eigen::MatrixXd read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<double> v;
  Eigen::Index rows = 0;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) v.push_back(cell == "NA" || cell.empty() ? std::nan("") : std::stod(cell));
    ++rows;
  }
  Eigen::MatrixXd x(rows, k);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < k; ++j) x(i, j) = v[static_cast<std::size_t>(i * k + j)];
  return x;
}

void run_all(benchmark::State& state, const Eigen::MatrixXd& x,
             attune::mahalanobis_method method = attune::mahalanobis_method::observed) {
  const auto d = design();
  attune::quality_options options;
  options.mahalanobis_missing = method;
  double check = 0.0, syn = 0.0;
  for (auto _ : state) {
    const auto rep = attune::assess_quality(x, d, options);
    benchmark::DoNotOptimize(rep.flags.data());
    check = 0.0;
    syn = 0.0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (!std::isnan(rep.mahalanobis(i))) check += rep.mahalanobis(i);
      if (!std::isnan(rep.psychsyn(i))) syn += rep.psychsyn(i);
    }
  }
  std::ostringstream label;
  label.precision(10);
  label << "sumD2=" << check << " sumsyn=" << syn;
  state.SetLabel(label.str());
  state.SetItemsProcessed(state.iterations() * x.rows());
}

void BM_quality_all_100k(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(100000);
  run_all(state, x);
}
BENCHMARK(BM_quality_all_100k)->Unit(benchmark::kMillisecond);

void BM_quality_file(benchmark::State& state) {
  const char* path = std::getenv("ATTUNE_BENCH_QUALITY_DATA");
  if (path == nullptr) {
    state.SkipWithError("set ATTUNE_BENCH_QUALITY_DATA (bench/compare_quality.sh does)");
    return;
  }
  static const Eigen::MatrixXd x = read_csv(path);
  // careless's D^2 (psych::outlier), as the R side computes
  run_all(state, x, attune::mahalanobis_method::psych);
}
BENCHMARK(BM_quality_file)->Unit(benchmark::kMillisecond);

void BM_quality_index(benchmark::State& state) {
  static const Eigen::MatrixXd x = generate(100000);
  static const auto d = design();
  for (auto _ : state) {
    switch (state.range(0)) {
      case 0: benchmark::DoNotOptimize(attune::longstring(x).longest.data()); break;
      case 1: benchmark::DoNotOptimize(attune::irv(x, {.blocks = 3}).data()); break;
      case 2: benchmark::DoNotOptimize(attune::mahalanobis(x).d2.data()); break;
      case 3: benchmark::DoNotOptimize(attune::evenodd(attune::reverse_key(x, d), d.subscales).value.data()); break;
      case 4: benchmark::DoNotOptimize(attune::psychsyn(x, attune::psych_pairs(x, 0.6, false)).value.data()); break;
      default: benchmark::DoNotOptimize(attune::reversal(x, d).data()); break;
    }
  }
  static const char* names[] = {"longstring", "irv", "mahalanobis", "evenodd", "psychsyn", "reversal"};
  state.SetLabel(names[state.range(0)]);
}
BENCHMARK(BM_quality_index)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
