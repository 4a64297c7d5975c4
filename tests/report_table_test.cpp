// The report layer's text-table helpers (src/report/document.hpp): numbers never run into their
// neighbours, and wide tables wrap in blocks of columns as R prints them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report/document.hpp"

namespace {

using attune::detail::block_table;
using attune::detail::num;

TEST(ReportTable, NumbersWiderThanTheirColumnKeepASpace) {
  EXPECT_EQ(num(0.471, 3, 10), "     0.471");
  EXPECT_EQ(num(15.13, 2, 6), " 15.13");
  // a negative S/N or a mean above 99.99 in a 6-wide column: one space, never "0.471-15.13"
  EXPECT_EQ(num(0.471, 3, 10) + num(-15.13, 2, 6), "     0.471 -15.13");
  EXPECT_EQ(num(143.21, 2, 6), " 143.21");
}

TEST(ReportTable, BlocksRepeatTheLabelColumnAndStayShorterThanTheWidth) {
  const std::vector<std::string> header{"id", "a", "b", "c"};
  const std::vector<std::vector<std::string>> rows{{"R1", "-1.00", "2.00", "NA"}, {"R22", "0.50", "-12.25", "3.00"}};
  // one block: every column right-aligned to its widest cell, two spaces apart
  EXPECT_EQ(block_table(header, rows, 1, false, "  ", 80),
            " id      a       b     c\n"
            " R1  -1.00    2.00    NA\n"
            "R22   0.50  -12.25  3.00\n");
  // width 20: "R22   0.50  -12.25" is 18 < 20, adding "  3.00" makes 24: c goes to a second block
  EXPECT_EQ(block_table(header, rows, 1, false, "  ", 20),
            " id      a       b\n"
            " R1  -1.00    2.00\n"
            "R22   0.50  -12.25\n"
            "\n"
            " id     c\n"
            " R1    NA\n"
            "R22  3.00\n");
  // a column wider than the width still gets a block of its own
  EXPECT_EQ(block_table({"id", "wide"}, {{"1", "0123456789012345678901234"}}, 1, false, " ", 20),
            "id                      wide\n"
            " 1 0123456789012345678901234\n");
}

}  // namespace
