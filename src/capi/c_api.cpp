// The C API (include/attune/attune.h): a front end of the study layer. Each call turns the
// caller's matrix and options into the study's input, calls one study function and returns the
// report layer's to_json document. Every attune::error (and any other exception) is caught here
// and becomes a status code and an attune_error: nothing is thrown across the C boundary.
#include "attune/attune.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/core/version.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "attune/study/irt.hpp"
#include "attune/report/json.hpp"
#include "capi/study_options.hpp"

/// The handle: an instrument, and a tag that tells a real handle from another pointer.
struct attune_instrument {
  static constexpr std::uint64_t tag_value = 0x617474756e65ULL;  // "attune"
  std::uint64_t tag = tag_value;
  attune::instrument inst;
};

/// An item bank handle.
struct attune_item_bank {
  static constexpr std::uint64_t tag_value = 0x61747462616e6bULL;  // "attbank"
  std::uint64_t tag = tag_value;
  attune::item_bank bank;
};

/// A CAT session handle; `next` keeps the id returned by attune_cat_session_next_item alive.
struct attune_cat_session {
  static constexpr std::uint64_t tag_value = 0x617474636174ULL;  // "attcat"
  std::uint64_t tag = tag_value;
  attune::cat_session session;
  std::string next;
};

namespace {

using attune::errc;
using attune::error;

void copy_text(char* out, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(text.size(), size - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

void clear_error(attune_error* err) {
  if (err == nullptr) return;
  std::memset(err, 0, sizeof *err);
  err->code = ATTUNE_OK;
  err->row = -1;
  err->line = -1;
}

attune_status fill_error(attune_error* err, attune_status code, const std::string& message,
                         const attune::error_details* d = nullptr) {
  if (err == nullptr) return code;
  clear_error(err);
  err->code = code;
  copy_text(err->message, sizeof err->message, message);
  if (d == nullptr) return code;
  if (d->row) err->row = static_cast<std::int64_t>(*d->row);
  if (d->line) err->line = static_cast<std::int64_t>(*d->line);
  const auto put = [](char* out, std::size_t size, const std::optional<std::string>& v) {
    if (v) copy_text(out, size, *v);
  };
  put(err->source, sizeof err->source, d->source);
  put(err->column, sizeof err->column, d->column);
  put(err->item, sizeof err->item, d->item);
  put(err->value, sizeof err->value, d->value);
  put(err->option, sizeof err->option, d->option);
  put(err->rule, sizeof err->rule, d->rule);
  return code;
}

attune_status status_of(errc code) {
  switch (code) {
    case errc::invalid_argument: return ATTUNE_INVALID_ARGUMENT;
    case errc::bad_input: return ATTUNE_BAD_INPUT;
    case errc::io_error: return ATTUNE_IO_ERROR;
    case errc::insufficient_data: return ATTUNE_INSUFFICIENT_DATA;
    case errc::numerical_issue: return ATTUNE_NUMERICAL_ISSUE;
    case errc::no_convergence: return ATTUNE_NO_CONVERGENCE;
    case errc::cancelled: break;  // the C API takes no cancel flag: never thrown through it
  }
  return ATTUNE_INTERNAL_ERROR;
}

/// Runs `body`, turning whatever it throws into a status and `err`.
template <class F>
attune_status guarded(attune_error* err, F&& body) noexcept {
  clear_error(err);
  try {
    body();
    return ATTUNE_OK;
  } catch (const error& e) {
    return fill_error(err, status_of(e.code()), e.what(), &e.details());
  } catch (const std::bad_alloc&) {
    return fill_error(err, ATTUNE_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fill_error(err, ATTUNE_INTERNAL_ERROR, std::string("internal error: ") + e.what());
  } catch (...) {
    return fill_error(err, ATTUNE_INTERNAL_ERROR, "internal error: an unknown exception");
  }
}

[[noreturn]] void fail_argument(const std::string& name, const std::string& rule) {
  throw error(errc::invalid_argument, name + ": " + rule, {.option = name, .rule = "c_argument"});
}

const attune::instrument& checked(const attune_instrument* inst, const char* name = "inst") {
  if (inst == nullptr) fail_argument(name, "the instrument handle is NULL");
  if (inst->tag != attune_instrument::tag_value) fail_argument(name, "not an attune_instrument handle");
  return inst->inst;
}

const attune::item_bank& checked(const attune_item_bank* bank, const char* name = "bank") {
  if (bank == nullptr) fail_argument(name, "the item bank handle is NULL");
  if (bank->tag != attune_item_bank::tag_value) fail_argument(name, "not an attune_item_bank handle");
  return bank->bank;
}

template <class Session>
Session& checked_session(Session* s) {
  if (s == nullptr) fail_argument("session", "the CAT session handle is NULL");
  if (s->tag != attune_cat_session::tag_value) fail_argument("session", "not an attune_cat_session handle");
  return *s;
}

template <class T>
void require(const T* p, const char* name) {
  if (p == nullptr) fail_argument(name, "must not be NULL");
}

/// A NUL-terminated copy for the caller, freed with attune_free.
char* c_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

/// Runs `text` under `guarded` and hands its result to the caller as a string for attune_free;
/// `*result_json` is NULL on any error.
template <class F>
attune_status text_out(char** result_json, attune_error* err, F&& text) noexcept {
  if (result_json != nullptr) *result_json = nullptr;
  return guarded(err, [&] {
    require(result_json, "result_json");
    *result_json = c_string(text());
  });
}

/// Frees a handle of any kind; a NULL or foreign pointer is ignored, a freed handle is untagged.
template <class Handle>
void free_handle(Handle* h) {
  if (h == nullptr || h->tag != Handle::tag_value) return;
  h->tag = 0;
  delete h;
}

/// The id of item `index` of `items` (an instrument's or a bank's), or an error naming "index".
template <class Items>
const char* item_id_at(const Items& items, std::size_t index) {
  if (index >= items.size()) {
    fail_argument("index", std::to_string(index) + " is not below the item count " + std::to_string(items.size()));
  }
  return items[index].id.c_str();
}

std::size_t score_count(const attune::instrument& i) { return i.subscales.size() + i.composites.size(); }

void check_score_count(const attune::instrument& i, std::size_t n_scores) {
  if (n_scores != score_count(i)) {
    fail_argument("n_scores", std::to_string(n_scores) + ", but instrument '" + i.id + "' has " +
                                  std::to_string(score_count(i)) + " scores (attune_instrument_score_count)");
  }
}

attune_instrument* new_handle(attune::instrument inst) {
  auto* h = new attune_instrument;
  h->inst = std::move(inst);
  return h;
}

/// rows x cols with `row_stride`, size-checked.
void check_matrix(const double* data, std::size_t rows, std::size_t cols, std::size_t row_stride) {
  if (rows > 0 && cols > 0) require(data, "data");
  if (row_stride < cols) fail_argument("row_stride", "must be at least cols (" + std::to_string(cols) + ")");
  const auto max_index = static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max());
  if (rows > max_index || cols > max_index || (rows > 0 && row_stride > max_index / rows)) {
    fail_argument("rows", "rows x cols is too large");
  }
}

/// The caller's matrix as the responses a study takes: the one copy of the data (row-major in,
/// the library's column-major matrix out), with item ids, column names and row ids.
/// What the columns must be: the item ids of an instrument or a bank (in its order), or none (the
/// columns are the scale), and how messages name their owner.
struct expected_items {
  std::vector<std::string> ids;  ///< empty: the columns are the items
  std::string owner;             ///< "instrument 'ecr'", "the item bank"
};

expected_items items_of(const attune::instrument* inst) {
  if (inst == nullptr) return {};
  return {inst->item_ids(), "instrument '" + inst->id + "'"};
}

expected_items items_of(const attune::item_bank& bank) {
  expected_items e{{}, "the item bank"};
  for (const auto& it : bank.items) e.ids.push_back(it.id);
  return e;
}

attune::responses to_responses(const double* data, std::size_t rows, std::size_t cols, std::size_t row_stride,
                               std::size_t first_row, const attune::capi::matrix_description& d,
                               const expected_items& expected, std::size_t id_offset) {
  attune::responses r;
  const bool has_items = !expected.ids.empty();
  if (has_items && cols != expected.ids.size()) {
    throw error(errc::invalid_argument,
                "data has " + std::to_string(cols) + " columns, but " + expected.owner + " has " +
                    std::to_string(expected.ids.size()) + " items (give its items in order)",
                {.option = "cols", .rule = "column_count"});
  }
  if (!d.columns.empty() && d.columns.size() != cols) {
    throw error(errc::invalid_argument,
                "option \"columns\" names " + std::to_string(d.columns.size()) + " columns for " + std::to_string(cols),
                {.option = "columns", .rule = "column_count"});
  }
  r.item_ids = expected.ids;
  r.columns = d.columns;
  if (r.columns.empty()) {
    if (has_items) {
      r.columns = r.item_ids;
    } else {
      for (std::size_t j = 0; j < cols; ++j) r.columns.push_back("V" + std::to_string(j + 1));
    }
  }
  if (!has_items) r.item_ids = r.columns;
  r.source = d.source;
  r.first_row = 1;
  r.values.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  const double* base = data + first_row * row_stride;
  for (std::size_t i = 0; i < rows; ++i) {
    const double* row = base + i * row_stride;
    for (std::size_t j = 0; j < cols; ++j) r.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = row[j];
  }
  // The missing codes, as the file reader applies them to its cells (exact comparison: codes).
  if (!d.missing_codes.empty()) {
    for (Eigen::Index k = 0; k < r.values.size(); ++k) {
      double& v = r.values.data()[k];
      if (std::find(d.missing_codes.begin(), d.missing_codes.end(), v) != d.missing_codes.end()) {
        v = std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
  if (!d.ids.empty()) {
    r.row_ids.assign(d.ids.begin() + static_cast<std::ptrdiff_t>(id_offset),
                     d.ids.begin() + static_cast<std::ptrdiff_t>(id_offset + rows));
  }
  return r;
}

void check_ids(const attune::capi::matrix_description& d, std::size_t rows) {
  if (!d.ids.empty() && d.ids.size() != rows) {
    throw error(errc::invalid_argument,
                "option \"ids\" has " + std::to_string(d.ids.size()) + " ids for " + std::to_string(rows) + " rows",
                {.option = "ids", .rule = "row_ids_length"});
  }
}

/// A study on an item bank: the bank of the handle or of the option "bank".
std::string run_bank_study(attune::capi::study_kind kind, const attune::capi::study_request& q,
                           const attune_item_bank* handle, const double* data, std::size_t rows, std::size_t cols) {
  using namespace attune;
  using capi::study_kind;
  const std::string name(capi::study_name(kind));
  if (handle != nullptr && !q.data.bank_json.empty()) {
    fail_argument("bank", "give the item bank once: as the handle or as the option \"bank\", not both");
  }
  std::optional<item_bank> given;
  if (handle == nullptr) {
    if (q.data.bank_json.empty()) {
      throw error(errc::invalid_argument, "the " + name + " study needs an item bank: the option \"bank\" (its JSON)",
                  {.option = "bank", .rule = "bank_required"});
    }
    given = item_bank_from_json(q.data.bank_json, "options \"bank\"");
  }
  const item_bank& bank = handle != nullptr ? checked(handle) : *given;
  if (capi::takes_no_data(kind) && (rows != 0 || cols != 0)) {
    fail_argument("rows", "the " + name + " study takes no data: pass rows = cols = 0");
  }
  auto answers = [&] { return to_responses(data, rows, cols, cols, 0, q.data, items_of(bank), 0); };
  switch (kind) {
    case study_kind::irt_score: return to_json(study_irt_score(bank, answers(), q.irt_score));
    case study_kind::irt_info: return to_json(study_irt_info(bank, q.irt_info));
    case study_kind::irt_simulate: return to_json(study_irt_simulate(bank, q.irt_simulate));
    case study_kind::cat_simulate:
      if (rows == 0 && cols == 0) return to_json(study_cat_simulation(bank, q.cat_simulate));
      return to_json(study_cat_simulation(bank, answers(), q.cat_simulate));
    default: break;
  }
  throw error(errc::invalid_argument, "the " + name + " study does not take an item bank",
              {.option = "bank", .rule = "c_argument"});
}

std::string run_study(const char* study_name, const attune_instrument* handle, const attune_item_bank* bank,
                      const double* data, std::size_t rows, std::size_t cols, const char* options_json) {
  using namespace attune;
  using capi::study_kind;
  require(study_name, "study_name");
  const study_kind kind = capi::parse_study_kind(study_name);
  capi::study_request q = capi::parse_study_options(kind, options_json);
  check_matrix(data, rows, cols, cols);
  check_ids(q.data, rows);
  if (capi::needs_bank(kind)) {
    if (handle != nullptr) {
      fail_argument("inst", std::string("the ") + study_name + " study takes an item bank, not an instrument (pass NULL)");
    }
    return run_bank_study(kind, q, bank, data, rows, cols);
  }
  if (bank != nullptr) {
    fail_argument("bank", std::string("the ") + study_name +
                              " study does not take an item bank (those that do: irt score, irt info, irt simulate, cat simulate)");
  }
  const bool columns_as_scale =
      kind == study_kind::reliability || kind == study_kind::correlate || kind == study_kind::irt_fit;
  const instrument* inst = nullptr;
  if (handle != nullptr || !columns_as_scale) {
    if (handle == nullptr) {
      fail_argument("inst", std::string("the ") + study_name +
                                " study needs an instrument (only reliability, correlate and irt fit take the columns as one scale)");
    }
    inst = &checked(handle);
  }
  auto whole = [&] { return to_responses(data, rows, cols, cols, 0, q.data, items_of(inst), 0); };
  switch (kind) {
    case study_kind::score: return to_json(study_score(*inst, whole(), q.score));
    case study_kind::reliability: return to_json(study_reliability(inst, whole(), q.reliability));
    case study_kind::correlate: return to_json(study_correlate(inst, whole(), q.correlate));
    case study_kind::factor: return to_json(study_factor(*inst, whole(), q.factor));
    case study_kind::quality: return to_json(study_quality(*inst, whole(), q.quality));
    case study_kind::irt_fit: return to_json(study_irt_fit(inst, whole(), q.irt_fit));
    case study_kind::irt_score:
    case study_kind::irt_info:
    case study_kind::irt_simulate:
    case study_kind::cat_simulate: break;  // run_bank_study
    case study_kind::classify: {
      responses r = whole();
      if (!q.data.forced_choice.empty()) {
        if (q.data.forced_choice.size() != rows) {
          throw error(errc::invalid_argument,
                      "option \"forced_choice\" has " + std::to_string(q.data.forced_choice.size()) + " entries for " +
                          std::to_string(rows) + " rows",
                      {.option = "forced_choice", .rule = "row_count"});
        }
        r.extra_columns = {"forced_choice"};
        r.extra = {q.data.forced_choice};
      }
      return to_json(study_classify(*inst, std::move(r), q.classify));
    }
    case study_kind::change: {
      const auto& w = q.data.wave_rows;
      std::size_t total = 0;
      for (std::size_t n : w) total += n;
      if (w.size() < 2 || total != rows) {
        throw error(errc::invalid_argument,
                    "change needs the option \"wave_rows\": the rows of each administration (at least 2) in time "
                    "order, stacked in data and summing to its " + std::to_string(rows) + " rows",
                    {.option = "wave_rows", .rule = "wave_rows"});
      }
      if (q.data.ids.empty()) {
        throw error(errc::invalid_argument, "change matches respondents by id: give the option \"ids\" (one per row)",
                    {.option = "ids", .rule = "id_required"});
      }
      if (!q.data.wave_names.empty() && q.data.wave_names.size() != w.size()) {
        throw error(errc::invalid_argument, "option \"wave_names\" needs one name per entry of \"wave_rows\"",
                    {.option = "wave_names", .rule = "wave_names"});
      }
      if (q.change.input.read.id_column.empty()) q.change.input.read.id_column = "id";
      std::vector<responses> waves;
      std::size_t first = 0;
      for (std::size_t k = 0; k < w.size(); ++k) {
        capi::matrix_description d = q.data;
        responses r = to_responses(data, w[k], cols, cols, first, d, items_of(inst), first);
        r.source = q.data.wave_names.empty() ? std::string() : q.data.wave_names[k];
        waves.push_back(std::move(r));
        first += w[k];
      }
      return to_json(study_change(*inst, std::move(waves), q.change));
    }
  }
  return {};
}

}  // namespace

extern "C" {

const char* attune_version(void) { return attune::version_string; }

int attune_abi_version(void) { return ATTUNE_ABI_VERSION; }

const char* attune_status_name(int status) {
  switch (status) {
    case ATTUNE_OK: return "ok";
    case ATTUNE_INVALID_ARGUMENT: return "invalid_argument";
    case ATTUNE_BAD_INPUT: return "bad_input";
    case ATTUNE_IO_ERROR: return "io_error";
    case ATTUNE_INSUFFICIENT_DATA: return "insufficient_data";
    case ATTUNE_NUMERICAL_ISSUE: return "numerical_issue";
    case ATTUNE_NO_CONVERGENCE: return "no_convergence";
    case ATTUNE_OUT_OF_MEMORY: return "out_of_memory";
    case ATTUNE_INTERNAL_ERROR: return "internal_error";
    default: return "unknown";
  }
}

void attune_free(void* ptr) { std::free(ptr); }

size_t attune_instrument_builtin_count(void) { return attune::builtin_instruments().size(); }

const char* attune_instrument_builtin_id(size_t index) {
  const auto& all = attune::builtin_instruments();
  return index < all.size() ? all[index].id.c_str() : nullptr;
}

attune_status attune_instruments_json(char** result_json, attune_error* err) {
  return text_out(result_json, err, [] { return attune::to_json(attune::builtin_instruments()); });
}

attune_status attune_instrument_builtin(const char* id, attune_instrument** out, attune_error* err) {
  if (out != nullptr) *out = nullptr;
  return guarded(err, [&] {
    require(id, "id");
    require(out, "out");
    const attune::instrument* found = attune::find_builtin(id);
    if (found == nullptr) {
      std::string known;
      for (const auto& i : attune::builtin_instruments()) known += (known.empty() ? "" : ", ") + i.id;
      throw error(errc::invalid_argument, "no built-in instrument '" + std::string(id) + "' (built-in: " + known + ")",
                  {.value = std::string(id).substr(0, 80), .option = "id", .rule = "unknown_instrument"});
    }
    *out = new_handle(*found);
  });
}

attune_status attune_instrument_from_json(const char* json_text, attune_instrument** out, attune_error* err) {
  if (out != nullptr) *out = nullptr;
  return guarded(err, [&] {
    require(json_text, "json_text");
    require(out, "out");
    *out = new_handle(attune::instrument_from_json(json_text, "instrument JSON"));
  });
}

void attune_instrument_free(attune_instrument* inst) { free_handle(inst); }

attune_status attune_instrument_to_json(const attune_instrument* inst, char** result_json, attune_error* err) {
  return text_out(result_json, err, [&] { return attune::instrument_to_json(checked(inst)); });
}

const char* attune_instrument_id(const attune_instrument* inst) {
  if (inst == nullptr || inst->tag != attune_instrument::tag_value) return nullptr;
  return inst->inst.id.c_str();
}

attune_status attune_instrument_item_count(const attune_instrument* inst, size_t* count, attune_error* err) {
  return guarded(err, [&] {
    const auto& i = checked(inst);
    require(count, "count");
    *count = i.items.size();
  });
}

attune_status attune_instrument_item_id(const attune_instrument* inst, size_t index, const char** id,
                                        attune_error* err) {
  if (id != nullptr) *id = nullptr;
  return guarded(err, [&] {
    const auto& i = checked(inst);
    require(id, "id");
    *id = item_id_at(i.items, index);
  });
}

attune_status attune_instrument_score_count(const attune_instrument* inst, size_t* count, attune_error* err) {
  return guarded(err, [&] {
    const auto& i = checked(inst);
    require(count, "count");
    *count = score_count(i);
  });
}

attune_status attune_instrument_score_name(const attune_instrument* inst, size_t index, const char** name,
                                           attune_error* err) {
  if (name != nullptr) *name = nullptr;
  return guarded(err, [&] {
    const auto& i = checked(inst);
    require(name, "name");
    const std::size_t n = score_count(i);
    if (index >= n) fail_argument("index", std::to_string(index) + " is not below the score count " + std::to_string(n));
    *name = index < i.subscales.size() ? i.subscales[index].name.c_str()
                                       : i.composites[index - i.subscales.size()].name.c_str();
  });
}

attune_status attune_score_respondent_options(const attune_instrument* inst, const double* answers, size_t n_answers,
                                              const char* options_json, double* scores_out, size_t n_scores,
                                              attune_error* err) {
  return guarded(err, [&] {
    const auto& i = checked(inst);
    if (n_answers > 0) require(answers, "answers");
    check_score_count(i, n_scores);
    require(scores_out, "scores_out");
    const attune::scoring_options options = attune::capi::parse_scoring_options(options_json);
    const auto r = attune::score_respondent(i, std::span<const double>(answers, n_answers), options);
    std::copy(r.scores.begin(), r.scores.end(), scores_out);
  });
}

attune_status attune_score_respondent(const attune_instrument* inst, const double* answers, size_t n_answers,
                                      double* scores_out, size_t n_scores, attune_error* err) {
  return attune_score_respondent_options(inst, answers, n_answers, nullptr, scores_out, n_scores, err);
}

attune_status attune_score_matrix(const attune_instrument* inst, const double* data, size_t rows, size_t cols,
                                  size_t row_stride, const char* options_json, double* scores_out, size_t n_scores,
                                  size_t out_row_stride, attune_error* err) {
  return guarded(err, [&] {
    const auto& i = checked(inst);
    check_matrix(data, rows, cols, row_stride);
    check_score_count(i, n_scores);
    if (out_row_stride < n_scores) fail_argument("out_row_stride", "must be at least n_scores");
    if (rows > 0) require(scores_out, "scores_out");
    attune::capi::study_request q = attune::capi::parse_study_options(attune::capi::study_kind::score, options_json);
    check_ids(q.data, rows);
    const auto study = attune::study_score(i, to_responses(data, rows, cols, row_stride, 0, q.data, items_of(&i), 0), q.score);
    const Eigen::MatrixXd& s = study.scores.scores;
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < n_scores; ++c) {
        scores_out[r * out_row_stride + c] = s(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
      }
    }
  });
}

attune_status attune_study_json(const char* study_name, const attune_instrument* inst, const double* data, size_t rows,
                                size_t cols, const char* options_json, char** result_json, attune_error* err) {
  return text_out(result_json, err,
                  [&] { return run_study(study_name, inst, nullptr, data, rows, cols, options_json); });
}

attune_status attune_study_bank_json(const char* study_name, const attune_item_bank* bank, const double* data,
                                     size_t rows, size_t cols, const char* options_json, char** result_json,
                                     attune_error* err) {
  return text_out(result_json, err, [&] {
    checked(bank);
    return run_study(study_name, nullptr, bank, data, rows, cols, options_json);
  });
}

attune_status attune_item_bank_from_json(const char* json_text, attune_item_bank** out, attune_error* err) {
  if (out != nullptr) *out = nullptr;
  return guarded(err, [&] {
    require(json_text, "json_text");
    require(out, "out");
    auto* h = new attune_item_bank;
    try {
      h->bank = attune::item_bank_from_json(json_text, "item bank JSON");
    } catch (...) {
      delete h;
      throw;
    }
    *out = h;
  });
}

attune_status attune_item_bank_to_json(const attune_item_bank* bank, char** result_json, attune_error* err) {
  return text_out(result_json, err, [&] { return attune::item_bank_to_json(checked(bank)); });
}

void attune_item_bank_free(attune_item_bank* bank) { free_handle(bank); }

attune_status attune_item_bank_item_count(const attune_item_bank* bank, size_t* count, attune_error* err) {
  return guarded(err, [&] {
    const auto& b = checked(bank);
    require(count, "count");
    *count = b.items.size();
  });
}

attune_status attune_item_bank_item_id(const attune_item_bank* bank, size_t index, const char** id,
                                       attune_error* err) {
  if (id != nullptr) *id = nullptr;
  return guarded(err, [&] {
    const auto& b = checked(bank);
    require(id, "id");
    *id = item_id_at(b.items, index);
  });
}

attune_status attune_cat_session_create(const attune_item_bank* bank, const char* options_json,
                                        attune_cat_session** out, attune_error* err) {
  if (out != nullptr) *out = nullptr;
  return guarded(err, [&] {
    const auto& b = checked(bank);
    require(out, "out");
    const attune::cat_options options = attune::capi::parse_cat_options(options_json);
    *out = new attune_cat_session{attune_cat_session::tag_value, attune::cat_session(b, options), {}};
  });
}

void attune_cat_session_free(attune_cat_session* session) { free_handle(session); }

attune_status attune_cat_session_next_item(attune_cat_session* session, const char** item_id, int* done,
                                           attune_error* err) {
  if (item_id != nullptr) *item_id = nullptr;
  if (done != nullptr) *done = 0;
  return guarded(err, [&] {
    auto& s = checked_session(session);
    require(item_id, "item_id");
    const auto next = s.session.next_item();
    if (!next) {
      if (done != nullptr) *done = 1;
      return;
    }
    s.next = *next;
    *item_id = s.next.c_str();
  });
}

attune_status attune_cat_session_answer(attune_cat_session* session, const char* item_id, double value,
                                        attune_error* err) {
  return guarded(err, [&] {
    auto& s = checked_session(session);
    require(item_id, "item_id");
    s.session.answer(item_id, value);
  });
}

attune_status attune_cat_session_theta(const attune_cat_session* session, const char* scale, double* theta,
                                       double* se, attune_error* err) {
  return guarded(err, [&] {
    const auto& s = checked_session(session);
    require(theta, "theta");
    require(se, "se");
    const std::string_view name = scale != nullptr ? std::string_view(scale) : std::string_view();
    *theta = s.session.theta(name);
    *se = s.session.se(name);
  });
}

attune_status attune_cat_session_save(const attune_cat_session* session, char** result_json, attune_error* err) {
  return text_out(result_json, err, [&] { return checked_session(session).session.save(); });
}

attune_status attune_cat_session_restore(const attune_item_bank* bank, const char* session_json,
                                         attune_cat_session** out, attune_error* err) {
  if (out != nullptr) *out = nullptr;
  return guarded(err, [&] {
    const auto& b = checked(bank);
    require(session_json, "session_json");
    require(out, "out");
    *out = new attune_cat_session{attune_cat_session::tag_value, attune::cat_session::restore(b, session_json), {}};
  });
}

}  // extern "C"
