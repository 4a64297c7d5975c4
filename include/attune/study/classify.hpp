/// @file classify.hpp
/// Attachment styles of a data set (study layer): every respondent's style by one method
/// (analyses/classify.hpp), with the two dimension scores, the uncertainty of each call and the
/// measurement error behind it, the method's source, and optionally norm scores.
///
/// The study does what a user asks for when they classify a file: it scores the instrument, takes
/// the scores the method needs (anxiety and avoidance; close-depend and anxiety for the Revised
/// AAS; the four RQ ratings), estimates the standard error of measurement of each score (given
/// reliability or this sample's alpha of the score's items; given SD or this sample's SD), reads
/// the RQ forced-choice column in the same pass as the answers, and adds z, T and percentile
/// scores from a norm table. It computes the same thing whatever the output format.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/change.hpp"
#include "attune/analyses/classify.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/input.hpp"
#include "attune/study/measurement.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `study_classify`.
struct ATTUNE_EXPORT classify_study_options {
  input_options input;
  classify_method method = classify_method::midpoint;
  /// `fisher`: map scores on another response range linearly onto 1-7 first (the result says
  /// `rescaled`); without it a range other than 1-7 is an error.
  bool rescale_to_1_7 = false;
  /// Reliability of each score for its SEM, in [0, 1] (by score name or role, or one for all);
  /// default: Cronbach's alpha of the score's items in this sample.
  score_values reliability;
  /// SD of each score for its SEM, > 0; default: this sample's SD.
  score_values sd;
  /// A norm table (`resolve_norm_table`): the cuts of `norms`, and z, T and percentile scores of
  /// the scores it covers.
  std::optional<norm_table> norms;
  /// `prototypes`: 2 to 4 points with distinct styles.
  std::vector<style_prototype> prototypes;
  /// `rq`: the data column with the forced choice (a style name, or 1-4 in RQ order: 1 secure,
  /// 2 fearful, 3 preoccupied, 4 dismissing; empty or NA = no answer), read with the answers.
  std::optional<std::string> forced_choice_column;
  /// Split methods (`midpoint`, `median`, `norms`): a score exactly on a cut.
  cut_tie on_cut = cut_tie::low;
  int kmeans_starts = 50;           ///< `kmeans`: random starts, >= 1
  std::uint64_t seed = 20240501;    ///< `kmeans`: seed
  /// `fisher`: a highest probability below this counts as uncertain, in (0, 1].
  double probability_threshold = 0.8;
  /// `classify_file`: worker threads for the chunks (0 = all cores); the result never depends on it.
  int threads = 1;
  /// `classify_file`, when the SEMs need nothing from the sample (`reliability` and `sd` given
  /// for both scores; not rq, which takes the counting pass so that a forced choice that is not a
  /// style is reported before any row): hand the head over with the first chunk instead of after a counting pass,
  /// so that the file is read once, not twice. That head has no row count (0) and none of the
  /// warnings of reading and scoring (the returned study has both); the rows are the same. For
  /// outputs whose head holds neither (CSV: the CLI sets it). An error in the file (a cell that
  /// is not a number at row 150,000) then comes after the rows before it were handed over.
  bool head_without_counts = false;
  /// `classify_file` (fisher, midpoint, norms, prototypes, rq on a file): the most memory, in bytes,
  /// that the first reading pass keeps of the rows (each row's scores, id and kept cells) so that they
  /// are not read again. Past it the ids and kept cells are dropped and the rows read again; past
  /// it with the scores alone, the scores too (each SD not given reads the file once more). The
  /// result never depends on it.
  std::size_t held_bytes = std::size_t{64} << 20;

  /// @throws attune::error (invalid_argument) naming the field, the value and the rule, with
  ///         `error_details::option` set: an option of another method, `norms` without a norm
  ///         table, a reliability outside [0, 1], an SD not > 0, a threshold outside (0, 1].
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp), bound to `o`: method,
/// rescale, reliability and sd (NAME=VALUE entries or one number), norms (a built-in id or a
/// norm file: `resolve_norm_table`), prototype (STYLE=ANXIETY:AVOIDANCE entries), forced-choice,
/// on-cut, starts (1 to 1000), seed and probability-threshold. Not listed: `input`
/// (`describe_options(input_options&)`), `threads`, `head_without_counts` and `held_bytes`.
ATTUNE_EXPORT option_list describe_options(classify_study_options& o);

/// Where a classification rule comes from and how well it is confirmed (docs/classification.md).
struct ATTUNE_EXPORT method_provenance {
  std::string source;  ///< the rule and its source
  /// "author", "secondary", "convention", "data-driven", "user-given", or for `norms` the norm
  /// table's confirmation ("not stated" when it has none).
  std::string status;
};

/// The provenance of `method` (`norms`: the table the cuts come from).
ATTUNE_EXPORT method_provenance classify_method_provenance(classify_method method, const norm_table* norms = nullptr);

