// The reports of a profiles study (latent profile analysis) and a cluster study (Ward): per-respondent
// rows (id or row, the scores, the posteriors or the cluster, the name) through the one row writer,
// and the summary: model selection, the best fit's profiles, the average posterior table, the
// bootstrap test, the merge heights, the agreement with the midpoint styles.
#include <algorithm>
#include <limits>
#include <ostream>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"
#include "report/streaming.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_ENUM(covariance_model)
ATTUNE_JSON_ENUM(mixture_start)
ATTUNE_JSON_ENUM(label_reference)
ATTUNE_JSON_ENUM(profile_data)
ATTUNE_JSON_ENUM(ward_method)
ATTUNE_JSON_FIELDS(mixture_prior, shrinkage, mean, dof, scale)
// mixture_options without `threads` (results never depend on it) and `labels` (the study names
// the profiles itself: its `labels` and `label_rule`).
ATTUNE_JSON_FIELDS(mixture_options, models, k_min, k_max, starts, hierarchical_start, hierarchical_subset, seed, tolerance,
                   max_iterations, best_tolerance, collapse_tolerance, prior, bootstrap_lrt, bootstrap_model,
                   bootstrap_random_starts)
ATTUNE_JSON_FIELDS(profile_labels, reference, anxiety_cut, avoidance_cut, quadrant, labelled, styles, reason)
ATTUNE_JSON_FIELDS(mixture_fit, model, k, df, loglik, bic, bic_min, aic, icl, entropy, proportions, sizes, smallest, means,
                   covariances, converged, iterations, starts, starts_at_best, starts_collapsed, best_start,
                   best_start_kind, labels, warnings)
ATTUNE_JSON_FIELDS(mixture_choice, model, k, fit, rule)
ATTUNE_JSON_FIELDS(bootstrap_lrt_test, model, k, statistic, replicates, redrawn, p_value, bootstrap, warnings)
ATTUNE_JSON_FIELDS(partition_agreement, with, ari, n, reason)
// Per respondent (the respondents rows): posterior (p_1..p_K), profile, uncertainty.
ATTUNE_JSON_SUMMARY_FIELDS(profile_membership, average_posterior, n)
ATTUNE_JSON_FIELDS(hierarchical_tree, method, merge, height, order, rows, n, n_rows, n_missing, n_partial, warnings)

