/// @file cat.hpp
/// Computerised adaptive testing (analyses layer) on an item bank of graded-response items:
/// a session that a stateless server can drive one answer at a time (saved to and restored from
/// JSON between requests), and an offline simulator.
///
/// A bank with several scales (anxiety and avoidance on the ECR) runs one theta per scale; the
/// content-balancing rule picks which scale the next item comes from. Each scale's theta is the EAP
/// over a fixed grid (121 points on [-6, 6], N(0, 1) prior), its SE the posterior SD, updated by
/// multiplying the posterior by the answered item's category probability (Bock & Mislevy 1982).
///
/// Selection rules: maximum Fisher information at the current EAP (Lord 1980), maximum
/// posterior-weighted information (van der Linden & Pashley 2000), and Kullback-Leibler
/// information integrated over theta-hat +- delta / sqrt(n) (Chang & Ying 1996). Exposure
/// control: randomesque (Kingsbury & Zara 1989), seeded; the generator's state is part of the saved
/// session, so a restored session draws exactly what the original would have drawn.
///
/// Stop rules (composable; each scale is judged on its own): a scale is finished once it has at
/// least `min_items` items AND (its SE <= `se`, OR it has `max_items` items, OR its last item
/// lowered the SE by less than `se_change`), or when it has no items left. The session is done when
/// every scale is finished or `max_total_items` items have been given.
/// Errors: `attune::error` (invalid_argument for options and misuse, bad_input for a session JSON).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/irt.hpp"
#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"
#include "attune/keys/item_bank.hpp"

ATTUNE_BEGIN_NAMESPACE

/// How the next item is chosen among the candidates of the chosen scale(s).
enum class cat_selection {
  mfi,   ///< maximum Fisher information at the scale's current EAP
  mpwi,  ///< maximum posterior-weighted information: sum_q posterior_q I_j(theta_q)
  kl,    ///< Kullback-Leibler information integrated over [theta - d, theta + d], d = kl_delta / sqrt(max(1, n))
};
/// "mfi" / "mpwi" / "kl".
ATTUNE_EXPORT std::string_view to_string(cat_selection s) noexcept;
ATTUNE_EXPORT std::optional<cat_selection> parse_cat_selection(std::string_view s) noexcept;

/// Which scale the next item comes from, on a bank with several scales.
enum class cat_balance {
  alternate,   ///< round robin over the unfinished scales, in bank order (A, B, A, B, ...)
  largest_se,  ///< the unfinished scale with the largest SE (ties: bank order)
  none,        ///< all unfinished scales' items compete on the selection criterion
};
/// "alternate" / "largest_se" / "none".
ATTUNE_EXPORT std::string_view to_string(cat_balance b) noexcept;
ATTUNE_EXPORT std::optional<cat_balance> parse_cat_balance(std::string_view s) noexcept;

/// The rule that finished a scale or the session.
enum class cat_stop_rule {
  se_reached,       ///< SE <= cat_stop_rules::se
  se_plateau,       ///< the last item lowered the SE by less than cat_stop_rules::se_change
  max_items,        ///< the scale has cat_stop_rules::max_items items
  bank_exhausted,   ///< no items left on the scale
  max_total_items,  ///< the session has cat_stop_rules::max_total_items items
};
/// "se_reached" / "se_plateau" / "max_items" / "bank_exhausted" / "max_total_items".
ATTUNE_EXPORT std::string_view to_string(cat_stop_rule r) noexcept;
ATTUNE_EXPORT std::optional<cat_stop_rule> parse_cat_stop_rule(std::string_view s) noexcept;

/// The stop rules (see the file comment for how they combine). Unset rules never fire.
struct ATTUNE_EXPORT cat_stop_rules {
  std::optional<double> se = 0.3;          ///< stop a scale at this SE (mirtCAT min_SEM = 0.3)
  int min_items = 1;                       ///< per scale: no rule stops a scale before this many items
  std::optional<int> max_items;            ///< per scale
  std::optional<double> se_change;         ///< per scale: stop when an item lowers the SE by less than this
  std::optional<int> max_total_items;      ///< over all scales
};

