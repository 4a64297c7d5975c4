#include "attune/study/quality.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <ostream>

#include "attune/analyses/irt.hpp"
#include "attune/core/error.hpp"
#include "attune/io/csv.hpp"
#include "detail/csv_writer.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/quote.hpp"

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

// Person fit lz of every respondent on the bank's items (Drasgow, Levine & Williams 1985), each
// scale at its EAP (score_graded's defaults: 121 nodes on [-6, 6], N(0, 1) prior), combined over
// scales as the multi-test lz_m (Drasgow, Levine & McLaughlin 1991): sum (l0 - E) / sqrt(sum V).
quality_person_fit person_fit_of(const instrument& inst, const responses& data, const item_bank& bank, double lz_min) {
  bank.validate();
  quality_person_fit pf;
  pf.bank_fingerprint = item_bank_fingerprint(bank);
  pf.scales = bank.scales();
  pf.lz_min = lz_min;
  const Eigen::Index n = data.n_rows();
  const auto n_scales = static_cast<Eigen::Index>(pf.scales.size());
  pf.lz_scales = Eigen::MatrixXd::Constant(n, n_scales, NAN);
  Eigen::VectorXd num = Eigen::VectorXd::Zero(n), var = Eigen::VectorXd::Zero(n);
  Eigen::VectorXi parts = Eigen::VectorXi::Zero(n);
  for (Eigen::Index s = 0; s < n_scales; ++s) {
    const std::string& name = pf.scales[static_cast<std::size_t>(s)];
    const std::vector<bank_item> items = bank.scale_items(name);
    Eigen::MatrixXd x(n, static_cast<Eigen::Index>(items.size()));
    for (std::size_t k = 0; k < items.size(); ++k) {
      const std::ptrdiff_t j = inst.item_index(items[k].id);
      if (j < 0) {
        throw error(errc::invalid_argument,
                    "item bank item " + detail::quoted(items[k].id) + " is not an item of instrument " +
                        detail::quoted(inst.id) + " (a bank for person fit holds items of the instrument screened)",
                    {.item = items[k].id, .option = "quality_study_options.bank", .rule = "bank_item_not_in_instrument"});
      }
      const auto col = static_cast<Eigen::Index>(k);
      x.col(col) = data.values.col(static_cast<Eigen::Index>(j));
      for (Eigen::Index i = 0; i < n; ++i) {
        const double v = x(i, col);
        if (!std::isnan(v) && !items[k].category_of(v)) {
          x(i, col) = NAN;
          ++pf.n_set_missing;
        }
      }
    }
    const grm_scores eap = score_graded(items, x);
    const person_fit_result fit = person_fit_lz(items, x, eap.theta);
    pf.lz_scales.col(s) = fit.lz;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (std::isnan(fit.lz(i))) continue;
      num(i) += fit.l0(i) - fit.expected(i);
      var(i) += fit.variance(i);
      ++parts(i);
    }
    for (const auto& w : fit.warnings) pf.warnings.push_back("lz (" + name + "): " + w);
  }
  pf.lz = Eigen::VectorXd::Constant(n, NAN);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (parts(i) == 0) continue;
    pf.lz(i) = num(i) / std::sqrt(var(i));
    ++pf.n;
    if (pf.lz(i) < lz_min) ++pf.n_flagged;
  }
  if (pf.n_set_missing > 0) {
    pf.warnings.push_back(std::to_string(pf.n_set_missing) +
                          " answer(s) that are not categories of their bank item were left out of lz");
  }
  return pf;
}

// Adds the lz flag to the report's flags and counts (lz is the last index of all_quality_indices).
void add_lz_flags(quality_report& r, const quality_person_fit& pf) {
  const auto bit = static_cast<std::uint32_t>(quality_index::lz);
  const auto& all = all_quality_indices();
  const auto q = static_cast<std::size_t>(std::find(all.begin(), all.end(), quality_index::lz) - all.begin());
  if (r.flagged_by.size() <= q) r.flagged_by.resize(q + 1, 0);
  for (std::size_t i = 0; i < r.flags.size(); ++i) {
    if (!(pf.lz(static_cast<Eigen::Index>(i)) < pf.lz_min)) continue;
    if (r.flags[i] == 0U) ++r.n_flagged;
    r.flags[i] |= bit;
    ++r.flagged_by[q];
  }
}

}  // namespace

void quality_study_options::validate() const {
  input.scoring.validate();
  effective(*this).validate();
  if (std::isinf(lz_min)) {
    detail::fail_option("quality_study_options.lz_min", detail::number_text(lz_min),
                        "must be a finite number (NaN switches the flag off)");
  }
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
  s.kept = take_kept_columns(data, options.input);
  s.rows.resize(s.n_rows);
  for (std::size_t i = 0; i < s.n_rows; ++i) s.rows[i] = data.first_row + i;
  const quality_design design = make_quality_design(inst, options.input.scoring.range);
  s.options = q;
  s.report = assess_quality(data.values, design, q, data.row_ids);
  check_answers(inst, data, options.input, s.report.warnings);
  s.rules = rules_of(s.report, q, inst.subscales.size());
  if (options.bank) {
    s.person_fit = person_fit_of(inst, data, *options.bank, options.lz_min);
    add_lz_flags(s.report, *s.person_fit);
    s.rules.push_back({quality_index::lz, std::isnan(options.lz_min)
                                              ? std::string("off")
                                              : "lz < " + detail::number_text(options.lz_min) +
                                                    " (at each scale's EAP; Drasgow et al. 1985)"});
  }
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

clean_selection clean_rows(const quality_study& study) {
  const auto& v = study.report.validation;
  clean_selection c;
  const std::size_t n = study.report.flags.size();
  std::vector<char> reason(n, 0);  // 0 kept, 1 no answers, 2 below the rule, 3 flagged
  for (std::size_t i = 0; i < n; ++i) {
    if (study.report.flags[i] != 0U) reason[i] = 3;
  }
  for (const auto r : v.below_min_answered) reason[static_cast<std::size_t>(r)] = 2;
  for (const auto r : v.no_answer_rows) reason[static_cast<std::size_t>(r)] = 1;
  c.keep.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    c.keep[i] = reason[i] == 0;
    c.kept += reason[i] == 0 ? 1 : 0;
    c.no_answers += reason[i] == 1 ? 1 : 0;
    c.below_min_answered += reason[i] == 2 ? 1 : 0;
    c.flagged += reason[i] == 3 ? 1 : 0;
  }
  return c;
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
  // Rows skipped before the data (a survey export's extra header rows) are copied unchanged.
  for (std::size_t r = 0; r < options.skip_rows && reader.next(fields); ++r) write_record(fields);
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
