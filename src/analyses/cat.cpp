// Computerised adaptive testing on a graded-response item bank (docs/irt.md, "Adaptive testing").
//
// References: Bock & Mislevy (1982) APM 6:431-444 (EAP updating); Lord (1980) Applications of IRT
// to Practical Testing Problems (maximum information); van der Linden & Pashley (2000), in
// Computerized Adaptive Testing: Theory and Practice, 1-25 (posterior-weighted information);
// Chang & Ying (1996) APM 20:213-229 (Kullback-Leibler global information); Kingsbury & Zara
// (1989) AME 2:359-375 (randomesque exposure control, content balancing).
#include "attune/analyses/cat.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include <nlohmann/json.hpp>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/graded.hpp"
#include "detail/json_input.hpp"
#include "detail/json_text.hpp"
#include "detail/number_text.hpp"
#include "detail/parallel.hpp"
#include "detail/progress.hpp"
#include "detail/random.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

using detail::number_text;
using Eigen::Index;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kSessionFormat = "attune-cat-session/1";

constexpr auto bad_option = detail::fail_option;

constexpr detail::enum_table<cat_selection, 3> kSelectionNames{
    {{cat_selection::mfi, "mfi"}, {cat_selection::mpwi, "mpwi"}, {cat_selection::kl, "kl"}}};
constexpr detail::enum_table<cat_balance, 3> kBalanceNames{
    {{cat_balance::alternate, "alternate"}, {cat_balance::largest_se, "largest_se"}, {cat_balance::none, "none"}}};
constexpr detail::enum_table<cat_stop_rule, 5> kStopNames{{{cat_stop_rule::se_reached, "se_reached"},
                                                           {cat_stop_rule::se_plateau, "se_plateau"},
                                                           {cat_stop_rule::max_items, "max_items"},
                                                           {cat_stop_rule::bank_exhausted, "bank_exhausted"},
                                                           {cat_stop_rule::max_total_items, "max_total_items"}}};

[[noreturn]] void misuse(const std::string& what, const std::optional<std::string>& item = std::nullopt,
                         const std::optional<std::string>& value = std::nullopt) {
  error_details d;
  d.item = item;
  d.value = value;
  d.rule = "cat_session";
  throw error(errc::invalid_argument, "cat_session: " + what, d);
}

double pearson(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  double n = 0, sx = 0, sy = 0;
  for (Index i = 0; i < x.size(); ++i)
    if (std::isfinite(x(i)) && std::isfinite(y(i))) {
      n += 1;
      sx += x(i);
      sy += y(i);
    }
  if (n < 2) return nan_v;
  const double mx = sx / n, my = sy / n;
  double sxx = 0, syy = 0, sxy = 0;
  for (Index i = 0; i < x.size(); ++i)
    if (std::isfinite(x(i)) && std::isfinite(y(i))) {
      sxx += (x(i) - mx) * (x(i) - mx);
      syy += (y(i) - my) * (y(i) - my);
      sxy += (x(i) - mx) * (y(i) - my);
    }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : nan_v;
}

double rmse(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  double n = 0, s = 0;
  for (Index i = 0; i < x.size(); ++i)
    if (std::isfinite(x(i)) && std::isfinite(y(i))) {
      n += 1;
      s += (x(i) - y(i)) * (x(i) - y(i));
    }
  return n > 0 ? std::sqrt(s / n) : nan_v;
}

}  // namespace

std::string_view to_string(cat_selection s) noexcept { return detail::enum_name(kSelectionNames, s); }
std::optional<cat_selection> parse_cat_selection(std::string_view s) noexcept { return detail::enum_parse(kSelectionNames, s); }
std::string_view to_string(cat_balance b) noexcept { return detail::enum_name(kBalanceNames, b); }
std::optional<cat_balance> parse_cat_balance(std::string_view s) noexcept { return detail::enum_parse(kBalanceNames, s); }
std::string_view to_string(cat_stop_rule r) noexcept { return detail::enum_name(kStopNames, r); }
std::optional<cat_stop_rule> parse_cat_stop_rule(std::string_view s) noexcept { return detail::enum_parse(kStopNames, s); }

