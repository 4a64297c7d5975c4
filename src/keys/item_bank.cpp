// Item banks of graded-response items and their JSON format `attune-item-bank/1` (docs/irt.md).
#include "attune/keys/item_bank.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "attune/io/output_file.hpp"
#include "detail/file.hpp"
#include "detail/json_input.hpp"
#include "detail/json_text.hpp"
#include "detail/number_text.hpp"
#include "keys/item_bank_json.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

constexpr std::string_view kFormat = "attune-item-bank/1";

[[noreturn]] void item_fail(const bank_item& it, const std::string& what, const std::string& rule,
                            const std::optional<double>& value = std::nullopt) {
  error_details d;
  d.item = it.id;
  d.rule = rule;
  if (value) d.value = number_text(*value);
  throw error(errc::bad_input, "item bank: item " + detail::quoted(it.id) + ": " + what, d);
}

}  // namespace

std::string_view to_string(irt_parameterisation p) noexcept {
  switch (p) {
    case irt_parameterisation::slope_intercept: return "slope_intercept";
    case irt_parameterisation::classical: return "classical";
  }
  return "slope_intercept";
}

std::optional<irt_parameterisation> parse_irt_parameterisation(std::string_view s) noexcept {
  if (s == "slope_intercept" || s == "a/d") return irt_parameterisation::slope_intercept;
  if (s == "classical" || s == "a/b") return irt_parameterisation::classical;
  return std::nullopt;
}

std::optional<int> bank_item::category_of(double value) const noexcept {
  // categories are few (K <= a few dozen): a linear scan beats a binary search
  const int k = category_count();
  for (int c = 0; c < k; ++c)
    if (categories[static_cast<std::size_t>(c)] == value) return reversed ? k - 1 - c : c;
  return std::nullopt;
}

double bank_item::value_of(int category) const noexcept {
  const int k = category_count();
  return categories[static_cast<std::size_t>(reversed ? k - 1 - category : category)];
}

std::vector<double> bank_item::b() const {
  std::vector<double> out(intercepts.size());
  for (std::size_t k = 0; k < intercepts.size(); ++k) out[k] = -intercepts[k] / slope;
  return out;
}

void bank_item::validate() const {
  if (id.empty()) item_fail(*this, "the id is empty", "empty_id");
  if (categories.size() < 2)
    item_fail(*this, "has " + std::to_string(categories.size()) + " categories; a graded item needs at least 2",
              "too_few_categories");
  for (std::size_t c = 0; c < categories.size(); ++c) {
    if (!std::isfinite(categories[c]))
      item_fail(*this, "categories[" + std::to_string(c) + "] is not a finite number", "category_not_finite", categories[c]);
    if (c > 0 && !(categories[c] > categories[c - 1]))
      item_fail(*this,
                "categories must be strictly increasing (categories[" + std::to_string(c) + "] = " +
                    number_text(categories[c]) + " after " + number_text(categories[c - 1]) + ")",
                "categories_not_increasing", categories[c]);
  }
  if (!std::isfinite(slope) || slope == 0)
    item_fail(*this, "slope = " + number_text(slope) + ": it must be finite and nonzero (a zero slope carries no information)",
              "bad_slope", slope);
  if (intercepts.size() + 1 != categories.size())
    item_fail(*this,
              "has " + std::to_string(intercepts.size()) + " intercepts for " + std::to_string(categories.size()) +
                  " categories; it needs one fewer than its categories",
              "intercept_count");
  for (std::size_t k = 0; k < intercepts.size(); ++k) {
    if (!std::isfinite(intercepts[k]))
      item_fail(*this, "intercepts[" + std::to_string(k) + "] is not a finite number", "intercept_not_finite", intercepts[k]);
    if (k > 0 && !(intercepts[k] < intercepts[k - 1]))
      item_fail(*this,
                "intercepts must be strictly decreasing, d_1 > d_2 > ... (intercepts[" + std::to_string(k) + "] = " +
                    number_text(intercepts[k]) + " after " + number_text(intercepts[k - 1]) + ")",
                "intercepts_not_decreasing", intercepts[k]);
  }
}

void item_bank::validate() const {
  if (model != "graded") {
    error_details d;
    d.value = model;
    d.rule = "unknown_model";
    throw error(errc::bad_input, "item bank: model " + detail::quoted(model) + " is not supported (only \"graded\")", d);
  }
  if (!std::isfinite(scaling_constant) || !(scaling_constant > 0)) {
    error_details d;
    d.value = number_text(scaling_constant);
    d.rule = "bad_scaling_constant";
    throw error(errc::bad_input, "item bank: D = " + number_text(scaling_constant) + ": it must be positive and finite (1 or 1.702)", d);
  }
  if (items.empty()) throw error(errc::bad_input, "item bank: it has no items", {.rule = "no_items"});
  std::set<std::string_view> seen;
  for (const auto& it : items) {
    it.validate();
    if (it.scale.empty()) item_fail(it, "has no scale (every item belongs to one scale)", "empty_scale");
    if (!seen.insert(it.id).second) item_fail(it, "the id is used by more than one item", "duplicate_id");
  }
}

