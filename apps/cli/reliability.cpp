// attune reliability: alpha, Guttman's lambdas, split-half, intervals, omega and the item analysis
// of each subscale of an instrument, or of one scale named with --items.
#include <algorithm>

#include "attune/report/apa.hpp"
#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "attune/io/output_file.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/state.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_reliability_command(CLI::App& app) {
  struct options {
    input_flags in;
    reliability_study_options so;
    std::vector<std::string> ci = {"feldt", "bonett_wright"};
    int bootstrap = 0;
    bool omega_ci = false;
    std::string save_state;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "reliability", "alpha, Guttman's lambdas, split-half, omega, confidence intervals and the item analysis of each subscale");
  add_input_flags(*cmd, o->in, {"table", "json", "apa"}, /*instrument_required=*/false);
  auto& alpha = o->so.reliability;
  add_choice(*cmd, "--missing-method", alpha.missing, parse_missing_method, "pairwise or listwise",
             "pairwise (psych's default) or listwise");
  cmd->add_option("--ci", o->ci,
                  "interval methods for alpha: feldt, feldt_1965, normal_theory, adf, bonett_wright, "
                  "bootstrap_percentile, bootstrap_bca (or none)")
      ->delimiter(',')
      ->default_str("feldt,bonett_wright");
  add_value(*cmd, "--level", alpha.level, "confidence level, in (0, 1)");
  add_choice(*cmd, "--interval-n", alpha.n_for_intervals, parse_interval_n, "effective or rows",
             "N for ase and the analytic intervals: effective or rows (psych's row count)");
  cmd->add_option("--bootstrap", o->bootstrap,
                  "bootstrap replicates (default 1000 when a bootstrap interval is requested)")
      ->check(CLI::Range(0, 100000));
  add_value(*cmd, "--seed", alpha.seed, "seed of the bootstrap and of sampled split-halves");
  add_value(*cmd, "--reverse", o->so.reversed, "reverse-keyed columns of the --items scale (needs --scale)");
  cmd->add_flag("--ordinal", o->so.ordinal, "also ordinal alpha from polychoric correlations");
  cmd->add_flag("--omega-ci", o->omega_ci,
                "also bootstrap intervals of omega total and omega_h (a factor analysis per replicate: slow)");
  cmd->add_flag("--icc", o->so.icc,
                "also intraclass correlations of the scale's columns as raters or occasions (test-retest: "
                "--items score_t1,score_t2)");
  add_save_state(*cmd, o->save_state, "the items' moments");
  cmd->callback([o] {
    reliability_study_options& so = o->so;
    auto& ro = so.reliability;
    refuse_keep(o->in, "reliability");
    so.input = make_input_options(o->in);
    ro.threads = o->in.threads;
    ro.intervals.clear();
    for (const auto& name : o->ci) {
      if (name.empty() || name == "none") continue;
      const ci_method m = parse_choice("--ci", name, parse_ci_method,
                                       "feldt, feldt_1965, normal_theory, adf, bonett_wright, bootstrap_percentile, "
                                       "bootstrap_bca or none");
      if (std::find(ro.intervals.begin(), ro.intervals.end(), m) == ro.intervals.end()) ro.intervals.push_back(m);
    }
    const bool boot_ci = std::any_of(ro.intervals.begin(), ro.intervals.end(), [](ci_method m) {
      return m == ci_method::bootstrap_percentile || m == ci_method::bootstrap_bca;
    });
    ro.bootstrap = o->bootstrap > 0 ? o->bootstrap : (boot_ci ? 1000 : 0);
    if (!boot_ci && o->bootstrap > 0 && !o->omega_ci) ro.intervals.push_back(ci_method::bootstrap_percentile);
    so.omega_bootstrap = o->omega_ci ? (o->bootstrap > 0 ? o->bootstrap : 1000) : 0;
    if (o->in.instrument.empty() && o->in.options.read.items.empty()) {
      throw error(errc::invalid_argument, "give --instrument, or name the scale's item columns with --items");
    }
    const auto inst = optional_instrument(o->in);
    if (!o->save_state.empty()) {
      write_state(o->in, o->save_state, serialize_state(accumulate_reliability(inst.get(), o->in.data, so)));
      return;
    }
    const reliability_study study = study_reliability(inst.get(), o->in.data, so);
    switch (o->in.format_enum()) {
      case output_format::json: write_text(o->in, to_json(study)); break;
      case output_format::apa: write_text(o->in, to_apa(study) + "\n"); break;
      default: write_text(o->in, to_table(study));
    }
  });
}

}  // namespace attune::cli