namespace {

using detail::fixed_text;
using detail::json;
using detail::row_column;

// ---------------------------------------------------------------------------------------------
// Shared by both studies.

std::optional<std::string> text_of(const std::optional<attachment_style>& s) {
  if (!s || *s == attachment_style::unclassified) return std::nullopt;
  return std::string(to_string(*s));
}

template <class Study>
void head_columns(std::vector<row_column>& c, const Study& s) {
  c.push_back({s.id_column.empty() ? "row" : s.id_column, -1});
  for (const auto& name : s.scores) c.push_back({name, 3});
}

template <class Study>
void write_id_and_scores(detail::row_writer& w, const Study& s, std::size_t i) {
  if (!s.id_column.empty()) {
    w.text(s.ids[i]);
  } else {
    w.integer(static_cast<std::int64_t>(s.rows[i]));
  }
  for (Eigen::Index j = 0; j < s.score_values.cols(); ++j) w.number(s.score_values(static_cast<Eigen::Index>(i), j));
}

// The respondents whose row every vector of the study holds (a study built by hand may hold fewer
// than it counts: rendering it is then an error, not a read past a vector).
template <class Study>
std::size_t rows_held(const Study& s) {
  const std::size_t ids = s.id_column.empty() ? s.rows.size() : s.ids.size();
  return std::min(ids, static_cast<std::size_t>(s.score_values.rows()));
}

template <class Study>
std::string row_label(const Study& s, std::size_t i) {
  return s.id_column.empty() ? "row " + std::to_string(s.rows[i]) : s.ids[i];
}

template <class Study>
void head_members(json& j, const Study& s) {
  j["instrument"] = s.instrument;
  j["on"] = s.on;
  j["columns"] = s.columns;
  j["reversed"] = s.reversed;
  j["scores"] = s.scores;
  j["range"] = s.range;
  j["id_column"] = s.id_column.empty() ? json(nullptr) : json(s.id_column);
  j["n_rows"] = s.n_rows;
  j["n_out_of_range"] = s.n_out_of_range;
}

void write_optional_style(detail::row_writer& w, const std::optional<attachment_style>& s) {
  if (const auto t = text_of(s)) {
    w.text(*t);
  } else {
    w.null();
  }
}

void write_optional_int(detail::row_writer& w, const std::optional<int>& v) {
  if (v) {
    w.integer(*v);
  } else {
    w.null();
  }
}

// An aligned text table (right-aligned columns, as the per-respondent rows), each line indented.
template <class Rows>
std::string aligned(std::vector<row_column> columns, Rows rows, const std::string& indent = "  ") {
  std::ostringstream os;
  detail::row_writer w(os, output_format::table, std::move(columns));
  w.begin({});
  rows(w);
  w.end({}, {});
  std::istringstream in(os.str());
  std::string line, out;
  while (std::getline(in, line)) out += (line.empty() ? std::string() : indent) + line + "\n";
  return out;
}

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

std::string opt_text(const std::optional<double>& x, int decimals) { return fixed_text(x.value_or(nan_v), decimals); }

std::string data_text(const std::string& what, profile_data on, const std::vector<std::string>& columns) {
  std::string s = what + ", on " + std::string(to_string(on)) + " (";
  if (on == profile_data::items) {
    s += std::to_string(columns.size()) + " keyed items";
  } else {
    for (std::size_t j = 0; j < columns.size(); ++j) s += (j ? ", " : "") + columns[j];
  }
  return s + ")";
}

// The profiles' or clusters' points on the plane and names: one row per group.
void group_table(std::ostringstream& os, const char* group, const std::vector<double>& proportions,
                 const std::vector<std::size_t>& sizes, const Eigen::MatrixXd& means, const std::vector<std::string>& columns,
                 const Eigen::MatrixXd& plane, const std::optional<profile_labels>& labels, profile_data on) {
  const bool score_means = on == profile_data::scores;
  const bool with_plane = plane.rows() == static_cast<Eigen::Index>(sizes.size()) && !score_means;
  std::vector<row_column> c{{group, -1}};
  if (!proportions.empty()) c.push_back({"proportion", 3});
  c.push_back({"size", -1});
  if (score_means) {
    for (const auto& name : columns) c.push_back({name, 3});
  } else if (with_plane) {
    c.push_back({"anxiety", 3});
    c.push_back({"avoidance", 3});
  }
  if (labels) {
    c.push_back({"quadrant", -1});
    c.push_back({"name", -1});
  }
  os << aligned(c, [&](detail::row_writer& w) {
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      const auto r = static_cast<Eigen::Index>(k);
      w.begin_row();
      w.integer(static_cast<std::int64_t>(k + 1));
      if (!proportions.empty()) w.number(proportions[k]);
      w.integer(static_cast<std::int64_t>(sizes[k]));
      if (score_means) {
        for (Eigen::Index j = 0; j < means.cols(); ++j) w.number(means(r, j));
      } else if (with_plane) {
        w.number(plane(r, 0));
        w.number(plane(r, 1));
      }
      if (labels) {
        w.text(to_string(labels->quadrant[k]));
        write_optional_style(w, labels->styles[k]);
      }
      w.end_row();
    }
  });
  if (on == profile_data::items) {
    os << "  " << (with_plane ? "anxiety and avoidance: the scores of the profile's mean answers; " : "")
       << "means of the keyed items (* reverse keyed):\n";
    std::vector<row_column> ic{{"item", -1}};
    for (std::size_t k = 0; k < sizes.size(); ++k) ic.push_back({std::string(group) + "_" + std::to_string(k + 1), 3});
    os << aligned(ic, [&](detail::row_writer& w) {
      for (Eigen::Index j = 0; j < means.cols(); ++j) {
        w.begin_row();
        w.text(columns[static_cast<std::size_t>(j)]);
        for (Eigen::Index k = 0; k < means.rows(); ++k) w.number(means(k, j));
        w.end_row();
      }
    }, "    ");
  }
  if (labels && !labels->labelled && labels->reason) os << "  not named: " << *labels->reason << "\n";
}

void agreement_lines(std::ostringstream& os, const std::vector<partition_agreement>& agreement) {
  for (const auto& a : agreement) {
    os << "  adjusted Rand index with the " << (a.with == "midpoint" ? "midpoint styles" : "modal profiles") << ": ";
    if (a.ari) {
      os << fixed_text(*a.ari, 3) << " (n = " << a.n << ")\n";
    } else {
      os << "not computed (" << a.reason.value_or("") << ")\n";
    }
  }
}

