// The answers-first output of a matrix: rankings per size and placement,
// fault costs, the "why" lines, widths; the grouped comparison table under
// it. Golden: testdata/matrix_report.txt (IPCLAB_UPDATE_GOLDEN=1).
#include "results/report/matrix_summary.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/report/side_by_side_table.h"
#include "results/report/text_table.h"
#include "results/testing/golden.h"
#include "results/testing/matrix_fixture.h"

namespace ipclab::results {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Summary(const std::vector<v1::RunResult>& runs) {
  std::ostringstream out;
  PrintMatrixSummary(runs, &out);
  return out.str();
}

std::string Report(const std::vector<v1::RunResult>& runs, TableOptions options) {
  std::ostringstream out;
  PrintMatrixReport(runs, options, &out);
  return out.str();
}

// The line of `text` that starts with `prefix`, or "".
std::string LineStarting(const std::string& text, const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, prefix)) return std::string(line);
  }
  return "";
}

// The text with wrapped lines joined again.
std::string Unwrapped(std::string text) {
  for (size_t at = text.find("\n  "); at != std::string::npos; at = text.find("\n  ", at)) {
    text.replace(at, 3, " ");
  }
  return text;
}

size_t WidestLine(const std::string& text) {
  size_t widest = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    widest = std::max(widest, DisplayWidth(line));
  }
  return widest;
}

// The summary of one host's matrix (matrix_fixture.h), which these tests
// read row by row.
class OneHostSummary : public ::testing::Test {
 protected:
  const std::string text_ = Summary(testing::MakeMatrix("a", "lab1"));
  std::string Row(const std::string& start) const { return LineStarting(text_, start); }
};

TEST_F(OneHostSummary, RanksEachSizeAndPlacementOnItsOwn) {
  // pipe 2 GB/s and shm_posix 5 GB/s on one CPU; 1.5 and 6 on two.
  EXPECT_THAT(Row("64 KiB 1 CPU "), ContainsRegex("2\\.00 +5\\.00 +shm_posix$"));
  EXPECT_THAT(Row("64 KiB 2 CPUs"), ContainsRegex("1\\.50 +6\\.00 +shm_posix$"));
  // Round trips ranked by latency, lowest first: shm_posix 3 µs vs pipe 5 µs.
  EXPECT_THAT(Row("64 B 1 CPU "), ContainsRegex("5\\.00 +3\\.00 +shm_posix$"));
  EXPECT_THAT(Row("64 B 2 CPUs"), ContainsRegex("12\\.0 +8\\.00 +shm_posix$"));
}

TEST_F(OneHostSummary, SaysWhyFromMeasuredFacts) {
  const std::string text = Unwrapped(text_);
  // 64 KiB across two CPUs: 6 / 1.5 = 4x; 1 vs 40 context switches per MiB;
  // 5% vs 60% of the CPU time in the kernel.
  EXPECT_THAT(text, HasSubstr("why (64 KiB 2 CPUs): shm_posix is 4.0x as fast as pipe with 1.00 "
                              "vs 40.0 context switches per MiB and 5% vs 60% of CPU time in the "
                              "kernel."));
  // Pingpong: 8 µs against 12 µs; one voluntary switch per role and round trip.
  EXPECT_THAT(text, HasSubstr("why (64 B 2 CPUs): shm_posix is 1.5x as quick as pipe with 2.0 vs "
                              "2.0 context switches per round trip"));
}

TEST_F(OneHostSummary, FaultCostPerPageAndPerFault) {
  // write: 250 ns per 4 KiB page and per fault (one fault per page); THP
  // 40 ns per page, 16384 pages in 32 faults: 20.5 µs per fault.
  EXPECT_THAT(Row("write "), ContainsRegex("250 ns +250 ns +40\\.0 ns +20\\.5 µs"));
  EXPECT_THAT(Row("read (zero page)"), ContainsRegex("60\\.0 ns .* 5\\.00 ns"));
  // populate moves the faults into setup: 200 ns per page there.
  EXPECT_THAT(Row("populate (in setup)"), ContainsRegex("200 ns +200 ns"));
  EXPECT_THAT(Row("write, populated"), HasSubstr("20.0 ns"));
  EXPECT_THAT(Row("COW after fork, anon"), HasSubstr("400 ns"));
  EXPECT_THAT(Row("COW after fork, file"), HasSubstr("500 ns"));
  EXPECT_THAT(
      Unwrapped(text_),
      HasSubstr("why: faults per 4 KiB page written: 1 with 4 KiB pages, 0.00195 with THP"));
}

