// Private helper of every module: numbers in error and warning messages.
#pragma once

#include <sstream>
#include <string>

namespace attune::detail {

/// `x` as `std::ostream` writes it with `significant` significant digits ("0.8", "1e-05", "nan").
/// The default, 10, is for values a message echoes from the user's options or data: enough that
/// a value just outside a bound (1.0000001) is not shown as the bound itself. Computed values in
/// warnings pass 6 (or 4, as psych prints alpha).
inline std::string number_text(double x, int significant = 10) {
  std::ostringstream os;
  os.precision(significant);
  os << x;
  return os.str();
}

}  // namespace attune::detail
