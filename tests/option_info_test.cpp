// The options described for front ends (study/option_info.hpp): the builders' parsing and their
// one error shape (src/detail/option_builders.hpp), and the input and quality options' lists.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/study/input.hpp"
#include "attune/study/option_info.hpp"
#include "attune/study/quality.hpp"
#include "detail/option_builders.hpp"
#include "option_list_checks.hpp"

namespace {

using attune::option_info;
using attune::option_list;

using attune::test::option_named;
using attune::test::refused_text;
using attune::test::set_option;

TEST(OptionBuilders, NumbersParseTheWholeTextAndKeepTheirBounds) {
  double share = 0.5;
  int blocks = 3;
  std::size_t rows = 0;
  std::uint64_t seed = 7;
  const auto d = attune::detail::bound_option("share", "x_options.share", "a share", share, {0.0, 1.0});
  const auto i = attune::detail::bound_option("blocks", "x_options.blocks", "blocks", blocks);
  const auto u = attune::detail::bound_option("rows", "x_options.rows", "rows", rows, {0, 1000000});
  const auto s = attune::detail::bound_option("seed", "x_options.seed", "seed", seed);
  EXPECT_EQ(d.value_type, "FLOAT");
  EXPECT_EQ(i.value_type, "INT");
  EXPECT_EQ(u.value_type, "UINT");
  EXPECT_EQ(d.default_text, std::optional<std::string>("0.5"));
  EXPECT_EQ(i.default_text, std::optional<std::string>("3"));
  EXPECT_EQ(s.default_text, std::optional<std::string>("7"));
  d.set({"0.25"});
  i.set({"-2"});
  u.set({"1000000"});
  s.set({"18446744073709551615"});
  EXPECT_EQ(share, 0.25);
  EXPECT_EQ(blocks, -2);
  EXPECT_EQ(rows, 1000000u);
  EXPECT_EQ(seed, UINT64_MAX);
  EXPECT_EQ(refused_text(d, {"abc"}), "share 'abc': expected a number");
  EXPECT_EQ(refused_text(d, {"0.5x"}), "share '0.5x': expected a number");
  EXPECT_EQ(refused_text(d, {"nan"}), "share 'nan': expected a finite number");
  EXPECT_EQ(refused_text(d, {"1.5"}), "share '1.5': must be in [0, 1]");
  EXPECT_EQ(refused_text(i, {"2.5"}), "blocks '2.5': expected a whole number");
  EXPECT_EQ(refused_text(u, {"-1"}), "rows '-1': expected a whole number, 0 or more");
  EXPECT_EQ(refused_text(u, {"1000001"}), "rows '1000001': must be in [0, 1000000]");
  EXPECT_EQ(refused_text(s, {"18446744073709551616"}), "seed '18446744073709551616': expected a whole number, 0 or more");
  EXPECT_EQ(refused_text(i, {""}), "blocks '': expected a whole number");
  EXPECT_EQ(share, 0.25);  // a refused text leaves the member as it was
  EXPECT_EQ(blocks, -2);
}

TEST(OptionBuilders, OffNumbersOptionalsTextsListsAndToggles) {
  double off = std::nan("");
  std::optional<double> se;
  std::string name;
  std::vector<std::string> items;
  bool on = false, warnings = true;
  const auto n = attune::detail::bound_option("max", "x.max", "h", off);
  const auto o = attune::detail::bound_option("se", "x.se", "h", se);
  const auto t = attune::detail::bound_option("name", "x.name", "h", name);
  const auto l = attune::detail::bound_option("items", "x.items", "h", items);
  const auto b = attune::detail::bound_option("ordinal", "x.ordinal", "h", on);
  const auto f = attune::detail::toggle_option("no-warnings", "x.warnings", "h", warnings, false);
  EXPECT_FALSE(n.default_text);  // NaN switches a rule off: no default to show
  EXPECT_FALSE(o.default_text);
  EXPECT_FALSE(t.default_text);
  EXPECT_EQ(l.form, option_info::form_kind::list);
  EXPECT_EQ(b.form, option_info::form_kind::toggle);
  n.set({"2"});
  o.set({"0.3"});
  t.set({"anxiety"});
  l.set({"Q1", "Q2"});
  b.set({});
  f.set({});
  EXPECT_EQ(off, 2.0);
  EXPECT_EQ(se, std::optional<double>(0.3));
  EXPECT_EQ(name, "anxiety");
  EXPECT_EQ(items, (std::vector<std::string>{"Q1", "Q2"}));
  EXPECT_TRUE(on);
  EXPECT_FALSE(warnings);
  EXPECT_EQ(refused_text(o, {"x"}), "se 'x': expected a number");
}

TEST(OptionBuilders, EnumsByNameAndNoneEmptiesAnOptionalOne) {
  attune::mahalanobis_method m = attune::mahalanobis_method::observed;
  std::optional<attune::mahalanobis_method> maybe;
  const auto c = attune::detail::choice_option("missing", "q.missing", "h", m, attune::parse_mahalanobis_method,
                                               {"observed", "psych"});
  const auto oc = attune::detail::choice_option("maybe", "q.maybe", "h", maybe, attune::parse_mahalanobis_method,
                                                {"observed", "psych"});
  EXPECT_EQ(c.default_text, std::optional<std::string>("observed"));
  EXPECT_EQ(oc.default_text, std::optional<std::string>("none"));
  EXPECT_EQ(oc.choices, (std::vector<std::string>{"observed", "psych", "none"}));
  c.set({"psych"});
  EXPECT_EQ(m, attune::mahalanobis_method::psych);
  oc.set({"observed"});
  EXPECT_EQ(maybe, std::optional(attune::mahalanobis_method::observed));
  oc.set({"none"});
  EXPECT_FALSE(maybe);
  EXPECT_EQ(refused_text(c, {"both"}), "missing 'both': use observed or psych");
  EXPECT_EQ(refused_text(oc, {"both"}), "maybe 'both': use observed, psych or none");
  EXPECT_EQ(refused_text(c, {std::string(100, 'x')}), "missing '" + std::string(77, 'x') + "...': use observed or psych");
}

TEST(InputOptionsDescribed, EachNameSetsItsMember) {
  attune::input_options in;
  const option_list list = attune::describe_options(in);
  std::set<std::string> names;
  for (const auto& o : list) {
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    EXPECT_FALSE(o.help.empty()) << o.name;
    EXPECT_TRUE(static_cast<bool>(o.set)) << o.name;
  }
  set_option(list, "items", {"Q1-Q3", "Q5"});
  set_option(list, "scale", {"1-5"});
  set_option(list, "missing", {"0", "99"});
  set_option(list, "id", {"pid"});
  set_option(list, "keep", {"age"});
  set_option(list, "skip-rows", {"2"});
  set_option(list, "delimiter", {"tab"});
  set_option(list, "min-answered", {"0.5"});
  set_option(list, "out-of-range", {"missing"});
  set_option(list, "max-record-bytes", {"1024"});
  set_option(list, "max-columns", {"50"});
  set_option(list, "no-sanity-warnings", {});
  EXPECT_EQ(in.read.items, (std::vector<std::string>{"Q1-Q3", "Q5"}));
  ASSERT_TRUE(in.scoring.range);
  EXPECT_EQ(in.scoring.range->min, 1.0);
  EXPECT_EQ(in.scoring.range->max, 5.0);
  EXPECT_EQ(in.read.missing_codes, (std::vector<double>{0.0, 99.0}));
  EXPECT_EQ(in.read.id_column, "pid");
  EXPECT_EQ(in.keep, (std::vector<std::string>{"age"}));
  EXPECT_EQ(in.read.skip_rows, 2u);
  EXPECT_EQ(in.read.csv.delimiter, '\t');
  EXPECT_EQ(in.scoring.min_answered, 0.5);
  EXPECT_EQ(in.scoring.out_of_range, attune::out_of_range_policy::set_missing);
  EXPECT_EQ(in.read.csv.max_record_bytes, 1024u);
  EXPECT_EQ(in.read.csv.max_columns, 50u);
  EXPECT_FALSE(in.sanity_warnings);
  set_option(list, "delimiter", {";"});
  EXPECT_EQ(in.read.csv.delimiter, ';');
  EXPECT_EQ(refused_text(option_named(list, "scale"), {"5-1"}), "scale '5-1': expected MIN-MAX with MIN < MAX, e.g. 1-7");
  EXPECT_EQ(refused_text(option_named(list, "missing"), {"na"}), "missing 'na': a missing code must be a number");
  EXPECT_EQ(refused_text(option_named(list, "delimiter"), {"|"}), "delimiter '|': use ',', ';' or tab");
  EXPECT_EQ(refused_text(option_named(list, "out-of-range"), {"drop"}), "out-of-range 'drop': use error or missing");
  EXPECT_EQ(refused_text(option_named(list, "skip-rows"), {"1000001"}), "skip-rows '1000001': must be in [0, 1000000]");
  EXPECT_EQ(refused_text(option_named(list, "max-record-bytes"), {"63"}),
            "max-record-bytes '63': must be in [64, 4000000000000000000]");
}

TEST(InputOptionsDescribed, TheFieldIsTheOneTheLibrarysOwnCheckNames) {
  // a front end maps an error's option back to the option that sets it: the names must agree
  attune::input_options in;
  const option_list list = attune::describe_options(in);
  set_option(list, "min-answered", {"1.5"});  // in range for the text, not for the rule
  try {
    in.scoring.validate();
    FAIL() << "min_answered 1.5 was accepted";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.option(), option_named(list, "min-answered").field);
  }
}

