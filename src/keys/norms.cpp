// Norm tables: JSON form, validation, the built-in tables (see include/attune/keys/norms.hpp).
#include "attune/keys/norms.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "detail/file.hpp"
#include "detail/json_input.hpp"
#include "detail/json_text.hpp"
#include "detail/number_text.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `where` begins with what the table is called ("norms FILE, scale 'anx'").
[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw error(errc::bad_input, where + ": " + what);
}

double get_number(const nlohmann::json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) bad(where, std::string("missing field '") + key + "'");
  const auto& v = obj.at(key);
  // describe_json, never dump(): a value nested 100,000 deep made dump() overflow the stack (F10).
  if (!v.is_number()) bad(where, std::string("field '") + key + "' must be a number; got " + detail::describe_json(v));
  return v.get<double>();
}

std::string get_string(const nlohmann::json& obj, const char* key, const std::string& where,
                       const std::string& fallback) {
  if (!obj.contains(key)) return fallback;
  const auto& v = obj.at(key);
  if (!v.is_string()) bad(where, std::string("field '") + key + "' must be a string; got " + detail::describe_json(v));
  return v.get<std::string>();
}

std::vector<norm_table> make_builtin_norms() {
  // Revised AAS norms: "414 USA college students, reported by Ledley et al. J Psychopath Behav
  // Assess 2006, 28:33-40", as transcribed in CRAN TestScorer 1.7.2 (TST_RAAS.r); the paper
  // itself was not read: SECONDARY. The per-sex group
  // sizes are not given there; n = 414 is the whole sample.
  const std::string source =
      "Ledley et al. (2006), J Psychopathol Behav Assess 28:33-40, as transcribed in CRAN "
      "package TestScorer 1.7.2 (inst/some.stuff/TST_RAAS.r); the paper was not read (SECONDARY)";
  auto table = [&](const std::string& id, const std::string& who, double cm, double cs, double dm,
                   double ds, double am, double as) {
    norm_table t;
    t.id = id;
    t.instrument = "raas";
    t.description = "Revised Adult Attachment Scale norms, " + who +
                    " (SECONDARY: third-party transcription; n = 414 is both sexes together, the "
                    "per-sex n was not given)";
    t.status = confirmation::secondary;
    const std::string pop = "USA college students, " + who;
    t.scales = {{"close", cm, cs, 414, pop, source, {}},
                {"depend", dm, ds, 414, pop, source, {}},
                {"anxiety", am, as, 414, pop, source, {}}};
    return t;
  };
  return {table("raas-ledley2006-male", "males", 3.59, 0.87, 3.43, 0.83, 2.31, 0.89),
          table("raas-ledley2006-female", "females", 3.65, 0.87, 3.25, 0.86, 2.62, 1.01)};
}

}  // namespace

const scale_norm* norm_table::find(std::string_view scale) const noexcept {
  for (const auto& s : scales) {
    if (s.scale == scale) return &s;
  }
  return nullptr;
}

