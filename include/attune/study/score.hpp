/// @file score.hpp
/// Scoring a data set (study layer): every respondent's subscale and composite scores, the
/// answers behind them, and a summary of each score.
///
/// `study_score` scores data held in memory. `score_file` streams a file: it reads, scores and
/// hands over one chunk at a time (about 1 MiB of answers), so that memory does not grow with
/// the file; the report layer's `score_writer` writes each chunk as it comes, and the document
/// it writes is byte for byte the one `to_json(study_score(...))` gives for the same data.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "attune/analyses/scoring.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `study_score` and `score_file`.
struct ATTUNE_EXPORT score_study_options {
  input_options input;
  /// Rows read and scored at a time by `score_file` (0: `cache_friendly_chunk_rows`).
  std::size_t chunk_rows = 0;
  /// Threads of `score_file` (0 = all cores): chunks are parsed, scored and checked in parallel
  /// and handed over in file order, so the output does not depend on it.
  int threads = 0;
};

/// The options of `o` a front end sets from text (study/option_info.hpp): "chunk-rows". Not
/// listed: `input` (`describe_options(input_options&)`) and `threads`.
ATTUNE_EXPORT option_list describe_options(score_study_options& o);

/// One score's summary over the respondents (as `score_summary::column`).
using score_column_summary = score_summary::column;

/// The scores of a data set.
struct ATTUNE_EXPORT score_study {
  std::string instrument;            ///< instrument id
  response_range range;              ///< the response range the answers were checked against
  double min_answered = 0.8;         ///< the minimum-answered rule applied
  std::vector<std::string> names;    ///< score names: subscales, then composites
  std::vector<std::string> subscales;  ///< the subscale names (those with an `answered` count)
  std::string id_column;             ///< the id column's name; empty: rows are numbered instead
  /// Per respondent (empty after `score_file`, which hands the rows over chunk by chunk): the id
  /// (with an id column) and the 1-based data row, then the scores.
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  /// The columns of `input.keep`, written after the id (or row) column: names, and per respondent
  /// the values (empty after `score_file`).
  kept_columns kept;
  score_table scores;
  std::size_t n_rows = 0;            ///< respondents read
  std::size_t n_out_of_range = 0;    ///< answers outside the range treated as missing
  std::vector<score_column_summary> summary;  ///< per score: scored, unscored, mean, SD, min, max
  std::vector<warning> warnings;
};

/// Scores `data` (columns: the instrument's items in order). @throws as `score`.
ATTUNE_EXPORT score_study study_score(const instrument& inst, const responses& data, const score_study_options& options = {});

/// Reads `path` ("-" = standard input) through `read_study_data` and scores it in memory.
ATTUNE_EXPORT score_study study_score(const instrument& inst, const std::string& path, const score_study_options& options = {});

/// A chunk of scored respondents, as `score_file` hands it over.
struct ATTUNE_EXPORT scored_chunk {
  const responses& data;     ///< the answers (row ids, first row, source)
  const score_table& scores; ///< their scores
};

/// The head of a score study before any row is read (instrument, range, rule, names, id column),
/// for writers that start the document before the data.
ATTUNE_EXPORT score_study score_study_head(const instrument& inst, const score_study_options& options);

/// Streams `path`: reads, scores and passes every chunk to `on_chunk` in file order (on the
/// calling thread; the chunks are parsed and scored on `options.threads` threads), and returns
/// the study with its summary and warnings but no per-respondent rows. Memory is bounded by the
/// chunk size, not by the file.
/// Cancellation (`options.input.progress.cancel`, core/progress.hpp) is read at every block the
/// reader takes from the input (at most 1 MiB): once the flag is set no further input is read and the call throws
/// `errc::cancelled`. Rows already read into the current block may still be scored and handed to
/// `on_chunk` first; no row read after the cancel is.
/// @throws as `read_study_data` and `score`; an exception thrown by `on_chunk` is passed on.
ATTUNE_EXPORT score_study score_file(const instrument& inst, const std::string& path, const score_study_options& options,
                                     const std::function<void(const scored_chunk&)>& on_chunk);

/// The same, with each chunk's output text made on the worker that scored it: `format(chunk,
/// text)` runs on any of the `options.threads` threads, for several chunks at once (it must be
/// safe to call so: `score_writer::format` is), and fills `text`, a buffer kept per chunk in
/// flight; `on_chunk(chunk, text)` then gets the chunks and their text in file order on the
/// calling thread (`score_writer::write_formatted`). So the calling thread only writes. An
/// exception from `format` is passed on in file order, after `on_chunk` has had the chunks before.
ATTUNE_EXPORT score_study score_file(const instrument& inst, const std::string& path, const score_study_options& options,
                                     const std::function<void(const scored_chunk&, std::string& text)>& format,
                                     const std::function<void(const scored_chunk&, std::string& text)>& on_chunk);

ATTUNE_END_NAMESPACE
