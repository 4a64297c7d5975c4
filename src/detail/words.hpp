// Private helper: the space-separated words of one line of the library's own text formats (the
// serialized moments, exact sums and accumulators). One implementation for every reader.
#pragma once

#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The words of `line` separated by runs of spaces (no other whitespace is a separator).
inline std::vector<std::string_view> space_separated_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t p = 0;
  while (p < line.size()) {
    while (p < line.size() && line[p] == ' ') ++p;
    std::size_t e = p;
    while (e < line.size() && line[e] != ' ') ++e;
    if (e > p) words.push_back(line.substr(p, e - p));
    p = e;
  }
  return words;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
