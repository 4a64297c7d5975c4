/// @file progress.hpp
/// Progress reports and cancellation of long computations.
///
/// The options of every long computation carry a `progress_options` member named `progress`:
/// the bootstrap of alpha and omega (`reliability_options`, `omega_bootstrap_options`), the
/// mixtures over models, K and starts (`mixture_options`), model fitting (`cfa_options`,
/// `grm_options`), polychoric matrices (`polychoric_options`), parallel analysis
/// (`parallel_options`), CAT simulation (`cat_simulation_options`). The study layer reports
/// through `input_options::progress`, which it passes to every long analysis it runs.
///
/// - **Callback.** `progress_options::callback`, when set, receives `progress_event`s: the
///   stage's name, the units done and the units in all. It is called only on the thread that
///   called the attune function (never on a worker thread), at most about 100 times per stage
///   plus once when the stage ends (`done == total`), with `done` never decreasing within a
///   stage. It may throw: the exception ends the computation and reaches the caller.
/// - **Cancellation.** `progress_options::cancel` points to a flag the app owns (it must outlive
///   the call). Once it reads true (set from any thread, or from the callback), the computation
///   stops within one unit of work (a replicate, an EM or Fisher-scoring iteration, a pair of
///   items, a simulee) and throws `attune::error` with code `errc::cancelled` and rule
///   `"cancelled"`. Nothing is returned and, since attune writes files only after a computation
///   (`output_file` commits on success), no partial output file is left.
/// - **Results** never depend on whether a callback or a flag is given: they are bit-identical.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How far one stage of a long computation is.
struct ATTUNE_EXPORT progress_event {
  /// What runs, a stable name: "bootstrap" (replicates of alpha), "omega_bootstrap" (replicates,
  /// then jackknife groups), "profiles" (starts of every model and K), "bootstrap_lrt"
  /// (replicates), "cfa" (Fisher-scoring iterations), "polychoric" (item pairs),
  /// "parallel_analysis" (simulated data sets), "grm" (E-steps), "cat_simulation" (simulees), "read"
  /// (bytes of a data file a study reads; total: its size, 0 if unknown). Valid during the call only.
  std::string_view stage;
  std::uint64_t done = 0;   ///< units done, 0..total
  std::uint64_t total = 0;  ///< units in all; 0 when unknown (an iterative fit stops when it converges)
};

/// One line of progress for a terminal or a log: "bootstrap [#########---------------------]  33%
/// 330/1000" (a bar of `bar_width` cells, the percentage, done/total), or "cfa 120" when the total
/// is unknown. The `attune` command line redraws it in place on standard error.
ATTUNE_EXPORT std::string progress_text(const progress_event& e, int bar_width = 30);

/// A function that receives progress reports (see the file comment for when and where).
using progress_callback = std::function<void(const progress_event&)>;

/// The progress callback and cancel flag of a long computation. Default: neither.
struct ATTUNE_EXPORT progress_options {
  progress_callback callback;                  ///< null: no reports
  const std::atomic<bool>* cancel = nullptr;   ///< null: cannot be cancelled; true: stop (errc::cancelled)

  /// True when a cancel flag is given and reads true.
  [[nodiscard]] bool cancel_requested() const noexcept {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
  }
};

ATTUNE_END_NAMESPACE
