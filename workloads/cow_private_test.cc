// Ground truth for `cow_private` (KERNEL-FACTS #8) and the harness's
// sub-roles it is built on. Tolerances: the child's faults are the written
// pages + at most 2 (its first touch of a harness page); memory ±1%.
#include "workloads/catalog.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/model/expectations.h"
#include "results/model/summary.h"
#include "workloads/harness.h"
#include "workloads/host_info.h"
#include "workloads/hugepages.h"
#include "workloads/registry.h"
#include "workloads/testing/expectation_testing.h"

// In the namespace of its test support (expectation_testing.h), whose
// helpers and constants it uses throughout.
namespace ipclab::workloads::expectation_testing {
namespace {

absl::StatusOr<v1::RepetitionResult> RunCow(const Params& params, const RunContext& context = {}) {
  return RunCase("cow_private", params, context);
}

v1::RepetitionResult RunOk(const Params& params, const RunContext& context = {}) {
  return RunCaseOk("cow_private", params, context);
}

const v1::RoleMeasurement& Role(const v1::RepetitionResult& result, const std::string& phase,
                                const std::string& role) {
  for (const v1::RoleMeasurement& r : Phase(result, phase).roles()) {
    if (r.role() == role) return r;
  }
  ADD_FAILURE() << "no role " << role << " in " << phase;
  static const v1::RoleMeasurement kEmpty;
  return kEmpty;
}

double PssGrowth(const v1::RoleMeasurement& r) {
  return Growth(r.memory_before().pss_bytes(), r.memory_after().pss_bytes());
}

void ExpectChildFaults(const v1::RoleMeasurement& child, double pages) {
  EXPECT_GE(Faults(child), pages);
  EXPECT_LE(Faults(child), pages + 2);
  if (child.counters().perf_available()) {
    EXPECT_GE(static_cast<double>(child.counters().perf_page_faults()), pages);
    EXPECT_LE(static_cast<double>(child.counters().perf_page_faults()), pages + 2);
  }
}

int DirEntries(const std::string& path) {
  int count = 0;
  DIR* dir = ::opendir(path.c_str());
  while (const dirent* entry = dir ? ::readdir(dir) : nullptr) {
    if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..") ++count;
  }
  if (dir) ::closedir(dir);
  return count;
}

TEST(CowPrivate, RefusesCombinationsThatMakeNoSense) {
  EXPECT_TRUE(IsInvalidArgumentNaming(
      RunCow({{"region_bytes", "16MiB"}, {"write_bytes", "32MiB"}}).status(),
      "write_bytes=32MiB is larger than region_bytes=16MiB"));
  EXPECT_TRUE(IsInvalidArgumentNaming(RunCow({{"backing", "file"}, {"huge_pages", "thp"}}).status(),
                                      "backing=file"));
  EXPECT_TRUE(
      IsInvalidArgumentNaming(RunCow({{"write_bytes", "1000"}}).status(), "write_bytes=1000"));
  EXPECT_EQ(RunCow({{"region_bytes", "3MiB"}, {"huge_pages", "hugetlb"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// KERNEL-FACTS #8: the child copies every page it writes (one fault each),
// yet its RssAnon does not move; Pss grows by half the written bytes.
TEST(CowPrivate, ChildCopiesParentPagesWithoutRssAnonGrowth) {
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}});
  ASSERT_EQ(result.phases_size(), 5);
  const char* phases[] = {"setup", "parent_write", "fork", "child_write", "teardown"};
  for (int p = 0; p < 5; ++p) EXPECT_EQ(result.phases(p).name(), phases[p]);
  // The child exists from child_write on.
  EXPECT_EQ(Phase(result, "fork").roles_size(), 1);
  EXPECT_EQ(Phase(result, "child_write").roles_size(), 2);
  EXPECT_EQ(Phase(result, "teardown").roles_size(), 2);

  EXPECT_NEAR(Faults(Role(result, "parent_write", "parent")), kPages, kPages * 0.01);
  const v1::RoleMeasurement& child = Role(result, "child_write", "child");
  ExpectChildFaults(child, kPages);
  EXPECT_LT(std::abs(RssAnonGrowth(child)), kRegion * 0.01) << "RSS alone cannot show COW";
  EXPECT_NEAR(PssGrowth(child), kRegion / 2, kRegion * 0.01);
  EXPECT_EQ(Phase(result, "child_write").messages(), 16384u);
  EXPECT_EQ(Phase(result, "child_write").bytes(), kRegion);
  EXPECT_LE(Faults(Role(result, "child_write", "parent")), 4) << "the parent idles";
  EXPECT_GT(Role(result, "fork", "parent").wall_ns(), 0);
}

TEST(CowPrivate, UntouchedParentPagesAreFreshInTheChild) {
  const v1::RepetitionResult result =
      RunOk({{"region_bytes", "64MiB"}, {"parent_writes", "false"}});
  ASSERT_EQ(result.phases_size(), 4);  // no parent_write
  const v1::RoleMeasurement& child = Role(result, "child_write", "child");
  ExpectChildFaults(child, kPages);
  EXPECT_NEAR(RssAnonGrowth(child), kRegion, kRegion * 0.01);
  EXPECT_NEAR(PssGrowth(child), kRegion, kRegion * 0.01);
}

TEST(CowPrivate, PartialWriteCopiesOnlyTheWrittenPages) {
  const v1::RepetitionResult result = RunOk({{"region_bytes", "64MiB"}, {"write_bytes", "16MiB"}});
  const v1::RoleMeasurement& child = Role(result, "child_write", "child");
  ExpectChildFaults(child, 4096);
  EXPECT_NEAR(PssGrowth(child), 8 * kMiB, kRegion * 0.01);
}

// A private file mapping in a tmpfs scratch directory: the child's writes
// copy the page-cache pages (parent_writes=false) or the parent's copies;
// the file never has a name, so the directory stays empty.
TEST(CowPrivate, FileBackingLeavesNothingInTheScratchDirectory) {
  char scratch[] = "/dev/shm/ipclab-cow-test-XXXXXX";
  ASSERT_NE(::mkdtemp(scratch), nullptr);
  RunContext context;
  context.scratch_tmpfs = scratch;
  for (const char* parent_writes : {"true", "false"}) {
    const v1::RepetitionResult result =
        RunOk({{"region_bytes", "64MiB"}, {"backing", "file"}, {"parent_writes", parent_writes}},
              context);
    const v1::RoleMeasurement& child = Role(result, "child_write", "child");
    ExpectChildFaults(child, kPages);
    if (std::string(parent_writes) == "true") {
      EXPECT_NEAR(Faults(Role(result, "parent_write", "parent")), kPages, kPages * 0.01)
          << "write faults on a file mapping get no fault-around";
      EXPECT_LT(std::abs(RssAnonGrowth(child)), kRegion * 0.01);
    } else {
      EXPECT_NEAR(RssAnonGrowth(child), kRegion, kRegion * 0.01);
    }
    EXPECT_EQ(result.notes().at("scratch_tmpfs"), scratch);
    EXPECT_EQ(DirEntries(scratch), 0) << "a file was left in the scratch directory";
  }
  EXPECT_EQ(::rmdir(scratch), 0);
}

TEST(CowPrivate, FileBackingNeedsTheScratchDirectory) {
  RunContext context;
  context.scratch_tmpfs = "/nonexistent/ipclab";
  const absl::Status status = RunCow({{"backing", "file"}}, context).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "/nonexistent/ipclab")) << status;
}

TEST(CowPrivate, HugetlbCopiesWholeHugePages) {
  const uint64_t total_before = ReadHugePagePool(kHugePage2MiB).value().total_pages;
  {
    // 32 for the parent, 32 for the child's copies.
    absl::StatusOr<HugePageReservation> reservation =
        HugePageReservation::Ensure(kHugePage2MiB, 64);
    if (!reservation.ok()) GTEST_SKIP() << "cannot reserve huge pages: " << reservation.status();
    const v1::RepetitionResult result =
        RunOk({{"region_bytes", "64MiB"}, {"huge_pages", "hugetlb"}});
    const v1::RoleMeasurement& child = Role(result, "child_write", "child");
    ExpectChildFaults(child, 32);
    EXPECT_EQ(Growth(child.memory_before().hugetlb_bytes(), child.memory_after().hugetlb_bytes()),
              0)
        << "the copies replace pages the child already counted";
  }
  EXPECT_EQ(ReadHugePagePool(kHugePage2MiB).value().total_pages, total_before);
}

TEST(CowPrivateExpect, ChildFaultsOncePerWrittenPageAndRssShowsNoCopy) {
  v1::RunRequest request;
  request.set_workload("cow_private");
  (*request.mutable_params())["region_bytes"] = "256MiB";
  const v1::Case c = ResolveCases(request).value().at(0);
  v1::HostInfo host;
  host.set_thp_enabled("madvise");
  const std::vector<v1::Expectation> expected =
      FindWorkload("cow_private").value()->Expect(CaseParams::FromCase(c), host);
  std::map<std::string, const v1::Expectation*> by_metric;
  for (const v1::Expectation& expectation : expected)
    by_metric[expectation.metric()] = &expectation;
  ASSERT_TRUE(by_metric.count("child_write.child.minor_faults"));
  EXPECT_DOUBLE_EQ(by_metric["child_write.child.minor_faults"]->expected(), 65536);
  EXPECT_DOUBLE_EQ(by_metric["child_write.child.rss_anon_delta_bytes"]->expected(), 0);
  EXPECT_DOUBLE_EQ(by_metric["child_write.child.pss_delta_bytes"]->expected(), 128 << 20);
  EXPECT_DOUBLE_EQ(by_metric["parent_write.parent.minor_faults"]->expected(), 65536);
  EXPECT_FALSE(by_metric.count("child_write.child.perf_page_faults")) << "perf not allowed";
}

class CowExpectationTest : public testing::TestWithParam<Params> {};

// Every expectation cow_private states holds on this kernel.
TEST_P(CowExpectationTest, KernelDoesWhatTheExpectationSays) {
  ExpectKernelDoesWhatTheExpectationSays("cow_private", GetParam(), 16);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CowExpectationTest,
    testing::Values(Params{}, Params{{"parent_writes", "false"}},
                    Params{{"parent_writes", "false"}, {"populate", "true"}},
                    Params{{"write_bytes", "4MiB"}}, Params{{"backing", "file"}},
                    Params{{"backing", "file"}, {"parent_writes", "false"}},
                    Params{{"backing", "file"}, {"parent_writes", "false"}, {"populate", "true"}},
                    Params{{"huge_pages", "thp"}},
                    Params{{"huge_pages", "thp"}, {"parent_writes", "false"}},
                    Params{{"huge_pages", "hugetlb"}},
                    Params{{"huge_pages", "hugetlb"}, {"parent_writes", "false"}},
                    Params{{"placement", "same"}}));

// ---------------------------------------------------------------- harness

using RoleBody = std::function<absl::Status(RoleContext&)>;

// The roles "parent" and "child", a sub-role the parent forks, which joins
// the lockstep at `first_phase`.
std::vector<RoleSpec> ParentAndChild(RoleBody parent, int first_phase, RoleBody child) {
  std::vector<RoleSpec> roles(2);
  roles[0].name = "parent";
  roles[0].body = std::move(parent);
  roles[1].name = "child";
  roles[1].forked_by = "parent";
  roles[1].first_phase = first_phase;
  roles[1].body = std::move(child);
  return roles;
}

// A phase in which `role` forks its sub-roles.
absl::Status StartSubRolesPhase(RoleContext& role) {
  return role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
    IPCLAB_RETURN_IF_ERROR(role.StartSubRoles());
    return PhaseWork{};
  });
}

