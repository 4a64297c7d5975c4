// Attachment styles from dimension scores, with the uncertainty of each call.
// Sources: Brennan, Clark & Shaver (1998) (Fisher functions, as public scoring scripts give them);
// Bartholomew & Horowitz (1991) and Bartholomew's self-report measures page (RQ); Collins (1996) as
// transcribed in CRAN TestScorer 1.7.2 (RAAS); the split conventions of public ECR-S code.
// docs/classification.md for users.
#include "attune/analyses/classify.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "attune/analyses/descriptives.hpp"
#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/scale.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t style_index(attachment_style s) noexcept { return static_cast<std::size_t>(s); }

// A linear discriminant in the input coordinates: value at the point and gradient (anx, avo).
struct linear_value {
  double value;
  double grad_anx;
  double grad_avo;
};

// Distance (in SEM units) from a point to the boundary of the region where function `winner`
// is largest: min over k != winner of (v_w - v_k) / ||(g_w - g_k) o sem||. For a point inside
// an intersection of half-planes the distance to its boundary is the smallest distance to one
// of the lines (any nearer point of a line outside the region crosses another line first).
// At most four functions (one per style): fixed storage, no allocation per respondent.
struct linear_set {
  std::array<linear_value, 4> f{};
  std::size_t n = 0;
  void push_back(const linear_value& v) { f[n++] = v; }
  [[nodiscard]] std::size_t size() const { return n; }
  const linear_value& operator[](std::size_t k) const { return f[k]; }
};

double region_distance(const linear_set& f, std::size_t winner, double sem_anx, double sem_avo) {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (k == winner) continue;
    const double ga = (f[winner].grad_anx - f[k].grad_anx) * sem_anx;
    const double gv = (f[winner].grad_avo - f[k].grad_avo) * sem_avo;
    const double norm = std::sqrt(ga * ga + gv * gv);  // moderate magnitudes: no need for hypot
    if (norm == 0.0) continue;  // parallel functions never meet
    best = std::min(best, (f[winner].value - f[k].value) / norm);
  }
  return std::max(best, 0.0);
}

void fill_flip(classification& r, std::size_t i, double distance) {
  r.boundary_distance_sem(static_cast<Eigen::Index>(i)) = distance;
  r.could_flip[i] = std::isnan(distance) ? std::nullopt : std::optional<bool>(distance <= 1.0);
}

void summarise(classification& r) {
  r.counts = {};
  r.n_unclassified = 0;
  r.n_near_boundary = 0;
  for (std::size_t i = 0; i < r.styles.size(); ++i) {
    if (r.styles[i] == attachment_style::unclassified) {
      ++r.n_unclassified;
    } else {
      ++r.counts[style_index(r.styles[i])];
    }
    if (r.could_flip[i].value_or(false)) ++r.n_near_boundary;
  }
  r.note = std::string(dimensional_use_note());
}

void init_result(classification& r, const Eigen::Ref<const Eigen::VectorXd>& anxiety,
                 const Eigen::Ref<const Eigen::VectorXd>& avoidance) {
  const auto n = static_cast<std::size_t>(anxiety.size());
  r.anxiety = anxiety;
  r.avoidance = avoidance;
  r.styles.assign(n, attachment_style::unclassified);
  r.boundary_distance_sem = Eigen::VectorXd::Constant(anxiety.size(), nan_v);
  r.could_flip.assign(n, std::nullopt);
  r.n = 0;
  for (Eigen::Index i = 0; i < anxiety.size(); ++i) {
    if (std::isfinite(anxiety(i)) && std::isfinite(avoidance(i))) ++r.n;
  }
}

// The split methods' warning about respondents exactly on a cut: always the first warning of a
// split (nothing before it is pushed), which merge_summary relies on.
std::string on_cut_warning(const classification& r, cut_tie rule) {
  return std::to_string(r.n_on_cut) + " respondent(s) score exactly on a cut (anxiety " + number_text(r.anxiety_cut, 6) +
         ", avoidance " + number_text(r.avoidance_cut, 6) + "); " +
         (rule == cut_tie::low ? "counted as low ('> cut = high')" : "left unclassified");
}

bool have_sem(double a, double b) { return std::isfinite(a) && std::isfinite(b) && a > 0 && b > 0; }

// Uniform double in [0, 1) from the top 53 bits (portable, unlike std::uniform_real_distribution).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

struct kmeans_fit {
  std::vector<Eigen::Vector2d> centers;
  std::vector<int> assignment;
  double within_ss = std::numeric_limits<double>::infinity();
};

std::size_t nearest(const std::vector<Eigen::Vector2d>& centers, const Eigen::Vector2d& x) {
  std::size_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < centers.size(); ++c) {
    const double d = (x - centers[c]).squaredNorm();
    if (d < best_d) {  // first minimum on ties
      best_d = d;
      best = c;
    }
  }
  return best;
}

