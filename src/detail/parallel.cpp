#include "detail/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

unsigned worker_count(int threads, std::size_t tasks) noexcept {
  unsigned t = threads > 0 ? static_cast<unsigned>(threads) : std::max(1U, std::thread::hardware_concurrency());
  if (tasks < t) t = static_cast<unsigned>(std::max<std::size_t>(tasks, 1));
  return t;
}

void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body) {
  const unsigned workers = worker_count(threads, n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto work = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      try {
        body(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  try {
    for (unsigned w = 1; w < workers; ++w) pool.emplace_back(work);
  } catch (const std::system_error&) {
    // A thread could not be started: the ones that did, and this one, do all the tasks.
  }
  work();  // the calling thread is a worker too
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

void run_with_helpers(unsigned helpers, const std::function<void()>& lead, const std::function<void()>& help) {
  std::exception_ptr helper_error, lead_error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  try {
    for (unsigned w = 0; w < helpers; ++w) {
      pool.emplace_back([&] {
        try {
          help();
        } catch (...) {
          const std::lock_guard<std::mutex> lock(error_mutex);
          if (!helper_error) helper_error = std::current_exception();
        }
      });
    }
  } catch (const std::system_error&) {
    // A thread could not be started: the lead and the helpers that did start do the work.
  }
  try {
    lead();
  } catch (...) {
    lead_error = std::current_exception();
  }
  for (auto& t : pool) t.join();
  if (lead_error) std::rethrow_exception(lead_error);
  if (helper_error) std::rethrow_exception(helper_error);
}

std::vector<std::size_t> block_bounds(std::size_t n, std::size_t min_block) {
  min_block = std::max<std::size_t>(min_block, 1);
  // A fixed number of blocks for a given n (not a function of the machine), so that per-block
  // partial results, reduced in order, are the same everywhere: up to 64 blocks.
  constexpr std::size_t kMaxBlocks = 64;
  const std::size_t blocks = std::max<std::size_t>(1, std::min(kMaxBlocks, n / min_block));
  std::vector<std::size_t> bounds(blocks + 1);
  for (std::size_t b = 0; b <= blocks; ++b) bounds[b] = n * b / blocks;
  return bounds;
}

void parallel_for_blocks(std::size_t n, std::size_t min_block, int threads,
                         const std::function<void(std::size_t, std::size_t)>& body) {
  const std::vector<std::size_t> bounds = block_bounds(n, min_block);
  parallel_for(bounds.size() - 1, threads, [&](std::size_t b) {
    if (bounds[b] < bounds[b + 1]) body(bounds[b], bounds[b + 1]);
  });
}

}  // namespace detail
ATTUNE_END_NAMESPACE
