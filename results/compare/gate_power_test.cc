// The gate's power and honesty at the default repetitions, on synthetic
// samples (docs/GATE.md): a stable 20% regression fails, identical samples
// pass, wide noise never fails and passes only with low power, a change within the
// noise between runs is inconclusive, and a disturbed repetition makes a
// check inconclusive.
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "results/compare/compare.h"
#include "results/compare/gate.h"
#include "results/model/case_metrics.h"
#include "results/model/run_defaults.h"
#include "results/stats/statistics.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using testing::MakeSyntheticRun;
using testing::SyntheticCase;

constexpr double kDefaultLimit = 0.10;  // gate --max-regression default

// Normal quantiles at (i + 0.5) / n, in a scrambled order: a sample of n
// values with mean 0 and standard deviation about 1, without randomness.
std::vector<double> NormalScores(size_t n, size_t rotate) {
  std::vector<double> z;
  for (size_t i = 0; i < n; ++i) {
    const double u = (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    // Acklam-free: the inverse error function by Newton on erf.
    double x = 0.0;
    for (int step = 0; step < 60; ++step) {
      const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
      const double pdf = std::exp(-x * x / 2) / std::sqrt(2 * M_PI);
      x -= (cdf - u) / pdf;
    }
    z.push_back(x);
  }
  std::vector<double> scrambled;
  for (size_t i = 0; i < n; ++i) scrambled.push_back(z[(i * 7 + rotate) % n]);
  return scrambled;
}

// n throughputs (bytes/s) around `gbps` with coefficient of variation `cv`.
std::vector<double> Throughputs(double gbps, double cv, size_t n, size_t rotate = 0) {
  std::vector<double> values;
  for (double z : NormalScores(n, rotate)) values.push_back(gbps * 1e9 * (1.0 + cv * z));
  return values;
}

SyntheticCase Case(const std::string& size, std::vector<double> throughput) {
  SyntheticCase c;
  c.params = {{"message_size", size}, {"placement", "cross"}};
  c.throughput = std::move(throughput);
  return c;
}

GateReport Gate(const std::vector<v1::RunResult>& base, const std::vector<v1::RunResult>& candidate,
                std::vector<const CaseMetric*> metrics = {FindCaseMetric("throughput")},
                const GateOptions& gate_options = {}) {
  CompareOptions options;
  options.threshold = kDefaultLimit;
  options.metrics = std::move(metrics);
  return EvaluateGate(CompareRuns(base, candidate, options), gate_options);
}

// Run "b" against run "c", each of the one 64KiB case with these
// throughputs.
GateReport GateOneCase(std::vector<double> base, std::vector<double> candidate,
                       const GateOptions& gate_options = {}) {
  return Gate({MakeSyntheticRun("b", "pipe", {Case("64KiB", std::move(base))})},
              {MakeSyntheticRun("c", "pipe", {Case("64KiB", std::move(candidate))})},
              {FindCaseMetric("throughput")}, gate_options);
}

// Stored runs of the 64KiB case, oldest first in `medians`, each stable (cv
// 1%), returned newest first as the client passes them.
std::vector<v1::RunResult> History(const std::vector<double>& medians) {
  std::vector<v1::RunResult> runs;
  for (size_t i = 0; i < medians.size(); ++i) {
    runs.push_back(MakeSyntheticRun("h" + std::to_string(i), "pipe",
                                    {Case("64KiB", Throughputs(medians[i], 0.01, 10, i))},
                                    testing::SyntheticHost(), static_cast<int>(i)));
  }
  std::reverse(runs.begin(), runs.end());
  return runs;
}

// One run of the 64KiB case at `gbps`, cv 1%.
v1::RunResult StableRun(const std::string& id, double gbps, size_t rotate) {
  return MakeSyntheticRun(id, "pipe", {Case("64KiB", Throughputs(gbps, 0.01, 10, rotate))});
}

GateReport GateWithHistory(const v1::RunResult& base, const v1::RunResult& candidate,
                           const std::vector<v1::RunResult>& history) {
  CompareOptions options;
  options.threshold = kDefaultLimit;
  options.metrics = {FindCaseMetric("throughput")};
  return EvaluateGate(CompareRuns({base}, {candidate}, options, history));
}

TEST(GatePower, TheDefaultRepetitionsCanDecideAmongManyChecks) {
  // 10 vs 10 can reach p = 1.1e-5: one regressed check survives
  // Benjamini-Hochberg among a 167-check matrix (0.05 / 167 = 3e-4).
  EXPECT_EQ(kDefaultRepetitions, 10u);
  EXPECT_LT(SmallestPossiblePValue(10, 10), 0.05 / 167);
}

TEST(GatePower, StableTwentyPercentRegressionFails) {
  const size_t n = kDefaultRepetitions;
  for (double cv : {0.01, 0.03, 0.05}) {
    const std::vector<double> base = Throughputs(10.0, cv, n, 0);
    const std::vector<double> candidate = Throughputs(8.0, cv, n, 3);
    ASSERT_LE(CoefficientOfVariation(base), 0.0501);
    const GateReport report = GateOneCase(base, candidate);
    EXPECT_EQ(report.outcome, GateOutcome::kFail) << "cv " << cv;
    ASSERT_EQ(report.checks.size(), 1u);
    EXPECT_EQ(report.checks[0].reason, GateReason::kRegressed) << "cv " << cv;
  }
}

TEST(GatePower, OneRegressedCaseFailsAmongManyStableOnes) {
  // 40 cases, one 20% slower: the false discovery rate does not hide it.
  std::vector<SyntheticCase> base_cases;
  std::vector<SyntheticCase> candidate_cases;
  for (int i = 0; i < 40; ++i) {
    const std::string size = std::to_string(i + 1) + "KiB";
    base_cases.push_back(Case(size, Throughputs(10.0, 0.05, 10, i % 10)));
    candidate_cases.push_back(
        Case(size, Throughputs(i == 17 ? 8.0 : 10.0, 0.05, 10, (i + 5) % 10)));
  }
  const GateReport report = Gate({MakeSyntheticRun("b", "pipe", base_cases)},
                                 {MakeSyntheticRun("c", "pipe", candidate_cases)});
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  EXPECT_EQ(report.failed, 1);
}

TEST(GatePower, StableTwentyPercentLatencyRiseFails) {
  SyntheticCase base = Case("64B", Throughputs(1.0, 0.02, 10, 0));
  SyntheticCase candidate = Case("64B", Throughputs(1.0, 0.02, 10, 1));
  for (double z : NormalScores(10, 2)) base.p99_ns.push_back(10000 * (1 + 0.04 * z));
  for (double z : NormalScores(10, 5)) candidate.p99_ns.push_back(12000 * (1 + 0.04 * z));
  const GateReport report =
      Gate({MakeSyntheticRun("b", "pipe", {base})}, {MakeSyntheticRun("c", "pipe", {candidate})},
           {FindCaseMetric("p99")});
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
}

TEST(GatePower, IdenticalSamplesPass) {
  for (double cv : {0.01, 0.05}) {
    const std::vector<double> samples = Throughputs(10.0, cv, 10);
    const GateReport report = GateOneCase(samples, samples);
    EXPECT_EQ(report.outcome, GateOutcome::kPass) << "cv " << cv;
  }
}

TEST(GatePower, ReorderedStableSamplesPass) {
  const GateReport report =
      GateOneCase(Throughputs(10.0, 0.03, 10, 0), Throughputs(10.0, 0.03, 10, 4));
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
}

TEST(GatePower, WideNoiseNeverFailsAndPassesOnlyWithLowPower) {
  // cv 40% (pipe across CPUs on a shared VM): no shift up to 50% fails; a
  // pass says it had low power; with --require-power none passes.
  int passed = 0;
  for (double shift : {0.0, 0.1, 0.2, 0.3, 0.4, 0.5}) {
    const std::vector<double> base = Throughputs(3.0, 0.4, 10, 0);
    const std::vector<double> candidate = Throughputs(3.0 * (1 - shift), 0.4, 10, 6);
    const GateReport report = GateOneCase(base, candidate);
    EXPECT_NE(report.outcome, GateOutcome::kFail) << "shift " << shift;
    ASSERT_EQ(report.checks.size(), 1u);
    if (report.outcome == GateOutcome::kPass) {
      ++passed;
      EXPECT_TRUE(report.checks[0].low_power) << "shift " << shift;
      EXPECT_EQ(report.low_power, 1) << "shift " << shift;
    }
    GateOptions strict;
    strict.require_power = true;
    EXPECT_EQ(GateOneCase(base, candidate, strict).outcome, GateOutcome::kInconclusive)
        << "shift " << shift;
  }
  EXPECT_GE(passed, 1) << "identical noisy samples (shift 0) must pass";
}

TEST(GatePower, IdenticalNoisyRunsPassWithLowPower) {
  // Two runs of one noisy case (cv 40%), the same distribution in another
  // order: no regression shown, and none of twice the limit ruled out.
  const GateReport report = GateOneCase(Throughputs(3.0, 0.4, 10, 0), Throughputs(3.0, 0.4, 10, 3));
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_TRUE(report.checks[0].low_power);
  EXPECT_GT(report.checks[0].worst_regression, 2 * kDefaultLimit * 3.0e9);
}

TEST(GatePower, ASignificantShiftWithinTheOwnNoiseIsNoPass) {
  // Tight repetitions (cv 2%) 15% apart: significant and past the limit,
  // beyond the floor too: a failure, never a low-power pass.
  const GateReport report =
      GateOneCase(Throughputs(10.0, 0.02, 10, 0), Throughputs(8.5, 0.02, 10, 3));
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
}

TEST(GatePower, AHugeDropFailsEvenInWideNoise) {
  // The pipe_capacity=4KiB experiment: 90% lower, cv 30% on both sides.
  const GateReport report = GateOneCase(Throughputs(3.0, 0.3, 10, 0), Throughputs(0.3, 0.3, 10, 6));
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
}

TEST(GatePower, ChangeWithinTheNoiseBetweenRunsPassesWithLowPower) {
  // Five baseline runs, each stable (cv 1%), whose medians wander by +-15%
  // (the host's drift between runs); a candidate 25% below the pooled median
  // is significant but within 3 robust spreads of that drift: it could never
  // fail, so it passes with low power (with --require-power: inconclusive).
  std::vector<v1::RunResult> base;
  const double medians[] = {10.0, 8.6, 11.4, 9.3, 10.8};
  for (int i = 0; i < 5; ++i) {
    base.push_back(MakeSyntheticRun("b" + std::to_string(i), "pipe",
                                    {Case("64KiB", Throughputs(medians[i], 0.01, 10, i))},
                                    testing::SyntheticHost(), i));
  }
  const GateReport report = Gate(base, {StableRun("c", 7.5, 2)});
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].reason, GateReason::kWithinOwnNoise);
  EXPECT_TRUE(report.checks[0].low_power);
  ASSERT_TRUE(report.checks[0].comparison.has_value());
  EXPECT_TRUE(report.checks[0].comparison->significant);
  EXPECT_EQ(report.checks[0].comparison->base.runs, 5u);
  EXPECT_GT(report.checks[0].comparison->base.run_spread, 0.05);

  GateOptions strict;
  strict.require_power = true;
  const GateReport strict_report = Gate(base, {StableRun("c", 7.5, 2)}, {}, strict);
  EXPECT_EQ(strict_report.outcome, GateOutcome::kInconclusive);
  EXPECT_EQ(strict_report.checks[0].reason, GateReason::kWithinNoiseFloor);
}

