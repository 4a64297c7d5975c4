// The reports of the IRT studies: the calibrated bank with its fit report (the bank file itself),
// IRT scores per respondent (through the one row writer), information on a theta grid, and the
// summary of a simulated adaptive test.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "detail/json_text.hpp"
#include "detail/number_text.hpp"
#include "report/streaming.hpp"
#include "keys/item_bank_json.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"
#include "report/streaming.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_ENUM(quadrature_rule)
ATTUNE_JSON_ENUM(grm_start)
ATTUNE_JSON_ENUM(standard_error_method)
ATTUNE_JSON_ENUM(theta_method)
ATTUNE_JSON_ENUM(cat_selection)
ATTUNE_JSON_ENUM(cat_balance)
ATTUNE_JSON_ENUM(cat_stop_rule)
ATTUNE_JSON_FIELDS(grm_item_se, slope, intercepts, a, b)
ATTUNE_JSON_FIELDS(sx2_item_fit, s_x2, df, p, rmsea, n)
ATTUNE_JSON_FIELDS(grm_item_estimate, item, categories, reversed, slope, intercepts, a, b, se, fit, n)
// Every member but `covariance` (parameters x parameters, 90 x 90 per ECR scale: about 160 kB of
// numbers in a bank file that apps load). The SEs are its diagonal; the API result has it whole.
ATTUNE_JSON_FIELDS(grm_fit_result, name, n, patterns, parameters, loglik, aic, bic, iterations, converged, max_change,
                   loglik_trace, marginal_reliability, empirical_reliability, start_values, se_method, quadrature,
                   quadrature_points, items, warnings)
ATTUNE_JSON_FIELDS(irt_fit_report, n_rows, n_out_of_range, scales, warnings)
// Per respondent (the theta_<scale>, se_<scale>, answered_<scale> columns): theta, se, answered.
ATTUNE_JSON_SUMMARY_FIELDS(grm_scores, scale, method, n, infinite, fallbacks, warnings)
ATTUNE_JSON_FIELDS(grm_information, theta, items, test, se)
ATTUNE_JSON_FIELDS(irt_info_scale, name, items, marginal_reliability, max_information, theta_at_max, information)
ATTUNE_JSON_FIELDS(quadrature_options, rule, points, lower, upper)
ATTUNE_JSON_FIELDS(cat_stop_rules, se, min_items, max_items, se_change, max_total_items)
ATTUNE_JSON_FIELDS(cat_options, selection, balance, randomesque, seed, kl_delta, stop, quadrature)
ATTUNE_JSON_FIELDS(cat_length_count, items, respondents)
ATTUNE_JSON_FIELDS(cat_stop_count, rule, respondents)
ATTUNE_JSON_FIELDS(cat_simulation_scale, name, mean_items, mean_se, rmse_true, cor_true, cor_full_eap, rmse_full_eap)
// Per respondent (API only): theta_true, theta_cat, se_cat, theta_full, items_used.
ATTUNE_JSON_SUMMARY_FIELDS(cat_simulation_result, respondents, mean_items, items_distribution, scales, stop_rules, warnings)