// Hartigan's single-point transfers after Lloyd's step (Hartigan & Wong 1979, AS 136, the
// optimal-transfer stage of R's default `kmeans`): moving x from cluster a (n_a points) to b
// lowers the within-cluster sum of squares iff n_b / (n_b + 1) |x - c_b|^2 < n_a / (n_a - 1) |x - c_a|^2.
// Lloyd's fixed points include poor optima that such moves leave (Telgarsky & Vattani 2010); with
// the transfers attune reaches R's kmeans(nstart = 50) optimum (issue 12). At most `max_passes`
// passes over the points; the centers are recomputed from their points after each pass.
void hartigan_transfers(const std::vector<Eigen::Vector2d>& pts, kmeans_fit& fit, int max_passes) {
  const std::size_t n = pts.size(), k = fit.centers.size();
  std::vector<std::size_t> count(k, 0);
  for (int a : fit.assignment) ++count[static_cast<std::size_t>(a)];
  auto recompute = [&] {
    std::vector<Eigen::Vector2d> sum(k, Eigen::Vector2d::Zero());
    for (std::size_t i = 0; i < n; ++i) sum[static_cast<std::size_t>(fit.assignment[i])] += pts[i];
    for (std::size_t c = 0; c < k; ++c)
      if (count[c] > 0) fit.centers[c] = sum[c] / static_cast<double>(count[c]);
  };
  recompute();
  for (int pass = 0; pass < max_passes; ++pass) {
    bool moved = false;
    for (std::size_t i = 0; i < n; ++i) {
      const auto a = static_cast<std::size_t>(fit.assignment[i]);
      if (count[a] < 2) continue;
      const double na = static_cast<double>(count[a]);
      const double removal = na / (na - 1.0) * (pts[i] - fit.centers[a]).squaredNorm();
      std::size_t target = a;
      double best = removal;
      for (std::size_t b = 0; b < k; ++b) {
        if (b == a) continue;
        const double nb = static_cast<double>(count[b]);
        const double addition = nb / (nb + 1.0) * (pts[i] - fit.centers[b]).squaredNorm();
        // a relative margin: a transfer must gain more than rounding, or ties could cycle
        if (addition < best * (1.0 - 1e-12)) {
          best = addition;
          target = b;
        }
      }
      if (target == a) continue;
      const double nb = static_cast<double>(count[target]);
      fit.centers[a] = (na * fit.centers[a] - pts[i]) / (na - 1.0);
      fit.centers[target] = (nb * fit.centers[target] + pts[i]) / (nb + 1.0);
      --count[a];
      ++count[target];
      fit.assignment[i] = static_cast<int>(target);
      moved = true;
    }
    recompute();
    if (!moved) break;
  }
}

// Lloyd's algorithm from k-means++ seeds (Arthur & Vassilvitskii 2007, "k-means++: the
// advantages of careful seeding", SODA). One RNG stream per start: seed + start index.
kmeans_fit kmeans_once(const std::vector<Eigen::Vector2d>& pts, std::uint64_t seed, int max_iter) {
  std::mt19937_64 rng(seed);
  const std::size_t n = pts.size();
  kmeans_fit fit;
  fit.centers.push_back(pts[static_cast<std::size_t>(uniform01(rng) * static_cast<double>(n))]);
  std::vector<double> d2(n);
  while (fit.centers.size() < 4) {
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double m = std::numeric_limits<double>::infinity();
      for (const auto& c : fit.centers) m = std::min(m, (pts[i] - c).squaredNorm());
      d2[i] = m;
      total += m;
    }
    // No positive distance left (fewer distinct points than clusters, or distances that vanish):
    // no fit from this start; the caller skips it. (Issue 10, F12: every squared distance of
    // scores near 1e-170 underflowed to 0, seeding stopped at one center and Lloyd's step read
    // past it.) The caller's rescaling keeps distances of distinct points away from 0.
    if (!(total > 0.0) || !std::isfinite(total)) return fit;
    const double target = uniform01(rng) * total;
    double acc = 0.0;
    std::size_t pick = n - 1;
    for (std::size_t i = 0; i < n; ++i) {
      acc += d2[i];
      if (acc > target && d2[i] > 0.0) {
        pick = i;
        break;
      }
    }
    fit.centers.push_back(pts[pick]);
  }
  fit.assignment.assign(n, -1);
  for (int iter = 0; iter < max_iter; ++iter) {
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      const int c = static_cast<int>(nearest(fit.centers, pts[i]));
      if (c != fit.assignment[i]) {
        fit.assignment[i] = c;
        changed = true;
      }
    }
    if (!changed) break;
    std::vector<Eigen::Vector2d> sum(4, Eigen::Vector2d::Zero());
    std::vector<std::size_t> count(4, 0);
    for (std::size_t i = 0; i < n; ++i) {
      sum[static_cast<std::size_t>(fit.assignment[i])] += pts[i];
      ++count[static_cast<std::size_t>(fit.assignment[i])];
    }
    for (std::size_t c = 0; c < 4; ++c) {
      if (count[c] > 0) fit.centers[c] = sum[c] / static_cast<double>(count[c]);  // empty: keep
    }
  }
  hartigan_transfers(pts, fit, max_iter);
  fit.within_ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    fit.within_ss += (pts[i] - fit.centers[static_cast<std::size_t>(fit.assignment[i])]).squaredNorm();
  }
  return fit;
}

