// Private file helper of the library: the one whole-file reader.
#pragma once

#include <cstddef>
#include <string>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Most bytes `read_text_file` reads by default: 64 MiB, far above any instrument or norm table,
/// so that an endless input (/dev/zero) or a wrong file ends in an error, not in bad_alloc.
inline constexpr std::size_t max_text_file_bytes = std::size_t{64} << 20;

/// The whole content of a file of at most `max_bytes` bytes.
/// @throws attune::error (io_error) naming the path: cannot open or read, or longer than `max_bytes`.
ATTUNE_EXPORT std::string read_text_file(const std::string& path, std::size_t max_bytes = max_text_file_bytes);

}  // namespace detail
ATTUNE_END_NAMESPACE