/// z, T and percentile scores of one score against a norm table.
struct ATTUNE_EXPORT score_norms {
  std::string score;     ///< the output column it belongs to (anxiety, avoidance, close_depend, model_of_self...)
  normed_scores normed;  ///< per respondent z, t, percentile; method, n, warnings
};

/// The styles of a data set.
struct ATTUNE_EXPORT classify_study {
  std::string instrument;           ///< instrument id
  classify_method method = classify_method::midpoint;
  method_provenance provenance;     ///< the method's source and confirmation status
  response_range range;             ///< the response range of the answers (and scores)
  std::string id_column;            ///< the id column's name; empty: rows are numbered
  std::size_t n_rows = 0;           ///< respondents read
  /// The instrument's scores behind the two output columns: anxiety and avoidance; `raas`:
  /// close_depend and anxiety; `rq`: model_of_self and model_of_other.
  std::vector<std::string> scores;
  /// The SEM of each score (two-dimension methods and `raas`; empty for `rq`).
  std::vector<score_sem> sem;
  std::optional<std::string> norms;  ///< the norm table's id
  std::optional<std::string> forced_choice_column;  ///< `rq`
  std::optional<double> probability_threshold;       ///< `fisher`
  /// Per respondent: the id (with an id column) and the 1-based data row.
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  kept_columns kept;  ///< the columns of `input.keep`, after the id (or row) column
  /// Every method but `rq`: the styles, scores, probabilities (`fisher`), boundary distances and
  /// the summary (cuts, centers, counts, the dimensional-use note, warnings).
  std::optional<classification> result;
  /// `rq`: Bartholomew's rule.
  std::optional<rq_classification> rq_result;
  /// `rq` with a forced-choice column: each respondent's choice (`unclassified` = no answer).
  std::vector<attachment_style> forced_choice;
  /// Norm scores of the output's scores that the norm table covers.
  std::vector<score_norms> norm_scores;
  /// The study's own warnings (scoring, norms, the method's fit to the data); `result`,
  /// `rq_result` and each `norm_scores` entry carry theirs.
  std::vector<warning> warnings;
};

/// Every warning of a classify study: its own, then those of the classification and the norms.
ATTUNE_EXPORT std::vector<warning> all_warnings(const classify_study& study);

/// Classifies `data` (columns: the instrument's items in order; `data.extra` holds the forced
/// choice when `forced_choice_column` is set).
/// @throws attune::error: invalid_argument for options that do not fit the method or the
///         instrument (a score the method needs is missing), bad_input for a forced choice that
///         is not a style, as `classify`, `classify_rq`, `classify_raas` and `score`.
ATTUNE_EXPORT classify_study study_classify(const instrument& inst, responses data,
                                            const classify_study_options& options = {});
/// Reads `path` ("-" = standard input) through `read_study_data`, with the forced-choice column,
/// after checking that the instrument fits the method; then as above.
ATTUNE_EXPORT classify_study study_classify(const instrument& inst, const std::string& path,
                                            const classify_study_options& options = {});

/// Streams `path`: the same study as `study_classify(inst, path, options)`, handed over in parts
/// so that memory does not grow with the file. `on_head` gets the study's head (everything but
/// the rows and the summary: n_rows, scores, SEMs, warnings of reading and scoring) once, before
/// the rows; then `on_chunk` gets the respondents in file order, a chunk at a time, each part a
/// study whose rows (`ids`, `rows`, `kept`, `result`'s per-respondent members) are those of the
/// chunk. Returns the whole study's head and summary (`result`'s counts and warnings), without
/// per-respondent rows. The writer of the report layer (`classify_writer`) writes exactly the
/// document of `write_report` for the study `study_classify` returns.
///
/// Methods fisher, midpoint, norms, prototypes and rq on a file, with or without norm scores,
/// stream in bounded memory: the file is read once for the row count, the answer checks and the
/// moments behind each score's alpha (the SEM; rq has none). That pass keeps each row's scores
/// (two; rq's four ratings and forced choice), id and kept cells, at most `held_bytes` (64 MiB): then each score's SD
/// (the squared deviations from the mean) comes from the kept scores and the rows are classified
/// and handed over from memory. Past the bound the rows are read again to classify them, and
/// past it with the scores alone, once more for each SD not given. With `head_without_counts`
/// and the SEMs given, the file is read once (the head comes with the first chunk; not for rq,
/// whose bad forced choice is reported before any row). Each part holds its rows' norm scores; the
/// summaries (classification or rq counts, norm n and scores beyond the percentile table) are
/// merged in file order. The others (median and kmeans, whose cuts or clusters need every score;
/// raas) and standard input read the whole input (`study_classify`) and hand it over as one part.
/// @throws as `study_classify`; an exception thrown by `on_head` or `on_chunk` is passed on.
ATTUNE_EXPORT classify_study classify_file(const instrument& inst, const std::string& path,
                                           const classify_study_options& options,
                                           const std::function<void(const classify_study& head)>& on_head,
                                           const std::function<void(const classify_study& chunk)>& on_chunk);

ATTUNE_END_NAMESPACE
