/// @file instrument.hpp
/// Questionnaire definitions (keys layer): items, subscales, reverse keys, response range,
/// scoring rule and provenance; the immutable registry of built-in attachment instruments;
/// JSON instrument files (schema: docs/instrument-format.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The answer range of an item or a data file, e.g. 1-7.
struct ATTUNE_EXPORT response_range {
  double min = 1.0;
  double max = 7.0;
  [[nodiscard]] bool contains(double x) const noexcept { return x >= min && x <= max; }
  /// Reverse keying: min + max - x.
  [[nodiscard]] double reverse(double x) const noexcept { return min + max - x; }
  [[nodiscard]] double midpoint() const noexcept { return (min + max) / 2.0; }
  friend bool operator==(const response_range&, const response_range&) = default;
};

/// Parses a range written "MIN-MAX" ("1-7", "0-4", "-3-3", "1e-170-7e-170"): the separator is the
/// first '-' after the first character at which both sides read as numbers (an exponent may hold
/// a '-'), and MIN < MAX. nullopt otherwise.
ATTUNE_EXPORT std::optional<response_range> parse_response_range(std::string_view text) noexcept;

/// How a subscale score is formed from its answered items.
enum class scoring_method { mean, sum };

/// How well a fact (a key, a rule) is confirmed: where it was read (docs/instruments.md).
enum class confirmation {
  author,       ///< read on the author's or lab's own page
  empirical,    ///< checked against public raw data
  secondary,    ///< only third-party sources
  unconfirmed,  ///< no source, or conflicting sources
};

ATTUNE_EXPORT std::string_view to_string(scoring_method m) noexcept;
ATTUNE_EXPORT std::string_view to_string(confirmation c) noexcept;
ATTUNE_EXPORT std::optional<scoring_method> parse_scoring_method(std::string_view s) noexcept;
ATTUNE_EXPORT std::optional<confirmation> parse_confirmation(std::string_view s) noexcept;

/// One questionnaire item.
struct ATTUNE_EXPORT item {
  std::string id;                       ///< unique id, also the default data column name
  std::string text;                     ///< wording; empty where its licence is not known to allow it
  bool reversed = false;                ///< reverse keyed (min + max - x) in the subscales it belongs to
  std::optional<response_range> range;  ///< this item's own range, if it differs from the instrument's
};

/// A subscale: a score formed from some of the items.
struct ATTUNE_EXPORT subscale {
  std::string name;   ///< output column name, e.g. "anxiety"
  std::string label;  ///< human-readable name
  std::vector<std::string> items;  ///< item ids
  /// Reverse keys for this subscale only, overriding the items' `reversed` flags (for an item
  /// keyed in opposite directions in two subscales). Unset: the items' flags apply.
  std::optional<std::vector<std::string>> reversed_items;
};

/// A score formed from subscale scores (e.g. RQ model of self, ECR-RS global avoidance).
struct ATTUNE_EXPORT composite {
  enum class rule { mean, weighted_sum };
  std::string name;
  std::string label;
  rule method = rule::mean;
  std::vector<std::string> parts;  ///< subscale names (or earlier composites)
  std::vector<double> weights;     ///< for weighted_sum: one per part (empty = all 1)
};

/// "mean" / "weighted_sum".
ATTUNE_EXPORT std::string_view to_string(composite::rule r) noexcept;
ATTUNE_EXPORT std::optional<composite::rule> parse_composite_rule(std::string_view s) noexcept;

/// A questionnaire: what it measures, how it is keyed and scored, and where that comes from.
struct ATTUNE_EXPORT instrument {
  std::string id;        ///< registry id, e.g. "ecr-r"
  std::string name;      ///< full name
  std::string citation;  ///< the source publication
  std::vector<item> items;
  std::vector<subscale> subscales;
  std::vector<composite> composites;
  response_range range;  ///< the published response range
  scoring_method scoring = scoring_method::mean;
  confirmation key_confirmation = confirmation::unconfirmed;
  std::string key_source;      ///< where the key was read
  std::string wording_licence; ///< what is known of the licence of the item wording
  std::string anxiety;    ///< the score (subscale or composite) that is attachment anxiety; empty if none
  std::string avoidance;  ///< the score that is attachment avoidance; empty if none
  std::string notes;

  /// Checks the definition; throws attune::error (bad_input) naming the rule broken: empty or
  /// duplicate ids, a subscale naming an unknown item, min >= max, an unknown composite part...
  void validate() const;

  /// Index of an item id, or -1.
  [[nodiscard]] std::ptrdiff_t item_index(std::string_view item_id) const noexcept;
  /// A subscale by name, or nullptr.
  [[nodiscard]] const subscale* find_subscale(std::string_view name) const noexcept;
  /// Whether item `item_id` is reverse keyed within subscale `s`.
  [[nodiscard]] bool is_reversed(const subscale& s, std::string_view item_id) const noexcept;
  /// The item ids, in order.
  [[nodiscard]] std::vector<std::string> item_ids() const;
  /// Subscale names followed by composite names: the columns of a score table.
  [[nodiscard]] std::vector<std::string> score_names() const;
};

/// The built-in instruments (ECR, ECR-R, ECR-S, ECR-RS, ECR-RS four relationships, RQ,
/// Revised AAS). Immutable; safe to use from any thread.
ATTUNE_EXPORT const std::vector<instrument>& builtin_instruments();

/// A built-in instrument by id (case-insensitive), or nullptr.
ATTUNE_EXPORT const instrument* find_builtin(std::string_view id) noexcept;

/// A built-in id or the path of a JSON instrument file.
/// @throws attune::error (invalid_argument) for an unknown id that is not a file either.
ATTUNE_EXPORT instrument resolve_instrument(const std::string& id_or_path);

/// Parses and validates an instrument from JSON text; `source` names it in error messages.
/// @throws attune::error (bad_input) naming `source` in the message and in `error::source()`, with
///         `error::option()` "instrument" (the study input that names the instrument) unless the
///         error names a more precise one.
ATTUNE_EXPORT instrument instrument_from_json(std::string_view json_text, const std::string& source);
/// Loads an instrument file. @throws attune::error (io_error, bad_input).
ATTUNE_EXPORT instrument load_instrument(const std::string& path);
/// The JSON form of an instrument (round-trips through `instrument_from_json`).
/// @throws attune::error (bad_input) when a name or id is not valid UTF-8 (JSON requires it).
ATTUNE_EXPORT std::string instrument_to_json(const instrument& inst);
/// Writes an instrument file atomically.
ATTUNE_EXPORT void save_instrument(const instrument& inst, const std::string& path);

ATTUNE_END_NAMESPACE
