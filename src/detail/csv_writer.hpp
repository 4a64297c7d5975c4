// Private helper of the io and report layers: the one CSV writer.
//
// Fields are quoted (RFC 4180: in double quotes, with "" for a quote) when they hold the
// delimiter, a quote, a line end, a semicolon or a tab, so that the file reads back whatever the
// reader's delimiter detection picks. Numbers are written as the shortest text that reads back
// exactly (std::to_chars), and remembered per value (see `number_cache`), because formatting
// costs more than scoring (bench/compare_scoring.sh).
#pragma once

#include "attune/core/config.hpp"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Whether `s` must be quoted in a CSV field.
inline bool csv_needs_quotes(std::string_view s) noexcept {
  for (const char c : s) {
    if (c == ',' || c == ';' || c == '\t' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

/// Writes `s` at `p` as a CSV field and returns the end. Needs room for 2 * s.size() + 2 characters.
inline char* put_csv_field(char* p, std::string_view s) noexcept {
  if (!csv_needs_quotes(s)) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  *p++ = '"';
  for (const char c : s) {
    if (c == '"') *p++ = '"';
    *p++ = c;
  }
  *p++ = '"';
  return p;
}

/// `s` as a CSV field.
inline std::string csv_field(std::string_view s) {
  std::string out(2 * s.size() + 2, '\0');
  out.resize(static_cast<std::size_t>(put_csv_field(out.data(), s) - out.data()));
  return out;
}

/// The shortest round-trip text of a double (std::to_chars), remembered for the last value seen in
/// each of 4,096 slots, compared on all 64 bits. Scores are means of a few small integers, so a
/// file holds few distinct values, and std::to_chars costs about 80 ns per number: a fifth of the
/// CPU time of `attune score` before this cache. A value is still formatted by std::to_chars the
/// first time it occupies a slot, so the text is always exactly std::to_chars's.
class number_cache {
 public:
  static constexpr std::size_t kMaxText = 24;  ///< the longest double from std::to_chars

  /// Writes x at p (room for kMaxText characters needed); returns the end.
  char* put(char* p, double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    slot& s = slots_[(bits * 0x9E3779B97F4A7C15ULL) >> (64 - kSlotBits)];  // Fibonacci hashing
    if (!s.filled || s.bits != bits) {
      s.size = static_cast<std::uint8_t>(std::to_chars(s.text, s.text + kMaxText, x).ptr - s.text);
      s.bits = bits;
      s.filled = true;
    }
    std::memcpy(p, s.text, kMaxText);
    return p + s.size;
  }

 private:
  static constexpr int kSlotBits = 12;
  struct slot {
    std::uint64_t bits = 0;
    bool filled = false;
    std::uint8_t size = 0;
    char text[kMaxText] = {};
  };
  std::vector<slot> slots_ = std::vector<slot>(std::size_t{1} << kSlotBits);
};

}  // namespace detail
ATTUNE_END_NAMESPACE
