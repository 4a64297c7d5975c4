#include "attune/keys/instrument.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cmath>
#include <set>
#include <sstream>

#include "attune/core/error.hpp"
#include "detail/enum_names.hpp"
#include "detail/quote.hpp"
#include "detail/file.hpp"
#include "attune/io/output_file.hpp"
#include "detail/json_input.hpp"
#include "detail/json_text.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
constexpr detail::enum_table<scoring_method, 2> scoring_method_names{{{scoring_method::mean, "mean"}, {scoring_method::sum, "sum"}}};
constexpr detail::enum_table<confirmation, 4> confirmation_names{{{confirmation::author, "author"},
                                                                  {confirmation::empirical, "empirical"},
                                                                  {confirmation::secondary, "secondary"},
                                                                  {confirmation::unconfirmed, "unconfirmed"}}};
constexpr detail::enum_table<composite::rule, 2> composite_rule_names{
    {{composite::rule::mean, "mean"}, {composite::rule::weighted_sum, "weighted_sum"}}};
}  // namespace

std::optional<response_range> parse_response_range(std::string_view text) noexcept {
  for (std::size_t dash = text.find('-', 1); dash != std::string_view::npos; dash = text.find('-', dash + 1)) {
    response_range r;
    const char* a = text.data();
    const auto [p1, e1] = std::from_chars(a, a + dash, r.min);
    const auto [p2, e2] = std::from_chars(a + dash + 1, a + text.size(), r.max);
    if (e1 == std::errc() && e2 == std::errc() && p1 == a + dash && p2 == a + text.size() && r.min < r.max) return r;
  }
  return std::nullopt;
}

std::string_view to_string(scoring_method m) noexcept { return detail::enum_name(scoring_method_names, m); }
std::string_view to_string(confirmation c) noexcept { return detail::enum_name(confirmation_names, c); }
std::string_view to_string(composite::rule r) noexcept { return detail::enum_name(composite_rule_names, r); }
std::optional<scoring_method> parse_scoring_method(std::string_view s) noexcept {
  return detail::enum_parse(scoring_method_names, s);
}
std::optional<confirmation> parse_confirmation(std::string_view s) noexcept { return detail::enum_parse(confirmation_names, s); }
std::optional<composite::rule> parse_composite_rule(std::string_view s) noexcept {
  return detail::enum_parse(composite_rule_names, s);
}

// ---------------------------------------------------------------------------------------------
// The instrument data model

std::ptrdiff_t instrument::item_index(std::string_view item_id) const noexcept {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].id == item_id) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

const subscale* instrument::find_subscale(std::string_view subscale_name) const noexcept {
  for (const auto& s : subscales) {
    if (s.name == subscale_name) return &s;
  }
  return nullptr;
}

bool instrument::is_reversed(const subscale& s, std::string_view item_id) const noexcept {
  if (s.reversed_items) {
    return std::find(s.reversed_items->begin(), s.reversed_items->end(), item_id) != s.reversed_items->end();
  }
  const auto i = item_index(item_id);
  return i >= 0 && items[static_cast<std::size_t>(i)].reversed;
}

std::vector<std::string> instrument::item_ids() const {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& it : items) ids.push_back(it.id);
  return ids;
}

std::vector<std::string> instrument::score_names() const {
  std::vector<std::string> names;
  for (const auto& s : subscales) names.push_back(s.name);
  for (const auto& c : composites) names.push_back(c.name);
  return names;
}