namespace {

using detail::fixed_text;
using detail::json;
using detail::number_text;
using detail::row_column;
using detail::summary_of;

using detail::num;
using detail::pad;

std::string list_text(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t k = 0; k < v.size(); ++k) s += (k > 0 ? ", " : "") + v[k];
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Calibration: the bank document with the fit report under "fit"

std::string to_json(const irt_fit_study& study) {
  json doc = detail::item_bank_document(study.bank);
  doc["fit"] = study.fit;
  try {
    return detail::pretty_json_text(doc) + "\n";
  } catch (const error&) {
    (void)detail::json_text(doc);  // names where the text that is not UTF-8 sits
    throw;
  }
}

std::string to_table(const irt_fit_study& study) {
  std::ostringstream os;
  const item_bank& b = study.bank;
  os << "item bank: " << b.items.size() << " items, " << study.fit.scales.size() << " scale(s)"
     << (b.instrument.empty() ? std::string() : ", instrument " + b.instrument) << "; " << study.fit.n_rows
     << " rows read\n";
  if (!b.provenance.source.empty()) os << "  source: " << b.provenance.source << "\n";
  if (!b.provenance.sample.empty()) os << "  sample: " << b.provenance.sample << "\n";
  if (!b.licence.empty()) os << "  licence: " << b.licence << "\n";
  for (const auto& s : study.fit.scales) {
    os << "\n== " << s.name << " (" << s.items.size() << " items) ==\n";
    os << "N: " << s.n << " respondents, " << s.patterns << " response patterns, " << s.parameters << " parameters\n";
    os << "log-likelihood " << fixed_text(s.loglik, 2) << "  AIC " << fixed_text(s.aic, 2) << "  BIC "
       << fixed_text(s.bic, 2) << "\n";
    os << "EM: " << s.iterations << " iterations, " << (s.converged ? "converged" : "NOT converged")
       << " (largest last change " << number_text(s.max_change, 3) << "); start " << to_string(s.start_values)
       << ", " << s.quadrature_points << " " << to_string(s.quadrature) << " nodes, SEs " << to_string(s.se_method)
       << "\n";
    os << "reliability: marginal " << fixed_text(s.marginal_reliability, 3) << ", empirical "
       << fixed_text(s.empirical_reliability, 3) << "\n\n";
    std::size_t nb = 0;
    for (const auto& it : s.items) nb = std::max(nb, it.b.size());
    std::size_t wid = 4;
    for (const auto& it : s.items) wid = std::max(wid, it.item.size());
    os << pad("item", wid, true) << "  rev   slope      se";
    for (std::size_t k = 0; k < nb; ++k) os << pad("b" + std::to_string(k + 1), 8);
    os << "     S-X2   df       p  RMSEA\n";
    for (const auto& it : s.items) {
      os << pad(it.item, wid, true) << (it.reversed ? "  yes" : "   no") << num(it.slope, 3, 8) << num(it.se.slope, 3, 8);
      for (std::size_t k = 0; k < nb; ++k) os << (k < it.b.size() ? num(it.b[k], 3, 8) : pad("", 8));
      if (it.fit) {
        os << num(it.fit->s_x2, 2, 9) << pad(std::to_string(it.fit->df), 5) << num(it.fit->p, 3, 8)
           << num(it.fit->rmsea, 3, 7);
      }
      os << "\n";
    }
    for (const auto& w : s.warnings) os << "warning: " << w << "\n";
  }
  if (!study.fit.warnings.empty()) os << "\n";
  for (const auto& w : study.fit.warnings) os << "warning: " << w << "\n";
  return os.str();
}

// ---------------------------------------------------------------------------------------------
// Scores

namespace {

std::vector<row_column> score_columns(const irt_score_study& s) {
  std::vector<row_column> c = {{s.id_column.empty() ? "row" : s.id_column, -1}};
  for (const auto& name : s.scales) {
    c.push_back({"theta_" + name, 3});
    c.push_back({"se_" + name, 3});
    c.push_back({"answered_" + name, -1});
  }
  return c;
}

json score_head(const irt_score_study& s) {
  json j = json::object();
  j["instrument"] = s.instrument;
  j["bank_fingerprint"] = s.bank_fingerprint;
  j["method"] = s.method;
  j["scales"] = s.scales;
  j["id_column"] = s.id_column.empty() ? json(nullptr) : json(s.id_column);
  j["n_rows"] = s.n_rows;
  j["n_set_missing"] = s.n_set_missing;
  return j;
}

json score_tail(const irt_score_study& s) {
  json j = json::object();
  json scores = json::array();
  for (const auto& sc : s.scores) scores.push_back(summary_of{sc});
  j["scores"] = std::move(scores);
  j["warnings"] = s.warnings;
  return j;
}

void score_rows(detail::row_writer& w, const irt_score_study& s) {
  const bool with_id = !s.id_column.empty();
  detail::require_rows_held("irt score", s.n_rows, with_id ? s.ids.size() : s.rows.size());
  for (std::size_t i = 0; i < s.n_rows; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    w.begin_row();
    if (with_id) {
      w.text(s.ids[i]);
    } else {
      w.integer(static_cast<std::int64_t>(s.rows[i]));
    }
    for (const auto& sc : s.scores) {
      w.number(sc.theta(r));
      w.number(sc.se(r));
      w.integer(sc.answered(r));
    }
    w.end_row(with_id ? s.ids[i] : "row " + std::to_string(s.rows[i]));
  }
}

// Mean and SD (n - 1) of the finite values.
std::pair<double, double> finite_mean_sd(const Eigen::VectorXd& x) {
  double sum = 0, sq = 0;
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x(i))) continue;
    sum += x(i);
    ++n;
  }
  const double mean = n > 0 ? sum / static_cast<double>(n) : NAN;
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (std::isfinite(x(i))) sq += (x(i) - mean) * (x(i) - mean);
  return {mean, n > 1 ? std::sqrt(sq / static_cast<double>(n - 1)) : NAN};
}

}  // namespace

