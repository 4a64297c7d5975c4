// The report of a quality study: per-respondent rows (id or row, answered, every index, flags),
// the summary with each index's rule, and the validation report.
#include <algorithm>
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

ATTUNE_JSON_FIELDS(quality_rule, index, rule)
// Per respondent (the lz and lz_<scale> columns): lz, lz_scales.
ATTUNE_JSON_SUMMARY_FIELDS(quality_person_fit, bank_fingerprint, scales, lz_min, n, n_flagged, n_set_missing, warnings)

namespace {

using detail::json;
using detail::row_column;
using detail::summary_of;

std::vector<row_column> columns(const quality_study& s) {
  std::vector<row_column> c = {{s.id_column.empty() ? "row" : s.id_column, -1}};
  detail::add_kept_columns(c, s.kept.names);
  c.insert(c.end(), {{"answered", -1}, {"longstring", 3}, {"longstring_avg", 3}, {"irv", 3}});
  for (Eigen::Index b = 0; b < s.report.irv_blocks.cols(); ++b) c.push_back({"irv_" + std::to_string(b + 1), 3});
  c.insert(c.end(), {{"mahalanobis", 3},
                     {"mahalanobis_df", -1},
                     {"mahalanobis_p", 3},
                     {"evenodd", 3},
                     {"evenodd_subscales", -1},
                     {"psychsyn", 3},
                     {"psychsyn_pairs", -1},
                     {"psychant", 3},
                     {"psychant_pairs", -1},
                     {"reversal", 3}});
  if (s.person_fit) {
    c.push_back({"lz", 3});
    if (s.person_fit->scales.size() > 1)
      for (const auto& name : s.person_fit->scales) c.push_back({"lz_" + name, 3});
  }
  c.push_back({"flags", -1});
  return c;
}

json head(const quality_study& s) {
  json j = json::object();
  j["instrument"] = s.instrument;
  j["items"] = s.items;
  j["subscales"] = s.subscales;
  j["id_column"] = s.id_column.empty() ? json(nullptr) : json(s.id_column);
  j["n_rows"] = s.n_rows;
  j["options"] = s.options;
  j["rules"] = s.rules;
  return j;
}

// quality_report without its per-respondent members (the rows: longstring, longstring_avg, irv,
// irv_blocks, mahalanobis, mahalanobis_df, mahalanobis_p, evenodd, evenodd_subscales, psychsyn,
// psychsyn_pairs, psychant, psychant_pairs, reversal, flags; validation.missing_per_respondent
// as `answered`). Indices are written in data words: an item index as the item id, a row index
// as the 1-based data row (with the id), the counts per index as an object keyed by its names;
// lists per item and per subscale stay arrays in the order of `items` and `subscales`.
json report_summary(const quality_study& s) {
  const auto& r = s.report;
  const auto& v = r.validation;
  auto item = [&](Eigen::Index j) { return s.items[static_cast<std::size_t>(j)]; };
  auto row = [&](Eigen::Index i) { return s.rows[static_cast<std::size_t>(i)]; };
  auto id = [&](Eigen::Index i) { return s.ids.empty() ? json(nullptr) : json(s.ids[static_cast<std::size_t>(i)]); };
  auto pairs = [&](const std::vector<item_pair>& ps) {
    json a = json::array();
    for (const auto& p : ps) a.push_back({{"first", item(p.first)}, {"second", item(p.second)}, {"r", p.r}});
    return a;
  };
  auto rows = [&](const std::vector<Eigen::Index>& list) {
    json a = json::array();
    for (const auto i : list) a.push_back(row(i));
    return a;
  };
  json flagged_by = json::object();
  for (std::size_t k = 0; k < r.flagged_by.size() && k < s.rules.size(); ++k) {
    flagged_by[std::string(to_string(s.rules[k].index))] = r.flagged_by[k];
  }
  json out_of_range = json::array();
  for (const auto& c : v.out_of_range) {
    out_of_range.push_back({{"row", row(c.row)}, {"id", id(c.row)}, {"item", item(c.item)}, {"value", c.value}});
  }
  json duplicates = json::array();
  for (const auto& g : v.duplicate_ids) duplicates.push_back({{"id", id(g.front())}, {"rows", rows(g)}});
  json validation = json::object();
  validation["out_of_range"] = std::move(out_of_range);
  validation["missing_per_item"] = v.missing_per_item;
  validation["duplicate_ids"] = std::move(duplicates);
  validation["constant_rows"] = rows(v.constant_rows);
  validation["no_answer_rows"] = rows(v.no_answer_rows);
  validation["below_min_answered"] = rows(v.below_min_answered);
  validation["required"] = v.required;
  json j = json::object();
  j["synonyms"] = pairs(r.synonyms);
  j["antonyms"] = pairs(r.antonyms);
  j["longstring_cutoff"] = r.longstring_cutoff;
  j["n_flagged"] = r.n_flagged;
  j["flagged_by"] = std::move(flagged_by);
  j["validation"] = std::move(validation);
  j["n"] = r.n;
  j["warnings"] = detail::warnings_json<json>(r.warnings);
  return j;
}

json tail(const quality_study& s) {
  json j = json::object();
  j["report"] = report_summary(s);
  j["person_fit"] = s.person_fit ? json(summary_of{*s.person_fit}) : json(nullptr);
  return j;
}

void write_rows(detail::row_writer& w, const quality_study& s) {
  const auto& r = s.report;
  const bool with_id = !s.id_column.empty();
  const auto k = static_cast<std::int64_t>(s.items.size());
  detail::require_rows_held("quality", s.n_rows, with_id ? s.ids.size() : s.rows.size());
  for (std::size_t i = 0; i < s.n_rows; ++i) {
    const auto x = static_cast<Eigen::Index>(i);
    w.begin_row();
    if (with_id) {
      w.text(s.ids[i]);
    } else {
      w.integer(static_cast<std::int64_t>(s.rows[i]));
    }
    detail::write_kept(w, s.kept.values, i);
    w.integer(k - r.validation.missing_per_respondent(x));
    w.number(r.longstring(x));
    w.number(r.longstring_avg(x));
    w.number(r.irv(x));
    for (Eigen::Index b = 0; b < r.irv_blocks.cols(); ++b) w.number(r.irv_blocks(x, b));
    w.number(r.mahalanobis(x));
    w.integer(r.mahalanobis_df(x));
    w.number(r.mahalanobis_p(x));
    w.number(r.evenodd(x));
    w.integer(r.evenodd_subscales(x));
    w.number(r.psychsyn(x));
    w.integer(r.psychsyn_pairs(x));
    w.number(r.psychant(x));
    w.integer(r.psychant_pairs(x));
    w.number(r.reversal(x));
    if (s.person_fit) {
      w.number(s.person_fit->lz(x));
      if (s.person_fit->scales.size() > 1)
        for (Eigen::Index c = 0; c < s.person_fit->lz_scales.cols(); ++c) w.number(s.person_fit->lz_scales(x, c));
    }
    w.text(flag_names(r.flags[i]));
    w.end_row(with_id ? s.ids[i] : "row " + std::to_string(s.rows[i]));
  }
}

// "p12" with ids, else the data row.
std::string label(const quality_study& s, Eigen::Index i) {
  const auto u = static_cast<std::size_t>(i);
  return s.ids.empty() ? std::to_string(s.rows[u]) : s.ids[u];
}

}  // namespace

