#include "workloads/host_checks.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "base/fd.h"

namespace ipclab::workloads {
namespace {

constexpr char kCpuDir[] = "/sys/devices/system/cpu";
constexpr double kBusyShare = 0.10;       // a process using 10% of a CPU is busy
constexpr double kStealWarnShare = 0.02;  // 2% steal moves medians
constexpr uint64_t kSmallDevShm = uint64_t{256} << 20;
constexpr size_t kMaxBusyProcesses = 5;

// "" if it cannot be read (a /proc/PID file of a process that just exited).
std::string ReadTrimmedFile(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFileToString(path);
  if (!text.ok()) return "";
  return std::string(absl::StripAsciiWhitespace(*text));
}

// (busy, steal, total) jiffies of the "cpu" line of /proc/stat.
struct CpuTimes {
  uint64_t steal = 0;
  uint64_t total = 0;
};

CpuTimes ReadCpuTimes() {
  CpuTimes times;
  std::ifstream in("/proc/stat");
  std::string line;
  if (!std::getline(in, line) || line.rfind("cpu ", 0) != 0) return times;
  std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
  for (size_t i = 1; i < fields.size(); ++i) {
    uint64_t value = 0;
    if (!absl::SimpleAtoi(fields[i], &value)) continue;
    if (i <= 8) times.total += value;  // user nice system idle iowait irq softirq steal
    if (i == 8) times.steal = value;
  }
  return times;
}

struct ProcessTime {
  std::string command;
  uint64_t ticks = 0;  // utime + stime
};

// Every process's CPU ticks, by pid (threads are summed into their process).
std::map<int, ProcessTime> ReadProcessTimes() {
  std::map<int, ProcessTime> times;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return times;
  while (dirent* entry = readdir(dir)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    const std::string stat = ReadTrimmedFile(absl::StrCat("/proc/", pid, "/stat"));
    const size_t open = stat.find('(');
    const size_t close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(absl::string_view(stat).substr(close + 2), ' ', absl::SkipEmpty());
    // After "pid (comm) ": state is field 3, utime 14, stime 15 (1-based).
    uint64_t utime = 0, stime = 0;
    if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
        !absl::SimpleAtoi(fields[12], &stime)) {
      continue;
    }
    times[pid] = ProcessTime{stat.substr(open + 1, close - open - 1), utime + stime};
  }
  closedir(dir);
  return times;
}

std::vector<v1::BusyProcess> BusyProcesses(const std::map<int, ProcessTime>& before,
                                           const std::map<int, ProcessTime>& after,
                                           absl::Duration window) {
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double window_ticks = absl::ToDoubleSeconds(window) * ticks_per_second;
  std::vector<v1::BusyProcess> busy;
  if (window_ticks <= 0) return busy;
  const int self = getpid();
  for (const auto& [pid, time] : after) {
    auto it = before.find(pid);
    if (pid == self || it == before.end() || time.ticks < it->second.ticks) continue;
    const double share = static_cast<double>(time.ticks - it->second.ticks) / window_ticks;
    if (share < kBusyShare) continue;
    v1::BusyProcess process;
    process.set_pid(pid);
    process.set_command(time.command);
    process.set_cpu_share(share);
    busy.push_back(std::move(process));
  }
  std::sort(busy.begin(), busy.end(), [](const v1::BusyProcess& a, const v1::BusyProcess& b) {
    return a.cpu_share() > b.cpu_share();
  });
  if (busy.size() > kMaxBusyProcesses) busy.resize(kMaxBusyProcesses);
  return busy;
}

// The distinct values of a per-CPU sysfs file over the allowed CPUs.
std::vector<std::string> PerCpuValues(const v1::HostInfo& host, const std::string& file) {
  std::set<std::string> values;
  for (int cpu : host.allowed_cpus()) {
    const std::string value = ReadTrimmedFile(absl::StrCat(kCpuDir, "/cpu", cpu, "/", file));
    if (!value.empty()) values.insert(value);
  }
  return {values.begin(), values.end()};
}

std::string CpuBoost() {
  const std::string boost = ReadTrimmedFile(absl::StrCat(kCpuDir, "/cpufreq/boost"));
  if (!boost.empty()) return boost == "1" ? "on" : "off";
  const std::string no_turbo = ReadTrimmedFile(absl::StrCat(kCpuDir, "/intel_pstate/no_turbo"));
  if (!no_turbo.empty()) return no_turbo == "1" ? "off" : "on";
  return "";
}

v1::HostCheck Check(const char* name, v1::HostCheck::Level level, std::string value,
                    std::string advice = "") {
  v1::HostCheck check;
  check.set_name(name);
  check.set_level(level);
  check.set_value(std::move(value));
  check.set_advice(std::move(advice));
  return check;
}

std::string MiB(uint64_t bytes) { return absl::StrCat(bytes >> 20, " MiB"); }

}  // namespace

