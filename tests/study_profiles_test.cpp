// Tests of the profiles and cluster studies (study/profiles.hpp): what they add to the analyses
// (the data fitted: scores through the scoring module or keyed items; names on the attachment
// plane; the agreement with the midpoint styles) and their reports. No CLI needed.
#include "attune/study/profiles.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "attune/analyses/scoring.hpp"
#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "profiles_test_data.hpp"
#include "option_list_checks.hpp"
#include "test_support.hpp"

namespace {

using attune::covariance_model;
using attune::profile_data;
using attune::profiles_study_options;
using attune::test::caught;
using attune::test::ecrr_groups;
using attune::test::kQuadrants;

const attune::instrument& builtin(const char* id) { return *attune::find_builtin(id); }
const std::string kSample = attune::test::source_path("examples/data/ecr-r-sample.csv");

attune::responses read_text(const std::string& text, const attune::instrument& inst, attune::read_options o = {}) {
  std::istringstream in(text);
  return attune::read_responses(in, "mem.csv", inst.item_ids(), o);
}

profiles_study_options small_options() {
  profiles_study_options o;
  o.mixture.models = {covariance_model::EEI, covariance_model::VVV};
  o.mixture.k_min = 1;
  o.mixture.k_max = 3;
  o.mixture.starts = 3;
  return o;
}

TEST(StudyProfiles, ScoresAreTheScoringModulesAndTheFitIsFitProfiles) {
  const auto& inst = builtin("ecr-r");
  profiles_study_options o = small_options();
  o.input.read.id_column = "id";
  const auto s = attune::study_profiles(inst, kSample, o);
  EXPECT_EQ(s.instrument, "ecr-r");
  EXPECT_EQ(s.columns, (std::vector<std::string>{"anxiety", "avoidance"}));
  EXPECT_EQ(s.scores, s.columns);
  EXPECT_EQ(s.id_column, "id");
  EXPECT_EQ(s.n_rows, 500U);
  EXPECT_EQ(s.ids.front(), "R000001");
  // The scores are those of the scoring module with the common rules.
  attune::read_options ro;
  ro.id_column = "id";
  const auto data = attune::read_responses_file(kSample, inst.item_ids(), ro);
  const auto t = attune::score(inst, data);
  ASSERT_EQ(s.score_values.rows(), t.scores.rows());
  for (Eigen::Index i = 0; i < t.scores.rows(); ++i) {
    for (Eigen::Index j = 0; j < 2; ++j) {
      const double x = s.score_values(i, j), y = t.scores(i, j);
      EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << i;
    }
  }
  // The fits are fit_profiles' on those scores, in the same order.
  attune::mixture_options mo = o.mixture;
  const auto r = attune::fit_profiles(t.scores, mo);
  ASSERT_EQ(s.fits.size(), r.fits.size());
  for (std::size_t i = 0; i < r.fits.size(); ++i) {
    EXPECT_EQ(s.fits[i].model, r.fits[i].model);
    EXPECT_EQ(s.fits[i].k, r.fits[i].k);
    ASSERT_TRUE(s.fits[i].loglik);
    EXPECT_EQ(*s.fits[i].loglik, *r.fits[i].loglik);
    EXPECT_EQ(*s.fits[i].bic, *r.fits[i].bic);
  }
  EXPECT_EQ(s.n, r.n);
  EXPECT_EQ(s.n_missing, r.n_missing);
  ASSERT_TRUE(s.best && s.membership);
  EXPECT_EQ(s.best->fit, r.best->fit);
  EXPECT_EQ(s.membership->profile, r.membership->profile);
  EXPECT_EQ(s.mixture.threads, 0);  // not part of the result
  // On scores the plane means are the best fit's means; three profiles are not named.
  const auto& best = s.fits[s.best->fit];
  EXPECT_TRUE(s.plane_means.isApprox(best.means, 0.0));
  ASSERT_TRUE(best.labels);
  EXPECT_FALSE(best.labels->labelled);
  EXPECT_DOUBLE_EQ(best.labels->anxiety_cut, 4.0);
  EXPECT_EQ(s.labels, attune::label_reference::midpoint);
  EXPECT_NE(s.label_rule.find("the midpoint of the response range 1-7"), std::string::npos) << s.label_rule;
  // The agreement with the midpoint styles: the ARI over the respondents both classify.
  ASSERT_EQ(s.agreement.size(), 1U);
  EXPECT_EQ(s.agreement[0].with, "midpoint");
  ASSERT_TRUE(s.agreement[0].ari);
  EXPECT_EQ(s.agreement[0].n, s.membership->n);
  attune::classify_options co;
  co.range = inst.range;
  const auto c = attune::classify(t.scores.col(0), t.scores.col(1), co);
  std::vector<int> a, b;
  for (std::size_t i = 0; i < c.styles.size(); ++i) {
    if (s.membership->profile[i] && c.styles[i] != attune::attachment_style::unclassified) {
      a.push_back(*s.membership->profile[i]);
      b.push_back(static_cast<int>(c.styles[i]));
    }
  }
  EXPECT_DOUBLE_EQ(*s.agreement[0].ari, attune::adjusted_rand_index(a, b));
}

TEST(StudyProfiles, FourQuadrantsAreNamedAndAgreeWithTheMidpointStyles) {
  const auto& inst = builtin("ecr-r");
  const auto data = read_text(ecrr_groups(kQuadrants, 40, 7), inst);
  profiles_study_options o;
  o.mixture.models = {covariance_model::VVI};
  o.mixture.k_min = o.mixture.k_max = 4;
  const auto s = attune::study_profiles(inst, data, o);
  ASSERT_TRUE(s.best);
  const auto& f = s.fits[s.best->fit];
  ASSERT_TRUE(f.labels);
  ASSERT_TRUE(f.labels->labelled) << f.labels->reason.value_or("");
  for (std::size_t k = 0; k < 4; ++k) {
    const double a = f.means(static_cast<Eigen::Index>(k), 0), v = f.means(static_cast<Eigen::Index>(k), 1);
    EXPECT_EQ(f.labels->styles[k], attune::quadrant_style(a > 4, v > 4));
  }
  // Every respondent is in their group's profile: the ARI with the midpoint styles is 1.
  ASSERT_TRUE(s.agreement[0].ari);
  EXPECT_NEAR(*s.agreement[0].ari, 1.0, 1e-12);
  // The per-respondent label is the name of the modal profile (JSON, CSV, table alike).
  const auto doc = nlohmann::json::parse(attune::to_json(s));
  ASSERT_EQ(doc["respondents"].size(), 160U);
  EXPECT_EQ(doc["respondents"][0]["label"], "secure");
  EXPECT_EQ(doc["respondents"][40]["label"], "preoccupied");
  EXPECT_EQ(doc["respondents"][80]["label"], "dismissing");
  EXPECT_EQ(doc["respondents"][159]["label"], "fearful");
  EXPECT_TRUE(doc["respondents"][0].contains("p_4"));
  // The sample-mean cuts: the means of the two scores over the respondents fitted.
  o.labels = attune::label_reference::sample_mean;
  const auto m = attune::study_profiles(inst, data, o);
  const auto& fm = m.fits[m.best->fit];
  EXPECT_NEAR(fm.labels->anxiety_cut, m.score_values.col(0).mean(), 1e-12);
  EXPECT_NEAR(fm.labels->avoidance_cut, m.score_values.col(1).mean(), 1e-12);
  EXPECT_NE(m.label_rule.find("sample means of the respondents fitted"), std::string::npos);
  // No names asked for: none given.
  o.labels.reset();
  const auto u = attune::study_profiles(inst, data, o);
  EXPECT_FALSE(u.fits[u.best->fit].labels);
  EXPECT_TRUE(u.label_rule.empty());
  EXPECT_TRUE(nlohmann::json::parse(attune::to_json(u))["respondents"][0]["label"].is_null());
}

TEST(StudyProfiles, ItemsAreKeyedAndProfilesArePlacedByTheirMeanScores) {
  const auto& inst = builtin("ecr-r");
  const auto data = read_text(ecrr_groups(kQuadrants, 30, 11), inst);
  profiles_study_options o;
  o.on = profile_data::items;
  o.mixture.models = {covariance_model::EEI};
  o.mixture.k_min = o.mixture.k_max = 4;
  o.mixture.starts = 2;
  const auto s = attune::study_profiles(inst, data, o);
  ASSERT_EQ(s.columns.size(), 36U);
  EXPECT_EQ(s.columns[0], "Q1");
  for (std::size_t j = 0; j < 36; ++j) EXPECT_EQ(s.reversed[j], inst.items[j].reversed) << j;
  EXPECT_EQ(s.scores, (std::vector<std::string>{"anxiety", "avoidance"}));  // shown in the rows
  // The fit is fit_profiles' on the keyed items.
  Eigen::MatrixXd keyed(data.values.rows(), 36);
  for (Eigen::Index j = 0; j < 36; ++j) {
    keyed.col(j) = data.values.col(j);
    if (inst.items[static_cast<std::size_t>(j)].reversed) keyed.col(j) = (8.0 - keyed.col(j).array()).matrix();
  }
  attune::mixture_options mo = o.mixture;
  const auto r = attune::fit_profiles(keyed, mo);
  ASSERT_TRUE(s.best && r.best);
  EXPECT_EQ(*s.fits[0].loglik, *r.fits[0].loglik);
  // A profile's point on the plane: the mean of its keyed anxiety items and of its avoidance items.
  const auto* anx = inst.find_subscale("anxiety");
  const auto& f = s.fits[s.best->fit];
  for (Eigen::Index k = 0; k < 4; ++k) {
    double a = 0, v = 0;
    for (Eigen::Index j = 0; j < 36; ++j) {
      const bool is_anx = std::find(anx->items.begin(), anx->items.end(), inst.items[static_cast<std::size_t>(j)].id) !=
                          anx->items.end();
      (is_anx ? a : v) += f.means(k, j) / 18.0;
    }
    EXPECT_NEAR(s.plane_means(k, 0), a, 1e-12);
    EXPECT_NEAR(s.plane_means(k, 1), v, 1e-12);
  }
  ASSERT_TRUE(f.labels);
  EXPECT_TRUE(f.labels->labelled) << f.labels->reason.value_or("");
  EXPECT_NEAR(*s.agreement[0].ari, 1.0, 1e-12);
  // The table lists the item means per profile, reverse keys marked.
  const std::string table = attune::profiles_summary_text(s);
  EXPECT_NE(table.find("means of the keyed items"), std::string::npos) << table;
  EXPECT_NE(table.find("profile_4"), std::string::npos) << table;
}

TEST(StudyProfiles, IdenticalAnswerPatternsGiveADiagnosticAndFiniteResults) {
  // 120 respondents in three groups and 150 who answer 1 to every item (scores 1 and 4 after
  // reverse keying): VVV with 3 profiles, where a profile can collapse onto the identical rows.
  const auto& inst = builtin("ecr-r");
  const auto data = read_text(ecrr_groups({{2, 2}, {6, 2}, {5, 6}}, 40, 3, 150), inst);
  profiles_study_options o;
  o.mixture.models = {covariance_model::VVV};
  o.mixture.k_min = o.mixture.k_max = 3;
  const auto s = attune::study_profiles(inst, data, o);
  bool said = false;
  for (const auto& w : s.warnings) said = said || w.message.find("150 of 270 respondents give one identical answer pattern") != std::string::npos;
  EXPECT_TRUE(said) << (s.warnings.empty() ? "no warnings" : s.warnings[0]);
  ASSERT_EQ(s.fits.size(), 1U);
  EXPECT_GE(s.fits[0].starts_collapsed, 1U);
  if (s.fits[0].loglik) {
    EXPECT_TRUE(std::isfinite(*s.fits[0].loglik));
    EXPECT_TRUE(std::isfinite(*s.fits[0].bic));
  }
  // The document is valid JSON with no infinity anywhere (NaN and infinities are null).
  const std::string doc = attune::to_json(s);
  EXPECT_TRUE(nlohmann::json::accept(doc));
  EXPECT_EQ(doc.find("inf"), std::string::npos);
  // With the prior every start gives a finite fit.
  o.mixture.prior = attune::mixture_prior{};
  const auto p = attune::study_profiles(inst, data, o);
  ASSERT_TRUE(p.fits[0].loglik);
  EXPECT_TRUE(std::isfinite(*p.fits[0].loglik));
  EXPECT_EQ(p.fits[0].starts_collapsed, 0U);
}

TEST(StudyProfiles, OptionsAndDataErrorsNameTheFieldInApiWords) {
  const auto& inst = builtin("ecr-r");
  const auto data = read_text(ecrr_groups(kQuadrants, 5, 1), inst);
  profiles_study_options o = small_options();
  o.scores = {"anxiety", "anxiety"};
  auto e = caught([&] { attune::study_profiles(inst, data, o); });
  EXPECT_EQ(e.option(), "profiles_study_options.scores");
  EXPECT_EQ(e.rule(), "repeated_score");
  o.scores = {"anxiety", "closeness"};
  e = caught([&] { attune::study_profiles(inst, data, o); });
  EXPECT_EQ(e.rule(), "unknown_score");
  EXPECT_NE(std::string(e.what()).find("has no score 'closeness' (it has: anxiety, avoidance)"), std::string::npos)
      << e.what();
  o.scores.clear();
  o.mixture.labels = attune::profile_label_options{};
  e = caught([&] { attune::study_profiles(inst, data, o); });
  EXPECT_EQ(e.option(), "profiles_study_options.mixture.labels");
  o.mixture.labels.reset();
  o.mixture.starts = 0;
  e = caught([&] { attune::study_profiles(inst, data, o); });
  EXPECT_EQ(e.option(), "mixture_options.starts");
  EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  // The RQ has no anxiety and avoidance: its scores must be named, or its items fitted.
  const auto& rq = builtin("rq");
  const auto rq_data = read_text("secure,fearful,preoccupied,dismissing\n1,2,3,4\n4,3,2,1\n2,2,5,5\n6,1,1,6\n5,5,2,2\n", rq);
  e = caught([&] { attune::study_profiles(rq, rq_data, small_options()); });
  EXPECT_EQ(e.rule(), "scores_required");
  EXPECT_EQ(e.option(), "profiles_study_options.scores");
  profiles_study_options on = small_options();
  on.scores = {"model_of_self", "model_of_other"};
  on.mixture.models = {covariance_model::EII};
  on.mixture.k_max = 2;
  const auto s = attune::study_profiles(rq, rq_data, on);
  EXPECT_EQ(s.columns, on.scores);
  EXPECT_FALSE(s.labels);  // no anxiety and avoidance: not named, and said
  bool said = false;
  for (const auto& w : s.warnings) said = said || w.message.find("not named on the attachment plane") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_FALSE(s.agreement[0].ari);
  EXPECT_NE(s.agreement[0].reason->find("no anxiety and avoidance"), std::string::npos);
}

TEST(StudyProfiles, RowsLeftOutAndTheReportFormats) {
  const auto& inst = builtin("ecr-r");
  std::string csv = ecrr_groups(kQuadrants, 10, 5);
  csv += "blank";  // a respondent without an answer: no scores, left out of the fit
  for (int j = 0; j < 36; ++j) csv += ",";
  csv += "\n";
  attune::read_options ro;
  ro.id_column = "id";
  const auto data = read_text(csv, inst, ro);
  profiles_study_options o = small_options();
  o.input.read.id_column = "id";
  const auto s = attune::study_profiles(inst, data, o);
  EXPECT_EQ(s.n_rows, 41U);
  EXPECT_EQ(s.n, 40U);
  EXPECT_EQ(s.n_missing, 1U);
  std::ostringstream os;
  attune::write_report(os, attune::output_format::csv, s);
  const auto rows = attune::test::parse_csv(os.str());
  ASSERT_EQ(rows.size(), 42U);
  const std::size_t K = s.fits[s.best->fit].k;
  std::string header = "id,anxiety,avoidance";
  for (std::size_t k = 1; k <= K; ++k) header += ",p_" + std::to_string(k);
  header += ",profile,uncertainty,label";
  std::string got;
  for (std::size_t j = 0; j < rows[0].size(); ++j) got += (j ? "," : "") + rows[0][j];
  EXPECT_EQ(got, header);
  EXPECT_EQ(rows[41][0], "blank");
  EXPECT_EQ(rows[41][1], "");  // no score, no posterior, no profile
  EXPECT_EQ(rows[41][3 + K], "");
  // JSON: the keys the issue asks for, and the rows as in the CSV.
  const auto doc = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(doc["study"], "profiles");
  for (const char* key : {"model", "k", "loglik", "df", "bic", "bic_min", "aic", "icl", "entropy", "sizes", "means",
                          "converged", "starts_at_best", "warnings"}) {
    EXPECT_TRUE(doc["fits"][0].contains(key)) << key;
  }
  EXPECT_EQ(doc["best"]["fit"], s.best->fit);
  EXPECT_TRUE(doc["respondents"][40]["profile"].is_null());
  EXPECT_EQ(doc["respondents"][40]["id"], "blank");
  EXPECT_FALSE(doc["mixture"].contains("threads"));
  EXPECT_EQ(doc["membership"]["average_posterior"].size(), K);
  // The table: the summary below the rows; the summary alone in profiles_summary_text.
  const std::string summary = attune::profiles_summary_text(s);
  EXPECT_NE(summary.find("model selection"), std::string::npos);
  EXPECT_NE(summary.find("average posterior probabilities"), std::string::npos);
  EXPECT_NE(summary.find("1 left out: a value is missing"), std::string::npos) << summary;
  const std::string table = attune::to_table(s);
  EXPECT_EQ(table.substr(table.size() - summary.size()), summary);
  EXPECT_NE(table.find("uncertainty"), std::string::npos);
}

TEST(StudyCluster, WardOfTheScoresCutAtK) {
  const auto& inst = builtin("ecr-r");
  attune::cluster_study_options o;
  o.input.read.id_column = "id";
  const auto s = attune::study_cluster(inst, kSample, o);
  attune::read_options ro;
  ro.id_column = "id";
  const auto t = attune::score(inst, attune::read_responses_file(kSample, inst.item_ids(), ro));
  const auto tree = attune::ward_cluster(t.scores);
  EXPECT_EQ(s.tree.height, tree.height);
  EXPECT_EQ(s.clusters, attune::cut_tree_rows(tree, 4));
  EXPECT_EQ(s.method, attune::ward_method::ward_d2);
  std::size_t total = 0;
  for (auto n : s.sizes) total += n;
  EXPECT_EQ(total, s.tree.n);
  ASSERT_EQ(s.means.rows(), 4);
  // On scores the plane means are the cluster means of the two scores.
  EXPECT_TRUE(s.plane_means.isApprox(s.means, 1e-12));
  ASSERT_TRUE(s.cluster_labels);
  ASSERT_EQ(s.agreement.size(), 1U);
  EXPECT_TRUE(s.agreement[0].ari);
  const auto doc = nlohmann::json::parse(attune::to_json(s));
  EXPECT_EQ(doc["study"], "cluster");
  EXPECT_EQ(doc["tree"]["height"].size(), s.tree.n - 1);
  EXPECT_EQ(doc["respondents"].size(), 500U);
  EXPECT_TRUE(doc["respondents"][0].contains("cluster"));
  const std::string summary = attune::cluster_summary_text(s);
  EXPECT_NE(summary.find("merge heights of the last 10 merges"), std::string::npos) << summary;
}

TEST(StudyCluster, ComparedWithAMixtureOfKProfilesAndErrors) {
  const auto& inst = builtin("ecr-r");
  const auto data = read_text(ecrr_groups(kQuadrants, 25, 9), inst);
  attune::cluster_study_options o;
  o.ward.method = attune::ward_method::ward_d;
  o.profiles = attune::mixture_options{};
  o.profiles->models = {covariance_model::VVI};
  o.profiles->starts = 2;
  const auto s = attune::study_cluster(inst, data, o);
  ASSERT_TRUE(s.profiles);
  EXPECT_EQ(s.profiles->k, 4U);  // K = the clusters' k
  ASSERT_EQ(s.agreement.size(), 2U);
  EXPECT_EQ(s.agreement[1].with, "profiles");
  ASSERT_TRUE(s.agreement[1].ari);
  EXPECT_NEAR(*s.agreement[1].ari, 1.0, 1e-12);
  EXPECT_GT(*s.agreement[0].ari, 0.9);  // a respondent or two lie across a midpoint from their group
  ASSERT_TRUE(s.cluster_labels);
  EXPECT_TRUE(s.cluster_labels->labelled);
  // Items: 36 keyed columns; the names come from the clusters' mean scores.
  attune::cluster_study_options items;
  items.on = profile_data::items;
  const auto si = attune::study_cluster(inst, data, items);
  EXPECT_EQ(si.means.cols(), 36);
  EXPECT_EQ(si.plane_means.cols(), 2);
  // k above the respondents clustered, and out of range.
  const auto few = read_text(ecrr_groups(kQuadrants, 5, 2), inst);
  attune::cluster_study_options big;
  big.k = 30;
  auto e = caught([&] { attune::study_cluster(inst, few, big); });
  EXPECT_EQ(e.option(), "cluster_study_options.k");
  EXPECT_NE(std::string(e.what()).find("at most the 20 respondents clustered"), std::string::npos) << e.what();
  big.k = 0;
  e = caught([&] { big.validate(); });
  EXPECT_EQ(e.option(), "cluster_study_options.k");
  big.k = 4;
  big.ward.max_n = 10;
  e = caught([&] { attune::study_cluster(inst, few, big); });
  EXPECT_EQ(e.option(), "ward_options.max_n");
}

TEST(StudyProfiles, DataNamesAndThreads) {
  EXPECT_EQ(attune::to_string(profile_data::items), "items");
  EXPECT_EQ(attune::parse_profile_data("Scores"), profile_data::scores);
  EXPECT_FALSE(attune::parse_profile_data("answers"));
  // The same document for any number of threads.
  const auto& inst = builtin("ecr-r");
  const auto data = read_text(ecrr_groups(kQuadrants, 20, 4), inst);
  profiles_study_options o = small_options();
  o.mixture.threads = 1;
  const std::string one = attune::to_json(attune::study_profiles(inst, data, o));
  o.mixture.threads = 3;
  EXPECT_EQ(attune::to_json(attune::study_profiles(inst, data, o)), one);
}

}  // namespace

