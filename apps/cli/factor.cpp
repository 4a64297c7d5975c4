// attune factor: exploratory factor analysis of an instrument's items, or (--cfa) the
// confirmatory model with one factor per subscale (e.g. anxiety and avoidance).
// Statistics live in the library (attune/factor.hpp, attune/cfa.hpp, attune/moments.hpp); this
// file parses, keys the items, calls and formats.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "attune/analyses/cfa.hpp"
#include "attune/core/error.hpp"
#include "attune/analyses/factor.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/scoring.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct factor_cli_options {
  input_options in;
  std::vector<std::string> subscales;  // --subscales (default: all)
  int n_factors = 0;                   // --factors (0 = number of subscales)
  std::string rotation = "oblimin";
  std::string method = "minres";
  bool cfa = false;
  // Which options the user gave (they do not apply to --cfa).
  bool factors_given = false, rotation_given = false, method_given = false;
};

// The keyed item matrix: the items of the chosen subscales, reverse keyed within their subscale,
// grouped by subscale (simple structure: an item may belong to one chosen subscale only).
struct keyed_data {
  Eigen::MatrixXd values;                 // N x k, NaN = missing
  std::vector<std::string> items;         // item ids
  std::vector<std::string> columns;       // data columns
  std::vector<std::string> subscales;     // chosen subscale names
  std::vector<std::size_t> subscale_of;   // per item: index into `subscales`
  std::vector<bool> reversed;             // per item: reverse keyed
  std::vector<std::string> notes;
};

keyed_data load_keyed(const factor_cli_options& o) {
  loaded_input li = load_input(o.in);
  keyed_data k;
  // Answers outside the response range: an error naming where (default), or missing with a count.
  if (const std::size_t n = apply_range_rule(li.inst, li.data, li.scoring); n > 0) {
    k.notes.push_back(std::to_string(n) + " answer(s) outside the response range were treated as missing");
  }
  std::vector<const subscale*> chosen;
  if (o.subscales.empty()) {
    for (const auto& s : li.inst.subscales) chosen.push_back(&s);
  } else {
    for (const auto& name : o.subscales) {
      const subscale* s = li.inst.find_subscale(name);
      if (s == nullptr) {
        std::string known;
        for (const auto& t : li.inst.subscales) known += (known.empty() ? "" : ", ") + t.name;
        throw error(errc::invalid_argument, "--subscales '" + name + "': instrument '" + li.inst.id +
                                                "' has no such subscale (it has: " + known + ")");
      }
      chosen.push_back(s);
    }
  }
  if (chosen.empty()) throw error(errc::invalid_argument, "instrument '" + li.inst.id + "' has no subscales");
  std::map<std::string, std::string> owner;  // item id -> subscale
  std::vector<Eigen::MatrixXd> blocks;
  Eigen::Index total = 0;
  for (std::size_t s = 0; s < chosen.size(); ++s) {
    const subscale& sub = *chosen[s];
    if (std::find(k.subscales.begin(), k.subscales.end(), sub.name) != k.subscales.end()) {
      throw error(errc::invalid_argument, "--subscales: '" + sub.name + "' is named twice");
    }
    k.subscales.push_back(sub.name);
    for (const auto& id : sub.items) {
      const auto [it, inserted] = owner.emplace(id, sub.name);
      if (!inserted) {
        throw error(errc::invalid_argument, "item '" + id + "' belongs to subscales '" + it->second + "' and '" +
                                                sub.name + "'; a factor model needs each item in one factor "
                                                "(choose subscales with --subscales)");
      }
      const auto idx = li.inst.item_index(id);
      k.items.push_back(id);
      k.columns.push_back(idx >= 0 ? li.data.columns[static_cast<std::size_t>(idx)] : id);
      k.subscale_of.push_back(s);
      k.reversed.push_back(li.inst.is_reversed(sub, id));
    }
    blocks.push_back(keyed_items(li.inst, sub, li.data.values, li.scoring));
    total += blocks.back().cols();
  }
  k.values.resize(li.data.values.rows(), total);
  Eigen::Index at = 0;
  for (const auto& b : blocks) {
    k.values.middleCols(at, b.cols()) = b;
    at += b.cols();
  }
  return k;
}

nlohmann::json matrix_json(const Eigen::MatrixXd& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(json_number(m(r, c)));
    rows.push_back(row);
  }
  return rows;
}

nlohmann::json vector_json(const Eigen::VectorXd& v) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(json_number(v(i)));
  return a;
}

