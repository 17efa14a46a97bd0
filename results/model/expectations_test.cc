#include "results/model/expectations.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "results/model/summary.h"

namespace ipclab::results {
namespace {

v1::Expectation Band(const std::string& metric, double expected, double lower, double upper,
                     const std::string& if_deviated = "THP fell back to 4 KiB pages") {
  v1::Expectation expectation;
  expectation.set_metric(metric);
  expectation.set_description("a description");
  expectation.set_expected(expected);
  expectation.set_lower(lower);
  expectation.set_upper(upper);
  expectation.set_counter("getrusage");
  expectation.set_if_deviated(if_deviated);
  return expectation;
}

v1::MetricSummary Summary(const std::string& name, double median, uint32_t n = 5) {
  v1::MetricSummary summary;
  summary.set_name(name);
  summary.set_unit("count");
  summary.set_n(n);
  summary.set_median(median);
  summary.set_mean(median + 1000);  // the verdict must use the median
  return summary;
}

TEST(Judge, InsideTheBandMatchesAndRecordsTheMedian) {
  const std::vector<v1::Expectation> judged =
      Judge({Band("write.toucher.minor_faults", 16384, 16219.84, 16548.16)},
            {Summary("write.toucher.minor_faults", 16385)});
  ASSERT_EQ(judged.size(), 1u);
  EXPECT_EQ(judged[0].verdict(), v1::MATCHED);
  EXPECT_DOUBLE_EQ(judged[0].measured(), 16385);
  EXPECT_EQ(judged[0].reason(), "");
  EXPECT_EQ(judged[0].description(), "a description");  // the rest is kept
  EXPECT_DOUBLE_EQ(judged[0].expected(), 16384);
}

TEST(Judge, BandEdgesAreInclusive) {
  const std::vector<v1::Expectation> judged =
      Judge({Band("a", 10, 8, 12), Band("b", 10, 8, 12)}, {Summary("a", 8), Summary("b", 12)});
  EXPECT_EQ(judged[0].verdict(), v1::MATCHED);
  EXPECT_EQ(judged[1].verdict(), v1::MATCHED);
}

TEST(Judge, OutsideTheBandDeviatesWithTheReasonWrittenInAdvance) {
  const std::vector<v1::Expectation> judged =
      Judge({Band("write.toucher.minor_faults", 32, 27.68, 36.32),
             Band("write.toucher.rss_anon_delta_bytes", 0, -2.5, 2.5, "pages were allocated")},
            {Summary("write.toucher.minor_faults", 16384, 3),
             Summary("write.toucher.rss_anon_delta_bytes", -3.25)});
  EXPECT_EQ(judged[0].verdict(), v1::DEVIATED);
  EXPECT_DOUBLE_EQ(judged[0].measured(), 16384);
  EXPECT_EQ(judged[0].reason(),
            "measured 16384 (median of 3), above the expected 27.68 to 36.32: THP fell back to 4 "
            "KiB pages");
  EXPECT_EQ(judged[1].verdict(), v1::DEVIATED);
  EXPECT_EQ(judged[1].reason(),
            "measured -3.25 (median of 5), below the expected -2.5 to 2.5: pages were allocated");
}

TEST(Judge, UnmeasuredMetricIsUnspecifiedWithAReason) {
  v1::Expectation perf = Band("write.toucher.perf_page_faults", 16384, 16000, 17000);
  perf.set_counter("perf_event");
  const std::vector<v1::Expectation> judged =
      Judge({perf, Band("setup.toucher.minor_faults", 0, -4, 4)},
            {Summary("setup.toucher.minor_faults", 0, 0)});  // n == 0: nothing measured
  EXPECT_EQ(judged[0].verdict(), v1::VERDICT_UNSPECIFIED);
  EXPECT_EQ(judged[0].reason(),
            "write.toucher.perf_page_faults was not measured (perf_event not available)");
  EXPECT_DOUBLE_EQ(judged[0].measured(), 0);
  EXPECT_EQ(judged[1].verdict(), v1::VERDICT_UNSPECIFIED);
}

TEST(Judge, KeepsOrderAndClearsStaleVerdicts) {
  v1::Expectation stale = Band("b", 1, 0, 2);
  stale.set_verdict(v1::DEVIATED);
  stale.set_reason("old");
  stale.set_measured(99);
  const std::vector<v1::Expectation> judged =
      Judge({Band("a", 1, 0, 2), stale}, {Summary("b", 1), Summary("a", 5)});
  ASSERT_EQ(judged.size(), 2u);
  EXPECT_EQ(judged[0].metric(), "a");
  EXPECT_EQ(judged[0].verdict(), v1::DEVIATED);
  EXPECT_EQ(judged[1].metric(), "b");
  EXPECT_EQ(judged[1].verdict(), v1::MATCHED);
  EXPECT_EQ(judged[1].reason(), "");
  EXPECT_DOUBLE_EQ(judged[1].measured(), 1);
}

v1::Expectation WithVerdict(v1::Verdict verdict) {
  v1::Expectation expectation;
  expectation.set_verdict(verdict);
  return expectation;
}

TEST(OverallVerdict, AnyDeviationDecides) {
  EXPECT_EQ(OverallVerdict({WithVerdict(v1::MATCHED), WithVerdict(v1::DEVIATED),
                            WithVerdict(v1::VERDICT_UNSPECIFIED)}),
            v1::DEVIATED);
}

TEST(OverallVerdict, MatchedWhenNothingDeviatedAndSomethingMatched) {
  EXPECT_EQ(OverallVerdict({WithVerdict(v1::MATCHED), WithVerdict(v1::MATCHED)}), v1::MATCHED);
  EXPECT_EQ(OverallVerdict({WithVerdict(v1::MATCHED), WithVerdict(v1::VERDICT_UNSPECIFIED)}),
            v1::MATCHED);
}

TEST(OverallVerdict, UnspecifiedWhenNothingWasExpectedOrMeasured) {
  EXPECT_EQ(OverallVerdict({}), v1::VERDICT_UNSPECIFIED);
  EXPECT_EQ(OverallVerdict({WithVerdict(v1::VERDICT_UNSPECIFIED)}), v1::VERDICT_UNSPECIFIED);
}

TEST(FormatMeasurement, WholeNumbersAndShortFractions) {
  EXPECT_EQ(FormatMeasurement(16384), "16384");
  EXPECT_EQ(FormatMeasurement(16547.84), "16548");
  EXPECT_EQ(FormatMeasurement(-262144), "-262144");
  EXPECT_EQ(FormatMeasurement(0.5), "0.5");
  EXPECT_EQ(FormatMeasurement(27.68), "27.68");
  EXPECT_EQ(FormatMeasurement(4.0 / 3), "1.333");
}

// SummarizeCase reports the perf counter only from repetitions that read it,
// so an expectation on it is unmeasured (not 0) where perf was unavailable.
TEST(SummarizeCase, PerfPageFaultsOnlyWhereAvailable) {
  std::vector<v1::RepetitionResult> repetitions(3);
  for (int rep = 0; rep < 3; ++rep) {
    v1::PhaseResult* phase = repetitions[rep].add_phases();
    phase->set_name("write");
    v1::RoleMeasurement* role = phase->add_roles();
    role->set_role("toucher");
    role->mutable_counters()->set_minor_faults(16384);
    if (rep != 1) {
      role->mutable_counters()->set_perf_available(true);
      role->mutable_counters()->set_perf_page_faults(16384 + rep);
    }
  }
  const std::vector<v1::MetricSummary> summaries = SummarizeCase(repetitions);
  const v1::MetricSummary* perf = nullptr;
  for (const v1::MetricSummary& summary : summaries) {
    if (summary.name() == "write.toucher.perf_page_faults") perf = &summary;
  }
  ASSERT_NE(perf, nullptr);
  EXPECT_EQ(perf->unit(), "count");
  EXPECT_EQ(perf->n(), 2u);
  EXPECT_DOUBLE_EQ(perf->median(), 16385);  // (16384 + 16386) / 2

  repetitions[0].mutable_phases(0)->mutable_roles(0)->mutable_counters()->set_perf_available(false);
  repetitions[2].mutable_phases(0)->mutable_roles(0)->mutable_counters()->set_perf_available(false);
  for (const v1::MetricSummary& summary : SummarizeCase(repetitions)) {
    EXPECT_NE(summary.name(), "write.toucher.perf_page_faults");
  }
}

}  // namespace
}  // namespace ipclab::results
