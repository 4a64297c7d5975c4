// attune profiles: latent profile analysis (Gaussian mixtures with mclust's covariance models) of
// an instrument's scores or keyed items: model selection, each respondent's posterior
// probabilities and modal profile, names on the attachment plane (study_profiles; docs/profiles.md).
#include "attune/report/table.hpp"
#include "cli/commands.hpp"
#include "cli/profile_flags.hpp"

namespace attune::cli {

void add_profiles_command(CLI::App& app) {
  auto o = std::make_shared<profile_command<profiles_study_options>>();
  auto* cmd = add_profile_command(app, "profiles",
                                  "latent profile analysis: Gaussian mixtures (mclust's models) with BIC, entropy and each "
                                  "respondent's posterior probabilities",
                                  *o);
  cmd->callback([o] {
    o->so.input = make_input_options(o->in);
    o->so.mixture.threads = o->in.threads;
    write_profile_study(o->in, o->rows, study_profiles(resolve_instrument(o->in.instrument), o->in.data, o->so),
                        profiles_summary_text);
  });
}

}  // namespace attune::cli
