// Private helper of every module: the library's one thread pool.
//
// `parallel_for(n, threads, body)` runs body(i) for every task i in [0, n) on up to `threads`
// worker threads (0 = all cores). Workers take the next task index from a shared counter.
// The first exception a task throws stops the hand-out of further tasks and is rethrown in the
// calling thread after every worker has joined: nothing ends the program through
// std::terminate, and nothing is left running.
//
// Results never depend on the thread count: a task writes only its own slot of an output the
// caller sized beforehand, and `parallel_reduce` combines the per-task partial results in task
// order (0, 1, 2, ...), never in the order the tasks finished. Floating-point sums therefore come
// out bit-identical for any `threads`.
#pragma once

#include "attune/core/config.hpp"

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Worker threads for a `threads` option (0 = hardware concurrency, at least 1), never more than
/// `tasks` (and at least 1).
unsigned worker_count(int threads, std::size_t tasks) noexcept;

/// Runs body(i) for i in [0, n) on up to `threads` threads (0 = all cores); see the file comment.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body);

/// Runs `lead()` on the calling thread while up to `helpers` other threads run `help()` (each
/// once), then joins them; the first exception (the lead's first, else a helper's) is rethrown
/// after every thread has joined. For pipelines whose calling thread coordinates (and so runs the
/// caller's callbacks) while others work (src/data/chunk_pipeline.hpp). `help` must return once
/// `lead` has returned or thrown (the lead tells the helpers to stop); with no thread started, the
/// lead does everything itself.
void run_with_helpers(unsigned helpers, const std::function<void()>& lead, const std::function<void()>& help);

/// Splits [0, n) into contiguous blocks of at least `min_block` indices (about 4 blocks per
/// worker, so uneven blocks balance) and runs body(begin, end) for each block in parallel.
/// The blocks depend on n and min_block only, never on the thread count.
void parallel_for_blocks(std::size_t n, std::size_t min_block, int threads,
                         const std::function<void(std::size_t, std::size_t)>& body);

/// The blocks `parallel_for_blocks` uses: boundaries b_0 = 0 < b_1 < ... < b_m = n.
std::vector<std::size_t> block_bounds(std::size_t n, std::size_t min_block);

/// Map-reduce in a fixed order: part[i] = map(i) in parallel, then
/// result = reduce(...reduce(reduce(init, part[0]), part[1])..., part[n-1]) in index order.
template <class T, class Map, class Reduce>
T parallel_reduce(std::size_t n, int threads, T init, Map map, Reduce reduce) {
  std::vector<T> parts(n);
  parallel_for(n, threads, [&](std::size_t i) { parts[i] = map(i); });
  for (auto& p : parts) init = reduce(std::move(init), std::move(p));
  return init;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
