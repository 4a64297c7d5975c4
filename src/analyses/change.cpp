// Normed scores (z, T, percentiles), the reliable change index, clinically significant change and
// trajectories. Source: Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical
// approach to defining meaningful change in psychotherapy research. Journal of Consulting and
// Clinical Psychology, 59(1), 12-19. docs/change.md for users.
#include "attune/analyses/change.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/math.hpp"
#include "detail/quote.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

}  // namespace

namespace {
constexpr detail::enum_table<percentile_method, 2> percentile_method_names{
    {{percentile_method::table, "table"}, {percentile_method::normal, "normal"}}};
constexpr detail::enum_table<change_direction, 3> direction_names{{{change_direction::lower_is_better, "lower_is_better"},
                                                                  {change_direction::higher_is_better, "higher_is_better"},
                                                                  {change_direction::none, "none"}}};
constexpr detail::enum_table<change_category, 6> category_names{
    {{change_category::reliably_improved, "reliably_improved"},
     {change_category::no_reliable_change, "no_reliable_change"},
     {change_category::reliably_deteriorated, "reliably_deteriorated"},
     {change_category::reliably_increased, "reliably_increased"},
     {change_category::reliably_decreased, "reliably_decreased"},
     {change_category::not_assessable, "not_assessable"}}};
constexpr detail::enum_table<cutoff_kind, 3> cutoff_names{{{cutoff_kind::a, "a"}, {cutoff_kind::b, "b"}, {cutoff_kind::c, "c"}}};
constexpr detail::enum_table<clinical_status, 5> clinical_names{{{clinical_status::recovered, "recovered"},
                                                                {clinical_status::improved, "improved"},
                                                                {clinical_status::unchanged, "unchanged"},
                                                                {clinical_status::deteriorated, "deteriorated"},
                                                                {clinical_status::not_assessable, "not_assessable"}}};
}  // namespace

std::string_view to_string(percentile_method m) noexcept { return detail::enum_name(percentile_method_names, m); }
std::optional<percentile_method> parse_percentile_method(std::string_view s) noexcept {
  return detail::enum_parse(percentile_method_names, s);
}
std::string_view to_string(change_direction d) noexcept { return detail::enum_name(direction_names, d); }
std::optional<change_direction> parse_change_direction(std::string_view s) noexcept {
  return detail::enum_parse(direction_names, s);
}
std::string_view to_string(change_category c) noexcept { return detail::enum_name(category_names, c); }
std::optional<change_category> parse_change_category(std::string_view s) noexcept {
  return detail::enum_parse(category_names, s);
}
std::string_view to_string(cutoff_kind k) noexcept { return detail::enum_name(cutoff_names, k); }
std::optional<cutoff_kind> parse_cutoff_kind(std::string_view s) noexcept { return detail::enum_parse(cutoff_names, s); }
std::string_view to_string(clinical_status c) noexcept { return detail::enum_name(clinical_names, c); }
std::optional<clinical_status> parse_clinical_status(std::string_view s) noexcept {
  return detail::enum_parse(clinical_names, s);
}

namespace {
std::string outside_table_warning(std::size_t n_outside, const scale_norm& norm) {
  const auto& tab = norm.percentiles;
  return std::to_string(n_outside) + " score(s) of '" + norm.scale + "' lie beyond the percentile table (" +
         number_text(tab.front().score) + " to " + number_text(tab.back().score) + "); they get the end percentiles";
}
}  // namespace