// Nearest-center classification (kmeans after labelling, prototypes). Points, centers and SEMs
// are multiplied by 2^-e (exact), e the binary exponent of the largest coordinate, so that squared
// distances neither overflow (scores near 1e200: every distance inf, every point a tie) nor
// underflow; the winner and the boundary distance in SEM units (a ratio of a squared distance to a
// length times an SEM) are those of the unscaled computation.
void classify_nearest(classification& r, const std::vector<style_prototype>& centers) {
  double largest = 0.0;
  for (Eigen::Index i = 0; i < r.anxiety.size(); ++i) {
    if (std::isfinite(r.anxiety(i)) && std::isfinite(r.avoidance(i)))
      largest = std::max({largest, std::abs(r.anxiety(i)), std::abs(r.avoidance(i))});
  }
  for (const auto& c : centers) largest = std::max({largest, std::abs(c.anxiety), std::abs(c.avoidance)});
  const int e = detail::binary_exponent(largest);
  const double sem_a = std::ldexp(r.sem_anxiety, -e), sem_v = std::ldexp(r.sem_avoidance, -e);
  for (Eigen::Index i = 0; i < r.anxiety.size(); ++i) {
    const double a = std::ldexp(r.anxiety(i), -e), v = std::ldexp(r.avoidance(i), -e);
    if (!std::isfinite(a) || !std::isfinite(v)) continue;
    // f_j(x) = -|x - c_j|^2; differences between two are linear in x.
    linear_set f;
    for (const auto& c : centers) {
      const double da = a - std::ldexp(c.anxiety, -e), dv = v - std::ldexp(c.avoidance, -e);
      f.push_back({-(da * da + dv * dv), -2.0 * da, -2.0 * dv});
    }
    std::size_t w = 0;
    for (std::size_t k = 1; k < f.size(); ++k) {
      if (f[k].value > f[w].value) w = k;
    }
    bool tie = false;
    for (std::size_t k = 0; k < f.size(); ++k) {
      if (k != w && f[k].value == f[w].value) tie = true;
    }
    const auto idx = static_cast<std::size_t>(i);
    if (tie) {
      fill_flip(r, idx, have_sem(sem_a, sem_v) ? 0.0 : nan_v);
      continue;
    }
    r.styles[idx] = centers[w].style;
    // The gradient of f_w - f_k is linear: use it at the point (exact for quadratics with equal
    // curvature, because the quadratic terms cancel).
    fill_flip(r, idx,
              have_sem(sem_a, sem_v) ? region_distance(f, w, sem_a, sem_v) : nan_v);
  }
}

void check_range(const Eigen::Ref<const Eigen::VectorXd>& x, const response_range& range,
                 const char* what) {
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (std::isfinite(x(i)) && !range.contains(x(i))) {
      throw error(errc::bad_input, std::string("classify: row ") + std::to_string(i + 1) + ": " +
                                       what + " score " + number_text(x(i)) + " is outside the range " +
                                       number_text(range.min) + "-" + number_text(range.max));
    }
    if (std::isinf(x(i))) {
      throw error(errc::bad_input, std::string("classify: row ") + std::to_string(i + 1) + ": " +
                                       what + " score is infinite");
    }
  }
}

}  // namespace

std::string_view to_string(attachment_style s) noexcept {
  switch (s) {
    case attachment_style::secure: return "secure";
    case attachment_style::preoccupied: return "preoccupied";
    case attachment_style::dismissing: return "dismissing";
    case attachment_style::fearful: return "fearful";
    case attachment_style::unclassified: return "unclassified";
  }
  return "unclassified";
}

std::optional<attachment_style> parse_attachment_style(std::string_view s) noexcept {
  const std::string l = lower(s);
  if (l == "secure") return attachment_style::secure;
  if (l == "preoccupied") return attachment_style::preoccupied;
  if (l == "dismissing" || l == "dismissing-avoidant") return attachment_style::dismissing;
  if (l == "fearful" || l == "fearful-avoidant") return attachment_style::fearful;
  if (l == "unclassified") return attachment_style::unclassified;
  return std::nullopt;
}

attachment_style quadrant_style(bool high_anxiety, bool high_avoidance) noexcept {
  if (high_anxiety) return high_avoidance ? attachment_style::fearful : attachment_style::preoccupied;
  return high_avoidance ? attachment_style::dismissing : attachment_style::secure;
}

namespace {
constexpr detail::enum_table<classify_method, 8> method_names{{{classify_method::fisher, "fisher"},
                                                              {classify_method::midpoint, "midpoint"},
                                                              {classify_method::median, "median"},
                                                              {classify_method::norms, "norms"},
                                                              {classify_method::kmeans, "kmeans"},
                                                              {classify_method::prototypes, "prototypes"},
                                                              {classify_method::rq, "rq"},
                                                              {classify_method::raas, "raas"}}};
constexpr detail::enum_table<cut_tie, 2> cut_tie_names{{{cut_tie::low, "low"}, {cut_tie::unclassified, "unclassified"}}};
constexpr detail::enum_table<rq_decision, 4> decision_names{{{rq_decision::highest, "highest"},
                                                            {rq_decision::forced_choice, "forced_choice"},
                                                            {rq_decision::tie, "tie"},
                                                            {rq_decision::missing, "missing"}}};
}  // namespace

std::string_view to_string(classify_method m) noexcept { return detail::enum_name(method_names, m); }
std::optional<classify_method> parse_classify_method(std::string_view s) noexcept {
  return detail::enum_parse(method_names, s);
}
std::string_view to_string(cut_tie t) noexcept { return detail::enum_name(cut_tie_names, t); }
std::optional<cut_tie> parse_cut_tie(std::string_view s) noexcept { return detail::enum_parse(cut_tie_names, s); }
std::string_view to_string(rq_decision d) noexcept { return detail::enum_name(decision_names, d); }
std::optional<rq_decision> parse_rq_decision(std::string_view s) noexcept { return detail::enum_parse(decision_names, s); }

std::string_view dimensional_use_note() noexcept {
  return "Attachment is dimensional (Fraley et al. 2015, JPSP 109:354); styles are a "
         "communication aid. Analyse the anxiety and avoidance scores, not the styles; a style "
         "near a boundary can change with measurement error alone.";
}

const std::array<fisher_function, 4>& brennan_fisher_functions() noexcept {
  // Brennan, Clark & Shaver (1998) classification functions as found in about ten public scoring
  // scripts (SPSS-style names sec2/fear2/pre2/dis2; the original SPSS syntax was not found). The
  // majority value 8.1776448 is used for the fearful anxiety coefficient.
  static const std::array<fisher_function, 4> f = {{
      {attachment_style::secure, 3.2893296, 5.4725318, -11.5307833},
      {attachment_style::preoccupied, 3.9246754, 9.7102446, -28.4573220},
      {attachment_style::dismissing, 7.3654621, 4.9392039, -22.2281088},
      {attachment_style::fearful, 7.2371075, 8.1776448, -32.3553266},
  }};
  return f;
}