void cat_options::validate() const {
  const std::string f = "cat_options.";
  quadrature.validate();
  if (randomesque < 1) bad_option(f + "randomesque", std::to_string(randomesque), "must be >= 1 (1 = always the best item)");
  if (!(kl_delta > 0) || !std::isfinite(kl_delta)) bad_option(f + "kl_delta", number_text(kl_delta), "must be positive and finite");
  if (stop.se && (!(*stop.se > 0) || !std::isfinite(*stop.se))) bad_option(f + "stop.se", number_text(*stop.se), "must be positive");
  if (stop.min_items < 0) bad_option(f + "stop.min_items", std::to_string(stop.min_items), "must be >= 0");
  if (stop.max_items && *stop.max_items < 1) bad_option(f + "stop.max_items", std::to_string(*stop.max_items), "must be >= 1");
  if (stop.max_items && *stop.max_items < stop.min_items)
    bad_option(f + "stop.max_items", std::to_string(*stop.max_items), "must be >= stop.min_items = " + std::to_string(stop.min_items));
  if (stop.se_change && (!(*stop.se_change > 0) || !std::isfinite(*stop.se_change)))
    bad_option(f + "stop.se_change", number_text(*stop.se_change), "must be positive");
  if (stop.max_total_items && *stop.max_total_items < 1)
    bad_option(f + "stop.max_total_items", std::to_string(*stop.max_total_items), "must be >= 1");
}

void cat_simulation_options::validate() const {
  cat.validate();
  if (n < 1) bad_option("cat_simulation_options.n", "0", "must be >= 1");
}

// ---------------------------------------------------------------------------------------------
// The session

struct cat_session::state {
  // fixed
  std::vector<bank_item> items;
  std::string fingerprint;
  cat_options options;
  quadrature qd;
  std::vector<std::string> scale_names;
  std::vector<std::size_t> scale_of;     // item -> scale
  std::vector<std::vector<double>> info;  // item -> information at the nodes (mpwi only)
  // changing
  std::vector<std::vector<double>> posterior;  // scale -> normalised posterior at the nodes
  std::vector<double> theta, se;
  std::vector<double> last_change;  // scale -> SE decrease of its last answered item (NaN: none yet)
  std::vector<int> count;           // scale -> items administered
  std::vector<std::optional<cat_stop_rule>> finished;
  std::vector<bool> used;
  std::vector<cat_response> history;
  std::optional<std::size_t> pending_item;
  std::optional<cat_stop_rule> stopped;
  std::optional<cat_stop_rule> last_finish;
  detail::rng gen{1};
  detail::graded_point gp;

  state(const item_bank& bank, const cat_options& opt) : items(bank.items), options(opt), gen(opt.seed) {
    bank.validate();
    opt.validate();
    fingerprint = item_bank_fingerprint(bank);
    qd = make_quadrature(opt.quadrature);
    scale_names = bank.scales();
    scale_of.resize(items.size());
    for (std::size_t j = 0; j < items.size(); ++j)
      scale_of[j] = static_cast<std::size_t>(std::find(scale_names.begin(), scale_names.end(), items[j].scale) - scale_names.begin());
    const std::size_t s_n = scale_names.size();
    const auto q_n = static_cast<std::size_t>(qd.nodes.size());
    if (opt.selection == cat_selection::mpwi) {
      info.assign(items.size(), std::vector<double>(q_n));
      for (std::size_t j = 0; j < items.size(); ++j)
        for (std::size_t q = 0; q < q_n; ++q) {
          gp.evaluate(items[j].slope, items[j].intercepts.data(), items[j].category_count(), qd.nodes(static_cast<Index>(q)), true);
          info[j][q] = gp.information(items[j].slope);
        }
    }
    posterior.assign(s_n, std::vector<double>(qd.weights.data(), qd.weights.data() + q_n));
    theta.assign(s_n, 0.0);
    se.assign(s_n, 1.0);
    last_change.assign(s_n, nan_v);
    count.assign(s_n, 0);
    finished.assign(s_n, std::nullopt);
    used.assign(items.size(), false);
    for (std::size_t s = 0; s < s_n; ++s) moments(s);
    evaluate_stops();
  }

  void moments(std::size_t s) {
    const auto& p = posterior[s];
    double m = 0;
    for (std::size_t q = 0; q < p.size(); ++q) m += p[q] * qd.nodes(static_cast<Index>(q));
    double v = 0;
    for (std::size_t q = 0; q < p.size(); ++q) {
      const double e = qd.nodes(static_cast<Index>(q)) - m;
      v += p[q] * e * e;
    }
    theta[s] = m;
    se[s] = std::sqrt(v);
  }

