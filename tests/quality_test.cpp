// Tests of the quality module (careless and invalid responding).
// Golden values: tests/golden/quality.R (base-R transcription of careless 1.2.2,
// ryentes/careless@0a84caf, and psych 2.2.9 outlier) -> tests/data/quality/*.csv.
#include "attune/analyses/quality.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::errc;
using attune::quality_index;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double golden_tol = 1e-12;  // agreement with the base-R implementation

// A small CSV reader for the golden files (no quotes in them; "NA" = missing).
struct table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  [[nodiscard]] std::size_t col(const std::string& name) const {
    for (std::size_t j = 0; j < header.size(); ++j)
      if (header[j] == name) return j;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  [[nodiscard]] double num(std::size_t r, const std::string& name) const {
    const auto& s = rows[r][col(name)];
    return s == "NA" ? nan_v : std::stod(s);
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream ss(line);
  while (std::getline(ss, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

table read_table(const std::string& name) {
  std::ifstream in(attune::test::data_path("quality/" + name));
  EXPECT_TRUE(in.good()) << "missing golden file " << name << " (run Rscript tests/golden/quality.R)";
  table t;
  std::string line;
  std::getline(in, line);
  t.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) t.rows.push_back(split(line));
  return t;
}

struct golden {
  Eigen::MatrixXd values;
  std::vector<std::string> ids;
  attune::quality_design design;
  table expected;
  table pairs;
};

const golden& load_golden() {
  static const golden g = [] {
    golden out;
    const table data = read_table("data.csv");
    const table design = read_table("design.csv");
    const auto n = static_cast<Eigen::Index>(data.rows.size());
    const auto k = static_cast<Eigen::Index>(design.rows.size());
    out.values.resize(n, k);
    for (Eigen::Index i = 0; i < n; ++i) {
      out.ids.push_back(data.rows[static_cast<std::size_t>(i)][0]);
      for (Eigen::Index j = 0; j < k; ++j) {
        const auto& s = data.rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j) + 1];
        out.values(i, j) = s == "NA" ? nan_v : std::stod(s);
      }
    }
    out.design.item_min.resize(k);
    out.design.item_max.resize(k);
    for (Eigen::Index j = 0; j < k; ++j) {
      const auto r = static_cast<std::size_t>(j);
      out.design.item_ids.push_back(design.rows[r][0]);
      out.design.item_min(j) = design.num(r, "min");
      out.design.item_max(j) = design.num(r, "max");
      const auto s = static_cast<std::size_t>(design.num(r, "subscale")) - 1;
      if (out.design.subscales.size() <= s) out.design.subscales.resize(s + 1);
      out.design.subscales[s].name = "s" + std::to_string(s + 1);
      out.design.subscales[s].items.push_back(j);
      out.design.subscales[s].reversed.push_back(design.num(r, "reversed") == 1.0);
    }
    out.expected = read_table("expected.csv");
    out.pairs = read_table("pairs.csv");
    return out;
  }();
  return g;
}

// Compares a computed column with a golden column; NA must match NA. Returns the max deviation.
double compare(const Eigen::VectorXd& got, const table& t, const std::string& name, double tol) {
  EXPECT_EQ(static_cast<std::size_t>(got.size()), t.rows.size()) << name;
  double worst = 0.0;
  for (std::size_t i = 0; i < t.rows.size() && i < static_cast<std::size_t>(got.size()); ++i) {
    const double want = t.num(i, name);
    const double have = got(static_cast<Eigen::Index>(i));
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(have)) << name << " row " << i + 1 << ": R gives NA, attune " << have;
      continue;
    }
    EXPECT_NEAR(have, want, tol) << name << " row " << i + 1;
    worst = std::max(worst, std::abs(have - want));
  }
  std::cout << "  max |attune - R| for " << name << ": " << worst << "\n";
  return worst;
}

Eigen::VectorXd to_double(const Eigen::VectorXi& v) { return v.cast<double>(); }

// ---------------------------------------------------------------------------------------------
// Golden comparisons (R calls named per column in tests/golden/quality.R)

