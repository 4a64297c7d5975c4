// attune profiles: latent profile analysis (Gaussian mixtures with mclust's covariance models) of
// an instrument's scores or keyed items: model selection, each respondent's posterior
// probabilities and modal profile, names on the attachment plane (study_profiles; docs/profiles.md).
#include <charconv>

#include "attune/report/table.hpp"
#include "attune/study/profiles.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/profile_flags.hpp"

namespace attune::cli {
namespace {

struct options {
  input_flags in;
  profiles_study_options so;
  bool rows = false;
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

}  // namespace

void add_profiles_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "profiles", "latent profile analysis: Gaussian mixtures (mclust's models) with BIC, entropy and each "
                  "respondent's posterior probabilities");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  add_columns_flag(*cmd, o->in);
  mixture_options& m = o->so.mixture;
  add_profile_flags(*cmd, o->so, m, o->rows, "mixture");
  cmd->add_option_function<std::string>(
         "--k", [&m](const std::string& k) { std::tie(m.k_min, m.k_max) = parse_k_range(k); },
         "numbers of profiles to fit: N or MIN-MAX (at most 20)")
      ->default_str(std::to_string(m.k_min) + "-" + std::to_string(m.k_max));
  add_value(*cmd, "--bootstrap-lrt", m.bootstrap_lrt,
            "bootstrap likelihood-ratio test of K against K - 1 profiles (best model): replicates, 0 = none");
  cmd->callback([o] {
    o->so.input = make_input_options(o->in);
    o->so.mixture.threads = o->in.threads;
    write_profile_study(o->in, o->rows, study_profiles(resolve_instrument(o->in.instrument), o->in.data, o->so),
                        profiles_summary_text);
  });
}

}  // namespace attune::cli