std::array<double, 4> fisher_values(double anxiety, double avoidance) noexcept {
  std::array<double, 4> v{};
  const auto& f = brennan_fisher_functions();
  for (std::size_t k = 0; k < 4; ++k) {
    v[k] = f[k].avoidance_coef * avoidance + f[k].anxiety_coef * anxiety + f[k].constant;
  }
  return v;
}

std::array<double, 4> fisher_probabilities(const std::array<double, 4>& values) noexcept {
  // Posterior probabilities of a linear discriminant analysis with equal priors: the softmax of
  // the classification functions, shifted by the maximum for numerical safety.
  const double mx = *std::max_element(values.begin(), values.end());
  std::array<double, 4> p{};
  double total = 0.0;
  for (std::size_t k = 0; k < 4; ++k) {
    p[k] = std::exp(values[k] - mx);
    total += p[k];
  }
  for (auto& x : p) x /= total;
  return p;
}

void classify_options::validate() const {
  if (method == classify_method::rq || method == classify_method::raas) {
    throw error(errc::invalid_argument, std::string("classify: method '") +
                                            std::string(to_string(method)) +
                                            "' works on other scores; use classify_" +
                                            std::string(to_string(method)),
                {.option = "classify_options.method"});
  }
  if (range && !(range->min < range->max)) {
    throw error(errc::invalid_argument, "classify: range " + number_text(range->min) + "-" +
                                            number_text(range->max) + "; min must be below max",
                {.option = "classify_options.range"});
  }
  auto check_sem = [](double s, const char* name) {
    if (!std::isnan(s) && !(std::isfinite(s) && s > 0.0)) {
      throw error(errc::invalid_argument, std::string("classify: ") + name + " = " + number_text(s) +
                                              "; it must be > 0 (or NaN for unknown)",
                  {.option = std::string("classify_options.") + name});
    }
  };
  check_sem(sem_anxiety, "sem_anxiety");
  check_sem(sem_avoidance, "sem_avoidance");
  if (method == classify_method::fisher && !range) {
    throw error(errc::invalid_argument,
                "classify: method 'fisher' needs the response range of the scores (1-7 for "
                "Brennan et al.'s functions)",
                {.option = "classify_options.range"});
  }
  if (method == classify_method::fisher && range && (range->min != 1.0 || range->max != 7.0) &&
      !rescale_to_1_7) {
    throw error(errc::invalid_argument,
                "classify: method 'fisher' applies to ECR means on the 1-7 scale; these scores are "
                "on " + number_text(range->min) + "-" + number_text(range->max) +
                    " (set classify_options.rescale_to_1_7 to map them linearly onto 1-7)",
                {.option = "classify_options.rescale_to_1_7", .rule = "fisher_range"});
  }
  if (method == classify_method::midpoint && !range) {
    throw error(errc::invalid_argument,
                "classify: method 'midpoint' needs the response range of the scores",
                {.option = "classify_options.range"});
  }
  if (method == classify_method::norms &&
      !(std::isfinite(norm_anxiety_mean) && std::isfinite(norm_avoidance_mean))) {
    throw error(errc::invalid_argument,
                "classify: method 'norms' needs norm means for anxiety and avoidance (got " +
                    number_text(norm_anxiety_mean) + ", " + number_text(norm_avoidance_mean) + ")",
                {.option = "classify_options.norm_anxiety_mean"});
  }
  if (method == classify_method::kmeans) {
    if (kmeans_starts < 1 || kmeans_starts > max_kmeans_starts) {
      throw error(errc::invalid_argument, "classify: kmeans_starts = " + std::to_string(kmeans_starts) +
                                              "; need 1.." + std::to_string(max_kmeans_starts),
                {.option = "classify_options.kmeans_starts"});
    }
    if (kmeans_max_iterations < 1 || kmeans_max_iterations > max_kmeans_iterations) {
      throw error(errc::invalid_argument, "classify: kmeans_max_iterations = " +
                                              std::to_string(kmeans_max_iterations) + "; need 1.." +
                                              std::to_string(max_kmeans_iterations),
                {.option = "classify_options.kmeans_max_iterations"});
    }
  }
  if (method == classify_method::prototypes) {
    if (prototypes.size() < 2 || prototypes.size() > 4) {
      throw error(errc::invalid_argument, "classify: method 'prototypes' needs 2 to 4 prototypes; got " +
                                              std::to_string(prototypes.size()),
                {.option = "classify_options.prototypes"});
    }
    std::array<bool, 5> seen{};
    for (const auto& p : prototypes) {
      if (p.style == attachment_style::unclassified) {
        throw error(errc::invalid_argument, "classify: a prototype's style cannot be 'unclassified'",
                {.option = "classify_options.prototypes"});
      }
      if (seen[style_index(p.style)]) {
        throw error(errc::invalid_argument, std::string("classify: two prototypes for style '") +
                                                std::string(to_string(p.style)) +
                                                "'; each style may appear once",
                {.option = "classify_options.prototypes"});
      }
      seen[style_index(p.style)] = true;
      if (!std::isfinite(p.anxiety) || !std::isfinite(p.avoidance)) {
        throw error(errc::invalid_argument, std::string("classify: prototype '") +
                                                std::string(to_string(p.style)) +
                                                "' has a non-finite coordinate",
                {.option = "classify_options.prototypes"});
      }
    }
  }
  if (!(probability_threshold > 0.0 && probability_threshold <= 1.0)) {
    throw error(errc::invalid_argument, "classify: probability_threshold = " +
                                            number_text(probability_threshold) + "; it must be in (0, 1]",
                {.option = "classify_options.probability_threshold"});
  }
}