TEST(QualityGolden, LongstringEqualsCarelessRle) {
  const auto& g = load_golden();
  const auto ls = attune::longstring(g.values);  // R: q_longstring(raw) (careless longstring, avg = TRUE)
  compare(ls.longest, g.expected, "longstring", golden_tol);
  compare(ls.average, g.expected, "longstring_avg", golden_tol);
}

TEST(QualityGolden, IrvEqualsCarelessIrvWithBlocks) {
  const auto& g = load_golden();
  const Eigen::MatrixXd iv = attune::irv(g.values, {.blocks = 3});  // R: q_irv(raw, na.rm = TRUE, split = TRUE, num.split = 3)
  compare(iv.col(0), g.expected, "irv", golden_tol);
  compare(iv.col(1), g.expected, "irv1", golden_tol);
  compare(iv.col(2), g.expected, "irv2", golden_tol);
  compare(iv.col(3), g.expected, "irv3", golden_tol);
}

TEST(QualityGolden, IrvBlocksEqualRCut) {
  const table t = read_table("irv_blocks.csv");  // R: cut(seq_len(k), nb, labels = FALSE)
  ASSERT_FALSE(t.rows.empty());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto k = static_cast<Eigen::Index>(t.num(r, "k"));
    const int nb = static_cast<int>(t.num(r, "blocks"));
    const auto got = attune::irv_block_of_items(k, nb);
    std::istringstream codes(t.rows[r][t.col("codes")]);
    for (Eigen::Index j = 0; j < k; ++j) {
      int want = 0;
      codes >> want;
      EXPECT_EQ(got[static_cast<std::size_t>(j)] + 1, want) << "k = " << k << ", blocks = " << nb << ", item " << j + 1;
    }
  }
}

void compare_d2(const attune::mahalanobis_result& md, const table& t, const std::string& col) {
  // D^2 values are up to ~200: compare relative to max(1, |D^2|) at 1e-12.
  double worst = 0.0;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const double want = t.num(i, col);
    const double have = md.d2(static_cast<Eigen::Index>(i));
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(have)) << col << " row " << i + 1;
      continue;
    }
    EXPECT_NEAR(have, want, golden_tol * std::max(1.0, std::abs(want))) << col << " row " << i + 1;
    worst = std::max(worst, std::abs(have - want) / std::max(1.0, std::abs(want)));
  }
  std::cout << "  max relative |attune - R| for " << col << ": " << worst << "\n";
}

TEST(QualityGolden, MahalanobisPsychEqualsPsychOutlier) {
  const auto& g = load_golden();
  // R: q_mahad(raw) = psych::outlier as careless::mahad calls it (checked in the script)
  const auto md = attune::mahalanobis(g.values, {.method = attune::mahalanobis_method::psych});
  compare_d2(md, g.expected, "mahalanobis_psych");
  compare(to_double(md.df), g.expected, "mahalanobis_df", 0.0);
  compare(md.p_value, g.expected, "mahalanobis_psych_p", golden_tol);  // R: pchisq(d2, df, lower.tail = FALSE)
}

TEST(QualityGolden, MahalanobisObservedEqualsSubCovarianceSolve) {
  const auto& g = load_golden();
  // R: q_mahad_observed(raw): sum(z * solve(S[o, o], z)) per row
  const auto md = attune::mahalanobis(g.values);
  compare_d2(md, g.expected, "mahalanobis");
  compare(md.p_value, g.expected, "mahalanobis_p", golden_tol);
  // The golden data include respondents with no answer: their NaN D^2 is explained (issue 10, F9).
  Eigen::Index none = 0;
  for (Eigen::Index i = 0; i < md.df.size(); ++i) none += md.df(i) == 0 ? 1 : 0;
  ASSERT_GT(none, 0);
  ASSERT_EQ(md.warnings.size(), 1u);
  EXPECT_EQ(md.warnings[0], "mahalanobis: " + std::to_string(none) + " respondent(s) answered no item: D^2 undefined (NaN)");
}

TEST(QualityGolden, EvenoddEqualsCareless) {
  const auto& g = load_golden();
  // R: q_evenodd(keyed, rep(6, 4)) on reverse-keyed answers (careless evenodd, sign of 1.2.x)
  const auto eo = attune::evenodd(attune::reverse_key(g.values, g.design), g.design.subscales);
  compare(eo.value, g.expected, "evenodd", golden_tol);
  compare(to_double(eo.subscales), g.expected, "evenodd_subscales", 0.0);
}

