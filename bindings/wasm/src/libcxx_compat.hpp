// Force-included (-include) into every source of the WebAssembly build, and only there.
//
// Debian's emscripten 3.1.6 ships LLVM 13's libc++ (_LIBCPP_VERSION 13000), which lacks three
// C++20 library pieces the library uses:
//   - std::to_chars for double (shortest round trip, and chars_format::hex): libc++ 14;
//   - std::from_chars for double: libc++ 20;
//   - std::bit_cast: libc++ 14.
// Rather than change every call site in src/ for one old toolchain, this header supplies those
// overloads from the C library (snprintf/strtod, which emscripten's musl implements exactly), with
// std::to_chars's and std::from_chars's contracts:
//   - to_chars(double): the shortest digits that read back as the same double, written fixed or
//     scientific, whichever is shorter (fixed on a tie) ([charconv.to.chars]/2);
//   - to_chars(double, hex): printf's %a without the "0x" prefix;
//   - from_chars(double): no leading whitespace, no '+', no "0x" in the general format; the value
//     is left unchanged and ec = result_out_of_range when it does not fit a double.
// Declaring overloads in namespace std is not allowed to user code in general; here it fills gaps
// of one named library version, and the guard drops it for any libc++ that has them.
#pragma once

#include <charconv>
#include <cstring>
#include <version>

#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 14000

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <type_traits>

namespace std {

template <class To, class From>
  requires(sizeof(To) == sizeof(From) && is_trivially_copyable_v<To> && is_trivially_copyable_v<From>)
To bit_cast(const From& from) noexcept {
  To to;
  std::memcpy(&to, &from, sizeof(To));
  return to;
}

namespace attune_compat {

/// Copies `text` to `out` if it fits in [first, last).
inline to_chars_result put(char* first, char* last, const char* text, size_t n) noexcept {
  if (static_cast<size_t>(last - first) < n) return {last, errc::value_too_large};
  std::memcpy(first, text, n);
  return {first + n, errc()};
}

/// The shortest decimal digits of a finite x > 0 that read back as x, and its decimal exponent:
/// x = 0.d1 d2 ... dn x 10^(exponent + 1), i.e. d1.d2...dn e exponent.
inline void shortest_digits(double x, string& digits, int& exponent) {
  char buf[40];
  for (int precision = 0; precision <= 16; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  // buf = "d.ddddde[+-]xx"
  const char* e = std::strchr(buf, 'e');
  exponent = std::atoi(e + 1);
  digits.clear();
  for (const char* p = buf; p < e; ++p) {
    if (*p != '.') digits += *p;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

}  // namespace attune_compat

inline to_chars_result to_chars(char* first, char* last, double x) {
  if (x != x) return attune_compat::put(first, last, std::signbit(x) ? "-nan" : "nan", std::signbit(x) ? 4 : 3);
  string out;
  if (std::signbit(x)) {
    out += '-';
    x = -x;
  }
  if (x == __builtin_inf()) {
    out += "inf";
  } else if (x == 0.0) {
    out += '0';
  } else {
    string digits;
    int exponent = 0;
    attune_compat::shortest_digits(x, digits, exponent);
    const int n = static_cast<int>(digits.size());
    // Scientific: d[.ddd]e(+|-)XX, at least two exponent digits.
    string scientific = digits.substr(0, 1);
    if (n > 1) scientific += "." + digits.substr(1);
    char exp_text[8];
    std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
    scientific += exp_text;
    // Fixed: the digits with the point placed by the exponent.
    string fixed;
    if (exponent < 0) {
      fixed = "0." + string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (exponent + 1 >= n) {
      fixed = digits + string(static_cast<size_t>(exponent + 1 - n), '0');
    } else {
      fixed = digits.substr(0, static_cast<size_t>(exponent + 1)) + "." + digits.substr(static_cast<size_t>(exponent + 1));
    }
    out += fixed.size() <= scientific.size() ? fixed : scientific;
  }
  return attune_compat::put(first, last, out.data(), out.size());
}

inline to_chars_result to_chars(char* first, char* last, double x, chars_format format) {
  if (format != chars_format::hex) return to_chars(first, last, x);  // only hex is used besides the shortest form
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%a", x);
  string text(buf, static_cast<size_t>(n));
  const size_t prefix = text.find("0x");
  if (prefix != string::npos) text.erase(prefix, 2);
  return attune_compat::put(first, last, text.data(), text.size());
}

inline from_chars_result from_chars(const char* first, const char* last, double& value,
                                    chars_format format = chars_format::general) {
  const size_t n = static_cast<size_t>(last - first);
  string text(first, n);
  const size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
  // from_chars takes neither leading whitespace, nor '+', nor (general) a "0x" prefix.
  if (text.size() == sign || std::isspace(static_cast<unsigned char>(text[sign])) || text[sign] == '+') {
    return {first, errc::invalid_argument};
  }
  size_t offset = 0;  // characters inserted before the number
  if (format == chars_format::hex) {
    text.insert(sign, "0x");
    offset = 2;
  } else if (text.size() > sign + 1 && text[sign] == '0' && (text[sign + 1] == 'x' || text[sign + 1] == 'X')) {
    text.resize(sign + 1);  // "0x1p3" reads as 0, as from_chars does, which stops at the 'x'
  }
  errno = 0;
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  const size_t used = static_cast<size_t>(end - text.c_str());
  if (used <= offset + sign) return {first, errc::invalid_argument};
  const char* ptr = first + (used - offset);
  if (errno == ERANGE && (x == __builtin_inf() || x == -__builtin_inf() || x == 0.0)) {
    return {ptr, errc::result_out_of_range};
  }
  value = x;
  return {ptr, errc()};
}

}  // namespace std

#endif
