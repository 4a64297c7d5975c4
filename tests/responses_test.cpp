// Tests of reading responses: column selection, missing values, chunks, errors (responses.hpp).
#include "attune/data/responses.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "test_support.hpp"

namespace {

using attune::read_options;
using attune::test::expect_error;

attune::responses read(const std::string& text, const std::vector<std::string>& ids, read_options o = {}) {
  std::istringstream in(text);
  return attune::read_responses(in, "d.csv", ids, o);
}

const std::string kData = "id,age,Q1,Q2,Q3\nA,30,1,2,3\nB,41,,NA,5\nC,22,0,99,4\n";

TEST(Responses, ColumnsNamedLikeItemIdsCaseInsensitive) {
  const auto r = read("ID,q1,Q2,q3\nx,1,2,3\n", {"Q1", "Q2", "Q3"});
  ASSERT_EQ(r.n_rows(), 1);
  EXPECT_EQ(r.values(0, 0), 1);
  EXPECT_EQ(r.values(0, 2), 3);
  EXPECT_EQ(r.columns[0], "q1");
}

TEST(Responses, EmptyCellsNaAndMissingCodesAreMissing) {
  read_options o;
  o.missing_codes = {0, 99};
  o.id_column = "id";
  const auto r = read(kData, {"Q1", "Q2", "Q3"}, o);
  ASSERT_EQ(r.n_rows(), 3);
  EXPECT_TRUE(std::isnan(r.values(1, 0)));
  EXPECT_TRUE(std::isnan(r.values(1, 1)));
  EXPECT_TRUE(std::isnan(r.values(2, 0)));
  EXPECT_TRUE(std::isnan(r.values(2, 1)));
  EXPECT_EQ(r.values(2, 2), 4);
  EXPECT_EQ(r.row_ids, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{2, 3, 4}));
}

// Rows of one-digit and empty cells only take the reader's fast path; missing codes apply there
// too, to any digit given as a code.
TEST(Responses, MissingCodesApplyToRowsOfOneDigitCells) {
  read_options o;
  o.missing_codes = {0, 5};
  const auto r = read("Q1,Q2,Q3\n0,2,\n5,0,3\n1,2,3\n", {"Q1", "Q2", "Q3"}, o);
  ASSERT_EQ(r.n_rows(), 3);
  EXPECT_TRUE(std::isnan(r.values(0, 0)));
  EXPECT_EQ(r.values(0, 1), 2);
  EXPECT_TRUE(std::isnan(r.values(0, 2)));
  EXPECT_TRUE(std::isnan(r.values(1, 0)));
  EXPECT_TRUE(std::isnan(r.values(1, 1)));
  EXPECT_EQ(r.values(1, 2), 3);
  EXPECT_EQ(r.values(2, 0), 1);
  EXPECT_EQ(r.values(2, 2), 3);
}

TEST(Responses, WithoutMissingCodesZeroIsAValue) {
  const auto r = read(kData, {"Q1", "Q2", "Q3"});
  EXPECT_EQ(r.values(2, 0), 0);
  EXPECT_EQ(r.values(2, 1), 99);
}

