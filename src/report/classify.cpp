// The report of a classify study: per-respondent rows (id or row, the two scores or the RQ
// dimensions, the style and its uncertainty, norm scores) and the summary.
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
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

ATTUNE_JSON_FIELDS(method_provenance, source, status)
ATTUNE_JSON_FIELDS(score_sem, score, sd, sd_source, reliability, reliability_source, sem)

namespace {

using detail::fixed_text;
using detail::json;
using detail::row_column;
using detail::summary_of;

// The output columns of the two scores: by role (the instrument's names are in `scores`).
std::array<std::string, 2> score_columns(const classify_study& s) {
  if (s.method == classify_method::rq) return {"model_of_self", "model_of_other"};
  if (s.method == classify_method::raas) return {"close_depend", "anxiety"};
  return {"anxiety", "avoidance"};
}

bool fisher_columns(const classify_study& s) { return s.result && s.result->function_values.cols() == 4; }

std::vector<row_column> columns(const classify_study& s) {
  std::vector<row_column> c;
  c.push_back({s.id_column.empty() ? "row" : s.id_column, -1});
  detail::add_kept_columns(c, s.kept.names);
  const auto names = score_columns(s);
  if (s.rq_result) {
    for (const char* n : {"model_of_self", "model_of_other"}) c.push_back({n, 2});
    c.push_back({"style", -1});
    c.push_back({"decided_by", -1});
    c.push_back({"n_tied", -1});
    c.push_back({"margin", 2});
    c.push_back({"forced_choice", -1});
  } else {
    c.push_back({names[0], 3});
    c.push_back({names[1], 3});
    c.push_back({"style", -1});
    if (fisher_columns(s)) {
      for (auto st : all_styles) c.push_back({"f_" + std::string(to_string(st)), 3});
      for (auto st : all_styles) c.push_back({"p_" + std::string(to_string(st)), 3});
    }
    c.push_back({"boundary_distance_sem", 2});
    c.push_back({"could_flip", -1});
  }
  for (const auto& n : s.norm_scores) {
    for (const char* prefix : {"z_", "t_", "percentile_"}) c.push_back({prefix + n.score, 2});
  }
  return c;
}

json head(const classify_study& s) {
  json j = json::object();
  j["instrument"] = s.instrument;
  j["method"] = s.method;
  j["provenance"] = s.provenance;
  j["range"] = s.range;
  j["id_column"] = s.id_column.empty() ? json(nullptr) : json(s.id_column);
  j["n_rows"] = s.n_rows;
  j["scores"] = s.scores;
  j["sem"] = s.sem;
  j["norms"] = s.norms;
  j["forced_choice_column"] = s.forced_choice_column;
  j["probability_threshold"] = s.probability_threshold;
  return j;
}

json tail(const classify_study& s) {
  json j = json::object();
  j["result"] = s.result ? json(summary_of{*s.result}) : json(nullptr);
  j["rq_result"] = s.rq_result ? json(summary_of{*s.rq_result}) : json(nullptr);
  json norms = json::array();
  for (const auto& n : s.norm_scores) {
    json x = json::object();
    x["score"] = n.score;
    x["normed"] = summary_of{n.normed};
    norms.push_back(std::move(x));
  }
  j["norm_scores"] = std::move(norms);
  j["warnings"] = s.warnings;
  return j;
}

// The text of a row's cells from the two scores to could_flip, remembered by the scores' bits.
// Within one study every one of those cells is a function of the two scores (the method, the
// SEMs, cuts, centers and threshold are the study's), and a file holds few distinct pairs (means
// of a few small integers: at most 109 x 109 on the ECR without missing answers), so formatting 13 cells (up to 11 shortest
// round-trip numbers, each by the writer's number cache) is done once per pair and slot rather
// than once per row: a direct-mapped table, compared on all 128 bits, so the bytes are those of
// formatting the cells.
class row_tail_cache {
 public:
  struct slot {
    std::uint64_t a = 0, b = 0;
    bool filled = false;  // `cells` holds the text of the pair (a, b)
    detail::row_writer::cells_text cells;
  };
  /// The slot of the pair (x, y); filled with their text, or to be filled. Open addressing: the
  /// pair's home slot and the next three; when all four hold other pairs, the home slot is taken.
  slot& find(double x, double y) {
    const auto a = std::bit_cast<std::uint64_t>(x), b = std::bit_cast<std::uint64_t>(y);
    const std::size_t home = ((a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL)) >> (64 - kSlotBits);
    for (std::size_t probe = 0; probe < 4; ++probe) {
      slot& s = slots_[(home + probe) & (slots_.size() - 1)];
      if (s.filled && s.a == a && s.b == b) return s;
      if (!s.filled) return claim(s, a, b);
    }
    return claim(slots_[home], a, b);
  }

