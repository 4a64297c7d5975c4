// Progress reports and cancellation of long computations (include/attune/core/progress.hpp):
// the callback's events are monotone, reach the total and arrive on the calling thread only; a
// cancel flag set from the callback stops a bootstrap, a mixture fit, a CFA and a study with
// errc::cancelled; results are bit-identical with and without a callback.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "attune/analyses/bootstrap.hpp"
#include "attune/analyses/cfa.hpp"
#include "attune/analyses/factor.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/profiles.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/analyses/simulate.hpp"
#include "attune/core/error.hpp"
#include "attune/core/progress.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"
#include "test_support.hpp"

namespace {

using attune::errc;
using attune::progress_event;
using attune::progress_options;

// Simulated ECR-R answers (36 items, two subscales): N rows, 2% missing unless complete.
Eigen::MatrixXd ecr_answers(std::size_t n, bool complete) {
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  EXPECT_NE(inst, nullptr);
  return attune::simulate_responses(*inst, {.n = n, .seed = 11, .missing_rate = complete ? 0.0 : 0.02}).values;
}

struct recorder {
  std::vector<std::string> stages;
  std::vector<progress_event> events;
  std::vector<std::thread::id> threads;
  progress_options options() {
    progress_options p;
    p.callback = [this](const progress_event& e) {
      stages.emplace_back(e.stage);
      events.push_back(e);
      threads.push_back(std::this_thread::get_id());
    };
    return p;
  }
};

// Monotone within each stage, on the calling thread, throttled, ending at total.
void expect_well_formed(const recorder& r, const std::string& stage, std::uint64_t total) {
  std::uint64_t last = 0;
  std::size_t seen = 0;
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    EXPECT_EQ(r.threads[i], std::this_thread::get_id()) << "event " << i << " came from a worker thread";
    if (r.stages[i] != stage) continue;
    EXPECT_EQ(r.events[i].total, total);
    EXPECT_GE(r.events[i].done, last) << "event " << i;
    EXPECT_LE(r.events[i].done, total);
    last = r.events[i].done;
    ++seen;
  }
  ASSERT_GT(seen, 1U) << stage;
  EXPECT_EQ(last, total) << stage << " did not reach its total";
  EXPECT_LE(seen, 102U) << stage << ": about 100 reports at most (throttled)";
}

TEST(Progress, BootstrapReportsMonotoneProgressOnTheCallingThreadAndSameResults) {
  for (const bool complete : {true, false}) {
    const Eigen::MatrixXd x = ecr_answers(300, complete).leftCols(18);
    recorder r;
    const auto with = attune::bootstrap_alpha(x, 1000, 5, 4, r.options());
    const auto without = attune::bootstrap_alpha(x, 1000, 5, 4);
    expect_well_formed(r, "bootstrap", 1000);
    ASSERT_EQ(with.size(), without.size());
    for (std::size_t b = 0; b < with.size(); ++b) {
      // bit-identical (NaN compares unequal: compare the bits' meaning)
      EXPECT_TRUE(with[b] == without[b] || (std::isnan(with[b]) && std::isnan(without[b]))) << b;
    }
  }
}

TEST(Progress, CancelFromTheCallbackStopsTheBootstrapOfAlpha) {
  const Eigen::MatrixXd x = ecr_answers(300, false).leftCols(18);
  std::atomic<bool> cancel{false};
  std::uint64_t last_done = 0;
  attune::reliability_options o;
  o.intervals = {attune::ci_method::bootstrap_percentile};
  o.bootstrap = 5000;
  o.threads = 2;
  o.progress.cancel = &cancel;
  o.progress.callback = [&](const progress_event& e) {
    last_done = e.done;
    if (e.done >= 100) cancel = true;
  };
  const attune::error e = attune::test::caught([&] { (void)attune::analyze_reliability(x, o); });
  EXPECT_EQ(e.code(), errc::cancelled) << e.what();
  EXPECT_EQ(e.rule(), std::optional<std::string>("cancelled"));
  EXPECT_LT(last_done, 5000U);
  EXPECT_EQ(attune::to_string(errc::cancelled), "cancelled");
  EXPECT_EQ(attune::parse_errc("cancelled"), errc::cancelled);
}

