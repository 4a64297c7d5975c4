// The R package's glue: R matrices in, the report layer's JSON documents out (the same documents
// as `attune <command> --format json` and the C API, docs/json.md); R/attune.R turns them into
// lists and data frames with psych's names. The studies of the C API go through
// attune_study_json (include/attune/attune.h); the IRT studies, which the C API does not carry
// yet, call the C++ study layer (include/attune/study/irt.hpp) the same way. A library error
// comes back as a list of its fields, which R raises as a condition of class attune_error.
#include <Rcpp.h>

#include <cmath>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "attune/attune.h"
#include "attune/core/error.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "attune/report/json.hpp"
#include "attune/study/irt.hpp"

namespace {

/// The fields of an error as an R list (NA where not known); R raises it (R/errors.R).
Rcpp::List error_list(int code, const std::string& message, const attune::error_details* d) {
  auto text = [](const std::optional<std::string>& s) {
    return s ? Rcpp::CharacterVector::create(*s) : Rcpp::CharacterVector::create(NA_STRING);
  };
  auto number = [](const std::optional<std::size_t>& n) {
    return Rcpp::NumericVector::create(n ? static_cast<double>(*n) : NA_REAL);
  };
  if (d == nullptr) {
    const std::optional<std::string> none;
    const std::optional<std::size_t> no;
    return Rcpp::List::create(
        Rcpp::Named("code") = attune_status_name(code), Rcpp::Named("message") = message,
        Rcpp::Named("row") = number(no), Rcpp::Named("line") = number(no), Rcpp::Named("source") = text(none),
        Rcpp::Named("column") = text(none), Rcpp::Named("item") = text(none), Rcpp::Named("value") = text(none),
        Rcpp::Named("option") = text(none), Rcpp::Named("rule") = text(none));
  }
  return Rcpp::List::create(
      Rcpp::Named("code") = attune_status_name(code), Rcpp::Named("message") = message,
      Rcpp::Named("row") = number(d->row), Rcpp::Named("line") = number(d->line), Rcpp::Named("source") = text(d->source),
      Rcpp::Named("column") = text(d->column), Rcpp::Named("item") = text(d->item), Rcpp::Named("value") = text(d->value),
      Rcpp::Named("option") = text(d->option), Rcpp::Named("rule") = text(d->rule));
}

Rcpp::List error_list(const attune_error& e) {
  auto text = [](const char* s) {
    return s[0] != '\0' ? Rcpp::CharacterVector::create(s) : Rcpp::CharacterVector::create(NA_STRING);
  };
  auto number = [](int64_t n) { return Rcpp::NumericVector::create(n >= 0 ? static_cast<double>(n) : NA_REAL); };
  return Rcpp::List::create(
      Rcpp::Named("code") = attune_status_name(e.code), Rcpp::Named("message") = std::string(e.message),
      Rcpp::Named("row") = number(e.row), Rcpp::Named("line") = number(e.line), Rcpp::Named("source") = text(e.source),
      Rcpp::Named("column") = text(e.column), Rcpp::Named("item") = text(e.item), Rcpp::Named("value") = text(e.value),
      Rcpp::Named("option") = text(e.option), Rcpp::Named("rule") = text(e.rule));
}

Rcpp::List document(std::string json) { return Rcpp::List::create(Rcpp::Named("json") = std::move(json)); }
Rcpp::List failure(Rcpp::List error) { return Rcpp::List::create(Rcpp::Named("error") = std::move(error)); }

/// Runs `body` (returning a JSON document), turning every C++ exception into the error list.
template <class Body>
Rcpp::List guarded(Body&& body) {
  try {
    return document(body());
  } catch (const attune::error& e) {
    return failure(error_list(static_cast<int>(e.code()), e.what(), &e.details()));
  } catch (const std::bad_alloc&) {
    return failure(error_list(ATTUNE_OUT_OF_MEMORY, "out of memory", nullptr));
  } catch (const std::exception& e) {
    return failure(error_list(ATTUNE_INTERNAL_ERROR, e.what(), nullptr));
  }
}

struct instrument_deleter {
  void operator()(attune_instrument* p) const noexcept { attune_instrument_free(p); }
};
using instrument_ptr = std::unique_ptr<attune_instrument, instrument_deleter>;

/// R's column-major matrix as the C API's row-major one (NA is NaN: no answer).
std::vector<double> row_major(const Rcpp::NumericMatrix& m) {
  const std::size_t rows = static_cast<std::size_t>(m.nrow()), cols = static_cast<std::size_t>(m.ncol());
  std::vector<double> out(rows * cols);
  const double* in = m.begin();
  for (std::size_t j = 0; j < cols; ++j) {
    for (std::size_t i = 0; i < rows; ++i) out[i * cols + j] = std::isnan(in[j * rows + i]) ? NAN : in[j * rows + i];
  }
  return out;
}

/// R's matrix as the library's responses (column-major, as R's).
attune::responses to_responses(const Rcpp::NumericMatrix& m, const std::vector<std::string>& columns,
                               const std::vector<std::string>& ids) {
  attune::responses r;
  r.columns = columns;
  r.item_ids = columns;
  r.source = "data";
  r.first_row = 1;
  r.values.resize(m.nrow(), m.ncol());
  for (Eigen::Index k = 0; k < r.values.size(); ++k) r.values.data()[k] = std::isnan(m.begin()[k]) ? NAN : m.begin()[k];
  r.row_ids = ids;
  return r;
}

}  // namespace

