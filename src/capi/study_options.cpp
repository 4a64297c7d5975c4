#include "capi/study_options.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "attune/keys/norms.hpp"
#include "detail/json_input.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace capi {
namespace {

using json = nlohmann::json;

const std::string kSource = "options";

// The keys of one flat options object, read once each; what is left at the end is unknown.
class option_reader {
 public:
  option_reader(const json& obj, std::string study) : obj_(obj), study_(std::move(study)) {}

  // The value of `key` when given (and not null), marking it read.
  [[nodiscard]] const json* find(const std::string& key) {
    known_.insert(key);
    const auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  // Throws invalid_argument naming the key, the C++ field and the value.
  [[noreturn]] void fail(const std::string& key, const std::string& field, const json& value,
                         const std::string& rule) const {
    error_details d;
    d.source = kSource;
    d.option = field;
    d.value = detail::describe_json(value).substr(0, 80);
    d.rule = "option_type";
    throw error(errc::invalid_argument, "option \"" + key + "\" (" + field + ") " + rule + "; given " +
                                            detail::describe_json(value),
                d);
  }

  void number(const std::string& key, const std::string& field, double& out) {
    if (const json* v = find(key)) {
      if (!v->is_number()) fail(key, field, *v, "must be a number");
      out = v->get<double>();
    }
  }
  template <class Int>
  void integer(const std::string& key, const std::string& field, Int& out) {
    if (const json* v = find(key)) {
      const bool fits = v->is_number_integer() &&
                        (v->is_number_unsigned()
                             ? v->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<Int>::max())
                             : v->get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<Int>::min()) &&
                                   v->get<std::int64_t>() <= static_cast<std::int64_t>(std::numeric_limits<Int>::max()));
      if (!fits) fail(key, field, *v, "must be a whole number that fits its type");
      out = v->get<Int>();
    }
  }
  void boolean(const std::string& key, const std::string& field, bool& out) {
    if (const json* v = find(key)) {
      if (!v->is_boolean()) fail(key, field, *v, "must be true or false");
      out = v->get<bool>();
    }
  }
  void text(const std::string& key, const std::string& field, std::string& out) {
    if (const json* v = find(key)) {
      if (!v->is_string()) fail(key, field, *v, "must be a string");
      out = v->get<std::string>();
    }
  }
  void texts(const std::string& key, const std::string& field, std::vector<std::string>& out) {
    if (const json* v = find(key)) {
      if (!v->is_array()) fail(key, field, *v, "must be an array of strings");
      out.clear();
      out.reserve(v->size());
      for (const json& e : *v) {
        if (!e.is_string()) fail(key, field, e, "must hold strings only");
        out.push_back(e.get<std::string>());
      }
    }
  }
  void counts(const std::string& key, const std::string& field, std::vector<std::size_t>& out) {
    if (const json* v = find(key)) {
      if (!v->is_array()) fail(key, field, *v, "must be an array of whole numbers");
      out.clear();
      for (const json& e : *v) {
        if (!e.is_number_unsigned()) fail(key, field, e, "must hold whole numbers >= 0 only");
        out.push_back(e.get<std::size_t>());
      }
    }
  }
  void numbers(const std::string& key, const std::string& field, std::vector<double>& out) {
    if (const json* v = find(key)) {
      if (!v->is_array()) fail(key, field, *v, "must be an array of numbers");
      out.clear();
      for (const json& e : *v) {
        if (!e.is_number()) fail(key, field, e, "must hold numbers only");
        out.push_back(e.get<double>());
      }
    }
  }
  // An optional field: absent (or null) keeps the default.
  template <class T>
  void optional_integer(const std::string& key, const std::string& field, std::optional<T>& out) {
    T value{};
    if (find(key) == nullptr) return;
    integer(key, field, value);
    out = value;
  }
  void optional_number(const std::string& key, const std::string& field, std::optional<double>& out) {
    double value = 0;
    if (find(key) == nullptr) return;
    number(key, field, value);
    out = value;
  }
  // An enum by its to_string name, through the library's own parse function.
  template <class E>
  void named(const std::string& key, const std::string& field, E& out,
             const std::function<std::optional<E>(std::string_view)>& parse) {
    if (const json* v = find(key)) {
      if (!v->is_string()) fail(key, field, *v, "must be a name (a string)");
      const auto parsed = parse(v->get_ref<const std::string&>());
      if (!parsed) fail(key, field, *v, "is not one of its names (docs/c-api.md)");
      out = *parsed;
    }
  }
  // "1-7", [1, 7] or {"min": 1, "max": 7}.
  void range(const std::string& key, const std::string& field, std::optional<response_range>& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    std::optional<response_range> r;
    if (v->is_string()) {
      r = parse_response_range(v->get_ref<const std::string&>());
    } else if (v->is_array() && v->size() == 2 && (*v)[0].is_number() && (*v)[1].is_number()) {
      r = response_range{(*v)[0].get<double>(), (*v)[1].get<double>()};
    } else if (v->is_object() && v->size() == 2 && v->contains("min") && v->contains("max") &&
               (*v)["min"].is_number() && (*v)["max"].is_number()) {
      r = response_range{(*v)["min"].get<double>(), (*v)["max"].get<double>()};
    }
    if (!r || !(r->min < r->max) || !std::isfinite(r->min) || !std::isfinite(r->max)) {
      fail(key, field, *v, "must be a range \"MIN-MAX\", [MIN, MAX] or {\"min\": MIN, \"max\": MAX} with MIN < MAX");
    }
    out = r;
  }
  // One number for every score, or {"score name": number, ...}.
  void values(const std::string& key, const std::string& field, score_values& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (v->is_number()) {
      out.all = v->get<double>();
      return;
    }
    if (!v->is_object()) fail(key, field, *v, "must be a number or an object {\"score\": number}");
    for (const auto& [name, x] : v->items()) {
      if (!x.is_number()) fail(key, field, x, "must map score names to numbers");
      out.by_score[name] = x.get<double>();
    }
  }
  // A norm table: a built-in id or a file path (a string), or the table's JSON (an object).
  void norms(const std::string& key, const std::string& field, std::optional<norm_table>& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (v->is_string()) {
      out = resolve_norm_table(v->get<std::string>());
    } else if (v->is_object()) {
      out = norm_table_from_json(v->dump(), kSource + " \"" + key + "\"");
    } else {
      fail(key, field, *v, "must be a norm table id, a file path or a norm table object");
    }
  }

