#include "results/report/text_table.h"

#include <sstream>

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

TEST(DisplayWidth, CountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("3.21 µs"), 7u);
  EXPECT_EQ(DisplayWidth("±1.2%"), 5u);
  EXPECT_EQ(DisplayWidth("1 MiB→2 MiB"), 11u);
}

TEST(TextTable, AlignsColumnsAndTrimsTrailingSpaces) {
  TextTable table({{"name"}, {"time", TextTable::Align::kRight}, {"note"}});
  table.AddRow({"a", "3.21 µs", "x"});
  table.AddRow({"longer", "12 ns"});
  std::ostringstream out;
  table.Print(&out, "  ");
  EXPECT_EQ(out.str(),
            "  name       time  note\n"
            "  ---------------------\n"
            "  a       3.21 µs  x\n"
            "  longer    12 ns\n");
}

TEST(TextTable, HeaderOnly) {
  TextTable table({{"a"}, {"bb"}});
  EXPECT_TRUE(table.empty());
  std::ostringstream out;
  table.Print(&out);
  EXPECT_EQ(out.str(), "a  bb\n-----\n");
}

}  // namespace
}  // namespace ipclab::results
