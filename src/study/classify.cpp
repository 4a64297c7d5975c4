#include "attune/study/classify.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <new>

#include "attune/analyses/reliability.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"
#include "detail/progress.hpp"
#include "data/chunk_pipeline.hpp"
#include "detail/parallel.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
const std::string kField = "classify_study_options.";

[[noreturn]] void option_error(const std::string& field, const std::string& message, const std::string& rule = {},
                               const std::optional<std::string>& value = std::nullopt) {
  error_details d{.value = value, .option = kField + field};
  if (!rule.empty()) d.rule = rule;
  throw error(errc::invalid_argument, message, d);
}

response_range range_of(const instrument& inst, const classify_study_options& o) {
  return o.input.scoring.range.value_or(inst.range);
}

bool has_score(const instrument& inst, const std::string& name) {
  const auto names = inst.score_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The instrument has the scores the method needs, the data's range fits it (fisher), and the
// norm table has the cuts (norms): checked before any data is read.
void check_fit(const instrument& inst, const classify_study_options& o) {
  const std::string method(to_string(o.method));
  auto need = [&](const std::string& score) {
    if (!has_score(inst, score)) {
      option_error("method", "instrument '" + inst.id + "' has no score '" + score + "' needed by method " + method,
                   "missing_score", score);
    }
  };
  if (o.method == classify_method::rq) {
    for (const char* s : {"secure", "fearful", "preoccupied", "dismissing"}) need(s);
    return;
  }
  if (o.method == classify_method::raas) {
    need("close_depend");
    need("anxiety");
    return;
  }
  if (inst.anxiety.empty() || inst.avoidance.empty()) {
    const bool own = inst.id == "rq" || inst.id == "raas";
    option_error("method",
                 "instrument '" + inst.id + "' has no anxiety and avoidance scores for method " + method +
                     (own ? "; use method '" + inst.id + "'" : ""),
                 "missing_score");
  }
  const response_range range = range_of(inst, o);
  if (o.method == classify_method::fisher && (range.min != 1.0 || range.max != 7.0) && !o.rescale_to_1_7) {
    option_error("rescale_to_1_7",
                 "method fisher applies to ECR means on the 1-7 scale; these scores are on " + number_text(range.min) +
                     "-" + number_text(range.max) + ": set classify_study_options.rescale_to_1_7 to map them "
                     "linearly onto 1-7",
                 "fisher_range");
  }
  if (o.method == classify_method::norms) {
    for (const std::string* score : {&inst.anxiety, &inst.avoidance}) {
      if (o.norms->find(*score) == nullptr) {
        option_error("norms", "norm table '" + o.norms->id + "' has no '" + *score + "' scale for method norms",
                     "missing_norm", *score);
      }
    }
  }
}

Eigen::VectorXd score_column(const score_table& t, const std::string& name) {
  const auto it = std::find(t.names.begin(), t.names.end(), name);
  return t.scores.col(static_cast<Eigen::Index>(it - t.names.begin()));
}

// The output's two scores (report/classify.cpp names the columns so), in the result that holds
// them: classification::anxiety holds the anxiety scores, `avoidance` the other one (close-depend
// for raas).
std::vector<std::pair<std::string, const Eigen::VectorXd*>> output_scores(const classify_study& s) {
  if (s.rq_result) return {{"model_of_self", &s.rq_result->model_of_self}, {"model_of_other", &s.rq_result->model_of_other}};
  if (s.method == classify_method::raas) return {{"close_depend", &s.result->avoidance}, {"anxiety", &s.result->anxiety}};
  return {{"anxiety", &s.result->anxiety}, {"avoidance", &s.result->avoidance}};
}

// z, T and percentiles of the output's scores that the norm table covers (per respondent of `s`).
void add_norm_scores(classify_study& s, const norm_table& table) {
  for (const auto& [name, x] : output_scores(s)) {
    if (const scale_norm* n = table.find(name)) s.norm_scores.push_back({name, norm_scores(*x, *n)});
  }
}

// The study's warnings about its norm table (after add_norm_scores).
void add_norm_warnings(classify_study& s, const norm_table& table) {
  if (s.norm_scores.empty()) s.warnings.push_back("norm table '" + table.id + "' has none of this output's scores");
  if (table.status && *table.status != confirmation::author && *table.status != confirmation::empirical) {
    s.warnings.push_back("norm table '" + table.id + "' is " + std::string(to_string(*table.status)) + ": " +
                         table.description);
  }
}

void add_norms(classify_study& s, const std::optional<norm_table>& table) {
  if (!table) return;
  add_norm_scores(s, *table);
  add_norm_warnings(s, *table);
}

// The extra column holding the forced choice: the one of that name, or the only one (read by
// position); -1 when there is none.
std::ptrdiff_t forced_choice_index(const responses& data, const std::string& column) {
  for (std::size_t c = 0; c < data.extra_columns.size() && c < data.extra.size(); ++c) {
    const std::string& name = data.extra_columns[c];
    const bool same = name.size() == column.size() &&
                      std::equal(name.begin(), name.end(), column.begin(), [](char x, char y) {
                        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
                      });
    if (same) return static_cast<std::ptrdiff_t>(c);
  }
  return data.extra.size() == 1 ? 0 : -1;
}

std::vector<attachment_style> forced_choices(const responses& data, const std::string& given) {
  std::vector<attachment_style> out;
  const auto c = static_cast<std::size_t>(forced_choice_index(data, given));
  const auto& values = data.extra[c];
  const std::string& column = c < data.extra_columns.size() ? data.extra_columns[c] : given;
  out.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto st = parse_rq_forced_choice(values[i]);
    if (!st) {
      const auto r = static_cast<Eigen::Index>(i);
      error_details d = data.at(r);
      d.column = column;
      d.value = values[i];
      d.option = kField + "forced_choice_column";
      d.rule = "forced_choice";
      throw error(errc::bad_input,
                  data.where(r) + ", column '" + column + "': forced choice '" + values[i] +
                      "' is not secure/fearful/preoccupied/dismissing or 1-4 (RQ order: 1 secure, 2 fearful, "
                      "3 preoccupied, 4 dismissing)",
                  d);
    }
    out.push_back(*st);
  }
  return out;
}

