/// @file factor.hpp
/// The factor structure of an instrument's items (study layer): exploratory factor analysis of
/// the keyed items (psych `fa` on pairwise Pearson correlations), or the confirmatory model with
/// one factor per subscale (lavaan `cfa`, ML, complete rows).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/cfa.hpp"
#include "attune/analyses/factor.hpp"
#include "attune/analyses/factor_fit.hpp"
#include "attune/analyses/factor_scores.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Which analysis.
enum class factor_analysis_kind {
  efa,  ///< exploratory: extraction and rotation (analyses/factor.hpp)
  cfa,  ///< confirmatory: one factor per subscale (analyses/cfa.hpp)
};
ATTUNE_EXPORT std::string_view to_string(factor_analysis_kind k) noexcept;
ATTUNE_EXPORT std::optional<factor_analysis_kind> parse_factor_analysis_kind(std::string_view s) noexcept;

/// Options of `study_factor`.
struct ATTUNE_EXPORT factor_study_options {
  input_options input;
  factor_analysis_kind analysis = factor_analysis_kind::efa;
  /// The subscales whose items are analysed (empty: all). An item may belong to one of them only
  /// (simple structure).
  std::vector<std::string> subscales;
  /// EFA: extraction and rotation; `efa.n_factors` 0 = the number of subscales analysed.
  efa_options efa{.n_factors = 0};
  efa_fit_options efa_fit;   ///< EFA: the level of the RMSEA interval (psych: 90%)
  /// EFA: also run Horn's parallel analysis (psych `fa.parallel`) on the same correlations, with
  /// `parallel_analysis.replicates` simulated data sets.
  bool parallel = false;
  parallel_options parallel_analysis;
  /// EFA: the correlations analysed: pairwise Pearson (psych fa's default), or polychoric
  /// (psych fa(cor = "poly"); integer answers with at most polychoric_options.max_categories).
  bool polychoric = false;
  /// EFA: factor scores of the respondents by this method (psych factor.scores), or none.
  std::optional<factor_score_method> scores;
  cfa_options cfa;
  /// Worker threads for reading the file in chunks (0 = all cores); the result never depends on it.
  int threads = 1;
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp): `subscales`, the
/// exploratory options (factors, rotation, method, correlation: pearson or polychoric, scores),
/// "cfa" (`analysis` = cfa), `parallel` with its replicates ("iterations") and seed. Their setters
/// refuse what does not go together, by what was given: an exploratory option (or parallel) with
/// cfa, in either order; iterations before parallel (set the options in the listed order). Not
/// listed: `input` (`describe_options(input_options&)`), `efa_fit`, `cfa`, the other members of
/// `efa` and `parallel_analysis`, `threads`.
ATTUNE_EXPORT option_list describe_options(factor_study_options& o);

/// The factor structure of the keyed items.
struct ATTUNE_EXPORT factor_study {
  std::string instrument;
  factor_analysis_kind analysis = factor_analysis_kind::efa;
  std::size_t n_rows = 0;
  std::size_t n_out_of_range = 0;          ///< answers outside the range treated as missing
  std::vector<std::string> items;          ///< item ids, grouped by subscale
  std::vector<std::string> columns;        ///< their data columns
  std::vector<std::string> item_subscales; ///< per item: its subscale
  std::vector<bool> reversed;              ///< per item: reverse keyed (analysed keyed)
  std::vector<std::string> factors;        ///< factor names (EFA: MR1, MR2... or ML1...; CFA: the subscales)
  std::optional<std::string> correlation;  ///< EFA: the correlations analysed ("pearson_pairwise" or "polychoric")
  std::optional<double> n_min_pair;        ///< EFA: the smallest pairwise N behind a correlation
  std::optional<efa_result> efa;
  /// EFA: the fit as psych `fa` reports it, pair counts weighting the empirical statistics (in the
  /// JSON under `efa.fit`).
  std::optional<efa_fit> fit;
  /// EFA with `factor_study_options::parallel`: the eigenvalues and the suggested number of factors.
  std::optional<parallel_result> parallel;
  int parallel_replicates = 0;  ///< with `parallel`: the simulated data sets (in the JSON: `parallel.replicates`)
  std::optional<cfa_result> cfa;
  std::optional<factor_scores_result> scores;  ///< EFA with `factor_study_options.scores`: one row per data row
  std::vector<std::string> ids;                ///< the rows' ids (empty without an id column)
  std::vector<std::size_t> rows;               ///< the rows' 1-based data row numbers
  std::vector<warning> warnings;
};

/// Keys the chosen subscales' items and fits the model.
/// @throws attune::error invalid_argument (an unknown or repeated subscale, an item in two chosen
///         subscales, options), insufficient_data (fewer than 2 items, an undefined correlation
///         naming the two columns), and the errors of the analysis.
ATTUNE_EXPORT factor_study study_factor(const instrument& inst, responses data, const factor_study_options& options = {});
/// Reads `path` through `read_study_data`, then as above.
ATTUNE_EXPORT factor_study study_factor(const instrument& inst, const std::string& path,
                                        const factor_study_options& options = {});

ATTUNE_END_NAMESPACE
