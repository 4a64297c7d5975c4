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
  classify_study_options so;
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

void run(options& o) {
  classify_study_options& so = o.so;
  so.input = make_input_options(o.in);
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
  auto& so = o->so;
  add_choice(*cmd, "--method", so.method, parse_classify_method,
             "fisher, midpoint, median, norms, kmeans, prototypes, rq or raas",
             "fisher | midpoint | median | norms | kmeans | prototypes | rq | raas (docs/classification.md)")
      ->required()
      ->default_str("");  // required: no default to show
  cmd->add_flag("--rescale", so.rescale_to_1_7, "fisher: map scores on another range linearly onto 1-7 first (the output says so)");
  add_score_values(*cmd, "--reliability", so.reliability,
                   "reliability for the SEM, NAME=VALUE (e.g. anxiety=0.91) or one value for all; default: Cronbach's "
                   "alpha in this sample");
  add_score_values(*cmd, "--sd", so.sd, "SD for the SEM, NAME=VALUE or one value; default: this sample's SD");
  add_norms(*cmd, "--norms", so.norms, "norm table (built-in id or FILE.json): cuts for --method norms, and z/T/percentile columns");
  cmd->add_option_function<std::vector<std::string>>(
      "--prototype", [&so](const std::vector<std::string>& e) { so.prototypes = parse_prototypes(e); },
      "prototypes: STYLE=ANXIETY:AVOIDANCE (2 to 4, distinct styles), e.g. secure=2:2");
  cmd->add_option("--forced-choice", so.forced_choice_column,
                  "rq: the column with the forced choice (secure/fearful/preoccupied/dismissing or 1-4 in RQ order: "
                  "1 secure, 2 fearful, 3 preoccupied, 4 dismissing; empty = none)");
  add_choice(*cmd, "--on-cut", so.on_cut, parse_cut_tie, "low or unclassified",
             "split methods: a score exactly on a cut is 'low' or 'unclassified'");
  add_value(*cmd, "--starts", so.kmeans_starts, "kmeans: random starts (k-means++ seeds)")->check(CLI::Range(1, 1000));
  add_value(*cmd, "--seed", so.seed, "kmeans: seed");
  add_value(*cmd, "--probability-threshold", so.probability_threshold,
            "fisher: a highest probability below this counts as uncertain in the summary");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