TEST(Responses, SelectByNameRangeAndPosition) {
  const std::vector<std::string> header = {"id", "age", "Q1", "Q2", "Q3"};
  EXPECT_EQ(attune::select_columns(header, {"Q3", "Q1"}), (std::vector<std::size_t>{4, 2}));
  EXPECT_EQ(attune::select_columns(header, {"Q1-Q3"}), (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(attune::select_columns(header, {"3-5"}), (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(attune::select_columns(header, {"2,Q3"}), (std::vector<std::size_t>{1, 4}));
  EXPECT_EQ(attune::select_columns({"ECR-1", "ECR-2", "ECR-3"}, {"ECR-1-ECR-3"}), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(Responses, ItemsOptionMapsColumnsToItemsInOrder) {
  read_options o;
  o.items = {"Q3", "Q1-Q2"};
  const auto r = read(kData, {"a", "b", "c"}, o);
  EXPECT_EQ(r.values(0, 0), 3);
  EXPECT_EQ(r.values(0, 1), 1);
  EXPECT_EQ(r.values(0, 2), 2);
  EXPECT_EQ(r.item_ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.columns, (std::vector<std::string>{"Q3", "Q1", "Q2"}));
}

TEST(Responses, ChunksEqualTheWholeFile) {
  std::string text = "x,y\n";
  for (int i = 0; i < 1000; ++i) text += std::to_string(i % 7) + "," + std::to_string(i % 5) + "\n";
  const auto whole = read(text, {"x", "y"});
  std::istringstream in(text);
  attune::response_reader reader(in, "d.csv", {"x", "y"}, {});
  attune::responses chunk;
  Eigen::Index row = 0;
  while (reader.read(chunk, 64)) {
    EXPECT_EQ(chunk.first_row, static_cast<std::size_t>(row) + 1);
    ASSERT_TRUE(chunk.values.isApprox(whole.values.middleRows(row, chunk.n_rows())));
    row += chunk.n_rows();
  }
  EXPECT_EQ(row, 1000);
}

TEST(Responses, ParseCell) {
  double v = 0;
  EXPECT_TRUE(attune::parse_cell(" 3 ", {}, v));
  EXPECT_EQ(v, 3);
  EXPECT_TRUE(attune::parse_cell("2.5", {}, v));
  EXPECT_EQ(v, 2.5);
  EXPECT_TRUE(attune::parse_cell("-1", {-1}, v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_FALSE(attune::parse_cell("3a", {}, v));
  EXPECT_FALSE(attune::parse_cell("inf", {}, v));
}

TEST(ResponsesErrors, NotANumberNamesFileRowLineColumnAndValue) {
  expect_error([] { read("Q1,Q2\n1,2\n3,abc\n", {"Q1", "Q2"}); }, attune::errc::bad_input,
               {"d.csv, row 2 (line 3)", "column 'Q2'", "'abc'", "not a number"});
}

TEST(ResponsesErrors, LongCellsAreQuotedInEightyBytesAndOverflowIsNamed) {
  // Issue 10: a 150 MB cell was echoed in full on stderr. Here 1 MB (the record limit is 16 MiB).
  try {
    read("Q1,Q2\n1," + std::string(1 << 20, '1') + "x\n", {"Q1", "Q2"});
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("column 'Q2': value '" + std::string(77, '1') + "...' (1048577 bytes) is not a number"),
              std::string::npos) << m.substr(0, 300);
    EXPECT_LT(m.size(), 300u);
  }
  expect_error([] { read("Q1,Q2\n1,1e400\n", {"Q1", "Q2"}); }, attune::errc::bad_input,
               {"column 'Q2': value '1e400'", "outside the range of a double"});
  expect_error([] { read("Q1,Q2\n1,a\x01" "b\n", {"Q1", "Q2"}); }, attune::errc::bad_input, "value 'a\\x01b'");
}

TEST(ResponsesErrors, MissingItemColumn) {
  expect_error([] { read("Q1,Q2\n1,2\n", {"Q1", "Q2", "Q3"}); }, attune::errc::bad_input,
               {"d.csv", "no column named 'Q3'"});
  try {
    read("Q1,Q2\n1,2\n", {"Q1", "Q2", "Q3"});
  } catch (const attune::error& e) {
    EXPECT_EQ(e.rule(), "missing_column");
    EXPECT_EQ(e.column(), "Q3");
    EXPECT_EQ(e.option(), "read_options.items");
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  }
  // A header read as one column (the wrong delimiter) says so.
  expect_error([] { read("Q1|Q2|Q3\n1|2|3\n", {"Q1", "Q2", "Q3"}); }, attune::errc::bad_input,
               {"single column 'Q1|Q2|Q3'", "delimiter"});
}

TEST(ResponsesErrors, ItemsSelectsTheWrongNumberOfColumns) {
  read_options o;
  o.items = {"Q1-Q2"};
  expect_error([&] { read(kData, {"a", "b", "c"}, o); }, attune::errc::bad_input,
               {"the item columns selected are 2", "has 3 items"});
}

TEST(ResponsesErrors, UnknownSelectorAndBackwardRange) {
  expect_error([] { attune::select_columns({"a", "b"}, {"c"}); }, attune::errc::invalid_argument,
               {"item columns 'c'", "no such column", "1-2"});
  expect_error([] { attune::select_columns({"a", "b"}, {"b-a"}); }, attune::errc::invalid_argument,
               {"item column range 'b-a'", "comes after"});
  expect_error([] { attune::select_columns({"a", "b"}, {"7"}); }, attune::errc::invalid_argument, {"'7'"});
}

TEST(ResponsesErrors, UnknownIdColumnAndUnreadableFile) {
  read_options o;
  o.id_column = "pid";
  expect_error([&] { read(kData, {"Q1"}, o); }, attune::errc::bad_input, {"no id column named 'pid'"});
  expect_error([] { attune::read_responses_file("/nonexistent/x.csv", {"Q1"}); }, attune::errc::io_error,
               {"/nonexistent/x.csv", "cannot open"});
}

TEST(Responses, ExtraColumnsAreCarriedThroughAsText) {
  read_options o;
  o.extra_columns = {"AGE", "1"};  // by name (case-insensitive) and by position
  const auto r = read(kData, {"Q1", "Q2", "Q3"}, o);
  EXPECT_EQ(r.extra_columns, (std::vector<std::string>{"age", "id"}));
  ASSERT_EQ(r.extra.size(), 2U);
  EXPECT_EQ(r.extra[0], (std::vector<std::string>{"30", "41", "22"}));
  EXPECT_EQ(r.extra[1], (std::vector<std::string>{"A", "B", "C"}));
  // Chunk by chunk too.
  std::istringstream in(kData);
  attune::response_reader reader(in, "d.csv", {"Q1", "Q2", "Q3"}, o);
  attune::responses chunk;
  ASSERT_TRUE(reader.read(chunk, 2));
  EXPECT_EQ(chunk.extra[0], (std::vector<std::string>{"30", "41"}));
  ASSERT_TRUE(reader.read(chunk, 2));
  EXPECT_EQ(chunk.extra[0], (std::vector<std::string>{"22"}));
  o.extra_columns = {"choice"};
  try {
    read(kData, {"Q1"}, o);
    ADD_FAILURE() << "no error";
  } catch (const attune::error& e) {
    EXPECT_EQ(e.code(), attune::errc::bad_input);
    EXPECT_EQ(e.column(), "choice");
    EXPECT_EQ(e.option(), "read_options.extra_columns");
    EXPECT_NE(std::string(e.what()).find("no column 'choice'"), std::string::npos) << e.what();
  }
}

TEST(Responses, WhereNamesRowAndLine) {
  const auto r = read("Q1\n1\n\n2\n", {"Q1"});
  EXPECT_EQ(r.where(1), "d.csv, row 2 (line 4)");
}

}  // namespace

TEST(ChunkRows, AboutOneMebibyteOfAnswersWithinBounds) {
  // floor(2^20 / (8 * k)), clamped to [256, 65536].
  EXPECT_EQ(attune::cache_friendly_chunk_rows(36), 3640u);
  EXPECT_EQ(attune::cache_friendly_chunk_rows(12), 10922u);
  EXPECT_EQ(attune::cache_friendly_chunk_rows(1), 65536u);
  EXPECT_EQ(attune::cache_friendly_chunk_rows(0), 65536u);
  EXPECT_EQ(attune::cache_friendly_chunk_rows(512), 256u);
  EXPECT_EQ(attune::cache_friendly_chunk_rows(100000), 256u);
}
