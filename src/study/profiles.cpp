#include "attune/study/profiles.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>
#include <limits>
#include <memory>

#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
const std::string kProfiles = "profiles_study_options.";
const std::string kCluster = "cluster_study_options.";

constexpr detail::enum_table<profile_data, 2> data_names{{{profile_data::scores, "scores"}, {profile_data::items, "items"}}};

[[noreturn]] void option_error(const std::string& field, const std::string& message, const std::string& rule,
                               const std::optional<std::string>& value = std::nullopt) {
  error_details d{.value = value, .option = field};
  d.rule = rule;
  throw error(errc::invalid_argument, message, d);
}

void check_scores_unique(const std::vector<std::string>& scores, const std::string& field) {
  for (std::size_t i = 0; i < scores.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (scores[i] == scores[j]) {
        option_error(field, field + ": score '" + scores[i] + "' is named twice", "repeated_score", scores[i]);
      }
    }
  }
}

void check_no_mixture_labels(const mixture_options& m, const std::string& field) {
  if (m.labels) {
    option_error(field + ".labels",
                 field + ".labels is set by the study (from its `labels` option); leave it unset", "labels_by_study");
  }
}

// The data of a profile or cluster study: the columns fitted, the rows' scores, and what the
// names on the attachment plane and the midpoint styles need.
struct prepared {
  Eigen::MatrixXd x;  // the data fitted, n_rows x columns
  std::vector<std::string> columns;
  std::vector<bool> reversed;
  std::vector<std::size_t> items;  // items: the instrument item of each column
  std::vector<std::string> scores;
  Eigen::MatrixXd score_values;
  response_range range;
  std::string id_column;
  std::vector<std::string> ids;
  std::vector<std::size_t> rows;
  std::size_t n_rows = 0;
  std::size_t n_out_of_range = 0;
  // The plane: the instrument's anxiety and avoidance scores of every respondent (empty when it
  // has none), and on scores the columns of x that hold them.
  Eigen::VectorXd anxiety, avoidance;
  std::optional<std::array<Eigen::Index, 2>> plane_columns;
  std::optional<std::string> no_plane;  // why profiles cannot be placed on the plane
  std::vector<warning> warnings;
};

std::ptrdiff_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : it - names.begin();
}

std::vector<std::string> chosen_scores(const instrument& inst, const std::vector<std::string>& given, profile_data on,
                                       const std::string& field) {
  const auto names = inst.score_names();
  if (!given.empty()) {
    for (const auto& s : given) {
      if (index_of(names, s) < 0) {
        std::string known;
        for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
        option_error(field, "instrument '" + inst.id + "' has no score '" + s + "' (it has: " + known + ")",
                     "unknown_score", s);
      }
    }
    return given;
  }
  if (!inst.anxiety.empty() && !inst.avoidance.empty()) return {inst.anxiety, inst.avoidance};
  if (on == profile_data::scores) {
    option_error(field,
                 "instrument '" + inst.id + "' has no anxiety and avoidance scores: name the scores to fit (" + field +
                     "), or fit the items",
                 "scores_required");
  }
  return {};
}

