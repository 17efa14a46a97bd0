#include "workloads/probes.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/status_macros.h"

namespace ipclab::workloads {
namespace {

// Big enough for /proc/PID/status (~1.5 KiB) and smaps_rollup (~1 KiB).
constexpr size_t kProcBufferSize = 8192;

// Reads a whole /proc file into `buffer` (NUL-terminated) with no allocation.
absl::Status ReadProcFile(pid_t pid, const char* file, char* buffer, size_t size) {
  char path[64];
  if (pid == 0) {
    std::snprintf(path, sizeof(path), "/proc/self/%s", file);
  } else {
    std::snprintf(path, sizeof(path), "/proc/%d/%s", static_cast<int>(pid), file);
  }
  const base::Fd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return base::ErrnoStatus(absl::StrCat("open(", path, ")"), errno);
  IPCLAB_ASSIGN_OR_RETURN(const size_t used, base::ReadFull(fd.get(), buffer, size - 1, path));
  buffer[used] = '\0';
  return absl::OkStatus();
}

// The number after "Key:" at the start of a line; 0 if absent.
uint64_t FieldValue(const char* text, const char* key) {
  const size_t key_length = std::strlen(key);
  for (const char* line = text; line != nullptr && *line != '\0';) {
    if (std::strncmp(line, key, key_length) == 0 && line[key_length] == ':') {
      return std::strtoull(line + key_length + 1, nullptr, 10);
    }
    line = std::strchr(line, '\n');
    if (line != nullptr) ++line;
  }
  return 0;
}

int64_t TimevalNs(const timeval& tv) {
  return static_cast<int64_t>(tv.tv_sec) * 1000000000 + static_cast<int64_t>(tv.tv_usec) * 1000;
}

int perf_fault_fd = -1;  // per process; a forked role opens its own

}  // namespace

void DisablePerfFaultCounter() {
  if (perf_fault_fd >= 0) ::close(perf_fault_fd);
  perf_fault_fd = -1;
}

absl::Status EnablePerfFaultCounter() {
  DisablePerfFaultCounter();
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_PAGE_FAULTS;
  attr.inherit = 0;
  const long fd =
      ::syscall(SYS_perf_event_open, &attr, 0 /*self*/, -1 /*any cpu*/, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    return base::ErrnoStatus("perf_event_open(PERF_COUNT_SW_PAGE_FAULTS)", errno);
  }
  perf_fault_fd = static_cast<int>(fd);
  return absl::OkStatus();
}

CounterSample ReadCountersSelf() {
  rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);  // cannot fail with valid arguments
  CounterSample sample;
  sample.minor_faults = static_cast<uint64_t>(usage.ru_minflt);
  sample.major_faults = static_cast<uint64_t>(usage.ru_majflt);
  sample.voluntary_context_switches = static_cast<uint64_t>(usage.ru_nvcsw);
  sample.involuntary_context_switches = static_cast<uint64_t>(usage.ru_nivcsw);
  sample.user_cpu_ns = TimevalNs(usage.ru_utime);
  sample.system_cpu_ns = TimevalNs(usage.ru_stime);
  uint64_t perf_count = 0;
  if (perf_fault_fd >= 0 && ::read(perf_fault_fd, &perf_count, sizeof(perf_count)) ==
                                static_cast<ssize_t>(sizeof(perf_count))) {
    sample.perf_page_faults = perf_count;
    sample.perf_available = true;
  }
  return sample;
}

absl::Status ReadCounters(pid_t pid, CounterSample* out) {
  static thread_local char buffer[kProcBufferSize];
  absl::Status status = ReadProcFile(pid, "stat", buffer, sizeof(buffer));
  if (!status.ok()) return status;
  // Fields after the command name, which ends at the last ')': state is
  // field 3; minflt 10, majflt 12, utime 14, stime 15.
  const char* cursor = std::strrchr(buffer, ')');
  if (cursor == nullptr) return absl::DataLossError("malformed /proc/PID/stat");
  unsigned long long fields[16] = {};
  int field = 2;
  for (const char* p = cursor + 1; *p != '\0' && field < 16;) {
    while (*p == ' ') ++p;
    ++field;
    if (field >= 3 && field < 16) fields[field] = std::strtoull(p, nullptr, 10);
    while (*p != ' ' && *p != '\0') ++p;
  }
  const int64_t ns_per_tick = 1000000000 / ::sysconf(_SC_CLK_TCK);
  out->minor_faults = fields[10];
  out->major_faults = fields[12];
  out->user_cpu_ns = static_cast<int64_t>(fields[14]) * ns_per_tick;
  out->system_cpu_ns = static_cast<int64_t>(fields[15]) * ns_per_tick;
  status = ReadProcFile(pid, "status", buffer, sizeof(buffer));
  if (!status.ok()) return status;
  out->voluntary_context_switches = FieldValue(buffer, "voluntary_ctxt_switches");
  out->involuntary_context_switches = FieldValue(buffer, "nonvoluntary_ctxt_switches");
  return absl::OkStatus();
}