absl::Status EmptyPhase(RoleContext& role) {
  return role.RunPhase([]() -> absl::StatusOr<PhaseWork> { return PhaseWork{}; });
}

// A sub-role forked by its role at a phase boundary shares that role's
// memory as it was then, and joins the lockstep at its first phase.
TEST(HarnessSubRole, SeesItsParentsMemoryAndJoinsLate) {
  static int value = 0;  // set by the parent role before it forks
  const std::vector<RoleSpec> roles = ParentAndChild(
      [](RoleContext& role) -> absl::Status {
        IPCLAB_RETURN_IF_ERROR(role.RunPhase([]() -> absl::StatusOr<PhaseWork> {
          value = 42;
          return PhaseWork{1, 1};
        }));
        IPCLAB_RETURN_IF_ERROR(StartSubRolesPhase(role));
        return EmptyPhase(role);
      },
      2,
      [](RoleContext& role) -> absl::Status {
        return role.RunPhase([]() -> absl::StatusOr<PhaseWork> {
          if (value != 42) return absl::InternalError("the child does not see the parent's write");
          return PhaseWork{7, 7};
        });
      });
  absl::StatusOr<RolesOutcome> outcome = RunRoles({"one", "two", "three"}, "none", roles, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  const v1::RepetitionResult& result = outcome->result;
  ASSERT_EQ(result.phases_size(), 3);
  EXPECT_EQ(result.phases(0).roles_size(), 1);
  EXPECT_EQ(result.phases(1).roles_size(), 1);
  ASSERT_EQ(result.phases(2).roles_size(), 2);
  EXPECT_EQ(result.phases(2).roles(1).role(), "child");
  EXPECT_EQ(result.phases(2).roles(1).bytes(), 7u);
  EXPECT_EQ(result.phases(2).messages(), 7u);
  EXPECT_EQ(result.placement().roles_size(), 2);
  EXPECT_EQ(outcome->checksums.size(), 2u);
  EXPECT_EQ(value, 0) << "the coordinator's memory is its own";
}

TEST(HarnessSubRole, DeathIsReportedWithTheSignal) {
  const std::vector<RoleSpec> roles = ParentAndChild(
      [](RoleContext& role) -> absl::Status {
        IPCLAB_RETURN_IF_ERROR(StartSubRolesPhase(role));
        return EmptyPhase(role);
      },
      1,
      [](RoleContext& role) -> absl::Status {
        return role.RunPhase([]() -> absl::StatusOr<PhaseWork> {
          ::raise(SIGKILL);  // as the OOM killer would
          return PhaseWork{};
        });
      });
  const absl::Status status = RunRoles({"one", "two"}, "none", roles, {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(status.message(), "child killed by signal 9 (SIGKILL")) << status;
}

// The forking role fails while its sub-role waits at the barrier: the error
// is the role's own, and nothing hangs (the sub-role is killed and reaped).
TEST(HarnessSubRole, ForkingRoleFailureStopsItsSubRole) {
  const std::vector<RoleSpec> roles = ParentAndChild(
      [](RoleContext& role) -> absl::Status {
        IPCLAB_RETURN_IF_ERROR(StartSubRolesPhase(role));
        return role.RunPhase(
            []() -> absl::StatusOr<PhaseWork> { return absl::ResourceExhaustedError("boom"); });
      },
      1,
      [](RoleContext& role) -> absl::Status {
        return role.RunPhase([]() -> absl::StatusOr<PhaseWork> {
          ::pause();  // until killed
          return PhaseWork{};
        });
      });
  const absl::Status status = RunRoles({"one", "two"}, "none", roles, {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(status.message(), "role parent: boom");
}

TEST(HarnessSubRole, MustBeStartedBeforeItsFirstPhase) {
  const std::vector<RoleSpec> roles = ParentAndChild(
      [](RoleContext& role) -> absl::Status {
        IPCLAB_RETURN_IF_ERROR(EmptyPhase(role));
        return EmptyPhase(role);
      },
      1, [](RoleContext&) { return absl::OkStatus(); });
  const absl::Status status = RunRoles({"one", "two"}, "none", roles, {}).status();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(
      absl::StrContains(status.message(), "sub-role child was not started before its first phase"))
      << status;
}

}  // namespace
}  // namespace ipclab::workloads::expectation_testing
