// State files: format, fingerprint, merge (see include/attune/study/state.hpp; the accumulation
// and the analysis of a state live with the streaming study in reliability.cpp).
#include "attune/study/state.hpp"

#include <charconv>
#include <cinttypes>
#include <cmath>
#include <limits>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "attune/core/error.hpp"
#include "detail/file.hpp"
#include "detail/json_input.hpp"
#include "detail/quote.hpp"
#include "study/state_fingerprint.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using json = nlohmann::json;

constexpr const char* kMagic = "attune-state";

// FNV-1a, 64 bits (Fowler, Noll & Vo): catches a damaged or truncated file, not an attacker (the
// reader checks every size and value anyway).
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return std::string(buf, 16);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

error state_error(const std::string& source, const std::string& what, const std::string& rule = "state_file") {
  return error(errc::bad_input, "state file " + detail::quoted(source) + ": " + what, {.source = source, .rule = rule});
}

// The first place where two fingerprints differ: its path ("options.missing_method") and values.
bool first_difference(const json& a, const json& b, const std::string& path, std::string& where, std::string& va,
                      std::string& vb) {
  if (a == b) return false;
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      const std::string p = path.empty() ? it.key() : path + "." + it.key();
      if (!b.contains(it.key())) {
        where = p, va = detail::describe_json(*it), vb = "absent";
        return true;
      }
      if (first_difference(*it, b.at(it.key()), p, where, va, vb)) return true;
    }
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (!a.contains(it.key())) {
        where = path.empty() ? it.key() : path + "." + it.key(), va = "absent", vb = detail::describe_json(*it);
        return true;
      }
    }
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (first_difference(a[i], b[i], path + "[" + std::to_string(i) + "]", where, va, vb)) return true;
    }
  }
  where = path, va = detail::describe_json(a), vb = detail::describe_json(b);
  if (a.is_array() && b.is_array()) va += " " + dump(a).substr(0, 200), vb += " " + dump(b).substr(0, 200);
  return true;
}


// The input options that shape an accumulation (missing codes, the items read, the response range
// and its rule, the answer checks), written into and read back from a fingerprint's "options".
void write_input_options(json& o, const input_options& in) {
  o["missing_codes"] = in.read.missing_codes;
  o["items"] = in.read.items;
  o["range"] = in.scoring.range ? json::array({in.scoring.range->min, in.scoring.range->max}) : json(nullptr);
  o["out_of_range"] = in.scoring.out_of_range == out_of_range_policy::error ? "error" : "missing";
  o["min_answered"] = in.scoring.min_answered;
  o["sanity_warnings"] = in.sanity_warnings;
}

void read_input_options(const json& o, const std::string& source, input_options& in) {
  in.read.missing_codes = o.at("missing_codes").get<std::vector<double>>();
  in.read.items = o.at("items").get<std::vector<std::string>>();
  if (!o.at("range").is_null()) {
    const auto r = o.at("range").get<std::vector<double>>();
    if (r.size() != 2) throw state_error(source, "options.range must hold 2 numbers");
    in.scoring.range = response_range{r[0], r[1]};
  }
  const std::string oor = o.at("out_of_range").get<std::string>();
  if (oor != "error" && oor != "missing") throw state_error(source, "options.out_of_range must be error or missing");
  in.scoring.out_of_range = oor == "error" ? out_of_range_policy::error : out_of_range_policy::set_missing;
  in.scoring.min_answered = o.at("min_answered").get<double>();
  in.sanity_warnings = o.at("sanity_warnings").get<bool>();
}

// What every fingerprint begins with: the study, the instrument (its JSON), whether it was given,
// the data's item columns, and the input options under "options".
json fingerprint_head(const std::string& study, const instrument& inst, bool given,
                      const std::vector<std::string>& columns, const input_options& input) {
  json j;
  j["study"] = study;
  j["instrument"] = json::parse(instrument_to_json(inst));
  j["instrument_given"] = given;
  j["columns"] = columns;
  write_input_options(j["options"], input);
  return j;
}

void read_fingerprint_head(const json& j, const std::string& study, const std::string& source, instrument& inst,
                           bool& given, std::vector<std::string>& columns, input_options& input) {
  if (j.at("study").get<std::string>() != study) throw state_error(source, "the fingerprint is not of a " + study + " state");
  inst = instrument_from_json(dump(j.at("instrument")), source + " (its instrument)");
  given = j.at("instrument_given").get<bool>();
  columns = j.at("columns").get<std::vector<std::string>>();
  read_input_options(j.at("options"), source, input);
}

}  // namespace

