// Private helper of the keys layer: JSON input (instrument files, norm tables) parsed with bounded
// nesting, numbers that must fit a double, and JSON values described briefly in messages.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Most nesting levels of arrays and objects accepted in a JSON input. Instrument files and norm
/// tables need 4; a limit keeps a hostile file (100,000 nested arrays, issue 10 F10) from costing
/// stack or time anywhere later (nlohmann's dump() recurses).
inline constexpr int max_json_depth = 64;

/// Checks `text` before it is parsed: nesting at most max_json_depth, and no number that overflows
/// a double (nlohmann throws out_of_range for 1e400, issue 10 F2). Strings are skipped (escapes
/// respected); anything else malformed is left to the parser. O(size), no allocation per byte.
/// @throws attune::error (bad_input) naming `source`, the line and column, and the rule.
inline void check_json_limits(std::string_view text, const std::string& source) {
  std::size_t line = 1, column = 1;
  int depth = 0;
  auto where = [&] { return source + ", line " + std::to_string(line) + ", column " + std::to_string(column); };
  for (std::size_t i = 0; i < text.size(); ++i, ++column) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 0;
    } else if (c == '"') {
      for (++i, ++column; i < text.size() && text[i] != '"'; ++i, ++column) {
        if (text[i] == '\\') ++i, ++column;
        if (i < text.size() && text[i] == '\n') ++line, column = 0;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) {
        throw error(errc::bad_input, where() + ": JSON nested deeper than " + std::to_string(max_json_depth) +
                                         " levels (an instrument or norm table needs 4)");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && (std::string_view("+-.0123456789eE").find(text[end]) != std::string_view::npos)) ++end;
      const std::string token(text.substr(i, end - i));
      errno = 0;
      const double v = std::strtod(token.c_str(), nullptr);
      if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) {
        throw error(errc::bad_input, where() + ": the number " + detail::quoted(token) +
                                         " is too large for a double (largest about 1.8e308)");
      }
      column += end - i - 1;
      i = end - 1;
    }
  }
}

/// Parses JSON input after `check_json_limits`. @throws attune::error (bad_input) naming `source`
/// (and the byte, for a syntax error); never nlohmann's exceptions.
inline nlohmann::json parse_json_input(std::string_view text, const std::string& source) {
  check_json_limits(text, source);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw error(errc::bad_input, source + ": not valid JSON (byte " + std::to_string(e.byte) + "): " + e.what());
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range 406, should the check miss a number
    throw error(errc::bad_input, source + ": not valid JSON: " + e.what());
  }
}

/// A JSON value in a few words for a message ("an array of 3 elements", "the string 'abc'", "12"),
/// never the dump of a whole (possibly huge or deep) value.
inline std::string describe_json(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: return "an object with " + std::to_string(v.size()) + " member(s)";
    case nlohmann::json::value_t::array: return "an array of " + std::to_string(v.size()) + " element(s)";
    case nlohmann::json::value_t::string: return "the string " + detail::quoted(v.get_ref<const std::string&>());
    case nlohmann::json::value_t::null: return "null";
    default: return v.dump();  // a number or a boolean: a few characters
  }
}

}  // namespace detail
ATTUNE_END_NAMESPACE
