// attune cluster: Ward's hierarchical clustering (R's hclust ward.D / ward.D2) of an instrument's
// scores or keyed items, cut into k clusters: each respondent's cluster, the merge heights, names
// on the attachment plane (study_cluster; docs/profiles.md).
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
  std::string method = "ward.D2";
  std::size_t k = 4;
  std::size_t max_rows = ward_options::default_max_n;
  bool compare = false;
};

void run(const options& o) {
  cluster_study_options so;
  so.input = make_input_options(o.in);
  so.on = parse_on(o.p.on);
  so.scores = o.p.scores;
  so.labels = parse_labels(o.p.labels);
  so.ward.method = parse_choice("--method", o.method, parse_ward_method, "ward.D2 or ward.D");
  so.ward.max_n = o.max_rows;
  so.ward.threads = o.in.threads;
  so.k = o.k;
  if (o.compare) so.profiles = make_mixture_options(o.p, o.in);
  const cluster_study study = study_cluster(resolve_instrument(o.in.instrument), o.in.data, so);
  if (summary_only(o.p, o.in)) {
    write_text(o.in, cluster_summary_text(study));
    return;
  }
  output out(o.in);
  write_report(out.stream(), o.in.format_enum(), study, make_row_options(o.in));
  out.commit();
  if (o.in.format_enum() == output_format::csv) std::cerr << cluster_summary_text(study);
}

}  // namespace

void add_cluster_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "cluster", "Ward's hierarchical clustering (R's hclust ward.D2 / ward.D) cut into k clusters, with the merge heights");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  add_columns_flag(*cmd, o->in);
  add_profile_flags(*cmd, o->p, "with --compare-profiles");
  cmd->add_option("--method", o->method, "ward.D2 (Ward's minimum variance) | ward.D (R's older variant)")
      ->default_val("ward.D2");
  cmd->add_option("--k", o->k, "cut the tree into k clusters")->default_val(4);
  cmd->add_option("--max-rows", o->max_rows,
                  "the most rows clustered: the n(n-1)/2 distances take 4 n^2 bytes (20000 rows: 1.6 GB)")
      ->default_val(o->max_rows);
  cmd->add_flag("--compare-profiles", o->compare,
                "also fit a mixture with k profiles to the same data and give the adjusted Rand index of the two");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
