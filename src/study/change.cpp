#include "attune/study/change.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <unordered_map>

#include "attune/analyses/descriptives.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress.hpp"
#include "data/chunk_pipeline.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
const std::string kField = "change_study_options.";

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i > 0 ? ", " : "") + v[i];
  return out;
}

// The scales compared: as given, else anxiety and avoidance, else every subscale.
std::vector<std::string> scale_names(const instrument& inst, const change_study_options& o) {
  if (!o.scales.empty()) return o.scales;
  if (!inst.anxiety.empty() && !inst.avoidance.empty()) return {inst.anxiety, inst.avoidance};
  std::vector<std::string> out;
  for (const auto& s : inst.subscales) out.push_back(s.name);
  return out;
}

// What can be checked before any data is read: the scales exist, directions name them, the
// styles fit the instrument and its range.
std::vector<std::string> check_fit(const instrument& inst, const change_study_options& o) {
  const std::vector<std::string> names = scale_names(inst, o);
  const std::vector<std::string> scores = inst.score_names();
  for (const auto& n : names) {
    if (!contains(scores, n)) {
      throw error(errc::invalid_argument, "instrument '" + inst.id + "' has no score '" + n + "' (" + kField + "scales)",
                  {.value = n, .option = kField + "scales", .rule = "unknown_score"});
    }
  }
  for (const auto& [n, d] : o.directions) {
    if (!contains(names, n)) {
      throw error(errc::invalid_argument,
                  kField + "directions: '" + n + "' is not one of the scales compared (" + join(names) + ")",
                  {.value = n, .option = kField + "directions", .rule = "unknown_scale"});
    }
  }
  if (o.styles_method && !inst.anxiety.empty() && !inst.avoidance.empty()) {
    const response_range range = o.input.scoring.range.value_or(inst.range);
    if (*o.styles_method == classify_method::fisher && (range.min != 1.0 || range.max != 7.0) && !o.rescale_to_1_7) {
      throw error(errc::invalid_argument,
                  "styles by method fisher apply to ECR means on the 1-7 scale; these scores are on " +
                      detail::number_text(range.min) + "-" + detail::number_text(range.max) + ": set " + kField +
                      "rescale_to_1_7 to map them linearly onto 1-7",
                  {.option = kField + "rescale_to_1_7", .rule = "fisher_range"});
    }
    if (*o.styles_method == classify_method::norms &&
        (o.norms->find(inst.anxiety) == nullptr || o.norms->find(inst.avoidance) == nullptr)) {
      throw error(errc::invalid_argument,
                  "styles by method norms need a norm table with '" + inst.anxiety + "' and '" + inst.avoidance +
                      "' scales; table '" + o.norms->id + "' lacks one",
                  {.option = kField + "norms", .rule = "missing_norm"});
    }
  }
  return names;
}

struct wave {
  responses data;  // after scoring, only the first administration keeps its answers (for alpha)
  std::string file;
  kept_columns kept;
  score_table scores;
  std::unordered_map<std::string, Eigen::Index> row_of;  // id -> row
  /// The first wave streamed: each scale's alpha (nullopt: `alpha_why`), from accumulated moments.
  bool streamed = false;
  std::map<std::string, std::optional<double>> alpha;
  std::map<std::string, std::string> alpha_why;
};

Eigen::Index column_of(const score_table& t, const std::string& name) {
  return static_cast<Eigen::Index>(std::find(t.names.begin(), t.names.end(), name) - t.names.begin());
}

