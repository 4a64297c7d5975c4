// The Python extension module attune._attune: a thin pybind11 layer over the C API
// (include/attune/attune.h), which calls the study layer and returns the report layer's JSON.
// It converts arrays, releases the GIL while the library computes, and raises attune.Error from
// an attune_error; it computes and formats nothing itself (bindings/python/attune/__init__.py
// turns keyword options into the options JSON and the JSON documents into dicts).
//
// Copies: a C-contiguous float64 array is handed to the library as it is (no copy here); the
// library copies it once into its own column-major matrix. Any other dtype or layout is converted
// by numpy first (one more copy), except a row-major array with a row stride, which the scoring
// call reads in place.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attune/attune.h"

namespace py = pybind11;

namespace {

using c_array = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// Raises attune.Error (bindings/python/attune/_errors.py) with the fields of `err`.
[[noreturn]] void raise_error(const attune_error& err) {
  const py::object cls = py::module_::import("attune._errors").attr("Error");
  auto text_or_none = [](const char* s) -> py::object {
    if (s[0] == '\0') return py::none();
    return py::str(s);
  };
  auto number_or_none = [](std::int64_t v) -> py::object {
    if (v < 0) return py::none();
    return py::int_(v);
  };
  py::object e = cls(py::str(err.message), py::arg("code") = py::str(attune_status_name(err.code)),
                     py::arg("row") = number_or_none(err.row), py::arg("line") = number_or_none(err.line),
                     py::arg("column") = text_or_none(err.column), py::arg("item") = text_or_none(err.item),
                     py::arg("value") = text_or_none(err.value), py::arg("option") = text_or_none(err.option),
                     py::arg("rule") = text_or_none(err.rule), py::arg("source") = text_or_none(err.source));
  PyErr_SetObject(cls.ptr(), e.ptr());
  throw py::error_already_set();
}

void check(attune_status status, const attune_error& err) {
  if (status != ATTUNE_OK) raise_error(err);
}

/// A JSON text the library allocated, as a Python str (freed here).
std::string take_text(char* text) {
  std::unique_ptr<char, decltype(&attune_free)> owned(text, attune_free);
  return std::string(text == nullptr ? "" : text);
}

/// Calls a C API function `f(attune_error*)`, raising attune.Error when it fails.
template <class F>
void call(F&& f) {
  attune_error err;
  check(f(&err), err);
}

/// As `call`, with the GIL released while the library computes.
template <class F>
void call_without_gil(F&& f) {
  attune_error err;
  attune_status status;
  {
    py::gil_scoped_release release;
    status = f(&err);
  }
  check(status, err);
}

/// The text a C API function `f(char**, attune_error*)` returns.
template <class F>
std::string text_of(F&& f) {
  char* text = nullptr;
  call([&](attune_error* err) { return f(&text, err); });
  return take_text(text);
}

/// A handle made by a C API function `f(Handle**, attune_error*)`.
template <class Handle, class F>
Handle* handle_of(F&& f) {
  Handle* h = nullptr;
  call([&](attune_error* err) { return f(&h, err); });
  return h;
}

/// The names `name(handle, i, &text, &err)` for i below `count(handle, &n, &err)`.
template <class Handle, class Count, class Name>
std::vector<std::string> names_of(const Handle* handle, Count count, Name name) {
  std::size_t n = 0;
  call([&](attune_error* err) { return count(handle, &n, err); });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const char* text = nullptr;
    call([&](attune_error* err) { return name(handle, i, &text, err); });
    out.emplace_back(text);
  }
  return out;
}

/// The handle, freed with the Python object.
class instrument {
 public:
  explicit instrument(attune_instrument* h) : handle_(h, attune_instrument_free) {}

  static instrument builtin(const std::string& id) {
    return instrument(handle_of<attune_instrument>(
        [&](attune_instrument** h, attune_error* err) { return attune_instrument_builtin(id.c_str(), h, err); }));
  }
  static instrument from_json(const std::string& text) {
    return instrument(handle_of<attune_instrument>(
        [&](attune_instrument** h, attune_error* err) { return attune_instrument_from_json(text.c_str(), h, err); }));
  }
  [[nodiscard]] std::string to_json() const {
    return text_of([&](char** text, attune_error* err) { return attune_instrument_to_json(get(), text, err); });
  }
  [[nodiscard]] std::string id() const { return attune_instrument_id(get()); }
  [[nodiscard]] std::vector<std::string> items() const {
    return names_of(get(), attune_instrument_item_count, attune_instrument_item_id);
  }
  [[nodiscard]] std::vector<std::string> scores() const {
    return names_of(get(), attune_instrument_score_count, attune_instrument_score_name);
  }
  [[nodiscard]] const attune_instrument* get() const { return handle_.get(); }

 private:
  std::shared_ptr<attune_instrument> handle_;
};

std::vector<std::string> builtin_ids() {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < attune_instrument_builtin_count(); ++i) ids.emplace_back(attune_instrument_builtin_id(i));
  return ids;
}

std::string instruments_json() { return text_of(attune_instruments_json); }

