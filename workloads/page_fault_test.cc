// Ground truth for `page_fault` against the running kernel. Tolerances:
// fault counts ±1% (a 4 KiB region is 1 page, so +4 absolute for the odd
// stray fault of the process itself); "does not grow" means by less than 1% of
// the region. Tests the host cannot support are skipped with the reason.
#include "workloads/catalog.h"
#include "workloads/testing/expectation_testing.h"

#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/size.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/model/expectations.h"
#include "results/model/summary.h"
#include "workloads/host_info.h"
#include "workloads/hugepages.h"
#include "workloads/registry.h"

// In the namespace of its test support (expectation_testing.h), whose
// helpers and constants it uses throughout.
namespace ipclab::workloads::expectation_testing {
namespace {

absl::StatusOr<v1::RepetitionResult> RunPageFault(const Params& params) {
  return RunCase("page_fault", params);
}

v1::RepetitionResult RunOk(const Params& params) { return RunCaseOk("page_fault", params); }

const v1::RoleMeasurement& Toucher(const v1::RepetitionResult& result, const std::string& phase) {
  for (const v1::PhaseResult& p : result.phases()) {
    if (p.name() == phase && p.roles_size() == 1) return p.roles(0);
  }
  ADD_FAILURE() << "no phase " << phase;
  static const v1::RoleMeasurement kEmpty;
  return kEmpty;
}

// The perf counter agrees with getrusage for trapping faults.
void ExpectPerfNear(const v1::RoleMeasurement& role, double count, double tolerance) {
  if (!role.counters().perf_available()) return;  // host forbids perf events
  EXPECT_NEAR(static_cast<double>(role.counters().perf_page_faults()), count, tolerance)
      << "perf_event page faults";
}

TEST(PageFault, RefusesSizesThePageKindCannotMap) {
  EXPECT_TRUE(IsInvalidArgumentNaming(RunPageFault({{"region_bytes", "5000"}}).status(),
                                      "region_bytes=5000"));
  EXPECT_TRUE(IsInvalidArgumentNaming(
      RunPageFault({{"region_bytes", "3MiB"}, {"huge_pages", "hugetlb"}}).status(),
      "region_bytes=3MiB is not a multiple of 2MiB"));
  EXPECT_TRUE(IsInvalidArgumentNaming(
      RunPageFault({{"region_bytes", "64MiB"}, {"huge_pages", "hugetlb_1g"}}).status(),
      "not a multiple of 1GiB"));
  EXPECT_TRUE(IsInvalidArgumentNaming(RunPageFault({{"access", "execute"}}).status(), "access"));
}

TEST(PageFault, WriteTakesOneFaultPerPageAndGrowsRssAnon) {
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}});
  ASSERT_EQ(result.phases_size(), 3);
  EXPECT_EQ(result.phases(0).name(), "setup");
  EXPECT_EQ(result.phases(1).name(), "write");
  EXPECT_EQ(result.phases(2).name(), "teardown");
  EXPECT_LE(Faults(Toucher(result, "setup")), 4) << "mmap alone takes no faults";
  const v1::RoleMeasurement& write = Toucher(result, "write");
  EXPECT_NEAR(Faults(write), kPages, kPages * 0.01);
  ExpectPerfNear(write, kPages, kPages * 0.01);
  EXPECT_EQ(write.counters().major_faults(), 0u);
  EXPECT_NEAR(RssAnonGrowth(write), kRegion, kRegion * 0.01);
  EXPECT_EQ(write.memory_after().anon_huge_pages_bytes(), 0u) << "huge_pages=none gave huge pages";
  // messages = pages, bytes = region: messages_per_sec is pages per second.
  EXPECT_EQ(result.phases(1).messages(), 16384u);
  EXPECT_EQ(result.phases(1).bytes(), kRegion);
  EXPECT_GT(result.phases(1).messages_per_sec(), 0);
  EXPECT_LT(RssAnonGrowth(Toucher(result, "teardown")), -0.99 * kRegion) << "munmap gives it back";
}