void instrument::validate() const {
  const std::string self = "instrument " + detail::quoted(id);
  auto fail = [&](const std::string& what) { throw error(errc::bad_input, self + ": " + what); };
  auto check_range = [&](const response_range& r, const std::string& where) {
    if (!std::isfinite(r.min) || !std::isfinite(r.max) || r.min >= r.max) {
      std::ostringstream os;
      os << where << " range " << r.min << "-" << r.max << " is invalid: min must be below max";
      fail(os.str());
    }
  };
  if (id.empty()) throw error(errc::bad_input, "instrument: the id is empty");
  if (items.empty()) fail("it has no items");
  if (subscales.empty()) fail("it has no subscales");
  check_range(range, "the response");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    if (it.id.empty()) fail("item " + std::to_string(i + 1) + " has an empty id");
    if (!seen.insert(it.id).second) fail("duplicate item id " + detail::quoted(it.id));
    if (it.range) check_range(*it.range, "item " + detail::quoted(it.id));
  }
  std::set<std::string> names;
  for (const auto& s : subscales) {
    if (s.name.empty()) fail("a subscale has an empty name");
    if (!names.insert(s.name).second) fail("duplicate subscale or composite name " + detail::quoted(s.name));
    if (s.items.empty()) fail("subscale " + detail::quoted(s.name) + " has no items");
    std::set<std::string> in_scale;
    for (const auto& item_id : s.items) {
      if (item_index(item_id) < 0) fail("subscale " + detail::quoted(s.name) + " names unknown item " + detail::quoted(item_id));
      if (!in_scale.insert(item_id).second) fail("subscale " + detail::quoted(s.name) + " lists item " + detail::quoted(item_id) + " twice");
    }
    if (s.reversed_items) {
      for (const auto& item_id : *s.reversed_items) {
        if (!in_scale.count(item_id)) {
          fail("subscale " + detail::quoted(s.name) + " reverses item " + detail::quoted(item_id) + ", which is not one of its items");
        }
      }
    }
  }
  for (const auto& c : composites) {
    if (c.name.empty()) fail("a composite has an empty name");
    if (c.parts.empty()) fail("composite " + detail::quoted(c.name) + " has no parts");
    for (const auto& p : c.parts) {
      if (!names.count(p)) fail("composite " + detail::quoted(c.name) + " names unknown part " + detail::quoted(p) + " (a subscale or an earlier composite)");
    }
    if (!c.weights.empty() && c.weights.size() != c.parts.size()) {
      fail("composite " + detail::quoted(c.name) + " has " + std::to_string(c.weights.size()) + " weights for " +
           std::to_string(c.parts.size()) + " parts");
    }
    if (c.method == composite::rule::mean && !c.weights.empty()) {
      fail("composite " + detail::quoted(c.name) + " has weights, which only a weighted_sum uses");
    }
    if (!names.insert(c.name).second) fail("duplicate subscale or composite name " + detail::quoted(c.name));
  }
  for (const auto* dim : {&anxiety, &avoidance}) {
    if (!dim->empty() && !names.count(*dim)) {
      fail(std::string(dim == &anxiety ? "anxiety" : "avoidance") + " names unknown score " + detail::quoted(*dim));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Built-in instruments: keys from the sources docs/instruments.md names for each instrument.

namespace {

std::vector<int> range_list(int from, int to, int step = 1) {
  std::vector<int> v;
  for (int i = from; i <= to; i += step) v.push_back(i);
  return v;
}

std::vector<std::string> ids(const std::string& prefix, const std::vector<int>& numbers) {
  std::vector<std::string> out;
  for (int n : numbers) out.push_back(prefix + std::to_string(n));
  return out;
}

// Items prefix1..prefixN with the given reverse-keyed numbers and optional wording.
std::vector<item> make_items(const std::string& prefix, int n, const std::vector<int>& reversed,
                             const std::vector<std::string>& text = {}) {
  std::vector<item> out;
  for (int i = 1; i <= n; ++i) {
    item it;
    it.id = prefix + std::to_string(i);
    it.reversed = std::find(reversed.begin(), reversed.end(), i) != reversed.end();
    if (!text.empty()) it.text = text[static_cast<std::size_t>(i - 1)];
    out.push_back(std::move(it));
  }
  return out;
}

const std::vector<std::string>& ecr_wording() {
  // Brennan, Clark & Shaver (1998), as printed in the openpsychometrics.org codebook (2018).
  // The Shaver lab: "The ECR can be used free of charge and does not require permission when
  // used for research purposes." (Shaver lab FAQ, psychology.ucdavis.edu/Labs/Shaver).
  static const std::vector<std::string> text = {
    "I prefer not to show a partner how I feel deep down.",
    "I worry about being abandoned.",
    "I am very comfortable being close to romantic partners.",
    "I worry a lot about my relationships.",
    "Just when my partner starts to get close to me I find myself pulling away.",
    "I worry that romantic partners won't care about me as much as I care about them.",
    "I get uncomfortable when a romantic partner wants to be very close.",
    "I worry a fair amount about losing my partner.",
    "I don't feel comfortable opening up to romantic partners.",
    "I often wish that my partner's feelings for me were as strong as my feelings for him/her.",
    "I want to get close to my partner, but I keep pulling back.",
    "I often want to merge completely with romantic partners, and this sometimes scares them away.",
    "I am nervous when partners get too close to me.",
    "I worry about being alone.",
    "I feel comfortable sharing my private thoughts and feelings with my partner.",
    "My desire to be very close sometimes scares people away.",
    "I try to avoid getting too close to my partner.",
    "I need a lot of reassurance that I am loved by my partner.",
    "I find it relatively easy to get close to my partner.",
    "Sometimes I feel that I force my partners to show more feeling, more commitment.",
    "I find it difficult to allow myself to depend on romantic partners.",
    "I do not often worry about being abandoned.",
    "I prefer not to be too close to romantic partners.",
    "If I can't get my partner to show interest in me, I get upset or angry.",
    "I tell my partner just about everything.",
    "I find that my partner(s) don't want to get as close as I would like.",
    "I usually discuss my problems and concerns with my partner.",
    "When I'm not involved in a relationship, I feel somewhat anxious and insecure.",
    "I feel comfortable depending on romantic partners.",
    "I get frustrated when my partner is not around as much as I would like.",
    "I don't mind asking romantic partners for comfort, advice, or help.",
    "I get frustrated if romantic partners are not available when I need them.",
    "It helps to turn to my romantic partner in times of need.",
    "When romantic partners disapprove of me, I feel really bad about myself.",
    "I turn to my partner for many things, including comfort and reassurance.",
    "I resent it when my partner spends time away from me.",  };
  return text;
}

instrument make_ecr() {
  instrument i;
  i.id = "ecr";
  i.name = "Experiences in Close Relationships";
  i.citation =
      "Brennan, K. A., Clark, C. L., & Shaver, P. R. (1998). Self-report measurement of adult romantic "
      "attachment: An integrative overview. In J. A. Simpson & W. S. Rholes (Eds.), Attachment theory and "
      "close relationships (pp. 46-76). New York: Guilford Press.";
  i.items = make_items("Q", 36, {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}, ecr_wording());
  i.subscales = {{"anxiety", "Anxiety", ids("Q", range_list(2, 36, 2)), std::nullopt},
                 {"avoidance", "Avoidance", ids("Q", range_list(1, 35, 2)), std::nullopt}};
  i.range = {1, 7};
  i.key_confirmation = confirmation::empirical;
  i.key_source =
      "Avoidance = odd items, anxiety = even items, reversed 3, 15, 19, 22, 25, 27, 29, 31, 33, 35: about ten "
      "public scoring scripts agree, and every keyed item correlates positively with the rest of its subscale "
      "in the openpsychometrics.org ECR data (N = 46,610 complete cases).";
  i.wording_licence =
      "Free for research use without permission (Shaver lab FAQ); no statement on commercial use was found. "
      "Wording as printed in the openpsychometrics.org codebook.";
  i.anxiety = "anxiety";
  i.avoidance = "avoidance";
  i.notes = "Published on a 1-7 scale; online versions often use 1-5 (score such data with their own range, 1-5).";
  return i;
}

instrument make_ecr_r() {
  instrument i;
  i.id = "ecr-r";
  i.name = "Experiences in Close Relationships - Revised";
  i.citation =
      "Fraley, R. C., Waller, N. G., & Brennan, K. A. (2000). An item response theory analysis of self-report "
      "measures of adult attachment. Journal of Personality and Social Psychology, 78(2), 350-365. "
      "doi:10.1037/0022-3514.78.2.350";
  i.items = make_items("Q", 36, {9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36});
  i.subscales = {{"anxiety", "Anxiety", ids("Q", range_list(1, 18)), std::nullopt},
                 {"avoidance", "Avoidance", ids("Q", range_list(19, 36)), std::nullopt}};
  i.range = {1, 7};
  i.key_confirmation = confirmation::secondary;
  i.key_source =
      "Canonical order: anxiety 1-18 (reversed 9, 11), avoidance 19-36 (reversed 20, 22, 26-31, 33-36); at "
      "least four independent implementations agree; not confirmed against Fraley's own page. Interleaved lab "
      "orders exist: define them as your own instrument.";
  i.wording_licence = "Unconfirmed (third-party claims conflict): wording not shipped.";
  i.anxiety = "anxiety";
  i.avoidance = "avoidance";
  return i;
}

instrument make_ecr_s() {
  instrument i;
  i.id = "ecr-s";
  i.name = "Experiences in Close Relationships - Short Form";
  i.citation =
      "Wei, M., Russell, D. W., Mallinckrodt, B., & Vogel, D. L. (2007). The Experiences in Close Relationship "
      "Scale (ECR)-Short Form: Reliability, validity, and factor structure. Journal of Personality Assessment, "
      "88(2), 187-204. doi:10.1080/00223890701268041";
  i.items = make_items("Q", 12, {1, 5, 8, 9});
  i.subscales = {{"anxiety", "Anxiety", ids("Q", {2, 4, 6, 8, 10, 12}), std::nullopt},
                 {"avoidance", "Avoidance", ids("Q", {1, 3, 5, 7, 9, 11}), std::nullopt}};
  i.range = {1, 7};
  i.key_confirmation = confirmation::secondary;
  i.key_source = "Anxiety 2, 4, 6, 8R, 10, 12; avoidance 1R, 3, 5R, 7, 9R, 11: three or more independent "
                 "implementations agree; the paper's appendix was not readable.";
  i.wording_licence =
      "Copyrighted; permission from Taylor & Francis (CMU Common Cold Project page): wording not shipped.";
  i.anxiety = "anxiety";
  i.avoidance = "avoidance";
  return i;
}

const char* kEcrRsCitation =
    "Fraley, R. C., Heffernan, M. E., Vicary, A. M., & Brumbaugh, C. C. (2011). The Experiences in Close "
    "Relationships-Relationship Structures Questionnaire: A method for assessing attachment orientations "
    "across relationships. Psychological Assessment, 23(3), 615-625. doi:10.1037/a0022898";
const char* kEcrRsSource =
    "Avoidance = mean of items 1-6 with 1, 2, 3, 4 reversed; anxiety = mean of items 7-9 (Fraley's text as "
    "reproduced by the Georgetown MACS and Palacky University pages).";

instrument make_ecr_rs() {
  instrument i;
  i.id = "ecr-rs";
  i.name = "ECR - Relationship Structures (one relationship)";
  i.citation = kEcrRsCitation;
  i.items = make_items("Q", 9, {1, 2, 3, 4});
  i.subscales = {{"anxiety", "Anxiety", ids("Q", {7, 8, 9}), std::nullopt},
                 {"avoidance", "Avoidance", ids("Q", {1, 2, 3, 4, 5, 6}), std::nullopt}};
  i.range = {1, 7};
  i.key_confirmation = confirmation::author;
  i.key_source = kEcrRsSource;
  i.wording_licence = "Unconfirmed: wording not shipped.";
  i.anxiety = "anxiety";
  i.avoidance = "avoidance";
  i.notes = "The same 9 items for one target (e.g. a romantic partner); ecr-rs-4 covers four targets.";
  return i;
}

instrument make_ecr_rs4() {
  instrument i;
  i.id = "ecr-rs-4";
  i.name = "ECR - Relationship Structures (mother, father, partner, friend)";
  i.citation = kEcrRsCitation;
  i.range = {1, 7};
  composite global_anx{"global_anxiety", "Global anxiety (mean of the four domains)", composite::rule::mean, {}, {}};
  composite global_avo{"global_avoidance", "Global avoidance (mean of the four domains)", composite::rule::mean, {}, {}};
  for (const std::string target : {"mother", "father", "partner", "friend"}) {
    auto target_items = make_items(target + "_Q", 9, {1, 2, 3, 4});
    i.items.insert(i.items.end(), target_items.begin(), target_items.end());
    i.subscales.push_back({"anxiety_" + target, "Anxiety (" + target + ")", ids(target + "_Q", {7, 8, 9}), std::nullopt});
    i.subscales.push_back(
        {"avoidance_" + target, "Avoidance (" + target + ")", ids(target + "_Q", {1, 2, 3, 4, 5, 6}), std::nullopt});
    global_anx.parts.push_back("anxiety_" + target);
    global_avo.parts.push_back("avoidance_" + target);
  }
  i.composites = {global_anx, global_avo};
  i.key_confirmation = confirmation::author;
  i.key_source = std::string(kEcrRsSource) + " Global scores = mean of the four domain scores (same source; "
                                             "it notes that this weights the domains equally).";
  i.wording_licence = "Unconfirmed: wording not shipped.";
  i.anxiety = "global_anxiety";
  i.avoidance = "global_avoidance";
  return i;
}

instrument make_rq() {
  instrument i;
  i.id = "rq";
  i.name = "Relationship Questionnaire";
  i.citation =
      "Bartholomew, K., & Horowitz, L. M. (1991). Attachment styles among young adults: A test of a "
      "four-category model. Journal of Personality and Social Psychology, 61, 226-244.";
  for (const char* p : {"secure", "fearful", "preoccupied", "dismissing"}) {
    item it;
    it.id = p;
    i.items.push_back(it);
    std::string label = p;
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    i.subscales.push_back({p, label + " prototype rating", {p}, std::nullopt});
  }
  // Griffin & Bartholomew (1994), JPSP 67:430-445, as third-party descriptions of the RQ give them
  // (the paper was not read): SECONDARY.
  i.composites = {
      {"model_of_self", "Model of self: (secure + dismissing) - (preoccupied + fearful)",
       composite::rule::weighted_sum, {"secure", "dismissing", "preoccupied", "fearful"}, {1, 1, -1, -1}},
      {"model_of_other", "Model of other: (secure + preoccupied) - (dismissing + fearful)",
       composite::rule::weighted_sum, {"secure", "preoccupied", "dismissing", "fearful"}, {1, 1, -1, -1}}};
  i.range = {1, 7};
  i.key_confirmation = confirmation::author;
  i.key_source =
      "Four prototype paragraphs rated 1-7 plus a forced choice (Bartholomew's SFU page); the model-of-self and "
      "model-of-other formulas are secondary (attributed to Griffin & Bartholomew 1994).";
  i.wording_licence = "Unconfirmed (the paragraphs are posted by the authors): wording not shipped.";
  i.notes = "Bartholomew: \"Although the RQ can be used categorically, we do NOT recommend doing so.\"";
  return i;
}

instrument make_raas() {
  instrument i;
  i.id = "raas";
  i.name = "Revised Adult Attachment Scale";
  i.citation =
      "Collins, N. L. (1996). Working models of attachment: Implications for explanation, emotion, and behavior. "
      "Journal of Personality and Social Psychology, 71, 810-832; Collins, N. L., & Read, S. J. (1990). Adult "
      "attachment, working models, and relationship quality in dating couples. Journal of Personality and "
      "Social Psychology, 58, 644-663.";
  i.items = make_items("Q", 18, {2, 7, 8, 13, 16, 17, 18});
  i.subscales = {{"close", "Close", ids("Q", {1, 6, 8, 12, 13, 17}), std::nullopt},
                 {"depend", "Depend", ids("Q", {2, 5, 7, 14, 16, 18}), std::nullopt},
                 {"anxiety", "Anxiety", ids("Q", {3, 4, 9, 10, 11, 15}), std::nullopt}};
  i.composites = {{"close_depend", "Close-depend composite (mean of close and depend)", composite::rule::mean,
                   {"close", "depend"}, {}}};
  i.range = {1, 5};
  i.key_confirmation = confirmation::secondary;
  i.key_source =
      "Close 1, 6, 8, 12, 13, 17; depend 2, 5, 7, 14, 16, 18; anxiety 3, 4, 9, 10, 11, 15; reversed 2, 7, 8, 13, "
      "16, 17, 18 (CRAN package TestScorer 1.7.2, TST_RAAS.r). Whether the 1990 AAS uses the same numbering is "
      "unconfirmed; the Spanish adaptation uses another order.";
  i.wording_licence = "Free for research, educational and clinical use (Collins); wording not shipped (no copy "
                      "of the items was available to check).";
  i.anxiety = "anxiety";
  return i;
}

std::vector<instrument> make_registry() {
  std::vector<instrument> all = {make_ecr(), make_ecr_r(), make_ecr_s(), make_ecr_rs(), make_ecr_rs4(), make_rq(),
                                 make_raas()};
  for (const auto& inst : all) inst.validate();
  return all;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::vector<instrument>& builtin_instruments() {
  static const std::vector<instrument> registry = make_registry();  // thread-safe initialisation
  return registry;
}

const instrument* find_builtin(std::string_view id) noexcept {
  for (const auto& inst : builtin_instruments()) {
    if (iequals(inst.id, id)) return &inst;
  }
  return nullptr;
}

instrument resolve_instrument(const std::string& id_or_path) {
  if (const instrument* b = find_builtin(id_or_path)) return *b;
  std::error_code ec;
  if (std::filesystem::is_regular_file(id_or_path, ec)) return load_instrument(id_or_path);
  std::string known;
  for (const auto& inst : builtin_instruments()) known += (known.empty() ? "" : ", ") + inst.id;
  throw error(errc::invalid_argument,
              "instrument " + detail::quoted(id_or_path) + ": neither a built-in instrument (" + known + ") nor a file",
              {.value = id_or_path, .option = "instrument", .rule = "unknown_instrument"});
}

// ---------------------------------------------------------------------------------------------
// JSON instrument files (docs/instrument-format.md)

namespace {

using nlohmann::json;

class json_reader {
 public:
  explicit json_reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw error(errc::bad_input, source_ + ": " + (path.empty() ? "" : path + ": ") + what);
  }

  void only_fields(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) const {
    if (!obj.is_object()) fail(path, "must be an object");
    for (const auto& [key, value] : obj.items()) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) fail(path, "unknown field " + detail::quoted(key));
    }
  }

  std::string string_field(const json& obj, const std::string& path, const char* key, bool required) const {
    if (!obj.contains(key)) {
      if (required) fail(path, std::string("missing required field '") + key + "'");
      return {};
    }
    if (!obj[key].is_string()) fail(path, std::string("field '") + key + "' must be a string");
    return obj[key].get<std::string>();
  }

  std::vector<std::string> string_list(const json& obj, const std::string& path, const char* key) const {
    const json& v = obj.at(key);
    if (!v.is_array()) fail(path, std::string("field '") + key + "' must be an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail(path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  response_range range(const json& v, const std::string& path) const {
    only_fields(v, path, {"min", "max"});
    if (!v.contains("min") || !v.contains("max")) fail(path, "needs both 'min' and 'max'");
    if (!v["min"].is_number() || !v["max"].is_number()) fail(path, "'min' and 'max' must be numbers");
    return {v["min"].get<double>(), v["max"].get<double>()};
  }

 private:
  std::string source_;
};

json range_json(const response_range& r) { return json{{"min", r.min}, {"max", r.max}}; }

}  // namespace

namespace {
instrument parse_instrument_json(std::string_view json_text, const std::string& source);
}  // namespace

instrument instrument_from_json(std::string_view json_text, const std::string& source) {
  // Every error of the file names it (error_details.source) and the option that loaded it
  // (`instrument`: the built-in id or file of a study), so that a front end can point at both.
  try {
    return parse_instrument_json(json_text, source);
  } catch (const error& e) {
    throw e.with_context("", {.source = source, .option = "instrument"});
  }
}

namespace {
instrument parse_instrument_json(std::string_view json_text, const std::string& source) {
  // Bounded nesting and numbers that fit a double (issue 10, F2), then nlohmann.
  json doc = detail::parse_json_input(json_text, source);
  json_reader r(source);
  r.only_fields(doc, "", {"id", "name", "citation", "range", "scoring", "key_confirmation", "key_source",
                          "wording_licence", "anxiety", "avoidance", "notes", "items", "subscales", "composites"});
  instrument inst;
  inst.id = r.string_field(doc, "", "id", true);
  inst.name = r.string_field(doc, "", "name", false);
  inst.citation = r.string_field(doc, "", "citation", false);
  inst.key_source = r.string_field(doc, "", "key_source", false);
  inst.wording_licence = r.string_field(doc, "", "wording_licence", false);
  inst.anxiety = r.string_field(doc, "", "anxiety", false);
  inst.avoidance = r.string_field(doc, "", "avoidance", false);
  inst.notes = r.string_field(doc, "", "notes", false);
  if (!doc.contains("range")) r.fail("", "missing required field 'range' ({\"min\": 1, \"max\": 7})");
  inst.range = r.range(doc["range"], "range");
  if (doc.contains("scoring")) {
    const std::string s = r.string_field(doc, "", "scoring", false);
    auto m = parse_scoring_method(s);
    if (!m) r.fail("scoring", detail::quoted(s) + " is not a scoring method (mean or sum)");
    inst.scoring = *m;
  }
  if (doc.contains("key_confirmation")) {
    const std::string s = r.string_field(doc, "", "key_confirmation", false);
    auto c = parse_confirmation(s);
    if (!c) r.fail("key_confirmation", detail::quoted(s) + " is not one of author, empirical, secondary, unconfirmed");
    inst.key_confirmation = *c;
  }
  if (!doc.contains("items") || !doc["items"].is_array()) r.fail("", "missing required array 'items'");
  for (std::size_t i = 0; i < doc["items"].size(); ++i) {
    const json& v = doc["items"][i];
    const std::string path = "items[" + std::to_string(i) + "]";
    r.only_fields(v, path, {"id", "text", "reversed", "range"});
    item it;
    it.id = r.string_field(v, path, "id", true);
    it.text = r.string_field(v, path, "text", false);
    if (v.contains("reversed")) {
      if (!v["reversed"].is_boolean()) r.fail(path, "field 'reversed' must be true or false");
      it.reversed = v["reversed"].get<bool>();
    }
    if (v.contains("range")) it.range = r.range(v["range"], path + ".range");
    inst.items.push_back(std::move(it));
  }
  if (!doc.contains("subscales") || !doc["subscales"].is_array()) r.fail("", "missing required array 'subscales'");
  for (std::size_t i = 0; i < doc["subscales"].size(); ++i) {
    const json& v = doc["subscales"][i];
    const std::string path = "subscales[" + std::to_string(i) + "]";
    r.only_fields(v, path, {"name", "label", "items", "reversed_items"});
    subscale s;
    s.name = r.string_field(v, path, "name", true);
    s.label = r.string_field(v, path, "label", false);
    if (!v.contains("items")) r.fail(path, "missing required field 'items'");
    s.items = r.string_list(v, path, "items");
    if (v.contains("reversed_items")) s.reversed_items = r.string_list(v, path, "reversed_items");
    inst.subscales.push_back(std::move(s));
  }
  if (doc.contains("composites")) {
    if (!doc["composites"].is_array()) r.fail("composites", "must be an array");
    for (std::size_t i = 0; i < doc["composites"].size(); ++i) {
      const json& v = doc["composites"][i];
      const std::string path = "composites[" + std::to_string(i) + "]";
      r.only_fields(v, path, {"name", "label", "method", "parts", "weights"});
      composite c;
      c.name = r.string_field(v, path, "name", true);
      c.label = r.string_field(v, path, "label", false);
      const std::string method = r.string_field(v, path, "method", false);
      if (method == "weighted_sum") {
        c.method = composite::rule::weighted_sum;
      } else if (!method.empty() && method != "mean") {
        r.fail(path, "method " + detail::quoted(method) + " is not mean or weighted_sum");
      }
      if (!v.contains("parts")) r.fail(path, "missing required field 'parts'");
      c.parts = r.string_list(v, path, "parts");
      if (v.contains("weights")) {
        if (!v["weights"].is_array()) r.fail(path, "field 'weights' must be an array of numbers");
        for (const auto& w : v["weights"]) {
          if (!w.is_number()) r.fail(path, "field 'weights' must be an array of numbers");
          c.weights.push_back(w.get<double>());
        }
      }
      inst.composites.push_back(std::move(c));
    }
  }
  try {
    inst.validate();
  } catch (const error& e) {
    throw error(errc::bad_input, source + ": " + e.what());
  }
  return inst;
}
}  // namespace

std::string instrument_to_json(const instrument& inst) {
  json doc;
  doc["id"] = inst.id;
  doc["name"] = inst.name;
  doc["citation"] = inst.citation;
  doc["range"] = range_json(inst.range);
  doc["scoring"] = std::string(to_string(inst.scoring));
  doc["key_confirmation"] = std::string(to_string(inst.key_confirmation));
  doc["key_source"] = inst.key_source;
  doc["wording_licence"] = inst.wording_licence;
  if (!inst.anxiety.empty()) doc["anxiety"] = inst.anxiety;
  if (!inst.avoidance.empty()) doc["avoidance"] = inst.avoidance;
  if (!inst.notes.empty()) doc["notes"] = inst.notes;
  json items = json::array();
  for (const auto& it : inst.items) {
    json j{{"id", it.id}, {"reversed", it.reversed}};
    if (!it.text.empty()) j["text"] = it.text;
    if (it.range) j["range"] = range_json(*it.range);
    items.push_back(std::move(j));
  }
  doc["items"] = std::move(items);
  json subs = json::array();
  for (const auto& s : inst.subscales) {
    json j{{"name", s.name}, {"items", s.items}};
    if (!s.label.empty()) j["label"] = s.label;
    if (s.reversed_items) j["reversed_items"] = *s.reversed_items;
    subs.push_back(std::move(j));
  }
  doc["subscales"] = std::move(subs);
  if (!inst.composites.empty()) {
    json comps = json::array();
    for (const auto& c : inst.composites) {
      json j{{"name", c.name},
             {"method", c.method == composite::rule::mean ? "mean" : "weighted_sum"},
             {"parts", c.parts}};
      if (!c.label.empty()) j["label"] = c.label;
      if (!c.weights.empty()) j["weights"] = c.weights;
      comps.push_back(std::move(j));
    }
    doc["composites"] = std::move(comps);
  }
  return detail::json_text(doc) + "\n";
}

instrument load_instrument(const std::string& path) {
  return instrument_from_json(detail::read_text_file(path), path);
}

void save_instrument(const instrument& inst, const std::string& path) {
  inst.validate();
  write_output_file(path, instrument_to_json(inst));
}

ATTUNE_END_NAMESPACE