std::string quality_summary_text(const quality_study& s) {
  std::ostringstream os;
  const auto& r = s.report;
  const auto& v = r.validation;
  os << s.instrument << ": " << s.n_rows << " respondents (" << r.n << " with answers), " << s.items.size()
     << " items; " << r.n_flagged << " flagged\n";
  os << "  index          flagged  rule\n";
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %-13s %8ld  ", std::string(to_string(s.rules[i].index)).c_str(),
                  static_cast<long>(i < r.flagged_by.size() ? r.flagged_by[i] : 0));
    os << buf << s.rules[i].rule << "\n";
  }
  os << "  item pairs: " << r.synonyms.size() << " synonyms, " << r.antonyms.size() << " antonyms\n";
  os << "validation:\n";
  os << "  out-of-range answers: " << v.out_of_range.size() << "\n";
  const std::size_t show = std::min<std::size_t>(v.out_of_range.size(), 10);
  for (std::size_t c = 0; c < show; ++c) {
    const auto& cell = v.out_of_range[c];
    const auto row = static_cast<std::size_t>(cell.row);
    os << "    row " << s.rows[row] << (s.ids.empty() ? std::string() : " (" + s.ids[row] + ")") << ", item "
       << s.items[static_cast<std::size_t>(cell.item)] << ": " << detail::number_text(cell.value) << "\n";
  }
  if (v.out_of_range.size() > show) os << "    ... (" << v.out_of_range.size() - show << " more; see the JSON output)\n";
  const Eigen::Index missing_cells = v.missing_per_item.sum();
  const std::size_t with_missing = v.n_with_missing;
  os << "  missing answers: " << missing_cells << " (" << with_missing << " respondents with at least one)\n";
  if (missing_cells > 0) {
    os << "    per item:";
    for (Eigen::Index j = 0; j < v.missing_per_item.size(); ++j) {
      if (v.missing_per_item(j) > 0) os << " " << s.items[static_cast<std::size_t>(j)] << "=" << v.missing_per_item(j);
    }
    os << "\n";
  }
  os << "  duplicate ids: " << v.duplicate_ids.size() << "\n";
  for (const auto& g : v.duplicate_ids) {
    os << "    " << s.ids[static_cast<std::size_t>(g.front())] << ": rows";
    for (const auto i : g) os << " " << s.rows[static_cast<std::size_t>(i)];
    os << "\n";
  }
  auto list = [&](const std::string& what, const std::vector<Eigen::Index>& rows) {
    os << "  " << what << ": " << rows.size();
    const std::size_t m = std::min<std::size_t>(rows.size(), 20);
    if (m > 0) os << " (rows";
    for (std::size_t c = 0; c < m; ++c) os << " " << label(s, rows[c]);
    if (rows.size() > m) os << " ...";
    if (m > 0) os << ")";
    os << "\n";
  };
  list("constant rows", v.constant_rows);
  list("rows without any answer", v.no_answer_rows);
  std::string rule;
  for (std::size_t k = 0; k < v.required.size() && k < s.subscales.size(); ++k) {
    rule += (k > 0 ? ", " : "") + s.subscales[k] + " " + std::to_string(v.required[k]);
  }
  list("below the minimum-answered rule (" + rule + ")", v.below_min_answered);
  if (s.person_fit) {
    const auto& pf = *s.person_fit;
    os << "person fit: lz on item bank " << pf.bank_fingerprint << " (";
    for (std::size_t k = 0; k < pf.scales.size(); ++k) os << (k > 0 ? ", " : "") << pf.scales[k];
    os << "): " << pf.n << " respondents with lz, " << pf.n_flagged << " below "
       << (std::isnan(pf.lz_min) ? std::string("(off)") : detail::number_text(pf.lz_min)) << "\n";
  }
  for (const auto& w : r.warnings) os << "warning: " << w << "\n";
  if (s.person_fit)
    for (const auto& w : s.person_fit->warnings) os << "warning: " << w << "\n";
  return os.str();
}

