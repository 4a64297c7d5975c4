// Ward's hierarchical clustering (R's hclust "ward.D" / "ward.D2" on dist()), cutree, and the
// adjusted Rand index. Sources: Ward (1963); Lance & Williams (1967); Murtagh (1983, 1985) for the
// nearest-neighbour-list agglomeration that R's hclust uses; Murtagh & Legendre (2014) for the two
// Ward variants; Hubert & Arabie (1985) for the ARI. R 4.2.2's ?dist, ?hclust and ?cutree for the
// conventions (missing values, merge matrix, order, cluster numbering).
#include "attune/analyses/cluster.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "attune/core/error.hpp"
#include "detail/disjoint_sets.hpp"
#include "detail/finite_value.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;

// Case-insensitive equality of ASCII names.
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Position of the pair (i, j), i < j (0-based), in the condensed upper triangle stored row by row
// (R's IOFFST, 0-based): the distances of row i to rows i+1..n-1 are contiguous.
inline std::size_t pair_index(std::size_t n, std::size_t i, std::size_t j) {
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}

// The first pair (in row order) without a common coordinate, if any, found in one row block.
struct missing_pair {
  std::size_t i = 0, j = 0;
};

}  // namespace

std::string_view to_string(ward_method m) noexcept {
  return m == ward_method::ward_d ? "ward.D" : "ward.D2";
}

std::optional<ward_method> parse_ward_method(std::string_view s) noexcept {
  if (same_name(s, "ward.D") || same_name(s, "ward_d")) return ward_method::ward_d;
  if (same_name(s, "ward.D2") || same_name(s, "ward_d2")) return ward_method::ward_d2;
  return std::nullopt;
}

void ward_options::validate() const {
  if (max_n < 2) {
    error_details d;
    d.option = "ward_options.max_n";
    d.value = std::to_string(max_n);
    d.rule = "min_rows";
    throw error(errc::invalid_argument, "ward_options.max_n = " + *d.value + ": must be >= 2", d);
  }
}