// The scores of some rows that the streamed methods classify: the two dimension scores (anxiety,
// avoidance) or, for rq, the four ratings in the RQ item order with the forced choices (none
// without a forced-choice column).
struct method_rows {
  Eigen::MatrixXd x;
  std::vector<attachment_style> forced_choice;
};

// The method_rows of `data` (its scores `t`). @throws bad_input for a forced choice that is not a style.
method_rows rows_of(const instrument& inst, const score_table& t, const responses& data, const classify_study_options& o) {
  static const std::array<std::string, 4> rq_ratings = {"secure", "fearful", "preoccupied", "dismissing"};
  const std::array<std::string, 2> dimensions = {inst.anxiety, inst.avoidance};
  const bool rq = o.method == classify_method::rq;
  const std::string* names = rq ? rq_ratings.data() : dimensions.data();
  method_rows m;
  m.x.resize(t.scores.rows(), rq ? 4 : 2);
  for (Eigen::Index k = 0; k < m.x.cols(); ++k) m.x.col(k) = score_column(t, names[k]);
  if (o.forced_choice_column) m.forced_choice = forced_choices(data, *o.forced_choice_column);
  return m;
}

// Rows `m` classified into `s` (fisher, midpoint, norms, prototypes: `co`; rq: Bartholomew's
// rule), with their norm scores.
void classify_rows(classify_study& s, method_rows m, const classify_options& co, const classify_study_options& o) {
  if (o.method == classify_method::rq) {
    s.forced_choice = std::move(m.forced_choice);
    s.rq_result = classify_rq(m.x, s.forced_choice);
  } else {
    s.result = classify(m.x.col(0), m.x.col(1), co);
  }
  if (o.norms) add_norm_scores(s, *o.norms);
}

// The options of `classify` for the two-dimension methods, once the SEMs are known; for fisher
// also the study's threshold and its warning about an instrument other than the ECR (rq: none).
classify_options two_dimension_options(classify_study& s, const instrument& inst, const classify_study_options& o) {
  classify_options co;
  if (o.method == classify_method::rq) return co;
  co.method = o.method;
  co.range = s.range;
  co.rescale_to_1_7 = o.rescale_to_1_7;
  co.sem_anxiety = s.sem[0].sem.value_or(nan_v);
  co.sem_avoidance = s.sem[1].sem.value_or(nan_v);
  co.on_cut = o.on_cut;
  co.kmeans_starts = o.kmeans_starts;
  co.seed = o.seed;
  co.probability_threshold = o.probability_threshold;
  co.prototypes = o.prototypes;
  if (o.method == classify_method::norms) {
    co.norm_anxiety_mean = o.norms->find(inst.anxiety)->mean;
    co.norm_avoidance_mean = o.norms->find(inst.avoidance)->mean;
  }
  if (o.method == classify_method::fisher) {
    s.probability_threshold = o.probability_threshold;
    if (inst.id != "ecr") {
      s.warnings.push_back("the fisher functions were estimated on the ECR (Brennan et al. 1998); instrument '" +
                           inst.id + "' is not the ECR");
    }
  }
  return co;
}

void classify_two_dimensions(classify_study& s, const instrument& inst, const score_table& t, const responses& data,
                             const classify_study_options& o) {
  const bool raas = o.method == classify_method::raas;
  // raas: Collins' rule on the close-depend composite and anxiety (in that output order).
  const std::string first = raas ? "close_depend" : inst.anxiety;
  const std::string second = raas ? "anxiety" : inst.avoidance;
  const std::string first_role = raas ? "close_depend" : "anxiety";
  const std::string second_role = raas ? "anxiety" : "avoidance";
  const Eigen::VectorXd a = score_column(t, first), b = score_column(t, second);
  s.scores = {first, second};
  s.sem.push_back(estimate_sem(inst, first, first_role, a, data, o.input.scoring, o.reliability, o.sd, s.warnings));
  s.sem.push_back(estimate_sem(inst, second, second_role, b, data, o.input.scoring, o.reliability, o.sd, s.warnings));
  const double sem_a = s.sem[0].sem.value_or(nan_v), sem_b = s.sem[1].sem.value_or(nan_v);
  if (raas) {
    raas_options ro;
    ro.midpoint = s.range.midpoint();
    if (s.range.min != 1.0 || s.range.max != 5.0) {
      s.warnings.push_back("Collins' rule splits the 1-5 scale at 3; these scores are on " + number_text(s.range.min) +
                           "-" + number_text(s.range.max) + ", split at their midpoint " + number_text(ro.midpoint));
    }
    ro.sem_close_depend = sem_a;
    ro.sem_anxiety = sem_b;
    s.result = classify_raas(a, b, ro);
  } else {
    const classify_options co = two_dimension_options(s, inst, o);
    s.result = classify(a, b, co);
  }
  add_norms(s, o.norms);
}