void write_report(std::ostream& out, output_format format, const quality_study& study, const row_options& rows) {
  detail::write_row_report(
      out, format, "quality", columns(study), [&] { return head(study); },
      [&](detail::row_writer& w) { write_rows(w, study); }, [&] { return tail(study); },
      [&] { return quality_summary_text(study); }, rows);
}

namespace detail {
template <>
struct streamed_rows<quality_study> {
  static constexpr const char* name = "quality";
  struct shape {};
  static shape shape_of(const quality_study&) { return {}; }
  static std::vector<row_column> columns(const quality_study& s) { return attune::columns(s); }
  static json head(const quality_study& s) { return attune::head(s); }
  static void rows(row_writer& w, const shape&, const quality_study& chunk) { write_rows(w, chunk); }
  static json tail(const quality_study& s) { return attune::tail(s); }
  static std::string footer(const quality_study& s) { return quality_summary_text(s); }
};
}  // namespace detail

template class streaming_writer<quality_study>;

std::string to_json(const quality_study& study) { return detail::report_text(study, output_format::json); }
std::string to_table(const quality_study& study) { return detail::report_text(study, output_format::table); }

// The sample statistics of merged quality states (`attune merge`, docs/scale.md).
namespace {
detail::json sample_pairs(const quality_sample_study& s, const std::vector<item_pair>& ps) {
  detail::json a = detail::json::array();
  for (const auto& p : ps) {
    a.push_back({{"first", s.items[static_cast<std::size_t>(p.first)]},
                 {"second", s.items[static_cast<std::size_t>(p.second)]},
                 {"r", p.r}});
  }
  return a;
}
}  // namespace

