// Output files that never destroy data (see include/attune/io/output_file.hpp).
//
// POSIX: the target's kind and identity come from stat/lstat (device and inode, so that "x.csv",
// "./x.csv", a hard link and a symlink to it are one file); a regular target is replaced by
// rename(2) of a temporary file created beside it with O_EXCL (rename is atomic within one file
// system, hence "beside"); other targets are opened and written in place.
#include "attune/io/output_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

std::string system_reason(int err) { return std::strerror(err); }

bool is_standard_output(const std::string& path) { return path.empty() || path == "-"; }

// The file a path names after following symbolic links (at most 40, as Linux's MAXSYMLINKS):
// the last link's target even when it does not exist (a dangling link), so that the output is
// created there and the link stays a link (issue 10, F14).
std::string resolve_links(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st{};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::vector<char> buf(4096);
    const ssize_t len = ::readlink(p.c_str(), buf.data(), buf.size() - 1);
    if (len < 0) return p;
    std::string link(buf.data(), static_cast<std::size_t>(len));
    if (!link.empty() && link.front() != '/') {
      const std::size_t slash = p.rfind('/');
      if (slash != std::string::npos) link = p.substr(0, slash + 1) + link;
    }
    p = std::move(link);
  }
  throw error(errc::io_error, path + ": too many levels of symbolic links");
}

// Refuses a regular target that is one of the inputs (same device and inode).
void check_not_an_input(const std::string& path, const std::string& target, const output_file_options& options) {
  struct stat out{};
  if (::stat(target.c_str(), &out) != 0 || !S_ISREG(out.st_mode)) return;
  for (const std::string& input : options.inputs) {
    struct stat in{};
    const bool ok = input == "-" ? ::fstat(STDIN_FILENO, &in) == 0 : (!input.empty() && ::stat(input.c_str(), &in) == 0);
    if (!ok || !S_ISREG(in.st_mode)) continue;
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      throw error(errc::invalid_argument,
                  "output file " + detail::quoted(path) + " is the input " +
                      (input == "-" ? std::string("(standard input)") : detail::quoted(input)) +
                      ": writing it would replace the data being read; choose another output file");
    }
  }
}

// A stream buffer over a file descriptor that remembers the first write error (errno).
class fd_buffer : public std::streambuf {
 public:
  explicit fd_buffer(int fd) : fd_(fd), buf_(std::size_t{1} << 16) { setp(buf_.data(), buf_.data() + buf_.size()); }
  [[nodiscard]] int error_number() const noexcept { return errno_; }
  bool drain() {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    setp(buf_.data(), buf_.data() + buf_.size());
    return write_all(buf_.data(), n);
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(buf_.size())) return std::streambuf::xsputn(s, n);
    if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
    return n;
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool write_all(const char* p, std::size_t n) {
    if (errno_ != 0) return false;
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        errno_ = errno;
        return false;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  int fd_;
  std::vector<char> buf_;
  int errno_ = 0;
};

}  // namespace

struct output_file::state {
  std::string path, target, temp;  // temp empty: written through (or standard output)
  output_file_options options;
  int fd = -1;
  std::unique_ptr<fd_buffer> buffer;
  std::unique_ptr<std::ostream> stream;
  bool committed = false;

  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  void discard() {
    stream.reset();
    buffer.reset();
    close_fd();
    if (!temp.empty()) ::unlink(temp.c_str());
  }
};

output_file::output_file(std::string path, output_file_options options) : s_(std::make_unique<state>()) {
  s_->path = std::move(path);
  s_->options = std::move(options);
  if (is_standard_output(s_->path)) return;
  s_->target = resolve_links(s_->path);
  check_not_an_input(s_->path, s_->target, s_->options);
  struct stat st{};
  const bool exists = ::stat(s_->target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    throw error(errc::io_error, s_->path + ": is a directory; cannot write a file there");
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A device, FIFO or socket: write through, never rename over it (as root, renaming over
    // /dev/null would replace the device with a regular file).
    s_->fd = ::open(s_->target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (s_->fd < 0) throw error(errc::io_error, s_->path + ": cannot open for writing (" + system_reason(errno) + ")");
  } else {
    static std::atomic<unsigned> counter{0};
    s_->temp = s_->target + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    s_->fd = ::open(s_->temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (s_->fd < 0) {
      const int err = errno;
      s_->temp.clear();
      throw error(errc::io_error, s_->path + ": cannot open for writing (" + system_reason(err) + ")");
    }
    if (exists) (void)::fchmod(s_->fd, st.st_mode & 07777);  // the replacement keeps the old permissions
  }
  s_->buffer = std::make_unique<fd_buffer>(s_->fd);
  s_->stream = std::make_unique<std::ostream>(s_->buffer.get());
}

output_file::output_file(output_file&&) noexcept = default;
output_file& output_file::operator=(output_file&& other) noexcept {
  if (this != &other) {
    if (s_ && !s_->committed) s_->discard();
    s_ = std::move(other.s_);
  }
  return *this;
}

output_file::~output_file() {
  if (s_ && !s_->committed) s_->discard();
}

std::ostream& output_file::stream() { return s_->stream ? *s_->stream : std::cout; }

void output_file::write(std::string_view text) { stream().write(text.data(), static_cast<std::streamsize>(text.size())); }

const std::string& output_file::path() const noexcept { return s_->path; }
const std::string& output_file::target() const noexcept { return s_->target; }
bool output_file::writes_through() const noexcept { return s_->temp.empty(); }

void output_file::commit() {
  state& s = *s_;
  if (s.committed) return;
  if (!s.stream) {
    std::cout.flush();
    if (!std::cout) throw error(errc::io_error, "standard output: write failed");
    s.committed = true;
    return;
  }
  s.stream->flush();
  const bool written = s.buffer->drain() && static_cast<bool>(*s.stream);
  const int write_errno = s.buffer->error_number();
  if (!written) {
    s.discard();
    throw error(errc::io_error, s.path + ": write failed" + (write_errno ? " (" + system_reason(write_errno) + ")" : ""));
  }
  if (!s.temp.empty()) {
    // On disk before it replaces the old file, so that a crash leaves the old or the new file.
    if (::fsync(s.fd) != 0 && errno != EINVAL && errno != EROFS) {
      const int err = errno;
      s.discard();
      throw error(errc::io_error, s.path + ": write failed (" + system_reason(err) + ")");
    }
  }
  const int fd = s.fd;
  s.fd = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    s.discard();
    throw error(errc::io_error, s.path + ": write failed (" + system_reason(err) + ")");
  }
  if (!s.temp.empty()) {
    try {
      check_not_an_input(s.path, s.target, s.options);  // the target may have changed since the constructor
    } catch (...) {
      s.discard();
      throw;
    }
    if (::rename(s.temp.c_str(), s.target.c_str()) != 0) {
      const int err = errno;
      s.discard();
      throw error(errc::io_error, s.path + ": cannot put the file in place (" + system_reason(err) + ")");
    }
  }
  s.committed = true;  // the stream stays (writes after this fail: the descriptor is closed)
}

void write_output_file(const std::string& path, std::string_view content, const output_file_options& options) {
  output_file out(path, options);
  out.write(content);
  out.commit();
}

ATTUNE_END_NAMESPACE