classification classify(const Eigen::Ref<const Eigen::VectorXd>& anxiety,
                        const Eigen::Ref<const Eigen::VectorXd>& avoidance,
                        const classify_options& options) {
  options.validate();
  if (anxiety.size() != avoidance.size()) {
    throw error(errc::invalid_argument, "classify: " + std::to_string(anxiety.size()) +
                                            " anxiety scores but " +
                                            std::to_string(avoidance.size()) + " avoidance scores");
  }
  if (options.range) {
    check_range(anxiety, *options.range, "anxiety");
    check_range(avoidance, *options.range, "avoidance");
  }
  classification r;
  r.method = options.method;
  r.sem_anxiety = options.sem_anxiety;
  r.sem_avoidance = options.sem_avoidance;
  init_result(r, anxiety, avoidance);
  const bool sem_known = have_sem(options.sem_anxiety, options.sem_avoidance);
  const auto n = anxiety.size();

  switch (options.method) {
    case classify_method::fisher: {
      const response_range range = *options.range;
      // Linear map onto 1-7 when asked (x' = 1 + 6 (x - min) / (max - min)); its slope scales
      // the gradients for the boundary distance, which stays in input-scale SEM units.
      const double slope = 6.0 / (range.max - range.min);
      r.rescaled = options.rescale_to_1_7 && (range.min != 1.0 || range.max != 7.0);
      if (r.rescaled) {
        r.warnings.push_back("fisher: scores on " + number_text(range.min) + "-" + number_text(range.max) +
                             " were rescaled linearly onto 1-7 before applying Brennan et al.'s "
                             "functions, which were estimated on 1-7 data");
      }
      r.function_values = Eigen::MatrixXd::Constant(n, 4, nan_v);
      r.probabilities = Eigen::MatrixXd::Constant(n, 4, nan_v);
      const auto& coef = brennan_fisher_functions();
      const double g = r.rescaled ? slope : 1.0;
      // The functions are linear, so the norms ||(g_w - g_k) o SEM|| of the boundary distance
      // (region_distance) depend on the pair of functions only: computed once here, with the
      // same arithmetic, so every distance has the same bits as region_distance gives.
      std::array<std::array<double, 4>, 4> pair_norm{};
      for (std::size_t w = 0; w < 4; ++w) {
        for (std::size_t k = 0; k < 4; ++k) {
          const double ga = (coef[w].anxiety_coef * g - coef[k].anxiety_coef * g) * options.sem_anxiety;
          const double gv = (coef[w].avoidance_coef * g - coef[k].avoidance_coef * g) * options.sem_avoidance;
          pair_norm[w][k] = std::sqrt(ga * ga + gv * gv);
        }
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        if (!std::isfinite(anxiety(i)) || !std::isfinite(avoidance(i))) continue;
        const double a = r.rescaled ? 1.0 + slope * (anxiety(i) - range.min) : anxiety(i);
        const double v = r.rescaled ? 1.0 + slope * (avoidance(i) - range.min) : avoidance(i);
        const auto f = fisher_values(a, v);
        const auto p = fisher_probabilities(f);
        std::size_t w = 0;  // the first largest function (std::max_element)
        for (std::size_t k = 0; k < 4; ++k) {
          r.function_values(i, static_cast<Eigen::Index>(k)) = f[k];
          r.probabilities(i, static_cast<Eigen::Index>(k)) = p[k];
          if (f[k] > f[w]) w = k;
        }
        const auto idx = static_cast<std::size_t>(i);
        // An exact tie of the largest functions is left unclassified (the source does not say
        // how to break it; public code uses first-maximum or strict '>' chains).
        bool tie = false;
        for (std::size_t k = 0; k < 4; ++k) tie = tie || (k != w && f[k] == f[w]);
        if (p[w] < options.probability_threshold) ++r.n_uncertain;
        if (tie) {
          fill_flip(r, idx, sem_known ? 0.0 : nan_v);
          continue;
        }
        r.styles[idx] = all_styles[w];
        if (!sem_known) {
          fill_flip(r, idx, nan_v);
          continue;
        }
        double distance = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < 4; ++k) {
          if (k == w || pair_norm[w][k] == 0.0) continue;  // parallel functions never meet
          distance = std::min(distance, (f[w] - f[k]) / pair_norm[w][k]);
        }
        fill_flip(r, idx, std::max(distance, 0.0));
      }
      break;
    }
    case classify_method::midpoint:
    case classify_method::median:
    case classify_method::norms: {
      if (options.method == classify_method::midpoint) {
        r.anxiety_cut = r.avoidance_cut = options.range->midpoint();
      } else if (options.method == classify_method::median) {
        if (r.n == 0) {
          throw error(errc::insufficient_data,
                      "classify: method 'median' needs at least one respondent with both scores");
        }
        // Medians over the respondents with both scores, so both cuts describe the same people.
        Eigen::VectorXd a(static_cast<Eigen::Index>(r.n)), v(static_cast<Eigen::Index>(r.n));
        Eigen::Index j = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
          if (std::isfinite(anxiety(i)) && std::isfinite(avoidance(i))) {
            a(j) = anxiety(i);
            v(j) = avoidance(i);
            ++j;
          }
        }
        r.anxiety_cut = sample_median(a);
        r.avoidance_cut = sample_median(v);
      } else {
        r.anxiety_cut = options.norm_anxiety_mean;
        r.avoidance_cut = options.norm_avoidance_mean;
      }
      std::size_t on_cut = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double a = anxiety(i), v = avoidance(i);
        if (!std::isfinite(a) || !std::isfinite(v)) continue;
        const auto idx = static_cast<std::size_t>(i);
        const bool tied = a == r.anxiety_cut || v == r.avoidance_cut;
        if (tied) ++on_cut;
        // '> cut = high' (the convention of public ECR-S code: > 4 on 1-7).
        if (!(tied && options.on_cut == cut_tie::unclassified)) {
          r.styles[idx] = quadrant_style(a > r.anxiety_cut, v > r.avoidance_cut);
        }
        fill_flip(r, idx,
                  sem_known ? std::min(std::abs(a - r.anxiety_cut) / options.sem_anxiety,
                                       std::abs(v - r.avoidance_cut) / options.sem_avoidance)
                            : nan_v);
      }
      r.n_on_cut = on_cut;
      if (on_cut > 0) r.warnings.push_back(on_cut_warning(r, options.on_cut));
      break;
    }
    case classify_method::kmeans: {
      std::vector<Eigen::Vector2d> pts;
      std::vector<Eigen::Index> rows;
      for (Eigen::Index i = 0; i < n; ++i) {
        if (std::isfinite(anxiety(i)) && std::isfinite(avoidance(i))) {
          pts.emplace_back(anxiety(i), avoidance(i));
          rows.push_back(i);
        }
      }
      std::vector<Eigen::Vector2d> distinct = pts;
      std::sort(distinct.begin(), distinct.end(), [](const auto& x, const auto& y) {
        return x(0) < y(0) || (x(0) == y(0) && x(1) < y(1));
      });
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      if (distinct.size() < 4) {
        throw error(errc::insufficient_data,
                    "classify: method 'kmeans' needs at least 4 distinct (anxiety, avoidance) "
                    "points; got " + std::to_string(distinct.size()));
      }
      // Cluster the points times 2^-e (exact), e the binary exponent of the largest |score|, so
      // that squared distances neither overflow nor underflow (issue 10, F11: scores near 1e200
      // made every distance inf and no start was ever kept; F12: scores near 1e-170 made every
      // distance 0). For scores of ordinary size the arithmetic is the unscaled one, bit for bit.
      double largest = 0.0;
      for (const auto& p : pts) largest = std::max({largest, std::abs(p(0)), std::abs(p(1))});
      const int e = detail::binary_exponent(largest);
      for (auto& p : pts) p = Eigen::Vector2d(std::ldexp(p(0), -e), std::ldexp(p(1), -e));
      kmeans_fit best;
      for (int s = 0; s < options.kmeans_starts; ++s) {
        auto fit = kmeans_once(pts, options.seed + static_cast<std::uint64_t>(s),
                               options.kmeans_max_iterations);
        if (fit.centers.size() == 4 && fit.within_ss < best.within_ss) best = std::move(fit);
      }
      if (best.centers.size() != 4) {
        throw error(errc::numerical_issue,
                    "classify: k-means found no four separate clusters from " + std::to_string(options.kmeans_starts) +
                        " start(s): the (anxiety, avoidance) points are too close together to be told apart");
      }
      r.within_ss = std::ldexp(best.within_ss, 2 * e);
      if (!std::isfinite(r.within_ss) || (r.within_ss == 0.0 && best.within_ss > 0.0)) {
        r.warnings.push_back("kmeans: the within-cluster sum of squares of these scores (up to " +
                             number_text(largest, 6) + ") " +
                             (r.within_ss == 0.0 ? "underflows a double and is reported as 0"
                                                 : "overflows a double and is reported as inf") +
                             "; the clusters were found on rescaled scores");
      }
      // Label the clusters by quadrant (on the scaled points and centers): in standardized coordinates, the one-to-one assignment
      // of clusters to the ideal quadrant points (+-1, +-1) with the smallest total squared
      // distance (all 24 permutations).
      Eigen::VectorXd pa(static_cast<Eigen::Index>(pts.size())), pv(pa.size());
      for (std::size_t i = 0; i < pts.size(); ++i) {
        pa(static_cast<Eigen::Index>(i)) = pts[i](0);
        pv(static_cast<Eigen::Index>(i)) = pts[i](1);
      }
      const double ma = pa.mean(), mv = pv.mean();
      double sa = sample_sd(pa), sv = sample_sd(pv);
      if (!(sa > 0)) sa = 1.0;
      if (!(sv > 0)) sv = 1.0;
      std::array<int, 4> perm = {0, 1, 2, 3}, best_perm = perm;
      double best_cost = std::numeric_limits<double>::infinity();
      do {
        double cost = 0.0;
        for (std::size_t c = 0; c < 4; ++c) {
          const attachment_style s = all_styles[static_cast<std::size_t>(perm[c])];
          const double ia = (s == attachment_style::preoccupied || s == attachment_style::fearful) ? 1 : -1;
          const double iv = (s == attachment_style::dismissing || s == attachment_style::fearful) ? 1 : -1;
          const double za = (best.centers[c](0) - ma) / sa, zv = (best.centers[c](1) - mv) / sv;
          cost += (za - ia) * (za - ia) + (zv - iv) * (zv - iv);
        }
        if (cost < best_cost) {
          best_cost = cost;
          best_perm = perm;
        }
      } while (std::next_permutation(perm.begin(), perm.end()));
      for (std::size_t c = 0; c < 4; ++c) {
        const attachment_style s = all_styles[static_cast<std::size_t>(best_perm[c])];
        const double center_anx = std::ldexp(best.centers[c](0), e), center_avo = std::ldexp(best.centers[c](1), e);
        r.centers.push_back({s, center_anx, center_avo});
        const attachment_style own = quadrant_style(best.centers[c](0) > ma, best.centers[c](1) > mv);
        if (own != s) {
          r.warnings.push_back("kmeans: the cluster labelled '" + std::string(to_string(s)) +
                               "' has its center (anxiety " + number_text(center_anx, 6) +
                               ", avoidance " + number_text(center_avo, 6) +
                               ") in the sample's " + std::string(to_string(own)) +
                               " quadrant; the four clusters do not match the four quadrants");
        }
      }
      std::sort(r.centers.begin(), r.centers.end(),
                [](const auto& x, const auto& y) { return x.style < y.style; });
      classify_nearest(r, r.centers);
      break;
    }
    case classify_method::prototypes:
      r.centers = options.prototypes;
      classify_nearest(r, r.centers);
      break;
    case classify_method::rq:
    case classify_method::raas:
      break;  // rejected by validate()
  }
  summarise(r);
  if (!sem_known) {
    r.warnings.push_back("no standard errors of measurement given: boundary distances unknown");
  }
  return r;
}