std::string pad(const std::string& s, std::size_t w, bool left = false) {
  if (s.size() >= w) return s;
  return left ? s + std::string(w - s.size(), ' ') : std::string(w - s.size(), ' ') + s;
}

// ---------------------------------------------------------------- exploratory

void run_efa(const factor_cli_options& o, const keyed_data& k, const std::string& instrument_id) {
  const auto n_items = k.values.cols();
  if (n_items < 2) throw error(errc::insufficient_data, "factor: " + std::to_string(n_items) + " item(s); need at least 2");
  // Pairwise-complete Pearson correlations of the keyed items (as psych::fa on raw data).
  pairwise_moments pm(n_items);
  pm.add(k.values);
  const Eigen::MatrixXd r = pm.correlation();
  const Eigen::MatrixXd counts = pm.counts();
  if (!r.allFinite()) {
    for (Eigen::Index i = 0; i < n_items; ++i) {
      for (Eigen::Index j = 0; j <= i; ++j) {
        if (!std::isfinite(r(i, j))) {
          throw error(errc::insufficient_data,
                      "factor: the correlation of '" + k.columns[static_cast<std::size_t>(i)] + "' and '" +
                          k.columns[static_cast<std::size_t>(j)] + "' is undefined (" +
                          std::to_string(static_cast<long long>(counts(i, j))) +
                          " rows answered both, or an item has zero variance)");
        }
      }
    }
  }
  efa_options eo;
  eo.n_factors = o.n_factors > 0 ? o.n_factors : static_cast<int>(k.subscales.size());
  eo.method = parse_factor_method(o.method);
  eo.rotation = parse_factor_rotation(o.rotation);
  eo.validate();
  // psych::fa on raw data takes n.obs = the number of rows.
  const Eigen::Index n_rows = k.values.rows();
  const efa_result e = exploratory_factor_analysis(r, n_rows, eo);
  const Eigen::Index m = e.loadings.cols();
  const std::string prefix = eo.method == factor_method::ml ? "ML" : "MR";
  std::vector<std::string> names;
  for (Eigen::Index j = 0; j < m; ++j) names.push_back(prefix + std::to_string(j + 1));
  std::vector<std::string> warnings = k.notes;
  warnings.insert(warnings.end(), e.warnings.begin(), e.warnings.end());
  const double min_pairwise = counts.minCoeff();

  std::string text;
  if (o.in.format == "json") {
    nlohmann::json j;
    j["instrument"] = instrument_id;
    j["analysis"] = "efa";
    j["method"] = to_string(eo.method);
    j["rotation"] = m > 1 ? to_string(eo.rotation) : "none";
    j["correlation"] = "pearson_pairwise";
    j["n_rows"] = n_rows;
    j["n_pairwise_min"] = static_cast<long long>(min_pairwise);
    j["items"] = k.items;
    j["columns"] = k.columns;
    nlohmann::json sub = nlohmann::json::array();
    for (auto s : k.subscale_of) sub.push_back(k.subscales[s]);
    j["item_subscales"] = sub;
    j["reversed"] = k.reversed;
    j["factors"] = names;
    j["loadings"] = matrix_json(e.loadings);
    j["structure"] = matrix_json(e.structure);
    j["phi"] = matrix_json(e.phi);
    j["communalities"] = vector_json(e.communalities);
    j["uniquenesses"] = vector_json(e.uniquenesses);
    j["variance_accounted"] = vector_json(e.variance_accounted);
    j["eigenvalues"] = vector_json(e.eigenvalues);
    j["fit"] = {{"objective", json_number(e.objective)},
                {"chisq", json_number(e.chi_square)},
                {"df", e.df},
                {"rmsr", json_number(e.rmsr)}};
    j["converged"] = e.converged;
    j["heywood"] = e.heywood;
    j["warnings"] = warnings;
    text = json_text(j) + "\n";
  } else {
    std::ostringstream os;
    os << instrument_id << ": exploratory factor analysis, " << to_string(eo.method) << ", "
       << (m > 1 ? to_string(eo.rotation) : std::string("no")) << " rotation, " << m << " factor(s)\n";
    os << "  " << n_rows << " rows; pairwise-complete Pearson correlations (smallest pair N " << min_pairwise << ")\n\n";
    std::size_t w = 6;
    for (const auto& c : k.columns) w = std::max(w, c.size() + (1));
    os << "  " << pad("item", w, true) << pad("scale", 12, true);
    for (const auto& nm : names) os << pad(nm, 8);
    os << pad("h2", 8) << pad("u2", 8) << "\n";
    for (Eigen::Index i = 0; i < n_items; ++i) {
      const auto ii = static_cast<std::size_t>(i);
      os << "  " << pad(k.columns[ii] + (k.reversed[ii] ? "*" : ""), w, true) << pad(k.subscales[k.subscale_of[ii]], 12, true);
      for (Eigen::Index j = 0; j < m; ++j) os << pad(format_fixed(e.loadings(i, j), 3), 8);
      os << pad(format_fixed(e.communalities(i), 3), 8) << pad(format_fixed(e.uniquenesses(i), 3), 8) << "\n";
    }
    os << "  (* reverse keyed)\n";
    os << "\n  variance accounted:";
    for (Eigen::Index j = 0; j < m; ++j) os << " " << format_fixed(e.variance_accounted(j), 3);
    os << "\n";
    if (m > 1) {
      os << "  factor correlations:\n";
      for (Eigen::Index a = 0; a < m; ++a) {
        os << "    " << pad(names[static_cast<std::size_t>(a)], 6, true);
        for (Eigen::Index b = 0; b < m; ++b) os << pad(format_fixed(e.phi(a, b), 3), 8);
        os << "\n";
      }
    }
    os << "  chi-square " << format_fixed(e.chi_square, 2) << " on " << e.df << " df; RMSR " << format_fixed(e.rmsr, 4) << "\n";
    for (const auto& wmsg : warnings) os << "  warning: " << wmsg << "\n";
    text = os.str();
  }
  write_output_file(o.in.output, text, protect_inputs(o.in));
}