  // After every option of the study was asked for: a key nobody asked for is an error.
  void finish() const {
    for (const auto& [key, value] : obj_.items()) {
      if (known_.count(key) != 0) continue;
      std::string list;
      for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
      error_details d;
      d.source = kSource;
      d.option = key;
      d.value = key;
      d.rule = "unknown_option";
      throw error(errc::invalid_argument,
                  "\"" + key + "\" is not an option of the " + study_ + " study (its options: " + list + ")", d);
    }
  }

 private:
  const json& obj_;
  std::string study_;
  std::set<std::string> known_;
};

std::optional<out_of_range_policy> parse_out_of_range(std::string_view n) {
  if (n == "error") return out_of_range_policy::error;
  if (n == "set_missing") return out_of_range_policy::set_missing;
  return std::nullopt;
}

void read_out_of_range(option_reader& r, scoring_options& s) {
  r.named<out_of_range_policy>("out_of_range", "scoring_options.out_of_range", s.out_of_range, parse_out_of_range);
}

void read_scoring(option_reader& r, scoring_options& s) {
  r.range("range", "scoring_options.range", s.range);
  r.number("min_answered", "scoring_options.min_answered", s.min_answered);
  read_out_of_range(r, s);
}

// Which of the scoring rules a study applies: all; the range and the out-of-range rule (irt fit:
// a missing answer drops out of the likelihood, so min_answered does not apply); or only the
// out-of-range rule (the bank studies: the bank's categories are the range).
enum class scoring_rules { all, range_and_policy, policy };

