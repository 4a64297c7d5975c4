// The report of a factor study: the JSON document, and readable tables of the loadings and fit
// (EFA as psych's print.fa, CFA as lavaan's summary).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "attune/core/error.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "detail/csv_writer.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_ENUM(factor_method)
ATTUNE_JSON_ENUM(factor_rotation)
ATTUNE_JSON_ENUM(factor_analysis_kind)
ATTUNE_JSON_ENUM(cfa_parameter_kind)
ATTUNE_JSON_FIELDS(efa_result, method, rotation, loadings, unrotated_loadings, structure, phi, rotation_matrix, communalities, uniquenesses,
                   eigenvalues, variance_accounted, objective, criterion, chi_square, df, rmsr, converged, iterations,
                   rotation_iterations, heywood, n, warnings)
ATTUNE_JSON_FIELDS(efa_fit, objective, chisq, df, pvalue, null_chisq, null_df, tli, rmsea, rmsea_lower, rmsea_upper,
                   rmsea_level, bic, empirical_chisq, empirical_pvalue, empirical_bic, rmsr, crms, n_obs, n_harmonic,
                   smoothed, warnings)
ATTUNE_JSON_FIELDS(parallel_result, observed_components, observed_factors, simulated_components, simulated_factors,
                   suggested_factors, suggested_components, n, warnings)
ATTUNE_JSON_ENUM(factor_score_method)
ATTUNE_JSON_FIELDS(factor_scores_result, method, weights, r2, score_correlations, scores)
ATTUNE_JSON_FIELDS(cfa_parameter, kind, lhs, rhs, estimate, se, z, pvalue, std_all, std_all_se)
ATTUNE_JSON_FIELDS(cfa_fit_measures, npar, fmin, chisq, df, pvalue, baseline_chisq, baseline_df, baseline_pvalue, cfi,
                   tli, loglik, unrestricted_loglik, aic, bic, rmsea, rmsea_lower, rmsea_upper, rmsea_pvalue, srmr)
ATTUNE_JSON_FIELDS(cfa_result, factors, items, parameters, loadings, loadings_se, std_loadings, factor_correlations,
                   factor_correlations_se, residual_variances, residual_variances_se, std_residual_variances, r_squared,
                   sample_covariance, implied_covariance, vcov, fit, n, n_dropped, iterations, warnings)

std::string to_json(const factor_study& s) {
  detail::json body = detail::json::object();
  body["instrument"] = s.instrument;
  body["analysis"] = s.analysis;
  body["n_rows"] = s.n_rows;
  body["n_out_of_range"] = s.n_out_of_range;
  body["items"] = s.items;
  body["columns"] = s.columns;
  body["item_subscales"] = s.item_subscales;
  body["reversed"] = s.reversed;
  body["factors"] = s.factors;
  body["correlation"] = s.correlation;
  body["n_min_pair"] = s.n_min_pair;
  body["efa"] = s.efa;
  if (s.efa) body["efa"]["fit"] = s.fit;
  body["parallel"] = s.parallel;
  if (s.parallel) body["parallel"]["replicates"] = s.parallel_replicates;
  body["cfa"] = s.cfa;
  body["scores"] = s.scores;
  body["warnings"] = s.warnings;
  return detail::document_text("factor", body);
}