// Throughputs of rounds of two repetitions, one round per level, each
// with coefficient of variation `cv` within the round.
std::vector<double> RoundsAt(const std::vector<double>& levels, double cv, size_t rotate) {
  std::vector<double> values;
  for (size_t r = 0; r < levels.size(); ++r) {
    for (double v : Throughputs(levels[r], cv, 2, rotate + r)) values.push_back(v);
  }
  return values;
}

// A one-case pipe run of 10 repetitions over 5 rounds.
v1::RunResult RunOfRounds(const std::string& id, std::vector<double> throughput) {
  v1::RunResult result = MakeSyntheticRun(id, "pipe", {Case("64KiB", std::move(throughput))});
  result.mutable_request()->set_repetitions(10);
  result.mutable_request()->set_rounds(5);
  return result;
}

// A run's rounds (RunRequest.rounds) that show two levels 40% apart: a
// candidate at the lower level is within the noise floor their medians set;
// the same fall in a run whose rounds agree fails.
TEST(GatePower, TheSpreadOfARunsRoundsIsPartOfTheFloor) {
  // Two repetitions per round, each round at its level (cv 1% within).
  const v1::RunResult two_levels =
      RunOfRounds("b", RoundsAt({1.15, 0.8, 1.15, 1.15, 1.15}, 0.01, 0));
  const v1::RunResult lower = RunOfRounds("c", RoundsAt({0.8, 0.8, 0.8, 0.8, 0.8}, 0.01, 3));
  const GateReport within = Gate({two_levels}, {lower});
  EXPECT_EQ(within.outcome, GateOutcome::kPass);
  ASSERT_EQ(within.checks.size(), 1u);
  ASSERT_TRUE(within.checks[0].comparison.has_value());
  EXPECT_EQ(within.checks[0].comparison->base.rounds, 5u);
  EXPECT_GT(within.checks[0].comparison->base.round_spread, 0.1);

  const v1::RunResult steady = RunOfRounds("b", RoundsAt({1.15, 1.15, 1.15, 1.15, 1.15}, 0.01, 0));
  EXPECT_EQ(Gate({steady}, {lower}).outcome, GateOutcome::kFail);
}