// The SD and reliability of a scale for the RCI (Jacobson & Truax 1991 use the pre-treatment or a
// normal population's SD and the test-retest reliability): given, else the norm table's SD and
// the first administration's SD and alpha.
change_scale setup_scale(const instrument& inst, const std::string& name, const wave& first,
                         const change_study_options& o) {
  change_scale s;
  s.name = name;
  const bool dimension = name == inst.anxiety || name == inst.avoidance;
  const auto dir = o.directions.find(name);
  s.rci.direction = dir != o.directions.end() ? dir->second
                                              : (dimension ? change_direction::lower_is_better : change_direction::none);
  s.rci.critical = o.critical;
  const scale_norm* norm = o.norms ? o.norms->find(name) : nullptr;
  if (auto v = o.sd.find(name)) {
    s.rci.sd = *v;
    s.sd_source = "given";
  } else if (norm != nullptr) {
    s.rci.sd = norm->sd;
    s.sd_source = "norm table '" + o.norms->id + "'";
  } else {
    s.rci.sd = sample_sd(first.scores.scores.col(column_of(first.scores, name)));
    s.sd_source = "first administration (" + first.file + ")";
    if (!(s.rci.sd > 0)) {
      throw error(errc::insufficient_data,
                  "the SD of '" + name + "' cannot be estimated from the first administration (" + first.file +
                      "): give it in " + kField + "sd, or a norm table that has it in " + kField + "norms",
                  {.value = name, .option = kField + "sd", .rule = "sd_unavailable"});
    }
  }
  if (auto v = o.reliability.find(name)) {
    s.rci.reliability = *v;
    s.reliability_source = "given";
  } else {
    std::string why;
    const auto alpha = first.streamed ? first.alpha.at(name) : sample_alpha(inst, name, first.data, o.input.scoring, &why);
    if (first.streamed) why = first.alpha_why.at(name);
    s.reliability_source = "alpha at the first administration (" + first.file + ")";
    if (!alpha || !(*alpha >= 0 && *alpha < 1)) {
      throw error(errc::insufficient_data,
                  "the reliability of '" + name + "' cannot be estimated from the first administration (" + first.file +
                      ") (" + (alpha ? "alpha = " + detail::number_text(*alpha) : why) + "): give it in " + kField +
                      "reliability",
                  {.value = name, .option = kField + "reliability", .rule = "reliability_unavailable"});
    }
    s.rci.reliability = *alpha;
  }
  try {
    s.rci.validate();
    s.s_diff = standard_error_of_difference(s.rci.sd, s.rci.reliability);
  } catch (const error& e) {
    throw e.with_context("scale '" + name + "': ");
  }
  return s;
}

void add_cutoffs(change_scale& s, const change_study_options& o, std::vector<warning>& warnings) {
  if (!o.functional_norms) return;
  const scale_norm* f = o.functional_norms->find(s.name);
  const scale_norm* d = o.dysfunctional_norms->find(s.name);
  if (f == nullptr || d == nullptr) {
    warnings.push_back("no functional/dysfunctional norms for '" + s.name + "': no clinical significance");
  } else if (s.rci.direction == change_direction::none) {
    warnings.push_back("'" + s.name + "' has no direction of improvement: no clinical significance");
  } else {
    s.cutoffs = jacobson_truax_cutoffs(*f, *d, s.rci.direction);
    s.cutoff = select_cutoff(*s.cutoffs, o.cutoff);
  }
}

// The style of every matched respondent at every administration.
void add_styles(change_study& s, const instrument& inst, const std::vector<wave>& waves, const change_study_options& o) {
  if (!o.styles_method) return;
  if (inst.anxiety.empty() || inst.avoidance.empty()) {
    s.warnings.push_back("instrument '" + inst.id + "' has no anxiety and avoidance: no styles");
    return;
  }
  s.styles_method = o.styles_method;
  classify_options co;
  co.method = *o.styles_method;
  co.range = o.input.scoring.range.value_or(inst.range);
  co.rescale_to_1_7 = o.rescale_to_1_7;
  if (co.method == classify_method::fisher && inst.id != "ecr") {
    s.warnings.push_back("the fisher functions were estimated on the ECR (Brennan et al. 1998); instrument '" + inst.id +
                         "' is not the ECR");
  }
  if (co.method == classify_method::norms) {
    co.norm_anxiety_mean = o.norms->find(inst.anxiety)->mean;
    co.norm_avoidance_mean = o.norms->find(inst.avoidance)->mean;
  }
  const auto n = static_cast<Eigen::Index>(s.ids.size());
  for (const auto& w : waves) {
    const Eigen::Index ca = column_of(w.scores, inst.anxiety), cv = column_of(w.scores, inst.avoidance);
    Eigen::VectorXd a = Eigen::VectorXd::Constant(n, nan_v), v = Eigen::VectorXd::Constant(n, nan_v);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto it = w.row_of.find(s.ids[static_cast<std::size_t>(i)]);
      if (it == w.row_of.end()) continue;
      a(i) = w.scores.scores(it->second, ca);
      v(i) = w.scores.scores(it->second, cv);
    }
    classification c = classify(a, v, co);
    if (c.rescaled && s.styles.empty()) s.warnings.push_back(c.warnings.front());
    s.styles.push_back(std::move(c.styles));
  }
}

}  // namespace

