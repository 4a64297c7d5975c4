// The options JSON of the C API, read through one table-driven mechanism: every options struct
// has a field table (its members' names, how each is read, what it is called in C++), a member
// that is itself a struct takes a JSON object read by that struct's table, and each study's table
// is its options struct's table plus the flat short keys of docs/c-api.md ("n_factors" for
// efa.n_factors), which are paths into the same table. A key no table knows, a value of the wrong
// type, and a field given twice (as "n_factors" and as "efa": {"n_factors": ...}) are errors
// naming the key; limits are the structs' own validate() (the study calls it).
#include "capi/study_options.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <type_traits>

#include "attune/keys/norms.hpp"
#include "detail/json_input.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace capi {
namespace {

using json = nlohmann::json;

const std::string kSource = "options";

// ---- reading one value ------------------------------------------------------------------------

// Where a value stands: the key as the caller wrote it ("parallel_analysis.seed") and the C++
// field it sets ("parallel_options.seed"), for messages and error_details::option.
struct place {
  std::string key;
  std::string field;
};

[[noreturn]] void fail(const place& at, const json& value, const std::string& rule) {
  error_details d;
  d.source = kSource;
  d.option = at.field;
  d.value = detail::describe_json(value).substr(0, 80);
  d.rule = "option_type";
  throw error(errc::invalid_argument,
              "option \"" + at.key + "\" (" + at.field + ") " + rule + "; given " + detail::describe_json(value), d);
}

// Enums by their to_string names, through the library's own parse functions.
std::optional<out_of_range_policy> parse_name(std::string_view n, out_of_range_policy*) {
  if (n == "error") return out_of_range_policy::error;
  if (n == "set_missing") return out_of_range_policy::set_missing;
  return std::nullopt;
}
auto parse_name(std::string_view n, missing_method*) { return parse_missing_method(n); }
auto parse_name(std::string_view n, ci_method*) { return parse_ci_method(n); }
auto parse_name(std::string_view n, interval_n*) { return parse_interval_n(n); }
auto parse_name(std::string_view n, correlation_kind*) { return parse_correlation_kind(n); }
auto parse_name(std::string_view n, factor_analysis_kind*) { return parse_factor_analysis_kind(n); }
auto parse_name(std::string_view n, factor_method*) { return parse_factor_method(n); }
auto parse_name(std::string_view n, factor_rotation*) { return parse_factor_rotation(n); }
auto parse_name(std::string_view n, factor_score_method*) { return parse_factor_score_method(n); }
auto parse_name(std::string_view n, classify_method*) { return parse_classify_method(n); }
auto parse_name(std::string_view n, cut_tie*) { return parse_cut_tie(n); }
auto parse_name(std::string_view n, cutoff_kind*) { return parse_cutoff_kind(n); }
auto parse_name(std::string_view n, mahalanobis_method*) { return parse_mahalanobis_method(n); }
auto parse_name(std::string_view n, unused_category_rule*) { return parse_unused_category_rule(n); }
auto parse_name(std::string_view n, quadrature_rule*) { return parse_quadrature_rule(n); }
auto parse_name(std::string_view n, em_acceleration*) { return parse_em_acceleration(n); }
auto parse_name(std::string_view n, grm_start*) { return parse_grm_start(n); }
auto parse_name(std::string_view n, theta_method*) { return parse_theta_method(n); }
auto parse_name(std::string_view n, cat_selection*) { return parse_cat_selection(n); }
auto parse_name(std::string_view n, cat_balance*) { return parse_cat_balance(n); }

template <class T>
concept named_enum = std::is_enum_v<T> && requires(std::string_view n) {
  parse_name(n, static_cast<T*>(nullptr));
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

// One value of type T from `v` (not null).
template <class T>
void read_value(const json& v, T& out, const place& at);

template <class Int>
void read_integer(const json& v, Int& out, const place& at) {
  const bool fits = v.is_number_integer() &&
                    (v.is_number_unsigned()
                         ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<Int>::max())
                         : v.get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<Int>::min()) &&
                               (std::is_unsigned_v<Int> ||
                                v.get<std::int64_t>() <= static_cast<std::int64_t>(std::numeric_limits<Int>::max())));
  if (!fits) fail(at, v, "must be a whole number that fits its type");
  out = v.get<Int>();
}

void read_range(const json& v, std::optional<response_range>& out, const place& at) {
  std::optional<response_range> r;
  if (v.is_string()) {
    r = parse_response_range(v.get_ref<const std::string&>());
  } else if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
    r = response_range{v[0].get<double>(), v[1].get<double>()};
  } else if (v.is_object() && v.size() == 2 && v.contains("min") && v.contains("max") && v["min"].is_number() &&
             v["max"].is_number()) {
    r = response_range{v["min"].get<double>(), v["max"].get<double>()};
  }
  if (!r || !(r->min < r->max) || !std::isfinite(r->min) || !std::isfinite(r->max)) {
    fail(at, v, "must be a range \"MIN-MAX\", [MIN, MAX] or {\"min\": MIN, \"max\": MAX} with MIN < MAX");
  }
  out = r;
}

