// Helpers shared by `attune classify` and `attune change`: reading a whole input (so that a
// non-item column such as the RQ forced choice can be read too), the items behind a score, the
// sample reliability of a score, NAME=VALUE options and aligned tables. No statistics beyond
// calling the library.
#pragma once

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "attune/analyses/classify.hpp"
#include "attune/io/csv.hpp"
#include "attune/core/error.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/data/responses.hpp"
#include "attune/analyses/scoring.hpp"
#include "cli/common.hpp"

namespace attune::cli::support {

/// The whole text of a file, or of standard input for "-".
inline std::string read_all(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": cannot open the file for reading");
  ss << in.rdbuf();
  return ss.str();
}

inline std::string source_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

/// The values of one (non-item) column, one per data row, in file order.
inline std::vector<std::string> column_values(const std::string& text, const std::string& source,
                                              const read_options& reading, const std::string& column) {
  std::istringstream in(text);
  csv_reader csv(in, source, reading.csv);
  const auto pos = select_columns(csv.header(), {column});
  if (pos.size() != 1) {
    throw error(errc::invalid_argument, source + ": '" + column + "' must name exactly one column");
  }
  std::vector<std::string> out;
  std::vector<std::string_view> fields;
  while (csv.next(fields)) out.emplace_back(fields[pos[0]]);
  return out;
}

/// The subscales behind a score: the subscale itself, or the parts of a composite (recursively).
inline void collect_subscales(const instrument& inst, const std::string& name,
                              std::vector<const subscale*>& out) {
  if (const subscale* s = inst.find_subscale(name)) {
    for (const auto* have : out) {
      if (have == s) return;
    }
    out.push_back(s);
    return;
  }
  for (const auto& c : inst.composites) {
    if (c.name == name) {
      for (const auto& p : c.parts) collect_subscales(inst, p, out);
      return;
    }
  }
  throw error(errc::invalid_argument, "instrument '" + inst.id + "' has no score '" + name + "'");
}

/// The column of a score in a score table, or an error naming the instrument.
inline Eigen::Index score_column(const score_table& t, const instrument& inst, const std::string& name) {
  for (std::size_t j = 0; j < t.names.size(); ++j) {
    if (t.names[j] == name) return static_cast<Eigen::Index>(j);
  }
  throw error(errc::invalid_argument, "instrument '" + inst.id + "' has no score '" + name + "'");
}

/// Cronbach's alpha of the keyed items behind a score in this sample (for a composite: of all
/// the items of its parts), or NaN with a warning when it cannot be computed.
inline double sample_alpha(const instrument& inst, const std::string& score_name, const responses& data,
                           const scoring_options& scoring, std::vector<std::string>& warnings) {
  std::vector<const subscale*> parts;
  collect_subscales(inst, score_name, parts);
  std::vector<Eigen::MatrixXd> blocks;
  Eigen::Index k = 0;
  for (const auto* s : parts) {
    blocks.push_back(keyed_items(inst, *s, data.values, scoring));
    k += blocks.back().cols();
  }
  if (k < 2) {
    warnings.push_back("reliability of '" + score_name + "' cannot be estimated from " +
                       std::to_string(k) + " item(s); give it with --reliability");
    return std::numeric_limits<double>::quiet_NaN();
  }
  Eigen::MatrixXd items(data.values.rows(), k);
  Eigen::Index at = 0;
  for (const auto& b : blocks) {
    items.middleCols(at, b.cols()) = b;
    at += b.cols();
  }
  try {
    reliability_options o;
    o.intervals.clear();
    o.split_half = false;
    return analyze_reliability(items, o).alpha;
  } catch (const error& e) {
    warnings.push_back("reliability of '" + score_name + "' in this sample: " + e.what() +
                       "; give it with --reliability");
    return std::numeric_limits<double>::quiet_NaN();
  }
}

/// "anxiety=0.9" entries (a lone number applies to every name: key "*").
inline std::map<std::string, double> parse_name_values(const std::vector<std::string>& entries,
                                                       const std::string& option) {
  std::map<std::string, double> out;
  for (const auto& e : entries) {
    const auto eq = e.find('=');
    const std::string name = eq == std::string::npos ? "*" : e.substr(0, eq);
    const std::string value = eq == std::string::npos ? e : e.substr(eq + 1);
    double v = 0.0;
    if (name.empty() || !parse_cell(value, {}, v) || !std::isfinite(v)) {
      throw error(errc::invalid_argument,
                  option + " '" + e + "': expected NAME=NUMBER (e.g. anxiety=0.91) or a number");
    }
    out[name] = v;
  }
  return out;
}

/// The value given for `name` (or for every name), if any.
inline std::optional<double> lookup(const std::map<std::string, double>& m, const std::string& name) {
  if (auto it = m.find(name); it != m.end()) return it->second;
  if (auto it = m.find("*"); it != m.end()) return it->second;
  return std::nullopt;
}

/// Right-aligned columns separated by two spaces.
inline std::string aligned_table(const std::vector<std::string>& header,
                                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t j = 0; j < header.size(); ++j) width[j] = header[j].size();
  for (const auto& r : rows) {
    for (std::size_t j = 0; j < r.size() && j < width.size(); ++j) width[j] = std::max(width[j], r[j].size());
  }
  std::ostringstream os;
  auto print_row = [&](const std::vector<std::string>& r) {
    for (std::size_t j = 0; j < r.size() && j < width.size(); ++j) {
      os << (j == 0 ? "" : "  ") << std::string(width[j] - r[j].size(), ' ') << r[j];
    }
    os << "\n";
  };
  print_row(header);
  for (const auto& r : rows) print_row(r);
  return os.str();
}

/// CSV line from fields (already formatted).
inline std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t j = 0; j < fields.size(); ++j) {
    if (j > 0) line += ',';
    line += csv_field(fields[j]);
  }
  return line + "\n";
}

}  // namespace attune::cli::support
