// Private to the report layer: how attune's types become JSON (nlohmann::ordered_json, so that
// keys keep the order of the struct's members).
//
// The vocabulary rule: a JSON key is the struct member's name, and every member is written.
// `ATTUNE_JSON_FIELDS(T, m1, m2, ...)` defines `to_json` for T from its member list, the list
// being the struct's declaration order. NaN and infinities become null (nlohmann writes them so).
// Enums are written by their `to_string` names (`ATTUNE_JSON_ENUM`), std::optional as the value
// or null, Eigen vectors as arrays and matrices as arrays of rows.
#pragma once

#include <nlohmann/json.hpp>

#include <Eigen/Core>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"

namespace nlohmann {

template <class T>
struct adl_serializer<std::optional<T>> {
  template <class J>
  static void to_json(J& j, const std::optional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
};

template <class Scalar, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
struct adl_serializer<Eigen::Matrix<Scalar, Rows, Cols, Options, MaxRows, MaxCols>> {
  using matrix = Eigen::Matrix<Scalar, Rows, Cols, Options, MaxRows, MaxCols>;
  template <class J>
  static void to_json(J& j, const matrix& m) {
    j = J::array();
    if constexpr (Rows == 1 || Cols == 1) {  // a vector: one array
      for (Eigen::Index i = 0; i < m.size(); ++i) j.push_back(m.data()[i]);
    } else {  // a matrix: an array of rows
      for (Eigen::Index r = 0; r < m.rows(); ++r) {
        J row = J::array();
        for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
        j.push_back(std::move(row));
      }
    }
  }
};

template <class A, class B>
struct adl_serializer<std::pair<A, B>> {
  template <class J>
  static void to_json(J& j, const std::pair<A, B>& p) {
    j = J::array({J(p.first), J(p.second)});
  }
};

}  // namespace nlohmann

namespace attune::detail {
using json = nlohmann::ordered_json;
}  // namespace attune::detail

ATTUNE_BEGIN_NAMESPACE

/// A warning as JSON: {"message", "option" (null when none)}, then "item", "column", "row" where
/// known (docs/json.md, "Warnings").
template <class BasicJsonType>
void to_json(BasicJsonType& j, const warning& w) {
  j = BasicJsonType::object();
  j["message"] = w.message;
  if (w.option.empty()) {
    j["option"] = nullptr;
  } else {
    j["option"] = w.option;
  }
  if (w.item) j["item"] = *w.item;
  if (w.column) j["column"] = *w.column;
  if (w.row) j["row"] = *w.row;
}

namespace detail {
/// An analysis's text warnings as JSON warnings (each `warning(text)`: its option read from the text).
template <class BasicJsonType = nlohmann::ordered_json>
BasicJsonType warnings_json(const std::vector<std::string>& texts) {
  BasicJsonType out = BasicJsonType::array();
  for (const auto& t : texts) out.push_back(BasicJsonType(warning(t)));
  return out;
}
/// One member of a struct: as nlohmann writes it, except that an analysis's text `warnings` are
/// written as warnings (one JSON shape for every warning).
template <class BasicJsonType, class T>
void put_member(BasicJsonType& j, const char* name, const T& value) {
  j[name] = value;
}
template <class BasicJsonType>
void put_member(BasicJsonType& j, const char* name, const std::vector<std::string>& value) {
  if (std::string_view(name) == "warnings") {
    j[name] = warnings_json<BasicJsonType>(value);
  } else {
    j[name] = value;
  }
}
}  // namespace detail

ATTUNE_END_NAMESPACE

#define ATTUNE_JSON_TO(v1) ::attune::detail::put_member(nlohmann_json_j, #v1, nlohmann_json_t.v1);

/// to_json of a struct from its members (declaration order).
#define ATTUNE_JSON_FIELDS(Type, ...)                                           \
  template <class BasicJsonType>                                                \
  void to_json(BasicJsonType& nlohmann_json_j, const Type& nlohmann_json_t) {   \
    nlohmann_json_j = BasicJsonType::object();                                  \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(ATTUNE_JSON_TO, __VA_ARGS__))      \
  }

/// to_json of an enum by its `to_string` name.
#define ATTUNE_JSON_ENUM(Enum)                       \
  template <class BasicJsonType>                     \
  void to_json(BasicJsonType& j, const Enum& e) {    \
    j = std::string(to_string(e));                   \
  }

ATTUNE_BEGIN_NAMESPACE
namespace detail {
/// A struct's members that are not per respondent: a study document writes those as the columns
/// of its "respondents" rows and the rest through this view (`ATTUNE_JSON_SUMMARY_FIELDS`).
template <class T>
struct summary_of {
  const T& value;
};
template <class T>
summary_of(const T&) -> summary_of<T>;
}  // namespace detail
ATTUNE_END_NAMESPACE

/// to_json of `detail::summary_of<Type>` from the members that are not per respondent (in
/// declaration order); the per-respondent members are the respondents rows (say which in a comment).
#define ATTUNE_JSON_SUMMARY_FIELDS(Type, ...)                                                          \
  template <class BasicJsonType>                                                                       \
  void to_json(BasicJsonType& nlohmann_json_j, const detail::summary_of<Type>& nlohmann_json_view) {   \
    const Type& nlohmann_json_t = nlohmann_json_view.value;                                            \
    nlohmann_json_j = BasicJsonType::object();                                                         \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(ATTUNE_JSON_TO, __VA_ARGS__))                             \
  }
