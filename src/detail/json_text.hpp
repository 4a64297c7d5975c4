// Private helper of the library and the command line: JSON documents as text.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Bytes outside ASCII as \xNN, so that a message quoting them is itself valid text.
inline std::string escape_non_ascii(const std::string& s) {
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", b);
    out += hex;
  }
  return out;
}

inline bool is_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();  // nlohmann checks UTF-8 when it writes a string
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

/// The path ("/respondents/0/id") and text of the first string or key in `j` that is not UTF-8.
template <class Json>
std::optional<std::pair<std::string, std::string>> find_non_utf8(const Json& j, const std::string& path = "") {
  if (j.is_string()) {
    const auto& s = j.template get_ref<const std::string&>();
    if (!is_utf8(s)) return std::pair{path, s};
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (!is_utf8(key)) return std::pair{path + "/" + escape_non_ascii(key), key};
      if (auto found = find_non_utf8(value, path + "/" + key)) return found;
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (auto found = find_non_utf8(j[i], path + "/" + std::to_string(i))) return found;
    }
  }
  return std::nullopt;
}

/// `doc` as JSON text (`indent` as nlohmann's dump; -1: one line). JSON must be UTF-8: text that
/// is not (an id or a name from a Latin-1 file, say) is an attune::error (bad_input) naming where
/// it sits in the document and how to convert the input, not nlohmann's exception.
template <class Json>
std::string json_text(const Json& doc, int indent = 2) {
  try {
    return doc.dump(indent);
  } catch (const nlohmann::json::type_error& e) {
    if (e.id != 316) throw;  // 316: invalid UTF-8
    const auto found = find_non_utf8(doc);
    throw error(errc::bad_input,
                "JSON output: the text " +
                    (found ? "at " + found->first + " (" + detail::quoted(escape_non_ascii(found->second)) + ") " : std::string()) +
                    "is not valid UTF-8, which JSON requires: the input is probably in another encoding (convert "
                    "it, e.g. iconv -f latin1 -t utf-8 data.csv > data-utf8.csv)");
  }
}

/// `j` as nlohmann's dump(2) writes it, except that an array of scalars (a vector, a matrix row)
/// stays on one line: a 36 x 36 matrix reads as 36 lines, not 1,300. Documents and item banks are
/// written so. @throws attune::error (bad_input) for text that is not UTF-8, as `json_text`.
template <class Json>
std::string pretty_json_text(const Json& j);

namespace pretty_detail {

template <class Json>
bool is_scalar_array(const Json& j) {
  if (!j.is_array() || j.empty()) return false;
  for (const auto& e : j) {
    if (e.is_structured()) return false;
  }
  return true;
}

template <class Json>
void pretty(std::string& out, const Json& j, int depth) {
  const std::string indent(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  const std::string close_indent(static_cast<std::size_t>(2 * depth), ' ');
  if (j.is_object() && !j.empty()) {
    out += "{\n";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ",\n";
      first = false;
      out += indent + json_text(Json(it.key()), -1) + ": ";
      pretty(out, it.value(), depth + 1);
    }
    out += "\n" + close_indent + "}";
  } else if (j.is_array() && !j.empty() && !is_scalar_array(j)) {
    out += "[\n";
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (i > 0) out += ",\n";
      out += indent;
      pretty(out, j[i], depth + 1);
    }
    out += "\n" + close_indent + "]";
  } else if (is_scalar_array(j)) {
    out += "[";
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (i > 0) out += ", ";
      out += json_text(j[i], -1);
    }
    out += "]";
  } else {
    out += json_text(j, -1);
  }
}

}  // namespace pretty_detail

template <class Json>
std::string pretty_json_text(const Json& j) {
  std::string out;
  pretty_detail::pretty(out, j, 0);
  return out;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
