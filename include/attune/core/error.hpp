/// @file error.hpp
/// The one error model of attune's public API.
///
/// Every function that can fail on bad input throws `attune::error` (derived from
/// `std::runtime_error`); nothing else escapes the API except `std::bad_alloc` when memory runs out
/// for data that are really that large. What a small input could ask for is bounded first: CSV
/// records (`csv_options::max_record_bytes`), text files (64 MiB), JSON nesting (64 levels), the k
/// of a serialized state (`max_serialized_items`), replicate and start counts; Boost.Math errors,
/// nlohmann exceptions and reading whole data that do not fit in memory become `attune::error`.
/// `tests/robustness_test.cpp` feeds every entry point degenerate data to check this.
/// The message names where and what: file, row, column, the value and the rule it breaks.
/// `code()` sorts errors into a few kinds so that host programs can react without parsing text.
/// Statistically odd but valid outcomes (a negative alpha, a zero-variance item) are not
/// errors: they are warnings carried in the result structs.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// What kind of failure an `attune::error` reports.
enum class errc {
  invalid_argument,   ///< an option or argument breaks its rule (a usage error)
  bad_input,          ///< the data or an instrument file breaks a rule (names file, row, column, value)
  io_error,           ///< a file cannot be opened, read or written
  insufficient_data,  ///< too few items or respondents for the statistic
  numerical_issue,    ///< singular or degenerate data
  no_convergence,     ///< an iterative fit did not converge
};

/// The name of an error code, e.g. "bad_input".
ATTUNE_EXPORT std::string_view to_string(errc code) noexcept;

/// The exception thrown by attune on bad input or impossible requests.
class ATTUNE_EXPORT error : public std::runtime_error {
 public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] errc code() const noexcept { return code_; }

 private:
  errc code_;
};

ATTUNE_END_NAMESPACE