hierarchical_tree ward_cluster(const Eigen::Ref<const Eigen::MatrixXd>& data, const ward_options& options) {
  options.validate();
  hierarchical_tree tree;
  tree.method = options.method;
  tree.n_rows = static_cast<std::size_t>(data.rows());
  const auto p = static_cast<std::size_t>(data.cols());
  if (p == 0) {
    throw error(errc::insufficient_data, "ward_cluster: the data have no columns");
  }
  // Rows with a value; infinite values are bad input (R's dist would give Inf and NaN distances).
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    bool any = false, all = true;
    for (Eigen::Index c = 0; c < data.cols(); ++c) {
      const double v = data(i, c);
      if (std::isinf(v)) detail::throw_infinite_value("ward_cluster", static_cast<std::size_t>(i), static_cast<std::size_t>(c), v);
      if (std::isnan(v)) {
        all = false;
      } else {
        any = true;
      }
    }
    if (any) {
      tree.rows.push_back(static_cast<std::size_t>(i));
      if (!all) ++tree.n_partial;
    } else {
      ++tree.n_missing;
    }
  }
  const std::size_t n = tree.rows.size();
  tree.n = n;
  if (n < 2) {
    throw error(errc::insufficient_data, "ward_cluster: " + std::to_string(n) +
                                             " row(s) with a value; clustering needs at least 2");
  }
  if (n > options.max_n) {
    const double gb = static_cast<double>(n) * static_cast<double>(n - 1) / 2.0 * 8.0 / 1e9;
    error_details d;
    d.option = "ward_options.max_n";
    d.value = std::to_string(n);
    d.rule = "max_rows";
    throw error(errc::invalid_argument,
                "ward_cluster: " + std::to_string(n) + " rows need " + number_text(gb, 3) +
                    " GB for the n(n-1)/2 distances; ward_options.max_n = " + std::to_string(options.max_n) +
                    " (cluster a random subset of rows, raise max_n if the memory is there, or use "
                    "fit_profiles, whose memory grows with n only)", d);
  }
  if (tree.n_missing > 0) {
    tree.warnings.push_back(std::to_string(tree.n_missing) + " row(s) with every value missing left out");
  }
  if (tree.n_partial > 0) {
    tree.warnings.push_back(std::to_string(tree.n_partial) +
                            " row(s) with some values missing: their distances use the columns both rows "
                            "have, scaled by p / present (as R's dist)");
  }

  // Row-major copy of the rows clustered, so that a pair's coordinates are contiguous.
  std::vector<double> x(n * p);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < p; ++c) {
      x[r * p + c] = data(static_cast<Eigen::Index>(tree.rows[r]), static_cast<Eigen::Index>(c));
    }
  }

  // Distances as R's dist (euclidean): the sum of squares over the coordinates both rows have,
  // divided by (present / p) when some are missing, then the square root. Row blocks run in
  // parallel; each row writes only its own segment.
  const std::size_t len = n * (n - 1) / 2;
  std::vector<double> diss(len);
  const bool squared = options.method == ward_method::ward_d2;
  const std::vector<std::size_t> bounds = detail::block_bounds(n - 1, 16);
  std::vector<std::optional<missing_pair>> missing(bounds.size() - 1);
  detail::parallel_for(bounds.size() - 1, options.threads, [&](std::size_t b) {
    for (std::size_t i = bounds[b]; i < bounds[b + 1]; ++i) {
      const double* xi = &x[i * p];
      for (std::size_t j = i + 1; j < n; ++j) {
        const double* xj = &x[j * p];
        double sum = 0.0;
        std::size_t count = 0;
        for (std::size_t c = 0; c < p; ++c) {
          const double dev = xi[c] - xj[c];
          if (!std::isnan(dev)) {
            sum += dev * dev;
            ++count;
          }
        }
        if (count == 0) {
          if (!missing[b]) missing[b] = missing_pair{i, j};
          diss[pair_index(n, i, j)] = 0.0;
          continue;
        }
        if (count != p) sum /= static_cast<double>(count) / static_cast<double>(p);
        double dij = std::sqrt(sum);
        // ward.D2 squares the distances it is given (R's hclust.f), not the sum of squares.
        if (squared) dij *= dij;
        diss[pair_index(n, i, j)] = dij;
      }
    }
  });
  for (const auto& m : missing) {
    if (!m) continue;
    const std::size_t ri = tree.rows[m->i] + 1, rj = tree.rows[m->j] + 1;
    error_details d;
    d.row = ri;
    d.rule = "no_common_coordinates";
    throw error(errc::bad_input, "ward_cluster: rows " + std::to_string(ri) + " and " + std::to_string(rj) +
                                     " have no column where both have a value, so their distance is "
                                     "undefined (R's hclust fails on such data too)", d);
  }

  // Agglomeration with the list of nearest neighbours to the right (Murtagh 1985), in R's order:
  // NN(i) is the first j > i with the smallest dissimilarity; the merge is the first i with the
  // smallest DISNN(i). Lance-Williams update for Ward's criterion.
  constexpr double inf = 1e300;
  std::vector<char> active(n, 1);
  std::vector<double> size(n, 1.0);
  std::vector<std::size_t> nn(n, 0);
  std::vector<double> disnn(n, inf);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    double dmin = inf;
    std::size_t jm = 0;
    const double* row = &diss[pair_index(n, i, i + 1)];
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dmin > row[j - i - 1]) {
        dmin = row[j - i - 1];
        jm = j;
      }
    }
    nn[i] = jm;
    disnn[i] = dmin;
  }
  std::vector<std::size_t> ia(n - 1), ib(n - 1);
  tree.height.resize(n - 1);
  for (std::size_t step = 0; step + 1 < n; ++step) {
    double dmin = inf;
    std::size_t im = 0, jm = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (active[i] && disnn[i] < dmin) {
        dmin = disnn[i];
        im = i;
        jm = nn[i];
      }
    }
    const std::size_t i2 = std::min(im, jm), j2 = std::max(im, jm);
    ia[step] = i2;
    ib[step] = j2;
    tree.height[step] = squared ? std::sqrt(dmin) : dmin;
    active[j2] = 0;
    const double d12 = diss[pair_index(n, i2, j2)];
    dmin = inf;
    std::size_t jj = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (!active[k] || k == i2) continue;
      const std::size_t ind1 = i2 < k ? pair_index(n, i2, k) : pair_index(n, k, i2);
      const std::size_t ind2 = j2 < k ? pair_index(n, j2, k) : pair_index(n, k, j2);
      double v = (size[i2] + size[k]) * diss[ind1] + (size[j2] + size[k]) * diss[ind2] - size[k] * d12;
      v = v / (size[i2] + size[j2] + size[k]);
      diss[ind1] = v;
      if (i2 < k) {
        if (v < dmin) {
          dmin = v;
          jj = k;
        }
      } else if (v < disnn[k]) {
        // k < i2: the new cluster may now be k's nearest neighbour to the right.
        disnn[k] = v;
        nn[k] = i2;
      }
    }
    size[i2] += size[j2];
    disnn[i2] = dmin;
    nn[i2] = jj;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (!active[i] || (nn[i] != i2 && nn[i] != j2)) continue;
      double best = inf;
      std::size_t bj = 0;
      for (std::size_t j = i + 1; j < n; ++j) {
        if (!active[j]) continue;
        const double v = diss[pair_index(n, i, j)];
        if (v < best) {
          best = v;
          bj = j;
        }
      }
      nn[i] = bj;
      disnn[i] = best;
    }
  }
  diss.clear();
  diss.shrink_to_fit();

  // R's merge matrix: a cluster is known by the smallest observation in it; an entry is -(obs)
  // for a singleton and the step that last formed the cluster otherwise; a singleton comes before
  // a cluster, two clusters in increasing order.
  tree.merge.resize(static_cast<Eigen::Index>(n - 1), 2);
  std::vector<long long> formed(n, 0);  // step (1-based) that last formed the cluster led by obs
  for (std::size_t s = 0; s + 1 < n; ++s) {
    long long a = formed[ia[s]] > 0 ? formed[ia[s]] : -static_cast<long long>(ia[s] + 1);
    long long b = formed[ib[s]] > 0 ? formed[ib[s]] : -static_cast<long long>(ib[s] + 1);
    if (a > 0 && b < 0) std::swap(a, b);
    if (a > 0 && b > 0 && a > b) std::swap(a, b);
    tree.merge(static_cast<Eigen::Index>(s), 0) = static_cast<int>(a);
    tree.merge(static_cast<Eigen::Index>(s), 1) = static_cast<int>(b);
    formed[ia[s]] = static_cast<long long>(s) + 1;
  }
  // R's order: the leaves of the tree from the last merge down, left entry before right.
  tree.order.reserve(n);
  std::vector<int> stack{static_cast<int>(n - 1)};
  while (!stack.empty()) {
    const int e = stack.back();
    stack.pop_back();
    if (e < 0) {
      tree.order.push_back(-e);
      continue;
    }
    stack.push_back(tree.merge(e - 1, 1));
    stack.push_back(tree.merge(e - 1, 0));
  }
  return tree;
}

