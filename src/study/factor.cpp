#include "attune/study/factor.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <optional>

#include "attune/analyses/exact_moments.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "attune/study/state.hpp"
#include "data/chunk_pipeline.hpp"
#include "detail/leading_moments.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress_input.hpp"
#include "study/state_fingerprint.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
constexpr detail::enum_table<factor_analysis_kind, 2> kind_names{
    {{factor_analysis_kind::efa, "efa"}, {factor_analysis_kind::cfa, "cfa"}}};
}

std::string_view to_string(factor_analysis_kind k) noexcept { return detail::enum_name(kind_names, k); }
std::optional<factor_analysis_kind> parse_factor_analysis_kind(std::string_view s) noexcept {
  return detail::enum_parse(kind_names, s);
}

void factor_study_options::validate() const {
  input.scoring.validate();
  if (analysis == factor_analysis_kind::efa) {
    efa_options e = efa;
    if (e.n_factors == 0) e.n_factors = 1;  // 0 = the number of subscales, known later
    e.validate();
    efa_fit.validate();
    if (parallel) parallel_analysis.validate();
  } else {
    cfa.validate();
    if (polychoric || scores) {
      throw error(errc::invalid_argument,
                  std::string("factor_study_options.") + (polychoric ? "polychoric" : "scores") +
                      " applies to the exploratory analysis only (the confirmatory model is fitted by ML to the covariances)",
                  {.option = polychoric ? "factor_study_options.polychoric" : "factor_study_options.scores", .rule = "efa_only"});
    }
  }
}

option_list describe_options(factor_study_options& o) {
  using detail::bound_option;
  // Which options were given, for the rules on what goes with what: the exploratory options
  // (and parallel) do not go with cfa. Iterations ask for the parallel analysis (whatever the order
  // they and parallel are given in), as replicates ask for a bootstrap in reliability's list.
  auto given = std::make_shared<std::map<std::string, std::string>>();  // name -> field
  // (the error names the field of the option to drop or add)
  const auto refuse = [](const std::string& message, const std::string& field, const char* rule) {
    throw error(errc::invalid_argument, message, {.option = field, .rule = rule});
  };
  const auto ruled = [given, refuse](option_info opt) {
    opt.set = [given, refuse, set = opt.set, name = opt.name, field = opt.field](const std::vector<std::string>& t) {
      if (name != "cfa" && given->count("cfa") > 0) {
        refuse(name + " applies to the exploratory analysis only (drop it, or drop cfa)", given->at("cfa"), "efa_only");
      }
      if (name == "cfa") {
        for (const char* efa : {"factors", "rotation", "method", "correlation", "scores", "parallel", "iterations"}) {
          if (given->count(efa) > 0) {
            refuse(std::string("cfa fits one factor per subscale by maximum likelihood; ") + efa +
                       " applies to the exploratory analysis only (drop it, or drop cfa)",
                   given->at(efa), "efa_only");
          }
        }
      }
      set(t);
      given->emplace(name, field);
    };
    return opt;
  };
  option_info cfa = bound_option("cfa", "factor_study_options.analysis", "confirmatory factor analysis instead: one factor per subscale, ML, complete rows only", o.parallel);
  cfa.set = [&o](const std::vector<std::string>&) { o.analysis = factor_analysis_kind::cfa; };
  option_info iterations = bound_option("iterations", "parallel_options.replicates", "simulated data sets of the parallel analysis (giving them runs it)", o.parallel_analysis.replicates, {1, max_parallel_replicates});
  iterations.set = [&o, set = iterations.set](const std::vector<std::string>& t) {
    set(t);
    o.parallel = true;
  };
  option_info factors = bound_option("factors", "efa_options.n_factors", "number of exploratory factors (default: number of subscales)", o.efa.n_factors, {1, 1000});
  if (o.efa.n_factors == 0) factors.default_text.reset();  // 0: the number of subscales
  return {
      bound_option("subscales", "factor_study_options.subscales", "subscales to analyse (default: all), e.g. anxiety,avoidance", o.subscales),
      ruled(factors),
      ruled(detail::choice_option("rotation", "efa_options.rotation", "oblimin, varimax, geomin or none", o.efa.rotation, parse_factor_rotation, {"oblimin", "quartimin", "varimax", "geomin", "geominQ", "none"})),
      ruled(detail::choice_option("method", "efa_options.method", "extraction: minres or ml", o.efa.method, parse_factor_method, {"minres", "uls", "ml", "mle"})),
      ruled(detail::parsed_option("correlation", "factor_study_options.polychoric", "correlations analysed: pearson (default; pairwise complete) or polychoric (psych fa(cor = \"poly\"))",
                                  [&o](const std::vector<std::string>& t) {
                                    const std::string text = t.empty() ? std::string() : t.front();
                                    if (text != "pearson" && text != "polychoric") detail::refuse_option_text("correlation", "factor_study_options.polychoric", text, "use pearson or polychoric");
                                    o.polychoric = text == "polychoric";
                                  }, o.polychoric ? "polychoric" : "pearson")),
      ruled(detail::choice_option("scores", "factor_study_options.scores", "factor scores of the respondents: regression, bartlett or tenberge (psych factor.scores); the csv format writes them, json adds them, the table shows the weights", o.scores, parse_factor_score_method, {"regression", "bartlett", "tenberge"})),
      ruled(cfa),
      ruled(bound_option("parallel", "factor_study_options.parallel", "also run Horn's parallel analysis (psych fa.parallel) and print the suggested number of factors", o.parallel)),
      ruled(iterations),
      bound_option("seed", "parallel_options.seed", "random seed of the parallel analysis", o.parallel_analysis.seed),
  };
}

