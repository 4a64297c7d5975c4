/// @file report.hpp
/// The whole attachment analysis of one data set, for `attune report`: data summary and
/// screening, reliability and item analysis, scores, styles, the two-factor CFA, the scree with
/// parallel analysis, and change against a second time point. It calls the other study
/// functions and keeps their result structs, so every number the report renderer prints
/// (report/html.hpp) is the one their `to_json` prints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/core/interval.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/change.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/input.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `study_report`.
struct ATTUNE_EXPORT report_study_options {
  input_options input;
  /// A second administration of the same instrument (matched by the id column): the change
  /// section. Empty: none.
  std::string after;
  /// Reliability: intervals, level, missing handling (defaults: Feldt and Bonett-Wright 95%,
  /// pairwise).
  reliability_options reliability;
  /// Parallel-analysis replicates of the scree plot (0: no parallel line).
  int parallel_replicates = 100;
  std::uint64_t seed = 20240601;  ///< seed of the parallel analysis
  /// The command line that made the report, printed in the methods box (set by the caller).
  std::string command_line;
  /// @throws attune::error (invalid_argument) naming the field.
  void validate() const;
};

/// The correlation of the anxiety and avoidance scores with its Fisher-z interval.
struct ATTUNE_EXPORT dimension_correlation {
  std::string first;   ///< the first score's name (anxiety)
  std::string second;  ///< the second score's name (avoidance)
  std::size_t n = 0;          ///< respondents with both scores
  double r = 0.0;             ///< Pearson r
  confidence_interval ci;     ///< tanh(atanh(r) +- z_{(1+level)/2} / sqrt(n - 3)); method "fisher_z"
};

/// Everything `attune report` shows.
struct ATTUNE_EXPORT report_study {
  std::string instrument;  ///< instrument id
  std::string source;      ///< the data file
  std::optional<std::string> after_source;  ///< the second time point's file
  std::string attune_version;  ///< `version_string`
  std::string command_line;    ///< `report_study_options::command_line`
  quality_study quality;        ///< screening
  reliability_study reliability;  ///< alpha, omega, item analysis per subscale
  score_study scores;           ///< the scores and their summary
  classify_study styles;              ///< midpoint split, SEMs from alpha (classify's default)
  std::optional<dimension_correlation> correlation;  ///< with two dimension scores
  std::optional<factor_study> structure;  ///< one factor per subscale (CFA); null when it failed (warnings)
  std::optional<factor_study> scree;      ///< EFA eigenvalues with parallel analysis
  std::optional<change_study> change;     ///< with `after`
  std::vector<warning> warnings;      ///< parts that could not be computed, and why
};

/// Runs the report's analyses on the data file `path` (and `options.after`).
/// @throws attune::error as the study functions it calls (reading, scoring, classifying);
///         the structure and scree parts only add warnings when they fail.
ATTUNE_EXPORT report_study study_report(const instrument& inst, const std::string& path,
                                        const report_study_options& options = {});

ATTUNE_END_NAMESPACE
