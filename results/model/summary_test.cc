#include "results/model/summary.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

v1::PhaseResult* AddPhase(v1::RepetitionResult* repetition, const std::string& name,
                          int64_t wall_ns, uint64_t bytes = 0, uint64_t messages = 0) {
  v1::PhaseResult* phase = repetition->add_phases();
  phase->set_name(name);
  phase->set_wall_ns(wall_ns);
  phase->set_bytes(bytes);
  phase->set_messages(messages);
  return phase;
}

v1::RoleMeasurement* AddRole(v1::PhaseResult* phase, const std::string& role,
                             uint64_t minor_faults) {
  v1::RoleMeasurement* measurement = phase->add_roles();
  measurement->set_role(role);
  measurement->mutable_counters()->set_minor_faults(minor_faults);
  return measurement;
}

std::vector<std::string> Names(const std::vector<v1::MetricSummary>& summaries) {
  std::vector<std::string> names;
  for (const v1::MetricSummary& summary : summaries) names.push_back(summary.name());
  return names;
}

const v1::MetricSummary& Get(const std::vector<v1::MetricSummary>& summaries,
                             const std::string& name) {
  for (const v1::MetricSummary& summary : summaries) {
    if (summary.name() == name) return summary;
  }
  ADD_FAILURE() << "no metric " << name;
  static const v1::MetricSummary* const kMissing = new v1::MetricSummary();
  return *kMissing;
}

std::vector<std::string> RoleNames(const std::string& prefix) {
  std::vector<std::string> names;
  for (const char* metric :
       {"minor_faults", "major_faults", "voluntary_context_switches",
        "involuntary_context_switches", "user_cpu_ns", "system_cpu_ns", "rss_anon_delta_bytes",
        "vm_rss_delta_bytes", "rss_shmem_delta_bytes", "anon_huge_pages_delta_bytes",
        "hugetlb_delta_bytes", "pss_delta_bytes"}) {
    names.push_back(prefix + metric);
  }
  return names;
}

// Three measured repetitions and one warm-up with absurd numbers that must
// not leak into the statistics.
std::vector<v1::RepetitionResult> ThreeRepetitions() {
  std::vector<v1::RepetitionResult> repetitions(4);
  const int64_t steady_wall[] = {1000, 2000, 4000};
  for (int rep = 0; rep < 3; ++rep) {
    v1::RepetitionResult& repetition = repetitions[rep];
    repetition.set_repetition(rep);
    v1::PhaseResult* setup = AddPhase(&repetition, "setup", 100 * (rep + 1));
    v1::RoleMeasurement* producer = AddRole(setup, "producer", 10 * (rep + 1));
    producer->mutable_memory_before()->set_rss_anon_bytes(8192);
    producer->mutable_memory_after()->set_rss_anon_bytes(8192 - 4096 * rep);
    producer->mutable_counters()->set_user_cpu_ns(500);

    v1::PhaseResult* steady = AddPhase(&repetition, "steady", steady_wall[rep], 1000, 10);
    if (rep == 2) steady->set_throughput_bytes_per_sec(123.0);  // the worker's own figure wins
    if (rep != 1) {
      steady->mutable_latency()->set_count(10);
      steady->mutable_latency()->set_p50_ns(100.0 * (rep + 1));
      steady->mutable_latency()->set_p99_ns(1000.0 * (rep + 1));
    }
    AddRole(steady, "producer", 1);
    if (rep == 0) AddRole(steady, "consumer", 7);  // seen in one repetition only
  }
  v1::RepetitionResult& warmup = repetitions[3];
  warmup.set_warmup(true);
  AddRole(AddPhase(&warmup, "setup", 1000000000), "producer", 999999);
  AddPhase(&warmup, "first_touch", 1);
  return repetitions;
}

TEST(SummarizeCase, EmptyInputHasNoMetrics) { EXPECT_TRUE(SummarizeCase({}).empty()); }

TEST(SummarizeCase, NamesInPhaseThenRoleOrder) {
  const std::vector<v1::MetricSummary> summaries = SummarizeCase(ThreeRepetitions());
  std::vector<std::string> expected = {"setup.wall_ns"};
  for (const std::string& name : RoleNames("setup.producer.")) expected.push_back(name);
  for (const char* name :
       {"steady.wall_ns", "steady.bytes", "steady.throughput_bytes_per_sec",
        "steady.messages_per_sec", "steady.latency_p50_ns", "steady.latency_p90_ns",
        "steady.latency_p99_ns", "steady.latency_p999_ns", "steady.latency_max_ns"}) {
    expected.push_back(name);
  }
  for (const std::string& name : RoleNames("steady.producer.")) expected.push_back(name);
  for (const std::string& name : RoleNames("steady.consumer.")) expected.push_back(name);
  EXPECT_THAT(Names(summaries), ElementsAreArray(expected));
}

TEST(SummarizeCase, PhaseMetricValues) {
  const std::vector<v1::MetricSummary> summaries = SummarizeCase(ThreeRepetitions());
  const v1::MetricSummary& wall = Get(summaries, "steady.wall_ns");
  EXPECT_EQ(wall.unit(), "ns");
  EXPECT_EQ(wall.n(), 3u);
  EXPECT_DOUBLE_EQ(wall.median(), 2000);
  EXPECT_DOUBLE_EQ(wall.min(), 1000);
  EXPECT_DOUBLE_EQ(wall.max(), 4000);

  EXPECT_EQ(Get(summaries, "steady.bytes").unit(), "bytes");
  EXPECT_DOUBLE_EQ(Get(summaries, "steady.bytes").median(), 1000);

  // 1000 bytes in 1 µs = 1e9 B/s, in 2 µs = 5e8 B/s; the third repetition
  // reported 123 B/s itself.
  const v1::MetricSummary& throughput = Get(summaries, "steady.throughput_bytes_per_sec");
  EXPECT_EQ(throughput.unit(), "bytes/s");
  EXPECT_DOUBLE_EQ(throughput.median(), 5e8);
  EXPECT_DOUBLE_EQ(throughput.max(), 1e9);
  EXPECT_DOUBLE_EQ(throughput.min(), 123);

  // 10 messages over 1, 2 and 4 µs.
  const v1::MetricSummary& messages = Get(summaries, "steady.messages_per_sec");
  EXPECT_DOUBLE_EQ(messages.median(), 5e6);
  EXPECT_DOUBLE_EQ(messages.mean(), (1e7 + 5e6 + 2.5e6) / 3);
}

