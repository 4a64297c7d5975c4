// Tests of `attune classify`: the output contract (columns, order, formats), every method on
// small hand-made files, and the error paths (exit status 1 with a message naming the problem).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/study/classify.hpp"
#include "test_support.hpp"

namespace {

using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

// A data row whose keyed subscale means are the given values (each item set so that after
// reverse keying it equals its subscale's target).
std::string make_csv(const std::string& instrument_id, const std::vector<std::pair<std::string, std::vector<double>>>& rows,
                     const std::vector<std::string>& subscales, double min_plus_max = 0) {
  const attune::instrument* inst = attune::find_builtin(instrument_id);
  std::ostringstream os;
  os << "id";
  for (const auto& it : inst->items) os << "," << it.id;
  os << "\n";
  for (const auto& [id, targets] : rows) {
    os << id;
    for (const auto& it : inst->items) {
      double v = 0;
      for (std::size_t s = 0; s < subscales.size(); ++s) {
        const auto* sub = inst->find_subscale(subscales[s]);
        if (std::find(sub->items.begin(), sub->items.end(), it.id) != sub->items.end()) {
          const double mm = min_plus_max > 0 ? min_plus_max : inst->range.min + inst->range.max;
          v = inst->is_reversed(*sub, it.id) ? mm - targets[s] : targets[s];
        }
      }
      os << "," << v;
    }
    os << "\n";
  }
  return os.str();
}

using attune::test::parse_csv;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}

// ECR rows at the (Avoid, Anx) test vectors of instruments.md section 11.
std::string ecr_vectors_file() {
  const std::string path = temp_path("cls_ecr_vectors.csv");
  write_file(path, make_csv("ecr",
                            {{"a", {1, 1}}, {"b", {7, 7}}, {"c", {7, 1}}, {"d", {1, 7}}, {"e", {3, 3}}, {"f", {4, 4}}},
                            {"anxiety", "avoidance"}));
  return path;
}

TEST(CliClassify, FisherColumnsAndTestVectors) {
  const std::string data = ecr_vectors_file();
  const auto r = run_cli("classify " + data + " --instrument ecr --method fisher --id id --reliability 0.9");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = parse_csv(r.out);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(join(rows[0]),
            "id,anxiety,avoidance,style,f_secure,f_preoccupied,f_dismissing,f_fearful,p_secure,p_preoccupied,"
            "p_dismissing,p_fearful,boundary_distance_sem,could_flip");
  // Input order kept; styles of the section 11 vectors (note: rows give anxiety first here).
  const char* expect[] = {"secure", "fearful", "preoccupied", "dismissing", "secure", "fearful"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(rows[i + 1][3], expect[i]) << rows[i + 1][0];
    double p = 0;
    for (int k = 8; k < 12; ++k) p += std::stod(rows[i + 1][static_cast<std::size_t>(k)]);
    EXPECT_NEAR(p, 1.0, 1e-12);
  }
  EXPECT_EQ(rows[1][0], "a");
  EXPECT_NE(r.err.find("dimensional"), std::string::npos);  // the note goes to stderr with CSV
}