TEST(QualityGolden, PsychsynPairsAndValuesEqualCareless) {
  const auto& g = load_golden();
  const auto syn = attune::psych_pairs(g.values, 0.60, false);  // R: q_item_pairs(raw, .60)
  const auto ant = attune::psych_pairs(g.values, -0.60, true);  // R: q_item_pairs(raw, -.60, anto = TRUE)
  std::vector<attune::item_pair> all = syn;
  all.insert(all.end(), ant.begin(), ant.end());
  ASSERT_EQ(all.size(), g.pairs.rows.size());
  for (std::size_t p = 0; p < all.size(); ++p) {
    EXPECT_EQ(all[p].first + 1, static_cast<Eigen::Index>(g.pairs.num(p, "first"))) << "pair " << p;
    EXPECT_EQ(all[p].second + 1, static_cast<Eigen::Index>(g.pairs.num(p, "second"))) << "pair " << p;
    EXPECT_NEAR(all[p].r, g.pairs.num(p, "r"), golden_tol) << "pair " << p;
  }
  const auto ps = attune::psychsyn(g.values, syn);  // R: q_psychsyn(raw, .60) (resample_na = FALSE)
  compare(ps.value, g.expected, "psychsyn", golden_tol);
  compare(to_double(ps.pairs), g.expected, "psychsyn_pairs", 0.0);
  const auto pa = attune::psychsyn(g.values, ant);  // R: q_psychant(raw, -.60)
  compare(pa.value, g.expected, "psychant", golden_tol);
  compare(to_double(pa.pairs), g.expected, "psychant_pairs", 0.0);
}

TEST(QualityGolden, ReversalEqualsBaseRDefinition) {
  const auto& g = load_golden();
  compare(attune::reversal(g.values, g.design), g.expected, "reversal", golden_tol);  // R: q_reversal(...)
}

TEST(QualityGolden, AssessQualityCarriesTheSameValuesAndMahalanobisFlag) {
  const auto& g = load_golden();
  attune::quality_options at99;
  at99.mahalanobis_confidence = 0.99;  // the level of the golden flag column (careless's default)
  const auto rep = attune::assess_quality(g.values, g.design, at99, g.ids);
  compare(rep.longstring, g.expected, "longstring", golden_tol);
  compare(rep.irv, g.expected, "irv", golden_tol);
  compare(rep.evenodd, g.expected, "evenodd", golden_tol);
  compare(rep.psychsyn, g.expected, "psychsyn", golden_tol);
  compare(rep.psychant, g.expected, "psychant", golden_tol);
  compare(rep.reversal, g.expected, "reversal", golden_tol);
  // R: d2 > qchisq(.99, df = items answered)
  for (std::size_t i = 0; i < g.expected.rows.size(); ++i) {
    const bool want = g.expected.num(i, "mahalanobis_flag") == 1.0;
    const bool have = (rep.flags[i] & static_cast<std::uint32_t>(quality_index::mahalanobis)) != 0U;
    EXPECT_EQ(have, want) << "row " << i + 1;
  }
  EXPECT_EQ(rep.n, 399);  // row 5 has no answer
  EXPECT_EQ(rep.validation.no_answer_rows, std::vector<Eigen::Index>{4});
  EXPECT_EQ(rep.synonyms.size() + rep.antonyms.size(), g.pairs.rows.size());
}

// The default Mahalanobis rule is p < .001 (Meade & Craig 2012; issue 12, item 8): with the
// default options the flag is exactly R's pchisq(d2, df, lower.tail = FALSE) < .001, and it
// flags no more respondents than the .99 rule (here strictly fewer).
TEST(QualityGolden, DefaultMahalanobisFlagIsChiSquarePBelowOnePerMille) {
  const auto& g = load_golden();
  EXPECT_EQ(attune::quality_options{}.mahalanobis_confidence, 0.999);
  const auto rep = attune::assess_quality(g.values, g.design, {}, g.ids);
  std::size_t at999 = 0, at99 = 0;
  for (std::size_t i = 0; i < g.expected.rows.size(); ++i) {
    const double p = g.expected.num(i, "mahalanobis_p");
    const bool want = !std::isnan(p) && p < 0.001;
    const bool have = (rep.flags[i] & static_cast<std::uint32_t>(quality_index::mahalanobis)) != 0U;
    EXPECT_EQ(have, want) << "row " << i + 1 << ", p = " << p;
    at999 += have ? 1 : 0;
    at99 += g.expected.num(i, "mahalanobis_flag") == 1.0 ? 1 : 0;
  }
  EXPECT_LT(at999, at99);
}

