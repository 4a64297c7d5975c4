/// @file classify.hpp
/// The four attachment styles (secure, preoccupied, dismissing-avoidant, fearful-avoidant) from
/// dimension scores, each call with its uncertainty.
///
/// **Dimensional use.** The science says adult attachment is dimensional: taxometric analyses
/// find individual differences "more consistent with a dimensional rather than a categorical
/// model" (Fraley, Hudson, Heffernan & Segal 2015, JPSP 109:354-368), and Bartholomew writes of
/// the RQ "we do NOT recommend" categorical use. Every result therefore keeps the two dimension
/// scores next to the style and says how close each call is to a boundary; use the scores for
/// analysis and the styles for communication.
///
/// Quadrant mapping used by every dimension method (Bartholomew & Horowitz 1991's four categories on
/// the two dimensions, Brennan, Clark & Shaver 1998):
/// low anxiety + low avoidance = secure, high anxiety + low avoidance = preoccupied,
/// low anxiety + high avoidance = dismissing, high + high = fearful.
///
/// Methods (docs/classification.md gives sources and confirmation status):
/// - `fisher`: Brennan, Clark & Shaver (1998) classification functions, ECR means on 1-7;
/// - `midpoint`, `median`, `norms`: each dimension split at a cut (theoretical midpoint, sample
///   median, norm mean);
/// - `kmeans` (k = 4, labelled by quadrant) and `prototypes` (nearest user-given point);
/// - `rq`: Bartholomew's rule for the Relationship Questionnaire (`classify_rq`);
/// - `raas`: Collins' rule for the Revised Adult Attachment Scale (`classify_raas`).
///
/// All functions are pure and thread-safe. Errors are `attune::error`.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"

ATTUNE_BEGIN_NAMESPACE

/// An attachment style, or none.
enum class attachment_style { secure, preoccupied, dismissing, fearful, unclassified };

/// The four styles in output order (secure, preoccupied, dismissing, fearful).
inline constexpr std::array<attachment_style, 4> all_styles = {
    attachment_style::secure, attachment_style::preoccupied, attachment_style::dismissing,
    attachment_style::fearful};

/// "secure", "preoccupied", "dismissing", "fearful", "unclassified".
ATTUNE_EXPORT std::string_view to_string(attachment_style s) noexcept;
/// Parses a style name (case-insensitive; also "dismissing-avoidant", "fearful-avoidant").
ATTUNE_EXPORT std::optional<attachment_style> parse_attachment_style(std::string_view s) noexcept;
/// The quadrant rule: (high anxiety?, high avoidance?) -> style (Brennan, Clark & Shaver 1998).
ATTUNE_EXPORT attachment_style quadrant_style(bool high_anxiety, bool high_avoidance) noexcept;

/// Classification methods. The first six work on two dimension scores (`classify`); `rq` and
/// `raas` have their own functions (`classify_rq`, `classify_raas`).
enum class classify_method { fisher, midpoint, median, norms, kmeans, prototypes, rq, raas };
/// "fisher", "midpoint", "median", "norms", "kmeans", "prototypes", "rq", "raas".
ATTUNE_EXPORT std::string_view to_string(classify_method m) noexcept;
/// Parses a method name (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<classify_method> parse_classify_method(std::string_view s) noexcept;

/// Brennan, Clark & Shaver (1998) Fisher classification function coefficients for ECR means on
/// the 1-7 scale, in `all_styles` order: f = avoidance_coef * Avoid + anxiety_coef * Anx + constant.
/// Source: about ten independent public scoring scripts that agree (the original SPSS syntax
/// was not found; Brennan, Clark & Shaver 1998, in Simpson & Rholes (Eds.), Attachment theory and
/// close relationships, pp. 46-76, Guilford): SECONDARY.
struct ATTUNE_EXPORT fisher_function {
  attachment_style style;
  double avoidance_coef;
  double anxiety_coef;
  double constant;
};
/// The four functions (secure, preoccupied, dismissing, fearful).
ATTUNE_EXPORT const std::array<fisher_function, 4>& brennan_fisher_functions() noexcept;

/// A user-given prototype point for the `prototypes` method.
struct ATTUNE_EXPORT style_prototype {
  attachment_style style = attachment_style::secure;
  double anxiety = 0.0;
  double avoidance = 0.0;
};