TEST(GatePower, ALevelARoundShowedCountsWithTheErrorOfThatRoundsMedian) {
  // One round of five at a level 25% lower (two repetitions per round, cv 2%
  // within). A candidate at that level, measured 1.6% further out than the
  // round's two repetitions put it, is within the floor: a round's median
  // knows its level only to the spread of its repetitions. (Seen on a VM:
  // the unix-socket round trip on one CPU at 11.6 or 15.7 us for whole
  // rounds; a candidate at the slower level, 0.1% beyond the swing the
  // base's slow round showed, was called inconclusive.)
  const v1::RunResult base = RunOfRounds("b", RoundsAt({1.0, 1.0, 0.75, 1.0, 1.0}, 0.02, 0));
  const v1::RunResult at_that_level =
      RunOfRounds("c", RoundsAt({0.738, 0.738, 0.738, 0.738, 0.738}, 0.02, 3));
  const GateReport report = Gate({base}, {at_that_level});
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  ASSERT_EQ(report.checks.size(), 1u);
  ASSERT_TRUE(report.checks[0].comparison.has_value());
  const MetricComparison& c = *report.checks[0].comparison;
  // The swing alone (ln 1/0.75 = 28.8%, a fall of 25%) would not cover the
  // change: without the round's error this check fails.
  ASSERT_TRUE(c.change.has_value());
  EXPECT_GT(std::fabs(*c.change), 0.25);
  EXPECT_GT(c.base.round_spread * kDefaultNoiseK, std::log(1.0 / 0.75) + 0.005);

  // A level no round showed still fails.
  const v1::RunResult lower = RunOfRounds("c", RoundsAt({0.6, 0.6, 0.6, 0.6, 0.6}, 0.02, 3));
  EXPECT_EQ(Gate({base}, {lower}).outcome, GateOutcome::kFail);
}