template <class T>
void read_value(const json& v, T& out, const place& at) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) fail(at, v, "must be true or false");
    out = v.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    read_integer(v, out, at);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) fail(at, v, "must be a number");
    out = v.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) fail(at, v, "must be a string");
    out = v.get<std::string>();
  } else if constexpr (named_enum<T>) {
    if (!v.is_string()) fail(at, v, "must be a name (a string)");
    const auto parsed = parse_name(v.get_ref<const std::string&>(), static_cast<T*>(nullptr));
    if (!parsed) fail(at, v, "is not one of its names (docs/c-api.md)");
    out = *parsed;
  } else if constexpr (std::is_same_v<T, std::optional<response_range>>) {
    read_range(v, out, at);
  } else if constexpr (std::is_same_v<T, std::optional<norm_table>>) {
    // A built-in id or a file path (a string), or the table's JSON (an object).
    if (v.is_string()) {
      out = resolve_norm_table(v.get<std::string>());
    } else if (v.is_object()) {
      out = norm_table_from_json(v.dump(), kSource + " \"" + at.key + "\"");
    } else {
      fail(at, v, "must be a norm table id, a file path or a norm table object");
    }
  } else if constexpr (std::is_same_v<T, std::optional<item_bank>>) {
    if (!v.is_object() && !v.is_string()) fail(at, v, "must be an item bank (its JSON object, or its text)");
    out = item_bank_from_json(v.is_string() ? v.get<std::string>() : v.dump(), kSource + " \"" + at.key + "\"");
  } else if constexpr (is_optional<T>::value) {
    typename T::value_type value{};
    read_value(v, value, at);
    out = std::move(value);
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array()) fail(at, v, "must be an array");
    T values;
    for (const json& e : v) read_value(e, values.emplace_back(), at);
    out = std::move(values);
  } else if constexpr (std::is_same_v<T, Eigen::VectorXd>) {
    std::vector<double> values;
    read_value(v, values, at);
    out = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  } else if constexpr (std::is_same_v<T, score_values>) {
    // One number for every score, or {"score name": number, ...}.
    if (v.is_number()) {
      out.all = v.get<double>();
      return;
    }
    if (!v.is_object()) fail(at, v, "must be a number or an object {\"score\": number}");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const json& x = it.value();
      if (!x.is_number()) fail(at, x, "must map score names to numbers");
      out.by_score[it.key()] = x.template get<double>();
    }
  } else if constexpr (std::is_same_v<T, std::map<std::string, change_direction>>) {
    if (!v.is_object()) fail(at, v, "must be an object {\"scale\": direction}");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const json& x = it.value();
      const auto dir = x.is_string() ? parse_change_direction(x.template get_ref<const std::string&>()) : std::nullopt;
      if (!dir) fail(at, x, "must map scales to lower_is_better, higher_is_better or none");
      out[it.key()] = *dir;
    }
  } else if constexpr (std::is_same_v<T, style_prototype>) {
    // {"style": "secure", "anxiety": 2.5, "avoidance": 2.5}
    const bool ok = v.is_object() && v.size() == 3 && v.contains("style") && v["style"].is_string() &&
                    v.contains("anxiety") && v["anxiety"].is_number() && v.contains("avoidance") &&
                    v["avoidance"].is_number();
    const auto style = ok ? parse_attachment_style(v["style"].get_ref<const std::string&>()) : std::nullopt;
    if (!style) fail(at, v, "must hold {\"style\": a style name, \"anxiety\": number, \"avoidance\": number}");
    out = {*style, v["anxiety"].get<double>(), v["avoidance"].get<double>()};
  } else {
    static_assert(sizeof(T) == 0, "no JSON reader for this option type");
  }
}

// ---- field tables -----------------------------------------------------------------------------

// What one options object is being read for: the owner's name in messages, the fields set so far
// (a field set twice, under two keys, is an error), and the flat short keys of the study (named
// in the message about a struct member given something other than an object).
struct reading {
  std::string owner;                                                         // "the factor study", "a CAT session"
  std::map<std::string, std::string> assigned;                               // canonical path -> the key that set it
  std::vector<std::pair<std::string, std::vector<std::string>>> short_keys;  // key -> its paths
};

// One entry of a field table of O: `key` (the C++ member's name, or a short key), `field` (the
// C++ name, "efa_options.n_factors"), and `read`, which sets the member from a JSON value. A
// struct member reads an object; `rest` then walks into it (the short keys' paths).
template <class O>
struct field {
  std::string key;
  std::string field;
  std::function<void(O& o, const json& v, std::span<const std::string> rest, const std::string& shown,
                     const std::string& path, reading& r)>
      read;
  std::vector<std::string> keys;   // a struct member: its keys; else empty
  bool listed = true;              // false: a field that does not apply (not named in "its options")
  std::vector<std::string> paths;  // a short key: the fields it sets ("efa.n_factors"); else empty
};
template <class O>
using table = std::vector<field<O>>;

[[noreturn]] void fail_unknown(const std::string& shown, const std::string& owner,
                               const std::vector<std::string>& keys) {
  std::set<std::string> sorted(keys.begin(), keys.end());
  std::string list;
  for (const auto& k : sorted) list += (list.empty() ? "" : ", ") + k;
  error_details d;
  d.source = kSource;
  d.option = shown;
  d.value = shown;
  d.rule = "unknown_option";
  throw error(errc::invalid_argument, "\"" + shown + "\" is not an option of " + owner + " (its options: " + list + ")",
              d);
}

template <class O>
std::vector<std::string> listed_keys(const table<O>& t) {
  std::vector<std::string> keys;
  for (const auto& f : t) {
    if (f.listed) keys.push_back(f.key);
  }
  return keys;
}

template <class O>
const field<O>& find_field(const table<O>& t, const std::string& key, const std::string& shown,
                           const std::string& owner) {
  for (const auto& f : t) {
    if (f.key == key) return f;
  }
  fail_unknown(shown, owner, listed_keys(t));
}

void mark_assigned(reading& r, const std::string& path, const std::string& shown) {
  const auto [it, fresh] = r.assigned.emplace(path, shown);
  if (fresh) return;
  error_details d;
  d.source = kSource;
  d.option = shown;
  d.rule = "option_repeated";
  throw error(errc::invalid_argument,
              "option \"" + shown + "\" sets " + path + ", which \"" + it->second + "\" already sets: give it once", d);
}

