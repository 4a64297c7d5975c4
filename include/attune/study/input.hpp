/// @file input.hpp
/// What every study shares (study layer): how the answers are read and checked.
///
/// Every task (score, reliability, correlate, factor, classify, change, quality) reads its
/// answers through this one path, so that the response range, the missing codes, the
/// out-of-range rule and the minimum-answered rule apply the same way everywhere.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/moments.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/core/progress.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The options every study shares: how to read the data and the rules for its answers.
struct ATTUNE_EXPORT input_options {
  read_options read;        ///< delimiter, missing codes, which columns hold the items, the id column
  scoring_options scoring;  ///< the data's response range, the minimum-answered rule, the out-of-range rule
  /// Columns carried through, as text, to every per-respondent output (score, classify, quality,
  /// change): each a column name or a 1-based position, named in the output as given here. They
  /// are read with the items, after `read.extra_columns`.
  std::vector<std::string> keep;
  /// Warn about answers that do not fit the declared range or the keys (`answer_checks`).
  bool sanity_warnings = true;
  /// Progress reports and cancel flag of the whole study (core/progress.hpp): reading the file
  /// ("read") and every long analysis the study runs report here; the `progress` members of the
  /// nested analysis options are not used by the study functions.
  progress_options progress;
};

/// The input options a front end sets from text (study/option_info.hpp), bound to `o`: items,
/// scale (the response range, MIN-MAX), missing (codes), id, keep, skip-rows, delimiter (',', ';'
/// or tab), min-answered, out-of-range (error or missing), max-record-bytes, max-columns and
/// no-sanity-warnings. `progress` is the front end's own.
ATTUNE_EXPORT option_list describe_options(input_options& o);

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

/// Least number of answers in a file before `answer_checks` says that they never reach an end of
/// the declared range (a few answers may miss an end by chance).
inline constexpr std::size_t sanity_min_answers = 200;
/// Least number of rows before `answer_checks` judges a subscale's alpha and item-rest correlations
/// (rows that answered every item of the subscale; with `use_moments`, answers of every pair).
inline constexpr double sanity_min_rows = 30;
/// Longest subscale whose alpha `answer_checks` judges.
inline constexpr std::size_t sanity_max_items = 500;

/// The checks of the answers every study runs (issue 12: mistakes that give wrong numbers without
/// an error), accumulated chunk by chunk so that streaming commands run them too:
/// - the answers of the whole file stay inside a narrower range than declared (nothing above 5
///   on a 1-7 instrument): reverse keying then uses the wrong min + max;
/// - a subscale's keyed items give a negative alpha or a negative item-rest correlation: a wrong
///   key, or an item that should be (or should not be) reversed. `add` judges them over the rows
///   that answered every item of the subscale, from O(k) sums per row (y_i, y_i^2, y_i t, t, t^2
///   with t the row's keyed total), exact for integer answers in any grouping of the rows; a
///   caller that has the pairwise moments anyway gives them to `use_moments` instead (reliability,
///   whose alpha the warning then repeats).
/// Feed it the answers after the range rule (`apply_range_rule`), before keying.
class ATTUNE_EXPORT answer_checks {
 public:
  answer_checks(const instrument& inst, const input_options& options);
  ~answer_checks();
  answer_checks(answer_checks&&) noexcept;
  answer_checks& operator=(answer_checks&&) noexcept;
  answer_checks(const answer_checks&) = delete;
  answer_checks& operator=(const answer_checks&) = delete;
  /// Adds rows (`data.values`: one column per instrument item, instrument order).
  void add(const responses& data);
  /// Adds rows to the range check only: the subscales' keyed moments are given to `use_moments`
  /// by a caller that accumulates them anyway (reliability does), so they are not formed twice.
  void add_answers(const responses& data);
  /// The keyed moments of subscale `index` (instrument order) over all the rows added, formed
  /// elsewhere: pairwise moments whose first columns are the subscale's keyed items, in order
  /// (a `reliability_accumulator`'s moments, whose last column is the score, will do). Replaces
  /// what `add` accumulated for that subscale.
  void use_moments(std::size_t index, const pairwise_moments& keyed);
  /// Merges checks of other rows built for the same instrument and options (chunks checked on
  /// several threads, merged in chunk order: the result does not depend on the thread count).
  /// @throws attune::error (invalid_argument) when a subscale has `use_moments` moments on one side only.
  void merge(const answer_checks& other);
  /// The warnings ("" source: "the data"); none when `input_options.sanity_warnings` is false.
  [[nodiscard]] std::vector<warning> warnings(const std::string& source) const;
  /// The checks' state as text (for state files, study/state.hpp; `attune-answer-checks 2`): the
  /// answers' span and count, the rows, and each subscale's sums and given moments.
  [[nodiscard]] std::string serialize() const;
  /// Replaces the state with `serialize()` output of checks built for the same instrument and
  /// options. @throws attune::error (bad_input) naming the line on malformed text or a text for
  /// another number of subscales.
  void restore(std::string_view text);

 private:
  struct state;
  std::unique_ptr<state> s_;
};

/// One pass of `answer_checks` over `data`, its warnings appended to `warnings`.
ATTUNE_EXPORT void check_answers(const instrument& inst, const responses& data, const input_options& options,
                                 std::vector<warning>& warnings);
/// The same, the warnings appended as text (to an analysis's warnings, such as `quality_report`'s).
ATTUNE_EXPORT void check_answers(const instrument& inst, const responses& data, const input_options& options,
                                 std::vector<std::string>& warnings);

ATTUNE_END_NAMESPACE
