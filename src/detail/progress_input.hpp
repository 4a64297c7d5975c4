// Private helper of the study layer: a data file (or standard input) opened for reading whose
// bytes are reported as progress while the CSV reader takes them.
//
// The reports count bytes, not rows: the CSV reader asks its stream for a block at a time (1 MiB,
// io/csv.cpp), so the meter is advanced once per block and reading costs one virtual call more
// per MiB. Without a callback and a cancel flag the file is read directly, with no wrapper.
#pragma once

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"
#include "attune/data/responses.hpp"
#include "detail/progress.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// `path` ("-" = standard input) opened for reading, its bytes reported as stage `stage`:
/// done = bytes read, total = the file's size (0 when unknown: standard input, a pipe). The
/// cancel flag is read at every block: errc::cancelled reaches the reader's caller.
class progress_input {
 public:
  /// @throws attune::error (io_error, rule "cannot_open") naming the path.
  progress_input(const std::string& path, const progress_options& progress, std::string_view stage = "read");
  ~progress_input();
  progress_input(const progress_input&) = delete;
  progress_input& operator=(const progress_input&) = delete;

  /// The stream to read from.
  [[nodiscard]] std::istream& stream() noexcept { return *in_; }
  /// The input's name in messages: the path, or "<stdin>".
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  /// The last report (done = total), once the reading is over.
  void finish();

 private:
  class counting_buffer;
  std::string source_;
  progress_options progress_;
  std::ifstream file_;
  std::optional<progress_meter> meter_;
  std::unique_ptr<counting_buffer> buffer_;
  std::unique_ptr<std::istream> counted_;
  std::istream* in_ = nullptr;
};

/// `read_responses` of `path` through a `progress_input` (stage "read"): what every study that
/// reads a whole file calls.
/// @throws attune::error as `read_responses_file`, and errc::cancelled.
responses read_responses_with_progress(const std::string& path, const std::vector<std::string>& item_ids,
                                       const read_options& options, const progress_options& progress);

}  // namespace detail
ATTUNE_END_NAMESPACE