// Reads every key of `obj` through `t` into `o`: the options object, or a struct member's object.
template <class O>
void read_object(const table<O>& t, O& o, const json& obj, const std::string& shown_prefix,
                 const std::string& path_prefix, const std::string& owner, reading& r) {
  for (const auto& [key, v] : obj.items()) {
    const std::string shown = shown_prefix + key;
    const field<O>& f = find_field(t, key, shown, owner);
    if (v.is_null()) continue;  // null, like an absent key, keeps the default
    f.read(o, v, {}, shown, path_prefix + f.key, r);
  }
}

// A member read as one value.
// "efa_options.n_factors"; a key of the matrix description is its own name ("columns").
std::string qualified(const std::string& owner, const std::string& key) {
  return owner.empty() ? key : owner + "." + key;
}

template <class O, class T>
field<O> member(std::string key, const std::string& owner, T O::*m) {
  return {key, qualified(owner, key),
          [m, at = place{"", qualified(owner, key)}](O& o, const json& v, std::span<const std::string> rest,
                                                     const std::string& shown, const std::string& path, reading& r) {
            if (!rest.empty()) fail_unknown(shown + "." + rest[0], "a field that is not an object", {});
            mark_assigned(r, path, shown);
            read_value(v, o.*m, place{shown, at.field});
          }};
}

// A member read by a function of its own (a value with a meaning besides its type: "none", 0).
template <class O, class T>
field<O> member(std::string key, const std::string& owner, T O::*m, void (*read)(const json&, T&, const place&)) {
  field<O> f = member(key, owner, m);
  f.read = [m, read, cxx = f.field](O& o, const json& v, std::span<const std::string> rest, const std::string& shown,
                                    const std::string& path, reading& r) {
    if (!rest.empty()) fail_unknown(shown + "." + rest[0], "a field that is not an object", {});
    mark_assigned(r, path, shown);
    read(v, o.*m, place{shown, cxx});
  };
  return f;
}

// A struct member: an object of its own fields, read by `sub`.
template <class O, class S>
field<O> nested(std::string key, const std::string& owner, S O::*m, const table<S>& sub, const std::string& sub_name) {
  return {key, owner + "." + key,
          [m, &sub, sub_name, cxx = owner + "." + key](O& o, const json& v, std::span<const std::string> rest,
                                                       const std::string& shown, const std::string& path, reading& r) {
            if (!rest.empty()) {
              const field<S>& f = find_field(sub, rest[0], shown, sub_name);
              f.read(o.*m, v, rest.subspan(1), shown, path + "." + f.key, r);
              return;
            }
            if (!v.is_object()) {
              // Name the flat keys that reach into it, which the caller may have meant.
              std::string flat;
              for (const auto& [k, paths] : r.short_keys) {
                for (const auto& p : paths) {
                  if (p.starts_with(path + ".")) {
                    flat += (flat.empty() ? "" : ", ") + k;
                    break;
                  }
                }
              }
              std::string fields;
              for (const auto& k : listed_keys(sub)) fields += (fields.empty() ? "" : ", ") + k;
              error_details d;
              d.source = kSource;
              d.option = shown;
              d.value = detail::describe_json(v).substr(0, 80);
              d.rule = "option_type";
              throw error(errc::invalid_argument,
                          "option \"" + shown + "\" (" + cxx + ") must be an object {\"field\": value} of " + sub_name +
                              " fields (" + fields + ")" + (flat.empty() ? "" : "; or use the keys " + flat) +
                              "; given " + detail::describe_json(v),
                          d);
            }
            read_object(sub, o.*m, v, shown + ".", path + ".", sub_name, r);
          },
          listed_keys(sub)};
}

// A field of the C++ struct that the options JSON does not set, and why (file reading, callbacks,
// a field the study sets itself): an error that says so.
template <class O>
field<O> not_applicable(std::string key, const std::string& owner, std::string why) {
  const std::string cxx = owner + "." + key;
  return {key,
          cxx,
          [cxx, why](O&, const json& v, std::span<const std::string>, const std::string& shown, const std::string&,
                     reading&) {
            error_details d;
            d.source = kSource;
            d.option = shown;
            d.value = detail::describe_json(v).substr(0, 80);
            d.rule = "option_not_applicable";
            throw error(errc::invalid_argument, "option \"" + shown + "\" (" + cxx + ") does not apply here: " + why,
                        d);
          },
          {},
          false};
}

// The fields of an outer struct's member `m`, as fields of the outer struct (the study options of
// a study_request; the options next to the matrix description).
template <class Outer, class Inner>
table<Outer> within(Inner Outer::*m, const table<Inner>& t) {
  table<Outer> out;
  for (const auto& f : t) {
    out.push_back(
        {f.key, f.field,
         [m, read = f.read](Outer& o, const json& v, std::span<const std::string> rest, const std::string& shown,
                            const std::string& path, reading& r) { read(o.*m, v, rest, shown, path, r); },
         f.keys, f.listed, f.paths});
  }
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
    parts.push_back(path.substr(start, dot - start));
  }
  parts.push_back(path.substr(start));
  return parts;
}

// A short key: sets the field at each of `paths` in `t` ("efa.n_factors"; "max_iterations" sets
// efa.max_iterations and cfa.max_iterations).
template <class O>
field<O> short_key(std::string key, const table<O>& t, std::vector<std::string> paths) {
  field<O> f;
  f.key = std::move(key);
  f.field = paths.front();
  f.paths = paths;
  f.read = [t, paths](O& o, const json& v, std::span<const std::string>, const std::string& shown, const std::string&,
                      reading& r) {
    for (const auto& p : paths) {
      const auto parts = split_path(p);
      const field<O>& target = find_field(t, parts[0], shown, "the options");
      target.read(o, v, std::span<const std::string>(parts).subspan(1), shown, target.key, r);
    }
  };
  return f;
}

