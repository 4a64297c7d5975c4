#include "attune/analyses/correlation.hpp"

#include <cmath>

#include "attune/analyses/moments.hpp"
#include "attune/analyses/exact_moments.hpp"
#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/leading_moments.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
constexpr detail::enum_table<correlation_kind, 2> kind_names{
    {{correlation_kind::pearson, "pearson"}, {correlation_kind::polychoric, "polychoric"}}};
}

std::string_view to_string(correlation_kind k) noexcept { return detail::enum_name(kind_names, k); }
std::optional<correlation_kind> parse_correlation_kind(std::string_view s) noexcept { return detail::enum_parse(kind_names, s); }

void correlation_options::validate() const { polychoric.validate(); }

namespace {

void check_items(Eigen::Index k) {
  if (k < 2) {
    throw error(errc::insufficient_data,
                "correlations need at least 2 item columns; " + std::to_string(k) + " given", {.rule = "too_few_items"});
  }
}

// The correlation result of polychoric correlations of `n_rows` rows.
correlation_result polychoric_correlation(polychoric_result p, std::size_t n_rows) {
  correlation_result out;
  out.method = correlation_kind::polychoric;
  out.n = n_rows;
  out.matrix = std::move(p.rho);
  out.pair_counts = std::move(p.pair_counts);
  out.standard_errors = std::move(p.standard_errors);
  out.smoothed = p.smoothed;
  out.global_thresholds = p.global_thresholds;
  out.warnings = std::move(p.warnings);
  return out;
}

}  // namespace

correlation_result correlate(const pairwise_moments& pm, std::size_t n_rows) {
  const Eigen::Index k = pm.n_items();
  check_items(k);
  correlation_result out;
  out.method = correlation_kind::pearson;
  out.n = n_rows;
  out.matrix = pm.correlation();
  out.pair_counts = pm.counts();
  for (Eigen::Index i = 0; i < k; ++i) {
    if (std::isnan(out.matrix(i, i))) {
      out.warnings.push_back("item " + std::to_string(i + 1) + " has zero variance; its correlations are undefined");
    }
  }
  return out;
}

correlation_result correlate(const Eigen::MatrixXd& data, const correlation_options& options) {
  options.validate();
  const Eigen::Index k = data.cols();
  check_items(k);
  correlation_result out;
  out.method = options.method;
  out.n = static_cast<std::size_t>(data.rows());
  if (options.method == correlation_kind::pearson) {
    // Exact integer sums where every answer is an integer (exact_moments.hpp): the correlations then
    // equal, bit for bit, those of the same rows streamed in chunks or merged from shards' states.
    exact_moments exact(k);
    if (exact.add(data)) {
      return correlate(detail::leading_moments(exact.to_moments(), k), static_cast<std::size_t>(data.rows()));
    }
    pairwise_moments pm(k);
    pm.add(data);
    return correlate(pm, static_cast<std::size_t>(data.rows()));
  }
  return polychoric_correlation(polychoric(data, options.polychoric), out.n);
}

correlation_result correlate(const polychoric_tables& tables, const correlation_options& options) {
  options.validate();
  check_items(tables.n_items());
  return polychoric_correlation(polychoric(tables, options.polychoric), static_cast<std::size_t>(tables.n_rows()));
}

ATTUNE_END_NAMESPACE
