// Private to the analyses and study layers: `assess_quality` in parts, so that a file can be
// screened chunk by chunk (study/quality.cpp) with the same numbers and the same warnings as the
// whole matrix. The sample's part (`quality_context`: the Mahalanobis centre and inverse, the
// psychsyn/psychant pairs) is computed once from a `quality_sample`; `assess_rows` computes the
// indices, flags and validation of any rows against it; `quality_warnings` words the warnings from
// the counts of all rows.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/quality.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Rows of one matrix product in the Mahalanobis distance: the block of `pairwise_moments::add`
/// and of the streaming studies' chunks, so that a chunk's D^2 equals the whole matrix's bit for bit.
inline constexpr Eigen::Index mahalanobis_block_rows = 4096;

/// The Mahalanobis distance's model from the whole sample.
struct mahalanobis_model {
  Eigen::VectorXd mean;        ///< per item: sum / count of its answers
  Eigen::MatrixXd covariance;  ///< pairwise-complete
  Eigen::MatrixXd inverse;
};
/// @throws attune::error (insufficient_data, numerical_issue) as `mahalanobis`.
mahalanobis_model make_mahalanobis_model(const quality_sample& sample);

/// The counts behind the warnings of `mahalanobis`.
struct mahalanobis_counts {
  std::size_t singular = 0, no_answer = 0, undefined = 0;
  void merge(const mahalanobis_counts& o) {
    singular += o.singular;
    no_answer += o.no_answer;
    undefined += o.undefined;
  }
};
/// D^2, df and p of rows against the model (one product per block of `mahalanobis_block_rows`).
mahalanobis_result mahalanobis_rows(const Eigen::MatrixXd& values, const mahalanobis_model& model,
                                    mahalanobis_method method, mahalanobis_counts& counts);
/// The warnings of `mahalanobis` for these counts.
std::vector<std::string> mahalanobis_warnings(const mahalanobis_counts& counts);

/// What the indices take from the whole sample.
struct quality_context {
  quality_design design;
  quality_options options;
  std::optional<mahalanobis_model> model;  ///< nullopt: not computed (`model_error` says why)
  std::string model_error;
  std::vector<item_pair> synonyms, antonyms;
  std::vector<double> qchi;  ///< per df 0..k: the Mahalanobis flag's chi-square quantile (NaN: off)
};
/// @throws attune::error (invalid_argument) for bad options or a design that does not fit.
quality_context make_quality_context(const quality_sample& sample, const quality_design& design,
                                     const quality_options& options);

/// The counts of rows behind the report's warnings.
struct quality_counts {
  std::size_t out_of_range = 0;
  mahalanobis_counts mahalanobis;
  void merge(const quality_counts& o) {
    out_of_range += o.out_of_range;
    mahalanobis.merge(o.mahalanobis);
  }
};
/// The report of `values` (raw answers) against the context: per-respondent members, flags,
/// counts, the validation of these rows (no duplicate-id check); `warnings` left empty.
quality_report assess_rows(const Eigen::MatrixXd& values, const quality_context& context, quality_counts& counts);
/// The report's warnings (assess_quality's order) for the counts of every row.
std::vector<std::string> quality_warnings(const quality_context& context, const quality_counts& counts);

}  // namespace detail
ATTUNE_END_NAMESPACE