option_list describe_options(change_study_options& o) {
  using detail::bound_option;
  // lower-better, higher-better: the scales improving that way; one given the other way already is an error
  auto direction = [&o](const std::string& name, change_direction d, const std::string& other, std::string help) {
    auto set = [&o, name, d, other](const std::vector<std::string>& scales) {
      for (const auto& n : scales) {
        const auto it = o.directions.find(n);
        if (it != o.directions.end() && it->second != d && it->second != change_direction::none) {
          detail::refuse_option_text(name, kField + "directions", n, "the scale is also given as " + other);
        }
        o.directions[n] = d;
      }
    };
    return detail::parsed_option(name, kField + "directions", std::move(help), set, std::nullopt, /*list=*/true);
  };
  return {
      bound_option("scales", kField + "scales", "scores to compare (default: anxiety and avoidance)", o.scales),
      score_values_option("reliability", kField + "reliability", "r_xx for the RCI, NAME=VALUE or one value (default: alpha at the first administration)", o.reliability),
      score_values_option("sd", kField + "sd", "SD for the RCI, NAME=VALUE or one value (default: norms, else the first administration)", o.sd),
      norm_table_option("norms", kField + "norms", "norm table (built-in id or FILE.json) giving the SD for the RCI, and cuts for styles norms", o.norms),
      norm_table_option("functional-norms", kField + "functional_norms", "norm table of a functional population (clinical significance)", o.functional_norms),
      norm_table_option("dysfunctional-norms", kField + "dysfunctional_norms", "norm table of a dysfunctional population", o.dysfunctional_norms),
      detail::choice_option("cutoff", kField + "cutoff", "Jacobson-Truax cut-off: a, b or c", o.cutoff, parse_cutoff_kind, {"a", "b", "c"}),
      bound_option("critical", kField + "critical", "|RCI| beyond this is reliable", o.critical),
      direction("lower-better", change_direction::lower_is_better, "higher-better", "scales where lower is better (anxiety and avoidance always are)"),
      direction("higher-better", change_direction::higher_is_better, "lower-better", "scales where higher is better"),
      detail::choice_option("styles", kField + "styles_method", "style per administration: midpoint, fisher, norms or none", o.styles_method, parse_classify_method, {"midpoint", "fisher", "norms"}),
      bound_option("rescale", kField + "rescale_to_1_7", "styles fisher: rescale scores onto 1-7", o.rescale_to_1_7),
      bound_option("level", kField + "level", "confidence level of the group-level intervals", o.level),
  };
}