/// What to do with a score exactly on a split's cut.
enum class cut_tie { low, unclassified };
/// "low", "unclassified".
ATTUNE_EXPORT std::string_view to_string(cut_tie t) noexcept;
/// Parses a name of `to_string(cut_tie)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<cut_tie> parse_cut_tie(std::string_view s) noexcept;

/// Most k-means starts and iterations per start `classify_options` accepts (the work is
/// starts x iterations x N; 1,000 x 10,000 x 100,000 respondents is already hours).
inline constexpr int max_kmeans_starts = 1000;
inline constexpr int max_kmeans_iterations = 10000;

/// Options of `classify`.
struct ATTUNE_EXPORT classify_options {
  classify_method method = classify_method::midpoint;
  /// The response range of the scores (item means). Needed by `midpoint` (cut = its midpoint)
  /// and `fisher` (must be 1-7 unless `rescale_to_1_7`; required there, because 1-5 data would
  /// otherwise pass unnoticed); when set, a score outside it is an error.
  std::optional<response_range> range;
  /// `fisher` only: map scores linearly from `range` onto 1-7 first (x' = 1 + 6 (x - min) /
  /// (max - min)); the result says so (`rescaled`). Without it a range other than 1-7 is an error.
  bool rescale_to_1_7 = false;
  /// Standard errors of measurement of the anxiety and avoidance scores (same units as the
  /// scores, after any rescaling is undone: they are given on the input scale). NaN = unknown:
  /// then no boundary distances are computed.
  double sem_anxiety = std::numeric_limits<double>::quiet_NaN();
  double sem_avoidance = std::numeric_limits<double>::quiet_NaN();
  /// `norms`: the norm means used as cuts (e.g. from a norm table, change.hpp).
  double norm_anxiety_mean = std::numeric_limits<double>::quiet_NaN();
  double norm_avoidance_mean = std::numeric_limits<double>::quiet_NaN();
  /// Split methods: a score exactly on the cut is "low" (the `> cut = high` convention of public
  /// ECR-S code: > 4 = high on the 1-7 scale) or unclassified.
  cut_tie on_cut = cut_tie::low;
  /// `kmeans`: random starts (k-means++ seeding, 1..max_kmeans_starts), iteration limit per start
  /// (1..max_kmeans_iterations), seed. The clustering runs on the scores times a power of two that
  /// brings them near 1, so scores of any magnitude (1e200, 1e-170, denormals) give the clusters of
  /// the same data in other units.
  int kmeans_starts = 50;
  int kmeans_max_iterations = 100;
  std::uint64_t seed = 20240501;
  /// `prototypes`: 2-4 points with distinct styles; each respondent gets the nearest one's style.
  std::vector<style_prototype> prototypes;
  /// `fisher`: a respondent whose highest probability is below this counts as uncertain.
  double probability_threshold = 0.8;

  /// @throws attune::error (invalid_argument) naming the field, value and rule.
  void validate() const;
};

/// Per-respondent styles with their uncertainty, and a summary.
struct ATTUNE_EXPORT classification {
  classify_method method = classify_method::midpoint;
  std::vector<attachment_style> styles;  ///< per respondent, input order
  Eigen::VectorXd anxiety;               ///< the scores as given (input scale)
  Eigen::VectorXd avoidance;
  /// `fisher`: N x 4 function values and softmax probabilities (equal priors), columns in
  /// `all_styles` order; NaN rows for missing scores. Empty for other methods.
  Eigen::MatrixXd function_values;
  Eigen::MatrixXd probabilities;
  /// Distance from the respondent's point to the nearest boundary of its style's region, in
  /// SEM units (each dimension divided by its SEM; Euclidean in that plane, so for a split it is
  /// min(|anx - cut_anx| / SEM_anx, |avo - cut_avo| / SEM_avo)). NaN when unknown.
  Eigen::VectorXd boundary_distance_sem;
  /// Whether a move of at most one SEM could change the style (distance <= 1); nullopt when the
  /// distance is unknown.
  std::vector<std::optional<bool>> could_flip;
  double anxiety_cut = std::numeric_limits<double>::quiet_NaN();    ///< split methods
  double avoidance_cut = std::numeric_limits<double>::quiet_NaN();  ///< split methods
  /// `kmeans`/`prototypes`: the points (input scale) whose nearest one gives the style, with
  /// their styles; `kmeans` also its within-cluster sum of squares.
  std::vector<style_prototype> centers;
  double within_ss = std::numeric_limits<double>::quiet_NaN();
  bool rescaled = false;  ///< `fisher`: scores were mapped onto 1-7 first
  double sem_anxiety = std::numeric_limits<double>::quiet_NaN();
  double sem_avoidance = std::numeric_limits<double>::quiet_NaN();

