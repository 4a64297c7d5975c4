// Tests of detail::for_each_chunk (src/data/chunk_pipeline.hpp), the parallel reader every
// streaming command uses: the chunks equal those of a one-thread read (values, ids, row and line
// numbers) for any thread count, through quoted fields with line ends, blank lines and CRLF; the
// merge is in file order; errors come in file order with the one-thread message.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/data/responses.hpp"
#include "data/chunk_pipeline.hpp"

namespace {

// 5,000 rows of id, note, a, b, c: every 97th note quoted with a line end (and a "" quote) in it,
// every 131st line followed by a blank line, CRLF line ends on every 7th, a missing answer here
// and there.
std::string sample_csv(int rows = 5000) {
  std::string csv = "id,note,a,b,c\n";
  for (int i = 0; i < rows; ++i) {
    csv += "r" + std::to_string(i) + ",";
    csv += i % 97 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : "plain";
    csv += "," + std::to_string(1 + i % 5) + "," + (i % 11 == 0 ? "" : std::to_string(1 + i % 3)) + "," +
           std::to_string(1 + (i * 7) % 4);
    csv += i % 7 == 0 ? "\r\n" : "\n";
    if (i % 131 == 0) csv += "\n";
  }
  return csv;
}

attune::read_options options() {
  attune::read_options o;
  o.items = {"a", "b", "c"};
  o.id_column = "id";
  o.extra_columns = {"note"};
  return o;
}

struct flat {
  std::vector<double> values;
  std::vector<std::string> ids, notes;
  std::vector<std::size_t> rows, lines;
};

void append(flat& f, const attune::responses& c) {
  for (Eigen::Index r = 0; r < c.n_rows(); ++r) {
    for (Eigen::Index j = 0; j < c.n_items(); ++j) f.values.push_back(c.values(r, j));
    f.rows.push_back(c.first_row + static_cast<std::size_t>(r));
  }
  f.ids.insert(f.ids.end(), c.row_ids.begin(), c.row_ids.end());
  f.notes.insert(f.notes.end(), c.extra[0].begin(), c.extra[0].end());
  f.lines.insert(f.lines.end(), c.lines.begin(), c.lines.end());
}

void expect_equal(const flat& a, const flat& b) {
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    if (std::isnan(a.values[i])) {
      EXPECT_TRUE(std::isnan(b.values[i])) << i;
    } else {
      EXPECT_EQ(a.values[i], b.values[i]) << i;
    }
  }
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.lines, b.lines);
}

flat read_one_thread(const std::string& csv, std::size_t chunk_rows) {
  std::istringstream in(csv);
  attune::response_reader reader(in, "t.csv", {}, options());
  attune::responses chunk;
  flat f;
  while (reader.read(chunk, chunk_rows)) append(f, chunk);
  return f;
}

flat read_pipeline(const std::string& csv, std::size_t chunk_rows, int threads, std::size_t* chunks = nullptr) {
  std::istringstream in(csv);
  attune::response_reader reader(in, "t.csv", {}, options());
  flat f;
  std::size_t expected_first_row = 1;
  const std::size_t n = attune::detail::for_each_chunk<double>(
      reader, {.chunk_rows = chunk_rows, .threads = threads},
      [](attune::responses& c, double& sum) { sum = c.values.array().isNaN().select(0.0, c.values.array()).sum(); },
      [&](attune::responses& c, double& sum) {
        EXPECT_EQ(c.first_row, expected_first_row);  // file order
        expected_first_row += static_cast<std::size_t>(c.n_rows());
        EXPECT_EQ(sum, c.values.array().isNaN().select(0.0, c.values.array()).sum());  // its own work
        append(f, c);
      });
  if (chunks != nullptr) *chunks = n;
  return f;
}

TEST(ChunkPipeline, ChunksEqualAOneThreadReadForAnyThreadCount) {
  const std::string csv = sample_csv();
  for (const std::size_t rows : {std::size_t{1}, std::size_t{100}, std::size_t{4096}, std::size_t{100000}}) {
    const flat expected = read_one_thread(csv, rows);
    ASSERT_EQ(expected.ids.size(), 5000u);
    for (const int threads : {1, 2, 3, 8}) {
      SCOPED_TRACE("chunk_rows " + std::to_string(rows) + ", threads " + std::to_string(threads));
      std::size_t chunks = 0;
      expect_equal(read_pipeline(csv, rows, threads, &chunks), expected);
      EXPECT_EQ(chunks, (5000 + rows - 1) / rows);
    }
  }
  // the quoted note kept its line end and its quote; the lines count them
  const flat f = read_pipeline(csv, 64, 2);
  EXPECT_EQ(f.notes[97], "two\nlines, \"quoted\"");
  EXPECT_EQ(f.lines[0], 2u);
  EXPECT_EQ(f.lines[1], 5u);  // row 0 spans lines 2-3 (a quoted line end), then a blank line
}

