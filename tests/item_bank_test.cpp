// Item banks: the attune-item-bank/1 JSON format (exact round trips, strict validation) and
// scoring from a bank that was written and read back.
#include "attune/keys/item_bank.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include "attune/analyses/irt.hpp"
#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::bank_item;
using attune::item_bank;
using attune::test::expect_error;

item_bank example_bank() {
  item_bank b;
  b.instrument = "ecr";
  b.provenance = {"attune test suite", "made-up parameters", 1234, "2026-12-01", "tests/item_bank_test.cpp"};
  b.licence = "CC0-1.0";
  b.notes = "for tests";
  b.items.push_back({"Q1", "avoidance", {1, 2, 3, 4, 5}, false, 1.2345678901234567, {2.1, 0.7, -0.4, -1.9}});
  b.items.push_back({"Q2", "anxiety", {1, 2, 3, 4, 5}, true, 0.1 + 0.2, {1.0 / 3.0, -1e-17, -2.5, -7.25}});
  b.items.push_back({"Q3", "avoidance", {0, 1, 2}, false, -0.8, {0.5, -0.5}});
  return b;
}

bool same(const item_bank& a, const item_bank& b) {
  if (a.model != b.model || a.parameterisation != b.parameterisation || a.scaling_constant != b.scaling_constant ||
      a.instrument != b.instrument || !(a.provenance == b.provenance) || a.licence != b.licence || a.notes != b.notes ||
      a.items.size() != b.items.size())
    return false;
  for (std::size_t j = 0; j < a.items.size(); ++j) {
    const auto &x = a.items[j], &y = b.items[j];
    if (x.id != y.id || x.scale != y.scale || x.categories != y.categories || x.reversed != y.reversed || x.slope != y.slope ||
        x.intercepts != y.intercepts)
      return false;
  }
  return true;
}

// The bank's JSON with `from` replaced by `to` (once).
std::string edited(const std::string& from, const std::string& to) {
  std::string s = attune::item_bank_to_json(example_bank());
  const auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

TEST(ItemBank, SlopeInterceptRoundTripIsExact) {
  const item_bank b = example_bank();
  const std::string text = attune::item_bank_to_json(b);
  const item_bank back = attune::item_bank_from_json(text);
  EXPECT_TRUE(same(b, back));
  EXPECT_EQ(attune::item_bank_to_json(back), text);
  EXPECT_NE(text.find("\"format\": \"attune-item-bank/1\""), std::string::npos);
  EXPECT_NE(text.find("\"parameterisation\": \"slope_intercept\""), std::string::npos);
  EXPECT_EQ(attune::item_bank_fingerprint(back), attune::item_bank_fingerprint(b));
}

TEST(ItemBank, ClassicalFilesAreConverted) {
  item_bank b = example_bank();
  b.parameterisation = attune::irt_parameterisation::classical;
  b.scaling_constant = 1.702;
  const std::string text = attune::item_bank_to_json(b);
  EXPECT_NE(text.find("\"a\":"), std::string::npos);
  EXPECT_EQ(text.find("\"slope\":"), std::string::npos);
  const item_bank back = attune::item_bank_from_json(text);
  for (std::size_t j = 0; j < b.items.size(); ++j) {
    EXPECT_NEAR(back.items[j].slope, b.items[j].slope, 4e-16 * std::abs(b.items[j].slope));
    for (std::size_t k = 0; k < b.items[j].intercepts.size(); ++k)
      EXPECT_NEAR(back.items[j].intercepts[k], b.items[j].intercepts[k], 1e-15 * (1 + std::abs(b.items[j].intercepts[k])));
  }
  // hand-written a/b: slope = D a, d = -slope b
  const std::string ab = R"({"format": "attune-item-bank/1", "model": "graded", "parameterisation": "a/b", "D": 1.702,
    "items": [{"id": "X", "scale": "s", "categories": [1, 2, 3], "a": 1.5, "b": [-1.0, 0.5]}]})";
  const item_bank c = attune::item_bank_from_json(ab);
  EXPECT_DOUBLE_EQ(c.items[0].slope, 1.702 * 1.5);
  EXPECT_DOUBLE_EQ(c.items[0].intercepts[0], 1.702 * 1.5);
  EXPECT_DOUBLE_EQ(c.items[0].intercepts[1], -0.5 * 1.702 * 1.5);
  EXPECT_DOUBLE_EQ(c.items[0].a(1.702), 1.5);
  EXPECT_FALSE(c.items[0].reversed);
  EXPECT_TRUE(c.instrument.empty());
}

