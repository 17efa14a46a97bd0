// The probes against numbers the kernel must produce.
#include "workloads/probes.h"

#include <sys/mman.h>
#include <unistd.h>

#include "base/fd.h"
#include "gtest/gtest.h"
#include "workloads/sys/child_process.h"

namespace ipclab::workloads {
namespace {

constexpr size_t kPage = 4096;

// A child writes one byte into each of N fresh anonymous pages: the kernel
// takes N minor faults (±1% for the stack and libc) and RssAnon grows by
// about N pages. Measured by the child itself with getrusage, and from the
// outside through /proc/PID by the parent, which must agree.
TEST(Probes, FreshAnonymousWritesFaultOncePerPage) {
  constexpr size_t kPages = 16384;  // 64 MiB
  auto pipe = base::MakePipe().value();
  auto go = base::MakePipe().value();
  auto child = sys::ChildProcess::Fork([&]() {
    char* region = static_cast<char*>(::mmap(nullptr, kPages * kPage, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (region == MAP_FAILED) return 1;
    ::madvise(region, kPages * kPage, MADV_NOHUGEPAGE);
    (void)EnablePerfFaultCounter();
    MemorySample before, after;
    (void)ReadMemory(0, &before);  // warm the reader
    (void)ReadMemory(0, &before);
    const CounterSample counters_before = ReadCountersSelf();
    for (size_t i = 0; i < kPages; ++i) region[i * kPage] = 1;
    const CounterSample counters_after = ReadCountersSelf();
    (void)ReadMemory(0, &after);
    const uint64_t report[4] = {counters_after.minor_faults - counters_before.minor_faults,
                                after.rss_anon - before.rss_anon,
                                counters_after.major_faults - counters_before.major_faults,
                                counters_after.perf_available ? counters_after.perf_page_faults -
                                                                    counters_before.perf_page_faults
                                                              : ~uint64_t{0}};
    (void)base::WriteFull(pipe.write_end.get(), report, sizeof(report));
    char byte;
    (void)base::ReadFull(go.read_end.get(), &byte, 1);  // stay alive for the parent's look
    return 0;
  });
  ASSERT_TRUE(child.ok()) << child.status();
  uint64_t report[4] = {};
  ASSERT_EQ(base::ReadFull(pipe.read_end.get(), report, sizeof(report)).value(), sizeof(report));
  EXPECT_NEAR(static_cast<double>(report[0]), kPages, kPages * 0.01) << "minor faults";
  EXPECT_NEAR(static_cast<double>(report[1]), kPages * kPage, kPages * kPage * 0.01)
      << "RssAnon growth";
  EXPECT_EQ(report[2], 0u) << "major faults";
  if (report[3] != ~uint64_t{0}) {
    EXPECT_NEAR(static_cast<double>(report[3]), kPages, kPages * 0.01) << "perf page-fault event";
  }

  // The same process seen from outside.
  MemorySample outside;
  ASSERT_TRUE(ReadMemory(child->pid(), &outside).ok());
  EXPECT_GE(outside.rss_anon, kPages * kPage);
  EXPECT_GE(outside.vm_rss, outside.rss_anon);
  EXPECT_GE(outside.vm_hwm, outside.vm_rss);
  EXPECT_GT(outside.pss, 0u);
  CounterSample counters;
  ASSERT_TRUE(ReadCounters(child->pid(), &counters).ok());
  EXPECT_GE(counters.minor_faults, kPages);
  ASSERT_TRUE(base::WriteFull(go.write_end.get(), "g", 1).ok());
  EXPECT_TRUE(child->Wait().value().ok());
}

// Reading untouched anonymous memory maps the shared zero page: one fault per
// page, and RSS does not grow.
TEST(Probes, ZeroPageReadsDoNotGrowRss) {
  constexpr size_t kPages = 4096;
  char* region = static_cast<char*>(
      ::mmap(nullptr, kPages * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(region, MAP_FAILED);
  ::madvise(region, kPages * kPage, MADV_NOHUGEPAGE);
  MemorySample before, after;
  ASSERT_TRUE(ReadMemory(0, &before).ok());
  ASSERT_TRUE(ReadMemory(0, &before).ok());
  const CounterSample counters_before = ReadCountersSelf();
  volatile char sink = 0;
  for (size_t i = 0; i < kPages; ++i) sink = sink + region[i * kPage];
  const CounterSample counters_after = ReadCountersSelf();
  ASSERT_TRUE(ReadMemory(0, &after).ok());
  EXPECT_NEAR(static_cast<double>(counters_after.minor_faults - counters_before.minor_faults),
              kPages, kPages * 0.01);
  EXPECT_LT(after.rss_anon - before.rss_anon, 64 * kPage);
  ::munmap(region, kPages * kPage);
}

TEST(Probes, MissingProcessIsNotFound) {
  MemorySample sample;
  const absl::Status status = ReadMemory(999999999, &sample);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_NE(status.message().find("/proc/999999999/status"), absl::string_view::npos) << status;
}

TEST(Probes, CounterDeltaSubtractsFieldByField) {
  CounterSample before{10, 1, 5, 2, 1000, 2000};
  CounterSample after{25, 1, 9, 3, 4000, 2500};
  const v1::ProcessCounters delta = CounterDelta(before, after);
  EXPECT_EQ(delta.minor_faults(), 15u);
  EXPECT_EQ(delta.major_faults(), 0u);
  EXPECT_EQ(delta.voluntary_context_switches(), 4u);
  EXPECT_EQ(delta.involuntary_context_switches(), 1u);
  EXPECT_EQ(delta.user_cpu_ns(), 3000);
  EXPECT_EQ(delta.system_cpu_ns(), 500);
}

}  // namespace
}  // namespace ipclab::workloads
