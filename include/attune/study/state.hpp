/// @file state.hpp
/// State files (study layer): a study's accumulation over some of the rows (a shard), saved,
/// merged with the states of the other shards, and analysed as one run over all the rows
/// (docs/scale.md).
///
/// A state holds what the streaming study accumulates chunk by chunk (for reliability: per scale
/// the `reliability_accumulator`; for correlate and factor one accumulator of the (keyed) items, or
/// their polychoric frequency tables (`polychoric_tables`);
/// for quality the `quality_sample`; for every study the range rule's count and the answer checks,
/// in the shared `state_head`) and a fingerprint:
/// the instrument (its JSON: keys, items, reversals, response range), the data's item columns and
/// the options that shape the accumulation or the analysis (missing codes, out-of-range rule,
/// response range, missing-data method, intervals, level, ...). States merge only when their
/// fingerprints are equal; the error names both files and the first field that differs.
///
/// Integer answers accumulate as exact integer sums (`exact_moments`), so the merge of any split
/// of the rows, in any order, gives the single run's alpha and item statistics to the last bit.
///
/// The file format (text, version `state_format_version`):
/// ```
/// attune-state 2 reliability                (or correlate, factor, quality)
/// {"columns":[...],"instrument":{...},"options":{...},"study":"reliability"}   (fingerprint, one line)
/// rows <N> out_of_range <N>
/// checks <bytes>            then that many bytes: answer_checks::serialize()
/// scale <bytes>             then that many bytes: reliability_accumulator::serialize(), per scale
///                           (quality: one section, quality_sample::serialize(); polychoric
///                           correlate: one section, polychoric_tables::serialize())
/// end <FNV-1a 64 of every byte before this line, 16 hex digits>
/// ```
/// Reading checks the version, every declared size against the bytes left and the accumulators'
/// own limits (`max_serialized_items`), the checksum, and the file size (`max_state_file_bytes`),
/// so that a truncated, corrupt or hostile file is an error naming the file, never a crash.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/reliability.hpp"
#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Version of the state file format written (`attune-state 2`); a reader refuses other versions.
inline constexpr int state_format_version = 2;
/// Largest state file `read_state_file` reads (1 GiB: a 5,000-item scale's exact sums).
inline constexpr std::size_t max_state_file_bytes = std::size_t{1} << 30;

/// What every state holds, whatever its study: the fingerprint, where it was read from, the rows
/// and the answer checks. Each study's state adds its accumulators to it.
struct ATTUNE_EXPORT state_head {
  /// Canonical JSON object (sorted keys, one line): study, instrument, columns, options.
  std::string fingerprint;
  /// Where the state was read from (for messages); "" for a state built in memory.
  std::string source;
  std::size_t n_rows = 0;          ///< rows read
  std::size_t n_out_of_range = 0;  ///< answers outside the range treated as missing
  std::string checks;              ///< the answer checks' state (`answer_checks::serialize`)
};

/// The reliability study's accumulation over some rows.
struct ATTUNE_EXPORT reliability_state : state_head {
  /// One per scale with an analysis, in instrument order.
  std::vector<reliability_accumulator> scales;
};

/// Reads `path` in chunks and returns its state without analysing it (no fallback to the
/// whole-file path: a state holds only what the accumulators hold).
/// @throws attune::error (invalid_argument) when `options` ask for what needs every row (bootstrap or
///         ADF intervals, omega intervals, ordinal alpha, ICC), for standard input ("-"), or for the
///         data's columns as a scale without `input.scoring.range`; and as `study_reliability`.
ATTUNE_EXPORT reliability_state accumulate_reliability(const instrument* inst, const std::string& path,
                                                       const reliability_study_options& options = {});

/// The state file text of `state` (see the file comment).
ATTUNE_EXPORT std::string serialize_state(const reliability_state& state);

/// The study a state file text is for ("reliability", "correlate", "factor" or "quality"), from its
/// first line.
/// @throws attune::error (bad_input) naming `source` when the text is no attune state, or
///         (bad_input, rule `state_version`) for another format version.
ATTUNE_EXPORT std::string state_study(std::string_view text, const std::string& source);

