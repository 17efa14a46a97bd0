// Comparison verdicts on chosen numbers (the printed forms:
// report/comparison_report_test.cc).
#include "results/compare/compare.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeSyntheticRun;
using testing::SyntheticCase;

const MetricComparison* Find(const Comparison& comparison, const std::string& case_name,
                             const std::string& metric) {
  for (const CaseComparison& c : comparison.cases) {
    if (c.name != case_name) continue;
    for (const MetricComparison& m : c.metrics) {
      if (m.metric->key == metric) return &m;
    }
  }
  return nullptr;
}

Comparison Scenario() {
  return CompareRuns({testing::ScenarioBase()}, {testing::ScenarioCandidate()}, CompareOptions());
}

TEST(CompareRuns, ScenarioVerdicts) {
  const Comparison comparison = Scenario();
  const MetricComparison* slower = Find(comparison, "message_size=64KiB,mode=stream", "throughput");
  ASSERT_NE(slower, nullptr);
  EXPECT_EQ(slower->verdict, ChangeVerdict::kWorse);
  ASSERT_TRUE(slower->change.has_value());
  EXPECT_NEAR(*slower->change, -0.20, 0.01);
  EXPECT_LT(slower->change_ci->upper, -0.05);
  // 8 against 8 completely separated: the exact p is 2 / C(16, 8).
  EXPECT_DOUBLE_EQ(slower->test.p_value, 2.0 / 12870.0);

  EXPECT_EQ(Find(comparison, "message_size=4KiB,mode=stream", "throughput")->verdict,
            ChangeVerdict::kSame);
  // Lower latency is better; so is higher throughput.
  EXPECT_EQ(Find(comparison, "message_size=64B,mode=pingpong", "p99")->verdict,
            ChangeVerdict::kBetter);
  EXPECT_EQ(Find(comparison, "message_size=64B,mode=pingpong", "throughput")->verdict,
            ChangeVerdict::kBetter);
  const MetricComparison* noisy = Find(comparison, "message_size=1MiB,mode=stream", "throughput");
  EXPECT_EQ(noisy->verdict, ChangeVerdict::kNoisy);
  EXPECT_THAT(noisy->reason, HasSubstr("variation too high"));

  EXPECT_THAT(comparison.only_in_base, ElementsAre("message_size=256KiB,mode=stream"));
  EXPECT_THAT(comparison.only_in_candidate, ElementsAre("message_size=16KiB,mode=stream"));
  EXPECT_THAT(comparison.warnings,
              ElementsAre("kernel differs: 6.1.0-18-amd64 (base) vs 6.5.0-0.deb12.4-amd64 "
                          "(candidate)"));
}

TEST(CompareRuns, TooFewRepetitionsIsNoisyAndSaysHowMany) {
  const MetricComparison c = CompareSamples(*FindCaseMetric("throughput"), {1e9, 1.01e9, 0.99e9},
                                            {0.5e9, 0.51e9, 0.49e9}, CompareOptions());
  EXPECT_EQ(c.verdict, ChangeVerdict::kNoisy);  // 50% slower, but p >= 0.1 at 3 and 3
  EXPECT_DOUBLE_EQ(c.test.p_value, 0.1);
  EXPECT_FALSE(c.enough_repetitions);
  EXPECT_EQ(c.repetitions_needed, 4);
  EXPECT_THAT(c.reason, HasSubstr("needs at least 4 per side"));
}

TEST(CompareRuns, MeasuredOnOneSideOnlyIsUnavailable) {
  const MetricComparison c =
      CompareSamples(*FindCaseMetric("p99"), {1, 2, 3, 4}, {}, CompareOptions());
  EXPECT_EQ(c.verdict, ChangeVerdict::kUnavailable);
  EXPECT_EQ(c.reason, "not measured in the candidate");
}

TEST(CompareRuns, ZeroBaselineUsesTheAbsoluteDifference) {
  // Faults per page 0 -> 0.5: no relative change exists, the absolute one is
  // far beyond the negligible 0.001.
  const MetricComparison c = CompareSamples(*FindCaseMetric("faults_per_page"), {0, 0, 0, 0, 0},
                                            {0.5, 0.5, 0.5, 0.5, 0.5}, CompareOptions());
  EXPECT_FALSE(c.change.has_value());
  EXPECT_DOUBLE_EQ(c.difference, 0.5);
  EXPECT_EQ(c.verdict, ChangeVerdict::kWorse);
  const MetricComparison zero = CompareSamples(*FindCaseMetric("faults_per_page"), {0, 0, 0, 0},
                                               {0, 0, 0, 0}, CompareOptions());
  EXPECT_EQ(zero.verdict, ChangeVerdict::kSame);
}

