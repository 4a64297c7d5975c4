// attune quality: careless and invalid responding, one row per respondent, a summary, the data
// validation report, and optionally the data without the flagged respondents (--clean-output).
// Statistics live in the library (attune/quality.hpp); this file parses, calls and formats.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "attune/io/csv.hpp"
#include "attune/core/error.hpp"
#include "attune/analyses/quality.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct quality_cli_options {
  input_options in;
  quality_options q;
  std::string clean_output;
  bool summary = false;
};

// Column names of the per-respondent table, in order.
std::vector<std::string> columns(const quality_report& r, bool with_id) {
  std::vector<std::string> c = {with_id ? "id" : "row", "answered", "longstring", "longstring_avg", "irv"};
  for (Eigen::Index b = 0; b < r.irv_blocks.cols(); ++b) c.push_back("irv_" + std::to_string(b + 1));
  for (const char* s : {"mahalanobis", "mahalanobis_df", "mahalanobis_p", "evenodd", "evenodd_subscales", "psychsyn",
                        "psychsyn_pairs", "psychant", "psychant_pairs", "reversal", "flags"})
    c.emplace_back(s);
  return c;
}

std::string row_label(const responses& d, Eigen::Index i) {
  return d.row_ids.empty() ? std::to_string(d.first_row + static_cast<std::size_t>(i))
                           : d.row_ids[static_cast<std::size_t>(i)];
}

// Cells of row i; `number` formats a double (exact for CSV, rounded for tables).
template <class F>
std::vector<std::string> cells(const quality_report& r, const responses& d, Eigen::Index i, F number) {
  const auto k = d.n_items();
  std::vector<std::string> c = {row_label(d, i), std::to_string(k - r.validation.missing_per_respondent(i)),
                                number(r.longstring(i)), number(r.longstring_avg(i)), number(r.irv(i))};
  for (Eigen::Index b = 0; b < r.irv_blocks.cols(); ++b) c.push_back(number(r.irv_blocks(i, b)));
  c.push_back(number(r.mahalanobis(i)));
  c.push_back(std::to_string(r.mahalanobis_df(i)));
  c.push_back(number(r.mahalanobis_p(i)));
  c.push_back(number(r.evenodd(i)));
  c.push_back(std::to_string(r.evenodd_subscales(i)));
  c.push_back(number(r.psychsyn(i)));
  c.push_back(std::to_string(r.psychsyn_pairs(i)));
  c.push_back(number(r.psychant(i)));
  c.push_back(std::to_string(r.psychant_pairs(i)));
  c.push_back(number(r.reversal(i)));
  c.push_back(flag_names(r.flags[static_cast<std::size_t>(i)]));
  return c;
}

// The default rule of each index, as text for the summary and the JSON.
std::vector<std::pair<std::string, std::string>> rules(const quality_report& r, const quality_options& q,
                                                       std::size_t n_subscales) {
  auto num = [](double x) { return std::isnan(x) ? std::string("off") : format_number(x); };
  return {
      {"longstring", r.longstring_cutoff > 0 ? "longest run >= " + std::to_string(r.longstring_cutoff) : "off"},
      {"irv", "SD (all items, or a block with >= 3 answers) <= " + num(q.irv_min) +
                  (std::isnan(q.irv_max) ? std::string() : "; SD > " + num(q.irv_max))},
      {"mahalanobis", std::isnan(q.mahalanobis_confidence)
                          ? std::string("off")
                          : "D2 > qchisq(" + num(q.mahalanobis_confidence) + ", df = items answered)" +
                                (q.mahalanobis_missing == mahalanobis_method::psych ? " (psych D2)" : "")},
      {"evenodd", static_cast<int>(n_subscales) < q.evenodd_min_subscales
                      ? "off (" + std::to_string(n_subscales) + " subscales; needs " +
                            std::to_string(q.evenodd_min_subscales) + ")"
                      : "evenodd > " + num(q.evenodd_max) + " with >= " + std::to_string(q.evenodd_min_subscales) +
                            " subscales"},
      {"psychsyn", "r < " + num(q.psychsyn_min) + " over pairs with r > " + num(q.psychsyn_critical)},
      {"psychant", "r > " + num(q.psychant_max) + " over pairs with r < " + num(q.psychant_critical)},
      {"reversal", "reversal >= " + num(q.reversal_max)},
  };
}