namespace {
// The counts of every classification's summary (n, each style, unclassified): `part`'s added to `total`'s.
template <class Summary>
void add_style_counts(Summary& total, const Summary& part) {
  total.n += part.n;
  for (std::size_t k = 0; k < total.counts.size(); ++k) total.counts[k] += part.counts[k];
  total.n_unclassified += part.n_unclassified;
}
}  // namespace

void merge_summary(classification& total, const classification& part, const classify_options& options) {
  if (options.method == classify_method::median || options.method == classify_method::kmeans) {
    throw error(errc::invalid_argument, "merge_summary: method '" + std::string(to_string(options.method)) +
                                            "' takes its cuts from every respondent; its chunks cannot be merged");
  }
  const bool had_on_cut = total.n_on_cut > 0;
  add_style_counts(total, part);
  total.n_near_boundary += part.n_near_boundary;
  total.n_uncertain += part.n_uncertain;
  total.n_on_cut += part.n_on_cut;
  if (total.n_on_cut == 0) return;
  const std::string w = on_cut_warning(total, options.on_cut);
  if (had_on_cut) {
    total.warnings.front() = w;
  } else {
    total.warnings.insert(total.warnings.begin(), w);
  }
}

std::optional<attachment_style> parse_rq_forced_choice(std::string_view s) noexcept {
  std::string l = lower(s);
  while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.pop_back();
  while (!l.empty() && std::isspace(static_cast<unsigned char>(l.front()))) l.erase(l.begin());
  if (l.empty() || l == "na") return attachment_style::unclassified;
  // RQ item order of the built-in instrument: 1 secure, 2 fearful, 3 preoccupied, 4 dismissing.
  if (l == "1" || l == "1.0") return attachment_style::secure;
  if (l == "2" || l == "2.0") return attachment_style::fearful;
  if (l == "3" || l == "3.0") return attachment_style::preoccupied;
  if (l == "4" || l == "4.0") return attachment_style::dismissing;
  auto st = parse_attachment_style(l);
  if (st && *st != attachment_style::unclassified) return st;
  return std::nullopt;
}

