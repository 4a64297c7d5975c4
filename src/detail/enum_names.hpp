// Private helper of every module: the names of an enum's values, for its `to_string` and
// `parse_<enum>` (one table per enum, so that the two can never disagree), and the one shape of
// an options error.
#pragma once

#include "attune/core/config.hpp"
#include "attune/core/error.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

template <class E, std::size_t N>
using enum_table = std::array<std::pair<E, std::string_view>, N>;

/// The name of `e` in `table` ("unknown" when absent, which a complete table never is).
template <class E, std::size_t N>
constexpr std::string_view enum_name(const enum_table<E, N>& table, E e) noexcept {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "unknown";
}

/// The value named `s` (ASCII case-insensitive), or nullopt.
template <class E, std::size_t N>
constexpr std::optional<E> enum_parse(const enum_table<E, N>& table, std::string_view s) noexcept {
  for (const auto& [value, name] : table) {
    if (name.size() != s.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < s.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(s[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return value;
  }
  return std::nullopt;
}

/// Throws invalid_argument "<field> = <value>: <rule>" with error_details option and value set.
[[noreturn]] inline void fail_option(const std::string& field, const std::string& value, const std::string& rule) {
  error_details d;
  d.option = field;
  d.value = value;
  throw error(errc::invalid_argument, field + " = " + value + ": " + rule, d);
}

}  // namespace detail
ATTUNE_END_NAMESPACE
