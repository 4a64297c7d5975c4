// attune classify: the four attachment styles per respondent, with the dimension scores, the
// uncertainty of each call and a summary. Statistics live in attune/classify.hpp; this file
// reads, scores, estimates the SEMs through the library and formats.
#include <algorithm>
#include <cmath>
#include <iostream>
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

struct classify_cli_options {
  input_options in;
  std::string method;
  bool rescale = false;
  std::vector<std::string> reliability;
  std::vector<std::string> sd;
  std::string norms;
  std::vector<std::string> prototypes;
  std::string forced_choice;
  std::string on_cut = "low";
  int starts = 20;
  std::uint64_t seed = 20240501;
  double probability_threshold = 0.8;
};

struct method_info {
  std::string source;
  std::string status;
};

method_info describe(classify_method m, const std::string& norms_id, const std::string& norms_status) {
  switch (m) {
    case classify_method::fisher:
      return {"Brennan, Clark & Shaver (1998) classification functions; coefficients from about ten "
              "agreeing public scoring scripts (the original SPSS syntax was not found)",
              "secondary"};
    case classify_method::midpoint:
      return {"each dimension split at the scale's theoretical midpoint ('> midpoint = high'), a "
              "convention of public code", "convention"};
    case classify_method::median:
      return {"each dimension split at the sample median ('> median = high'), a convention of public code",
              "convention"};
    case classify_method::norms:
      return {"each dimension split at the norm mean of table '" + norms_id + "'", norms_status};
    case classify_method::kmeans:
      return {"k-means with k = 4 on (anxiety, avoidance) (Lloyd iterations from k-means++ seeds, best of "
              "several starts), clusters labelled by quadrant", "data-driven"};
    case classify_method::prototypes:
      return {"nearest of the prototype points given with --prototype", "user-given"};
    case classify_method::rq:
      return {"Bartholomew's rule for the RQ (SFU selfreports page): highest rating; ties to the forced "
              "choice, otherwise unclassified", "author"};
    case classify_method::raas:
      return {"Collins' rule for the Revised AAS (close-depend composite and anxiety against 3), as "
              "quoted in CRAN TestScorer 1.7.2", "secondary"};
  }
  return {"", ""};
}

std::string flip_text(int f) { return f < 0 ? "" : (f == 1 ? "1" : "0"); }
nlohmann::json flip_json(int f) {
  if (f < 0) return nullptr;
  return f == 1;
}

// The SEM of a score: SD * sqrt(1 - r), with r given or this sample's alpha, SD given or this
// sample's. NaN (with a warning) when either is unavailable.
struct sem_info {
  std::string score;
  double sd = nan_v;
  double reliability = nan_v;
  std::string reliability_source;
  std::string sd_source;
  double sem = nan_v;
};

sem_info estimate_sem(const instrument& inst, const std::string& score_name, const std::string& role,
                      const Eigen::VectorXd& scores, const loaded_input& in,
                      const std::map<std::string, double>& given_r, const std::map<std::string, double>& given_sd,
                      std::vector<std::string>& warnings) {
  sem_info s;
  s.score = score_name;
  auto r = sup::lookup(given_r, score_name);
  if (!r && role != score_name) r = sup::lookup(given_r, role);
  if (r) {
    if (!(*r >= 0.0 && *r <= 1.0)) {
      throw error(errc::invalid_argument, "--reliability for '" + score_name + "' = " + format_number(*r) +
                                              "; must be in [0, 1]");
    }
    s.reliability = *r;
    s.reliability_source = "given";
  } else {
    s.reliability = sup::sample_alpha(inst, score_name, in.data, in.scoring, warnings);
    s.reliability_source = "alpha in this sample";
    if (std::isfinite(s.reliability) && s.reliability < 0.0) {
      warnings.push_back("alpha of '" + score_name + "' is negative (" + format_fixed(s.reliability, 3) +
                         "): check the reverse keys; no SEM");
      s.reliability = nan_v;
    }
  }
  auto sd = sup::lookup(given_sd, score_name);
  if (!sd && role != score_name) sd = sup::lookup(given_sd, role);
  if (sd) {
    if (!(*sd > 0.0)) {
      throw error(errc::invalid_argument, "--sd for '" + score_name + "' = " + format_number(*sd) + "; must be > 0");
    }
    s.sd = *sd;
    s.sd_source = "given";
  } else {
    s.sd = sample_sd(scores);
    s.sd_source = "this sample";
    if (!(s.sd > 0.0)) {
      warnings.push_back("the SD of '" + score_name + "' cannot be estimated from this sample; give it with --sd");
      s.sd = nan_v;
    }
  }
  if (std::isfinite(s.sd) && std::isfinite(s.reliability) && s.reliability < 1.0) {
    s.sem = standard_error_of_measurement(s.sd, s.reliability);
  }
  return s;
}