  [[nodiscard]] bool has_items_left(std::size_t s) const {
    for (std::size_t j = 0; j < items.size(); ++j)
      if (scale_of[j] == s && !used[j]) return true;
    return false;
  }

  // The stop rules, in the documented order of precedence.
  void evaluate_stops() {
    const auto& st = options.stop;
    for (std::size_t s = 0; s < scale_names.size(); ++s) {
      if (finished[s]) continue;
      std::optional<cat_stop_rule> rule;
      if (count[s] >= st.min_items) {
        if (st.se && se[s] <= *st.se) {
          rule = cat_stop_rule::se_reached;
        } else if (st.se_change && std::isfinite(last_change[s]) && last_change[s] < *st.se_change) {
          rule = cat_stop_rule::se_plateau;
        } else if (st.max_items && count[s] >= *st.max_items) {
          rule = cat_stop_rule::max_items;
        }
      }
      if (!rule && !has_items_left(s)) rule = cat_stop_rule::bank_exhausted;
      if (rule) {
        finished[s] = rule;
        last_finish = rule;
      }
    }
    if (st.max_total_items && static_cast<int>(history.size()) >= *st.max_total_items) {
      stopped = cat_stop_rule::max_total_items;
    } else if (std::all_of(finished.begin(), finished.end(), [](const auto& f) { return f.has_value(); })) {
      stopped = last_finish;
    }
  }

  void apply(std::size_t j, double value, std::optional<int> category) {
    const std::size_t s = scale_of[j];
    if (category) {
      auto& p = posterior[s];
      const auto& it = items[j];
      std::vector<double> probs(static_cast<std::size_t>(it.category_count()));
      double tot = 0;
      for (std::size_t q = 0; q < p.size(); ++q) {
        detail::graded_probabilities(it.slope, it.intercepts.data(), it.category_count(), qd.nodes(static_cast<Index>(q)), probs.data());
        p[q] *= probs[static_cast<std::size_t>(*category)];
        tot += p[q];
      }
      if (tot > 0)
        for (double& v : p) v /= tot;
      const double before = se[s];
      moments(s);
      last_change[s] = before - se[s];
    }
    used[j] = true;
    ++count[s];
    history.push_back({items[j].id, items[j].scale, value, theta[s], se[s]});
    pending_item.reset();
    evaluate_stops();
  }

  // Chang & Ying (1996): integral over [t - d, t + d] of KL(P(t) || P(theta)) d theta, Simpson's
  // rule on 20 intervals.
  double kl_information(const bank_item& it, double t, double d) {
    const int kc = it.category_count();
    std::vector<double> p0(static_cast<std::size_t>(kc)), p1(static_cast<std::size_t>(kc));
    detail::graded_probabilities(it.slope, it.intercepts.data(), kc, t, p0.data());
    constexpr int intervals = 20;
    const double h = 2 * d / intervals;
    double sum = 0;
    for (int i = 0; i <= intervals; ++i) {
      detail::graded_probabilities(it.slope, it.intercepts.data(), kc, t - d + i * h, p1.data());
      double kl = 0;
      for (std::size_t c = 0; c < p0.size(); ++c)
        if (p0[c] > 0) kl += p0[c] * std::log(p0[c] / std::max(p1[c], 1e-300));
      sum += kl * (i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2);
    }
    return sum * h / 3;
  }

  double criterion(std::size_t j) {
    const std::size_t s = scale_of[j];
    const auto& it = items[j];
    switch (options.selection) {
      case cat_selection::mfi:
        gp.evaluate(it.slope, it.intercepts.data(), it.category_count(), theta[s], true);
        return gp.information(it.slope);
      case cat_selection::mpwi: {
        double v = 0;
        for (std::size_t q = 0; q < info[j].size(); ++q) v += posterior[s][q] * info[j][q];
        return v;
      }
      case cat_selection::kl: {
        int answered = 0;
        for (const auto& h : history)
          if (h.scale == it.scale && !std::isnan(h.value)) ++answered;
        return kl_information(it, theta[s], options.kl_delta / std::sqrt(std::max(1, answered)));
      }
    }
    return 0;
  }

