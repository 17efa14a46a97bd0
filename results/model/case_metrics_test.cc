#include "results/model/case_metrics.h"
#include "results/model/phases.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::SyntheticCase;

v1::CaseResult OneCase(SyntheticCase c) {
  return testing::MakeSyntheticRun("r", "pipe", {std::move(c)}).cases(0);
}

TEST(CaseMetrics, ThroughputAndLatencyComeFromTheSteadyPhase) {
  SyntheticCase c;
  c.throughput = {1e9, 2e9};
  c.p99_ns = {8000, 9000};
  const v1::CaseResult result = OneCase(c);
  EXPECT_EQ(HeadlinePhase(result), "steady");
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("throughput"), 4096), ElementsAre(1e9, 2e9));
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("p99"), 4096), ElementsAre(8000, 9000));
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("p50"), 4096), ElementsAre(4000, 4500));
}

TEST(CaseMetrics, NoLatencyInStreamMode) {
  SyntheticCase c;
  c.throughput = {1e9};
  EXPECT_TRUE(MetricSamples(OneCase(c), *FindCaseMetric("p99"), 4096).empty());
}

TEST(CaseMetrics, FaultsPerPageOfTheRegionOutsideSetupAndTeardown) {
  SyntheticCase c;
  c.throughput = {1e9, 1e9};
  c.steady_minor_faults = {256, 128};
  c.params["ring_bytes"] = "1MiB";  // 256 pages of 4 KiB
  // Setup's 210 faults do not count; steady's do.
  EXPECT_THAT(MetricSamples(OneCase(c), *FindCaseMetric("faults_per_page"), 4096),
              ElementsAre(1.0, 0.5));
  // Without a region parameter: per page moved (64 MiB = 16384 pages).
  c.params.clear();
  EXPECT_THAT(MetricSamples(OneCase(c), *FindCaseMetric("faults_per_page"), 0),
              ElementsAre(256.0 / 16384, 128.0 / 16384));
}

TEST(CaseMetrics, RssGrowthFromTheFirstPhaseToTheLastBeforeTeardown) {
  SyntheticCase c;
  c.throughput = {1e9};
  c.rss_growth_bytes = {65536};
  // Each role grows 1 MiB in setup; the producer 64 KiB more in steady.
  EXPECT_THAT(MetricSamples(OneCase(c), *FindCaseMetric("rss_growth"), 4096),
              ElementsAre(2.0 * (1 << 20) + 65536));
}

TEST(CaseMetrics, WarmupsAreSkipped) {
  SyntheticCase c;
  c.throughput = {1e9, 2e9};
  v1::CaseResult result = OneCase(c);
  result.mutable_repetitions(0)->set_warmup(true);
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("throughput"), 4096), ElementsAre(2e9));
}

TEST(ParseMetricList, KeysAliasesAndErrors) {
  auto metrics = ParseMetricList("throughput, p99,latency_p99");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_EQ(metrics->size(), 2u);
  EXPECT_STREQ((*metrics)[0]->key, "throughput");
  EXPECT_STREQ((*metrics)[1]->key, "p99");
  EXPECT_EQ(ParseMetricList("")->size(), CaseMetrics().size());
  auto bad = ParseMetricList("throughput,speed");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("unknown metric \"speed\""));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("faults_per_page"));
}

}  // namespace
}  // namespace ipclab::results