/// Reads a state file text (`source` names it in messages).
/// @throws attune::error (bad_input) naming `source` and the line for a wrong version, a truncated
///         or corrupt text (sizes, checksum), or accumulators that do not read.
ATTUNE_EXPORT reliability_state read_reliability_state(std::string_view text, const std::string& source);

/// Merges `other` (the state of other rows) into `into`, in this order.
/// @throws attune::error (invalid_argument, rule `state_mismatch`) naming both sources and the first
///         fingerprint field that differs, with both values.
ATTUNE_EXPORT void merge_state(reliability_state& into, const reliability_state& other);

/// The reliability study of the rows behind `state` (merged or not): what `study_reliability`
/// on those rows gives, with the fingerprint's instrument and options. Warnings name the source
/// as "the merged states".
/// @throws attune::error as `analyze_reliability` from an accumulator (an item without variance:
///         insufficient_data), or bad_input for a fingerprint that does not read.
ATTUNE_EXPORT reliability_study study_reliability(const reliability_state& state);

/// Reads the state files `paths` and merges them in the order given (`merge_state`).
/// The same file named twice (after resolving links and relative paths) is an error (rule
/// `state_duplicate`): its rows would count twice. Two files with identical content add a warning
/// to `warnings` (two shards of identical rows are possible, a copied file more likely).
/// @throws attune::error as `read_state_file`, `read_reliability_state` and `merge_state`, and
///         invalid_argument for an empty list.
ATTUNE_EXPORT reliability_state merge_state_files(const std::vector<std::string>& paths,
                                                  std::vector<std::string>& warnings);

/// The correlate study's accumulation over some rows: the answer checks and, for Pearson
/// correlations, one accumulator of the items' moments (exact integer sums while every answer is
/// an integer) or, for polychoric ones, the items' frequency tables (`polychoric_tables`: k c and
/// k (k - 1) / 2 c^2 64-bit counts for c <= max_categories categories). The fingerprint holds the
/// method and, for polychoric correlations, their options (correct, smooth, max_categories,
/// optimizer tolerance, standard errors), so that a Pearson state and a polychoric one never merge.
struct ATTUNE_EXPORT correlate_state : state_head {
  reliability_accumulator moments;    ///< Pearson: the items' moments (pairwise), in data column order
  std::optional<polychoric_tables> tables;  ///< polychoric: the items' frequency tables, in data column order
};

/// Reads `path` in chunks into a correlate state (Pearson moments or polychoric tables).
/// @throws attune::error (invalid_argument, rule `state_needs_rows`) for standard input or the
///         data's columns without `input.scoring.range`; for polychoric correlations, bad_input
///         for a non-integer answer (naming its data row) or answers spanning more than
///         `max_categories` categories; and as `study_correlate`.
ATTUNE_EXPORT correlate_state accumulate_correlate(const instrument* inst, const std::string& path,
                                                   const correlate_study_options& options = {});
/// The state file text of `state`.
ATTUNE_EXPORT std::string serialize_state(const correlate_state& state);
/// Reads a correlate state file text. @throws attune::error as `read_reliability_state`.
ATTUNE_EXPORT correlate_state read_correlate_state(std::string_view text, const std::string& source);
/// Merges `other` into `into`. @throws attune::error (rule `state_mismatch`) as for reliability.
ATTUNE_EXPORT void merge_state(correlate_state& into, const correlate_state& other);
/// The correlations of the rows behind `state`: what `study_correlate` on those rows gives (bit
/// for bit for integer answers). Warnings name the source as "the merged states".
ATTUNE_EXPORT correlate_study study_correlate(const correlate_state& state);
/// Reads and merges correlate state files, as `merge_state_files`.
ATTUNE_EXPORT correlate_state merge_correlate_state_files(const std::vector<std::string>& paths,
                                                          std::vector<std::string>& warnings);

