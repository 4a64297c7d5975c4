/// @file correlate.hpp
/// The item correlation matrix of a data set (study layer): pairwise Pearson or polychoric, on
/// an instrument's items or on the columns the caller names, read and checked through the common
/// input path (response range, missing codes, out-of-range rule) like every other study.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/correlation.hpp"
#include "attune/core/config.hpp"
#include "attune/core/warning.hpp"
#include "attune/data/responses.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `study_correlate`.
struct ATTUNE_EXPORT correlate_study_options {
  input_options input;
  correlation_options correlation;
  /// Worker threads for reading the file in chunks (0 = all cores); the result never depends on it.
  int threads = 1;
  void validate() const;
};

/// The options of `o` a front end sets from text (study/option_info.hpp): the correlation
/// "method". Not listed: `input` (`describe_options(input_options&)`), the polychoric options, `threads`.
ATTUNE_EXPORT option_list describe_options(correlate_study_options& o);

/// The correlations of the items (answers as given, not reverse keyed).
struct ATTUNE_EXPORT correlate_study {
  std::optional<std::string> instrument;  ///< null for the data's own columns
  std::vector<std::string> items;         ///< the data columns, in matrix order
  std::size_t n_rows = 0;
  std::size_t n_out_of_range = 0;         ///< answers outside the range treated as missing
  correlation_result correlation;
  std::vector<warning> warnings;
};

/// Correlates `inst`'s items (or, with `inst` null, the data's columns).
/// @throws as `correlate`, and the range rule of `input.scoring`.
ATTUNE_EXPORT correlate_study study_correlate(const instrument* inst, responses data,
                                              const correlate_study_options& options = {});
/// Reads `path` through `read_study_data`, then as above.
ATTUNE_EXPORT correlate_study study_correlate(const instrument* inst, const std::string& path,
                                              const correlate_study_options& options = {});

ATTUNE_END_NAMESPACE