TEST(Progress, ProfilesReportEveryStartAndStopWhenCancelled) {
  const Eigen::MatrixXd x = ecr_answers(400, true).leftCols(3);
  attune::mixture_options o;
  o.models = {attune::covariance_model::EEI, attune::covariance_model::VVV};
  o.k_min = 1;
  o.k_max = 3;
  o.starts = 3;
  o.threads = 2;
  recorder r;
  o.progress = r.options();
  const auto with = attune::fit_profiles(x, o);
  // 2 models x (K = 1: one start, K = 2 and 3: three each) = 14 starts
  expect_well_formed(r, "profiles", 14);
  o.progress = {};
  const auto without = attune::fit_profiles(x, o);
  ASSERT_EQ(with.fits.size(), without.fits.size());
  for (std::size_t f = 0; f < with.fits.size(); ++f) EXPECT_EQ(with.fits[f].loglik, without.fits[f].loglik) << f;

  std::atomic<bool> cancel{false};
  o.progress.cancel = &cancel;
  o.progress.callback = [&](const progress_event& e) {
    if (e.done >= 1) cancel = true;
  };
  attune::test::expect_error([&] { (void)attune::fit_profiles(x, o); }, errc::cancelled, "profiles: cancelled");
  // A flag set before the call stops it at once.
  o.progress.callback = nullptr;
  attune::test::expect_error([&] { (void)attune::fit_profiles(x, o); }, errc::cancelled, "cancelled");
}

TEST(Progress, CancelStopsACfaFit) {
  const Eigen::MatrixXd x = ecr_answers(300, true);
  attune::cfa_model m;
  m.factors = {"anxiety", "avoidance"};
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  ASSERT_NE(inst, nullptr);
  for (const auto& id : inst->item_ids()) {
    m.factor_of_item.push_back(inst->subscales[0].items.end() !=
                                       std::find(inst->subscales[0].items.begin(), inst->subscales[0].items.end(), id)
                                   ? 0
                                   : 1);
  }
  attune::cfa_options o;
  recorder r;
  o.progress = r.options();
  const auto with = attune::confirmatory_factor_analysis(x, m, o);
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(r.stages.back(), "cfa");
  EXPECT_EQ(r.events.back().total, 0U);  // iterations: total unknown
  EXPECT_GT(r.events.back().done, 0U);
  const auto without = attune::confirmatory_factor_analysis(x, m, {});
  EXPECT_EQ(with.fit.chisq, without.fit.chisq);

  std::atomic<bool> cancel{false};
  o.progress.cancel = &cancel;
  o.progress.callback = [&](const progress_event&) { cancel = true; };  // at the first report
  attune::test::expect_error([&] { (void)attune::confirmatory_factor_analysis(x, m, o); }, errc::cancelled,
                             "cfa: cancelled");
}

TEST(Progress, PolychoricAndParallelAnalysisReportAndGiveTheSameResults) {
  const Eigen::MatrixXd x = ecr_answers(200, false).leftCols(12);
  recorder r;
  attune::polychoric_options po;
  po.threads = 3;
  po.progress = r.options();
  const auto with = attune::polychoric(x, po);
  expect_well_formed(r, "polychoric", 66);
  po.progress = {};
  EXPECT_TRUE(with.rho.cwiseEqual(attune::polychoric(x, po).rho).all());

  recorder rp;
  attune::parallel_options pa;
  pa.replicates = 40;
  pa.threads = 3;
  pa.progress = rp.options();
  const auto pw = attune::parallel_analysis(with.rho, 200, pa);
  expect_well_formed(rp, "parallel_analysis", 40);
  pa.progress = {};
  EXPECT_TRUE(pw.simulated_factors.cwiseEqual(attune::parallel_analysis(with.rho, 200, pa).simulated_factors).all());
}

// A study turns a failed omega into a warning; a cancellation is not a failure: it reaches the caller.
TEST(Progress, CancelInsideAStudyIsNotTurnedIntoAWarning) {
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  ASSERT_NE(inst, nullptr);
  const attune::responses data = attune::simulate_responses(*inst, {.n = 150, .seed = 3});
  std::atomic<bool> cancel{false};
  std::vector<std::string> stages;
  attune::reliability_study_options o;
  o.omega_bootstrap = 50;
  o.input.progress.cancel = &cancel;
  o.input.progress.callback = [&](const progress_event& e) {
    if (stages.empty() || stages.back() != e.stage) stages.emplace_back(e.stage);
    if (e.stage == "omega_bootstrap") cancel = true;
  };
  attune::test::expect_error([&] { (void)attune::study_reliability(inst, data, o); }, errc::cancelled,
                             "omega_bootstrap: cancelled");
  EXPECT_EQ(stages, std::vector<std::string>({"omega_bootstrap"}));
}