nlohmann::json sem_json(const sem_info& s) {
  return {{"score", s.score},
          {"sd", json_number(s.sd)},
          {"sd_source", s.sd_source},
          {"reliability", json_number(s.reliability)},
          {"reliability_source", s.reliability_source},
          {"sem", json_number(s.sem)}};
}

std::vector<style_prototype> parse_prototypes(const std::vector<std::string>& entries) {
  std::vector<style_prototype> out;
  for (const auto& e : entries) {
    const auto eq = e.find('=');
    const auto colon = e.find(':', eq == std::string::npos ? 0 : eq);
    auto fail = [&] {
      throw error(errc::invalid_argument,
                  "--prototype '" + e + "': expected STYLE=ANXIETY:AVOIDANCE, e.g. secure=2.1:1.9");
    };
    if (eq == std::string::npos || colon == std::string::npos) fail();
    const auto st = parse_attachment_style(e.substr(0, eq));
    double a = 0, v = 0;
    if (!st || !parse_cell(e.substr(eq + 1, colon - eq - 1), {}, a) ||
        !parse_cell(e.substr(colon + 1), {}, v) || std::isnan(a) || std::isnan(v)) {
      fail();
    }
    out.push_back({*st, a, v});
  }
  return out;
}

std::string summary_text(const std::string& inst_id, classify_method m, const method_info& info,
                         std::size_t rows, std::size_t n, const std::array<std::size_t, 4>& counts,
                         std::size_t unclassified, const std::vector<std::string>& extra,
                         const std::string& note, const std::vector<std::string>& warnings) {
  std::ostringstream os;
  os << "classify: method " << to_string(m) << " (" << info.status << ") on " << inst_id << "\n";
  os << "  source: " << info.source << "\n";
  os << "  respondents: " << rows << " rows, " << n << " with the scores the method needs\n";
  os << "  styles:";
  for (std::size_t k = 0; k < 4; ++k) {
    const double pct = n > 0 ? 100.0 * static_cast<double>(counts[k]) / static_cast<double>(rows) : 0.0;
    os << (k ? ", " : " ") << to_string(all_styles[k]) << " " << counts[k] << " (" << format_fixed(pct, 1) << "%)";
  }
  os << ", unclassified " << unclassified << "\n";
  for (const auto& x : extra) os << "  " << x << "\n";
  os << "  note: " << note << "\n";
  for (const auto& w : warnings) os << "  warning: " << w << "\n";
  return os.str();
}

void emit(const classify_cli_options& o, const std::vector<std::string>& header,
          const std::vector<std::string>& table_header, const std::string& csv_body, const std::vector<std::vector<std::string>>& table_rows,
          const nlohmann::json& doc, const std::string& summary) {
  if (o.in.format == "json") {
    write_output_file(o.in.output, json_text(doc) + "\n", protect_inputs(o.in, {o.norms}));
  } else if (o.in.format == "table") {
    write_output_file(o.in.output, sup::aligned_table(table_header, table_rows) + "\n" + summary, protect_inputs(o.in, {o.norms}));
  } else {
    std::string text = sup::csv_line(header);
    text += csv_body;
    write_output_file(o.in.output, text, protect_inputs(o.in, {o.norms}));
    std::cerr << summary;
  }
}

