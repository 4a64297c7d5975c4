// attune reliability: alpha, Guttman's lambdas, split-half, intervals and the item analysis of each
// subscale of an instrument, or of one scale named with --items. JSON contract: docs/reliability.md.
// The statistics live in the library (attune/reliability.hpp); this file parses, calls and formats.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/analyses/omega.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/analyses/scoring.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct reliability_cli_options {
  input_options in;
  std::string missing_method = "pairwise";
  std::vector<std::string> ci = {"feldt", "bonett_wright"};
  double level = 0.95;
  int bootstrap = 0;
  std::uint64_t seed = 20240601;
  unsigned threads = 1;
  std::vector<std::string> reverse;
  std::string interval_n = "effective";
};

struct scale_result {
  std::string name;
  std::vector<std::string> items;  // data columns, in order
  reliability_result r;
  bool has_omega = false;         // omega summary (attune/omega.hpp), JSON output only
  scale_omega_summary omega;
};

// Answers outside the response range: an error naming where (default), or missing with a count
// (--out-of-range missing), by the same rule as `attune score`.
void check_range(const instrument& inst, responses& data, const scoring_options& scoring, std::vector<std::string>& notes) {
  if (const std::size_t n = apply_range_rule(inst, data, scoring); n > 0) {
    notes.push_back(std::to_string(n) + " answer(s) outside the response range were treated as missing");
  }
}

std::string fixed(double x, int d) { return format_fixed(x, d); }

// A count as a JSON integer (counts are whole numbers held in doubles).
nlohmann::json json_count(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::abs(x) < 9e15) return static_cast<long long>(x);
  return json_number(x);
}

std::string pad(const std::string& s, std::size_t w, bool left = false) {
  if (s.size() >= w) return s;
  return left ? s + std::string(w - s.size(), ' ') : std::string(w - s.size(), ' ') + s;
}

std::string value_label(double v) {
  std::string s = format_number(v);
  return s.empty() ? "NA" : s;
}

