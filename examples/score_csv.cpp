// Score a CSV file with a built-in instrument: the library form of
//
//   attune score data/ecr-r-sample.csv --instrument ecr-r --id id --summary
//
// The bundled sample (data/ecr-r-sample.csv, 500 synthetic ECR-R respondents made by
// `attune simulate --instrument ecr-r -n 500`, about 2% of answers missing) is read a chunk at a
// time, so the same loop scores a file larger than memory: only one chunk of answers and the
// running summary are held at once. Each chunk's scores are printed for the first few respondents;
// the summary (N, mean, SD, min, max of each score) is built chunk by chunk.
//
// Give the path of another CSV file holding the 36 ECR-R items in columns Q1..Q36 and an `id`
// column as the first argument to score that instead.
#include <attune/attune.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

int run(const std::string& path) {
  // 1. The instrument: the registry's ECR-R (anxiety = items 1-18, avoidance = 19-36, 1-7 scale).
  const attune::instrument* inst = attune::find_builtin("ecr-r");
  if (inst == nullptr) return 1;
  std::printf("%s (%s)\n  key: %s\n\n", inst->name.c_str(), inst->id.c_str(),
              std::string(attune::to_string(inst->key_confirmation)).c_str());

  // 2. The reader: item columns are found by the item ids (Q1..Q36, case-insensitive); the id
  //    column is carried along. Empty cells and NA are missing answers.
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "score_csv: cannot open %s\n", path.c_str());
    return 1;
  }
  attune::read_options reading;
  reading.id_column = "id";
  attune::response_reader reader(file, path, inst->item_ids(), reading);

  // 3. Scoring rules: the defaults (the instrument's 1-7 range; a score needs at least 80% of a
  //    subscale's items, i.e. 15 of 18; an answer outside 1-7 is an error naming row and column).
  const attune::scoring_options options;

  // 4. Score chunk by chunk (128 rows here to show the loop; attune score uses
  //    attune::cache_friendly_chunk_rows(36) = 3,640, about 1 MiB of answers).
  attune::score_summary summary(inst->score_names());
  attune::responses chunk;
  std::size_t shown = 0;
  std::printf("%-10s %8s %9s %10s %11s\n", "id", "anxiety", "answered", "avoidance", "answered");
  while (reader.read(chunk, 128)) {
    const attune::score_table t = attune::score(*inst, chunk, options);
    summary.add(t);
    for (const auto& w : t.warnings) std::printf("  warning: %s\n", w.c_str());
    for (Eigen::Index i = 0; i < t.scores.rows() && shown < 5; ++i, ++shown) {
      std::printf("%-10s %8.3f %9d %10.3f %11d\n", chunk.row_ids[static_cast<std::size_t>(i)].c_str(),
                  t.scores(i, 0), t.answered(i, 0), t.scores(i, 1), t.answered(i, 1));
    }
  }

  // 5. The summary over the whole file.
  std::printf("...\n\n%zu respondents\n", summary.n_rows());
  std::printf("%-10s %7s %9s %7s %7s %7s %7s\n", "score", "scored", "unscored", "mean", "sd", "min", "max");
  for (const auto& c : summary.columns()) {
    std::printf("%-10s %7zu %9zu %7.3f %7.3f %7.3f %7.3f\n", c.name.c_str(), c.n_scored, c.n_unscored, c.mean,
                c.sd, c.min, c.max);
  }
  return summary.n_rows() > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef ATTUNE_EXAMPLES_DIR  // set by examples/CMakeLists.txt
  const std::string sample = ATTUNE_EXAMPLES_DIR "/data/ecr-r-sample.csv";
#else
  const std::string sample = "data/ecr-r-sample.csv";
#endif
  const std::string path = argc > 1 ? argv[1] : sample;
  try {
    return run(path);
  } catch (const attune::error& e) {
    // Bad data is reported with file, row, line, column and value, e.g.
    // "data.csv, row 12 (line 13), column 'Q7': value 9 is outside the response range 1-7 ..."
    std::fprintf(stderr, "score_csv: %s\n", e.what());
    return 1;
  }
}