// Norm columns (z, T, percentile) for the scores the norm table covers.
struct norm_columns {
  std::vector<std::string> names;
  std::vector<normed_scores> scores;
};

norm_columns make_norm_columns(const std::optional<norm_table>& table,
                               const std::vector<std::pair<std::string, const Eigen::VectorXd*>>& dims,
                               std::vector<std::string>& warnings) {
  norm_columns out;
  if (!table) return out;
  for (const auto& [name, x] : dims) {
    const scale_norm* s = table->find(name);
    if (!s) continue;
    out.names.push_back(name);
    out.scores.push_back(norm_scores(*x, *s));
    for (const auto& w : out.scores.back().warnings) warnings.push_back(w);
  }
  if (out.names.empty()) {
    warnings.push_back("norm table '" + table->id + "' has none of this output's scores");
  }
  if (table->status && *table->status != confirmation::author && *table->status != confirmation::empirical) {
    warnings.push_back("norm table '" + table->id + "' is " + std::string(to_string(*table->status)) +
                       ": " + table->description);
  }
  return out;
}

void add_norm_header(std::vector<std::string>& header, const norm_columns& nc) {
  for (const auto& n : nc.names) {
    header.push_back("z_" + n);
    header.push_back("t_" + n);
    header.push_back("percentile_" + n);
  }
}

// One output row, built only in the format asked for (JSON objects per row are costly).
struct row_sink {
  bool csv_on = false, tab_on = false, json_on = false;
  std::vector<std::string> csv, tab;
  nlohmann::json json;
  // A number: shortest round-trip text for CSV, `decimals` for the table.
  void number(double v, int decimals) {
    if (csv_on) csv.push_back(format_number(v));
    if (tab_on) tab.push_back(format_fixed(v, decimals));
  }
  void text(const std::string& c, const std::string& t) {
    if (csv_on) csv.push_back(c);
    if (tab_on) tab.push_back(t);
  }
  void text(const std::string& c) { text(c, c); }
};

row_sink make_sink(const std::string& format) {
  row_sink s;
  s.json_on = format == "json";
  s.tab_on = format == "table";
  s.csv_on = !s.json_on && !s.tab_on;
  return s;
}

void add_norm_cells(row_sink& out, const norm_columns& nc, Eigen::Index i) {
  if (nc.names.empty()) return;
  nlohmann::json normed;
  for (std::size_t k = 0; k < nc.names.size(); ++k) {
    const auto& s = nc.scores[k];
    for (double v : {s.z(i), s.t(i), s.percentile(i)}) out.number(v, 2);
    if (out.json_on) {
      normed[nc.names[k]] = {{"z", json_number(s.z(i))}, {"t", json_number(s.t(i))},
                             {"percentile", json_number(s.percentile(i))},
                             {"percentile_method", std::string(to_string(s.method))}};
    }
  }
  if (out.json_on) out.json["norms"] = normed;
}

void row_key(const responses& data, Eigen::Index i, row_sink& out) {
  if (!data.row_ids.empty()) {
    const auto& id = data.row_ids[static_cast<std::size_t>(i)];
    if (out.json_on) out.json["id"] = id;
    out.text(id);
  } else {
    const std::size_t r = data.first_row + static_cast<std::size_t>(i);
    if (out.json_on) out.json["row"] = r;
    if (out.tab_on) out.tab.push_back(std::to_string(r));
  }
}

void keep(row_sink& out, nlohmann::json& respondents, std::string& csv_body,
          std::vector<std::vector<std::string>>& table_rows) {
  if (out.json_on) respondents.push_back(std::move(out.json));
  if (out.csv_on) csv_body += sup::csv_line(out.csv);
  if (out.tab_on) table_rows.push_back(std::move(out.tab));
}