template <class W>
void warning_lines(std::ostringstream& os, const std::vector<W>& warnings) {
  for (const auto& w : warnings) os << "  warning: " << w << "\n";
}

// ---------------------------------------------------------------------------------------------
// Profiles.

std::size_t best_k(const profiles_study& s) { return s.membership ? static_cast<std::size_t>(s.membership->posterior.cols()) : 0; }

const mixture_fit* best_fit(const profiles_study& s) { return s.best ? &s.fits[s.best->fit] : nullptr; }

std::vector<row_column> columns(const profiles_study& s) {
  std::vector<row_column> c;
  head_columns(c, s);
  for (std::size_t k = 1; k <= best_k(s); ++k) c.push_back({"p_" + std::to_string(k), 3});
  c.push_back({"profile", -1});
  c.push_back({"uncertainty", 3});
  c.push_back({"label", -1});
  return c;
}

json head(const profiles_study& s) {
  json j = json::object();
  head_members(j, s);
  j["n"] = s.n;
  j["n_missing"] = s.n_missing;
  j["n_distinct"] = s.n_distinct;
  j["mixture"] = s.mixture;
  j["labels"] = s.labels;
  j["label_rule"] = s.label_rule;
  return j;
}

json tail(const profiles_study& s) {
  json j = json::object();
  j["fits"] = s.fits;
  j["best"] = s.best;
  j["membership"] = s.membership ? json(detail::summary_of{*s.membership}) : json(nullptr);
  j["plane_means"] = s.plane_means;
  j["bootstrap_lrt"] = s.bootstrap_lrt;
  j["agreement"] = s.agreement;
  j["warnings"] = s.warnings;
  return j;
}

void write_rows(detail::row_writer& w, const profiles_study& s) {
  const std::size_t K = best_k(s);
  const mixture_fit* best = best_fit(s);
  const profile_labels* names = best != nullptr && best->labels && best->labels->labelled ? &*best->labels : nullptr;
  std::size_t held = rows_held(s);
  if (s.membership) {
    held = std::min({held, s.membership->profile.size(), static_cast<std::size_t>(s.membership->posterior.rows()),
                     static_cast<std::size_t>(s.membership->uncertainty.size())});
    if (K > static_cast<std::size_t>(s.membership->posterior.cols())) held = 0;
  } else if (K > 0) {
    held = 0;
  }
  detail::require_rows_held("profiles", s.n_rows, held);
  for (std::size_t i = 0; i < s.n_rows; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    w.begin_row();
    write_id_and_scores(w, s, i);
    for (std::size_t k = 0; k < K; ++k) w.number(s.membership->posterior(r, static_cast<Eigen::Index>(k)));
    const int profile = s.membership ? s.membership->profile[i].value_or(0) : 0;  // 0: none
    write_optional_int(w, profile > 0 ? std::optional<int>(profile) : std::nullopt);
    w.number(s.membership ? s.membership->uncertainty(r) : nan_v);
    std::optional<attachment_style> style;
    if (names != nullptr && profile > 0) style = names->styles[static_cast<std::size_t>(profile - 1)];
    write_optional_style(w, style);
    w.end_row(row_label(s, i));
  }
}

std::string models_text(const mixture_options& m) {
  std::string s;
  for (const auto model : m.models) s += (s.empty() ? "" : ", ") + std::string(to_string(model));
  return s;
}

void selection_table(std::ostringstream& os, const profiles_study& s) {
  os << "model selection (bic = 2 logL - df log n and icl: higher is better; bic_min = -bic and aic: lower is better):\n";
  const std::vector<row_column> c{{"model", -1},   {"k", -1},       {"loglik", 2},   {"df", -1},
                                  {"bic", 2},      {"bic_min", 2},  {"aic", 2},      {"icl", 2},
                                  {"entropy", 3},  {"smallest", -1}, {"starts_at_best", -1}, {"converged", -1}};
  os << aligned(c, [&](detail::row_writer& w) {
    for (const auto& f : s.fits) {
      w.begin_row();
      w.text(to_string(f.model));
      w.integer(static_cast<std::int64_t>(f.k));
      w.number(f.loglik.value_or(nan_v));
      w.integer(static_cast<std::int64_t>(f.df));
      w.number(f.bic.value_or(nan_v));
      w.number(f.bic_min.value_or(nan_v));
      w.number(f.aic.value_or(nan_v));
      w.number(f.icl.value_or(nan_v));
      w.number(f.entropy.value_or(nan_v));
      if (f.smallest) {
        w.integer(static_cast<std::int64_t>(*f.smallest));
      } else {
        w.null();
      }
      w.text(std::to_string(f.starts_at_best) + "/" + std::to_string(f.starts));
      w.boolean(f.converged);
      w.end_row();
    }
  });
}

