// Tests of attune/keys/norms.hpp: the JSON form of norm tables, its validation and limits, and
// the built-in tables.
#include "attune/keys/norms.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::test::expect_error;

const char* valid_json = R"({
  "format": "attune-norms/1", "id": "clinic-2024", "instrument": "ecr-r",
  "description": "outpatients at intake", "confirmation": "empirical",
  "population": "adult outpatients", "source": "clinic records 2024",
  "scales": {
    "anxiety": {"mean": 4.2, "sd": 1.1, "n": 250,
                "percentiles": [{"score": 1, "percentile": 5}, {"score": 2, "percentile": 20},
                                {"score": 3, "percentile": 50}, {"score": 4, "percentile": 80}]},
    "avoidance": {"mean": 3.6, "sd": 1.2, "n": 250, "source": "clinic records 2024, table 2"}
  }
})";

TEST(Norms, ParseValidTableAndRoundTrip) {
  const auto t = attune::norm_table_from_json(valid_json, "clinic.json");
  EXPECT_EQ(t.id, "clinic-2024");
  EXPECT_EQ(t.instrument, "ecr-r");
  ASSERT_TRUE(t.status);
  EXPECT_EQ(*t.status, attune::confirmation::empirical);
  const auto* a = t.find("anxiety");
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(a->mean, 4.2);
  EXPECT_EQ(a->population, "adult outpatients");  // inherited from the table
  EXPECT_EQ(a->percentiles.size(), 4u);
  EXPECT_EQ(t.find("avoidance")->source, "clinic records 2024, table 2");
  EXPECT_EQ(t.find("close"), nullptr);
  const auto back = attune::norm_table_from_json(attune::norm_table_to_json(t), "roundtrip");
  EXPECT_EQ(back.scales.size(), 2u);
  EXPECT_DOUBLE_EQ(back.find("avoidance")->sd, 1.2);
  EXPECT_EQ(back.find("anxiety")->percentiles.size(), 4u);
}

TEST(Norms, EveryParseErrorNamesTheField) {
  using attune::errc;
  auto parse = [](const std::string& s) { return attune::norm_table_from_json(s, "n.json"); };
  expect_error([&] { parse("{"); }, errc::bad_input, "n.json: not valid JSON");
  expect_error([&] { parse("[]"); }, errc::bad_input, "top level must be an object");
  expect_error([&] { parse(R"({"id":"x","scales":{}})"); }, errc::bad_input, "'format' must be");
  expect_error([&] { parse(R"({"format":"attune-norms/1","scales":{}})"); }, errc::bad_input,
               "missing field 'id'");
  expect_error([&] { parse(R"({"format":"attune-norms/1","id":"x","scales":{}})"); }, errc::bad_input,
               "'scales' must be a non-empty object");
  expect_error([&] { parse(R"({"format":"attune-norms/1","id":"x","confirmation":"maybe","scales":{"a":{}}})"); },
               errc::bad_input, "confirmation 'maybe'");
  const std::string head = R"({"format":"attune-norms/1","id":"x","population":"p","source":"s","scales":{"anx":)";
  expect_error([&] { parse(head + R"({"sd":1,"n":5}}})"); }, errc::bad_input, "scale 'anx': missing field 'mean'");
  expect_error([&] { parse(head + R"({"mean":"3","sd":1,"n":5}}})"); }, errc::bad_input,
               "field 'mean' must be a number");
  expect_error([&] { parse(head + R"({"mean":3,"sd":0,"n":5}}})"); }, errc::bad_input, "sd = 0; must be > 0");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":0}}})"); }, errc::bad_input, "n = 0; must be > 0");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"population":""}}})"); }, errc::bad_input,
               "no population");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"source":""}}})"); }, errc::bad_input,
               "no source");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"population":7}}})"); }, errc::bad_input,
               "'population' must be a string");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"percentiles":{}}}})"); }, errc::bad_input,
               "'percentiles' must be an array");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"percentiles":[{"score":1,"percentile":101}]}}})"); },
               errc::bad_input, "percentile point 1: percentile = 101");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"percentiles":[{"score":2,"percentile":1},{"score":2,"percentile":3}]}}})"); },
               errc::bad_input, "percentile point 2: score 2 does not increase");
  expect_error([&] { parse(head + R"({"mean":3,"sd":1,"n":5,"percentiles":[{"score":1,"percentile":9},{"score":2,"percentile":3}]}}})"); },
               errc::bad_input, "percentile 3 decreases");
  expect_error([&] { parse(head + R"(5}})"); }, errc::bad_input, "scale 'anx': must be an object");
}