std::string irt_score_summary_text(const irt_score_study& s) {
  std::ostringstream os;
  os << "irt scores (" << to_string(s.method) << ")" << (s.instrument.empty() ? std::string() : " on " + s.instrument)
     << ", item bank " << s.bank_fingerprint << ": " << s.n_rows << " respondents\n";
  os << "  scale                scored  no answer  infinite     mean theta   sd theta    mean se\n";
  for (const auto& sc : s.scores) {
    const auto [m, sd] = finite_mean_sd(sc.theta);
    const auto [mse, sdse] = finite_mean_sd(sc.se);
    (void)sdse;
    char buf[200];
    std::snprintf(buf, sizeof buf, "  %-20s %6zu %10zu %9zu %14s %10s %10s\n", sc.scale.c_str(), sc.n,
                  s.n_rows - sc.n, sc.infinite, fixed_text(m, 3).c_str(), fixed_text(sd, 3).c_str(),
                  fixed_text(mse, 3).c_str());
    os << buf;
  }
  for (const auto& w : s.warnings) os << "  warning: " << w << "\n";
  for (const auto& sc : s.scores)
    for (const auto& w : sc.warnings) os << "  warning: " << sc.scale << ": " << w << "\n";
  return os.str();
}

void write_report(std::ostream& out, output_format format, const irt_score_study& study, const row_options& rows) {
  detail::write_row_report(
      out, format, "irt_score", score_columns(study), [&] { return score_head(study); },
      [&](detail::row_writer& w) { score_rows(w, study); }, [&] { return score_tail(study); },
      [&] { return irt_score_summary_text(study); }, rows);
}

std::string to_json(const irt_score_study& study) { return detail::report_text(study, output_format::json); }
std::string to_table(const irt_score_study& study) { return detail::report_text(study, output_format::table); }

// ---------------------------------------------------------------------------------------------
// Information

std::string to_json(const irt_info_study& s) {
  json body = json::object();
  body["instrument"] = s.instrument;
  body["bank_fingerprint"] = s.bank_fingerprint;
  body["scales"] = s.scales;
  return detail::document_text("irt_info", body);
}