TEST(CliClassify, FisherJsonAndRescaling) {
  const std::string path = temp_path("cls_ecr_5pt.csv");
  // ECR answered on 1-5 (like openpsychometrics): keyed means 3 and 3.
  std::string csv = make_csv("ecr", {{"x", {3, 3}}, {"y", {1, 2}}}, {"anxiety", "avoidance"}, 6);
  write_file(path, csv);
  auto r = run_cli("classify " + path + " --instrument ecr --method fisher --scale 1-5 --id id");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1-7 scale; these scores are on 1-5"), std::string::npos) << r.err;
  r = run_cli("classify " + path + " --instrument ecr --method fisher --scale 1-5 --id id --rescale --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"]["rescaled"], true);
  EXPECT_EQ(j["method"], "fisher");
  // 3 on 1-5 = 4 on 1-7: the (4, 4) vector, fearful.
  EXPECT_EQ(j["respondents"][0]["style"], "fearful");
  EXPECT_EQ(j["respondents"][0]["id"], "x");
  // Rows are flat, with the CSV's column names.
  EXPECT_TRUE(j["respondents"][0].contains("p_secure"));
  EXPECT_TRUE(j["respondents"][0].contains("f_fearful"));
  EXPECT_FALSE(j["respondents"][0].contains("probabilities"));
  EXPECT_FALSE(j["result"]["note"].get<std::string>().empty());
  bool said = false;
  for (const auto& w : j["result"]["warnings"]) said = said || w["message"].get<std::string>().find("rescaled") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(CliClassify, MidpointWithSemAndSummary) {
  const std::string path = temp_path("cls_ecrr_mid.csv");
  // ECR-R (cut 4). Anxiety, avoidance: (2, 2) secure, (6, 2) preoccupied, (2, 6) dismissing, (6, 6) fearful,
  // (4, 5): anxiety on the cut -> low -> dismissing.
  write_file(path, make_csv("ecr-r", {{"p1", {2, 2}}, {"p2", {6, 2}}, {"p3", {2, 6}}, {"p4", {6, 6}}, {"p5", {4, 5}}},
                            {"anxiety", "avoidance"}));
  // SD of anxiety {2, 6, 2, 6, 4} = 2; with r = .75 SEM = 1. Avoidance {2, 2, 6, 6, 5}: SD = 2.0494; SEM given 1 via --sd.
  auto r = run_cli("classify " + path + " --instrument ecr-r --method midpoint --id id --reliability 0.75 "
                   "--sd anxiety=2,avoidance=2 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const char* expect[] = {"secure", "preoccupied", "dismissing", "fearful", "dismissing"};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(j["respondents"][i]["style"], expect[i]);
  // Hand: SEM = 2 * sqrt(.25) = 1; p1: min(|2 - 4|, |2 - 4|) = 2 SEM; p5: 0 (on the cut).
  EXPECT_NEAR(j["respondents"][0]["boundary_distance_sem"].get<double>(), 2.0, 1e-12);
  EXPECT_EQ(j["respondents"][0]["could_flip"], false);
  EXPECT_NEAR(j["respondents"][4]["boundary_distance_sem"].get<double>(), 0.0, 1e-12);
  EXPECT_EQ(j["respondents"][4]["could_flip"], true);
  EXPECT_EQ(j["result"]["n_near_boundary"], 1);
  EXPECT_EQ(j["result"]["counts"]["dismissing"], 2);
  EXPECT_DOUBLE_EQ(j["result"]["anxiety_cut"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j["sem"][0]["sem"].get<double>(), 1.0);
  EXPECT_EQ(j["sem"][0]["reliability_source"], "given");
  // Table format carries the summary; default reliability is the sample alpha.
  r = run_cli("classify " + path + " --instrument ecr-r --method midpoint --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("boundary_distance_sem"), std::string::npos);
  EXPECT_NE(r.out.find("alpha in this sample"), std::string::npos);
  EXPECT_NE(r.out.find("near a boundary"), std::string::npos);
  // --on-cut unclassified. Without --id the rows are numbered.
  r = run_cli("classify " + path + " --instrument ecr-r --method midpoint --on-cut unclassified");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_csv(r.out)[0][0], "row");
  EXPECT_EQ(parse_csv(r.out)[5][0], "5");
  EXPECT_EQ(parse_csv(r.out)[5][3], "unclassified");
}

TEST(CliClassify, MedianKmeansPrototypesAndNorms) {
  const std::string path = temp_path("cls_ecrr_many.csv");
  std::vector<std::pair<std::string, std::vector<double>>> rows;
  int k = 0;
  for (double a : {2.0, 6.0}) {
    for (double v : {2.0, 6.0}) {
      for (double d : {-0.5, 0.0, 0.5}) {
        std::string id = "r";
        id += std::to_string(k++);  // (not "r" + ...: GCC 12 -Wrestrict false positive at -O3)
        rows.push_back({id, {a + d, v - d}});
      }
    }
  }
  write_file(path, make_csv("ecr-r", rows, {"anxiety", "avoidance"}));
  auto r = run_cli("classify " + path + " --instrument ecr-r --method median --id id --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["result"]["anxiety_cut"].get<double>(), 4.0);
  EXPECT_EQ(j["respondents"][0]["style"], "secure");
  r = run_cli("classify " + path + " --instrument ecr-r --method kmeans --id id --format json --seed 7");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"]["centers"].size(), 4u);
  EXPECT_EQ(j["respondents"][0]["style"], "secure");
  EXPECT_EQ(j["respondents"][3]["style"], "dismissing");   // (2, 6)
  EXPECT_EQ(j["respondents"][6]["style"], "preoccupied");  // (6, 2)
  EXPECT_EQ(j["respondents"][11]["style"], "fearful");
  r = run_cli("classify " + path + " --instrument ecr-r --method prototypes --prototype secure=1:1 "
              "--prototype fearful=7:7 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["respondents"][0]["style"], "secure");
  EXPECT_EQ(j["respondents"][11]["style"], "fearful");
  EXPECT_EQ(j["respondents"][0]["row"], 1);

  const std::string norms = temp_path("cls_norms.json");
  write_file(norms, R"({"format": "attune-norms/1", "id": "test-norms", "population": "test", "source": "test",
    "scales": {"anxiety": {"mean": 3.0, "sd": 1.0, "n": 100}, "avoidance": {"mean": 5.0, "sd": 2.0, "n": 100}}})");
  r = run_cli("classify " + path + " --instrument ecr-r --method norms --norms " + norms + " --id id");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  EXPECT_EQ(join(csv[0]),
            "id,anxiety,avoidance,style,boundary_distance_sem,could_flip,z_anxiety,t_anxiety,percentile_anxiety,"
            "z_avoidance,t_avoidance,percentile_avoidance");
  // r0: anxiety 1.5, avoidance 2.5 -> z = -1.5 and -1.25; T = 35; below both means: secure.
  EXPECT_EQ(csv[1][3], "secure");
  EXPECT_NEAR(std::stod(csv[1][6]), -1.5, 1e-12);
  EXPECT_NEAR(std::stod(csv[1][7]), 35.0, 1e-12);
  EXPECT_NEAR(std::stod(csv[1][9]), -1.25, 1e-12);
}

TEST(CliClassify, RqTieRules) {
  const std::string path = temp_path("cls_rq.csv");
  write_file(path,
             "id,secure,fearful,preoccupied,dismissing,choice\n"
             "u,6,2,3,5,\n"            // unique highest: secure
             "t2fc,6,2,6,1,3\n"        // two-way tie, forced choice 3 = preoccupied
             "t2,6,2,6,1,\n"           // two-way tie, no forced choice: unclassified
             "t2out,6,2,6,1,dismissing\n"  // forced choice outside the tie: unclassified
             "t3,5,5,5,1,\n");         // three-way tie, no forced choice: unclassified
  auto r = run_cli("classify " + path + " --instrument rq --method rq --id id --forced-choice choice");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  EXPECT_EQ(join(csv[0]), "id,model_of_self,model_of_other,style,decided_by,n_tied,margin,forced_choice");
  EXPECT_EQ(csv[1][3], "secure");
  EXPECT_EQ(csv[1][1], "6");  // (6 + 5) - (3 + 2)
  EXPECT_EQ(csv[1][2], "2");  // (6 + 3) - (5 + 2)
  EXPECT_EQ(csv[2][3], "preoccupied");
  EXPECT_EQ(csv[2][4], "forced_choice");
  EXPECT_EQ(csv[3][3], "unclassified");
  EXPECT_EQ(csv[3][4], "tie");
  EXPECT_EQ(csv[4][3], "unclassified");
  EXPECT_EQ(csv[5][3], "unclassified");
  EXPECT_EQ(csv[5][5], "3");
  // Without the forced-choice column the tie with a choice is unclassified too.
  r = run_cli("classify " + path + " --instrument rq --method rq --id id --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["respondents"][1]["style"], "unclassified");
  EXPECT_EQ(j["rq_result"]["n_unclassified"], 4);
  EXPECT_EQ(j["respondents"][1]["decided_by"], "tie");
  EXPECT_TRUE(j["respondents"][1]["forced_choice"].is_null());
  // A bad forced-choice value names row, column and value.
  write_file(path, "id,secure,fearful,preoccupied,dismissing,choice\nz,6,6,1,1,7\n");
  r = run_cli("classify " + path + " --instrument rq --method rq --id id --forced-choice choice");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("forced choice '7'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 1"), std::string::npos) << r.err;
  r = run_cli("classify " + path + " --instrument rq --method rq --forced-choice nosuch");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
}

TEST(CliClassify, RaasRuleAtItsBoundaries) {
  const std::string path = temp_path("cls_raas.csv");
  // (close, depend, anxiety): CD = (close + depend) / 2.
  write_file(path, make_csv("raas",
                            {{"sec", {4, 4, 2}},        // CD 4 > 3, anx 2 < 3: secure
                             {"pre", {4, 4, 4}},        // preoccupied
                             {"dis", {2, 2, 2}},        // dismissing
                             {"fea", {2, 2, 4}},        // fearful
                             {"cd3", {2, 4, 2}},        // CD exactly 3: not classifiable
                             {"anx3", {4, 4, 3}}},      // anxiety exactly 3: not classifiable
                            {"close", "depend", "anxiety"}));
  const auto r = run_cli("classify " + path + " --instrument raas --method raas --id id");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = parse_csv(r.out);
  EXPECT_EQ(join(csv[0]), "id,close_depend,anxiety,style,boundary_distance_sem,could_flip");
  const char* expect[] = {"secure", "preoccupied", "dismissing", "fearful", "unclassified", "unclassified"};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(csv[i + 1][3], expect[i]) << csv[i + 1][0];
  EXPECT_NE(r.err.find("exactly 3"), std::string::npos) << r.err;
  // The SECONDARY built-in norms can be used, and say what they are.
  const auto n = run_cli("classify " + path + " --instrument raas --method raas --norms raas-ledley2006-female "
                         "--format json");
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const auto j = nlohmann::json::parse(n.out);
  EXPECT_NEAR(j["respondents"][0]["z_anxiety"].get<double>(), (2 - 2.62) / 1.01, 1e-12);
  EXPECT_EQ(j["norm_scores"][0]["score"], "anxiety");
  EXPECT_EQ(j["norm_scores"][0]["normed"]["method"], "normal");
  bool said = false;
  for (const auto& w : j["warnings"]) said = said || w["message"].get<std::string>().find("secondary") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(CliClassify, ErrorPaths) {
  const std::string data = ecr_vectors_file();
  // Each message speaks of the data and the library's options; the hint names the flag.
  struct error_case {
    std::string args;
    std::vector<std::string> fragments;
  };
  const std::vector<error_case> cases = {
      {"classify " + data + " --instrument ecr --method lda", {"--method 'lda'"}},
      {"classify " + data + " --instrument ecr --method norms", {"method norms splits at the means of a norm table", "--norms"}},
      {"classify " + data + " --instrument ecr --method norms --norms no-such-table", {"no-such-table"}},
      {"classify " + data + " --instrument ecr --method midpoint --on-cut maybe", {"--on-cut 'maybe'"}},
      {"classify " + data + " --instrument ecr --method midpoint --forced-choice id",
       {"forced_choice_column applies to method rq only", "hint: see --forced-choice"}},
      {"classify " + data + " --instrument ecr --method midpoint --prototype secure=1:1",
       {"prototypes applies to method prototypes only", "hint: see --prototype"}},
      {"classify " + data + " --instrument ecr --method midpoint --rescale",
       {"--rescale applies to method fisher only", "hint: see --rescale"}},
      {"classify " + data + " --instrument ecr --method prototypes --prototype secure=1", {"expected STYLE=ANXIETY:AVOIDANCE"}},
      {"classify " + data + " --instrument ecr --method prototypes --prototype calm=1:1 --prototype secure=2:2",
       {"--prototype 'calm=1:1'"}},
      {"classify " + data + " --instrument ecr --method prototypes --prototype secure=1:1", {"2 to 4 prototypes"}},
      {"classify " + data + " --instrument ecr --method midpoint --reliability anxiety=abc", {"--reliability 'anxiety=abc'"}},
      {"classify " + data + " --instrument ecr --method midpoint --reliability 1.5",
       {"reliability = 1.5 (every score): must be in [0, 1]", "hint: see --reliability"}},
      {"classify " + data + " --instrument ecr --method midpoint --sd anxiety=-2",
       {"classify_study_options.sd['anxiety'] = -2: must be > 0", "hint: see --sd"}},
      {"classify " + data + " --instrument ecr --method rq", {"has no score 'secure' needed by method rq", "hint: see --method"}},
      {"classify " + data + " --instrument ecr --method raas", {"has no score 'close_depend'"}},
      {"classify " + data + " --instrument rq --method midpoint", {"use method 'rq'"}},
      {"classify " + data + " --instrument ecr", {"--method is required"}},
      {"classify /no/such/file.csv --instrument ecr --method midpoint", {"/no/such/file.csv"}},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    for (const auto& f : c.fragments) EXPECT_NE(r.err.find(f), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

// What the CLI prints is exactly the library's document for the same data and options.
TEST(CliClassify, JsonIsTheLibrarysDocument) {
  const std::string data = ecr_vectors_file();
  auto r = run_cli("classify " + data + " --instrument ecr --method fisher --id id --reliability anxiety=0.9 --sd 1.5 "
                   "--probability-threshold 0.7 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::classify_study_options o;
  o.input.read.id_column = "id";
  o.method = attune::classify_method::fisher;
  o.reliability.by_score["anxiety"] = 0.9;
  o.sd.all = 1.5;
  o.probability_threshold = 0.7;
  EXPECT_EQ(r.out, attune::to_json(attune::study_classify(*attune::find_builtin("ecr"), data, o)));

  const std::string rq = temp_path("cls_rq_doc.csv");
  write_file(rq, "secure,fearful,preoccupied,dismissing,choice\n6,2,6,1,3\n5,5,5,1,\n");
  r = run_cli("classify " + rq + " --instrument rq --method rq --forced-choice choice --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  attune::classify_study_options q;
  q.method = attune::classify_method::rq;
  q.forced_choice_column = "choice";
  EXPECT_EQ(r.out, attune::to_json(attune::study_classify(*attune::find_builtin("rq"), rq, q)));
}

// --norms and rq stream a file a chunk at a time (12,000 rows: 3 chunks): what the CLI prints is
// the library's whole-file document, for any thread count; a bad forced choice in a later chunk
// is an error before any row is printed, naming the row, column and value.
TEST(CliClassify, NormsAndRqStreamTheWholeFileDocument) {
  const std::string ecr = temp_path("cls_stream_norms.csv"), rq = temp_path("cls_stream_rq.csv");
  ASSERT_EQ(run_cli("simulate --instrument ecr-r -n 12000 --seed 4 -o " + ecr).exit_code, 0);
  const auto sim = run_cli("simulate --instrument rq -n 12000 --seed 5 --missing-rate 0.03");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  std::istringstream in(sim.out);
  std::ostringstream csv;
  std::string line;
  std::getline(in, line);
  csv << line << ",choice\n";
  for (int r = 1; std::getline(in, line); ++r) csv << line << "," << (r % 3 == 0 ? "fearful" : r % 3 == 1 ? "3" : "") << "\n";
  write_file(rq, csv.str());
  const std::string norms = temp_path("cls_stream_norms.json");
  write_file(norms, R"({"format": "attune-norms/1", "id": "narrow", "population": "test", "source": "test",
    "confirmation": "unconfirmed", "scales": {
    "anxiety": {"mean": 4, "sd": 1.5, "n": 100, "percentiles": [{"score": 3, "percentile": 10}, {"score": 5, "percentile": 90}]},
    "model_of_self": {"mean": 0, "sd": 3, "n": 100, "percentiles": [{"score": -2, "percentile": 20}, {"score": 2, "percentile": 80}]}}})");
  attune::classify_study_options o;
  o.input.read.id_column = "id";
  o.norms = attune::resolve_norm_table(norms);
  o.method = attune::classify_method::midpoint;
  const std::string ecr_doc = attune::to_json(attune::study_classify(*attune::find_builtin("ecr-r"), ecr, o));
  o.method = attune::classify_method::rq;
  o.forced_choice_column = "choice";
  const std::string rq_doc = attune::to_json(attune::study_classify(*attune::find_builtin("rq"), rq, o));
  EXPECT_NE(ecr_doc.find("lie beyond the percentile table"), std::string::npos);
  for (const char* threads : {"1", "2"}) {
    auto r = run_cli("classify " + ecr + " --instrument ecr-r --method midpoint --id id --norms " + norms +
                     " --format json --threads " + threads);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, ecr_doc);
    r = run_cli("classify " + rq + " --instrument rq --method rq --id id --forced-choice choice --norms " + norms +
                " --format json --threads " + threads);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, rq_doc);
  }
  std::string bad = csv.str();
  const std::size_t row_9000 = [&] {
    std::size_t at = 0;
    for (int l = 0; l < 9000; ++l) at = bad.find('\n', at) + 1;
    return bad.find('\n', at);
  }();
  bad.insert(row_9000, "x");  // row 9000's forced choice "fearful" -> "fearfulx" (9000 % 3 == 0)
  write_file(rq, bad);
  const auto r = run_cli("classify " + rq + " --instrument rq --method rq --id id --forced-choice choice");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("row 9000 (line 9001), column 'choice': forced choice 'fearfulx'"), std::string::npos) << r.err;
}

TEST(CliClassify, ReadsStandardInput) {
  const std::string csv = make_csv("ecr-r", {{"s", {1.5, 1.5}}}, {"anxiety", "avoidance"});
  const auto r = run_cli("classify - --instrument ecr-r --method midpoint --id id", csv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_csv(r.out)[1][3], "secure");
}

// The real openpsychometrics ECR data (1-5 scale, 0 = missing; instruments.md section 10), read
// from ../shared/data and never copied into the repository. Fisher's functions need 1-7: an
// error without --rescale, a labelled rescaling with it.
TEST(CliClassify, RealEcrDataNeedsExplicitRescaling) {
  const std::string zip = attune::test::shared_path("data/openpsychometrics-ecr/ECR-data-1March2018.zip");
  if (!std::filesystem::exists(zip)) GTEST_SKIP() << "the real ECR data are absent (" << zip << "): skipped";
  const std::string dir = temp_path("cls-ecr-data");
  std::filesystem::create_directories(dir);
  const std::string cmd = "cd '" + dir + "' && '" ATTUNE_CMAKE_COMMAND "' -E tar xf '" + zip + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "cannot unpack " << zip;
  const std::string data = dir + "/ECR-data-1March2018/data.csv";
  auto r = run_cli("classify " + data + " --instrument ecr --scale 1-5 --missing 0 --method fisher");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1-7 scale; these scores are on 1-5"), std::string::npos) << r.err;
  r = run_cli("classify " + data + " --instrument ecr --scale 1-5 --missing 0 --method fisher --rescale --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"]["rescaled"], true);
  EXPECT_EQ(j["n_rows"], 51491);
  EXPECT_EQ(j["respondents"].size(), 51491u);
  const auto& c = j["result"]["counts"];
  const int total = c["secure"].get<int>() + c["preoccupied"].get<int>() + c["dismissing"].get<int>() +
                    c["fearful"].get<int>();
  EXPECT_EQ(total, j["result"]["n"].get<int>());
  EXPECT_EQ(total + j["result"]["n_unclassified"].get<int>(), 51491);
  // Alpha in this sample (all rows, pairwise) is close to the complete-case reference values
  // .9160 (anxiety) and .9382 (avoidance) of instruments.md section 10.
  EXPECT_NEAR(j["sem"][0]["reliability"].get<double>(), 0.9160, 0.002);
  EXPECT_NEAR(j["sem"][1]["reliability"].get<double>(), 0.9382, 0.002);
  std::filesystem::remove_all(dir);
}

}  // namespace
