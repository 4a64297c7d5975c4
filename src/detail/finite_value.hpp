// Private helper of the analyses that take a numeric matrix with NaN = missing (profiles, cluster):
// the one error for an infinite value, naming its row and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "attune/core/error.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Throws bad_input for the infinite `value` at 0-based (row, column) of the data given to `where`.
[[noreturn]] inline void throw_infinite_value(std::string_view where, std::size_t row, std::size_t column,
                                              double value) {
  error_details d;
  d.row = row + 1;
  d.column = "column " + std::to_string(column + 1);
  d.value = number_text(value);
  d.rule = "finite";
  throw error(errc::bad_input, std::string(where) + ": row " + std::to_string(row + 1) + ", column " +
                                   std::to_string(column + 1) + " is " + *d.value +
                                   ": values must be finite (NaN = missing)", d);
}

}  // namespace detail
ATTUNE_END_NAMESPACE