normed_scores norm_scores(const Eigen::Ref<const Eigen::VectorXd>& scores, const scale_norm& norm) {
  if (!(std::isfinite(norm.sd) && norm.sd > 0) || !std::isfinite(norm.mean)) {
    throw error(errc::invalid_argument, "norm_scores: scale " + detail::quoted(norm.scale) + " has mean " +
                                            number_text(norm.mean) + " and sd " + number_text(norm.sd) +
                                            "; need a finite mean and sd > 0");
  }
  const auto n = scores.size();
  normed_scores r;
  r.z = Eigen::VectorXd::Constant(n, nan_v);
  r.t = Eigen::VectorXd::Constant(n, nan_v);
  r.percentile = Eigen::VectorXd::Constant(n, nan_v);
  const auto& tab = norm.percentiles;
  r.method = tab.empty() ? percentile_method::normal : percentile_method::table;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double x = scores(i);
    if (!std::isfinite(x)) continue;
    ++r.n;
    const double z = (x - norm.mean) / norm.sd;
    r.z(i) = z;
    r.t(i) = 50.0 + 10.0 * z;  // T score: mean 50, SD 10
    if (tab.empty()) {
      // Phi(z) = erfc(-z / sqrt 2) / 2: assumes normally distributed norm scores.
      r.percentile(i) = 50.0 * std::erfc(-z / std::sqrt(2.0));
    } else if (x <= tab.front().score || x >= tab.back().score) {
      const bool low = x <= tab.front().score;
      r.percentile(i) = low ? tab.front().percentile : tab.back().percentile;
      if (x < tab.front().score || x > tab.back().score) ++r.n_outside_table;
    } else {
      // Linear interpolation between the two table points around x.
      const auto hi = std::upper_bound(tab.begin(), tab.end(), x,
                                       [](double v, const percentile_point& p) { return v < p.score; });
      const auto lo = hi - 1;
      const double w = (x - lo->score) / (hi->score - lo->score);
      r.percentile(i) = lo->percentile + w * (hi->percentile - lo->percentile);
    }
  }
  if (r.n_outside_table > 0) r.warnings.push_back(outside_table_warning(r.n_outside_table, norm));
  return r;
}

void merge_summary(normed_scores& total, const normed_scores& part, const scale_norm& norm) {
  total.n += part.n;
  total.n_outside_table += part.n_outside_table;
  total.warnings.clear();  // norm_scores' only warning
  if (total.n_outside_table > 0) total.warnings.push_back(outside_table_warning(total.n_outside_table, norm));
}


void rci_options::validate() const {
  if (!(std::isfinite(sd) && sd > 0)) {
    throw error(errc::invalid_argument, "reliable change: sd = " + number_text(sd) + "; must be > 0");
  }
  if (!(std::isfinite(reliability) && reliability >= 0 && reliability < 1)) {
    throw error(errc::invalid_argument,
                "reliable change: reliability = " + number_text(reliability) +
                    "; must be in [0, 1) (1 would make the standard error of the difference 0)");
  }
  if (!(std::isfinite(critical) && critical > 0)) {
    throw error(errc::invalid_argument, "reliable change: critical = " + number_text(critical) + "; must be > 0");
  }
}

double standard_error_of_difference(double sd, double reliability) {
  rci_options o;
  o.sd = sd;
  o.reliability = reliability;
  o.validate();
  // Jacobson & Truax (1991, p. 14): S_E = s1 sqrt(1 - r_xx); S_diff = sqrt(2 S_E^2).
  return sd * std::sqrt(2.0) * std::sqrt(1.0 - reliability);
}

double reliable_change_index(double before, double after, double sd, double reliability) {
  const double s_diff = standard_error_of_difference(sd, reliability);
  if (!std::isfinite(before) || !std::isfinite(after)) return nan_v;
  return (after - before) / s_diff;  // Jacobson & Truax (1991), RC = (x2 - x1) / S_diff
}

change_category categorize_change(double rci, double critical, change_direction direction) noexcept {
  if (!std::isfinite(rci)) return change_category::not_assessable;
  if (std::abs(rci) <= critical) return change_category::no_reliable_change;
  const bool up = rci > 0;
  switch (direction) {
    case change_direction::lower_is_better:
      return up ? change_category::reliably_deteriorated : change_category::reliably_improved;
    case change_direction::higher_is_better:
      return up ? change_category::reliably_improved : change_category::reliably_deteriorated;
    case change_direction::none:
      return up ? change_category::reliably_increased : change_category::reliably_decreased;
  }
  return change_category::not_assessable;
}

