// The report of a correlation study: the JSON document, the matrix as CSV, and the matrix as R
// prints `round(r, 2)`.
#include <algorithm>
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "detail/csv_writer.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"

ATTUNE_BEGIN_NAMESPACE

ATTUNE_JSON_ENUM(correlation_kind)
ATTUNE_JSON_FIELDS(correlation_result, method, matrix, pair_counts, standard_errors, smoothed, global_thresholds, n, warnings)

std::string to_json(const correlate_study& s) {
  detail::json body = detail::json::object();
  body["instrument"] = s.instrument;
  body["items"] = s.items;
  body["n_rows"] = s.n_rows;
  body["n_out_of_range"] = s.n_out_of_range;
  body["correlation"] = s.correlation;
  body["warnings"] = s.warnings;
  return detail::document_text("correlate", body);
}

std::string to_csv(const correlate_study& s) {
  std::string out = "item";
  for (const auto& name : s.items) out += "," + detail::csv_field(name);
  out += "\n";
  const auto& m = s.correlation.matrix;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    out += detail::csv_field(s.items[static_cast<std::size_t>(i)]);
    for (Eigen::Index j = 0; j < m.cols(); ++j) out += "," + (std::isnan(m(i, j)) ? std::string() : detail::number_text(m(i, j)));
    out += "\n";
  }
  return out;
}

std::string correlation_matrix_text(const std::vector<std::string>& names, const Eigen::MatrixXd& m, int decimals) {
  // As R's print(round(r, 2)): row names left-aligned, each column right-aligned to the wider of
  // its name and its values, one space apart, in blocks of columns that fit the width (R's
  // `width` option, here `table_width`); NA for an undefined entry.
  std::vector<std::string> header{std::string()};
  header.insert(header.end(), names.begin(), names.end());
  std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(m.rows()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    auto& r = rows[static_cast<std::size_t>(i)];
    r.push_back(names[static_cast<std::size_t>(i)]);
    for (Eigen::Index j = 0; j < m.cols(); ++j) r.push_back(detail::fixed_text(m(i, j), decimals));
  }
  return detail::block_table(header, rows, 1, true, " ", detail::table_width());
}

std::string to_table(const correlate_study& s) {
  std::ostringstream os;
  const auto& c = s.correlation;
  os << to_string(c.method) << " correlations, " << s.items.size() << " items, " << s.n_rows << " rows"
     << (c.smoothed ? " (smoothed: the matrix was not positive definite)" : "") << "\n";
  os << correlation_matrix_text(s.items, c.matrix, 2);
  std::vector<warning> warnings(c.warnings.begin(), c.warnings.end());
  warnings.insert(warnings.end(), s.warnings.begin(), s.warnings.end());
  for (const auto& w : warnings) os << "warning: " << w << "\n";
  return os.str();
}

ATTUNE_END_NAMESPACE