// A table with short keys: `base`, then each (key, paths) as a short_key into `base`.
template <class O>
table<O> with_short_keys(table<O> base, const std::vector<std::pair<std::string, std::vector<std::string>>>& keys) {
  const table<O> targets = base;
  for (const auto& [key, paths] : keys) base.push_back(short_key(key, targets, paths));
  return base;
}

// ---- the options structs' tables ---------------------------------------------------------------

// Which of the scoring rules a study applies: all; the range and the out-of-range rule (irt fit:
// a missing answer drops out of the likelihood, so min_answered does not apply); or only the
// out-of-range rule (the bank studies: the bank's categories are the range).
enum class scoring_rules { all, range_and_policy, policy };

const table<scoring_options>& scoring_table(scoring_rules rules) {
  const std::string s = "scoring_options";
  static const table<scoring_options> all{member("range", s, &scoring_options::range),
                                          member("min_answered", s, &scoring_options::min_answered),
                                          member("out_of_range", s, &scoring_options::out_of_range)};
  static const table<scoring_options> range_and_policy{
      member("range", s, &scoring_options::range),
      not_applicable<scoring_options>("min_answered", s, "a missing answer drops out of the likelihood"),
      member("out_of_range", s, &scoring_options::out_of_range)};
  static const table<scoring_options> policy{
      not_applicable<scoring_options>("range", s, "the item bank's categories are the range"),
      not_applicable<scoring_options>("min_answered", s, "the item bank's categories are the rule"),
      member("out_of_range", s, &scoring_options::out_of_range)};
  return rules == scoring_rules::all ? all : rules == scoring_rules::range_and_policy ? range_and_policy : policy;
}

const table<read_options>& read_table() {
  const std::string s = "read_options";
  const std::string file_only = "a matrix is not a file (give its columns in item order, named by \"columns\")";
  static const table<read_options> t{member("missing_codes", s, &read_options::missing_codes),
                                     member("id_column", s, &read_options::id_column),
                                     not_applicable<read_options>("csv", s, file_only),
                                     not_applicable<read_options>("items", s, file_only),
                                     not_applicable<read_options>("extra_columns", s, file_only),
                                     not_applicable<read_options>("skip_rows", s, file_only)};
  return t;
}

const table<input_options>& input_table(scoring_rules rules) {
  const std::string s = "input_options";
  auto make = [&](scoring_rules k) {
    return table<input_options>{nested("read", s, &input_options::read, read_table(), "read_options"),
                                nested("scoring", s, &input_options::scoring, scoring_table(k), "scoring_options"),
                                member("sanity_warnings", s, &input_options::sanity_warnings),
                                not_applicable<input_options>("keep", s, "a matrix carries no other columns"),
                                not_applicable<input_options>("progress", s, "callbacks are not JSON")};
  };
  static const table<input_options> all = make(scoring_rules::all);
  static const table<input_options> range_and_policy = make(scoring_rules::range_and_policy);
  static const table<input_options> policy = make(scoring_rules::policy);
  return rules == scoring_rules::all ? all : rules == scoring_rules::range_and_policy ? range_and_policy : policy;
}

// The short keys of input_options every study on a matrix takes.
std::vector<std::pair<std::string, std::vector<std::string>>> input_short_keys(scoring_rules rules) {
  std::vector<std::pair<std::string, std::vector<std::string>>> k{{"id_column", {"input.read.id_column"}},
                                                                  {"missing_codes", {"input.read.missing_codes"}}};
  if (rules != scoring_rules::policy) k.push_back({"range", {"input.scoring.range"}});
  if (rules == scoring_rules::all) k.push_back({"min_answered", {"input.scoring.min_answered"}});
  k.push_back({"out_of_range", {"input.scoring.out_of_range"}});
  return k;
}

const char* const kCallbacks = "callbacks are not JSON";
const char* const kSetByStudy = "the study sets it";

const table<reliability_options>& reliability_options_table() {
  const std::string s = "reliability_options";
  using O = reliability_options;
  static const table<O> t{member("missing", s, &O::missing),
                          member("intervals", s, &O::intervals),
                          member("level", s, &O::level),
                          member("n_for_intervals", s, &O::n_for_intervals),
                          member("bootstrap", s, &O::bootstrap),
                          member("seed", s, &O::seed),
                          member("threads", s, &O::threads),
                          member("split_half", s, &O::split_half),
                          member("max_exhaustive_splits", s, &O::max_exhaustive_splits),
                          member("sampled_splits", s, &O::sampled_splits),
                          member("max_categories", s, &O::max_categories),
                          not_applicable<O>("item_names", s, "the items are named by \"columns\""),
                          not_applicable<O>("progress", s, kCallbacks)};
  return t;
}

const table<polychoric_options>& polychoric_table() {
  const std::string s = "polychoric_options";
  using O = polychoric_options;
  static const table<O> t{member("correct", s, &O::correct),
                          member("smooth", s, &O::smooth),
                          member("max_categories", s, &O::max_categories),
                          member("optimizer_tolerance", s, &O::optimizer_tolerance),
                          member("standard_errors", s, &O::standard_errors),
                          member("threads", s, &O::threads),
                          not_applicable<O>("progress", s, kCallbacks)};
  return t;
}

const table<efa_options>& efa_table() {
  const std::string s = "efa_options";
  using O = efa_options;
  static const table<O> t{member("n_factors", s, &O::n_factors),
                          member("method", s, &O::method),
                          member("rotation", s, &O::rotation),
                          member("oblimin_gamma", s, &O::oblimin_gamma),
                          member("geomin_delta", s, &O::geomin_delta),
                          member("max_iterations", s, &O::max_iterations),
                          member("rotation_tolerance", s, &O::rotation_tolerance),
                          not_applicable<O>("pair_counts", s, kSetByStudy)};
  return t;
}

const table<efa_fit_options>& efa_fit_table() {
  static const table<efa_fit_options> t{member("level", "efa_fit_options", &efa_fit_options::level)};
  return t;
}

