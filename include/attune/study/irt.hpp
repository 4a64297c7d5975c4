/// @file irt.hpp
/// Item response theory on a data set (study layer): calibrating an item bank (a graded response
/// model per scale), scoring respondents from a bank, the information of a bank on a theta grid,
/// and simulating adaptive tests on a bank (analyses/irt.hpp, analyses/cat.hpp).
///
/// `study_irt_fit` fits Samejima's graded response model to each subscale of an instrument (its
/// items and reverse keys), or to the data's columns as one scale, and returns the item bank with
/// the fit of every scale. Its JSON document is the bank file itself (`attune-item-bank/1`) with
/// the fit report under `fit`, which `item_bank_from_json` reads and ignores (docs/irt.md).
/// `study_irt_score`, `study_irt_info` and `study_cat_simulation` read a bank and use its
/// categories and reverse keys; data columns are matched to the bank's item ids (or chosen with
/// `read_options::items`, in bank order). Answers that are not one of their item's categories
/// follow the out-of-range rule (`scoring_options::out_of_range`): an error naming file, row,
/// column and value, or missing.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/cat.hpp"
#include "attune/analyses/irt.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/analyses/simulate.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "attune/study/input.hpp"

ATTUNE_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Reading answers for a bank

/// Applies the category rule to `data` (columns: the bank's items in bank order) in place: an
/// answer that is not one of its item's `categories` is, under `out_of_range_policy::error`, an
/// error (bad_input, rule "not_a_category") naming file, row, line, column, item and value; under
/// `set_missing` it becomes NaN. Returns how many answers were set missing.
/// @throws attune::error (invalid_argument) when the column count differs from the bank's items.
ATTUNE_EXPORT std::size_t apply_category_rule(const item_bank& bank, responses& data,
                                              out_of_range_policy policy = out_of_range_policy::error);

/// Reads `path` ("-" = standard input) for `bank`: the columns named like its item ids, or those
/// `options.read.items` selects, in bank order. The studies then apply `apply_category_rule` with
/// `options.scoring.out_of_range` (`options.scoring.range` and `min_answered` do not apply: the
/// bank's categories are the rule).
/// @throws attune::error (io_error, bad_input, invalid_argument) naming the file and the rule.
ATTUNE_EXPORT responses read_bank_data(const std::string& path, const item_bank& bank, const input_options& options);

// ---------------------------------------------------------------------------------------------
// Calibration

/// Options of `study_irt_fit`.
struct ATTUNE_EXPORT irt_fit_study_options {
  /// How the data are read and checked: missing codes, the item columns, the out-of-range rule.
  /// The response range (`input.scoring.range`, else the instrument's) gives each item's
  /// categories: the integers from its minimum to its maximum. `min_answered` does not apply (a
  /// missing answer drops out of that person's likelihood).
  input_options input;
  /// Estimation (quadrature, start, tolerance, SEs, S-X2, unused categories, threads). `grm.scale`
  /// names the scale of the data's columns (no instrument); `grm.items` must be empty: the study
  /// sets them from the instrument.
  grm_options grm;
  /// Reverse-keyed columns when the data's columns are the scale (no instrument); an instrument
  /// has its own keys.
  std::vector<std::string> reversed;
  /// Written into the bank; `provenance.n`, when not given, is the number of respondents with at
  /// least one answer on the bank's items.
  bank_provenance provenance;
  std::string licence;  ///< the parameters' licence, written into the bank
  std::string notes;    ///< written into the bank
  /// @throws attune::error (invalid_argument) naming the field, with `error_details::option` set.
  void validate() const;
};

/// What `study_irt_fit` found besides the bank: the `fit` member of the bank document.
struct ATTUNE_EXPORT irt_fit_report {
  std::size_t n_rows = 0;           ///< rows read
  std::size_t n_out_of_range = 0;   ///< answers outside the response range treated as missing
  std::vector<grm_fit_result> scales;  ///< per scale, in bank order
  std::vector<warning> warnings;   ///< the study's own (each scale carries its fit's warnings)
};

