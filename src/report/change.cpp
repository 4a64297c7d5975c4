// The report of a change study: per-respondent rows (id, each scale's scores per administration,
// change, RCI, category, clinical status, steps, styles) and the summary.
#include <algorithm>
#include <ostream>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_FIELDS(change_scale, name, rci, sd_source, reliability_source, s_diff, cutoffs, cutoff, group)
ATTUNE_JSON_FIELDS(unmatched_id, id, present_in, missing_from, in_output)

namespace {

using detail::fixed_text;
using detail::json;
using detail::row_column;

std::string wave_tag(std::size_t w) { return "_t" + std::to_string(w + 1); }

bool with_clinical(const change_study& s) { return !s.trajectories.clinical.empty(); }

std::vector<row_column> columns(const change_study& s) {
  const std::size_t n_waves = s.files.size();
  std::vector<row_column> c;
  c.push_back({s.id_column, -1});
  detail::add_kept_columns(c, s.kept.names);
  for (const auto& sc : s.scales) {
    const std::string& n = sc.name;
    for (std::size_t w = 0; w < n_waves; ++w) c.push_back({n + wave_tag(w), 2});
    c.push_back({"change_" + n, 2});
    c.push_back({"rci_" + n, 2});
    c.push_back({"category_" + n, -1});
    if (with_clinical(s)) c.push_back({"clinical_" + n, -1});
    if (n_waves > 2) {  // with two administrations the one step is the total
      for (std::size_t w = 0; w + 1 < n_waves; ++w) c.push_back({"change_" + n + wave_tag(w) + wave_tag(w + 1), 2});
      for (std::size_t w = 0; w + 1 < n_waves; ++w) c.push_back({"rci_" + n + wave_tag(w) + wave_tag(w + 1), 2});
    }
  }
  for (std::size_t w = 0; w < s.styles.size(); ++w) c.push_back({"style" + wave_tag(w), -1});
  return c;
}

json head(const change_study& s) {
  json j = json::object();
  j["instrument"] = s.instrument;
  j["files"] = s.files;
  j["id_column"] = s.id_column;
  j["n_matched"] = s.n_matched;
  j["scales"] = s.scales;
  j["cutoff"] = s.cutoff;
  j["styles_method"] = s.styles_method;
  return j;
}

json tail(const change_study& s) {
  json j = json::object();
  j["trajectories"] = detail::summary_of{s.trajectories};
  j["unmatched"] = s.unmatched;
  j["note"] = s.note;
  j["warnings"] = s.warnings;
  return j;
}

void write_rows(detail::row_writer& w, const change_study& s) {
  const std::size_t n_waves = s.files.size();
  const auto& t = s.trajectories;
  for (std::size_t i = 0; i < s.ids.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    w.begin_row();
    w.text(s.ids[i]);
    detail::write_kept(w, s.kept.values, i);
    for (std::size_t k = 0; k < s.scales.size(); ++k) {
      const auto c = static_cast<Eigen::Index>(k);
      for (std::size_t x = 0; x < n_waves; ++x) w.number(s.scores[x](r, c));
      w.number(t.total_change(r, c));
      w.number(t.total_rci(r, c));
      w.text(to_string(t.total_category[k][i]));
      if (with_clinical(s)) w.text(to_string(t.clinical[k][i]));
      if (n_waves > 2) {
        for (std::size_t x = 0; x + 1 < n_waves; ++x) w.number(t.step_change[x](r, c));
        for (std::size_t x = 0; x + 1 < n_waves; ++x) w.number(t.step_rci[x](r, c));
      }
    }
    for (const auto& wave : s.styles) w.text(to_string(wave[i]));
    w.end_row(s.ids[i]);
  }
}

std::string interval_text(const confidence_interval& ci) {
  return "[" + fixed_text(ci.lower, 3) + ", " + fixed_text(ci.upper, 3) + "]";
}

std::string p_text(double p) { return p < 0.001 ? std::string("< .001") : fixed_text(p, 3); }

}  // namespace

std::string unmatched_text(const change_study& s) {
  std::ostringstream os;
  for (const auto& u : s.unmatched) {
    os << "unmatched: id '" << u.id << "' is only in ";
    for (std::size_t w = 0; w < u.present_in.size(); ++w) os << (w > 0 ? ", " : "") << u.present_in[w];
    os << " (missing from ";
    for (std::size_t w = 0; w < u.missing_from.size(); ++w) os << (w > 0 ? ", " : "") << u.missing_from[w];
    os << ")" << (u.in_output ? "; kept with gaps" : "; not in the output") << "\n";
  }
  return os.str();
}