// What every study on a matrix reads: the matrix's description, the missing codes, the scoring rules.
void read_input(option_reader& r, matrix_description& d, input_options& in, scoring_rules rules = scoring_rules::all) {
  r.texts("columns", "columns", d.columns);
  r.texts("ids", "ids", d.ids);
  r.text("source", "source", d.source);
  r.text("id_column", "read_options.id_column", in.read.id_column);
  r.numbers("missing_codes", "read_options.missing_codes", in.read.missing_codes);
  d.missing_codes = in.read.missing_codes;
  if (rules == scoring_rules::all) {
    read_scoring(r, in.scoring);
    return;
  }
  if (rules == scoring_rules::range_and_policy) r.range("range", "scoring_options.range", in.scoring.range);
  read_out_of_range(r, in.scoring);
}

void read_reliability(option_reader& r, reliability_study_options& o) {
  r.texts("reversed", "reliability_study_options.reversed", o.reversed);
  r.integer("omega_bootstrap", "reliability_study_options.omega_bootstrap", o.omega_bootstrap);
  r.boolean("ordinal", "reliability_study_options.ordinal", o.ordinal);
  auto& a = o.reliability;
  r.named<missing_method>("missing", "reliability_options.missing", a.missing, parse_missing_method);
  if (const json* v = r.find("intervals")) {
    if (!v->is_array()) r.fail("intervals", "reliability_options.intervals", *v, "must be an array of names");
    a.intervals.clear();
    for (const json& e : *v) {
      const auto m = e.is_string() ? parse_ci_method(e.get_ref<const std::string&>()) : std::nullopt;
      if (!m) r.fail("intervals", "reliability_options.intervals", e, "must hold interval method names");
      a.intervals.push_back(*m);
    }
  }
  r.number("level", "reliability_options.level", a.level);
  r.named<interval_n>("n_for_intervals", "reliability_options.n_for_intervals", a.n_for_intervals, parse_interval_n);
  r.integer("bootstrap", "reliability_options.bootstrap", a.bootstrap);
  r.integer("seed", "reliability_options.seed", a.seed);
  r.integer("threads", "reliability_options.threads", a.threads);
  r.boolean("split_half", "reliability_options.split_half", a.split_half);
  r.integer("max_exhaustive_splits", "reliability_options.max_exhaustive_splits", a.max_exhaustive_splits);
  r.integer("sampled_splits", "reliability_options.sampled_splits", a.sampled_splits);
  r.integer("max_categories", "reliability_options.max_categories", a.max_categories);
}

void read_correlate(option_reader& r, correlate_study_options& o) {
  auto& c = o.correlation;
  r.named<correlation_kind>("method", "correlation_options.method", c.method, parse_correlation_kind);
  r.number("correct", "polychoric_options.correct", c.polychoric.correct);
  r.boolean("smooth", "polychoric_options.smooth", c.polychoric.smooth);
  r.integer("max_categories", "polychoric_options.max_categories", c.polychoric.max_categories);
  r.number("optimizer_tolerance", "polychoric_options.optimizer_tolerance", c.polychoric.optimizer_tolerance);
  r.boolean("standard_errors", "polychoric_options.standard_errors", c.polychoric.standard_errors);
  r.integer("threads", "polychoric_options.threads", c.polychoric.threads);
}

void read_factor(option_reader& r, factor_study_options& o) {
  r.named<factor_analysis_kind>("analysis", "factor_study_options.analysis", o.analysis, parse_factor_analysis_kind);
  r.texts("subscales", "factor_study_options.subscales", o.subscales);
  r.integer("n_factors", "efa_options.n_factors", o.efa.n_factors);
  r.named<factor_method>("method", "efa_options.method", o.efa.method, parse_factor_method);
  r.named<factor_rotation>("rotation", "efa_options.rotation", o.efa.rotation, parse_factor_rotation);
  r.number("oblimin_gamma", "efa_options.oblimin_gamma", o.efa.oblimin_gamma);
  r.number("geomin_delta", "efa_options.geomin_delta", o.efa.geomin_delta);
  r.number("rotation_tolerance", "efa_options.rotation_tolerance", o.efa.rotation_tolerance);
  // One name for the iteration cap of whichever analysis runs.
  int iterations = -1;
  r.integer("max_iterations", "efa_options.max_iterations / cfa_options.max_iterations", iterations);
  if (iterations != -1) o.efa.max_iterations = o.cfa.max_iterations = iterations;
  r.number("tolerance", "cfa_options.tolerance", o.cfa.tolerance);
  r.number("rmsea_ci_level", "cfa_options.rmsea_ci_level", o.cfa.rmsea_ci_level);
  r.number("rmsea_close_h0", "cfa_options.rmsea_close_h0", o.cfa.rmsea_close_h0);
  std::vector<double> start;
  r.numbers("start", "cfa_options.start", start);
  if (!start.empty()) o.cfa.start = Eigen::Map<const Eigen::VectorXd>(start.data(), static_cast<Eigen::Index>(start.size()));
}

