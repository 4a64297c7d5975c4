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
    std::vector<std::string> subscales;
    int n_factors = 0;
    std::string rotation = "oblimin";
    std::string method = "minres";
    bool cfa = false;
    bool parallel = false;
    int iterations = 100;
    std::uint64_t seed = 1;
    std::string correlation = "pearson";
    std::string scores;
    std::string save_state;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "factor",
      "factor structure of an instrument's items: exploratory factor analysis (psych::fa), or with --cfa the "
      "confirmatory model with one factor per subscale (lavaan::cfa)");
  add_input_flags(*cmd, o->in, {"table", "json", "csv"});
  cmd->add_option("--subscales", o->subscales, "subscales to analyse (default: all), e.g. anxiety,avoidance")->delimiter(',');
  auto* f = cmd->add_option("--factors", o->n_factors, "number of exploratory factors (default: number of subscales)")
                ->check(CLI::Range(1, 1000));
  auto* rot = cmd->add_option("--rotation", o->rotation, "oblimin (default), varimax, geomin or none")
                  ->check(CLI::IsMember({"oblimin", "quartimin", "varimax", "geomin", "geominQ", "none"}));
  auto* meth = cmd->add_option("--method", o->method, "extraction: minres (default) or ml")
                   ->check(CLI::IsMember({"minres", "uls", "ml", "mle"}));
  auto* cor = cmd->add_option("--correlation", o->correlation,
                               "correlations analysed: pearson (default; pairwise complete) or polychoric (psych fa(cor = \"poly\"))")
                  ->check(CLI::IsMember({"pearson", "polychoric"}));
  auto* sc = cmd->add_option("--scores", o->scores,
                             "factor scores of the respondents: regression, bartlett or tenberge (psych factor.scores); "
                             "--format csv writes them, json adds them, table shows the weights")
                 ->check(CLI::IsMember({"regression", "bartlett", "tenberge"}));
  cmd->add_flag("--cfa", o->cfa, "confirmatory factor analysis instead: one factor per subscale, ML, complete rows only");
  auto* par = cmd->add_flag("--parallel", o->parallel,
                            "also run Horn's parallel analysis (psych fa.parallel) and print the suggested number of factors");
  auto* iter = cmd->add_option("--iterations", o->iterations, "--parallel: simulated data sets (default 100)")
                   ->check(CLI::Range(1, max_parallel_replicates));
  cmd->add_option("--seed", o->seed, "--parallel: random seed (default 1)");
  cmd->add_option("--save-state", o->save_state,
                  "write this file's accumulated state (a shard: the keyed items' moments, or polychoric tables; exploratory) "
                  "instead of the results; combine shards with attune merge (docs/scale.md)");
  cmd->callback([o, f, rot, meth, cor, sc, par, iter] {
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
    if (format == output_format::csv && o->scores.empty()) {
      throw error(errc::invalid_argument, "--format csv writes the factor scores: give --scores regression|bartlett|tenberge");
    }
    factor_study_options so;
    refuse_keep(o->in, "factor");
    so.input = make_input_options(o->in);
    so.analysis = o->cfa ? factor_analysis_kind::cfa : factor_analysis_kind::efa;
    so.subscales = o->subscales;
    so.efa.n_factors = o->n_factors;
    so.efa.method = *parse_factor_method(o->method);
    so.efa.rotation = *parse_factor_rotation(o->rotation);
    so.parallel = o->parallel;
    so.parallel_analysis.replicates = o->iterations;
    so.parallel_analysis.seed = o->seed;
    so.parallel_analysis.threads = o->in.threads;
    so.polychoric = o->correlation == "polychoric";
    if (!o->scores.empty()) so.scores = parse_factor_score_method(o->scores);  // CLI11 checked the name
    so.threads = o->in.threads;
    if (!o->save_state.empty()) {
      const factor_state state = accumulate_factor(resolve_instrument(o->in.instrument), o->in.data, so);
      write_output_file(o->save_state, serialize_state(state), output_file_options{.inputs = o->in.inputs()});
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