 private:
  static slot& claim(slot& s, std::uint64_t a, std::uint64_t b) {
    s.filled = false;
    s.a = a;
    s.b = b;
    return s;
  }
  // 32,768 slots (about 2.4 MB, and the texts of the pairs seen): the 11,561 distinct pairs of
  // 200,000 simulated ECR respondents all find room.
  static constexpr int kSlotBits = 15;
  std::vector<slot> slots_ = std::vector<slot>(std::size_t{1} << kSlotBits);
};

void write_tail(detail::row_writer& w, const classification& c, Eigen::Index r, bool raas, bool fisher) {
  const auto i = static_cast<std::size_t>(r);
  // classification::anxiety holds the anxiety scores, `avoidance` the other one (close-depend for raas).
  w.number(raas ? c.avoidance(r) : c.anxiety(r));
  w.number(raas ? c.anxiety(r) : c.avoidance(r));
  w.text(to_string(c.styles[i]));
  if (fisher) {
    for (Eigen::Index k = 0; k < 4; ++k) w.number(c.function_values(r, k));
    for (Eigen::Index k = 0; k < 4; ++k) w.number(c.probabilities(r, k));
  }
  w.number(c.boundary_distance_sem(r));
  if (c.could_flip[i]) {
    w.boolean(*c.could_flip[i]);
  } else {
    w.null();
  }
}

// `tails`: the remembered row tails of this study (null: format every cell).
void write_rows(detail::row_writer& w, const classify_study& s, row_tail_cache* tails = nullptr) {
  const bool with_id = !s.id_column.empty();
  const bool fisher = fisher_columns(s);
  const bool raas = s.method == classify_method::raas;
  const bool repeat = tails != nullptr && w.repeats();
  char label[32];  // "row N" of a row without id, for an error only
  detail::require_rows_held("classify", s.n_rows, with_id ? s.ids.size() : s.rows.size());
  for (std::size_t i = 0; i < s.n_rows; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    w.begin_row();
    if (with_id) {
      w.text(s.ids[i]);
    } else {
      w.integer(static_cast<std::int64_t>(s.rows[i]));
    }
    detail::write_kept(w, s.kept.values, i);
    if (s.rq_result) {
      const auto& q = *s.rq_result;
      w.number(q.model_of_self(r));
      w.number(q.model_of_other(r));
      w.text(to_string(q.styles[i]));
      w.text(to_string(q.decisions[i]));
      w.integer(q.n_tied[i]);
      w.number(q.margin(r));
      if (s.forced_choice.empty() || s.forced_choice[i] == attachment_style::unclassified) {
        w.null();
      } else {
        w.text(to_string(s.forced_choice[i]));
      }
    } else if (repeat) {
      const auto& c = *s.result;
      row_tail_cache::slot& t = tails->find(c.anxiety(r), c.avoidance(r));
      if (t.filled) {
        w.repeat(t.cells);
      } else {
        const auto from = w.here();
        write_tail(w, c, r, raas, fisher);
        w.copy_since(from, t.cells);
        t.filled = true;
      }
    } else {
      write_tail(w, *s.result, r, raas, fisher);
    }
    for (const auto& n : s.norm_scores) {
      w.number(n.normed.z(r));
      w.number(n.normed.t(r));
      w.number(n.normed.percentile(r));
    }
    if (with_id) {
      w.end_row(s.ids[i]);
    } else {
      std::memcpy(label, "row ", 4);
      const char* end = std::to_chars(label + 4, label + sizeof label, s.rows[i]).ptr;
      w.end_row(std::string_view(label, static_cast<std::size_t>(end - label)));
    }
  }
}

std::string percent(std::size_t k, std::size_t of) {
  return fixed_text(of > 0 ? 100.0 * static_cast<double>(k) / static_cast<double>(of) : 0.0, 1);
}

}  // namespace