  std::optional<std::size_t> select() {
    if (stopped) return std::nullopt;
    if (pending_item) return pending_item;
    const std::size_t s_n = scale_names.size();
    std::vector<bool> pick_scale(s_n, false);
    switch (options.balance) {
      case cat_balance::alternate: {
        // the unfinished scale after the scale of the last item, cyclically
        std::size_t start = 0;
        if (!history.empty()) {
          const auto last = std::find(scale_names.begin(), scale_names.end(), history.back().scale) - scale_names.begin();
          start = (static_cast<std::size_t>(last) + 1) % s_n;
        }
        for (std::size_t i = 0; i < s_n; ++i) {
          const std::size_t s = (start + i) % s_n;
          if (!finished[s]) {
            pick_scale[s] = true;
            break;
          }
        }
        break;
      }
      case cat_balance::largest_se: {
        std::optional<std::size_t> best;
        for (std::size_t s = 0; s < s_n; ++s)
          if (!finished[s] && (!best || se[s] > se[*best])) best = s;
        if (best) pick_scale[*best] = true;
        break;
      }
      case cat_balance::none:
        for (std::size_t s = 0; s < s_n; ++s) pick_scale[s] = !finished[s];
        break;
    }
    std::vector<std::pair<double, std::size_t>> cand;
    for (std::size_t j = 0; j < items.size(); ++j)
      if (!used[j] && pick_scale[scale_of[j]]) cand.emplace_back(criterion(j), j);
    if (cand.empty()) return std::nullopt;  // cannot happen: an unfinished scale has items left
    // best first; ties in bank order (a deterministic order the draw below relies on)
    std::sort(cand.begin(), cand.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    const auto top = std::min<std::size_t>(static_cast<std::size_t>(options.randomesque), cand.size());
    const std::size_t pick = top > 1 ? static_cast<std::size_t>(gen.below(top)) : 0;
    pending_item = cand[pick].second;
    return pending_item;
  }

  [[nodiscard]] std::size_t scale_index(std::string_view scale) const {
    if (scale.empty()) {
      if (scale_names.size() != 1) {
        std::string all;
        for (const auto& n : scale_names) all += (all.empty() ? "" : ", ") + n;
        misuse("the bank has " + std::to_string(scale_names.size()) + " scales (" + all + "): name one");
      }
      return 0;
    }
    const auto it = std::find(scale_names.begin(), scale_names.end(), scale);
    if (it == scale_names.end()) misuse("the bank has no scale " + detail::quoted(scale));
    return static_cast<std::size_t>(it - scale_names.begin());
  }

  std::pair<std::size_t, std::optional<int>> check_answer(std::string_view id, double value) const {
    std::ptrdiff_t j = -1;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (items[i].id == id) j = static_cast<std::ptrdiff_t>(i);
    if (j < 0) misuse("the bank has no item " + detail::quoted(id), std::string(id));
    const auto ju = static_cast<std::size_t>(j);
    if (stopped) misuse("the test is finished (" + std::string(to_string(*stopped)) + "): no more answers", std::string(id));
    if (used[ju]) misuse("item '" + items[ju].id + "' was already administered", items[ju].id);
    if (std::isnan(value)) return {ju, std::nullopt};
    const auto c = items[ju].category_of(value);
    if (!c)
      misuse("the answer " + number_text(value) + " to item '" + items[ju].id + "' is not one of its categories", items[ju].id,
             number_text(value));
    return {ju, c};
  }
};

cat_session::cat_session(const item_bank& bank, const cat_options& options) : s_(std::make_unique<state>(bank, options)) {}
cat_session::cat_session(std::unique_ptr<state> s) : s_(std::move(s)) {}
cat_session::~cat_session() = default;
cat_session::cat_session(const cat_session& other) : s_(std::make_unique<state>(*other.s_)) {}
cat_session& cat_session::operator=(const cat_session& other) {
  if (this != &other) s_ = std::make_unique<state>(*other.s_);
  return *this;
}
cat_session::cat_session(cat_session&&) noexcept = default;
cat_session& cat_session::operator=(cat_session&&) noexcept = default;

std::optional<std::string> cat_session::next_item() {
  const auto j = s_->select();
  if (!j) return std::nullopt;
  return s_->items[*j].id;
}

void cat_session::answer(std::string_view item, double value) {
  const auto [j, c] = s_->check_answer(item, value);
  s_->apply(j, value, c);
}

double cat_session::theta(std::string_view scale) const { return s_->theta[s_->scale_index(scale)]; }
double cat_session::se(std::string_view scale) const { return s_->se[s_->scale_index(scale)]; }

std::vector<cat_scale_status> cat_session::scales() const {
  std::vector<cat_scale_status> out;
  for (std::size_t s = 0; s < s_->scale_names.size(); ++s)
    out.push_back({s_->scale_names[s], s_->theta[s], s_->se[s], s_->count[s], s_->finished[s]});
  return out;
}

const std::vector<cat_response>& cat_session::history() const { return s_->history; }
std::optional<std::string> cat_session::pending() const {
  if (!s_->pending_item) return std::nullopt;
  return s_->items[*s_->pending_item].id;
}
bool cat_session::done() const { return s_->stopped.has_value(); }
std::optional<cat_stop_rule> cat_session::stop_rule() const { return s_->stopped; }
const cat_options& cat_session::options() const { return s_->options; }

// ---------------------------------------------------------------------------------------------
// Saving and restoring

namespace {

using ojson = nlohmann::ordered_json;

template <class T>
ojson optional_json(const std::optional<T>& v) {
  return v ? ojson(*v) : ojson(nullptr);
}

}  // namespace

std::string cat_session::save() const {
  const state& st = *s_;
  const cat_options& o = st.options;
  ojson doc;
  doc["format"] = std::string(kSessionFormat);
  doc["bank"] = st.fingerprint;
  ojson opt;
  opt["selection"] = std::string(to_string(o.selection));
  opt["balance"] = std::string(to_string(o.balance));
  opt["randomesque"] = o.randomesque;
  opt["seed"] = std::to_string(o.seed);
  opt["kl_delta"] = o.kl_delta;
  opt["stop"] = ojson{{"se", optional_json(o.stop.se)},
                      {"min_items", o.stop.min_items},
                      {"max_items", optional_json(o.stop.max_items)},
                      {"se_change", optional_json(o.stop.se_change)},
                      {"max_total_items", optional_json(o.stop.max_total_items)}};
  opt["quadrature"] = ojson{{"rule", std::string(to_string(o.quadrature.rule))},
                            {"points", o.quadrature.points},
                            {"lower", o.quadrature.lower},
                            {"upper", o.quadrature.upper}};
  doc["options"] = std::move(opt);
  const auto g = st.gen.state();
  doc["rng"] = ojson{{"seed", std::to_string(g.seed)}, {"draws", std::to_string(g.draws)}, {"spare", optional_json(g.spare)}};
  doc["pending"] = st.pending_item ? ojson(st.items[*st.pending_item].id) : ojson(nullptr);
  ojson answers = ojson::array();
  for (const auto& h : st.history) answers.push_back(ojson{{"item", h.item}, {"value", std::isnan(h.value) ? ojson(nullptr) : ojson(h.value)}});
  doc["answers"] = std::move(answers);
  return detail::json_text(doc, -1);
}

cat_session cat_session::restore(const item_bank& bank, std::string_view json) {
  using detail::json_object_reader;
  const std::string source = "CAT session JSON";
  const nlohmann::json doc = detail::parse_json_strict(json, source);
  json_object_reader r(doc, "", source, {"format", "bank", "options", "rng", "pending", "answers"});
  if (r.string("format") != kSessionFormat) r.fail("format", "must be \"" + std::string(kSessionFormat) + "\"");
  auto u64 = [&](const json_object_reader& rd, const char* key) {
    const std::string text = rd.string(key);
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) rd.fail(key, "must be a whole number written as a string");
    return v;
  };
  cat_options o;
  {
    json_object_reader ro(r.at("options"), "options", source, {"selection", "balance", "randomesque", "seed", "kl_delta", "stop", "quadrature"});
    const auto sel = parse_cat_selection(ro.string("selection"));
    if (!sel) ro.fail("selection", "must be mfi, mpwi or kl");
    o.selection = *sel;
    const auto bal = parse_cat_balance(ro.string("balance"));
    if (!bal) ro.fail("balance", "must be alternate, largest_se or none");
    o.balance = *bal;
    o.randomesque = static_cast<int>(ro.count("randomesque", 1000000));
    o.seed = u64(ro, "seed");
    o.kl_delta = ro.number("kl_delta");
    json_object_reader rs(ro.at("stop"), "options.stop", source, {"se", "min_items", "max_items", "se_change", "max_total_items"});
    o.stop.se = rs.has("se") ? std::optional<double>(rs.number("se")) : std::nullopt;
    o.stop.min_items = static_cast<int>(rs.count("min_items", 1000000));
    o.stop.max_items = rs.has("max_items") ? std::optional<int>(static_cast<int>(rs.count("max_items", 1000000))) : std::nullopt;
    o.stop.se_change = rs.has("se_change") ? std::optional<double>(rs.number("se_change")) : std::nullopt;
    o.stop.max_total_items =
        rs.has("max_total_items") ? std::optional<int>(static_cast<int>(rs.count("max_total_items", 1000000))) : std::nullopt;
    json_object_reader rq(ro.at("quadrature"), "options.quadrature", source, {"rule", "points", "lower", "upper"});
    const auto rule = parse_quadrature_rule(rq.string("rule"));
    if (!rule) rq.fail("rule", "must be equally_spaced or gauss_hermite");
    o.quadrature.rule = *rule;
    o.quadrature.points = static_cast<int>(rq.count("points", 100000));
    o.quadrature.lower = rq.number("lower");
    o.quadrature.upper = rq.number("upper");
    try {
      o.validate();
    } catch (const error& e) {
      throw error(errc::bad_input, source + ": options: " + e.what(), {.source = source, .rule = "json_field"});
    }
  }
  auto st = std::make_unique<state>(bank, o);
  const std::string fp = r.string("bank");
  if (fp != st->fingerprint)
    r.fail("bank", "is the fingerprint of another item bank (this bank's is " + st->fingerprint +
                       "): a session continues only on the bank it started on");
  const auto& answers = r.array("answers");
  for (std::size_t i = 0; i < answers.size(); ++i) {
    json_object_reader ra(answers[i], "answers[" + std::to_string(i) + "]", source, {"item", "value"});
    const std::string id = ra.string("item");
    ra.set_item(id);
    const double value = ra.has("value") ? ra.number("value") : nan_v;
    try {
      const auto [j, c] = st->check_answer(id, value);
      st->apply(j, value, c);
    } catch (const error& e) {
      ra.fail_at(ra.path(), std::string("cannot be replayed: ") + e.what(), answers[i]);
    }
  }
  {
    json_object_reader rg(r.at("rng"), "rng", source, {"seed", "draws", "spare"});
    detail::rng::state_type g;
    g.seed = u64(rg, "seed");
    g.draws = u64(rg, "draws");
    // Restoring replays the draws (O(draws)): a session draws a few words per item asked, so a
    // count far past that is a damaged or hostile text, refused before it costs seconds (fuzz F19).
    const std::uint64_t max_draws = 1000 * static_cast<std::uint64_t>(st->items.size()) + 1000000;
    if (g.draws > max_draws) {
      rg.fail("draws", "is implausibly large for a CAT session on " + std::to_string(st->items.size()) +
                           " items (at most " + std::to_string(max_draws) + ")");
    }
    if (rg.has("spare")) g.spare = rg.number("spare");
    st->gen = detail::rng::resume(g);
  }
  if (r.has("pending")) {
    const std::string id = r.string("pending");
    std::optional<std::size_t> j;
    for (std::size_t i = 0; i < st->items.size(); ++i)
      if (st->items[i].id == id) j = i;
    if (!j) r.fail("pending", "is not an item of the bank");
    if (st->used[*j]) r.fail("pending", "names an item that was already answered");
    if (st->stopped) r.fail("pending", "is set on a finished session");
    st->pending_item = j;
  }
  return cat_session(std::move(st));
}