std::string to_table(const irt_info_study& s) {
  std::ostringstream os;
  os << "information of item bank " << s.bank_fingerprint
     << (s.instrument.empty() ? std::string() : " (instrument " + s.instrument + ")") << "\n";
  for (const auto& sc : s.scales) {
    os << "\n== " << sc.name << " (" << sc.items.size() << " items) ==\n";
    os << "marginal reliability " << fixed_text(sc.marginal_reliability, 3) << "; highest information "
       << fixed_text(sc.max_information, 2) << " at theta " << fixed_text(sc.theta_at_max, 2) << "\n";
    os << "   theta  information      se  reliability\n";
    const auto& inf = sc.information;
    for (Eigen::Index q = 0; q < inf.theta.size(); ++q) {
      // I / (I + 1): the reliability of a score at this theta under the N(0, 1) prior
      os << num(inf.theta(q), 2, 8) << num(inf.test(q), 3, 13) << num(inf.se(q), 3, 8)
         << num(inf.test(q) / (inf.test(q) + 1.0), 3, 13) << "\n";
    }
  }
  return os.str();
}

// ---------------------------------------------------------------------------------------------
// Simulation

std::string to_json(const irt_simulation_study& s) {
  json body = json::object();
  body["items"] = s.data.item_ids;
  body["scales"] = s.scales;
  body["ids"] = s.data.row_ids;
  body["answers"] = s.data.values;  // rows x items, NaN (deleted at random) = null
  body["theta"] = s.theta;          // rows x scales, the true thetas
  return detail::document_text("irt_simulation", body);
}

std::string to_table(const irt_simulation_study& s) {
  std::ostringstream os;
  const Eigen::MatrixXd& x = s.data.values;
  os << "answers simulated from the item bank: " << x.rows() << " respondents x " << x.cols() << " items; scales ";
  std::size_t wid = 5;  // "scale"
  for (std::size_t k = 0; k < s.scales.size(); ++k) {
    os << (k == 0 ? "" : ", ") << s.scales[k];
    wid = std::max(wid, s.scales[k].size());
  }
  os << "\n";
  // Observed mean and SD (n - 1) per item over its answers (NaN: deleted at random).
  for (const auto& id : s.data.item_ids) wid = std::max(wid, id.size());
  os << "\n" << pad("item", wid, true) << pad("answered", 10) << pad("mean", 8) << pad("SD", 8) << "\n";
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    double n = 0, sum = 0, ss = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (std::isnan(x(i, j))) continue;
      ++n;
      sum += x(i, j);
    }
    const double mean = n > 0 ? sum / n : std::nan("");
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (!std::isnan(x(i, j))) ss += (x(i, j) - mean) * (x(i, j) - mean);
    }
    os << pad(s.data.item_ids[static_cast<std::size_t>(j)], wid, true) << pad(number_text(n), 10) << num(mean, 3, 8)
       << num(n > 1 ? std::sqrt(ss / (n - 1)) : std::nan(""), 3, 8) << "\n";
  }
  // The true thetas, drawn N(0, 1) per scale.
  os << "\n" << pad("scale", wid, true) << pad("theta mean", 12) << pad("theta SD", 10) << "\n";
  for (Eigen::Index k = 0; k < s.theta.cols(); ++k) {
    const Eigen::VectorXd t = s.theta.col(k);
    const double mean = t.size() > 0 ? t.mean() : std::nan("");
    const double sd = t.size() > 1 ? std::sqrt((t.array() - mean).square().sum() / static_cast<double>(t.size() - 1))
                                   : std::nan("");
    os << pad(s.scales[static_cast<std::size_t>(k)], wid, true) << num(mean, 3, 12) << num(sd, 3, 10) << "\n";
  }
  return os.str();
}

// ---------------------------------------------------------------------------------------------
// Adaptive testing

std::string to_json(const cat_simulation_study& s) {
  json body = json::object();
  body["instrument"] = s.instrument;
  body["bank_fingerprint"] = s.bank_fingerprint;
  body["answers"] = s.answers;
  body["n"] = s.n;
  body["seed"] = s.seed;
  body["cat"] = s.cat;
  body["n_set_missing"] = s.n_set_missing;
  body["result"] = summary_of{s.result};
  return detail::document_text("cat_simulation", body);
}