namespace detail {

std::string reliability_fingerprint(const instrument& inst, bool given, const std::vector<std::string>& columns,
                                    const reliability_study_options& options) {
  json j = fingerprint_head("reliability", inst, given, columns, options.input);
  json& o = j["options"];
  o["reversed"] = options.reversed;
  const reliability_options& r = options.reliability;
  o["missing_method"] = std::string(to_string(r.missing));
  json intervals = json::array();
  for (const ci_method m : r.intervals) intervals.push_back(std::string(to_string(m)));
  o["intervals"] = intervals;
  o["level"] = r.level;
  o["interval_n"] = std::string(to_string(r.n_for_intervals));
  o["split_half"] = r.split_half;
  o["max_exhaustive_splits"] = r.max_exhaustive_splits;
  o["sampled_splits"] = r.sampled_splits;
  o["max_categories"] = r.max_categories;
  o["seed"] = r.seed;
  return dump(j);
}

reliability_fingerprint_contents read_reliability_fingerprint(const std::string& fingerprint, const std::string& source) {
  const json j = parse_json_input(fingerprint, source);
  reliability_fingerprint_contents out;
  try {
    read_fingerprint_head(j, "reliability", source, out.inst, out.given, out.columns, out.options.input);
    const json& o = j.at("options");
    out.options.reversed = o.at("reversed").get<std::vector<std::string>>();
    reliability_options& r = out.options.reliability;
    const auto missing = parse_missing_method(o.at("missing_method").get<std::string>());
    const auto n_for = parse_interval_n(o.at("interval_n").get<std::string>());
    if (!missing || !n_for) throw state_error(source, "options.missing_method or options.interval_n is unknown");
    r.missing = *missing;
    r.n_for_intervals = *n_for;
    r.intervals.clear();
    for (const auto& name : o.at("intervals").get<std::vector<std::string>>()) {
      const auto m = parse_ci_method(name);
      if (!m) throw state_error(source, "options.intervals: unknown method " + detail::quoted(name));
      r.intervals.push_back(*m);
    }
    r.level = o.at("level").get<double>();
    r.split_half = o.at("split_half").get<bool>();
    r.max_exhaustive_splits = o.at("max_exhaustive_splits").get<std::size_t>();
    r.sampled_splits = o.at("sampled_splits").get<std::size_t>();
    r.max_categories = o.at("max_categories").get<int>();
    r.seed = o.at("seed").get<std::uint64_t>();
  } catch (const json::exception& e) {
    throw state_error(source, std::string("the fingerprint does not read: ") + e.what());
  }
  try {
    out.options.validate();
  } catch (const error& e) {
    throw state_error(source, std::string("the fingerprint's options are invalid: ") + e.what());
  }
  return out;
}

std::string correlate_fingerprint(const instrument& inst, bool given, const std::vector<std::string>& columns,
                                  const correlate_study_options& options) {
  json j = fingerprint_head("correlate", inst, given, columns, options.input);
  json& o = j["options"];
  o["method"] = std::string(to_string(options.correlation.method));
  if (options.correlation.method == correlation_kind::polychoric) {
    // What shapes the tables or their estimation (threads and progress do not). A Pearson
    // fingerprint has no "polychoric": the states written before polychoric states read as before.
    const polychoric_options& p = options.correlation.polychoric;
    o["polychoric"] = {{"correct", p.correct},
                       {"smooth", p.smooth},
                       {"max_categories", p.max_categories},
                       {"optimizer_tolerance", p.optimizer_tolerance},
                       {"standard_errors", p.standard_errors}};
  }
  return dump(j);
}

correlate_fingerprint_contents read_correlate_fingerprint(const std::string& fingerprint, const std::string& source) {
  const json j = parse_json_input(fingerprint, source);
  correlate_fingerprint_contents out;
  try {
    read_fingerprint_head(j, "correlate", source, out.inst, out.given, out.columns, out.options.input);
    const json& o = j.at("options");
    const auto method = parse_correlation_kind(o.at("method").get<std::string>());
    if (!method) throw state_error(source, "options.method must be pearson or polychoric");
    out.options.correlation.method = *method;
    if (*method == correlation_kind::polychoric) {
      const json& p = o.at("polychoric");
      polychoric_options& po = out.options.correlation.polychoric;
      po.correct = p.at("correct").get<double>();
      po.smooth = p.at("smooth").get<bool>();
      po.max_categories = p.at("max_categories").get<int>();
      po.optimizer_tolerance = p.at("optimizer_tolerance").get<double>();
      po.standard_errors = p.at("standard_errors").get<bool>();
    } else if (o.contains("polychoric")) {
      throw state_error(source, "options.polychoric belongs to a polychoric state, not a pearson one");
    }
  } catch (const json::exception& e) {
    throw state_error(source, std::string("the fingerprint does not read: ") + e.what());
  }
  if (out.columns.size() < 2 || out.columns.size() > static_cast<std::size_t>(max_serialized_items - 1)) {
    throw state_error(source, "the fingerprint names " + std::to_string(out.columns.size()) +
                                  " columns; a correlate state holds 2 to " + std::to_string(max_serialized_items - 1));
  }
  try {
    out.options.validate();
  } catch (const error& e) {
    throw state_error(source, std::string("the fingerprint's options are invalid: ") + e.what());
  }
  return out;
}

namespace {

json number_or_null(double x) { return std::isnan(x) ? json(nullptr) : json(x); }
double number_or_nan(const json& j) { return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>(); }

template <class Options>
void validate_read(const Options& options, const std::string& source) {
  try {
    options.validate();
  } catch (const error& e) {
    throw state_error(source, std::string("the fingerprint's options are invalid: ") + e.what());
  }
}

}  // namespace

std::string factor_fingerprint(const instrument& inst, const std::vector<std::string>& columns,
                               const std::vector<std::string>& keyed_items, const factor_study_options& options) {
  json j = fingerprint_head("factor", inst, true, columns, options.input);
  j["keyed_items"] = keyed_items;
  json& o = j["options"];
  o["subscales"] = options.subscales;
  const efa_options& e = options.efa;
  o["factors"] = e.n_factors;
  o["method"] = std::string(to_string(e.method));
  o["rotation"] = std::string(to_string(e.rotation));
  o["oblimin_gamma"] = e.oblimin_gamma;
  o["geomin_delta"] = e.geomin_delta;
  o["max_iterations"] = e.max_iterations;
  o["rotation_tolerance"] = e.rotation_tolerance;
  o["fit_level"] = options.efa_fit.level;
  o["parallel"] = options.parallel;
  o["parallel_replicates"] = options.parallel_analysis.replicates;
  o["parallel_quantile"] = options.parallel_analysis.quantile;
  o["parallel_seed"] = options.parallel_analysis.seed;
  // Only a polychoric state names its correlations: Pearson factor states read as before.
  if (options.polychoric) o["correlation"] = "polychoric";
  return dump(j);
}

factor_fingerprint_contents read_factor_fingerprint(const std::string& fingerprint, const std::string& source) {
  const json j = parse_json_input(fingerprint, source);
  factor_fingerprint_contents out;
  bool given = true;
  try {
    read_fingerprint_head(j, "factor", source, out.inst, given, out.columns, out.options.input);
    out.n_keyed = j.at("keyed_items").get<std::vector<std::string>>().size();
    const json& o = j.at("options");
    factor_study_options& f = out.options;
    f.subscales = o.at("subscales").get<std::vector<std::string>>();
    f.efa.n_factors = o.at("factors").get<int>();
    const auto method = parse_factor_method(o.at("method").get<std::string>());
    const auto rotation = parse_factor_rotation(o.at("rotation").get<std::string>());
    if (!method || !rotation) throw state_error(source, "options.method or options.rotation is unknown");
    f.efa.method = *method;
    f.efa.rotation = *rotation;
    f.efa.oblimin_gamma = o.at("oblimin_gamma").get<double>();
    f.efa.geomin_delta = o.at("geomin_delta").get<double>();
    f.efa.max_iterations = o.at("max_iterations").get<int>();
    f.efa.rotation_tolerance = o.at("rotation_tolerance").get<double>();
    f.efa_fit.level = o.at("fit_level").get<double>();
    f.parallel = o.at("parallel").get<bool>();
    f.parallel_analysis.replicates = o.at("parallel_replicates").get<int>();
    f.parallel_analysis.quantile = o.at("parallel_quantile").get<double>();
    f.parallel_analysis.seed = o.at("parallel_seed").get<std::uint64_t>();
    if (o.contains("correlation")) {
      if (o.at("correlation").get<std::string>() != "polychoric") throw state_error(source, "options.correlation must be polychoric");
      f.polychoric = true;
    }
  } catch (const json::exception& e) {
    throw state_error(source, std::string("the fingerprint does not read: ") + e.what());
  }
  if (out.n_keyed < 2 || out.n_keyed > static_cast<std::size_t>(max_serialized_items - 1)) {
    throw state_error(source, "the fingerprint names " + std::to_string(out.n_keyed) +
                                  " keyed items; a factor state holds 2 to " + std::to_string(max_serialized_items - 1));
  }
  validate_read(out.options, source);
  return out;
}

std::string quality_fingerprint(const instrument& inst, const std::vector<std::string>& columns,
                                const quality_study_options& options) {
  json j = fingerprint_head("quality", inst, true, columns, options.input);
  json& o = j["options"];
  o["psychsyn_critical"] = number_or_null(options.quality.psychsyn_critical);
  o["psychant_critical"] = number_or_null(options.quality.psychant_critical);
  return dump(j);
}

quality_fingerprint_contents read_quality_fingerprint(const std::string& fingerprint, const std::string& source) {
  const json j = parse_json_input(fingerprint, source);
  quality_fingerprint_contents out;
  bool given = true;
  try {
    read_fingerprint_head(j, "quality", source, out.inst, given, out.columns, out.options.input);
    const json& o = j.at("options");
    out.options.quality.psychsyn_critical = number_or_nan(o.at("psychsyn_critical"));
    out.options.quality.psychant_critical = number_or_nan(o.at("psychant_critical"));
  } catch (const json::exception& e) {
    throw state_error(source, std::string("the fingerprint does not read: ") + e.what());
  }
  if (out.inst.items.empty() || out.inst.items.size() > static_cast<std::size_t>(max_serialized_items)) {
    throw state_error(source, "the fingerprint's instrument has " + std::to_string(out.inst.items.size()) +
                                  " items; a quality state holds 1 to " + std::to_string(max_serialized_items));
  }
  validate_read(out.options, source);
  return out;
}

}  // namespace detail