// Every item of a subscale, keyed as in the first subscale that holds it, in instrument order.
void keyed_columns(const instrument& inst, const responses& data, const scoring_options& scoring, prepared& p) {
  const std::size_t n_items = inst.items.size();
  std::vector<std::ptrdiff_t> owner(n_items, -1);  // the subscale an item is keyed by
  std::vector<Eigen::MatrixXd> blocks;
  std::vector<Eigen::Index> position(n_items, -1);  // its column in that subscale's block
  for (std::size_t s = 0; s < inst.subscales.size(); ++s) {
    const subscale& sub = inst.subscales[s];
    blocks.push_back(keyed_items(inst, sub, data.values, scoring));
    for (std::size_t j = 0; j < sub.items.size(); ++j) {
      const auto i = static_cast<std::size_t>(inst.item_index(sub.items[j]));
      if (owner[i] < 0) {
        owner[i] = static_cast<std::ptrdiff_t>(s);
        position[i] = static_cast<Eigen::Index>(j);
      } else if (inst.is_reversed(inst.subscales[static_cast<std::size_t>(owner[i])], sub.items[j]) !=
                 inst.is_reversed(sub, sub.items[j])) {
        p.warnings.push_back("item '" + sub.items[j] + "' is keyed as in subscale '" +
                             inst.subscales[static_cast<std::size_t>(owner[i])].name + "' (subscale '" + sub.name +
                             "' keys it the other way)");
      }
    }
  }
  for (std::size_t i = 0; i < n_items; ++i) {
    if (owner[i] >= 0) p.items.push_back(i);
  }
  if (p.items.empty()) {
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no items in a subscale to fit",
                {.rule = "no_items"});
  }
  p.x.resize(data.values.rows(), static_cast<Eigen::Index>(p.items.size()));
  for (std::size_t c = 0; c < p.items.size(); ++c) {
    const std::size_t i = p.items[c];
    const subscale& sub = inst.subscales[static_cast<std::size_t>(owner[i])];
    p.x.col(static_cast<Eigen::Index>(c)) = blocks[static_cast<std::size_t>(owner[i])].col(position[i]);
    p.columns.push_back(i < data.columns.size() ? data.columns[i] : inst.items[i].id);
    p.reversed.push_back(inst.is_reversed(sub, inst.items[i].id));
  }
}

prepared prepare(const instrument& inst, responses& data, const input_options& input, profile_data on,
                 const std::vector<std::string>& given_scores, const std::string& prefix) {
  prepared p;
  p.scores = chosen_scores(inst, given_scores, on, prefix + "scores");
  p.range = input.scoring.range.value_or(inst.range);
  p.id_column = id_column_name(data, input);
  p.n_rows = static_cast<std::size_t>(data.n_rows());
  p.ids = data.row_ids;
  p.rows.resize(p.n_rows);
  for (std::size_t i = 0; i < p.n_rows; ++i) p.rows[i] = data.first_row + i;
  // The range rule first, so that answers treated as missing are missing for the items too.
  p.n_out_of_range = apply_range_rule(inst, data, input.scoring);
  if (p.n_out_of_range > 0) {
    p.warnings.push_back(std::to_string(p.n_out_of_range) + " answer(s) outside the response range were treated as missing");
  }
  const score_table t = score(inst, data, input.scoring);
  p.warnings.insert(p.warnings.end(), t.warnings.begin(), t.warnings.end());
  auto column = [&](const std::string& name) { return t.scores.col(index_of(t.names, name)); };
  p.score_values.resize(t.scores.rows(), static_cast<Eigen::Index>(p.scores.size()));
  for (std::size_t j = 0; j < p.scores.size(); ++j) p.score_values.col(static_cast<Eigen::Index>(j)) = column(p.scores[j]);
  if (!inst.anxiety.empty() && !inst.avoidance.empty()) {
    p.anxiety = column(inst.anxiety);
    p.avoidance = column(inst.avoidance);
  } else {
    p.no_plane = "instrument '" + inst.id + "' has no anxiety and avoidance scores";
  }
  if (on == profile_data::scores) {
    p.x = p.score_values;
    p.columns = p.scores;
    p.reversed.assign(p.scores.size(), false);
    if (!p.no_plane) {
      const auto a = index_of(p.scores, inst.anxiety), v = index_of(p.scores, inst.avoidance);
      if (a >= 0 && v >= 0) {
        p.plane_columns = std::array<Eigen::Index, 2>{a, v};
      } else {
        p.no_plane = "the scores fitted do not include both anxiety ('" + inst.anxiety + "') and avoidance ('" +
                     inst.avoidance + "')";
      }
    }
  } else {
    keyed_columns(inst, data, input.scoring, p);
  }
  return p;
}