TEST(GatePower, IdenticalRunsWhoseMediansMovedWithinTheLimitPass) {
  // cv 5%, the candidate's median 8% lower: the CI reaches past 10%, but
  // nothing shows a regression beyond the limit.
  const GateReport report =
      GateOneCase(Throughputs(10.0, 0.05, 10, 0), Throughputs(9.2, 0.05, 10, 4));
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_TRUE(report.checks[0].reason == GateReason::kMedianWithinLimit ||
              report.checks[0].reason == GateReason::kWithinLimit);
}

TEST(GatePower, ADriftWithinTheNoiseBetweenStoredRunsPasses) {
  // One stable run per side, 15% apart: alone that is a failure (the spread
  // of the repetitions is 1%). Stored runs of the case wander by +-10%: the
  // same change is within the host's noise between runs.
  const v1::RunResult base = StableRun("b", 10.0, 0);
  const v1::RunResult candidate = StableRun("c", 8.5, 3);
  EXPECT_EQ(GateWithHistory(base, candidate, {}).outcome, GateOutcome::kFail);
  const GateReport report =
      GateWithHistory(base, candidate, History({10.0, 9.0, 11.0, 9.5, 10.5, 8.8, 10.2}));
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].reason, GateReason::kWithinRunToRunNoise);
  EXPECT_EQ(report.checks[0].comparison->history_runs, 7u);
  // The base and candidate runs are never their own history.
  std::vector<v1::RunResult> with_sides = History({10.0, 9.0, 11.0, 9.5, 10.5, 8.8, 10.2});
  with_sides.push_back(base);
  with_sides.push_back(candidate);
  EXPECT_EQ(GateWithHistory(base, candidate, with_sides).checks[0].comparison->history_runs, 7u);
}

