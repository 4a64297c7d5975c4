// APA-style results text (report layer): numbers per APA 7, sections 6.36 (decimals, leading
// zeros) and 6.38 (p values).
#include "attune/report/apa.hpp"

#include <cmath>
#include <cstdio>

ATTUNE_BEGIN_NAMESPACE

std::string apa_number(double x, int decimals, bool bounded) {
  if (std::isnan(x)) return "NA";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  std::string s = buf;
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // -0.001 is "0.00", not "-0.00"
  if (bounded) {
    const std::size_t zero = s[0] == '-' ? 1 : 0;
    if (s.compare(zero, 2, "0.") == 0) s.erase(zero, 1);
  }
  return s;
}

std::string apa_p(double p) {
  if (std::isnan(p)) return "p = NA";
  if (p < 0.001) return "p < .001";
  const std::string s = apa_number(p, 3, true);
  return s == "1.000" ? "p > .999" : "p = " + s;
}

namespace {

std::string interval_method_words(ci_method m) {
  switch (m) {
    case ci_method::feldt: return "Feldt";
    case ci_method::feldt_1965: return "Feldt 1965";
    case ci_method::normal_theory: return "normal theory";
    case ci_method::adf: return "asymptotically distribution-free";
    case ci_method::bonett_wright: return "Bonett-Wright";
    case ci_method::bootstrap_percentile: return "percentile bootstrap";
    case ci_method::bootstrap_bca: return "BCa bootstrap";
  }
  return std::string(to_string(m));
}

std::string interval_words(const confidence_interval& ci) {
  const std::string level = apa_number(100.0 * ci.level, std::fmod(100.0 * ci.level, 1.0) == 0.0 ? 0 : 1);
  return level + "% CI [" + apa_number(ci.lower, 2, true) + ", " + apa_number(ci.upper, 2, true) + "]";
}

// An interval's method is stored by name (confidence_interval::method); the words are nicer.
std::string named_interval(const confidence_interval& ci) {
  const auto m = parse_ci_method(ci.method);
  return interval_words(ci) + " (" + (m ? interval_method_words(*m) : ci.method) + ")";
}

std::string sample_words(const reliability_result& r) {
  const auto whole = [](double x) { return apa_number(x, 0); };
  std::string s = "N = " + whole(r.n_rows);
  if (r.n_complete >= r.n_rows) return s;
  if (r.n == r.n_complete) return s + "; listwise deletion left the " + whole(r.n_complete) + " who answered every item";
  return s + "; pairwise deletion, effective N = " + whole(r.n);
}

}  // namespace

std::string to_apa(const reliability_study& study) {
  std::string out;
  for (const auto& scale : study.scales) {
    const reliability_result& r = scale.reliability;
    std::string p = "For the " + scale.name + " scale (" + std::to_string(r.n_items) + " items, " + sample_words(r) +
                    "), Cronbach's alpha was " + apa_number(r.alpha, 2, true);
    if (!r.intervals.empty()) p += ", " + named_interval(r.intervals.front());
    if (scale.omega) {
      const omega_estimates& o = *scale.omega;
      p += ", and McDonald's omega total from a one-factor model was " + apa_number(o.total, 2, true);
      if (o.total_ci) p += ", " + named_interval(*o.total_ci);
      if (o.hierarchical) {
        p += "; in a bifactor model with " + std::to_string(o.hierarchical->n_factors) +
             " group factors (Schmid-Leiman), omega hierarchical was " +
             apa_number(o.hierarchical->omega_hierarchical, 2, true);
        if (o.hierarchical_ci) p += ", " + named_interval(*o.hierarchical_ci);
      }
    }
    p += ".";
    if (scale.ordinal_alpha) {
      p += " Ordinal alpha from polychoric correlations was " + apa_number(*scale.ordinal_alpha, 2, true) + ".";
    }
    out += p + "\n\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

ATTUNE_END_NAMESPACE
