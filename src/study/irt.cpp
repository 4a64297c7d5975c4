#include "attune/study/irt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress_input.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

void check_columns(const item_bank& bank, const responses& data, const char* who) {
  if (static_cast<std::size_t>(data.values.cols()) != bank.items.size()) {
    throw error(errc::invalid_argument,
                std::string(who) + ": the data have " + std::to_string(data.values.cols()) + " item columns, the bank has " +
                    std::to_string(bank.items.size()) + " items (one column per bank item, in bank order)",
                {.rule = "item_count"});
  }
}

std::string categories_text(const bank_item& it) {
  std::string s;
  for (std::size_t c = 0; c < it.categories.size(); ++c) s += (c > 0 ? ", " : "") + number_text(it.categories[c]);
  return s;
}

}  // namespace

std::size_t apply_category_rule(const item_bank& bank, responses& data, out_of_range_policy policy) {
  check_columns(bank, data, "apply_category_rule");
  std::size_t set_missing = 0;
  // row by row, so that the error names the first bad answer in reading order
  for (Eigen::Index i = 0; i < data.values.rows(); ++i) {
    for (Eigen::Index j = 0; j < data.values.cols(); ++j) {
      const double x = data.values(i, j);
      const bank_item& it = bank.items[static_cast<std::size_t>(j)];
      if (std::isnan(x) || it.category_of(x)) continue;
      if (policy == out_of_range_policy::set_missing) {
        data.values(i, j) = std::numeric_limits<double>::quiet_NaN();
        ++set_missing;
        continue;
      }
      const auto ju = static_cast<std::size_t>(j);
      const std::string column = ju < data.columns.size() ? data.columns[ju] : it.id;
      error_details d = data.at(i);
      d.column = column;
      d.item = it.id;
      d.value = number_text(x);
      d.option = "scoring_options.out_of_range";
      d.rule = "not_a_category";
      throw error(errc::bad_input,
                  data.where(i) + ", column " + detail::quoted(column) + ": value " + number_text(x) +
                      " is not a category of item " + detail::quoted(it.id) + " (" + categories_text(it) + ")",
                  std::move(d));
    }
  }
  return set_missing;
}

responses read_bank_data(const std::string& path, const item_bank& bank, const input_options& options) {
  options.scoring.validate();
  bank.validate();
  std::vector<std::string> ids;
  ids.reserve(bank.items.size());
  for (const auto& it : bank.items) ids.push_back(it.id);
  return detail::read_responses_with_progress(path, ids, options.read, options.progress);
}

// ---------------------------------------------------------------------------------------------
// Calibration

void irt_fit_study_options::validate() const {
  input.scoring.validate();
  grm.validate();
  if (!grm.items.empty()) {
    throw error(errc::invalid_argument,
                "irt_fit_study_options.grm.items has " + std::to_string(grm.items.size()) +
                    " entries: leave it empty, the study takes the items, categories and keys from the instrument",
                {.option = "irt_fit_study_options.grm.items", .rule = "items_set_by_study"});
  }
}

namespace {

void check_fit(const instrument* given, const irt_fit_study_options& options) {
  options.validate();
  if (given != nullptr && !options.reversed.empty()) {
    throw error(errc::invalid_argument,
                "reverse keys are given for the data's columns as one scale; instrument '" + given->id +
                    "' has its own keys",
                {.option = "irt_fit_study_options.reversed", .rule = "reversed_with_instrument"});
  }
}

// The integers min..max of an item's response range: its categories.
std::vector<double> integer_categories(const response_range& r, const std::string& item) {
  if (r.min != std::floor(r.min) || r.max != std::floor(r.max) || !(r.max > r.min) || r.max - r.min > 99) {
    throw error(errc::invalid_argument,
                "item " + detail::quoted(item) + ": the response range " + number_text(r.min) + "-" + number_text(r.max) +
                    " does not give graded categories (its ends must be integers, 2 to 100 values apart)",
                {.item = item, .value = number_text(r.min) + "-" + number_text(r.max), .option = "scoring_options.range",
                 .rule = "range_not_integral"});
  }
  std::vector<double> out;
  for (double v = r.min; v <= r.max; v += 1.0) out.push_back(v);
  return out;
}

}  // namespace

