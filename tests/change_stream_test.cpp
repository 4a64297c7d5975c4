// Issue 18: `study_change(inst, paths, options)` streams every administration after the first
// (chunks of 4,096 rows: only its ids, scores and kept columns are kept, never its answers). The
// result must be the one of the same data read whole (`study_change(inst, waves, options)`), byte
// for byte in JSON, and an irregular later file (a repeated id) must give the whole path's error.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "attune/keys/instrument.hpp"
#include "attune/report/json.hpp"
#include "attune/study/change.hpp"
#include "attune/study/input.hpp"
#include "test_support.hpp"

namespace {

// n ECR-R respondents (ids p<first>..) from two traits, 1-7 with about 3% missing and an answer of 9 now and then
// (outside the range: treated as missing, counted in a warning); `dup` repeats an id.
std::string wave_file(int first, int n, std::uint64_t seed, const std::string& name, bool dup = false) {
  std::uint64_t state = seed;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  std::string csv = "pid,site";
  for (const auto& item : inst->items) csv += "," + item.id;
  csv += "\n";
  for (int i = first; i < first + n; ++i) {
    csv += "p" + std::to_string(dup && i == first + n - 1 ? first + 3 : i) + (i % 2 == 0 ? ",north" : ",south");
    const double anx = uniform() * 4 - 2, avo = uniform() * 4 - 2;
    for (std::size_t j = 0; j < inst->items.size(); ++j) {
      csv += ',';
      const double u = uniform();
      if (u < 0.03) continue;
      if (u < 0.031) {
        csv += '9';
        continue;
      }
      const double sign = inst->items[j].reversed ? -1.0 : 1.0;
      const double v = 4.0 + sign * (j % 2 == 0 ? anx : avo) + (uniform() - 0.5) * 3.0;
      csv += std::to_string(v < 1.0 ? 1 : v > 7.0 ? 7 : static_cast<int>(v + 0.5));
    }
    csv += "\n";
  }
  const std::string path = attune::test::temp_path(name);
  attune::test::write_file(path, csv);
  return path;
}

attune::change_study_options options() {
  attune::change_study_options o;
  o.input.read.id_column = "pid";
  o.input.keep = {"site"};
  o.input.scoring.out_of_range = attune::out_of_range_policy::set_missing;
  return o;
}

TEST(ChangeStream, LaterFilesStreamWithTheWholeDataResult) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  // 3 administrations, 10,000 rows each (3 chunks), partly overlapping ids.
  const std::vector<std::string> paths = {wave_file(1, 10000, 1, "change_w1.csv"),
                                          wave_file(501, 10000, 2, "change_w2.csv"),
                                          wave_file(1001, 10000, 3, "change_w3.csv")};
  const auto o = options();
  std::vector<attune::responses> whole;
  for (const auto& p : paths) whole.push_back(attune::read_study_data(p, &inst, o.input));
  const std::string expected = attune::to_json(attune::study_change(inst, std::move(whole), o));
  const std::string streamed = attune::to_json(attune::study_change(inst, paths, o));
  EXPECT_EQ(streamed.size(), expected.size());
  EXPECT_TRUE(streamed == expected);
  EXPECT_NE(expected.find("outside the response range"), std::string::npos);  // the warnings are there
}

TEST(ChangeStream, RepeatedIdInALaterFileIsTheWholePathsError) {
  const attune::instrument& inst = *attune::find_builtin("ecr-r");
  const std::vector<std::string> paths = {wave_file(1, 5000, 1, "change_dup1.csv"),
                                          wave_file(1, 5000, 2, "change_dup2.csv", true)};
  const auto o = options();
  std::string whole_message, streamed_message;
  try {
    std::vector<attune::responses> whole;
    for (const auto& p : paths) whole.push_back(attune::read_study_data(p, &inst, o.input));
    attune::study_change(inst, std::move(whole), o);
  } catch (const attune::error& e) {
    whole_message = e.what();
  }
  try {
    attune::study_change(inst, paths, o);
  } catch (const attune::error& e) {
    streamed_message = e.what();
  }
  EXPECT_NE(whole_message.find("appears twice"), std::string::npos) << whole_message;
  EXPECT_EQ(streamed_message, whole_message);
}

}  // namespace
