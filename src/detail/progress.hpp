// Private helper of every long computation: one stage's progress reports and cancel checks
// (the public contract is in include/attune/core/progress.hpp).
//
// `progress_meter meter(options.progress, "bootstrap", total)` is made on the thread that called
// the attune function. `advance(n)` may be called from any worker thread: it adds n to an atomic
// count and throws `errc::cancelled` when the cancel flag is set; only on the thread that made the
// meter does it call the callback, and only when the count has passed the next step (total/100),
// so an app's callback never runs concurrently and never once per row. `finish()` sends the last
// event (done = total). Nothing here touches the computation's numbers.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "attune/core/error.hpp"
#include "attune/core/progress.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Throws errc::cancelled (rule "cancelled") when `p`'s cancel flag reads true.
inline void throw_if_cancelled(const progress_options& p, std::string_view stage) {
  if (p.cancel_requested()) {
    throw error(errc::cancelled, std::string(stage) + ": cancelled by the caller",
                {.option = "progress_options.cancel", .rule = "cancelled"});
  }
}

/// Rethrows `e` when it reports a cancellation: for the places that turn a failed part into a
/// warning, which must not swallow the caller's request to stop.
inline void rethrow_if_cancelled(const error& e) {
  if (e.code() == errc::cancelled) throw e;
}

class progress_meter {
 public:
  /// `total` units (0 = unknown); a report at most every `min_step` units (and every total/100
  /// when that is more): reading a file reports once per 1 MiB block, not once per read.
  progress_meter(const progress_options& options, std::string_view stage, std::uint64_t total,
                 std::uint64_t min_step = 1)
      : options_(options),
        stage_(stage),
        total_(total),
        step_(std::max<std::uint64_t>({1, min_step, total / 100})),
        next_(step_),
        owner_(std::this_thread::get_id()) {
    throw_if_cancelled(options_, stage_);
    report(0);
  }

  /// Any thread: `n` more units are done. Throws errc::cancelled when the flag is set.
  void advance(std::uint64_t n = 1) {
    const std::uint64_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
    throw_if_cancelled(options_, stage_);
    if (!options_.callback || std::this_thread::get_id() != owner_ || done < next_) return;
    next_ = (done / step_ + 1) * step_;
    report(done);
  }

  /// Any thread: throws errc::cancelled when the flag is set (inside a long unit of work).
  void check() const { throw_if_cancelled(options_, stage_); }

  /// The owner thread, when the stage is over: the last report (done = total when known).
  void finish() {
    throw_if_cancelled(options_, stage_);
    const std::uint64_t done = done_.load(std::memory_order_relaxed);
    report(total_ > 0 ? std::max(done, total_) : done);
  }

 private:
  void report(std::uint64_t done) {
    // Monotone even when a stage counts more units than announced (clamped to total).
    const std::uint64_t shown = total_ > 0 ? std::min(done, total_) : done;
    if (!options_.callback || (reported_ && shown <= last_)) return;
    reported_ = true;
    last_ = shown;
    options_.callback(progress_event{stage_, shown, total_});
  }

  const progress_options& options_;
  std::string_view stage_;
  std::uint64_t total_;
  std::uint64_t step_;
  std::uint64_t next_;             // owner thread only
  std::uint64_t last_ = 0;         // owner thread only
  bool reported_ = false;          // owner thread only
  std::thread::id owner_;
  std::atomic<std::uint64_t> done_{0};
};

}  // namespace detail
ATTUNE_END_NAMESPACE