namespace {

// The text of a state of `study`: the head and the accumulators' texts, as the sections of the
// format (include/attune/study/state.hpp).
std::string serialize_sections(const std::string& study, const state_head& head, const std::vector<std::string>& texts) {
  std::string out = std::string(kMagic) + " " + std::to_string(state_format_version) + " " + study + "\n";
  out += head.fingerprint + "\n";
  out += "rows " + std::to_string(head.n_rows) + " out_of_range " + std::to_string(head.n_out_of_range) + " scales " +
         std::to_string(texts.size()) + "\n";
  out += "checks " + std::to_string(head.checks.size()) + "\n" + head.checks;
  for (const std::string& text : texts) out += "scale " + std::to_string(text.size()) + "\n" + text;
  out += "end " + hex16(fnv1a(out)) + "\n";
  return out;
}

// A state file's sections, checked for form (version, sizes, checksum) but not yet for meaning.
struct state_sections {
  std::string fingerprint;  // normalised (parsed and dumped again)
  std::size_t n_rows = 0, n_out_of_range = 0;
  std::string checks;
  std::vector<std::string_view> scales;  // into the text
  // Line numbers for messages: of the counters line, and of each scale section's header.
  std::size_t counters_line = 0;
  std::vector<std::size_t> scale_lines;
};

state_sections read_sections(std::string_view text, const std::string& source, const std::string& study) {
  if (state_study(text, source) != study) {
    throw state_error(source, "line 1: a state of " + detail::quoted(state_study(text, source)) + ", not of " + study);
  }
  // The trailer first: a truncated or damaged file fails here, before any section is read.
  if (text.empty() || text.back() != '\n') {
    throw state_error(source, "the file does not end with its 'end <checksum>' line: it is truncated", "state_truncated");
  }
  const std::size_t last = text.rfind('\n', text.size() - 2);
  const std::size_t trailer_at = last == std::string_view::npos ? 0 : last + 1;
  const std::string_view trailer = text.substr(trailer_at, text.size() - 1 - trailer_at);
  if (trailer.size() != 20 || trailer.substr(0, 4) != "end ") {
    throw state_error(source, "the file does not end with its 'end <checksum>' line: it is truncated", "state_truncated");
  }
  const std::string_view body = text.substr(0, trailer_at);
  if (hex16(fnv1a(body)) != trailer.substr(4)) {
    throw state_error(source, "the checksum does not match the content: the file is damaged or was edited",
                      "state_checksum");
  }
  std::size_t pos = 0, line_no = 0;
  auto line = [&]() {
    ++line_no;
    const std::size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) throw state_error(source, "line " + std::to_string(line_no) + ": the text ends early");
    const std::string_view l = body.substr(pos, nl - pos);
    pos = nl + 1;
    return l;
  };
  auto fail = [&](const std::string& what) { return state_error(source, "line " + std::to_string(line_no) + ": " + what); };
  auto section = [&](std::string_view name) {
    const std::string_view l = line();
    std::size_t bytes = 0;
    const std::string prefix = std::string(name) + " ";
    const char* begin = l.data() + std::min(prefix.size(), l.size());
    const auto res = std::from_chars(begin, l.data() + l.size(), bytes);
    if (l.substr(0, prefix.size()) != prefix || res.ec != std::errc() || res.ptr != l.data() + l.size()) {
      throw fail("expected '" + std::string(name) + " <bytes>'");
    }
    if (bytes > body.size() - pos) {
      throw fail(std::string(name) + " declares " + std::to_string(bytes) + " bytes; only " +
                 std::to_string(body.size() - pos) + " are left");
    }
    const std::string_view out = body.substr(pos, bytes);
    for (const char c : out) line_no += c == '\n' ? 1 : 0;
    pos += bytes;
    return out;
  };
  line();  // the magic line, checked above
  state_sections st;
  st.fingerprint = dump(detail::parse_json_input(line(), source));
  const std::string counters(line());
  st.counters_line = line_no;
  unsigned long long rows = 0, oor = 0, scales = 0;
  char w1[16] = {}, w2[16] = {}, w3[16] = {};
  int used = 0;
  if (std::sscanf(counters.c_str(), "%15s %llu %15s %llu %15s %llu%n", w1, &rows, w2, &oor, w3, &scales, &used) != 6 ||
      std::string(w1) != "rows" || std::string(w2) != "out_of_range" || std::string(w3) != "scales" ||
      static_cast<std::size_t>(used) != counters.size()) {
    throw fail("expected 'rows <N> out_of_range <N> scales <N>'");
  }
  st.n_rows = static_cast<std::size_t>(rows);
  st.n_out_of_range = static_cast<std::size_t>(oor);
  st.checks = std::string(section("checks"));
  // Each section takes at least 8 bytes ("scale 0\n"): a count beyond what the text holds is
  // refused before anything is reserved.
  if (scales > body.size() / 8) throw fail("the file cannot hold " + std::to_string(scales) + " scales");
  for (unsigned long long t = 0; t < scales; ++t) {
    st.scale_lines.push_back(line_no + 1);
    st.scales.push_back(section("scale"));
  }
  if (pos != body.size()) throw fail("unexpected text before the 'end' line");
  return st;
}