// A readable report in the spirit of psych's print.alpha.
std::string table_text(const std::string& instrument_label, double n_rows, const std::vector<scale_result>& scales,
                       const reliability_cli_options& o, const std::vector<std::string>& notes) {
  std::ostringstream os;
  os << "Reliability analysis: " << instrument_label << ", " << n_rows << " rows, " << o.missing_method
     << " deletion\n";
  for (const auto& n : notes) os << "note: " << n << "\n";
  for (const auto& s : scales) {
    const auto& r = s.r;
    os << "\n== " << s.name << " (" << r.n_items << " items) ==\n";
    os << "N: " << r.n_rows << " rows, " << r.n_complete << " complete, effective " << fixed(r.n_effective, 1)
       << " (smallest pair " << r.n_min_pair << ")\n\n";
    os << " raw_alpha std.alpha G6(smc) average_r   S/N    ase  mean    sd median_r    SEM\n";
    os << pad(fixed(r.alpha, 3), 10) << pad(fixed(r.alpha_std, 3), 10) << pad(fixed(r.lambda6, 3), 8)
       << pad(fixed(r.average_r, 3), 10) << pad(fixed(r.signal_noise, 2), 6) << pad(fixed(r.ase, 4), 7)
       << pad(fixed(r.total_mean, 2), 6) << pad(fixed(r.total_sd, 2), 6) << pad(fixed(r.median_r, 3), 9)
       << pad(fixed(r.sem, 3), 7) << "\n\n";
    os << " Guttman (on R): lambda1 " << fixed(r.lambda1, 3) << "  lambda2 " << fixed(r.lambda2, 3) << "  lambda3 "
       << fixed(r.lambda3, 3) << "  lambda4 " << fixed(r.lambda4, 3) << "  lambda5 " << fixed(r.lambda5, 3)
       << "  lambda6 " << fixed(r.lambda6, 3) << "\n";
    if (r.has_split_half) {
      const auto& sh = r.split_half;
      os << " Split-half (" << sh.n_splits << (sh.exhaustive ? " splits, all" : " random splits") << "): max "
         << fixed(sh.max, 3) << "  min (beta) " << fixed(sh.min, 3) << "  mean " << fixed(sh.mean, 3) << "  median "
         << fixed(sh.median, 3) << "\n";
      os << "   odd-even " << fixed(sh.odd_even, 3) << " (half r " << fixed(sh.odd_even_r, 3) << ", Spearman-Brown "
         << fixed(sh.odd_even_sb, 3) << ");  first-second " << fixed(sh.first_second, 3) << " (half r "
         << fixed(sh.first_second_r, 3) << ", Spearman-Brown " << fixed(sh.first_second_sb, 3) << ")\n";
    }
    if (!r.intervals.empty()) {
      os << "\n Confidence intervals for alpha:\n";
      os << "   method                level  lower  alpha  upper        N\n";
      for (const auto& ci : r.intervals) {
        os << "   " << pad(std::string(to_string(ci.method)), 20, true) << pad(fixed(ci.level, 2), 7)
           << pad(fixed(ci.lower, 3), 7) << pad(fixed(r.alpha, 3), 7) << pad(fixed(ci.upper, 3), 7)
           << pad(fixed(ci.n, 1), 9) << "\n";
      }
    }
    std::size_t w = 6;
    for (const auto& it : r.items) w = std::max(w, it.item.size() + 1);
    os << "\n Reliability if an item is dropped:\n";
    os << "   " << pad("item", w, true) << " raw_alpha std.alpha G6(smc) average_r   S/N alpha_se  var.r  med.r\n";
    for (const auto& it : r.items) {
      os << "   " << pad(it.item, w, true) << pad(fixed(it.alpha_if_deleted, 3), 10)
         << pad(fixed(it.alpha_std_if_deleted, 3), 10) << pad(fixed(it.g6_if_deleted, 3), 8)
         << pad(fixed(it.average_r_if_deleted, 3), 10) << pad(fixed(it.signal_noise_if_deleted, 2), 6)
         << pad(fixed(it.ase_if_deleted, 4), 9) << pad(fixed(it.var_r_if_deleted, 4), 7)
         << pad(fixed(it.median_r_if_deleted, 3), 7) << "\n";
    }
    os << "\n Item statistics:\n";
    os << "   " << pad("item", w, true) << "      n raw.r std.r r.cor r.drop  mean    sd\n";
    for (const auto& it : r.items) {
      os << "   " << pad(it.item, w, true) << pad(fixed(it.n, 0), 7) << pad(fixed(it.raw_r, 2), 6)
         << pad(fixed(it.std_r, 2), 6) << pad(fixed(it.r_cor, 2), 6) << pad(fixed(it.r_drop, 2), 7)
         << pad(fixed(it.mean, 2), 6) << pad(fixed(it.sd, 2), 6) << "\n";
    }
    if (!r.items.empty() && !r.items.front().frequencies.empty()) {
      os << "\n Non missing response frequency for each item:\n";
      os << "   " << pad("item", w, true);
      for (const auto& f : r.items.front().frequencies) os << pad(value_label(f.first), 6);
      os << "  miss\n";
      for (const auto& it : r.items) {
        os << "   " << pad(it.item, w, true);
        for (const auto& f : it.frequencies) os << pad(fixed(f.second, 2), 6);
        os << pad(fixed(it.missing_share, 2), 6) << "\n";
      }
    }
    for (const auto& wtext : r.warnings) os << "\n warning: " << wtext;
    if (!r.warnings.empty()) os << "\n";
  }
  return os.str();
}

