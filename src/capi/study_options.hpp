// Private to the C API (src/capi): a study's options given as one JSON object, whose keys are the
// names of the C++ options fields (a struct member takes an object of its own fields:
// "parallel_analysis": {"replicates": 20}), plus short keys for nested fields (`min_answered` for
// input.scoring.min_answered, `n_factors` for efa.n_factors), turned into the study's options
// struct by one table-driven reader (study_options.cpp); and the data description that comes with
// a matrix (column names, row ids, waves). docs/c-api.md lists every key per study. An unknown
// key is an error naming it, never ignored.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/study/change.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/irt.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace capi {

/// What a matrix does not say about itself: its columns' names, its rows' ids, its name in
/// messages, and for "change" the rows of each administration.
struct matrix_description {
  std::vector<std::string> columns;    ///< "columns": data column names (default: item ids, or V1...)
  std::vector<std::string> ids;        ///< "ids": one respondent id per row (default: none)
  std::string source = "data";         ///< "source": the data's name in messages
  std::vector<std::size_t> wave_rows;  ///< "wave_rows": change only, rows per administration
  std::vector<std::string> wave_names; ///< "wave_names": change only, a name per administration
  std::vector<std::string> forced_choice;  ///< "forced_choice": classify rq, the choice per row
  std::vector<double> missing_codes;   ///< "missing_codes" (read_options.missing_codes): values that become NaN
  std::string bank_json;               ///< "bank": the item bank of the bank studies (its JSON text), empty: none
};

/// Every study's options, read from one JSON object; only the study's own member is used.
struct study_request {
  matrix_description data;
  score_study_options score;
  reliability_study_options reliability;
  correlate_study_options correlate;
  factor_study_options factor;
  classify_study_options classify;
  change_study_options change;
  quality_study_options quality;
  irt_fit_study_options irt_fit;
  irt_score_study_options irt_score;
  irt_info_study_options irt_info;
  grm_simulation_options irt_simulate;
  cat_simulation_study_options cat_simulate;
};

/// The studies attune_study_json runs, as the command line names them.
enum class study_kind {
  score, reliability, correlate, factor, classify, change, quality,
  irt_fit, irt_score, irt_info, irt_simulate, cat_simulate
};
/// The study's name as the command line says it ("irt fit").
std::string_view study_name(study_kind kind);
/// True for the studies on an item bank (irt score, irt info, irt simulate, cat simulate).
bool needs_bank(study_kind kind);
/// True for the bank studies that take no data (irt info, irt simulate; cat simulate without rows).
bool takes_no_data(study_kind kind);
/// The study named `name`. @throws attune::error (invalid_argument) naming the known ones.
study_kind parse_study_kind(std::string_view name);

/// Reads `options_json` (null or empty: all defaults) for `kind`.
/// @throws attune::error (bad_input) for text that is not a JSON object; (invalid_argument) for a
///         key that is not an option of this study or a value of the wrong type, naming the key
///         (error_details::option) and the value.
study_request parse_study_options(study_kind kind, const char* options_json);

/// The options of a CAT session (cat_options; the keys of docs/c-api.md, "CAT sessions").
cat_options parse_cat_options(const char* options_json);

/// Only the scoring options (range, min_answered, out_of_range) of one respondent.
scoring_options parse_scoring_options(const char* options_json);

}  // namespace capi
ATTUNE_END_NAMESPACE
