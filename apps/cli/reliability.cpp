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
    std::string missing_method = "pairwise";
    std::vector<std::string> ci = {"feldt", "bonett_wright"};
    double level = 0.95;
    int bootstrap = 0;
    std::uint64_t seed = 20240601;
    std::vector<std::string> reverse;
    std::string interval_n = "effective";
    bool ordinal = false;
    bool omega_ci = false;
    bool icc = false;
    std::string save_state;
  };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "reliability", "alpha, Guttman's lambdas, split-half, omega, confidence intervals and the item analysis of each subscale");
  add_input_flags(*cmd, o->in, {"table", "json", "apa"}, /*instrument_required=*/false);
  cmd->add_option("--missing-method", o->missing_method, "pairwise (psych's default) or listwise")
      ->check(CLI::IsMember({"pairwise", "listwise"}))
      ->default_val("pairwise");
  cmd->add_option("--ci", o->ci,
                  "interval methods for alpha: feldt, feldt_1965, normal_theory, adf, bonett_wright, "
                  "bootstrap_percentile, bootstrap_bca (or none)")
      ->delimiter(',')
      ->default_str("feldt,bonett_wright");
  cmd->add_option("--level", o->level, "confidence level, in (0, 1)")->default_val(0.95);
  cmd->add_option("--interval-n", o->interval_n,
                  "N for ase and the analytic intervals: effective (default) or rows (psych's row count)")
      ->check(CLI::IsMember({"effective", "rows"}))
      ->default_val("effective");
  cmd->add_option("--bootstrap", o->bootstrap,
                  "bootstrap replicates (default 1000 when a bootstrap interval is requested)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", o->seed, "seed of the bootstrap and of sampled split-halves")->default_val(20240601);
  cmd->add_option("--reverse", o->reverse, "reverse-keyed columns of the --items scale (needs --scale)")->delimiter(',');
  cmd->add_flag("--ordinal", o->ordinal, "also ordinal alpha from polychoric correlations");
  cmd->add_flag("--omega-ci", o->omega_ci,
                "also bootstrap intervals of omega total and omega_h (a factor analysis per replicate: slow)");
  cmd->add_flag("--icc", o->icc,
                "also intraclass correlations of the scale's columns as raters or occasions (test-retest: "
                "--items score_t1,score_t2)");
  cmd->add_option("--save-state", o->save_state,
                  "write this file's accumulated state (a shard) instead of the results; combine shards with "
                  "attune merge (docs/scale.md)");
  cmd->callback([o] {
    reliability_study_options so;
    refuse_keep(o->in, "reliability");
    so.input = make_input_options(o->in);
    so.reversed = o->reverse;
    so.ordinal = o->ordinal;
    so.icc = o->icc;
    auto& ro = so.reliability;
    ro.missing = *parse_missing_method(o->missing_method);  // CLI11 checked the name
    ro.n_for_intervals = *parse_interval_n(o->interval_n);
    ro.level = o->level;
    ro.seed = o->seed;
    ro.threads = o->in.threads;
    ro.intervals.clear();
    for (const auto& name : o->ci) {
      if (name.empty() || name == "none") continue;
      const auto parsed = parse_ci_method(name);
      if (!parsed) {
        throw error(errc::invalid_argument, "--ci '" + name +
                                                "': use feldt, feldt_1965, normal_theory, adf, bonett_wright, "
                                                "bootstrap_percentile, bootstrap_bca or none");
      }
      const ci_method m = *parsed;
      if (std::find(ro.intervals.begin(), ro.intervals.end(), m) == ro.intervals.end()) ro.intervals.push_back(m);
    }
    const bool boot_ci = std::any_of(ro.intervals.begin(), ro.intervals.end(), [](ci_method m) {
      return m == ci_method::bootstrap_percentile || m == ci_method::bootstrap_bca;
    });
    ro.bootstrap = o->bootstrap > 0 ? o->bootstrap : (boot_ci ? 1000 : 0);
    if (!boot_ci && o->bootstrap > 0 && !o->omega_ci) ro.intervals.push_back(ci_method::bootstrap_percentile);
    so.omega_bootstrap = o->omega_ci ? (o->bootstrap > 0 ? o->bootstrap : 1000) : 0;
    if (o->in.instrument.empty() && o->in.items.empty()) {
      throw error(errc::invalid_argument, "give --instrument, or name the scale's item columns with --items");
    }
    const auto inst = optional_instrument(o->in);
    if (!o->save_state.empty()) {
      const reliability_state state = accumulate_reliability(inst.get(), o->in.data, so);
      write_output_file(o->save_state, serialize_state(state), output_file_options{.inputs = o->in.inputs()});
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
