// Private helper of the study layer: the builders of `option_info` entries (study/option_info.hpp),
// so that every study's `describe_options` parses numbers, enums and lists the same way and
// says the same thing about a text it cannot use.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/error.hpp"
#include "attune/study/option_info.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The one shape of a text an option cannot use: "NAME 'TEXT': what is expected".
[[noreturn]] inline void refuse_option_text(const std::string& name, const std::string& field, const std::string& text,
                                            const std::string& expected) {
  const std::string shown = text.size() > 80 ? text.substr(0, 77) + "..." : text;
  throw error(errc::invalid_argument, name + " '" + shown + "': " + expected,
              {.value = shown, .option = field, .rule = "option_text"});
}

/// "a, b or c".
inline std::string choice_list(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  }
  return out;
}

/// Bounds of a numeric option, checked as its text is read (the options' validate() checks the
/// rest when the study runs).
struct option_bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

template <class T>
struct is_optional_member : std::false_type {};
template <class T>
struct is_optional_member<std::optional<T>> : std::true_type {};

/// A number of type T from the whole of `text` (integers in decimal; a double must be finite), or
/// an error naming the option and what it takes.
template <class T>
T option_number(const std::string& name, const std::string& field, const std::string& text, option_bounds b) {
  T v{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  const char* expected = std::is_floating_point_v<T> ? "expected a number"
                         : std::is_signed_v<T>       ? "expected a whole number"
                                                     : "expected a whole number, 0 or more";
  if (ec != std::errc() || ptr != end) refuse_option_text(name, field, text, expected);
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(v)) refuse_option_text(name, field, text, "expected a finite number");
  }
  const auto x = static_cast<double>(v);
  if (x < b.min || x > b.max) {
    // whole bounds as whole numbers (1000000, not 1e+06)
    const auto shown = [](double bound) {
      return bound == std::floor(bound) && std::abs(bound) < 9e18 ? std::to_string(static_cast<long long>(bound))
                                                                  : number_text(bound);
    };
    const std::string range = std::isinf(b.max)   ? "at least " + shown(b.min)
                              : std::isinf(b.min) ? "at most " + shown(b.max)
                                                  : "in [" + shown(b.min) + ", " + shown(b.max) + "]";
    refuse_option_text(name, field, text, "must be " + range);
  }
  return v;
}

template <class T>
std::string option_value_type() {
  if constexpr (std::is_floating_point_v<T>) return "FLOAT";
  if constexpr (std::is_signed_v<T>) return "INT";
  return "UINT";
}

template <class T>
std::string option_default_text(const T& v) {
  if constexpr (std::is_floating_point_v<T>) {
    return number_text(v);
  } else {
    return std::to_string(v);
  }
}

/// An option bound to `member`: a number (optional or not), a text, a list of texts, or a bool
/// (a toggle that sets it to true).
template <class T>
option_info bound_option(std::string name, std::string field, std::string help, T& member, option_bounds b = {}) {
  option_info o{.name = std::move(name), .field = std::move(field), .help = std::move(help)};
  if constexpr (std::is_same_v<T, bool>) {
    o.form = option_info::form_kind::toggle;
    o.set = [&member](const std::vector<std::string>&) { member = true; };
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!member.empty()) o.default_text = member;
    o.set = [&member](const std::vector<std::string>& t) { member = t.empty() ? std::string() : t.front(); };
  } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    if (member) o.default_text = *member;
    o.set = [&member](const std::vector<std::string>& t) { member = t.empty() ? std::string() : t.front(); };
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    o.form = option_info::form_kind::list;
    o.set = [&member](const std::vector<std::string>& t) { member = t; };
  } else if constexpr (is_optional_member<T>::value) {
    using V = typename T::value_type;
    o.value_type = option_value_type<V>();
    if (member) o.default_text = option_default_text(*member);
    o.set = [&member, name = o.name, field = o.field, b](const std::vector<std::string>& t) {
      member = option_number<V>(name, field, t.empty() ? std::string() : t.front(), b);
    };
  } else {
    static_assert(std::is_arithmetic_v<T>, "bound_option: a number, text, list of texts or bool member");
    o.value_type = option_value_type<T>();
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isnan(member)) o.default_text = option_default_text(member);  // NaN: off, no default
    } else {
      o.default_text = option_default_text(member);
    }
    o.set = [&member, name = o.name, field = o.field, b](const std::vector<std::string>& t) {
      member = option_number<T>(name, field, t.empty() ? std::string() : t.front(), b);
    };
  }
  return o;
}

/// A toggle that sets `member` to `value` (false for a "no-..." option).
inline option_info toggle_option(std::string name, std::string field, std::string help, bool& member, bool value) {
  option_info o = bound_option(std::move(name), std::move(field), std::move(help), member);
  o.set = [&member, value](const std::vector<std::string>&) { member = value; };
  return o;
}

/// The one body of the enum options (`choice_option`): `store` keeps the value a text names and
/// says whether it named one; a text it refuses is "NAME 'TEXT': use a, b or c".
inline option_info choice_entry(std::string name, std::string field, std::string help, std::string default_text,
                                std::vector<std::string> choices, std::function<bool(const std::string&)> store) {
  option_info o{.name = std::move(name), .field = std::move(field), .help = std::move(help)};
  o.default_text = std::move(default_text);
  o.choices = std::move(choices);
  o.set = [store = std::move(store), name = o.name, field = o.field, choices = o.choices](const std::vector<std::string>& t) {
    const std::string text = t.empty() ? std::string() : t.front();
    if (!store(text)) refuse_option_text(name, field, text, "use " + choice_list(choices));
  };
  return o;
}

/// Stores the value `parse` finds in `text` into `member` (an enum or an optional one); false when
/// it finds none.
template <class M, class E>
bool store_choice(M& member, std::optional<E> (*parse)(std::string_view) noexcept, const std::string& text) {
  const std::optional<E> v = parse(text);
  if (v) member = *v;
  return v.has_value();
}

/// An enum member set by its name through `parse` (`parse_<enum>`); with an optional member,
/// "none" empties it. `choices` are the names, in the order messages list them.
template <class E>
option_info choice_option(std::string name, std::string field, std::string help, E& member,
                          std::optional<E> (*parse)(std::string_view) noexcept, std::vector<std::string> choices) {
  return choice_entry(std::move(name), std::move(field), std::move(help), std::string(to_string(member)),
                      std::move(choices),
                      [&member, parse](const std::string& text) { return store_choice(member, parse, text); });
}
template <class E>
option_info choice_option(std::string name, std::string field, std::string help, std::optional<E>& member,
                          std::optional<E> (*parse)(std::string_view) noexcept, std::vector<std::string> choices) {
  choices.push_back("none");
  return choice_entry(std::move(name), std::move(field), std::move(help),
                      member ? std::string(to_string(*member)) : "none", std::move(choices),
                      [&member, parse](const std::string& text) {
                        if (text != "none") return store_choice(member, parse, text);
                        member.reset();
                        return true;
                      });
}

/// An option with a parser of its own: one text (`list` false) or the entries of a list.
inline option_info parsed_option(std::string name, std::string field, std::string help,
                                 std::function<void(const std::vector<std::string>&)> set,
                                 std::optional<std::string> default_text = std::nullopt, bool list = false,
                                 std::string value_type = "TEXT") {
  option_info o{.name = std::move(name), .field = std::move(field), .help = std::move(help)};
  o.form = list ? option_info::form_kind::list : option_info::form_kind::value;
  o.value_type = std::move(value_type);
  o.default_text = std::move(default_text);
  o.set = std::move(set);
  return o;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
