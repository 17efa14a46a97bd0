// Host facts from plain file reads and a few POSIX calls. Every reader returns
// an empty/zero value when its source is missing, so ReadHostInfo never fails.
#include "workloads/host_info.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "base/fd.h"
#include "workloads/probes.h"

#ifndef IPCLAB_VERSION
#define IPCLAB_VERSION "unknown"
#endif

namespace ipclab::workloads {
namespace {

constexpr char kHugePagesDir[] = "/sys/kernel/mm/hugepages";
constexpr char kThpDir[] = "/sys/kernel/mm/transparent_hugepage";
// cgroup v1 reports "no limit" as a page-rounded LONG_MAX; anything at least
// this large is treated as unlimited.
constexpr uint64_t kUnlimitedThreshold = uint64_t{1} << 62;

// The whole file, or nullopt if it cannot be opened. /proc and /sys files
// report size 0, so read by stream rather than by stat size.
std::optional<std::string> ReadWholeFile(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFileToString(path);
  if (!text.ok()) return std::nullopt;
  return *std::move(text);
}

std::string ReadTrimmed(const std::string& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return "";
  return std::string(absl::StripAsciiWhitespace(*text));
}

uint64_t ReadUint(const std::string& path) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(ReadTrimmed(path), &value)) return 0;
  return value;
}

// The value of the first "key<sep>value" line of a "key : value" style file
// (/proc/cpuinfo, /proc/meminfo), trimmed; "" if absent.
std::string KeyedValue(absl::string_view text, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    if (absl::StripAsciiWhitespace(kv.first) == key) {
      return std::string(absl::StripAsciiWhitespace(kv.second));
    }
  }
  return "";
}

// "24684084 kB" -> bytes.
uint64_t MeminfoBytes(absl::string_view meminfo, absl::string_view key) {
  std::string value = KeyedValue(meminfo, key);
  absl::string_view number = value;
  uint64_t multiplier = 1;
  if (absl::ConsumeSuffix(&number, "kB")) multiplier = 1024;
  uint64_t parsed = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(number), &parsed)) return 0;
  return parsed * multiplier;
}

std::string CpuModel() {
  std::optional<std::string> cpuinfo = ReadWholeFile("/proc/cpuinfo");
  if (!cpuinfo) return "";
  // x86 has "model name"; some arm64/ppc/s390 kernels use other keys.
  for (const char* key : {"model name", "Model", "cpu model", "cpu", "Processor"}) {
    std::string model = KeyedValue(*cpuinfo, key);
    if (!model.empty()) return model;
  }
  return "";
}

std::vector<int> AllowedCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// One pool per /sys/kernel/mm/hugepages/hugepages-<N>kB, smallest first.
std::vector<v1::HugePagePool> HugePagePools() {
  std::vector<v1::HugePagePool> pools;
  DIR* dir = opendir(kHugePagesDir);
  if (dir == nullptr) return pools;
  while (dirent* entry = readdir(dir)) {
    absl::string_view name = entry->d_name;
    uint64_t kib = 0;
    if (!absl::ConsumePrefix(&name, "hugepages-") || !absl::ConsumeSuffix(&name, "kB") ||
        !absl::SimpleAtoi(name, &kib)) {
      continue;
    }
    const std::string pool_dir = std::string(kHugePagesDir) + "/" + entry->d_name;
    v1::HugePagePool pool;
    pool.set_page_size_bytes(kib * 1024);
    pool.set_total_pages(ReadUint(pool_dir + "/nr_hugepages"));
    pool.set_free_pages(ReadUint(pool_dir + "/free_hugepages"));
    pool.set_reserved_pages(ReadUint(pool_dir + "/resv_hugepages"));
    pools.push_back(std::move(pool));
  }
  closedir(dir);
  std::sort(pools.begin(), pools.end(), [](const v1::HugePagePool& a, const v1::HugePagePool& b) {
    return a.page_size_bytes() < b.page_size_bytes();
  });
  return pools;
}

// A memory limit file's value: "max", a missing file or a huge v1 value -> 0.
uint64_t LimitFromFile(const std::string& path) {
  std::string text = ReadTrimmed(path);
  uint64_t limit = 0;
  if (text.empty() || text == "max" || !absl::SimpleAtoi(text, &limit)) return 0;
  return limit >= kUnlimitedThreshold ? 0 : limit;
}

// A line of /proc/self/cgroup: "0::/a/b" (v2) or "N:memory:/a/b" (v1).
struct OurCgroup {
  std::string hierarchy;
  std::string controllers;
  std::string path;
  bool v2() const { return hierarchy == "0" && controllers.empty(); }
};

