// Tests of the instrument model, the built-in registry (keys exactly as in
// ../shared/reference/instruments.md) and JSON instrument files (instrument.hpp).
#include "attune/keys/instrument.hpp"

#include <gtest/gtest.h>

#include <set>

#include "test_support.hpp"

namespace {

using attune::test::expect_error;

std::vector<std::string> q(std::initializer_list<int> numbers, const std::string& prefix = "Q") {
  std::vector<std::string> out;
  for (int n : numbers) out.push_back(prefix + std::to_string(n));
  return out;
}

std::vector<std::string> reversed_in(const attune::instrument& inst, const std::string& subscale) {
  const auto* s = inst.find_subscale(subscale);
  std::vector<std::string> out;
  for (const auto& id : s->items) {
    if (inst.is_reversed(*s, id)) out.push_back(id);
  }
  return out;
}

TEST(Registry, HasTheSevenBuiltInsAndNoRsqOrAsq) {
  std::set<std::string> ids;
  for (const auto& inst : attune::builtin_instruments()) ids.insert(inst.id);
  EXPECT_EQ(ids, (std::set<std::string>{"ecr", "ecr-r", "ecr-s", "ecr-rs", "ecr-rs-4", "rq", "raas"}));
  EXPECT_EQ(attune::find_builtin("RSQ"), nullptr);
  EXPECT_EQ(attune::find_builtin("asq"), nullptr);
  EXPECT_NE(attune::find_builtin("ECR-R"), nullptr);  // case-insensitive
}

TEST(Registry, EcrKey) {  // instruments.md section 1
  const auto& ecr = *attune::find_builtin("ecr");
  EXPECT_EQ(ecr.items.size(), 36u);
  EXPECT_EQ(ecr.find_subscale("avoidance")->items, q({1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35}));
  EXPECT_EQ(ecr.find_subscale("anxiety")->items, q({2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36}));
  EXPECT_EQ(reversed_in(ecr, "avoidance"), q({3, 15, 19, 25, 27, 29, 31, 33, 35}));
  EXPECT_EQ(reversed_in(ecr, "anxiety"), q({22}));
  EXPECT_EQ(ecr.range, (attune::response_range{1, 7}));
  EXPECT_EQ(ecr.key_confirmation, attune::confirmation::empirical);
}

TEST(Registry, EcrRKeyCanonicalOrder) {  // instruments.md section 2
  const auto& e = *attune::find_builtin("ecr-r");
  EXPECT_EQ(e.find_subscale("anxiety")->items.front(), "Q1");
  EXPECT_EQ(e.find_subscale("anxiety")->items.back(), "Q18");
  EXPECT_EQ(e.find_subscale("avoidance")->items.front(), "Q19");
  EXPECT_EQ(e.find_subscale("avoidance")->items.back(), "Q36");
  EXPECT_EQ(reversed_in(e, "anxiety"), q({9, 11}));
  EXPECT_EQ(reversed_in(e, "avoidance"), q({20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36}));
  EXPECT_EQ(e.key_confirmation, attune::confirmation::secondary);
}

TEST(Registry, EcrSKey) {  // instruments.md section 3
  const auto& e = *attune::find_builtin("ecr-s");
  EXPECT_EQ(e.items.size(), 12u);
  EXPECT_EQ(e.find_subscale("anxiety")->items, q({2, 4, 6, 8, 10, 12}));
  EXPECT_EQ(e.find_subscale("avoidance")->items, q({1, 3, 5, 7, 9, 11}));
  EXPECT_EQ(reversed_in(e, "anxiety"), q({8}));
  EXPECT_EQ(reversed_in(e, "avoidance"), q({1, 5, 9}));
}

TEST(Registry, EcrRsKeysAndGlobalScores) {  // instruments.md section 4
  const auto& one = *attune::find_builtin("ecr-rs");
  EXPECT_EQ(one.find_subscale("avoidance")->items, q({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(reversed_in(one, "avoidance"), q({1, 2, 3, 4}));
  EXPECT_EQ(one.find_subscale("anxiety")->items, q({7, 8, 9}));
  EXPECT_TRUE(reversed_in(one, "anxiety").empty());
  const auto& four = *attune::find_builtin("ecr-rs-4");
  EXPECT_EQ(four.items.size(), 36u);
  EXPECT_EQ(four.subscales.size(), 8u);
  EXPECT_EQ(reversed_in(four, "avoidance_father"), q({1, 2, 3, 4}, "father_Q"));
  ASSERT_EQ(four.composites.size(), 2u);
  EXPECT_EQ(four.composites[1].parts,
            (std::vector<std::string>{"avoidance_mother", "avoidance_father", "avoidance_partner", "avoidance_friend"}));
  EXPECT_EQ(four.anxiety, "global_anxiety");
}

TEST(Registry, RqPrototypesAndDimensions) {  // instruments.md section 5
  const auto& rq = *attune::find_builtin("rq");
  EXPECT_EQ(rq.item_ids(), (std::vector<std::string>{"secure", "fearful", "preoccupied", "dismissing"}));
  ASSERT_EQ(rq.composites.size(), 2u);
  EXPECT_EQ(rq.composites[0].name, "model_of_self");
  EXPECT_EQ(rq.composites[0].parts, (std::vector<std::string>{"secure", "dismissing", "preoccupied", "fearful"}));
  EXPECT_EQ(rq.composites[0].weights, (std::vector<double>{1, 1, -1, -1}));
  EXPECT_EQ(rq.composites[1].parts, (std::vector<std::string>{"secure", "preoccupied", "dismissing", "fearful"}));
}

TEST(Registry, RevisedAasKey) {  // instruments.md section 7
  const auto& r = *attune::find_builtin("raas");
  EXPECT_EQ(r.range, (attune::response_range{1, 5}));
  EXPECT_EQ(r.find_subscale("close")->items, q({1, 6, 8, 12, 13, 17}));
  EXPECT_EQ(r.find_subscale("depend")->items, q({2, 5, 7, 14, 16, 18}));
  EXPECT_EQ(r.find_subscale("anxiety")->items, q({3, 4, 9, 10, 11, 15}));
  std::vector<std::string> rev;
  for (const auto& it : r.items) {
    if (it.reversed) rev.push_back(it.id);
  }
  EXPECT_EQ(rev, q({2, 7, 8, 13, 16, 17, 18}));
}

TEST(Registry, WordingShippedOnlyWhereAllowed) {  // instruments.md section 11.5
  for (const auto& inst : attune::builtin_instruments()) {
    const bool any_text = std::any_of(inst.items.begin(), inst.items.end(), [](const auto& i) { return !i.text.empty(); });
    EXPECT_EQ(any_text, inst.id == "ecr") << inst.id;
  }
  EXPECT_EQ(attune::find_builtin("ecr")->items[1].text, "I worry about being abandoned.");
}

TEST(InstrumentJson, EveryBuiltInRoundTrips) {
  for (const auto& inst : attune::builtin_instruments()) {
    const auto back = attune::instrument_from_json(attune::instrument_to_json(inst), inst.id);
    EXPECT_EQ(attune::instrument_to_json(back), attune::instrument_to_json(inst)) << inst.id;
    EXPECT_EQ(back.item_ids(), inst.item_ids());
    EXPECT_EQ(back.score_names(), inst.score_names());
  }
}

TEST(InstrumentJson, SaveAndLoadAFile) {
  const std::string path = attune::test::temp_path("ecr-s.json");
  attune::save_instrument(*attune::find_builtin("ecr-s"), path);
  const auto loaded = attune::load_instrument(path);
  EXPECT_EQ(loaded.id, "ecr-s");
  EXPECT_EQ(attune::resolve_instrument(path).items.size(), 12u);
}

// An instrument built in code with a name in Latin-1 cannot be written as JSON: an
// attune::error naming the place and the bytes, not nlohmann's exception.
TEST(InstrumentJsonErrors, TextThatIsNotUtf8) {
  attune::instrument inst = *attune::find_builtin("ecr-s");
  inst.name = "\xC9" "chelle";
  try {
    (void)attune::instrument_to_json(inst);
    FAIL() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_NE(std::string(e.what()).find("at /name ('\\xC9chelle') is not valid UTF-8"), std::string::npos) << e.what();
  }
}

TEST(InstrumentJson, PerSubscaleReverseKeys) {
  const auto inst = attune::instrument_from_json(R"({
    "id": "rsq-like", "range": {"min": 1, "max": 5},
    "items": [{"id": "a"}, {"id": "b"}],
    "subscales": [{"name": "s1", "items": ["a", "b"], "reversed_items": ["b"]},
                  {"name": "s2", "items": ["a", "b"], "reversed_items": []}]})",
                                                 "x.json");
  EXPECT_TRUE(inst.is_reversed(inst.subscales[0], "b"));
  EXPECT_FALSE(inst.is_reversed(inst.subscales[1], "b"));
}

const char* kMinimal = R"({"id": "t", "range": {"min": 1, "max": 5},
  "items": [{"id": "a"}, {"id": "b", "reversed": true}],
  "subscales": [{"name": "s", "items": ["a", "b"]}]})";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kMinimal;
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(InstrumentJsonErrors, NameTheFileAndTheRule) {
  using attune::errc;
  auto load = [](const std::string& text) { return [text] { attune::instrument_from_json(text, "my.json"); }; };
  EXPECT_NO_THROW(attune::instrument_from_json(kMinimal, "my.json"));
  expect_error(load(with("[\"a\", \"b\"]", "[\"a\", \"zz\"]")), errc::bad_input, {"my.json", "subscale 's'", "unknown item 'zz'"});
  expect_error(load(with("{\"id\": \"b\",", "{\"id\": \"a\",")), errc::bad_input, {"my.json", "duplicate item id 'a'"});
  expect_error(load(with("\"max\": 5", "\"max\": 1")), errc::bad_input, {"my.json", "range 1-1", "min must be below max"});
  expect_error(load(with("\"reversed\": true", "\"revesed\": true")), errc::bad_input, {"my.json", "items[1]", "unknown field 'revesed'"});
  expect_error(load(with("\"reversed\": true", "\"reversed\": \"yes\"")), errc::bad_input, {"items[1]", "true or false"});
  expect_error(load("{\"id\": "), errc::bad_input, {"my.json", "not valid JSON"});
  expect_error(load(with("\"id\": \"t\",", "")), errc::bad_input, {"my.json", "missing required field 'id'"});
  expect_error(load(with(", \"range\": {\"min\": 1, \"max\": 5}", "")), errc::bad_input, {"missing required field 'range'"});
  expect_error(load(with("[{\"name\": \"s\", \"items\": [\"a\", \"b\"]}]", "[]")), errc::bad_input, {"no subscales"});
  expect_error(load(with("[\"a\", \"b\"]", "[\"a\", \"a\"]")), errc::bad_input, {"lists item 'a' twice"});
  expect_error(load(with("\"items\": [\"a\", \"b\"]}", "\"items\": [\"a\"], \"reversed_items\": [\"b\"]}")),
               errc::bad_input, {"reverses item 'b'", "not one of its items"});
  const std::string comp = with("}]}", "}], \"composites\": [{\"name\": \"c\", \"parts\": [\"nope\"]}]}");
  expect_error(load(comp), errc::bad_input, {"composite 'c'", "unknown part 'nope'"});
  const std::string weights = with("}]}", "}], \"composites\": [{\"name\": \"c\", \"method\": \"weighted_sum\", "
                                          "\"parts\": [\"s\"], \"weights\": [1, 2]}]}");
  expect_error(load(weights), errc::bad_input, {"composite 'c'", "2 weights for 1 parts"});
  expect_error(load(with("\"range\"", "\"scoring\": \"median\", \"range\"")), errc::bad_input, {"'median' is not a scoring method"});
  expect_error(load(with("\"range\"", "\"anxiety\": \"nope\", \"range\"")), errc::bad_input, {"anxiety names unknown score 'nope'"});
}