namespace {
std::string missing_rating_warning(std::size_t n_missing) {
  return std::to_string(n_missing) + " respondent(s) with a missing rating are unclassified";
}
}  // namespace

rq_classification classify_rq(const Eigen::Ref<const Eigen::MatrixXd>& ratings,
                               const std::vector<attachment_style>& forced_choice) {
  if (ratings.cols() != 4) {
    throw error(errc::invalid_argument, "classify_rq: ratings have " + std::to_string(ratings.cols()) +
                                            " columns; need 4 (secure, fearful, preoccupied, dismissing)");
  }
  if (!forced_choice.empty() && forced_choice.size() != static_cast<std::size_t>(ratings.rows())) {
    throw error(errc::invalid_argument, "classify_rq: " + std::to_string(forced_choice.size()) +
                                            " forced choices for " + std::to_string(ratings.rows()) +
                                            " respondents");
  }
  // Column order of the ratings (RQ item order).
  static constexpr std::array<attachment_style, 4> col_style = {
      attachment_style::secure, attachment_style::fearful, attachment_style::preoccupied,
      attachment_style::dismissing};
  const auto n = ratings.rows();
  rq_classification r;
  r.styles.assign(static_cast<std::size_t>(n), attachment_style::unclassified);
  r.decisions.assign(static_cast<std::size_t>(n), rq_decision::missing);
  r.n_tied.assign(static_cast<std::size_t>(n), 0);
  r.margin = Eigen::VectorXd::Constant(n, nan_v);
  r.model_of_self = Eigen::VectorXd::Constant(n, nan_v);
  r.model_of_other = Eigen::VectorXd::Constant(n, nan_v);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto idx = static_cast<std::size_t>(i);
    const Eigen::RowVector4d x = ratings.row(i);
    if (!x.allFinite()) continue;
    ++r.n;
    const double sec = x(0), fea = x(1), pre = x(2), dis = x(3);
    // Griffin & Bartholomew (1994): model of self = (S + D) - (P + F); of other = (S + P) - (D + F).
    r.model_of_self(i) = (sec + dis) - (pre + fea);
    r.model_of_other(i) = (sec + pre) - (dis + fea);
    const double top = x.maxCoeff();
    int tied = 0;
    double second = -std::numeric_limits<double>::infinity();
    std::size_t top_col = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (x(static_cast<Eigen::Index>(k)) == top) {
        ++tied;
        top_col = k;
      } else {
        second = std::max(second, x(static_cast<Eigen::Index>(k)));
      }
    }
    r.n_tied[idx] = tied;
    const attachment_style fc = forced_choice.empty() ? attachment_style::unclassified : forced_choice[idx];
    if (tied == 1) {
      r.styles[idx] = col_style[top_col];
      r.decisions[idx] = rq_decision::highest;
      r.margin(i) = top - second;
      if (fc != attachment_style::unclassified) {
        ++r.n_forced_choice_given;
        if (fc == col_style[top_col]) ++r.n_forced_choice_agrees;
      }
      continue;
    }
    r.margin(i) = 0.0;
    // Bartholomew (SFU selfreports page): ties on the highest rating go to the forced choice;
    // failing that the case is deleted (here: unclassified). A forced choice outside the tie
    // contradicts the ratings and does not decide either.
    bool fc_in_tie = false;
    for (std::size_t k = 0; k < 4; ++k) {
      if (x(static_cast<Eigen::Index>(k)) == top && col_style[k] == fc) fc_in_tie = true;
    }
    if (fc_in_tie) {
      r.styles[idx] = fc;
      r.decisions[idx] = rq_decision::forced_choice;
      ++r.n_forced_choice_used;
    } else {
      r.decisions[idx] = rq_decision::tie;
    }
  }
  for (auto s : r.styles) {
    if (s == attachment_style::unclassified) {
      ++r.n_unclassified;
    } else {
      ++r.counts[style_index(s)];
    }
  }
  r.note = "Bartholomew: \"Although the RQ can be used categorically, we do NOT recommend doing "
           "so.\" Prefer the four ratings or model of self / model of other. " +
           std::string(dimensional_use_note());
  r.n_missing = static_cast<std::size_t>(n) - r.n;
  if (r.n_missing > 0) r.warnings.push_back(missing_rating_warning(r.n_missing));
  return r;
}