error section_error(const std::string& source, std::size_t line_no, const std::string& what) {
  return state_error(source, "line " + std::to_string(line_no) + ": " + what);
}

// The answer checks of a state, restored for the fingerprint's instrument and input options.
void check_checks(const state_sections& st, const instrument& inst, const input_options& input, const std::string& source) {
  answer_checks checks(inst, input);
  try {
    checks.restore(st.checks);
  } catch (const error& e) {
    throw section_error(source, st.counters_line + 1, e.what());
  }
}

// Accumulator `t` of a state: read, and checked against what the fingerprint says it holds.
reliability_accumulator read_accumulator(const state_sections& st, std::size_t t, const std::string& name,
                                         Eigen::Index n_items, missing_method missing, const std::string& source) {
  reliability_accumulator acc;
  try {
    acc = reliability_accumulator::deserialize(st.scales[t]);
  } catch (const error& e) {
    throw section_error(source, st.scale_lines[t], "scale " + detail::quoted(name) + ": " + e.what());
  }
  if (acc.n_items() != n_items || acc.missing() != missing || acc.n_rows() > static_cast<double>(st.n_rows)) {
    throw section_error(source, st.scale_lines[t],
                        "scale " + detail::quoted(name) + ": the accumulator holds " + std::to_string(acc.n_items()) +
                            " items and " + std::to_string(static_cast<long long>(acc.n_rows())) + " rows (" +
                            std::string(to_string(acc.missing())) + "); the fingerprint says " +
                            std::to_string(n_items) + " items, at most " + std::to_string(st.n_rows) + " rows (" +
                            std::string(to_string(missing)) + ")");
  }
  return acc;
}

