// The report of a reliability study: the JSON document and a readable report in the spirit of
// psych's print.alpha, with omega after it.
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_FIELDS(omega_estimates, total, total_ci, hierarchical, hierarchical_ci, warnings)
ATTUNE_JSON_FIELDS(icc_row, type, description, icc, f, df1, df2, p, ci)
ATTUNE_JSON_FIELDS(icc_result, n, n_raters, ms_subjects, ms_within, ms_raters, ms_error, rows, warnings)
ATTUNE_JSON_FIELDS(scale_reliability, name, items, reversed, reliability, omega, ordinal_alpha, icc, warnings)

std::string to_json(const reliability_study& s) {
  detail::json body = detail::json::object();
  body["instrument"] = s.instrument;
  body["n_rows"] = s.n_rows;
  body["n_out_of_range"] = s.n_out_of_range;
  body["scales"] = s.scales;
  body["warnings"] = s.warnings;
  return detail::document_text("reliability", body);
}

namespace {

using detail::fixed_text;

using detail::num;
using detail::pad;

std::string ci_text(const std::optional<confidence_interval>& ci) {
  if (!ci) return "";
  return " [" + fixed_text(ci->lower, 3) + ", " + fixed_text(ci->upper, 3) + "] (" + ci->method + ")";
}

void scale_table(std::ostringstream& os, const scale_reliability& s) {
  const auto& r = s.reliability;
  os << "\n== " << s.name << " (" << r.n_items << " items) ==\n";
  os << "N: " << r.n_rows << " rows, " << r.n_complete << " complete, effective " << fixed_text(r.n, 1)
     << " (smallest pair " << r.n_min_pair << ")\n\n";
  os << " raw_alpha std.alpha G6(smc) average_r   S/N    ase  mean    sd median_r    SEM\n";
  os << num(r.alpha, 3, 10) << num(r.alpha_std, 3, 10) << num(r.lambda6, 3, 8) << num(r.average_r, 3, 10)
     << num(r.signal_noise, 2, 6) << num(r.ase, 4, 7) << num(r.total_mean, 2, 6) << num(r.total_sd, 2, 6)
     << num(r.median_r, 3, 9) << num(r.sem, 3, 7) << "\n\n";
  os << " Guttman (on R): lambda1 " << fixed_text(r.lambda1, 3) << "  lambda2 " << fixed_text(r.lambda2, 3)
     << "  lambda3 " << fixed_text(r.lambda3, 3) << "  lambda4 " << fixed_text(r.lambda4, 3) << "  lambda5 "
     << fixed_text(r.lambda5, 3) << "  lambda6 " << fixed_text(r.lambda6, 3) << "\n";
  if (r.split_half) {
    const auto& sh = *r.split_half;
    os << " Split-half (" << sh.n_splits << (sh.exhaustive ? " splits, all" : " random splits") << "): max "
       << fixed_text(sh.max, 3) << "  min (beta) " << fixed_text(sh.min, 3) << "  mean " << fixed_text(sh.mean, 3)
       << "  median " << fixed_text(sh.median, 3) << "\n";
    os << "   odd-even " << fixed_text(sh.odd_even, 3) << " (half r " << fixed_text(sh.odd_even_r, 3)
       << ", Spearman-Brown " << fixed_text(sh.odd_even_sb, 3) << ");  first-second " << fixed_text(sh.first_second, 3)
       << " (half r " << fixed_text(sh.first_second_r, 3) << ", Spearman-Brown " << fixed_text(sh.first_second_sb, 3)
       << ")\n";
  }
  if (s.omega) {
    const auto& om = *s.omega;
    os << " Omega: total (one factor) " << fixed_text(om.total, 3) << ci_text(om.total_ci);
    if (om.hierarchical) {
      const auto& h = *om.hierarchical;
      os << ";  bifactor (" << h.n_factors << " group factors): hierarchical " << fixed_text(h.omega_hierarchical, 3)
         << ci_text(om.hierarchical_ci) << ", total " << fixed_text(h.omega_total, 3) << ", asymptotic "
         << fixed_text(h.omega_hierarchical_asymptotic, 3) << ", ECV " << fixed_text(h.ecv, 3);
    }
    os << "\n";
  }
  if (s.ordinal_alpha) os << " Ordinal alpha (polychoric): " << fixed_text(*s.ordinal_alpha, 3) << "\n";
  if (s.icc) {
    os << " Intraclass correlations (Shrout & Fleiss 1979; " << fixed_text(s.icc->n, 0) << " complete rows, "
       << s.icc->n_raters << " columns as raters or occasions):\n";
    os << "  " << pad("type", 6, true) << pad("ICC", 8) << pad("F", 10) << pad("df1", 8) << pad("df2", 8) << pad("p", 10)
       << "  interval  description\n";
    for (const auto& row : s.icc->rows)
      os << "  " << pad(row.type, 6, true) << num(row.icc, 3, 8) << num(row.f, 2, 10) << num(row.df1, 0, 8) << num(row.df2, 0, 8)
         << pad(detail::number_text(row.p, 3), 10) << "  [" << fixed_text(row.ci.lower, 3) << ", " << fixed_text(row.ci.upper, 3)
         << "]  " << row.description << "\n";
  }
  if (!r.intervals.empty()) {
    os << "\n Confidence intervals for alpha:\n";
    os << "   method                level  lower  alpha  upper        N\n";
    for (const auto& ci : r.intervals) {
      os << "   " << pad(ci.method, 20, true) << num(ci.level, 2, 7) << num(ci.lower, 3, 7) << num(r.alpha, 3, 7)
         << num(ci.upper, 3, 7) << num(ci.n, 1, 9) << "\n";
    }
  }
  std::size_t w = 6;
  for (const auto& it : r.items) w = std::max(w, it.item.size() + 1);
  os << "\n Reliability if an item is dropped:\n";
  os << "   " << pad("item", w, true) << " raw_alpha std.alpha G6(smc) average_r   S/N alpha_se  var.r  med.r\n";
  for (const auto& it : r.items) {
    os << "   " << pad(it.item, w, true) << num(it.alpha_if_deleted, 3, 10) << num(it.alpha_std_if_deleted, 3, 10)
       << num(it.g6_if_deleted, 3, 8) << num(it.average_r_if_deleted, 3, 10) << num(it.signal_noise_if_deleted, 2, 6)
       << num(it.ase_if_deleted, 4, 9) << num(it.var_r_if_deleted, 4, 7) << num(it.median_r_if_deleted, 3, 7) << "\n";
  }
  os << "\n Item statistics:\n";
  os << "   " << pad("item", w, true) << "      n raw.r std.r r.cor r.drop  mean    sd\n";
  for (const auto& it : r.items) {
    os << "   " << pad(it.item, w, true) << num(it.n, 0, 7) << num(it.raw_r, 2, 6) << num(it.std_r, 2, 6)
       << num(it.r_cor, 2, 6) << num(it.r_drop, 2, 7) << num(it.mean, 2, 6) << num(it.sd, 2, 6) << "\n";
  }
  if (!r.items.empty() && !r.items.front().frequencies.empty()) {
    os << "\n Non missing response frequency for each item:\n";
    os << "   " << pad("item", w, true);
    for (const auto& f : r.items.front().frequencies) os << pad(detail::number_text(f.first), 6);
    os << "  miss\n";
    for (const auto& it : r.items) {
      os << "   " << pad(it.item, w, true);
      for (const auto& f : it.frequencies) os << num(f.second, 2, 6);
      os << num(it.missing_share, 2, 6) << "\n";
    }
  }
  std::vector<warning> warnings(r.warnings.begin(), r.warnings.end());
  if (s.omega) warnings.insert(warnings.end(), s.omega->warnings.begin(), s.omega->warnings.end());
  warnings.insert(warnings.end(), s.warnings.begin(), s.warnings.end());
  for (const auto& wtext : warnings) os << "\n warning: " << wtext;
  if (!warnings.empty()) os << "\n";
}

}  // namespace

std::string to_table(const reliability_study& s) {
  std::ostringstream os;
  os << "Reliability analysis: " << s.instrument.value_or("the data's columns as one scale") << ", " << s.n_rows
     << " rows\n";
  for (const auto& w : s.warnings) os << "note: " << w << "\n";
  for (const auto& sc : s.scales) scale_table(os, sc);
  return os.str();
}

ATTUNE_END_NAMESPACE
