// Admission: what a run would take from the host (memory, scratch space, huge
// pages, time, result size), checked against what the host and the server's
// limits allow before anything runs. Refusals name the limit and the figures:
//
//   RESOURCE_EXHAUSTED: case 1 of 1 (region_bytes=20GiB) needs 20 GiB of
//   memory (toucher 20 GiB + worker 16 MiB); this server allows 17.6 GiB now
//   (MemAvailable 21.3 GiB - reserve 1.2 GiB, cgroup memory.max unlimited,
//   --max-memory 17.6 GiB = 75% of MemTotal)
#ifndef IPCLAB_SERVER_ADMISSION_H_
#define IPCLAB_SERVER_ADMISSION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::server {

// The largest message either side of a channel accepts; a run whose result
// could be bigger is refused.
inline constexpr int kMaxResultMessageBytes = 256 << 20;

struct AdmissionLimits {
  // Memory one case may use; 0: 75% of MemTotal.
  uint64_t max_memory_bytes = 0;
  // Estimated duration of a run; runs are also killed when they take longer.
  uint32_t max_run_seconds = 3600;
  // Cases per run.
  uint32_t max_cases = 1024;
};

// What the host offers right now (read from /proc, cgroups, statvfs, sysfs).
struct HostBudget {
  uint64_t mem_total_bytes = 0;
  uint64_t mem_available_bytes = 0;
  uint64_t cgroup_limit_bytes = 0;  // 0: no limit
  uint64_t cgroup_usage_bytes = 0;
  uint64_t max_memory_bytes = 0;  // the cap with its default applied
  bool max_memory_is_default = true;
  // Free bytes per scratch filesystem, by directory.
  std::map<std::string, uint64_t> free_bytes_by_dir;
  uint64_t huge_2m_free_pages = 0;
  uint64_t huge_1g_free_pages = 0;
  // nr_hugepages of each pool (what a refusal tells the user to raise).
  uint64_t huge_2m_total_pages = 0;
  uint64_t huge_1g_total_pages = 0;

  // Memory a case may use: the least of MemAvailable less a reserve, the
  // cgroup's headroom and the cap.
  uint64_t MemoryBudget() const;
  // "MemAvailable 21.3 GiB - reserve 1.2 GiB, cgroup memory.max unlimited, ..."
  std::string DescribeMemory() const;
};

// What one case needs, estimated from its parameters (see workloads/*.cc for
// what each maps: rings, regions, copy-on-write copies, message buffers).
struct CaseDemand {
  uint64_t memory_bytes = 0;
  std::string memory_detail;                      // "producer 1 MiB + consumer 1 MiB + ..."
  std::map<std::string, uint64_t> scratch_bytes;  // by directory
  uint64_t huge_2m_pages = 0;
  uint64_t huge_1g_pages = 0;
  double seconds_per_repetition = 0;  // at a conservative floor throughput
};

// Throughput assumed when estimating durations (a slow, busy host).
inline constexpr double kFloorBytesPerSecond = 100.0 * (1 << 20);

CaseDemand EstimateCase(const std::string& workload, const v1::Case& c,
                        const std::string& scratch_tmpfs, const std::string& scratch_disk);

// Reads the host's figures for `limits`.
HostBudget ReadHostBudget(const AdmissionLimits& limits, const std::string& scratch_tmpfs,
                          const std::string& scratch_disk);

// OK, or RESOURCE_EXHAUSTED (memory, space, duration, cases, result size) /
// FAILED_PRECONDITION (huge pages not reserved) naming the case, the limit
// and both figures. Pure: the host's state comes in `budget`.
absl::Status Admit(const AdmissionLimits& limits, const HostBudget& budget,
                   const v1::RunRequest& request, const std::vector<v1::Case>& cases,
                   const std::string& scratch_tmpfs, const std::string& scratch_disk);

// The limits as HostInfo.limits shows them.
v1::ServerLimits DescribeLimits(const AdmissionLimits& limits, const HostBudget& budget);

// What the service admits runs against: limits plus where scratch lives,
// and how the port is protected (for HostInfo.limits).
struct AdmissionPolicy {
  AdmissionLimits limits;
  std::string scratch_tmpfs;
  std::string scratch_disk;
  bool tls = false;
  bool client_certificates = false;
  bool bearer_tokens = false;
};

// Admit() against the host's figures read now.
absl::Status AdmitRun(const AdmissionPolicy& policy, const v1::RunRequest& request,
                      const std::vector<v1::Case>& cases);

// DescribeLimits() with the host's figures read now and the policy's auth.
v1::ServerLimits CurrentLimits(const AdmissionPolicy& policy);

// Calls `on_expiry` from its own thread once `seconds` passed, unless
// destroyed first. For killing runs that overrun --max-run-seconds.
class RunDeadline final {
 public:
  RunDeadline(uint32_t seconds, std::function<void()> on_expiry);
  ~RunDeadline();
  RunDeadline(const RunDeadline&) = delete;
  RunDeadline& operator=(const RunDeadline&) = delete;

 private:
  absl::Mutex mutex_;
  bool stopped_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

// "20 GiB", "1.5 MiB", "512 B".
std::string HumanBytes(uint64_t bytes);

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_ADMISSION_H_