/// The factor study's accumulation over some rows (an exploratory analysis on Pearson or
/// polychoric correlations): the answer checks and one accumulator of the keyed items' moments, grouped by
/// subscale as `factor_study::items`, exact integer sums while every answer is an integer. The
/// fingerprint holds the factor options (subscales, factors, extraction, rotation, fit level,
/// parallel analysis), so that every shard is analysed the same way.
/// With `polychoric` (psych fa(cor = "poly")) the state holds the keyed items' polychoric
/// frequency tables instead (`polychoric_tables`, default max_categories) and the fingerprint says
/// `"correlation": "polychoric"`.
struct ATTUNE_EXPORT factor_state : state_head {
  reliability_accumulator moments;  ///< Pearson: the keyed items' moments (pairwise)
  std::optional<polychoric_tables> tables;  ///< polychoric: the keyed items' frequency tables
};

/// Reads `path` in chunks into a factor state.
/// @throws attune::error (invalid_argument, rule `state_needs_rows`) for what needs every row
///         (the confirmatory model, factor scores) and standard input; and as `study_factor`.
ATTUNE_EXPORT factor_state accumulate_factor(const instrument& inst, const std::string& path,
                                             const factor_study_options& options = {});
/// The state file text of `state`.
ATTUNE_EXPORT std::string serialize_state(const factor_state& state);
/// Reads a factor state file text. @throws attune::error as `read_reliability_state`.
ATTUNE_EXPORT factor_state read_factor_state(std::string_view text, const std::string& source);
/// Merges `other` into `into`. @throws attune::error (rule `state_mismatch`) as for reliability.
ATTUNE_EXPORT void merge_state(factor_state& into, const factor_state& other);
/// The factor analysis of the rows behind `state`: what `study_factor` on those rows gives (bit
/// for bit for integer answers). Warnings name the source as "the merged states".
ATTUNE_EXPORT factor_study study_factor(const factor_state& state);

/// The quality study's first pass over some rows: the sample statistics a screening takes from the
/// whole sample (`quality_sample`: the answers' pairwise moments and item sums, answers outside
/// their item's range left out) and the answer checks. The merge prints those statistics
/// (`quality_sample_study`): what a second pass over every shard would screen against.
struct ATTUNE_EXPORT quality_state : state_head {
  quality_sample sample;  ///< in the instrument's item order
};

/// Reads `path` in chunks into a quality state.
/// @throws attune::error (invalid_argument, rule `state_needs_rows`) for person fit (`bank`) and
///         standard input; and as `study_quality`.
ATTUNE_EXPORT quality_state accumulate_quality(const instrument& inst, const std::string& path,
                                               const quality_study_options& options = {});
/// The state file text of `state`.
ATTUNE_EXPORT std::string serialize_state(const quality_state& state);
/// Reads a quality state file text. @throws attune::error as `read_reliability_state`.
ATTUNE_EXPORT quality_state read_quality_state(std::string_view text, const std::string& source);
/// Merges `other` into `into`. @throws attune::error (rule `state_mismatch`) as for reliability.
ATTUNE_EXPORT void merge_state(quality_state& into, const quality_state& other);
/// The sample statistics of the rows behind `state` (see `quality_sample_study`).
ATTUNE_EXPORT quality_sample_study study_quality_sample(const quality_state& state);

/// The study of the merged state files (`merge_states`): `study` names which member is set.
struct ATTUNE_EXPORT merged_study {
  std::string study;  ///< "reliability", "correlate", "factor" or "quality"
  std::optional<reliability_study> reliability;
  std::optional<correlate_study> correlate;
  std::optional<factor_study> factor;
  std::optional<quality_sample_study> quality;
};

/// Reads the state files `paths` (all of one study, the study of the first), merges them in the
/// order given (as `merge_state_files`) and analyses the merge: the study of all their rows. The
/// warnings of the merge (identical files) are appended to the study's warnings.
/// @throws attune::error as `merge_state_files` and the study's analysis of a state.
ATTUNE_EXPORT merged_study merge_states(const std::vector<std::string>& paths);

/// The text of the state file `path`, at most `max_state_file_bytes`.
/// @throws attune::error (io_error) naming the path: missing, a directory, unreadable or too large.
ATTUNE_EXPORT std::string read_state_file(const std::string& path);

ATTUNE_END_NAMESPACE
