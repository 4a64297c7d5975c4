// study_report (study/report.hpp): one call per part, each part's own study function.
#include "attune/study/report.hpp"

#include <cmath>

#include "attune/core/error.hpp"
#include "attune/core/version.hpp"
#include "detail/math.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress.hpp"

ATTUNE_BEGIN_NAMESPACE

void report_study_options::validate() const {
  reliability.validate();
  if (parallel_replicates < 0) {
    throw error(errc::invalid_argument, "parallel_replicates must be >= 0, got " + std::to_string(parallel_replicates),
                error_details{.option = "parallel_replicates"});
  }
  if (irt) irt_information.validate();
  if (profiles) profiles_mixture.validate();
}

option_list describe_options(report_study_options& o) {
  using detail::bound_option;
  return {
      bound_option("after", "report_study_options.after", "a second administration (same instrument, matched by the id column): the change section", o.after),
      bound_option("parallel", "parallel_replicates", "parallel-analysis replicates of the scree plot (0: none)", o.parallel_replicates, {0, 10000}),
      bound_option("seed", "report_study_options.seed", "seed of the parallel analysis", o.seed),
      detail::toggle_option("no-irt", "report_study_options.irt", "leave out the IRT section (graded response model per scale)", o.irt, false),
      bound_option("profiles", "report_study_options.profiles", "add the latent profiles section (Gaussian mixtures of the scores; slow on large files)", o.profiles),
  };
}

namespace {

// Pearson r of the pairs where both are finite, with the Fisher-z interval
// (Fisher 1921): tanh(atanh(r) +- z / sqrt(n - 3)).
std::optional<dimension_correlation> correlate_dimensions(const std::string& a_name, const Eigen::VectorXd& a,
                                                          const std::string& b_name, const Eigen::VectorXd& b,
                                                          double level) {
  double sa = 0, sb = 0;
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (std::isfinite(a[i]) && std::isfinite(b[i])) sa += a[i], sb += b[i], ++n;
  }
  if (n < 4) return std::nullopt;
  const double ma = sa / static_cast<double>(n), mb = sb / static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  }
  if (!(saa > 0 && sbb > 0)) return std::nullopt;
  dimension_correlation c;
  c.first = a_name, c.second = b_name, c.n = n;
  c.r = sab / std::sqrt(saa * sbb);
  const double z = std::atanh(std::clamp(c.r, -0.9999999999, 0.9999999999));
  const double half = detail::normal_quantile(0.5 + level / 2) / std::sqrt(static_cast<double>(n) - 3.0);
  c.ci.method = "fisher_z", c.ci.level = level, c.ci.n = static_cast<double>(n);
  c.ci.lower = std::tanh(z - half), c.ci.upper = std::tanh(z + half);
  return c;
}

}  // namespace

report_study study_report(const instrument& inst, const std::string& path, const report_study_options& options) {
  options.validate();
  report_study r;
  r.instrument = inst.id;
  r.source = path;
  r.attune_version = version_string;
  r.command_line = options.command_line;
  r.options = options;
  r.options.input.progress = {};  // the result keeps no callback
  // One read; each study takes its own copy of the answers.
  const responses data = read_study_data(path, &inst, options.input);

  quality_study_options qo;
  qo.input = options.input;
  r.quality = study_quality(inst, data, qo);

  reliability_study_options ro;
  ro.input = options.input;
  ro.reliability = options.reliability;
  r.reliability = study_reliability(&inst, data, ro);

  score_study_options so;
  so.input = options.input;
  r.scores = study_score(inst, data, so);

  classify_study_options co;
  co.input = options.input;
  r.styles = study_classify(inst, data, co);
  if (r.styles.result && r.styles.scores.size() == 2) {
    r.correlation = correlate_dimensions(r.styles.scores[0], r.styles.result->anxiety, r.styles.scores[1],
                                         r.styles.result->avoidance, options.reliability.level);
  }

  if (inst.subscales.size() >= 2) {
    try {
      factor_study_options fo;
      fo.input = options.input;
      fo.analysis = factor_analysis_kind::cfa;
      r.structure = study_factor(inst, data, fo);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      r.warnings.push_back(std::string("structure: the CFA could not be fitted: ") + e.what());
    }
  }
  try {
    factor_study_options fo;
    fo.input = options.input;
    fo.analysis = factor_analysis_kind::efa;
    fo.parallel = options.parallel_replicates > 0;
    fo.parallel_analysis.replicates = std::max(options.parallel_replicates, 1);
    fo.parallel_analysis.seed = options.seed;
    fo.parallel_analysis.threads = options.reliability.threads;
    r.scree = study_factor(inst, data, fo);
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    r.warnings.push_back(std::string("scree: the eigenvalues could not be computed: ") + e.what());
  }

  if (options.irt) {
    // The graded response model of each subscale, as `attune irt fit` fits it (the same options
    // but the threads), and the information of the bank it gives.
    try {
      irt_fit_study_options io;
      io.input = options.input;
      io.grm.threads = options.reliability.threads;
      r.irt = study_irt_fit(&inst, data, io);
      r.irt_information = study_irt_info(r.irt->bank, options.irt_information);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      r.irt.reset();
      r.irt_information.reset();
      r.warnings.push_back(std::string("irt: the graded response model could not be fitted: ") + e.what());
    }
  }
  if (options.profiles) {
    // Latent profiles of the anxiety and avoidance scores (as `attune profiles`).
    try {
      profiles_study_options po;
      po.input = options.input;
      po.mixture = options.profiles_mixture;
      po.mixture.threads = options.reliability.threads;
      po.mixture.progress = {};
      r.profiles = study_profiles(inst, data, po);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      r.warnings.push_back(std::string("profiles: the mixtures could not be fitted: ") + e.what());
    }
  }

  if (!options.after.empty()) {
    r.after_source = options.after;
    change_study_options cho;
    cho.input = options.input;
    r.change = study_change(inst, std::vector<std::string>{path, options.after}, cho);
  }
  return r;
}

ATTUNE_END_NAMESPACE