namespace {

// The keyed items of the chosen subscales, side by side and grouped by subscale (simple
// structure: each item in one chosen subscale).
Eigen::MatrixXd keyed_structure(const instrument& inst, const responses& data, const factor_study_options& o,
                                factor_study& out, std::vector<std::size_t>& subscale_of) {
  std::vector<const subscale*> chosen;
  if (o.subscales.empty()) {
    for (const auto& s : inst.subscales) chosen.push_back(&s);
  } else {
    for (const auto& name : o.subscales) {
      const subscale* s = inst.find_subscale(name);
      if (s == nullptr) {
        std::string known;
        for (const auto& t : inst.subscales) known += (known.empty() ? "" : ", ") + t.name;
        throw error(errc::invalid_argument,
                    "instrument '" + inst.id + "' has no subscale '" + name + "' (it has: " + known + ")",
                    {.value = name, .option = "factor_study_options.subscales", .rule = "unknown_subscale"});
      }
      if (std::find(chosen.begin(), chosen.end(), s) != chosen.end()) {
        throw error(errc::invalid_argument, "subscale '" + name + "' is named twice",
                    {.value = name, .option = "factor_study_options.subscales", .rule = "repeated_subscale"});
      }
      chosen.push_back(s);
    }
  }
  if (chosen.empty()) throw error(errc::invalid_argument, "instrument '" + inst.id + "' has no subscales");
  std::map<std::string, std::string> owner;  // item id -> subscale
  std::vector<Eigen::MatrixXd> blocks;
  Eigen::Index total = 0;
  for (std::size_t s = 0; s < chosen.size(); ++s) {
    const subscale& sub = *chosen[s];
    out.factors.push_back(sub.name);
    for (const auto& id : sub.items) {
      const auto [it, inserted] = owner.emplace(id, sub.name);
      if (!inserted) {
        throw error(errc::invalid_argument,
                    "item '" + id + "' belongs to subscales '" + it->second + "' and '" + sub.name +
                        "'; a factor model needs each item in one factor (choose the subscales)",
                    {.item = id, .option = "factor_study_options.subscales", .rule = "item_in_two_factors"});
      }
      const auto idx = static_cast<std::size_t>(inst.item_index(id));
      out.items.push_back(id);
      out.columns.push_back(idx < data.columns.size() ? data.columns[idx] : id);
      out.item_subscales.push_back(sub.name);
      out.reversed.push_back(inst.is_reversed(sub, id));
      subscale_of.push_back(s);
    }
    blocks.push_back(keyed_items(inst, sub, data.values, o.input.scoring));
    total += blocks.back().cols();
  }
  Eigen::MatrixXd keyed(data.values.rows(), total);
  Eigen::Index at = 0;
  for (const auto& b : blocks) {
    keyed.middleCols(at, b.cols()) = b;
    at += b.cols();
  }
  return keyed;
}

void check_items_for_efa(Eigen::Index k) {
  if (k < 2) {
    throw error(errc::insufficient_data, "factor analysis: " + std::to_string(k) + " item(s); at least 2 are needed",
                {.rule = "too_few_items"});
  }
}

void efa_from_correlations(const Eigen::MatrixXd& r, const Eigen::MatrixXd& counts, Eigen::Index n_rows,
                           const Eigen::MatrixXd* keyed, const factor_study_options& o, factor_study& out);

// The polychoric correlations of the factor analysis (psych fa(cor = "poly")): their options.
polychoric_options factor_polychoric_options(const factor_study_options& o) {
  polychoric_options po;
  po.standard_errors = false;
  po.progress = o.input.progress;
  return po;
}

void run_efa(const Eigen::MatrixXd& keyed, const factor_study_options& o, factor_study& out) {
  const Eigen::Index k = keyed.cols();
  check_items_for_efa(k);
  // Pairwise-complete Pearson correlations of the keyed items (as psych::fa on raw data), or
  // polychoric ones (psych fa(cor = "poly"): polychoric(x)$rho, smoothed when not positive definite).
  // Exact integer sums where every answer is an integer (exact_moments.hpp, as `correlate`): the
  // correlations then equal, bit for bit, those of the same rows streamed or merged from states.
  pairwise_moments pm(k);
  exact_moments exact(k);
  if (exact.add(keyed)) {
    pm = detail::leading_moments(exact.to_moments(), k);
  } else {
    pm.add(keyed);
  }
  Eigen::MatrixXd r = pm.correlation();
  const Eigen::MatrixXd counts = pm.counts();
  if (o.polychoric) {
    try {
      polychoric_result p = polychoric(keyed, factor_polychoric_options(o));
      for (const auto& w : p.warnings) out.warnings.push_back("polychoric: " + w);
      r = p.rho;
    } catch (const error& e) {
      throw e.with_context("factor analysis on polychoric correlations: ");
    }
  }
  efa_from_correlations(r, counts, keyed.rows(), &keyed, o, out);
}

// The factor analysis from the correlations (and the rows, for factor scores only): the part that
// a streamed file, whose rows are gone, shares with the whole-matrix path.
void efa_from_correlations(const Eigen::MatrixXd& r, const Eigen::MatrixXd& counts, Eigen::Index n_rows,
                           const Eigen::MatrixXd* keyed, const factor_study_options& o, factor_study& out) {
  const Eigen::Index k = r.cols();
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      if (!std::isfinite(r(i, j))) {
        const auto& a = out.columns[static_cast<std::size_t>(i)];
        const auto& b = out.columns[static_cast<std::size_t>(j)];
        throw error(errc::insufficient_data,
                    "factor analysis: the correlation of '" + a + "' and '" + b + "' is undefined (" +
                        std::to_string(static_cast<long long>(counts(i, j))) +
                        " rows answered both, or an item has zero variance)",
                    {.column = a, .rule = "undefined_correlation"});
      }
    }
  }
  efa_options eo = o.efa;
  if (eo.n_factors == 0) eo.n_factors = static_cast<int>(out.factors.size());
  out.factors.clear();
  const std::string prefix = eo.method == factor_method::ml ? "ML" : "MR";
  // psych::fa on raw data takes n.obs = the number of rows, and np.obs = the pairwise counts
  // (RMSR weighted by them) when answers are missing.
  if (counts.minCoeff() < static_cast<double>(n_rows)) eo.pair_counts = counts;
  out.efa = exploratory_factor_analysis(r, n_rows, eo);
  out.fit = efa_fit_statistics(r, *out.efa, n_rows, counts, o.efa_fit);
  out.warnings.insert(out.warnings.end(), out.fit->warnings.begin(), out.fit->warnings.end());
  if (o.parallel) {
    parallel_options po = o.parallel_analysis;
    po.method = eo.method;
    po.progress = o.input.progress;
    out.parallel = parallel_analysis(r, n_rows, po);
    out.parallel_replicates = po.replicates;
    out.warnings.insert(out.warnings.end(), out.parallel->warnings.begin(), out.parallel->warnings.end());
  }
  for (Eigen::Index j = 0; j < out.efa->loadings.cols(); ++j) out.factors.push_back(prefix + std::to_string(j + 1));
  out.correlation = o.polychoric ? "polychoric" : "pearson_pairwise";
  if (o.scores && keyed != nullptr) out.scores = factor_scores(*keyed, r, *out.efa, *o.scores);
  out.n_min_pair = counts.minCoeff();
  out.warnings.insert(out.warnings.end(), out.efa->warnings.begin(), out.efa->warnings.end());
}

}  // namespace