const table<parallel_options>& parallel_table() {
  const std::string s = "parallel_options";
  using O = parallel_options;
  static const table<O> t{member("replicates", s, &O::replicates),
                          member("quantile", s, &O::quantile),
                          member("seed", s, &O::seed),
                          member("method", s, &O::method),
                          member("threads", s, &O::threads),
                          not_applicable<O>("progress", s, kCallbacks)};
  return t;
}

const table<cfa_options>& cfa_table() {
  const std::string s = "cfa_options";
  using O = cfa_options;
  static const table<O> t{member("max_iterations", s, &O::max_iterations),
                          member("tolerance", s, &O::tolerance),
                          member("rmsea_ci_level", s, &O::rmsea_ci_level),
                          member("rmsea_close_h0", s, &O::rmsea_close_h0),
                          member("start", s, &O::start),
                          not_applicable<O>("progress", s, kCallbacks)};
  return t;
}

const table<quality_options>& quality_options_table() {
  const std::string s = "quality_options";
  using O = quality_options;
  static const table<O> t{member("longstring_share", s, &O::longstring_share),
                          member("irv_blocks", s, &O::irv_blocks),
                          member("irv_min", s, &O::irv_min),
                          member("irv_max", s, &O::irv_max),
                          member("mahalanobis_confidence", s, &O::mahalanobis_confidence),
                          member("mahalanobis_missing", s, &O::mahalanobis_missing),
                          member("evenodd_max", s, &O::evenodd_max),
                          member("evenodd_min_subscales", s, &O::evenodd_min_subscales),
                          member("psychsyn_critical", s, &O::psychsyn_critical),
                          member("psychant_critical", s, &O::psychant_critical),
                          member("psychsyn_min", s, &O::psychsyn_min),
                          member("psychant_max", s, &O::psychant_max),
                          member("reversal_max", s, &O::reversal_max),
                          not_applicable<O>("min_answered", s, "the study takes input.scoring.min_answered")};
  return t;
}

const table<quadrature_options>& quadrature_table() {
  const std::string s = "quadrature_options";
  using O = quadrature_options;
  static const table<O> t{member("rule", s, &O::rule), member("points", s, &O::points), member("lower", s, &O::lower),
                          member("upper", s, &O::upper)};
  return t;
}

// The short keys quadrature_rule, _points, _lower, _upper of the grid at `path`.
std::vector<std::pair<std::string, std::vector<std::string>>> quadrature_short_keys(const std::string& path) {
  return {{"quadrature_rule", {path + ".rule"}},
          {"quadrature_points", {path + ".points"}},
          {"quadrature_lower", {path + ".lower"}},
          {"quadrature_upper", {path + ".upper"}}};
}

const table<grm_options>& grm_table() {
  const std::string s = "grm_options";
  using O = grm_options;
  static const table<O> t{member("scale", s, &O::scale),
                          not_applicable<O>("items", s, "the study sets them from the instrument or the columns"),
                          member("unused_categories", s, &O::unused_categories),
                          nested("quadrature", s, &O::quadrature, quadrature_table(), "quadrature_options"),
                          member("acceleration", s, &O::acceleration),
                          member("start", s, &O::start),
                          member("max_iterations", s, &O::max_iterations),
                          member("tolerance", s, &O::tolerance),
                          member("max_slope", s, &O::max_slope),
                          member("standard_errors", s, &O::standard_errors),
                          member("item_fit", s, &O::item_fit),
                          member("min_expected", s, &O::min_expected),
                          member("threads", s, &O::threads),
                          not_applicable<O>("progress", s, kCallbacks)};
  return t;
}

const table<bank_provenance>& provenance_table() {
  const std::string s = "bank_provenance";
  using O = bank_provenance;
  static const table<O> t{member("source", s, &O::source), member("sample", s, &O::sample), member("n", s, &O::n),
                          member("date", s, &O::date), member("script", s, &O::script)};
  return t;
}

const table<grm_score_options>& grm_score_table() {
  const std::string s = "grm_score_options";
  using O = grm_score_options;
  static const table<O> t{member("method", s, &O::method),
                          nested("quadrature", s, &O::quadrature, quadrature_table(), "quadrature_options"),
                          member("prior_mean", s, &O::prior_mean),
                          member("prior_sd", s, &O::prior_sd),
                          member("ml_map_fallback", s, &O::ml_map_fallback),
                          member("max_theta", s, &O::max_theta),
                          member("max_iterations", s, &O::max_iterations),
                          member("threads", s, &O::threads)};
  return t;
}

// cat_stop_rules.se: 0 = no SE rule (as --stop-se 0).
void read_stop_se(const json& v, std::optional<double>& out, const place& at) {
  double se = 0;
  read_value(v, se, at);
  out = se > 0 ? std::optional<double>(se) : std::nullopt;
}

const table<cat_stop_rules>& stop_table() {
  const std::string s = "cat_stop_rules";
  using O = cat_stop_rules;
  static const table<O> t{member("se", s, &O::se, read_stop_se), member("min_items", s, &O::min_items),
                          member("max_items", s, &O::max_items), member("se_change", s, &O::se_change),
                          member("max_total_items", s, &O::max_total_items)};
  return t;
}

const table<cat_options>& cat_table() {
  const std::string s = "cat_options";
  using O = cat_options;
  static const table<O> t{member("selection", s, &O::selection),
                          member("balance", s, &O::balance),
                          member("randomesque", s, &O::randomesque),
                          member("seed", s, &O::seed),
                          member("kl_delta", s, &O::kl_delta),
                          nested("stop", s, &O::stop, stop_table(), "cat_stop_rules"),
                          nested("quadrature", s, &O::quadrature, quadrature_table(), "quadrature_options")};
  return t;
}

