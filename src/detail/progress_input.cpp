#include "detail/progress_input.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <streambuf>

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

// Forwards to the file's own buffer and advances the meter by the bytes each request returns.
class progress_input::counting_buffer final : public std::streambuf {
 public:
  counting_buffer(std::streambuf* source, progress_meter& meter) : source_(source), meter_(meter) {}

 protected:
  // The CSV reader's path: istream::read -> sgetn -> here, one call per block.
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::streamsize got = 0;
    if (gptr() < egptr()) {  // bytes left from a single-character read
      got = std::min<std::streamsize>(n, egptr() - gptr());
      std::memcpy(s, gptr(), static_cast<std::size_t>(got));
      gbump(static_cast<int>(got));
    }
    if (got < n) {
      const std::streamsize more = source_->sgetn(s + got, n - got);
      if (more > 0) {
        got += more;
        meter_.advance(static_cast<std::uint64_t>(more));
      }
    }
    return got;
  }
  int_type underflow() override {
    const std::streamsize got = source_->sgetn(small_, sizeof small_);
    if (got <= 0) return traits_type::eof();
    meter_.advance(static_cast<std::uint64_t>(got));
    setg(small_, small_, small_ + got);
    return traits_type::to_int_type(small_[0]);
  }

 private:
  std::streambuf* source_;
  progress_meter& meter_;
  char small_[4096] = {};
};

progress_input::progress_input(const std::string& path, const progress_options& progress, std::string_view stage)
    : source_(path == "-" ? "<stdin>" : path), progress_(progress) {
  std::streambuf* raw = nullptr;
  std::uint64_t total = 0;
  if (path == "-") {
    in_ = &std::cin;
    raw = std::cin.rdbuf();
  } else {
    file_.open(path, std::ios::binary);
    if (!file_) {
      throw error(errc::io_error, path + ": cannot open the file for reading", {.source = path, .rule = "cannot_open"});
    }
    in_ = &file_;
    raw = file_.rdbuf();
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      const auto size = std::filesystem::file_size(path, ec);
      if (!ec) total = static_cast<std::uint64_t>(size);
    }
  }
  if (!progress_.callback && progress_.cancel == nullptr) return;  // nothing to report: read directly
  // A report per MiB at most: the CSV reader's first reads are smaller than its 1 MiB block.
  meter_.emplace(progress_, stage, total, std::uint64_t{1} << 20);
  buffer_ = std::make_unique<counting_buffer>(raw, *meter_);
  counted_ = std::make_unique<std::istream>(buffer_.get());
  // A cancellation (or a callback's exception) thrown inside the buffer: istream::read rethrows
  // it when badbit is in the exception mask, instead of turning it into a read error.
  counted_->exceptions(std::ios::badbit);
  in_ = counted_.get();
}

progress_input::~progress_input() = default;

void progress_input::finish() {
  if (meter_) meter_->finish();
}

responses read_responses_with_progress(const std::string& path, const std::vector<std::string>& item_ids,
                                       const read_options& options, const progress_options& progress) {
  progress_input input(path, progress);
  responses data = read_responses(input.stream(), input.source(), item_ids, options);
  input.finish();
  return data;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
