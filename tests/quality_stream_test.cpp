// Issue 18: `quality_file` streams a file in two passes (study/quality.hpp) and writes it through
// `quality_writer` (report/rows.hpp). Its output must be the whole-file path's byte for byte
// (`study_quality` + `write_report`) in every format and for any thread count, and its sample
// accumulator (`quality_sample`) must merge and serialize exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "attune/analyses/quality.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
#include "attune/study/quality.hpp"
#include "test_support.hpp"

namespace {

// n x 36 ECR-R answers 1-7 from two traits (a fixed generator): about 2% missing, an answer of 9
// (out of range) now and then, every 997th row a straight-liner, every 1499th row empty, and ids
// repeated far apart (rows 5 and 9,005; 7 and 12,007 and 14,007), so that several chunks (4,096
// rows each) and the duplicate-id check across chunks are exercised.
std::string ecr_file(int n, const std::string& name) {
  std::uint64_t state = 18181818;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  std::string csv = "pid,group";
  for (const auto& item : inst->items) csv += "," + item.id;
  csv += "\n";
  for (int i = 1; i <= n; ++i) {
    std::string id = "p" + std::to_string(i);
    if (i == 9005) id = "p5";
    if (i == 12007 || i == 14007) id = "p7";
    csv += id + (i % 3 == 0 ? ",a" : ",b");
    const double anx = uniform() * 4 - 2, avo = uniform() * 4 - 2;
    for (std::size_t j = 0; j < inst->items.size(); ++j) {
      csv += ',';
      if (i % 1499 == 0) continue;
      if (i % 997 == 0) {
        csv += '4';
        continue;
      }
      if (uniform() < 0.02) continue;
      if (uniform() < 0.0005) {
        csv += '9';
        continue;
      }
      const double trait = j % 2 == 0 ? anx : avo;
      const double sign = inst->items[j].reversed ? -1.0 : 1.0;
      const double v = 4.0 + sign * trait + (uniform() - 0.5) * 3.0;
      csv += std::to_string(v < 1.0 ? 1 : v > 7.0 ? 7 : static_cast<int>(v + 0.5));
    }
    csv += "\n";
  }
  const std::string path = attune::test::temp_path(name);
  attune::test::write_file(path, csv);
  return path;
}

std::string whole_output(const attune::instrument& inst, const std::string& path, const attune::quality_study_options& o,
                         attune::output_format f) {
  std::ostringstream os;
  attune::write_report(os, f, attune::study_quality(inst, path, o));
  return os.str();
}

std::string streamed_output(const attune::instrument& inst, const std::string& path,
                            const attune::quality_study_options& o, attune::output_format f,
                            attune::clean_selection* clean = nullptr, std::size_t* chunks = nullptr) {
  std::ostringstream os;
  std::optional<attune::quality_writer> writer;
  std::size_t parts = 0;
  const auto study = attune::quality_file(
      inst, path, o, [&](const attune::quality_study& head) { writer.emplace(os, f, head); },
      [&](const attune::quality_study& chunk) {
        writer->write(chunk);
        ++parts;
      },
      clean);
  writer->finish(study);
  if (chunks != nullptr) *chunks = parts;
  return os.str();
}

TEST(QualityStream, EqualsTheWholeFileForEveryFormatAndThreadCount) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  const std::string path = ecr_file(15000, "quality_stream.csv");
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  o.input.keep = {"group"};
  for (const auto f : {attune::output_format::csv, attune::output_format::json, attune::output_format::table}) {
    const std::string whole = whole_output(inst, path, o, f);
    for (const int threads : {1, 2}) {
      o.threads = threads;
      std::size_t chunks = 0;
      const std::string streamed = streamed_output(inst, path, o, f, nullptr, &chunks);
      EXPECT_EQ(chunks, 4U);  // 15,000 rows in chunks of 4,096: it did stream
      ASSERT_EQ(streamed.size(), whole.size()) << "format " << static_cast<int>(f) << ", threads " << threads;
      EXPECT_TRUE(streamed == whole) << "format " << static_cast<int>(f) << ", threads " << threads;
    }
  }
  // The document names what the data hold: the duplicate ids across chunks, the rows listed.
  const auto doc = nlohmann::json::parse(whole_output(inst, path, o, attune::output_format::json));
  const auto& duplicates = doc["report"]["validation"]["duplicate_ids"];
  ASSERT_EQ(duplicates.size(), 2U);
  EXPECT_EQ(duplicates[1], nlohmann::json::parse(R"({"id": "p7", "rows": [7, 12007, 14007]})"));
  EXPECT_EQ(doc["respondents"].size(), 15000U);
}

TEST(QualityStream, OptionsAndPsychModeStayIdentical) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  const std::string path = ecr_file(9000, "quality_stream_options.csv");
  attune::quality_study_options o;  // no id column: rows are numbered
  o.quality.mahalanobis_missing = attune::mahalanobis_method::psych;
  o.quality.irv_blocks = 4;
  o.quality.mahalanobis_confidence = 0.99;
  o.threads = 2;
  EXPECT_EQ(streamed_output(inst, path, o, attune::output_format::json),
            whole_output(inst, path, o, attune::output_format::json));
}