c_array as_matrix(const py::handle& data) {
  c_array a = c_array::ensure(data);
  if (!a) throw py::error_already_set();
  if (a.ndim() != 2) throw py::value_error("data must be a 2-D array (respondents x items)");
  return a;
}

py::array_t<double> score_respondent(const instrument& inst, const py::handle& answers, const std::string& options) {
  c_array a = c_array::ensure(answers);
  if (!a) throw py::error_already_set();
  if (a.ndim() != 1) throw py::value_error("answers must be a 1-D array (one respondent's answers, in item order)");
  const std::size_t n_scores = inst.scores().size();
  py::array_t<double> out(static_cast<py::ssize_t>(n_scores));
  call_without_gil([&](attune_error* err) {
    return attune_score_respondent_options(inst.get(), a.data(), static_cast<std::size_t>(a.shape(0)), options.c_str(),
                                           out.mutable_data(), n_scores, err);
  });
  return out;
}

py::array_t<double> score_matrix(const instrument& inst, const py::handle& data, const std::string& options) {
  // A row-major float64 array with a row stride (a slice of columns) is read in place.
  py::array a = py::array::ensure(data);
  if (!a) throw py::error_already_set();
  const bool strided_rows = a.ndim() == 2 && a.dtype().is(py::dtype::of<double>()) &&
                            a.strides(1) == static_cast<py::ssize_t>(sizeof(double)) &&
                            a.strides(0) % static_cast<py::ssize_t>(sizeof(double)) == 0 &&
                            a.strides(0) >= a.shape(1) * static_cast<py::ssize_t>(sizeof(double));
  c_array contiguous;
  const double* p = nullptr;
  std::size_t row_stride = 0;
  if (strided_rows) {
    p = static_cast<const double*>(a.data());
    row_stride = static_cast<std::size_t>(a.strides(0)) / sizeof(double);
  } else {
    contiguous = as_matrix(data);
    p = contiguous.data();
    row_stride = static_cast<std::size_t>(contiguous.shape(1));
  }
  const auto rows = static_cast<std::size_t>(a.shape(0));
  const auto cols = static_cast<std::size_t>(a.ndim() == 2 ? a.shape(1) : 0);
  const std::size_t n_scores = inst.scores().size();
  py::array_t<double> out({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(n_scores)});
  call_without_gil([&](attune_error* err) {
    return attune_score_matrix(inst.get(), p, rows, cols, row_stride, options.c_str(), out.mutable_data(), n_scores,
                               n_scores, err);
  });
  return out;
}

std::string study_json(const std::string& study, const instrument* inst, const py::handle& data,
                       const std::string& options) {
  c_array a = as_matrix(data);
  char* text = nullptr;
  call_without_gil([&](attune_error* err) {
    return attune_study_json(study.c_str(), inst == nullptr ? nullptr : inst->get(), a.data(),
                             static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1)),
                             options.c_str(), &text, err);
  });
  return take_text(text);
}

/// An item bank handle, freed with the Python object (immutable: shared between threads).
class item_bank {
 public:
  explicit item_bank(attune_item_bank* h) : handle_(h, attune_item_bank_free) {}

  static item_bank from_json(const std::string& text) {
    return item_bank(handle_of<attune_item_bank>(
        [&](attune_item_bank** h, attune_error* err) { return attune_item_bank_from_json(text.c_str(), h, err); }));
  }
  [[nodiscard]] std::string to_json() const {
    return text_of([&](char** text, attune_error* err) { return attune_item_bank_to_json(get(), text, err); });
  }
  [[nodiscard]] std::vector<std::string> items() const {
    return names_of(get(), attune_item_bank_item_count, attune_item_bank_item_id);
  }
  [[nodiscard]] const attune_item_bank* get() const { return handle_.get(); }

 private:
  std::shared_ptr<attune_item_bank> handle_;
};

/// A study on an item bank; `data` None for the studies without data.
std::string study_bank_json(const std::string& study, const item_bank& bank, const py::object& data,
                            const std::string& options) {
  c_array a;
  const double* p = nullptr;
  std::size_t rows = 0, cols = 0;
  if (!data.is_none()) {
    a = as_matrix(data);
    p = a.data();
    rows = static_cast<std::size_t>(a.shape(0));
    cols = static_cast<std::size_t>(a.shape(1));
  }
  char* text = nullptr;
  call_without_gil([&](attune_error* err) {
    return attune_study_bank_json(study.c_str(), bank.get(), p, rows, cols, options.c_str(), &text, err);
  });
  return take_text(text);
}

/// A CAT session (mutable: one thread at a time; the GIL serialises calls on one session).
class cat_session {
 public:
  explicit cat_session(attune_cat_session* h) : handle_(h, attune_cat_session_free) {}