classify_study study_head(const instrument& inst, const classify_study_options& options) {
  classify_study s;
  s.instrument = inst.id;
  s.method = options.method;
  s.provenance = classify_method_provenance(options.method, options.norms ? &*options.norms : nullptr);
  s.range = range_of(inst, options);
  if (options.norms) s.norms = options.norms->id;
  s.forced_choice_column = options.forced_choice_column;
  if (options.method == classify_method::rq) s.scores = {"model_of_self", "model_of_other"};
  return s;
}

// The input options of the study: the forced-choice column read with the answers, before the kept ones.
input_options classify_input(const classify_study_options& o) {
  input_options in = o.input;
  if (o.forced_choice_column) in.read.extra_columns = {*o.forced_choice_column};
  return in;
}

}  // namespace

option_list describe_options(classify_study_options& o) {
  using detail::bound_option;
  using detail::choice_option;
  // "secure=2.1:1.9" -> {secure, anxiety 2.1, avoidance 1.9}
  auto prototypes = [&o](const std::vector<std::string>& entries) {
    std::vector<style_prototype> out;
    for (const auto& e : entries) {
      const auto eq = e.find('=');
      const auto colon = e.find(':', eq == std::string::npos ? 0 : eq);
      const auto style = eq == std::string::npos ? std::nullopt : parse_attachment_style(e.substr(0, eq));
      double a = 0, v = 0;
      if (colon == std::string::npos || !style || !parse_cell(e.substr(eq + 1, colon - eq - 1), {}, a) ||
          !parse_cell(e.substr(colon + 1), {}, v) || std::isnan(a) || std::isnan(v)) {
        detail::refuse_option_text("prototype", kField + "prototypes", e, "expected STYLE=ANXIETY:AVOIDANCE, e.g. secure=2.1:1.9");
      }
      out.push_back({*style, a, v});
    }
    o.prototypes = std::move(out);
  };
  return {
      choice_option("method", kField + "method", "fisher | midpoint | median | norms | kmeans | prototypes | rq | raas (docs/classification.md)", o.method, parse_classify_method, {"fisher", "midpoint", "median", "norms", "kmeans", "prototypes", "rq", "raas"}),
      bound_option("rescale", kField + "rescale_to_1_7", "fisher: map scores on another range linearly onto 1-7 first (the output says so)", o.rescale_to_1_7),
      score_values_option("reliability", kField + "reliability", "reliability for the SEM, NAME=VALUE (e.g. anxiety=0.91) or one value for all; default: Cronbach's alpha in this sample", o.reliability),
      score_values_option("sd", kField + "sd", "SD for the SEM, NAME=VALUE or one value; default: this sample's SD", o.sd),
      norm_table_option("norms", kField + "norms", "norm table (built-in id or FILE.json): cuts for method norms, and z/T/percentile columns", o.norms),
      detail::parsed_option("prototype", kField + "prototypes", "prototypes: STYLE=ANXIETY:AVOIDANCE (2 to 4, distinct styles), e.g. secure=2:2", prototypes, std::nullopt, /*list=*/true, "STYLE=ANXIETY:AVOIDANCE"),
      bound_option("forced-choice", kField + "forced_choice_column", "rq: the column with the forced choice (secure/fearful/preoccupied/dismissing or 1-4 in RQ order: 1 secure, 2 fearful, 3 preoccupied, 4 dismissing; empty = none)", o.forced_choice_column),
      choice_option("on-cut", kField + "on_cut", "split methods: a score exactly on a cut is 'low' or 'unclassified'", o.on_cut, parse_cut_tie, {"low", "unclassified"}),
      bound_option("starts", kField + "kmeans_starts", "kmeans: random starts (k-means++ seeds)", o.kmeans_starts, {1, 1000}),
      bound_option("seed", kField + "seed", "kmeans: seed", o.seed),
      bound_option("probability-threshold", kField + "probability_threshold", "fisher: a highest probability below this counts as uncertain in the summary", o.probability_threshold),
  };
}

void classify_study_options::validate() const {
  input.scoring.validate();
  const std::string method_name(to_string(method));
  auto only_for = [&](const char* field, classify_method m) {
    option_error(field,
                 kField + field + " applies to method " + std::string(to_string(m)) + " only (method is " +
                     method_name + ")",
                 "option_not_applicable");
  };
  if (forced_choice_column && method != classify_method::rq) only_for("forced_choice_column", classify_method::rq);
  if (!prototypes.empty() && method != classify_method::prototypes) only_for("prototypes", classify_method::prototypes);
  if (rescale_to_1_7 && method != classify_method::fisher) only_for("rescale_to_1_7", classify_method::fisher);
  if (forced_choice_column && forced_choice_column->empty()) {
    option_error("forced_choice_column", kField + "forced_choice_column is empty: name the column, or leave it unset");
  }
  if (method == classify_method::norms && !norms) {
    option_error("norms", "method norms splits at the means of a norm table: set " + kField + "norms",
                 "norms_required");
  }
  reliability.validate(kField + "reliability", [](double r) { return r >= 0.0 && r <= 1.0; }, "must be in [0, 1]");
  sd.validate(kField + "sd", [](double v) { return v > 0.0; }, "must be > 0");
  if (!(probability_threshold > 0.0 && probability_threshold <= 1.0)) {
    option_error("probability_threshold",
                 kField + "probability_threshold = " + number_text(probability_threshold) + ": must be in (0, 1]", {},
                 number_text(probability_threshold));
  }
  if (kmeans_starts < 1) {
    option_error("kmeans_starts", kField + "kmeans_starts = " + std::to_string(kmeans_starts) + ": must be >= 1", {},
                 std::to_string(kmeans_starts));
  }
}

