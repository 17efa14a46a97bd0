#include "results/format/format.h"

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

TEST(FormatBytes, ExactMultiplesAreIntegers) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(4096), "4 KiB");
  EXPECT_EQ(FormatBytes(65536), "64 KiB");
  EXPECT_EQ(FormatBytes(1536.0 * 1024), "1.50 MiB");  // not a whole MiB
  EXPECT_EQ(FormatBytes(1073741824.0), "1 GiB");
  EXPECT_EQ(FormatBytes(-4096), "-4 KiB");
}

TEST(FormatBytes, OthersHaveThreeSignificantDigits) {
  EXPECT_EQ(FormatBytes(1073741824.0 + 1000000), "1.00 GiB");
  EXPECT_EQ(FormatBytes(1.5 * 1048576 + 1), "1.50 MiB");
  EXPECT_EQ(FormatBytes(66048), "64.5 KiB");
  EXPECT_EQ(FormatBytes(262.4 * 1048576), "262 MiB");
  EXPECT_EQ(FormatBytes(512.25), "512 B");
  // 1023.99 KiB rounds to 1024 KiB and moves up a unit.
  EXPECT_EQ(FormatBytes(1023.996 * 1024), "1.00 MiB");
  EXPECT_EQ(FormatBytes(-1.5 * 1048576 - 1), "-1.50 MiB");
}

TEST(FormatBytes, DeltaHasSign) {
  EXPECT_EQ(FormatBytesDelta(49152), "+48 KiB");
  EXPECT_EQ(FormatBytesDelta(-1048576), "-1 MiB");
  EXPECT_EQ(FormatBytesDelta(0), "0 B");
}

TEST(FormatThroughput, DecimalUnits) {
  EXPECT_EQ(FormatThroughput(0), "0 B/s");
  EXPECT_EQ(FormatThroughput(950), "950 B/s");
  EXPECT_EQ(FormatThroughput(12345), "12.3 kB/s");
  EXPECT_EQ(FormatThroughput(812e6), "812 MB/s");
  EXPECT_EQ(FormatThroughput(4.6234e9), "4.62 GB/s");
  EXPECT_EQ(FormatThroughput(999.7e6), "1.00 GB/s");
  EXPECT_EQ(FormatThroughput(12.5e12), "12.5 TB/s");
}

TEST(FormatRate, DecimalUnits) {
  EXPECT_EQ(FormatRate(950), "950/s");
  EXPECT_EQ(FormatRate(70500), "70.5 k/s");
  EXPECT_EQ(FormatRate(1.234e6), "1.23 M/s");
}

TEST(FormatDuration, LargestFittingUnit) {
  EXPECT_EQ(FormatDuration(0), "0 ns");
  EXPECT_EQ(FormatDuration(0.5), "0.50 ns");
  EXPECT_EQ(FormatDuration(850), "850 ns");
  EXPECT_EQ(FormatDuration(3210), "3.21 µs");
  EXPECT_EQ(FormatDuration(1.52e6), "1.52 ms");
  EXPECT_EQ(FormatDuration(2.1e9), "2.10 s");
  EXPECT_EQ(FormatDuration(9.996e3), "10.0 µs");
  EXPECT_EQ(FormatDuration(999.6e3), "1.00 ms");
  EXPECT_EQ(FormatDuration(3600e9), "3600 s");
  EXPECT_EQ(FormatDuration(-1500), "-1.50 µs");
}

TEST(FormatCount, ThousandsSeparators) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(262144), "262,144");
  EXPECT_EQ(FormatCount(1234567890), "1,234,567,890");
  EXPECT_EQ(FormatCount(-1024), "-1,024");
  EXPECT_EQ(FormatCount(262144.5), "262,145");  // a median of two counts
}

TEST(FormatPercent, Decimals) {
  EXPECT_EQ(FormatPercent(0.0123), "1.2%");
  EXPECT_EQ(FormatPercent(0.0123, 2), "1.23%");
  EXPECT_EQ(FormatPercent(1.0), "100.0%");
  EXPECT_EQ(FormatPercent(0.5, 0), "50%");
}

TEST(FormatCpuList, KernelCpulistForm) {
  EXPECT_EQ(FormatCpuList(std::vector<int>{}), "");
  EXPECT_EQ(FormatCpuList(std::vector<int>{3}), "3");
  EXPECT_EQ(FormatCpuList(std::vector<int>{5, 0, 1, 2, 2}), "0-2,5");
  EXPECT_EQ(FormatCpuList(std::vector<int>{0, 2, 4, 5}), "0,2,4-5");
}

TEST(XmlEscape, EscapesMarkupAndDropsControlCharacters) {
  EXPECT_EQ(XmlEscape("a<b>&\"c\"'\x01\n"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;\n");
}

}  // namespace
}  // namespace ipclab::results