// The mean anxiety and avoidance of a respondent who answers every fitted item at the given
// keyed means: the scores of those answers (the scoring is linear).
std::array<double, 2> implied_scores(const instrument& inst, const prepared& p, const input_options& input,
                                     const Eigen::Ref<const Eigen::RowVectorXd>& keyed_means) {
  std::vector<double> answers(inst.items.size(), nan_v);
  for (std::size_t c = 0; c < p.items.size(); ++c) {
    const response_range r = item_range(inst, p.items[c], input.scoring);
    const double m = std::clamp(keyed_means(static_cast<Eigen::Index>(c)), r.min, r.max);
    answers[p.items[c]] = p.reversed[c] ? r.reverse(m) : m;
  }
  scoring_options so = input.scoring;
  so.min_answered = 1e-9;  // any answered item scores (only the fitted items are answered)
  const respondent_scores s = score_respondent(inst, answers, so);
  return {s.scores[static_cast<std::size_t>(index_of(s.names, inst.anxiety))],
          s.scores[static_cast<std::size_t>(index_of(s.names, inst.avoidance))]};
}

// Profile means (K x columns) -> their means of (anxiety, avoidance), K x 2.
Eigen::MatrixXd plane_of(const instrument& inst, const prepared& p, const input_options& input, const Eigen::MatrixXd& means) {
  Eigen::MatrixXd out(means.rows(), 2);
  for (Eigen::Index k = 0; k < means.rows(); ++k) {
    if (p.plane_columns) {
      out(k, 0) = means(k, (*p.plane_columns)[0]);
      out(k, 1) = means(k, (*p.plane_columns)[1]);
    } else {
      const auto s = implied_scores(inst, p, input, means.row(k));
      out(k, 0) = s[0];
      out(k, 1) = s[1];
    }
  }
  return out;
}

// The cuts that name profiles, with the rule in words; nullopt (and the reason) when there are none.
struct naming {
  label_reference reference = label_reference::midpoint;
  double anxiety_cut = nan_v;
  double avoidance_cut = nan_v;
  std::string rule;
};

double mean_over(const Eigen::VectorXd& score, const std::vector<char>& use) {
  double sum = 0.0;
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < score.size(); ++i) {
    if (use[static_cast<std::size_t>(i)] != 0 && std::isfinite(score(i))) {
      sum += score(i);
      ++n;
    }
  }
  return n > 0 ? sum / static_cast<double>(n) : nan_v;
}

std::optional<naming> make_naming(const instrument& inst, const prepared& p, std::optional<label_reference> reference,
                                  const std::vector<char>& used, const std::string& who, std::vector<warning>& warnings) {
  if (!reference) return std::nullopt;
  std::optional<std::string> why = p.no_plane;
  if (!why && *reference == label_reference::midpoint && inst.scoring != scoring_method::mean) {
    why = "the midpoint of the response range is a cut for mean scores only (instrument '" + inst.id + "' sums)";
  }
  naming n;
  n.reference = *reference;
  if (!why) {
    if (n.reference == label_reference::midpoint) {
      n.anxiety_cut = n.avoidance_cut = p.range.midpoint();
    } else {
      n.anxiety_cut = mean_over(p.anxiety, used);
      n.avoidance_cut = mean_over(p.avoidance, used);
      if (!std::isfinite(n.anxiety_cut) || !std::isfinite(n.avoidance_cut)) why = "no respondent " + who + " has both scores";
    }
  }
  if (why) {
    warnings.push_back("not named on the attachment plane: " + *why);
    return std::nullopt;
  }
  const std::string cuts = "anxiety " + number_text(n.anxiety_cut, 6) + ", avoidance " + number_text(n.avoidance_cut, 6);
  n.rule = "mean anxiety and mean avoidance against the cuts (" + cuts + "; " +
           (n.reference == label_reference::midpoint
                ? "the midpoint of the response range " + number_text(p.range.min) + "-" + number_text(p.range.max)
                : "the sample means of the respondents " + who) +
           "), above a cut = high: low/low secure, high anxiety/low avoidance preoccupied, low anxiety/high avoidance "
           "dismissing, high/high fearful; named only when there are four, none on a cut, in four different quadrants";
  return n;
}