method_provenance classify_method_provenance(classify_method m, const norm_table* norms) {
  switch (m) {
    case classify_method::fisher:
      return {"Brennan, Clark & Shaver (1998) classification functions; coefficients from about ten "
              "agreeing public scoring scripts (the original SPSS syntax was not found)",
              "secondary"};
    case classify_method::midpoint:
      return {"each dimension split at the scale's theoretical midpoint ('> midpoint = high'), a convention of public code",
              "convention"};
    case classify_method::median:
      return {"each dimension split at the sample median ('> median = high'), a convention of public code", "convention"};
    case classify_method::norms:
      return {"each dimension split at the norm mean of table '" + (norms != nullptr ? norms->id : std::string()) + "'",
              norms != nullptr && norms->status ? std::string(to_string(*norms->status)) : "not stated"};
    case classify_method::kmeans:
      return {"k-means with k = 4 on (anxiety, avoidance) (Lloyd iterations from k-means++ seeds, best of "
              "several starts), clusters labelled by quadrant",
              "data-driven"};
    case classify_method::prototypes:
      return {"nearest of the prototype points given", "user-given"};
    case classify_method::rq:
      return {"Bartholomew's rule for the RQ (SFU selfreports page): highest rating; ties to the forced "
              "choice, otherwise unclassified",
              "author"};
    case classify_method::raas:
      return {"Collins' rule for the Revised AAS (close-depend composite and anxiety against 3), as "
              "quoted in CRAN TestScorer 1.7.2",
              "secondary"};
  }
  return {};
}

std::vector<warning> all_warnings(const classify_study& s) {
  std::vector<warning> w = s.warnings;
  if (s.result) w.insert(w.end(), s.result->warnings.begin(), s.result->warnings.end());
  if (s.rq_result) w.insert(w.end(), s.rq_result->warnings.begin(), s.rq_result->warnings.end());
  for (const auto& n : s.norm_scores) w.insert(w.end(), n.normed.warnings.begin(), n.normed.warnings.end());
  return w;
}

classify_study study_classify(const instrument& inst, responses data, const classify_study_options& options) {
  options.validate();
  check_fit(inst, options);
  if (options.forced_choice_column && forced_choice_index(data, *options.forced_choice_column) < 0) {
    option_error("forced_choice_column",
                 "the data carry no forced-choice column: read it with read_options.extra_columns = {'" +
                     *options.forced_choice_column + "'}",
                 "forced_choice_not_read");
  }
  classify_study s = study_head(inst, options);
  s.id_column = id_column_name(data, options.input);
  s.n_rows = static_cast<std::size_t>(data.n_rows());
  // The range rule first, so that answers treated as missing are missing for the alphas too.
  const std::size_t n_out = apply_range_rule(inst, data, options.input.scoring);
  if (n_out > 0) s.warnings.push_back(std::to_string(n_out) + " answer(s) outside the response range were treated as missing");
  check_answers(inst, data, options.input, s.warnings);
  const score_table t = score(inst, data, options.input.scoring);
  s.warnings.insert(s.warnings.end(), t.warnings.begin(), t.warnings.end());
  s.ids = data.row_ids;
  s.kept = take_kept_columns(data, options.input);
  s.rows.resize(s.n_rows);
  for (std::size_t i = 0; i < s.n_rows; ++i) s.rows[i] = data.first_row + i;
  if (options.method == classify_method::rq) {
    classify_rows(s, rows_of(inst, t, data, options), {}, options);
    if (options.norms) add_norm_warnings(s, *options.norms);
  } else {
    classify_two_dimensions(s, inst, t, data, options);
  }
  return s;
}

classify_study study_classify(const instrument& inst, const std::string& path, const classify_study_options& options) {
  options.validate();
  check_fit(inst, options);
  const input_options in = classify_input(options);
  responses data;
  try {
    data = read_study_data(path, &inst, in);
  } catch (const error& e) {
    if (e.option() != "read_options.extra_columns") throw;
    error_details d = e.details();
    d.option = kField + "forced_choice_column";
    throw error(e.code(), std::string(e.what()) + " for the forced choice", d);
  }
  return study_classify(inst, std::move(data), options);
}

