/// @file quality.hpp
/// Careless and invalid responding in a data set (study layer): every respondent's screening
/// indices and flags, the rule behind each flag, and the data validation report
/// (analyses/quality.hpp); and the copy of the data without the flagged respondents.
///
/// Answers outside the response range are reported (`validation_report::out_of_range`) and left
/// out of the indices, never an error: `input.scoring.out_of_range` does not apply here.
///
/// With an item bank of the instrument's items, the study adds person fit lz for the graded
/// response model (Drasgow, Levine & Williams 1985) at each scale's EAP, and flags lz below
/// `lz_min` (default -1.96: the lower 2.5% of the standard normal; docs/quality.md).
#pragma once

#include <Eigen/Core>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/quality.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "attune/study/input.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `study_quality`.
struct ATTUNE_EXPORT quality_study_options {
  /// How the data are read; `input.scoring.range` overrides the items' ranges and
  /// `input.scoring.min_answered` is the minimum-answered rule of the validation report.
  input_options input;
  /// The indices' parameters and flag rules (its `min_answered` is `input.scoring.min_answered`).
  quality_options quality;
  /// An item bank whose items are items of the instrument (matched by id): adds person fit lz and
  /// its flag (`quality_index::lz`). Answers that are not one of a bank item's categories are
  /// left out of lz (a warning counts them).
  std::optional<item_bank> bank;
  /// lz flag: lz below this (Drasgow et al. 1985 read lz below -1.96, the lower 2.5% of N(0, 1),
  /// as misfit); NaN switches the flag off. Used only with `bank`.
  double lz_min = -1.96;
  /// `quality_file`: worker threads for the chunks (0 = all cores); the result never depends on it.
  int threads = 1;
  /// @throws attune::error (invalid_argument) naming the field, value and rule.
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp): the indices' parameters
/// and flag rules of `o.quality`, and `lz_min`. Not listed: `input` (`describe_options(input_options&)`),
/// `bank` (a file's contents) and `threads`.
ATTUNE_EXPORT option_list describe_options(quality_study_options& o);

/// Person fit of every respondent against an item bank (`quality_study_options::bank`).
struct ATTUNE_EXPORT quality_person_fit {
  std::string bank_fingerprint;      ///< `item_bank_fingerprint` of the bank
  std::vector<std::string> scales;   ///< the bank's scales, the columns of `lz_scales`
  /// Per respondent: lz over every bank item, each scale's items at that scale's EAP. With several
  /// scales this is the multi-test lz_m of Drasgow, Levine & McLaughlin (1991): the sum over
  /// scales of (l0 - E) over the square root of the summed variances, over the scales where the
  /// respondent has an lz. NaN when no scale has one.
  Eigen::VectorXd lz;
  Eigen::MatrixXd lz_scales;         ///< respondents x scales: each scale's lz (NaN: fewer than 2 answers)
  double lz_min = -1.96;             ///< the flag's cut-off (NaN: off)
  std::size_t n = 0;                 ///< respondents with a finite lz
  std::size_t n_flagged = 0;         ///< respondents with lz < lz_min
  std::size_t n_set_missing = 0;     ///< answers that were not categories of their bank item
  std::vector<warning> warnings;
};

/// The flag rule of one index, in words ("longest run >= 18"; "off" when switched off).
struct ATTUNE_EXPORT quality_rule {
  quality_index index = quality_index::longstring;
  std::string rule;
};

/// The screening of a data set.
struct ATTUNE_EXPORT quality_study {
  std::string instrument;              ///< instrument id
  std::vector<std::string> items;      ///< item ids, in data column order: `report`'s item indices
  std::vector<std::string> subscales;  ///< subscale names, in the order of `validation_report::required`
  std::string id_column;               ///< the id column's name; empty: rows are numbered
  std::size_t n_rows = 0;              ///< respondents read
  quality_options options;             ///< the parameters and flag rules applied
  std::vector<quality_rule> rules;     ///< per index, in output order
  /// Per respondent: the id (with an id column) and the 1-based data row. `report`'s row indices
  /// are 0-based positions in these.
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  kept_columns kept;                   ///< the columns of `input.keep`, after the id (or row) column
  quality_report report;               ///< indices, flags, item pairs, validation, warnings
  /// With an item bank: lz per respondent (its flag is in `report.flags`, `report.flagged_by`).
  std::optional<quality_person_fit> person_fit;
};

