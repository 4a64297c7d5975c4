#include "study/chunks.hpp"

#include <fstream>

#include "attune/core/error.hpp"
#include "detail/parallel.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

std::size_t chunk_batch_size(int threads) { return 4 * static_cast<std::size_t>(worker_count(threads, 1 << 20)); }

std::size_t for_each_chunk(const std::string& path, const std::vector<std::string>& item_ids, const read_options& read,
                           int threads, const std::function<void(std::size_t, responses&)>& work,
                           const std::function<void(std::size_t, responses&)>& merge) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw error(errc::io_error, path + ": cannot open the file for reading", {.source = path, .rule = "cannot_open"});
  }
  response_reader reader(file, path, item_ids, read);
  const std::size_t batch = chunk_batch_size(threads);
  std::vector<responses> chunks(batch);
  std::size_t n_rows = 0;
  for (bool more = true; more;) {
    std::size_t got = 0;
    while (got < batch && (more = reader.read(chunks[got], study_chunk_rows))) ++got;
    if (got == 0) break;
    parallel_for(got, threads, [&](std::size_t c) { work(c, chunks[c]); });
    for (std::size_t c = 0; c < got; ++c) {
      n_rows += static_cast<std::size_t>(chunks[c].n_rows());
      merge(c, chunks[c]);
    }
  }
  return n_rows;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
