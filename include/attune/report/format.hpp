/// @file format.hpp
/// Output formats of the report layer, and the version of its JSON documents.
#pragma once

#include <optional>
#include <string_view>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The JSON contract's version: every document attune writes has `"format": "attune/1"`.
/// Keys are added in minor releases; a key is renamed or removed only with a new version.
inline constexpr std::string_view json_document_format = "attune/1";

/// How a result is written.
enum class output_format {
  json,   ///< the JSON document (docs/json.md)
  table,  ///< readable aligned tables
  csv,    ///< per-respondent rows as CSV (studies with one row per respondent)
  apa,    ///< a results paragraph in APA style (report/apa.hpp)
};

/// "json", "table", "csv", "apa".
ATTUNE_EXPORT std::string_view to_string(output_format f) noexcept;
/// Parses a name of `to_string(output_format)`; nullopt when unknown.
ATTUNE_EXPORT std::optional<output_format> parse_output_format(std::string_view name) noexcept;

ATTUNE_END_NAMESPACE