// ---------------------------------------------------------------------------------------------
// Simulation

namespace {

cat_simulation_result run_simulation(const item_bank& bank, const Eigen::MatrixXd& answers, const Eigen::MatrixXd& theta_true,
                                     const cat_simulation_options& options) {
  const auto scales = bank.scales();
  const auto s_n = static_cast<Index>(scales.size());
  const Index n = answers.rows();
  cat_simulation_result res;
  res.respondents = static_cast<std::size_t>(n);
  res.theta_true = theta_true;
  res.theta_cat = Eigen::MatrixXd::Constant(n, s_n, nan_v);
  res.se_cat = Eigen::MatrixXd::Constant(n, s_n, nan_v);
  res.theta_full = Eigen::MatrixXd::Constant(n, s_n, nan_v);
  res.items_used = Eigen::VectorXi::Zero(n);
  Eigen::MatrixXi per_scale = Eigen::MatrixXi::Zero(n, s_n);
  std::vector<std::optional<cat_stop_rule>> rule(static_cast<std::size_t>(n));
  // the full-length EAP on the CAT's grid and prior
  grm_score_options so;
  so.quadrature = options.cat.quadrature;
  so.threads = options.threads;
  const auto full = score_item_bank(bank, answers, so);
  for (Index s = 0; s < s_n; ++s) res.theta_full.col(s) = full[static_cast<std::size_t>(s)].theta;
  // respondent i: a session seeded from its own stream, so results do not depend on threads
  detail::progress_meter meter(options.progress, "cat_simulation", static_cast<std::uint64_t>(n));
  detail::parallel_for_blocks(static_cast<std::size_t>(n), 64, options.threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      meter.check();
      cat_options co = options.cat;
      co.seed = detail::stream_seed(options.cat.seed, i);
      cat_session s(bank, co);
      const auto ii = static_cast<Index>(i);
      while (auto next = s.next_item()) {
        const auto j = static_cast<Index>(bank.item_index(*next));
        s.answer(*next, answers(ii, j));
      }
      const auto status = s.scales();
      for (Index c = 0; c < s_n; ++c) {
        res.theta_cat(ii, c) = status[static_cast<std::size_t>(c)].theta;
        res.se_cat(ii, c) = status[static_cast<std::size_t>(c)].se;
        per_scale(ii, c) = status[static_cast<std::size_t>(c)].items;
      }
      res.items_used(ii) = static_cast<int>(s.history().size());
      rule[i] = s.stop_rule();
    }
    meter.advance(e - b);
  });
  meter.finish();
  res.mean_items = res.items_used.cast<double>().mean();
  std::map<int, std::size_t> lengths;
  for (Index i = 0; i < n; ++i) ++lengths[res.items_used(i)];
  for (const auto& [len, cnt] : lengths) res.items_distribution.push_back({len, cnt});
  for (const auto& entry : kStopNames) {
    const cat_stop_rule r = entry.first;
    const auto cnt = static_cast<std::size_t>(std::count(rule.begin(), rule.end(), std::optional<cat_stop_rule>(r)));
    if (cnt > 0) res.stop_rules.push_back({r, cnt});
  }
  for (Index c = 0; c < s_n; ++c) {
    cat_simulation_scale sc;
    sc.name = scales[static_cast<std::size_t>(c)];
    sc.mean_items = per_scale.col(c).cast<double>().mean();
    sc.mean_se = res.se_cat.col(c).mean();
    sc.rmse_true = rmse(res.theta_cat.col(c), res.theta_true.col(c));
    sc.cor_true = pearson(res.theta_cat.col(c), res.theta_true.col(c));
    sc.cor_full_eap = pearson(res.theta_cat.col(c), res.theta_full.col(c));
    sc.rmse_full_eap = rmse(res.theta_cat.col(c), res.theta_full.col(c));
    res.scales.push_back(std::move(sc));
  }
  for (const auto& f : full)
    for (const auto& w : f.warnings) res.warnings.push_back("full-length EAP (" + f.scale + "): " + w);
  return res;
}

}  // namespace

cat_simulation_result simulate_cat(const item_bank& bank, const cat_simulation_options& options) {
  options.validate();
  grm_simulation_options go;
  go.n = options.n;
  go.seed = options.seed;
  go.threads = options.threads;
  const grm_simulation sim = simulate_graded(bank, go);
  return run_simulation(bank, sim.answers, sim.theta, options);
}

cat_simulation_result simulate_cat(const item_bank& bank, const Eigen::MatrixXd& answers, const cat_simulation_options& options) {
  options.validate();
  bank.validate();
  if (answers.cols() != static_cast<Index>(bank.items.size()))
    throw error(errc::invalid_argument, "simulate_cat: the answers have " + std::to_string(answers.cols()) + " columns for " +
                                            std::to_string(bank.items.size()) + " bank items (one column per item, in bank order)");
  const Eigen::MatrixXd none = Eigen::MatrixXd::Constant(answers.rows(), static_cast<Index>(bank.scales().size()), nan_v);
  return run_simulation(bank, answers, none, options);
}

ATTUNE_END_NAMESPACE