std::string classify_summary_text(const classify_study& s) {
  std::ostringstream os;
  os << "classify: method " << to_string(s.method) << " (" << s.provenance.status << ") on " << s.instrument << "\n";
  os << "  source: " << s.provenance.source << "\n";
  const std::size_t n = s.result ? s.result->n : (s.rq_result ? s.rq_result->n : 0);
  const std::array<std::size_t, 4> counts = s.result ? s.result->counts : s.rq_result->counts;
  const std::size_t unclassified = s.result ? s.result->n_unclassified : s.rq_result->n_unclassified;
  os << "  respondents: " << s.n_rows << " rows, " << n << " with the scores the method needs\n";
  os << "  styles:";
  for (std::size_t k = 0; k < 4; ++k) {
    os << (k > 0 ? ", " : " ") << to_string(all_styles[k]) << " " << counts[k] << " ("
       << percent(n > 0 ? counts[k] : 0, s.n_rows) << "%)";
  }
  os << ", unclassified " << unclassified << "\n";
  if (s.rq_result) {
    const auto& q = *s.rq_result;
    os << "  ties decided by the forced choice: " << q.n_forced_choice_used << "\n";
    os << "  forced choice agrees with a unique highest rating: " << q.n_forced_choice_agrees << " of "
       << q.n_forced_choice_given << "\n";
    os << "  note: " << q.note << "\n";
  } else {
    const auto& c = *s.result;
    const bool sem_known = s.sem.size() == 2 && s.sem[0].sem && s.sem[1].sem;
    os << "  near a boundary (style could flip within one SEM): "
       << (sem_known ? std::to_string(c.n_near_boundary) : std::string("unknown (no SEM)")) << "\n";
    auto opt = [](const std::optional<double>& x) { return fixed_text(x.value_or(NAN), 3); };
    for (const auto& e : s.sem) {
      os << "  SEM of " << e.score << ": " << opt(e.sem) << " = SD " << opt(e.sd) << " (" << e.sd_source
         << ") x sqrt(1 - " << opt(e.reliability) << " " << e.reliability_source << ")\n";
    }
    if (std::isfinite(c.anxiety_cut)) {
      // classification::anxiety_cut belongs to the anxiety score; avoidance_cut to the other one.
      os << "  cuts: anxiety " << fixed_text(c.anxiety_cut, 3) << ", "
         << (s.method == classify_method::raas ? "close_depend" : "avoidance") << " " << fixed_text(c.avoidance_cut, 3)
         << "\n";
    }
    if (s.probability_threshold) {
      os << "  highest probability below " << fixed_text(*s.probability_threshold, 2) << ": " << c.n_uncertain << "\n";
      if (c.rescaled) {
        os << "  scores were RESCALED linearly from " << detail::number_text(s.range.min) << "-"
           << detail::number_text(s.range.max) << " onto 1-7\n";
      }
    }
    for (const auto& p : c.centers) {
      os << "  center " << to_string(p.style) << ": anxiety " << fixed_text(p.anxiety, 3) << ", avoidance "
         << fixed_text(p.avoidance, 3) << "\n";
    }
    os << "  note: " << c.note << "\n";
  }
  for (const auto& w : all_warnings(s)) os << "  warning: " << w << "\n";
  return os.str();
}

void write_report(std::ostream& out, output_format format, const classify_study& study, const row_options& rows) {
  detail::write_row_report(
      out, format, "classify", columns(study), [&] { return head(study); },
      [&](detail::row_writer& w) {
        row_tail_cache tails;
        write_rows(w, study, &tails);
      }, [&] { return tail(study); },
      [&] { return classify_summary_text(study); }, rows);
}

namespace detail {
template <>
struct streamed_rows<classify_study> {
  static constexpr const char* name = "classify";
  struct shape {
    row_tail_cache tails;  // shared by the chunks: one study
  };
  static shape shape_of(const classify_study&) { return {}; }
  static std::vector<row_column> columns(const classify_study& s) { return attune::columns(s); }
  static json head(const classify_study& s) { return attune::head(s); }
  static void rows(row_writer& w, shape& s, const classify_study& chunk) { write_rows(w, chunk, &s.tails); }
  static json tail(const classify_study& s) { return attune::tail(s); }
  static std::string footer(const classify_study& s) { return classify_summary_text(s); }
};
}  // namespace detail

template class streaming_writer<classify_study>;

std::string to_json(const classify_study& study) { return detail::report_text(study, output_format::json); }
std::string to_table(const classify_study& study) { return detail::report_text(study, output_format::table); }

ATTUNE_END_NAMESPACE