// The polychoric tables of a state's one section: read, and checked against the fingerprint.
polychoric_tables read_tables(const state_sections& st, std::string_view text, Eigen::Index k, int max_categories,
                              const std::string& source) {
  polychoric_tables t;
  try {
    t = polychoric_tables::deserialize(text);
  } catch (const error& e) {
    throw section_error(source, st.scale_lines[0], std::string("the polychoric tables: ") + e.what());
  }
  if (t.n_items() != k || t.max_categories() != max_categories || t.n_rows() > static_cast<std::int64_t>(st.n_rows)) {
    throw section_error(source, st.scale_lines[0],
                        "the polychoric tables hold " + std::to_string(t.n_items()) + " items, " + std::to_string(t.n_rows()) +
                            " rows and max_categories " + std::to_string(t.max_categories()) + "; the fingerprint says " +
                            std::to_string(k) + " items, at most " + std::to_string(st.n_rows) + " rows and max_categories " +
                            std::to_string(max_categories));
  }
  return t;
}

// The error for two fingerprints that differ, naming both files and the first field.
error mismatch_error(const std::string& fa, const std::string& sa, const std::string& fb, const std::string& sb) {
  const json a = json::parse(fa), b = json::parse(fb);
  std::string where, va, vb;
  first_difference(a, b, "", where, va, vb);
  return error(errc::invalid_argument,
               "cannot merge " + detail::quoted(sa) + " and " + detail::quoted(sb) + ": their states were made with different " +
                   (where.rfind("options", 0) == 0 ? "options" : "inputs") + ": " + where + " is " + va + " in " +
                   detail::quoted(sa) + " but " + vb + " in " + detail::quoted(sb) +
                   "; save every shard's state with the same instrument, item columns and options",
               {.source = sb, .rule = "state_mismatch"});
}