TEST(PageFault, ReadMapsTheZeroPageSoRssDoesNotGrow) {
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}, {"access", "read"}});
  ASSERT_EQ(result.phases_size(), 3);
  const v1::RoleMeasurement& read = Toucher(result, "read");
  EXPECT_NEAR(Faults(read), kPages, kPages * 0.01);
  ExpectPerfNear(read, kPages, kPages * 0.01);
  EXPECT_LT(std::abs(RssAnonGrowth(read)), kRegion * 0.01);
}

TEST(PageFault, ReadThenWriteFaultsInBothPhases) {
  const v1::RepetitionResult result =
      RunOk({{"region_bytes", "64MiB"}, {"access", "read_then_write"}});
  ASSERT_EQ(result.phases_size(), 4);
  EXPECT_NEAR(Faults(Toucher(result, "read")), kPages, kPages * 0.01);
  EXPECT_LT(std::abs(RssAnonGrowth(Toucher(result, "read"))), kRegion * 0.01);
  const v1::RoleMeasurement& write = Toucher(result, "write");
  EXPECT_NEAR(Faults(write), kPages, kPages * 0.01) << "the write replaces the zero page";
  EXPECT_NEAR(RssAnonGrowth(write), kRegion, kRegion * 0.01);
}

// KERNEL-FACTS #4: populate faults count in getrusage but not in the perf
// event, and the later writes take none.
TEST(PageFault, PopulatePaysInSetupAsGetrusageNotPerfCounts) {
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}, {"populate", "true"}});
  const v1::RoleMeasurement& setup = Toucher(result, "setup");
  EXPECT_NEAR(Faults(setup), kPages, kPages * 0.01);
  ExpectPerfNear(setup, 0, 4);
  EXPECT_NEAR(RssAnonGrowth(setup), kRegion, kRegion * 0.01);
  const v1::RoleMeasurement& write = Toucher(result, "write");
  EXPECT_LE(Faults(write), 4);
  ExpectPerfNear(write, 0, 4);
  EXPECT_LT(std::abs(RssAnonGrowth(write)), kRegion * 0.01);
}

TEST(PageFault, SharedMemoryGrowsRssShmemNotRssAnon) {
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}, {"shared", "true"}});
  const v1::RoleMeasurement& write = Toucher(result, "write");
  EXPECT_NEAR(Faults(write), kPages, kPages * 0.01);
  EXPECT_NEAR(
      Growth(write.memory_before().rss_shmem_bytes(), write.memory_after().rss_shmem_bytes()),
      kRegion, kRegion * 0.01);
  EXPECT_LT(std::abs(RssAnonGrowth(write)), kRegion * 0.01);
}

TEST(PageFault, TransparentHugePagesTakeOneFaultPer2MiB) {
  const std::string enabled = ReadThpSetting("enabled");
  if (!ThpHonorsMadvise(enabled)) {
    GTEST_SKIP() << "transparent_hugepage/enabled=" << enabled
                 << ": MADV_HUGEPAGE cannot get THP here";
  }
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}, {"huge_pages", "thp"}});
  const v1::RoleMeasurement& write = Toucher(result, "write");
  // 32 huge pages: exactly one fault each; a range that falls back to 4 KiB
  // pages would add 511.
  EXPECT_GE(Faults(write), 32);
  EXPECT_LE(Faults(write), 32 + 4);
  const double huge = Growth(write.memory_before().anon_huge_pages_bytes(),
                             write.memory_after().anon_huge_pages_bytes());
  EXPECT_GE(huge, 0.9 * kRegion) << "THP fell back to 4 KiB pages";
  EXPECT_LE(huge, kRegion);
  EXPECT_EQ(result.notes().at("thp_enabled"), enabled);
}

