// attune factor: exploratory factor analysis of an instrument's items, or (--cfa) the
// confirmatory model with one factor per subscale (e.g. anxiety and avoidance).
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/io/output_file.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_factor_command(CLI::App& app) {
  struct options {
    input_flags in;
    factor_study_options so;
    bool cfa = false;
    std::string correlation = "pearson";
    std::string save_state;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "factor",
      "factor structure of an instrument's items: exploratory factor analysis (psych::fa), or with --cfa the "
      "confirmatory model with one factor per subscale (lavaan::cfa)");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  auto& fo = o->so;
  add_value(*cmd, "--subscales", fo.subscales, "subscales to analyse (default: all), e.g. anxiety,avoidance");
  auto* f = cmd->add_option("--factors", fo.efa.n_factors, "number of exploratory factors (default: number of subscales)")
                ->check(CLI::Range(1, 1000));
  auto* rot = add_choice(*cmd, "--rotation", fo.efa.rotation, parse_factor_rotation,
                         "oblimin, quartimin, varimax, geomin, geominQ or none", "oblimin, varimax, geomin or none");
  auto* meth = add_choice(*cmd, "--method", fo.efa.method, parse_factor_method, "minres, uls, ml or mle",
                          "extraction: minres or ml");
  auto* cor = cmd->add_option("--correlation", o->correlation,
                              "correlations analysed: pearson (default; pairwise complete) or polychoric (psych fa(cor = \"poly\"))")
                  ->check(CLI::IsMember({"pearson", "polychoric"}));
  auto* sc = add_choice(*cmd, "--scores", fo.scores, parse_factor_score_method, "regression, bartlett or tenberge",
                        "factor scores of the respondents: regression, bartlett or tenberge (psych factor.scores); "
                        "--format csv writes them, json adds them, table shows the weights");
  cmd->add_flag("--cfa", o->cfa, "confirmatory factor analysis instead: one factor per subscale, ML, complete rows only");
  auto* par = cmd->add_flag("--parallel", fo.parallel,
                            "also run Horn's parallel analysis (psych fa.parallel) and print the suggested number of factors");
  auto* iter = add_value(*cmd, "--iterations", fo.parallel_analysis.replicates, "--parallel: simulated data sets")
                   ->check(CLI::Range(1, max_parallel_replicates));
  add_value(*cmd, "--seed", fo.parallel_analysis.seed, "--parallel: random seed");
  add_save_state(*cmd, o->save_state, "the keyed items' moments, or polychoric tables; exploratory");
  cmd->callback([o, f, rot, meth, cor, sc, par, iter] {
    factor_study_options& so = o->so;
    if (iter->count() > 0 && par->count() == 0) {
      throw error(errc::invalid_argument, "--iterations sets the simulated data sets of --parallel: add --parallel");
    }
    if (o->cfa && par->count() > 0) {
      throw error(errc::invalid_argument, "--parallel applies to the exploratory analysis only (drop it, or drop --cfa)");
    }
    if (o->cfa && (f->count() > 0 || rot->count() > 0 || meth->count() > 0 || cor->count() > 0 || sc->count() > 0)) {
      throw error(errc::invalid_argument,
                  std::string("--cfa fits one factor per subscale by maximum likelihood; ") +
                      (f->count() > 0     ? "--factors"
                       : rot->count() > 0 ? "--rotation"
                       : meth->count() > 0 ? "--method"
                       : cor->count() > 0 ? "--correlation"
                                          : "--scores") +
                      " applies to the exploratory analysis only (drop it, or drop --cfa)");
    }
    const output_format format = o->in.format_enum();
    if (format == output_format::csv && !so.scores) {
      throw error(errc::invalid_argument, "--format csv writes the factor scores: give --scores regression|bartlett|tenberge");
    }
    refuse_keep(o->in, "factor");
    so.input = make_input_options(o->in);
    so.analysis = o->cfa ? factor_analysis_kind::cfa : factor_analysis_kind::efa;
    so.polychoric = o->correlation == "polychoric";
    so.parallel_analysis.threads = o->in.threads;
    so.threads = o->in.threads;
    if (!o->save_state.empty()) {
      write_state(o->in, o->save_state, serialize_state(accumulate_factor(resolve_instrument(o->in.instrument), o->in.data, so)));
      return;
    }
    const factor_study study = study_factor(resolve_instrument(o->in.instrument), o->in.data, so);
    if (format == output_format::csv) {
      write_text(o->in, to_csv(study));
      print_warnings(study.warnings);
    } else {
      write_text(o->in, format == output_format::json ? to_json(study) : to_table(study));
    }
  });
}

}  // namespace attune::cli
