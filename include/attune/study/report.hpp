/// @file report.hpp
/// The whole attachment analysis of one data set, for `attune report`: data summary and
/// screening, reliability and item analysis, scores, styles, the two-factor CFA, the scree with
/// parallel analysis, the graded response model of each scale (IRT), latent profiles of the
/// anxiety and avoidance scores, and change against a second time point. It calls the other study
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
#include "attune/study/option_info.hpp"
#include "attune/study/irt.hpp"
#include "attune/study/profiles.hpp"
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
  /// The IRT section: Samejima's graded response model fitted to each subscale
  /// (`study_irt_fit` with its defaults: 61 quadrature points, SEs, S-X2 item fit) and the
  /// information of the fitted bank (`study_irt_info` on `irt_information`'s grid).
  bool irt = true;
  irt_info_study_options irt_information{-4.0, 4.0, 0.1};  ///< the theta grid of the information curves
  /// The profiles section: Gaussian mixtures of the anxiety and avoidance scores
  /// (`study_profiles` with `profiles_mixture`: tidyLPA's models 1, 2, 3, 6, K 1-6). Off by
  /// default: its 4 x 6 x 10 EM fits cost about 4 s of CPU for 1,000 respondents, 43 s for 10,000
  /// and many minutes for 100,000 (docs/report.md), far more than the rest of the report.
  bool profiles = false;
  mixture_options profiles_mixture;  ///< models, K, starts, seed; `threads` and `progress` are set from the report's
  /// The command line that made the report, printed in the methods box (set by the caller).
  std::string command_line;
  /// @throws attune::error (invalid_argument) naming the field.
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp): `after`, the scree's
/// parallel replicates ("parallel") and seed, "no-irt" (`irt` = false) and `profiles`. Not listed:
/// `input` (`describe_options(input_options&)`), `reliability`, `irt_information`,
/// `profiles_mixture` and `command_line`.
ATTUNE_EXPORT option_list describe_options(report_study_options& o);

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
  /// The graded response model per subscale (with `irt`); null when not asked for or it failed (warnings).
  std::optional<irt_fit_study> irt;
  std::optional<irt_info_study> irt_information;  ///< item and test information of `irt`'s bank
  std::optional<profiles_study> profiles;  ///< latent profiles (with `profiles`); null when not asked for or it failed
  /// The options the report ran with: the methods box describes them (missing codes, range rule,
  /// minimum answered, missing-data method, intervals, which N). No progress callback is kept.
  report_study_options options;
  std::vector<warning> warnings;      ///< parts that could not be computed, and why
};

/// Runs the report's analyses on the data file `path` (and `options.after`).
/// Progress (`options.input.progress`): "read" (the bytes of the data file), then the stages of
/// the analyses (parallel_analysis, cfa, grm, profiles, ...).
/// @throws attune::error as the study functions it calls (reading, scoring, classifying);
///         the structure, scree, IRT and profiles parts only add warnings when they fail
///         (a cancellation is never turned into a warning).
ATTUNE_EXPORT report_study study_report(const instrument& inst, const std::string& path,
                                        const report_study_options& options = {});

ATTUNE_END_NAMESPACE