void posterior_table(std::ostringstream& os, const profile_membership& m) {
  os << "average posterior probabilities by modal profile (diagonal near 1: well separated):\n";
  std::vector<row_column> c{{"modal", -1}};
  for (Eigen::Index k = 0; k < m.average_posterior.cols(); ++k) c.push_back({"p_" + std::to_string(k + 1), 3});
  os << aligned(c, [&](detail::row_writer& w) {
    for (Eigen::Index j = 0; j < m.average_posterior.rows(); ++j) {
      w.begin_row();
      w.integer(j + 1);
      for (Eigen::Index k = 0; k < m.average_posterior.cols(); ++k) w.number(m.average_posterior(j, k));
      w.end_row();
    }
  });
}

void bootstrap_table(std::ostringstream& os, const std::vector<bootstrap_lrt_test>& tests) {
  os << "bootstrap likelihood-ratio test of K against K - 1 profiles (" << to_string(tests.front().model) << "):\n";
  const std::vector<row_column> c{{"k", -1}, {"statistic", 3}, {"replicates", -1}, {"p_value", 4}};
  os << aligned(c, [&](detail::row_writer& w) {
    for (const auto& t : tests) {
      w.begin_row();
      w.integer(static_cast<std::int64_t>(t.k));
      w.number(t.statistic);
      w.integer(static_cast<std::int64_t>(t.replicates));
      w.number(t.p_value);
      w.end_row();
    }
  });
  for (const auto& t : tests) {
    for (const auto& wn : t.warnings) os << "  warning (k = " << t.k << "): " << wn << "\n";
  }
}

}  // namespace

std::string profiles_summary_text(const profiles_study& s) {
  std::ostringstream os;
  os << "profiles: latent profile analysis of " << data_text(s.instrument, s.on, s.columns) << "\n";
  os << "  respondents: " << s.n_rows << " read, " << s.n << " fitted";
  if (s.n_missing > 0) os << " (" << s.n_missing << " left out: a value is missing)";
  os << ", " << s.n_distinct << " distinct rows\n";
  const auto& m = s.mixture;
  os << "  models " << models_text(m) << "; K = " << m.k_min << (m.k_max > m.k_min ? "-" + std::to_string(m.k_max) : "")
     << "; " << m.starts << " start(s) each" << (m.hierarchical_start ? " (hierarchical, then random)" : " (random)")
     << ", seed " << m.seed << ", tolerance " << detail::number_text(m.tolerance)
     << (m.prior ? ", conjugate prior" : "") << "\n\n";
  selection_table(os, s);
  if (const mixture_fit* f = best_fit(s)) {
    os << "  best: " << to_string(f->model) << " with " << f->k << " profile(s) (" << s.best->rule << ")\n\n";
    os << "best fit " << to_string(f->model) << ", " << f->k << " profile(s) (sizes: respondents by modal profile):\n";
    group_table(os, "profile", f->proportions, f->sizes, f->means, s.columns, s.plane_means, f->labels, s.on);
    if (!s.label_rule.empty()) os << "  names: " << s.label_rule << "\n";
    if (s.membership && f->k > 1) {
      os << "\n";
      posterior_table(os, *s.membership);
    }
  } else {
    os << "  best: none (no model could be fitted)\n";
  }
  if (!s.bootstrap_lrt.empty()) {
    os << "\n";
    bootstrap_table(os, s.bootstrap_lrt);
  }
  os << "\n";
  agreement_lines(os, s.agreement);
  for (const auto& f : s.fits) {
    for (const auto& w : f.warnings) os << "  warning (" << to_string(f.model) << ", k = " << f.k << "): " << w << "\n";
  }
  warning_lines(os, s.warnings);
  return os.str();
}

void write_report(std::ostream& out, output_format format, const profiles_study& study, const row_options& rows) {
  detail::write_row_report(
      out, format, "profiles", columns(study), [&] { return head(study); },
      [&](detail::row_writer& w) { write_rows(w, study); }, [&] { return tail(study); },
      [&] { return profiles_summary_text(study); }, rows);
}

std::string to_json(const profiles_study& study) { return detail::report_text(study, output_format::json); }
std::string to_table(const profiles_study& study) { return detail::report_text(study, output_format::table); }

// ---------------------------------------------------------------------------------------------
// Cluster.

