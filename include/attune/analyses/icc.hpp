/// @file icc.hpp
/// Intraclass correlations (Shrout & Fleiss 1979), as R psych `ICC(x, lmer = FALSE)`.
///
/// Orientation: rows = subjects, columns = raters or occasions, NaN = missing rating.
/// Errors: `attune::error`, invalid_argument (options), insufficient_data (k < 2 raters or fewer
/// than 2 complete rows), bad_input (an infinite rating).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include "attune/core/config.hpp"
#include "attune/core/interval.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The six intraclass correlations of Shrout & Fleiss (1979), as psych `ICC(x, lmer = FALSE)`.
struct ATTUNE_EXPORT icc_row {
  std::string type;         ///< "ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"
  std::string description;  ///< psych's row name, e.g. "Single_raters_absolute"
  double icc = 0.0, f = 0.0, df1 = 0.0, df2 = 0.0, p = 0.0;
  confidence_interval ci;  ///< F-based interval (Shrout & Fleiss 1979), method "f"; NaN bounds when undefined
};

/// Options of `analyze_icc`.
struct ATTUNE_EXPORT icc_options {
  double level = 0.95;  ///< confidence level (psych alpha = 1 - level)
  void validate() const;
};

/// Result of `analyze_icc`.
struct ATTUNE_EXPORT icc_result {
  double n = 0.0;  ///< complete rows used
  Eigen::Index n_raters = 0;
  double ms_subjects = 0.0, ms_within = 0.0, ms_raters = 0.0, ms_error = 0.0;  ///< MSB, MSW, MSJ, MSE
  std::vector<icc_row> rows;  ///< ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k
  std::vector<std::string> warnings;
};

/// Intraclass correlations of an N x k matrix (subjects x raters or occasions): two-way ANOVA
/// mean squares, the six Shrout-Fleiss forms, their F tests and F-based intervals (ICC(2,1) by the
/// Satterthwaite-type df of Shrout & Fleiss 1979, as psych). Rows with a missing rating are dropped
/// with a warning. Throws insufficient_data for k < 2 raters or fewer than 2 complete rows.
ATTUNE_EXPORT icc_result analyze_icc(const Eigen::MatrixXd& ratings, const icc_options& options = {});

ATTUNE_END_NAMESPACE
