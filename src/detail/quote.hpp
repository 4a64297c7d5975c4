// Private helper of every module: input values quoted in error and warning messages.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Most bytes of one input value a message quotes. A message names where and what; it does not
/// copy the input (issue 10: a 150 MB cell was echoed in full, a 20 KB nest of brackets too).
inline constexpr std::size_t max_quoted_bytes = 80;

/// `value` in single quotes for a message: 'Q1'. Longer than max_quoted_bytes, its first bytes (cut
/// at a UTF-8 character boundary) then "...' (N bytes)". Control characters (NUL, newline, ESC...)
/// are shown as \xNN, so that the message stays one line of text; other bytes are kept as they are.
inline std::string quoted(std::string_view value) {
  std::size_t n = value.size();
  const bool cut = n > max_quoted_bytes;
  if (cut) {
    n = max_quoted_bytes - 3;
    while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;  // not inside a character
  }
  std::string out = "'";
  out.reserve(n + 24);
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = static_cast<unsigned char>(value[i]);
    if (b < 0x20 || b == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", b);
      out += hex;
    } else {
      out += value[i];
    }
  }
  if (cut) {
    out += "...' (";
    out += std::to_string(value.size());
    out += " bytes)";
  } else {
    out += '\'';
  }
  return out;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
