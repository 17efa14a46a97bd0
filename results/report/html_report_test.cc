// The HTML report is self-contained and has the charts it promises; the SVG
// helpers place ticks where expected.
#include "results/report/html_report.h"

#include <sstream>

#include "absl/strings/str_cat.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/report/svg_chart.h"
#include "results/testing/matrix_fixture.h"
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
  for (const char* part :
       {"<!DOCTYPE html>", "Stream bandwidth", "Round-trip latency", "Minor faults per phase",
        "RSS growth per phase", "Change against the baseline"}) {
    EXPECT_THAT(html, HasSubstr(part));
  }
  // Nothing is fetched: no scripts, no links, no URLs but the SVG namespace.
  for (const char* fetch : {"<script", "<link", "src="}) EXPECT_THAT(html, Not(HasSubstr(fetch)));
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
  // Every <svg> is closed; elements balance.
  EXPECT_EQ(Count(html, "<svg "), Count(html, "</svg>"));
  EXPECT_EQ(Count(html, "<g "), Count(html, "</g>"));
  EXPECT_EQ(Count(html, "<table>"), Count(html, "</table>"));
  EXPECT_EQ(Count(html, "<details>"), Count(html, "</details>"));
  // Stream panel: 2 runs of 4 stream cases each, a point per case (the
  // pingpong cases are in the round-trip panel, not on the bandwidth axis).
  EXPECT_EQ(Count(html, "<circle "), 8u);
}

TEST(HtmlReport, MatrixAgainstMatrixPairsLikeWithLike) {
  std::vector<v1::RunResult> runs = testing::MakeMatrix("a", "lab1");
  for (v1::RunResult& run : testing::MakeMatrix("b", "lab1", 0.8)) runs.push_back(run);
  const std::string html = Report(runs);
  // Every run of b against the run of a with the same workload and request.
  for (int i = 1; i <= 7; ++i) {
    EXPECT_THAT(html,
                HasSubstr(absl::StrCat("<code>b-", i, "</code> against <code>a-", i, "</code>")))
        << i;
  }
  EXPECT_THAT(html, Not(HasSubstr("cow_private <code>b-7</code> against <code>a-1</code>")));
  EXPECT_THAT(html, HasSubstr("7 runs compared with the earlier run"));
  // In the shared panels the later pipe run is the lighter blue, not a
  // second series in the same colour, in the bars too, not only the legend.
  for (const char* part :
       {"fill=\"#0072B2\"", "fill=\"#7FB8D8\"", "fill=\"#7FB8D8\"><title>pipe (b-2) 64 B",
        "Change against the baseline"}) {
    EXPECT_THAT(html, HasSubstr(part));
  }
  // Only each case's headline metric is charted: pipe stream by throughput,
  // pingpong by p50, faults by ns per page.
  EXPECT_THAT(html, HasSubstr("pipe stream cross throughput"));
  EXPECT_THAT(html, HasSubstr("pipe pingpong cross latency p50"));
  EXPECT_THAT(html, Not(HasSubstr("pipe stream cross latency")));
  // The comparison comes first, after the table of contents.
  const size_t toc = html.find("<nav class=\"toc\">");
  const size_t comparison = html.find("<h2 id=\"comparison\">");
  const size_t stream = html.find("<h2 id=\"stream\">");
  ASSERT_NE(toc, std::string::npos);
  EXPECT_LT(toc, comparison);
  EXPECT_LT(comparison, stream);
}

TEST(HtmlReport, OneMatrixComparesNothingAndDrawsSmallMultiples) {
  const std::string html = Report(testing::MakeMatrix("a", "lab1"));
  EXPECT_THAT(html, Not(HasSubstr("id=\"comparison\"")));  // never cow_private against pipe
  EXPECT_THAT(html, HasSubstr("Stream, 1 CPU (placement=same)"));
  EXPECT_THAT(html, HasSubstr("Stream, 2 CPUs (placement=cross)"));
  EXPECT_THAT(html, HasSubstr("Round trip, 2 CPUs (placement=cross)"));
  EXPECT_THAT(html, HasSubstr("Page faults: cost per 4 KiB page touched"));
  EXPECT_THAT(html, HasSubstr("Copy-on-write after fork"));
  // One colour per transport in every panel: shm_posix is always bluish green.
  EXPECT_GE(Count(html, "fill=\"#009E73\""), 4u);
  EXPECT_THAT(html, HasSubstr("<h2 id=\"answers\">"));
}

TEST(HtmlReport, HostsSideBySide) {
  const std::string html = Report(testing::MakeTwoHostMatrix());
  EXPECT_THAT(html, HasSubstr("<div class=\"hosts\">"));
  EXPECT_THAT(html, HasSubstr("Stream, 2 CPUs (placement=cross) — lab1"));
  EXPECT_THAT(html, HasSubstr("Stream, 2 CPUs (placement=cross) — lab2"));
  EXPECT_THAT(html, HasSubstr("<th>lab1</th><th>lab2</th>"));
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
