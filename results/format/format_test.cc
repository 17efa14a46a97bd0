#include "results/format/format.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

// Numbers for people: each formatter's value and the text it must give.
struct Formatted {
  const char* formatter;
  std::string (*format)(double);
  double value;
  const char* text;
};

TEST(Format, EveryFormatterGivesItsText) {
  const Formatted kCases[] = {
      // FormatBytes: exact multiples are integers.
      {"FormatBytes", FormatBytes, 0, "0 B"},
      {"FormatBytes", FormatBytes, 512, "512 B"},
      {"FormatBytes", FormatBytes, 1023, "1023 B"},
      {"FormatBytes", FormatBytes, 4096, "4 KiB"},
      {"FormatBytes", FormatBytes, 65536, "64 KiB"},
      {"FormatBytes", FormatBytes, 1536.0 * 1024, "1.50 MiB"},  // not a whole MiB
      {"FormatBytes", FormatBytes, 1073741824.0, "1 GiB"},
      {"FormatBytes", FormatBytes, -4096, "-4 KiB"},
      // FormatBytes: others have three significant digits.
      {"FormatBytes", FormatBytes, 1073741824.0 + 1000000, "1.00 GiB"},
      {"FormatBytes", FormatBytes, 1.5 * 1048576 + 1, "1.50 MiB"},
      {"FormatBytes", FormatBytes, 66048, "64.5 KiB"},
      {"FormatBytes", FormatBytes, 262.4 * 1048576, "262 MiB"},
      {"FormatBytes", FormatBytes, 512.25, "512 B"},
      // 1023.99 KiB rounds to 1024 KiB and moves up a unit.
      {"FormatBytes", FormatBytes, 1023.996 * 1024, "1.00 MiB"},
      {"FormatBytes", FormatBytes, -1.5 * 1048576 - 1, "-1.50 MiB"},
      // FormatBytesDelta: a sign on every change.
      {"FormatBytesDelta", FormatBytesDelta, 49152, "+48 KiB"},
      {"FormatBytesDelta", FormatBytesDelta, -1048576, "-1 MiB"},
      {"FormatBytesDelta", FormatBytesDelta, 0, "0 B"},
      // FormatThroughput: decimal units.
      {"FormatThroughput", FormatThroughput, 0, "0 B/s"},
      {"FormatThroughput", FormatThroughput, 950, "950 B/s"},
      {"FormatThroughput", FormatThroughput, 12345, "12.3 kB/s"},
      {"FormatThroughput", FormatThroughput, 812e6, "812 MB/s"},
      {"FormatThroughput", FormatThroughput, 4.6234e9, "4.62 GB/s"},
      {"FormatThroughput", FormatThroughput, 999.7e6, "1.00 GB/s"},
      {"FormatThroughput", FormatThroughput, 12.5e12, "12.5 TB/s"},
      // FormatRate: decimal units.
      {"FormatRate", FormatRate, 950, "950/s"},
      {"FormatRate", FormatRate, 70500, "70.5 k/s"},
      {"FormatRate", FormatRate, 1.234e6, "1.23 M/s"},
      // FormatDuration: largest fitting unit.
      {"FormatDuration", FormatDuration, 0, "0 ns"},
      {"FormatDuration", FormatDuration, 0.5, "0.50 ns"},
      {"FormatDuration", FormatDuration, 850, "850 ns"},
      {"FormatDuration", FormatDuration, 3210, "3.21 µs"},
      {"FormatDuration", FormatDuration, 1.52e6, "1.52 ms"},
      {"FormatDuration", FormatDuration, 2.1e9, "2.10 s"},
      {"FormatDuration", FormatDuration, 9.996e3, "10.0 µs"},
      {"FormatDuration", FormatDuration, 999.6e3, "1.00 ms"},
      {"FormatDuration", FormatDuration, 3600e9, "3600 s"},
      {"FormatDuration", FormatDuration, -1500, "-1.50 µs"},
      // FormatCount: thousands separators.
      {"FormatCount", FormatCount, 0, "0"},
      {"FormatCount", FormatCount, 999, "999"},
      {"FormatCount", FormatCount, 1000, "1,000"},
      {"FormatCount", FormatCount, 262144, "262,144"},
      {"FormatCount", FormatCount, 1234567890, "1,234,567,890"},
      {"FormatCount", FormatCount, -1024, "-1,024"},
      {"FormatCount", FormatCount, 262144.5, "262,145"},  // a median of two counts
      // FormatPercent: decimals.
      {"FormatPercent", [](double v) { return FormatPercent(v); }, 0.0123, "1.2%"},
      {"FormatPercent(_, 2)", [](double v) { return FormatPercent(v, 2); }, 0.0123, "1.23%"},
      {"FormatPercent", [](double v) { return FormatPercent(v); }, 1.0, "100.0%"},
      {"FormatPercent(_, 0)", [](double v) { return FormatPercent(v, 0); }, 0.5, "50%"},
  };
  for (const Formatted& c : kCases) {
    EXPECT_EQ(c.format(c.value), c.text) << c.formatter << "(" << c.value << ")";
  }
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

TEST(MarkdownCell, EscapesPipesAndJoinsLines) { EXPECT_EQ(MarkdownCell("a|b\nc"), "a\\|b c"); }

}  // namespace
}  // namespace ipclab::results