profile_labels name_points(const Eigen::MatrixXd& plane, const naming& n, const response_range& range) {
  profile_label_options lo;
  lo.anxiety_column = 0;
  lo.avoidance_column = 1;
  lo.reference = n.reference;
  lo.range = range;
  return label_profiles(plane, lo, n.anxiety_cut, n.avoidance_cut);
}

// The fixed-rule midpoint styles of every respondent (classify method midpoint), or why there are none.
std::optional<classification> midpoint_styles(const instrument& inst, const prepared& p, std::string& why) {
  if (p.anxiety.size() == 0) {
    why = "instrument '" + inst.id + "' has no anxiety and avoidance scores";
    return std::nullopt;
  }
  if (inst.scoring != scoring_method::mean) {
    why = "the midpoint rule applies to mean scores only";
    return std::nullopt;
  }
  classify_options co;
  co.method = classify_method::midpoint;
  co.range = p.range;
  return classify(p.anxiety, p.avoidance, co);
}

// The adjusted Rand index of `groups` with another classification, over the respondents both classify.
partition_agreement agree(std::string with, const std::vector<std::optional<int>>& groups,
                          const std::vector<std::optional<int>>& other) {
  partition_agreement a;
  a.with = std::move(with);
  std::vector<int> x, y;
  for (std::size_t i = 0; i < groups.size() && i < other.size(); ++i) {
    if (groups[i] && other[i]) {
      x.push_back(*groups[i]);
      y.push_back(*other[i]);
    }
  }
  a.n = x.size();
  if (a.n < 2) {
    a.reason = std::to_string(a.n) + " respondent(s) classified by both; the index needs 2";
  } else {
    a.ari = adjusted_rand_index(x, y);
  }
  return a;
}

partition_agreement agree_with_midpoint(const instrument& inst, const prepared& p,
                                        const std::vector<std::optional<int>>& groups) {
  std::string why;
  const auto c = midpoint_styles(inst, p, why);
  if (!c) return {.with = "midpoint", .reason = why};
  std::vector<std::optional<int>> styles(c->styles.size());
  for (std::size_t i = 0; i < styles.size(); ++i) {
    if (c->styles[i] != attachment_style::unclassified) styles[i] = static_cast<int>(c->styles[i]);
  }
  return agree("midpoint", groups, styles);
}

std::vector<char> complete_rows(const Eigen::MatrixXd& x) {
  std::vector<char> out(static_cast<std::size_t>(x.rows()), 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) out[static_cast<std::size_t>(i)] = x.row(i).array().isFinite().all() ? 1 : 0;
  return out;
}

template <class Study>
void copy_prepared(Study& s, prepared& p, const instrument& inst, profile_data on) {
  s.instrument = inst.id;
  s.on = on;
  s.columns = std::move(p.columns);
  s.reversed = std::move(p.reversed);
  s.scores = std::move(p.scores);
  s.range = p.range;
  s.id_column = std::move(p.id_column);
  s.n_rows = p.n_rows;
  s.n_out_of_range = p.n_out_of_range;
  s.ids = std::move(p.ids);
  s.rows = std::move(p.rows);
  s.score_values = std::move(p.score_values);
}

}  // namespace

std::string_view to_string(profile_data d) noexcept { return detail::enum_name(data_names, d); }
std::optional<profile_data> parse_profile_data(std::string_view s) noexcept { return detail::enum_parse(data_names, s); }