TEST(InstrumentErrors, UnknownIdOrMissingFile) {
  expect_error([] { attune::resolve_instrument("ecr-x"); }, attune::errc::invalid_argument,
               {"'ecr-x'", "neither a built-in", "ecr-r"});
  expect_error([] { attune::load_instrument("/nonexistent/i.json"); }, attune::errc::io_error, {"/nonexistent/i.json"});
}

TEST(InstrumentErrors, JsonLimits) {
  // Issue 10, F2: a number that overflows a double threw nlohmann's out_of_range (exit 2 in the CLI).
  expect_error([] { attune::instrument_from_json("1e400", "big.json"); }, attune::errc::bad_input,
               {"big.json, line 1, column 1", "the number '1e400' is too large for a double"});
  expect_error([] { attune::instrument_from_json("{\"id\": \"x\", \"range\": {\"min\": 1, \"max\": -1e309}}", "r.json"); },
               attune::errc::bad_input, {"r.json, line 1, column 40", "'-1e309'"});
  // Nesting beyond 64 levels is refused before nlohmann sees it.
  const std::string deep = "{\"notes\": " + std::string(1000, '[') + std::string(1000, ']') + "}";
  expect_error([&] { attune::instrument_from_json(deep, "deep.json"); }, attune::errc::bad_input,
               {"deep.json, line 1, column 74", "nested deeper than 64 levels"});
  // An unknown field of 1 MB is quoted in 80 bytes.
  try {
    attune::instrument_from_json("{\"" + std::string(1 << 20, 'k') + "\": 1}", "k.json");
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown field 'kkk"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("...' (1048576 bytes)"), std::string::npos) << e.what();
    EXPECT_LT(std::string(e.what()).size(), 200u);
  }
}

}  // namespace
