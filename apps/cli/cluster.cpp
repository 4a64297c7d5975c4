// attune cluster: Ward's hierarchical clustering (R's hclust ward.D / ward.D2) of an instrument's
// scores or keyed items, cut into k clusters: each respondent's cluster, the merge heights, names
// on the attachment plane (study_cluster; docs/profiles.md).
#include "attune/report/table.hpp"
#include "cli/commands.hpp"
#include "cli/profile_flags.hpp"

namespace attune::cli {

void add_cluster_command(CLI::App& app) {
  auto o = std::make_shared<profile_command<cluster_study_options>>();
  auto* cmd = add_profile_command(
      app, "cluster", "Ward's hierarchical clustering (R's hclust ward.D2 / ward.D) cut into k clusters, with the merge heights",
      *o);
  cmd->callback([o] {
    cluster_study_options& so = o->so;
    so.input = make_input_options(o->in);
    so.ward.threads = o->in.threads;
    if (so.profiles) so.profiles->threads = o->in.threads;  // --compare-profiles
    write_profile_study(o->in, o->rows, study_cluster(resolve_instrument(o->in.instrument), o->in.data, so),
                        cluster_summary_text);
  });
}

}  // namespace attune::cli