std::string summary_text(const instrument& inst, const responses& d, const quality_report& r,
                         const quality_options& q) {
  std::ostringstream os;
  const auto& v = r.validation;
  const Eigen::Index n = d.n_rows();
  os << inst.id << ": " << n << " respondents (" << r.n << " with answers), " << d.n_items() << " items; "
     << r.n_flagged << " flagged\n";
  const auto rl = rules(r, q, inst.subscales.size());
  os << "  index          flagged  rule\n";
  for (std::size_t i = 0; i < rl.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %-13s %8ld  ", rl[i].first.c_str(), static_cast<long>(r.flagged_by[i]));
    os << buf << rl[i].second << "\n";
  }
  os << "  item pairs: " << r.synonyms.size() << " synonyms, " << r.antonyms.size() << " antonyms\n";
  os << "validation:\n";
  os << "  out-of-range answers: " << v.out_of_range.size() << "\n";
  const std::size_t show = std::min<std::size_t>(v.out_of_range.size(), 10);
  for (std::size_t c = 0; c < show; ++c) {
    const auto& cell = v.out_of_range[c];
    os << "    " << d.where(cell.row) << ", item " << inst.items[static_cast<std::size_t>(cell.item)].id << ": "
       << format_number(cell.value) << "\n";
  }
  if (v.out_of_range.size() > show) os << "    ... (" << v.out_of_range.size() - show << " more; see --format json)\n";
  Eigen::Index missing_cells = v.missing_per_item.sum(), with_missing = 0;
  for (Eigen::Index i = 0; i < n; ++i) with_missing += v.missing_per_respondent(i) > 0 ? 1 : 0;
  os << "  missing answers: " << missing_cells << " (" << with_missing << " respondents with at least one)\n";
  if (missing_cells > 0) {
    os << "    per item:";
    for (Eigen::Index j = 0; j < d.n_items(); ++j)
      if (v.missing_per_item(j) > 0) os << " " << inst.items[static_cast<std::size_t>(j)].id << "=" << v.missing_per_item(j);
    os << "\n";
  }
  os << "  duplicate ids: " << v.duplicate_ids.size() << "\n";
  for (const auto& g : v.duplicate_ids) {
    os << "    " << d.row_ids[static_cast<std::size_t>(g.front())] << ": rows";
    for (const auto i : g) os << " " << d.first_row + static_cast<std::size_t>(i);
    os << "\n";
  }
  auto list = [&](const char* what, const std::vector<Eigen::Index>& rows) {
    os << "  " << what << ": " << rows.size();
    const std::size_t m = std::min<std::size_t>(rows.size(), 20);
    if (m > 0) os << " (rows";
    for (std::size_t c = 0; c < m; ++c) os << " " << row_label(d, rows[c]);
    if (rows.size() > m) os << " ...";
    if (m > 0) os << ")";
    os << "\n";
  };
  list("constant rows", v.constant_rows);
  list("rows without any answer", v.no_answer_rows);
  std::string rule;
  for (std::size_t s = 0; s < v.required.size() && s < inst.subscales.size(); ++s)
    rule += (s ? ", " : "") + inst.subscales[s].name + " " + std::to_string(v.required[s]);
  list(("below the minimum-answered rule (" + rule + ")").c_str(), v.below_min_answered);
  for (const auto& w : r.warnings) os << "warning: " << w << "\n";
  return os.str();
}