std::string to_json(const quality_sample_study& s) {
  detail::json body = detail::json::object();
  body["instrument"] = s.instrument;
  body["items"] = s.items;
  body["n_rows"] = s.n_rows;
  body["psychsyn_critical"] = s.options.psychsyn_critical;
  body["psychant_critical"] = s.options.psychant_critical;
  body["n"] = s.n;
  body["mean"] = s.mean;
  body["sd"] = s.sd;
  body["covariance"] = s.covariance;
  body["pair_counts"] = s.pair_counts;
  body["synonyms"] = sample_pairs(s, s.synonyms);
  body["antonyms"] = sample_pairs(s, s.antonyms);
  body["warnings"] = s.warnings;
  return detail::document_text("quality_sample", body);
}

std::string to_table(const quality_sample_study& s) {
  std::ostringstream os;
  os << "quality sample statistics" << (s.instrument.empty() ? "" : " of " + s.instrument) << ", " << s.items.size()
     << " items, " << s.n_rows << " rows (answers within each item's range)\n";
  std::vector<std::vector<std::string>> rows;
  for (std::size_t j = 0; j < s.items.size(); ++j) {
    const auto i = static_cast<Eigen::Index>(j);
    rows.push_back({s.items[j], detail::fixed_text(s.n(i), 0), detail::fixed_text(s.mean(i), 3),
                    detail::fixed_text(s.sd(i), 3)});
  }
  os << detail::block_table({"item", "n", "mean", "sd"}, rows, 1, true, "  ", detail::table_width());
  auto pairs = [&](const char* what, double critical, const std::vector<item_pair>& ps) {
    os << what << " (r " << (critical > 0 ? "> " : "< ") << detail::number_text(critical) << "): " << ps.size() << "\n";
    for (const auto& p : ps) {
      os << "  " << s.items[static_cast<std::size_t>(p.first)] << " ~ " << s.items[static_cast<std::size_t>(p.second)]
         << "  r = " << detail::fixed_text(p.r, 3) << "\n";
    }
  };
  pairs("psychsyn pairs", s.options.psychsyn_critical, s.synonyms);
  pairs("psychant pairs", s.options.psychant_critical, s.antonyms);
  os << "(the covariance matrix behind the Mahalanobis distance: --format json)\n";
  for (const auto& w : s.warnings) os << "warning: " << w << "\n";
  return os.str();
}

ATTUNE_END_NAMESPACE
