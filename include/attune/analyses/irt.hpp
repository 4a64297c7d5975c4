/// @file irt.hpp
/// Item response theory (analyses layer): Samejima's graded response model for one
/// unidimensional scale at a time - estimation by marginal maximum likelihood, person scores,
/// information and reliability, item and person fit, and seeded simulation.
///
/// Model (Samejima 1969), in mirt's slope-intercept form: for an item with K ordered categories
/// c = 0..K-1 (index 0 = the lowest answer after reverse keying; see `bank_item`),
///     P(X >= k | theta) = 1 / (1 + exp(-(a theta + d_k))),  k = 1..K-1,  d_1 > d_2 > ... > d_{K-1},
///     P(X = c | theta) = P(X >= c) - P(X >= c+1)  (P(X >= 0) = 1, P(X >= K) = 0),
/// theta ~ N(0, 1) in the population (this fixes the scale). Classical form: a / D and
/// b_k = -d_k / a.
///
/// Estimation: marginal maximum likelihood by EM (Bock & Aitkin 1981) over a fixed quadrature;
/// the E-step runs over the unique response patterns, in parallel over fixed blocks of patterns
/// whose partial sums are added in block order, so results are bit-identical for any thread count.
/// Standard errors: the observed information of the marginal likelihood by Louis' (1982) identity,
/// exact on the quadrature. docs/irt.md gives every formula, default and reference.
///
/// Orientation: rows = respondents, columns = the scale's items (in `items` order), NaN = missing
/// answer; answers are the raw values listed in each item's categories.
/// Errors: `attune::error` (invalid_argument for options, bad_input for answers that are not
/// categories, insufficient_data for too few items or respondents, a constant item or an unused
/// category). Odd but valid outcomes (a slope at its bound, no convergence, two items) are
/// warnings in the result.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"
#include "attune/keys/item_bank.hpp"

ATTUNE_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Quadrature

/// How the N(0, 1) latent distribution is discretised.
enum class quadrature_rule {
  /// `points` equally spaced nodes on [lower, upper], weights = the N(0, 1) density at the nodes,
  /// normalised to sum 1 (mirt's default: 61 points on [-6, 6] for fitting, 121 for scores).
  equally_spaced,
  /// Gauss-Hermite nodes and weights for the N(0, 1) density (Golub & Welsch 1969); `lower` and
  /// `upper` are ignored.
  gauss_hermite,
};
/// "equally_spaced" / "gauss_hermite".
ATTUNE_EXPORT std::string_view to_string(quadrature_rule r) noexcept;
ATTUNE_EXPORT std::optional<quadrature_rule> parse_quadrature_rule(std::string_view s) noexcept;

/// A quadrature rule's settings.
struct ATTUNE_EXPORT quadrature_options {
  quadrature_rule rule = quadrature_rule::equally_spaced;
  int points = 61;       ///< number of nodes, 3..2001 (Gauss-Hermite: 2..200)
  double lower = -6.0;   ///< first node (equally spaced only)
  double upper = 6.0;    ///< last node (equally spaced only)
  /// @throws attune::error (invalid_argument) naming the field, e.g. "quadrature_options.points = 1".
  void validate() const;
};

/// Nodes and weights (summing to 1) that stand for the N(0, 1) distribution.
struct ATTUNE_EXPORT quadrature {
  Eigen::VectorXd nodes;
  Eigen::VectorXd weights;
};

/// The quadrature of `options`. @throws attune::error (invalid_argument).
ATTUNE_EXPORT quadrature make_quadrature(const quadrature_options& options);

// ---------------------------------------------------------------------------------------------
// Estimation

/// What to do with a category no respondent chose.
enum class unused_category_rule {
  error,  ///< an error naming the item and the category (default: never collapse silently)
  drop,   ///< leave the category out of that item's model, with a warning (the item's categories then list only those kept)
};
ATTUNE_EXPORT std::string_view to_string(unused_category_rule r) noexcept;
ATTUNE_EXPORT std::optional<unused_category_rule> parse_unused_category_rule(std::string_view s) noexcept;

