// APA-style results text (report/apa.hpp): the number rules of APA 7 (6.36, 6.38), and every
// number of the reliability paragraph equal to the JSON document's value, rounded as APA says.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>

#include "attune/report/apa.hpp"
#include "attune/report/json.hpp"
#include "attune/study/reliability.hpp"
#include "test_support.hpp"

namespace {

TEST(Apa, NumbersFollowApa7) {
  EXPECT_EQ(attune::apa_number(0.9426, 2, true), ".94");
  EXPECT_EQ(attune::apa_number(-0.1329, 2, true), "-.13");
  EXPECT_EQ(attune::apa_number(0.995, 2, true), ".99");  // 0.995 is 0.99499... in binary: rounds down
  EXPECT_EQ(attune::apa_number(0.9951, 2, true), "1.00");
  EXPECT_EQ(attune::apa_number(-0.001, 2, true), ".00");  // never "-.00"
  EXPECT_EQ(attune::apa_number(2.567, 2, false), "2.57");
  EXPECT_EQ(attune::apa_number(0.5, 2, false), "0.50");  // unbounded statistics keep the zero
  EXPECT_EQ(attune::apa_number(480.5177, 0, false), "481");
  EXPECT_EQ(attune::apa_number(std::numeric_limits<double>::quiet_NaN()), "NA");
  EXPECT_EQ(attune::apa_p(0.0004), "p < .001");
  EXPECT_EQ(attune::apa_p(0.001), "p = .001");
  EXPECT_EQ(attune::apa_p(0.01234), "p = .012");
  EXPECT_EQ(attune::apa_p(0.9996), "p > .999");
  EXPECT_EQ(attune::apa_p(0.5), "p = .500");
}

double rounded(double x) { return std::round(x * 100.0) / 100.0; }

// Each number in the paragraph, in order, against the JSON: items, N, effective N, alpha, its
// interval's level and bounds, omega total, the group factors, omega_h.
TEST(Apa, ReliabilityParagraphHasTheJsonNumbers) {
  attune::reliability_study_options o;
  const auto study = attune::study_reliability(attune::find_builtin("ecr-r"),
                                               attune::test::source_path("examples/data/ecr-r-sample.csv"), o);
  const std::string text = attune::to_apa(study);
  const auto doc = nlohmann::json::parse(attune::to_json(study));
  ASSERT_EQ(doc["scales"].size(), 2u);
  std::vector<std::string> paragraphs;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find("\n\n", start);
    paragraphs.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  ASSERT_EQ(paragraphs.size(), 2u) << text;
  const std::regex number(R"(-?\d*\.?\d+)");
  for (std::size_t s = 0; s < 2; ++s) {
    SCOPED_TRACE(paragraphs[s]);
    const auto& scale = doc["scales"][s];
    const auto& r = scale["reliability"];
    EXPECT_NE(paragraphs[s].find("For the " + scale["name"].get<std::string>() + " scale"), std::string::npos);
    std::vector<double> got;
    for (auto it = std::sregex_iterator(paragraphs[s].begin(), paragraphs[s].end(), number); it != std::sregex_iterator(); ++it) {
      got.push_back(std::stod(it->str()));
    }
    const auto& ci = r["intervals"][0];
    const auto& h = scale["omega"]["hierarchical"];
    const std::vector<double> want = {r["n_items"].get<double>(),     r["n_rows"].get<double>(),
                                      std::round(r["n"].get<double>()), rounded(r["alpha"]),
                                      100.0 * ci["level"].get<double>(), rounded(ci["lower"]),
                                      rounded(ci["upper"]),           rounded(scale["omega"]["total"]),
                                      h["n_factors"].get<double>(),   rounded(h["omega_hierarchical"])};
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << "number " << i;
    EXPECT_NE(paragraphs[s].find("(Feldt)"), std::string::npos);
    EXPECT_NE(paragraphs[s].find("pairwise deletion"), std::string::npos);
  }
}

TEST(Apa, CliFormatApaIsTheLibraryText) {
  const std::string sample = attune::test::source_path("examples/data/ecr-r-sample.csv");
  const auto r = attune::test::run_cli("reliability '" + sample + "' --instrument ecr-r --format apa");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto study = attune::study_reliability(attune::find_builtin("ecr-r"), sample, {});
  EXPECT_EQ(r.out, attune::to_apa(study) + "\n");
}

}  // namespace