std::vector<OurCgroup> OurCgroups() {
  std::vector<OurCgroup> cgroups;
  std::optional<std::string> text = ReadWholeFile("/proc/self/cgroup");
  if (!text) return cgroups;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, absl::MaxSplits(':', 2));
    if (fields.size() != 3) continue;
    cgroups.push_back({fields[0], fields[1], fields[2]});
  }
  return cgroups;
}

// The tightest memory limit of our cgroup. /proc/self/cgroup gives the path
// ("0::/a/b" for v2, "N:memory:/a/b" for v1); inside a container the cgroup
// root is often mounted at our own cgroup, so the mount root is tried too.
uint64_t CgroupMemoryLimit() {
  for (const OurCgroup& cgroup : OurCgroups()) {
    const std::string& path = cgroup.path;
    std::vector<std::string> candidates;
    if (cgroup.v2()) {
      candidates = {"/sys/fs/cgroup" + path + "/memory.max", "/sys/fs/cgroup/memory.max",
                    "/sys/fs/cgroup/unified" + path + "/memory.max"};
    } else if (absl::StrContains(cgroup.controllers, "memory")) {
      candidates = {"/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes",
                    "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    }
    for (const std::string& candidate : candidates) {
      if (access(candidate.c_str(), R_OK) != 0) continue;
      uint64_t limit = LimitFromFile(candidate);
      if (limit != 0) return limit;
      break;  // found the file: unlimited at this level
    }
  }
  return 0;
}

// The tightest CPU bandwidth limit of our cgroup, in thousandths of a CPU; 0
// for none. v2: "QUOTA PERIOD" or "max PERIOD" in cpu.max; v1: cpu.cfs_quota_us
// (-1: none) over cpu.cfs_period_us. Same path lookup as CgroupMemoryLimit.
uint64_t CgroupCpuLimitMillicpus() {
  for (const OurCgroup& cgroup : OurCgroups()) {
    const std::string& path = cgroup.path;
    if (cgroup.v2()) {
      for (const std::string& candidate :
           {"/sys/fs/cgroup" + path + "/cpu.max", std::string("/sys/fs/cgroup/cpu.max")}) {
        std::optional<std::string> text = ReadWholeFile(candidate);
        if (!text) continue;
        std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(*text), ' ');
        uint64_t quota = 0, period = 0;
        if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &quota) &&
            absl::SimpleAtoi(parts[1], &period) && period > 0) {
          return quota * 1000 / period;
        }
        break;  // "max": unlimited at this level
      }
    } else if (absl::StrContains(cgroup.controllers, "cpu,") ||
               absl::EndsWith(cgroup.controllers, "cpu")) {
      for (const std::string& dir :
           {"/sys/fs/cgroup/cpu,cpuacct" + path, "/sys/fs/cgroup/cpu" + path,
            std::string("/sys/fs/cgroup/cpu,cpuacct"), std::string("/sys/fs/cgroup/cpu")}) {
        int64_t quota = 0;
        uint64_t period = 0;
        if (!absl::SimpleAtoi(ReadTrimmed(dir + "/cpu.cfs_quota_us"), &quota)) continue;
        period = ReadUint(dir + "/cpu.cfs_period_us");
        if (quota > 0 && period > 0) return static_cast<uint64_t>(quota) * 1000 / period;
        break;
      }
    }
  }
  return 0;
}

// The host-wide knobs behind THP and huge page results, and whether they can
// be read and written from here. A container sees the host's values through a
// read-only /sys: it reports them but cannot change them.
std::vector<v1::HostSetting> HostSettings() {
  std::vector<std::string> paths;
  for (const char* name : {"enabled", "defrag", "shmem_enabled"}) {
    paths.push_back(std::string(kThpDir) + "/" + name);
  }
  if (DIR* dir = opendir(kHugePagesDir)) {
    std::vector<std::string> pools;
    while (dirent* entry = readdir(dir)) {
      if (absl::StartsWith(entry->d_name, "hugepages-")) {
        pools.push_back(std::string(kHugePagesDir) + "/" + entry->d_name + "/nr_hugepages");
      }
    }
    closedir(dir);
    std::sort(pools.begin(), pools.end());
    paths.insert(paths.end(), pools.begin(), pools.end());
  } else {
    paths.push_back(std::string(kHugePagesDir) + "/hugepages-2048kB/nr_hugepages");
  }
  paths.push_back("/proc/sys/vm/nr_hugepages");
  std::vector<v1::HostSetting> settings;
  for (const std::string& path : paths) {
    v1::HostSetting setting;
    setting.set_path(path);
    setting.set_visible(access(path.c_str(), R_OK) == 0);
    // access() answers EROFS for a read-only mount, EACCES for a non-root user.
    setting.set_changeable(access(path.c_str(), W_OK) == 0);
    settings.push_back(std::move(setting));
  }
  return settings;
}