TEST_F(OneHostSummary, FitsEightyColumns) { EXPECT_LE(WidestLine(text_), 80u); }

TEST(MatrixSummary, OneSummaryPerHostNeverPooled) {
  const std::string text = Summary(testing::MakeTwoHostMatrix());
  EXPECT_THAT(text, HasSubstr("Summary for lab1"));
  EXPECT_THAT(text, HasSubstr("Summary for lab2"));
  // lab2 is twice as fast: its own row, not a pooled median.
  EXPECT_THAT(text, ContainsRegex("64 KiB 2 CPUs +3\\.00 +12\\.0 +shm_posix"));
  EXPECT_THAT(text, ContainsRegex("64 KiB 2 CPUs +1\\.50 +6\\.00 +shm_posix"));
}

TEST(MatrixSummary, NothingWithoutMatrixShapedCases) { EXPECT_EQ(Summary({}), ""); }

TEST(MatrixReport, GroupsLikeWithLikeAndRanksByTheGroupsMetric) {
  const std::string text =
      Report(testing::MakeMatrix("a", "lab1"), TableOptions{Detail::kNormal, 100});
  // Stream groups by size and placement; shm_posix first, pipe 4x slower.
  EXPECT_THAT(text, ContainsRegex("stream 64 KiB 2 CPUs +shm_posix .* 1\\.00x"));
  EXPECT_THAT(text, ContainsRegex("\n +pipe .*1\\.50 GB/s .* 4\\.00x"));
  // Pingpong by latency, not bytes/s.
  EXPECT_THAT(text, ContainsRegex("pingpong 64 B 1 CPU +shm_posix .* 3\\.00 µs"));
  // Faults by ns per page, never as a throughput; THP first in the write group.
  EXPECT_THAT(text, ContainsRegex("faults write +page_fault +huge_pages=thp .*40\\.0 ns/page"));
  EXPECT_THAT(text, Not(HasSubstr("ns/page  -")));
  EXPECT_THAT(text, HasSubstr("faults write populated"));
  EXPECT_THAT(text, HasSubstr("copy-on-write"));
  // Every abbreviation explained, no per-phase detail by default.
  EXPECT_THAT(text, HasSubstr("Legend"));
  EXPECT_THAT(text, HasSubstr("p producer, c consumer"));
  EXPECT_THAT(text, HasSubstr("coefficient of variation"));
  EXPECT_THAT(text, Not(HasSubstr("per phase:")));
  EXPECT_LE(WidestLine(text), 100u);
}

TEST(MatrixReport, BriefIsTheSummaryAndDetailAddsThePhases) {
  const std::vector<v1::RunResult> runs = testing::MakeMatrix("a", "lab1");
  EXPECT_EQ(Report(runs, TableOptions{Detail::kBrief, 100}), Summary(runs));
  const std::string full = Report(runs, TableOptions{Detail::kFull, 0});
  EXPECT_THAT(full, HasSubstr("per phase:"));
  EXPECT_THAT(full, HasSubstr("a-3"));  // run ids
}

TEST(MatrixReport, NarrowWidthDropsColumnsAndSaysWhich) {
  const std::string text =
      Report(testing::MakeMatrix("a", "lab1"), TableOptions{Detail::kNormal, 70});
  EXPECT_THAT(Unwrapped(text), HasSubstr("Columns left out to fit 70 columns"));
  EXPECT_THAT(Unwrapped(text), HasSubstr("(--wide shows them)"));
}

TEST(Golden, MatrixReport) {
  std::vector<v1::RunResult> runs = testing::MakeMatrix("a", "lab1");
  testing::ExpectGolden("matrix_report.txt", Report(runs, TableOptions{Detail::kNormal, 100}));
}

}  // namespace
}  // namespace ipclab::results