namespace {

// on, scores and labels of a profiles or cluster study (`field`: its options' prefix).
template <class StudyOptions>
option_list data_options(StudyOptions& o, const std::string& field) {
  return {
      detail::choice_option("on", field + "on", "fit the instrument's scores or its keyed items: scores | items", o.on, parse_profile_data, {"scores", "items"}),
      detail::bound_option("scores", field + "scores", "the instrument's scores to fit (on scores) or to show (on items); default: anxiety,avoidance", o.scores),
      detail::choice_option("labels", field + "labels", "name four groups on the attachment plane against: midpoint (of the response range) | sample_mean | none", o.labels, parse_label_reference, {"midpoint", "sample_mean"}),
  };
}

// models, starts, seed and prior of a mixture (`what`: what they apply to, for the help).
option_list mixture_option_list(mixture_options& m, const std::string& what) {
  const std::string choices = "EII, VII, EEI, VEI, EVI, VVI, EEE, VEE, EVE, VVE, EEV, VEV, EVV, VVV or all";
  auto models = [&m, choices](const std::vector<std::string>& names) {
    std::vector<covariance_model> out;
    for (const auto& name : names) {
      if (name == "all" || name == "ALL") {
        out.assign(all_covariance_models.begin(), all_covariance_models.end());
        continue;
      }
      const auto model = parse_covariance_model(name);
      if (!model) detail::refuse_option_text("models", "mixture_options.models", name, "use " + choices);
      out.push_back(*model);
    }
    m.models = std::move(out);
  };
  std::string shown;
  for (const covariance_model model : m.models) shown += (shown.empty() ? "" : ",") + std::string(to_string(model));
  option_info prior = detail::parsed_option(
      "prior", "mixture_options.prior",
      what + ": the conjugate prior of Fraley & Raftery (mclust's defaults), so that no profile can collapse (EII, VII, EEI, VVI, EEE, VVV only)",
      [&m](const std::vector<std::string>&) { m.prior = mixture_prior{}; });
  prior.form = option_info::form_kind::toggle;
  return {
      detail::parsed_option("models", "mixture_options.models", what + ": mclust covariance models, comma-separated: " + choices, models, shown, /*list=*/true),
      detail::bound_option("starts", "mixture_options.starts", what + ": starts per model and K (the hierarchical one, then random)", m.starts),
      detail::bound_option("seed", "mixture_options.seed", what + ": seed of the random starts, the subset and the bootstrap", m.seed),
      prior,
  };
}

// "3" -> 3..3, "1-6" -> 1..6.
void set_k_range(mixture_options& m, const std::string& text) {
  auto number = [](std::string_view s, std::size_t& v) {
    const auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), v);
    return e == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  std::size_t lo = 0, hi = 0;
  const std::size_t dash = text.find('-');
  const bool ok = dash == std::string::npos ? number(text, lo) && ((hi = lo), true)
                                            : number(std::string_view(text).substr(0, dash), lo) &&
                                                  number(std::string_view(text).substr(dash + 1), hi);
  if (!ok) detail::refuse_option_text("k", "mixture_options.k_min", text, "expected N or MIN-MAX, e.g. 1-6");
  m.k_min = lo;
  m.k_max = hi;
}

}  // namespace

option_list describe_options(profiles_study_options& o) {
  mixture_options& m = o.mixture;
  option_list list = data_options(o, kProfiles);
  for (option_info& e : mixture_option_list(m, "mixture")) list.push_back(std::move(e));
  list.push_back(detail::parsed_option(
      "k", "mixture_options.k_min", "numbers of profiles to fit: N or MIN-MAX (at most 20)",
      [&m](const std::vector<std::string>& t) { set_k_range(m, t.empty() ? std::string() : t.front()); },
      std::to_string(m.k_min) + "-" + std::to_string(m.k_max)));
  list.push_back(detail::bound_option("bootstrap-lrt", "mixture_options.bootstrap_lrt", "bootstrap likelihood-ratio test of K against K - 1 profiles (best model): replicates, 0 = none", m.bootstrap_lrt));
  return list;
}

