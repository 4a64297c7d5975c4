#include "attune/study/quality.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <new>
#include <ostream>
#include <queue>

#include "attune/analyses/irt.hpp"
#include "attune/core/error.hpp"
#include "attune/io/csv.hpp"
#include "attune/study/state.hpp"
#include "detail/csv_writer.hpp"
#include "detail/enum_names.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress.hpp"
#include "detail/quote.hpp"
#include "analyses/quality_rows.hpp"
#include "data/chunk_pipeline.hpp"
#include "study/state_fingerprint.hpp"

ATTUNE_BEGIN_NAMESPACE

option_list describe_options(quality_study_options& o) {
  using detail::bound_option;
  quality_options& q = o.quality;
  return {
      bound_option("longstring-share", "quality_options.longstring_share",
                   "flag a run of identical answers at least this share of the items long", q.longstring_share),
      bound_option("irv-blocks", "quality_options.irv_blocks", "number of consecutive item blocks for the irv",
                   q.irv_blocks),
      bound_option("irv-min", "quality_options.irv_min", "flag an irv (all items or a block) at most this", q.irv_min),
      bound_option("irv-max", "quality_options.irv_max", "flag an irv above this (random responding; off by default)",
                   q.irv_max),
      bound_option("confidence", "quality_options.mahalanobis_confidence",
                   "mahalanobis: flag D2 above the chi-square quantile at this level (df = items answered); 0.999 = p "
                   "< .001 (Meade & Craig 2012); careless uses 0.99",
                   q.mahalanobis_confidence),
      detail::choice_option("mahalanobis-missing", "quality_options.mahalanobis_missing",
                            "D2 of a respondent with missing answers: observed (the answered items against their own "
                            "covariance) or psych (careless/psych::outlier)",
                            q.mahalanobis_missing, parse_mahalanobis_method, {"observed", "psych"}),
      bound_option("evenodd-max", "quality_options.evenodd_max",
                   "flag evenodd above this (careless sign; -0.3 = r' below .30)", q.evenodd_max),
      bound_option("evenodd-min-subscales", "quality_options.evenodd_min_subscales",
                   "evenodd flags need at least this many subscales", q.evenodd_min_subscales),
      bound_option("psychsyn-critical", "quality_options.psychsyn_critical",
                   "synonyms: item pairs correlating above this", q.psychsyn_critical),
      bound_option("psychant-critical", "quality_options.psychant_critical",
                   "antonyms: item pairs correlating below this", q.psychant_critical),
      bound_option("psychsyn-min", "quality_options.psychsyn_min", "flag psychsyn below this", q.psychsyn_min),
      bound_option("psychant-max", "quality_options.psychant_max", "flag psychant above this", q.psychant_max),
      bound_option("reversal-max", "quality_options.reversal_max", "flag reversal at least this", q.reversal_max),
      bound_option("lz-min", "quality_study_options.lz_min",
                   "with an item bank: flag lz below this (Drasgow et al. 1985)", o.lz_min),
  };
}

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

