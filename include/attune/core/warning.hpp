/// @file warning.hpp
/// What a result says about its data besides the numbers: a warning ("item Q7 has zero variance",
/// "negative alpha: check the reverse keys"), with the option that fixes or silences it and,
/// where known, the item, column or row it is about.
///
/// Every study result (study/*.hpp) carries `std::vector<warning> warnings`; the analyses' results
/// carry their warnings as text, which becomes a `warning` (its option read from the text) when a
/// study collects it or when it is written as JSON. In JSON a warning is the object
/// `{"message": ..., "option": ... | null}` (plus `item`, `column`, `row` when known; docs/json.md).
/// Like an error's, the message speaks of the data and the API (`scoring_options.range = 1-5`),
/// never of one front end: the command line turns `option` into its flag (`--scale`).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// One warning of a result.
struct ATTUNE_EXPORT warning {
  std::string message;                ///< what is odd and what to do about it, in the API's words
  /// The options field that fixes (or silences) it, e.g. "scoring_options.range"; empty when no
  /// option does.
  std::string option;
  std::optional<std::string> item;    ///< the item id it is about, when there is one
  std::optional<std::string> column;  ///< the data column it is about, when there is one
  std::optional<std::size_t> row;     ///< the 1-based data row it is about, when there is one

  warning() = default;
  /// A warning from its text alone (an analysis's warning): `option` is the first options field
  /// the text names (`option_named_in`), if any. Implicit, so that text warnings join a study's.
  warning(std::string text);  // NOLINT(google-explicit-constructor)
  warning(const char* text);  // NOLINT(google-explicit-constructor)
  /// A warning whose fix is the options field `option_field` (may be empty).
  warning(std::string text, std::string option_field);

  friend bool operator==(const warning&, const warning&) = default;
};

/// The first options field that `text` names (`scoring_options.range` in "... give
/// scoring_options.range = 1-5 ..."): a word ending in "_options" followed by "." and a member
/// path; "" when there is none.
ATTUNE_EXPORT std::string option_named_in(std::string_view text);

/// The messages of `warnings`, in order.
ATTUNE_EXPORT std::vector<std::string> messages(const std::vector<warning>& warnings);

/// `warnings` with every text of `texts` appended (each as `warning(text)`, its option read from
/// the text), `prefix` before each message (e.g. "polychoric: ").
ATTUNE_EXPORT void append_warnings(std::vector<warning>& warnings, const std::vector<std::string>& texts,
                                   std::string_view prefix = {});

/// Writes the message (so that a warning prints as its text).
ATTUNE_EXPORT std::ostream& operator<<(std::ostream& os, const warning& w);

ATTUNE_END_NAMESPACE