// The CAT's short keys, under `path` ("" in a session); `seed_key` names its seed ("seed" in a
// session, "exposure_seed" in cat simulate, whose "seed" is the simulated respondents').
std::vector<std::pair<std::string, std::vector<std::string>>> cat_short_keys(const std::string& path,
                                                                             const std::string& seed_key) {
  auto k = quadrature_short_keys(path + "quadrature");
  if (!path.empty()) {  // in a session these are the members themselves
    for (const char* f : {"selection", "balance", "randomesque", "kl_delta"}) k.push_back({f, {path + f}});
    k.push_back({seed_key, {path + "seed"}});
  }
  for (const char* f : {"min_items", "max_items", "se_change", "max_total_items"}) {
    k.push_back({f, {path + "stop." + f}});
  }
  k.push_back({"stop_se", {path + "stop.se"}});
  return k;
}

// change_study_options.styles_method: a method name, or "none" for no styles.
void read_styles_method(const json& v, std::optional<classify_method>& out, const place& at) {
  if (!v.is_string()) fail(at, v, "must be a method name or \"none\"");
  if (v.get_ref<const std::string&>() == "none") {
    out.reset();
    return;
  }
  classify_method m{};
  read_value(v, m, at);
  out = m;
}

// ---- the studies' tables -----------------------------------------------------------------------

using short_keys = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The description of the matrix: every key here is a member of matrix_description.
const table<matrix_description>& description_table() {
  const std::string s;  // the keys are their own names in messages
  using O = matrix_description;
  static const table<O> t{member("columns", s, &O::columns),       member("ids", s, &O::ids),
                          member("source", s, &O::source),         member("wave_rows", s, &O::wave_rows),
                          member("wave_names", s, &O::wave_names), member("forced_choice", s, &O::forced_choice)};
  return t;
}

// A study's table: the matrix description's `description` keys, then the study options' table
// `t` (its members at `m` of the request) with its short keys.
template <class O>
table<study_request> study(O study_request::*m, const table<O>& t, const short_keys& keys,
                           std::initializer_list<const char*> description = {"columns", "ids", "source"}) {
  table<study_request> out;
  for (const auto& f : within(&study_request::data, description_table())) {
    for (const char* k : description) {
      if (f.key == k) out.push_back(f);
    }
  }
  for (auto& f : within(m, with_short_keys(t, keys))) out.push_back(std::move(f));
  return out;
}

