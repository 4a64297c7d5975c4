#include "data/chunk_pipeline.hpp"

#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>

#include "attune/core/error.hpp"
#include "detail/parallel.hpp"
#include "detail/progress_input.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

std::size_t chunk_slots(int threads) noexcept { return 2 * std::size_t{worker_count(threads, 1U << 20)} + 1; }

namespace {

struct slot {
  response_reader::chunk_text text;
  responses chunk;
  std::exception_ptr error;
  bool done = false;
};

}  // namespace

std::size_t for_each_chunk_slot(response_reader& reader, const chunk_pipeline_options& options,
                                const std::function<void(std::size_t, responses&)>& work,
                                const std::function<void(std::size_t, responses&)>& merge) {
  if (options.chunk_rows == 0) {
    throw error(errc::invalid_argument, "for_each_chunk: chunk_rows = 0; must be at least 1");
  }
  const unsigned workers = worker_count(options.threads, 1U << 20);
  if (workers == 1) {
    // The same cut-and-parse path as with more threads, so that the results are the same.
    response_reader::chunk_text text;
    responses chunk;
    std::size_t n = 0;
    while (reader.take_chunk(text, options.chunk_rows)) {
      reader.parse_chunk(text, chunk);
      work(0, chunk);
      merge(0, chunk);
      ++n;
    }
    return n;
  }

  const std::size_t n_slots = chunk_slots(options.threads);
  std::vector<slot> slots(n_slots);
  std::mutex m;
  std::condition_variable ready, finished;  // a chunk to parse; a chunk parsed
  std::size_t taken = 0, started = 0, merged = 0;  // chunks cut, claimed by a thread, merged
  bool stop = false;

  // Parses and works chunk c (the caller holds no lock); errors stay with the chunk.
  auto run = [&](std::size_t c) {
    slot& s = slots[c % n_slots];
    try {
      reader.parse_chunk(s.text, s.chunk);
      work(c % n_slots, s.chunk);
    } catch (...) {
      s.error = std::current_exception();
    }
  };
  // With `lock` held: claims the next cut chunk, runs it unlocked, marks it done.
  auto run_next = [&](std::unique_lock<std::mutex>& lock) {
    const std::size_t c = started++;
    lock.unlock();
    run(c);
    lock.lock();
    slots[c % n_slots].done = true;
    finished.notify_all();
  };
  auto worker = [&] {
    std::unique_lock<std::mutex> lock(m);
    for (;;) {
      ready.wait(lock, [&] { return stop || started < taken; });
      if (stop) return;
      run_next(lock);
    }
  };
  // Cuts the input, merges in order, and works chunks itself while it would otherwise wait.
  auto coordinator = [&] {
    std::exception_ptr cut_error;  // from take_chunk: it belongs after the chunks already cut
    bool input_done = false;
    try {
      for (;;) {
        while (!input_done && taken - merged < n_slots) {
          slot& s = slots[taken % n_slots];  // free: its last chunk is merged, no thread holds it
          s.error = nullptr;
          s.done = false;
          bool got = false;
          try {
            got = reader.take_chunk(s.text, options.chunk_rows);
          } catch (...) {
            cut_error = std::current_exception();
          }
          if (!got) {
            input_done = true;
            break;
          }
          {
            const std::lock_guard<std::mutex> lock(m);
            ++taken;
          }
          ready.notify_one();
        }
        if (merged == taken) break;
        slot& s = slots[merged % n_slots];
        {
          std::unique_lock<std::mutex> lock(m);
          while (!s.done) {
            if (started < taken) {
              run_next(lock);
            } else {
              finished.wait(lock);
            }
          }
        }
        if (s.error) std::rethrow_exception(s.error);
        merge(merged % n_slots, s.chunk);
        ++merged;
      }
      if (cut_error) std::rethrow_exception(cut_error);
    } catch (...) {
      {
        const std::lock_guard<std::mutex> lock(m);
        stop = true;
      }
      ready.notify_all();
      throw;
    }
    {
      const std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    ready.notify_all();
  };
  // The calling thread coordinates (so `merge` runs on it); the others work until it stops them.
  run_with_helpers(workers - 1, coordinator, worker);
  return merged;
}

int file_threads(const std::string& path, int threads) {
  if (threads != 0 || path == "-") return threads;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return threads;
  const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
  return !ec && bytes < (std::uintmax_t{1} << 20) ? 1 : threads;
}

std::size_t for_each_chunk_slot(const chunk_file& file, const chunk_pipeline_options& options,
                                const std::function<void(std::size_t, responses&)>& work,
                                const std::function<void(std::size_t, responses&)>& merge) {
  progress_input input(file.path, file.progress, file.stage);
  response_reader reader(input.stream(), input.source(), file.item_ids, file.read);
  chunk_pipeline_options on_file = options;
  on_file.threads = file_threads(file.path, options.threads);
  const std::size_t n = for_each_chunk_slot(reader, on_file, work, merge);
  input.finish();
  return n;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