std::vector<v1::HostCheck> JudgeHost(const v1::HostInfo& host) {
  using L = v1::HostCheck;
  std::vector<v1::HostCheck> checks;
  const double cpus =
      std::max<double>(1.0, host.allowed_cpus_size() > 0 ? host.allowed_cpus_size()
                                                         : static_cast<double>(host.cpu_count()));
  const std::string load = absl::StrFormat("%.2f (1 min) on %g CPUs", host.load_average_1m(), cpus);
  checks.push_back(host.load_average_1m() > 0.5 * cpus
                       ? Check("load", L::WARN, load,
                               "other work competes for the CPUs; wait until the host is idle")
                       : Check("load", L::OK, load));

  std::vector<std::string> busy;
  for (const v1::BusyProcess& process : host.busy_processes()) {
    busy.push_back(absl::StrFormat("%s (pid %d) %.0f%%", process.command(), process.pid(),
                                   100.0 * process.cpu_share()));
  }
  checks.push_back(busy.empty() ? Check("busy processes", L::OK, "none above 10% of a CPU")
                                : Check("busy processes", L::WARN, absl::StrJoin(busy, ", "),
                                        "stop them or keep them off the CPUs ipclab measures on"));

  if (host.cpu_governor().empty()) {
    checks.push_back(Check("cpu governor", L::INFO, "not exposed",
                           "no cpufreq here (a VM?): the hypervisor decides the frequency"));
  } else if (host.cpu_governor() == "performance") {
    checks.push_back(Check("cpu governor", L::OK, host.cpu_governor()));
  } else {
    checks.push_back(Check("cpu governor", L::WARN, host.cpu_governor(),
                           "frequency follows load: cpupower frequency-set -g performance"));
  }
  if (host.cpu_boost() == "on") {
    checks.push_back(Check("cpu boost", L::INFO, "on",
                           "turbo makes the frequency depend on temperature; turn it off for "
                           "repeatable numbers"));
  } else {
    checks.push_back(Check("cpu boost", host.cpu_boost().empty() ? L::INFO : L::OK,
                           host.cpu_boost().empty() ? "not exposed" : host.cpu_boost()));
  }

  const std::string steal = absl::StrFormat("%.1f%% of CPU time", 100.0 * host.steal_share());
  checks.push_back(host.steal_share() > kStealWarnShare
                       ? Check("steal", L::WARN, steal,
                               "the hypervisor runs other guests on these CPUs; use dedicated "
                               "vCPUs or a quieter host")
                       : Check("steal", L::OK, steal));

  if (host.clocksource() == "tsc") {
    checks.push_back(Check("clocksource", L::OK, "tsc"));
  } else {
    checks.push_back(Check("clocksource", L::WARN,
                           host.clocksource().empty() ? "unknown" : host.clocksource(),
                           "clock reads are slower and coarser than tsc; check dmesg for "
                           "'TSC unstable'"));
  }

  std::vector<std::string> shared_cores;
  for (const std::string& siblings : host.smt_siblings()) {
    if (siblings.find_first_of(",-") != std::string::npos) shared_cores.push_back(siblings);
  }
  checks.push_back(shared_cores.empty()
                       ? Check("smt siblings", L::OK, "no allowed CPU shares a core")
                       : Check("smt siblings", L::INFO, absl::StrJoin(shared_cores, " "),
                               "placement=cross on two siblings shares one core's caches and "
                               "ports; pick CPUs on different cores"));

  checks.push_back(Check("thp", L::INFO,
                         absl::StrCat("enabled=", host.thp_enabled(), " defrag=", host.thp_defrag(),
                                      " shmem_enabled=", host.thp_shmem_enabled()),
                         "huge_pages=thp needs enabled=madvise|always (shmem_enabled for shared "
                         "memory)"));
  std::vector<std::string> pools;
  uint64_t reserved = 0;
  for (const v1::HugePagePool& pool : host.huge_page_pools()) {
    pools.push_back(absl::StrCat(pool.total_pages(), "x", MiB(pool.page_size_bytes()), " (",
                                 pool.free_pages(), " free)"));
    reserved += pool.total_pages();
  }
  checks.push_back(reserved == 0
                       ? Check("hugetlb pools", L::INFO,
                               pools.empty() ? "none" : absl::StrJoin(pools, ", "),
                               "huge_pages=hugetlb cases are refused: sysctl vm.nr_hugepages=64")
                       : Check("hugetlb pools", L::OK, absl::StrJoin(pools, ", ")));

  const std::string shm =
      absl::StrCat(MiB(host.dev_shm_size_bytes()), " (", MiB(host.dev_shm_free_bytes()), " free)");
  checks.push_back(host.dev_shm_free_bytes() < kSmallDevShm
                       ? Check("/dev/shm", L::WARN, shm,
                               "shm_posix rings live here: docker run --shm-size=1g or remount")
                       : Check("/dev/shm", L::OK, shm));

  checks.push_back(Check("memlock", L::INFO,
                         host.memlock_limit_bytes() == UINT64_MAX
                             ? "unlimited"
                             : absl::StrCat(host.memlock_limit_bytes() >> 10, " KiB")));

  const std::string paranoid = absl::StrCat("perf_event_paranoid=", host.perf_event_paranoid());
  checks.push_back(host.perf_events_allowed()
                       ? Check("perf events", L::OK, paranoid)
                       : Check("perf events", L::INFO, paranoid,
                               "fault counts come from getrusage only: sysctl "
                               "kernel.perf_event_paranoid=1"));

  std::vector<std::string> limits;
  if (host.cgroup_cpu_limit_millicpus() > 0) {
    limits.push_back(absl::StrFormat("cpu %.2f CPUs", host.cgroup_cpu_limit_millicpus() / 1000.0));
  }
  if (host.cgroup_memory_limit_bytes() > 0) {
    limits.push_back(absl::StrCat("memory ", MiB(host.cgroup_memory_limit_bytes())));
  }
  checks.push_back(host.cgroup_cpu_limit_millicpus() > 0
                       ? Check("cgroup limits", L::WARN, absl::StrJoin(limits, ", "),
                               "CPU quota throttles the roles mid-phase; run without a CPU limit")
                       : Check("cgroup limits", limits.empty() ? L::OK : L::INFO,
                               limits.empty() ? "none" : absl::StrJoin(limits, ", ")));
  checks.push_back(host.in_container()
                       ? Check("container", L::INFO, host.container_runtime(),
                               "host-wide knobs (THP, hugetlb, governor) are the host's")
                       : Check("container", L::OK, "no"));
  return checks;
}