namespace {

// Files stream; standard input cannot be read twice, and person fit is left to the whole-file path.
bool quality_streams(const std::string& path, const quality_study_options& o) { return path != "-" && !o.bank; }

std::uint64_t id_hash(const std::string& id) { return std::hash<std::string_view>{}(id); }

// The non-empty hashes that occur more than once over the sorted blocks (a k-way merge).
std::vector<std::uint64_t> repeated_hashes(const std::vector<std::vector<std::uint64_t>>& blocks) {
  using head = std::pair<std::uint64_t, std::size_t>;
  std::priority_queue<head, std::vector<head>, std::greater<>> heap;
  std::vector<std::size_t> next(blocks.size(), 1);
  for (std::size_t b = 0; b < blocks.size(); ++b)
    if (!blocks[b].empty()) heap.push({blocks[b][0], b});
  std::vector<std::uint64_t> out;
  bool have = false;
  std::uint64_t previous = 0;
  while (!heap.empty()) {
    const auto [v, b] = heap.top();
    heap.pop();
    if (have && v == previous && (out.empty() || out.back() != v)) out.push_back(v);
    previous = v;
    have = true;
    if (next[b] < blocks[b].size()) heap.push({blocks[b][next[b]++], b});
  }
  return out;
}

// Pass 1 and the head; nullopt when the file cannot be streamed (the whole-file path reports why).
struct quality_pass1 {
  quality_study head;
  detail::quality_context context;
  std::vector<std::uint64_t> repeated;  // id hashes seen twice: compared exactly in pass 2
  std::vector<warning> checked;         // the answers' checks
};

// The sample's statistics, the answers' checks and (with `hashes`) the ids' hashes, in one pass
// over the file on `o.threads` threads, chunks merged in file order.
struct sample_pass {
  quality_sample sample;
  answer_checks checks;
  std::vector<std::vector<std::uint64_t>> hashes;  // per chunk, sorted
  std::size_t n_rows = 0;
  std::string id_column;
  std::vector<std::string> items, columns;
  sample_pass(const instrument& inst, const quality_study_options& o)
      : sample(static_cast<Eigen::Index>(inst.items.size())), checks(inst, o.input) {}
};

void read_sample(sample_pass& r, const instrument& inst, const std::string& path, const quality_study_options& o,
                 bool hashes) {
  const quality_design design = make_quality_design(inst, o.input.scoring.range);
  const auto k = static_cast<Eigen::Index>(inst.items.size());
  struct part {
    quality_sample sample;
    std::optional<answer_checks> checks;
    std::vector<std::uint64_t> hashes;
  };
  std::vector<part> parts(detail::chunk_slots(o.threads));
  detail::for_each_chunk_slot(
      detail::chunk_file{.path = path, .item_ids = inst.item_ids(), .read = reading_options(o.input),
                         .progress = o.input.progress, .stage = "read"},
      {.threads = o.threads},
      [&](std::size_t c, responses& chunk) {
        part& p = parts[c];
        p.sample = quality_sample(k);
        p.sample.add(in_range_answers(chunk.values, design));
        p.checks.emplace(inst, o.input);
        p.checks->add(chunk);
        p.hashes.clear();
        if (!hashes) return;
        for (const auto& id : chunk.row_ids)
          if (!id.empty()) p.hashes.push_back(id_hash(id));
        std::sort(p.hashes.begin(), p.hashes.end());
      },
      [&](std::size_t c, responses& chunk) {
        part& p = parts[c];
        if (r.n_rows == 0) {
          r.id_column = id_column_name(chunk, o.input);
          r.items = chunk.item_ids;
          r.columns = chunk.columns;
        }
        r.n_rows += static_cast<std::size_t>(chunk.n_rows());
        r.sample.merge(p.sample);
        r.checks.merge(*p.checks);
        if (!p.hashes.empty()) r.hashes.push_back(std::move(p.hashes));
        p.hashes = {};
      });
}

std::optional<quality_pass1> quality_first_pass(const instrument& inst, const std::string& path,
                                                const quality_study_options& o) {
  const quality_options q = effective(o);
  const quality_design design = make_quality_design(inst, o.input.scoring.range);
  const auto k = static_cast<Eigen::Index>(inst.items.size());
  sample_pass pass(inst, o);
  read_sample(pass, inst, path, o, true);
  const std::size_t n_rows = pass.n_rows;
  if (n_rows == 0) return std::nullopt;  // the whole-file reader names the empty file
  quality_pass1 r;
  r.head.id_column = pass.id_column;
  r.head.items = pass.items;
  std::vector<std::vector<std::uint64_t>>& hashes = pass.hashes;
  const quality_sample& sample = pass.sample;
  const answer_checks& checks = pass.checks;
  r.repeated = repeated_hashes(hashes);
  hashes = {};
  r.context = detail::make_quality_context(sample, design, q);
  r.checked = checks.warnings(path);
  quality_study& s = r.head;
  s.instrument = inst.id;
  for (const auto& sub : inst.subscales) s.subscales.push_back(sub.name);
  s.n_rows = n_rows;
  s.kept.names = o.input.keep;
  s.options = q;
  s.report.longstring_cutoff =
      std::isnan(q.longstring_share) ? 0 : static_cast<int>(std::ceil(q.longstring_share * static_cast<double>(k) - 1e-9));
  s.report.irv_blocks = Eigen::MatrixXd(0, q.irv_blocks);
  s.report.synonyms = r.context.synonyms;
  s.report.antonyms = r.context.antonyms;
  s.rules = rules_of(s.report, q, inst.subscales.size());
  return r;
}

}  // namespace