std::string change_summary_text(const change_study& s) {
  std::ostringstream os;
  os << "change: " << s.instrument << ", " << s.files.size() << " administrations (";
  for (std::size_t w = 0; w < s.files.size(); ++w) os << (w > 0 ? ", " : "") << s.files[w];
  os << ")\n";
  os << "  matched by '" << s.id_column << "': " << s.n_matched << " respondent(s) in two or more files; "
     << s.unmatched.size() << " not in every file\n";
  for (std::size_t k = 0; k < s.scales.size(); ++k) {
    const auto& sc = s.scales[k];
    os << "  " << sc.name << " (" << to_string(sc.rci.direction) << "): S_diff = " << fixed_text(sc.s_diff, 4)
       << " from SD " << fixed_text(sc.rci.sd, 3) << " (" << sc.sd_source << ") and reliability "
       << fixed_text(sc.rci.reliability, 3) << " (" << sc.reliability_source << "); |RCI| > "
       << fixed_text(sc.rci.critical, 2) << " is reliable\n";
    if (k < s.trajectories.counts.size()) {
      os << "    first to last:";
      bool first = true;
      for (std::size_t c = 0; c < 6; ++c) {
        const std::size_t count = s.trajectories.counts[k][c];
        if (count == 0) continue;
        os << (first ? " " : ", ") << to_string(static_cast<change_category>(c)) << " " << count;
        first = false;
      }
      os << "\n";
    }
    const group_change& g = sc.group;
    if (g.n_pairs > 1) {
      os << "    group (" << g.n_pairs << " pairs): mean " << fixed_text(g.mean_before, 3) << " -> "
         << fixed_text(g.mean_after, 3) << ", change " << fixed_text(g.mean_change, 3) << " "
         << interval_text(g.mean_change_ci) << ", t(" << detail::number_text(g.df) << ") = " << fixed_text(g.t, 2)
         << ", p = " << p_text(g.p) << ", d_z = " << fixed_text(g.d_z, 3) << " " << interval_text(g.d_z_ci)
         << ", d_av = " << fixed_text(g.d_av, 3) << " " << interval_text(g.d_av_ci) << ", retest r = "
         << fixed_text(g.retest_r, 3) << " " << interval_text(g.retest_r_ci) << "\n";
    }
    if (sc.cutoffs) {
      os << "    clinical cut-offs: a " << fixed_text(sc.cutoffs->a, 3) << ", b " << fixed_text(sc.cutoffs->b, 3)
         << ", c " << fixed_text(sc.cutoffs->c, 3) << " (using " << (s.cutoff ? to_string(*s.cutoff) : "c") << ")\n";
    }
  }
  if (s.styles_method) os << "  styles per administration: method " << to_string(*s.styles_method) << "\n";
  // One line per file, however many ids are unmatched (the full list: the JSON or unmatched_text).
  constexpr std::size_t kShown = 5;
  for (const auto& file : s.files) {
    std::size_t count = 0;
    std::string first;
    for (const auto& u : s.unmatched) {
      if (std::find(u.missing_from.begin(), u.missing_from.end(), file) == u.missing_from.end()) continue;
      if (count < kShown) first += (count > 0 ? ", " : "") + u.id;
      ++count;
    }
    if (count == 0) continue;
    os << "  unmatched: " << count << " id(s) missing from " << file << " (" << first << (count > kShown ? ", ..." : "")
       << ")\n";
  }
  os << "  note: " << s.note << "\n";
  for (const auto& w : all_warnings(s)) os << "  warning: " << w << "\n";
  return os.str();
}

void write_report(std::ostream& out, output_format format, const change_study& study, const row_options& rows) {
  detail::write_row_report(
      out, format, "change", columns(study), [&] { return head(study); },
      [&](detail::row_writer& w) { write_rows(w, study); }, [&] { return tail(study); },
      [&] { return change_summary_text(study); }, rows);
}

std::string to_json(const change_study& study) { return detail::report_text(study, output_format::json); }
std::string to_table(const change_study& study) { return detail::report_text(study, output_format::table); }

ATTUNE_END_NAMESPACE