void change_study_options::validate() const {
  input.scoring.validate();
  if (input.read.id_column.empty()) {
    throw error(errc::invalid_argument,
                "read_options.id_column is empty: respondents are matched between the data sets by an id column",
                {.option = "read_options.id_column", .rule = "id_required"});
  }
  if (functional_norms.has_value() != dysfunctional_norms.has_value()) {
    throw error(errc::invalid_argument,
                "clinically significant change needs both functional_norms and dysfunctional_norms (" + kField + ")",
                {.option = kField + (functional_norms ? "dysfunctional_norms" : "functional_norms"),
                 .rule = "clinical_norms_pair"});
  }
  if (styles_method && *styles_method != classify_method::midpoint && *styles_method != classify_method::fisher &&
      *styles_method != classify_method::norms) {
    const std::string m(to_string(*styles_method));
    throw error(errc::invalid_argument, kField + "styles_method = " + m + ": use midpoint, fisher or norms (or none)",
                {.value = m, .option = kField + "styles_method"});
  }
  if (styles_method == classify_method::norms && !norms) {
    throw error(errc::invalid_argument, "styles by method norms split at the means of a norm table: set " + kField + "norms",
                {.option = kField + "norms", .rule = "norms_required"});
  }
  reliability.validate(kField + "reliability", [](double r) { return r >= 0.0 && r < 1.0; },
                       "must be in [0, 1) (1 gives a zero standard error)");
  sd.validate(kField + "sd", [](double v) { return v > 0.0; }, "must be > 0");
  if (!(level > 0.0 && level < 1.0)) {
    const std::string v = detail::number_text(level);
    throw error(errc::invalid_argument, kField + "level = " + v + ": must be in (0, 1)",
                {.value = v, .option = kField + "level"});
  }
  if (!(std::isfinite(critical) && critical > 0.0)) {
    const std::string v = detail::number_text(critical);
    throw error(errc::invalid_argument, kField + "critical = " + v + ": must be > 0",
                {.value = v, .option = kField + "critical"});
  }
}

std::vector<warning> all_warnings(const change_study& s) {
  std::vector<warning> w = s.warnings;
  w.insert(w.end(), s.trajectories.warnings.begin(), s.trajectories.warnings.end());
  return w;
}