void read_classify(option_reader& r, matrix_description& d, classify_study_options& o) {
  r.named<classify_method>("method", "classify_study_options.method", o.method, parse_classify_method);
  r.boolean("rescale_to_1_7", "classify_study_options.rescale_to_1_7", o.rescale_to_1_7);
  r.values("reliability", "classify_study_options.reliability", o.reliability);
  r.values("sd", "classify_study_options.sd", o.sd);
  r.norms("norms", "classify_study_options.norms", o.norms);
  // The RQ forced choice of every row, carried as the extra column "forced_choice".
  r.texts("forced_choice", "classify_study_options.forced_choice_column", d.forced_choice);
  if (!d.forced_choice.empty()) o.forced_choice_column = "forced_choice";
  // [{"style": "secure", "anxiety": 2.5, "avoidance": 2.5}, ...]
  if (const json* v = r.find("prototypes")) {
    const std::string field = "classify_study_options.prototypes";
    if (!v->is_array()) r.fail("prototypes", field, *v, "must be an array of {\"style\", \"anxiety\", \"avoidance\"}");
    o.prototypes.clear();
    for (const json& e : *v) {
      const bool ok = e.is_object() && e.size() == 3 && e.contains("style") && e["style"].is_string() &&
                      e.contains("anxiety") && e["anxiety"].is_number() && e.contains("avoidance") &&
                      e["avoidance"].is_number();
      const auto style = ok ? parse_attachment_style(e["style"].get_ref<const std::string&>()) : std::nullopt;
      if (!style) r.fail("prototypes", field, e, "must hold {\"style\": a style name, \"anxiety\": number, \"avoidance\": number}");
      o.prototypes.push_back({*style, e["anxiety"].get<double>(), e["avoidance"].get<double>()});
    }
  }
  r.named<cut_tie>("on_cut", "classify_study_options.on_cut", o.on_cut, parse_cut_tie);
  r.integer("kmeans_starts", "classify_study_options.kmeans_starts", o.kmeans_starts);
  r.integer("seed", "classify_study_options.seed", o.seed);
  r.number("probability_threshold", "classify_study_options.probability_threshold", o.probability_threshold);
}

void read_change(option_reader& r, matrix_description& d, change_study_options& o) {
  r.counts("wave_rows", "wave_rows", d.wave_rows);
  r.texts("wave_names", "wave_names", d.wave_names);
  r.texts("scales", "change_study_options.scales", o.scales);
  r.values("reliability", "change_study_options.reliability", o.reliability);
  r.values("sd", "change_study_options.sd", o.sd);
  r.norms("norms", "change_study_options.norms", o.norms);
  r.norms("functional_norms", "change_study_options.functional_norms", o.functional_norms);
  r.norms("dysfunctional_norms", "change_study_options.dysfunctional_norms", o.dysfunctional_norms);
  r.named<cutoff_kind>("cutoff", "change_study_options.cutoff", o.cutoff, parse_cutoff_kind);
  r.number("critical", "change_study_options.critical", o.critical);
  if (const json* v = r.find("directions")) {
    if (!v->is_object()) r.fail("directions", "change_study_options.directions", *v, "must be an object {\"scale\": direction}");
    for (const auto& [scale, x] : v->items()) {
      const auto dir = x.is_string() ? parse_change_direction(x.get_ref<const std::string&>()) : std::nullopt;
      if (!dir) r.fail("directions", "change_study_options.directions", x, "must map scales to lower_is_better, higher_is_better or none");
      o.directions[scale] = *dir;
    }
  }
  // "none" for no styles (a null value, like an absent key, keeps the default).
  if (const json* v = r.find("styles_method")) {
    const std::string field = "change_study_options.styles_method";
    if (!v->is_string()) r.fail("styles_method", field, *v, "must be a method name or \"none\"");
    if (v->get_ref<const std::string&>() == "none") {
      o.styles_method.reset();
    } else {
      const auto parsed = parse_classify_method(v->get_ref<const std::string&>());
      if (!parsed) r.fail("styles_method", field, *v, "is not a method name");
      o.styles_method = *parsed;
    }
  }
  r.boolean("rescale_to_1_7", "change_study_options.rescale_to_1_7", o.rescale_to_1_7);
}