TEST(QualityStream, CleanSelectionEqualsTheWholeFiles) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  const std::string path = ecr_file(9000, "quality_stream_clean.csv");
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  o.threads = 2;
  attune::clean_selection streamed;
  streamed_output(inst, path, o, attune::output_format::csv, &streamed);
  const auto whole = attune::clean_rows(attune::study_quality(inst, path, o));
  EXPECT_EQ(streamed.keep, whole.keep);
  EXPECT_EQ(streamed.kept, whole.kept);
  EXPECT_EQ(streamed.no_answers, whole.no_answers);
  EXPECT_EQ(streamed.below_min_answered, whole.below_min_answered);
  EXPECT_EQ(streamed.flagged, whole.flagged);
  EXPECT_GT(whole.no_answers, 0U);
  EXPECT_GT(whole.flagged, 0U);
}

// The summary a streamed study returns names the listed rows through its compact ids and rows.
TEST(QualityStream, SummaryListsTheRowsTheValidationNames) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  const std::string path = ecr_file(15000, "quality_stream_summary.csv");
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  const auto s = attune::quality_file(inst, path, o, [](const auto&) {}, [](const auto&) {});
  EXPECT_TRUE(s.report.flags.empty());  // no per-respondent members
  ASSERT_EQ(s.report.validation.duplicate_ids.size(), 2U);
  const auto& p5 = s.report.validation.duplicate_ids[0];
  ASSERT_EQ(p5.size(), 2U);
  EXPECT_EQ(s.ids[static_cast<std::size_t>(p5[0])], "p5");
  EXPECT_EQ(s.rows[static_cast<std::size_t>(p5[0])], 5U);
  EXPECT_EQ(s.rows[static_cast<std::size_t>(p5[1])], 9005U);
  EXPECT_EQ(s.report.validation.duplicate_ids[1].size(), 3U);
  EXPECT_EQ(s.report.validation.no_answer_rows.size(), 15000U / 1499U);
  EXPECT_EQ(attune::quality_summary_text(s), attune::quality_summary_text(attune::study_quality(inst, path, o)));
}

// An error of pass 1 is the whole-file path's, before any row is handed over.
TEST(QualityStream, PassOneErrorIsTheWholeFilesError) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  std::string csv = "pid";
  for (const auto& item : inst.items) csv += "," + item.id;
  csv += "\nx";
  for (std::size_t j = 0; j < inst.items.size(); ++j) csv += j == 3 ? ",abc" : ",4";
  csv += "\n";
  const std::string path = attune::test::temp_path("quality_stream_bad.csv");
  attune::test::write_file(path, csv);
  attune::quality_study_options o;
  o.input.read.id_column = "pid";
  std::string whole_message, streamed_message;
  try {
    attune::study_quality(inst, path, o);
  } catch (const attune::error& e) {
    whole_message = e.what();
  }
  bool head = false;
  try {
    attune::quality_file(inst, path, o, [&](const auto&) { head = true; }, [](const auto&) {});
  } catch (const attune::error& e) {
    streamed_message = e.what();
  }
  EXPECT_FALSE(whole_message.empty());
  EXPECT_EQ(streamed_message, whole_message);
  EXPECT_FALSE(head);
}

TEST(QualitySample, ChunksMergedEqualTheWholeMatrixAndSerializeExactly) {
  Eigen::MatrixXd x(10000, 5);
  std::uint64_t state = 7;
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const double u = static_cast<double>(state >> 11) / 9007199254740992.0;
      x(i, j) = u < 0.03 ? NAN : 1.0 + u * 4.0;  // not integers: the sums' order matters
    }
  attune::quality_sample whole(5);
  whole.add(x);
  attune::quality_sample merged(5);
  for (Eigen::Index r0 = 0; r0 < x.rows(); r0 += 4096) {
    attune::quality_sample part(5);
    part.add(x.middleRows(r0, std::min<Eigen::Index>(4096, x.rows() - r0)));
    merged.merge(part);
  }
  EXPECT_TRUE(merged.sums() == whole.sums());
  EXPECT_TRUE(merged.counts() == whole.counts());
  EXPECT_TRUE(merged.moments().covariance() == whole.moments().covariance());
  const auto back = attune::quality_sample::deserialize(whole.serialize());
  EXPECT_EQ(back.serialize(), whole.serialize());
  EXPECT_TRUE(back.sums() == whole.sums());
  EXPECT_EQ(back.n_rows(), 10000.0);
  // The chunk's report against the whole sample equals those rows of the whole report.
  attune::quality_design d;
  d.item_min = Eigen::VectorXd::Constant(5, 1.0);
  d.item_max = Eigen::VectorXd::Constant(5, 5.0);
  d.subscales = {{"a", {0, 1, 2}, {false, true, false}}, {"b", {3, 4}, {false, false}}};
  const auto all = attune::assess_quality(x, d);
  const auto part = attune::assess_quality(x.middleRows(4096, 4096), whole, d);
  auto same = [](const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    if (a.size() != b.size()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i)
      if (!(a(i) == b(i) || (std::isnan(a(i)) && std::isnan(b(i))))) return false;
    return true;
  };
  EXPECT_TRUE(same(part.mahalanobis, all.mahalanobis.segment(4096, 4096)));
  EXPECT_TRUE(same(part.psychsyn, all.psychsyn.segment(4096, 4096)));
  EXPECT_TRUE(same(part.reversal, all.reversal.segment(4096, 4096)));
  EXPECT_THROW(attune::quality_sample::deserialize("attune-quality-sample 1 2\nsums 0x1p+0\n"), attune::error);
  attune::quality_sample other(4);
  EXPECT_THROW(merged.merge(other), attune::error);
}

}  // namespace
