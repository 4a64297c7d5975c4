// Private helper of every module: the one number-to-text helper, for messages, tables, CSV and
// JSON alike.
#pragma once

#include "attune/core/config.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
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

/// `x` with `decimals` digits after the point, for tables ("0.912", "-0.07"); "NA" for NaN
/// (R's way of printing a missing value), "Inf" / "-Inf" for infinities.
inline std::string fixed_text(double x, int decimals) {
  if (std::isnan(x)) return "NA";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  // -0.000 reads as a negative number that rounds to zero: print it as 0.000.
  std::string out(buf, static_cast<std::size_t>(n > 0 ? n : 0));
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
