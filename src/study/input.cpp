#include "attune/study/input.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE

responses read_study_data(const std::string& path, const instrument* inst, const input_options& options) {
  options.scoring.validate();
  if (inst == nullptr && options.read.items.empty()) {
    throw error(errc::invalid_argument,
                "without an instrument, read_options.items must name the columns that hold the items",
                {.option = "read_options.items", .rule = "items_required"});
  }
  return read_responses_file(path, inst != nullptr ? inst->item_ids() : std::vector<std::string>{},
                             reading_options(options));
}

read_options reading_options(const input_options& options) {
  read_options r = options.read;
  r.extra_columns.insert(r.extra_columns.end(), options.keep.begin(), options.keep.end());
  return r;
}

kept_columns take_kept_columns(const responses& data, const input_options& options) {
  kept_columns k;
  if (options.keep.empty()) return k;
  if (data.extra.size() < options.keep.size()) {
    throw error(errc::invalid_argument,
                "input_options.keep names " + std::to_string(options.keep.size()) + " column(s), but the data carry " +
                    std::to_string(data.extra.size()) + " extra column(s): read them with reading_options(input)",
                {.option = "input_options.keep", .rule = "kept_columns_not_read"});
  }
  k.names = options.keep;
  k.values.assign(data.extra.end() - static_cast<std::ptrdiff_t>(options.keep.size()), data.extra.end());
  return k;
}

std::string id_column_name(const responses& data, const input_options& options) {
  if (data.row_ids.empty()) return {};
  if (data.row_ids.size() != static_cast<std::size_t>(data.n_rows())) {
    throw error(errc::invalid_argument,
                "responses.row_ids has " + std::to_string(data.row_ids.size()) + " ids for " +
                    std::to_string(data.n_rows()) + " rows",
                {.rule = "row_ids_length"});
  }
  return options.read.id_column.empty() ? "id" : options.read.id_column;
}

instrument columns_as_scale(const responses& data, const input_options& options, const std::vector<std::string>& reversed) {
  instrument inst;
  inst.id = "custom";
  inst.name = "the data's item columns as one scale";
  if (options.scoring.range) {
    inst.range = *options.scoring.range;
  } else {
    if (!reversed.empty()) {
      throw error(errc::invalid_argument,
                  "reverse keys need the response range (reversed answers are min + max - x): set scoring_options.range",
                  {.option = "scoring_options.range", .rule = "range_required"});
    }
    // No declared range: the answers' own span, so that no answer can be out of range.
    const auto& v = data.values;
    double lo = INFINITY, hi = -INFINITY;
    for (Eigen::Index i = 0; i < v.size(); ++i) {
      const double x = v.data()[i];
      if (std::isnan(x)) continue;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    if (!(lo < hi)) {  // no answer, or all equal: any range that holds them
      lo = std::isfinite(lo) ? lo : 0.0;
      hi = lo + 1.0;
    }
    inst.range = {lo, hi};
  }
  std::set<std::string> left(reversed.begin(), reversed.end());
  subscale s;
  s.name = "scale";
  s.label = "scale";
  for (std::size_t j = 0; j < data.item_ids.size(); ++j) {
    item it;
    it.id = data.item_ids[j];
    it.reversed = left.erase(it.id) > 0;
    inst.items.push_back(it);
    s.items.push_back(it.id);
  }
  if (!left.empty()) {
    throw error(errc::invalid_argument, "reversed item '" + *left.begin() + "' is not one of the item columns",
                {.item = *left.begin(), .option = "reversed", .rule = "unknown_item"});
  }
  inst.subscales.push_back(std::move(s));
  return inst;
}

ATTUNE_END_NAMESPACE
