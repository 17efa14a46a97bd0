#include "base/size.h"

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(ParseSize, AcceptsBytesAndBinaryUnits) {
  EXPECT_EQ(ParseSize("4096").value(), 4096u);
  EXPECT_EQ(ParseSize("64B").value(), 64u);
  EXPECT_EQ(ParseSize("4KiB").value(), 4096u);
  EXPECT_EQ(ParseSize("64KiB").value(), 65536u);
  EXPECT_EQ(ParseSize("1MiB").value(), 1048576u);
  EXPECT_EQ(ParseSize("1GiB").value(), 1073741824u);
  EXPECT_EQ(ParseSize("2TiB").value(), uint64_t{2} << 40);
  EXPECT_EQ(ParseSize("0").value(), 0u);
  EXPECT_EQ(ParseSize(" 64KiB\n").value(), 65536u);
}

TEST(ParseSize, RefusesMalformedText) {
  for (const char* bad : {"", "12XB", "KiB", "B", "-1", "+4", "1.5MiB", "4 KiB", "4kib", "4K",
                          "0x10", "99999999999999999999", "17179869184GiB"}) {
    EXPECT_EQ(ParseSize(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseSize("4K").status().message().find("malformed size"), std::string::npos);
}

TEST(FormatSize, UsesTheLargestExactUnit) {
  EXPECT_EQ(FormatSize(0), "0");
  EXPECT_EQ(FormatSize(1000), "1000");
  EXPECT_EQ(FormatSize(4096), "4KiB");
  EXPECT_EQ(FormatSize(65536), "64KiB");
  EXPECT_EQ(FormatSize(1536 * 1024), "1536KiB");
  EXPECT_EQ(FormatSize(uint64_t{1} << 30), "1GiB");
  EXPECT_EQ(FormatSize(uint64_t{3} << 40), "3TiB");
}

TEST(FormatSize, ParseSizeReadsItBack) {
  for (uint64_t bytes : {uint64_t{0}, uint64_t{1}, uint64_t{4095}, uint64_t{4096},
                         uint64_t{1} << 33, (uint64_t{1} << 40) + 1024}) {
    EXPECT_EQ(ParseSize(FormatSize(bytes)).value(), bytes) << bytes;
  }
}

}  // namespace
}  // namespace ipclab::base