void read_quality(option_reader& r, quality_study_options& o) {
  auto& q = o.quality;
  r.number("longstring_share", "quality_options.longstring_share", q.longstring_share);
  r.integer("irv_blocks", "quality_options.irv_blocks", q.irv_blocks);
  r.number("irv_min", "quality_options.irv_min", q.irv_min);
  r.number("irv_max", "quality_options.irv_max", q.irv_max);
  r.number("mahalanobis_confidence", "quality_options.mahalanobis_confidence", q.mahalanobis_confidence);
  r.named<mahalanobis_method>("mahalanobis_missing", "quality_options.mahalanobis_missing", q.mahalanobis_missing,
                              parse_mahalanobis_method);
  r.number("evenodd_max", "quality_options.evenodd_max", q.evenodd_max);
  r.integer("evenodd_min_subscales", "quality_options.evenodd_min_subscales", q.evenodd_min_subscales);
  r.number("psychsyn_critical", "quality_options.psychsyn_critical", q.psychsyn_critical);
  r.number("psychant_critical", "quality_options.psychant_critical", q.psychant_critical);
  r.number("psychsyn_min", "quality_options.psychsyn_min", q.psychsyn_min);
  r.number("psychant_max", "quality_options.psychant_max", q.psychant_max);
  r.number("reversal_max", "quality_options.reversal_max", q.reversal_max);
}

// quadrature_options under the keys <prefix>_rule, _points, _lower, _upper.
void read_quadrature(option_reader& r, const std::string& prefix, quadrature_options& q) {
  r.named<quadrature_rule>(prefix + "_rule", "quadrature_options.rule", q.rule, parse_quadrature_rule);
  r.integer(prefix + "_points", "quadrature_options.points", q.points);
  r.number(prefix + "_lower", "quadrature_options.lower", q.lower);
  r.number(prefix + "_upper", "quadrature_options.upper", q.upper);
}

// "bank": the bank's JSON object (or its text); kept as text, read by the C API.
void read_bank(option_reader& r, matrix_description& d) {
  if (const json* v = r.find("bank")) {
    if (v->is_object()) {
      d.bank_json = v->dump();
    } else if (v->is_string()) {
      d.bank_json = v->get<std::string>();
    } else {
      r.fail("bank", "item_bank", *v, "must be an item bank (its JSON object, or its text)");
    }
  }
}

void read_irt_fit(option_reader& r, irt_fit_study_options& o) {
  auto& g = o.grm;
  r.text("scale", "grm_options.scale", g.scale);
  r.texts("reversed", "irt_fit_study_options.reversed", o.reversed);
  r.named<unused_category_rule>("unused_categories", "grm_options.unused_categories", g.unused_categories,
                                parse_unused_category_rule);
  read_quadrature(r, "quadrature", g.quadrature);
  r.named<em_acceleration>("acceleration", "grm_options.acceleration", g.acceleration, parse_em_acceleration);
  r.named<grm_start>("start", "grm_options.start", g.start, parse_grm_start);
  r.integer("max_iterations", "grm_options.max_iterations", g.max_iterations);
  r.number("tolerance", "grm_options.tolerance", g.tolerance);
  r.number("max_slope", "grm_options.max_slope", g.max_slope);
  r.boolean("standard_errors", "grm_options.standard_errors", g.standard_errors);
  r.boolean("item_fit", "grm_options.item_fit", g.item_fit);
  r.number("min_expected", "grm_options.min_expected", g.min_expected);
  r.integer("threads", "grm_options.threads", g.threads);
  r.text("provenance_source", "bank_provenance.source", o.provenance.source);
  r.text("provenance_sample", "bank_provenance.sample", o.provenance.sample);
  r.optional_integer("provenance_n", "bank_provenance.n", o.provenance.n);
  r.text("provenance_date", "bank_provenance.date", o.provenance.date);
  r.text("provenance_script", "bank_provenance.script", o.provenance.script);
  r.text("licence", "irt_fit_study_options.licence", o.licence);
  r.text("notes", "irt_fit_study_options.notes", o.notes);
}

