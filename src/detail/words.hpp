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

/// The lines of a text, one after another, numbered from 1 (for messages).
struct text_lines {
  std::string_view text;
  std::size_t pos = 0;      ///< where the next line begins
  std::size_t line_no = 0;  ///< the number of the line last returned
  /// The next line (without its '\n'); empty at the end.
  std::string_view next() {
    ++line_no;
    const std::size_t nl = text.find('\n', pos);
    std::string_view l = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    return l;
  }
  /// Whether only spaces and line ends remain.
  [[nodiscard]] bool rest_blank() const { return text.substr(pos).find_first_not_of(" \r\n") == std::string_view::npos; }
};

}  // namespace detail
ATTUNE_END_NAMESPACE