/// How the EM iterations are accelerated.
enum class em_acceleration {
  none,     ///< plain EM (Bock & Aitkin 1981)
  squarem,  ///< SQUAREM (Varadhan & Roland 2008, scheme S3) with a monotone safeguard (default)
};
ATTUNE_EXPORT std::string_view to_string(em_acceleration a) noexcept;
ATTUNE_EXPORT std::optional<em_acceleration> parse_em_acceleration(std::string_view s) noexcept;

/// Where the EM starts.
enum class grm_start {
  /// From a one-factor minres solution of the polychoric correlations: a = 1.702 l / sqrt(1 - l^2),
  /// d_k = -1.702 tau_k / sqrt(1 - l^2) with the polychoric thresholds tau (|l| capped at 0.9).
  polychoric,
  /// mirt's defaults: loading 0.5 (a = 0.851) and d_k = 1.965 qnorm(P(X >= k)). Also the fallback
  /// when the polychoric start cannot be formed (a warning says why).
  simple,
};
ATTUNE_EXPORT std::string_view to_string(grm_start s) noexcept;
ATTUNE_EXPORT std::optional<grm_start> parse_grm_start(std::string_view s) noexcept;

/// How the standard errors of the item parameters were computed.
enum class standard_error_method {
  none,   ///< not computed
  louis,  ///< inverse of the observed information of the marginal likelihood (Louis 1982), exact on the quadrature
};
ATTUNE_EXPORT std::string_view to_string(standard_error_method m) noexcept;
ATTUNE_EXPORT std::optional<standard_error_method> parse_standard_error_method(std::string_view s) noexcept;

/// An item as the estimation sees it before it has parameters.
struct ATTUNE_EXPORT grm_item_spec {
  std::string id;                  ///< item id
  std::vector<double> categories;  ///< answer values, increasing; empty = the integers from the item's lowest to its highest observed answer (a warning says so)
  bool reversed = false;           ///< reverse keyed: the highest value is the lowest category
};

/// Options of `fit_graded`.
struct ATTUNE_EXPORT grm_options {
  std::string scale = "scale";           ///< name of the scale (the result's `name`, the bank items' `scale`)
  std::vector<grm_item_spec> items;      ///< one per data column; empty = ids "item1".., categories from the data
  unused_category_rule unused_categories = unused_category_rule::error;
  quadrature_options quadrature{};       ///< default: 61 equally spaced points on [-6, 6] (mirt)
  em_acceleration acceleration = em_acceleration::squarem;
  grm_start start = grm_start::polychoric;
  int max_iterations = 500;              ///< E-steps (mirt NCYCLES = 500)
  double tolerance = 1e-4;               ///< converged when max |p_new - p_old| over all parameters < tolerance after an EM step (mirt's TOL)
  double max_slope = 20.0;               ///< |slope| bound; an item that reaches it gets a warning
  bool standard_errors = true;           ///< observed-information SEs (Louis 1982); cost O(items^2 x patterns x nodes)
  bool item_fit = true;                  ///< S-X2 per item (complete cases)
  double min_expected = 1.0;             ///< S-X2: smallest expected cell count before cells are merged (mirt `mincell`)
  int threads = 0;                       ///< 0 = all cores; results never depend on it
  /// Reports ("grm": E-steps, total unknown) and cancel flag, read every E-step (core/progress.hpp).
  progress_options progress;
  /// @throws attune::error (invalid_argument) naming the field, e.g. "grm_options.max_iterations = 0: must be >= 1".
  void validate() const;
};

/// Standard errors of one item's parameters (NaN when not computed or not estimable).
struct ATTUNE_EXPORT grm_item_se {
  double slope = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> intercepts;
  double a = std::numeric_limits<double>::quiet_NaN();  ///< = se(slope) / D
  std::vector<double> b;                                ///< delta method: b_k = -d_k / slope
};

