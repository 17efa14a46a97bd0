// The gate's decisions on chosen numbers (their sentences: report/gate_report_test.cc).
#include "results/compare/gate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/testing/gate_scenarios.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::HasSubstr;
using testing::kSteadyGbps;
using testing::MakeSyntheticRun;
using testing::SyntheticCase;

SyntheticCase Stream(std::vector<double> gbps) { return testing::StreamCase(std::move(gbps)); }

GateReport Gate(const SyntheticCase& base, const SyntheticCase& candidate,
                double max_regression = 0.05) {
  return EvaluateGate(testing::CompareThroughput(base, candidate, max_regression));
}

const std::vector<double>& kSteady = kSteadyGbps;

std::vector<double> Times(const std::vector<double>& values, double factor) {
  return testing::Scaled(values, factor);
}

TEST(Gate, FailsOnASignificantRegressionBeyondTheLimit) {
  const GateReport report = Gate(Stream(kSteady), Stream(Times(kSteady, 0.8)));
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].reason, GateReason::kRegressed);
  // 20% of the base median; positive means worse.
  EXPECT_NEAR(report.checks[0].regression / report.checks[0].comparison->base.median, 0.2, 1e-9);
  EXPECT_DOUBLE_EQ(report.options.threshold, 0.05);
}

TEST(Gate, ADisturbedCandidateIsInconclusiveNotAFailure) {
  CompareOptions options;
  options.threshold = 0.05;
  options.metrics = {FindCaseMetric("throughput")};
  v1::RunResult base = MakeSyntheticRun("base", "pipe", {Stream(kSteady)});
  v1::RunResult candidate = MakeSyntheticRun("cand", "pipe", {Stream(Times(kSteady, 0.55))});
  v1::CaseResult* disturbed = candidate.mutable_cases(0);
  const int n = disturbed->repetitions_size();
  for (int i = 0; i < n; i += 2) {  // ceil(n/2) of n >= 0.4
    disturbed->mutable_repetitions(i)->mutable_interference()->set_disturbed(true);
    disturbed->mutable_repetitions(i)->mutable_interference()->set_reason("other load on CPU 0");
  }
  const GateReport report = EvaluateGate(CompareRuns({base}, {candidate}, options));
  EXPECT_EQ(report.outcome, GateOutcome::kInconclusive);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].reason, GateReason::kDisturbed);
  EXPECT_THAT(report.checks[0].case_error, HasSubstr("candidate: "));
  EXPECT_THAT(report.checks[0].case_error, HasSubstr("disturbed: other load on CPU 0"));
}

TEST(Gate, PassesTheSameNumbers) {
  EXPECT_EQ(Gate(Stream(kSteady), Stream(kSteady)).outcome, GateOutcome::kPass);
}

TEST(Gate, PassesAnImprovement) {
  EXPECT_EQ(Gate(Stream(kSteady), Stream(Times(kSteady, 1.3))).outcome, GateOutcome::kPass);
}

TEST(Gate, ASmallSignificantRegressionWithinTheLimitPasses) {
  // 1% slower in every repetition: significant, but the CI stays within 5%.
  const GateReport report = Gate(Stream(kSteady), Stream(Times(kSteady, 0.99)));
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  EXPECT_EQ(report.checks[0].reason, GateReason::kWithinLimit);
}

TEST(Gate, TheSameRegressionFailsAStricterLimit) {
  // 4% slower: within 5%, beyond 2%.
  EXPECT_EQ(Gate(Stream(kSteady), Stream(Times(kSteady, 0.96)), 0.05).outcome, GateOutcome::kPass);
  EXPECT_EQ(Gate(Stream(kSteady), Stream(Times(kSteady, 0.96)), 0.02).outcome, GateOutcome::kFail);
}

TEST(Gate, TooFewRepetitionsIsInconclusiveAndSaysHowMany) {
  // 3 against 3, even 50% slower: p >= 0.1, the test cannot decide.
  const GateReport report = Gate(Stream({4.5, 4.5, 4.6}), Stream({2.2, 2.3, 2.25}));
  EXPECT_EQ(report.outcome, GateOutcome::kInconclusive);
  EXPECT_EQ(report.repetitions_needed, 4);
  EXPECT_EQ(report.checks[0].reason, GateReason::kComparisonSaysWhy);
  EXPECT_THAT(report.checks[0].comparison->reason, HasSubstr("too few repetitions"));
}

// Medians 2.6% apart, CI [-44%, +76%]: a pass with low power, or with
// --require-power inconclusive for the variation.
TEST(Gate, HighVariationPassesWithLowPowerUnlessPowerIsRequired) {
  const SyntheticCase base = Stream({1.0, 2.0, 3.0, 1.5, 2.5, 1.2, 2.8, 1.8});
  const SyntheticCase candidate = Stream({1.4, 2.6, 1.1, 2.9, 1.7, 2.2, 3.1, 1.3});
  const GateReport report = Gate(base, candidate);
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  EXPECT_EQ(report.checks[0].reason, GateReason::kMedianWithinLimit);
  EXPECT_TRUE(report.checks[0].low_power);
  EXPECT_EQ(report.low_power, 1);

  GateOptions strict;
  strict.require_power = true;
  const GateReport strict_report =
      EvaluateGate(testing::CompareThroughput(base, candidate, 0.05), strict);
  EXPECT_EQ(strict_report.outcome, GateOutcome::kInconclusive);
  EXPECT_EQ(strict_report.checks[0].reason, GateReason::kComparisonSaysWhy);
  EXPECT_THAT(strict_report.checks[0].comparison->reason, HasSubstr("variation too high"));
}