namespace {

std::vector<row_column> columns(const cluster_study& s) {
  std::vector<row_column> c;
  head_columns(c, s);
  c.push_back({"cluster", -1});
  c.push_back({"label", -1});
  return c;
}

json head(const cluster_study& s) {
  json j = json::object();
  head_members(j, s);
  j["method"] = s.method;
  j["k"] = s.k;
  j["labels"] = s.labels;
  j["label_rule"] = s.label_rule;
  return j;
}

json tail(const cluster_study& s) {
  json j = json::object();
  j["tree"] = s.tree;
  j["sizes"] = s.sizes;
  j["means"] = s.means;
  j["plane_means"] = s.plane_means;
  j["cluster_labels"] = s.cluster_labels;
  j["profiles"] = s.profiles;
  j["agreement"] = s.agreement;
  j["warnings"] = s.warnings;
  return j;
}

void write_rows(detail::row_writer& w, const cluster_study& s) {
  const profile_labels* names = s.cluster_labels && s.cluster_labels->labelled ? &*s.cluster_labels : nullptr;
  detail::require_rows_held("cluster", s.n_rows, std::min(rows_held(s), s.clusters.size()));
  for (std::size_t i = 0; i < s.n_rows; ++i) {
    w.begin_row();
    write_id_and_scores(w, s, i);
    write_optional_int(w, s.clusters[i]);
    const int cluster = s.clusters[i].value_or(0);  // 0: none
    std::optional<attachment_style> style;
    if (names != nullptr && cluster > 0) style = names->styles[static_cast<std::size_t>(cluster - 1)];
    write_optional_style(w, style);
    w.end_row(row_label(s, i));
  }
}

// The heights at which the last merges join k clusters into k - 1: a large jump says the k
// clusters below it are well apart.
void height_table(std::ostringstream& os, const hierarchical_tree& t) {
  const std::size_t last = std::min<std::size_t>(10, t.height.size());
  os << "merge heights of the last " << last << " merges (k clusters joined into k - 1):\n";
  os << aligned({{"k", -1}, {"height", 4}}, [&](detail::row_writer& w) {
    for (std::size_t k = 2; k < last + 2; ++k) {
      w.begin_row();
      w.integer(static_cast<std::int64_t>(k));
      w.number(t.height[t.height.size() + 1 - k]);
      w.end_row();
    }
  });
}

}  // namespace

std::string cluster_summary_text(const cluster_study& s) {
  std::ostringstream os;
  os << "cluster: Ward's hierarchical clustering (" << to_string(s.method) << ", Euclidean distances) of "
     << data_text(s.instrument, s.on, s.columns) << "\n";
  os << "  respondents: " << s.n_rows << " read, " << s.tree.n << " clustered";
  if (s.tree.n_missing > 0) os << " (" << s.tree.n_missing << " left out: no value)";
  if (s.tree.n_partial > 0) os << ", " << s.tree.n_partial << " with some values missing";
  os << "\n\n";
  os << "cut into " << s.k << " cluster(s):\n";
  group_table(os, "cluster", {}, s.sizes, s.means, s.columns, s.plane_means, s.cluster_labels, s.on);
  if (!s.label_rule.empty()) os << "  names: " << s.label_rule << "\n";
  os << "\n";
  height_table(os, s.tree);
  if (s.profiles && s.profiles->loglik) {
    os << "\nmixture compared: " << to_string(s.profiles->model) << " with " << s.profiles->k << " profiles, bic "
       << opt_text(s.profiles->bic, 2) << ", entropy " << opt_text(s.profiles->entropy, 3) << "\n";
  }
  os << "\n";
  agreement_lines(os, s.agreement);
  if (s.profiles) {
    for (const auto& w : s.profiles->warnings) os << "  warning (profiles): " << w << "\n";
  }
  warning_lines(os, s.tree.warnings);
  warning_lines(os, s.warnings);
  return os.str();
}

void write_report(std::ostream& out, output_format format, const cluster_study& study, const row_options& rows) {
  detail::write_row_report(
      out, format, "cluster", columns(study), [&] { return head(study); },
      [&](detail::row_writer& w) { write_rows(w, study); }, [&] { return tail(study); },
      [&] { return cluster_summary_text(study); }, rows);
}

std::string to_json(const cluster_study& study) { return detail::report_text(study, output_format::json); }
std::string to_table(const cluster_study& study) { return detail::report_text(study, output_format::table); }

ATTUNE_END_NAMESPACE