// ---------------------------------------------------------------- confirmatory

void run_cfa(const factor_cli_options& o, const keyed_data& k, const std::string& instrument_id) {
  cfa_model model;
  model.factors = k.subscales;
  model.factor_of_item = k.subscale_of;
  model.items = k.columns;
  const cfa_result r = confirmatory_factor_analysis(k.values, model);
  std::vector<std::string> warnings = k.notes;
  warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
  const auto& f = r.fit;

  std::string text;
  if (o.in.format == "json") {
    nlohmann::json j;
    j["instrument"] = instrument_id;
    j["analysis"] = "cfa";
    j["estimator"] = "ml";
    j["missing"] = "listwise";
    j["n"] = r.n;
    j["n_dropped"] = r.n_dropped;
    j["items"] = k.items;
    j["columns"] = k.columns;
    j["reversed"] = k.reversed;
    j["factors"] = r.factors;
    nlohmann::json loadings = nlohmann::json::array(), residuals = nlohmann::json::array(),
                   correlations = nlohmann::json::array();
    for (const auto& p : r.parameters) {
      nlohmann::json e = {{"estimate", json_number(p.estimate)}, {"se", json_number(p.se)},
                          {"z", json_number(p.z)},               {"pvalue", json_number(p.pvalue)},
                          {"std_all", json_number(p.std_all)},   {"std_all_se", json_number(p.std_all_se)}};
      if (p.kind == cfa_parameter_kind::loading) {
        e["factor"] = r.factors[p.lhs];
        e["item"] = k.items[p.rhs];
        loadings.push_back(e);
      } else if (p.kind == cfa_parameter_kind::residual_variance) {
        e["item"] = k.items[p.lhs];
        e["r_squared"] = json_number(r.r_squared(static_cast<Eigen::Index>(p.lhs)));
        residuals.push_back(e);
      } else {
        e["factors"] = {r.factors[p.lhs], r.factors[p.rhs]};
        correlations.push_back(e);
      }
    }
    j["loadings"] = loadings;
    j["factor_correlations"] = correlations;
    j["residual_variances"] = residuals;
    j["fit"] = {{"chisq", json_number(f.chisq)},
                {"df", json_number(f.df)},
                {"pvalue", json_number(f.pvalue)},
                {"cfi", json_number(f.cfi)},
                {"tli", json_number(f.tli)},
                {"rmsea", json_number(f.rmsea)},
                {"rmsea_lower", json_number(f.rmsea_lower)},
                {"rmsea_upper", json_number(f.rmsea_upper)},
                {"rmsea_pvalue", json_number(f.rmsea_pvalue)},
                {"srmr", json_number(f.srmr)},
                {"aic", json_number(f.aic)},
                {"bic", json_number(f.bic)},
                {"loglik", json_number(f.loglik)},
                {"npar", f.npar},
                {"baseline_chisq", json_number(f.baseline_chisq)},
                {"baseline_df", json_number(f.baseline_df)}};
    j["iterations"] = r.iterations;
    j["warnings"] = warnings;
    text = json_text(j) + "\n";
  } else {
    std::ostringstream os;
    os << instrument_id << ": confirmatory factor analysis (ML, standardized factors, one factor per subscale)\n";
    os << "  N = " << r.n << " complete rows";
    if (r.n_dropped > 0) os << " (" << r.n_dropped << " with missing answers dropped)";
    os << "\n\n";
    os << "  chi-square " << format_fixed(f.chisq, 2) << " on " << f.df << " df, p = " << format_fixed(f.pvalue, 4)
       << "\n  CFI " << format_fixed(f.cfi, 3) << "  TLI " << format_fixed(f.tli, 3) << "  RMSEA "
       << format_fixed(f.rmsea, 3) << " [" << format_fixed(f.rmsea_lower, 3) << ", " << format_fixed(f.rmsea_upper, 3)
       << "]  SRMR " << format_fixed(f.srmr, 3) << "\n  AIC " << format_fixed(f.aic, 1) << "  BIC "
       << format_fixed(f.bic, 1) << "\n\n";
    std::size_t w = 6;
    for (const auto& c : k.columns) w = std::max(w, c.size() + 1);
    os << "  " << pad("item", w, true) << pad("factor", 12, true) << pad("loading", 9) << pad("se", 8)
       << pad("std", 8) << pad("R2", 8) << "\n";
    for (const auto& p : r.parameters) {
      if (p.kind != cfa_parameter_kind::loading) continue;
      os << "  " << pad(k.columns[p.rhs] + (k.reversed[p.rhs] ? "*" : ""), w, true) << pad(r.factors[p.lhs], 12, true)
         << pad(format_fixed(p.estimate, 3), 9) << pad(format_fixed(p.se, 3), 8) << pad(format_fixed(p.std_all, 3), 8)
         << pad(format_fixed(r.r_squared(static_cast<Eigen::Index>(p.rhs)), 3), 8) << "\n";
    }
    os << "  (* reverse keyed)\n";
    bool header = false;
    for (const auto& p : r.parameters) {
      if (p.kind != cfa_parameter_kind::factor_correlation) continue;
      if (!header) os << "\n  factor correlations:\n";
      header = true;
      os << "    " << r.factors[p.lhs] << " ~ " << r.factors[p.rhs] << ": " << format_fixed(p.estimate, 3) << " (se "
         << format_fixed(p.se, 3) << ")\n";
    }
    for (const auto& wmsg : warnings) os << "  warning: " << wmsg << "\n";
    text = os.str();
  }
  write_output_file(o.in.output, text, protect_inputs(o.in));
}