/// A calibrated item bank and its fit.
struct ATTUNE_EXPORT irt_fit_study {
  item_bank bank;      ///< the parameters, categories, keys, instrument, provenance and licence
  irt_fit_report fit;  ///< per scale: n, loglik, AIC, BIC, iterations, convergence, reliability, items with SEs and S-X2
};

/// Fits the graded response model to every subscale of `inst` with at least 2 items (one-item
/// subscales are left out with a warning), or with `inst` null to the data's columns as one scale
/// `options.grm.scale`. Item ids are the instrument's (the data's column names without one); an
/// item reverse keyed in its subscale is reversed in the bank.
/// @throws attune::error: invalid_argument for options (an item in two subscales: a bank holds
///   each item once; a range whose ends are not integers); the range rule; as `fit_graded`
///   (naming the scale); insufficient_data when no subscale has 2 items.
ATTUNE_EXPORT irt_fit_study study_irt_fit(const instrument* inst, responses data,
                                          const irt_fit_study_options& options = {});
/// Reads `path` ("-" = standard input) through `read_study_data`, then as above.
ATTUNE_EXPORT irt_fit_study study_irt_fit(const instrument* inst, const std::string& path,
                                          const irt_fit_study_options& options = {});

// ---------------------------------------------------------------------------------------------
// Scores

/// Options of `study_irt_score`.
struct ATTUNE_EXPORT irt_score_study_options {
  /// How the data are read (missing codes, item columns in bank order, id column) and the
  /// category rule (`input.scoring.out_of_range`).
  input_options input;
  /// Method (eap, map, ml, eap_sum), grid, prior, ML fallback, threads.
  grm_score_options scoring;
  void validate() const;
};

/// Theta and its SE per respondent and scale, from a bank's fixed parameters.
struct ATTUNE_EXPORT irt_score_study {
  std::string instrument;           ///< the bank's instrument id (may be empty)
  std::string bank_fingerprint;     ///< `item_bank_fingerprint` of the bank used
  theta_method method = theta_method::eap;
  std::vector<std::string> scales;  ///< the bank's scales, in bank order
  std::string id_column;            ///< the id column's name; empty: rows are numbered
  std::size_t n_rows = 0;           ///< respondents read
  std::size_t n_set_missing = 0;    ///< answers that were not categories, treated as missing
  /// Per respondent: the id (with an id column) and the 1-based data row.
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  /// Per scale: theta, se and answered per respondent; n, infinite, fallbacks and warnings.
  std::vector<grm_scores> scores;
  std::vector<warning> warnings;
};

/// Scores `data` (columns: the bank's items in bank order; see `apply_category_rule`).
/// @throws attune::error as `score_graded`, `apply_category_rule`.
ATTUNE_EXPORT irt_score_study study_irt_score(const item_bank& bank, responses data,
                                              const irt_score_study_options& options = {});
/// Reads `path` through `read_bank_data`, then as above.
ATTUNE_EXPORT irt_score_study study_irt_score(const item_bank& bank, const std::string& path,
                                              const irt_score_study_options& options = {});

// ---------------------------------------------------------------------------------------------
// Information

/// Options of `study_irt_info`: the theta grid theta_min, theta_min + theta_step, ..., theta_max.
struct ATTUNE_EXPORT irt_info_study_options {
  double theta_min = -4.0;
  double theta_max = 4.0;
  double theta_step = 0.5;  ///< > 0; at most 10,001 points
  /// @throws attune::error (invalid_argument) naming the field.
  void validate() const;
};

/// One scale's information.
struct ATTUNE_EXPORT irt_info_scale {
  std::string name;
  std::vector<std::string> items;      ///< its item ids, the columns of `information.items`
  double marginal_reliability = 0.0;   ///< Thissen & Wainer (2001), N(0, 1) prior
  double max_information = 0.0;        ///< the highest test information on the grid
  double theta_at_max = 0.0;           ///< where it is reached (the first such grid point)
  grm_information information;         ///< theta, item and test information, SE = 1 / sqrt(information)
};

/// Item and test information of every scale of a bank on a theta grid.
struct ATTUNE_EXPORT irt_info_study {
  std::string instrument;        ///< the bank's instrument id
  std::string bank_fingerprint;
  std::vector<irt_info_scale> scales;
};