// ---------------------------------------------------------------------------------------------
// Small cases worked by hand

TEST(QualityIndices, LongstringCountsMissingAsRunsOfOne) {
  Eigen::MatrixXd x(3, 6);
  x << 1, 1, nan_v, 2, 2, 2,  //
      3, 3, 3, 3, 3, 3,       //
      nan_v, nan_v, nan_v, nan_v, nan_v, nan_v;
  const auto ls = attune::longstring(x);
  EXPECT_EQ(ls.longest(0), 3.0);  // rle lengths 2, 1, 3
  EXPECT_DOUBLE_EQ(ls.average(0), 2.0);
  EXPECT_EQ(ls.longest(1), 6.0);
  EXPECT_DOUBLE_EQ(ls.average(1), 6.0);
  EXPECT_TRUE(std::isnan(ls.longest(2)));
}

TEST(QualityIndices, IrvIsTheRowSd) {
  Eigen::MatrixXd x(1, 4);
  x << 1, 2, 3, nan_v;
  const Eigen::MatrixXd iv = attune::irv(x, {.blocks = 2});  // blocks {1,2}, {3,4}
  EXPECT_DOUBLE_EQ(iv(0, 0), 1.0);               // sd(1, 2, 3)
  EXPECT_DOUBLE_EQ(iv(0, 1), std::sqrt(0.5));    // sd(1, 2)
  EXPECT_TRUE(std::isnan(iv(0, 2)));             // one answer
}

TEST(QualityIndices, ReversalOfMirrorAndAgreer) {
  attune::quality_design d;
  d.item_ids = {"a", "b", "c", "d"};
  d.item_min = Eigen::VectorXd::Constant(4, 1.0);
  d.item_max = Eigen::VectorXd::Constant(4, 5.0);
  d.subscales.push_back({"s", {0, 1, 2, 3}, {false, true, false, true}});
  Eigen::MatrixXd x(3, 4);
  x << 5, 1, 4, 2,  // mirrors: p keyed (1 + .75)/2, reversed (0 + .25)/2 -> |.875 + .125 - 1| = 0
      5, 5, 5, 4,   // agrees: |1 + .875 - 1| = .875
      nan_v, 1, nan_v, 1;  // no keyed answer
  const Eigen::VectorXd r = attune::reversal(x, d);
  EXPECT_NEAR(r(0), 0.0, 1e-15);
  EXPECT_NEAR(r(1), 0.875, 1e-15);
  EXPECT_TRUE(std::isnan(r(2)));
}

// ---------------------------------------------------------------------------------------------
// Hand-made respondents in a generated sample: each flagged by the index meant for it.

struct sample {
  Eigen::MatrixXd values;
  attune::quality_design design;
};

// 600 careful respondents: 6 subscales x 6 items (1-7), items 2 and 5 of each reversed,
// loadings .85 on correlated (.3) factors; normal draws by Box-Muller on mt19937_64.
sample make_sample(Eigen::Index extra) {
  const Eigen::Index n = 600, f = 6, per = 6, k = f * per;
  std::mt19937_64 rng(6);
  auto unif = [&] { return (static_cast<double>(rng() >> 11U) + 0.5) * 0x1.0p-53; };
  auto normal = [&] { return std::sqrt(-2.0 * std::log(unif())) * std::cos(2.0 * M_PI * unif()); };
  sample s;
  s.values.resize(n + extra, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double g = normal();
    std::vector<double> eta(static_cast<std::size_t>(f));
    for (auto& e : eta) e = std::sqrt(0.3) * g + std::sqrt(0.7) * normal();
    for (Eigen::Index j = 0; j < k; ++j) {
      const double lat = 0.85 * eta[static_cast<std::size_t>(j / per)] + std::sqrt(1 - 0.85 * 0.85) * normal();
      double v = std::round(4.0 + 1.5 * lat);
      v = std::min(7.0, std::max(1.0, v));
      const bool rev = (j % per == 1) || (j % per == 4);
      s.values(i, j) = rev ? 8.0 - v : v;
    }
  }
  s.design.item_min = Eigen::VectorXd::Constant(k, 1.0);
  s.design.item_max = Eigen::VectorXd::Constant(k, 7.0);
  for (Eigen::Index j = 0; j < k; ++j) s.design.item_ids.push_back("Q" + std::to_string(j + 1));
  for (Eigen::Index q = 0; q < f; ++q) {
    attune::quality_subscale sub;
    sub.name = "f" + std::to_string(q + 1);
    for (Eigen::Index p = 0; p < per; ++p) {
      sub.items.push_back(q * per + p);
      sub.reversed.push_back(p == 1 || p == 4);
    }
    s.design.subscales.push_back(sub);
  }
  return s;
}