nlohmann::json to_json(const instrument& inst, const responses& d, const quality_report& r,
                       const quality_options& q) {
  using nlohmann::json;
  const auto& v = r.validation;
  const bool with_id = !d.row_ids.empty();
  json rows = json::array();
  for (Eigen::Index i = 0; i < d.n_rows(); ++i) {
    json row;
    row["row"] = d.first_row + static_cast<std::size_t>(i);
    if (with_id) row["id"] = d.row_ids[static_cast<std::size_t>(i)];
    row["answered"] = d.n_items() - v.missing_per_respondent(i);
    row["longstring"] = json_number(r.longstring(i));
    row["longstring_avg"] = json_number(r.longstring_avg(i));
    row["irv"] = json_number(r.irv(i));
    json blocks = json::array();
    for (Eigen::Index b = 0; b < r.irv_blocks.cols(); ++b) blocks.push_back(json_number(r.irv_blocks(i, b)));
    row["irv_blocks"] = blocks;
    row["mahalanobis"] = json_number(r.mahalanobis(i));
    row["mahalanobis_df"] = r.mahalanobis_df(i);
    row["mahalanobis_p"] = json_number(r.mahalanobis_p(i));
    row["evenodd"] = json_number(r.evenodd(i));
    row["evenodd_subscales"] = r.evenodd_subscales(i);
    row["psychsyn"] = json_number(r.psychsyn(i));
    row["psychsyn_pairs"] = r.psychsyn_pairs(i);
    row["psychant"] = json_number(r.psychant(i));
    row["psychant_pairs"] = r.psychant_pairs(i);
    row["reversal"] = json_number(r.reversal(i));
    json flags = json::array();
    for (const auto idx : all_quality_indices())
      if ((r.flags[static_cast<std::size_t>(i)] & static_cast<std::uint32_t>(idx)) != 0U) flags.push_back(to_string(idx));
    row["flags"] = flags;
    rows.push_back(std::move(row));
  }
  json flagged_by = json::object(), rule_json = json::object();
  const auto rl = rules(r, q, inst.subscales.size());
  for (std::size_t i = 0; i < rl.size(); ++i) {
    flagged_by[rl[i].first] = r.flagged_by[i];
    rule_json[rl[i].first] = rl[i].second;
  }
  auto pairs = [&](const std::vector<item_pair>& ps) {
    json a = json::array();
    for (const auto& p : ps)
      a.push_back({{"first", inst.items[static_cast<std::size_t>(p.first)].id},
                   {"second", inst.items[static_cast<std::size_t>(p.second)].id},
                   {"r", json_number(p.r)}});
    return a;
  };
  auto rows_json = [&](const std::vector<Eigen::Index>& list) {
    json a = json::array();
    for (const auto i : list) a.push_back(d.first_row + static_cast<std::size_t>(i));
    return a;
  };
  json oor = json::array();
  for (const auto& c : v.out_of_range) {
    json cell{{"row", d.first_row + static_cast<std::size_t>(c.row)},
              {"item", inst.items[static_cast<std::size_t>(c.item)].id},
              {"value", json_number(c.value)}};
    if (with_id) cell["id"] = d.row_ids[static_cast<std::size_t>(c.row)];
    oor.push_back(std::move(cell));
  }
  json missing_item = json::object();
  for (Eigen::Index j = 0; j < d.n_items(); ++j) missing_item[inst.items[static_cast<std::size_t>(j)].id] = v.missing_per_item(j);
  json dups = json::array();
  for (const auto& g : v.duplicate_ids) dups.push_back({{"id", d.row_ids[static_cast<std::size_t>(g.front())]}, {"rows", rows_json(g)}});
  json required = json::object();
  for (std::size_t s = 0; s < v.required.size() && s < inst.subscales.size(); ++s) required[inst.subscales[s].name] = v.required[s];
  json doc;
  doc["instrument"] = inst.id;
  doc["n_rows"] = d.n_rows();
  doc["n"] = r.n;
  doc["n_items"] = d.n_items();
  doc["n_flagged"] = r.n_flagged;
  doc["flagged_by"] = flagged_by;
  doc["rules"] = rule_json;
  doc["respondents"] = std::move(rows);
  doc["item_pairs"] = {{"synonyms", pairs(r.synonyms)}, {"antonyms", pairs(r.antonyms)}};
  doc["validation"] = {{"out_of_range", oor},
                       {"missing_per_item", missing_item},
                       {"duplicate_ids", dups},
                       {"constant_rows", rows_json(v.constant_rows)},
                       {"no_answer_rows", rows_json(v.no_answer_rows)},
                       {"below_min_answered", rows_json(v.below_min_answered)},
                       {"required", required}};
  doc["warnings"] = r.warnings;
  return doc;
}