// The answer checks of two states merged (`into` += `other`).
std::string merged_checks(const instrument& inst, const input_options& input, const std::string& a, const std::string& b) {
  answer_checks ca(inst, input), cb(inst, input);
  ca.restore(a);
  cb.restore(b);
  ca.merge(cb);
  return ca.serialize();
}

// Reads the state files `paths` of one study and merges them in order (`read` and `merge` are the
// study's), refusing the same file twice and warning on identical contents.
template <class State, class Read, class Merge>
State merge_files(const std::vector<std::string>& paths, std::vector<std::string>& warnings, Read read, Merge merge) {
  namespace fs = std::filesystem;
  if (paths.empty()) throw error(errc::invalid_argument, "merge: give at least one state file", {.rule = "state_file"});
  std::vector<std::string> canonical;
  std::vector<std::string> checksums;
  State merged;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    std::error_code ec;
    const std::string c = fs::weakly_canonical(path, ec).string();
    for (std::size_t j = 0; j < i; ++j) {
      if (!ec && c == canonical[j]) {
        throw error(errc::invalid_argument,
                    "state file " + detail::quoted(path) + " is given twice (also as " + detail::quoted(paths[j]) +
                        "): its rows would count twice; name each shard's state once",
                    {.source = path, .rule = "state_duplicate"});
      }
    }
    canonical.push_back(ec ? path : c);
    const std::string text = read_state_file(path);
    State st = read(text, path);
    const std::string sum(text.substr(text.size() - 17, 16));
    for (std::size_t j = 0; j < i; ++j) {
      if (checksums[j] == sum) {
        warnings.push_back("state files " + detail::quoted(paths[j]) + " and " + detail::quoted(path) +
                           " have identical content: if one is a copy of the other, its rows are counted twice");
      }
    }
    checksums.push_back(sum);
    if (i == 0) {
      merged = std::move(st);
    } else {
      merge(merged, st);
    }
  }
  return merged;
}

}  // namespace

namespace {

// The head of a state (fingerprint, counters, answer checks) from its sections, the checks
// restored for the fingerprint's instrument and input options: what every study's reader shares.
void read_head(state_head& head, const state_sections& sections, const std::string& source, const instrument& inst,
               const input_options& input) {
  head.source = source;
  head.fingerprint = sections.fingerprint;
  head.n_rows = sections.n_rows;
  head.n_out_of_range = sections.n_out_of_range;
  head.checks = sections.checks;
  check_checks(sections, inst, input, source);
}

// The sections of a state of one accumulator (correlate, factor, quality): its text.
std::string_view single_section(const state_sections& sections, const std::string& study, const std::string& what,
                                const std::string& source) {
  if (sections.scales.size() != 1) {
    throw section_error(source, sections.counters_line,
                        std::to_string(sections.scales.size()) + " scales; a " + study + " state holds 1 (" + what + ")");
  }
  return sections.scales[0];
}

// `other`'s head merged into `into`'s, after their fingerprints are checked equal: the part of
// `merge_state` every study shares.
void merge_head(state_head& into, const state_head& other, const instrument& inst, const input_options& input) {
  into.checks = merged_checks(inst, input, into.checks, other.checks);
  into.n_rows += other.n_rows;
  into.n_out_of_range += other.n_out_of_range;
}

void check_same(const state_head& into, const state_head& other) {
  if (into.fingerprint != other.fingerprint) throw mismatch_error(into.fingerprint, into.source, other.fingerprint, other.source);
}

}  // namespace

std::string serialize_state(const reliability_state& state) {
  std::vector<std::string> texts;
  for (const auto& acc : state.scales) texts.push_back(acc.serialize());
  return serialize_sections("reliability", state, texts);
}

std::string serialize_state(const correlate_state& state) {
  return serialize_sections("correlate", state, {state.tables ? state.tables->serialize() : state.moments.serialize()});
}