namespace {

using detail::fixed_text;

using detail::num;
using detail::pad;

std::size_t item_width(const factor_study& s) {
  std::size_t w = 6;
  for (const auto& c : s.columns) w = std::max(w, c.size() + 2);
  return w;
}

void efa_table(std::ostringstream& os, const factor_study& s, const efa_result& e) {
  const auto m = e.loadings.cols();
  os << s.instrument << ": exploratory factor analysis, " << to_string(e.method) << ", "
     << (m > 1 ? std::string(to_string(e.rotation)) : std::string("no")) << " rotation, " << m << " factor(s)\n";
  os << "  " << s.n_rows << " rows; "
     << (s.correlation == std::optional<std::string>("polychoric") ? "polychoric" : "pairwise-complete Pearson")
     << " correlations (smallest pair N " << fixed_text(s.n_min_pair.value_or(0), 0) << ")\n\n";
  const std::size_t w = item_width(s);
  os << "  " << pad("item", w, true) << pad("scale", 12, true);
  for (const auto& nm : s.factors) os << pad(nm, 8);
  os << pad("h2", 8) << pad("u2", 8) << "\n";
  for (std::size_t i = 0; i < s.items.size(); ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    os << "  " << pad(s.columns[i] + (s.reversed[i] ? "*" : ""), w, true) << pad(s.item_subscales[i], 12, true);
    for (Eigen::Index j = 0; j < m; ++j) os << num(e.loadings(ii, j), 3, 8);
    os << num(e.communalities(ii), 3, 8) << num(e.uniquenesses(ii), 3, 8) << "\n";
  }
  os << "  (* reverse keyed)\n\n  variance accounted:";
  for (Eigen::Index j = 0; j < m; ++j) os << " " << fixed_text(e.variance_accounted(j), 3);
  os << "\n";
  if (m > 1) {
    // with row and column names, as R's print(round(phi, 2)), indented under the heading
    os << "  factor correlations:\n";
    std::istringstream lines(correlation_matrix_text(s.factors, e.phi, 2));
    for (std::string line; std::getline(lines, line);) os << "    " << line << "\n";
  }
  if (s.fit) {
    const efa_fit& f = *s.fit;
    os << "\n  fit (as psych fa):\n"
       << "    chi-square " << fixed_text(f.chisq, 2) << " on " << f.df << " df, p = " << fixed_text(f.pvalue, 4)
       << " (objective " << fixed_text(f.objective, 4) << ")\n"
       << "    empirical chi-square " << fixed_text(f.empirical_chisq, 2) << ", p = " << fixed_text(f.empirical_pvalue, 4)
       << "\n    TLI " << fixed_text(f.tli, 3) << "  RMSEA " << fixed_text(f.rmsea, 3) << " ["
       << fixed_text(f.rmsea_lower, 3) << ", " << fixed_text(f.rmsea_upper, 3) << "] ("
       << fixed_text(100 * f.rmsea_level, 0) << "%)  BIC " << fixed_text(f.bic, 2) << "  RMSR " << fixed_text(f.rmsr, 4)
       << "\n    null model: chi-square " << fixed_text(f.null_chisq, 2) << " on " << f.null_df << " df; N "
       << fixed_text(f.n_obs, 0) << ", harmonic pair N " << fixed_text(f.n_harmonic, 1) << "\n";
  } else {
    os << "  chi-square " << fixed_text(e.chi_square, 2) << " on " << e.df << " df; RMSR " << fixed_text(e.rmsr, 4) << "\n";
  }
  if (s.scores) {
    os << "\n  factor score weights (" << to_string(s.scores->method) << "; scores: --format csv):\n";
    for (std::size_t i = 0; i < s.items.size(); ++i) {
      os << "  " << pad(s.columns[i], w, true);
      for (Eigen::Index j = 0; j < m; ++j) os << num(s.scores->weights(static_cast<Eigen::Index>(i), j), 3, 8);
      os << "\n";
    }
    os << "  " << pad("R2", w, true);
    for (Eigen::Index j = 0; j < m; ++j) os << num(s.scores->r2(j), 3, 8);
    os << "\n";
  }
}

void parallel_table(std::ostringstream& os, const parallel_result& p, int replicates) {
  os << "\n  parallel analysis (Horn 1965; " << replicates << " simulated data sets): suggests "
     << p.suggested_factors << " factor(s) and " << p.suggested_components << " component(s)\n";
  os << "    " << pad("", 4) << pad("factor", 10) << pad("simulated", 11) << pad("component", 11) << pad("simulated", 11)
     << "\n";
  const auto shown = std::min<Eigen::Index>(p.observed_factors.size(),
                                            std::max(p.suggested_factors, p.suggested_components) + 3);
  for (Eigen::Index i = 0; i < shown; ++i) {
    os << "    " << pad(std::to_string(i + 1), 4) << num(p.observed_factors(i), 3, 10)
       << num(p.simulated_factors(i), 3, 11) << num(p.observed_components(i), 3, 11)
       << num(p.simulated_components(i), 3, 11) << "\n";
  }
}

void cfa_table(std::ostringstream& os, const factor_study& s, const cfa_result& r) {
  const auto& f = r.fit;
  os << s.instrument << ": confirmatory factor analysis (ML, standardized factors, one factor per subscale)\n";
  os << "  N = " << r.n << " complete rows";
  if (r.n_dropped > 0) os << " (" << r.n_dropped << " with missing answers dropped)";
  os << "\n\n  chi-square " << fixed_text(f.chisq, 2) << " on " << f.df << " df, p = " << fixed_text(f.pvalue, 4)
     << "\n  CFI " << fixed_text(f.cfi, 3) << "  TLI " << fixed_text(f.tli, 3) << "  RMSEA " << fixed_text(f.rmsea, 3)
     << " [" << fixed_text(f.rmsea_lower, 3) << ", " << fixed_text(f.rmsea_upper, 3) << "]  SRMR "
     << fixed_text(f.srmr, 3) << "\n  AIC " << fixed_text(f.aic, 1) << "  BIC " << fixed_text(f.bic, 1) << "\n\n";
  const std::size_t w = item_width(s);
  os << "  " << pad("item", w, true) << pad("factor", 12, true) << pad("loading", 9) << pad("se", 8) << pad("std", 8)
     << pad("R2", 8) << "\n";
  for (const auto& p : r.parameters) {
    if (p.kind != cfa_parameter_kind::loading) continue;
    os << "  " << pad(s.columns[p.rhs] + (s.reversed[p.rhs] ? "*" : ""), w, true) << pad(r.factors[p.lhs], 12, true)
       << num(p.estimate, 3, 9) << num(p.se, 3, 8) << num(p.std_all, 3, 8)
       << num(r.r_squared(static_cast<Eigen::Index>(p.rhs)), 3, 8) << "\n";
  }
  os << "  (* reverse keyed)\n";
  bool header = false;
  for (const auto& p : r.parameters) {
    if (p.kind != cfa_parameter_kind::factor_correlation) continue;
    if (!header) os << "\n  factor correlations:\n";
    header = true;
    os << "    " << r.factors[p.lhs] << " ~ " << r.factors[p.rhs] << ": " << fixed_text(p.estimate, 3) << " (se "
       << fixed_text(p.se, 3) << ")\n";
  }
}

}  // namespace