// Copies DATA without the flagged rows into `out` (same columns, same delimiter).
void write_clean(const quality_cli_options& o, const responses& d, const quality_report& r, std::ostream& out) {
  std::ifstream file(o.in.data, std::ios::binary);
  if (!file) throw error(errc::io_error, o.in.data + ": cannot open the file for reading");
  csv_reader reader(file, o.in.data, make_read_options(o.in).csv);
  const char delim = reader.delimiter();
  auto write_record = [&](const auto& fields) {
    for (std::size_t j = 0; j < fields.size(); ++j) {
      if (j > 0) out << delim;
      out << csv_field(fields[j]);
    }
    out << '\n';
  };
  write_record(reader.header());
  std::vector<std::string_view> fields;
  Eigen::Index i = 0;
  while (reader.next(fields)) {
    if (i >= d.n_rows()) throw error(errc::io_error, o.in.data + ": the file changed while it was read (more rows)");
    if (r.flags[static_cast<std::size_t>(i)] == 0U) write_record(fields);
    ++i;
  }
  if (i != d.n_rows()) throw error(errc::io_error, o.in.data + ": the file changed while it was read (fewer rows)");
}

void run(const quality_cli_options& o) {
  if (!o.clean_output.empty()) {
    if (o.in.data == "-")
      throw error(errc::invalid_argument, "--clean-output needs DATA to be a file: standard input cannot be read twice");
    std::error_code ec;
    if (o.clean_output == o.in.data || std::filesystem::equivalent(o.clean_output, o.in.data, ec))
      throw error(errc::invalid_argument, "--clean-output '" + o.clean_output + "' is DATA itself; write to another file");
    if (!o.in.output.empty() && o.in.output != "-" && o.clean_output == o.in.output)
      throw error(errc::invalid_argument, "--clean-output and -o name the same file '" + o.clean_output + "'");
  }
  quality_options q = o.q;
  q.min_answered = o.in.min_answered;
  q.validate();
  // quality reports out-of-range answers instead of stopping at the first: read with the
  // library's defaults, never scoring's error policy.
  const loaded_input in = load_input(o.in);
  const quality_design design = make_quality_design(in.inst, in.scoring.range);
  const quality_report rep = assess_quality(in.data.values, design, q, in.data.row_ids);
  const bool with_id = !in.data.row_ids.empty();

  std::unique_ptr<output_file> clean;
  if (!o.clean_output.empty()) {
    clean = std::make_unique<output_file>(o.clean_output, protect_inputs(o.in));
    write_clean(o, in.data, rep, clean->stream());
  }

  const std::string& fmt = o.in.format;
  if (fmt == "json") {
    write_output_file(o.in.output, json_text(to_json(in.inst, in.data, rep, q)) + "\n", protect_inputs(o.in));
  } else if (fmt == "csv") {
    std::string text;
    const auto cols = columns(rep, with_id);
    for (std::size_t j = 0; j < cols.size(); ++j) text += (j ? "," : "") + cols[j];
    text += '\n';
    for (Eigen::Index i = 0; i < in.data.n_rows(); ++i) {
      const auto c = cells(rep, in.data, i, [](double x) { return format_number(x); });
      for (std::size_t j = 0; j < c.size(); ++j) text += (j ? "," : "") + csv_field(c[j]);
      text += '\n';
    }
    write_output_file(o.in.output, text, protect_inputs(o.in));
    if (o.summary) std::cerr << summary_text(in.inst, in.data, rep, q);
    else
      for (const auto& w : rep.warnings) std::cerr << "attune: warning: " << w << "\n";
  } else {  // table
    const auto header = columns(rep, with_id);
    std::vector<std::vector<std::string>> rows;
    for (Eigen::Index i = 0; i < in.data.n_rows(); ++i)
      rows.push_back(cells(rep, in.data, i, [](double x) { return format_fixed(x, 3); }));
    std::vector<std::size_t> width(header.size());
    for (std::size_t j = 0; j < header.size(); ++j) width[j] = header[j].size();
    for (const auto& r : rows)
      for (std::size_t j = 0; j < r.size(); ++j) width[j] = std::max(width[j], r[j].size());
    std::ostringstream os;
    auto print = [&](const std::vector<std::string>& r) {
      for (std::size_t j = 0; j < r.size(); ++j) {
        const bool last = j + 1 == r.size();
        os << (j == 0 ? "" : "  ") << (last ? r[j] : std::string(width[j] - r[j].size(), ' ') + r[j]);
      }
      os << "\n";
    };
    print(header);
    for (const auto& r : rows) print(r);
    os << "\n" << summary_text(in.inst, in.data, rep, q);
    write_output_file(o.in.output, os.str(), protect_inputs(o.in));
  }
  if (clean) clean->commit();
}

}  // namespace