/// Options of a CAT session.
struct ATTUNE_EXPORT cat_options {
  cat_selection selection = cat_selection::mfi;
  cat_balance balance = cat_balance::alternate;
  int randomesque = 1;               ///< pick at random among the best n candidates (1 = always the best)
  std::uint64_t seed = 1;            ///< seed of the randomesque draws
  double kl_delta = 3.0;             ///< KL: half-width constant of the integration interval (Chang & Ying 1996)
  cat_stop_rules stop{};
  quadrature_options quadrature{quadrature_rule::equally_spaced, 121, -6.0, 6.0};  ///< the EAP grid
  /// @throws attune::error (invalid_argument) naming the field, e.g. "cat_options.randomesque = 0: must be >= 1".
  void validate() const;
};

/// One administered item.
struct ATTUNE_EXPORT cat_response {
  std::string item;   ///< item id
  std::string scale;  ///< its scale
  double value = std::numeric_limits<double>::quiet_NaN();  ///< the answer (NaN: skipped)
  double theta = std::numeric_limits<double>::quiet_NaN();  ///< the scale's EAP after this answer
  double se = std::numeric_limits<double>::quiet_NaN();     ///< the scale's posterior SD after it
};

/// Where one scale of a session stands.
struct ATTUNE_EXPORT cat_scale_status {
  std::string name;
  double theta = 0;   ///< EAP
  double se = 1;      ///< posterior SD
  int items = 0;      ///< items administered on this scale (skipped ones included)
  std::optional<cat_stop_rule> stop;  ///< set when the scale is finished
};

/// An adaptive test in progress. Copyable; not safe to use from two threads at once (one session
/// per respondent; sessions share nothing).
///
/// Typical server loop, one request per answer:
///   auto s = cat_session::restore(bank, saved_json);   // or cat_session(bank, options) at the start
///   s.answer(item_id, value);
///   auto next = s.next_item();                          // nullopt when done()
///   saved_json = s.save();
class ATTUNE_EXPORT cat_session {
 public:
  /// A new session on `bank` (validated; copied, so the bank may go away).
  /// @throws attune::error (bad_input for the bank, invalid_argument for options).
  cat_session(const item_bank& bank, const cat_options& options = {});
  ~cat_session();
  cat_session(const cat_session& other);
  cat_session& operator=(const cat_session& other);
  cat_session(cat_session&&) noexcept;
  cat_session& operator=(cat_session&&) noexcept;

  /// The item to ask next, or nullopt when done(). Selecting it draws from the generator when
  /// randomesque > 1; asking again before `answer` returns the same item (it is pending).
  /// Cost: O(remaining items x grid) for mpwi, O(remaining items x K) for mfi.
  std::optional<std::string> next_item();
  /// Records the answer to `item` (the pending item or any other not yet given), a value among
  /// the item's categories, or NaN for a skipped item (counted as administered; theta unchanged).
  /// @throws attune::error (invalid_argument) for an unknown or already administered item, a
  /// value that is not a category, or a finished session.
  void answer(std::string_view item, double value);

  /// The EAP of `scale` (empty: the only scale; invalid_argument when the bank has several).
  [[nodiscard]] double theta(std::string_view scale = {}) const;
  /// The posterior SD of `scale`.
  [[nodiscard]] double se(std::string_view scale = {}) const;
  /// Every scale's status, in bank order.
  [[nodiscard]] std::vector<cat_scale_status> scales() const;
  /// The administered items, in order.
  [[nodiscard]] const std::vector<cat_response>& history() const;
  /// The item selected but not yet answered, if any.
  [[nodiscard]] std::optional<std::string> pending() const;
  /// True when every scale is finished or max_total_items is reached.
  [[nodiscard]] bool done() const;
  /// The rule that ended the session: max_total_items, or the rule of the last scale to finish.
  [[nodiscard]] std::optional<cat_stop_rule> stop_rule() const;
  [[nodiscard]] const cat_options& options() const;

