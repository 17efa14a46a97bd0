// Golden text for the table, Markdown and JSON outputs of `ipclab compare`.
// Regenerate the golden files after an intended change with
// IPCLAB_UPDATE_GOLDEN=1.
#include "results/report/comparison_report.h"

#include <sstream>

#include "gtest/gtest.h"
#include "results/testing/golden.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

template <typename Print>
std::string Render(Print print, const Comparison& comparison) {
  std::ostringstream out;
  print(comparison, &out);
  return out.str();
}

Comparison Scenario() {
  return CompareRuns({testing::ScenarioBase()}, {testing::ScenarioCandidate()}, CompareOptions());
}

TEST(CompareRuns, IsDeterministic) {
  EXPECT_EQ(Render(PrintComparisonJson, Scenario()), Render(PrintComparisonJson, Scenario()));
}

TEST(CompareGolden, Table) {
  testing::ExpectGolden("compare.txt", Render(PrintComparisonText, Scenario()));
}

TEST(CompareGolden, Markdown) {
  testing::ExpectGolden("compare.md", Render(PrintComparisonMarkdown, Scenario()));
}

TEST(CompareGolden, Json) {
  testing::ExpectGolden("compare.json", Render(PrintComparisonJson, Scenario()));
}

}  // namespace
}  // namespace ipclab::results