short_keys plus(short_keys a, const short_keys& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The bank studies' option "bank": the bank's JSON object (or its text), kept as text and read by
// the C API (which also takes a handle).
void read_bank_text(const json& v, std::string& out, const place& at) {
  if (v.is_object()) {
    out = v.dump();
  } else if (v.is_string()) {
    out = v.get<std::string>();
  } else {
    fail(place{at.key, "item_bank"}, v, "must be an item bank (its JSON object, or its text)");
  }
}

table<study_request> with_bank(table<study_request> t) {
  table<study_request> out{
      within(&study_request::data,
             table<matrix_description>{member("bank", "", &matrix_description::bank_json, read_bank_text)})};
  out.insert(out.end(), t.begin(), t.end());
  return out;
}

table<study_request> make_study_table(study_kind kind) {
  using S = study_request;
  switch (kind) {
    case study_kind::score: {
      using O = score_study_options;
      static const table<O> t{
          nested("input", "score_study_options", &O::input, input_table(scoring_rules::all), "input_options"),
          not_applicable<O>("chunk_rows", "score_study_options", "it is score_file's (a file read in chunks)"),
          not_applicable<O>("threads", "score_study_options", "it is score_file's (a file read in chunks)")};
      return study(&S::score, t, input_short_keys(scoring_rules::all));
    }
    case study_kind::reliability: {
      using O = reliability_study_options;
      const std::string s = "reliability_study_options";
      static const table<O> t{
          nested("input", s, &O::input, input_table(scoring_rules::all), "input_options"),
          nested("reliability", s, &O::reliability, reliability_options_table(), "reliability_options"),
          member("reversed", s, &O::reversed),
          member("omega_bootstrap", s, &O::omega_bootstrap),
          member("ordinal", s, &O::ordinal),
          member("icc", s, &O::icc)};
      short_keys k = input_short_keys(scoring_rules::all);
      for (const auto& f : reliability_options_table()) {
        if (f.listed) k.push_back({f.key, {"reliability." + f.key}});
      }
      return study(&S::reliability, t, k);
    }
    case study_kind::correlate: {
      using O = correlate_study_options;
      using C = correlation_options;
      static const table<C> c{
          member("method", "correlation_options", &C::method),
          nested("polychoric", "correlation_options", &C::polychoric, polychoric_table(), "polychoric_options")};
      static const table<O> t{
          nested("input", "correlate_study_options", &O::input, input_table(scoring_rules::all), "input_options"),
          nested("correlation", "correlate_study_options", &O::correlation, c, "correlation_options")};
      short_keys k = plus(input_short_keys(scoring_rules::all), {{"method", {"correlation.method"}}});
      for (const auto& f : polychoric_table()) {
        if (f.listed) k.push_back({f.key, {"correlation.polychoric." + f.key}});
      }
      return study(&S::correlate, t, k);
    }
    case study_kind::factor: {
      using O = factor_study_options;
      const std::string s = "factor_study_options";
      static const table<O> t{
          nested("input", s, &O::input, input_table(scoring_rules::all), "input_options"),
          member("analysis", s, &O::analysis),
          member("subscales", s, &O::subscales),
          nested("efa", s, &O::efa, efa_table(), "efa_options"),
          nested("efa_fit", s, &O::efa_fit, efa_fit_table(), "efa_fit_options"),
          member("parallel", s, &O::parallel),
          nested("parallel_analysis", s, &O::parallel_analysis, parallel_table(), "parallel_options"),
          member("polychoric", s, &O::polychoric),
          member("scores", s, &O::scores),
          nested("cfa", s, &O::cfa, cfa_table(), "cfa_options")};
      short_keys k = input_short_keys(scoring_rules::all);
      for (const char* f : {"n_factors", "method", "rotation", "oblimin_gamma", "geomin_delta", "rotation_tolerance"}) {
        k.push_back({f, {std::string("efa.") + f}});
      }
      // One name for the iteration cap of whichever analysis runs.
      k.push_back({"max_iterations", {"efa.max_iterations", "cfa.max_iterations"}});
      for (const char* f : {"tolerance", "rmsea_ci_level", "rmsea_close_h0", "start"}) {
        k.push_back({f, {std::string("cfa.") + f}});
      }
      return study(&S::factor, t, k);
    }
    case study_kind::classify: {
      using O = classify_study_options;
      const std::string s = "classify_study_options";
      static const table<O> t{
          nested("input", s, &O::input, input_table(scoring_rules::all), "input_options"),
          member("method", s, &O::method),
          member("rescale_to_1_7", s, &O::rescale_to_1_7),
          member("reliability", s, &O::reliability),
          member("sd", s, &O::sd),
          member("norms", s, &O::norms),
          member("prototypes", s, &O::prototypes),
          not_applicable<O>("forced_choice_column", s, "give each row's choice as \"forced_choice\""),
          member("on_cut", s, &O::on_cut),
          member("kmeans_starts", s, &O::kmeans_starts),
          member("seed", s, &O::seed),
          member("probability_threshold", s, &O::probability_threshold)};
      return study(&S::classify, t, input_short_keys(scoring_rules::all),
                   {"columns", "ids", "source", "forced_choice"});
    }
    case study_kind::change: {
      using O = change_study_options;
      const std::string s = "change_study_options";
      static const table<O> t{nested("input", s, &O::input, input_table(scoring_rules::all), "input_options"),
                              member("scales", s, &O::scales),
                              member("reliability", s, &O::reliability),
                              member("sd", s, &O::sd),
                              member("norms", s, &O::norms),
                              member("functional_norms", s, &O::functional_norms),
                              member("dysfunctional_norms", s, &O::dysfunctional_norms),
                              member("cutoff", s, &O::cutoff),
                              member("critical", s, &O::critical),
                              member("directions", s, &O::directions),
                              member("styles_method", s, &O::styles_method, read_styles_method),
                              member("rescale_to_1_7", s, &O::rescale_to_1_7),
                              member("level", s, &O::level)};
      return study(&S::change, t, input_short_keys(scoring_rules::all),
                   {"columns", "ids", "source", "wave_rows", "wave_names"});
    }
    case study_kind::quality: {
      using O = quality_study_options;
      const std::string s = "quality_study_options";
      static const table<O> t{nested("input", s, &O::input, input_table(scoring_rules::all), "input_options"),
                              nested("quality", s, &O::quality, quality_options_table(), "quality_options"),
                              member("bank", s, &O::bank), member("lz_min", s, &O::lz_min)};
      short_keys k = input_short_keys(scoring_rules::all);
      for (const auto& f : quality_options_table()) {
        if (f.listed) k.push_back({f.key, {"quality." + f.key}});
      }
      return study(&S::quality, t, k);
    }
    case study_kind::irt_fit: {
      using O = irt_fit_study_options;
      const std::string s = "irt_fit_study_options";
      static const table<O> t{
          nested("input", s, &O::input, input_table(scoring_rules::range_and_policy), "input_options"),
          nested("grm", s, &O::grm, grm_table(), "grm_options"),
          member("reversed", s, &O::reversed),
          nested("provenance", s, &O::provenance, provenance_table(), "bank_provenance"),
          member("licence", s, &O::licence),
          member("notes", s, &O::notes)};
      short_keys k = plus(input_short_keys(scoring_rules::range_and_policy), quadrature_short_keys("grm.quadrature"));
      for (const auto& f : grm_table()) {
        if (f.listed && f.key != "quadrature") k.push_back({f.key, {"grm." + f.key}});
      }
      for (const auto& f : provenance_table()) k.push_back({"provenance_" + f.key, {"provenance." + f.key}});
      return study(&S::irt_fit, t, k);
    }
    case study_kind::irt_score: {
      using O = irt_score_study_options;
      const std::string s = "irt_score_study_options";
      static const table<O> t{nested("input", s, &O::input, input_table(scoring_rules::policy), "input_options"),
                              nested("scoring", s, &O::scoring, grm_score_table(), "grm_score_options")};
      short_keys k = plus(input_short_keys(scoring_rules::policy), quadrature_short_keys("scoring.quadrature"));
      for (const auto& f : grm_score_table()) {
        if (f.key != "quadrature") k.push_back({f.key, {"scoring." + f.key}});
      }
      return with_bank(study(&S::irt_score, t, k));
    }
    case study_kind::irt_info: {
      using O = irt_info_study_options;
      const std::string s = "irt_info_study_options";
      static const table<O> t{member("theta_min", s, &O::theta_min), member("theta_max", s, &O::theta_max),
                              member("theta_step", s, &O::theta_step)};
      return with_bank(study(&S::irt_info, t, {}, {}));
    }
    case study_kind::irt_simulate: {
      using O = grm_simulation_options;
      const std::string s = "grm_simulation_options";
      static const table<O> t{member("n", s, &O::n), member("seed", s, &O::seed),
                              member("missing_rate", s, &O::missing_rate), member("threads", s, &O::threads)};
      return with_bank(study(&S::irt_simulate, t, {}, {}));
    }
    case study_kind::cat_simulate: {
      using C = cat_simulation_options;
      using O = cat_simulation_study_options;
      static const table<C> c{member("n", "cat_simulation_options", &C::n),
                              member("seed", "cat_simulation_options", &C::seed),
                              nested("cat", "cat_simulation_options", &C::cat, cat_table(), "cat_options"),
                              member("threads", "cat_simulation_options", &C::threads),
                              not_applicable<C>("progress", "cat_simulation_options", kCallbacks)};
      static const table<O> t{
          nested("simulation", "cat_simulation_study_options", &O::simulation, c, "cat_simulation_options"),
          nested("input", "cat_simulation_study_options", &O::input, input_table(scoring_rules::policy),
                 "input_options")};
      short_keys k =
          plus(input_short_keys(scoring_rules::policy),
               {{"n", {"simulation.n"}}, {"seed", {"simulation.seed"}}, {"threads", {"simulation.threads"}}});
      return with_bank(study(&S::cat_simulate, t, plus(k, cat_short_keys("simulation.cat.", "exposure_seed"))));
    }
  }
  return {};
}

// Every study's table, built once (the tables are immutable: safe from any thread).
const table<study_request>& study_table(study_kind kind) {
  static const std::vector<table<study_request>> all = [] {
    std::vector<table<study_request>> t;
    for (int k = 0; k <= static_cast<int>(study_kind::cat_simulate); ++k)
      t.push_back(make_study_table(static_cast<study_kind>(k)));
    return t;
  }();
  return all[static_cast<std::size_t>(kind)];
}

json parse_object(const char* options_json) {
  if (options_json == nullptr || *options_json == '\0') return json::object();
  json obj = detail::parse_json_strict(options_json, kSource);
  if (!obj.is_object()) {
    throw error(errc::bad_input,
                "options must be a JSON object {\"name\": value, ...}; given " + detail::describe_json(obj),
                {.source = kSource, .rule = "json"});
  }
  return obj;
}

// The short keys of a table (for the message about a struct member given a non-object).
template <class O>
short_keys short_keys_of(const table<O>& t) {
  short_keys k;
  for (const auto& f : t) {
    if (!f.paths.empty()) k.push_back({f.key, f.paths});
  }
  return k;
}

// Reads `options_json` through `t` into `o`.
template <class O>
void read_options_json(const table<O>& t, O& o, const char* options_json, const std::string& owner,
                       const short_keys& keys = {}) {
  const json obj = parse_object(options_json);
  reading r{owner, {}, keys};
  read_object(t, o, obj, "", "", owner, r);
}

}  // namespace

