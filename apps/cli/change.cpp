// attune change: change of anxiety and avoidance (or any scores) between administrations, with
// the reliable change index (Jacobson & Truax 1991), optional clinically significant change
// cut-offs and, for more than two files, trajectories with the path of styles. Respondents are
// matched by id; unmatched ones are listed, never dropped silently. Statistics live in
// attune/change.hpp; this file reads, matches and formats.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "attune/analyses/change.hpp"
#include "attune/analyses/classify.hpp"
#include "attune/core/error.hpp"
#include "attune/analyses/scoring.hpp"
#include "cli/attachment_support.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

namespace sup = support;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

struct change_cli_options {
  input_options in;  // `data` unused: the files are in `files`
  std::vector<std::string> files;
  std::vector<std::string> scales;
  std::vector<std::string> reliability;
  std::vector<std::string> sd;
  std::string norms;
  std::string functional;
  std::string dysfunctional;
  std::string cutoff = "c";
  double critical = 1.959963984540054;
  std::vector<std::string> lower_better;
  std::vector<std::string> higher_better;
  std::string styles = "midpoint";
  bool rescale = false;
};

struct wave {
  std::string file;
  responses data;
  score_table scores;
  std::map<std::string, Eigen::Index> row_of;  // id -> row
};

struct scale_setup {
  std::string name;
  Eigen::Index column = 0;
  rci_options rci;
  std::string sd_source;
  std::string reliability_source;
  std::optional<clinical_cutoffs> cutoffs;
  double cutoff = nan_v;
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

void run(const change_cli_options& o) {
  if (o.files.size() < 2) {
    throw error(errc::invalid_argument, "change needs at least two data files (BEFORE AFTER [MORE...]); got " +
                                            std::to_string(o.files.size()));
  }
  if (o.in.id.empty()) {
    throw error(errc::invalid_argument, "change: --id COLUMN is required to match respondents between files");
  }
  const auto kind = parse_cutoff_kind(o.cutoff);
  if (!kind) throw error(errc::invalid_argument, "--cutoff '" + o.cutoff + "': use a, b or c");
  if (o.functional.empty() != o.dysfunctional.empty()) {
    throw error(errc::invalid_argument,
                "clinically significant change needs both --functional-norms and --dysfunctional-norms");
  }
  if (o.styles != "midpoint" && o.styles != "fisher" && o.styles != "norms" && o.styles != "none") {
    throw error(errc::invalid_argument, "--styles '" + o.styles + "': use midpoint, fisher, norms or none");
  }
  const auto given_r = sup::parse_name_values(o.reliability, "--reliability");
  const auto given_sd = sup::parse_name_values(o.sd, "--sd");
  std::optional<norm_table> norms, functional, dysfunctional;
  if (!o.norms.empty()) norms = resolve_norm_table(o.norms);
  if (!o.functional.empty()) {
    functional = resolve_norm_table(o.functional);
    dysfunctional = resolve_norm_table(o.dysfunctional);
  }

  const instrument inst = resolve_instrument(o.in.instrument);
  const scoring_options scoring = make_scoring_options(o.in);
  const read_options reading = make_read_options(o.in);
  const response_range range = scoring.range.value_or(inst.range);
  std::vector<std::string> warnings;

  // Read and score every administration; index ids.
  if (std::count(o.files.begin(), o.files.end(), "-") > 1) {
    throw error(errc::invalid_argument, "change: standard input (-) given twice");
  }
  std::vector<wave> waves;
  for (const auto& f : o.files) {
    wave w;
    w.file = sup::source_name(f);
    w.data = read_responses_file(f, inst.item_ids(), reading);
    w.scores = score(inst, w.data, scoring);
    for (const auto& x : w.scores.warnings) warnings.push_back(w.file + ": " + x);
    for (Eigen::Index i = 0; i < w.data.n_rows(); ++i) {
      const std::string& id = w.data.row_ids[static_cast<std::size_t>(i)];
      if (id.empty()) {
        throw error(errc::bad_input, w.data.where(i) + ", column '" + o.in.id + "': empty id; every row needs one");
      }
      const auto [it, fresh] = w.row_of.emplace(id, i);
      if (!fresh) {
        throw error(errc::bad_input, w.data.where(i) + ", column '" + o.in.id + "': id '" + id +
                                         "' appears twice (also " + w.data.where(it->second) + ")");
      }
    }
    waves.push_back(std::move(w));
  }
  const std::size_t n_waves = waves.size();

  // Which scales, and their direction.
  std::vector<std::string> scale_names = o.scales;
  if (scale_names.empty()) {
    if (!inst.anxiety.empty()) scale_names.push_back(inst.anxiety);
    if (!inst.avoidance.empty()) scale_names.push_back(inst.avoidance);
    if (scale_names.empty() || inst.avoidance.empty()) {
      scale_names.clear();
      for (const auto& s : inst.subscales) scale_names.push_back(s.name);
    }
  }
  for (const auto& n : o.lower_better) {
    if (!contains(scale_names, n)) throw error(errc::invalid_argument, "--lower-better '" + n + "' is not one of the scales (" + join(scale_names, ", ") + ")");
  }
  for (const auto& n : o.higher_better) {
    if (!contains(scale_names, n)) throw error(errc::invalid_argument, "--higher-better '" + n + "' is not one of the scales (" + join(scale_names, ", ") + ")");
    if (contains(o.lower_better, n)) throw error(errc::invalid_argument, "scale '" + n + "' is both --lower-better and --higher-better");
  }
  std::vector<scale_setup> setups;
  const wave& first = waves.front();
  for (const auto& name : scale_names) {
    scale_setup s;
    s.name = name;
    s.column = sup::score_column(first.scores, inst, name);
    const bool attachment_dim = name == inst.anxiety || name == inst.avoidance;
    s.rci.direction = contains(o.higher_better, name)                     ? change_direction::higher_is_better
                      : (contains(o.lower_better, name) || attachment_dim) ? change_direction::lower_is_better
                                                                           : change_direction::none;
    s.rci.critical = o.critical;
    // SD: --sd, else the norm table's, else the first administration's.
    const Eigen::VectorXd base = first.scores.scores.col(s.column);
    if (auto v = sup::lookup(given_sd, name)) {
      s.rci.sd = *v;
      s.sd_source = "given";
    } else if (norms && norms->find(name)) {
      s.rci.sd = norms->find(name)->sd;
      s.sd_source = "norm table '" + norms->id + "'";
    } else {
      s.rci.sd = sample_sd(base);
      s.sd_source = "first administration (" + first.file + ")";
      if (!(s.rci.sd > 0)) {
        throw error(errc::insufficient_data, "change: the SD of '" + name + "' cannot be estimated from " + first.file +
                                                 "; give --sd " + name + "=VALUE or --norms");
      }
    }
    if (auto v = sup::lookup(given_r, name)) {
      s.rci.reliability = *v;
      s.reliability_source = "given";
    } else {
      std::vector<std::string> rel_warnings;
      s.rci.reliability = sup::sample_alpha(inst, name, first.data, scoring, rel_warnings);
      s.reliability_source = "alpha at the first administration (" + first.file + ")";
      if (!(s.rci.reliability >= 0 && s.rci.reliability < 1)) {
        throw error(errc::insufficient_data,
                    "change: the reliability of '" + name + "' cannot be estimated from " + first.file +
                        (rel_warnings.empty() ? " (alpha = " + format_number(s.rci.reliability) + ")"
                                              : " (" + rel_warnings.front() + ")") +
                        "; give --reliability " + name + "=VALUE");
      }
    }
    try {
      s.rci.validate();
    } catch (const error& e) {
      throw error(e.code(), "change: scale '" + name + "': " + e.what());
    }
    if (functional) {
      const scale_norm* f = functional->find(name);
      const scale_norm* d = dysfunctional->find(name);
      if (!f || !d) {
        warnings.push_back("no functional/dysfunctional norms for '" + name + "': no clinical significance");
      } else if (s.rci.direction == change_direction::none) {
        warnings.push_back("'" + name + "' has no direction of improvement (--lower-better/--higher-better): no "
                           "clinical significance");
      } else {
        s.cutoffs = jacobson_truax_cutoffs(*f, *d, s.rci.direction);
        s.cutoff = select_cutoff(*s.cutoffs, *kind);
      }
    }
    setups.push_back(std::move(s));
  }

  // Match ids: order of first appearance over the files.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::size_t>> present;  // id -> files (indices) holding it
  for (std::size_t w = 0; w < n_waves; ++w) {
    for (const auto& id : waves[w].data.row_ids) {
      auto& p = present[id];
      if (p.empty()) order.push_back(id);
      p.push_back(w);
    }
  }
  std::vector<std::string> matched;
  nlohmann::json unmatched = nlohmann::json::array();
  std::vector<std::string> unmatched_lines;
  for (const auto& id : order) {
    const auto& p = present[id];
    if (p.size() < n_waves) {
      std::vector<std::string> in_files, missing;
      for (std::size_t w = 0; w < n_waves; ++w) {
        (std::find(p.begin(), p.end(), w) != p.end() ? in_files : missing).push_back(waves[w].file);
      }
      const bool kept = p.size() >= 2;
      unmatched.push_back({{"id", id}, {"present_in", in_files}, {"missing_from", missing}, {"in_output", kept}});
      unmatched_lines.push_back("id '" + id + "' is only in " + join(in_files, ", ") + " (missing from " +
                                join(missing, ", ") + ")" + (kept ? "; kept with gaps" : "; not in the output"));
    }
    if (p.size() >= 2) matched.push_back(id);
  }
  const auto n = static_cast<Eigen::Index>(matched.size());
  const auto s_count = static_cast<Eigen::Index>(setups.size());
  std::vector<Eigen::MatrixXd> aligned(n_waves, Eigen::MatrixXd::Constant(n, s_count, nan_v));
  for (std::size_t w = 0; w < n_waves; ++w) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto it = waves[w].row_of.find(matched[static_cast<std::size_t>(i)]);
      if (it == waves[w].row_of.end()) continue;
      for (Eigen::Index s = 0; s < s_count; ++s) {
        aligned[w](i, s) = waves[w].scores.scores(it->second, setups[static_cast<std::size_t>(s)].column);
      }
    }
  }
  trajectory_options to;
  for (const auto& s : setups) {
    to.scales.push_back(s.name);
    to.rci.push_back(s.rci);
  }
  const bool with_cut = std::any_of(setups.begin(), setups.end(), [](const auto& s) { return s.cutoffs.has_value(); });
  if (with_cut) {
    for (const auto& s : setups) to.cutoffs.push_back(s.cutoff);
  }
  trajectory_result tr;
  if (n > 0) {
    tr = compute_trajectories(aligned, to);
    for (const auto& w : tr.warnings) warnings.push_back(w);
  } else {
    warnings.push_back("no respondent is in two or more files: nothing to compare");
  }

  // Style path per administration.
  const bool styles = o.styles != "none" && !inst.anxiety.empty() && !inst.avoidance.empty();
  if (o.styles != "none" && !styles) warnings.push_back("instrument '" + inst.id + "' has no anxiety and avoidance: no styles");
  std::vector<classification> style_waves;
  if (styles && n > 0) {
    classify_options co;
    co.method = *parse_classify_method(o.styles);
    co.range = range;
    co.rescale_to_1_7 = o.rescale;
    if (co.method == classify_method::fisher && inst.id != "ecr") {
      warnings.push_back("the fisher functions were estimated on the ECR (Brennan et al. 1998); instrument '" +
                         inst.id + "' is not the ECR");
    }
    if (co.method == classify_method::norms) {
      if (!norms || !norms->find(inst.anxiety) || !norms->find(inst.avoidance)) {
        throw error(errc::invalid_argument, "--styles norms needs --norms with '" + inst.anxiety + "' and '" +
                                                inst.avoidance + "' scales");
      }
      co.norm_anxiety_mean = norms->find(inst.anxiety)->mean;
      co.norm_avoidance_mean = norms->find(inst.avoidance)->mean;
    }
    for (std::size_t w = 0; w < n_waves; ++w) {
      Eigen::VectorXd a(n), v(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        const auto it = waves[w].row_of.find(matched[static_cast<std::size_t>(i)]);
        const bool has = it != waves[w].row_of.end();
        a(i) = has ? waves[w].scores.scores(it->second, sup::score_column(waves[w].scores, inst, inst.anxiety)) : nan_v;
        v(i) = has ? waves[w].scores.scores(it->second, sup::score_column(waves[w].scores, inst, inst.avoidance)) : nan_v;
      }
      style_waves.push_back(classify(a, v, co));
    }
    if (style_waves.front().rescaled) warnings.push_back(style_waves.front().warnings.front());
  }

  // Output.
  std::vector<std::string> header = {"id"};
  for (const auto& s : setups) {
    for (std::size_t w = 0; w < n_waves; ++w) header.push_back(s.name + "_t" + std::to_string(w + 1));
    header.push_back("change_" + s.name);
    header.push_back("rci_" + s.name);
    header.push_back("category_" + s.name);
    if (with_cut) header.push_back("clinical_" + s.name);
    if (n_waves > 2) {
      for (std::size_t w = 0; w + 1 < n_waves; ++w) {
        header.push_back("rci_" + s.name + "_t" + std::to_string(w + 1) + "_t" + std::to_string(w + 2));
      }
    }
  }
  if (!style_waves.empty()) {
    for (std::size_t w = 0; w < n_waves; ++w) header.push_back("style_t" + std::to_string(w + 1));
  }
  std::vector<std::vector<std::string>> csv_rows, table_rows;
  nlohmann::json people = nlohmann::json::array();
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    std::vector<std::string> csv = {matched[iu]}, tab = {matched[iu]};
    nlohmann::json row, scores, change, rci, category, clinical, steps = nlohmann::json::array();
    row["id"] = matched[iu];
    for (Eigen::Index s = 0; s < s_count; ++s) {
      const auto su = static_cast<std::size_t>(s);
      const std::string& name = setups[su].name;
      nlohmann::json series = nlohmann::json::array();
      for (std::size_t w = 0; w < n_waves; ++w) {
        csv.push_back(format_number(aligned[w](i, s)));
        tab.push_back(format_fixed(aligned[w](i, s), 2));
        series.push_back(json_number(aligned[w](i, s)));
      }
      scores[name] = series;
      const std::string cat(to_string(tr.total_category[su][iu]));
      csv.insert(csv.end(), {format_number(tr.total_change(i, s)), format_number(tr.total_rci(i, s)), cat});
      tab.insert(tab.end(), {format_fixed(tr.total_change(i, s), 2), format_fixed(tr.total_rci(i, s), 2), cat});
      change[name] = json_number(tr.total_change(i, s));
      rci[name] = json_number(tr.total_rci(i, s));
      category[name] = cat;
      if (with_cut) {
        const std::string cl(to_string(tr.clinical[su][iu]));
        csv.push_back(cl);
        tab.push_back(cl);
        clinical[name] = cl;
      }
      if (n_waves > 2) {
        for (std::size_t w = 0; w + 1 < n_waves; ++w) {
          csv.push_back(format_number(tr.step_rci[w](i, s)));
          tab.push_back(format_fixed(tr.step_rci[w](i, s), 2));
        }
      }
    }
    for (std::size_t w = 0; w + 1 < n_waves; ++w) {
      nlohmann::json sc, sr;
      for (Eigen::Index s = 0; s < s_count; ++s) {
        const std::string& name = setups[static_cast<std::size_t>(s)].name;
        sc[name] = json_number(tr.step_change[w](i, s));
        sr[name] = json_number(tr.step_rci[w](i, s));
      }
      steps.push_back({{"from", w + 1}, {"to", w + 2}, {"change", sc}, {"rci", sr}});
    }
    row["scores"] = scores;
    row["change"] = change;
    row["rci"] = rci;
    row["category"] = category;
    if (with_cut) row["clinical"] = clinical;
    row["steps"] = steps;
    if (!style_waves.empty()) {
      nlohmann::json path = nlohmann::json::array();
      for (const auto& sw : style_waves) {
        const std::string st(to_string(sw.styles[iu]));
        csv.push_back(st);
        tab.push_back(st);
        path.push_back(st);
      }
      row["styles"] = path;
    }
    people.push_back(std::move(row));
    csv_rows.push_back(std::move(csv));
    table_rows.push_back(std::move(tab));
  }

  // Summary.
  std::ostringstream sum;
  sum << "change: " << inst.id << ", " << n_waves << " administrations (" << join([&] {
    std::vector<std::string> f;
    for (const auto& w : waves) f.push_back(w.file);
    return f;
  }(), ", ") << ")\n";
  sum << "  matched by '" << o.in.id << "': " << n << " respondent(s) in two or more files; " << unmatched.size()
      << " not in every file\n";
  nlohmann::json scales_json = nlohmann::json::array();
  for (std::size_t s = 0; s < setups.size(); ++s) {
    const auto& st = setups[s];
    const double sdiff = standard_error_of_difference(st.rci.sd, st.rci.reliability);
    sum << "  " << st.name << " (" << to_string(st.rci.direction) << "): S_diff = " << format_fixed(sdiff, 4)
        << " from SD " << format_fixed(st.rci.sd, 3) << " (" << st.sd_source << ") and reliability "
        << format_fixed(st.rci.reliability, 3) << " (" << st.reliability_source << "); |RCI| > "
        << format_fixed(st.rci.critical, 2) << " is reliable\n";
    nlohmann::json counts;
    if (n > 0) {
      sum << "    first to last:";
      bool first_item = true;
      for (std::size_t c = 0; c < 6; ++c) {
        const std::size_t k = tr.counts[s][c];
        const std::string cname(to_string(static_cast<change_category>(c)));
        counts[cname] = k;
        if (k == 0) continue;
        sum << (first_item ? " " : ", ") << cname << " " << k;
        first_item = false;
      }
      sum << "\n";
    }
    nlohmann::json sj = {{"name", st.name},
                         {"direction", std::string(to_string(st.rci.direction))},
                         {"sd", st.rci.sd},
                         {"sd_source", st.sd_source},
                         {"reliability", st.rci.reliability},
                         {"reliability_source", st.reliability_source},
                         {"s_diff", sdiff},
                         {"critical", st.rci.critical},
                         {"counts", counts}};
    if (st.cutoffs) {
      sj["cutoffs"] = {{"a", st.cutoffs->a}, {"b", st.cutoffs->b}, {"c", st.cutoffs->c}, {"used", o.cutoff}};
      sum << "    clinical cut-offs: a " << format_fixed(st.cutoffs->a, 3) << ", b " << format_fixed(st.cutoffs->b, 3)
          << ", c " << format_fixed(st.cutoffs->c, 3) << " (using " << o.cutoff << ")\n";
    }
    scales_json.push_back(sj);
  }
  if (!style_waves.empty()) sum << "  styles per administration: method " << o.styles << "\n";
  for (const auto& l : unmatched_lines) sum << "  unmatched: " << l << "\n";
  sum << "  note: " << dimensional_use_note() << "\n";
  for (const auto& w : warnings) sum << "  warning: " << w << "\n";

  std::vector<std::string> read_files = o.files;  // -o must not replace any of them (nor the norms)
  read_files.push_back(o.norms);
  const output_file_options protected_inputs = protect_inputs(o.in, read_files);
  if (o.in.format == "json") {
    nlohmann::json doc;
    doc["instrument"] = inst.id;
    std::vector<std::string> files;
    for (const auto& w : waves) files.push_back(w.file);
    doc["files"] = files;
    doc["id_column"] = o.in.id;
    doc["n_matched"] = n;
    doc["scales"] = scales_json;
    doc["styles_method"] = style_waves.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.styles);
    doc["respondents"] = std::move(people);
    doc["unmatched"] = std::move(unmatched);
    doc["note"] = std::string(dimensional_use_note());
    doc["warnings"] = warnings;
    write_output_file(o.in.output, json_text(doc) + "\n", protected_inputs);
  } else if (o.in.format == "table") {
    write_output_file(o.in.output, sup::aligned_table(header, table_rows) + "\n" + sum.str(), protected_inputs);
  } else {
    std::string text = sup::csv_line(header);
    for (const auto& r : csv_rows) text += sup::csv_line(r);
    write_output_file(o.in.output, text, protected_inputs);
    std::cerr << sum.str();
  }
}

}  // namespace