/// The sample statistics that a quality screening takes from the whole sample (what `attune merge`
/// prints for quality states; docs/scale.md): per item the answers within its range, their mean
/// and standard deviation (n - 1), the pairwise-complete covariance matrix of the answers (the
/// Mahalanobis distance's), the Mahalanobis centre (the item means), and the psychsyn/psychant
/// item pairs these correlations choose under the options' critical values.
struct ATTUNE_EXPORT quality_sample_study {
  std::string instrument;            ///< instrument id
  std::vector<std::string> items;    ///< item ids, in instrument order
  std::size_t n_rows = 0;            ///< respondents accumulated
  quality_options options;           ///< the options the pairs were chosen with
  Eigen::VectorXd n;                 ///< per item: answers within the range
  Eigen::VectorXd mean;              ///< per item: mean of those answers (NaN without any)
  Eigen::VectorXd sd;                ///< per item: their standard deviation, n - 1 (NaN below 2)
  Eigen::MatrixXd covariance;        ///< pairwise-complete covariances (NaN below 2 pairs)
  Eigen::MatrixXd pair_counts;       ///< rows behind each covariance
  std::vector<item_pair> synonyms;   ///< psychsyn pairs (r > options.psychsyn_critical)
  std::vector<item_pair> antonyms;   ///< psychant pairs (r < options.psychant_critical)
  std::vector<warning> warnings;
};

/// Screens `data` (columns: the instrument's items in order). @throws as `assess_quality`;
/// invalid_argument for a bank item that is not an item of the instrument.
ATTUNE_EXPORT quality_study study_quality(const instrument& inst, const responses& data,
                                          const quality_study_options& options = {});
/// Reads `path` ("-" = standard input) through `read_study_data`, then as above.
ATTUNE_EXPORT quality_study study_quality(const instrument& inst, const std::string& path,
                                          const quality_study_options& options = {});

struct clean_selection;

/// Screens the file `path` chunk by chunk, in memory that does not grow with the number of
/// respondents, with the output of `study_quality(inst, path, options)`:
/// - pass 1 reads the file once for the sample's statistics (`quality_sample`: the moments and
///   item sums behind the Mahalanobis distance and the psychsyn/psychant pairs), the checks of the
///   answers, and a 64-bit hash of every non-empty id (8 bytes per row);
/// - `on_head` then gets the study's head (everything but the rows and the summary);
/// - pass 2 reads it again and hands each chunk's rows (a `quality_study` of those respondents,
///   in file order, computed on `options.threads` threads) to `on_chunk`; the ids whose hash
///   occurs twice are compared exactly there.
/// Returns the summary: counts, rules, item pairs, warnings and the validation report. Its
/// per-respondent members are empty, and `ids` and `rows` hold only the respondents that the
/// validation report names (its row indices index them), so the memory is 8 bytes per row for
/// the id hashes (with an id column), 1 bit per row with `clean`, and about 16 bytes (plus the
/// id) per row the validation report lists (answers out of range, constant rows, rows without
/// answers or below the minimum-answered rule, duplicate ids).
///
/// Standard input ("-") cannot be read twice, and person fit (`options.bank`) needs every row: both
/// take the whole-file path (`study_quality`), whose study goes to `on_head` and `on_chunk` at once.
/// An error in pass 1 (a cell that is not a number) is reported by the whole-file path, with its
/// message, before any row is handed over. With `clean`, it gets `clean_rows` of the study
/// (`keep`: one entry per data row).
/// @throws as `study_quality`, and what `on_head` and `on_chunk` throw.
ATTUNE_EXPORT quality_study quality_file(const instrument& inst, const std::string& path,
                                         const quality_study_options& options,
                                         const std::function<void(const quality_study&)>& on_head,
                                         const std::function<void(const quality_study&)>& on_chunk,
                                         clean_selection* clean = nullptr);

/// Per respondent: true when no index flags it (the rows to keep in a clean copy).
ATTUNE_EXPORT std::vector<bool> unflagged(const quality_study& study);

/// The rows of a clean copy, and why the others are left out. Each row left out is counted once,
/// under its first reason in this order: no answer at all, below the minimum-answered rule in a
/// subscale (`validation_report::below_min_answered`), flagged by an index.
struct ATTUNE_EXPORT clean_selection {
  std::vector<bool> keep;             ///< per respondent: in the clean copy
  std::size_t kept = 0;
  std::size_t no_answers = 0;
  std::size_t below_min_answered = 0;
  std::size_t flagged = 0;
};
/// The respondents with answers, enough of them for every subscale, and no flag.
ATTUNE_EXPORT clean_selection clean_rows(const quality_study& study);

/// Copies the data file `path` to `out` with only the rows whose `keep` entry is true (one per
/// data row): the header and those records, every column, the same delimiter, rows in order.
/// @throws attune::error: invalid_argument for `path` "-" (standard input cannot be read twice),
///         io_error when the file cannot be read or has changed (another number of rows than
///         `keep`).
ATTUNE_EXPORT void write_clean_data(const std::string& path, const read_options& options, const std::vector<bool>& keep,
                                    std::ostream& out);

ATTUNE_END_NAMESPACE