std::string to_csv(const factor_study& s) {
  if (!s.scores) {
    throw error(errc::invalid_argument, "the factor study has no scores: set factor_study_options.scores",
                {.option = "factor_study_options.scores", .rule = "scores_required"});
  }
  const bool ids = !s.ids.empty();
  std::string out = ids ? "id" : "row";
  for (const auto& f : s.factors) out += "," + detail::csv_field(f);
  out += "\n";
  const Eigen::MatrixXd& v = s.scores->scores;
  for (Eigen::Index i = 0; i < v.rows(); ++i) {
    const auto ii = static_cast<std::size_t>(i);
    out += ids ? detail::csv_field(s.ids[ii]) : std::to_string(ii < s.rows.size() ? s.rows[ii] : ii + 1);
    for (Eigen::Index j = 0; j < v.cols(); ++j) out += "," + (std::isnan(v(i, j)) ? std::string() : detail::number_text(v(i, j)));
    out += "\n";
  }
  return out;
}

std::string to_table(const factor_study& s) {
  std::ostringstream os;
  if (s.efa) efa_table(os, s, *s.efa);
  if (s.parallel) parallel_table(os, *s.parallel, s.parallel_replicates);
  if (s.cfa) cfa_table(os, s, *s.cfa);
  for (const auto& w : s.warnings) os << "  warning: " << w << "\n";
  return os.str();
}

ATTUNE_END_NAMESPACE
