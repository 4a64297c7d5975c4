/// @file norms.hpp
/// Norm tables (keys layer): the means, SDs and percentile tables of norm groups, read from and
/// written to documented JSON, and the built-in tables.
///
/// JSON norm table format (docs/change.md):
/// ```
/// { "format": "attune-norms/1", "id": "my-clinic-2024", "instrument": "ecr-r",
///   "description": "...", "confirmation": "empirical",          (optional)
///   "population": "...", "source": "...",                        (defaults for the scales)
///   "scales": { "anxiety": { "mean": 3.56, "sd": 1.12, "n": 420,
///                            "population": "...", "source": "...",
///                            "percentiles": [ {"score": 2.0, "percentile": 10}, ... ] } } }
/// ```
/// Built-in norms: only the Revised AAS norms of Ledley et al. (2006) as transcribed in the
/// CRAN package TestScorer 1.7.2 (J Psychopathol Behav Assess 28:33-40; the paper was not read),
/// marked SECONDARY.
///
/// Limits: a norm table file is at most 64 MiB and nests at most 64 levels; numbers must fit a
/// double (1e400 is an error naming its line and column).
/// All functions are pure and thread-safe. Errors are `attune::error`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"

ATTUNE_BEGIN_NAMESPACE

/// One point of a percentile table: `percentile` percent of the norm group score at or below
/// `score`.
struct ATTUNE_EXPORT percentile_point {
  double score = 0.0;
  double percentile = 0.0;
};

/// The norms of one scale.
struct ATTUNE_EXPORT scale_norm {
  std::string scale;       ///< score name, e.g. "anxiety"
  double mean = 0.0;
  double sd = 1.0;
  double n = 0.0;          ///< size of the norm group (> 0)
  std::string population;  ///< who the norm group is
  std::string source;      ///< where the numbers come from
  std::vector<percentile_point> percentiles;  ///< optional; scores increasing
};

/// A norm table: norms for some scales of one instrument.
struct ATTUNE_EXPORT norm_table {
  std::string id;
  std::string instrument;   ///< instrument id the scales belong to (may be empty)
  std::string description;
  std::optional<confirmation> status;  ///< how well the numbers are confirmed, if stated
  std::vector<scale_norm> scales;

  /// The norms of `scale`, or nullptr.
  [[nodiscard]] const scale_norm* find(std::string_view scale) const noexcept;
  /// Checks means, SDs (> 0), N (> 0), population and source (non-empty), percentile tables
  /// (scores strictly increasing, percentiles non-decreasing within [0, 100]).
  /// @throws attune::error (bad_input) naming the table, scale, field and value.
  void validate() const;
};

/// Parses and validates a norm table; `source` names it in messages.
/// @throws attune::error (bad_input) naming the field and rule broken.
ATTUNE_EXPORT norm_table norm_table_from_json(std::string_view json_text, const std::string& source);
/// Loads a norm table file. @throws attune::error (io_error, bad_input).
ATTUNE_EXPORT norm_table load_norm_table(const std::string& path);
/// The JSON form (round-trips through `norm_table_from_json`).
/// @throws attune::error (bad_input) when a name is not valid UTF-8 (JSON requires it).
ATTUNE_EXPORT std::string norm_table_to_json(const norm_table& table);
/// The built-in norm tables (SECONDARY only; see the file comment). Immutable.
ATTUNE_EXPORT const std::vector<norm_table>& builtin_norm_tables();
/// A built-in table id (case-insensitive) or the path of a JSON norm file. `name` is what its
/// messages call the table: a front end's option ("functional-norms").
/// @throws attune::error (invalid_argument) "NAME: 'TEXT' is neither a built-in norm table (...) nor
///         a readable file"; (bad_input) "NAME FILE: ..." from the file's contents, (io_error)
///         "NAME: ..." from reading it.
ATTUNE_EXPORT norm_table resolve_norm_table(const std::string& id_or_path, const std::string& name = "norms");

ATTUNE_END_NAMESPACE
