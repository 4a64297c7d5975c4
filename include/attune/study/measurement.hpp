/// @file measurement.hpp
/// Measurement error of a score (study layer), shared by the classify and change studies: the
/// values a caller gives per score (a reliability, an SD), Cronbach's alpha of the keyed items
/// behind a score in a sample (for a composite, of all the items of its parts), and the standard
/// error of measurement with where its parts come from.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/scoring.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/norms.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Values given per score, e.g. reliabilities {"anxiety": 0.91}, or one value for every score.
struct ATTUNE_EXPORT score_values {
  /// Score name (or its role: "anxiety", "avoidance") -> value.
  std::map<std::string, double, std::less<>> by_score;
  /// The value of every score not in `by_score`.
  std::optional<double> all;

  /// The value of `score`: given for it, else for its `role` (when not empty), else `all`.
  [[nodiscard]] std::optional<double> find(std::string_view score, std::string_view role = {}) const;
  [[nodiscard]] bool empty() const noexcept { return by_score.empty() && !all; }
  /// Checks every value with `ok`. @throws attune::error (invalid_argument) naming `field` (e.g.
  /// "classify_study_options.sd"), the score and the value, with `rule` ("must be > 0") and
  /// `error_details::option` = `field`.
  void validate(std::string_view field, const std::function<bool(double)>& ok, std::string_view rule) const;
};

/// An option (study/option_info.hpp) that sets `member` from a list of entries, each NAME=VALUE
/// (a score's name or role: "anxiety=0.91") or one number for every score; the studies' lists
/// (`describe_options`) use it for their reliabilities and SDs. Its setter replaces `member`.
/// @throws attune::error from the setter: "NAME 'ENTRY': expected NAME=NUMBER ..." (`option_info::set`).
ATTUNE_EXPORT option_info score_values_option(std::string name, std::string field, std::string help,
                                              score_values& member);

/// An option that sets `member` to the norm table its text names: a built-in id or the path of a
/// JSON norm file (`resolve_norm_table`).
/// @throws attune::error from the setter: those of `resolve_norm_table(text, name)` (messages
///         "NAME: ..." or "NAME FILE: ..."); option = `field`, value = the text and rule
///         "option_text" where the error did not set them.
ATTUNE_EXPORT option_info norm_table_option(std::string name, std::string field, std::string help,
                                            std::optional<norm_table>& member);

/// The subscales behind a score: the subscale itself, or those of a composite's parts
/// (recursively, each once). @throws attune::error (invalid_argument) when `inst` has no score
/// `score`.
ATTUNE_EXPORT std::vector<const subscale*> subscales_of(const instrument& inst, std::string_view score);

/// The keyed items behind `score` (for a composite, all the items of its parts together), as
/// columns of `values` (one column per instrument item). @throws as `subscales_of`.
ATTUNE_EXPORT Eigen::MatrixXd score_items(const instrument& inst, std::string_view score, const Eigen::MatrixXd& values,
                                          const scoring_options& scoring);

/// Cronbach's alpha (analyze_reliability: pairwise, no intervals) of the keyed items behind
/// `score` in `data` (for a composite, all the items of its parts together). nullopt when it
/// cannot be estimated, with the reason in `why` (fewer than 2 items, too few respondents).
/// @throws attune::error (invalid_argument) when `inst` has no score `score`.
ATTUNE_EXPORT std::optional<double> sample_alpha(const instrument& inst, std::string_view score, const responses& data,
                                                 const scoring_options& scoring, std::string* why = nullptr);

/// The standard error of measurement of one score, SEM = SD * sqrt(1 - r_xx)
/// (`standard_error_of_measurement`), and where SD and r_xx come from.
struct ATTUNE_EXPORT score_sem {
  std::string score;                  ///< the instrument's score name
  std::optional<double> sd;           ///< null when it cannot be estimated
  std::string sd_source;              ///< "given" or "this sample"
  std::optional<double> reliability;  ///< null when it cannot be estimated (or alpha is negative)
  std::string reliability_source;     ///< "given" or "alpha in this sample"
  /// Null when SD or reliability is unknown, or the reliability is 1 (an SEM of 0 gives no
  /// distance in SEM units).
  std::optional<double> sem;
};

/// The SEM of `score`: its reliability from `reliability` (a value for the score, its `role` or
/// all), else Cronbach's alpha of its keyed items in `data` (`sample_alpha`; a negative alpha, a
/// sign of wrong keys, gives none); its SD from `sd`, else the sample SD of `scores` (the
/// respondents' values of the score). What cannot be estimated is said in `warnings`.
/// Given values must already be valid (`score_values::validate`).
ATTUNE_EXPORT score_sem estimate_sem(const instrument& inst, const std::string& score, std::string_view role,
                                     const Eigen::Ref<const Eigen::VectorXd>& scores, const responses& data,
                                     const scoring_options& scoring, const score_values& reliability,
                                     const score_values& sd, std::vector<warning>& warnings);

/// The same rules with this sample's alpha and SD computed by the caller, and only when needed
/// (a study that streams its file accumulates them): `alpha_in_sample(why)` returns nullopt with
/// the reason in `*why` when alpha cannot be estimated; `sd_in_sample()` returns NaN or 0 when the
/// SD cannot be.
ATTUNE_EXPORT score_sem estimate_sem(const std::string& score, std::string_view role,
                                     const std::function<std::optional<double>(std::string*)>& alpha_in_sample,
                                     const std::function<double()>& sd_in_sample, const score_values& reliability,
                                     const score_values& sd, std::vector<warning>& warnings);

ATTUNE_END_NAMESPACE