TEST(SummarizeCase, LatencyOnlyFromRepetitionsThatMeasuredIt) {
  const std::vector<v1::MetricSummary> summaries = SummarizeCase(ThreeRepetitions());
  const v1::MetricSummary& p50 = Get(summaries, "steady.latency_p50_ns");
  EXPECT_EQ(p50.unit(), "ns");
  EXPECT_EQ(p50.n(), 2u);               // repetition 1 had latency.count == 0
  EXPECT_DOUBLE_EQ(p50.median(), 200);  // (100 + 300) / 2
  EXPECT_DOUBLE_EQ(Get(summaries, "steady.latency_p99_ns").max(), 3000);
}

TEST(SummarizeCase, RoleCountersAndSignedMemoryDeltas) {
  const std::vector<v1::MetricSummary> summaries = SummarizeCase(ThreeRepetitions());
  const v1::MetricSummary& faults = Get(summaries, "setup.producer.minor_faults");
  EXPECT_EQ(faults.unit(), "count");
  EXPECT_EQ(faults.n(), 3u);  // the warm-up's 999999 is not among them
  EXPECT_DOUBLE_EQ(faults.median(), 20);
  EXPECT_DOUBLE_EQ(faults.max(), 30);
  EXPECT_EQ(Get(summaries, "setup.producer.user_cpu_ns").unit(), "ns");
  EXPECT_DOUBLE_EQ(Get(summaries, "setup.producer.user_cpu_ns").median(), 500);

  // RssAnon 8192 -> 8192, 4096, 0: deltas 0, -4096, -8192.
  const v1::MetricSummary& rss = Get(summaries, "setup.producer.rss_anon_delta_bytes");
  EXPECT_EQ(rss.unit(), "bytes");
  EXPECT_DOUBLE_EQ(rss.median(), -4096);
  EXPECT_DOUBLE_EQ(rss.min(), -8192);
  EXPECT_DOUBLE_EQ(rss.max(), 0);

  const v1::MetricSummary& consumer = Get(summaries, "steady.consumer.minor_faults");
  EXPECT_EQ(consumer.n(), 1u);
  EXPECT_DOUBLE_EQ(consumer.median(), 7);
}

TEST(SummarizeCase, NoBytesNoThroughput) {
  v1::RepetitionResult repetition;
  AddPhase(&repetition, "first_touch", 5000);
  EXPECT_THAT(Names(SummarizeCase({repetition})), ElementsAre("first_touch.wall_ns"));
}

TEST(FindMetric, ByExactName) {
  v1::CaseResult result;
  for (const v1::MetricSummary& summary : SummarizeCase(ThreeRepetitions())) {
    *result.add_summaries() = summary;
  }
  const v1::MetricSummary* wall = FindMetric(result, "steady.wall_ns");
  ASSERT_NE(wall, nullptr);
  EXPECT_DOUBLE_EQ(wall->median(), 2000);
  EXPECT_EQ(FindMetric(result, "steady"), nullptr);
  EXPECT_EQ(FindMetric(result, "teardown.wall_ns"), nullptr);
}

TEST(MetricName, JoinsWithDots) {
  EXPECT_EQ(MetricName("steady", "wall_ns"), "steady.wall_ns");
  EXPECT_EQ(MetricName("steady", "producer", "minor_faults"), "steady.producer.minor_faults");
}

TEST(Statistics, SummarizeFillsEveryField) {
  // The textbook set: mean 5, sum of squared deviations 32.
  const v1::MetricSummary summary = Summarize("steady.wall_ns", "ns", {2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(summary.name(), "steady.wall_ns");
  EXPECT_EQ(summary.unit(), "ns");
  EXPECT_EQ(summary.n(), 8u);
  EXPECT_DOUBLE_EQ(summary.median(), 4.5);
  EXPECT_DOUBLE_EQ(summary.mean(), 5.0);
  EXPECT_DOUBLE_EQ(summary.min(), 2.0);
  EXPECT_DOUBLE_EQ(summary.max(), 9.0);
  EXPECT_DOUBLE_EQ(summary.stddev(), std::sqrt(32.0 / 7.0));
  // |x - 4.5| sorted: 0.5 x5, 2.5, 2.5, 4.5 -> median 0.5.
  EXPECT_DOUBLE_EQ(summary.mad(), 0.5);
  EXPECT_DOUBLE_EQ(summary.cv(), std::sqrt(32.0 / 7.0) / 5.0);
}

TEST(Statistics, SummarizeEmptyHasNoValues) {
  const v1::MetricSummary summary = Summarize("x", "count", {});
  EXPECT_EQ(summary.name(), "x");
  EXPECT_EQ(summary.n(), 0u);
  EXPECT_EQ(summary.median(), 0.0);
  EXPECT_EQ(summary.min(), 0.0);
  EXPECT_EQ(summary.max(), 0.0);
}

}  // namespace
}  // namespace ipclab::results
