// Private helpers of the study layer for states (study/state.hpp): the fingerprints written by the
// streaming studies and read back for the merged analysis, and the refusal of a state that needs rows.
#pragma once

#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The refusal of a state that needs rows (rule state_needs_rows): a state is saved from a data
/// file, not standard input; otherwise `why` says what needs every row and what to do instead.
inline error state_needs_rows(const std::string& path, const std::string& why, const std::string& option) {
  return error(errc::invalid_argument, path == "-" ? std::string("a state is saved from a data file, not from standard input") : why,
               {.option = option, .rule = "state_needs_rows"});
}

/// Canonical JSON (sorted keys, one line) of what must match for reliability states to merge.
std::string reliability_fingerprint(const instrument& inst, bool given, const std::vector<std::string>& columns,
                                    const reliability_study_options& options);

/// What a fingerprint holds, read back.
struct reliability_fingerprint_contents {
  instrument inst;
  bool given = false;
  std::vector<std::string> columns;
  reliability_study_options options;
};

/// @throws attune::error (bad_input) naming `source` when the fingerprint does not read.
reliability_fingerprint_contents read_reliability_fingerprint(const std::string& fingerprint, const std::string& source);

/// Canonical JSON of what must match for correlate states to merge.
std::string correlate_fingerprint(const instrument& inst, bool given, const std::vector<std::string>& columns,
                                  const correlate_study_options& options);

/// What a correlate fingerprint holds, read back.
struct correlate_fingerprint_contents {
  instrument inst;
  bool given = false;
  std::vector<std::string> columns;
  correlate_study_options options;
};

/// @throws attune::error (bad_input) naming `source` when the fingerprint does not read.
correlate_fingerprint_contents read_correlate_fingerprint(const std::string& fingerprint, const std::string& source);

/// Canonical JSON of what must match for factor states to merge: the head, the keyed items
/// (`factor_study::items`) and the factor options.
std::string factor_fingerprint(const instrument& inst, const std::vector<std::string>& columns,
                               const std::vector<std::string>& keyed_items, const factor_study_options& options);

/// What a factor fingerprint holds, read back.
struct factor_fingerprint_contents {
  instrument inst;
  std::vector<std::string> columns;
  std::size_t n_keyed = 0;  ///< keyed items (the moments' k)
  factor_study_options options;
};

/// @throws attune::error (bad_input) naming `source` when the fingerprint does not read.
factor_fingerprint_contents read_factor_fingerprint(const std::string& fingerprint, const std::string& source);

/// Canonical JSON of what must match for quality states to merge: the head and the pairs' critical
/// values.
std::string quality_fingerprint(const instrument& inst, const std::vector<std::string>& columns,
                                const quality_study_options& options);

/// What a quality fingerprint holds, read back.
struct quality_fingerprint_contents {
  instrument inst;
  std::vector<std::string> columns;
  quality_study_options options;
};

/// @throws attune::error (bad_input) naming `source` when the fingerprint does not read.
quality_fingerprint_contents read_quality_fingerprint(const std::string& fingerprint, const std::string& source);

}  // namespace detail
ATTUNE_END_NAMESPACE