option_list describe_options(cluster_study_options& o) {
  option_list list = data_options(o, kCluster);
  // The mixture's options go to a copy until compare-profiles asks for the mixture, and to
  // `profiles` too once it is set, so that the order they are set in does not matter.
  const std::string what = "with compare-profiles";
  auto staged = std::make_shared<mixture_options>(o.profiles.value_or(mixture_options{}));
  option_list mixture = mixture_option_list(*staged, what);
  for (std::size_t i = 0; i < mixture.size(); ++i) {
    mixture[i].set = [&o, staged, what, i](const std::vector<std::string>& t) {
      mixture_option_list(*staged, what)[i].set(t);
      if (o.profiles) mixture_option_list(*o.profiles, what)[i].set(t);
    };
    list.push_back(std::move(mixture[i]));
  }
  list.push_back(detail::choice_option("method", "ward_options.method", "ward.D2 (Ward's minimum variance) | ward.D (R's older variant)", o.ward.method, parse_ward_method, {"ward.D2", "ward.D"}));
  list.push_back(detail::bound_option("k", kCluster + "k", "cut the tree into k clusters", o.k));
  list.push_back(detail::bound_option("max-rows", "ward_options.max_n", "the most rows clustered: the n(n-1)/2 distances take 4 n^2 bytes (20000 rows: 1.6 GB)", o.ward.max_n));
  option_info compare = detail::parsed_option(
      "compare-profiles", kCluster + "profiles",
      "also fit a mixture with k profiles to the same data and give the adjusted Rand index of the two",
      [&o, staged](const std::vector<std::string>&) {
        if (!o.profiles) o.profiles = *staged;
      });
  compare.form = option_info::form_kind::toggle;
  list.push_back(std::move(compare));
  return list;
}

void profiles_study_options::validate() const {
  input.scoring.validate();
  check_scores_unique(scores, kProfiles + "scores");
  check_no_mixture_labels(mixture, kProfiles + "mixture");
  mixture.validate();
}

profiles_study study_profiles(const instrument& inst, responses data, const profiles_study_options& options) {
  options.validate();
  prepared p = prepare(inst, data, options.input, options.on, options.scores, kProfiles);
  mixture_options mo = options.mixture;
  mo.progress = options.input.progress;
  const mixture_result r = fit_profiles(p.x, mo);
  profiles_study s;
  s.mixture = options.mixture;
  s.mixture.threads = 0;
  s.mixture.progress = {};  // the result keeps no callback
  s.warnings = p.warnings;
  const auto naming = make_naming(inst, p, options.labels, complete_rows(p.x), "fitted", s.warnings);
  s.n = r.n;
  s.n_missing = r.n_missing;
  s.n_distinct = r.n_distinct;
  s.fits = r.fits;
  s.best = r.best;
  s.membership = r.membership;
  s.bootstrap_lrt = r.bootstrap_lrt;
  if (naming) {
    s.labels = naming->reference;
    s.label_rule = naming->rule;
    for (std::size_t i = 0; i < s.fits.size(); ++i) {
      if (!s.fits[i].loglik) continue;
      const Eigen::MatrixXd plane = plane_of(inst, p, options.input, s.fits[i].means);
      s.fits[i].labels = name_points(plane, *naming, p.range);
      if (s.best && s.best->fit == i) s.plane_means = plane;
    }
  } else if (!p.no_plane && s.best) {
    s.plane_means = plane_of(inst, p, options.input, s.fits[s.best->fit].means);
  }
  if (s.membership) {
    s.agreement.push_back(agree_with_midpoint(inst, p, s.membership->profile));
  } else {
    s.agreement.push_back({.with = "midpoint", .reason = "no mixture could be fitted"});
  }
  s.warnings.insert(s.warnings.end(), r.warnings.begin(), r.warnings.end());
  copy_prepared(s, p, inst, options.on);
  return s;
}

profiles_study study_profiles(const instrument& inst, const std::string& path, const profiles_study_options& options) {
  options.validate();
  (void)chosen_scores(inst, options.scores, options.on, kProfiles + "scores");  // before any data is read
  return study_profiles(inst, read_study_data(path, &inst, options.input), options);
}

