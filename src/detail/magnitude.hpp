// Private helper of reliability (analyses and study layers): values whose squares overflow or
// underflow a double make every variance inf or 0 (issue 10: 1e200 gave "k = 0 item(s) with
// variance"). Alpha does not depend on the unit, so the fix is to rescale; the one message for it
// lives here, so that the whole-matrix path and the streaming path of `study_reliability` say the
// same thing about the same cell.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/scale.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// A value outside the safe magnitudes (detail::safe_magnitude): its 0-based row and column.
struct unsafe_value {
  Eigen::Index row = 0;
  Eigen::Index column = 0;
  double value = 0.0;
};

/// The first unsafe value of `x`, column by column, then row by row (the order of the check).
inline std::optional<unsafe_value> first_unsafe_value(const Eigen::Ref<const Eigen::MatrixXd>& x) {
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    // A branch-free look at the column first (the usual case: every value is safe), then the
    // search for the first unsafe one.
    // (a double counter, exact up to 2^53, so that the loop vectorises)
    const double* col = x.col(j).data();
    double n_unsafe = 0.0;
    for (Eigen::Index r = 0; r < x.rows(); ++r) n_unsafe += safe_magnitude(col[r]) ? 0.0 : 1.0;
    if (n_unsafe == 0.0) continue;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      if (!safe_magnitude(x(r, j))) return unsafe_value{r, j, x(r, j)};
    }
  }
  return std::nullopt;
}

/// The error for an unsafe value of item `item` at 1-based row `row` of the items.
[[noreturn]] inline void throw_unsafe_reliability_value(const std::string& item, std::size_t row, double v) {
  const std::string where = "reliability: item " + item + ", row " + std::to_string(row);
  if (std::isinf(v)) throw error(errc::bad_input, where + ": value " + number_text(v) + " is not a finite number");
  const bool big = std::abs(v) > 1.0;
  throw error(errc::bad_input, where + ": value " + number_text(v) + " is too " + (big ? "large" : "small") +
                                   ": its square " + (big ? "overflows" : "underflows") +
                                   " a double (magnitudes from 3.2e-145 to 3.1e144 are safe); alpha does not "
                                   "depend on the unit, so rescale the answers");
}

}  // namespace detail
ATTUNE_END_NAMESPACE
