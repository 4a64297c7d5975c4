// Private helper of the keys and analyses layers: strict reading of JSON documents that users
// hand to the library (item banks, saved CAT sessions).
//
// Strict means: nesting is bounded (a hostile document cannot exhaust the stack), a key given twice
// in one object is an error (nlohmann would keep the last one silently), unknown fields are errors,
// and every message names the field by its path ("items[3].intercepts") and quotes at most 80
// characters of the input. Every failure is an attune::error (bad_input).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "detail/json_text.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// At most `max` characters of `s` ("..." appended when cut), bytes outside ASCII as \xNN.
inline std::string quote_input(std::string_view s, std::size_t max = 80) {
  const bool cut = s.size() > max;
  std::string out = escape_non_ascii(std::string(s.substr(0, cut ? max - 3 : s.size())));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return cut ? out + "..." : out;
}

/// Parses `text` as JSON with at most `max_depth` nested arrays/objects and no duplicate keys.
/// @throws attune::error (bad_input) "<source>: not valid JSON at byte N (...)", naming the cause.
inline nlohmann::json parse_json_strict(std::string_view text, const std::string& source, int max_depth = 16) {
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
        if (depth >= max_depth) fail("nested deeper than " + std::to_string(max_depth) + " levels", "");
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
          fail("the field '" + quote_input(k) + "' is given twice in one object", quote_input(k));
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
    const std::string near = from < text.size() ? quote_input(text.substr(from, 80)) : std::string();
    fail("not valid JSON at byte " + std::to_string(e.byte) + " (" + quote_input(reason, 160) + ")" +
             (near.empty() ? std::string() : " near '" + near + "'"),
         near);
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
    if (!value.is_null()) d.value = quote_input(value.is_string() ? value.get<std::string>() : value.dump());
    if (item_) d.item = *item_;
    throw error(errc::bad_input,
                source_ + ": " + (where.empty() ? std::string("the document") : where) + " " + what +
                    (d.value ? " (given: " + *d.value + ")" : std::string()),
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