/// Orlando & Thissen's (2000) S-X2 item fit, generalised to polytomous items (Kang & Chen 2008).
struct ATTUNE_EXPORT sx2_item_fit {
  double s_x2 = std::numeric_limits<double>::quiet_NaN();   ///< the statistic
  int df = 0;                                                ///< cells - score groups - item parameters (after merging)
  double p = std::numeric_limits<double>::quiet_NaN();       ///< upper chi-square tail; NaN when df < 1
  double rmsea = std::numeric_limits<double>::quiet_NaN();   ///< sqrt(max(0, (S-X2 - df) / (df (n - 1))))
  std::size_t n = 0;                                         ///< respondents used (complete cases)
};

/// One item of a fitted scale.
struct ATTUNE_EXPORT grm_item_estimate {
  std::string item;                ///< item id
  std::vector<double> categories;  ///< the answer values modelled (after any dropped category)
  bool reversed = false;
  double slope = 0;                ///< a (slope-intercept)
  std::vector<double> intercepts;  ///< d_1 > d_2 > ...
  double a = 0;                    ///< classical a = slope / D (D = 1 here)
  std::vector<double> b;           ///< classical b_k = -d_k / slope
  grm_item_se se;
  std::optional<sx2_item_fit> fit; ///< S-X2, when grm_options.item_fit
  std::size_t n = 0;               ///< respondents who answered the item
};

/// The result of `fit_graded`: one unidimensional scale.
struct ATTUNE_EXPORT grm_fit_result {
  std::string name;                 ///< the scale's name (grm_options.scale)
  std::size_t n = 0;                ///< respondents used: those who answered at least one item
  std::size_t patterns = 0;         ///< unique response patterns (missing answers included in the pattern)
  int parameters = 0;               ///< free parameters: sum over items of K (one slope, K-1 intercepts)
  double loglik = std::numeric_limits<double>::quiet_NaN();  ///< marginal log-likelihood at the estimate
  double aic = std::numeric_limits<double>::quiet_NaN();     ///< -2 loglik + 2 parameters
  double bic = std::numeric_limits<double>::quiet_NaN();     ///< -2 loglik + parameters log(n)
  int iterations = 0;               ///< E-steps performed (passes over the patterns)
  bool converged = false;           ///< max |change| < tolerance before max_iterations
  double max_change = std::numeric_limits<double>::quiet_NaN();  ///< largest parameter change of the last EM step
  std::vector<double> loglik_trace; ///< log-likelihood of each accepted parameter vector, in order (non-decreasing)
  double marginal_reliability = std::numeric_limits<double>::quiet_NaN();   ///< `marginal_reliability(items)` at the estimate
  double empirical_reliability = std::numeric_limits<double>::quiet_NaN();  ///< var(EAP) / (var(EAP) + mean(posterior var)) over the respondents (fitting quadrature)
  grm_start start_values = grm_start::polychoric;  ///< the start actually used
  standard_error_method se_method = standard_error_method::louis;
  quadrature_rule quadrature = quadrature_rule::equally_spaced;
  int quadrature_points = 0;
  std::vector<grm_item_estimate> items;
  Eigen::MatrixXd covariance;       ///< parameters x parameters (item by item: slope, then intercepts); empty without SEs
  std::vector<std::string> warnings;
};

/// Fits the graded response model to one scale by marginal maximum likelihood (EM).
///
/// E-step (Bock & Aitkin 1981): for each unique pattern, the posterior over the nodes; expected
/// counts r_jcq = sum over patterns of count x posterior at q, for the category c each answered
/// item j took (a missing answer drops out of that person's likelihood). M-step: per item,
/// Newton-Raphson with step halving on sum_qc r_jcq log P_jc(theta_q), which is concave in (a, d)
/// (Pratt 1981), keeping the intercepts strictly ordered and |a| <= max_slope. SQUAREM
/// extrapolations are kept only when they raise the log-likelihood. Convergence: the largest
/// change of any parameter in one EM step < tolerance (mirt's rule). Standard errors: see
/// `standard_error_method::louis`.
///
/// @throws attune::error invalid_argument (options; `items` size differs from the columns),
///   bad_input (an answer that is not one of its item's categories, naming row, item and value),
///   insufficient_data (fewer than 2 items; no respondent with an answer; an item nobody
///   answered; a constant item; an unused category under `unused_category_rule::error`).
/// Warnings: two items (the model is not identified), a slope at max_slope, a negative slope
/// (reverse key?), no convergence, respondents without answers, singular information.
/// Cost: O(iterations x patterns x items x nodes), plus O(items^2 x patterns x nodes) for SEs.
ATTUNE_EXPORT grm_fit_result fit_graded(const Eigen::MatrixXd& answers, const grm_options& options = {});

