// attune classify: the four attachment styles per respondent, with the dimension scores and the
// uncertainty of each call (study_classify; docs/classification.md).
#include <iostream>
#include <optional>

#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/classify.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct options {
  input_flags in;
  std::string method, norms, forced_choice, on_cut = "low";
  bool rescale = false;
  std::vector<std::string> reliability, sd, prototypes;
  int starts = 50;
  std::uint64_t seed = 20240501;
  double probability_threshold = 0.8;
};

// "secure=2.1:1.9" -> {secure, anxiety 2.1, avoidance 1.9}.
std::vector<style_prototype> parse_prototypes(const std::vector<std::string>& entries) {
  std::vector<style_prototype> out;
  for (const auto& e : entries) {
    const auto eq = e.find('=');
    const auto colon = e.find(':', eq == std::string::npos ? 0 : eq);
    const auto style = eq == std::string::npos ? std::nullopt : parse_attachment_style(e.substr(0, eq));
    double a = 0, v = 0;
    if (colon == std::string::npos || !style || !parse_cell(e.substr(eq + 1, colon - eq - 1), {}, a) ||
        !parse_cell(e.substr(colon + 1), {}, v) || std::isnan(a) || std::isnan(v)) {
      throw error(errc::invalid_argument, "--prototype '" + e + "': expected STYLE=ANXIETY:AVOIDANCE, e.g. secure=2.1:1.9",
                  {.value = e});
    }
    out.push_back({*style, a, v});
  }
  return out;
}

void run(const options& o) {
  classify_study_options so;
  so.input = make_input_options(o.in);
  so.method = parse_choice("--method", o.method, parse_classify_method,
                           "fisher, midpoint, median, norms, kmeans, prototypes, rq or raas");
  so.on_cut = parse_choice("--on-cut", o.on_cut, parse_cut_tie, "low or unclassified");
  so.rescale_to_1_7 = o.rescale;
  so.reliability = parse_score_values("--reliability", o.reliability);
  so.sd = parse_score_values("--sd", o.sd);
  if (!o.norms.empty()) so.norms = resolve_norm_table(o.norms);
  so.prototypes = parse_prototypes(o.prototypes);
  if (!o.forced_choice.empty()) so.forced_choice_column = o.forced_choice;
  so.kmeans_starts = o.starts;
  so.seed = o.seed;
  so.probability_threshold = o.probability_threshold;
  so.threads = o.in.threads;
  // The CSV head holds the columns only: with the SEMs given, one reading pass (classify_file).
  so.head_without_counts = o.in.format_enum() == output_format::csv;
  const instrument inst = resolve_instrument(o.in.instrument);
  // CSV and JSON stream a chunk at a time (classify_file); the table holds every row to align it.
  output out(o.in);
  std::optional<classify_writer> writer;
  const classify_study study = classify_file(
      inst, o.in.data, so, [&](const classify_study& head) { writer.emplace(out.stream(), o.in.format_enum(), head, make_row_options(o.in)); },
      [&](const classify_study& chunk) { writer->write(chunk); });
  writer->finish(study);
  out.commit();
  if (o.in.format_enum() == output_format::csv) std::cerr << classify_summary_text(study);
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd =
      app.add_subcommand("classify", "attachment styles (secure, preoccupied, dismissing, fearful) with their uncertainty");
  add_input_flags(*cmd, o->in, {"csv", "json", "table"});
  add_columns_flag(*cmd, o->in);
  cmd->add_option("--method", o->method,
                  "fisher | midpoint | median | norms | kmeans | prototypes | rq | raas (docs/classification.md)")
      ->required();
  cmd->add_flag("--rescale", o->rescale, "fisher: map scores on another range linearly onto 1-7 first (the output says so)");
  cmd->add_option("--reliability", o->reliability,
                  "reliability for the SEM, NAME=VALUE (e.g. anxiety=0.91) or one value for all; default: Cronbach's "
                  "alpha in this sample")
      ->delimiter(',');
  cmd->add_option("--sd", o->sd, "SD for the SEM, NAME=VALUE or one value; default: this sample's SD")->delimiter(',');
  cmd->add_option("--norms", o->norms,
                  "norm table (built-in id or FILE.json): cuts for --method norms, and z/T/percentile columns");
  cmd->add_option("--prototype", o->prototypes,
                  "prototypes: STYLE=ANXIETY:AVOIDANCE (2 to 4, distinct styles), e.g. secure=2:2");
  cmd->add_option("--forced-choice", o->forced_choice,
                  "rq: the column with the forced choice (secure/fearful/preoccupied/dismissing or 1-4 in RQ order: "
                  "1 secure, 2 fearful, 3 preoccupied, 4 dismissing; empty = none)");
  cmd->add_option("--on-cut", o->on_cut, "split methods: a score exactly on a cut is 'low' (default) or 'unclassified'")
      ->default_val("low");
  cmd->add_option("--starts", o->starts, "kmeans: random starts (k-means++ seeds)")->default_val(50)->check(CLI::Range(1, 1000));
  cmd->add_option("--seed", o->seed, "kmeans: seed")->default_val(20240501);
  cmd->add_option("--probability-threshold", o->probability_threshold,
                  "fisher: a highest probability below this counts as uncertain in the summary")
      ->default_val(0.8);
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
