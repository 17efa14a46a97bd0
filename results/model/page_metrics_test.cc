// Issue 8: page-touch cases are judged in ns per page, faults/page counts a
// populating setup, RSS growth includes hugetlb, verdicts cover every
// repetition, and disturbed repetitions are counted and said.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/model/case_metrics.h"
#include "results/model/expectations.h"
#include "results/model/noise.h"
#include "results/model/phases.h"
#include "results/model/summary.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One page_fault repetition: setup (populate faults there when `populate`),
// then "read" of 64 MiB = 16384 pages in `wall_ns` with `faults` faults.
v1::RepetitionResult PageFaultRepetition(int64_t wall_ns, uint64_t faults, bool populate,
                                         uint64_t hugetlb_after = 0) {
  v1::RepetitionResult repetition;
  v1::PhaseResult* setup = repetition.add_phases();
  setup->set_name("setup");
  setup->set_wall_ns(1000);
  v1::RoleMeasurement* setup_role = setup->add_roles();
  setup_role->set_role("toucher");
  setup_role->mutable_counters()->set_minor_faults(populate ? 16384 : 3);
  setup_role->mutable_memory_before()->set_vm_rss_bytes(1 << 20);
  setup_role->mutable_memory_after()->set_vm_rss_bytes(1 << 20);
  v1::PhaseResult* read = repetition.add_phases();
  read->set_name("read");
  read->set_wall_ns(wall_ns);
  read->set_bytes(64 << 20);
  read->set_messages(16384);
  read->set_throughput_bytes_per_sec(841e9);
  v1::RoleMeasurement* role = read->add_roles();
  role->set_role("toucher");
  role->mutable_counters()->set_minor_faults(populate ? 0 : faults);
  role->mutable_memory_before()->set_vm_rss_bytes(1 << 20);
  role->mutable_memory_after()->set_vm_rss_bytes(1 << 20);
  role->mutable_memory_after()->set_hugetlb_bytes(hugetlb_after);
  return repetition;
}

v1::CaseResult PageFaultCase(std::vector<v1::RepetitionResult> repetitions, bool populate) {
  v1::CaseResult result;
  (*result.mutable_case_()->mutable_params())["region_bytes"] = "64MiB";
  (*result.mutable_case_()->mutable_params())["populate"] = populate ? "true" : "false";
  for (v1::RepetitionResult& repetition : repetitions) *result.add_repetitions() = repetition;
  return result;
}

TEST(PageMetrics, HeadlineIsNsPerPageNeverBytesPerSecond) {
  const v1::CaseResult result = PageFaultCase(
      {PageFaultRepetition(16384 * 100, 32, false), PageFaultRepetition(16384 * 300, 32, false)},
      false);
  EXPECT_TRUE(TouchesPages(result));
  EXPECT_EQ(HeadlinePhase(result), "read");
  EXPECT_TRUE(MetricSamples(result, *FindCaseMetric("throughput"), 4096).empty());
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("ns_per_page"), 4096), ElementsAre(100, 300));

  const std::vector<v1::MetricSummary> summaries = SummarizeCase(
      std::vector<v1::RepetitionResult>(result.repetitions().begin(), result.repetitions().end()));
  std::vector<std::string> names;
  for (const v1::MetricSummary& summary : summaries) names.push_back(summary.name());
  EXPECT_THAT(names, ::testing::Contains("read.ns_per_page"));
  EXPECT_THAT(names, ::testing::Contains("read.faults_per_sec"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("read.throughput_bytes_per_sec")));
  for (const v1::MetricSummary& summary : summaries) {
    if (summary.name() == "read.ns_per_page") {
      EXPECT_DOUBLE_EQ(summary.median(), 200);
    }
    // 32 faults in 1.6384 ms and 4.9152 ms: median of 19531.25 and 6510.4.
    if (summary.name() == "read.faults_per_sec") {
      EXPECT_NEAR(summary.median(), (32 / 1.6384e-3 + 32 / 4.9152e-3) / 2, 1e-6);
    }
  }
}

TEST(PageMetrics, TransfersKeepThroughputAndHaveNoNsPerPage) {
  v1::CaseResult result;
  v1::PhaseResult* warm = result.add_repetitions()->add_phases();
  warm->set_name("warm");  // a warm pass with messages comes before steady
  warm->set_messages(10);
  v1::PhaseResult* steady = result.mutable_repetitions(0)->add_phases();
  steady->set_name("steady");
  steady->set_bytes(1000);
  steady->set_messages(10);
  steady->set_wall_ns(1000);
  EXPECT_FALSE(TouchesPages(result));
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("throughput"), 4096), ElementsAre(1e9));
  EXPECT_TRUE(MetricSamples(result, *FindCaseMetric("ns_per_page"), 4096).empty());
}

