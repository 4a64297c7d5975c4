// Private helper of the study layer: the one reading loop of the streaming studies (classify,
// quality). A file is read in chunks of `study_chunk_rows` rows, a batch of chunks at a time; each
// chunk of a batch is handed to `work` on up to `threads` worker threads (detail::parallel_for),
// then to `merge` on the calling thread in file order, so that every merged result is the same for
// any thread count. Memory: one batch of chunks (4 per worker), never the file.
//
// It is one function so that the studies can switch to a parallel parsing pipeline in one place.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/data/responses.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Rows per chunk: one block of pairwise_moments::add (4096 rows), so that moments merged over the
/// chunks equal those of the whole matrix (as the reliability study's streaming path). Fixed,
/// never derived from the thread count.
inline constexpr std::size_t study_chunk_rows = 4096;

/// Chunks per batch for `threads` (0 = all cores): the size of the per-slot state vectors.
std::size_t chunk_batch_size(int threads);

/// Reads `path` (not "-": the studies that read twice need a file) through `response_reader`;
/// `work(slot, chunk)` runs in parallel for the chunks of a batch (slot < chunk_batch_size), then
/// `merge(slot, chunk)` for each in file order. Returns the number of rows read.
/// @throws attune::error (io_error) when the file cannot be opened, and what the reader, `work`
///         or `merge` throw.
std::size_t for_each_chunk(const std::string& path, const std::vector<std::string>& item_ids, const read_options& read,
                           int threads, const std::function<void(std::size_t, responses&)>& work,
                           const std::function<void(std::size_t, responses&)>& merge);

}  // namespace detail
ATTUNE_END_NAMESPACE
