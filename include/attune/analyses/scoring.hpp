/// @file scoring.hpp
/// Scoring respondents on an instrument's subscales and composites.
///
/// Per respondent and subscale: the mean (or sum) of the answered items after reverse keying
/// (`min + max - x` with the response range of this data, per item), and the number answered.
/// Below the minimum-answered rule the respondent gets no score (NaN), never a biased one.
/// A value outside the response range is an error by default; an option treats it as missing
/// and counts it.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/data/responses.hpp"

ATTUNE_BEGIN_NAMESPACE

/// What to do with an answer outside the response range.
enum class out_of_range_policy { error, set_missing };

/// Options of `score` and `score_respondent`.
struct ATTUNE_EXPORT scoring_options {
  /// The response range of this data when it differs from the instrument's (e.g. an ECR given
  /// on 1-5). Overrides every item's range.
  std::optional<response_range> range;
  /// Minimum share of a subscale's items that must be answered for a score, in (0, 1].
  /// Default 0.8: at most 20% missing (e.g. 15 of 18 ECR-R items; 5 of 6 ECR-S items).
  /// The count needed is ceil(min_answered * k).
  double min_answered = 0.8;
  out_of_range_policy out_of_range = out_of_range_policy::error;

  /// @throws attune::error (invalid_argument) naming the field, value and rule.
  void validate() const;
};

/// Scores of N respondents.
struct ATTUNE_EXPORT score_table {
  std::vector<std::string> names;  ///< subscale names, then composite names
  Eigen::MatrixXd scores;          ///< N x names.size(); NaN = not scoreable
  Eigen::MatrixXi answered;        ///< N x (number of subscales): items answered
  std::vector<int> required;       ///< per subscale: answers needed for a score
  std::vector<int> n_items;        ///< per subscale: its number of items
  std::size_t n_out_of_range = 0;  ///< answers outside the range treated as missing
  std::vector<std::string> warnings;
};

/// The response range of item `i` of `inst` under `options`.
ATTUNE_EXPORT response_range item_range(const instrument& inst, std::size_t i,
                                        const scoring_options& options) noexcept;

/// Applies the out-of-range rule to `data` in place: with `out_of_range_policy::error` the first
/// answer outside its item's range (in reading order) is an error naming file, row, line, column
/// and value; with `set_missing` every such answer becomes NaN. Returns how many were set missing.
/// Analyses that take keyed items (reliability, factor analysis) call this before `keyed_items`.
/// @throws attune::error (bad_input) under the error policy, (invalid_argument) for a column count
///         that does not match the instrument.
ATTUNE_EXPORT std::size_t apply_range_rule(const instrument& inst, responses& data,
                                           const scoring_options& options = {});

/// Scores every respondent. `data.values` columns are the instrument's items, in order.
/// @throws attune::error (bad_input) naming file, row, column and value for an answer out of
///         range (unless `set_missing`), (invalid_argument) when the columns do not match.
ATTUNE_EXPORT score_table score(const instrument& inst, const responses& data,
                                const scoring_options& options = {});

/// Scores of one respondent (for apps).
struct ATTUNE_EXPORT respondent_scores {
  std::vector<std::string> names;  ///< as score_table::names
  std::vector<double> scores;      ///< NaN = not scoreable
  std::vector<int> answered;       ///< per subscale
  std::size_t n_out_of_range = 0;
};

/// Scores one answer vector (instrument item order; NaN = missing), with the same rules as `score`.
/// @throws attune::error (invalid_argument) for a wrong length, (bad_input) for a value out of range.
ATTUNE_EXPORT respondent_scores score_respondent(const instrument& inst,
                                                 std::span<const double> answers,
                                                 const scoring_options& options = {});

/// The items of subscale `s` as an N x k_s matrix after reverse keying (NaN kept): the input
/// to reliability and quality analyses. Values out of range are not checked here.
ATTUNE_EXPORT Eigen::MatrixXd keyed_items(const instrument& inst, const subscale& s,
                                          const Eigen::MatrixXd& values,
                                          const scoring_options& options = {});

ATTUNE_END_NAMESPACE

ATTUNE_BEGIN_NAMESPACE

/// Running summary of score tables (count, mean, SD, min, max per score), built chunk by chunk
/// so that a file larger than memory can be summarised. Welford's update, merged by Chan et al.
class ATTUNE_EXPORT score_summary {
 public:
  struct column {
    std::string name;
    std::size_t n_scored = 0;    ///< respondents with a score
    std::size_t n_unscored = 0;  ///< respondents without one (too few answers)
    double mean = 0.0;
    double sd = 0.0;             ///< sample SD (n - 1); NaN below 2 scores
    double min = 0.0;
    double max = 0.0;
  };

  explicit score_summary(std::vector<std::string> names = {});
  /// Adds every row of `t` (whose names must match).
  void add(const score_table& t);
  [[nodiscard]] std::vector<column> columns() const;
  [[nodiscard]] std::size_t n_rows() const noexcept { return n_rows_; }
  [[nodiscard]] std::size_t n_out_of_range() const noexcept { return n_out_of_range_; }
  /// The warnings of `score` over everything added (counts summed across chunks).
  [[nodiscard]] std::vector<std::string> warnings() const;

 private:
  std::vector<std::string> names_;
  std::vector<std::size_t> n_, missing_;
  std::vector<double> mean_, m2_, min_, max_;
  std::vector<int> required_, n_items_;
  std::size_t n_rows_ = 0;
  std::size_t n_out_of_range_ = 0;
};

ATTUNE_END_NAMESPACE