/// The fitted items as bank items of scale `fit.name` (ids, categories, keys, parameters).
ATTUNE_EXPORT std::vector<bank_item> bank_items(const grm_fit_result& fit);

/// The marginal log-likelihood of `answers` (columns = `items`) under fixed parameters, over
/// `quadrature`: sum over respondents of log sum_q w_q prod_j P_j(x_ij | theta_q) (respondents
/// without answers contribute 0). @throws as `fit_graded` for answers that are not categories.
ATTUNE_EXPORT double graded_loglik(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers,
                                   const quadrature_options& quadrature = {});

// ---------------------------------------------------------------------------------------------
// Person scores

/// How a respondent's theta is estimated.
enum class theta_method {
  eap,      ///< posterior mean and posterior SD over the quadrature (default; mirt fscores)
  map,      ///< posterior mode by Newton; SE = 1 / sqrt(observed information including the prior)
  ml,       ///< likelihood maximum; all-lowest / all-highest patterns give -inf / +inf (SE NaN)
  eap_sum,  ///< EAP of the sum score (Thissen et al. 1995), by the Lord-Wingersky recursion
};
/// "eap" / "map" / "ml" / "eap_sum".
ATTUNE_EXPORT std::string_view to_string(theta_method m) noexcept;
/// Parses "eap", "map", "ml", "eap_sum" (also "eapsum").
ATTUNE_EXPORT std::optional<theta_method> parse_theta_method(std::string_view s) noexcept;

/// Options of `score_graded`.
struct ATTUNE_EXPORT grm_score_options {
  theta_method method = theta_method::eap;
  quadrature_options quadrature{quadrature_rule::equally_spaced, 121, -6.0, 6.0};  ///< EAP / EAP-sum grid (mirt fscores: 121 on [-6, 6])
  double prior_mean = 0.0;       ///< of the normal prior (EAP, MAP, EAP-sum)
  double prior_sd = 1.0;
  bool ml_map_fallback = false;  ///< ML: give infinite estimates the MAP estimate instead (counted in a warning)
  double max_theta = 20.0;       ///< ML: |theta| beyond this is reported as +-inf (mirt max_theta)
  int max_iterations = 100;      ///< Newton iterations for MAP / ML
  int threads = 0;               ///< 0 = all cores; results never depend on it
  /// @throws attune::error (invalid_argument) naming the field.
  void validate() const;
};

/// Person scores on one scale.
struct ATTUNE_EXPORT grm_scores {
  std::string scale;               ///< the items' scale
  theta_method method = theta_method::eap;
  Eigen::VectorXd theta;           ///< per respondent; +-inf for extreme ML patterns; NaN without answers
  Eigen::VectorXd se;              ///< EAP: posterior SD; MAP/ML: 1/sqrt(observed information); NaN for infinite theta
  Eigen::VectorXi answered;        ///< items answered per respondent
  std::size_t n = 0;               ///< respondents with at least one answer
  std::size_t infinite = 0;        ///< ML estimates that are +-inf
  std::size_t fallbacks = 0;       ///< ML estimates replaced by MAP (ml_map_fallback)
  std::vector<std::string> warnings;
};