// [[Rcpp::export(.attune_version)]]
std::string attune_r_version() { return attune_version(); }

// [[Rcpp::export(.attune_instruments_json)]]
Rcpp::List attune_r_instruments_json() {
  char* out = nullptr;
  attune_error err;
  if (attune_instruments_json(&out, &err) != ATTUNE_OK) return failure(error_list(err));
  std::string json(out);
  attune_free(out);
  return document(std::move(json));
}

/// One study of attune_study_json. `instrument`: a built-in id, or JSON text when `is_json`;
/// empty: the columns are one scale (reliability, correlate).
// [[Rcpp::export(.attune_study_json)]]
Rcpp::List attune_r_study_json(std::string study, std::string instrument, bool is_json, Rcpp::NumericMatrix data,
                               std::string options_json) {
  attune_error err;
  instrument_ptr inst;
  if (!instrument.empty()) {
    attune_instrument* raw = nullptr;
    const attune_status s = is_json ? attune_instrument_from_json(instrument.c_str(), &raw, &err)
                                    : attune_instrument_builtin(instrument.c_str(), &raw, &err);
    if (s != ATTUNE_OK) return failure(error_list(err));
    inst.reset(raw);
  }
  const std::vector<double> values = row_major(data);
  char* out = nullptr;
  const attune_status s = attune_study_json(study.c_str(), inst.get(), values.data(), static_cast<size_t>(data.nrow()),
                                            static_cast<size_t>(data.ncol()), options_json.c_str(), &out, &err);
  if (s != ATTUNE_OK) return failure(error_list(err));
  std::string json(out);
  attune_free(out);
  return document(std::move(json));
}

/// study_irt_fit: `instrument` as above (empty: the columns are one scale named `scale`, with
/// `reversed` keys); `range_min` > `range_max` (NA) = the instrument's range.
// [[Rcpp::export(.attune_irt_fit)]]
Rcpp::List attune_r_irt_fit(std::string instrument, bool is_json, Rcpp::NumericMatrix data,
                            std::vector<std::string> columns, std::string scale, std::vector<std::string> reversed,
                            double range_min, double range_max, int threads) {
  return guarded([&] {
    attune::irt_fit_study_options o;
    o.grm.scale = scale;
    o.grm.threads = threads;
    o.reversed = reversed;
    if (!std::isnan(range_min) && !std::isnan(range_max)) o.input.scoring.range = attune::response_range{range_min, range_max};
    std::unique_ptr<attune::instrument> inst;
    if (!instrument.empty()) {
      if (is_json) {
        inst = std::make_unique<attune::instrument>(attune::instrument_from_json(instrument, "instrument JSON"));
      } else {
        inst = std::make_unique<attune::instrument>(attune::resolve_instrument(instrument));
      }
    }
    attune::responses r = to_responses(data, columns, {});
    if (inst) r.item_ids = inst->item_ids();
    return attune::to_json(attune::study_irt_fit(inst.get(), std::move(r), o));
  });
}

/// study_irt_score on a bank (its JSON text); the columns are the bank's items in bank order.
// [[Rcpp::export(.attune_irt_score)]]
Rcpp::List attune_r_irt_score(std::string bank_json, Rcpp::NumericMatrix data, std::vector<std::string> columns,
                              std::vector<std::string> ids, std::string method, int threads) {
  return guarded([&] {
    const attune::item_bank bank = attune::item_bank_from_json(bank_json);
    attune::irt_score_study_options o;
    const auto m = attune::parse_theta_method(method);
    if (!m) {
      throw attune::error(attune::errc::invalid_argument,
                          "method '" + method + "' is not one of eap, map, ml, eap_sum",
                          {.value = method, .option = "irt_score_study_options.scoring.method", .rule = "option_type"});
    }
    o.scoring.method = *m;
    o.scoring.threads = threads;
    if (!ids.empty()) o.input.read.id_column = "id";
    attune::responses r = to_responses(data, columns, ids);
    r.item_ids.clear();
    for (const auto& item : bank.items) r.item_ids.push_back(item.id);
    return attune::to_json(attune::study_irt_score(bank, std::move(r), o));
  });
}

/// study_irt_info of a bank (its JSON text) on the grid theta_min, theta_min + step, ..., theta_max.
// [[Rcpp::export(.attune_irt_info)]]
Rcpp::List attune_r_irt_info(std::string bank_json, double theta_min, double theta_max, double theta_step) {
  return guarded([&] {
    const attune::item_bank bank = attune::item_bank_from_json(bank_json);
    attune::irt_info_study_options o;
    o.theta_min = theta_min;
    o.theta_max = theta_max;
    o.theta_step = theta_step;
    return attune::to_json(attune::study_irt_info(bank, o));
  });
}
