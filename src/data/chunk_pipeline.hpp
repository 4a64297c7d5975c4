// Private helper of the study layer: read a data file in chunks on several threads, merge in file
// order. Every streaming command (score, reliability, classify, quality, ...) reads through it.
//
//   detail::for_each_chunk<state>(reader, {.chunk_rows = stream_chunk_rows, .threads = 0},
//       [&](responses& chunk, state& s) { ... },   // work: on any worker, chunks in any order
//       [&](responses& chunk, state& s) { ... });  // merge: one at a time, in file order
//
// What happens: the calling thread cuts the input into runs of `chunk_rows` whole records
// (`response_reader::take_chunk`: a scan for line ends that follows quoted fields, no parsing), and
// up to `threads` workers parse each run (`response_reader::parse_chunk`) and run `work` on it. Then
// `merge` gets the chunks one at a time in file order 0, 1, 2, ..., each with the `state` its `work`
// filled. So:
// - the chunks are the ones `reader.read(chunk, chunk_rows)` would give, one call after another:
//   the same rows, `first_row` and `lines` (absolute row and line numbers), whatever `threads` is;
//   with a fixed merge order the results never depend on the thread count;
// - errors come in file order, as from a one-thread read: an error in chunk c (a cell that is not a
//   number, a record with the wrong number of fields, an exception from `work`) is rethrown only
//   after chunks 0 .. c-1 are merged, and nothing of chunk c or later is merged; errors of later
//   chunks, found earlier by another thread, are dropped. An exception from `merge` is passed on
//   at once. A record too long for `csv_options::max_record_bytes` is found when the text is cut,
//   and is rethrown in the same order.
// - memory: at most 2 chunks per worker plus one are held (text and parsed), whatever the file's
//   length.
// - `state` is default constructed once per slot and reused for later chunks: `work` must set
//   (or reset) every part of it it uses. `work` may run concurrently with other `work` calls and
//   with `merge` (of other chunks), so it must not touch what `merge` writes.
// - `merge` runs on the calling thread, so callbacks that `merge` calls (a writer, progress
//   reports) run where the caller expects them.
// The threads come from src/detail/parallel.hpp (`run_with_helpers`), the library's one pool.
//
// A study that reads a file by name uses the `chunk_file` form: the file is opened through
// detail::progress_input, so its bytes are reported as progress (on the calling thread, which is
// the one that cuts the text) and the cancel flag is read at every block. This is the library's
// one chunked reading loop: score, reliability and classify read through it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"
#include "attune/data/responses.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Rows per chunk of the streaming studies (reliability, correlate, factor, classify, and the
/// pipeline's default): one block of pairwise_moments::add (4096 rows), so that a chunk's moments
/// are exactly the block the whole-matrix path forms and the chunks' moments merged in file order
/// are bit for bit those of the whole matrix. Fixed, never derived from the thread count.
inline constexpr std::size_t stream_chunk_rows = 4096;

/// Options of `for_each_chunk`.
struct chunk_pipeline_options {
  std::size_t chunk_rows = stream_chunk_rows;  ///< rows per chunk (at least 1); never derived from the thread count
  int threads = 1;                ///< workers (0 = all cores)
};

/// The workers for reading the file `path`: `threads`, except that `threads` 0 (all cores) reads a
/// regular file below 1 MiB on one thread, where the second thread's start and the hand-offs cost
/// more than the second core saves (measured on a quiet 2-core machine: 20,000 x 18, 0.7 MB, 22.8
/// ms wall on one thread against 25.0 on two; 50,000 x 18, 1.8 MB, 28.7 against 26.5 ms). An
/// explicit count is honoured; the output is the same either way (chunks merge in file order).
int file_threads(const std::string& path, int threads);

/// A data file read by name (the `chunk_file` form of `for_each_chunk`).
struct chunk_file {
  std::string path;                   ///< "-" = standard input
  std::vector<std::string> item_ids;  ///< the instrument's items (empty: `read.items` names them)
  read_options read;
  progress_options progress;          ///< the bytes read are reported as stage `stage`
  std::string_view stage = "read";    ///< a second pass over the same file takes its own name
};

/// Chunks in flight for `threads` (the number of `state` slots `for_each_chunk` uses).
std::size_t chunk_slots(int threads) noexcept;

/// The untyped core of `for_each_chunk`: `work(slot, chunk)` and `merge(slot, chunk)` with `slot`
/// in [0, chunk_slots(threads)). Returns the number of chunks read.
std::size_t for_each_chunk_slot(response_reader& reader, const chunk_pipeline_options& options,
                                const std::function<void(std::size_t slot, responses& chunk)>& work,
                                const std::function<void(std::size_t slot, responses& chunk)>& merge);

/// `for_each_chunk_slot` over the file `file.path`, opened through detail::progress_input (the
/// last progress report is made when the file is read to its end), on `file_threads` workers.
/// @throws attune::error (io_error, rule "cannot_open") when it cannot be opened, errc::cancelled,
///         and what the reader, `work` and `merge` throw.
std::size_t for_each_chunk_slot(const chunk_file& file, const chunk_pipeline_options& options,
                                const std::function<void(std::size_t slot, responses& chunk)>& work,
                                const std::function<void(std::size_t slot, responses& chunk)>& merge);

/// Reads every remaining row of `reader` in chunks (see the file comment). Returns the number of
/// chunks read.
template <class State, class Work, class Merge>
std::size_t for_each_chunk(response_reader& reader, const chunk_pipeline_options& options, Work&& work, Merge&& merge) {
  std::vector<State> states(chunk_slots(options.threads));
  return for_each_chunk_slot(
      reader, options, [&](std::size_t slot, responses& chunk) { work(chunk, states[slot]); },
      [&](std::size_t slot, responses& chunk) { merge(chunk, states[slot]); });
}

/// The same, over the file `file` (see `chunk_file`).
template <class State, class Work, class Merge>
std::size_t for_each_chunk(const chunk_file& file, const chunk_pipeline_options& options, Work&& work, Merge&& merge) {
  std::vector<State> states(chunk_slots(options.threads));
  return for_each_chunk_slot(
      file, options, [&](std::size_t slot, responses& chunk) { work(chunk, states[slot]); },
      [&](std::size_t slot, responses& chunk) { merge(chunk, states[slot]); });
}

}  // namespace detail
ATTUNE_END_NAMESPACE