std::string serialize_state(const factor_state& state) {
  return serialize_sections("factor", state, {state.tables ? state.tables->serialize() : state.moments.serialize()});
}

std::string serialize_state(const quality_state& state) {
  return serialize_sections("quality", state, {state.sample.serialize()});
}

std::string state_study(std::string_view text, const std::string& source) {
  const std::string_view first = text.substr(0, std::min(text.find('\n'), std::size_t{200}));
  const std::string magic = std::string(kMagic) + " ";
  if (first.substr(0, magic.size()) != magic) {
    throw state_error(source, "line 1: not an attune state file (it should begin with 'attune-state " +
                                  std::to_string(state_format_version) + " <study>'; a study's save-state option writes one)");
  }
  const std::string_view rest = first.substr(magic.size());
  const std::size_t space = rest.find(' ');
  const std::string version(rest.substr(0, space));
  if (version != std::to_string(state_format_version)) {
    throw state_error(source, "line 1: format version " + detail::quoted(version) + "; this attune reads version " +
                                  std::to_string(state_format_version) + " (save the state again with this attune)",
                      "state_version");
  }
  const std::string study = space == std::string_view::npos ? std::string() : std::string(rest.substr(space + 1));
  if (study != "reliability" && study != "correlate" && study != "factor" && study != "quality") {
    throw state_error(source, "line 1: a state of " + detail::quoted(study) +
                                  "; this attune merges states of reliability, correlate, factor and quality");
  }
  return study;
}

reliability_state read_reliability_state(std::string_view text, const std::string& source) {
  const state_sections sections = read_sections(text, source, "reliability");
  reliability_state st;
  const auto contents = detail::read_reliability_fingerprint(sections.fingerprint, source);
  // The scales must be those the fingerprint's instrument analyses, item for item.
  std::vector<const subscale*> expected;
  for (const auto& s : contents.inst.subscales) {
    if (s.items.size() >= 2 || !contents.given) expected.push_back(&s);
  }
  if (sections.scales.size() != expected.size()) {
    throw section_error(source, sections.counters_line,
                        std::to_string(sections.scales.size()) + " scales; the fingerprint's instrument has " +
                            std::to_string(expected.size()) + " with an analysis");
  }
  read_head(st, sections, source, contents.inst, contents.options.input);
  for (std::size_t t = 0; t < expected.size(); ++t) {
    st.scales.push_back(read_accumulator(sections, t, expected[t]->name,
                                         static_cast<Eigen::Index>(expected[t]->items.size()),
                                         contents.options.reliability.missing, source));
  }
  return st;
}

correlate_state read_correlate_state(std::string_view text, const std::string& source) {
  const state_sections sections = read_sections(text, source, "correlate");
  correlate_state st;
  const auto contents = detail::read_correlate_fingerprint(sections.fingerprint, source);
  const std::string_view items = single_section(sections, "correlate", "the items", source);
  read_head(st, sections, source, contents.inst, contents.options.input);
  const auto k = static_cast<Eigen::Index>(contents.columns.size());
  if (contents.options.correlation.method == correlation_kind::pearson) {
    st.moments = read_accumulator(sections, 0, "items", k, missing_method::pairwise, source);
    return st;
  }
  st.tables = read_tables(sections, items, k, contents.options.correlation.polychoric.max_categories, source);
  return st;
}

factor_state read_factor_state(std::string_view text, const std::string& source) {
  const state_sections sections = read_sections(text, source, "factor");
  factor_state st;
  const auto contents = detail::read_factor_fingerprint(sections.fingerprint, source);
  const std::string_view items = single_section(sections, "factor", "the keyed items", source);
  read_head(st, sections, source, contents.inst, contents.options.input);
  const auto k = static_cast<Eigen::Index>(contents.n_keyed);
  if (contents.options.polychoric) {
    st.tables = read_tables(sections, items, k, polychoric_options{}.max_categories, source);
  } else {
    st.moments = read_accumulator(sections, 0, "items", k, missing_method::pairwise, source);
  }
  return st;
}

quality_state read_quality_state(std::string_view text, const std::string& source) {
  const state_sections sections = read_sections(text, source, "quality");
  quality_state st;
  const auto contents = detail::read_quality_fingerprint(sections.fingerprint, source);
  const std::string_view sample = single_section(sections, "quality", "the sample", source);
  read_head(st, sections, source, contents.inst, contents.options.input);
  try {
    st.sample = quality_sample::deserialize(sample);
  } catch (const error& e) {
    throw section_error(source, sections.scale_lines[0], std::string("the sample: ") + e.what());
  }
  const auto k = static_cast<Eigen::Index>(contents.inst.items.size());
  if (st.sample.n_items() != k || st.sample.n_rows() > static_cast<double>(st.n_rows)) {
    throw section_error(source, sections.scale_lines[0],
                        "the sample holds " + std::to_string(st.sample.n_items()) + " items and " +
                            std::to_string(static_cast<long long>(st.sample.n_rows())) + " rows; the fingerprint says " +
                            std::to_string(k) + " items, at most " + std::to_string(st.n_rows) + " rows");
  }
  return st;
}