void merge_summary(rq_classification& total, const rq_classification& part) {
  add_style_counts(total, part);
  total.n_forced_choice_used += part.n_forced_choice_used;
  total.n_forced_choice_agrees += part.n_forced_choice_agrees;
  total.n_forced_choice_given += part.n_forced_choice_given;
  total.n_missing += part.n_missing;
  total.warnings.clear();  // classify_rq's only warning
  if (total.n_missing > 0) total.warnings.push_back(missing_rating_warning(total.n_missing));
}

void raas_options::validate() const {
  if (!std::isfinite(midpoint)) {
    throw error(errc::invalid_argument, "classify_raas: midpoint = " + number_text(midpoint) + "; must be finite");
  }
  if (!(tolerance >= 0.0 && tolerance < 0.5)) {
    throw error(errc::invalid_argument, "classify_raas: tolerance = " + number_text(tolerance) + "; must be in [0, 0.5)");
  }
  for (auto [s, name] : {std::pair{sem_close_depend, "sem_close_depend"}, std::pair{sem_anxiety, "sem_anxiety"}}) {
    if (!std::isnan(s) && !(std::isfinite(s) && s > 0.0)) {
      throw error(errc::invalid_argument, std::string("classify_raas: ") + name + " = " + number_text(s) +
                                              "; it must be > 0 (or NaN for unknown)");
    }
  }
}

classification classify_raas(const Eigen::Ref<const Eigen::VectorXd>& close_depend,
                             const Eigen::Ref<const Eigen::VectorXd>& anxiety,
                             const raas_options& options) {
  options.validate();
  if (close_depend.size() != anxiety.size()) {
    throw error(errc::invalid_argument, "classify_raas: " + std::to_string(close_depend.size()) +
                                            " close-depend scores but " +
                                            std::to_string(anxiety.size()) + " anxiety scores");
  }
  classification r;
  r.method = classify_method::raas;
  r.sem_anxiety = options.sem_anxiety;
  r.sem_avoidance = options.sem_close_depend;
  init_result(r, anxiety, close_depend);
  r.anxiety_cut = r.avoidance_cut = options.midpoint;
  const bool sem_known = have_sem(options.sem_anxiety, options.sem_close_depend);
  std::size_t on_mid = 0;
  for (Eigen::Index i = 0; i < anxiety.size(); ++i) {
    const double cd = close_depend(i), a = anxiety(i);
    if (!std::isfinite(cd) || !std::isfinite(a)) continue;
    const auto idx = static_cast<std::size_t>(i);
    const double dcd = cd - options.midpoint, da = a - options.midpoint;
    // Collins' rule (TestScorer 1.7.2, TST_RAAS.r): strict inequalities at 3; a score on 3 is
    // "not classifiable". High close-depend = comfortable with closeness = low avoidance.
    const bool on = std::abs(dcd) <= options.tolerance || std::abs(da) <= options.tolerance;
    if (on) {
      ++on_mid;
    } else {
      r.styles[idx] = quadrant_style(da > 0, dcd < 0);
    }
    fill_flip(r, idx,
              sem_known ? (on ? 0.0
                              : std::min(std::abs(dcd) / options.sem_close_depend,
                                         std::abs(da) / options.sem_anxiety))
                        : nan_v);
  }
  summarise(r);
  r.note = "Collins: the style assignment \"is quite exploratory\"; use it with caution and only "
           "with the continuous scores. " + std::string(dimensional_use_note());
  if (on_mid > 0) {
    r.warnings.push_back(std::to_string(on_mid) + " respondent(s) score exactly " +
                         number_text(options.midpoint) +
                         " on close-depend or anxiety: not classifiable (Collins' rule)");
  }
  if (!sem_known) {
    r.warnings.push_back("no standard errors of measurement given: boundary distances unknown");
  }
  return r;
}

ATTUNE_END_NAMESPACE