// A "Key:  N kB" line of a /proc/PID file and the MemorySample field it fills.
struct KibField {
  const char* key;
  uint64_t MemorySample::*bytes;
};

constexpr KibField kStatusFields[] = {
    {"VmRSS", &MemorySample::vm_rss},     {"RssAnon", &MemorySample::rss_anon},
    {"RssFile", &MemorySample::rss_file}, {"RssShmem", &MemorySample::rss_shmem},
    {"VmHWM", &MemorySample::vm_hwm},     {"HugetlbPages", &MemorySample::hugetlb},
};
constexpr KibField kSmapsRollupFields[] = {
    {"Pss", &MemorySample::pss},
    {"AnonHugePages", &MemorySample::anon_huge_pages},
    {"Private_Dirty", &MemorySample::private_dirty},
    {"ShmemPmdMapped", &MemorySample::shmem_pmd_mapped},
    {"FilePmdMapped", &MemorySample::file_pmd_mapped},
};

absl::Status ReadMemory(pid_t pid, MemorySample* out) {
  static thread_local char buffer[kProcBufferSize];
  absl::Status status = ReadProcFile(pid, "status", buffer, sizeof(buffer));
  if (!status.ok()) return status;
  for (const KibField& field : kStatusFields) {
    out->*field.bytes = FieldValue(buffer, field.key) * 1024;
  }
  status = ReadProcFile(pid, "smaps_rollup", buffer, sizeof(buffer));
  if (!status.ok()) return status;
  for (const KibField& field : kSmapsRollupFields) {
    out->*field.bytes = FieldValue(buffer, field.key) * 1024;
  }
  return absl::OkStatus();
}

v1::ProcessCounters CounterDelta(const CounterSample& before, const CounterSample& after) {
  v1::ProcessCounters delta;
  delta.set_minor_faults(after.minor_faults - before.minor_faults);
  delta.set_major_faults(after.major_faults - before.major_faults);
  delta.set_voluntary_context_switches(after.voluntary_context_switches -
                                       before.voluntary_context_switches);
  delta.set_involuntary_context_switches(after.involuntary_context_switches -
                                         before.involuntary_context_switches);
  delta.set_user_cpu_ns(after.user_cpu_ns - before.user_cpu_ns);
  delta.set_system_cpu_ns(after.system_cpu_ns - before.system_cpu_ns);
  if (before.perf_available && after.perf_available) {
    delta.set_perf_available(true);
    delta.set_perf_page_faults(after.perf_page_faults - before.perf_page_faults);
  }
  return delta;
}

v1::MemorySnapshot ToProto(const MemorySample& sample) {
  v1::MemorySnapshot snapshot;
  snapshot.set_vm_rss_bytes(sample.vm_rss);
  snapshot.set_rss_anon_bytes(sample.rss_anon);
  snapshot.set_rss_file_bytes(sample.rss_file);
  snapshot.set_rss_shmem_bytes(sample.rss_shmem);
  snapshot.set_anon_huge_pages_bytes(sample.anon_huge_pages);
  snapshot.set_hugetlb_bytes(sample.hugetlb);
  snapshot.set_pss_bytes(sample.pss);
  snapshot.set_vm_hwm_bytes(sample.vm_hwm);
  snapshot.set_private_dirty_bytes(sample.private_dirty);
  snapshot.set_shmem_pmd_mapped_bytes(sample.shmem_pmd_mapped);
  snapshot.set_file_pmd_mapped_bytes(sample.file_pmd_mapped);
  return snapshot;
}

}  // namespace ipclab::workloads