TEST(PageMetrics, FaultsPerPageCountsSetupWhenPopulateMovedTheFaultsThere) {
  const v1::CaseResult populated = PageFaultCase({PageFaultRepetition(1000, 0, true)}, true);
  EXPECT_THAT(MetricSamples(populated, *FindCaseMetric("faults_per_page"), 4096), ElementsAre(1.0));
  // Without populate, setup's few faults (stack, libraries) stay out.
  const v1::CaseResult plain = PageFaultCase({PageFaultRepetition(1000, 16384, false)}, false);
  EXPECT_THAT(MetricSamples(plain, *FindCaseMetric("faults_per_page"), 4096), ElementsAre(1.0));
}

TEST(PageMetrics, RssGrowthIncludesHugetlbPages) {
  const v1::CaseResult result =
      PageFaultCase({PageFaultRepetition(1000, 32, false, uint64_t{64} << 20)}, false);
  EXPECT_THAT(MetricSamples(result, *FindCaseMetric("rss_growth"), 4096),
              ElementsAre(static_cast<double>(uint64_t{64} << 20)));
}

TEST(PageMetrics, CowHeadlineIsTheChildsWrite) {
  v1::CaseResult result;
  v1::RepetitionResult* repetition = result.add_repetitions();
  for (const char* name : {"setup", "parent_write", "fork", "child_write", "teardown"}) {
    v1::PhaseResult* phase = repetition->add_phases();
    phase->set_name(name);
    if (std::string(name).find("write") != std::string::npos) {
      phase->set_bytes(4096);
      phase->set_messages(1);
    }
  }
  EXPECT_EQ(HeadlinePhase(result), "child_write");
}

v1::Expectation FaultBand() {
  v1::Expectation expectation;
  expectation.set_metric("read.toucher.minor_faults");
  expectation.set_lower(0);
  expectation.set_upper(40);
  expectation.set_if_deviated("THP fell back to 4 KiB pages");
  return expectation;
}

TEST(Verdicts, OneRepetitionOutOfBandDeviatesTheCase) {
  std::vector<v1::RepetitionResult> repetitions;
  for (uint64_t faults : {32, 32, 514, 32, 32}) {
    repetitions.push_back(PageFaultRepetition(1000, faults, false));
  }
  const std::vector<v1::Expectation> judged =
      Judge({FaultBand()}, SummarizeCase(repetitions), repetitions);
  ASSERT_EQ(judged.size(), 1u);
  EXPECT_EQ(judged[0].verdict(), v1::DEVIATED);
  EXPECT_EQ(judged[0].measured(), 32);  // the median is in band
  EXPECT_EQ(judged[0].repetitions_judged(), 5u);
  EXPECT_EQ(judged[0].repetitions_out_of_band(), 1u);
  EXPECT_THAT(judged[0].reason(), HasSubstr("1 of 5 repetitions out of band (measured 514"));
  EXPECT_THAT(judged[0].reason(), HasSubstr("THP fell back"));
}

TEST(Verdicts, EveryRepetitionInBandMatches) {
  std::vector<v1::RepetitionResult> repetitions(3, PageFaultRepetition(1000, 32, false));
  const std::vector<v1::Expectation> judged =
      Judge({FaultBand()}, SummarizeCase(repetitions), repetitions);
  EXPECT_EQ(judged[0].verdict(), v1::MATCHED);
  EXPECT_EQ(judged[0].repetitions_judged(), 3u);
  EXPECT_EQ(judged[0].repetitions_out_of_band(), 0u);
}

TEST(Noise, DisturbedRepetitionsAreCountedAndSaid) {
  std::vector<v1::RepetitionResult> repetitions(5, PageFaultRepetition(1000, 32, false));
  for (int i : {1, 3, 4}) {
    repetitions[i].mutable_interference()->set_disturbed(true);
    repetitions[i].mutable_interference()->set_reason("other load on CPU 0");
  }
  repetitions[2].mutable_phases(1)->set_skewed(true);
  repetitions[2].mutable_phases(1)->set_max_release_skew_ns(20000);
  EXPECT_EQ(DisturbedRepetitions(repetitions), 3u);
  v1::CaseResult result = PageFaultCase(repetitions, false);
  result.set_disturbed_repetitions(3);
  EXPECT_DOUBLE_EQ(DisturbedShare(result), 0.6);
  EXPECT_THAT(NoiseLines(result),
              ElementsAre("3 of 5 repetitions disturbed: other load on CPU 0",
                          "phase read skewed in 1 of 5 repetitions (release skew up to 20.0 µs)"));
}

TEST(Noise, QuietCaseSaysNothing) {
  const v1::CaseResult result = PageFaultCase({PageFaultRepetition(1000, 32, false)}, false);
  EXPECT_EQ(DisturbedShare(result), 0.0);
  EXPECT_TRUE(NoiseLines(result).empty());
}

}  // namespace
}  // namespace ipclab::results
