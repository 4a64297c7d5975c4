// Tests of the streaming CSV reader (include/attune/io/csv.hpp).
#include "attune/io/csv.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "attune/core/error.hpp"
#include "test_support.hpp"

namespace {

using attune::csv_options;
using attune::csv_reader;
using attune::test::expect_error;

std::vector<std::vector<std::string>> read_all(const std::string& text, csv_options options = {},
                                               char* delimiter = nullptr) {
  std::istringstream in(text);
  csv_reader r(in, "t.csv", options);
  if (delimiter) *delimiter = r.delimiter();
  std::vector<std::vector<std::string>> rows;
  rows.emplace_back(r.header().begin(), r.header().end());
  std::vector<std::string_view> f;
  while (r.next(f)) rows.emplace_back(f.begin(), f.end());
  return rows;
}

TEST(CsvReader, DetectsCommaSemicolonAndTab) {
  char d = 0;
  EXPECT_EQ(read_all("a,b\n1,2\n", {}, &d)[1][1], "2");
  EXPECT_EQ(d, ',');
  EXPECT_EQ(read_all("a;b\n1,5;2\n", {}, &d)[1][0], "1,5");
  EXPECT_EQ(d, ';');
  EXPECT_EQ(read_all("a\tb\n1\t2\n", {}, &d)[1][1], "2");
  EXPECT_EQ(d, '\t');
}

TEST(CsvReader, GivenDelimiterOverridesDetection) {
  const auto rows = read_all("a;b,c\n1;2,3\n", csv_options{','});
  ASSERT_EQ(rows[0].size(), 2u);
  EXPECT_EQ(rows[0][0], "a;b");
  EXPECT_EQ(rows[1][1], "3");
}

TEST(CsvReader, QuotedFieldsWithEscapesDelimitersAndNewlines) {
  const auto rows = read_all("id,text\n1,\"he said \"\"hi\"\", then, left\"\n2,\"two\nlines\"\n3,plain\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][1], "he said \"hi\", then, left");
  EXPECT_EQ(rows[2][1], "two\nlines");
  EXPECT_EQ(rows[3][1], "plain");
}

TEST(CsvReader, CrlfBomBlankLinesAndMissingFinalNewline) {
  const auto rows = read_all("\xEF\xBB\xBF" "a,b\r\n1,2\r\n\r\n\n3,\r\n4,5");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "a");
  EXPECT_EQ(rows[1][1], "2");
  EXPECT_EQ(rows[2][0], "3");
  EXPECT_EQ(rows[2][1], "");
  EXPECT_EQ(rows[3][1], "5");
}

TEST(CsvReader, CountsLinesAndRowsAcrossQuotedNewlines) {
  std::istringstream in("a,b\n1,\"x\ny\"\n\n2,3\n");
  csv_reader r(in, "t.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(r.line(), 2u);
  EXPECT_EQ(r.row(), 1u);
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(r.line(), 5u);
  EXPECT_EQ(r.row(), 2u);
  EXPECT_FALSE(r.next(f));
}

TEST(CsvReader, RecordsThatCrossTheBufferBoundary) {
  // More than the 1 MiB buffer, with long quoted fields, so records straddle refills.
  std::string text = "a,b,c\n";
  const std::string long_field(1000, 'x');
  for (int i = 0; i < 3000; ++i) {
    text += std::to_string(i) + ",\"" + long_field + "\"\"q\"," + std::to_string(i * 2) + "\n";
  }
  const auto rows = read_all(text);
  ASSERT_EQ(rows.size(), 3001u);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(rows[static_cast<std::size_t>(i) + 1][0], std::to_string(i));
    ASSERT_EQ(rows[static_cast<std::size_t>(i) + 1][1], long_field + "\"q");
    ASSERT_EQ(rows[static_cast<std::size_t>(i) + 1][2], std::to_string(i * 2));
  }
}

