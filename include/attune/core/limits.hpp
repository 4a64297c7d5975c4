/// @file limits.hpp
/// Process-wide limits on untrusted JSON input (docs/limits.md).
///
/// Every JSON text the library reads (instrument files, norm tables, item banks, saved CAT
/// sessions, the C API's options) may nest arrays and objects at most `json_depth_limit()` levels
/// (64 by default; the formats need at most 5): a deeper text is a bad_input error (rule
/// `json_too_deep`) before it costs stack or time. The other input limits are per call:
/// `csv_options::max_record_bytes` (the longest record, and so the longest field) and
/// `csv_options::max_columns` (the widest header).
#pragma once

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Default of `json_depth_limit()`.
inline constexpr int default_json_depth_limit = 64;
/// Highest value `set_json_depth_limit` accepts: deeper values would let a text exhaust the stack
/// of code that walks a parsed document recursively.
inline constexpr int max_json_depth_limit = 10000;

/// The most nesting levels of arrays and objects accepted in JSON input (thread-safe).
ATTUNE_EXPORT int json_depth_limit() noexcept;
/// Sets `json_depth_limit()` for the whole process (thread-safe; command line: `--max-json-depth`).
/// @throws attune::error (invalid_argument) outside [1, max_json_depth_limit].
ATTUNE_EXPORT void set_json_depth_limit(int levels);

ATTUNE_END_NAMESPACE