  static cat_session create(const item_bank& bank, const std::string& options) {
    return cat_session(handle_of<attune_cat_session>([&](attune_cat_session** h, attune_error* err) {
      return attune_cat_session_create(bank.get(), options.c_str(), h, err);
    }));
  }
  static cat_session restore(const item_bank& bank, const std::string& text) {
    return cat_session(handle_of<attune_cat_session>([&](attune_cat_session** h, attune_error* err) {
      return attune_cat_session_restore(bank.get(), text.c_str(), h, err);
    }));
  }
  std::optional<std::string> next_item() {
    const char* id = nullptr;
    int done = 0;
    call_without_gil([&](attune_error* err) { return attune_cat_session_next_item(handle_.get(), &id, &done, err); });
    if (done != 0 || id == nullptr) return std::nullopt;
    return std::string(id);
  }
  void answer(const std::string& item, double value) {
    call_without_gil(
        [&](attune_error* err) { return attune_cat_session_answer(handle_.get(), item.c_str(), value, err); });
  }
  [[nodiscard]] std::pair<double, double> theta(const std::string& scale) const {
    double t = 0, se = 0;
    call([&](attune_error* err) { return attune_cat_session_theta(handle_.get(), scale.c_str(), &t, &se, err); });
    return {t, se};
  }
  [[nodiscard]] std::string save() const {
    return text_of([&](char** text, attune_error* err) { return attune_cat_session_save(handle_.get(), text, err); });
  }

 private:
  std::shared_ptr<attune_cat_session> handle_;
};

}  // namespace

PYBIND11_MODULE(_attune, m) {
  m.doc() = "attune's native layer: the C API (include/attune/attune.h) for Python. Use the package attune.";
  m.def(
      "version", [] { return std::string(attune_version()); }, "The library's version, e.g. '0.1.0'.");
  m.def("abi_version", &attune_abi_version, "The library's ABI version.");
  m.def("builtin_ids", &builtin_ids, "The ids of the built-in instruments.");
  m.def("instruments_json", &instruments_json, "The 'instruments' JSON document of every built-in instrument.");

  py::class_<instrument>(m, "Instrument",
                         "A questionnaire definition (items, subscales, reverse keys, response range). Immutable; "
                         "safe to share between threads.")
      .def_static(
          "builtin", &instrument::builtin, py::arg("id"),
          "A built-in instrument by id (case-insensitive), e.g. 'ecr-r'. Raises attune.Error for an unknown id.")
      .def_static("from_json", &instrument::from_json, py::arg("text"),
                  "An instrument from its JSON definition (docs/instrument-format.md), validated.")
      .def("to_json", &instrument::to_json, "The instrument's JSON definition.")
      .def_property_readonly("id", &instrument::id, "The instrument's id.")
      .def_property_readonly("items", &instrument::items, "Item ids, in order: the data's columns.")
      .def_property_readonly("scores", &instrument::scores, "Score names: subscales, then composites.")
      .def("__repr__", [](const instrument& i) { return "attune.Instrument('" + i.id() + "')"; });

  m.def("score_respondent", &score_respondent, py::arg("instrument"), py::arg("answers"), py::arg("options_json"),
        "One respondent's scores (C API attune_score_respondent_options).");
  m.def("score_matrix", &score_matrix, py::arg("instrument"), py::arg("data"), py::arg("options_json"),
        "Every respondent's scores as an array (C API attune_score_matrix).");
  m.def("study_json", &study_json, py::arg("study"), py::arg("instrument"), py::arg("data"), py::arg("options_json"),
        "A study's JSON document (C API attune_study_json).");

  py::class_<item_bank>(m, "ItemBank",
                        "An item bank: graded-response parameters, categories, reverse keys and scales "
                        "(attune-item-bank/1). Immutable; safe to share between threads.")
      .def_static("from_json", &item_bank::from_json, py::arg("text"),
                  "An item bank from its JSON text (as `attune irt fit` writes it), validated.")
      .def("to_json", &item_bank::to_json, "The bank's JSON text (reads back bit for bit).")
      .def_property_readonly("items", &item_bank::items, "Item ids, in bank order: the data's columns.")
      .def("__repr__",
           [](const item_bank& b) { return "attune.ItemBank(" + std::to_string(b.items().size()) + " items)"; });
  m.def("study_bank_json", &study_bank_json, py::arg("study"), py::arg("bank"), py::arg("data"),
        py::arg("options_json"), "A bank study's JSON document (C API attune_study_bank_json).");

  py::class_<cat_session>(m, "CatSession",
                          "An adaptive test in progress (C API attune_cat_session). Not for concurrent use "
                          "from several threads; sessions are independent.")
      .def_static("create", &cat_session::create, py::arg("bank"), py::arg("options_json"),
                  "A new session on `bank` with the CAT options (JSON).")
      .def_static("restore", &cat_session::restore, py::arg("bank"), py::arg("text"),
                  "A session restored from save() text on the same bank.")
      .def("next_item", &cat_session::next_item, "The next item's id, or None when the test is done.")
      .def("answer", &cat_session::answer, py::arg("item"), py::arg("value"),
           "Records an answer (one of the item's categories; NaN = skipped).")
      .def("theta", &cat_session::theta, py::arg("scale") = std::string(),
           "(theta, se) of `scale` ('' = the bank's only scale).")
      .def("save", &cat_session::save, "The session as JSON text (attune-cat-session/1).");
}