void run(const factor_cli_options& o) {
  if (o.cfa && (o.factors_given || o.rotation_given || o.method_given)) {
    throw error(errc::invalid_argument,
                std::string("--cfa fits one factor per subscale by maximum likelihood; ") +
                    (o.factors_given ? "--factors" : o.rotation_given ? "--rotation" : "--method") +
                    " applies to the exploratory analysis only (drop it, or drop --cfa)");
  }
  if (!o.cfa) {
    // Check the option values before reading the data.
    (void)parse_factor_method(o.method);
    (void)parse_factor_rotation(o.rotation);
  }
  const keyed_data k = load_keyed(o);
  const std::string id = resolve_instrument(o.in.instrument).id;
  if (o.cfa) {
    run_cfa(o, k, id);
  } else {
    run_efa(o, k, id);
  }
}

}  // namespace

void add_factor_command(CLI::App& app) {
  auto opts = std::make_shared<factor_cli_options>();
  auto* cmd = app.add_subcommand(
      "factor",
      "factor structure of an instrument's items: exploratory factor analysis (psych::fa), or with --cfa the "
      "confirmatory model with one factor per subscale (lavaan::cfa)");
  add_input_options(*cmd, opts->in, {"table", "json"});
  cmd->add_option("--subscales", opts->subscales, "subscales to analyse (default: all), e.g. anxiety,avoidance")
      ->delimiter(',');
  auto* f = cmd->add_option("--factors", opts->n_factors, "number of exploratory factors (default: number of subscales)")
                ->check(CLI::Range(1, 1000));
  auto* rot = cmd->add_option("--rotation", opts->rotation, "oblimin (default), varimax, geomin or none");
  auto* meth = cmd->add_option("--method", opts->method, "extraction: minres (default) or ml");
  cmd->add_flag("--cfa", opts->cfa,
                "confirmatory factor analysis instead: one factor per subscale, ML, complete rows only");
  cmd->callback([opts, f, rot, meth] {
    opts->factors_given = f->count() > 0;
    opts->rotation_given = rot->count() > 0;
    opts->method_given = meth->count() > 0;
    run(*opts);
  });
}

}  // namespace attune::cli