TEST(ChunkPipeline, ALastRecordWithoutLineEndAndAnEmptyFile) {
  for (const int threads : {1, 2}) {
    const flat f = read_pipeline("id,note,a,b,c\nx,n,1,2,3\ny,n,4,5,1", 1, threads);
    EXPECT_EQ(f.ids, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(read_pipeline("id,note,a,b,c\n", 10, threads).ids.size(), 0u);
    EXPECT_EQ(read_pipeline("id,note,a,b,c\n\n\r\n", 10, threads).ids.size(), 0u);
  }
}

// The message a one-thread read gives for `csv` (its first error).
std::string one_thread_error(const std::string& csv) {
  try {
    read_one_thread(csv, 50);
  } catch (const attune::error& e) {
    return e.what();
  }
  return "";
}

TEST(ChunkPipeline, ErrorsComeInFileOrderWithTheOneThreadMessage) {
  std::string csv = sample_csv();
  // a cell that is not a number at row 3001, a record with a field too few at row 4001
  auto line_start = [&](int row) {
    std::size_t pos = csv.find("\nr" + std::to_string(row - 1) + ",");
    return pos + 1;
  };
  csv.erase(csv.find(",plain", line_start(4001)), 6);
  const std::size_t at = csv.find(",plain,", line_start(3001)) + 7;
  csv[at] = 'x';
  const std::string expected = one_thread_error(csv);
  ASSERT_NE(expected.find("row 3001"), std::string::npos) << expected;
  for (const int threads : {1, 2, 4}) {
    std::size_t merged_rows = 0;
    try {
      std::istringstream in(csv);
      attune::response_reader reader(in, "t.csv", {}, options());
      attune::detail::for_each_chunk<int>(
          reader, {.chunk_rows = 50, .threads = threads}, [](attune::responses&, int&) {},
          [&](attune::responses& c, int&) { merged_rows += static_cast<std::size_t>(c.n_rows()); });
      ADD_FAILURE() << "no error";
    } catch (const attune::error& e) {
      EXPECT_EQ(std::string(e.what()), expected) << threads;
      EXPECT_EQ(merged_rows, 3000u) << "every chunk before the error, none after";
    }
  }
  // An exception from the work of chunk 10 comes before a parse error in a later chunk, and after
  // chunks 0-9 are merged.
  for (const int threads : {1, 2, 4}) {
    std::size_t merged = 0;
    try {
      std::istringstream in(csv);
      attune::response_reader reader(in, "t.csv", {}, options());
      attune::detail::for_each_chunk<int>(
          reader, {.chunk_rows = 50, .threads = threads},
          [](attune::responses& c, int&) {
            if (c.first_row == 501) throw attune::error(attune::errc::bad_input, "work of chunk 10");
          },
          [&](attune::responses&, int&) { ++merged; });
      ADD_FAILURE() << "no error";
    } catch (const attune::error& e) {
      EXPECT_EQ(std::string(e.what()), "work of chunk 10");
      EXPECT_EQ(merged, 10u);
    }
  }
}

TEST(ChunkPipeline, ARecordTooLongIsNamedAfterTheRowsBeforeIt) {
  std::string csv = "id,note,a,b,c\n";
  for (int i = 0; i < 300; ++i) csv += "r,n,1,2,3\n";
  csv += "r," + std::string(200, 'n') + ",1,2,3\n";
  attune::read_options o = options();
  o.csv.max_record_bytes = 128;
  std::string expected;
  try {
    std::istringstream in(csv);
    attune::response_reader reader(in, "t.csv", {}, o);
    attune::responses chunk;
    while (reader.read(chunk, 7)) {
    }
  } catch (const attune::error& e) {
    expected = e.what();
  }
  ASSERT_NE(expected.find("line 302"), std::string::npos) << expected;
  for (const int threads : {1, 2}) {
    std::size_t merged_rows = 0;
    try {
      std::istringstream in(csv);
      attune::response_reader reader(in, "t.csv", {}, o);
      attune::detail::for_each_chunk<int>(
          reader, {.chunk_rows = 7, .threads = threads}, [](attune::responses&, int&) {},
          [&](attune::responses& c, int&) { merged_rows += static_cast<std::size_t>(c.n_rows()); });
      ADD_FAILURE() << "no error";
    } catch (const attune::error& e) {
      EXPECT_EQ(std::string(e.what()), expected);
      EXPECT_EQ(merged_rows, 300u);  // the records cut before the long one, then its error
    }
  }
}

}  // namespace