namespace {

// A wave read whole: scored, its ids indexed; every one but the first then drops its answers.
void index_wave(const instrument& inst, wave& x, responses data, std::size_t w, const change_study_options& options,
                change_study& s) {
  const std::string& id_column = options.input.read.id_column;
  x.data = std::move(data);
  responses& d = x.data;
  x.file = d.source.empty() ? "data set " + std::to_string(w + 1) : d.source;
  if (d.row_ids.size() != static_cast<std::size_t>(d.n_rows())) {
    throw error(errc::invalid_argument, x.file + ": the data have no ids (read them with read_options.id_column)",
                {.source = x.file, .option = "read_options.id_column", .rule = "id_required"});
  }
  const std::size_t n_out = apply_range_rule(inst, d, options.input.scoring);
  if (n_out > 0) {
    s.warnings.push_back(x.file + ": " + std::to_string(n_out) +
                         " answer(s) outside the response range were treated as missing");
  }
  check_answers(inst, d, options.input, s.warnings);
  x.scores = score(inst, d, options.input.scoring);
  x.kept = take_kept_columns(d, options.input);
  for (const auto& text : x.scores.warnings) s.warnings.push_back(x.file + ": " + text);
  for (Eigen::Index i = 0; i < d.n_rows(); ++i) {
    const std::string& id = d.row_ids[static_cast<std::size_t>(i)];
    error_details where = d.at(i);
    where.source = x.file;
    where.column = id_column;
    if (id.empty()) {
      where.rule = "empty_id";
      throw error(errc::bad_input, d.where(i) + ", column '" + id_column + "': empty id; every row needs one", where);
    }
    const auto [it, fresh] = x.row_of.emplace(id, i);
    if (!fresh) {
      where.value = id;
      where.rule = "duplicate_id";
      throw error(errc::bad_input, d.where(i) + ", column '" + id_column + "': id '" + id + "' appears twice (also " +
                                       d.where(it->second) + ")",
                  where);
    }
  }
  if (w > 0) {  // its scores, ids and kept columns are all that is needed from here on
    d.values = Eigen::MatrixXd();
    d.lines = {};
    d.extra = {};
  }
}

// A later wave read from a file in chunks (data/chunk_pipeline.hpp), never holding its answers: what
// index_wave keeps of it (ids, scores, kept columns, the id index) and the same warnings (the
// range rule's count, the answer checks merged in file order, the scores' warnings from their
// running summary). False, with nothing kept, on anything irregular (no ids, an empty or repeated
// id, a cell that is not a number): the caller reads the file whole, which words the error.
bool stream_wave(const instrument& inst, const std::string& path, wave& x, const change_study_options& options,
                 std::vector<warning>& warnings, const std::vector<std::string>& alpha_scales = {}) {
  try {
    // The first wave: the alpha of each scale without a given reliability, from its keyed items'
    // moments merged in file order (as sample_alpha over the whole matrix).
    std::vector<std::optional<reliability_accumulator>> alpha(alpha_scales.size());
    std::vector<std::vector<std::optional<reliability_accumulator>>> slot_alpha(detail::chunk_slots(1),
                                                                              alpha);
    answer_checks checks(inst, options.input);
    score_summary summary(inst.score_names());
    std::vector<Eigen::MatrixXd> parts;
    std::vector<std::string> ids;
    kept_columns kept;
    kept.names = options.input.keep;
    kept.values.assign(options.input.keep.size(), {});
    std::size_t n_out = 0;
    std::string source;
    struct part {
      std::size_t n_out = 0;
      std::optional<answer_checks> checks;
      score_table scores;
    };
    std::vector<part> slots(detail::chunk_slots(1));
    std::vector<std::string> names;
    bool regular = true;
    detail::for_each_chunk_slot(
        detail::chunk_file{.path = path, .item_ids = inst.item_ids(), .read = reading_options(options.input),
                           .progress = options.input.progress, .stage = "read"},
        {.threads = 1},
        [&](std::size_t c, responses& chunk) {
          part& p = slots[c];
          p.n_out = apply_range_rule(inst, chunk, options.input.scoring);
          p.checks.emplace(inst, options.input);
          p.checks->add(chunk);
          p.scores = score(inst, chunk, options.input.scoring);
          for (std::size_t a = 0; a < alpha_scales.size(); ++a) {
            auto& acc = slot_alpha[c][a];
            acc.reset();
            const Eigen::MatrixXd items = score_items(inst, alpha_scales[a], chunk.values, options.input.scoring);
            if (items.cols() < 2) continue;
            acc.emplace(items.cols(), missing_method::pairwise);
            acc->add(items);
          }
        },
        [&](std::size_t c, responses& chunk) {
          part& p = slots[c];
          score_table& chunk_scores = p.scores;
          n_out += p.n_out;
          checks.merge(*p.checks);
          for (std::size_t a = 0; a < alpha_scales.size(); ++a) {
            auto& acc = slot_alpha[c][a];
            if (!acc) continue;
            if (alpha[a]) {
              alpha[a]->merge(*acc);
            } else {
              alpha[a] = std::move(acc);
            }
            acc.reset();
          }
          if (source.empty()) source = chunk.source;
          if (chunk.row_ids.size() != static_cast<std::size_t>(chunk.n_rows())) regular = false;
          if (!regular) return;
          summary.add(chunk_scores);
          names = chunk_scores.names;
          parts.push_back(std::move(chunk_scores.scores));
          const kept_columns k = take_kept_columns(chunk, options.input);
          for (std::size_t col = 0; col < k.values.size() && col < kept.values.size(); ++col)
            kept.values[col].insert(kept.values[col].end(), k.values[col].begin(), k.values[col].end());
          for (auto& id : chunk.row_ids) {
            if (id.empty() || !x.row_of.emplace(id, static_cast<Eigen::Index>(ids.size())).second) regular = false;
            ids.push_back(std::move(id));
          }
        });
    if (!regular || ids.empty() || source.empty()) {
      x = wave{};
      return false;
    }
    x.file = source;
    for (std::size_t a = 0; a < alpha_scales.size(); ++a) {
      const std::string& name = alpha_scales[a];
      Eigen::Index k = 0;
      for (const subscale* sub : subscales_of(inst, name)) k += static_cast<Eigen::Index>(sub->items.size());
      if (k < 2) {
        x.alpha[name] = std::nullopt;
        x.alpha_why[name] = std::to_string(k) + " item(s)";
        continue;
      }
      if (!alpha[a]) throw error(errc::insufficient_data, "no moments");  // read whole instead
      const pairwise_moments& pm = alpha[a]->moments();
      for (Eigen::Index i = 0; i < k; ++i) {
        if (!(pm.pair_m2()(i, i) > 0.0)) throw error(errc::insufficient_data, "constant item");  // the matrix path words it
      }
      reliability_options ro;
      ro.intervals.clear();
      ro.split_half = false;
      x.alpha[name] = analyze_reliability(*alpha[a], ro).alpha;  // an error: read whole, which words it
      x.alpha_why[name] = std::string();
    }
    x.streamed = true;
    std::size_t n = 0;
    for (const auto& m : parts) n += static_cast<std::size_t>(m.rows());
    x.scores.names = names;
    x.scores.scores.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(names.size()));
    Eigen::Index r = 0;
    for (auto& m : parts) {
      x.scores.scores.middleRows(r, m.rows()) = m;
      r += m.rows();
      m = Eigen::MatrixXd();
    }
    x.data.row_ids = std::move(ids);
    x.data.source = source;
    x.kept = std::move(kept);
    if (n_out > 0) {
      warnings.push_back(x.file + ": " + std::to_string(n_out) +
                         " answer(s) outside the response range were treated as missing");
    }
    const auto checked = checks.warnings(source);
    warnings.insert(warnings.end(), checked.begin(), checked.end());
    for (const auto& text : summary.warnings()) warnings.push_back(x.file + ": " + text);
    return true;
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
  } catch (const std::bad_alloc&) {
  }
  x = wave{};
  return false;
}