void read_irt_score(option_reader& r, irt_score_study_options& o) {
  auto& s = o.scoring;
  r.named<theta_method>("method", "grm_score_options.method", s.method, parse_theta_method);
  read_quadrature(r, "quadrature", s.quadrature);
  r.number("prior_mean", "grm_score_options.prior_mean", s.prior_mean);
  r.number("prior_sd", "grm_score_options.prior_sd", s.prior_sd);
  r.boolean("ml_map_fallback", "grm_score_options.ml_map_fallback", s.ml_map_fallback);
  r.number("max_theta", "grm_score_options.max_theta", s.max_theta);
  r.integer("max_iterations", "grm_score_options.max_iterations", s.max_iterations);
  r.integer("threads", "grm_score_options.threads", s.threads);
}

void read_irt_info(option_reader& r, irt_info_study_options& o) {
  r.number("theta_min", "irt_info_study_options.theta_min", o.theta_min);
  r.number("theta_max", "irt_info_study_options.theta_max", o.theta_max);
  r.number("theta_step", "irt_info_study_options.theta_step", o.theta_step);
}

void read_irt_simulate(option_reader& r, grm_simulation_options& o) {
  r.integer("n", "grm_simulation_options.n", o.n);
  r.integer("seed", "grm_simulation_options.seed", o.seed);
  r.number("missing_rate", "grm_simulation_options.missing_rate", o.missing_rate);
  r.integer("threads", "grm_simulation_options.threads", o.threads);
}

// The CAT's options; `seed_key` names cat_options.seed ("seed" in a session, "exposure_seed" in
// cat simulate, whose "seed" is the simulated respondents', as on the command line).
void read_cat(option_reader& r, cat_options& c, const std::string& seed_key) {
  r.named<cat_selection>("selection", "cat_options.selection", c.selection, parse_cat_selection);
  r.named<cat_balance>("balance", "cat_options.balance", c.balance, parse_cat_balance);
  r.integer("randomesque", "cat_options.randomesque", c.randomesque);
  r.integer(seed_key, "cat_options.seed", c.seed);
  r.number("kl_delta", "cat_options.kl_delta", c.kl_delta);
  // 0 = no SE rule (as --stop-se 0): JSON null keeps the default.
  if (r.find("stop_se") != nullptr) {
    double se = 0;
    r.number("stop_se", "cat_stop_rules.se", se);
    c.stop.se = se > 0 ? std::optional<double>(se) : std::nullopt;
  }
  r.integer("min_items", "cat_stop_rules.min_items", c.stop.min_items);
  r.optional_integer("max_items", "cat_stop_rules.max_items", c.stop.max_items);
  r.optional_number("se_change", "cat_stop_rules.se_change", c.stop.se_change);
  r.optional_integer("max_total_items", "cat_stop_rules.max_total_items", c.stop.max_total_items);
  read_quadrature(r, "quadrature", c.quadrature);
}

void read_cat_simulate(option_reader& r, cat_simulation_study_options& o) {
  r.integer("n", "cat_simulation_options.n", o.simulation.n);
  r.integer("seed", "cat_simulation_options.seed", o.simulation.seed);
  r.integer("threads", "cat_simulation_options.threads", o.simulation.threads);
  read_cat(r, o.simulation.cat, "exposure_seed");
}