namespace {

// The checks of norm_table::validate, the table called `table_name` in messages.
void check_table(const norm_table& t, const std::string& table_name) {
  const auto& scales = t.scales;
  if (scales.empty()) bad(table_name, "no scales");
  for (std::size_t i = 0; i < scales.size(); ++i) {
    const auto& s = scales[i];
    const std::string w = table_name + ", scale " + detail::quoted(s.scale);
    if (s.scale.empty()) bad(table_name, "scale " + std::to_string(i + 1) + " has no name");
    for (std::size_t j = 0; j < i; ++j) {
      if (scales[j].scale == s.scale) bad(w, "listed twice");
    }
    if (!std::isfinite(s.mean)) bad(w, "mean = " + number_text(s.mean) + "; must be finite");
    if (!(std::isfinite(s.sd) && s.sd > 0)) bad(w, "sd = " + number_text(s.sd) + "; must be > 0");
    if (!(std::isfinite(s.n) && s.n > 0)) bad(w, "n = " + number_text(s.n) + "; must be > 0");
    if (s.population.empty()) bad(w, "no population (who the norm group is)");
    if (s.source.empty()) bad(w, "no source (where the numbers come from)");
    for (std::size_t k = 0; k < s.percentiles.size(); ++k) {
      const auto& p = s.percentiles[k];
      const std::string pw = w + ", percentile point " + std::to_string(k + 1);
      if (!std::isfinite(p.score)) bad(pw, "score = " + number_text(p.score) + "; must be finite");
      if (!(p.percentile >= 0 && p.percentile <= 100)) {
        bad(pw, "percentile = " + number_text(p.percentile) + "; must be in [0, 100]");
      }
      if (k > 0 && !(p.score > s.percentiles[k - 1].score)) {
        bad(pw, "score " + number_text(p.score) + " does not increase (previous " +
                    number_text(s.percentiles[k - 1].score) + ")");
      }
      if (k > 0 && p.percentile < s.percentiles[k - 1].percentile) {
        bad(pw, "percentile " + number_text(p.percentile) + " decreases (previous " +
                    number_text(s.percentiles[k - 1].percentile) + ")");
      }
    }
  }
}

// A norm table from its JSON, called `label` + " " + `source` in messages ("norms FILE: ...").
norm_table table_from_json(std::string_view json_text, const std::string& source, const std::string& label) {
  const std::string at = label + " " + source;
  // Bounded nesting and numbers that fit a double (issue 10, F10 and F2), then nlohmann.
  const nlohmann::json j = detail::parse_json_input(json_text, at);
  if (!j.is_object()) bad(at, "the top level must be an object");
  const std::string format = get_string(j, "format", at, "");
  if (format != "attune-norms/1") {
    bad(at, "field 'format' must be \"attune-norms/1\"; got " + detail::quoted(format));
  }
  norm_table t;
  t.id = get_string(j, "id", at, "");
  if (t.id.empty()) bad(at, "missing field 'id'");
  t.instrument = get_string(j, "instrument", at, "");
  t.description = get_string(j, "description", at, "");
  if (j.contains("confirmation")) {
    const std::string c = get_string(j, "confirmation", at, "");
    t.status = parse_confirmation(c);
    if (!t.status) {
      bad(at, "confirmation " + detail::quoted(c) + " is not one of author, empirical, secondary, unconfirmed");
    }
  }
  const std::string population = get_string(j, "population", at, "");
  const std::string src = get_string(j, "source", at, "");
  if (!j.contains("scales") || !j.at("scales").is_object() || j.at("scales").empty()) {
    bad(at, "field 'scales' must be a non-empty object {\"<scale>\": {...}}");
  }
  for (const auto& [name, s] : j.at("scales").items()) {
    const std::string w = at + ", scale " + detail::quoted(name);
    if (!s.is_object()) bad(w, "must be an object");
    scale_norm n;
    n.scale = name;
    n.mean = get_number(s, "mean", w);
    n.sd = get_number(s, "sd", w);
    n.n = get_number(s, "n", w);
    n.population = get_string(s, "population", w, population);
    n.source = get_string(s, "source", w, src);
    if (s.contains("percentiles")) {
      const auto& pts = s.at("percentiles");
      if (!pts.is_array()) bad(w, "'percentiles' must be an array of {\"score\", \"percentile\"}");
      for (std::size_t k = 0; k < pts.size(); ++k) {
        const std::string pw = w + ", percentile point " + std::to_string(k + 1);
        if (!pts[k].is_object()) bad(pw, "must be an object {\"score\", \"percentile\"}");
        n.percentiles.push_back({get_number(pts[k], "score", pw), get_number(pts[k], "percentile", pw)});
      }
    }
    t.scales.push_back(std::move(n));
  }
  check_table(t, at);  // with the file name in front, so that messages point at the file
  return t;
}

}  // namespace

void norm_table::validate() const { check_table(*this, "norms " + (id.empty() ? std::string("(no id)") : id)); }

norm_table norm_table_from_json(std::string_view json_text, const std::string& source) {
  return table_from_json(json_text, source, "norms");
}

norm_table load_norm_table(const std::string& path) {
  return table_from_json(detail::read_text_file(path), path, "norms");  // at most 64 MiB (an endless file is an error)
}

std::string norm_table_to_json(const norm_table& table) {
  nlohmann::ordered_json j;
  j["format"] = "attune-norms/1";
  j["id"] = table.id;
  if (!table.instrument.empty()) j["instrument"] = table.instrument;
  if (!table.description.empty()) j["description"] = table.description;
  if (table.status) j["confirmation"] = std::string(to_string(*table.status));
  nlohmann::ordered_json scales = nlohmann::ordered_json::object();
  for (const auto& s : table.scales) {
    nlohmann::ordered_json o;
    o["mean"] = s.mean;
    o["sd"] = s.sd;
    o["n"] = s.n;
    o["population"] = s.population;
    o["source"] = s.source;
    if (!s.percentiles.empty()) {
      nlohmann::ordered_json pts = nlohmann::ordered_json::array();
      for (const auto& p : s.percentiles) pts.push_back({{"score", p.score}, {"percentile", p.percentile}});
      o["percentiles"] = pts;
    }
    scales[s.scale] = o;
  }
  j["scales"] = scales;
  return detail::json_text(j) + "\n";
}

const std::vector<norm_table>& builtin_norm_tables() {
  static const std::vector<norm_table> tables = make_builtin_norms();
  return tables;
}

norm_table resolve_norm_table(const std::string& id_or_path, const std::string& name) {
  const std::string l = lower(id_or_path);
  for (const auto& t : builtin_norm_tables()) {
    if (lower(t.id) == l) return t;
  }
  std::ifstream probe(id_or_path);
  if (!probe) {
    std::string ids;
    for (const auto& t : builtin_norm_tables()) ids += (ids.empty() ? "" : ", ") + t.id;
    throw error(errc::invalid_argument, name + ": " + detail::quoted(id_or_path) +
                                            " is neither a built-in norm table (" + ids +
                                            ") nor a readable file");
  }
  std::string text;
  try {
    text = detail::read_text_file(id_or_path);  // at most 64 MiB (an endless file is an error)
  } catch (const error& e) {
    throw e.with_context(name + ": ");
  }
  return table_from_json(text, id_or_path, name);
}

ATTUNE_END_NAMESPACE