  // Summary.
  std::size_t n = 0;                       ///< respondents with both scores (effective N)
  std::array<std::size_t, 4> counts{};     ///< per style, `all_styles` order
  std::size_t n_unclassified = 0;          ///< includes missing scores and ties on a cut
  std::size_t n_near_boundary = 0;         ///< could flip within one SEM (0 when SEM unknown)
  std::size_t n_uncertain = 0;             ///< `fisher`: highest probability < threshold
  std::size_t n_on_cut = 0;                ///< split methods: respondents exactly on a cut (not in JSON)
  std::string note;                        ///< the dimensional-use note
  std::vector<std::string> warnings;
};

/// The dimensional-use note carried by every classification.
ATTUNE_EXPORT std::string_view dimensional_use_note() noexcept;

/// Classifies N respondents from their anxiety and avoidance scores (NaN = not scoreable ->
/// unclassified). Cost O(N) (median O(N log N); kmeans O(starts * iterations * N)).
/// @throws attune::error (invalid_argument) for bad options, lengths that differ, a missing
///         range/cut/prototype the method needs, a fisher range other than 1-7 without rescaling;
///         (bad_input) for a score outside the range (naming the row and value);
///         (insufficient_data) for median/kmeans without enough scored respondents.
ATTUNE_EXPORT classification classify(const Eigen::Ref<const Eigen::VectorXd>& anxiety,
                                      const Eigen::Ref<const Eigen::VectorXd>& avoidance,
                                      const classify_options& options);

/// Adds the summary of `part` (further respondents classified by `classify` with the same
/// `options`, e.g. the next chunk of a file) to `total`: n, counts, unclassified, near-boundary,
/// uncertain and on-cut counts, and the on-cut warning with the summed count. The per-respondent
/// members of `total` are left as they are. For the methods whose rule does not depend on the
/// sample: `fisher`, `midpoint`, `norms`, `prototypes`.
/// @throws attune::error (invalid_argument) for `median` or `kmeans`, whose cuts need every row.
ATTUNE_EXPORT void merge_summary(classification& total, const classification& part, const classify_options& options);

/// Fisher function values for one point on the 1-7 scale, `all_styles` order.
ATTUNE_EXPORT std::array<double, 4> fisher_values(double anxiety, double avoidance) noexcept;
/// Softmax of the function values (equal priors): p_k = exp(f_k - max f) / sum exp(f_j - max f).
ATTUNE_EXPORT std::array<double, 4> fisher_probabilities(const std::array<double, 4>& values) noexcept;

// ---------------------------------------------------------------------------------------------
// RQ: Bartholomew & Horowitz (1991) Relationship Questionnaire.

/// How an RQ style was decided.
enum class rq_decision {
  highest,        ///< one prototype rated highest
  forced_choice,  ///< highest ratings tied; the forced choice (one of them) broke the tie
  tie,            ///< highest ratings tied and no usable forced choice: unclassified
  missing,        ///< a rating is missing: unclassified
};
/// "highest", "forced_choice", "tie", "missing".
ATTUNE_EXPORT std::string_view to_string(rq_decision d) noexcept;
/// Parses a name of `to_string(rq_decision)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<rq_decision> parse_rq_decision(std::string_view s) noexcept;

