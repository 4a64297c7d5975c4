/// @file rows.hpp
/// Per-respondent output (report layer): the studies with one row per respondent (score,
/// classify, quality, change, IRT scores) as CSV, as a JSON document, or as a readable table,
/// through one streaming row writer.
///
/// `write_report(out, format, study)` writes a whole study; for JSON it writes exactly
/// `to_json(study)`. `score_writer` writes the same output chunk by chunk while `score_file`
/// streams a file, so that memory does not grow with the data.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
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

/// Writes a score study while `score_file` streams it: construct with the study's head
/// (`score_study_head`), pass every chunk to `write`, then `finish` with the study `score_file`
/// returned. The output equals `write_report` of the same study with all its rows.
class ATTUNE_EXPORT score_writer {
 public:
  score_writer(std::ostream& out, output_format format, const score_study& head, const row_options& rows = {});
  score_writer(const score_writer&) = delete;
  score_writer& operator=(const score_writer&) = delete;
  ~score_writer();
  void write(const scored_chunk& chunk);
  void finish(const score_study& study);

 private:
  friend void write_report(std::ostream& out, output_format format, const score_study& study, const row_options& rows);
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Writes a classify study while `classify_file` streams it: construct with the head `on_head`
/// gets, pass every part `on_chunk` gets to `write`, then `finish` with the study `classify_file`
/// returned. The output equals `write_report` of the study `study_classify` returns for the same
/// file (the table holds every row until `finish`, to align them).
class ATTUNE_EXPORT classify_writer {
 public:
  classify_writer(std::ostream& out, output_format format, const classify_study& head, const row_options& rows = {});
  classify_writer(const classify_writer&) = delete;
  classify_writer& operator=(const classify_writer&) = delete;
  ~classify_writer();
  void write(const classify_study& chunk);
  void finish(const classify_study& study);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

ATTUNE_END_NAMESPACE
