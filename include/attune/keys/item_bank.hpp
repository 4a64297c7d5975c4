/// @file item_bank.hpp
/// Item banks (keys layer): the calibrated parameters of graded-response items, with their
/// categories, reverse keys, scales, provenance and licence, and the versioned JSON file format
/// `attune-item-bank/1` (docs/irt.md, "Item banks").
///
/// A bank is what everything that scores from fixed parameters reads: `score_graded`, the CAT
/// session, the simulator. Parameters are held in mirt's slope-intercept form of Samejima's (1969)
/// graded response model,
///     P(X >= k | theta) = 1 / (1 + exp(-(slope * theta + d_k))),  k = 1..K-1,
/// with the intercepts strictly decreasing (d_1 > d_2 > ...): d_k belongs to reaching the
/// (k+1)-th category or above. The classical form is P(X >= k) = logistic(D a (theta - b_k)), so
/// a = slope / D and b_k = -d_k / slope.
///
/// Categories: an item's `categories` are its answer values in increasing order; category index
/// c (0-based) is `categories[c]`, or `categories[K-1-c]` for a reverse-keyed item, so that a
/// higher index always means more of the trait the scale measures.
///
/// Errors: `attune::error` (bad_input naming the field, item and value; io_error for files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How the parameters are written in a bank file (in memory they are always slope-intercept).
enum class irt_parameterisation {
  slope_intercept,  ///< "slope_intercept" (also read as "a/d"): `slope` and `intercepts`, as mirt's `coef()`
  classical,        ///< "classical" (also read as "a/b"): `a` and `b`, as mirt's `coef(IRTpars = TRUE)` with D
};
/// "slope_intercept" / "classical".
ATTUNE_EXPORT std::string_view to_string(irt_parameterisation p) noexcept;
/// Parses "slope_intercept" (or "a/d") and "classical" (or "a/b"); nullopt otherwise.
ATTUNE_EXPORT std::optional<irt_parameterisation> parse_irt_parameterisation(std::string_view s) noexcept;

/// One graded-response item of a bank.
struct ATTUNE_EXPORT bank_item {
  std::string id;                    ///< item id (also the default data column name)
  std::string scale;                 ///< the unidimensional scale (trait) the item measures, e.g. "anxiety"
  std::vector<double> categories;    ///< the K >= 2 answer values, strictly increasing (e.g. 1, 2, ..., 7)
  bool reversed = false;             ///< reverse keyed: the highest value is category 0
  double slope = 1.0;                ///< a in slope-intercept form (nonzero, finite)
  std::vector<double> intercepts;    ///< K-1 intercepts d_1 > d_2 > ... > d_{K-1}

  /// Number of categories K.
  [[nodiscard]] int category_count() const noexcept { return static_cast<int>(categories.size()); }
  /// The 0-based category of an answer value (after reverse keying); nullopt when `value` is not
  /// one of `categories` (NaN included). Exact comparison: answers are codes, not measurements.
  [[nodiscard]] std::optional<int> category_of(double value) const noexcept;
  /// The answer value of a 0-based category (after reverse keying); 0 <= c < K.
  [[nodiscard]] double value_of(int category) const noexcept;
  /// Classical discrimination a = slope / D.
  [[nodiscard]] double a(double scaling_constant = 1.0) const noexcept { return slope / scaling_constant; }
  /// Classical thresholds b_k = -d_k / slope (increasing when the slope is positive).
  [[nodiscard]] std::vector<double> b() const;
  /// Checks the item; throws attune::error (bad_input) naming the item and the rule broken: empty
  /// id, fewer than 2 categories, categories not finite and strictly increasing, slope zero or not
  /// finite, intercepts not K-1 finite, strictly decreasing values.
  void validate() const;
};

/// Where a bank's parameters come from.
struct ATTUNE_EXPORT bank_provenance {
  std::string source;             ///< who calibrated it, publication or data set (with a DOI or URL)
  std::string sample;             ///< the sample described in words (e.g. "online volunteers, 1-5 scale")
  std::optional<std::size_t> n;   ///< respondents in the calibration sample
  std::string date;               ///< date of the calibration (ISO 8601, e.g. "2026-12-01")
  std::string script;             ///< the script or command that fitted it
  friend bool operator==(const bank_provenance&, const bank_provenance&) = default;
};

/// A bank of graded-response items, one or more scales.
struct ATTUNE_EXPORT item_bank {
  std::string model = "graded";   ///< the IRT model; only "graded" (Samejima 1969) today
  irt_parameterisation parameterisation = irt_parameterisation::slope_intercept;  ///< how the file writes the parameters
  double scaling_constant = 1.0;  ///< D of the classical form (1 or 1.702); JSON key "D"
  std::string instrument;         ///< id of the instrument the bank belongs to (e.g. "ecr"); may be empty
  bank_provenance provenance;
  std::string licence;            ///< licence of the parameters (e.g. "CC0-1.0")
  std::string notes;
  std::vector<bank_item> items;

  /// Checks the bank (every item; unique ids; model "graded"; D positive and finite; at least one
  /// item). @throws attune::error (bad_input) naming the rule, item and value.
  void validate() const;
  /// The scale names, in the order their first item appears.
  [[nodiscard]] std::vector<std::string> scales() const;
  /// Indices of the items of one scale, in bank order (empty for an unknown scale).
  [[nodiscard]] std::vector<std::size_t> scale_item_indices(std::string_view scale) const;
  /// The items of one scale, in bank order.
  [[nodiscard]] std::vector<bank_item> scale_items(std::string_view scale) const;
  /// Index of an item id, or -1.
  [[nodiscard]] std::ptrdiff_t item_index(std::string_view id) const noexcept;
};

/// A 64-bit FNV-1a fingerprint (16 hex digits) of what scoring depends on: per item the id,
/// scale, categories, key, slope and intercepts (exact bits). Provenance and licence are left
/// out. A saved CAT session records it, so that it is never continued on another bank.
ATTUNE_EXPORT std::string item_bank_fingerprint(const item_bank& bank);

/// The format name a bank file must carry: "attune-item-bank/1".
ATTUNE_EXPORT std::string_view item_bank_format() noexcept;

/// Parses and validates a bank from JSON text (schema: docs/irt.md); `source` names it in
/// messages. Strict: unknown or duplicate fields, a missing required field (format, model,
/// parameterisation, D, items; per item id, scale, categories and the parameters), wrong types,
/// nesting deeper than 16 levels and disordered intercepts are errors (bad_input) naming the field
/// (e.g. "items[3].intercepts"), with at most 80 characters of the input quoted.
/// Classical files are converted: slope = D a, d_k = -slope b_k.
ATTUNE_EXPORT item_bank item_bank_from_json(std::string_view json_text, const std::string& source = "item bank JSON");
/// The bank as JSON text (17 significant digits: a slope-intercept bank reads back bit for bit;
/// a classical one is converted on each read and write, which can move the last digit).
/// @throws attune::error (bad_input) for an invalid bank or text that is not UTF-8.
ATTUNE_EXPORT std::string item_bank_to_json(const item_bank& bank);
/// Reads a bank file. @throws attune::error (io_error, bad_input naming the path).
ATTUNE_EXPORT item_bank load_item_bank(const std::string& path);
/// Writes a bank file atomically (a temporary file renamed into place).
ATTUNE_EXPORT void save_item_bank(const item_bank& bank, const std::string& path);

ATTUNE_END_NAMESPACE