factor_study study_factor(const instrument& inst, responses data, const factor_study_options& options) {
  options.validate();
  factor_study out;
  out.instrument = inst.id;
  out.analysis = options.analysis;
  out.n_rows = static_cast<std::size_t>(data.n_rows());
  out.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  check_answers(inst, data, options.input, out.warnings);
  std::vector<std::size_t> subscale_of;
  const Eigen::MatrixXd keyed = keyed_structure(inst, data, options, out, subscale_of);
  if (options.analysis == factor_analysis_kind::efa) {
    run_efa(keyed, options, out);
    if (out.scores) {
      out.ids = data.row_ids;
      out.rows.resize(out.n_rows);
      for (std::size_t i = 0; i < out.n_rows; ++i) out.rows[i] = data.first_row + i;
    }
    return out;
  }
  cfa_model model;
  model.factors = out.factors;
  model.factor_of_item = subscale_of;
  model.items = out.columns;
  cfa_options co = options.cfa;
  co.progress = options.input.progress;
  out.cfa = confirmatory_factor_analysis(keyed, model, co);
  out.warnings.insert(out.warnings.end(), out.cfa->warnings.begin(), out.cfa->warnings.end());
  return out;
}

namespace {

// A streamed exploratory analysis on Pearson correlations: the keyed items' pairwise moments
// accumulated chunk by chunk (memory O(k^2 + chunk), not O(N k)), exact integer sums while every
// answer is an integer (so that shards merged in any order give the single run bit for bit).
// Of a file read in chunks, or of merged state files.
struct factor_accumulation {
  factor_study head;  // instrument, items, columns, subscales, reversals, factors (the subscales)
  std::vector<std::string> columns;  // the data's item columns
  std::size_t n_rows = 0, n_out_of_range = 0;
  std::optional<answer_checks> checks;
  reliability_accumulator moments;          // Pearson
  std::optional<polychoric_tables> tables;  // polychoric: the keyed items' frequency tables
};

// One chunk's part, on any worker.
struct factor_chunk {
  std::size_t n_out_of_range = 0;
  std::optional<answer_checks> checks;
  factor_study names;
  reliability_accumulator moments;
  polychoric_tables tables;
};

// One pass over the file on `options.threads` threads, chunks merged in file order (the result
// does not depend on the thread count). False where the file cannot be opened or holds no rows
// (the whole-file reader names it).
bool accumulate(factor_accumulation& a, const instrument& inst, const std::string& path,
                const factor_study_options& options) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return false;
  a.head.instrument = inst.id;
  a.head.analysis = options.analysis;
  const int max_categories = factor_polychoric_options(options).max_categories;
  detail::for_each_chunk<factor_chunk>(
      detail::chunk_file{.path = path, .item_ids = inst.item_ids(), .read = reading_options(options.input),
                         .progress = options.input.progress, .stage = "read"},
      {.threads = options.threads},
      [&](responses& chunk, factor_chunk& part) {
        part.n_out_of_range = apply_range_rule(inst, chunk, options.input.scoring);
        part.checks.emplace(inst, options.input);
        part.checks->add(chunk);
        part.names = factor_study{};
        std::vector<std::size_t> subscale_of;
        const Eigen::MatrixXd keyed = keyed_structure(inst, chunk, options, part.names, subscale_of);
        if (options.polychoric) {
          part.tables = polychoric_tables(keyed.cols(), max_categories);
          part.tables.add(keyed, chunk.first_row);
        } else {
          part.moments = reliability_accumulator(keyed.cols(), missing_method::pairwise);
          part.moments.add(keyed);
        }
      },
      [&](responses& chunk, factor_chunk& part) {  // file order
        if (!a.checks) {
          a.head.items = part.names.items;
          a.head.columns = part.names.columns;
          a.head.item_subscales = part.names.item_subscales;
          a.head.reversed = part.names.reversed;
          a.head.factors = part.names.factors;
          a.columns = chunk.columns;
          a.checks.emplace(inst, options.input);
          const auto k = static_cast<Eigen::Index>(part.names.items.size());
          if (options.polychoric) {
            a.tables.emplace(k, max_categories);
          } else {
            a.moments = reliability_accumulator(k, missing_method::pairwise);
          }
        }
        a.n_rows += static_cast<std::size_t>(chunk.n_rows());
        a.n_out_of_range += part.n_out_of_range;
        a.checks->merge(*part.checks);
        if (options.polychoric) {
          a.tables->merge(part.tables);
        } else {
          a.moments.merge(part.moments);
        }
      });
  return a.n_rows > 0;
}

