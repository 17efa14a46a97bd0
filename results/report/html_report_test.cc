// The HTML report is self-contained and has the charts it promises; the SVG
// helpers place ticks where expected.
#include "results/report/html_report.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/report/svg_chart.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string Report(const std::vector<v1::RunResult>& runs) {
  std::ostringstream out;
  PrintHtmlReport(runs, ReportOptions(), &out);
  return out.str();
}

TEST(HtmlReport, SelfContainedWithEveryChart) {
  const std::string html = Report({testing::ScenarioBase(), testing::ScenarioCandidate()});
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("Throughput against message size"));
  EXPECT_THAT(html, HasSubstr("Latency percentiles"));
  EXPECT_THAT(html, HasSubstr("Minor faults per phase"));
  EXPECT_THAT(html, HasSubstr("RSS growth per phase"));
  EXPECT_THAT(html, HasSubstr("Change against the baseline"));
  // Nothing is fetched: no scripts, no links, no URLs but the SVG namespace.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
  // Every <svg> is closed; elements balance.
  EXPECT_EQ(Count(html, "<svg "), Count(html, "</svg>"));
  EXPECT_EQ(Count(html, "<g "), Count(html, "</g>"));
  EXPECT_EQ(Count(html, "<table>"), Count(html, "</table>"));
  EXPECT_EQ(Count(html, "<details>"), Count(html, "</details>"));
  // Line chart: 2 runs of 5 cases in 5 series (mode, run) with points.
  EXPECT_GE(Count(html, "<circle "), 10u);
}

TEST(HtmlReport, OneRunHasNoComparison) {
  const std::string html = Report({testing::ScenarioBase()});
  EXPECT_THAT(html, Not(HasSubstr("Change against the baseline")));
  EXPECT_THAT(html, HasSubstr("a1b2c3d4e5f60718"));
}

TEST(HtmlReport, EscapesText) {
  v1::RunResult run = testing::ScenarioBase();
  run.mutable_request()->set_label("<b>&\"x\"</b>");
  const std::string html = Report({run});
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<b>&")));
}

TEST(AxisTicks, NiceLinearAndLogTicks) {
  EXPECT_THAT(AxisTicks(0, 10, AxisScale::kLinear, 5), ElementsAre(0, 2, 4, 6, 8, 10));
  EXPECT_THAT(AxisTicks(0, 4.5e9, AxisScale::kLinear, 5), ElementsAre(0, 1e9, 2e9, 3e9, 4e9));
  EXPECT_THAT(AxisTicks(-0.3, 0.2, AxisScale::kLinear, 5),
              ElementsAre(-0.3, -0.2, -0.1, 0, 0.1, 0.2));
  EXPECT_THAT(AxisTicks(64, 1024, AxisScale::kLog2, 10), ElementsAre(64, 128, 256, 512, 1024));
  EXPECT_THAT(AxisTicks(10, 1e5, AxisScale::kLog10, 6), ElementsAre(10, 100, 1000, 1e4, 1e5));
  EXPECT_TRUE(AxisTicks(0, 10, AxisScale::kLog10, 5).empty());
}

TEST(SvgEscape, EscapesMarkup) {
  EXPECT_EQ(SvgEscape("a<b & \"c\" 'd'"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;");
}

}  // namespace
}  // namespace ipclab::results
