/// @file reliability.hpp
/// Reliability of an instrument's scales (study layer): for every subscale with at least two
/// items, alpha, Guttman's lambdas, split-half, the intervals asked for and the item analysis
/// (analyses/reliability.hpp), McDonald's omega from a one-factor model and psych's default
/// bifactor omega (analyses/omega.hpp), and optionally ordinal alpha; or the same for the data's
/// columns as one scale (no instrument).
///
/// It computes the same thing whatever the output format: what is cheap is always there, what is
/// expensive (bootstrap intervals, ordinal alpha) only when asked for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/icc.hpp"
#include "attune/analyses/omega.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/core/interval.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `study_reliability`.
struct ATTUNE_EXPORT reliability_study_options {
  input_options input;
  reliability_options reliability;     ///< alpha: missing-data method, intervals, level, bootstrap, seed, threads (for every part)
  /// Reverse-keyed columns when the data's columns are the scale (no instrument); an instrument
  /// has its own keys.
  std::vector<std::string> reversed;
  /// Bootstrap replicates for the intervals of omega (0 = none; >= 2 otherwise), drawn with
  /// `reliability.seed`.
  int omega_bootstrap = 0;
  /// Ordinal alpha (Zumbo et al. 2007) from polychoric correlations, where the answers are
  /// integers with at most 8 categories. It costs a polychoric matrix per scale.
  bool ordinal = false;
  /// Intraclass correlations of each scale's (keyed) item columns as raters or occasions (Shrout &
  /// Fleiss 1979, psych `ICC`): for test-retest data, name the columns of the occasions as the
  /// scale (e.g. anxiety_t1,anxiety_t2). Complete rows only.
  bool icc = false;
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp): alpha's missing-data
/// method, intervals ("ci", a list; "none" for none), level, which N, bootstrap replicates and
/// seed, `reversed`, `ordinal`, omega's intervals ("omega-ci") and `icc`. "ci", "bootstrap" and
/// "omega-ci" are combined as given, in any order: a bootstrap interval without replicates takes
/// 1000, replicates alone add the percentile interval, omega's intervals take the replicates
/// given (else 1000). Not listed: `input` (`describe_options(input_options&)`), the other members
/// of `reliability` (split-half limits, categories, item names, threads, progress).
ATTUNE_EXPORT option_list describe_options(reliability_study_options& o);

/// McDonald's omega of one scale, defined once.
struct ATTUNE_EXPORT omega_estimates {
  /// Omega total of a one-factor model: psych `omega(x, nfactors = 1)`'s omega.tot (minres on
  /// the pairwise Pearson correlations), what JASP and semTools report for a subscale.
  double total = 0.0;
  std::optional<confidence_interval> total_ci;  ///< bootstrap (BCa, else percentile) when asked for
  /// psych's default bifactor solution `omega(x)`: 3 group factors, minres, oblimin, Schmid-Leiman
  /// (omega total, hierarchical, asymptotic, ECV, group omegas). Null when the scale has fewer
  /// than 6 items (3 group factors would leave no degree of freedom) or the fit fails (a warning
  /// says why).
  std::optional<omega_result> hierarchical;
  std::optional<confidence_interval> hierarchical_ci;  ///< of omega_h, bootstrap when asked for
  std::vector<warning> warnings;
};

/// One scale's reliability.
struct ATTUNE_EXPORT scale_reliability {
  std::string name;                 ///< subscale name ("scale" for the data's columns)
  std::vector<std::string> items;   ///< the data columns of its items, in order
  std::vector<std::string> reversed;  ///< those reverse keyed
  reliability_result reliability;
  std::optional<omega_estimates> omega;   ///< null when omega cannot be fitted (see warnings)
  std::optional<double> ordinal_alpha;  ///< when asked for and the answers are ordinal
  std::optional<icc_result> icc;        ///< when asked for: the columns as raters or occasions
  std::vector<warning> warnings;
};

/// Reliability of every scale.
struct ATTUNE_EXPORT reliability_study {
  std::optional<std::string> instrument;  ///< instrument id; null for the data's columns as one scale
  std::size_t n_rows = 0;                 ///< rows read
  std::size_t n_out_of_range = 0;         ///< answers outside the range treated as missing
  std::vector<scale_reliability> scales;
  std::vector<warning> warnings;
};

/// Reliability of `inst`'s subscales with at least 2 items (one-item subscales are left out with
/// a warning), or with `inst` null of the data's columns as one scale.
/// @throws attune::error as `analyze_reliability` (naming the scale), insufficient_data when no
///         subscale has 2 items; the range rule of `input.scoring`.
ATTUNE_EXPORT reliability_study study_reliability(const instrument* inst, responses data,
                                                  const reliability_study_options& options = {});
/// Reads `path` through `read_study_data`, then as above.
ATTUNE_EXPORT reliability_study study_reliability(const instrument* inst, const std::string& path,
                                                  const reliability_study_options& options = {});

ATTUNE_END_NAMESPACE