bool has(std::uint32_t flags, quality_index q) { return (flags & static_cast<std::uint32_t>(q)) != 0U; }

TEST(QualityHandMade, EachCarelessPatternIsFlaggedByItsIndexAndTheCarefulOneByNone) {
  sample s = make_sample(5);
  const Eigen::Index k = s.values.cols(), base = 600;
  const Eigen::Index straight = base, alternator = base + 1, random = base + 2, agreer = base + 3, careful = base + 4;
  for (Eigen::Index j = 0; j < k; ++j) {
    const bool rev = (j % 6 == 1) || (j % 6 == 4);
    s.values(straight, j) = 5.0;                          // the same answer everywhere
    s.values(alternator, j) = j % 2 == 0 ? 1.0 : 7.0;     // 1, 7, 1, 7, ...
    s.values(agreer, j) = (j % 3 == 0) ? 6.0 : 7.0;       // agrees with keyed and reversed items alike
    // careful: moderately secure profile, answers follow the keys (keyed 5/6 on f1-f3, 3/2 on f4-f6)
    const double keyed = (j / 6 < 3) ? (j % 2 == 0 ? 5.0 : 6.0) : (j % 2 == 0 ? 3.0 : 2.0);
    s.values(careful, j) = rev ? 8.0 - keyed : keyed;
  }
  // random: uniform 1..7 from a fixed stream
  std::mt19937_64 rng(2026);
  for (Eigen::Index j = 0; j < k; ++j) s.values(random, j) = 1.0 + static_cast<double>(rng() % 7U);

  const auto rep = attune::assess_quality(s.values, s.design);
  const auto& fl = rep.flags;
  auto show = [&](Eigen::Index i) {
    std::ostringstream o;
    o << "flags '" << attune::flag_names(fl[static_cast<std::size_t>(i)]) << "' longstring " << rep.longstring(i)
      << " irv " << rep.irv(i) << " D2 " << rep.mahalanobis(i) << " evenodd " << rep.evenodd(i) << " psychsyn "
      << rep.psychsyn(i) << " psychant " << rep.psychant(i) << " reversal " << rep.reversal(i);
    return o.str();
  };
  EXPECT_TRUE(has(fl[straight], quality_index::longstring)) << show(straight);
  EXPECT_TRUE(has(fl[straight], quality_index::irv)) << show(straight);
  EXPECT_TRUE(has(fl[alternator], quality_index::mahalanobis)) << show(alternator);
  EXPECT_TRUE(has(fl[alternator], quality_index::psychsyn)) << show(alternator);  // 1/7 on synonym pairs
  EXPECT_FALSE(has(fl[alternator], quality_index::longstring)) << show(alternator);
  EXPECT_TRUE(has(fl[random], quality_index::mahalanobis)) << show(random);
  EXPECT_TRUE(has(fl[agreer], quality_index::reversal)) << show(agreer);
  EXPECT_EQ(fl[careful], 0U) << show(careful);
  EXPECT_EQ(attune::flag_names(fl[straight]).substr(0, 14), "longstring|irv");
  // The generated careful sample is mostly unflagged (mahalanobis alone flags ~1% by design).
  Eigen::Index flagged = 0;
  for (Eigen::Index i = 0; i < base; ++i) flagged += fl[static_cast<std::size_t>(i)] != 0U ? 1 : 0;
  EXPECT_LT(flagged, base / 10) << flagged << " of " << base << " careful respondents flagged";
}

