// Private helper of the analyses: one parallel loop over tasks.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// `threads` as given, or the hardware's thread count for 0.
inline unsigned resolve_threads(unsigned threads) {
  return threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
}

/// Runs body(task) for task in [0, n_tasks) on `threads` workers. The first exception (in time)
/// is rethrown on the calling thread once every worker has stopped; tasks not yet started are
/// skipped. Results must be written by task index so that they do not depend on the thread count.
template <class F>
void parallel_tasks(std::size_t n_tasks, unsigned threads, F body) {
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n_tasks));
  if (threads <= 1) {
    for (std::size_t t = 0; t < n_tasks; ++t) body(t);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr first_error;
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  std::mutex m;
  for (unsigned w = 0; w < threads; ++w) {
    pool.emplace_back([&] {
      for (;;) {
        const std::size_t t = next.fetch_add(1);
        if (t >= n_tasks || failed.load()) return;
        try {
          body(t);
        } catch (...) {
          std::lock_guard<std::mutex> lock(m);
          if (!first_error) first_error = std::current_exception();
          failed = true;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace detail
ATTUNE_END_NAMESPACE