// A study that counts more respondents than its vectors hold (built or edited by hand) is refused
// when its rows are rendered, with rule rows_not_held: it was a read past the vectors.
TEST(StudyProfiles, AStudyHoldingFewerRowsThanItCountsIsRefusedWhenRendered) {
  const auto& inst = builtin("ecr-r");
  auto p = attune::study_profiles(inst, kSample, small_options());
  p.n_rows += 1;
  auto c = attune::study_cluster(inst, kSample, attune::cluster_study_options{});
  c.clusters.pop_back();
  const std::vector<std::pair<std::string, std::function<std::string()>>> renders{
      {"profiles study of 501 rows holds 500", [&] { return attune::to_json(p); }},
      {"profiles study of 501 rows holds 500", [&] { return attune::to_table(p); }},
      {"cluster study of 500 rows holds 499", [&] { return attune::to_json(c); }},
      {"cluster study of 500 rows holds 499", [&] { return attune::to_table(c); }}};
  for (const auto& [message, render] : renders) {
    try {
      (void)render();
      ADD_FAILURE() << "no error: " << message;
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), attune::errc::invalid_argument);
      EXPECT_EQ(e.rule(), std::optional<std::string>("rows_not_held"));
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// describe_options(profiles_study_options&): names unique beside the input's, every entry sets its
// member, a bad text names the option and the field.
TEST(StudyProfiles, DescribedOptionsSetTheirMembers) {
  profiles_study_options o;
  const attune::option_list list = attune::describe_options(o);
  const attune::option_list input = attune::describe_options(o.input);
  attune::test::expect_unique_names({&input, &list});
  using attune::test::set_option;
  set_option(list, "on", {"items"});
  set_option(list, "scores", {"anxiety"});
  set_option(list, "labels", {"none"});
  set_option(list, "models", {"VVI", "EEE"});
  set_option(list, "starts", {"3"});
  set_option(list, "seed", {"9"});
  set_option(list, "prior", {});
  set_option(list, "k", {"2-4"});
  set_option(list, "bootstrap-lrt", {"5"});
  EXPECT_EQ(o.on, profile_data::items);
  EXPECT_EQ(o.scores, std::vector<std::string>{"anxiety"});
  EXPECT_FALSE(o.labels);
  EXPECT_EQ(o.mixture.models, (std::vector<covariance_model>{covariance_model::VVI, covariance_model::EEE}));
  EXPECT_EQ(o.mixture.starts, 3U);
  EXPECT_EQ(o.mixture.seed, 9U);
  EXPECT_TRUE(o.mixture.prior);
  EXPECT_EQ(o.mixture.k_min, 2U);
  EXPECT_EQ(o.mixture.k_max, 4U);
  EXPECT_EQ(o.mixture.bootstrap_lrt, 5U);
  set_option(list, "k", {"3"});
  set_option(list, "models", {"all"});
  EXPECT_EQ(o.mixture.k_min, 3U);
  EXPECT_EQ(o.mixture.k_max, 3U);
  EXPECT_EQ(o.mixture.models.size(), attune::all_covariance_models.size());
  using attune::test::expect_refused;
  expect_refused(list, "on", {"stuff"});
  expect_refused(list, "labels", {"up"});
  expect_refused(list, "models", {"XYZ"});
  expect_refused(list, "starts", {"-1"});
  expect_refused(list, "k", {"2-x"});
  expect_refused(list, "k", {"-2"});
  expect_refused(list, "bootstrap-lrt", {"many"});
}

// describe_options(cluster_study_options&): the mixture's options reach `profiles` only with
// compare-profiles, whichever is set first.
TEST(StudyCluster, DescribedOptionsSetTheirMembers) {
  attune::cluster_study_options o;
  const attune::option_list list = attune::describe_options(o);
  const attune::option_list input = attune::describe_options(o.input);
  attune::test::expect_unique_names({&input, &list});
  using attune::test::set_option;
  set_option(list, "models", {"VVI"});
  set_option(list, "method", {"ward.D"});
  set_option(list, "k", {"3"});
  set_option(list, "max-rows", {"100"});
  set_option(list, "on", {"items"});
  EXPECT_FALSE(o.profiles);  // no mixture without compare-profiles
  EXPECT_EQ(o.ward.method, attune::ward_method::ward_d);
  EXPECT_EQ(o.k, 3U);
  EXPECT_EQ(o.ward.max_n, 100U);
  EXPECT_EQ(o.on, profile_data::items);
  set_option(list, "compare-profiles", {});
  ASSERT_TRUE(o.profiles);
  EXPECT_EQ(o.profiles->models, std::vector<covariance_model>{covariance_model::VVI});
  set_option(list, "seed", {"11"});  // after compare-profiles
  set_option(list, "prior", {});
  EXPECT_EQ(o.profiles->seed, 11U);
  EXPECT_TRUE(o.profiles->prior);
  attune::cluster_study_options later;  // compare-profiles first
  const attune::option_list other = attune::describe_options(later);
  set_option(other, "compare-profiles", {});
  set_option(other, "starts", {"4"});
  ASSERT_TRUE(later.profiles);
  EXPECT_EQ(later.profiles->starts, 4U);
  using attune::test::expect_refused;
  expect_refused(list, "method", {"ward.X"});
  expect_refused(list, "k", {"x"});
  expect_refused(list, "max-rows", {"-5"});
  expect_refused(list, "models", {"XYZ"});
}