std::vector<std::string> item_bank::scales() const {
  std::vector<std::string> out;
  for (const auto& it : items)
    if (std::find(out.begin(), out.end(), it.scale) == out.end()) out.push_back(it.scale);
  return out;
}

std::vector<std::size_t> item_bank::scale_item_indices(std::string_view scale) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].scale == scale) out.push_back(i);
  return out;
}

std::vector<bank_item> item_bank::scale_items(std::string_view scale) const {
  std::vector<bank_item> out;
  for (const auto& it : items)
    if (it.scale == scale) out.push_back(it);
  return out;
}

std::ptrdiff_t item_bank::item_index(std::string_view id) const noexcept {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].id == id) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

std::string item_bank_fingerprint(const item_bank& bank) {
  // FNV-1a, 64 bit (Fowler, Noll & Vo); strings with their length so that ("ab","c") != ("a","bc")
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto bytes = [&h](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 0x100000001b3ULL;
    }
  };
  auto u64 = [&](std::uint64_t v) { bytes(&v, sizeof v); };
  auto real = [&](double x) {
    std::uint64_t v;
    std::memcpy(&v, &x, sizeof v);
    u64(v);
  };
  auto text = [&](const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  };
  u64(bank.items.size());
  for (const auto& it : bank.items) {
    text(it.id);
    text(it.scale);
    u64(it.categories.size());
    for (double c : it.categories) real(c);
    u64(it.reversed ? 1 : 0);
    real(it.slope);
    u64(it.intercepts.size());
    for (double d : it.intercepts) real(d);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string_view item_bank_format() noexcept { return kFormat; }

// ---------------------------------------------------------------------------------------------
// JSON

item_bank item_bank_from_json(std::string_view json_text, const std::string& source) {
  using detail::json_object_reader;
  const nlohmann::json doc = detail::parse_json_strict(json_text, source);
  json_object_reader r(doc, "", source,
                       {"format", "model", "parameterisation", "D", "instrument", "provenance", "licence", "notes", "items",
                        "fit"});
  item_bank bank;
  const std::string format = r.string("format");
  if (format != kFormat) r.fail("format", "must be \"" + std::string(kFormat) + "\" (this version of attune reads only that format)");
  bank.model = r.string("model");
  if (bank.model != "graded") r.fail("model", "must be \"graded\" (Samejima's graded response model; no other model is supported)");
  const std::string par = r.string("parameterisation");
  const auto p = parse_irt_parameterisation(par);
  if (!p) r.fail("parameterisation", "must be \"slope_intercept\" (a/d) or \"classical\" (a/b)");
  bank.parameterisation = *p;
  bank.scaling_constant = r.number("D");
  if (!std::isfinite(bank.scaling_constant) || !(bank.scaling_constant > 0)) r.fail("D", "must be a positive number (1 or 1.702)");
  bank.instrument = r.string_or("instrument", "");
  bank.licence = r.string_or("licence", "");
  bank.notes = r.string_or("notes", "");
  if (r.has("provenance")) {
    json_object_reader pr(r.at("provenance"), "provenance", source, {"source", "sample", "n", "date", "script"});
    bank.provenance.source = pr.string_or("source", "");
    bank.provenance.sample = pr.string_or("sample", "");
    bank.provenance.date = pr.string_or("date", "");
    bank.provenance.script = pr.string_or("script", "");
    if (pr.has("n")) bank.provenance.n = static_cast<std::size_t>(pr.count("n"));
  }
  // the calibration report `attune irt fit` writes (study_irt_fit): not needed for scoring, so
  // only its shape is checked
  if (r.has("fit") && !r.at("fit").is_object()) r.fail("fit", "must be an object (the calibration report)");
  const auto& items = r.array("items");
  if (items.empty()) r.fail("items", "is empty: a bank needs at least one item");
  const bool classical = bank.parameterisation == irt_parameterisation::classical;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = "items[" + std::to_string(i) + "]";
    json_object_reader ir(items[i], path, source,
                          classical ? std::initializer_list<const char*>{"id", "scale", "categories", "reversed", "a", "b"}
                                    : std::initializer_list<const char*>{"id", "scale", "categories", "reversed", "slope", "intercepts"});
    bank_item it;
    it.id = ir.string("id");
    ir.set_item(it.id);
    if (it.id.empty()) ir.fail("id", "is empty");
    if (!ids.insert(it.id).second) ir.fail("id", "is the id of an earlier item too (ids must be unique)");
    it.scale = ir.string("scale");
    if (it.scale.empty()) ir.fail("scale", "is empty (every item belongs to one scale)");
    it.categories = ir.numbers("categories");
    if (it.categories.size() < 2) ir.fail("categories", "must list at least 2 answer values");
    for (std::size_t c = 1; c < it.categories.size(); ++c)
      if (!(it.categories[c] > it.categories[c - 1])) ir.fail("categories", "must be strictly increasing");
    it.reversed = ir.boolean_or("reversed", false);
    const std::size_t k = it.categories.size();
    if (classical) {
      const double a = ir.number("a");
      const std::vector<double> b = ir.numbers("b");
      if (!std::isfinite(a) || a == 0) ir.fail("a", "must be a finite, nonzero number");
      if (b.size() + 1 != k)
        ir.fail("b", "must hold " + std::to_string(k - 1) + " thresholds (one fewer than the " + std::to_string(k) + " categories)");
      for (std::size_t j = 1; j < b.size(); ++j)
        if (a > 0 ? !(b[j] > b[j - 1]) : !(b[j] < b[j - 1]))
          ir.fail("b", std::string("must be strictly ") + (a > 0 ? "increasing" : "decreasing (the slope is negative)") +
                           " (b[" + std::to_string(j) + "] = " + number_text(b[j]) + " after " + number_text(b[j - 1]) + ")");
      // a/b -> slope-intercept: slope = D a, d_k = -slope b_k (mirt's traditional2mirt for graded)
      it.slope = bank.scaling_constant * a;
      it.intercepts.resize(b.size());
      for (std::size_t j = 0; j < b.size(); ++j) it.intercepts[j] = -it.slope * b[j];
    } else {
      it.slope = ir.number("slope");
      if (!std::isfinite(it.slope) || it.slope == 0) ir.fail("slope", "must be a finite, nonzero number");
      it.intercepts = ir.numbers("intercepts");
      if (it.intercepts.size() + 1 != k)
        ir.fail("intercepts", "must hold " + std::to_string(k - 1) + " intercepts (one fewer than the " + std::to_string(k) + " categories)");
      for (std::size_t j = 1; j < it.intercepts.size(); ++j)
        if (!(it.intercepts[j] < it.intercepts[j - 1]))
          ir.fail("intercepts", "must be strictly decreasing, d_1 > d_2 > ... (intercepts[" + std::to_string(j) + "] = " +
                                    number_text(it.intercepts[j]) + " after " + number_text(it.intercepts[j - 1]) + ")");
    }
    bank.items.push_back(std::move(it));
  }
  try {
    bank.validate();
  } catch (const error& e) {
    throw e.with_context(source + ": ", {.source = source});
  }
  return bank;
}