/// Scores the respondents (rows of `answers`, columns = `items`) from fixed parameters.
/// EAP: theta = sum_q x_q L(x_q) w_q / sum_q L(x_q) w_q, SD likewise (Bock & Mislevy 1982).
/// MAP/ML: Newton-Raphson with step halving from the EAP, SE from -d^2/dtheta^2 log L (+ prior).
/// EAP-sum: the `sum_score_table` of the respondent's answered items (one table per set of
/// answered items, cached).
/// @throws attune::error bad_input (an answer that is not a category; invalid items),
///   invalid_argument (options; column count differs from items).
/// Cost: O(respondents x items x nodes), parallel over blocks of respondents.
ATTUNE_EXPORT grm_scores score_graded(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers,
                                      const grm_score_options& options = {});

/// Scores every scale of a bank: `answers` has one column per bank item, in bank order.
ATTUNE_EXPORT std::vector<grm_scores> score_item_bank(const item_bank& bank, const Eigen::MatrixXd& answers,
                                                      const grm_score_options& options = {});

/// One row of the sum-score table.
struct ATTUNE_EXPORT sum_score_row {
  int score = 0;                 ///< sum of the 0-based categories (after reverse keying)
  double raw = std::numeric_limits<double>::quiet_NaN();  ///< the same sum in answer values when every item's categories are consecutive integers (reversed items counted on their keyed values), else NaN
  double eap = 0;                ///< E(theta | score)
  double sd = 0;                 ///< SD(theta | score)
  double probability = 0;        ///< model-implied P(score)
};

/// The sum-score to EAP table (Thissen, Pommerich, Billeaud & Williams 1995).
struct ATTUNE_EXPORT sum_score_table {
  std::vector<sum_score_row> rows;  ///< scores 0..sum_j (K_j - 1)
};

/// The EAP and SD of theta for each sum score, from the Lord & Wingersky (1984) recursion:
/// L_s^{(j)}(theta) = sum_c L_{s-c}^{(j-1)}(theta) P_jc(theta) over the items, at every node.
/// Cost: O(nodes x items x max score x K).
ATTUNE_EXPORT sum_score_table sum_score_eap(const std::vector<bank_item>& items, const grm_score_options& options = {});

// ---------------------------------------------------------------------------------------------
// Information and reliability

/// Item and test information on a theta grid.
struct ATTUNE_EXPORT grm_information {
  Eigen::VectorXd theta;   ///< the grid
  Eigen::MatrixXd items;   ///< grid points x items: I_j(theta) = sum_c (dP_jc/dtheta)^2 / P_jc (Samejima 1969)
  Eigen::VectorXd test;    ///< sum over items
  Eigen::VectorXd se;      ///< 1 / sqrt(test information) (no prior)
};

/// Information of `items` at each value of `theta`. Cost O(grid x items x K).
ATTUNE_EXPORT grm_information graded_information(const std::vector<bank_item>& items, const Eigen::VectorXd& theta);

/// Marginal reliability (Thissen & Wainer 2001; the same as mirt's `marginal_rxx` for the N(0, 1)
/// prior): rho = integral over theta of I(theta) / (I(theta) + 1) phi(theta), by adaptive
/// Gauss-Kronrod quadrature (15 points, to 1e-10) on (-inf, inf).
ATTUNE_EXPORT double marginal_reliability(const std::vector<bank_item>& items);

/// Empirical reliability (mirt `empirical_rxx`): var(theta) / (var(theta) + mean(se^2)), over
/// the respondents whose theta and se are finite; var with denominator n - 1. NaN for fewer than 2.
ATTUNE_EXPORT double empirical_reliability(const Eigen::VectorXd& theta, const Eigen::VectorXd& se);

// ---------------------------------------------------------------------------------------------
// Fit

/// Options of `item_fit_sx2`.
struct ATTUNE_EXPORT sx2_options {
  quadrature_options quadrature{};  ///< 61 points on [-6, 6], as the fit
  double min_expected = 1.0;        ///< merge cells with expected count below this (mirt `mincell`)
  int threads = 0;
  void validate() const;
};

/// S-X2 of every item, with the respondents' warnings.
struct ATTUNE_EXPORT sx2_result {
  std::vector<sx2_item_fit> items;
  std::size_t n = 0;                ///< complete cases used
  std::vector<std::string> warnings;
};