TEST(GatePower, ASlowerModeSeenInStoredRunsIsNoRegression) {
  // A futex ring across CPUs on a VM: most runs at 10 GB/s, one in four at
  // 3 (MAD alone would ignore the minority). A candidate run at the slow
  // level is what the host has done before, not a regression.
  const v1::RunResult base = StableRun("b", 10.0, 0);
  const v1::RunResult candidate = StableRun("c", 3.1, 3);
  EXPECT_EQ(GateWithHistory(base, candidate, {}).outcome, GateOutcome::kFail);
  const GateReport report =
      GateWithHistory(base, candidate, History({10.0, 9.8, 3.0, 10.1, 10.2, 9.9, 3.2, 10.0}));
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  EXPECT_EQ(report.checks[0].reason, GateReason::kWithinRunToRunNoise);
  // A level it has never shown still fails.
  const v1::RunResult slower = StableRun("s", 1.0, 3);
  EXPECT_EQ(
      GateWithHistory(base, slower, History({10.0, 9.8, 3.0, 10.1, 10.2, 9.9, 3.2, 10.0})).outcome,
      GateOutcome::kFail);
}

TEST(GatePower, HistoryCountsOnlyTheRunsAfterItsLastChangePoint) {
  // The case was at 5 GB/s for six runs, then at 10 GB/s +-1% for six: the
  // old level is another state of the code or host, not noise. A 15% fall
  // from the new level fails.
  const v1::RunResult base = StableRun("b", 10.0, 0);
  const v1::RunResult candidate = StableRun("c", 8.5, 3);
  const GateReport report = GateWithHistory(
      base, candidate,
      History({5.0, 5.1, 4.9, 5.05, 4.95, 5.0, 10.0, 10.1, 9.9, 10.05, 9.95, 10.0}));
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  EXPECT_EQ(report.checks[0].comparison->history_runs, 6u);
}

TEST(GatePower, TooFewStoredRunsAreNoHistory) {
  const v1::RunResult base = StableRun("b", 10.0, 0);
  const v1::RunResult candidate = StableRun("c", 8.5, 3);
  const GateReport report = GateWithHistory(base, candidate, History({10.0, 9.0, 11.0}));
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  EXPECT_EQ(report.checks[0].comparison->history_runs, 0u);
}

TEST(GatePower, AFewDisturbedRepetitionsAreLeftOut) {
  // One of ten disturbed (at most 20%): it is left out and the 20% fall fails.
  v1::RunResult candidate = StableRun("c", 8.0, 1);
  auto* repetition = candidate.mutable_cases(0)->mutable_repetitions(3);
  (*repetition->mutable_notes())["disturbed"] = "true";
  const GateReport report = Gate(
      {MakeSyntheticRun("b", "pipe", {Case("64KiB", Throughputs(10.0, 0.01, 10))})}, {candidate});
  EXPECT_EQ(report.outcome, GateOutcome::kFail);
  EXPECT_EQ(report.checks[0].reason, GateReason::kRegressed);
  EXPECT_EQ(report.checks[0].disturbed, 1u);
  ASSERT_TRUE(report.checks[0].comparison.has_value());
  EXPECT_EQ(report.checks[0].comparison->candidate.n, 9u) << "the disturbed one is left out";
  EXPECT_EQ(report.checks[0].comparison->base.n, 10u);
}