/// Information and SE of every scale of `bank` on the grid. @throws attune::error (invalid_argument, bad_input).
ATTUNE_EXPORT irt_info_study study_irt_info(const item_bank& bank, const irt_info_study_options& options = {});

// ---------------------------------------------------------------------------------------------
// Simulation

/// Answers simulated from a bank's model, as data.
struct ATTUNE_EXPORT irt_simulation_study {
  /// ids R000001, R000002, ...; one column per bank item (bank order, named by the item ids); raw
  /// answer values (reverse keys applied), NaN = deleted at random.
  responses data;
  std::vector<std::string> scales;  ///< the bank's scales, the columns of `theta`
  Eigen::MatrixXd theta;            ///< respondents x scales: the true thetas, independent N(0, 1)
};

/// Seeded GRM answers from `bank` (`simulate_graded`: the same seed gives the same data on every
/// platform and thread count). @throws attune::error (invalid_argument, bad_input for the bank).
ATTUNE_EXPORT irt_simulation_study study_irt_simulate(const item_bank& bank, const grm_simulation_options& options = {});

// ---------------------------------------------------------------------------------------------
// Adaptive testing

/// Options of `study_cat_simulation`.
struct ATTUNE_EXPORT cat_simulation_study_options {
  /// Respondents, seed, the CAT's selection, balancing, exposure and stop rules, threads.
  cat_simulation_options simulation;
  /// With answers from a file: how they are read (item columns in bank order, missing codes) and
  /// the category rule.
  input_options input;
  void validate() const;
};

/// A simulated adaptive test on a bank: how many items it used and how close it came to the
/// true theta and to the full-length EAP.
struct ATTUNE_EXPORT cat_simulation_study {
  std::string instrument;          ///< the bank's instrument id
  std::string bank_fingerprint;
  /// "simulated" (respondents drawn from the bank's model) or the data file's name (real answers).
  std::string answers;
  std::size_t n = 0;               ///< respondents
  std::uint64_t seed = 0;          ///< the simulation's seed (simulated answers)
  cat_options cat;                 ///< selection, balance, exposure, stop rules, grid
  std::size_t n_set_missing = 0;   ///< real answers that were not categories, treated as missing
  /// The simulator's result: respondents, mean_items, items_distribution, stop_rules, per scale
  /// mean_items, mean_se, rmse_true, cor_true, cor_full_eap, rmse_full_eap; the per-respondent
  /// matrices (API only: the JSON document and the table carry the summary).
  cat_simulation_result result;
};

/// Runs the CAT on `options.simulation.n` respondents simulated from `bank`.
/// @throws attune::error (invalid_argument, bad_input).
ATTUNE_EXPORT cat_simulation_study study_cat_simulation(const item_bank& bank,
                                                        const cat_simulation_study_options& options = {});
/// Runs the CAT on real answers (columns: the bank's items in bank order; no true theta).
ATTUNE_EXPORT cat_simulation_study study_cat_simulation(const item_bank& bank, responses data,
                                                        const cat_simulation_study_options& options = {});
/// Reads `path` through `read_bank_data`, then as above.
ATTUNE_EXPORT cat_simulation_study study_cat_simulation(const item_bank& bank, const std::string& path,
                                                        const cat_simulation_study_options& options = {});

/// What a front end shows for one item of an adaptive test.
struct ATTUNE_EXPORT cat_item_prompt {
  std::string item;                ///< item id
  std::string scale;               ///< its scale
  /// The wording, when `inst` carries it (attune ships wording only where its licence allows:
  /// docs/instruments.md); empty otherwise.
  std::string text;
  std::vector<double> categories;  ///< the answer values, increasing
};

/// The prompt of bank item `item` with the wording of `inst` (may be null).
/// @throws attune::error (invalid_argument) for an item the bank lacks.
ATTUNE_EXPORT cat_item_prompt cat_prompt(const item_bank& bank, const instrument* inst, std::string_view item);

// ---------------------------------------------------------------------------------------------
// Options described for front ends (study/option_info.hpp)