std::string to_table(const cat_simulation_study& s) {
  std::ostringstream os;
  const auto& r = s.result;
  const auto& c = s.cat;
  os << "adaptive test on item bank " << s.bank_fingerprint
     << (s.instrument.empty() ? std::string() : " (instrument " + s.instrument + ")") << ": " << r.respondents << " "
     << (s.answers == "simulated" ? "simulated respondents (seed " + std::to_string(s.seed) + ")"
                                  : "respondents' answers from " + s.answers)
     << "\n";
  os << "  selection " << to_string(c.selection) << ", balance " << to_string(c.balance) << ", randomesque "
     << c.randomesque << "; stop per scale: ";
  std::vector<std::string> rules;
  if (c.stop.se) rules.push_back("SE <= " + number_text(*c.stop.se));
  if (c.stop.max_items) rules.push_back("max " + std::to_string(*c.stop.max_items) + " items");
  if (c.stop.se_change) rules.push_back("SE change < " + number_text(*c.stop.se_change));
  os << (rules.empty() ? std::string("bank exhausted") : list_text(rules)) << " (min " << c.stop.min_items
     << " items)";
  if (c.stop.max_total_items) os << "; max " << *c.stop.max_total_items << " items in all";
  os << "\n";
  os << "  mean items: " << fixed_text(r.mean_items, 2) << "\n\n";
  os << "  scale               mean items  mean SE  RMSE(true)  r(true)  r(full EAP)  RMSE(full EAP)\n";
  for (const auto& sc : r.scales) {
    char buf[240];
    std::snprintf(buf, sizeof buf, "  %-20s %9s %8s %11s %8s %12s %15s\n", sc.name.c_str(),
                  fixed_text(sc.mean_items, 2).c_str(), fixed_text(sc.mean_se, 3).c_str(),
                  fixed_text(sc.rmse_true, 3).c_str(), fixed_text(sc.cor_true, 3).c_str(),
                  fixed_text(sc.cor_full_eap, 3).c_str(), fixed_text(sc.rmse_full_eap, 3).c_str());
    os << buf;
  }
  os << "\n  items used  respondents\n";
  for (const auto& d : r.items_distribution) os << pad(std::to_string(d.items), 12) << pad(std::to_string(d.respondents), 13) << "\n";
  os << "\n  stop rule        respondents\n";
  for (const auto& d : r.stop_rules) {
    os << "  " << pad(std::string(to_string(d.rule)), 15, true) << pad(std::to_string(d.respondents), 12) << "\n";
  }
  for (const auto& w : r.warnings) os << "warning: " << w << "\n";
  return os.str();
}

std::string cat_prompt_text(const cat_item_prompt& p, std::size_t number) {
  return "[" + std::to_string(number) + "] " + p.item + " (" + p.scale + ")" + (p.text.empty() ? "" : ": " + p.text);
}

std::string cat_choices_text(const cat_item_prompt& p) {
  std::string s;
  for (std::size_t k = 0; k < p.categories.size(); ++k) s += (k > 0 ? "/" : "") + number_text(p.categories[k]);
  return s;
}

std::string cat_progress_text(const cat_session& session, std::string_view scale) {
  return std::string(scale) + ": theta " + fixed_text(session.theta(scale), 2) + ", SE " +
         fixed_text(session.se(scale), 2);
}

std::string cat_summary_text(const cat_session& session) {
  std::ostringstream os;
  os << (session.done() ? "Done" : "Stopped before the end") << " after " << session.history().size() << " items";
  if (const auto rule = session.stop_rule()) os << " (stop rule: " << to_string(*rule) << ")";
  os << ".\n";
  for (const auto& s : session.scales()) {
    os << "  " << s.name << ": theta " << fixed_text(s.theta, 2) << ", SE " << fixed_text(s.se, 2) << ", " << s.items
       << " items" << (s.stop ? ", " + std::string(to_string(*s.stop)) : std::string()) << "\n";
  }
  return os.str();
}

ATTUNE_END_NAMESPACE