TEST(Norms, FilesAndBuiltins) {
  const std::string path = attune::test::temp_path("cls_norms.json");
  attune::test::write_file(path, valid_json);
  EXPECT_EQ(attune::load_norm_table(path).id, "clinic-2024");
  EXPECT_EQ(attune::resolve_norm_table(path).id, "clinic-2024");
  std::filesystem::remove(path);
  expect_error([&] { attune::load_norm_table(path); }, attune::errc::io_error, "cannot open");
  expect_error([&] { attune::resolve_norm_table("no-such-norms"); }, attune::errc::invalid_argument,
               "neither a built-in norm table");
  // The only built-in norms: Revised AAS (Ledley et al. 2006 via TestScorer), SECONDARY.
  ASSERT_EQ(attune::builtin_norm_tables().size(), 2u);
  for (const auto& t : attune::builtin_norm_tables()) {
    ASSERT_TRUE(t.status);
    EXPECT_EQ(*t.status, attune::confirmation::secondary);
    EXPECT_NE(t.description.find("SECONDARY"), std::string::npos);
    EXPECT_NO_THROW(t.validate());
  }
  const auto f = attune::resolve_norm_table("RAAS-Ledley2006-Female");
  EXPECT_DOUBLE_EQ(f.find("anxiety")->mean, 2.62);  // instruments.md section 7 table
  EXPECT_DOUBLE_EQ(f.find("anxiety")->sd, 1.01);
  EXPECT_DOUBLE_EQ(attune::resolve_norm_table("raas-ledley2006-male").find("close")->mean, 3.59);
}

TEST(NormsLimits, DeepNestingIsRefusedBeforeParsing) {
  // Issue 10, F10: a 'mean' nested 100,000 deep; the message used to dump() it (stack overflow),
  // and at 10,000 levels quoted 20 KB of brackets.
  const std::string head = R"({"format":"attune-norms/1","id":"n","population":"p","source":"s","scales":{"a":{"mean":)";
  for (int depth : {65, 10000, 100000}) {
    const std::string text = head + std::string(static_cast<std::size_t>(depth), '[') +
                             std::string(static_cast<std::size_t>(depth), ']') + R"(,"sd":1,"n":5}}})";
    try {
      attune::norm_table_from_json(text, "deep.json");
      ADD_FAILURE() << "no error at depth " << depth;
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), attune::errc::bad_input);
      EXPECT_NE(std::string(e.what()).find("deep.json, line 1, column"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("nested deeper than 64 levels"), std::string::npos) << e.what();
      EXPECT_LT(std::string(e.what()).size(), 200u) << "the message must not quote the input";
    }
  }
  // 64 levels parse; the wrong type is described, not dumped.
  const std::string ok = head + std::string(60, '[') + std::string(60, ']') + R"(,"sd":1,"n":5}}})";
  expect_error([&] { attune::norm_table_from_json(ok, "n.json"); }, attune::errc::bad_input,
               "field 'mean' must be a number; got an array of 1 element(s)");
}

TEST(NormsLimits, NumbersThatOverflowADoubleNameTheirPlace) {
  // Issue 10, F2: nlohmann threw out_of_range (not attune::error) for 1e999.
  expect_error([] { attune::norm_table_from_json(R"({"format":"attune-norms/1","id":"x","scales":{"a":{"mean":1e999}}})", "big.json"); },
               attune::errc::bad_input, {"big.json, line 1, column 59", "the number '1e999' is too large for a double"});
  // Underflow is not an error (nlohmann reads 0, as strtod).
  const auto t = attune::norm_table_from_json(
      R"({"format":"attune-norms/1","id":"x","population":"p","source":"s","scales":{"a":{"mean":1e-999,"sd":1,"n":5}}})", "u.json");
  EXPECT_EQ(t.scales[0].mean, 0.0);
  // Numbers inside strings are text.
  EXPECT_NO_THROW(attune::norm_table_from_json(
      R"({"format":"attune-norms/1","id":"1e999","population":"p [[[","source":"s","scales":{"a":{"mean":1,"sd":1,"n":5}}})", "s.json"));
}

TEST(NormsLimits, MessagesQuoteAtMost80BytesOfAValue) {
  const std::string big(100000, 'x');
  try {
    attune::norm_table_from_json(R"({"format":")" + big + R"(","id":"x","scales":{}})", "q.json");
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("got '" + std::string(77, 'x') + "...' (100000 bytes)"), std::string::npos) << m;
    EXPECT_LT(m.size(), 200u);
  }
}

}  // namespace