// ---------------------------------------------------------------------------------------------
// Validation report

TEST(QualityValidation, ReportsRangesMissingDuplicatesConstantsAndTheMinimumRule) {
  attune::quality_design d;
  d.item_ids = {"a", "b", "c", "d", "e"};
  d.item_min = Eigen::VectorXd::Constant(5, 1.0);
  d.item_max = Eigen::VectorXd::Constant(5, 5.0);
  d.subscales.push_back({"s", {0, 1, 2, 3, 4}, {false, true, false, false, true}});
  Eigen::MatrixXd x(5, 5);
  x << 1, 2, 3, 4, 5,                      //
      3, 3, 3, 3, 3,                       // constant
      9, 2, nan_v, 4, 0,                   // two out of range, one missing
      nan_v, nan_v, nan_v, nan_v, nan_v,   // no answer
      1, nan_v, nan_v, 2, 2;               // 3 of 5 answered < ceil(.8 * 5) = 4
  const std::vector<std::string> ids{"p1", "p2", "p1", "", "p2"};
  const auto v = attune::validate_data(x, ids, d);
  ASSERT_EQ(v.out_of_range.size(), 2U);
  EXPECT_EQ(v.out_of_range[0].row, 2);
  EXPECT_EQ(v.out_of_range[0].item, 0);
  EXPECT_EQ(v.out_of_range[0].value, 9.0);
  EXPECT_EQ(v.out_of_range[1].item, 4);
  EXPECT_EQ(v.out_of_range[1].value, 0.0);
  EXPECT_EQ(v.missing_per_item, (Eigen::VectorXi(5) << 1, 2, 3, 1, 1).finished());
  EXPECT_EQ(v.missing_per_respondent, (Eigen::VectorXi(5) << 0, 0, 1, 5, 2).finished());
  ASSERT_EQ(v.duplicate_ids.size(), 2U);
  EXPECT_EQ(v.duplicate_ids[0], (std::vector<Eigen::Index>{0, 2}));
  EXPECT_EQ(v.duplicate_ids[1], (std::vector<Eigen::Index>{1, 4}));
  EXPECT_EQ(v.constant_rows, std::vector<Eigen::Index>{1});
  EXPECT_EQ(v.no_answer_rows, std::vector<Eigen::Index>{3});
  EXPECT_EQ(v.below_min_answered, (std::vector<Eigen::Index>{3, 4}));
  EXPECT_EQ(v.required, std::vector<int>{4});

  // assess_quality reports them and leaves out-of-range answers out of the indices, with a warning
  x(3, 0) = 1.0;
  x(3, 1) = 2.0;
  const auto rep = attune::assess_quality(x, d, {}, ids);
  EXPECT_EQ(rep.validation.out_of_range.size(), 2U);
  ASSERT_FALSE(rep.warnings.empty());
  EXPECT_NE(rep.warnings[0].find("2 answer(s) outside the item range"), std::string::npos);
  EXPECT_EQ(rep.longstring(2), 1.0);  // 9 and 0 are treated as missing: runs NaN,2,NaN,4,NaN
}

