// Probes: what the kernel says a process did and holds. Read at phase
// boundaries only, never inside a timed region.
//
// Counters come from getrusage(RUSAGE_SELF) (faults, context switches, CPU
// time in microseconds) for the calling process, or /proc/PID/{stat,status}
// for another one. Memory comes from /proc/PID/status (VmRSS, RssAnon,
// RssFile, RssShmem, VmHWM, HugetlbPages) and /proc/PID/smaps_rollup (Pss,
// AnonHugePages, Private_Dirty). The readers use a fixed buffer and never allocate, so the
// first call warms them and later calls add no page faults of their own.
#ifndef IPCLAB_WORKLOADS_PROBES_H_
#define IPCLAB_WORKLOADS_PROBES_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/status.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::workloads {

struct CounterSample {
  uint64_t minor_faults = 0;
  uint64_t major_faults = 0;
  uint64_t voluntary_context_switches = 0;
  uint64_t involuntary_context_switches = 0;
  int64_t user_cpu_ns = 0;
  int64_t system_cpu_ns = 0;
  uint64_t perf_page_faults = 0;  // valid when perf_available
  bool perf_available = false;
};

struct MemorySample {  // bytes
  uint64_t vm_rss = 0;
  uint64_t rss_anon = 0;
  uint64_t rss_file = 0;
  uint64_t rss_shmem = 0;
  uint64_t anon_huge_pages = 0;
  uint64_t hugetlb = 0;
  uint64_t pss = 0;
  uint64_t vm_hwm = 0;
  uint64_t private_dirty = 0;
  uint64_t shmem_pmd_mapped = 0;  // smaps_rollup: shared memory mapped by huge pages
  uint64_t file_pmd_mapped = 0;   // smaps_rollup: page cache mapped by huge pages
};

// Opens the perf_event_open software counter PERF_COUNT_SW_PAGE_FAULTS for
// the calling process (user and kernel, all CPUs), so that ReadCountersSelf
// also reports it. Fails with PERMISSION_DENIED where perf_event_paranoid or
// seccomp forbid it; the counter is then simply absent.
absl::Status EnablePerfFaultCounter();
// Closes it (a forked process inherits the fd, which counts its parent).
void DisablePerfFaultCounter();

// getrusage(RUSAGE_SELF) of the calling process, plus the perf counter when
// enabled.
CounterSample ReadCountersSelf();

// /proc/PID/stat (faults; CPU time in clock ticks) and /proc/PID/status
// (context switches). pid 0 means the calling process.
absl::Status ReadCounters(pid_t pid, CounterSample* out);

// /proc/PID/status and /proc/PID/smaps_rollup. pid 0 means the calling process.
absl::Status ReadMemory(pid_t pid, MemorySample* out);

// after - before, field by field.
v1::ProcessCounters CounterDelta(const CounterSample& before, const CounterSample& after);
v1::MemorySnapshot ToProto(const MemorySample& sample);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_PROBES_H_