void cluster_study_options::validate() const {
  input.scoring.validate();
  check_scores_unique(scores, kCluster + "scores");
  ward.validate();
  if (k < 1 || k > max_k) {
    detail::fail_option(kCluster + "k", std::to_string(k), "must be in 1.." + std::to_string(max_k));
  }
  if (profiles) {
    check_no_mixture_labels(*profiles, kCluster + "profiles");
    mixture_options m = *profiles;
    m.k_min = m.k_max = k;
    m.validate();
  }
}

cluster_study study_cluster(const instrument& inst, responses data, const cluster_study_options& options) {
  options.validate();
  prepared p = prepare(inst, data, options.input, options.on, options.scores, kCluster);
  cluster_study s;
  s.method = options.ward.method;
  s.k = options.k;
  s.warnings = p.warnings;
  s.tree = ward_cluster(p.x, options.ward);
  if (options.k > s.tree.n) {
    detail::fail_option(kCluster + "k", std::to_string(options.k),
                        "must be at most the " + std::to_string(s.tree.n) + " respondents clustered");
  }
  s.clusters = cut_tree_rows(s.tree, options.k);
  const auto k = static_cast<Eigen::Index>(options.k);
  const Eigen::Index d = p.x.cols();
  s.sizes.assign(options.k, 0);
  s.means = Eigen::MatrixXd::Zero(k, d);
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(k, d);
  Eigen::MatrixXd plane = Eigen::MatrixXd::Zero(k, 2), plane_n = Eigen::MatrixXd::Zero(k, 2);
  std::vector<char> clustered(s.clusters.size(), 0);
  const bool has_plane = p.anxiety.size() > 0;
  for (std::size_t i = 0; i < s.clusters.size(); ++i) {
    if (!s.clusters[i]) continue;
    clustered[i] = 1;
    const auto c = static_cast<Eigen::Index>(*s.clusters[i] - 1);
    const auto r = static_cast<Eigen::Index>(i);
    ++s.sizes[static_cast<std::size_t>(c)];
    for (Eigen::Index j = 0; j < d; ++j) {
      if (!std::isfinite(p.x(r, j))) continue;
      s.means(c, j) += p.x(r, j);
      counts(c, j) += 1.0;
    }
    if (!has_plane) continue;
    const double v[2] = {p.anxiety(r), p.avoidance(r)};
    for (Eigen::Index j = 0; j < 2; ++j) {
      if (!std::isfinite(v[j])) continue;
      plane(c, j) += v[j];
      plane_n(c, j) += 1.0;
    }
  }
  s.means = (s.means.array() / counts.array()).matrix();  // 0 / 0 = NaN: no member has the value
  if (has_plane) s.plane_means = (plane.array() / plane_n.array()).matrix();
  const auto naming = make_naming(inst, p, options.labels, clustered, "clustered", s.warnings);
  if (naming) {
    s.labels = naming->reference;
    s.label_rule = naming->rule;
    s.cluster_labels = name_points(s.plane_means, *naming, p.range);
  }
  s.agreement.push_back(agree_with_midpoint(inst, p, s.clusters));
  if (options.profiles) {
    mixture_options m = *options.profiles;
    m.k_min = m.k_max = options.k;
    m.progress = options.input.progress;
    const mixture_result r = fit_profiles(p.x, m);
    if (r.best && r.membership) {
      s.profiles = r.fits[r.best->fit];
      s.agreement.push_back(agree("profiles", s.clusters, r.membership->profile));
    } else {
      if (!r.fits.empty()) s.profiles = r.fits.front();
      s.agreement.push_back({.with = "profiles", .reason = "no mixture with " + std::to_string(options.k) +
                                                           " profiles could be fitted"});
    }
    for (const auto& w : r.warnings) s.warnings.push_back("profiles: " + w);
  }
  copy_prepared(s, p, inst, options.on);
  return s;
}

cluster_study study_cluster(const instrument& inst, const std::string& path, const cluster_study_options& options) {
  options.validate();
  (void)chosen_scores(inst, options.scores, options.on, kCluster + "scores");  // before any data is read
  return study_cluster(inst, read_study_data(path, &inst, options.input), options);
}

ATTUNE_END_NAMESPACE
