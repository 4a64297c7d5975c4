#include "detail/file.hpp"

#include <fstream>

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": cannot open the file for reading");
  // Read in blocks up to the limit (not rdbuf() into a stringstream, which grows without bound on
  // /dev/zero or a FIFO that never ends).
  std::string out;
  char block[1 << 16];
  while (in) {
    in.read(block, sizeof block);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (out.size() + got > max_bytes) {
      throw error(errc::io_error, path + ": longer than " + std::to_string(max_bytes >> 20) +
                                      " MiB, the most read as one text file (an instrument or a norm table)");
    }
    out.append(block, got);
  }
  if (in.bad()) throw error(errc::io_error, path + ": read error");
  return out;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