json parse_object(const char* options_json) {
  if (options_json == nullptr || *options_json == '\0') return json::object();
  json obj = detail::parse_json_strict(options_json, kSource);
  if (!obj.is_object()) {
    throw error(errc::bad_input, "options must be a JSON object {\"name\": value, ...}; given " + detail::describe_json(obj),
                {.source = kSource, .rule = "json"});
  }
  return obj;
}

}  // namespace

namespace {
// Every study, in study_kind order, as the command line names it.
constexpr std::string_view kStudyNames[] = {"score",     "reliability", "correlate",   "factor",
                                            "classify",  "change",      "quality",     "irt fit",
                                            "irt score", "irt info",    "irt simulate", "cat simulate"};
}  // namespace

std::string_view study_name(study_kind kind) { return kStudyNames[static_cast<int>(kind)]; }

bool needs_bank(study_kind kind) {
  return kind == study_kind::irt_score || kind == study_kind::irt_info || kind == study_kind::irt_simulate ||
         kind == study_kind::cat_simulate;
}

bool takes_no_data(study_kind kind) { return kind == study_kind::irt_info || kind == study_kind::irt_simulate; }

study_kind parse_study_kind(std::string_view name) {
  for (std::size_t k = 0; k < std::size(kStudyNames); ++k) {
    if (kStudyNames[k] == name) return static_cast<study_kind>(k);
  }
  std::string known;
  for (std::string_view n : kStudyNames) known += (known.empty() ? "" : ", ") + std::string(n);
  throw error(errc::invalid_argument, "unknown study " + detail::quoted(std::string(name)) + ": use " + known,
              {.value = std::string(name.substr(0, 80)), .option = "study_name", .rule = "unknown_study"});
}

study_request parse_study_options(study_kind kind, const char* options_json) {
  const json obj = parse_object(options_json);
  study_request q;
  option_reader r(obj, std::string(study_name(kind)));
  switch (kind) {
    case study_kind::score: read_input(r, q.data, q.score.input); break;
    case study_kind::reliability:
      read_input(r, q.data, q.reliability.input);
      read_reliability(r, q.reliability);
      break;
    case study_kind::correlate:
      read_input(r, q.data, q.correlate.input);
      read_correlate(r, q.correlate);
      break;
    case study_kind::factor:
      read_input(r, q.data, q.factor.input);
      read_factor(r, q.factor);
      break;
    case study_kind::classify:
      read_input(r, q.data, q.classify.input);
      read_classify(r, q.data, q.classify);
      break;
    case study_kind::change:
      read_input(r, q.data, q.change.input);
      read_change(r, q.data, q.change);
      break;
    case study_kind::quality:
      read_input(r, q.data, q.quality.input);
      read_quality(r, q.quality);
      break;
    case study_kind::irt_fit:
      read_input(r, q.data, q.irt_fit.input, scoring_rules::range_and_policy);
      read_irt_fit(r, q.irt_fit);
      break;
    case study_kind::irt_score:
      read_bank(r, q.data);
      read_input(r, q.data, q.irt_score.input, scoring_rules::policy);
      read_irt_score(r, q.irt_score);
      break;
    case study_kind::irt_info:
      read_bank(r, q.data);
      read_irt_info(r, q.irt_info);
      break;
    case study_kind::irt_simulate:
      read_bank(r, q.data);
      read_irt_simulate(r, q.irt_simulate);
      break;
    case study_kind::cat_simulate:
      read_bank(r, q.data);
      read_input(r, q.data, q.cat_simulate.input, scoring_rules::policy);
      read_cat_simulate(r, q.cat_simulate);
      break;
  }
  r.finish();
  return q;
}

cat_options parse_cat_options(const char* options_json) {
  const json obj = parse_object(options_json);
  option_reader r(obj, "CAT session");
  cat_options c;
  read_cat(r, c, "seed");
  r.finish();
  return c;
}

scoring_options parse_scoring_options(const char* options_json) {
  const json obj = parse_object(options_json);
  option_reader r(obj, "score_respondent");
  scoring_options s;
  read_scoring(r, s);
  r.finish();
  return s;
}

}  // namespace capi
ATTUNE_END_NAMESPACE