irt_fit_study study_irt_fit(const instrument* given, responses data, const irt_fit_study_options& options) {
  check_fit(given, options);
  const instrument custom = given == nullptr ? columns_as_scale(data, options.input, options.reversed) : instrument{};
  const instrument& inst = given != nullptr ? *given : custom;
  irt_fit_study out;
  auto& fit = out.fit;
  fit.n_rows = static_cast<std::size_t>(data.n_rows());
  fit.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
  if (fit.n_out_of_range > 0) {
    fit.warnings.push_back(std::to_string(fit.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  // each item in one scale: a bank holds an item once
  std::map<std::string, std::string> scale_of;
  for (const auto& s : inst.subscales) {
    if (s.items.size() < 2) continue;
    for (const auto& id : s.items) {
      const auto [pos, inserted] = scale_of.emplace(id, s.name);
      if (!inserted) {
        throw error(errc::invalid_argument,
                    "item " + detail::quoted(id) + " belongs to subscales '" + pos->second + "' and '" + s.name +
                        "': an item bank holds each item in one scale (define an instrument whose subscales do not share items)",
                    {.item = id, .option = "instrument", .rule = "item_in_two_scales"});
      }
    }
  }
  item_bank& bank = out.bank;
  if (given != nullptr) bank.instrument = inst.id;
  bank.provenance = options.provenance;
  bank.licence = options.licence;
  bank.notes = options.notes;
  std::vector<bool> used(static_cast<std::size_t>(data.n_rows()), false);
  for (const auto& s : inst.subscales) {
    if (s.items.size() < 2) {
      fit.warnings.push_back("subscale '" + s.name + "' has one item: no graded response model");
      continue;
    }
    grm_options go = options.grm;
    go.scale = given != nullptr ? s.name : options.grm.scale;
    go.progress = options.input.progress;
    Eigen::MatrixXd x(data.n_rows(), static_cast<Eigen::Index>(s.items.size()));
    for (std::size_t k = 0; k < s.items.size(); ++k) {
      const auto idx = static_cast<std::size_t>(inst.item_index(s.items[k]));
      x.col(static_cast<Eigen::Index>(k)) = data.values.col(static_cast<Eigen::Index>(idx));
      grm_item_spec spec;
      spec.id = s.items[k];
      spec.categories = integer_categories(item_range(inst, idx, options.input.scoring), spec.id);
      spec.reversed = inst.is_reversed(s, s.items[k]);
      go.items.push_back(std::move(spec));
    }
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      if (!x.row(i).array().isNaN().all()) used[static_cast<std::size_t>(i)] = true;
    try {
      fit.scales.push_back(fit_graded(x, go));
    } catch (const error& e) {
      throw e.with_context("scale '" + go.scale + "': ");
    }
    for (auto& it : bank_items(fit.scales.back())) bank.items.push_back(std::move(it));
  }
  if (fit.scales.empty()) {
    throw error(errc::insufficient_data,
                "instrument '" + inst.id + "' has no subscale with at least 2 items: nothing to calibrate",
                {.rule = "no_scale"});
  }
  if (!bank.provenance.n) {
    bank.provenance.n = static_cast<std::size_t>(std::count(used.begin(), used.end(), true));
  }
  bank.validate();
  return out;
}

irt_fit_study study_irt_fit(const instrument* inst, const std::string& path, const irt_fit_study_options& options) {
  check_fit(inst, options);
  return study_irt_fit(inst, read_study_data(path, inst, options.input), options);
}

// ---------------------------------------------------------------------------------------------
// Scores

void irt_score_study_options::validate() const {
  input.scoring.validate();
  scoring.validate();
}

irt_score_study study_irt_score(const item_bank& bank, responses data, const irt_score_study_options& options) {
  options.validate();
  bank.validate();
  irt_score_study s;
  s.instrument = bank.instrument;
  s.bank_fingerprint = item_bank_fingerprint(bank);
  s.method = options.scoring.method;
  s.scales = bank.scales();
  s.id_column = id_column_name(data, options.input);
  s.n_rows = static_cast<std::size_t>(data.n_rows());
  s.n_set_missing = apply_category_rule(bank, data, options.input.scoring.out_of_range);
  if (s.n_set_missing > 0) {
    s.warnings.push_back(std::to_string(s.n_set_missing) + " answer(s) that are not categories were treated as missing");
  }
  s.ids = data.row_ids;
  s.rows.resize(s.n_rows);
  for (std::size_t i = 0; i < s.n_rows; ++i) s.rows[i] = data.first_row + i;
  s.scores = score_item_bank(bank, data.values, options.scoring);
  return s;
}

irt_score_study study_irt_score(const item_bank& bank, const std::string& path, const irt_score_study_options& options) {
  options.validate();
  return study_irt_score(bank, read_bank_data(path, bank, options.input), options);
}

// ---------------------------------------------------------------------------------------------
// Information

void irt_info_study_options::validate() const {
  auto fail = [](const std::string& field, double v, const std::string& rule) {
    detail::fail_option("irt_info_study_options." + field, number_text(v), rule);
  };
  if (!std::isfinite(theta_min)) fail("theta_min", theta_min, "must be finite");
  if (!std::isfinite(theta_max) || !(theta_max >= theta_min)) fail("theta_max", theta_max, "must be finite and >= theta_min");
  if (!std::isfinite(theta_step) || !(theta_step > 0)) fail("theta_step", theta_step, "must be > 0");
  if ((theta_max - theta_min) / theta_step > 10000.0) fail("theta_step", theta_step, "gives more than 10,001 grid points");
}

irt_info_study study_irt_info(const item_bank& bank, const irt_info_study_options& options) {
  options.validate();
  bank.validate();
  // grid points min + k step (not accumulated sums, so that 0 is exactly 0); the last within
  // half a step of max is max itself
  std::vector<double> grid;
  const auto steps = static_cast<long>(std::floor((options.theta_max - options.theta_min) / options.theta_step + 1e-9));
  for (long k = 0; k <= steps; ++k) grid.push_back(options.theta_min + static_cast<double>(k) * options.theta_step);
  const Eigen::VectorXd theta = Eigen::Map<const Eigen::VectorXd>(grid.data(), static_cast<Eigen::Index>(grid.size()));
  irt_info_study out;
  out.instrument = bank.instrument;
  out.bank_fingerprint = item_bank_fingerprint(bank);
  for (const auto& name : bank.scales()) {
    irt_info_scale sc;
    sc.name = name;
    const auto items = bank.scale_items(name);
    for (const auto& it : items) sc.items.push_back(it.id);
    sc.marginal_reliability = marginal_reliability(items);
    sc.information = graded_information(items, theta);
    Eigen::Index at = 0;
    sc.max_information = sc.information.test.maxCoeff(&at);
    sc.theta_at_max = theta(at);
    out.scales.push_back(std::move(sc));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Simulation

irt_simulation_study study_irt_simulate(const item_bank& bank, const grm_simulation_options& options) {
  grm_simulation sim = simulate_graded(bank, options);
  irt_simulation_study out;
  out.scales = std::move(sim.scales);
  out.theta = std::move(sim.theta);
  out.data.values = std::move(sim.answers);
  out.data.source = "simulated";
  for (const auto& it : bank.items) {
    out.data.item_ids.push_back(it.id);
    out.data.columns.push_back(it.id);
  }
  out.data.row_ids.reserve(static_cast<std::size_t>(out.data.values.rows()));
  char buf[32];
  for (Eigen::Index r = 0; r < out.data.values.rows(); ++r) {
    std::snprintf(buf, sizeof buf, "R%06lld", static_cast<long long>(r + 1));  // as simulate_responses
    out.data.row_ids.emplace_back(buf);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Adaptive testing

void cat_simulation_study_options::validate() const {
  simulation.validate();
  input.scoring.validate();
}

namespace {

cat_simulation_study simulation_head(const item_bank& bank, const cat_simulation_study_options& options) {
  cat_simulation_study s;
  s.instrument = bank.instrument;
  s.bank_fingerprint = item_bank_fingerprint(bank);
  s.seed = options.simulation.seed;
  s.cat = options.simulation.cat;
  return s;
}

}  // namespace

cat_simulation_study study_cat_simulation(const item_bank& bank, const cat_simulation_study_options& options) {
  options.validate();
  cat_simulation_study s = simulation_head(bank, options);
  s.answers = "simulated";
  cat_simulation_options so = options.simulation;
  so.progress = options.input.progress;
  s.result = simulate_cat(bank, so);
  s.n = s.result.respondents;
  return s;
}

cat_simulation_study study_cat_simulation(const item_bank& bank, responses data, const cat_simulation_study_options& options) {
  options.validate();
  bank.validate();
  cat_simulation_study s = simulation_head(bank, options);
  s.answers = data.source.empty() ? std::string("data") : data.source;
  s.n_set_missing = apply_category_rule(bank, data, options.input.scoring.out_of_range);
  cat_simulation_options so = options.simulation;
  so.progress = options.input.progress;
  s.result = simulate_cat(bank, data.values, so);
  s.n = s.result.respondents;
  if (s.n_set_missing > 0) {
    s.result.warnings.insert(s.result.warnings.begin(), std::to_string(s.n_set_missing) +
                                                            " answer(s) that are not categories were treated as missing");
  }
  return s;
}

cat_simulation_study study_cat_simulation(const item_bank& bank, const std::string& path,
                                          const cat_simulation_study_options& options) {
  options.validate();
  return study_cat_simulation(bank, read_bank_data(path, bank, options.input), options);
}

cat_item_prompt cat_prompt(const item_bank& bank, const instrument* inst, std::string_view item) {
  const std::ptrdiff_t j = bank.item_index(item);
  if (j < 0) {
    throw error(errc::invalid_argument, "cat_prompt: " + detail::quoted(std::string(item)) + " is not an item of the bank",
                {.item = std::string(item), .rule = "unknown_item"});
  }
  const bank_item& it = bank.items[static_cast<std::size_t>(j)];
  cat_item_prompt p;
  p.item = it.id;
  p.scale = it.scale;
  p.categories = it.categories;
  if (inst != nullptr) {
    const std::ptrdiff_t k = inst->item_index(it.id);
    if (k >= 0) p.text = inst->items[static_cast<std::size_t>(k)].text;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Options described for front ends (study/option_info.hpp)

option_list describe_options(irt_fit_study_options& o) {
  using detail::bound_option;
  grm_options& g = o.grm;
  bank_provenance& p = o.provenance;
  return {
      bound_option("reverse", "irt_fit_study_options.reversed", "with items: reverse-keyed columns (needs scale)", o.reversed),
      bound_option("name", "grm_options.scale", "with items: the scale's name in the bank", g.scale),
      detail::choice_option("unused-categories", "grm_options.unused_categories", "a category nobody chose: error (default) or drop it from that item's model (with a warning)", g.unused_categories, parse_unused_category_rule, {"error", "drop"}),
      detail::choice_option("start", "grm_options.start", "starting values: polychoric (default) or simple (mirt's)", g.start, parse_grm_start, {"polychoric", "simple"}),
      bound_option("tolerance", "grm_options.tolerance", "EM converges when no parameter moves more than this", g.tolerance),
      bound_option("max-iterations", "grm_options.max_iterations", "most EM iterations", g.max_iterations),
      detail::toggle_option("no-se", "grm_options.standard_errors", "skip the standard errors (observed information)", g.standard_errors, false),
      detail::toggle_option("no-item-fit", "grm_options.item_fit", "skip the S-X2 item fit", g.item_fit, false),
      bound_option("source", "bank_provenance.source", "provenance: who calibrated the bank, on which data (URL, DOI)", p.source),
      bound_option("sample", "bank_provenance.sample", "provenance: the sample in words", p.sample),
      bound_option("date", "bank_provenance.date", "provenance: the calibration date (e.g. 2026-12-01)", p.date),
      bound_option("script", "bank_provenance.script", "provenance: the script or command that fitted it", p.script),
      bound_option("licence", "irt_fit_study_options.licence", "the parameters' licence", o.licence),
      bound_option("notes", "irt_fit_study_options.notes", "notes written into the bank", o.notes),
  };
}

option_list describe_options(irt_score_study_options& o) {
  return {
      detail::choice_option("method", "grm_score_options.method", "eap (default: posterior mean and SD), map, ml or eapsum", o.scoring.method, parse_theta_method, {"eap", "map", "ml", "eapsum"}),
      detail::bound_option("ml-fallback", "grm_score_options.ml_map_fallback", "ml: give all-lowest/all-highest patterns the MAP estimate, not -inf/+inf", o.scoring.ml_map_fallback),
  };
}

option_list describe_options(irt_info_study_options& o) {
  using detail::bound_option;
  return {
      bound_option("theta-min", "irt_info_study_options.theta_min", "first grid point", o.theta_min),
      bound_option("theta-max", "irt_info_study_options.theta_max", "last grid point", o.theta_max),
      bound_option("theta-step", "irt_info_study_options.theta_step", "grid step", o.theta_step),
  };
}

option_list describe_options(grm_simulation_options& o) {
  using detail::bound_option;
  return {
      bound_option("respondents", "grm_simulation_options.n", "number of respondents", o.n),
      bound_option("seed", "grm_simulation_options.seed", "random seed: the same seed gives the same answers everywhere", o.seed),
      bound_option("missing-rate", "grm_simulation_options.missing_rate", "share of answers deleted completely at random, in [0, 1)", o.missing_rate),
  };
}

option_list describe_options(simulation_options& o) {
  using detail::bound_option;
  return {
      bound_option("respondents", "simulation_options.n", "number of respondents", o.n),
      bound_option("seed", "simulation_options.seed", "random seed", o.seed),
      bound_option("loading", "simulation_options.loading", "with an instrument: item loading on its subscale's trait, in (0, 1)", o.loading),
      bound_option("correlation", "simulation_options.dimension_correlation", "with an instrument: correlation of anxiety and avoidance", o.dimension_correlation),
      bound_option("missing-rate", "simulation_options.missing_rate", "share of answers left empty at random", o.missing_rate),
  };
}

grm_simulation_options bank_simulation_options(const simulation_options& o) {
  return {.n = o.n, .seed = o.seed, .missing_rate = o.missing_rate};
}

option_list describe_options(cat_options& c) {
  using detail::bound_option;
  return {
      detail::choice_option("select", "cat_options.selection", "item selection: mfi (Fisher information at the EAP), mpwi or kl", c.selection, parse_cat_selection, {"mfi", "mpwi", "kl"}),
      detail::choice_option("balance", "cat_options.balance", "which scale asks next: alternate (default), largest_se or none", c.balance, parse_cat_balance, {"alternate", "largest_se", "none"}),
      detail::parsed_option("stop-se", "cat_options.stop.se", "stop a scale at this SE (0: no SE rule)",
                            [&c](const std::vector<std::string>& t) {
                              const double se = detail::option_number<double>("stop-se", "cat_options.stop.se", t.empty() ? std::string() : t.front(), {});
                              c.stop.se = se > 0 ? std::optional<double>(se) : std::nullopt;
                            }, number_text(c.stop.se.value_or(0)), false, "FLOAT"),
      bound_option("min-items", "cat_options.stop.min_items", "per scale: no rule stops a scale before this many items", c.stop.min_items),
      bound_option("max-items", "cat_options.stop.max_items", "per scale: at most this many items", c.stop.max_items),
      bound_option("se-change", "cat_options.stop.se_change", "per scale: stop when an item lowers the SE by less than this", c.stop.se_change),
      bound_option("max-total-items", "cat_options.stop.max_total_items", "at most this many items in all", c.stop.max_total_items),
      bound_option("randomesque", "cat_options.randomesque", "exposure control: pick at random among the best N items", c.randomesque),
      bound_option("exposure-seed", "cat_options.seed", "seed of the randomesque draws", c.seed),
  };
}

option_list describe_options(cat_simulation_study_options& o) {
  cat_simulation_options& sim = o.simulation;
  option_list list = describe_options(sim.cat);
  list.push_back(detail::bound_option("respondents", "cat_simulation_options.n", "simulated respondents", sim.n));
  list.push_back(detail::bound_option("seed", "cat_simulation_options.seed", "seed of the simulated respondents", sim.seed));
  return list;
}

std::optional<instrument> cat_wording(const item_bank& bank, const std::string& id_or_path) {
  if (!id_or_path.empty()) return resolve_instrument(id_or_path);
  if (const instrument* b = find_builtin(bank.instrument)) return *b;
  return std::nullopt;
}

cat_step study_cat_step(const item_bank& bank, std::string_view saved, std::string_view answer, const cat_options& options,
                        const instrument* wording) {
  const bool fresh = saved.find_first_not_of(" \t\r\n") == std::string_view::npos;
  cat_step step{fresh ? cat_session(bank, options) : cat_session::restore(bank, saved), {}, std::nullopt};
  if (!answer.empty()) {
    const std::string a(answer);
    const auto eq = a.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == a.size()) {
      throw error(errc::invalid_argument, "answer '" + a + "' must be ITEM=VALUE (VALUE skip: a skipped item)",
                  {.value = a, .option = "answer", .rule = "item_equals_value"});
    }
    const std::string item = a.substr(0, eq), text = a.substr(eq + 1);
    double value = std::numeric_limits<double>::quiet_NaN();
    if (text != "skip" && !parse_cell(text, {}, value)) {
      throw error(errc::invalid_argument, "answer '" + a + "': '" + text + "' is not a number (or skip)",
                  {.item = item, .value = text, .option = "answer", .rule = "not_a_number"});
    }
    step.session.answer(item, value);
  }
  if (const auto next = step.session.next_item()) step.next = cat_prompt(bank, wording, *next);
  step.saved = step.session.save();
  return step;
}

ATTUNE_END_NAMESPACE