TEST(GatePower, ADisturbedOutlierDoesNotMoveTheVerdict) {
  // Identical sides but for one disturbed repetition at half the throughput:
  // left out, the check passes.
  std::vector<double> samples = Throughputs(10.0, 0.01, 10, 1);
  samples[0] *= 0.5;
  v1::RunResult candidate = MakeSyntheticRun("c", "pipe", {Case("64KiB", samples)});
  candidate.mutable_cases(0)->mutable_repetitions(0)->mutable_interference()->set_disturbed(true);
  const GateReport report = Gate(
      {MakeSyntheticRun("b", "pipe", {Case("64KiB", Throughputs(10.0, 0.01, 10))})}, {candidate});
  EXPECT_EQ(report.outcome, GateOutcome::kPass);
  ASSERT_TRUE(report.checks[0].comparison.has_value());
  EXPECT_EQ(report.checks[0].comparison->candidate.n, 9u);
}

TEST(GatePower, ManyDisturbedRepetitionsMakeTheCheckInconclusive) {
  // Three of ten (over 20%): the case cannot be judged.
  v1::RunResult candidate = StableRun("c", 8.0, 1);
  for (int i : {1, 4, 7}) {
    (*candidate.mutable_cases(0)->mutable_repetitions(i)->mutable_notes())["disturbed"] = "true";
  }
  const GateReport report = Gate(
      {MakeSyntheticRun("b", "pipe", {Case("64KiB", Throughputs(10.0, 0.01, 10))})}, {candidate});
  EXPECT_EQ(report.outcome, GateOutcome::kInconclusive);
  EXPECT_EQ(report.checks[0].reason, GateReason::kDisturbed);
  EXPECT_EQ(report.checks[0].disturbed, 3u);
}

TEST(GateSelection, DifferentWorkloadsShareNothing) {
  const std::vector<double> samples = Throughputs(10.0, 0.01, 10);
  CompareOptions options;
  const Comparison comparison =
      CompareRuns({MakeSyntheticRun("b", "pipe", {Case("64KiB", samples)})},
                  {MakeSyntheticRun("c", "shm_posix", {Case("64KiB", samples)})}, options);
  EXPECT_TRUE(comparison.workloads_disjoint);
  EXPECT_TRUE(comparison.cases.empty());
}

TEST(GateSelection, TheSameRunOnBothSidesIsNamed) {
  const v1::RunResult run =
      MakeSyntheticRun("r1", "pipe", {Case("64KiB", Throughputs(10.0, 0.01, 10))});
  const Comparison comparison = CompareRuns({run}, {run}, CompareOptions());
  ASSERT_EQ(comparison.same_runs.size(), 1u);
  EXPECT_EQ(comparison.same_runs[0], "r1");
  EXPECT_EQ(EvaluateGate(comparison).same_runs.size(), 1u);
}

TEST(GateSelection, AMatrixSideIsPairedRunByRun) {
  // Two workloads per side, one case each: both are gated.
  const std::vector<double> samples = Throughputs(10.0, 0.01, 10);
  const std::vector<v1::RunResult> base = {
      MakeSyntheticRun("b1", "pipe", {Case("64KiB", samples)}),
      MakeSyntheticRun("b2", "shm_posix", {Case("64KiB", samples)})};
  const std::vector<v1::RunResult> candidate = {
      MakeSyntheticRun("c1", "pipe", {Case("64KiB", samples)}),
      MakeSyntheticRun("c2", "shm_posix", {Case("64KiB", Throughputs(7.0, 0.01, 10, 3))})};
  const GateReport report = Gate(base, candidate);
  EXPECT_EQ(report.checks.size(), 2u);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.passed, 1);
}

}  // namespace
}  // namespace ipclab::results