// Reading a data file reports its bytes ("read": done = bytes, total = the file's size), once per
// block the CSV reader takes, and the answers are the same as without a callback.
TEST(Progress, ReadingAFileReportsItsBytesPerBlock) {
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  ASSERT_NE(inst, nullptr);
  const std::string path = attune::test::temp_path("progress_read.csv");
  {
    std::ofstream out(path);
    out << attune::responses_to_csv(attune::simulate_responses(*inst, {.n = 40000, .seed = 5}));
  }
  const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(path));
  ASSERT_GT(size, std::uint64_t{3} << 20) << "the file should span several 1 MiB blocks";
  recorder rec;
  attune::input_options in;
  in.progress = rec.options();
  const attune::responses with = attune::read_study_data(path, inst, in);
  expect_well_formed(rec, "read", size);
  // one report per block of 1 MiB (plus the first at 0 and the last), not one per row
  EXPECT_LE(rec.events.size(), size / (std::uint64_t{1} << 20) + 3);
  const attune::responses without = attune::read_study_data(path, inst, {});
  EXPECT_EQ(with.n_rows(), 40000);
  EXPECT_TRUE(with.values.cwiseEqual(without.values).count() + with.values.array().isNaN().count() ==
              with.values.size());
  EXPECT_EQ(with.lines, without.lines);
  std::filesystem::remove(path);
}

// A cancel flag set while the file is read stops the reading with errc::cancelled (not a "read
// error"), also inside a study that turns failed parts into warnings.
TEST(Progress, CancelStopsReadingAFile) {
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  ASSERT_NE(inst, nullptr);
  const std::string path = attune::test::temp_path("progress_cancel.csv");
  {
    std::ofstream out(path);
    out << attune::responses_to_csv(attune::simulate_responses(*inst, {.n = 20000, .seed = 6}));
  }
  std::atomic<bool> cancel{false};
  attune::factor_study_options o;
  o.input.progress.cancel = &cancel;
  o.input.progress.callback = [&](const progress_event& e) {
    if (e.stage == "read" && e.done > 0) cancel = true;
  };
  attune::test::expect_error([&] { (void)attune::study_factor(*inst, path, o); }, errc::cancelled, "read: cancelled");
  std::filesystem::remove(path);
}

// The streaming studies on a file (issue 18): a cancel flag set from the progress callback stops
// score_file, study_reliability, classify_file (fisher, SEM from the sample) and quality_file with
// errc::cancelled and rule "cancelled", on one thread and on two (never std::terminate or
// basic_ios::failure); a callback that does not cancel leaves the result bit-identical.
struct streamed_file {
  std::string path;
  std::vector<std::uint64_t> row_end;  // per data row: the byte offset just past its line
};

const streamed_file& ecr_file() {
  static const streamed_file f = [] {
    streamed_file out;
    const attune::instrument* inst = attune::find_builtin("ecr-r");
    out.path = std::string(ATTUNE_TEST_TMP_DIR) + "/progress_stream_" + std::to_string(::getpid()) + ".csv";
    const std::string text = attune::responses_to_csv(attune::simulate_responses(*inst, {.n = 50000, .seed = 8}));
    attune::test::write_file(out.path, text);
    const std::size_t header = text.find('\n');
    for (std::size_t at = text.find('\n', header + 1); at != std::string::npos; at = text.find('\n', at + 1)) {
      out.row_end.push_back(at + 1);
    }
    EXPECT_GT(text.size(), std::size_t{3} << 20) << "the file should span several 1 MiB blocks";
    return out;
  }();
  return f;
}

// `run(progress, threads)` gives the study's document. Checks the contract above.
void expect_cancellable(const std::function<std::string(const progress_options&, int)>& run) {
  const std::string plain = run({}, 1);
  progress_options counting;
  std::size_t reports = 0;
  counting.callback = [&](const progress_event&) { ++reports; };
  EXPECT_EQ(run(counting, 1), plain) << "a callback changed the result";
  EXPECT_GT(reports, 3U) << "the read should report several times";
  EXPECT_EQ(run({}, 2), plain) << "two threads changed the result";
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    std::atomic<bool> cancel{false};
    progress_options p;
    p.cancel = &cancel;
    p.callback = [&](const progress_event& e) {
      if (e.done > 0) cancel = true;  // after the first block
    };
    try {
      (void)run(p, threads);
      ADD_FAILURE() << "not cancelled";
    } catch (const attune::error& e) {
      EXPECT_EQ(e.code(), errc::cancelled) << e.what();
      EXPECT_EQ(e.rule(), std::optional<std::string>("cancelled")) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an attune::error: " << e.what();
    }
  }
}