nlohmann::json scale_json(const scale_result& s) {
  const auto& r = s.r;
  nlohmann::json j;
  j["name"] = s.name;
  j["items"] = s.items;
  j["n_complete"] = json_count(r.n_complete);
  j["n_effective"] = json_number(r.n_effective);
  j["alpha"] = json_number(r.alpha);
  j["alpha_std"] = json_number(r.alpha_std);
  j["lambda1"] = json_number(r.lambda1);
  j["lambda2"] = json_number(r.lambda2);
  j["lambda3"] = json_number(r.lambda3);
  j["lambda4"] = json_number(r.lambda4);
  j["lambda5"] = json_number(r.lambda5);
  j["lambda6"] = json_number(r.lambda6);
  j["average_r"] = json_number(r.average_r);
  j["median_r"] = json_number(r.median_r);
  j["signal_noise"] = json_number(r.signal_noise);
  j["ase"] = json_number(r.ase);
  j["sem"] = json_number(r.sem);
  if (r.has_split_half) {
    j["split_half"] = {{"max", json_number(r.split_half.max)},       {"min", json_number(r.split_half.min)},
                       {"mean", json_number(r.split_half.mean)},     {"median", json_number(r.split_half.median)},
                       {"n_splits", r.split_half.n_splits},          {"exhaustive", r.split_half.exhaustive}};
  } else {
    j["split_half"] = nullptr;
  }
  nlohmann::json cis = nlohmann::json::array();
  for (const auto& ci : r.intervals) {
    cis.push_back({{"method", std::string(to_string(ci.method))},
                   {"level", ci.level},
                   {"lower", json_number(ci.lower)},
                   {"upper", json_number(ci.upper)},
                   {"n", json_count(ci.n)}});
  }
  j["ci"] = cis;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : r.items) {
    nlohmann::json freq = nlohmann::json::object();
    if (!it.frequencies.empty()) {
      for (const auto& f : it.frequencies) freq[value_label(f.first)] = json_number(f.second);
      freq["miss"] = json_number(it.missing_share);
    }
    items.push_back({{"item", it.item},
                     {"n", json_count(it.n)},
                     {"mean", json_number(it.mean)},
                     {"sd", json_number(it.sd)},
                     {"raw_r", json_number(it.raw_r)},
                     {"std_r", json_number(it.std_r)},
                     {"r_cor", json_number(it.r_cor)},
                     {"r_drop", json_number(it.r_drop)},
                     {"alpha_if_deleted", json_number(it.alpha_if_deleted)},
                     {"alpha_std_if_deleted", json_number(it.alpha_std_if_deleted)},
                     {"frequencies", freq}});
  }
  j["item_stats"] = items;
  j["warnings"] = r.warnings;
  if (s.has_omega) {  // issue 4: omega (psych omega: minres, oblimin, Schmid-Leiman) and ordinal alpha
    const auto& om = s.omega;
    nlohmann::json ci = nlohmann::json::array();
    if (om.has_interval) ci = {json_number(om.interval.lower), json_number(om.interval.upper)};
    j["omega"] = {{"total", json_number(om.omega.omega_total)},
                  {"hierarchical", json_number(om.omega.omega_hierarchical)},
                  {"hierarchical_asymptotic", json_number(om.omega.omega_hierarchical_asymptotic)},
                  {"ecv", json_number(om.omega.ecv)},
                  {"nfactors", om.n_factors},
                  {"ci", ci},
                  {"ci_method", om.interval_method}};
    j["ordinal_alpha"] = om.has_ordinal_alpha ? json_number(om.ordinal_alpha) : nlohmann::json(nullptr);
    for (const auto& w : om.warnings) j["warnings"].push_back("omega: " + w);
  } else {
    j["omega"] = nullptr;
    j["ordinal_alpha"] = nullptr;
  }
  return j;
}

