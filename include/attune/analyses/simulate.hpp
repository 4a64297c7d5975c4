/// @file simulate.hpp
/// A seeded generator of synthetic questionnaire answers, for sample data, tests and benchmarks.
///
/// Model (documented in docs/sample-data.md): each subscale has a latent trait; the instrument's
/// anxiety and avoidance traits correlate `dimension_correlation`, other subscale traits are
/// independent. An item's latent response is `loading * trait + sqrt(1 - loading^2) * e` (sign
/// flipped for reverse-keyed items), cut into the response categories at equally spaced normal
/// quantiles shifted by a per-item offset, so items differ in difficulty. A share of answers is
/// then deleted at random (missing completely at random). The same seed gives the same data on
/// every platform: the generator uses std::mt19937_64 and its own uniform and normal transforms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/data/responses.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `simulate_responses`.
struct ATTUNE_EXPORT simulation_options {
  std::size_t n = 1000;                 ///< respondents
  std::uint64_t seed = 20261128;        ///< random seed
  double loading = 0.7;                 ///< item loading on its subscale's trait, in (0, 1)
  double dimension_correlation = 0.2;   ///< correlation of the anxiety and avoidance traits, in (-1, 1)
  double missing_rate = 0.02;           ///< share of answers deleted at random, in [0, 1)
  bool with_ids = true;                 ///< fill `row_ids` with "R000001"...
  void validate() const;
};

/// Synthetic answers to `inst` (integer categories within its response range; NaN = missing).
/// Items that belong to no subscale load on an independent trait of their own.
ATTUNE_EXPORT responses simulate_responses(const instrument& inst, const simulation_options& options = {});

/// The same answers as `simulate_responses`, handed to `on_chunk` `chunk_rows` respondents at a
/// time (0: `cache_friendly_chunk_rows`) in row order, each chunk with its `first_row` and ids:
/// memory does not grow with `options.n`. The answers are the same for any `chunk_rows`.
ATTUNE_EXPORT void simulate_response_chunks(const instrument& inst, const simulation_options& options,
                                            std::size_t chunk_rows,
                                            const std::function<void(const responses&)>& on_chunk);

/// Writes `data` as CSV rows (as `responses_to_csv`), with the header line when `header`.
ATTUNE_EXPORT void write_responses_csv(std::ostream& out, const responses& data, bool header);

/// The responses as CSV text: an `id` column (when present), then one column per item.
ATTUNE_EXPORT std::string responses_to_csv(const responses& data);

ATTUNE_END_NAMESPACE
