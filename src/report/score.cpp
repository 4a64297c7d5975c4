// The report of a score study: per-respondent rows (id or row, each subscale's score and answered
// count, each composite) and the summary.
#include <algorithm>
#include <ostream>
#include <sstream>

#include "attune/core/error.hpp"
#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"
#include "report/streaming.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::json;
using detail::row_column;

std::vector<row_column> score_columns(const score_study& s) {
  std::vector<row_column> c;
  c.push_back({s.id_column.empty() ? "row" : s.id_column, -1});
  for (const auto& k : s.kept.names) c.push_back({k, -1});
  const std::size_t n_sub = s.subscales.size();
  for (std::size_t j = 0; j < s.names.size(); ++j) {
    c.push_back({s.names[j], 3});
    if (j < n_sub) c.push_back({s.names[j] + "_answered", -1});
  }
  return c;
}

json score_head(const score_study& s) {
  json j = json::object();
  j["instrument"] = s.instrument;
  j["range"] = s.range;
  j["min_answered"] = s.min_answered;
  j["names"] = s.names;
  j["subscales"] = s.subscales;
  j["id_column"] = s.id_column.empty() ? json(nullptr) : json(s.id_column);
  return j;
}

json score_tail(const score_study& s) {
  json j = json::object();
  j["n_rows"] = s.n_rows;
  j["n_out_of_range"] = s.n_out_of_range;
  j["summary"] = s.summary;
  j["warnings"] = s.warnings;
  return j;
}

}  // namespace

std::string score_summary_text(const score_study& s) {
  std::ostringstream os;
  os << s.instrument << ": " << s.n_rows << " respondents\n";
  os << "  score                 scored  unscored     mean       sd      min      max\n";
  for (const auto& c : s.summary) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "  %-20s %7zu %9zu %8s %8s %8s %8s\n", c.name.c_str(), c.n_scored, c.n_unscored,
                  detail::fixed_text(c.mean, 3).c_str(), detail::fixed_text(c.sd, 3).c_str(),
                  detail::fixed_text(c.min, 3).c_str(), detail::fixed_text(c.max, 3).c_str());
    os << buf;
  }
  for (const auto& w : s.warnings) os << "  warning: " << w << "\n";
  return os.str();
}

namespace {

// `kept`: the kept columns' values, the last n_kept of them (a chunk's extra columns end with them).
// What the rows need of the study's head.
struct score_shape {
  std::size_t n_sub = 0, n_scores = 0, n_kept = 0;
  bool with_id = false;
  explicit score_shape(const score_study& head)
      : n_sub(head.subscales.size()), n_scores(head.names.size()), n_kept(head.kept.names.size()),
        with_id(!head.id_column.empty()) {}
};

void write_score_rows(detail::row_writer& writer, const score_shape& shape, const responses* data,
                      const std::vector<std::string>& ids, std::size_t first_row, const score_table& t,
                      const std::vector<std::size_t>* row_numbers, const std::vector<std::vector<std::string>>& kept) {
  const std::size_t n_sub = shape.n_sub, n_scores = shape.n_scores, n_kept = shape.n_kept;
  const bool with_id = shape.with_id;
  const std::size_t kept_from = kept.size() - std::min(kept.size(), n_kept);
  for (Eigen::Index i = 0; i < t.scores.rows(); ++i) {
    const auto iu = static_cast<std::size_t>(i);
    writer.begin_row();
    const std::size_t row = row_numbers != nullptr ? (*row_numbers)[iu] : first_row + iu;
    if (with_id) {
      try {
        writer.text(ids[iu]);
      } catch (const error& e) {  // an id that is not UTF-8: say which row
        error_details at = data != nullptr ? data->at(i) : error_details{.row = row};
        throw e.with_context((data != nullptr ? data->where(i) : "row " + std::to_string(row)) + ": ", at);
      }
    } else {
      writer.integer(static_cast<std::int64_t>(row));
    }
    for (std::size_t c = kept_from; c < kept.size(); ++c) writer.text(kept[c][iu]);
    for (std::size_t c = 0; c < n_scores; ++c) {
      writer.number(t.scores(i, static_cast<Eigen::Index>(c)));
      if (c < n_sub) writer.integer(t.answered(i, static_cast<Eigen::Index>(c)));
    }
    writer.end_row();
  }
  writer.flush();
}

}  // namespace

namespace detail {
template <>
struct streamed_rows<score_study> {
  static constexpr const char* name = "score";
  static std::vector<row_column> columns(const score_study& s) { return score_columns(s); }
  static json head(const score_study& s) { return score_head(s); }
  static json tail(const score_study& s) { return score_tail(s); }
  static std::string footer(const score_study& s) { return score_summary_text(s); }
  using shape = score_shape;
  static shape shape_of(const score_study& head) { return score_shape(head); }
  static void rows(row_writer& w, const shape& sh, const scored_chunk& chunk) {
    write_score_rows(w, sh, &chunk.data, chunk.data.row_ids, chunk.data.first_row, chunk.scores, nullptr,
                     chunk.data.extra);
  }
};
}  // namespace detail

template class streaming_writer<score_study>;

void write_report(std::ostream& out, output_format format, const score_study& study, const row_options& rows) {
  score_writer w(out, format, study, rows);
  write_score_rows(detail::streaming_access::writer(w), score_shape(study), nullptr, study.ids, 1, study.scores, &study.rows,
                   study.kept.values);
  w.finish(study);
}

std::string to_json(const score_study& study) {
  std::ostringstream os;
  write_report(os, output_format::json, study);
  return os.str();
}

std::string to_table(const score_study& study) {
  std::ostringstream os;
  write_report(os, output_format::table, study);
  return os.str();
}

ATTUNE_END_NAMESPACE