namespace {

// The methods whose rule is each respondent's own stream a file (the SEMs depend on the sample,
// and come from the first reading passes; norm scores and rq's forced choices are per row):
// median and kmeans take their cuts or clusters from every score, raas is left to the whole-file
// path, and standard input cannot be read twice.
bool streams(const std::string& path, const classify_study_options& o) {
  const bool per_row = o.method == classify_method::fisher || o.method == classify_method::midpoint ||
                       o.method == classify_method::norms || o.method == classify_method::prototypes ||
                       o.method == classify_method::rq;
  return per_row && path != "-";
}

// The two scores the two-dimension methods classify.
std::array<std::string, 2> dimension_scores(const instrument& inst) { return {inst.anxiety, inst.avoidance}; }

// A chunk made ready for scoring: the range rule applied (answers outside it missing), scored.
score_table score_chunk(const instrument& inst, responses& chunk, const classify_study_options& o, std::size_t& n_out) {
  n_out = apply_range_rule(inst, chunk, o.input.scoring);
  return score(inst, chunk, o.input.scoring);
}

// A chunk as the counting pass takes it: scored (after the range rule) and its answers checked
// (`answers_only`: the range check only, the subscales' moments are the alphas'; stream_head).
struct checked_chunk {
  std::size_t n_out = 0;
  std::optional<answer_checks> checks;
  score_table scores;
  void take(const instrument& inst, responses& chunk, const classify_study_options& o, bool answers_only = false) {
    scores = score_chunk(inst, chunk, o, n_out);
    checks.emplace(inst, o.input);
    if (answers_only) {
      checks->add_answers(chunk);
    } else {
      checks->add(chunk);
    }
  }
};

// The warnings of reading and scoring a file, in the order of the whole-file path.
std::vector<warning> reading_warnings(std::size_t n_out, const answer_checks& checks, const score_summary& summary,
                                      const std::string& path) {
  std::vector<warning> w;
  if (n_out > 0) w.push_back(std::to_string(n_out) + " answer(s) outside the response range were treated as missing");
  const auto checked = checks.warnings(path);
  w.insert(w.end(), checked.begin(), checked.end());
  const auto scored = summary.warnings();
  w.insert(w.end(), scored.begin(), scored.end());
  return w;
}

// The file read by the streaming passes, through the library's chunk pipeline: its bytes reported
// as progress stage `stage` (each pass has its own), the cancel flag read at every block.
detail::chunk_file chunk_source(const instrument& inst, const std::string& path, const classify_study_options& o,
                                std::string_view stage) {
  return {.path = path, .item_ids = inst.item_ids(), .read = reading_options(classify_input(o)), .progress = o.input.progress,
          .stage = stage};
}

// Chunks of detail::stream_chunk_rows rows (the alphas' moments merged over the chunks equal
// those of the whole matrix); never derived from the thread count.
detail::chunk_pipeline_options chunk_options(const classify_study_options& o) {
  return {.chunk_rows = detail::stream_chunk_rows, .threads = o.threads};
}

// What the first reading pass keeps of each chunk, so that the sample's SDs and the rows need
// no second reading of the file: the scores the method classifies (method_rows: 16 bytes a row
// for two scores, 36 for rq's four ratings and forced choice) and, for the rows, the ids and
// kept columns (about 32 bytes a row for a short id, plus the text of longer ids and of kept
// cells). Held up to `bound` bytes (classify_study_options::held_bytes): beyond it the ids and kept columns are dropped (the rows are
// read again, pass 3), and beyond it again with the scores alone, the scores too (the SDs read
// the file again, pass 2). So a file of up to about 1.3 million rows (short ids, no --keep) is
// read once, one of up to 4 million rows twice, a longer one three times as before (at the default
// bound); the store never exceeds about the bound.
struct row_store {
  std::size_t bound = std::size_t{64} << 20;
  struct chunk {
    std::size_t first_row = 0;
    std::vector<std::string> ids;
    kept_columns kept;
    method_rows m;
  };
  bool rows = true;    // every chunk's ids and kept columns are held
  bool scores = true;  // every chunk's two scores are held
  std::size_t bytes = 0;
  std::vector<chunk> chunks;

