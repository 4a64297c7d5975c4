#include "attune/study/quality.hpp"

#include <cmath>
#include <fstream>
#include <ostream>

#include "attune/core/error.hpp"
#include "attune/io/csv.hpp"
#include "detail/csv_writer.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

quality_options effective(const quality_study_options& o) {
  quality_options q = o.quality;
  q.min_answered = o.input.scoring.min_answered;
  return q;
}

// The flag rule of each index in words, from the options and what the data allowed.
std::vector<quality_rule> rules_of(const quality_report& r, const quality_options& q, std::size_t n_subscales) {
  auto num = [](double x) { return std::isnan(x) ? std::string("off") : detail::number_text(x); };
  const bool evenodd_on = static_cast<int>(n_subscales) >= q.evenodd_min_subscales;
  return {
      {quality_index::longstring, r.longstring_cutoff > 0 ? "longest run >= " + std::to_string(r.longstring_cutoff) : "off"},
      {quality_index::irv, "SD (all items, or a block with >= 3 answers) <= " + num(q.irv_min) +
                               (std::isnan(q.irv_max) ? std::string() : "; SD > " + num(q.irv_max))},
      {quality_index::mahalanobis, std::isnan(q.mahalanobis_confidence)
                                       ? std::string("off")
                                       : "D2 > qchisq(" + num(q.mahalanobis_confidence) + ", df = items answered)" +
                                             (q.mahalanobis_missing == mahalanobis_method::psych ? " (psych D2)" : "")},
      {quality_index::evenodd, evenodd_on ? "evenodd > " + num(q.evenodd_max) + " with >= " +
                                                std::to_string(q.evenodd_min_subscales) + " subscales"
                                          : "off (" + std::to_string(n_subscales) + " subscales; needs " +
                                                std::to_string(q.evenodd_min_subscales) + ")"},
      {quality_index::psychsyn, "r < " + num(q.psychsyn_min) + " over pairs with r > " + num(q.psychsyn_critical)},
      {quality_index::psychant, "r > " + num(q.psychant_max) + " over pairs with r < " + num(q.psychant_critical)},
      {quality_index::reversal, "reversal >= " + num(q.reversal_max)},
  };
}

}  // namespace

void quality_study_options::validate() const {
  input.scoring.validate();
  effective(*this).validate();
}

quality_study study_quality(const instrument& inst, const responses& data, const quality_study_options& options) {
  options.validate();
  const quality_options q = effective(options);
  quality_study s;
  s.instrument = inst.id;
  s.items = data.item_ids;
  for (const auto& sub : inst.subscales) s.subscales.push_back(sub.name);
  s.id_column = id_column_name(data, options.input);
  s.n_rows = static_cast<std::size_t>(data.n_rows());
  s.ids = data.row_ids;
  s.rows.resize(s.n_rows);
  for (std::size_t i = 0; i < s.n_rows; ++i) s.rows[i] = data.first_row + i;
  const quality_design design = make_quality_design(inst, options.input.scoring.range);
  s.options = q;
  s.report = assess_quality(data.values, design, q, data.row_ids);
  check_answers(inst, data, options.input, s.report.warnings);
  s.rules = rules_of(s.report, q, inst.subscales.size());
  return s;
}

quality_study study_quality(const instrument& inst, const std::string& path, const quality_study_options& options) {
  options.validate();
  return study_quality(inst, read_study_data(path, &inst, options.input), options);
}

std::vector<bool> unflagged(const quality_study& study) {
  std::vector<bool> keep(study.report.flags.size());
  for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = study.report.flags[i] == 0U;
  return keep;
}

void write_clean_data(const std::string& path, const read_options& options, const std::vector<bool>& keep,
                      std::ostream& out) {
  if (path == "-") {
    throw error(errc::invalid_argument,
                "a clean copy needs the data in a file: standard input cannot be read twice",
                {.value = "-", .rule = "stdin_twice"});
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw error(errc::io_error, path + ": cannot open the file for reading", {.source = path, .rule = "cannot_open"});
  }
  csv_reader reader(file, path, options.csv);
  const char delim = reader.delimiter();
  std::string line;
  auto write_record = [&](const auto& fields) {
    line.clear();
    for (std::size_t j = 0; j < fields.size(); ++j) {
      if (j > 0) line += delim;
      line += detail::csv_field(fields[j]);
    }
    line += '\n';
    out << line;
  };
  write_record(reader.header());
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (reader.next(fields)) {
    if (i >= keep.size()) {
      throw error(errc::io_error, path + ": the file changed while it was read (more rows)",
                  {.source = path, .rule = "file_changed"});
    }
    if (keep[i]) write_record(fields);
    ++i;
  }
  if (i != keep.size()) {
    throw error(errc::io_error, path + ": the file changed while it was read (fewer rows)",
                {.source = path, .rule = "file_changed"});
  }
}

ATTUNE_END_NAMESPACE