nlohmann::json counts_json(const std::array<std::size_t, 4>& counts, std::size_t unclassified) {
  nlohmann::json c;
  for (std::size_t k = 0; k < 4; ++k) c[std::string(to_string(all_styles[k]))] = counts[k];
  c["unclassified"] = unclassified;
  return c;
}

void run(const classify_cli_options& o) {
  const auto method = parse_classify_method(o.method);
  if (!method) {
    throw error(errc::invalid_argument, "--method '" + o.method +
                                            "': use fisher, midpoint, median, norms, kmeans, prototypes, rq or raas");
  }
  if (o.on_cut != "low" && o.on_cut != "unclassified") {
    throw error(errc::invalid_argument, "--on-cut '" + o.on_cut + "': use low or unclassified");
  }
  if (!o.forced_choice.empty() && *method != classify_method::rq) {
    throw error(errc::invalid_argument, "--forced-choice applies to --method rq only");
  }
  if (!o.prototypes.empty() && *method != classify_method::prototypes) {
    throw error(errc::invalid_argument, "--prototype applies to --method prototypes only");
  }
  if (o.rescale && *method != classify_method::fisher) {
    throw error(errc::invalid_argument, "--rescale applies to --method fisher only");
  }
  const auto given_r = sup::parse_name_values(o.reliability, "--reliability");
  const auto given_sd = sup::parse_name_values(o.sd, "--sd");
  std::optional<norm_table> norms;
  if (!o.norms.empty()) norms = resolve_norm_table(o.norms);
  if (*method == classify_method::norms && !norms) {
    throw error(errc::invalid_argument, "--method norms needs --norms ID|FILE.json (a norm table; docs/change.md)");
  }

  loaded_input in{resolve_instrument(o.in.instrument), {}, make_scoring_options(o.in)};
  // Check that the instrument has the scores the method needs before reading the data.
  {
    const auto names = in.inst.score_names();
    auto need = [&](const std::string& score, const std::string& hint) {
      if (std::find(names.begin(), names.end(), score) == names.end()) {
        throw error(errc::invalid_argument, "instrument '" + in.inst.id + "' has no score '" + score +
                                                "' needed by --method " + std::string(to_string(*method)) + hint);
      }
    };
    if (*method == classify_method::rq) {
      for (const char* s : {"secure", "fearful", "preoccupied", "dismissing", "model_of_self", "model_of_other"}) need(s, "");
    } else if (*method == classify_method::raas) {
      need("close_depend", "");
      need("anxiety", "");
    } else if (in.inst.anxiety.empty() || in.inst.avoidance.empty()) {
      throw error(errc::invalid_argument,
                  "instrument '" + in.inst.id + "' has no anxiety and avoidance scores for --method " +
                      std::string(to_string(*method)) + (in.inst.id == "rq" ? "; use --method rq" : "") +
                      (in.inst.id == "raas" ? "; use --method raas" : ""));
    }
  }
  const read_options reading = make_read_options(o.in);
  const std::string text = sup::read_all(o.in.data);
  const std::string source = sup::source_name(o.in.data);
  {
    std::istringstream is(text);
    in.data = read_responses(is, source, in.inst.item_ids(), reading);
  }
  const instrument& inst = in.inst;
  const score_table t = score(inst, in.data, in.scoring);
  const response_range range = in.scoring.range.value_or(inst.range);
  std::vector<std::string> warnings = t.warnings;
  const auto rows = static_cast<std::size_t>(in.data.n_rows());
  const method_info info = describe(*method, norms ? norms->id : "",
                                    norms && norms->status ? std::string(to_string(*norms->status)) : "not stated");

  nlohmann::json doc;
  doc["instrument"] = inst.id;
  doc["method"] = std::string(to_string(*method));
  doc["method_source"] = info.source;
  doc["method_status"] = info.status;
  doc["n_rows"] = rows;
  doc["range"] = {{"min", range.min}, {"max", range.max}};

  std::vector<std::string> header;
  if (!o.in.id.empty()) header.push_back("id");
  std::vector<std::string> table_header = {o.in.id.empty() ? "row" : "id"};
  std::string csv_body;  // CSV rows, appended as they are made
  std::vector<std::vector<std::string>> table_rows;
  nlohmann::json respondents = nlohmann::json::array();

  if (*method == classify_method::rq) {
    const char* names[4] = {"secure", "fearful", "preoccupied", "dismissing"};
    Eigen::MatrixXd ratings(t.scores.rows(), 4);
    for (int k = 0; k < 4; ++k) ratings.col(k) = t.scores.col(sup::score_column(t, inst, names[k]));
    const Eigen::Index c_self = sup::score_column(t, inst, "model_of_self");
    const Eigen::Index c_other = sup::score_column(t, inst, "model_of_other");
    std::vector<attachment_style> fc;
    if (!o.forced_choice.empty()) {
      const auto values = sup::column_values(text, source, reading, o.forced_choice);
      if (values.size() != rows) {
        throw error(errc::bad_input, source + ": the forced-choice column has " + std::to_string(values.size()) +
                                         " rows but the data have " + std::to_string(rows));
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        const auto s = parse_rq_forced_choice(values[i]);
        if (!s) {
          throw error(errc::bad_input, in.data.where(static_cast<Eigen::Index>(i)) + ", column '" +
                                           o.forced_choice + "': forced choice '" + values[i] +
                                           "' is not secure/fearful/preoccupied/dismissing or 1-4 "
                                           "(RQ order: 1 secure, 2 fearful, 3 preoccupied, 4 dismissing)");
        }
        fc.push_back(*s);
      }
    }
    const rq_classification r = classify_rq(ratings, fc);
    for (const auto& w : r.warnings) warnings.push_back(w);
    const Eigen::VectorXd self = t.scores.col(c_self), other = t.scores.col(c_other);
    const norm_columns nc = make_norm_columns(norms, {{"model_of_self", &self}, {"model_of_other", &other}}, warnings);
    for (const char* h : {"model_of_self", "model_of_other", "style", "decided_by", "n_tied", "margin", "forced_choice"}) {
      header.push_back(h);
      table_header.push_back(h);
    }
    add_norm_header(header, nc);
    add_norm_header(table_header, nc);
    for (Eigen::Index i = 0; i < ratings.rows(); ++i) {
      const auto iu = static_cast<std::size_t>(i);
      row_sink out = make_sink(o.in.format);
      row_key(in.data, i, out);
      const std::string fcs = fc.empty() || fc[iu] == attachment_style::unclassified ? "" : std::string(to_string(fc[iu]));
      const std::string style(to_string(r.styles[iu])), decision(to_string(r.decisions[iu]));
      out.number(self(i), 2);
      out.number(other(i), 2);
      out.text(style);
      out.text(decision);
      out.text(std::to_string(r.n_tied[iu]));
      out.number(r.margin(i), 2);
      out.text(fcs, fcs.empty() ? "-" : fcs);
      if (out.json_on) {
        nlohmann::json ratings_json;
        for (int k = 0; k < 4; ++k) ratings_json[names[k]] = json_number(ratings(i, k));
        out.json["ratings"] = ratings_json;
        out.json["scores"] = {{"model_of_self", json_number(self(i))}, {"model_of_other", json_number(other(i))}};
        out.json["style"] = style;
        out.json["decided_by"] = decision;
        out.json["n_tied"] = r.n_tied[iu];
        out.json["margin"] = json_number(r.margin(i));
        out.json["forced_choice"] = fcs.empty() ? nlohmann::json(nullptr) : nlohmann::json(fcs);
      }
      add_norm_cells(out, nc, i);
      keep(out, respondents, csv_body, table_rows);
    }
    std::vector<std::string> extra = {
        "ties decided by the forced choice: " + std::to_string(r.n_forced_choice_used),
        "forced choice agrees with a unique highest rating: " + std::to_string(r.n_forced_choice_agrees) + " of " +
            std::to_string(r.n_forced_choice_given)};
    doc["summary"] = {{"n", r.n},
                      {"counts", counts_json(r.counts, r.n_unclassified)},
                      {"n_forced_choice_used", r.n_forced_choice_used},
                      {"n_forced_choice_given", r.n_forced_choice_given},
                      {"n_forced_choice_agrees", r.n_forced_choice_agrees}};
    doc["forced_choice_column"] = o.forced_choice.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.forced_choice);
    doc["note"] = r.note;
    doc["respondents"] = std::move(respondents);
    doc["warnings"] = warnings;
    emit(o, header, table_header, csv_body, table_rows, doc,
         summary_text(inst.id, *method, info, rows, r.n, r.counts, r.n_unclassified, extra, r.note, warnings));
    return;
  }

  // Two-dimension methods and RAAS.
  classification r;
  std::string name_a, name_b;  // output column names of the two scores
  Eigen::VectorXd a, b;
  std::vector<sem_info> sems;
  if (*method == classify_method::raas) {
    const Eigen::Index c_cd = sup::score_column(t, inst, "close_depend");
    const Eigen::Index c_anx = sup::score_column(t, inst, "anxiety");
    a = t.scores.col(c_cd);
    b = t.scores.col(c_anx);
    name_a = "close_depend";
    name_b = "anxiety";
    sems.push_back(estimate_sem(inst, "close_depend", "close_depend", a, in, given_r, given_sd, warnings));
    sems.push_back(estimate_sem(inst, "anxiety", "anxiety", b, in, given_r, given_sd, warnings));
    raas_options ro;
    ro.midpoint = range.midpoint();
    if (range.min != 1.0 || range.max != 5.0) {
      warnings.push_back("Collins' rule splits the 1-5 scale at 3; these scores are on " + format_number(range.min) +
                         "-" + format_number(range.max) + ", split at their midpoint " + format_number(ro.midpoint));
    }
    ro.sem_close_depend = sems[0].sem;
    ro.sem_anxiety = sems[1].sem;
    r = classify_raas(a, b, ro);
  } else {
    a = t.scores.col(sup::score_column(t, inst, inst.anxiety));
    b = t.scores.col(sup::score_column(t, inst, inst.avoidance));
    name_a = "anxiety";
    name_b = "avoidance";
    sems.push_back(estimate_sem(inst, inst.anxiety, "anxiety", a, in, given_r, given_sd, warnings));
    sems.push_back(estimate_sem(inst, inst.avoidance, "avoidance", b, in, given_r, given_sd, warnings));
    classify_options co;
    co.method = *method;
    co.range = range;
    co.rescale_to_1_7 = o.rescale;
    co.sem_anxiety = sems[0].sem;
    co.sem_avoidance = sems[1].sem;
    co.on_cut = o.on_cut == "low" ? cut_tie::low : cut_tie::unclassified;
    co.kmeans_starts = o.starts;
    co.seed = o.seed;
    co.probability_threshold = o.probability_threshold;
    co.prototypes = parse_prototypes(o.prototypes);
    if (*method == classify_method::norms) {
      const scale_norm* na = norms->find(inst.anxiety);
      const scale_norm* nv = norms->find(inst.avoidance);
      if (!na || !nv) {
        throw error(errc::invalid_argument, "norm table '" + norms->id + "' has no " +
                                                (na ? "'" + inst.avoidance + "'" : "'" + inst.anxiety + "'") +
                                                " scale for --method norms");
      }
      co.norm_anxiety_mean = na->mean;
      co.norm_avoidance_mean = nv->mean;
    }
    if (*method == classify_method::fisher && inst.id != "ecr") {
      warnings.push_back("the fisher functions were estimated on the ECR (Brennan et al. 1998); instrument '" +
                         inst.id + "' is not the ECR");
    }
    r = classify(a, b, co);
  }
  for (const auto& w : r.warnings) warnings.push_back(w);
  const norm_columns nc = make_norm_columns(norms, {{name_a, &a}, {name_b, &b}}, warnings);
  const bool fisher = *method == classify_method::fisher;
  std::vector<std::string> cols = {name_a, name_b, "style"};
  if (fisher) cols.insert(cols.end(), {"p_secure", "p_preoccupied", "p_dismissing", "p_fearful"});
  cols.insert(cols.end(), {"boundary_distance_sem", "could_flip"});
  header.insert(header.end(), cols.begin(), cols.end());
  table_header.insert(table_header.end(), cols.begin(), cols.end());
  add_norm_header(header, nc);
  add_norm_header(table_header, nc);
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const auto iu = static_cast<std::size_t>(i);
    row_sink out = make_sink(o.in.format);
    row_key(in.data, i, out);
    const std::string style(to_string(r.styles[iu]));
    out.number(a(i), 3);
    out.number(b(i), 3);
    out.text(style);
    if (fisher) {
      for (Eigen::Index k = 0; k < 4; ++k) out.number(r.probabilities(i, k), 3);
    }
    out.number(r.boundary_distance_sem(i), 2);
    out.text(flip_text(r.could_flip[iu]), r.could_flip[iu] < 0 ? "NA" : (r.could_flip[iu] ? "yes" : "no"));
    if (out.json_on) {
      out.json["scores"] = {{name_a, json_number(a(i))}, {name_b, json_number(b(i))}};
      out.json["style"] = style;
      if (fisher) {
        nlohmann::json p;
        for (Eigen::Index k = 0; k < 4; ++k) {
          p[std::string(to_string(all_styles[static_cast<std::size_t>(k)]))] = json_number(r.probabilities(i, k));
        }
        out.json["probabilities"] = p;
      }
      out.json["boundary_distance_sem"] = json_number(r.boundary_distance_sem(i));
      out.json["could_flip"] = flip_json(r.could_flip[iu]);
    }
    add_norm_cells(out, nc, i);
    keep(out, respondents, csv_body, table_rows);
  }
  const bool sem_known = std::isfinite(sems[0].sem) && std::isfinite(sems[1].sem);
  std::vector<std::string> extra;
  extra.push_back("near a boundary (style could flip within one SEM): " +
                  (sem_known ? std::to_string(r.n_near_boundary) : std::string("unknown (no SEM)")));
  for (const auto& s : sems) {
    extra.push_back("SEM of " + s.score + ": " + format_fixed(s.sem, 3) + " = SD " + format_fixed(s.sd, 3) + " (" +
                    s.sd_source + ") x sqrt(1 - " + format_fixed(s.reliability, 3) + " " + s.reliability_source + ")");
  }
  if (std::isfinite(r.anxiety_cut)) {
    // classification::anxiety_cut belongs to the anxiety score; avoidance_cut to the other one
    // (avoidance, or close-depend for raas).
    const std::string other = *method == classify_method::raas ? name_a : name_b;
    extra.push_back("cuts: anxiety " + format_fixed(r.anxiety_cut, 3) + ", " + other + " " +
                    format_fixed(r.avoidance_cut, 3));
  }
  if (fisher) {
    extra.push_back("highest probability below " + format_fixed(o.probability_threshold, 2) + ": " +
                    std::to_string(r.n_uncertain));
    if (r.rescaled) extra.push_back("scores were RESCALED linearly from " + format_number(range.min) + "-" +
                                    format_number(range.max) + " onto 1-7");
  }
  nlohmann::json centers = nlohmann::json::array();
  for (const auto& c : r.centers) {
    centers.push_back({{"style", std::string(to_string(c.style))}, {"anxiety", c.anxiety}, {"avoidance", c.avoidance}});
    extra.push_back("center " + std::string(to_string(c.style)) + ": anxiety " + format_fixed(c.anxiety, 3) +
                    ", avoidance " + format_fixed(c.avoidance, 3));
  }
  doc["rescaled"] = r.rescaled;
  if (*method == classify_method::raas) {
    doc["cuts"] = {{"close_depend", json_number(r.avoidance_cut)}, {"anxiety", json_number(r.anxiety_cut)}};
  } else {
    doc["cuts"] = {{"anxiety", json_number(r.anxiety_cut)}, {"avoidance", json_number(r.avoidance_cut)}};
    doc["scores"] = {{"anxiety", inst.anxiety}, {"avoidance", inst.avoidance}};
  }
  doc["sem"] = nlohmann::json::array({sem_json(sems[0]), sem_json(sems[1])});
  if (!r.centers.empty()) doc["centers"] = centers;
  if (std::isfinite(r.within_ss)) doc["within_ss"] = r.within_ss;
  if (norms) doc["norms"] = norms->id;
  nlohmann::json summary = {{"n", r.n},
                            {"counts", counts_json(r.counts, r.n_unclassified)},
                            {"n_near_boundary", sem_known ? nlohmann::json(r.n_near_boundary) : nlohmann::json(nullptr)}};
  if (fisher) {
    summary["n_uncertain"] = r.n_uncertain;
    summary["probability_threshold"] = o.probability_threshold;
  }
  doc["summary"] = summary;
  doc["note"] = r.note;
  doc["respondents"] = std::move(respondents);
  doc["warnings"] = warnings;
  emit(o, header, table_header, csv_body, table_rows, doc,
       summary_text(inst.id, *method, info, rows, r.n, r.counts, r.n_unclassified, extra, r.note, warnings));
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto o = std::make_shared<classify_cli_options>();
  auto* cmd = app.add_subcommand(
      "classify", "attachment styles (secure, preoccupied, dismissing, fearful) with their uncertainty");
  add_input_options(*cmd, o->in, {"csv", "json", "table"});
  cmd->add_option("--method", o->method,
                  "fisher | midpoint | median | norms | kmeans | prototypes | rq | raas (docs/classification.md)")
      ->required();
  cmd->add_flag("--rescale", o->rescale,
                "fisher: map scores on another range linearly onto 1-7 first (the output says so)");
  cmd->add_option("--reliability", o->reliability,
                  "reliability for the SEM, NAME=VALUE (e.g. anxiety=0.91) or one value for all; default: "
                  "Cronbach's alpha in this sample")
      ->delimiter(',');
  cmd->add_option("--sd", o->sd, "SD for the SEM, NAME=VALUE or one value; default: this sample's SD")
      ->delimiter(',');
  cmd->add_option("--norms", o->norms,
                  "norm table (built-in id or FILE.json): cuts for --method norms, and z/T/percentile columns");
  cmd->add_option("--prototype", o->prototypes,
                  "prototypes: STYLE=ANXIETY:AVOIDANCE (2 to 4, distinct styles), e.g. secure=2:2");
  cmd->add_option("--forced-choice", o->forced_choice,
                  "rq: the column with the forced choice (secure/fearful/preoccupied/dismissing or 1-4 in RQ "
                  "order: 1 secure, 2 fearful, 3 preoccupied, 4 dismissing; empty = none)");
  cmd->add_option("--on-cut", o->on_cut, "split methods: a score exactly on a cut is 'low' (default) or 'unclassified'")
      ->default_val("low");
  cmd->add_option("--starts", o->starts, "kmeans: random starts")->default_val(20)->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", o->seed, "kmeans: seed")->default_val(20240501);
  cmd->add_option("--probability-threshold", o->probability_threshold,
                  "fisher: a highest probability below this counts as uncertain in the summary")
      ->default_val(0.8);
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