void AddHostChecks(absl::Duration window, v1::HostInfo* host) {
  const CpuTimes cpu_before = ReadCpuTimes();
  const std::map<int, ProcessTime> before = ReadProcessTimes();
  absl::SleepFor(window);
  const CpuTimes cpu_after = ReadCpuTimes();
  const std::map<int, ProcessTime> after = ReadProcessTimes();

  std::vector<absl::string_view> loadavg;
  const std::string loadavg_text = ReadTrimmedFile("/proc/loadavg");
  loadavg = absl::StrSplit(loadavg_text, ' ', absl::SkipEmpty());
  double load = 0.0;
  if (!loadavg.empty() && absl::SimpleAtod(loadavg[0], &load)) host->set_load_average_1m(load);

  host->set_cpu_governor(absl::StrJoin(PerCpuValues(*host, "cpufreq/scaling_governor"), ","));
  host->set_cpu_boost(CpuBoost());
  if (cpu_after.total > cpu_before.total) {
    host->set_steal_share(static_cast<double>(cpu_after.steal - cpu_before.steal) /
                          static_cast<double>(cpu_after.total - cpu_before.total));
  }
  host->set_clocksource(
      ReadTrimmedFile("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
  host->clear_smt_siblings();
  for (std::string& siblings : PerCpuValues(*host, "topology/thread_siblings_list")) {
    host->add_smt_siblings(std::move(siblings));
  }
  rlimit memlock;
  if (getrlimit(RLIMIT_MEMLOCK, &memlock) == 0) {
    host->set_memlock_limit_bytes(
        memlock.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(memlock.rlim_cur));
  }
  host->clear_busy_processes();
  for (v1::BusyProcess& process : BusyProcesses(before, after, window)) {
    *host->add_busy_processes() = std::move(process);
  }
  host->clear_checks();
  for (v1::HostCheck& check : JudgeHost(*host)) *host->add_checks() = std::move(check);
}

}  // namespace ipclab::workloads
