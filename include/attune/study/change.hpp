/// @file change.hpp
/// Change between administrations (study layer): two or more data sets of the same instrument,
/// in time order, respondents matched by the id column, the reliable change index (Jacobson &
/// Truax 1991) of each scale, clinically significant change with functional and dysfunctional
/// norms, trajectories over three or more administrations, and the style at each one
/// (analyses/change.hpp, analyses/classify.hpp).
///
/// Respondents in two or more data sets are compared (missing administrations are NaN); every id
/// not in all of them is listed in `unmatched`, never dropped silently. The SD of each scale is
/// given, else the norm table's, else that of the first administration; its reliability is given,
/// else Cronbach's alpha at the first administration.
#pragma once

#include <Eigen/Core>
#include <map>
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

/// Options of `study_change`.
struct ATTUNE_EXPORT change_study_options {
  /// How every data set is read; `input.read.id_column` is required (respondents are matched by it).
  input_options input;
  /// Scores to compare; empty: the instrument's anxiety and avoidance (else every subscale).
  std::vector<std::string> scales;
  /// Reliability (r_xx in [0, 1)) of each scale for the RCI; default: Cronbach's alpha of its
  /// items at the first administration.
  score_values reliability;
  /// SD (> 0) of each scale for the RCI; default: the `norms` table's, else the first
  /// administration's.
  score_values sd;
  /// Reference norms: the SD for the RCI, and the cuts of `styles_method` norms.
  std::optional<norm_table> norms;
  /// Norms of a functional and a dysfunctional population (both or neither): the cut-offs of
  /// clinically significant change.
  std::optional<norm_table> functional_norms;
  std::optional<norm_table> dysfunctional_norms;
  cutoff_kind cutoff = cutoff_kind::c;   ///< which cut-off decides `recovered`
  double critical = 1.959963984540054;   ///< |RCI| beyond this is reliable
  /// Direction of improvement per scale; anxiety and avoidance default to lower_is_better, other
  /// scales to none.
  std::map<std::string, change_direction> directions;
  /// The style at each administration: midpoint, fisher or norms; nullopt for none.
  std::optional<classify_method> styles_method = classify_method::midpoint;
  bool rescale_to_1_7 = false;           ///< `styles_method` fisher: map other ranges onto 1-7
  double level = 0.95;                   ///< confidence level of the group-level intervals

  /// @throws attune::error (invalid_argument) naming the field and value, with
  ///         `error_details::option` set.
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp), bound to `o`: scales,
/// reliability and sd (NAME=VALUE entries or one number), norms, functional-norms and
/// dysfunctional-norms (a built-in id or a norm file: `resolve_norm_table`), cutoff, critical,
/// lower-better and higher-better (scales added to `directions`; a scale given both ways is an
/// error), styles (or none), rescale and level. Not listed: `input`
/// (`describe_options(input_options&)`; its id is required here).
ATTUNE_EXPORT option_list describe_options(change_study_options& o);

/// One scale compared.
struct ATTUNE_EXPORT change_scale {
  std::string name;
  rci_options rci;                 ///< SD, reliability, critical value and direction used
  std::string sd_source;           ///< "given", "norm table 'id'" or "first administration (file)"
  std::string reliability_source;  ///< "given" or "alpha at the first administration (file)"
  double s_diff = 0.0;             ///< standard error of the difference
  std::optional<clinical_cutoffs> cutoffs;  ///< with functional and dysfunctional norms for it
  std::optional<double> cutoff;             ///< the cut-off used (`change_study::cutoff`)
  /// The group's change from the first to the last administration (respondents scored at both).
  group_change group;
};

/// An id that is not in every data set.
struct ATTUNE_EXPORT unmatched_id {
  std::string id;
  std::vector<std::string> present_in;    ///< the data sets (`change_study::files`) holding it
  std::vector<std::string> missing_from;  ///< those that do not
  bool in_output = false;                 ///< in two or more: compared, with gaps
};

/// The change of every matched respondent.
struct ATTUNE_EXPORT change_study {
  std::string instrument;
  std::vector<std::string> files;   ///< the data sets in time order (their sources)
  std::string id_column;
  std::size_t n_matched = 0;        ///< respondents in two or more data sets
  std::vector<change_scale> scales;
  std::optional<cutoff_kind> cutoff;               ///< with clinical cut-offs
  std::optional<classify_method> styles_method;    ///< null: no styles
  /// Per respondent (order of first appearance, first data set first): the id, then per
  /// administration w `scores[w]` (n_matched x scales, NaN = not in that data set or not scored).
  std::vector<std::string> ids;
  /// The columns of `input.keep` per respondent, from the first data set that holds the id.
  kept_columns kept;
  std::vector<Eigen::MatrixXd> scores;
  /// Change and RCI first to last and step by step, categories, clinical status, counts.
  trajectory_result trajectories;
  /// Per administration, each respondent's style (empty without styles).
  std::vector<std::vector<attachment_style>> styles;
  std::vector<unmatched_id> unmatched;
  std::string note;                 ///< the dimensional-use note
  std::vector<warning> warnings;
};

/// Every warning of a change study: its own, then those of the trajectories.
ATTUNE_EXPORT std::vector<warning> all_warnings(const change_study& study);

/// Compares `waves` (two or more data sets of `inst`'s items in time order, each with row ids;
/// `responses::source` names each).
/// @throws attune::error: invalid_argument for fewer than 2 data sets or bad options; bad_input for
///         an empty or repeated id in a data set (naming it, its row and the id); insufficient_data
///         when a scale's SD or reliability cannot be estimated from the first administration.
ATTUNE_EXPORT change_study study_change(const instrument& inst, std::vector<responses> waves,
                                        const change_study_options& options);
/// Reads every path ("-" = standard input, at most once) through `read_study_data`, then as above.
ATTUNE_EXPORT change_study study_change(const instrument& inst, const std::vector<std::string>& paths,
                                        const change_study_options& options);

ATTUNE_END_NAMESPACE
