// The C++ side of bench/python_reliability.py: times the reliability study call on an N x k
// float64 matrix written by numpy (raw row-major doubles, `array.tofile`), the columns as one scale
// (range 1-7), as attune.reliability(array, range="1-7", threads=T) computes it. Prints the median
// over the repetitions of the study call alone and of the study plus to_json, in milliseconds.
//
//   study_call_bench FILE ROWS COLS THREADS REPETITIONS
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "attune/attune.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s FILE ROWS COLS THREADS REPETITIONS\n", argv[0]);
    return 2;
  }
  const auto rows = static_cast<Eigen::Index>(std::atol(argv[2]));
  const auto cols = static_cast<Eigen::Index>(std::atol(argv[3]));
  const int threads = std::atoi(argv[4]);
  const int repetitions = std::atoi(argv[5]);
  std::vector<double> raw(static_cast<std::size_t>(rows * cols));
  std::ifstream in(argv[1], std::ios::binary);
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * sizeof(double)));
  if (!in) {
    std::fprintf(stderr, "cannot read %ld x %ld doubles from %s\n", static_cast<long>(rows), static_cast<long>(cols), argv[1]);
    return 1;
  }
  attune::responses data;
  data.values = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(raw.data(), rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) data.item_ids.push_back("V" + std::to_string(j + 1));
  data.columns = data.item_ids;
  data.source = "data";
  attune::reliability_study_options options;
  options.input.scoring.range = attune::response_range{1, 7};
  options.reliability.threads = threads;

  std::vector<double> study_ms, json_ms;
  std::size_t sink = 0;
  for (int r = 0; r < repetitions; ++r) {
    attune::responses copy = data;  // the study takes its data by value; not timed
    const auto t0 = std::chrono::steady_clock::now();
    const auto study = attune::study_reliability(nullptr, std::move(copy), options);
    const auto t1 = std::chrono::steady_clock::now();
    sink += attune::to_json(study).size();
    const auto t2 = std::chrono::steady_clock::now();
    study_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    json_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("study_ms %.3f\nstudy_json_ms %.3f\nbytes %zu\n", median(study_ms), median(json_ms), sink / static_cast<std::size_t>(repetitions));
  return 0;
}
