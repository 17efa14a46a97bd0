// What `ipclab gate` writes: the sentence for each check, and golden Markdown
// and JUnit XML. Regenerate the golden files after an intended change with
// IPCLAB_UPDATE_GOLDEN=1.
#include "results/report/gate_report.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/testing/gate_scenarios.h"
#include "results/testing/golden.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::HasSubstr;
using testing::kSteadyGbps;
using testing::Scaled;
using testing::StreamCase;

// The sentence of the first check when `base` is gated against `candidate`.
std::string FirstReason(const testing::SyntheticCase& base, const testing::SyntheticCase& candidate,
                        const GateOptions& gate_options = {}) {
  const GateReport report = EvaluateGate(testing::CompareThroughput(base, candidate), gate_options);
  if (report.checks.empty()) return "(no check)";
  return GateReasonText(report.checks[0], report.options);
}

TEST(GateReasonText, ARegressionSaysByHowMuchAndTheLimit) {
  const std::string reason =
      FirstReason(StreamCase(kSteadyGbps), StreamCase(Scaled(kSteadyGbps, 0.8)));
  EXPECT_THAT(reason, HasSubstr("regressed by 20.0%"));
  EXPECT_THAT(reason, HasSubstr("the limit is 5.0%"));
}

TEST(GateReasonText, InconclusiveChecksSayWhy) {
  EXPECT_THAT(FirstReason(StreamCase({4.5, 4.5, 4.6}), StreamCase({2.2, 2.3, 2.25})),
              HasSubstr("too few repetitions"));
  GateOptions strict;
  strict.require_power = true;
  EXPECT_THAT(FirstReason(StreamCase({1.0, 2.0, 3.0, 1.5, 2.5, 1.2, 2.8, 1.8}),
                          StreamCase({1.4, 2.6, 1.1, 2.9, 1.7, 2.2, 3.1, 1.3}), strict),
              HasSubstr("variation too high"));
}

TEST(GateReasonText, ALowPowerPassSaysWhatItCouldNotRuleOut) {
  EXPECT_THAT(FirstReason(StreamCase({1.0, 2.0, 3.0, 1.5, 2.5, 1.2, 2.8, 1.8}),
                          StreamCase({1.4, 2.6, 1.1, 2.9, 1.7, 2.2, 3.1, 1.3})),
              HasSubstr("within the limit of 5.0% (the 95% CI [-43.8%, +75.8%] reaches past it); "
                        "low power: a regression of up to 43.8% is within the 95% CI"));
}

// A failure between single runs with no history says what else it could be.
TEST(GateMarkdown, AFailureBetweenSingleRunsSaysHowToConfirmIt) {
  const Comparison comparison =
      testing::CompareThroughput(StreamCase(kSteadyGbps), StreamCase(Scaled(kSteadyGbps, 0.8)));
  const GateReport report = EvaluateGate(comparison);
  ASSERT_EQ(report.outcome, GateOutcome::kFail);
  std::ostringstream markdown;
  PrintGateMarkdown(report, comparison, &markdown);
  EXPECT_THAT(markdown.str(), HasSubstr("compared single runs with no stored history"));
  EXPECT_THAT(markdown.str(), HasSubstr("--history N"));
}

TEST(GateReasonText, AFailedCandidateCaseNamesItsError) {
  testing::SyntheticCase failed = StreamCase({});
  failed.status = v1::FAILED;
  failed.error = "worker killed by SIGSEGV";
  EXPECT_THAT(FirstReason(StreamCase(kSteadyGbps), failed), HasSubstr("SIGSEGV"));
}

TEST(GateReasonText, NotSignificantAmongManyNamesBenjaminiHochberg) {
  GateCheck check;
  check.outcome = GateOutcome::kInconclusive;
  check.reason = GateReason::kNotSignificantAmongMany;
  check.regression = 10.0;
  check.family_size = 3;
  check.comparison = testing::TenPercentSlower(0.02);
  const std::string reason = GateReasonText(check, CompareOptions());
  EXPECT_THAT(reason, HasSubstr("regressed by 10.0%"));
  EXPECT_THAT(reason, HasSubstr("among 3 checks"));
  EXPECT_THAT(reason, HasSubstr("Benjamini-Hochberg"));
}

std::string Scenario(void (*print)(const GateReport&, const Comparison&, std::ostream*)) {
  const Comparison comparison =
      CompareRuns({testing::ScenarioBase()}, {testing::ScenarioCandidate()}, CompareOptions());
  std::ostringstream out;
  print(EvaluateGate(comparison), comparison, &out);
  return out.str();
}

TEST(GateGolden, Markdown) { testing::ExpectGolden("gate.md", Scenario(PrintGateMarkdown)); }

TEST(GateGolden, JUnit) { testing::ExpectGolden("gate.xml", Scenario(PrintGateJUnit)); }

}  // namespace
}  // namespace ipclab::results