  static std::size_t score_bytes(const method_rows& m) {
    return sizeof(double) * static_cast<std::size_t>(m.x.size()) + sizeof(attachment_style) * m.forced_choice.size();
  }
  static std::size_t text_bytes(const std::vector<std::string>& v) {
    std::size_t n = v.size() * sizeof(std::string);
    for (const std::string& x : v) n += x.capacity() > 15 ? x.capacity() + 1 : 0;
    return n;
  }
  // A chunk of pass 1 (its rows `m`; its ids are moved from `data`).
  void add(responses& data, method_rows&& m, const input_options& in) {
    if (!scores) return;
    chunk c;
    c.first_row = data.first_row;
    c.m = std::move(m);
    bytes += score_bytes(c.m);
    if (rows) {
      c.ids = std::move(data.row_ids);
      c.kept = take_kept_columns(data, in);
      bytes += text_bytes(c.ids);
      for (const auto& column : c.kept.values) bytes += text_bytes(column);
    }
    chunks.push_back(std::move(c));
    if (bytes <= bound) return;
    if (rows) {
      rows = false;
      bytes = 0;
      for (chunk& x : chunks) {
        x.ids = {};
        x.kept = {};
        bytes += score_bytes(x.m);
      }
      if (bytes <= bound) return;
    }
    scores = false;
    chunks = {};
    bytes = 0;
  }
};

// Pass 1 (and 2): what the head needs before the first row is written: the row count, the
// warnings of reading and scoring, and each score's SEM from this sample's alpha (accumulated
// moments of its items, merged in file order) and SD (the sum in pass 1, the squared deviations
// from the mean over the scores `store` kept, or in pass 2 when it could not keep them, each
// summed row by row in file order: the same number as `sample_sd`).
// nullopt where the accumulated alpha cannot stand for the whole-matrix one (a constant item, an
// analysis that fails): the caller takes the whole-file path, which words the warning.
std::optional<classify_study> stream_head(const instrument& inst, const std::string& path,
                                          const classify_study_options& o, row_store& store) {
  classify_study s = study_head(inst, o);
  s.kept.names = o.input.keep;
  const auto names = dimension_scores(inst);
  const bool dimensions = o.method != classify_method::rq;  // rq: no SEM
  std::array<bool, 2> need_alpha{}, need_sd{};
  for (std::size_t d = 0; d < 2; ++d) {
    const char* role = d == 0 ? "anxiety" : "avoidance";
    need_alpha[d] = dimensions && !o.reliability.find(names[d], role);
    need_sd[d] = dimensions && !o.sd.find(names[d], role);
  }
  // The answer checks' moments of a subscale are those of the alpha of a score that is that
  // subscale alone (its keyed items, in order, are the accumulator's first columns): when every
  // subscale the checks judge is one, the checks take the answers only and the alphas' moments
  // afterwards, so that no keyed moments are formed twice.
  std::array<std::optional<std::size_t>, 2> subscale_of{};
  bool shared = true;
  for (std::size_t k = 0; k < inst.subscales.size(); ++k) {
    const std::size_t items = inst.subscales[k].items.size();
    if (items < 2 || items > sanity_max_items) continue;
    bool covered = false;
    for (std::size_t d = 0; d < 2; ++d) {
      if (!need_alpha[d]) continue;
      const auto subs = subscales_of(inst, names[d]);
      if (subs.size() == 1 && subs[0] == &inst.subscales[k]) {
        subscale_of[d] = k;
        covered = true;
      }
    }
    shared = shared && covered;
  }
  struct part : checked_chunk {
    std::array<std::optional<reliability_accumulator>, 2> alpha;
    method_rows rows;
  };
  std::vector<part> parts(detail::chunk_slots(o.threads));
  answer_checks checks(inst, o.input);
  score_summary summary(inst.score_names());
  std::array<std::optional<reliability_accumulator>, 2> alpha;
  std::array<double, 2> sum{}, ss{};
  std::array<std::size_t, 2> count{};
  std::size_t n_out = 0;
  bool first = true;
  std::size_t n_rows = 0;
  detail::for_each_chunk_slot(
      chunk_source(inst, path, o, "read"), chunk_options(o),
      [&](std::size_t c, responses& chunk) {
        part& p = parts[c];
        p.take(inst, chunk, o, shared);
        p.rows = rows_of(inst, p.scores, chunk, o);
        for (std::size_t d = 0; d < 2; ++d) {
          p.alpha[d].reset();
          if (!need_alpha[d]) continue;
          const Eigen::MatrixXd items = score_items(inst, names[d], chunk.values, o.input.scoring);
          if (items.cols() < 2) continue;
          p.alpha[d].emplace(items.cols(), missing_method::pairwise);
          p.alpha[d]->add(items);
        }
      },
      [&](std::size_t c, responses& chunk) {
        part& p = parts[c];
        n_rows += static_cast<std::size_t>(chunk.n_rows());
        if (first) {
          s.id_column = id_column_name(chunk, o.input);
          first = false;
        }
        n_out += p.n_out;
        checks.merge(*p.checks);
        summary.add(p.scores);
        store.add(chunk, std::move(p.rows), o.input);
        for (std::size_t d = 0; d < 2; ++d) {
          if (p.alpha[d]) {
            if (alpha[d]) {
              alpha[d]->merge(*p.alpha[d]);
            } else {
              alpha[d] = std::move(p.alpha[d]);
            }
          }
          if (!need_sd[d]) continue;
          const auto x = score_column(p.scores, names[d]);
          for (Eigen::Index i = 0; i < x.size(); ++i) {
            if (std::isfinite(x(i))) {
              sum[d] += x(i);
              ++count[d];
            }
          }
        }
      });
  if (n_rows == 0) return std::nullopt;  // the whole-file reader names the empty file
  s.n_rows = n_rows;
  if (shared) {
    for (std::size_t d = 0; d < 2; ++d) {
      if (subscale_of[d] && alpha[d]) checks.use_moments(*subscale_of[d], alpha[d]->moments());
    }
  }
  // Pass 2: the squared deviations from the mean, as sample_sd (descriptives.cpp) sums them.
  if ((need_sd[0] && count[0] >= 2) || (need_sd[1] && count[1] >= 2)) {
    std::array<double, 2> mean{};
    for (std::size_t d = 0; d < 2; ++d) mean[d] = count[d] > 0 ? sum[d] / static_cast<double>(count[d]) : 0.0;
    auto add_squares = [&](std::size_t d, const Eigen::Ref<const Eigen::VectorXd>& x) {
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        if (std::isfinite(x(i))) ss[d] += (x(i) - mean[d]) * (x(i) - mean[d]);
      }
    };
    if (store.scores) {  // the scores of pass 1, in file order
      for (const row_store::chunk& c : store.chunks) {
        for (std::size_t d = 0; d < 2; ++d) {
          if (need_sd[d]) add_squares(d, c.m.x.col(static_cast<Eigen::Index>(d)));
        }
      }
    } else {
    detail::for_each_chunk_slot(
        chunk_source(inst, path, o, "read_pass2"), chunk_options(o),
        [&](std::size_t c, responses& chunk) { parts[c].scores = score_chunk(inst, chunk, o, parts[c].n_out); },
        [&](std::size_t c, responses&) {
          for (std::size_t d = 0; d < 2; ++d) {
            if (need_sd[d]) add_squares(d, score_column(parts[c].scores, names[d]));
          }
        });
    }
  }
  s.warnings = reading_warnings(n_out, checks, summary, path);
  if (!dimensions) return s;
  s.scores = {names[0], names[1]};
  bool irregular = false;
  for (std::size_t d = 0; d < 2; ++d) {
    const std::string role = d == 0 ? "anxiety" : "avoidance";
    auto alpha_in_sample = [&](std::string* why) -> std::optional<double> {
      Eigen::Index k = 0;
      for (const subscale* sub : subscales_of(inst, names[d])) k += static_cast<Eigen::Index>(sub->items.size());
      if (k < 2) {
        *why = std::to_string(k) + " item(s)";
        return std::nullopt;
      }
      const pairwise_moments& pm = alpha[d]->moments();
      for (Eigen::Index i = 0; i < k; ++i) {
        if (!(pm.pair_m2()(i, i) > 0.0)) irregular = true;  // a constant item: the matrix path drops it
      }
      if (irregular) return std::nullopt;
      try {
        reliability_options ro;
        ro.intervals.clear();
        ro.split_half = false;
        return analyze_reliability(*alpha[d], ro).alpha;
      } catch (const error&) {
        irregular = true;  // the matrix path words the reason
        return std::nullopt;
      }
    };
    auto sd_in_sample = [&]() -> double {
      if (count[d] < 2) return std::numeric_limits<double>::quiet_NaN();
      return std::sqrt(ss[d] / static_cast<double>(count[d] - 1));
    };
    s.sem.push_back(estimate_sem(names[d], role, alpha_in_sample, sd_in_sample, o.reliability, o.sd, s.warnings));
    if (irregular) return std::nullopt;
  }
  return s;
}

