// The WebAssembly module's native layer (embind): a thin layer over the C API
// (include/attune/attune.h), which runs the study layer and returns the report layer's JSON, and
// over the C++ CAT session (include/attune/analyses/cat.hpp). It computes and formats nothing
// itself; bindings/wasm/js/attune.mjs turns its JSON texts into JS objects.
//
// Every function returns one JSON text, either {"result": <value>} or {"error": {<fields>}}, so
// that no C++ exception has to cross into JavaScript; the wrapper throws an AttuneError carrying
// the fields (code, message, source, row, line, column, item, value, option, rule).
// Inputs arrive as JSON text too: an answer vector or a row-major matrix (arrays of numbers, null
// = no answer), and options objects whose keys are the C++ options fields (docs/c-api.md).
#include <emscripten/bind.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/cat.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/attune.h"
#include "attune/core/error.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "capi/study_options.hpp"  // the C API's reader of the scoring options JSON

namespace {

using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string result(const std::string& value_json) { return "{\"result\":" + value_json + "}"; }

std::string error_text(const std::string& code, const std::string& message, json fields = json::object()) {
  fields["code"] = code;
  fields["message"] = message;
  return json{{"error", std::move(fields)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string from_error(const attune::error& e) {
  const attune::error_details& d = e.details();
  json f = json::object();
  auto put = [&](const char* key, const auto& v) {
    if (v) f[key] = *v;
  };
  put("source", d.source);
  put("row", d.row);
  put("line", d.line);
  put("column", d.column);
  put("item", d.item);
  put("value", d.value);
  put("option", d.option);
  put("rule", d.rule);
  return error_text(std::string(attune::to_string(e.code())), e.what(), std::move(f));
}

std::string from_c_error(const attune_error& e) {
  json f = json::object();
  auto text = [&](const char* key, const char* v) {
    if (v[0] != '\0') f[key] = v;
  };
  text("source", e.source);
  if (e.row >= 0) f["row"] = e.row;
  if (e.line >= 0) f["line"] = e.line;
  text("column", e.column);
  text("item", e.item);
  text("value", e.value);
  text("option", e.option);
  text("rule", e.rule);
  return error_text(attune_status_name(e.code), e.message, std::move(f));
}

/// Runs `body` (which returns the result's JSON text) and turns any exception into an error text.
template <class F>
std::string guarded(F&& body) {
  try {
    return result(body());
  } catch (const attune::error& e) {
    return from_error(e);
  } catch (const json::exception& e) {
    return error_text("bad_input", std::string("JSON from JavaScript: ") + e.what(), {{"source", "arguments"}});
  } catch (const std::bad_alloc&) {
    return error_text("out_of_memory", "memory ran out");
  } catch (const std::exception& e) {
    return error_text("internal_error", e.what());
  }
}

/// A C API text result, freed here.
std::string take(char* text) {
  std::unique_ptr<char, decltype(&attune_free)> owned(text, attune_free);
  return text == nullptr ? std::string("null") : std::string(text);
}

/// Numbers with null for a missing value (NaN).
std::vector<double> numbers(const json& a, const char* what) {
  if (!a.is_array()) throw attune::error(attune::errc::invalid_argument, std::string(what) + " must be an array of numbers");
  std::vector<double> out;
  out.reserve(a.size());
  for (const json& v : a) {
    if (v.is_null()) {
      out.push_back(kNaN);
    } else if (v.is_number()) {
      out.push_back(v.get<double>());
    } else {
      throw attune::error(attune::errc::invalid_argument,
                          std::string(what) + " must hold numbers or null (no answer), not " + v.dump(),
                          {.value = v.dump()});
    }
  }
  return out;
}

/// The instrument named by `spec`: a built-in id, or a JSON definition (text starting with '{').
std::shared_ptr<attune_instrument> instrument_handle(const std::string& spec, std::string& error) {
  attune_error err;
  attune_instrument* h = nullptr;
  const attune_status status = !spec.empty() && spec.front() == '{' ? attune_instrument_from_json(spec.c_str(), &h, &err)
                                                                    : attune_instrument_builtin(spec.c_str(), &h, &err);
  if (status != ATTUNE_OK) {
    error = from_c_error(err);
    return nullptr;
  }
  return {h, attune_instrument_free};
}

const attune::instrument& instrument_of(const std::string& spec, std::optional<attune::instrument>& storage) {
  if (!spec.empty() && spec.front() == '{') return storage.emplace(attune::instrument_from_json(spec, "instrument JSON"));
  const attune::instrument* inst = attune::find_builtin(spec);
  if (inst == nullptr) {
    throw attune::error(attune::errc::invalid_argument, "unknown instrument '" + spec + "'", {.value = spec});
  }
  return *inst;
}

// ---- instruments --------------------------------------------------------------------------

std::string version() { return result(json(attune_version()).dump()); }

std::string instrument_ids() {
  json ids = json::array();
  for (std::size_t i = 0; i < attune_instrument_builtin_count(); ++i) ids.push_back(attune_instrument_builtin_id(i));
  return result(ids.dump());
}

std::string instruments_document() {
  attune_error err;
  char* text = nullptr;
  if (attune_instruments_json(&text, &err) != ATTUNE_OK) return from_c_error(err);
  return result(take(text));
}

std::string instrument_definition(const std::string& spec) {
  std::string error;
  const auto inst = instrument_handle(spec, error);
  if (!inst) return error;
  attune_error err;
  char* text = nullptr;
  if (attune_instrument_to_json(inst.get(), &text, &err) != ATTUNE_OK) return from_c_error(err);
  return result(take(text));
}

// ---- scoring one respondent ---------------------------------------------------------------

std::string score_respondent(const std::string& spec, const std::string& answers_json, const std::string& options_json) {
  return guarded([&] {
    std::optional<attune::instrument> storage;
    const attune::instrument& inst = instrument_of(spec, storage);
    const std::vector<double> answers = numbers(json::parse(answers_json), "answers");
    const attune::scoring_options options = attune::capi::parse_scoring_options(options_json.c_str());
    const attune::respondent_scores s = attune::score_respondent(inst, answers, options);
    json scores = json::array();
    for (double x : s.scores) scores.push_back(std::isnan(x) ? json(nullptr) : json(x));
    return json{{"names", s.names}, {"scores", scores}, {"answered", s.answered}, {"n_out_of_range", s.n_out_of_range}}
        .dump();
  });
}

// ---- studies on a matrix ------------------------------------------------------------------

/// The JSON document of study `name` (as `attune <name> --format json`) on `matrix_json`, an array
/// of rows; `spec` empty = no instrument (reliability, correlate: the columns are one scale).
std::string study(const std::string& name, const std::string& spec, const std::string& matrix_json,
                  const std::string& options_json) {
  std::shared_ptr<attune_instrument> inst;
  if (!spec.empty()) {
    std::string error;
    inst = instrument_handle(spec, error);
    if (!inst) return error;
  }
  std::vector<double> data;
  std::size_t rows = 0;
  std::size_t cols = 0;
  try {
    const json matrix = json::parse(matrix_json);
    if (!matrix.is_array()) throw attune::error(attune::errc::invalid_argument, "data must be an array of rows");
    rows = matrix.size();
    for (std::size_t r = 0; r < rows; ++r) {
      const std::vector<double> row = numbers(matrix[r], "every row of data");
      if (r == 0) cols = row.size();
      if (row.size() != cols) {
        throw attune::error(attune::errc::invalid_argument,
                            "data row " + std::to_string(r + 1) + " has " + std::to_string(row.size()) +
                                " values; the first row has " + std::to_string(cols),
                            {.row = r + 1});
      }
      data.insert(data.end(), row.begin(), row.end());
    }
  } catch (const attune::error& e) {
    return from_error(e);
  } catch (const json::exception& e) {
    return error_text("bad_input", std::string("data from JavaScript: ") + e.what(), {{"source", "data"}});
  }
  attune_error err;
  char* text = nullptr;
  if (attune_study_json(name.c_str(), inst.get(), data.data(), rows, cols, options_json.c_str(), &text, &err) != ATTUNE_OK) {
    return from_c_error(err);
  }
  return result(take(text));
}

// ---- adaptive testing ---------------------------------------------------------------------


json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

/// A CAT session on an item bank (JSON "attune-item-bank/1"). Every method returns a JSON text.
class cat_session_handle {
 public:
  /// A new session. `options_json` holds cat_options fields with the names of a saved session's
  /// "options" (selection, balance, randomesque, seed, kl_delta, stop {se, min_items, max_items,
  /// se_change, max_total_items}, quadrature); missing ones keep their defaults. They are merged
  /// into a new session's saved JSON and read back by cat_session::restore, the one reader of
  /// those fields, which validates them.
  static std::string create(const std::string& bank_json, const std::string& options_json) {
    return guarded([&] {
      auto h = std::make_unique<cat_session_handle>();
      h->bank_ = attune::item_bank_from_json(bank_json);
      const attune::cat_session fresh(h->bank_);
      json saved = json::parse(fresh.save());
      json options = options_json.empty() ? json::object() : json::parse(options_json);
      if (!options.is_object()) throw attune::error(attune::errc::invalid_argument, "CAT options must be an object");
      if (options.contains("seed") && options["seed"].is_number_unsigned()) {
        options["seed"] = std::to_string(options["seed"].get<std::uint64_t>());
      }
      if (options.contains("seed")) saved["rng"]["seed"] = options["seed"];
      saved["options"].merge_patch(options);
      // merge_patch drops keys set to null: an unset stop rule is written as null again.
      for (const char* key : {"se", "max_items", "se_change", "max_total_items"}) {
        if (!saved["options"]["stop"].contains(key)) saved["options"]["stop"][key] = nullptr;
      }
      h->session_.emplace(attune::cat_session::restore(h->bank_, saved.dump()));
      return std::to_string(remember(std::move(h)));
    });
  }
  /// A session restored from `save()`'s text on the same bank.
  static std::string restore(const std::string& bank_json, const std::string& session_json) {
    return guarded([&] {
      auto h = std::make_unique<cat_session_handle>();
      h->bank_ = attune::item_bank_from_json(bank_json);
      h->session_.emplace(attune::cat_session::restore(h->bank_, session_json));
      return std::to_string(remember(std::move(h)));
    });
  }

  std::string next_item() {
    return guarded([&] {
      const std::optional<std::string> item = session_->next_item();
      return item ? json(*item).dump() : std::string("null");
    });
  }
  std::string answer(const std::string& item, const std::string& value_json) {
    return guarded([&] {
      const json v = json::parse(value_json);
      session_->answer(item, v.is_null() ? kNaN : v.get<double>());
      return std::string("null");
    });
  }
  std::string theta(const std::string& scale) {
    return guarded([&] { return finite_or_null(session_->theta(scale)).dump(); });
  }
  std::string se(const std::string& scale) {
    return guarded([&] { return finite_or_null(session_->se(scale)).dump(); });
  }
  /// {done, stop_rule, pending, scales: [{name, theta, se, items, stop}], history: [{item, scale, value, theta, se}]}
  std::string state() {
    return guarded([&] {
      json scales = json::array();
      for (const attune::cat_scale_status& s : session_->scales()) {
        scales.push_back({{"name", s.name},
                          {"theta", finite_or_null(s.theta)},
                          {"se", finite_or_null(s.se)},
                          {"items", s.items},
                          {"stop", s.stop ? json(std::string(attune::to_string(*s.stop))) : json(nullptr)}});
      }
      json history = json::array();
      for (const attune::cat_response& r : session_->history()) {
        history.push_back({{"item", r.item},
                           {"scale", r.scale},
                           {"value", finite_or_null(r.value)},
                           {"theta", finite_or_null(r.theta)},
                           {"se", finite_or_null(r.se)}});
      }
      const auto rule = session_->stop_rule();
      const auto pending = session_->pending();
      return json{{"done", session_->done()},
                  {"stop_rule", rule ? json(std::string(attune::to_string(*rule))) : json(nullptr)},
                  {"pending", pending ? json(*pending) : json(nullptr)},
                  {"scales", scales},
                  {"history", history}}
          .dump();
    });
  }
  std::string save() {
    return guarded([&] { return json(session_->save()).dump(); });
  }

  /// The session behind a handle number (0: none).
  static cat_session_handle* get(unsigned id) {
    auto it = sessions().find(id);
    return it == sessions().end() ? nullptr : it->second.get();
  }
  static void release(unsigned id) { sessions().erase(id); }

 private:
  static std::map<unsigned, std::unique_ptr<cat_session_handle>>& sessions() {
    static std::map<unsigned, std::unique_ptr<cat_session_handle>> all;
    return all;
  }
  static unsigned remember(std::unique_ptr<cat_session_handle> h) {
    static unsigned next = 0;
    sessions().emplace(++next, std::move(h));
    return next;
  }

  attune::item_bank bank_;
  std::optional<attune::cat_session> session_;
};

std::string no_session() { return error_text("invalid_argument", "the CAT session was closed"); }

// Sessions are numbered handles (the JS class holds the number), so that no embind class and no
// manual delete() is needed; close() frees one.
std::string cat_create(const std::string& bank, const std::string& options) { return cat_session_handle::create(bank, options); }
std::string cat_restore(const std::string& bank, const std::string& saved) { return cat_session_handle::restore(bank, saved); }
std::string cat_next_item(unsigned id) {
  auto* h = cat_session_handle::get(id);
  return h ? h->next_item() : no_session();
}
std::string cat_answer(unsigned id, const std::string& item, const std::string& value) {
  auto* h = cat_session_handle::get(id);
  return h ? h->answer(item, value) : no_session();
}
std::string cat_theta(unsigned id, const std::string& scale) {
  auto* h = cat_session_handle::get(id);
  return h ? h->theta(scale) : no_session();
}
std::string cat_se(unsigned id, const std::string& scale) {
  auto* h = cat_session_handle::get(id);
  return h ? h->se(scale) : no_session();
}
std::string cat_state(unsigned id) {
  auto* h = cat_session_handle::get(id);
  return h ? h->state() : no_session();
}
std::string cat_save(unsigned id) {
  auto* h = cat_session_handle::get(id);
  return h ? h->save() : no_session();
}
void cat_close(unsigned id) { cat_session_handle::release(id); }

}  // namespace

EMSCRIPTEN_BINDINGS(attune) {
  emscripten::function("version", &version);
  emscripten::function("instrumentIds", &instrument_ids);
  emscripten::function("instrumentsDocument", &instruments_document);
  emscripten::function("instrumentDefinition", &instrument_definition);
  emscripten::function("scoreRespondent", &score_respondent);
  emscripten::function("study", &study);
  emscripten::function("catCreate", &cat_create);
  emscripten::function("catRestore", &cat_restore);
  emscripten::function("catNextItem", &cat_next_item);
  emscripten::function("catAnswer", &cat_answer);
  emscripten::function("catTheta", &cat_theta);
  emscripten::function("catSe", &cat_se);
  emscripten::function("catState", &cat_state);
  emscripten::function("catSave", &cat_save);
  emscripten::function("catClose", &cat_close);
}