reliable_change assess_change(double before, double after, const rci_options& options) {
  options.validate();
  reliable_change r;
  if (!std::isfinite(before) || !std::isfinite(after)) return r;
  r.change = after - before;
  r.rci = reliable_change_index(before, after, options.sd, options.reliability);
  r.category = categorize_change(r.rci, options.critical, options.direction);
  return r;
}

clinical_cutoffs jacobson_truax_cutoffs(const scale_norm& functional, const scale_norm& dysfunctional,
                                        change_direction direction) {
  if (direction == change_direction::none) {
    throw error(errc::invalid_argument,
                "clinical cut-offs: scale '" + functional.scale +
                    "' has no direction of improvement; cut-offs need lower_is_better or higher_is_better");
  }
  for (const auto* s : {&functional, &dysfunctional}) {
    if (!(std::isfinite(s->sd) && s->sd > 0) || !std::isfinite(s->mean)) {
      throw error(errc::invalid_argument, "clinical cut-offs: scale " + detail::quoted(s->scale) + " norm mean " +
                                              number_text(s->mean) + ", sd " + number_text(s->sd) +
                                              "; need a finite mean and sd > 0");
    }
  }
  const bool lower = direction == change_direction::lower_is_better;
  const double mf = functional.mean, sf = functional.sd, md = dysfunctional.mean, sd = dysfunctional.sd;
  if (lower ? !(mf < md) : !(mf > md)) {
    throw error(errc::bad_input,
                "clinical cut-offs: scale " + detail::quoted(functional.scale) + ": the functional mean " + number_text(mf) +
                    " is not " + (lower ? "below" : "above") + " the dysfunctional mean " + number_text(md) +
                    " although " + (lower ? "lower" : "higher") + " is better");
  }
  clinical_cutoffs c;
  c.direction = direction;
  const double toward_f = lower ? -1.0 : 1.0;
  c.a = md + toward_f * 2.0 * sd;  // 2 SD beyond the dysfunctional mean, toward functional
  c.b = mf - toward_f * 2.0 * sf;  // within 2 SD of the functional mean
  c.c = (sf * md + sd * mf) / (sf + sd);  // Jacobson & Truax (1991, p. 13)
  return c;
}

double select_cutoff(const clinical_cutoffs& cutoffs, cutoff_kind kind) noexcept {
  switch (kind) {
    case cutoff_kind::a: return cutoffs.a;
    case cutoff_kind::b: return cutoffs.b;
    case cutoff_kind::c: return cutoffs.c;
  }
  return cutoffs.c;
}

clinical_status clinical_significance(double before, double after, const rci_options& options,
                                      double cutoff) {
  const auto ch = assess_change(before, after, options);
  if (ch.category == change_category::not_assessable || options.direction == change_direction::none ||
      !std::isfinite(cutoff)) {
    return clinical_status::not_assessable;
  }
  switch (ch.category) {
    case change_category::reliably_improved: {
      // Jacobson & Truax (1991, p. 14): recovered = passed the cut-off and reliably changed.
      const bool past = options.direction == change_direction::lower_is_better ? after < cutoff
                                                                               : after > cutoff;
      return past ? clinical_status::recovered : clinical_status::improved;
    }
    case change_category::reliably_deteriorated: return clinical_status::deteriorated;
    default: return clinical_status::unchanged;
  }
}

void trajectory_options::validate() const {
  if (rci.empty()) throw error(errc::invalid_argument, "trajectories: no scales");
  if (scales.size() != rci.size()) {
    throw error(errc::invalid_argument, "trajectories: " + std::to_string(scales.size()) +
                                            " scale names for " + std::to_string(rci.size()) +
                                            " RCI settings");
  }
  if (!cutoffs.empty() && cutoffs.size() != rci.size()) {
    throw error(errc::invalid_argument, "trajectories: " + std::to_string(cutoffs.size()) +
                                            " cut-offs for " + std::to_string(rci.size()) + " scales");
  }
  for (std::size_t s = 0; s < rci.size(); ++s) {
    try {
      rci[s].validate();
    } catch (const error& e) {
      throw error(e.code(), "trajectories: scale " + detail::quoted(scales[s]) + ": " + e.what());
    }
  }
}