// Whether the SEMs need a pass over the sample (an alpha or an SD not given).
bool sem_needs_sample(const instrument& inst, const classify_study_options& o) {
  const auto names = dimension_scores(inst);
  for (std::size_t d = 0; d < 2; ++d) {
    const char* role = d == 0 ? "anxiety" : "avoidance";
    if (!o.reliability.find(names[d], role) || !o.sd.find(names[d], role)) return true;
  }
  return false;
}

// Rows classified: the part handed to on_chunk (`head`: the study's head, for the columns), from
// a chunk's ids, kept columns and first row and its method_rows.
void classify_part(classify_study& p, const classify_study& head, const instrument& inst,
                   std::vector<std::string> ids, kept_columns kept, std::size_t first_row, method_rows m,
                   const classify_options& co, const classify_study_options& o) {
  p = study_head(inst, o);
  p.id_column = head.id_column;
  p.n_rows = static_cast<std::size_t>(m.x.rows());
  p.scores = head.scores;
  p.probability_threshold = head.probability_threshold;
  p.ids = std::move(ids);
  p.kept = std::move(kept);
  p.rows.resize(p.n_rows);
  for (std::size_t i = 0; i < p.n_rows; ++i) p.rows[i] = first_row + i;
  classify_rows(p, std::move(m), co, o);
}

// A chunk classified (its scores `t`).
void classify_part(classify_study& p, const classify_study& head, const instrument& inst, responses& chunk,
                   const score_table& t, const classify_options& co, const classify_study_options& o) {
  method_rows m = rows_of(inst, t, chunk, o);
  classify_part(p, head, inst, std::move(chunk.row_ids), take_kept_columns(chunk, o.input), chunk.first_row,
                std::move(m), co, o);
}

// The study's summary before its rows: that of no respondent (the method's note and fixed
// warnings; norm scores of no one, so that the head names their columns), and the norm table's
// warnings, in the whole-file path's order.
void begin_summary(classify_study& s, const classify_options& co, const classify_study_options& o) {
  classify_rows(s, {Eigen::MatrixXd(0, o.method == classify_method::rq ? 4 : 2), {}}, co, o);
  if (o.norms) add_norm_warnings(s, *o.norms);
}

// A part's summary added to the study's: classification or rq counts and each norm score's
// (merge_summary, called in file order: the same sums for any thread count).
void merge_part(classify_study& s, const classify_study& part, const classify_options& co, const classify_study_options& o) {
  if (s.rq_result) {
    merge_summary(*s.rq_result, *part.rq_result);
  } else {
    merge_summary(*s.result, *part.result, co);
  }
  for (std::size_t k = 0; k < s.norm_scores.size(); ++k) {
    merge_summary(s.norm_scores[k].normed, part.norm_scores[k].normed, *o.norms->find(s.norm_scores[k].score));
  }
}