TEST(CompareRuns, MatchesBySweptParametersAndWarnsAboutFixedOnes) {
  SyntheticCase big;
  big.params = {{"pipe_capacity", "1MiB"}, {"message_size", "64KiB"}};
  big.throughput = {4e9, 4.1e9, 3.9e9, 4e9, 4.05e9};
  SyntheticCase small = big;
  small.params["pipe_capacity"] = "4KiB";
  small.throughput = {1e9, 1.1e9, 0.9e9, 1e9, 1.05e9};
  const Comparison comparison =
      CompareRuns({MakeSyntheticRun("base", "pipe", {big})},
                  {MakeSyntheticRun("cand", "pipe", {small})}, CompareOptions());
  ASSERT_EQ(comparison.cases.size(), 1u);
  EXPECT_EQ(comparison.cases[0].name, "(single case)");
  EXPECT_EQ(Find(comparison, "(single case)", "throughput")->verdict, ChangeVerdict::kWorse);
  EXPECT_THAT(comparison.warnings,
              ElementsAre("parameter pipe_capacity differs: 1MiB (base) vs 4KiB (candidate)"));
}

TEST(CompareRuns, SeveralRunsPerSideMatchByWorkload) {
  SyntheticCase stream;
  stream.params = {{"mode", "stream"}};
  stream.throughput = {1e9, 1e9, 1e9, 1e9};
  SyntheticCase pingpong = stream;
  pingpong.params = {{"mode", "pingpong"}};
  const std::vector<v1::RunResult> base = {MakeSyntheticRun("b1", "pipe", {stream}),
                                           MakeSyntheticRun("b2", "pipe", {pingpong}),
                                           MakeSyntheticRun("b3", "shm_posix", {stream})};
  const std::vector<v1::RunResult> candidate = {MakeSyntheticRun("c1", "shm_posix", {stream}),
                                                MakeSyntheticRun("c2", "pipe", {pingpong})};
  const Comparison comparison = CompareRuns(base, candidate, CompareOptions());
  std::vector<std::string> keys;
  for (const CaseComparison& c : comparison.cases) keys.push_back(c.key);
  EXPECT_THAT(keys, ElementsAre("pipe/mode=pingpong", "shm_posix/mode=stream"));
  EXPECT_THAT(comparison.only_in_base, ElementsAre("pipe mode=stream"));
}

TEST(CompareRuns, RunsOfOneConfigurationArePooled) {
  SyntheticCase fast;
  fast.params = {{"message_size", "64KiB"}};
  fast.throughput = {4e9, 4e9, 4e9};
  SyntheticCase slow = fast;
  slow.throughput = {2e9, 2e9, 2e9};
  // Each side: one run on a quiet host, one on a busy one.
  const Comparison comparison =
      CompareRuns({MakeSyntheticRun("b1", "pipe", {fast}), MakeSyntheticRun("b2", "pipe", {slow})},
                  {MakeSyntheticRun("c1", "pipe", {slow}), MakeSyntheticRun("c2", "pipe", {fast})},
                  CompareOptions());
  ASSERT_EQ(comparison.cases.size(), 1u);
  EXPECT_EQ(comparison.cases[0].name, "(single case)");  // no workload prefix: one workload
  const MetricComparison* throughput = Find(comparison, "(single case)", "throughput");
  EXPECT_EQ(throughput->base.n, 6u);
  EXPECT_EQ(throughput->candidate.n, 6u);
  EXPECT_DOUBLE_EQ(throughput->difference, 0.0);
  EXPECT_NE(throughput->verdict, ChangeVerdict::kWorse);
  EXPECT_TRUE(comparison.only_in_base.empty());
}

TEST(CompareRuns, OnlySelectedMetrics) {
  CompareOptions options;
  options.metrics = {FindCaseMetric("p99")};
  const Comparison comparison =
      CompareRuns({testing::ScenarioBase()}, {testing::ScenarioCandidate()}, options);
  for (const CaseComparison& c : comparison.cases) {
    for (const MetricComparison& m : c.metrics) EXPECT_STREQ(m.metric->key, "p99");
  }
}

}  // namespace
}  // namespace ipclab::results
