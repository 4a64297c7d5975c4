// Benchmarks of reading and scoring (issue 2 speed targets), Google Benchmark.
//
// Data: ECR-R-shaped CSV text (id + 36 items, 1-7, 2% missing) made by attune's own seeded
// generator (`simulate_responses`, as `attune simulate --instrument ecr-r`), held in memory and
// read through a std::istream over that memory, so the figures are parsing and scoring speed
// without the disk. Bytes/s counts CSV bytes. Sizes: 1,000, 10,000 and 100,000 respondents
// (about 0.1, 1 and 10 MB). The end-to-end figure of the command line on a 1,000,000-respondent
// file, with R's on the same file, comes from bench/compare_scoring.sh.
//
//   BM_csv_parse        csv_reader alone: split records into fields
//   BM_read_responses   + parse the 36 item cells of each row into chunks of
//                       cache_friendly_chunk_rows(36) = 3,640 rows
//   BM_read_and_score   + score both subscales of each chunk (what `attune score` does per chunk),
//                       in chunks of 3,640 rows (second argument 0) and of 65,536 rows (18 MiB,
//                       beyond the CPU cache: each pass over the chunk then goes to memory)
//   BM_take_records     cutting the text into runs of whole records (the sequential part of the
//                       parallel reader, src/data/chunk_pipeline.hpp)
//   BM_pipeline_score   read + score through detail::for_each_chunk on 1 and 2 threads
//   BM_score_matrix     scoring alone, on answers already in memory (respondents/s)
//   BM_score_respondent one respondent at a time, as an app does
#include <cstddef>
#include <istream>
#include <map>
#include <streambuf>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "attune/io/csv.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/data/responses.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/analyses/simulate.hpp"
#include "data/chunk_pipeline.hpp"

namespace {

// A read-only std::streambuf over a string: reading copies from memory like a file read would.
class memory_buf : public std::streambuf {
 public:
  explicit memory_buf(const std::string& s) {
    char* p = const_cast<char*>(s.data());  // NOLINT: the get area is never written
    setg(p, p, p + s.size());
  }
};

const attune::instrument& ecr_r() { return *attune::find_builtin("ecr-r"); }

const attune::responses& sample(std::size_t n) {
  static std::map<std::size_t, attune::responses> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    attune::simulation_options o;
    o.n = n;
    o.seed = 20261128;
    o.missing_rate = 0.02;
    it = cache.emplace(n, attune::simulate_responses(ecr_r(), o)).first;
  }
  return it->second;
}

const std::string& sample_csv(std::size_t n) {
  static std::map<std::size_t, std::string> cache;
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, attune::responses_to_csv(sample(n))).first;
  return it->second;
}

void BM_csv_parse(benchmark::State& state) {
  const std::string& csv = sample_csv(static_cast<std::size_t>(state.range(0)));
  std::vector<std::string_view> fields;
  for (auto _ : state) {
    memory_buf buf(csv);
    std::istream in(&buf);
    attune::csv_reader reader(in, "bench.csv");
    std::size_t rows = 0;
    while (reader.next(fields)) ++rows;
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(csv.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_read_responses(benchmark::State& state) {
  const std::string& csv = sample_csv(static_cast<std::size_t>(state.range(0)));
  attune::read_options options;
  options.id_column = "id";
  const auto ids = ecr_r().item_ids();
  attune::responses chunk;
  for (auto _ : state) {
    memory_buf buf(csv);
    std::istream in(&buf);
    attune::response_reader reader(in, "bench.csv", ids, options);
    std::size_t rows = 0;
    while (reader.read(chunk, attune::cache_friendly_chunk_rows(ids.size()))) {
      rows += static_cast<std::size_t>(chunk.n_rows());
    }
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(csv.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_read_and_score(benchmark::State& state) {
  const std::string& csv = sample_csv(static_cast<std::size_t>(state.range(0)));
  attune::read_options options;
  options.id_column = "id";
  const attune::instrument& inst = ecr_r();
  const auto ids = inst.item_ids();
  const auto chunk_rows = state.range(1) > 0 ? static_cast<std::size_t>(state.range(1))
                                             : attune::cache_friendly_chunk_rows(ids.size());
  attune::responses chunk;
  for (auto _ : state) {
    memory_buf buf(csv);
    std::istream in(&buf);
    attune::response_reader reader(in, "bench.csv", ids, options);
    attune::score_summary summary(inst.score_names());
    while (reader.read(chunk, chunk_rows)) summary.add(attune::score(inst, chunk));
    benchmark::DoNotOptimize(summary.n_rows());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(csv.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_take_records(benchmark::State& state) {
  const std::string& csv = sample_csv(static_cast<std::size_t>(state.range(0)));
  std::vector<char> text;
  for (auto _ : state) {
    memory_buf buf(csv);
    std::istream in(&buf);
    attune::csv_reader reader(in, "bench.csv");
    std::size_t rows = 0;
    while (const std::size_t got = reader.take_records(4096, text)) {
      rows += got;
      text.clear();
    }
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(csv.size()));
}

// Arg 0: respondents; arg 1: threads.
void BM_pipeline_score(benchmark::State& state) {
  const std::string& csv = sample_csv(static_cast<std::size_t>(state.range(0)));
  attune::read_options options;
  options.id_column = "id";
  const attune::instrument& inst = ecr_r();
  const auto ids = inst.item_ids();
  for (auto _ : state) {
    memory_buf buf(csv);
    std::istream in(&buf);
    attune::response_reader reader(in, "bench.csv", ids, options);
    attune::score_summary summary(inst.score_names());
    attune::detail::for_each_chunk<attune::score_table>(
        reader, {.chunk_rows = attune::cache_friendly_chunk_rows(ids.size()), .threads = static_cast<int>(state.range(1))},
        [&](attune::responses& chunk, attune::score_table& t) { t = attune::score(inst, chunk); },
        [&](attune::responses&, attune::score_table& t) { summary.add(t); });
    benchmark::DoNotOptimize(summary.n_rows());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(csv.size()));
}

void BM_score_matrix(benchmark::State& state) {
  const attune::responses& data = sample(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    attune::score_table t = attune::score(ecr_r(), data);
    benchmark::DoNotOptimize(t.scores.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_score_respondent(benchmark::State& state) {
  const attune::responses& data = sample(1000);
  std::vector<double> answers(36);
  Eigen::Index r = 0;
  for (auto _ : state) {
    for (Eigen::Index j = 0; j < 36; ++j) answers[static_cast<std::size_t>(j)] = data.values(r, j);
    r = (r + 1) % data.n_rows();
    attune::respondent_scores s = attune::score_respondent(ecr_r(), answers);
    benchmark::DoNotOptimize(s.scores.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK(BM_csv_parse)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_read_responses)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_read_and_score)
    ->Args({1000, 0})
    ->Args({10000, 0})
    ->Args({100000, 0})
    ->Args({100000, 65536})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_take_records)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_pipeline_score)->Args({100000, 1})->Args({100000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_score_matrix)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_score_respondent)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