namespace detail {

nlohmann::ordered_json item_bank_document(const item_bank& bank) {
  bank.validate();
  using ojson = nlohmann::ordered_json;
  ojson doc;
  doc["format"] = std::string(kFormat);
  doc["model"] = bank.model;
  doc["parameterisation"] = std::string(to_string(bank.parameterisation));
  doc["D"] = bank.scaling_constant;
  doc["instrument"] = bank.instrument;
  ojson prov;
  prov["source"] = bank.provenance.source;
  prov["sample"] = bank.provenance.sample;
  if (bank.provenance.n) prov["n"] = *bank.provenance.n;
  prov["date"] = bank.provenance.date;
  prov["script"] = bank.provenance.script;
  doc["provenance"] = std::move(prov);
  doc["licence"] = bank.licence;
  if (!bank.notes.empty()) doc["notes"] = bank.notes;
  ojson items = ojson::array();
  for (const auto& it : bank.items) {
    ojson j;
    j["id"] = it.id;
    j["scale"] = it.scale;
    // answer codes are usually whole numbers: write them as such (they read back as the same doubles)
    ojson cats = ojson::array();
    for (double c : it.categories) {
      if (c == std::trunc(c) && std::abs(c) < 9007199254740992.0) cats.push_back(static_cast<std::int64_t>(c));
      else cats.push_back(c);
    }
    j["categories"] = std::move(cats);
    j["reversed"] = it.reversed;
    if (bank.parameterisation == irt_parameterisation::classical) {
      j["a"] = it.a(bank.scaling_constant);
      j["b"] = it.b();
    } else {
      j["slope"] = it.slope;
      j["intercepts"] = it.intercepts;
    }
    items.push_back(std::move(j));
  }
  doc["items"] = std::move(items);
  return doc;
}

}  // namespace detail

std::string item_bank_to_json(const item_bank& bank) {
  return detail::pretty_json_text(detail::item_bank_document(bank)) + "\n";
}

item_bank load_item_bank(const std::string& path) {
  return item_bank_from_json(detail::read_text_file(path), path);
}

void save_item_bank(const item_bank& bank, const std::string& path) {
  write_output_file(path, item_bank_to_json(bank));
}

ATTUNE_END_NAMESPACE