factor_study analyze(const factor_accumulation& a, const factor_study_options& options, const std::string& source) {
  factor_study out = a.head;
  out.n_rows = a.n_rows;
  out.n_out_of_range = a.n_out_of_range;
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  const auto checked = a.checks->warnings(source);
  out.warnings.insert(out.warnings.end(), checked.begin(), checked.end());
  if (a.tables) {
    // As run_efa: the polychoric correlations, their pair counts (those of the Pearson moments:
    // the rows answering both items).
    check_items_for_efa(a.tables->n_items());
    polychoric_result p;
    try {
      p = polychoric(*a.tables, factor_polychoric_options(options));
    } catch (const error& e) {
      throw e.with_context("factor analysis on polychoric correlations: ");
    }
    for (const auto& w : p.warnings) out.warnings.push_back("polychoric: " + w);
    efa_from_correlations(p.rho, p.pair_counts, static_cast<Eigen::Index>(out.n_rows), nullptr, options, out);
    return out;
  }
  check_items_for_efa(a.moments.n_items());
  // The accumulator's moments hold the keyed items and then their sum: the items' block.
  const pairwise_moments pm = detail::leading_moments(a.moments.moments(), a.moments.n_items());
  efa_from_correlations(pm.correlation(), pm.counts(), static_cast<Eigen::Index>(out.n_rows), nullptr, options, out);
  return out;
}