TEST(QualityOptionsDescribed, NamesAreUniqueWithTheInputOnesAndSetTheIndicesRules) {
  attune::quality_study_options q;
  option_list list = attune::describe_options(q.input);
  const option_list own = attune::describe_options(q);
  list.insert(list.end(), own.begin(), own.end());
  std::set<std::string> names;
  for (const auto& o : list) EXPECT_TRUE(names.insert(o.name).second) << o.name;
  EXPECT_FALSE(option_named(own, "irv-max").default_text);  // off by default
  EXPECT_EQ(option_named(own, "confidence").default_text, std::optional<std::string>("0.999"));
  set_option(own, "irv-max", {"1.5"});
  set_option(own, "mahalanobis-missing", {"psych"});
  set_option(own, "evenodd-min-subscales", {"4"});
  set_option(own, "lz-min", {"-2.5"});
  EXPECT_EQ(q.quality.irv_max, 1.5);
  EXPECT_EQ(q.quality.mahalanobis_missing, attune::mahalanobis_method::psych);
  EXPECT_EQ(q.quality.evenodd_min_subscales, 4);
  EXPECT_EQ(q.lz_min, -2.5);
  set_option(own, "confidence", {"1.5"});
  try {
    q.validate();
    FAIL() << "a confidence of 1.5 was accepted";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.option(), option_named(own, "confidence").field);
  }
}

}  // namespace