// The `container` variable of PID 1's environment (set by systemd-nspawn,
// podman, lxc), if readable.
std::string Pid1ContainerEnv() {
  std::optional<std::string> environ_text = ReadWholeFile("/proc/1/environ");
  if (!environ_text) return "";
  for (absl::string_view entry : absl::StrSplit(*environ_text, '\0')) {
    if (absl::ConsumePrefix(&entry, "container=")) return std::string(entry);
  }
  return "";
}

// "" when no container marker is found.
std::string ContainerRuntime() {
  if (access("/.dockerenv", F_OK) == 0) return "docker";
  if (access("/run/.containerenv", F_OK) == 0) return "podman";
  if (const char* env = std::getenv("container"); env != nullptr && *env != '\0') return env;
  if (std::string env = Pid1ContainerEnv(); !env.empty()) return env;
  std::optional<std::string> cgroups = ReadWholeFile("/proc/1/cgroup");
  if (cgroups) {
    if (absl::StrContains(*cgroups, "kubepods")) return "kubernetes";
    if (absl::StrContains(*cgroups, "docker")) return "docker";
    if (absl::StrContains(*cgroups, "libpod")) return "podman";
    if (absl::StrContains(*cgroups, "containerd")) return "containerd";
    if (absl::StrContains(*cgroups, "lxc")) return "lxc";
  }
  return "";
}

// Whether the roles' page-fault counter can be opened: the very call the
// roles make (probes.cc, exclude_kernel=0: faults are counted in the kernel),
// so an unprivileged server at perf_event_paranoid 2 says false, as its roles
// would get EACCES.
bool PerfEventsAllowed() {
  const bool allowed = EnablePerfFaultCounter().ok();
  DisablePerfFaultCounter();
  return allowed;
}

}  // namespace

std::string BracketedChoice(const std::string& sysfs_text) {
  const size_t open = sysfs_text.find('[');
  if (open == std::string::npos) return "";
  const size_t close = sysfs_text.find(']', open + 1);
  if (close == std::string::npos) return "";
  return sysfs_text.substr(open + 1, close - open - 1);
}

v1::HostInfo ReadHostInfo() {
  v1::HostInfo host;

  char hostname[256] = {};
  if (gethostname(hostname, sizeof(hostname) - 1) == 0) host.set_hostname(hostname);
  utsname uts;
  if (uname(&uts) == 0) {
    host.set_kernel_release(uts.release);
    host.set_kernel_version(uts.version);
    host.set_architecture(uts.machine);
  }

  host.set_cpu_model(CpuModel());
  if (long online = sysconf(_SC_NPROCESSORS_ONLN); online > 0) {
    host.set_cpu_count(static_cast<uint32_t>(online));
  }
  for (int cpu : AllowedCpus()) host.add_allowed_cpus(cpu);
  if (long page = sysconf(_SC_PAGESIZE); page > 0) {
    host.set_page_size_bytes(static_cast<uint64_t>(page));
  }

  for (v1::HugePagePool& pool : HugePagePools()) *host.add_huge_page_pools() = std::move(pool);
  host.set_thp_enabled(BracketedChoice(ReadTrimmed(std::string(kThpDir) + "/enabled")));
  host.set_thp_defrag(BracketedChoice(ReadTrimmed(std::string(kThpDir) + "/defrag")));
  host.set_thp_shmem_enabled(BracketedChoice(ReadTrimmed(std::string(kThpDir) + "/shmem_enabled")));

  if (std::optional<std::string> meminfo = ReadWholeFile("/proc/meminfo")) {
    host.set_mem_total_bytes(MeminfoBytes(*meminfo, "MemTotal"));
    host.set_mem_available_bytes(MeminfoBytes(*meminfo, "MemAvailable"));
  }
  struct statvfs shm;
  if (statvfs("/dev/shm", &shm) == 0) {
    host.set_dev_shm_size_bytes(static_cast<uint64_t>(shm.f_blocks) * shm.f_frsize);
    host.set_dev_shm_free_bytes(static_cast<uint64_t>(shm.f_bavail) * shm.f_frsize);
  }
  host.set_cgroup_memory_limit_bytes(CgroupMemoryLimit());
  host.set_cgroup_cpu_limit_millicpus(CgroupCpuLimitMillicpus());
  for (v1::HostSetting& setting : HostSettings()) *host.add_host_settings() = std::move(setting);

  std::string runtime = ContainerRuntime();
  host.set_in_container(!runtime.empty());
  host.set_container_runtime(std::move(runtime));

  host.set_ipclab_version(IPCLAB_VERSION);
  int paranoid = 0;
  if (absl::SimpleAtoi(ReadTrimmed("/proc/sys/kernel/perf_event_paranoid"), &paranoid)) {
    host.set_perf_event_paranoid(paranoid);
  }
  host.set_perf_events_allowed(PerfEventsAllowed());
  return host;
}

}  // namespace ipclab::workloads