  /// The session as JSON ("format": "attune-cat-session/1"): the bank's fingerprint, the options,
  /// the generator state, the pending item and the answers. Seeds travel as decimal strings, so
  /// that a JavaScript server cannot round them. Theta and SE are recomputed on restore.
  [[nodiscard]] std::string save() const;
  /// A session restored from `save()` output on the same bank: it continues exactly as the
  /// original would (same items, same draws, bit-identical thetas).
  /// @throws attune::error (bad_input) for invalid JSON, a field that breaks the format (named),
  /// another bank (fingerprints differ) or answers the bank does not allow.
  static cat_session restore(const item_bank& bank, std::string_view json);

 private:
  struct state;
  explicit cat_session(std::unique_ptr<state> s);
  std::unique_ptr<state> s_;
};

/// Options of `simulate_cat`.
struct ATTUNE_EXPORT cat_simulation_options {
  std::size_t n = 1000;     ///< simulated respondents (ignored when answers are given)
  std::uint64_t seed = 1;   ///< respondent i: answers from stream_seed(seed, i); its session's seed from stream_seed(cat.seed, i)
  cat_options cat{};
  int threads = 0;          ///< 0 = all cores; results never depend on it
  progress_options progress;  ///< reports ("cat_simulation": simulees) and cancel flag (core/progress.hpp)
  void validate() const;
};

/// How often a test length occurred.
struct ATTUNE_EXPORT cat_length_count {
  int items = 0;
  std::size_t respondents = 0;
};

/// How often a rule ended a session.
struct ATTUNE_EXPORT cat_stop_count {
  cat_stop_rule rule = cat_stop_rule::se_reached;
  std::size_t respondents = 0;
};

/// Per-scale accuracy of a simulated CAT.
struct ATTUNE_EXPORT cat_simulation_scale {
  std::string name;
  double mean_items = 0;    ///< items per respondent on this scale
  double mean_se = std::numeric_limits<double>::quiet_NaN();       ///< mean final SE
  double rmse_true = std::numeric_limits<double>::quiet_NaN();     ///< sqrt(mean (CAT EAP - true theta)^2); NaN for given answers
  double cor_true = std::numeric_limits<double>::quiet_NaN();      ///< Pearson r of CAT EAP and true theta
  double cor_full_eap = std::numeric_limits<double>::quiet_NaN();  ///< Pearson r of CAT EAP and the full-length EAP
  double rmse_full_eap = std::numeric_limits<double>::quiet_NaN(); ///< sqrt(mean (CAT EAP - full-length EAP)^2)
};

/// The result of `simulate_cat`.
struct ATTUNE_EXPORT cat_simulation_result {
  std::size_t respondents = 0;
  double mean_items = 0;                          ///< items per respondent, all scales
  std::vector<cat_length_count> items_distribution;  ///< test lengths that occurred, ascending
  std::vector<cat_simulation_scale> scales;
  std::vector<cat_stop_count> stop_rules;         ///< how often each rule ended a session (rules that occurred, in enum order)
  Eigen::MatrixXd theta_true;   ///< respondents x scales (NaN for given answers)
  Eigen::MatrixXd theta_cat;    ///< final CAT EAPs
  Eigen::MatrixXd se_cat;       ///< final CAT SEs
  Eigen::MatrixXd theta_full;   ///< full-length EAPs (same grid and prior)
  Eigen::VectorXi items_used;   ///< per respondent, all scales
  std::vector<std::string> warnings;
};

/// Runs the CAT on `options.n` respondents simulated from the bank (`simulate_graded`).
/// Cost: O(n x bank items x grid). @throws attune::error (invalid_argument, bad_input).
ATTUNE_EXPORT cat_simulation_result simulate_cat(const item_bank& bank, const cat_simulation_options& options = {});

/// Runs the CAT on given answers (rows = respondents, columns = bank items in bank order, raw
/// values; NaN: the item counts as skipped when the CAT asks for it).
ATTUNE_EXPORT cat_simulation_result simulate_cat(const item_bank& bank, const Eigen::MatrixXd& answers,
                                                 const cat_simulation_options& options = {});

ATTUNE_END_NAMESPACE
