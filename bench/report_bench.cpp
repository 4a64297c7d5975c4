// Time to write `attune report` for N simulated ECR-R respondents (as `attune simulate
// --instrument ecr-r -n N`): study_report (read, screening, reliability, scores, styles, CFA,
// scree with 5 parallel replicates; the second argument: 0 without the IRT section, 1 with it
// (the default report), 2 with it and the profiles section) and to_html, from a CSV file written
// once per N. Profiles are left out at 100,000: many minutes (docs/report.md).
//   build/ci/bench/report_bench --benchmark_filter=Report
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "attune/analyses/simulate.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/report/html.hpp"
#include "attune/study/report.hpp"

namespace {

const attune::instrument& ecr_r() { return *attune::find_builtin("ecr-r"); }

const std::string& data_file(std::size_t n) {
  static std::map<std::size_t, std::string> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    attune::simulation_options o;
    o.n = n;
    const std::string path = (std::filesystem::temp_directory_path() / ("attune_report_bench_" + std::to_string(n) + ".csv")).string();
    std::ofstream(path) << attune::responses_to_csv(attune::simulate_responses(ecr_r(), o));
    it = cache.emplace(n, path).first;
  }
  return it->second;
}

void BM_Report(benchmark::State& state) {
  const std::string& path = data_file(static_cast<std::size_t>(state.range(0)));
  attune::report_study_options o;
  o.parallel_replicates = 5;
  o.irt = state.range(1) >= 1;
  o.profiles = state.range(1) >= 2;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string html = attune::to_html(attune::study_report(ecr_r(), path, o));
    bytes = html.size();
    benchmark::DoNotOptimize(html.data());
  }
  state.counters["html_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Report)
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Args({100000, 0})
    ->Args({100000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