/// Orlando & Thissen's (2000) S-X2 for each item, polytomous form (Kang & Chen 2008): respondents
/// are grouped by their sum score s (0-based categories); in each group the observed count of
/// each category c of item j is compared with the expected N_s E_jcs,
///     E_jcs = integral P_jc(theta) f_{-j}(s - c | theta) phi / integral f(s | theta) phi,
/// where f and f_{-j} are the Lord-Wingersky score distributions with and without item j.
/// Cells with expected count below `min_expected` are merged within their score group with the
/// neighbouring category whose expected count is smaller (smallest first), until every cell
/// reaches it or one cell is left; S-X2 = sum (O - E)^2 / E over the cells, df = cells - groups -
/// K_j. Missing answers: only complete cases are used (the sum score is not defined otherwise);
/// a warning gives how many were left out.
/// @throws as `score_graded`.
ATTUNE_EXPORT sx2_result item_fit_sx2(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers,
                                      const sx2_options& options = {});

/// Person fit lz per respondent.
struct ATTUNE_EXPORT person_fit_result {
  Eigen::VectorXd lz;        ///< per respondent; NaN for infinite/NaN theta, fewer than 2 answers or zero variance
  Eigen::VectorXd l0;        ///< the log-likelihood of the answers at theta
  Eigen::VectorXd expected;  ///< E(l0) at theta (NaN where lz is)
  Eigen::VectorXd variance;  ///< Var(l0) at theta (NaN where lz is); with `expected`, scales combine into the multi-test lz
  Eigen::VectorXi answered;
  std::size_t n = 0;         ///< respondents with a finite lz
  std::vector<std::string> warnings;
};

/// The standardised log-likelihood person-fit statistic lz of Drasgow, Levine & Williams (1985),
/// polytomous form: over the answered items, l0 = sum_j log P_j(x_j | theta),
/// E = sum_j sum_c P_jc log P_jc, V = sum_j [sum_c P_jc (log P_jc)^2 - (sum_c P_jc log P_jc)^2],
/// lz = (l0 - E) / sqrt(V). Large negative values flag misfit. `theta` is one estimate per row
/// (e.g. `score_graded(...).theta`). @throws invalid_argument for sizes, bad_input for answers.
ATTUNE_EXPORT person_fit_result person_fit_lz(const std::vector<bank_item>& items, const Eigen::MatrixXd& answers,
                                              const Eigen::VectorXd& theta);

// ---------------------------------------------------------------------------------------------
// Simulation

/// Options of `simulate_graded`.
struct ATTUNE_EXPORT grm_simulation_options {
  std::size_t n = 1000;           ///< respondents
  std::uint64_t seed = 1;         ///< the same seed gives the same data on every platform and thread count
  double missing_rate = 0.0;      ///< share of answers deleted completely at random, in [0, 1)
  int threads = 0;
  void validate() const;
};

/// Simulated answers and the thetas behind them.
struct ATTUNE_EXPORT grm_simulation {
  std::vector<std::string> scales;  ///< the bank's scales, the columns of `theta`
  Eigen::MatrixXd theta;            ///< n x scales, independent N(0, 1)
  Eigen::MatrixXd answers;          ///< n x bank items, raw answer values (reverse keys applied), NaN = deleted
};

/// Seeded GRM answers from a bank: respondent i uses its own stream `stream_seed(seed, i)` and
/// draws, in order, one N(0, 1) theta per scale (Box-Muller), then per item one uniform u (the
/// category is the number of boundaries with u < P(X >= k | theta)) and, when missing_rate > 0,
/// one uniform for deletion. @throws attune::error (invalid_argument, bad_input for the bank).
ATTUNE_EXPORT grm_simulation simulate_graded(const item_bank& bank, const grm_simulation_options& options = {});

/// Seeded GRM answers for given thetas (rows = respondents, columns = the bank's scales).
ATTUNE_EXPORT Eigen::MatrixXd simulate_graded(const item_bank& bank, const Eigen::MatrixXd& theta,
                                              std::uint64_t seed, double missing_rate = 0.0);

ATTUNE_END_NAMESPACE