TEST(Progress, CancelStopsScoreFileAndNoRowReadAfterItIsHandedOver) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  const streamed_file& f = ecr_file();
  expect_cancellable([&](const progress_options& p, int threads) {
    attune::score_study_options o;
    o.input.progress = p;
    o.threads = threads;
    o.chunk_rows = 1000;
    std::string rows;
    const auto s = attune::score_file(inst, f.path, o, [&](const attune::scored_chunk& c) {
      for (Eigen::Index i = 0; i < c.scores.scores.size(); ++i) rows += std::to_string(c.scores.scores.data()[i]) + ",";
    });
    return attune::to_json(s) + rows;
  });
  // What is guaranteed (src/data/chunk_pipeline.cpp, detail/progress_input.cpp): the flag is read
  // at every 1 MiB block the reader takes, so no block is read after the cancel; the records
  // already in the reader's buffer (at most the block read when the flag was set) and the chunks
  // in flight are still handed over, in file order, then errc::cancelled is thrown. So the rows
  // handed over all end within the bytes read when the flag was set.
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    std::atomic<bool> cancel{false};
    std::uint64_t read_at_cancel = 0;
    std::size_t handed = 0;
    attune::score_study_options o;
    o.threads = threads;
    o.chunk_rows = 1000;
    o.input.progress.cancel = &cancel;
    o.input.progress.callback = [&](const progress_event& e) {
      if (e.done > 0 && !cancel) {
        read_at_cancel = e.done;
        cancel = true;
      }
    };
    attune::test::expect_error(
        [&] {
          (void)attune::score_file(inst, f.path, o, [&](const attune::scored_chunk& c) {
            handed += static_cast<std::size_t>(c.data.n_rows());
          });
        },
        errc::cancelled, "read: cancelled");
    ASSERT_GT(read_at_cancel, 0U);
    ASSERT_LT(handed, f.row_end.size());
    if (handed > 0) {
      EXPECT_LE(f.row_end[handed - 1], read_at_cancel) << handed << " rows handed over";
    }
  }
}

TEST(Progress, CancelStopsTheReliabilityStudyOfAFile) {
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  expect_cancellable([&](const progress_options& p, int threads) {
    attune::reliability_study_options o;
    o.input.progress = p;
    o.reliability.threads = threads;
    return attune::to_json(attune::study_reliability(inst, ecr_file().path, o));
  });
}

TEST(Progress, CancelStopsTheFisherClassifyStreamWithTheSampleSem) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  expect_cancellable([&](const progress_options& p, int threads) {
    attune::classify_study_options o;
    o.method = attune::classify_method::fisher;
    o.input.progress = p;
    o.threads = threads;
    std::string text;
    const auto s = attune::classify_file(
        inst, ecr_file().path, o, [&](const attune::classify_study& h) { text += std::to_string(h.n_rows) + ";"; },
        [&](const attune::classify_study& c) { text += attune::to_json(c); });
    // (the head and the summary have n_rows but no rows: to_json of them is not a document)
    for (const auto& w : attune::all_warnings(s)) text += w.message;
    return std::to_string(s.n_rows) + text;
  });
}

TEST(Progress, CancelStopsTheQualityStreamOfAFile) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  expect_cancellable([&](const progress_options& p, int threads) {
    attune::quality_study_options o;
    o.input.progress = p;
    o.threads = threads;
    std::string text;
    const auto s = attune::quality_file(
        inst, ecr_file().path, o, [&](const attune::quality_study& h) { text += std::to_string(h.n_rows) + ";"; },
        [&](const attune::quality_study& c) { text += attune::to_json(c); });
    for (const auto& w : s.report.warnings) text += w;
    return std::to_string(s.n_rows) + text;
  });
}

}  // namespace

// The progress line the command line draws (core/progress.hpp, progress_text).
TEST(ProgressText, BarPercentAndCountsOrTheCountAlone) {
  EXPECT_EQ(attune::progress_text({"bootstrap", 330, 1000}), "bootstrap [#########---------------------]  33% 330/1000");
  EXPECT_EQ(attune::progress_text({"read", 0, 50}, 10), "read [----------]   0% 0/50");
  EXPECT_EQ(attune::progress_text({"read", 50, 50}, 10), "read [##########] 100% 50/50");
  EXPECT_EQ(attune::progress_text({"read", 70, 50}, 10), "read [##########] 100% 70/50");  // past the total: a full bar
  EXPECT_EQ(attune::progress_text({"cfa", 120, 0}), "cfa 120");
}
