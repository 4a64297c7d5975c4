// The options `attune profiles` and `attune cluster` share: what is fitted (--on, --scores), the
// names on the attachment plane (--labels), the mixture (--models, --starts, --seed, --prior) and
// the table's rows (--rows). No statistics here.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/profiles.hpp"
#include "attune/study/profiles.hpp"
#include "cli/common.hpp"

namespace attune::cli {

struct profile_flags {
  std::string on = "scores";
  std::vector<std::string> scores;
  std::string labels = "midpoint";
  std::vector<std::string> models = {"EEI", "VVI", "EEE", "VVV"};
  std::size_t starts = mixture_options{}.starts;
  std::uint64_t seed = mixture_options{}.seed;
  bool prior = false;
  bool rows = false;
};

inline constexpr const char* kModelChoices = "EII, VII, EEI, VEI, EVI, VVI, EEE, VEE, EVE, VVE, EEV, VEV, EVV, VVV or all";

/// --on, --scores, --labels, --rows; with `mixture` also --models, --starts, --seed, --prior
/// (`what`: what they apply to, for the help).
inline void add_profile_flags(CLI::App& cmd, profile_flags& f, const std::string& what) {
  cmd.add_option("--on", f.on, "fit the instrument's scores or its keyed items: scores | items")->default_val("scores");
  cmd.add_option("--scores", f.scores,
                 "the instrument's scores to fit (--on scores) or to show (--on items); default: anxiety,avoidance")
      ->delimiter(',');
  cmd.add_option("--labels", f.labels,
                 "name four groups on the attachment plane against: midpoint (of the response range) | sample_mean | "
                 "none")
      ->default_val("midpoint");
  cmd.add_option("--models", f.models, what + ": mclust covariance models, comma-separated: " + kModelChoices)
      ->delimiter(',')
      ->default_str("EEI,VVI,EEE,VVV");
  cmd.add_option("--starts", f.starts, what + ": starts per model and K (the hierarchical one, then random)")
      ->default_val(f.starts);
  cmd.add_option("--seed", f.seed, what + ": seed of the random starts, the subset and the bootstrap")->default_val(f.seed);
  cmd.add_flag("--prior", f.prior,
               what + ": the conjugate prior of Fraley & Raftery (mclust's defaults), so that no profile can collapse "
                      "(EII, VII, EEI, VVI, EEE, VVV only)");
  cmd.add_flag("--rows", f.rows, "with --format table: the per-respondent rows above the summary");
}

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

inline std::optional<label_reference> parse_labels(const std::string& text) {
  if (text == "none") return std::nullopt;
  return parse_choice("--labels", text, parse_label_reference, "midpoint, sample_mean or none");
}

inline profile_data parse_on(const std::string& text) {
  return parse_choice("--on", text, parse_profile_data, "scores or items");
}

/// The mixture options of the flags (threads from --threads).
inline mixture_options make_mixture_options(const profile_flags& f, const input_flags& in) {
  mixture_options m;
  m.models = parse_models(f.models);
  m.starts = f.starts;
  m.seed = f.seed;
  if (f.prior) m.prior = mixture_prior{};
  m.threads = in.threads;
  return m;
}

/// --format table without --rows prints the summary alone; with it, the rows above the summary.
inline bool summary_only(const profile_flags& f, const input_flags& in) {
  return in.format_enum() == output_format::table && !f.rows;
}

}  // namespace attune::cli
