#include "attune/study/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "detail/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

void reliability_study_options::validate() const {
  input.scoring.validate();
  reliability.validate();
  if (omega_bootstrap < 0 || omega_bootstrap == 1) {
    throw error(errc::invalid_argument,
                "reliability_study_options.omega_bootstrap = " + std::to_string(omega_bootstrap) +
                    ": use 0 (no interval) or at least 2 replicates",
                {.value = std::to_string(omega_bootstrap), .option = "reliability_study_options.omega_bootstrap"});
  }
}

namespace {

// Omega total of a one-factor model, and psych's default bifactor omega where the scale has
// enough items for 3 group factors: ((k - 3)^2 - (k + 3)) / 2 >= 0 degrees of freedom, k >= 6.
// The bootstrap interval of omega total (n_factors = 1: the one-factor model) or of omega_h
// (n_factors = 3): BCa where it is defined, the percentile interval otherwise (with a warning).
// Rows are resampled from `rows` (the complete rows under listwise deletion, as the estimate).
std::optional<confidence_interval> omega_interval(const Eigen::MatrixXd& rows, int n_factors,
                                                  const reliability_study_options& o, std::vector<std::string>& warnings) {
  omega_bootstrap_options bo;
  bo.omega.n_factors = n_factors;
  bo.replicates = o.omega_bootstrap;
  bo.level = o.reliability.level;
  bo.seed = o.reliability.seed;
  bo.threads = o.reliability.threads;
  bo.progress = o.input.progress;
  const char* what = n_factors == 1 ? "omega total" : "omega hierarchical";
  try {
    const omega_bootstrap_result b = omega_bootstrap(rows, bo);
    for (const auto& w : b.warnings) warnings.push_back(std::string(what) + " bootstrap: " + w);
    const confidence_interval& bca = n_factors == 1 ? b.total_bca : b.hierarchical_bca;
    if (bca.finite()) return bca;
    warnings.push_back(std::string(what) + ": the BCa interval is undefined; the percentile interval is given");
    return n_factors == 1 ? b.total_percentile : b.hierarchical_percentile;
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    warnings.push_back(std::string(what) + ": no bootstrap interval: " + e.what());
    return std::nullopt;
  }
}

// The columns with variance: alpha leaves a constant item out (with a warning), and so does omega,
// in the estimate (r.correlation holds the kept items) and in the bootstrap (issue 12).
Eigen::MatrixXd varying_columns(const Eigen::MatrixXd& keyed) {
  std::vector<Eigen::Index> keep;
  for (Eigen::Index j = 0; j < keyed.cols(); ++j) {
    double lo = INFINITY, hi = -INFINITY;
    for (Eigen::Index i = 0; i < keyed.rows(); ++i) {
      if (std::isnan(keyed(i, j))) continue;
      lo = std::min(lo, keyed(i, j));
      hi = std::max(hi, keyed(i, j));
    }
    if (hi > lo) keep.push_back(j);
  }
  return keyed(Eigen::all, keep);
}

omega_estimates omega_of(const reliability_result& r, const Eigen::MatrixXd& all_items, const reliability_study_options& o) {
  constexpr Eigen::Index kMinItemsForBifactor = 6;
  const auto n = static_cast<Eigen::Index>(r.n_rows);
  Eigen::MatrixXd rows;  // what the bootstrap resamples
  const Eigen::MatrixXd keyed = o.omega_bootstrap > 0 ? varying_columns(all_items) : Eigen::MatrixXd();
  if (o.omega_bootstrap > 0) {
    if (o.reliability.missing == missing_method::listwise) {
      std::vector<Eigen::Index> complete;
      for (Eigen::Index i = 0; i < keyed.rows(); ++i) {
        if (!keyed.row(i).array().isNaN().any()) complete.push_back(i);
      }
      rows = keyed(complete, Eigen::all);
    } else {
      rows = keyed;
    }
  }
  omega_estimates out;
  const omega_single_result one = omega_single_factor(r.correlation, n);
  out.total = one.omega_total;
  out.warnings = one.warnings;
  if (o.omega_bootstrap > 0) out.total_ci = omega_interval(rows, 1, o, out.warnings);
  if (r.n_items < kMinItemsForBifactor) {
    out.warnings.push_back("omega hierarchical needs at least " + std::to_string(kMinItemsForBifactor) +
                           " items for 3 group factors; this scale has " + std::to_string(r.n_items));
    return out;
  }
  try {
    out.hierarchical = omega(r.correlation, n, omega_options{});
    for (const auto& w : out.hierarchical->warnings) out.warnings.push_back("omega hierarchical: " + w);
    if (o.omega_bootstrap > 0) out.hierarchical_ci = omega_interval(rows, 3, o, out.warnings);
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    out.warnings.push_back(std::string("omega hierarchical not available: ") + e.what());
  }
  return out;
}

// Ordinal alpha where the answers are integer categories (at most 8, as polychoric's maximum).
std::optional<double> ordinal_alpha_of(const Eigen::MatrixXd& keyed, int threads, const progress_options& progress,
                                       std::vector<std::string>& warnings) {
  bool integer = true;
  double lo = INFINITY, hi = -INFINITY;
  for (Eigen::Index i = 0; i < keyed.size(); ++i) {
    const double v = keyed.data()[i];
    if (std::isnan(v)) continue;
    integer = integer && v == std::round(v);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!integer || !(hi > lo) || hi - lo + 1 > 8) {
    warnings.push_back("ordinal alpha needs integer answers with 2 to 8 categories");
    return std::nullopt;
  }
  try {
    polychoric_options po;
    po.threads = threads;
    po.standard_errors = false;
    po.progress = progress;
    const ordinal_reliability_result o = ordinal_reliability(keyed, po);
    // the polychoric warnings (corrected or renormalised pair tables, smoothing) qualify the
    // ordinal alpha: they go with it (issue 12)
    for (const auto& w : o.warnings) warnings.push_back("ordinal alpha: " + w);
    return o.ordinal_alpha;
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    warnings.push_back(std::string("ordinal alpha not available: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace

namespace {

void check(const instrument* given, const reliability_study_options& options) {
  options.validate();
  if (given != nullptr && !options.reversed.empty()) {
    throw error(errc::invalid_argument,
                "reverse keys are given for the data's columns as one scale; instrument '" + given->id +
                    "' has its own keys",
                {.option = "reliability_study_options.reversed", .rule = "reversed_with_instrument"});
  }
}

}  // namespace

reliability_study study_reliability(const instrument* given, responses data, const reliability_study_options& options) {
  check(given, options);
  const instrument custom = given == nullptr ? columns_as_scale(data, options.input, options.reversed) : instrument{};
  const instrument& inst = given != nullptr ? *given : custom;
  reliability_study out;
  if (given != nullptr) out.instrument = inst.id;
  out.n_rows = static_cast<std::size_t>(data.n_rows());
  out.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  check_answers(inst, data, options.input, out.warnings);
  for (const auto& s : inst.subscales) {
    if (s.items.size() < 2 && given != nullptr) {
      out.warnings.push_back("subscale '" + s.name + "' has one item: no internal consistency");
      continue;
    }
    scale_reliability sr;
    sr.name = s.name;
    for (const auto& id : s.items) {
      const auto idx = static_cast<std::size_t>(inst.item_index(id));
      sr.items.push_back(idx < data.columns.size() ? data.columns[idx] : id);
      if (inst.is_reversed(s, id)) sr.reversed.push_back(sr.items.back());
    }
    const Eigen::MatrixXd keyed = keyed_items(inst, s, data.values, options.input.scoring);
    reliability_options ro = options.reliability;
    ro.item_names = sr.items;
    ro.progress = options.input.progress;
    try {
      sr.reliability = analyze_reliability(keyed, ro);
    } catch (const error& e) {
      throw e.with_context("scale '" + s.name + "': ");
    }
    try {
      sr.omega = omega_of(sr.reliability, keyed, options);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      sr.warnings.push_back(std::string("omega not available: ") + e.what());
    }
    if (options.ordinal) sr.ordinal_alpha = ordinal_alpha_of(varying_columns(keyed), options.reliability.threads,
                                                        options.input.progress, sr.warnings);
    if (options.icc) {
      try {
        sr.icc = analyze_icc(keyed, icc_options{.level = options.reliability.level});
        for (const auto& w : sr.icc->warnings) sr.warnings.push_back("ICC: " + w);
      } catch (const error& e) {
        sr.warnings.push_back(std::string("ICC not available: ") + e.what());
      }
    }
    out.scales.push_back(std::move(sr));
  }
  if (out.scales.empty()) {
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no subscale with at least 2 items",
                {.rule = "no_scale"});
  }
  return out;
}

reliability_study study_reliability(const instrument* inst, const std::string& path,
                                    const reliability_study_options& options) {
  check(inst, options);
  return study_reliability(inst, read_study_data(path, inst, options.input), options);
}

ATTUNE_END_NAMESPACE