trajectory_result compute_trajectories(const std::vector<Eigen::MatrixXd>& waves,
                                       const trajectory_options& options) {
  options.validate();
  if (waves.size() < 2) {
    throw error(errc::invalid_argument, "trajectories: " + std::to_string(waves.size()) +
                                            " administration(s); change needs at least 2");
  }
  const Eigen::Index n = waves[0].rows();
  const auto s_count = static_cast<Eigen::Index>(options.rci.size());
  for (std::size_t w = 0; w < waves.size(); ++w) {
    if (waves[w].rows() != n || waves[w].cols() != s_count) {
      throw error(errc::invalid_argument,
                  "trajectories: administration " + std::to_string(w + 1) + " is " +
                      std::to_string(waves[w].rows()) + " x " + std::to_string(waves[w].cols()) +
                      "; expected " + std::to_string(n) + " x " + std::to_string(s_count));
    }
  }
  trajectory_result r;
  r.n_waves = waves.size();
  r.total_change = Eigen::MatrixXd::Constant(n, s_count, nan_v);
  r.total_rci = Eigen::MatrixXd::Constant(n, s_count, nan_v);
  r.total_category.assign(static_cast<std::size_t>(s_count),
                          std::vector<change_category>(static_cast<std::size_t>(n),
                                                       change_category::not_assessable));
  r.counts.assign(static_cast<std::size_t>(s_count), {});
  const bool with_cut = !options.cutoffs.empty();
  if (with_cut) {
    r.clinical.assign(static_cast<std::size_t>(s_count),
                      std::vector<clinical_status>(static_cast<std::size_t>(n),
                                                   clinical_status::not_assessable));
  }
  for (std::size_t w = 0; w + 1 < waves.size(); ++w) {
    Eigen::MatrixXd ch = Eigen::MatrixXd::Constant(n, s_count, nan_v), rc = ch;
    for (Eigen::Index s = 0; s < s_count; ++s) {
      const auto& o = options.rci[static_cast<std::size_t>(s)];
      for (Eigen::Index i = 0; i < n; ++i) {
        const auto c = assess_change(waves[w](i, s), waves[w + 1](i, s), o);
        ch(i, s) = c.change;
        rc(i, s) = c.rci;
      }
    }
    r.step_change.push_back(std::move(ch));
    r.step_rci.push_back(std::move(rc));
  }
  const auto& first = waves.front();
  const auto& last = waves.back();
  for (Eigen::Index i = 0; i < n; ++i) {
    bool all = true;
    for (Eigen::Index s = 0; s < s_count; ++s) {
      const auto su = static_cast<std::size_t>(s);
      const auto iu = static_cast<std::size_t>(i);
      const auto& o = options.rci[su];
      const auto c = assess_change(first(i, s), last(i, s), o);
      r.total_change(i, s) = c.change;
      r.total_rci(i, s) = c.rci;
      r.total_category[su][iu] = c.category;
      ++r.counts[su][static_cast<std::size_t>(c.category)];
      if (c.category == change_category::not_assessable) all = false;
      if (with_cut) r.clinical[su][iu] = clinical_significance(first(i, s), last(i, s), o, options.cutoffs[su]);
    }
    if (all) ++r.n;
  }
  if (r.n < static_cast<std::size_t>(n)) {
    r.warnings.push_back(std::to_string(static_cast<std::size_t>(n) - r.n) +
                         " person(s) lack a score at the first or the last administration: their "
                         "change is not assessable");
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Group-level change.

namespace {

// The non-centrality parameter at which P(T <= t_obs | df, ncp) = target (decreasing in ncp): the
// bound of a confidence interval for the ncp by inverting the non-central t (Cumming & Finch 2001,
// Educ Psychol Meas 61:532-574; Steiger & Fouladi 1997).
double noncentral_t_ncp(double t_obs, double df, double target) {
  const auto gap = [&](double ncp) { return detail::non_central_t_cdf(t_obs, df, ncp) - target; };
  // The SD of T near ncp is about sqrt(1 + ncp^2 / (2 df)): start 10 of them around t_obs, widen.
  double width = 10.0 * std::sqrt(1.0 + t_obs * t_obs / (2.0 * df)) + 1.0;
  for (int tries = 0; tries < 8; ++tries, width *= 4.0) {
    const double lo = t_obs - width, hi = t_obs + width;
    const double g_lo = gap(lo), g_hi = gap(hi);
    if (std::isnan(g_lo) || std::isnan(g_hi)) return nan_v;
    if (g_lo >= 0.0 && g_hi <= 0.0) return detail::find_root_toms748(gap, lo, hi, 52, 200);
  }
  return nan_v;
}

confidence_interval interval(std::string method, double level, double n, double lower, double upper) {
  confidence_interval ci;
  ci.method = std::move(method);
  ci.level = level;
  ci.n = n;
  ci.lower = lower;
  ci.upper = upper;
  return ci;
}

}  // namespace

void group_change_options::validate() const {
  if (!(level > 0.0 && level < 1.0)) {
    throw error(errc::invalid_argument, "group_change_options.level = " + number_text(level) + ": must be in (0, 1)",
                {.value = number_text(level), .option = "group_change_options.level"});
  }
  rci.validate();
}

group_change compute_group_change(const Eigen::Ref<const Eigen::VectorXd>& before,
                                  const Eigen::Ref<const Eigen::VectorXd>& after, const group_change_options& options) {
  options.validate();
  if (before.size() != after.size()) {
    throw error(errc::invalid_argument, "group change: " + std::to_string(before.size()) + " scores before and " +
                                            std::to_string(after.size()) + " after; they must pair up");
  }
  group_change g;
  const double level = options.level;
  g.mean_change_ci = interval("t", level, 0.0, nan_v, nan_v);
  g.d_z_ci = interval("noncentral_t", level, 0.0, nan_v, nan_v);
  g.d_av_ci = interval("noncentral_t_algina_keselman", level, 0.0, nan_v, nan_v);
  g.retest_r_ci = interval("fisher_z", level, 0.0, nan_v, nan_v);

  // Two passes (means, then centred sums) for accuracy on large N.
  double sum_b = 0.0, sum_a = 0.0;
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < before.size(); ++i) {
    if (!std::isfinite(before(i)) || !std::isfinite(after(i))) continue;
    sum_b += before(i);
    sum_a += after(i);
    ++n;
  }
  g.n_pairs = n;
  const bool directed = options.rci.direction != change_direction::none;
  if (directed) g.improved = g.unchanged = g.deteriorated = 0;
  const bool with_cut = std::isfinite(options.cutoff) && directed;
  if (with_cut) g.clinical = clinical_counts{};
  if (n == 0) {
    g.warnings.push_back("no respondent is scored at both administrations");
    return g;
  }
  const auto nd = static_cast<double>(n);
  g.mean_before = sum_b / nd;
  g.mean_after = sum_a / nd;
  g.mean_change = g.mean_after - g.mean_before;
  double ss_b = 0.0, ss_a = 0.0, sp = 0.0, ss_d = 0.0;
  for (Eigen::Index i = 0; i < before.size(); ++i) {
    if (!std::isfinite(before(i)) || !std::isfinite(after(i))) continue;
    const double db = before(i) - g.mean_before, da = after(i) - g.mean_after, dd = da - db;
    ss_b += db * db;
    ss_a += da * da;
    sp += db * da;
    ss_d += dd * dd;
    const reliable_change c = assess_change(before(i), after(i), options.rci);
    if (directed) {
      if (c.category == change_category::reliably_improved) ++*g.improved;
      if (c.category == change_category::no_reliable_change) ++*g.unchanged;
      if (c.category == change_category::reliably_deteriorated) ++*g.deteriorated;
    }
    if (with_cut) {
      switch (clinical_significance(before(i), after(i), options.rci, options.cutoff)) {
        case clinical_status::recovered: ++g.clinical->recovered; break;
        case clinical_status::improved: ++g.clinical->improved; break;
        case clinical_status::unchanged: ++g.clinical->unchanged; break;
        case clinical_status::deteriorated: ++g.clinical->deteriorated; break;
        case clinical_status::not_assessable: break;
      }
    }
  }
  if (n < 2) {
    g.warnings.push_back("one pair: no SD, test or interval");
    return g;
  }
  g.df = nd - 1.0;
  g.sd_change = std::sqrt(ss_d / g.df);
  const double sd_b = std::sqrt(ss_b / g.df), sd_a = std::sqrt(ss_a / g.df);
  const double upper_p = 0.5 * (1.0 + level);  // (1 + level) / 2, e.g. 0.975
  for (auto* ci : {&g.mean_change_ci, &g.d_z_ci, &g.d_av_ci}) ci->n = nd;
  g.retest_r_ci.n = nd;

  // Retest r and its Fisher-z interval (R cor.test: needs n > 3).
  if (ss_b > 0.0 && ss_a > 0.0) {
    g.retest_r = sp / std::sqrt(ss_b * ss_a);
    if (n > 3) {
      const double z = std::atanh(g.retest_r), half = detail::normal_quantile(upper_p) / std::sqrt(nd - 3.0);
      g.retest_r_ci.lower = std::tanh(z - half);
      g.retest_r_ci.upper = std::tanh(z + half);
    } else {
      g.warnings.push_back("fewer than 4 pairs: no interval for the retest r");
    }
  } else {
    g.warnings.push_back("a constant administration: no retest r");
  }
  if (!(g.sd_change > 0.0)) {
    g.warnings.push_back("every respondent changed by the same amount: no t test or d_z");
    if (sd_a + sd_b > 0.0) g.d_av = g.mean_change / (0.5 * (sd_b + sd_a));
    return g;
  }
  // Paired t test (Student 1908; R stats::t.test, paired = TRUE).
  const double se = g.sd_change / std::sqrt(nd);
  g.t = g.mean_change / se;
  g.p = 2.0 * detail::t_cdf(-std::abs(g.t), g.df);
  const double t_crit = detail::t_quantile(upper_p, g.df);
  g.mean_change_ci.lower = g.mean_change - t_crit * se;
  g.mean_change_ci.upper = g.mean_change + t_crit * se;

  // d_z and its non-central t interval: ncp bounds / sqrt(n).
  const double ncp_lo = noncentral_t_ncp(g.t, g.df, upper_p), ncp_hi = noncentral_t_ncp(g.t, g.df, 1.0 - upper_p);
  if (std::isnan(ncp_lo) || std::isnan(ncp_hi)) g.warnings.push_back("the non-central t interval did not converge");
  g.d_z = g.mean_change / g.sd_change;
  g.d_z_ci.lower = ncp_lo / std::sqrt(nd);
  g.d_z_ci.upper = ncp_hi / std::sqrt(nd);
  // d_av and Algina & Keselman's (2003, Educ Psychol Meas 63:537-553) approximate interval: the
  // ncp bounds put on the d_av scale, d_av = t SD_change / (sqrt(n) SD_av).
  const double sd_av = 0.5 * (sd_b + sd_a);
  g.d_av = g.mean_change / sd_av;
  const double to_d_av = se / sd_av;
  g.d_av_ci.lower = ncp_lo * to_d_av;
  g.d_av_ci.upper = ncp_hi * to_d_av;
  return g;
}

ATTUNE_END_NAMESPACE