TEST(ItemBank, CategoriesAndReverseKeys) {
  const auto b = example_bank();
  EXPECT_EQ(b.items[0].category_of(1), 0);
  EXPECT_EQ(b.items[0].category_of(5), 4);
  EXPECT_EQ(b.items[1].category_of(1), 4);  // reversed
  EXPECT_EQ(b.items[1].category_of(5), 0);
  EXPECT_FALSE(b.items[0].category_of(2.5));
  EXPECT_FALSE(b.items[0].category_of(std::nan("")));
  EXPECT_EQ(b.items[1].value_of(4), 1);
  EXPECT_EQ(b.items[2].value_of(0), 0);
  EXPECT_EQ(b.scales(), (std::vector<std::string>{"avoidance", "anxiety"}));
  EXPECT_EQ(b.scale_item_indices("avoidance"), (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(b.item_index("Q3"), 2);
  EXPECT_EQ(b.item_index("Q9"), -1);
  EXPECT_EQ(b.items[2].b(), (std::vector<double>{0.5 / 0.8, -0.5 / 0.8}));
}

TEST(ItemBank, FingerprintFollowsParametersNotProvenance) {
  item_bank b = example_bank();
  const std::string f = attune::item_bank_fingerprint(b);
  EXPECT_EQ(f.size(), 16U);
  b.provenance.source = "someone else";
  b.licence = "proprietary";
  EXPECT_EQ(attune::item_bank_fingerprint(b), f);
  b.items[1].intercepts[2] = std::nextafter(b.items[1].intercepts[2], 0.0);
  EXPECT_NE(attune::item_bank_fingerprint(b), f);
  b = example_bank();
  b.items[0].reversed = true;
  EXPECT_NE(attune::item_bank_fingerprint(b), f);
}

TEST(ItemBank, StrictReading) {
  using attune::errc;
  auto read = [](const std::string& s) { return [s] { attune::item_bank_from_json(s, "bank.json"); }; };
  expect_error(read(edited("attune-item-bank/1", "attune-item-bank/2")), errc::bad_input, {"bank.json: format", "attune-item-bank/1"});
  expect_error(read(edited("\"graded\"", "\"gpcm\"")), errc::bad_input, "model must be \"graded\"");
  expect_error(read(edited("\"slope_intercept\"", "\"logit\"")), errc::bad_input, "parameterisation must be");
  expect_error(read(edited("\"D\": 1.0,", "")), errc::bad_input, "D is missing");
  expect_error(read(edited("\"D\": 1.0", "\"D\": -1")), errc::bad_input, "D must be a positive number");
  expect_error(read(edited("\"licence\"", "\"license\"")), errc::bad_input, "license is not a field");
  expect_error(read(edited("\"scale\": \"anxiety\",", "")), errc::bad_input, "items[1].scale is missing");
  expect_error(read(edited("\"n\": 1234", "\"n\": -3")), errc::bad_input, "provenance.n must be a whole number");
  expect_error(read(edited("2.1,", "-0.5,")), errc::bad_input, {"items[0].intercepts must be strictly decreasing", "intercepts[1] = 0.7 after -0.5"});
  expect_error(read(edited("\"categories\": [0,", "\"categories\": [1,")), errc::bad_input,
               "items[2].categories must be strictly increasing");
  expect_error(read(edited("-0.4, ", "")), errc::bad_input, "items[0].intercepts must hold 4 intercepts");
  expect_error(read(edited("\"slope\": -0.8", "\"slope\": 0")), errc::bad_input, "items[2].slope must be a finite, nonzero number");
  expect_error(read(edited("\"id\": \"Q3\"", "\"id\": \"Q1\"")), errc::bad_input, "items[2].id is the id of an earlier item");
  expect_error(read(edited("\"id\": \"Q3\"", "\"id\": 3")), errc::bad_input, "items[2].id must be a string");
  expect_error(read(edited("\"items\": [", "\"items\": {\"x\": [")), errc::bad_input, "not valid JSON");
  expect_error(read(edited("\"instrument\": \"ecr\"", "\"instrument\": \"ecr\", \"instrument\": \"ecr-r\"")), errc::bad_input,
               "'instrument' is given twice");
  // the error names the item in its details
  try {
    attune::item_bank_from_json(edited("2.1,", "-0.5,"));
    ADD_FAILURE();
  } catch (const attune::error& e) {
    EXPECT_EQ(e.item(), "Q1");
    EXPECT_EQ(e.rule(), "json_field");
  }
}

TEST(ItemBank, HostileInputIsBounded) {
  // nesting is bounded
  std::string deep = "{\"format\": " + std::string(5000, '[') + std::string(5000, ']') + "}";
  expect_error([&] { attune::item_bank_from_json(deep); }, attune::errc::bad_input, "nested deeper than 64 levels");
  // a long bad token is quoted with at most 80 characters
  const std::string junk = "{\"format\": \"" + std::string(5000, 'x') + "\u0001\"}";
  try {
    attune::item_bank_from_json(junk);
    ADD_FAILURE();
  } catch (const attune::error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("not valid JSON at byte"), std::string::npos) << msg;
    EXPECT_LT(msg.size(), 400U) << msg;
    ASSERT_TRUE(e.value());
    EXPECT_LE(e.value()->size(), 80U);
  }
  const std::string long_model = edited("\"graded\"", "\"" + std::string(1000, 'm') + "\"");
  try {
    attune::item_bank_from_json(long_model);
    ADD_FAILURE();
  } catch (const attune::error& e) {
    EXPECT_LE(e.value()->size(), 80U);
    EXPECT_LT(std::string(e.what()).size(), 300U);
  }
  expect_error([] { attune::item_bank_from_json(""); }, attune::errc::bad_input, "not valid JSON");
  expect_error([] { attune::item_bank_from_json("[]"); }, attune::errc::bad_input, "must be a JSON object");
}

TEST(ItemBank, ValidationOfBanksInMemory) {
  item_bank b = example_bank();
  b.items[0].intercepts = {1, 2, 3, 4};
  expect_error([&] { attune::item_bank_to_json(b); }, attune::errc::bad_input, {"item 'Q1'", "strictly decreasing"});
  b = example_bank();
  b.items.clear();
  expect_error([&] { b.validate(); }, attune::errc::bad_input, "no items");
  b = example_bank();
  b.items[2].scale.clear();
  expect_error([&] { b.validate(); }, attune::errc::bad_input, "has no scale");
}

TEST(ItemBank, FilesAndScoringFromAWrittenBank) {
  // fit a scale, write the bank, read it back: scores are bit-identical
  item_bank truth = example_bank();
  truth.items = {truth.items[0], truth.items[0], truth.items[0], truth.items[0]};
  for (std::size_t j = 0; j < truth.items.size(); ++j) {
    truth.items[j].id = "Q" + std::to_string(j + 1);
    truth.items[j].slope += 0.3 * static_cast<double>(j);
    truth.items[j].reversed = j == 2;
  }
  attune::grm_simulation_options so;
  so.n = 600;
  so.missing_rate = 0.05;
  const auto sim = attune::simulate_graded(truth, so);
  attune::grm_options fo;
  fo.scale = "avoidance";
  for (const auto& it : truth.items) fo.items.push_back({it.id, it.categories, it.reversed});
  const auto fit = attune::fit_graded(sim.answers, fo);
  item_bank fitted;
  fitted.items = attune::bank_items(fit);
  fitted.provenance.n = fit.n;
  const std::string path = attune::test::temp_path("bank.json");
  attune::save_item_bank(fitted, path);
  const item_bank back = attune::load_item_bank(path);
  EXPECT_TRUE(same(fitted, back));
  const auto a = attune::score_graded(attune::bank_items(fit), sim.answers);
  const auto b = attune::score_item_bank(back, sim.answers);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(a.theta, b[0].theta);
  EXPECT_EQ(a.se, b[0].se);
  std::filesystem::remove(path);
  expect_error([&] { attune::load_item_bank(path); }, attune::errc::io_error, "bank.json");
}

}  // namespace
