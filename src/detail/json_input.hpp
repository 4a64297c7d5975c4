// Private helper of the keys and analyses layers: JSON input that users hand to the library
// (instrument files, norm tables, item banks, saved CAT sessions), with bounded nesting, numbers
// that must fit a double, and values described briefly in messages; and a strict reader (no
// duplicate or unknown fields, errors naming the field by its path).
#pragma once

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>
#include <utility>
#include <set>
#include <optional>
#include <limits>
#include <initializer_list>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "attune/core/limits.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The nesting limit of JSON input is `json_depth_limit()` (attune/core/limits.hpp, 64 by default).
/// Instrument files and norm tables need 4; a limit keeps a hostile file (100,000 nested arrays,
/// issue 10 F10) from costing stack or time anywhere later (nlohmann's dump() recurses).
inline error json_too_deep(const std::string& where, const std::string& source, int limit, const std::string& needs) {
  error_details d;
  d.source = source;
  d.option = "json_depth_limit";
  d.rule = "json_too_deep";
  return error(errc::bad_input,
               where + ": JSON nested deeper than " + std::to_string(limit) + " levels (" + needs +
                   "; the limit is json_depth_limit())",
               d);
}

/// Checks `text` before it is parsed: nesting at most json_depth_limit(), and no number that overflows
/// a double (nlohmann throws out_of_range for 1e400, issue 10 F2). Strings are skipped (escapes
/// respected); anything else malformed is left to the parser. O(size), no allocation per byte.
/// @throws attune::error (bad_input) naming `source`, the line and column, and the rule.
inline void check_json_limits(std::string_view text, const std::string& source) {
  std::size_t line = 1, column = 1;
  int depth = 0;
  const int max_depth = json_depth_limit();
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
      if (++depth > max_depth) throw json_too_deep(where(), source, max_depth, "an instrument or norm table needs 4");
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

/// Parses `text` as JSON with at most json_depth_limit() nested arrays/objects and no duplicate keys.
/// @throws attune::error (bad_input) "<source>: not valid JSON at byte N (...)", naming the cause.
inline nlohmann::json parse_json_strict(std::string_view text, const std::string& source) {
  const int max_depth = json_depth_limit();
  std::vector<std::set<std::string>> keys;  // the keys seen so far in each open object
  std::vector<bool> is_object;              // per open container
  auto fail = [&](const std::string& what, const std::string& quoted) {
    error_details d;
    d.source = source;
    d.rule = "json";
    if (!quoted.empty()) d.value = quoted;
    throw error(errc::bad_input, source + ": " + what, d);
  };
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) -> bool {
    using ev = nlohmann::json::parse_event_t;
    switch (event) {
      case ev::object_start:
      case ev::array_start:
        if (depth >= max_depth) throw json_too_deep(source, source, max_depth, "an item bank, a session or options need 5");
        is_object.push_back(event == ev::object_start);
        if (event == ev::object_start) keys.emplace_back();
        break;
      case ev::object_end:
      case ev::array_end:
        if (!is_object.empty()) {
          if (is_object.back()) keys.pop_back();
          is_object.pop_back();
        }
        break;
      case ev::key: {
        const auto& k = parsed.get_ref<const std::string&>();
        if (!keys.empty() && !keys.back().insert(k).second)
          fail("the field " + detail::quoted(k) + " is given twice in one object", k);
        break;
      }
      case ev::value:
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message ends with "; last read: '<input>'", which can be long: keep the reason
    // and quote the input ourselves, cut to 80 characters around the byte.
    std::string reason = e.what();
    if (const auto p = reason.find("] "); p != std::string::npos) reason.erase(0, p + 2);
    if (const auto p = reason.find("; last read"); p != std::string::npos) reason.erase(p);
    const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    const std::size_t from = at > 40 ? at - 40 : 0;
    const std::string near = from < text.size() ? std::string(text.substr(from, 80)) : std::string();
    fail("not valid JSON at byte " + std::to_string(e.byte) + " (" + reason.substr(0, 160) + ")" +
             (near.empty() ? std::string() : " near " + detail::quoted(near)),
         near);
  } catch (const nlohmann::json::out_of_range& e) {
    // 406 "number overflow parsing '1e400'" (issue 18, F17: it escaped item_bank_from_json,
    // cat_session::restore and the C API's options as nlohmann's exception).
    std::string token = e.what();
    if (const auto p = token.find('\''); p != std::string::npos) token.erase(0, p + 1);
    if (!token.empty() && token.back() == '\'') token.pop_back();
    error_details d;
    d.source = source;
    d.value = token.substr(0, 80);
    d.rule = "number_overflow";
    throw error(errc::bad_input, source + ": the number " + detail::quoted(token) +
                                     " is too large for a double (largest about 1.8e308)",
                d);
  }
  return {};  // unreachable: fail throws
}

/// Typed access to the fields of one JSON object, with errors naming "<source>: <path>.<field>".
class json_object_reader {
 public:
  json_object_reader(const nlohmann::json& obj, std::string path, const std::string& source,
                     std::initializer_list<const char*> allowed)
      : obj_(obj), path_(std::move(path)), source_(source) {
    if (!obj.is_object()) fail_at(path_, "must be a JSON object", obj);
    for (const auto& [key, value] : obj.items()) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) fail_at(field_path(key), "is not a field of this object (a typo?)", nlohmann::json(key));
    }
  }

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] bool has(const char* key) const { return obj_.contains(key) && !obj_.at(key).is_null(); }
  [[nodiscard]] const nlohmann::json& at(const char* key) const {
    if (!obj_.contains(key)) fail_at(field_path(key), "is missing (a required field)", nlohmann::json());
    return obj_.at(key);
  }
  [[nodiscard]] std::string field_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  [[noreturn]] void fail_at(const std::string& where, const std::string& what, const nlohmann::json& value) const {
    error_details d;
    d.source = source_;
    d.rule = "json_field";
    if (!value.is_null()) d.value = value.is_string() ? value.get<std::string>() : value.dump();
    if (item_) d.item = *item_;
    throw error(errc::bad_input,
                source_ + ": " + (where.empty() ? std::string("the document") : where) + " " + what +
                    (d.value ? " (given: " + detail::quoted(*d.value) + ")" : std::string()),
                d);
  }
  [[noreturn]] void fail(const char* key, const std::string& what) const {
    fail_at(field_path(key), what, obj_.contains(key) ? obj_.at(key) : nlohmann::json());
  }
  /// The item id put into error_details::item of later failures.
  void set_item(std::string id) { item_ = std::move(id); }

  [[nodiscard]] std::string string(const char* key) const {
    const auto& v = at(key);
    if (!v.is_string()) fail(key, "must be a string");
    return v.get<std::string>();
  }
  [[nodiscard]] std::string string_or(const char* key, std::string fallback) const {
    return obj_.contains(key) ? string(key) : std::move(fallback);
  }
  [[nodiscard]] double number(const char* key) const {
    const auto& v = at(key);
    if (!v.is_number()) fail(key, "must be a number");
    return v.get<double>();
  }
  [[nodiscard]] bool boolean_or(const char* key, bool fallback) const {
    if (!obj_.contains(key)) return fallback;
    const auto& v = obj_.at(key);
    if (!v.is_boolean()) fail(key, "must be true or false");
    return v.get<bool>();
  }
  /// A non-negative integer that fits `max`.
  [[nodiscard]] std::uint64_t count(const char* key, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const {
    const auto& v = at(key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
      fail(key, "must be a whole number from 0 to " + std::to_string(max));
    return v.get<std::uint64_t>();
  }
  [[nodiscard]] std::vector<double> numbers(const char* key) const {
    const auto& v = at(key);
    if (!v.is_array()) fail(key, "must be an array of numbers");
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_number()) fail_at(field_path(key) + "[" + std::to_string(i) + "]", "must be a number", v[i]);
      out.push_back(v[i].get<double>());
    }
    return out;
  }
  [[nodiscard]] const nlohmann::json& array(const char* key) const {
    const auto& v = at(key);
    if (!v.is_array()) fail(key, "must be an array");
    return v;
  }

 private:
  const nlohmann::json& obj_;
  std::string path_;
  const std::string& source_;
  std::optional<std::string> item_;
};

}  // namespace detail
ATTUNE_END_NAMESPACE
