// Private helper of the analyses modules: enum <-> name tables for the `to_string` /
// `parse_<enum>` pairs every public enum has, and the one shape of an options error.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

template <class E, std::size_t N>
using name_table = std::array<std::pair<E, std::string_view>, N>;

/// The name of `e` in `t` (the first entry's name if absent, which a complete table never is).
template <class E, std::size_t N>
std::string_view name_of(const name_table<E, N>& t, E e) noexcept {
  for (const auto& [v, s] : t)
    if (v == e) return s;
  return t[0].second;
}

/// The enum named `s` in `t`, or nullopt.
template <class E, std::size_t N>
std::optional<E> parse_name(const name_table<E, N>& t, std::string_view s) noexcept {
  for (const auto& [v, n] : t)
    if (n == s) return v;
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