// The change study over `n_waves` administrations that `next(w)` hands over one at a time, in time
// order: each is scored and indexed as it comes, and every one but the first then drops its
// answers, so that memory holds at most two files' answers at once. `path(w)`, when it names a
// file (not "-"), lets a later wave stream instead (stream_wave): then only the first file's
// answers are ever held.
change_study run_change(const instrument& inst, std::size_t n_waves, const std::function<responses(std::size_t)>& next,
                        const change_study_options& options,
                        const std::function<std::string(std::size_t)>& path = {}) {
  const std::vector<std::string> names = check_fit(inst, options);
  const std::string& id_column = options.input.read.id_column;
  change_study s;
  s.instrument = inst.id;
  s.id_column = id_column;
  s.note = std::string(dimensional_use_note());

  // Score every administration; index its ids.
  std::vector<wave> waves(n_waves);
  for (std::size_t w = 0; w < n_waves; ++w) {
    wave& x = waves[w];
    std::vector<warning> streamed_warnings;
    std::vector<std::string> alpha_scales;  // the first wave: the scales whose alpha it gives
    if (w == 0) {
      for (const auto& name : names)
        if (!options.reliability.find(name)) alpha_scales.push_back(name);
    }
    if (path && path(w) != "-" && stream_wave(inst, path(w), x, options, streamed_warnings, alpha_scales)) {
      s.files.push_back(x.file);
      s.warnings.insert(s.warnings.end(), streamed_warnings.begin(), streamed_warnings.end());
      continue;
    }
    index_wave(inst, x, next(w), w, options, s);
    s.files.push_back(x.file);
  }

  for (const auto& name : names) {
    s.scales.push_back(setup_scale(inst, name, waves.front(), options));
    add_cutoffs(s.scales.back(), options, s.warnings);
  }
  const bool with_cut = std::any_of(s.scales.begin(), s.scales.end(), [](const auto& x) { return x.cutoffs.has_value(); });
  if (with_cut) s.cutoff = options.cutoff;

  // Match ids in the order of first appearance over the data sets.
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<std::size_t>> present;  // id -> data sets holding it
  for (std::size_t w = 0; w < waves.size(); ++w) {
    for (const auto& id : waves[w].data.row_ids) {
      auto& p = present[id];
      if (p.empty()) order.push_back(id);
      p.push_back(w);
    }
  }
  for (const auto& id : order) {
    const auto& p = present[id];
    if (p.size() < waves.size()) {
      unmatched_id u;
      u.id = id;
      for (std::size_t w = 0; w < waves.size(); ++w) {
        (std::find(p.begin(), p.end(), w) != p.end() ? u.present_in : u.missing_from).push_back(waves[w].file);
      }
      u.in_output = p.size() >= 2;
      s.unmatched.push_back(std::move(u));
    }
    if (p.size() >= 2) s.ids.push_back(id);
  }
  s.n_matched = s.ids.size();
  s.kept.names = options.input.keep;
  s.kept.values.assign(options.input.keep.size(), std::vector<std::string>(s.n_matched));
  for (std::size_t i = 0; i < s.n_matched && !options.input.keep.empty(); ++i) {
    const std::size_t w = present[s.ids[i]].front();  // the first data set holding the id
    const auto row = static_cast<std::size_t>(waves[w].row_of.at(s.ids[i]));
    for (std::size_t c = 0; c < s.kept.names.size(); ++c) s.kept.values[c][i] = waves[w].kept.values[c][row];
  }
  const auto n = static_cast<Eigen::Index>(s.n_matched);
  const auto n_scales = static_cast<Eigen::Index>(s.scales.size());
  for (const auto& w : waves) {
    Eigen::MatrixXd m = Eigen::MatrixXd::Constant(n, n_scales, nan_v);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto it = w.row_of.find(s.ids[static_cast<std::size_t>(i)]);
      if (it == w.row_of.end()) continue;
      for (Eigen::Index c = 0; c < n_scales; ++c) {
        m(i, c) = w.scores.scores(it->second, column_of(w.scores, s.scales[static_cast<std::size_t>(c)].name));
      }
    }
    s.scores.push_back(std::move(m));
  }

  trajectory_options to;
  for (const auto& x : s.scales) {
    to.scales.push_back(x.name);
    to.rci.push_back(x.rci);
    if (with_cut) to.cutoffs.push_back(x.cutoff.value_or(nan_v));
  }
  if (n > 0) {
    s.trajectories = compute_trajectories(s.scores, to);
  } else {
    s.trajectories.n_waves = waves.size();
    s.warnings.push_back("no respondent is in two or more data sets: nothing to compare");
  }
  for (std::size_t k = 0; k < s.scales.size(); ++k) {
    change_scale& x = s.scales[k];
    group_change_options go;
    go.level = options.level;
    go.rci = x.rci;
    go.cutoff = x.cutoff.value_or(nan_v);
    const auto c = static_cast<Eigen::Index>(k);
    x.group = compute_group_change(s.scores.front().col(c), s.scores.back().col(c), go);
    for (const auto& text : x.group.warnings) s.warnings.push_back("group change of '" + x.name + "': " + text);
  }
  add_styles(s, inst, waves, options);
  return s;
}

}  // namespace

change_study study_change(const instrument& inst, std::vector<responses> data, const change_study_options& options) {
  options.validate();
  if (data.size() < 2) {
    throw error(errc::invalid_argument,
                "change needs at least two data sets (administrations in time order); got " + std::to_string(data.size()),
                {.rule = "two_data_sets"});
  }
  return run_change(inst, data.size(), [&](std::size_t w) { return std::move(data[w]); }, options);
}

change_study study_change(const instrument& inst, const std::vector<std::string>& paths,
                          const change_study_options& options) {
  options.validate();
  if (paths.size() < 2) {
    throw error(errc::invalid_argument,
                "change needs at least two data files (administrations in time order); got " + std::to_string(paths.size()),
                {.rule = "two_data_sets"});
  }
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    throw error(errc::invalid_argument, "standard input (-) given twice: it can be read only once",
                {.value = "-", .rule = "stdin_twice"});
  }
  check_fit(inst, options);
  // One file at a time (run_change): the files are never all in memory together.
  return run_change(
      inst, paths.size(), [&](std::size_t w) { return read_study_data(paths[w], &inst, options.input); }, options,
      [&](std::size_t w) { return paths[w]; });
}

ATTUNE_END_NAMESPACE