void add_change_command(CLI::App& app) {
  auto o = std::make_shared<change_cli_options>();
  auto* cmd = app.add_subcommand(
      "change", "reliable change (Jacobson & Truax) between administrations matched by id; trajectories for 3+ files");
  cmd->add_option("FILES", o->files, "BEFORE AFTER [MORE...]: data files in time order (- = standard input, once)")
      ->required();
  cmd->add_option("--instrument", o->in.instrument, "built-in id or FILE.json")->required();
  cmd->add_option("--id", o->in.id, "column holding the respondent ids used to match the files")->required();
  cmd->add_option("--items", o->in.items, "columns holding the items, in instrument order")->delimiter(',');
  cmd->add_option("--scale", o->in.scale, "response range of the files, MIN-MAX, when it differs from the instrument's");
  cmd->add_option("--missing", o->in.missing, "cell values that mean no answer, e.g. 0,99")->delimiter(',');
  cmd->add_option("--delimiter", o->in.delimiter, "field delimiter: ',' ';' or 'tab' (default: detected)");
  cmd->add_option("--min-answered", o->in.min_answered, "share of a subscale's items needed for a score")
      ->default_val(0.8);
  cmd->add_option("--out-of-range", o->in.out_of_range_missing, "error (default) or missing")
      ->transform(CLI::Transformer(std::map<std::string, bool>{{"error", false}, {"missing", true}}));
  cmd->add_option("--format", o->in.format, "output format")
      ->check(CLI::IsMember({"csv", "json", "table"}))
      ->default_val("csv");
  cmd->add_option("-o,--output", o->in.output, "write to FILE (atomically) instead of standard output");
  cmd->add_option("--scales", o->scales, "scores to compare (default: anxiety and avoidance)")->delimiter(',');
  cmd->add_option("--reliability", o->reliability,
                  "r_xx for the RCI, NAME=VALUE or one value (default: alpha at the first administration)")
      ->delimiter(',');
  cmd->add_option("--sd", o->sd, "SD for the RCI, NAME=VALUE or one value (default: --norms, else the first administration)")
      ->delimiter(',');
  cmd->add_option("--norms", o->norms, "norm table (built-in id or FILE.json) giving the SD for the RCI, and cuts for --styles norms");
  cmd->add_option("--functional-norms", o->functional, "norm table of a functional population (clinical significance)");
  cmd->add_option("--dysfunctional-norms", o->dysfunctional, "norm table of a dysfunctional population");
  cmd->add_option("--cutoff", o->cutoff, "Jacobson-Truax cut-off: a, b or c (default c)")->default_val("c");
  cmd->add_option("--critical", o->critical, "|RCI| beyond this is reliable (default 1.96)")
      ->default_val(1.959963984540054);
  cmd->add_option("--lower-better", o->lower_better, "scales where lower is better (anxiety and avoidance always are)")
      ->delimiter(',');
  cmd->add_option("--higher-better", o->higher_better, "scales where higher is better")->delimiter(',');
  cmd->add_option("--styles", o->styles, "style per administration: midpoint (default), fisher, norms or none")
      ->default_val("midpoint");
  cmd->add_flag("--rescale", o->rescale, "--styles fisher: rescale scores onto 1-7");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