TEST(CsvReader, RecordLongerThanTheBufferGrowsIt) {
  const std::string huge(3 << 20, 'z');
  const auto rows = read_all("a,b\n" + huge + ",1\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0].size(), huge.size());
  EXPECT_EQ(rows[1][1], "1");
}

TEST(CsvReaderErrors, WrongFieldCountNamesFileLineAndCounts) {
  expect_error([] { read_all("a,b,c\n1,2,3\n1,2\n"); }, attune::errc::bad_input,
               {"t.csv, line 3", "row 2", "2 fields", "header has 3"});
}

TEST(CsvReaderErrors, UnterminatedQuote) {
  expect_error([] { read_all("a,b\n1,\"open\n"); }, attune::errc::bad_input, {"t.csv", "unterminated quoted field"});
}

TEST(CsvReaderErrors, TextAfterClosingQuote) {
  expect_error([] { read_all("a,b\n1,\"x\"y\n"); }, attune::errc::bad_input, {"t.csv, line 2", "after a closing quote"});
}

TEST(CsvReaderErrors, EmptyInputAndUnnamedColumn) {
  expect_error([] { read_all(""); }, attune::errc::bad_input, {"t.csv", "empty"});
  expect_error([] { read_all("a,,c\n1,2,3\n"); }, attune::errc::bad_input, {"t.csv, line 1", "column 2 has no name"});
}

TEST(CsvReaderErrors, UnsupportedDelimiter) {
  expect_error([] { read_all("a|b\n", csv_options{'|'}); }, attune::errc::invalid_argument, {"'|'", "not supported"});
}

// ---------------------------------------------------------------------------------------------
// Issue 10: inputs found by fuzzing

TEST(CsvFuzz, DelimiterDetectedInAHeaderOfExactlyOneMebibyteWithoutNewline) {
  // F1: the first read filled the 1 MiB buffer exactly, the next read got nothing, and detection
  // was skipped (',' used). 2 MiB likewise.
  for (std::size_t size : {std::size_t{1} << 20, std::size_t{2} << 20}) {
    std::string header;
    while (header.size() + 8 < size) header += "Q" + std::to_string(header.size() % 9000 + 1000) + "\t";
    header += std::string(size - header.size(), 'z');
    ASSERT_EQ(header.size(), size);
    std::istringstream in(header);
    attune::csv_options wide;
    wide.max_columns = 1000000;  // the header has 174,763 columns
    csv_reader r(in, "h.tsv", wide);
    EXPECT_EQ(r.delimiter(), '\t') << size;
  }
  // The fuzzer's input (after its option byte 0x00: detect): one tab, no newline.
  const std::string bytes = attune::test::read_file(attune::test::data_path("fuzz/F1_csv_header_delimiter.bin"));
  ASSERT_EQ(bytes.size(), 17u);
  std::istringstream in(bytes.substr(1));
  csv_reader r(in, "F1");
  EXPECT_EQ(r.delimiter(), '\t');
  EXPECT_EQ(r.header().size(), 2u);
}

TEST(CsvFuzz, CrOnlyLineEndsHaveTheirOwnMessage) {
  expect_error([] { read_all("id,Q1,Q2\r1,2,3\r2,3,4\r"); }, attune::errc::bad_input,
               {"t.csv, line 1", "the lines end with CR only"});
  EXPECT_EQ(read_all("id,Q1\r\n1,2\r\n")[1][1], "2");  // CRLF is fine
  EXPECT_EQ(read_all("\"a\rb\",c\n1,2\n")[0][0], "a\rb");  // a CR inside quotes is data
}

TEST(CsvFuzz, InputEndingJustAfterADelimiterIsReported) {
  expect_error([] { read_all("a,b,c\n1,2,3\n4,5,"); }, attune::errc::bad_input,
               {"t.csv, line 3", "ends just after a delimiter"});
  const auto rows = read_all("a,b,c\n4,5,\n");  // a last empty field with its line end
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][2], "");
}

TEST(CsvFuzz, RecordsOverTheLimitAreRefusedBeforeTheyCostMemory) {
  // F16: a record over 1 MiB cost ~3x its size, /dev/zero ended in bad_alloc.
  csv_options small;
  small.max_record_bytes = 1000;
  EXPECT_EQ(read_all("a,b\n" + std::string(900, '1') + ",2\n", small)[1][1], "2");
  expect_error([&] { read_all("a,b\n" + std::string(2000, '1') + ",2\n", small); }, attune::errc::bad_input,
               {"t.csv, line 2", "a record longer than 1000 bytes (csv_options.max_record_bytes)"});
  expect_error([&] { read_all("a,\"" + std::string(2000, '\n') + "\"\n", small); }, attune::errc::bad_input,
               "a record longer than 1000 bytes");
  // The default: 16 MiB. A 20 MiB field is refused, with at most a 16 MiB buffer.
  const std::string big = "a,b\n1," + std::string(std::size_t{20} << 20, '7') + "\n";
  expect_error([&] { read_all(big); }, attune::errc::bad_input, {"line 2", "longer than 16777216 bytes"});
  csv_options larger;
  larger.max_record_bytes = std::size_t{32} << 20;
  EXPECT_EQ(read_all(big, larger)[1][1].size(), std::size_t{20} << 20);
  csv_options tiny;
  tiny.max_record_bytes = 10;
  expect_error([&] { read_all("a\n", tiny); }, attune::errc::invalid_argument, "max_record_bytes = 10");
}

TEST(CsvFuzz, DevZeroEndsInAClearError) {
  std::ifstream in("/dev/zero", std::ios::binary);
  if (!in) GTEST_SKIP() << "no /dev/zero";
  expect_error([&] { csv_reader r(in, "/dev/zero"); }, attune::errc::bad_input,
               {"/dev/zero, line 1", "a record longer than 16777216 bytes"});
}

}  // namespace
