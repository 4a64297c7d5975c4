// attune cluster: Ward's hierarchical clustering (R's hclust ward.D / ward.D2) of an instrument's
// scores or keyed items, cut into k clusters: each respondent's cluster, the merge heights, names
// on the attachment plane (study_cluster; docs/profiles.md).
#include "attune/report/table.hpp"
#include "attune/study/profiles.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/profile_flags.hpp"

namespace attune::cli {

void add_cluster_command(CLI::App& app) {
  struct options {
    input_flags in;
    cluster_study_options so;
    mixture_options mixture;  // with --compare-profiles: so.profiles
    bool rows = false, compare = false;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "cluster", "Ward's hierarchical clustering (R's hclust ward.D2 / ward.D) cut into k clusters, with the merge heights");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  add_columns_flag(*cmd, o->in);
  add_profile_flags(*cmd, o->so, o->mixture, o->rows, "with --compare-profiles");
  add_choice(*cmd, "--method", o->so.ward.method, parse_ward_method, "ward.D2 or ward.D",
             "ward.D2 (Ward's minimum variance) | ward.D (R's older variant)");
  add_value(*cmd, "--k", o->so.k, "cut the tree into k clusters");
  add_value(*cmd, "--max-rows", o->so.ward.max_n,
            "the most rows clustered: the n(n-1)/2 distances take 4 n^2 bytes (20000 rows: 1.6 GB)");
  cmd->add_flag("--compare-profiles", o->compare,
                "also fit a mixture with k profiles to the same data and give the adjusted Rand index of the two");
  cmd->callback([o] {
    cluster_study_options& so = o->so;
    so.input = make_input_options(o->in);
    so.ward.threads = o->in.threads;
    if (o->compare) {
      so.profiles = o->mixture;
      so.profiles->threads = o->in.threads;
    }
    write_profile_study(o->in, o->rows, study_cluster(resolve_instrument(o->in.instrument), o->in.data, so),
                        cluster_summary_text);
  });
}

}  // namespace attune::cli
