// attune correlate: the item correlation matrix (pairwise Pearson or polychoric).
// Statistics live in the library (attune/moments.hpp, attune/polychoric.hpp); this file parses,
// calls and formats.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "attune/core/error.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/data/responses.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct correlate_cli_options {
  input_options in;
  std::string method = "pearson";
  int threads = 0;
};

struct correlation_output {
  std::vector<std::string> items;
  Eigen::MatrixXd matrix;
  Eigen::MatrixXd pair_counts;
  Eigen::MatrixXd standard_errors;  // polychoric only
  bool smoothed = false;
  bool global_thresholds = true;
  Eigen::Index n_rows = 0;
  std::vector<std::string> warnings;
};

responses read_data(const input_options& o) {
  if (o.instrument.empty() && o.items.empty())
    throw error(errc::invalid_argument, "correlate: give --instrument (its items are used) or --items (which columns to correlate)");
  std::vector<std::string> ids;
  if (!o.instrument.empty()) ids = resolve_instrument(o.instrument).item_ids();
  return read_responses_file(o.data, ids, make_read_options(o));
}

correlation_output compute(const correlate_cli_options& o) {
  const responses d = read_data(o.in);
  correlation_output out;
  out.items = d.item_ids;
  out.n_rows = d.n_rows();
  if (d.n_items() < 2)
    throw error(errc::insufficient_data, "correlate: " + std::to_string(d.n_items()) + " item column selected; at least 2 are needed");
  if (o.method == "pearson") {
    pairwise_moments pm(d.n_items());
    pm.add(d.values);
    out.matrix = pm.correlation();
    out.pair_counts = pm.counts();
    for (Eigen::Index i = 0; i < d.n_items(); ++i)
      if (std::isnan(out.matrix(i, i)))
        out.warnings.push_back("item " + d.item_ids[static_cast<std::size_t>(i)] + " has zero variance; its correlations are empty");
  } else {
    polychoric_options po;
    po.threads = o.threads;
    polychoric_result p = polychoric(d.values, po);
    out.matrix = p.rho;
    out.pair_counts = p.pair_counts;
    out.standard_errors = p.standard_errors;
    out.smoothed = p.smoothed;
    out.global_thresholds = p.global_thresholds;
    out.warnings = p.warnings;
  }
  return out;
}

std::string to_json(const correlation_output& c, const std::string& method) {
  using nlohmann::json;
  auto mat = [](const Eigen::MatrixXd& m) {
    json a = json::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      json row = json::array();
      for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(json_number(m(i, j)));
      a.push_back(row);
    }
    return a;
  };
  json j;
  j["method"] = method;
  j["items"] = c.items;
  j["matrix"] = mat(c.matrix);
  j["n_rows"] = c.n_rows;
  j["pair_counts"] = mat(c.pair_counts);
  if (method == "polychoric") {
    j["standard_errors"] = mat(c.standard_errors);
    j["smoothed"] = c.smoothed;
    j["global_thresholds"] = c.global_thresholds;
  }
  j["warnings"] = c.warnings;
  return json_text(j) + "\n";
}

std::string to_csv(const correlation_output& c) {
  std::ostringstream os;
  os << "item";
  for (const auto& s : c.items) os << "," << csv_field(s);
  os << "\n";
  for (Eigen::Index i = 0; i < c.matrix.rows(); ++i) {
    os << csv_field(c.items[static_cast<std::size_t>(i)]);
    for (Eigen::Index j = 0; j < c.matrix.cols(); ++j) os << "," << format_number(c.matrix(i, j));
    os << "\n";
  }
  return os.str();
}

std::string to_table(const correlation_output& c, const std::string& method) {
  std::ostringstream os;
  os << method << " correlations, " << c.items.size() << " items, " << c.n_rows << " rows"
     << (c.smoothed ? " (smoothed: the matrix was not positive definite)" : "") << "\n";
  std::size_t w = 6;
  for (const auto& s : c.items) w = std::max(w, s.size() + 1);
  char buf[64];
  os << std::string(w, ' ');
  for (const auto& s : c.items) os << std::string(w - s.size(), ' ') << s;
  os << "\n";
  for (Eigen::Index i = 0; i < c.matrix.rows(); ++i) {
    const auto& name = c.items[static_cast<std::size_t>(i)];
    os << name << std::string(w - name.size(), ' ');
    for (Eigen::Index j = 0; j < c.matrix.cols(); ++j) {
      const std::string v = format_fixed(c.matrix(i, j), 3);
      std::snprintf(buf, sizeof buf, "%*s", static_cast<int>(w), v.c_str());
      os << buf;
    }
    os << "\n";
  }
  for (const auto& wn : c.warnings) os << "warning: " << wn << "\n";
  return os.str();
}

}  // namespace

void add_correlate_command(CLI::App& app) {
  auto o = std::make_shared<correlate_cli_options>();
  auto* cmd = app.add_subcommand("correlate", "item correlation matrix: pairwise Pearson or polychoric");
  add_input_options(*cmd, o->in, {"json", "csv", "table"}, false);
  cmd->add_option("--method", o->method, "pearson (pairwise complete, as R cor(use = \"pairwise\")) or polychoric (as psych)")
      ->check(CLI::IsMember({"pearson", "polychoric"}))
      ->default_val("pearson");
  cmd->add_option("--threads", o->threads, "worker threads for polychoric (0 = all cores; the result does not depend on it)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([o] {
    const correlation_output c = compute(*o);
    std::string text;
    if (o->in.format == "json")
      text = to_json(c, o->method);
    else if (o->in.format == "csv")
      text = to_csv(c);
    else
      text = to_table(c, o->method);
    write_output_file(o->in.output, text, protect_inputs(o->in));
  });
}

}  // namespace attune::cli