// What streams: an exploratory analysis (Pearson or polychoric correlations) without factor
// scores, from a file.
bool streamable(const std::string& path, const factor_study_options& options) {
  return path != "-" && options.analysis == factor_analysis_kind::efa && !options.scores;
}

}  // namespace

factor_state accumulate_factor(const instrument& inst, const std::string& path, const factor_study_options& options) {
  options.validate();
  if (!streamable(path, options)) {
    throw detail::state_needs_rows(path,
                                   "a factor state holds the moments (or polychoric tables) of the keyed items: the "
                                   "confirmatory model and factor scores need every row; save the state of an "
                                   "exploratory analysis without factor scores",
                                   "factor_study_options");
  }
  factor_accumulation a;
  if (!accumulate(a, inst, path, options)) {
    (void)read_study_data(path, &inst, options.input);  // names the missing or empty file, as the study does
    throw error(errc::insufficient_data, path + ": no data rows", {.source = path, .rule = "no_rows"});
  }
  check_items_for_efa(static_cast<Eigen::Index>(a.head.items.size()));
  factor_state st;
  st.fingerprint = detail::factor_fingerprint(inst, a.columns, a.head.items, options);
  st.n_rows = a.n_rows;
  st.n_out_of_range = a.n_out_of_range;
  st.checks = a.checks->serialize();
  if (a.tables) {
    // A shard already past max_categories can never be analysed: refused now, with the study's error.
    if (a.tables->exceeds_max_categories()) (void)polychoric(*a.tables, factor_polychoric_options(options));
    st.tables = std::move(a.tables);
  } else {
    st.moments = std::move(a.moments);
  }
  return st;
}

factor_study study_factor(const factor_state& state) {
  const auto contents = detail::read_factor_fingerprint(state.fingerprint, state.source);
  if (state.n_rows == 0) throw error(errc::insufficient_data, "factor: the states hold no rows", {.rule = "no_rows"});
  factor_accumulation a;
  a.head.instrument = contents.inst.id;
  a.head.analysis = factor_analysis_kind::efa;
  // The names of the keyed items, from the fingerprint's instrument and columns (no rows).
  responses names;
  names.columns = contents.columns;
  names.values = Eigen::MatrixXd(0, static_cast<Eigen::Index>(contents.columns.size()));
  std::vector<std::size_t> subscale_of;
  (void)keyed_structure(contents.inst, names, contents.options, a.head, subscale_of);
  const Eigen::Index held = contents.options.polychoric ? (state.tables ? state.tables->n_items() : 0) : state.moments.n_items();
  if (a.head.items.size() != contents.n_keyed || held != static_cast<Eigen::Index>(contents.n_keyed)) {
    throw error(errc::bad_input,
                "state " + state.source + ": the " + (contents.options.polychoric ? "polychoric tables" : "moments") +
                    " hold " + std::to_string(held) + " keyed items; the fingerprint names " + std::to_string(contents.n_keyed),
                {.source = state.source, .rule = "state_file"});
  }
  a.n_rows = state.n_rows;
  a.n_out_of_range = state.n_out_of_range;
  a.checks.emplace(contents.inst, contents.options.input);
  a.checks->restore(state.checks);
  a.moments = state.moments;
  a.tables = state.tables;
  return analyze(a, contents.options, "the merged states");
}

factor_study study_factor(const instrument& inst, const std::string& path, const factor_study_options& options) {
  options.validate();
  // Streams an exploratory analysis (Pearson moments or polychoric tables) without factor scores;
  // factor scores (every row) and CFA (fitted to the rows) read the file.
  if (streamable(path, options)) {
    try {
      factor_accumulation a;
      if (accumulate(a, inst, path, options)) return analyze(a, options, path);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
      // the whole-file path below reports it with its usual message
    } catch (const std::bad_alloc&) {
    }
  }
  return study_factor(inst, read_study_data(path, &inst, options.input), options);
}

ATTUNE_END_NAMESPACE
