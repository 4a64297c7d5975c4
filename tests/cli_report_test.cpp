// attune report and the SVG plots (report/svg.hpp, report/html.hpp, study/report.hpp).
// Golden SVG files: ATTUNE_UPDATE_SNAPSHOTS=1 ctest --preset ci -R ReportSvg rewrites them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "attune/attune.hpp"
#include "attune/report/apa.hpp"
#include "attune/report/html.hpp"
#include "attune/report/json.hpp"
#include "attune/report/svg.hpp"
#include "attune/study/report.hpp"
#include "test_support.hpp"

namespace {

using attune::test::read_file;
using attune::test::source_path;
using attune::test::temp_path;
using attune::test::write_file;

bool updating() {
  const char* v = std::getenv("ATTUNE_UPDATE_SNAPSHOTS");
  return v != nullptr && std::string(v) == "1";
}

void expect_golden(const std::string& name, const std::string& svg) {
  const std::string path = source_path("tests/golden/svg/" + name + ".svg");
  if (updating()) write_file(path, svg);
  EXPECT_EQ(read_file(path), svg) << "differs from tests/golden/svg/" << name << ".svg (see this file's comment)";
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

const std::string kSample = source_path("examples/data/ecr-r-sample.csv");

// Eight fixed respondents on 1-7, classified by the midpoint split with SEMs 0.3.
attune::classification small_classification(attune::classify_method method) {
  Eigen::VectorXd anx(8), avo(8);
  anx << 1.5, 2.0, 5.5, 6.0, 3.9, 4.1, 2.5, 6.5;
  avo << 1.5, 5.5, 2.0, 6.0, 4.1, 3.9, 3.0, 1.2;
  attune::classify_options o;
  o.method = method;
  o.range = attune::response_range{1, 7};
  o.sem_anxiety = o.sem_avoidance = 0.3;
  return attune::classify(anx, avo, o);
}

TEST(ReportSvg, PlaneGoldenAndMarks) {
  const auto c = small_classification(attune::classify_method::midpoint);
  const std::string svg = attune::svg_attachment_plane(c, {1, 7});
  expect_golden("plane_midpoint", svg);
  // every scored respondent drawn once: circles, or crosses for those within one SEM of a cut
  EXPECT_EQ(occurrences(svg, "<circle"), 8 - c.n_near_boundary);
  EXPECT_EQ(occurrences(svg, "<path d=\"M"), c.n_near_boundary);
  EXPECT_EQ(c.n_near_boundary, 2u);  // (3.9, 4.1) and (4.1, 3.9) are 0.1 from the cut 4
  for (const char* label : {"Secure", "Preoccupied", "Dismissing", "Fearful", "<title>", "<desc>", "midpoint 4.0"}) {
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
}

TEST(ReportSvg, FisherRegionsFollowTheFunctions) {
  const auto c = small_classification(attune::classify_method::fisher);
  attune::plane_plot_options o;
  o.region_grid = 3;  // 3 x 3 cells: centres at 2, 4, 6
  const std::string svg = attune::svg_attachment_plane(c, {1, 7}, o);
  expect_golden("plane_fisher", svg);
  // The bottom-left cell (anxiety 2, avoidance 2) has the colour of the style whose function is highest there.
  const auto v = attune::fisher_values(2.0, 2.0);
  const auto best = attune::all_styles[static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin())];
  EXPECT_EQ(best, attune::attachment_style::secure);
  // frame: x from 60 to 500 over 1-7 (520 wide): the first cell starts at x 60.0, bottom row ends at y 448.0
  EXPECT_NE(svg.find("<rect x=\"60.0\" y=\"312.0\" width=\"146.7\" height=\"136.0\" fill=\"#009E73\"/>"), std::string::npos);
}

TEST(ReportSvg, DensityAboveTheScatterLimit) {
  Eigen::VectorXd anx(3000), avo(3000);
  for (Eigen::Index i = 0; i < 3000; ++i) anx[i] = 1 + 6.0 * static_cast<double>(i % 61) / 60, avo[i] = 1 + 6.0 * static_cast<double>(i % 47) / 46;
  attune::classify_options co;
  co.range = attune::response_range{1, 7};
  const auto c = attune::classify(anx, avo, co);
  const std::string svg = attune::svg_attachment_plane(c, {1, 7});
  EXPECT_EQ(occurrences(svg, "<circle"), 0u);
  EXPECT_NE(svg.find("class=\"hexbin\""), std::string::npos);
  // the hexagons' counts add up to N
  std::size_t total = 0;
  const std::regex count("<title>([0-9]+) respondents</title>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), count); it != std::sregex_iterator(); ++it) total += std::stoul((*it)[1]);
  EXPECT_EQ(total, 3000u);
}

TEST(ReportSvg, OtherPlotsGolden) {
  Eigen::VectorXd v(10);
  v << 1.0, 1.5, 2.0, 2.2, 2.4, 3.0, 3.1, 3.9, 4.5, std::nan("");
  const std::string hist = attune::svg_histogram(v, 1, 5, 4, "Anxiety", "score");
  expect_golden("histogram", hist);
  EXPECT_EQ(occurrences(hist, "<rect x="), 4u + 0u);
  EXPECT_NE(hist.find("Histogram of 9 scores in 4 bins"), std::string::npos);
  expect_golden("bars", attune::svg_bars({{"Q1", 0.55, false}, {"Q2", -0.12, true}, {"Q3", 0.25, true}}, -0.2, 1.0,
                                         "Item-rest r", "r.drop", 0.3, ".30"));
  Eigen::VectorXd obs(4), sim(4);
  obs << 3.2, 1.4, 0.6, 0.3;
  sim << 1.3, 1.1, 0.9, 0.7;
  expect_golden("scree", attune::svg_scree(obs, sim, "Scree"));
  Eigen::VectorXd before(4), after(4);
  before << 2, 3, 4, 5;
  after << 2.1, 4.5, 2.5, 5;
  const std::string ba = attune::svg_before_after(before, after, 1, 7, 1.0, "Change");
  expect_golden("before_after", ba);
  EXPECT_NE(ba.find("2 inside, 1 reliably higher, 1 reliably lower"), std::string::npos);
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, -2, 2);
  Eigen::MatrixXd y(5, 2);
  y << 0.1, 0.2, 0.3, 0.5, 0.5, 0.8, 0.3, 0.5, 0.1, 0.2;
  expect_golden("curves", attune::svg_curves(x, y, {"item 1", "test"}, "Information", "theta", "information", true));
}

TEST(ReportSvg, ProfilePlaneGolden) {
  std::vector<attune::svg_profile> p = {
      {"1 secure", 2.0, 2.2, 0.5, attune::attachment_style::secure, std::array<double, 3>{0.4, 0.3, 0.1}},
      {"2", 5.5, 3.0, 0.3, attune::attachment_style::unclassified, std::array<double, 3>{0.5, 0.5, -0.2}},
      {"3", 4.5, 5.5, 0.2, attune::attachment_style::unclassified, std::nullopt}};
  const std::string svg = attune::svg_profile_plane(p, {1, 7}, "Profiles");
  expect_golden("profile_plane", svg);
  EXPECT_EQ(occurrences(svg, "<ellipse"), 2u);
  EXPECT_EQ(occurrences(svg, "<circle"), 3u);
  // profile 1 at (avoidance 2.2, anxiety 2.0): x = 60 + (2.2 - 1) / 6 * 440, y = 448 - (2.0 - 1) / 6 * 408
  EXPECT_NE(svg.find("<circle cx=\"148.0\" cy=\"380.0\""), std::string::npos);
  // an uncorrelated profile's ellipse has the radii sqrt(2 ln 2) SD along the axes: the major one
  // (anxiety, SD 1, 408 / 6 pixels per point) turned upright
  const std::string one = attune::svg_profile_plane({{"a", 4, 4, 1, attune::attachment_style::unclassified,
                                                      std::array<double, 3>{1.0, 0.25, 0.0}}},
                                                    {1, 7}, "One");
  const double r = std::sqrt(2 * std::log(2.0));
  EXPECT_NE(one.find("rx=\"" + attune::fixed_number(r * 1.0 * 408 / 6, 1) + "\" ry=\"" +
                     attune::fixed_number(r * 0.5 * 440 / 6, 1) + "\" transform=\"rotate(90.0 "),
            std::string::npos)
      << one;
}

TEST(ReportSvg, NumbersAreFixedAndEscaped) {
  EXPECT_EQ(attune::fixed_number(-0.0001, 2), "0.00");
  EXPECT_EQ(attune::fixed_number(2.345, 1), "2.3");
  EXPECT_EQ(attune::fixed_number(std::nan(""), 2), "NA");
  EXPECT_EQ(attune::xml_escape("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
}

TEST(Report, HtmlCarriesTheStudyNumbersAndTheApaParagraph) {
  attune::report_study_options options;  // a named object: GCC 12 misreads a default argument here
  options.profiles = true;
  const auto r = attune::study_report(*attune::find_builtin("ecr-r"), kSample, options);
  const std::string html = attune::to_html(r);
  EXPECT_NE(html.find(attune::xml_escape(attune::to_apa(r.reliability))), std::string::npos);
  // the APA paragraph of the report is the one of `attune reliability --format apa` (tests/cli_apa_test.cpp checks it against the JSON)
  const auto rel = attune::study_reliability(attune::find_builtin("ecr-r"), kSample, {});
  EXPECT_EQ(attune::to_apa(r.reliability), attune::to_apa(rel));
  for (const auto& sc : r.reliability.scales) {
    EXPECT_NE(html.find("<td>" + attune::fixed_number(sc.reliability.alpha, 2)), std::string::npos) << sc.name;
  }
  ASSERT_TRUE(r.correlation);
  EXPECT_NEAR(r.correlation->r, 0.0, 0.5);
  EXPECT_LT(r.correlation->ci.lower, r.correlation->r);
  EXPECT_GT(r.correlation->ci.upper, r.correlation->r);
  // self-contained: no script, no external reference (the SVG namespace is a name, not a fetch)
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(occurrences(html, "http"), occurrences(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  // plots: plane, 2 x (item-rest, alpha-if-deleted), histograms of the scores, CFA loadings, scree,
  // 2 x (item, test information), the profiles' plane
  ASSERT_TRUE(r.irt);
  ASSERT_TRUE(r.profiles);
  EXPECT_EQ(occurrences(html, "<svg"),
            1 + 2 * r.reliability.scales.size() + r.scores.names.size() + 2 + 2 * r.irt->fit.scales.size() + 1);
  for (const char* section : {"Data summary", "Table 1", "Attachment styles", "Structure", "Item response theory",
                              "Latent profiles", "Methods", "APA"}) {
    EXPECT_NE(html.find(section), std::string::npos) << section;
  }
}

std::string section_of(const std::string& html, const std::string& id) {
  const auto at = html.find("<section id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</section>", at) - at);
}

// The IRT and profiles sections print the numbers of the study JSON (`attune irt fit`,
// `attune profiles`): the report's structs are those of the studies run on the same file.
TEST(Report, IrtAndProfilesSectionsPrintTheStudyJson) {
  attune::report_study_options options;
  options.profiles = true;
  const auto* inst = attune::find_builtin("ecr-r");
  const auto r = attune::study_report(*inst, kSample, options);
  ASSERT_TRUE(r.irt);
  ASSERT_TRUE(r.profiles);
  EXPECT_EQ(attune::to_json(*r.irt), attune::to_json(attune::study_irt_fit(inst, kSample, {})));
  EXPECT_EQ(attune::to_json(*r.profiles), attune::to_json(attune::study_profiles(*inst, kSample, {})));
  const std::string html = attune::to_html(r);
  const std::string irt = section_of(html, "irt");
  ASSERT_FALSE(irt.empty());
  const auto bank = nlohmann::json::parse(attune::to_json(*r.irt));
  ASSERT_EQ(bank["fit"]["scales"].size(), 2u);
  const auto num = [](const nlohmann::json& v) { return attune::fixed_number(v.get<double>(), 2); };
  for (const auto& sc : bank["fit"]["scales"]) {
    EXPECT_NE(irt.find("Marginal reliability " + num(sc["marginal_reliability"])), std::string::npos) << sc["name"];
    EXPECT_NE(irt.find("empirical reliability (of the EAP scores) " + num(sc["empirical_reliability"])), std::string::npos);
    EXPECT_NE(irt.find("N = " + std::to_string(sc["n"].get<int>()) + " respondents"), std::string::npos);
    for (const auto& it : sc["items"]) {
      std::string row = "<td>" + it["item"].get<std::string>() + "</td><td>" + (it["reversed"].get<bool>() ? "yes" : "") +
                        "</td><td>" + num(it["slope"]) + "</td><td>" + num(it["se"]["slope"]) + "</td>";
      for (const auto& b : it["b"]) row += "<td>" + num(b) + "</td>";
      EXPECT_NE(irt.find(row), std::string::npos) << row;
    }
  }
  // the information curves: the test information's peak is the info study's
  ASSERT_TRUE(r.irt_information);
  const auto info = nlohmann::json::parse(attune::to_json(*r.irt_information));
  for (const auto& sc : info["scales"]) {
    EXPECT_NE(irt.find("Test information peaks at " + num(sc["max_information"]) + " at theta " + num(sc["theta_at_max"])),
              std::string::npos);
  }
  const std::string prof = section_of(html, "profiles");
  ASSERT_FALSE(prof.empty());
  const auto pj = nlohmann::json::parse(attune::to_json(*r.profiles));
  const auto& best = pj["best"];
  EXPECT_NE(prof.find("Chosen: " + best["model"].get<std::string>() + " with " + std::to_string(best["k"].get<int>()) +
                      " profile"),
            std::string::npos);
  for (const auto& f : pj["fits"]) {
    if (f["bic"].is_null()) continue;
    EXPECT_NE(prof.find("<td>" + attune::fixed_number(f["bic"].get<double>(), 1)), std::string::npos) << f["model"] << f["k"];
  }
  const auto& chosen = pj["fits"][best["fit"].get<std::size_t>()];
  for (const auto& share : chosen["proportions"]) {
    EXPECT_NE(prof.find("<td>" + attune::fixed_number(100 * share.get<double>(), 1) + "%</td>"), std::string::npos);
  }
}

// The methods box says what the options did: two option sets, two descriptions.
TEST(Report, MethodsBoxDescribesTheOptionsUsed) {
  const auto* inst = attune::find_builtin("ecr-r");
  attune::report_study_options plain;
  plain.irt = plain.profiles = false;
  plain.parallel_replicates = 0;
  const auto a = attune::report_methods(attune::study_report(*inst, kSample, plain));
  attune::report_study_options other = plain;
  other.input.read.missing_codes = {0, 99};
  other.input.scoring.out_of_range = attune::out_of_range_policy::set_missing;
  other.input.scoring.min_answered = 0.5;
  other.reliability.missing = attune::missing_method::listwise;
  other.reliability.intervals = {attune::ci_method::bonett_wright};
  other.reliability.level = 0.90;
  other.reliability.n_for_intervals = attune::interval_n::rows;
  const auto b = attune::report_methods(attune::study_report(*inst, kSample, other));
  auto text = [](const std::vector<std::string>& lines) {
    std::string t;
    for (const auto& l : lines) t += l + "\n";
    return t;
  };
  const std::string ta = text(a), tb = text(b);
  for (const char* phrase : {"Missing answers: empty cells and NA. ", "(the instrument's); an answer outside it stops the report",
                             "at least 80% of a scale's items", "anxiety 15 of 18", "(pairwise deletion)",
                             "intervals: feldt and bonett_wright at 95%", "N = the harmonic mean of the pairwise counts",
                             "from the pairwise Pearson correlations"}) {
    EXPECT_NE(ta.find(phrase), std::string::npos) << phrase << "\n" << ta;
  }
  for (const char* phrase : {"empty cells and NA, and the codes 0 and 99", "is treated as missing (0 were)",
                             "at least 50% of a scale's items", "anxiety 9 of 18", "(listwise deletion)",
                             "intervals: bonett_wright at 90%", "N = the number of rows, including those with missing",
                             "from the listwise Pearson correlations"}) {
    EXPECT_NE(tb.find(phrase), std::string::npos) << phrase << "\n" << tb;
  }
  EXPECT_EQ(ta.find("IRT:"), std::string::npos);
  EXPECT_EQ(ta.find("Profiles:"), std::string::npos);
}

TEST(Report, CliWritesHtmlAndMarkdown) {
  const std::string html = temp_path("report.html");
  auto r = attune::test::run_cli("report '" + kSample + "' --instrument ecr-r -o '" + html + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = read_file(html);
  EXPECT_NE(page.find("command: attune report"), std::string::npos);
  EXPECT_NE(page.find("<h2>Item response theory</h2>"), std::string::npos);
  EXPECT_EQ(page.find("<h2>Latent profiles</h2>"), std::string::npos) << "profiles are opt-in (--profiles)";
  const std::string md = temp_path("report.md");
  r = attune::test::run_cli("report '" + kSample + "' --instrument ecr-r --format md -o '" + md + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_file(md);
  EXPECT_NE(text.find("![attachment_plane.svg](report_files/attachment_plane.svg)"), std::string::npos);
  const auto dir = std::filesystem::path(md).parent_path() / "report_files";
  EXPECT_GT(std::filesystem::file_size(dir / "attachment_plane.svg"), 1000u);
  // the README's picture is this output (scripts/readme-plane.sh regenerates it)
  EXPECT_EQ(read_file(source_path("docs/images/attachment-plane.svg")), read_file((dir / "attachment_plane.svg").string()))
      << "run scripts/readme-plane.sh";
}

TEST(Report, CliNeedsAnOutputFile) {
  const auto r = attune::test::run_cli("report '" + kSample + "' --instrument ecr-r");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("needs -o FILE"), std::string::npos) << r.err;
}

TEST(Report, WithAfterHasTheChangeSection) {
  const std::string html = temp_path("change.html");
  const auto r = attune::test::run_cli("report '" + source_path("examples/data/ecr-r-before.csv") + "' --instrument ecr-r --id id --after '" +
                                       source_path("examples/data/ecr-r-after.csv") + "' --parallel 0 -o '" + html + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = read_file(html);
  EXPECT_NE(page.find("<h2>Change</h2>"), std::string::npos);
  EXPECT_GE(occurrences(page, "reliable-change") + occurrences(page, "class=\"band\""), 2u);
}

// 100,000 respondents: the plane turns into a hexbin density, so the page stays small.
TEST(Report, HundredThousandRespondentsUnderFiveMegabytes) {
  const std::string data = temp_path("sim100k.csv"), html = temp_path("report100k.html");
  auto r = attune::test::run_cli("simulate --instrument ecr-r -n 100000 -o '" + data + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = attune::test::run_cli("report '" + data + "' --instrument ecr-r --parallel 2 -o '" + html + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto size = std::filesystem::file_size(html);
  EXPECT_LT(size, 5u * 1000 * 1000) << size << " bytes";
  EXPECT_NE(read_file(html).find("class=\"hexbin\""), std::string::npos);
  std::filesystem::remove(data);
}

// Headless Chromium opens the sample's report: no console errors, every SVG laid out with a
// non-zero size (measured by a script added to a copy of the page: the report itself has none),
// a screenshot kept in the build folder.
TEST(Report, OpensInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) GTEST_SKIP() << "chromium not installed (scripts/install-deps.sh installs it)";
  const std::string html = temp_path("sample.html");
  auto r = attune::test::run_cli("report '" + kSample + "' --instrument ecr-r --profiles -o '" + html + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = read_file(html);
  EXPECT_NE(page.find("<h2>Latent profiles</h2>"), std::string::npos);
  EXPECT_NE(page.find("<h2>Item response theory</h2>"), std::string::npos);
  const std::size_t n_svg = occurrences(page, "<svg");
  std::string probe = page;
  probe.insert(probe.rfind("</body>"),
               "<script>addEventListener('load',()=>{const s=[...document.querySelectorAll('svg')];"
               "const ok=s.filter(e=>{const b=e.getBoundingClientRect();return b.width>0&&b.height>0;}).length;"
               "document.body.setAttribute('data-svg-sized',ok+'/'+s.length);});</script>");
  const std::string probe_path = temp_path("probe.html");
  write_file(probe_path, probe);
  const std::string profile = temp_path("chromium-profile");
  const std::string flags = std::string("'") + chromium + "' --headless --no-sandbox --disable-gpu --user-data-dir='" + profile +
                            "' --enable-logging=stderr --v=0 --virtual-time-budget=2000 ";
  const std::string dom = temp_path("dom.html"), log = temp_path("chromium.log");
  ASSERT_EQ(std::system((flags + "--dump-dom 'file://" + probe_path + "' >'" + dom + "' 2>'" + log + "'").c_str()), 0) << read_file(log);
  const std::string dumped = read_file(dom), messages = read_file(log);
  EXPECT_NE(dumped.find("data-svg-sized=\"" + std::to_string(n_svg) + "/" + std::to_string(n_svg) + "\""), std::string::npos)
      << "not every SVG has a size";
  // Console messages are logged as "CONSOLE(line)"; the probe writes none, so any is the page's.
  EXPECT_EQ(messages.find("CONSOLE"), std::string::npos) << messages;
  // The screenshot of the report itself, kept as a build artifact.
  const std::string shot = std::string(ATTUNE_TEST_TMP_DIR) + "/report-screenshot.png";
  ASSERT_EQ(std::system((flags + "--window-size=1200,3000 --screenshot='" + shot + "' 'file://" + html + "' >/dev/null 2>&1").c_str()), 0);
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

}  // namespace