// Reserves `pages` 2 MiB pages for the test (giving them back in every path)
// or skips it with the reason.
#define IPCLAB_RESERVE_HUGE_PAGES_OR_SKIP(guard, page_size, pages)                                \
  absl::StatusOr<HugePageReservation> guard##_or = HugePageReservation::Ensure(page_size, pages); \
  if (!guard##_or.ok()) GTEST_SKIP() << "cannot reserve huge pages: " << guard##_or.status();     \
  HugePageReservation guard = std::move(guard##_or).value()

TEST(PageFault, HugetlbShowsInHugetlbPagesNotVmRss) {
  const uint64_t total_before = ReadHugePagePool(kHugePage2MiB).value().total_pages;
  {
    IPCLAB_RESERVE_HUGE_PAGES_OR_SKIP(reservation, kHugePage2MiB, 32);
    const v1::RepetitionResult result =
        RunOk({{"region_bytes", "64MiB"}, {"huge_pages", "hugetlb"}});
    EXPECT_LE(Faults(Toucher(result, "setup")), 4) << "mmap reserves, it does not fault";
    const v1::RoleMeasurement& write = Toucher(result, "write");
    EXPECT_GE(Faults(write), 32);
    EXPECT_LE(Faults(write), 32 + 4);
    EXPECT_EQ(Growth(write.memory_before().hugetlb_bytes(), write.memory_after().hugetlb_bytes()),
              kRegion);
    EXPECT_LT(
        std::abs(Growth(write.memory_before().vm_rss_bytes(), write.memory_after().vm_rss_bytes())),
        kRegion * 0.01);
  }
  EXPECT_EQ(ReadHugePagePool(kHugePage2MiB).value().total_pages, total_before)
      << "nr_hugepages was not put back";
}

TEST(PageFault, HugetlbWithoutFreePagesSaysHowToReserveThem) {
  // Holds the pool still (no other test reserves meanwhile); adds nothing.
  absl::StatusOr<HugePageReservation> hold = HugePageReservation::Ensure(kHugePage2MiB, 0);
  if (!hold.ok()) GTEST_SKIP() << hold.status();
  absl::StatusOr<HugePagePoolState> pool = ReadHugePagePool(kHugePage2MiB);
  if (!pool.ok()) GTEST_SKIP() << pool.status();
  // One page more than the pool can give; nothing is mapped before the check.
  const uint64_t pages = pool->available_pages() + 1;
  const absl::Status status =
      RunPageFault(
          {{"region_bytes", base::FormatSize(pages * kHugePage2MiB)}, {"huge_pages", "hugetlb"}})
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(status.message(), absl::StrCat("needs ", pages, " free 2 MiB huge pages")))
      << status;
  EXPECT_TRUE(absl::StrContains(
      status.message(), absl::StrCat("echo ", pool->total_pages + 1,
                                     " > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")))
      << status;
}

TEST(PageFault, Hugetlb1GiBPages) {
  const uint64_t total_before = ReadHugePagePool(kHugePage1GiB).ok()
                                    ? ReadHugePagePool(kHugePage1GiB).value().total_pages
                                    : 0;
  {
    IPCLAB_RESERVE_HUGE_PAGES_OR_SKIP(reservation, kHugePage1GiB, 1);
    const v1::RepetitionResult result =
        RunOk({{"region_bytes", "1GiB"}, {"huge_pages", "hugetlb_1g"}});
    const v1::RoleMeasurement& write = Toucher(result, "write");
    EXPECT_GE(Faults(write), 1);
    EXPECT_LE(Faults(write), 1 + 4);
    EXPECT_EQ(Growth(write.memory_before().hugetlb_bytes(), write.memory_after().hugetlb_bytes()),
              1024 * kMiB);
    EXPECT_LT(
        std::abs(Growth(write.memory_before().vm_rss_bytes(), write.memory_after().vm_rss_bytes())),
        10 * kMiB);
  }
  EXPECT_EQ(ReadHugePagePool(kHugePage1GiB).value().total_pages, total_before);
}

// ---------------------------------------------------------------- Expect

std::vector<v1::Expectation> ExpectFor(Params params, const v1::HostInfo& host) {
  v1::RunRequest request;
  request.set_workload("page_fault");
  request.mutable_params()->insert(params.begin(), params.end());
  const v1::Case c = ResolveCases(request).value().at(0);
  return FindWorkload("page_fault").value()->Expect(CaseParams::FromCase(c), host);
}

const v1::Expectation* Find(const std::vector<v1::Expectation>& expectations,
                            const std::string& metric) {
  for (const v1::Expectation& expectation : expectations) {
    if (expectation.metric() == metric) return &expectation;
  }
  return nullptr;
}

// Each metric of `predicted` has an expectation that expects that value.
void ExpectPredictions(const std::vector<v1::Expectation>& expectations,
                       const std::map<std::string, double>& predicted) {
  for (const auto& [metric, value] : predicted) {
    const v1::Expectation* expectation = Find(expectations, metric);
    if (expectation == nullptr) {
      ADD_FAILURE() << "no expectation for " << metric;
      continue;
    }
    EXPECT_DOUBLE_EQ(expectation->expected(), value) << metric;
  }
}

v1::HostInfo Host(const std::string& thp_enabled, bool perf) {
  v1::HostInfo host;
  host.set_thp_enabled(thp_enabled);
  host.set_perf_events_allowed(perf);
  return host;
}

// DESIGN.md's examples: 1 GiB written through 4 KiB pages -> 262144 faults.
TEST(PageFaultExpect, OneGiBWrittenThrough4KiBPages) {
  const std::vector<v1::Expectation> expected =
      ExpectFor({{"region_bytes", "1GiB"}}, Host("madvise", true));
  const v1::Expectation* faults = Find(expected, "write.toucher.minor_faults");
  ASSERT_NE(faults, nullptr);
  EXPECT_DOUBLE_EQ(faults->expected(), 262144);
  EXPECT_DOUBLE_EQ(faults->lower(), 262144 - 2621.44 - 4);
  EXPECT_DOUBLE_EQ(faults->upper(), 262144 + 2621.44 + 4);
  EXPECT_EQ(faults->counter(), "getrusage");
  EXPECT_EQ(faults->description(), "1GiB written through 4 KiB pages: one fault per page (262144)");
  const v1::Expectation* perf = Find(expected, "write.toucher.perf_page_faults");
  ASSERT_NE(perf, nullptr);
  EXPECT_EQ(perf->counter(), "perf_event");
  const v1::Expectation* rss = Find(expected, "write.toucher.rss_anon_delta_bytes");
  ASSERT_NE(rss, nullptr);
  EXPECT_DOUBLE_EQ(rss->expected(), 1 << 30);
  EXPECT_EQ(Find(expected, "write.toucher.anon_huge_pages_delta_bytes"), nullptr);
}

TEST(PageFaultExpect, ThpTakesOneFaultPerHugePage) {
  const std::vector<v1::Expectation> expected =
      ExpectFor({{"region_bytes", "1GiB"}, {"huge_pages", "thp"}}, Host("always", false));
  EXPECT_DOUBLE_EQ(Find(expected, "write.toucher.minor_faults")->expected(), 512);
  EXPECT_EQ(Find(expected, "write.toucher.perf_page_faults"), nullptr) << "perf not allowed";
  const v1::Expectation* huge = Find(expected, "write.toucher.anon_huge_pages_delta_bytes");
  ASSERT_NE(huge, nullptr);
  EXPECT_DOUBLE_EQ(huge->expected(), 1 << 30);
  EXPECT_DOUBLE_EQ(huge->lower(), 0.9 * (1 << 30));
  EXPECT_EQ(huge->if_deviated().rfind("THP fell back to 4 KiB pages", 0), 0u)
      << huge->if_deviated();
}

// Where THP is off, the expectation itself says so and predicts 4 KiB pages.
TEST(PageFaultExpect, ThpNeverSaysSoAndExpects4KiBPages) {
  const std::vector<v1::Expectation> expected =
      ExpectFor({{"region_bytes", "64MiB"}, {"huge_pages", "thp"}}, Host("never", true));
  const v1::Expectation* faults = Find(expected, "write.toucher.minor_faults");
  EXPECT_DOUBLE_EQ(faults->expected(), 16384);
  EXPECT_TRUE(absl::StartsWith(faults->description(),
                               "THP requested but transparent_hugepage/enabled=never on this host"))
      << faults->description();
  const v1::Expectation* huge = Find(expected, "write.toucher.anon_huge_pages_delta_bytes");
  EXPECT_DOUBLE_EQ(huge->upper(), 0);
}

TEST(PageFaultExpect, PopulateMovesTheFaultsToSetupForGetrusageOnly) {
  const std::vector<v1::Expectation> expected =
      ExpectFor({{"region_bytes", "64MiB"}, {"populate", "true"}}, Host("madvise", true));
  ExpectPredictions(expected, {{"setup.toucher.minor_faults", 16384},
                               {"setup.toucher.perf_page_faults", 0},
                               {"write.toucher.minor_faults", 0},
                               {"write.toucher.perf_page_faults", 0}});
}

TEST(PageFaultExpect, HugetlbGrowsHugetlbPagesNotVmRss) {
  const std::vector<v1::Expectation> expected =
      ExpectFor({{"region_bytes", "1GiB"}, {"huge_pages", "hugetlb"}}, Host("madvise", false));
  ExpectPredictions(expected, {{"write.toucher.minor_faults", 512},
                               {"write.toucher.hugetlb_delta_bytes", 1 << 30},
                               {"write.toucher.vm_rss_delta_bytes", 0}});
  EXPECT_EQ(Find(expected, "write.toucher.rss_anon_delta_bytes"), nullptr);
}

TEST(PageFaultExpect, ReadThenWriteFaultsTwice) {
  const std::vector<v1::Expectation> expected =
      ExpectFor({{"region_bytes", "64MiB"}, {"access", "read_then_write"}}, Host("madvise", false));
  ExpectPredictions(expected, {{"read.toucher.minor_faults", 16384},
                               {"read.toucher.rss_anon_delta_bytes", 0},
                               {"write.toucher.minor_faults", 16384},
                               {"write.toucher.rss_anon_delta_bytes", 64 << 20}});
}

// Every expectation page_fault states for a case holds on this kernel: runs
// each case once, summarizes it as the server does, and judges it.
class PageFaultExpectationTest : public testing::TestWithParam<Params> {};

TEST_P(PageFaultExpectationTest, KernelDoesWhatTheExpectationSays) {
  // THP cases are judged on every host: where THP is off, the expectation
  // itself says so (4 KiB pages, AnonHugePages 0).
  ExpectKernelDoesWhatTheExpectationSays("page_fault", GetParam(), 8);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PageFaultExpectationTest,
    testing::Values(
        Params{{"access", "write"}}, Params{{"access", "read"}},
        Params{{"access", "read_then_write"}}, Params{{"access", "write"}, {"populate", "true"}},
        Params{{"access", "read_then_write"}, {"populate", "true"}},
        Params{{"access", "write"}, {"shared", "true"}},
        Params{{"access", "read_then_write"}, {"shared", "true"}},
        Params{{"access", "read"}, {"shared", "true"}, {"populate", "true"}},
        Params{{"access", "write"}, {"huge_pages", "thp"}},
        Params{{"access", "read_then_write"}, {"huge_pages", "thp"}},
        Params{{"access", "write"}, {"huge_pages", "thp"}, {"populate", "true"}},
        Params{{"access", "write"}, {"huge_pages", "thp"}, {"shared", "true"}},
        Params{{"access", "write"}, {"huge_pages", "hugetlb"}},
        Params{{"access", "read_then_write"}, {"huge_pages", "hugetlb"}},
        Params{{"access", "read_then_write"}, {"huge_pages", "hugetlb"}, {"shared", "true"}},
        Params{{"access", "write"}, {"huge_pages", "hugetlb"}, {"populate", "true"}}));

}  // namespace
}  // namespace ipclab::workloads::expectation_testing