quality_study quality_file(const instrument& inst, const std::string& path, const quality_study_options& options,
                           const std::function<void(const quality_study&)>& on_head,
                           const std::function<void(const quality_study&)>& on_chunk, clean_selection* clean) {
  options.validate();
  std::optional<quality_pass1> pass1;
  if (quality_streams(path, options)) {
    // Any error on the way (a cell that is not a number, an unreadable file) is reported by the
    // whole-file path below, with the same message as ever, before any row is written.
    try {
      pass1 = quality_first_pass(inst, path, options);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
    } catch (const std::bad_alloc&) {
    }
  }
  if (!pass1) {
    quality_study whole = study_quality(inst, path, options);
    on_head(whole);
    on_chunk(whole);
    if (clean != nullptr) *clean = clean_rows(whole);
    return whole;
  }
  quality_study s = std::move(pass1->head);
  const detail::quality_context& context = pass1->context;
  const std::vector<std::uint64_t>& repeated = pass1->repeated;
  on_head(s);
  const bool with_id = !s.id_column.empty();
  const auto k = static_cast<Eigen::Index>(inst.items.size());
  // The summary, from every chunk's report in file order.
  quality_report& r = s.report;
  validation_report& v = r.validation;
  v.missing_per_item = Eigen::VectorXi::Zero(k);
  r.flagged_by.assign(all_quality_indices().size(), 0);
  detail::quality_counts counts;
  // The validation report's rows, kept as they are named: their data row and id.
  auto listed = [&](std::size_t data_row, const std::string* id) {
    s.rows.push_back(data_row);
    if (with_id) s.ids.push_back(*id);
    return static_cast<Eigen::Index>(s.rows.size() - 1);
  };
  struct repeated_id {
    std::string id;
    std::size_t row = 0;       // 0-based over the file
    std::size_t data_row = 0;  // as s.rows
  };
  struct part {
    quality_study rows;
    detail::quality_counts counts;
    std::vector<repeated_id> repeats;
  };
  std::vector<part> parts(detail::chunk_slots(options.threads));
  std::vector<repeated_id> repeats;
  std::size_t done = 0;  // rows before the chunk merged next
  if (clean != nullptr) *clean = clean_selection{};
  detail::for_each_chunk_slot(
      detail::chunk_file{.path = path, .item_ids = inst.item_ids(), .read = reading_options(options.input),
                         .progress = options.input.progress, .stage = "read_pass2"},
      {.threads = options.threads},
      [&](std::size_t c, responses& chunk) {
        part& p = parts[c];
        p.counts = {};
        p.repeats.clear();
        quality_study& x = p.rows;
        x = quality_study{};
        x.id_column = s.id_column;
        x.items = s.items;
        x.n_rows = static_cast<std::size_t>(chunk.n_rows());
        x.rows.resize(x.n_rows);
        for (std::size_t i = 0; i < x.n_rows; ++i) x.rows[i] = chunk.first_row + i;
        x.report = detail::assess_rows(chunk.values, context, p.counts);
        if (!repeated.empty()) {
          for (std::size_t i = 0; i < chunk.row_ids.size(); ++i) {
            const std::string& id = chunk.row_ids[i];
            if (!id.empty() && std::binary_search(repeated.begin(), repeated.end(), id_hash(id)))
              p.repeats.push_back({id, i, x.rows[i]});
          }
        }
        x.ids = std::move(chunk.row_ids);
        x.kept = take_kept_columns(chunk, options.input);
      },
      [&](std::size_t c, responses&) {
        part& p = parts[c];
        const quality_study& x = p.rows;
        const quality_report& xr = x.report;
        const validation_report& xv = xr.validation;
        on_chunk(x);
        counts.merge(p.counts);
        r.n += xr.n;
        r.n_flagged += xr.n_flagged;
        for (std::size_t q = 0; q < r.flagged_by.size() && q < xr.flagged_by.size(); ++q) r.flagged_by[q] += xr.flagged_by[q];
        auto id_of = [&](Eigen::Index i) { return with_id ? &x.ids[static_cast<std::size_t>(i)] : nullptr; };
        auto data_row = [&](Eigen::Index i) { return x.rows[static_cast<std::size_t>(i)]; };
        Eigen::Index last_row = -1, last_index = -1;
        for (const auto& cell : xv.out_of_range) {
          if (cell.row != last_row) {
            last_row = cell.row;
            last_index = listed(data_row(cell.row), id_of(cell.row));
          }
          v.out_of_range.push_back({last_index, cell.item, cell.value});
        }
        v.missing_per_item += xv.missing_per_item;
        v.n_with_missing += xv.n_with_missing;
        for (const auto i : xv.constant_rows) v.constant_rows.push_back(listed(data_row(i), id_of(i)));
        for (const auto i : xv.no_answer_rows) v.no_answer_rows.push_back(listed(data_row(i), id_of(i)));
        for (const auto i : xv.below_min_answered) v.below_min_answered.push_back(listed(data_row(i), id_of(i)));
        if (v.required.empty()) v.required = xv.required;
        for (auto& rep : p.repeats) {
          rep.row += done;
          repeats.push_back(std::move(rep));
        }
        if (clean != nullptr) {
          // clean_rows' reasons: no answers first, then below the rule, then flagged.
          std::vector<char> reason(x.n_rows, 0);
          for (std::size_t i = 0; i < x.n_rows; ++i)
            if (xr.flags[i] != 0U) reason[i] = 3;
          for (const auto i : xv.below_min_answered) reason[static_cast<std::size_t>(i)] = 2;
          for (const auto i : xv.no_answer_rows) reason[static_cast<std::size_t>(i)] = 1;
          for (const char why : reason) {
            clean->keep.push_back(why == 0);
            clean->kept += why == 0 ? 1 : 0;
            clean->no_answers += why == 1 ? 1 : 0;
            clean->below_min_answered += why == 2 ? 1 : 0;
            clean->flagged += why == 3 ? 1 : 0;
          }
        }
        done += x.n_rows;
        p.rows = quality_study{};
      });
  if (done != s.n_rows) {
    throw error(errc::io_error, path + ": the file changed while it was read (" + std::to_string(done) + " rows, " +
                                    std::to_string(s.n_rows) + " before)",
                {.source = path, .rule = "file_changed"});
  }
  // Duplicate ids: the rows whose hash repeats, compared exactly (as validate_data: by id, each
  // group in row order, the groups by their first row).
  std::map<std::string, std::vector<const repeated_id*>> by_id;
  for (const auto& rep : repeats) by_id[rep.id].push_back(&rep);
  std::vector<std::vector<const repeated_id*>> groups;
  for (auto& [id, rows] : by_id)
    if (rows.size() > 1) groups.push_back(std::move(rows));
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.front()->row < b.front()->row; });
  for (const auto& g : groups) {
    std::vector<Eigen::Index> listed_rows;
    for (const auto* rep : g) listed_rows.push_back(listed(rep->data_row, &rep->id));
    v.duplicate_ids.push_back(std::move(listed_rows));
  }
  r.warnings = detail::quality_warnings(context, counts);
  for (const auto& w : pass1->checked) r.warnings.push_back(w.message);
  return s;
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