std::vector<int> cut_tree(const hierarchical_tree& tree, std::size_t k) {
  const std::size_t n = tree.n;
  if (k < 1 || k > n) {
    error_details d;
    d.value = std::to_string(k);
    d.rule = "k_range";
    throw error(errc::invalid_argument, "cut_tree: k = " + std::to_string(k) + " must be in 1.." +
                                            std::to_string(n) + " (the observations clustered)", d);
  }
  if (static_cast<std::size_t>(tree.merge.rows()) + 1 != n) {
    throw error(errc::invalid_argument, "cut_tree: the tree's merge matrix has " +
                                            std::to_string(tree.merge.rows()) + " rows for " +
                                            std::to_string(n) + " observations (expected n - 1)");
  }
  // Union of the first n - k merges; a step's cluster is represented by an observation in it.
  detail::disjoint_sets sets(n);
  std::vector<std::size_t> step_member(n, 0);
  auto member = [&](int e) -> std::size_t {
    return e < 0 ? static_cast<std::size_t>(-e - 1) : step_member[static_cast<std::size_t>(e - 1)];
  };
  for (std::size_t s = 0; s < n - k; ++s) {
    step_member[s] = sets.unite(member(tree.merge(static_cast<Eigen::Index>(s), 0)),
                                member(tree.merge(static_cast<Eigen::Index>(s), 1)));
  }
  // Clusters numbered by the first observation in each (R's cutree).
  return sets.labels();
}

std::vector<std::optional<int>> cut_tree_rows(const hierarchical_tree& tree, std::size_t k) {
  const std::vector<int> cut = cut_tree(tree, k);
  std::vector<std::optional<int>> out(tree.n_rows);
  for (std::size_t i = 0; i < cut.size(); ++i) out[tree.rows[i]] = cut[i];
  return out;
}

double adjusted_rand_index(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) {
    throw error(errc::invalid_argument, "adjusted_rand_index: the classifications have " +
                                            std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                                            " labels; they must classify the same objects");
  }
  const std::size_t n = a.size();
  if (n < 2) {
    throw error(errc::insufficient_data, "adjusted_rand_index: " + std::to_string(n) +
                                             " object(s); the index needs at least 2");
  }
  auto choose2 = [](double m) { return m * (m - 1.0) / 2.0; };
  std::map<std::pair<int, int>, double> cell;
  std::map<int, double> rows, cols;
  for (std::size_t i = 0; i < n; ++i) {
    cell[{a[i], b[i]}] += 1.0;
    rows[a[i]] += 1.0;
    cols[b[i]] += 1.0;
  }
  double index = 0.0, sa = 0.0, sb = 0.0;
  for (const auto& [key, m] : cell) index += choose2(m);
  for (const auto& [key, m] : rows) sa += choose2(m);
  for (const auto& [key, m] : cols) sb += choose2(m);
  const double expected = sa * sb / choose2(static_cast<double>(n));
  const double maximum = (sa + sb) / 2.0;
  // Zero denominator: sa = sb = 0 (both all singletons) or sa = sb = C(n, 2) (both one class):
  // the partitions are then identical.
  if (maximum - expected == 0.0) return 1.0;
  return (index - expected) / (maximum - expected);
}

ATTUNE_END_NAMESPACE