void add_quality_command(CLI::App& app) {
  auto o = std::make_shared<quality_cli_options>();
  auto* cmd = app.add_subcommand(
      "quality", "screen for careless and invalid responding: longstring, irv, mahalanobis, evenodd, psychsyn, "
                 "psychant, reversal, and a data validation report");
  add_input_options(*cmd, o->in, {"csv", "json", "table"});
  cmd->add_option("--clean-output", o->clean_output,
                  "also write DATA without the flagged respondents to FILE (atomically; same columns)");
  cmd->add_flag("--summary", o->summary, "with CSV output: print the summary and validation report on standard error");
  auto& q = o->q;
  cmd->add_option("--longstring-share", q.longstring_share,
                  "flag a run of identical answers at least this share of the items long")->default_val(0.5);
  cmd->add_option("--irv-blocks", q.irv_blocks, "number of consecutive item blocks for the irv")->default_val(3);
  cmd->add_option("--irv-min", q.irv_min, "flag an irv (all items or a block) at most this")->default_val(0.0);
  cmd->add_option("--irv-max", q.irv_max, "flag an irv above this (random responding; off by default)");
  cmd->add_option("--confidence", q.mahalanobis_confidence,
                  "mahalanobis: flag D2 above the chi-square quantile at this level (df = items answered)")
      ->default_val(0.99);
  cmd->add_option("--mahalanobis-missing", q.mahalanobis_missing,
                  "D2 of a respondent with missing answers: observed (the answered items against their own "
                  "covariance; default) or psych (careless/psych::outlier)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, mahalanobis_method>{{"observed", mahalanobis_method::observed},
                                                    {"psych", mahalanobis_method::psych}}));
  cmd->add_option("--evenodd-max", q.evenodd_max, "flag evenodd above this (careless sign; -0.3 = r' below .30)")
      ->default_val(-0.30);
  cmd->add_option("--evenodd-min-subscales", q.evenodd_min_subscales,
                  "evenodd flags need at least this many subscales")->default_val(6);
  cmd->add_option("--psychsyn-critical", q.psychsyn_critical, "synonyms: item pairs correlating above this")
      ->default_val(0.60);
  cmd->add_option("--psychant-critical", q.psychant_critical, "antonyms: item pairs correlating below this")
      ->default_val(-0.60);
  cmd->add_option("--psychsyn-min", q.psychsyn_min, "flag psychsyn below this")->default_val(0.0);
  cmd->add_option("--psychant-max", q.psychant_max, "flag psychant above this")->default_val(0.0);
  cmd->add_option("--reversal-max", q.reversal_max, "flag reversal at least this")->default_val(0.5);
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