quality_state accumulate_quality(const instrument& inst, const std::string& path, const quality_study_options& options) {
  options.validate();
  if (!quality_streams(path, options)) {
    throw detail::state_needs_rows(path,
                                   "a quality state holds the sample's statistics: person fit (an item bank) needs "
                                   "every row; save the state without the bank",
                                   "quality_study_options.bank");
  }
  sample_pass pass(inst, options);
  read_sample(pass, inst, path, options, false);
  if (pass.n_rows == 0) {
    (void)read_study_data(path, &inst, options.input);  // names the empty file, as the study does
    throw error(errc::insufficient_data, path + ": no data rows", {.source = path, .rule = "no_rows"});
  }
  quality_state st;
  st.fingerprint = detail::quality_fingerprint(inst, pass.columns, options);
  st.n_rows = pass.n_rows;
  st.checks = pass.checks.serialize();
  st.sample = std::move(pass.sample);
  return st;
}

quality_sample_study study_quality_sample(const quality_state& state) {
  const auto contents = detail::read_quality_fingerprint(state.fingerprint, state.source);
  if (state.n_rows == 0) throw error(errc::insufficient_data, "quality: the states hold no rows", {.rule = "no_rows"});
  const quality_sample& sample = state.sample;
  const auto k = static_cast<Eigen::Index>(contents.inst.items.size());
  if (sample.n_items() != k) {
    throw error(errc::bad_input, "state " + state.source + ": the sample holds " + std::to_string(sample.n_items()) +
                                     " items; the fingerprint's instrument has " + std::to_string(k),
                {.source = state.source, .rule = "state_file"});
  }
  quality_sample_study out;
  out.instrument = contents.inst.id;
  out.items = contents.inst.item_ids();
  out.n_rows = state.n_rows;
  out.options = contents.options.quality;
  out.n = sample.counts();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.mean = Eigen::VectorXd::Constant(k, nan);
  out.sd = Eigen::VectorXd::Constant(k, nan);
  out.covariance = sample.moments().covariance();
  out.pair_counts = sample.moments().counts();
  for (Eigen::Index j = 0; j < k; ++j) {
    // The Mahalanobis centre: the item's sum / count (quality.hpp, `quality_sample`).
    if (out.n(j) > 0) out.mean(j) = sample.sums()(j) / out.n(j);
    if (out.n(j) >= 2 && std::isfinite(out.covariance(j, j))) out.sd(j) = std::sqrt(out.covariance(j, j));
  }
  const quality_options& q = out.options;
  if (!std::isnan(q.psychsyn_critical)) out.synonyms = psych_pairs(sample.moments(), q.psychsyn_critical, false);
  if (!std::isnan(q.psychant_critical)) out.antonyms = psych_pairs(sample.moments(), q.psychant_critical, true);
  answer_checks checks(contents.inst, contents.options.input);
  checks.restore(state.checks);
  const auto checked = checks.warnings("the merged states");
  out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  return out;
}

ATTUNE_END_NAMESPACE