TEST(QualityDesign, FromAnInstrumentUsesPerSubscaleKeysAndRanges) {
  attune::instrument inst;
  inst.id = "t";
  inst.range = {1, 7};
  inst.items = {{"a", "", false, {}}, {"b", "", true, {}}, {"c", "", false, attune::response_range{0, 4}}};
  inst.subscales.push_back({"x", "", {"a", "b"}, {}});
  inst.subscales.push_back({"y", "", {"b", "c"}, std::vector<std::string>{"c"}});
  const auto d = attune::make_quality_design(inst);
  EXPECT_EQ(d.item_ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(d.item_min(2), 0.0);
  EXPECT_EQ(d.item_max(2), 4.0);
  EXPECT_EQ(d.item_max(0), 7.0);
  EXPECT_EQ(d.subscales[0].reversed, (std::vector<bool>{false, true}));
  EXPECT_EQ(d.subscales[1].reversed, (std::vector<bool>{false, true}));  // y's own keys
  const auto d2 = attune::make_quality_design(inst, attune::response_range{1, 5});
  EXPECT_EQ(d2.item_max(2), 5.0);
  inst.subscales[0].items.push_back("zz");
  try {
    (void)attune::make_quality_design(inst);
    FAIL() << "expected an error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), errc::bad_input);
    EXPECT_NE(std::string(e.what()).find("unknown item 'zz'"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// Error paths: each names the place and the value

using attune::test::expect_error;

TEST(QualityErrors, OptionsNameTheFieldAndValue) {
  auto with = [](const std::function<void(attune::quality_options&)>& set) {
    attune::quality_options o;
    set(o);
    return [o] { o.validate(); };
  };
  expect_error(with([](auto& o) { o.longstring_share = 1.5; }), errc::invalid_argument, "longstring_share = 1.5");
  expect_error(with([](auto& o) { o.irv_blocks = 0; }), errc::invalid_argument, "irv_blocks = 0");
  expect_error(with([](auto& o) { o.mahalanobis_confidence = 1.0; }), errc::invalid_argument, "mahalanobis_confidence = 1");
  expect_error(with([](auto& o) { o.evenodd_min_subscales = 1; }), errc::invalid_argument, "evenodd_min_subscales = 1");
  expect_error(with([](auto& o) { o.psychsyn_critical = -0.6; }), errc::invalid_argument, "psychsyn_critical = -0.6");
  expect_error(with([](auto& o) { o.psychant_critical = 0.6; }), errc::invalid_argument, "psychant_critical = 0.6");
  expect_error(with([](auto& o) { o.min_answered = 0.0; }), errc::invalid_argument, "min_answered = 0");
  const double inf = std::numeric_limits<double>::infinity();
  expect_error(with([=](auto& o) { o.irv_min = inf; }), errc::invalid_argument, "irv_min = inf");
  expect_error(with([=](auto& o) { o.irv_max = -inf; }), errc::invalid_argument, "irv_max = -inf");
  expect_error(with([=](auto& o) { o.evenodd_max = inf; }), errc::invalid_argument, "evenodd_max = inf");
  expect_error(with([=](auto& o) { o.psychsyn_min = inf; }), errc::invalid_argument, "psychsyn_min = inf");
  expect_error(with([=](auto& o) { o.psychant_max = inf; }), errc::invalid_argument, "psychant_max = inf");
  expect_error(with([=](auto& o) { o.reversal_max = inf; }), errc::invalid_argument, "reversal_max = inf");
  EXPECT_NO_THROW(with([](auto& o) { o.longstring_share = nan_v; o.mahalanobis_confidence = nan_v; })());
}

TEST(QualityErrors, DesignThatDoesNotFitTheData) {
  attune::quality_design d;
  d.item_ids = {"a", "b", "c"};
  d.item_min = Eigen::VectorXd::Constant(3, 1.0);
  d.item_max = Eigen::VectorXd::Constant(3, 5.0);
  d.subscales.push_back({"s", {0, 1, 2}, {false, true, false}});
  EXPECT_NO_THROW(d.validate(3));
  expect_error([&] { d.validate(4); }, errc::invalid_argument, "3 item ids for 4 data columns");
  auto r = d;
  r.item_ids.clear();
  expect_error([&] { r.validate(4); }, errc::invalid_argument, "item ranges given for 3/3 items, data have 4");
  r = d;
  r.item_max(1) = 1.0;
  expect_error([&] { r.validate(3); }, errc::invalid_argument, "item b has range 1-1");
  r = d;
  r.subscales[0].reversed.pop_back();
  expect_error([&] { r.validate(3); }, errc::invalid_argument, "subscale 's' lists 3 items but 2 reverse keys");
  r = d;
  r.subscales[0].items[2] = 7;
  expect_error([&] { r.validate(3); }, errc::invalid_argument, "subscale 's' names column 8; data have 3");
  r = d;
  r.subscales[0].items[2] = 0;
  expect_error([&] { r.validate(3); }, errc::invalid_argument, "lists item a twice");
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(2, 3);
  expect_error([&] { (void)attune::validate_data(x, {"only one"}, d); }, errc::invalid_argument, "1 row ids for 2 rows");
}

TEST(QualityErrors, IndicesRefuseImpossibleInput) {
  expect_error([] { (void)attune::irv_block_of_items(5, 0); }, errc::invalid_argument, "blocks = 0");
  expect_error([] { (void)attune::irv_block_of_items(0, 1); }, errc::invalid_argument, "no items");
  expect_error([] { (void)attune::irv_block_of_items(3, 4); }, errc::invalid_argument, "blocks = 4 for 3 items");
  expect_error([] { (void)attune::mahalanobis(Eigen::MatrixXd(3, 0)); }, errc::insufficient_data, "no items");
  Eigen::MatrixXd sparse(3, 2);
  sparse << 1, nan_v, nan_v, 2, 3, nan_v;
  expect_error([&] { (void)attune::mahalanobis(sparse); }, errc::insufficient_data,
               "items 1 and 2 were answered together by 0 respondents");
  Eigen::MatrixXd collinear(4, 2);
  collinear << 1, 2, 2, 4, 3, 6, 4, 8;
  expect_error([&] { (void)attune::mahalanobis(collinear); }, errc::numerical_issue, "is singular");
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(2, 3);
  expect_error([&] { (void)attune::evenodd(x, {{"s", {0, 1, 2}, {false, false, false}}}); }, errc::insufficient_data,
               "1 subscale(s)");
  expect_error([&] { (void)attune::evenodd(x, {{"s", {0, 1}, {false, false}}, {"t", {5}, {false}}}); },
               errc::invalid_argument, "subscale 't' names column 6");
  expect_error([&] { (void)attune::psychsyn(x, {{3, 0, 0.7}}); }, errc::invalid_argument, "item pair (4, 1)");
  attune::quality_design d;
  d.item_min = Eigen::VectorXd::Constant(1, 1.0);
  d.item_max = Eigen::VectorXd::Constant(1, 5.0);
  expect_error([&] { (void)attune::assess_quality(Eigen::MatrixXd::Ones(3, 1), d); }, errc::insufficient_data,
               "1 item(s)");
  d.item_min = Eigen::VectorXd::Constant(2, 1.0);
  d.item_max = Eigen::VectorXd::Constant(2, 5.0);
  attune::quality_options o;
  o.irv_blocks = 3;
  expect_error([&] { (void)attune::assess_quality(Eigen::MatrixXd::Ones(3, 2), d, o); }, errc::invalid_argument,
               "irv_blocks = 3 for 2 items");
}

TEST(QualityErrors, AnIndexThatCannotRunIsNaNWithAWarningNotAnError) {
  attune::quality_design d;
  d.item_min = Eigen::VectorXd::Constant(3, 1.0);
  d.item_max = Eigen::VectorXd::Constant(3, 5.0);
  Eigen::MatrixXd x(4, 3);
  x << 1, 1, 3, 2, 2, 1, 3, 3, 5, 4, 4, 2;  // columns 1 and 2 identical: singular covariance
  const auto rep = attune::assess_quality(x, d);
  auto warned = [&](const std::string& s) {
    for (const auto& w : rep.warnings)
      if (w.find(s) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(warned("mahalanobis not computed")) << rep.warnings.size();
  EXPECT_TRUE(warned("evenodd not computed: 0 subscale(s)"));
  EXPECT_TRUE(warned("reversal not computed"));
  EXPECT_TRUE(warned("psychant not computed: no item pair correlates below -0.6"));
  EXPECT_TRUE(std::isnan(rep.mahalanobis(0)));
  EXPECT_TRUE(std::isnan(rep.psychant(0)));
  EXPECT_FALSE(std::isnan(rep.longstring(0)));
}

}  // namespace

namespace {

TEST(QualityNames, IndicesAndMahalanobisMethodsParseTheirNames) {
  for (const auto i : attune::all_quality_indices()) EXPECT_EQ(attune::parse_quality_index(attune::to_string(i)), i);
  EXPECT_EQ(attune::parse_quality_index("IRV"), quality_index::irv);
  EXPECT_FALSE(attune::parse_quality_index("carelessness"));
  for (auto m : {attune::mahalanobis_method::observed, attune::mahalanobis_method::psych}) {
    EXPECT_EQ(attune::parse_mahalanobis_method(attune::to_string(m)), m);
  }
  EXPECT_FALSE(attune::parse_mahalanobis_method("full"));
}

}  // namespace
