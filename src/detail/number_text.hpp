// Private helper of every module: numbers in error and warning messages.
#pragma once

#include "attune/core/config.hpp"

#include <charconv>
#include <sstream>
#include <string>

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// `x` exactly: the shortest text that reads back as the same double ("0.95", "5.0000001",
/// "1e-05", "nan"). For values a message echoes from the user's options or data, so that a value
/// just outside a bound is never shown as the bound itself.
inline std::string number_text(double x) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, x).ptr);
}

/// `x` rounded to `significant` significant digits, as `std::ostream` writes it ("-0.123457"):
/// for computed values in warnings (alpha with 4, as psych prints it; others with 6).
inline std::string number_text(double x, int significant) {
  std::ostringstream os;
  os.precision(significant);
  os << x;
  return os.str();
}

}  // namespace detail
ATTUNE_END_NAMESPACE