// One reading pass (`head_without_counts`, SEMs given): each chunk is checked, summarised and
// classified; the head goes to on_head with the first chunk, the counts and the warnings of
// reading and scoring (in the order stream_head gives them) to the returned study. nullopt, with
// nothing handed over, when the file has no rows or reading it fails before the first chunk:
// the caller takes the whole-file path, which words the error.
std::optional<classify_study> classify_in_one_pass(const instrument& inst, const std::string& path,
                                                   const classify_study_options& o,
                                                   const std::function<void(const classify_study&)>& on_head,
                                                   const std::function<void(const classify_study&)>& on_chunk) {
  classify_study s = study_head(inst, o);
  s.kept.names = o.input.keep;
  const auto names = dimension_scores(inst);
  s.scores = {names[0], names[1]};
  auto not_needed = [](std::string*) -> std::optional<double> { return std::nullopt; };
  for (std::size_t d = 0; d < 2; ++d) {
    s.sem.push_back(estimate_sem(names[d], d == 0 ? "anxiety" : "avoidance", not_needed, [] { return nan_v; },
                                 o.reliability, o.sd, s.warnings));
  }
  const classify_options co = two_dimension_options(s, inst, o);
  struct part : checked_chunk {
    classify_study rows;
  };
  std::vector<part> parts(detail::chunk_slots(o.threads));
  answer_checks checks(inst, o.input);
  score_summary summary(inst.score_names());
  std::size_t n_out = 0;
  bool head_given = false, in_callback = false;
  std::size_t n_rows = 0;
  try {
    detail::for_each_chunk_slot(
        chunk_source(inst, path, o, "read"), chunk_options(o),
        [&](std::size_t c, responses& chunk) {
          part& p = parts[c];
          p.take(inst, chunk, o);
          classify_study head_columns;
          head_columns.id_column = id_column_name(chunk, o.input);
          head_columns.scores = s.scores;
          head_columns.probability_threshold = s.probability_threshold;
          classify_part(p.rows, head_columns, inst, chunk, p.scores, co, o);
        },
        [&](std::size_t c, responses&) {
          part& p = parts[c];
          if (!head_given) {
            s.id_column = p.rows.id_column;
            begin_summary(s, co, o);
            in_callback = true;
            on_head(s);
            in_callback = false;
            head_given = true;
          }
          n_rows += p.rows.n_rows;
          n_out += p.n_out;
          checks.merge(*p.checks);
          summary.add(p.scores);
          in_callback = true;
          on_chunk(p.rows);
          in_callback = false;
          merge_part(s, p.rows, co, o);
          p = part{};
        });
  } catch (const error& e) {
    detail::rethrow_if_cancelled(e);
    if (in_callback || head_given) throw;  // the caller's own error, or rows already handed over
    return std::nullopt;
  } catch (const std::bad_alloc&) {
    if (in_callback || head_given) throw;
    return std::nullopt;
  }
  if (n_rows == 0) return std::nullopt;  // the whole-file reader names the empty file
  s.n_rows = n_rows;
  const auto read = reading_warnings(n_out, checks, summary, path);
  s.warnings.insert(s.warnings.begin(), read.begin(), read.end());
  return s;
}

}  // namespace

classify_study classify_file(const instrument& inst, const std::string& path, const classify_study_options& options,
                             const std::function<void(const classify_study&)>& on_head,
                             const std::function<void(const classify_study&)>& on_chunk) {
  options.validate();
  check_fit(inst, options);
  std::optional<classify_study> head;
  row_store store;
  store.bound = options.held_bytes;
  // rq needs no SEM, but takes the counting pass all the same: a forced choice that is not a style
  // is then an error before any row is handed over, as on the whole-file path (and while its rows
  // fit held_bytes the file is still read once).
  if (streams(path, options) && options.head_without_counts && options.method != classify_method::rq &&
      !sem_needs_sample(inst, options)) {
    if (auto s = classify_in_one_pass(inst, path, options, on_head, on_chunk)) return std::move(*s);
  } else if (streams(path, options)) {
    // Any error on the way (a cell that is not a number, an unreadable file) is reported by the
    // whole-file path below, with the same message as ever, before any row is written.
    try {
      head = stream_head(inst, path, options, store);
    } catch (const error& e) {
      detail::rethrow_if_cancelled(e);
    } catch (const std::bad_alloc&) {
    }
  }
  if (!head) {
    const classify_study whole = study_classify(inst, path, options);
    on_head(whole);
    on_chunk(whole);
    return whole;
  }
  classify_study& s = *head;
  const classify_options co = two_dimension_options(s, inst, options);
  // The summary: that of no respondent (the method's fixed warnings), with every chunk's added.
  begin_summary(s, co, options);
  on_head(s);
  if (store.rows) {  // every row held by pass 1: classified without reading the file again
    // A batch of chunks is classified on the workers, then handed over and summed in file order
    // (the same output for any thread count). On the calling thread alone, 200,000 x 36 took
    // 0.27 s wall; in batches on two workers 0.19 s.
    const std::size_t batch = 2 * std::size_t{detail::worker_count(options.threads, store.chunks.size())};
    std::vector<classify_study> parts(batch);
    for (std::size_t first = 0; first < store.chunks.size(); first += batch) {
      detail::throw_if_cancelled(options.input.progress, "classify");
      const std::size_t n = std::min(batch, store.chunks.size() - first);
      detail::parallel_for(n, options.threads, [&](std::size_t i) {
        row_store::chunk& c = store.chunks[first + i];
        classify_part(parts[i], s, inst, std::move(c.ids), std::move(c.kept), c.first_row, std::move(c.m), co, options);
        c = row_store::chunk{};
      });
      for (std::size_t i = 0; i < n; ++i) {
        on_chunk(parts[i]);
        merge_part(s, parts[i], co, options);
      }
    }
    return s;
  }
  store = row_store{};
  std::vector<classify_study> parts(detail::chunk_slots(options.threads));
  detail::for_each_chunk_slot(
      chunk_source(inst, path, options, "read_pass3"), chunk_options(options),
      [&](std::size_t c, responses& chunk) {
        std::size_t n_out = 0;
        const score_table t = score_chunk(inst, chunk, options, n_out);
        classify_part(parts[c], s, inst, chunk, t, co, options);
      },
      [&](std::size_t c, responses&) {
        on_chunk(parts[c]);
        merge_part(s, parts[c], co, options);
        parts[c] = classify_study{};
      });
  return s;
}

ATTUNE_END_NAMESPACE
