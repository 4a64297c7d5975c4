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
/// The message names where and what: file, row, column, the value and the rule it breaks, in
/// words about the data and the API (an options field is named as `scoring_options.min_answered`),
/// never in the words of one front end (the command line adds its own hint, such as "give
/// --scale 1-5", from the code and the fields below).
///
/// Besides the message, an error carries structured fields, each set wherever it is known, so
/// that an app can highlight the offending question without parsing text:
/// `source()` (file), `row()` (1-based data row), `line()`, `column()` (the data column's name),
/// `item()` (the item id), `value()` (the text as given, at most 80 characters), `option()`
/// (the options field at fault) and `rule()` (a stable id of the rule broken; docs/errors.md).
///
/// Statistically odd but valid outcomes (a negative alpha, a zero-variance item) are not
/// errors: they are warnings carried in the result structs.
#pragma once

#include <cstddef>
#include <optional>
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
  cancelled,          ///< the caller's cancel flag stopped a long computation (progress_options::cancel)
};

/// The name of an error code, e.g. "bad_input".
ATTUNE_EXPORT std::string_view to_string(errc code) noexcept;
/// Parses a name of `to_string(errc)`; nullopt when unknown.
ATTUNE_EXPORT std::optional<errc> parse_errc(std::string_view name) noexcept;

/// Where an error sits and what it is about. Every field is optional: set where known.
struct ATTUNE_EXPORT error_details {
  std::optional<std::string> source;  ///< the input's name: a path, "<stdin>", "instrument JSON"
  std::optional<std::size_t> row;     ///< 1-based data row (the header is row 0)
  std::optional<std::size_t> line;    ///< 1-based line of the input file
  std::optional<std::string> column;  ///< the data column's name, as in the header
  std::optional<std::string> item;    ///< the item id (instrument item), when it differs from or adds to the column
  std::optional<std::string> value;   ///< the offending text as given (cut to 80 characters)
  std::optional<std::string> option;  ///< the options field at fault, e.g. "scoring_options.min_answered"
  std::optional<std::string> rule;    ///< stable id of the rule broken, e.g. "out_of_range" (docs/errors.md)
};

/// The exception thrown by attune on bad input or impossible requests.
class ATTUNE_EXPORT error : public std::runtime_error {
 public:
  error(errc code, const std::string& message, error_details details = {});

  [[nodiscard]] errc code() const noexcept { return code_; }
  [[nodiscard]] const error_details& details() const noexcept { return details_; }
  [[nodiscard]] const std::optional<std::string>& source() const noexcept { return details_.source; }
  [[nodiscard]] const std::optional<std::size_t>& row() const noexcept { return details_.row; }
  [[nodiscard]] const std::optional<std::size_t>& line() const noexcept { return details_.line; }
  [[nodiscard]] const std::optional<std::string>& column() const noexcept { return details_.column; }
  [[nodiscard]] const std::optional<std::string>& item() const noexcept { return details_.item; }
  [[nodiscard]] const std::optional<std::string>& value() const noexcept { return details_.value; }
  [[nodiscard]] const std::optional<std::string>& option() const noexcept { return details_.option; }
  [[nodiscard]] const std::optional<std::string>& rule() const noexcept { return details_.rule; }

  /// The same error with `prefix` before its message (e.g. "scale 'anxiety': "), the code and
  /// details kept; fields unset here are taken from `extra`.
  [[nodiscard]] error with_context(std::string_view prefix, const error_details& extra = {}) const;

 private:
  errc code_;
  error_details details_;
};

ATTUNE_END_NAMESPACE
