// Behaviour of the real workloads: real processes, real pipes and shared
// memory, data verified end to end.
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "workloads/harness.h"
#include "workloads/registry.h"
#include "workloads/sys/cpu.h"
#include "workloads/testing/expectation_testing.h"
#include "workloads/worker.h"

namespace ipclab::workloads {
namespace {

v1::RepetitionResult RunOnce(const std::string& workload_name,
                             std::map<std::string, std::string> overrides, bool verify = true) {
  RunContext context;
  context.verify = verify;
  return expectation_testing::RunCaseOk(workload_name, overrides, context);
}

using expectation_testing::Phase;

// The aggregate "cpu  " line is not CPU number <its user ticks>: reading it
// as one made every repetition allocate and zero ~24 MB (65 ms each here).
TEST(ProcStat, OnlyPerCpuLinesAreCpus) {
  const std::string text =
      "cpu  1532676 12 80000 900000 5 0 700 300 0 0\n"
      "cpu0 100 0 50 1000 0 0 10 40 0 0\n"
      "cpu1 200 5 60 1000 0 0 20 7 0 0\n"
      "intr 123 4 5\n"
      "cpufreq nonsense\n";
  const std::vector<harness_internal::CpuTimes> cpus =
      harness_internal::ParseProcStat(text, /*tick_ns=*/10'000'000);
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus[0].busy_ns, (100 + 50 + 10 + 40) * 10'000'000LL);
  EXPECT_EQ(cpus[0].steal_ns, 40 * 10'000'000LL);
  EXPECT_EQ(cpus[1].busy_ns, (200 + 5 + 60 + 20 + 7) * 10'000'000LL);
}

// A pinned role was seen on its CPU and on no other.
void ExpectRanOnlyOnItsCpu(const v1::RolePlacement& role) {
  ASSERT_EQ(role.observed_cpus_size(), 1) << role.role();
  EXPECT_EQ(role.observed_cpus(0), role.pinned_cpu()) << role.role();
}

TEST(Placement, SamePinsBothRolesToOneCpu) {
  const v1::RepetitionResult result =
      RunOnce("pipe", {{"total_bytes", "1MiB"}, {"placement", "same"}}, false);
  ASSERT_EQ(result.placement().roles_size(), 2);
  EXPECT_EQ(result.placement().requested(), "same");
  const v1::RolePlacement& producer = result.placement().roles(0);
  const v1::RolePlacement& consumer = result.placement().roles(1);
  EXPECT_GE(producer.pinned_cpu(), 0);
  EXPECT_EQ(producer.pinned_cpu(), consumer.pinned_cpu());
  for (const v1::RolePlacement& role : result.placement().roles()) ExpectRanOnlyOnItsCpu(role);
}

TEST(Placement, CrossPinsRolesToDifferentCpus) {
  if (sys::AllowedCpus().value().size() < 2) GTEST_SKIP() << "needs 2 allowed CPUs";
  const v1::RepetitionResult result =
      RunOnce("shm_posix", {{"total_bytes", "1MiB"}, {"placement", "cross"}}, false);
  ASSERT_EQ(result.placement().roles_size(), 2);
  const v1::RolePlacement& producer = result.placement().roles(0);
  const v1::RolePlacement& consumer = result.placement().roles(1);
  EXPECT_NE(producer.pinned_cpu(), consumer.pinned_cpu());
  for (const v1::RolePlacement& role : result.placement().roles()) ExpectRanOnlyOnItsCpu(role);
}

TEST(Placement, NoneRecordsWhereRolesRan) {
  const v1::RepetitionResult result = RunOnce("pipe", {{"total_bytes", "1MiB"}}, false);
  for (const v1::RolePlacement& role : result.placement().roles()) {
    EXPECT_EQ(role.pinned_cpu(), -1);
    EXPECT_GE(role.observed_cpus_size(), 1) << role.role();
  }
}

TEST(Pipe, ReportsTheCapacityTheKernelGranted) {
  const v1::RepetitionResult result =
      RunOnce("pipe", {{"total_bytes", "1MiB"}, {"pipe_capacity", "100000"}}, false);
  // F_SETPIPE_SZ rounds up to a power of two pages: 100000 -> 128 KiB.
  EXPECT_EQ(result.notes().at("pipe_capacity_actual"), "128KiB");
}

// The shared ring's pages are faulted in the warm phase (the first pass), so
// the steady phase of a stream takes (almost) no faults in either role.
TEST(ShmPosix, WarmPhaseTakesTheRingFaults) {
  const v1::RepetitionResult result =
      RunOnce("shm_posix",
              {{"total_bytes", "16MiB"}, {"ring_bytes", "1MiB"}, {"message_size", "64KiB"}}, false);
  const v1::PhaseResult& warm = Phase(result, "warm");
  const v1::PhaseResult& steady = Phase(result, "steady");
  // Producer writes 256 fresh shmem pages: one fault each (write faults get no
  // fault-around). Allow a few for stack/TLS noise.
  EXPECT_GE(warm.roles(0).counters().minor_faults(), 256u);
  EXPECT_LE(warm.roles(0).counters().minor_faults(), 256u + 8);
  EXPECT_LE(steady.roles(0).counters().minor_faults(), 8u);
  EXPECT_LE(steady.roles(1).counters().minor_faults(), 8u);
  // The ring shows up as shared memory in the producer's RSS: 1 MiB.
  const int64_t shmem_growth =
      static_cast<int64_t>(warm.roles(0).memory_after().rss_shmem_bytes()) -
      static_cast<int64_t>(warm.roles(0).memory_before().rss_shmem_bytes());
  EXPECT_GE(shmem_growth, 1 << 20);
  EXPECT_LE(shmem_growth, (1 << 20) + (64 << 10));
}

}  // namespace
}  // namespace ipclab::workloads
