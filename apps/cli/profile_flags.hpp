// What `attune profiles` and `attune cluster` share: the flags bound to their study's options (what
// is fitted: --on, --scores; the names on the attachment plane: --labels; the mixture: --models,
// --starts, --seed, --prior), the table's rows (--rows), and how a study is written. No statistics here.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "attune/analyses/profiles.hpp"
#include "attune/report/rows.hpp"
#include "attune/study/profiles.hpp"
#include "cli/common.hpp"

namespace attune::cli {

inline constexpr const char* kModelChoices = "EII, VII, EEI, VEI, EVI, VVI, EEE, VEE, EVE, VVE, EEV, VEV, EVV, VVV or all";

inline std::vector<covariance_model> parse_models(const std::vector<std::string>& names) {
  std::vector<covariance_model> out;
  for (const auto& name : names) {
    if (name == "all" || name == "ALL") {
      out.assign(all_covariance_models.begin(), all_covariance_models.end());
      continue;
    }
    out.push_back(parse_choice("--models", name, parse_covariance_model, kModelChoices));
  }
  return out;
}

/// --on, --scores, --labels into `so` (profiles_study_options or cluster_study_options), --models,
/// --starts, --seed, --prior into `m` (`what`: what they apply to, for the help), and --rows.
template <class StudyOptions>
void add_profile_flags(CLI::App& cmd, StudyOptions& so, mixture_options& m, bool& rows, const std::string& what) {
  add_choice(cmd, "--on", so.on, parse_profile_data, "scores or items",
             "fit the instrument's scores or its keyed items: scores | items");
  add_value(cmd, "--scores", so.scores,
            "the instrument's scores to fit (--on scores) or to show (--on items); default: anxiety,avoidance");
  add_choice(cmd, "--labels", so.labels, parse_label_reference, "midpoint, sample_mean or none",
             "name four groups on the attachment plane against: midpoint (of the response range) | sample_mean | none");
  std::string models;
  for (const covariance_model model : m.models) models += (models.empty() ? "" : ",") + std::string(to_string(model));
  cmd.add_option_function<std::vector<std::string>>(
         "--models", [&m](const std::vector<std::string>& names) { m.models = parse_models(names); },
         what + ": mclust covariance models, comma-separated: " + kModelChoices)
      ->delimiter(',')
      ->default_str(models);
  add_value(cmd, "--starts", m.starts, what + ": starts per model and K (the hierarchical one, then random)");
  add_value(cmd, "--seed", m.seed, what + ": seed of the random starts, the subset and the bootstrap");
  cmd.add_flag_callback(
      "--prior", [&m] { m.prior = mixture_prior{}; },
      what +
          ": the conjugate prior of Fraley & Raftery (mclust's defaults), so that no profile can collapse "
          "(EII, VII, EEI, VVI, EEE, VVV only)");
  cmd.add_flag("--rows", rows, "with --format table: the per-respondent rows above the summary");
}

/// Writes a profiles or cluster study: --format table without --rows the summary alone; otherwise
/// the report (a table: the rows above the summary; CSV: the rows, the summary on standard error).
template <class Study>
void write_profile_study(const input_flags& in, bool rows, const Study& study, std::string (*summary)(const Study&)) {
  if (in.format_enum() == output_format::table && !rows) {
    write_text(in, summary(study));
    return;
  }
  output out(in);
  write_report(out.stream(), in.format_enum(), study, make_row_options(in));
  out.commit();
  if (in.format_enum() == output_format::csv) std::cerr << summary(study);
}

}  // namespace attune::cli
