/// @file input.hpp
/// What every study shares (study layer): how the answers are read and checked.
///
/// Every task (score, reliability, correlate, factor, classify, change, quality) reads its
/// answers through this one path, so that the response range, the missing codes, the
/// out-of-range rule and the minimum-answered rule apply the same way everywhere.
#pragma once

#include <string>

#include "attune/analyses/scoring.hpp"
#include "attune/core/config.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The options every study shares: how to read the data and the rules for its answers.
struct ATTUNE_EXPORT input_options {
  read_options read;        ///< delimiter, missing codes, which columns hold the items, the id column
  scoring_options scoring;  ///< the data's response range, the minimum-answered rule, the out-of-range rule
  /// Columns carried through, as text, to every per-respondent output (score, classify, quality,
  /// change): each a column name or a 1-based position, named in the output as given here. They
  /// are read with the items, after `read.extra_columns`.
  std::vector<std::string> keep;
};

/// The columns of `input_options::keep` of a data set: `names[c]` (as given) and `values[c][row]`.
struct ATTUNE_EXPORT kept_columns {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> values;
};

/// `options.read` with the kept columns appended to its `extra_columns`: how `read_study_data`
/// reads.
ATTUNE_EXPORT read_options reading_options(const input_options& options);

/// The kept columns of `data` read with `reading_options(options)` (its last `options.keep.size()`
/// extra columns).
/// @throws attune::error (invalid_argument) when `data` has fewer extra columns than `keep`.
ATTUNE_EXPORT kept_columns take_kept_columns(const responses& data, const input_options& options);

/// Reads a data file (`path` "-" = standard input) for `inst`: the columns named like its item
/// ids, or those `options.read.items` selects, in instrument order. With `inst` null, the columns
/// that `options.read.items` selects are the data (`items` must then be given).
/// @throws attune::error (io_error, bad_input, invalid_argument) naming the file and the rule.
ATTUNE_EXPORT responses read_study_data(const std::string& path, const instrument* inst, const input_options& options);

/// The instrument of a study on the data's own columns (no instrument given): one subscale
/// "scale" holding every column of `data`, with `reversed` item ids reverse keyed. Its range is
/// `options.scoring.range` when given; otherwise the range the answers span (reverse keys then
/// need a range: an invalid_argument error).
/// @throws attune::error (invalid_argument) for a reversed id that is not a column, or reverse
///         keys without a range.
ATTUNE_EXPORT instrument columns_as_scale(const responses& data, const input_options& options,
                                          const std::vector<std::string>& reversed = {});

/// The name of the id column of `data` read with `options`: `read.id_column`; "id" for ids set in
/// code without one; empty when the data carry no ids (rows are numbered instead).
/// @throws attune::error (invalid_argument) when there are ids, but not one per row.
ATTUNE_EXPORT std::string id_column_name(const responses& data, const input_options& options);

ATTUNE_END_NAMESPACE
