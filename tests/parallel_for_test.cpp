// The library's one thread pool (src/detail/parallel.hpp): every task runs once, results in task
// order for any thread count, the first exception reaches the caller after every worker joined.
// Label `threads`: the tsan preset runs it under ThreadSanitizer.
#include <atomic>
#include <chrono>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "detail/parallel.hpp"

namespace {

using attune::detail::parallel_for;
using attune::detail::parallel_for_blocks;
using attune::detail::parallel_reduce;

TEST(ParallelFor, EveryTaskRunsOnceOnAnyThreadCount) {
  for (int threads : {0, 1, 2, 3, 8}) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(runs.size(), threads, [&](std::size_t i) { runs[i].fetch_add(1); });
    for (const auto& r : runs) ASSERT_EQ(r.load(), 1) << threads;
    std::vector<double> out(777, 0.0);
    parallel_for_blocks(out.size(), 10, threads, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) out[i] += static_cast<double>(i);
    });
    for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], static_cast<double>(i));
  }
}

TEST(ParallelFor, ReduceIsInTaskOrderSoBitIdentical) {
  auto sum = [](int threads) {
    return parallel_reduce(
        5000, threads, 0.0, [](std::size_t i) { return 1.0 / (1.0 + static_cast<double>(i) * 0.37); },
        [](double a, double b) { return a + b; });
  };
  const double one = sum(1);
  for (int threads : {2, 3, 7}) EXPECT_EQ(sum(threads), one) << threads;
}

TEST(ParallelFor, FirstExceptionReachesTheCallerAndStopsTheRest) {
  std::atomic<int> ran{0};
  EXPECT_THROW(parallel_for(100000, 4,
                            [&](std::size_t i) {
                              ran.fetch_add(1);
                              if (i == 10) throw std::runtime_error("task 10");
                              // Tasks long enough that the others cannot finish all 100,000 (some
                              // 2 s of work) while the thrower waits for a core on a loaded machine.
                              if (i > 10) std::this_thread::sleep_for(std::chrono::microseconds(50));
                            }),
               std::runtime_error);
  EXPECT_LT(ran.load(), 100000);  // the hand-out stopped
  // The pool is usable afterwards.
  std::atomic<int> after{0};
  parallel_for(64, 4, [&](std::size_t) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 64);
}

}  // namespace

// run_with_helpers: the lead runs on the calling thread while the helpers run; both finish before
// it returns; the lead's exception (else a helper's) reaches the caller after every thread joined.
TEST(RunWithHelpers, LeadOnTheCallingThreadHelpersJoinedExceptionsPassed) {
  const auto caller = std::this_thread::get_id();
  for (const unsigned helpers : {0U, 1U, 3U}) {
    std::atomic<bool> stop{false};
    std::atomic<int> helped{0};
    std::thread::id lead_thread;
    attune::detail::run_with_helpers(
        helpers,
        [&] {
          lead_thread = std::this_thread::get_id();
          stop = true;
        },
        [&] {
          while (!stop) std::this_thread::yield();
          ++helped;
        });
    EXPECT_EQ(lead_thread, caller);
    EXPECT_EQ(helped.load(), static_cast<int>(helpers));
  }
  std::atomic<bool> stop{false};
  EXPECT_THROW(attune::detail::run_with_helpers(
                   2,
                   [&] {
                     stop = true;
                     throw std::runtime_error("lead");
                   },
                   [&] {
                     while (!stop) std::this_thread::yield();
                   }),
               std::runtime_error);
  try {
    attune::detail::run_with_helpers(1, [] {}, [] { throw std::logic_error("helper"); });
    ADD_FAILURE() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "helper");
  }
}