namespace {
// Every study, in study_kind order, as the command line names it.
constexpr std::string_view kStudyNames[] = {"score",     "reliability", "correlate",    "factor",
                                            "classify",  "change",      "quality",      "irt fit",
                                            "irt score", "irt info",    "irt simulate", "cat simulate"};
}  // namespace

std::string_view study_name(study_kind kind) { return kStudyNames[static_cast<int>(kind)]; }

bool needs_bank(study_kind kind) {
  return kind == study_kind::irt_score || kind == study_kind::irt_info || kind == study_kind::irt_simulate ||
         kind == study_kind::cat_simulate;
}

bool takes_no_data(study_kind kind) { return kind == study_kind::irt_info || kind == study_kind::irt_simulate; }

study_kind parse_study_kind(std::string_view name) {
  for (std::size_t k = 0; k < std::size(kStudyNames); ++k) {
    if (kStudyNames[k] == name) return static_cast<study_kind>(k);
  }
  std::string known;
  for (std::string_view n : kStudyNames) known += (known.empty() ? "" : ", ") + std::string(n);
  throw error(errc::invalid_argument, "unknown study " + detail::quoted(std::string(name)) + ": use " + known,
              {.value = std::string(name.substr(0, 80)), .option = "study_name", .rule = "unknown_study"});
}

study_request parse_study_options(study_kind kind, const char* options_json) {
  study_request q;
  static const std::vector<short_keys> shorts = [] {
    std::vector<short_keys> s;
    for (int k = 0; k <= static_cast<int>(study_kind::cat_simulate); ++k) {
      s.push_back(short_keys_of(study_table(static_cast<study_kind>(k))));
    }
    return s;
  }();
  read_options_json(study_table(kind), q, options_json, "the " + std::string(study_name(kind)) + " study",
                    shorts[static_cast<std::size_t>(kind)]);
  // The missing codes apply to the matrix as the file reader applies them to its cells.
  const input_options* in = nullptr;
  switch (kind) {
    case study_kind::score:
      in = &q.score.input;
      break;
    case study_kind::reliability:
      in = &q.reliability.input;
      break;
    case study_kind::correlate:
      in = &q.correlate.input;
      break;
    case study_kind::factor:
      in = &q.factor.input;
      break;
    case study_kind::classify:
      in = &q.classify.input;
      break;
    case study_kind::change:
      in = &q.change.input;
      break;
    case study_kind::quality:
      in = &q.quality.input;
      break;
    case study_kind::irt_fit:
      in = &q.irt_fit.input;
      break;
    case study_kind::irt_score:
      in = &q.irt_score.input;
      break;
    case study_kind::cat_simulate:
      in = &q.cat_simulate.input;
      break;
    case study_kind::irt_info:
    case study_kind::irt_simulate:
      break;
  }
  if (in != nullptr) q.data.missing_codes = in->read.missing_codes;
  // The RQ forced choice of every row, carried as the extra column "forced_choice".
  if (!q.data.forced_choice.empty()) q.classify.forced_choice_column = "forced_choice";
  return q;
}

cat_options parse_cat_options(const char* options_json) {
  static const table<cat_options> t = with_short_keys(cat_table(), cat_short_keys("", "seed"));
  cat_options c;
  read_options_json(t, c, options_json, "a CAT session", short_keys_of(t));
  return c;
}

scoring_options parse_scoring_options(const char* options_json) {
  scoring_options s;
  read_options_json(scoring_table(scoring_rules::all), s, options_json, "score_respondent");
  return s;
}

}  // namespace capi
ATTUNE_END_NAMESPACE
