/// @file output_file.hpp
/// Output files that never destroy data (io layer).
///
/// An `output_file` is written piece by piece and put in place only by `commit()`:
/// - a regular file (or a path that does not exist yet) is written to a temporary file beside it
///   and renamed over it on `commit()`, so that a reader never sees a partial file and an error
///   (an exception, a destructor without commit) leaves the old file, or none, and no temporary;
///   a file that is replaced keeps its permission bits;
/// - a symbolic link is followed: the file it points to is written (created if the link dangles),
///   and the link stays a link;
/// - a character device, FIFO or socket (`/dev/null`, a pipe, a terminal) is written through:
///   nothing can be renamed over it, so what was written before an error has been written;
/// - an empty path or "-" is standard output (written through as well);
/// - a path that names the same file as one of the inputs (the same device and inode, whatever
///   the spelling: `./x.csv`, a hard link, a symlink) is refused with an attune::error
///   (invalid_argument) before anything is written, and again at `commit()`: writing it would
///   replace the data being read. An input "-" means standard input (the file it was redirected
///   from, if any).
/// Errors: attune::error, invalid_argument (the target is an input, a directory) or io_error
/// (cannot create, write or rename; the message names the path and the system's reason).
/// Not thread-safe: one writer per object.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `output_file` and `write_output_file`.
struct ATTUNE_EXPORT output_file_options {
  /// Paths the output must not be (the files the program reads); "-" is standard input. Paths that
  /// do not exist, or name no file (a built-in instrument id), are ignored.
  std::vector<std::string> inputs;
};

/// An output file put in place only by `commit()` (see the file comment).
class ATTUNE_EXPORT output_file {
 public:
  /// Opens the output: the temporary file beside a regular target, the target itself when it is a
  /// device or FIFO, or standard output. @throws attune::error (invalid_argument, io_error).
  explicit output_file(std::string path, output_file_options options = {});
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  output_file(output_file&&) noexcept;
  output_file& operator=(output_file&&) noexcept;
  /// Without `commit()`: removes the temporary file (the target is left as it was).
  ~output_file();

  /// The stream to write to (std::cout for standard output).
  std::ostream& stream();
  /// Appends `text` to the stream.
  void write(std::string_view text);
  /// Flushes, checks every write, and puts the file in place (renames the temporary file over the
  /// target). @throws attune::error (io_error) naming the path; the target is then unchanged.
  void commit();

  /// The path as given ("" or "-" for standard output).
  [[nodiscard]] const std::string& path() const noexcept;
  /// The file that is written: the target after following symbolic links.
  [[nodiscard]] const std::string& target() const noexcept;
  /// True when written through (standard output, a device, a FIFO): no atomic replacement.
  [[nodiscard]] bool writes_through() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> s_;
};

/// Writes `content` to `path` as one `output_file` (see there), or to standard output for "" or "-".
/// @throws attune::error (invalid_argument, io_error).
ATTUNE_EXPORT void write_output_file(const std::string& path, std::string_view content,
                                     const output_file_options& options = {});

ATTUNE_END_NAMESPACE