void merge_state(reliability_state& into, const reliability_state& other) {
  check_same(into, other);
  const auto contents = detail::read_reliability_fingerprint(into.fingerprint, into.source);
  merge_head(into, other, contents.inst, contents.options.input);
  for (std::size_t t = 0; t < into.scales.size() && t < other.scales.size(); ++t) into.scales[t].merge(other.scales[t]);
}

void merge_state(correlate_state& into, const correlate_state& other) {
  check_same(into, other);
  const auto contents = detail::read_correlate_fingerprint(into.fingerprint, into.source);
  merge_head(into, other, contents.inst, contents.options.input);
  if (into.tables && other.tables) {
    into.tables->merge(*other.tables);
  } else {
    into.moments.merge(other.moments);
  }
}

void merge_state(factor_state& into, const factor_state& other) {
  check_same(into, other);
  const auto contents = detail::read_factor_fingerprint(into.fingerprint, into.source);
  merge_head(into, other, contents.inst, contents.options.input);
  if (into.tables && other.tables) {
    into.tables->merge(*other.tables);
  } else {
    into.moments.merge(other.moments);
  }
}

void merge_state(quality_state& into, const quality_state& other) {
  check_same(into, other);
  const auto contents = detail::read_quality_fingerprint(into.fingerprint, into.source);
  merge_head(into, other, contents.inst, contents.options.input);
  into.sample.merge(other.sample);
}

namespace {

// Reads and merges the state files of one study: `read` is the study's reader.
template <class State>
State merge_study_files(const std::vector<std::string>& paths, std::vector<std::string>& warnings,
                        State (*read)(std::string_view, const std::string&)) {
  return merge_files<State>(paths, warnings, read, [](State& a, const State& b) { merge_state(a, b); });
}

template <class Study>
Study with_warnings(Study study, const std::vector<std::string>& warnings) {
  study.warnings.insert(study.warnings.end(), warnings.begin(), warnings.end());
  return study;
}

}  // namespace

reliability_state merge_state_files(const std::vector<std::string>& paths, std::vector<std::string>& warnings) {
  return merge_study_files<reliability_state>(paths, warnings, &read_reliability_state);
}

correlate_state merge_correlate_state_files(const std::vector<std::string>& paths, std::vector<std::string>& warnings) {
  return merge_study_files<correlate_state>(paths, warnings, &read_correlate_state);
}

merged_study merge_states(const std::vector<std::string>& paths) {
  if (paths.empty()) throw error(errc::invalid_argument, "merge: give at least one state file", {.rule = "state_file"});
  merged_study out;
  // The study of the first file's first line (every file must be of it: the readers check).
  out.study = state_study(read_state_file(paths.front()), paths.front());
  std::vector<std::string> warnings;
  if (out.study == "reliability") {
    out.reliability = with_warnings(study_reliability(merge_state_files(paths, warnings)), warnings);
  } else if (out.study == "correlate") {
    out.correlate = with_warnings(study_correlate(merge_correlate_state_files(paths, warnings)), warnings);
  } else if (out.study == "factor") {
    out.factor = with_warnings(study_factor(merge_study_files<factor_state>(paths, warnings, &read_factor_state)), warnings);
  } else {
    out.quality = with_warnings(study_quality_sample(merge_study_files<quality_state>(paths, warnings, &read_quality_state)),
                                warnings);
  }
  return out;
}

std::string read_state_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw error(errc::io_error, "state file " + detail::quoted(path) + ": no such file", {.source = path, .rule = "state_file"});
  }
  if (fs::is_directory(status)) {
    throw error(errc::io_error, "state file " + detail::quoted(path) + " is a directory; give the state files in it",
                {.source = path, .rule = "state_file"});
  }
  if (fs::is_regular_file(status)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > max_state_file_bytes) {
      throw error(errc::io_error,
                  "state file " + detail::quoted(path) + " has " + std::to_string(size) + " bytes; a state file holds at most " +
                      std::to_string(max_state_file_bytes),
                  {.source = path, .rule = "state_file"});
    }
  }
  return detail::read_text_file(path, max_state_file_bytes);
}

ATTUNE_END_NAMESPACE