TEST(Gate, AFailedCandidateCaseFails) {
  SyntheticCase failed = Stream({});
  failed.status = v1::FAILED;
  failed.error = "worker killed by SIGSEGV";
  const GateReport report = Gate(Stream(kSteady), failed);
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  EXPECT_EQ(report.checks[0].reason, GateReason::kCandidateCaseFailed);
  EXPECT_THAT(report.checks[0].case_error, HasSubstr("SIGSEGV"));
}

TEST(Gate, NothingToCheckIsInconclusive) {
  CompareOptions options;
  options.metrics = {FindCaseMetric("p99")};  // stream cases have no latency
  const GateReport report =
      EvaluateGate(CompareRuns({MakeSyntheticRun("base", "pipe", {Stream(kSteady)})},
                               {MakeSyntheticRun("cand", "pipe", {Stream(kSteady)})}, options));
  EXPECT_TRUE(report.checks.empty());
  EXPECT_EQ(report.outcome, GateOutcome::kInconclusive);
}

TEST(Gate, ScenarioFailsWithACaseMissingFromTheCandidateListed) {
  const Comparison comparison =
      CompareRuns({testing::ScenarioBase()}, {testing::ScenarioCandidate()}, CompareOptions());
  const GateReport report = EvaluateGate(comparison);
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  bool missing = false;
  for (const GateCheck& check : report.checks) {
    missing |= check.what == "presence" && check.outcome == GateOutcome::kInconclusive;
  }
  EXPECT_TRUE(missing);
}

}  // namespace
}  // namespace ipclab::results

namespace ipclab::results {
namespace {

Comparison WithChecks(const std::vector<MetricComparison>& metrics) {
  Comparison comparison;
  for (size_t i = 0; i < metrics.size(); ++i) {
    CaseComparison c;
    c.name = "case" + std::to_string(i);
    c.workload = "pipe";
    c.base_status = c.candidate_status = "ok";
    c.metrics = {metrics[i]};
    comparison.cases.push_back(c);
  }
  return comparison;
}

TEST(Gate, TheFalseDiscoveryRateDecidesSignificance) {
  // Alone, p = 0.02 < 0.05 fails.
  EXPECT_EQ(EvaluateGate(WithChecks({testing::TenPercentSlower(0.02)})).outcome,
            GateOutcome::kFail);
  // CompareRuns adjusted it above 0.05 among other checks: the check is no
  // longer significant nor worse, and says why.
  MetricComparison adjusted = testing::TenPercentSlower(0.02);
  adjusted.p_adjusted = 0.06;
  adjusted.significant = false;
  adjusted.verdict = ChangeVerdict::kNoisy;
  MetricComparison unchanged = testing::TenPercentSlower(0.9);
  unchanged.difference = 0;
  unchanged.difference_ci = {-1, 1};
  unchanged.significant = false;
  unchanged.verdict = ChangeVerdict::kSame;
  const GateReport report = EvaluateGate(WithChecks({adjusted, unchanged, unchanged}));
  EXPECT_EQ(report.outcome, GateOutcome::kInconclusive);
  EXPECT_EQ(report.checks[0].reason, GateReason::kNotSignificantAmongMany);
  EXPECT_EQ(report.checks[0].family_size, 3u);
}

TEST(Gate, CompareRunsAdjustsByBenjaminiHochberg) {
  // Three cases 20% slower at 8 vs 8 (p = 2/12870 each): all stay
  // significant together, each adjusted p = its raw p.
  std::vector<SyntheticCase> base;
  std::vector<SyntheticCase> candidate;
  for (const char* size : {"4KiB", "64KiB", "1MiB"}) {
    SyntheticCase b = Stream(kSteady);
    b.params = {{"message_size", size}};
    SyntheticCase c = Stream(Times(kSteady, 0.8));
    c.params = {{"message_size", size}};
    base.push_back(b);
    candidate.push_back(c);
  }
  CompareOptions options;
  options.metrics = {FindCaseMetric("throughput")};
  const Comparison comparison = CompareRuns({MakeSyntheticRun("b", "pipe", base)},
                                            {MakeSyntheticRun("c", "pipe", candidate)}, options);
  ASSERT_EQ(comparison.cases.size(), 3u);
  for (const CaseComparison& c : comparison.cases) {
    EXPECT_DOUBLE_EQ(c.metrics[0].p_adjusted, c.metrics[0].test.p_value);
  }
  EXPECT_EQ(EvaluateGate(comparison).failed, 3);
}

}  // namespace
}  // namespace ipclab::results
