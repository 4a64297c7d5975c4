// attune profiles: latent profile analysis (Gaussian mixtures with mclust's covariance models) of
// an instrument's scores or keyed items: model selection, each respondent's posterior
// probabilities and modal profile, names on the attachment plane (study_profiles; docs/profiles.md).
#include <charconv>
#include <iostream>

#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/profiles.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/profile_flags.hpp"

namespace attune::cli {
namespace {

struct options {
  input_flags in;
  profile_flags p;
  std::string k = "1-6";
  std::size_t bootstrap = 0;
};

// "3" -> 3..3, "1-6" -> 1..6.
std::pair<std::size_t, std::size_t> parse_k_range(const std::string& text) {
  auto number = [&](std::string_view s, std::size_t& v) {
    const auto [p, e] = std::from_chars(s.data(), s.data() + s.size(), v);
    return e == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  std::size_t lo = 0, hi = 0;
  const std::size_t dash = text.find('-');
  const bool ok = dash == std::string::npos
                      ? number(text, lo) && ((hi = lo), true)
                      : number(std::string_view(text).substr(0, dash), lo) &&
                            number(std::string_view(text).substr(dash + 1), hi);
  if (!ok) throw error(errc::invalid_argument, "--k '" + text + "': expected N or MIN-MAX, e.g. 1-6", {.value = text});
  return {lo, hi};
}

void run(const options& o) {
  profiles_study_options so;
  so.input = make_input_options(o.in);
  so.on = parse_on(o.p.on);
  so.scores = o.p.scores;
  so.labels = parse_labels(o.p.labels);
  so.mixture = make_mixture_options(o.p, o.in);
  std::tie(so.mixture.k_min, so.mixture.k_max) = parse_k_range(o.k);
  so.mixture.bootstrap_lrt = o.bootstrap;
  const profiles_study study = study_profiles(resolve_instrument(o.in.instrument), o.in.data, so);
  if (summary_only(o.p, o.in)) {
    write_text(o.in, profiles_summary_text(study));
    return;
  }
  output out(o.in);
  write_report(out.stream(), o.in.format_enum(), study, make_row_options(o.in));
  out.commit();
  if (o.in.format_enum() == output_format::csv) std::cerr << profiles_summary_text(study);
}

}  // namespace

void add_profiles_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "profiles", "latent profile analysis: Gaussian mixtures (mclust's models) with BIC, entropy and each "
                  "respondent's posterior probabilities");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  add_columns_flag(*cmd, o->in);
  add_profile_flags(*cmd, o->p, "mixture");
  cmd->add_option("--k", o->k, "numbers of profiles to fit: N or MIN-MAX (at most 20)")->default_val("1-6");
  cmd->add_option("--bootstrap-lrt", o->bootstrap,
                  "bootstrap likelihood-ratio test of K against K - 1 profiles (best model): replicates, 0 = none")
      ->default_val(0);
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