void run(const reliability_cli_options& o) {
  reliability_options ro;
  // CLI11 has checked it is one of the two (IsMember).
  ro.missing = o.missing_method == "listwise" ? missing_method::listwise : missing_method::pairwise;
  ro.intervals.clear();
  for (const auto& name : o.ci) {
    if (name.empty() || name == "none") continue;
    const ci_method m = parse_ci_method(name);
    if (std::find(ro.intervals.begin(), ro.intervals.end(), m) == ro.intervals.end()) ro.intervals.push_back(m);
  }
  ro.level = o.level;
  ro.bootstrap = o.bootstrap;
  ro.seed = o.seed;
  ro.threads = o.threads;
  if (o.interval_n == "effective") {
    ro.n_for_intervals = interval_n::effective;
  } else if (o.interval_n == "rows") {
    ro.n_for_intervals = interval_n::rows;
  } else {
    throw error(errc::invalid_argument, "--interval-n '" + o.interval_n + "': use effective or rows");
  }
  const bool wants_boot = std::find(ro.intervals.begin(), ro.intervals.end(), ci_method::bootstrap_percentile) !=
                              ro.intervals.end() ||
                          std::find(ro.intervals.begin(), ro.intervals.end(), ci_method::bootstrap_bca) != ro.intervals.end();
  if (wants_boot && ro.bootstrap == 0) ro.bootstrap = 1000;
  if (!wants_boot && ro.bootstrap > 0) ro.intervals.push_back(ci_method::bootstrap_percentile);
  ro.validate();

  const scoring_options scoring = make_scoring_options(o.in);
  const read_options reading = make_read_options(o.in);
  instrument inst;
  responses data;
  std::vector<std::string> notes;
  const bool custom = o.in.instrument.empty();
  if (custom) {
    if (o.in.items.empty()) {
      throw error(errc::invalid_argument, "name the scale's item columns with --items (or give --instrument)");
    }
    data = read_responses_file(o.in.data, {}, reading);
    inst.id = "custom";
    inst.name = "items named by --items";
    if (scoring.range) {
      inst.range = *scoring.range;
    } else if (!o.reverse.empty()) {
      throw error(errc::invalid_argument,
                  "--reverse needs --scale MIN-MAX: reversed answers are min + max - x on the response range");
    }
    std::set<std::string> reversed(o.reverse.begin(), o.reverse.end());
    subscale s;
    s.name = "scale";
    s.label = "scale";
    for (const auto& id : data.item_ids) {
      item it;
      it.id = id;
      it.reversed = reversed.erase(id) > 0;
      inst.items.push_back(it);
      s.items.push_back(id);
    }
    if (!reversed.empty()) {
      throw error(errc::invalid_argument, "--reverse '" + *reversed.begin() + "' is not one of the --items columns");
    }
    inst.subscales.push_back(s);
    if (scoring.range) check_range(inst, data, scoring, notes);
  } else {
    if (!o.reverse.empty()) {
      throw error(errc::invalid_argument, "--reverse applies to a scale named with --items; instrument '" +
                                              o.in.instrument + "' has its own keys");
    }
    loaded_input li = load_input(o.in);
    inst = std::move(li.inst);
    data = std::move(li.data);
    check_range(inst, data, scoring, notes);
  }

  std::vector<scale_result> scales;
  for (const auto& s : inst.subscales) {
    scale_result sr;
    sr.name = s.name;
    const Eigen::MatrixXd keyed = keyed_items(inst, s, data.values, scoring);
    reliability_options so = ro;
    for (const auto& id : s.items) {
      const auto idx = inst.item_index(id);
      sr.items.push_back(idx >= 0 ? data.columns[static_cast<std::size_t>(idx)] : id);
    }
    so.item_names = sr.items;
    if (keyed.cols() < 2 && !custom) continue;  // an instrument's one-item subscale has no internal consistency
    try {
      sr.r = analyze_reliability(keyed, so);
    } catch (const error& e) {
      throw error(e.code(), "scale '" + s.name + "': " + e.what());
    }
    if (o.in.format == "json" && keyed.cols() >= 2) {  // omega (issue 4); a failed fit is a warning
      scale_omega_options oo;
      oo.replicates = o.bootstrap > 0 ? o.bootstrap : 200;
      oo.level = o.level;
      oo.seed = o.seed;
      oo.threads = static_cast<int>(o.threads);
      try {
        sr.omega = scale_omega(keyed, oo);
        sr.has_omega = true;
      } catch (const error& e) {
        sr.r.warnings.push_back(std::string("omega not available: ") + e.what());
      }
    }
    scales.push_back(std::move(sr));
  }
  if (scales.empty()) {
    throw error(errc::insufficient_data, "instrument '" + inst.id + "' has no subscale with at least 2 items");
  }

  const double n_rows = static_cast<double>(data.values.rows());
  std::string text;
  if (o.in.format == "json") {
    nlohmann::json j;
    j["instrument"] = custom ? nlohmann::json(nullptr) : nlohmann::json(inst.id);
    j["n_rows"] = data.values.rows();
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : scales) {
      nlohmann::json sj = scale_json(s);
      for (const auto& n : notes) sj["warnings"].push_back(n);
      arr.push_back(sj);
    }
    j["scales"] = arr;
    text = json_text(j) + "\n";
  } else {
    text = table_text(custom ? std::string("scale from --items") : inst.id, n_rows, scales, o, notes);
  }
  write_output_file(o.in.output, text, protect_inputs(o.in));
}

}  // namespace

void add_reliability_command(CLI::App& app) {
  auto opts = std::make_shared<reliability_cli_options>();
  auto* cmd = app.add_subcommand(
      "reliability",
      "alpha, Guttman's lambdas, split-half, confidence intervals and the item analysis of each subscale");
  add_input_options(*cmd, opts->in, {"table", "json"}, /*instrument_required=*/false);
  cmd->add_option("--missing-method", opts->missing_method, "pairwise (psych's default) or listwise")
      ->check(CLI::IsMember({"pairwise", "listwise"}))
      ->default_val("pairwise");
  cmd->add_option("--ci", opts->ci,
                  "interval methods: feldt, feldt_1965, normal_theory, adf, bonett_wright, bootstrap_percentile, "
                  "bootstrap_bca (or none)")
      ->delimiter(',')
      ->default_str("feldt,bonett_wright");
  cmd->add_option("--level", opts->level, "confidence level, in (0, 1)")->default_val(0.95);
  cmd->add_option("--interval-n", opts->interval_n,
                  "N for ase and the analytic intervals: effective (default) or rows (psych's row count)")
      ->default_val("effective");
  cmd->add_option("--bootstrap", opts->bootstrap,
                  "bootstrap replicates (default 1000 when a bootstrap interval is requested)")
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--seed", opts->seed, "seed of the bootstrap and of sampled split-halves")->default_val(20240601);
  cmd->add_option("--threads", opts->threads, "bootstrap threads (0 = all cores); results do not depend on it")
      ->default_val(1);
  cmd->add_option("--reverse", opts->reverse, "reverse-keyed columns of the --items scale (needs --scale)")
      ->delimiter(',');
  cmd->callback([opts] { run(*opts); });
}

}  // namespace attune::cli
