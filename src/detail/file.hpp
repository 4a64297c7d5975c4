// Private file helpers of the io layer: whole-file reads and atomic writes.
#pragma once

#include <string>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The whole content of a file. @throws attune::error (io_error) naming the path.
ATTUNE_EXPORT std::string read_text_file(const std::string& path);

/// Writes `content` to a temporary file beside `path`, then renames it into place, so that a
/// reader never sees a partial file and an error leaves the old file (or none).
/// @throws attune::error (io_error) naming the path.
ATTUNE_EXPORT void write_file_atomically(const std::string& path, const std::string& content);

/// A unique temporary path in the same folder as `path` (for atomic replacement).
ATTUNE_EXPORT std::string temporary_path_beside(const std::string& path);

}  // namespace detail
ATTUNE_END_NAMESPACE