/// RQ classification of N respondents.
struct ATTUNE_EXPORT rq_classification {
  std::vector<attachment_style> styles;
  std::vector<rq_decision> decisions;
  std::vector<int> n_tied;          ///< how many prototypes share the highest rating (0 if missing)
  Eigen::VectorXd margin;           ///< highest minus second-highest rating (0 on a tie; NaN missing)
  Eigen::VectorXd model_of_self;    ///< (secure + dismissing) - (preoccupied + fearful)
  Eigen::VectorXd model_of_other;   ///< (secure + preoccupied) - (dismissing + fearful)
  std::size_t n = 0;                ///< respondents with all four ratings
  std::array<std::size_t, 4> counts{};
  std::size_t n_unclassified = 0;
  std::size_t n_forced_choice_used = 0;
  std::size_t n_forced_choice_agrees = 0;  ///< forced choice equals a unique highest rating
  std::size_t n_forced_choice_given = 0;   ///< with a unique highest rating and a forced choice
  std::size_t n_missing = 0;               ///< respondents with a missing rating (unclassified; not in JSON)
  std::string note;
  std::vector<std::string> warnings;
};

/// Bartholomew's rule (her SFU self-report measures page, AUTHOR; Bartholomew & Horowitz 1991, JPSP
/// 61:226-244):
/// the prototype rated highest; if the highest ratings tie, the participant's forced choice
/// when it is one of the tied prototypes; otherwise (no forced choice, or one outside the tie;
/// three- and four-way ties included) unclassified. Model of self and model of other after
/// Griffin & Bartholomew (1994; SECONDARY).
/// @param ratings N x 4 ratings in the order secure, fearful, preoccupied, dismissing (the RQ
///        item order of the built-in instrument); NaN = missing.
/// @param forced_choice empty, or one per respondent (`unclassified` = no answer).
/// @throws attune::error (invalid_argument) when the shapes do not match.
ATTUNE_EXPORT rq_classification classify_rq(const Eigen::Ref<const Eigen::MatrixXd>& ratings,
                                            const std::vector<attachment_style>& forced_choice = {});

/// Adds the summary of `part` (further respondents classified by `classify_rq`, e.g. the next
/// chunk of a file) to `total`: n, counts, unclassified, missing and forced-choice counts, and the
/// missing-rating warning with the summed count. The per-respondent members of `total` are left
/// as they are (Bartholomew's rule is each respondent's own: the chunks' summaries add up to the
/// whole file's).
ATTUNE_EXPORT void merge_summary(rq_classification& total, const rq_classification& part);

/// Parses an RQ forced-choice answer: a style name, or 1-4 in the RQ item order (1 secure,
/// 2 fearful, 3 preoccupied, 4 dismissing). Empty/NA -> `unclassified` (no answer).
/// @returns nullopt for anything else.
ATTUNE_EXPORT std::optional<attachment_style> parse_rq_forced_choice(std::string_view s) noexcept;

// ---------------------------------------------------------------------------------------------
// Revised AAS: Collins (1996).

/// Options of `classify_raas`.
struct ATTUNE_EXPORT raas_options {
  double midpoint = 3.0;  ///< the 1-5 scale's midpoint (Collins' rule)
  /// SEMs of the close-depend composite and of anxiety (NaN = unknown).
  double sem_close_depend = std::numeric_limits<double>::quiet_NaN();
  double sem_anxiety = std::numeric_limits<double>::quiet_NaN();
  /// A score within this of the midpoint counts as exactly on it (floating-point means such as
  /// (17/6 + 19/6) / 2).
  double tolerance = 1e-9;
  /// @throws attune::error (invalid_argument).
  void validate() const;
};

/// Revised AAS classification. `styles`, `boundary_distance_sem`, `could_flip`, counts as in
/// `classification`; `anxiety` holds the anxiety scores and `avoidance` the close-depend
/// composite (note: high close-depend = LOW avoidance); `anxiety_cut`/`avoidance_cut` = 3.
/// Collins' rule (TestScorer 1.7.2 TST_RAAS.r quoting the author; SECONDARY): CD > 3 and
/// Anx < 3 secure; CD > 3 and Anx > 3 preoccupied; CD < 3 and Anx < 3 dismissing; CD < 3 and
/// Anx > 3 fearful; otherwise (a score on 3, or missing) not classifiable.
/// @throws attune::error (invalid_argument) for lengths that differ.
ATTUNE_EXPORT classification classify_raas(const Eigen::Ref<const Eigen::VectorXd>& close_depend,
                                           const Eigen::Ref<const Eigen::VectorXd>& anxiety,
                                           const raas_options& options = {});

ATTUNE_END_NAMESPACE