/// The fit options a front end sets from text, bound to `o`: reverse, name (`grm.scale`),
/// unused-categories (error or drop), start (polychoric or simple), tolerance, max-iterations,
/// no-se, no-item-fit, the provenance's source, sample, date and script, licence and notes. Not
/// listed: `input` (`describe_options(input_options&)`), `grm.threads`, `grm.progress`, the
/// quadrature and the other estimation settings, `provenance.n` (counted by the study).
ATTUNE_EXPORT option_list describe_options(irt_fit_study_options& o);
/// The scoring options a front end sets from text: method (eap, map, ml or eapsum) and
/// ml-fallback. Not listed: `input`, `scoring.threads`, the grid, prior and iteration limits.
ATTUNE_EXPORT option_list describe_options(irt_score_study_options& o);
/// The information grid: theta-min, theta-max and theta-step (all of `o`).
ATTUNE_EXPORT option_list describe_options(irt_info_study_options& o);
/// The simulation from a bank: respondents (`n`), seed and missing-rate. Not listed: `threads`.
ATTUNE_EXPORT option_list describe_options(grm_simulation_options& o);
/// The simulation of an instrument's answers (analyses/simulate.hpp): respondents (`n`), seed,
/// loading, correlation (`dimension_correlation`) and missing-rate. Not listed: `with_ids`.
ATTUNE_EXPORT option_list describe_options(simulation_options& o);
/// The bank simulation that `o` asks for when answers come from an item bank's model instead of
/// an instrument: its `n`, `seed` and `missing_rate` (loading and correlation do not apply).
ATTUNE_EXPORT grm_simulation_options bank_simulation_options(const simulation_options& o);
/// The adaptive test's options: select (mfi, mpwi or kl), balance (alternate, largest_se or none),
/// stop-se (0: no SE rule), min-items, max-items, se-change, max-total-items, randomesque and
/// exposure-seed (`seed`). Not listed: `kl_delta` and the quadrature grid.
ATTUNE_EXPORT option_list describe_options(cat_options& c);
/// The CAT simulation's options: those of `describe_options(cat_options&)` for
/// `simulation.cat`, then respondents (`simulation.n`) and seed. Not listed: `input`,
/// `simulation.threads`, `simulation.progress`.
ATTUNE_EXPORT option_list describe_options(cat_simulation_study_options& o);

// ---------------------------------------------------------------------------------------------
// One step of a stateless adaptive test

/// The instrument whose wording an adaptive test on `bank` shows: `id_or_path` (a built-in id or
/// an instrument file, `resolve_instrument`), or when empty the bank's instrument when it is built
/// in; nullopt otherwise (the prompts then carry no wording).
/// @throws attune::error as `resolve_instrument`.
ATTUNE_EXPORT std::optional<instrument> cat_wording(const item_bank& bank, const std::string& id_or_path);

/// What `study_cat_step` leaves: the session after the answer, its text to save, and the next
/// item or, when `next` is empty, a finished test (its summary is the session's).
struct ATTUNE_EXPORT cat_step {
  cat_session session;                 ///< after the answer, with the next item pending
  std::string saved;                   ///< `session.save()`: what to store until the next step
  std::optional<cat_item_prompt> next; ///< the item to ask next; empty: the test is done
};

/// One step of an adaptive test taken one answer per call (a server, a script): restores the
/// session from `saved` (a new one on `options` when `saved` is empty or blank), records `answer`
/// ("ITEM=VALUE", VALUE "skip": a skipped item; empty: none), chooses the next item and returns
/// the session to save with the next item's prompt (wording from `wording`, may be null). The
/// steps give exactly the test one uninterrupted session would.
/// @throws attune::error (invalid_argument) for an answer that is not ITEM=VALUE (rule
///   "item_equals_value") or whose VALUE is not a number (rule "not_a_number"; `item` set), with
///   `value` and option "answer"; as `cat_session::restore` and `cat_session::answer`.
ATTUNE_EXPORT cat_step study_cat_step(const item_bank& bank, std::string_view saved, std::string_view answer,
                                      const cat_options& options = {}, const instrument* wording = nullptr);

ATTUNE_END_NAMESPACE
