/// @file rows.hpp
/// Per-respondent output (report layer): the studies with one row per respondent (score,
/// classify, quality, change, IRT scores) as CSV, as a JSON document, or as a readable table,
/// through one streaming row writer.
///
/// `write_report(out, format, study)` writes a whole study; for JSON it writes exactly
/// `to_json(study)`. `streaming_writer` (`score_writer`, `classify_writer`, `quality_writer`)
/// writes the same output chunk by chunk while `score_file`, `classify_file` or `quality_file`
/// streams a file, so that memory does not grow with the data.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/report/format.hpp"
#include "attune/study/change.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/profiles.hpp"
#include "attune/study/irt.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/score.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How per-respondent rows are written (every format: CSV, the JSON document's "respondents",
/// the table).
struct ATTUNE_EXPORT row_options {
  /// Only these columns (names as in the output's header), after the first column (the id, or
  /// `row`), which is always written; in the output's order. Empty: every column. A name that is
  /// not a column of the output is an attune::error (invalid_argument, option
  /// `row_options.columns`, rule `unknown_output_column`) that lists the columns. With columns
  /// left out, the JSON document is no longer `to_json(study)`.
  std::vector<std::string> columns;
};

/// Writes a score study: CSV rows, the JSON document or the readable table (rows and summary).
/// @throws attune::error (bad_input) for text that is not UTF-8 in JSON output.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const score_study& study,
                                const row_options& rows = {});

/// Writes a classify study: CSV rows, the JSON document (`to_json`) or the table with the summary.
/// @throws attune::error (bad_input) for text that is not UTF-8 in JSON output.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const classify_study& study,
                                const row_options& rows = {});
/// Writes a change study (one row per matched respondent), as above.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const change_study& study,
                                const row_options& rows = {});
/// Writes a quality study (one row per respondent), as above.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const quality_study& study,
                                const row_options& rows = {});
/// Writes a profiles study (one row per respondent: posteriors, modal profile, uncertainty,
/// name), as above; the table ends with `profiles_summary_text`.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const profiles_study& study,
                                const row_options& rows = {});
/// Writes a cluster study (one row per respondent: cluster, name), as above.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const cluster_study& study,
                                const row_options& rows = {});
/// Writes an IRT score study (one row per respondent: theta, SE and answered per scale), as above.
ATTUNE_EXPORT void write_report(std::ostream& out, output_format format, const irt_score_study& study,
                                const row_options& rows = {});

/// The part of a study a `streaming_writer` takes per chunk: the study's rows of one chunk (a
/// study of those respondents), except for score (`scored_chunk`, what `score_file` hands over).
template <class Study>
struct streaming_chunk {
  using type = Study;
};
template <>
struct streaming_chunk<score_study> {
  using type = scored_chunk;
};

namespace detail {
struct streaming_access;
}

/// Writes a per-respondent study while its streaming function reads the file (`score_file`,
/// `classify_file`, `quality_file`): construct with the study's head (what `on_head` gets, or
/// `score_study_head`), pass every chunk `on_chunk` gets to `write`, then `finish` with the study
/// the function returned. The output equals `write_report` of the whole study with all its rows
/// (CSV and JSON are written chunk by chunk; the table holds every row until `finish`, to align
/// them). Instantiated for score_study, classify_study and quality_study.
template <class Study>
class ATTUNE_EXPORT streaming_writer {
 public:
  using chunk_type = typename streaming_chunk<Study>::type;
  streaming_writer(std::ostream& out, output_format format, const Study& head, const row_options& rows = {});
  streaming_writer(const streaming_writer&) = delete;
  streaming_writer& operator=(const streaming_writer&) = delete;
  ~streaming_writer();
  /// Writes a chunk's rows.
  /// @throws attune::error (bad_input) for text that is not UTF-8 in JSON output.
  void write(const chunk_type& chunk);
  /// Makes a chunk's output text into `text` (its old content is dropped, its memory reused),
  /// without writing it: `write_formatted(text)` then writes it, as `write(chunk)` would have.
  /// Safe to call on several threads at once, for different chunks, and while another thread
  /// calls `write_formatted`: `score_file`'s `format` callback calls it on the worker threads,
  /// so the rows' text is made in parallel. score_writer only.
  /// @throws attune::error (bad_input) for text that is not UTF-8 in JSON output.
  void format(const chunk_type& chunk, std::string& text) const
    requires std::is_same_v<Study, score_study>;
  /// Writes the text `format` made of the next chunk (chunks in file order). score_writer only.
  void write_formatted(const std::string& text)
    requires std::is_same_v<Study, score_study>;
  /// Writes the end: the JSON document's tail (the summary) or the table with its summary.
  void finish(const Study& study);

 private:
  friend struct detail::streaming_access;
  struct impl;
  std::unique_ptr<impl> impl_;
};

extern template class streaming_writer<score_study>;
extern template class streaming_writer<classify_study>;
extern template class streaming_writer<quality_study>;

/// The score writer (`score_file`).
using score_writer = streaming_writer<score_study>;
/// The classify writer (`classify_file`).
using classify_writer = streaming_writer<classify_study>;
/// The quality writer (`quality_file`).
using quality_writer = streaming_writer<quality_study>;

ATTUNE_END_NAMESPACE
