#include "server/admission.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "results/model/run_defaults.h"
#include "server/run_executor.h"
#include "workloads/hugepages.h"
#include "workloads/params.h"

namespace ipclab::server {
namespace {

using results::EffectiveRepetitions;
using results::EffectiveWarmup;

// Code, stacks and probes of one process of a case, beyond what it maps.
constexpr uint64_t kRoleOverheadBytes = uint64_t{8} << 20;
// Spawning a worker and forking roles, per repetition and per case.
constexpr double kRepetitionOverheadSeconds = 0.05;
constexpr double kCaseOverheadSeconds = 0.2;
// A pingpong round trip on a busy host.
constexpr double kRoundTripSeconds = 50e-6;
// What one measured repetition adds to a RunResult (phases x roles x
// counters, latency histogram), with room to spare; it is sent twice (as a
// RepetitionResult event and inside the final result).
constexpr uint64_t kResultBytesPerRepetition = 16 << 10;
constexpr uint64_t kResultBytesPerCase = 16 << 10;
// Cases quoted in a refusal: at most this much of a case name.
constexpr size_t kMaxQuotedName = 120;

uint64_t Param(const workloads::CaseParams& params, absl::string_view name, uint64_t fallback = 0) {
  return params.Has(name) ? params.Size(name) : fallback;
}
std::string Text(const workloads::CaseParams& params, absl::string_view name) {
  return params.Has(name) ? params.Text(name) : "";
}
uint64_t PagesOf(uint64_t bytes, uint64_t page) { return (bytes + page - 1) / page; }

// Reads the first number of `path`; 0 if absent or "max".
uint64_t ReadNumber(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  uint64_t value = 0;
  if (!(in >> text) || !absl::SimpleAtoi(text, &value)) return 0;
  return value;
}

uint64_t MeminfoBytes(const std::string& meminfo, absl::string_view key) {
  const size_t at = meminfo.find(absl::StrCat(key, ":"));
  if (at == std::string::npos) return 0;
  uint64_t kib = 0;
  std::string rest = meminfo.substr(at + key.size() + 1, 32);
  rest = rest.substr(0, rest.find("kB"));
  rest.erase(std::remove(rest.begin(), rest.end(), ' '), rest.end());
  return absl::SimpleAtoi(rest, &kib) ? kib << 10 : 0;
}

// The memory cgroup of this process: v2 (memory.max) or v1
// (memory.limit_in_bytes), under the path /proc/self/cgroup names or at the
// mount's root (a container sees its own cgroup there).
void ReadCgroupMemory(HostBudget* budget) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  std::string v1_path;
  std::string v2_path;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "0::")) v2_path = line.substr(3);
    const size_t memory = line.find(":memory:");
    if (memory != std::string::npos) v1_path = line.substr(memory + 8);
  }
  const uint64_t kUnlimited = uint64_t{1} << 60;
  for (const std::string& dir : {"/sys/fs/cgroup" + v2_path, std::string("/sys/fs/cgroup")}) {
    const uint64_t limit = ReadNumber(dir + "/memory.max");
    if (limit > 0 && limit < kUnlimited) {
      budget->cgroup_limit_bytes = limit;
      budget->cgroup_usage_bytes = ReadNumber(dir + "/memory.current");
      return;
    }
  }
  for (const std::string& dir :
       {"/sys/fs/cgroup/memory" + v1_path, std::string("/sys/fs/cgroup/memory")}) {
    const uint64_t limit = ReadNumber(dir + "/memory.limit_in_bytes");
    if (limit > 0 && limit < kUnlimited) {
      budget->cgroup_limit_bytes = limit;
      budget->cgroup_usage_bytes = ReadNumber(dir + "/memory.usage_in_bytes");
      return;
    }
  }
}

uint64_t FreeBytes(const std::string& dir) {
  struct statvfs fs;
  if (::statvfs(dir.c_str(), &fs) != 0) return 0;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

uint64_t AvailableHugePages(uint64_t page_size) {
  absl::StatusOr<workloads::HugePagePoolState> pool = workloads::ReadHugePagePool(page_size);
  return pool.ok() ? pool->available_pages() : 0;
}

uint64_t TotalHugePages(uint64_t page_size) {
  absl::StatusOr<workloads::HugePagePoolState> pool = workloads::ReadHugePagePool(page_size);
  return pool.ok() ? pool->total_pages : 0;
}

void AddRole(CaseDemand* demand, std::vector<std::string>* parts, absl::string_view role,
             uint64_t bytes) {
  demand->memory_bytes += bytes + kRoleOverheadBytes;
  parts->push_back(absl::StrCat(role, " ", HumanBytes(bytes)));
}

std::string CaseLabel(const v1::Case& c, size_t count) {
  std::string name = c.name().substr(0, kMaxQuotedName);
  if (c.name().size() > kMaxQuotedName) name += "...";
  return absl::StrCat("case ", c.index() + 1, " of ", count, " (", name, ")");
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return absl::StrCat(bytes, " B");
  return absl::StrFormat("%.4g %s", value, kUnits[unit]);
}

uint64_t HostBudget::MemoryBudget() const {
  // Leave the kernel and everything else on the host some room.
  const uint64_t reserve = std::max<uint64_t>(mem_total_bytes / 20, uint64_t{256} << 20);
  uint64_t budget = mem_available_bytes > reserve ? mem_available_bytes - reserve : 0;
  if (cgroup_limit_bytes > 0) {
    const uint64_t headroom =
        cgroup_limit_bytes > cgroup_usage_bytes ? cgroup_limit_bytes - cgroup_usage_bytes : 0;
    budget = std::min(budget, headroom);
  }
  return std::min(budget, max_memory_bytes);
}

std::string HostBudget::DescribeMemory() const {
  const uint64_t reserve = std::max<uint64_t>(mem_total_bytes / 20, uint64_t{256} << 20);
  std::string cgroup = "cgroup memory limit none";
  if (cgroup_limit_bytes > 0) {
    cgroup = absl::StrCat("cgroup memory limit ", HumanBytes(cgroup_limit_bytes), " of which ",
                          HumanBytes(cgroup_usage_bytes), " used");
  }
  return absl::StrCat("MemAvailable ", HumanBytes(mem_available_bytes), " - reserve ",
                      HumanBytes(reserve), ", ", cgroup, ", --max-memory ",
                      HumanBytes(max_memory_bytes),
                      max_memory_is_default ? " (default: 75% of MemTotal " : " (MemTotal ",
                      HumanBytes(mem_total_bytes), ")");
}

CaseDemand EstimateCase(const std::string& workload, const v1::Case& c,
                        const std::string& scratch_tmpfs, const std::string& scratch_disk) {
  const workloads::CaseParams params = workloads::CaseParams::FromCase(c);
  CaseDemand demand;
  std::vector<std::string> parts;
  const std::string huge = Text(params, "huge_pages");
  double bytes_touched = 0;  // per repetition, for the duration estimate
  double round_trips = 0;

  if (workload == "page_fault") {
    const uint64_t region = Param(params, "region_bytes");
    if (huge == "hugetlb") {
      demand.huge_2m_pages = PagesOf(region, workloads::kHugePage2MiB);
      AddRole(&demand, &parts, "toucher", 0);
    } else if (huge == "hugetlb_1g") {
      demand.huge_1g_pages = PagesOf(region, workloads::kHugePage1GiB);
      AddRole(&demand, &parts, "toucher", 0);
    } else {
      AddRole(&demand, &parts, "toucher", region);
    }
    bytes_touched = 2.0 * static_cast<double>(region);  // read_then_write: two passes
  } else if (workload == "cow_private") {
    const uint64_t region = Param(params, "region_bytes");
    uint64_t written = Param(params, "write_bytes");
    if (written == 0 || written > region) written = region;
    const bool file = Text(params, "backing") == "file";
    if (huge == "hugetlb") {
      demand.huge_2m_pages = PagesOf(region + written, workloads::kHugePage2MiB);
      AddRole(&demand, &parts, "parent", 0);
      AddRole(&demand, &parts, "child", 0);
    } else {
      AddRole(&demand, &parts, "parent", region);
      AddRole(&demand, &parts, "child copies", written);
      if (file) demand.scratch_bytes[scratch_tmpfs] += region;
    }
    bytes_touched = static_cast<double>(region + written);
  } else {
    // Transfers: a message buffer per side (vmsplice rotates through a
    // larger one), plus the ring or pipe between them.
    const uint64_t message = Param(params, "message_size");
    const uint64_t total = Param(params, "total_bytes");
    const uint64_t ring = Param(params, "ring_bytes");
    const uint64_t pipe = Param(params, "pipe_capacity");
    const uint64_t buffer = Text(params, "splice") == "vmsplice" ? 4 * message : message;
    AddRole(&demand, &parts, "producer", buffer);
    AddRole(&demand, &parts, "consumer", message);
    if (ring > 0) {
      if (huge == "hugetlb") {
        demand.huge_2m_pages = PagesOf(ring, workloads::kHugePage2MiB);
      } else {
        demand.memory_bytes += ring;
        parts.push_back(absl::StrCat("ring ", HumanBytes(ring)));
        if (workload == "shm_posix") demand.scratch_bytes["/dev/shm"] += ring;
        if (workload == "mmap_file") {
          demand.scratch_bytes[Text(params, "location") == "disk" ? scratch_disk : scratch_tmpfs] +=
              ring;
        }
      }
    }
    if (pipe > 0) {
      demand.memory_bytes += pipe;
      parts.push_back(absl::StrCat("pipe ", HumanBytes(pipe)));
    }
    // warm pass + steady transfer, plus populating the ring.
    bytes_touched = 2.0 * static_cast<double>(total) + static_cast<double>(ring);
    if (Text(params, "mode") == "pingpong" && message > 0) {
      round_trips = static_cast<double>(total / message);
    }
  }
  parts.push_back(absl::StrCat("overhead ", HumanBytes(parts.size() * kRoleOverheadBytes)));
  demand.memory_detail = absl::StrJoin(parts, " + ");
  demand.seconds_per_repetition = bytes_touched / kFloorBytesPerSecond +
                                  round_trips * kRoundTripSeconds + kRepetitionOverheadSeconds;
  return demand;
}

HostBudget ReadHostBudget(const AdmissionLimits& limits, const std::string& scratch_tmpfs,
                          const std::string& scratch_disk) {
  HostBudget budget;
  std::ifstream in("/proc/meminfo");
  const std::string meminfo((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  budget.mem_total_bytes = MeminfoBytes(meminfo, "MemTotal");
  budget.mem_available_bytes = MeminfoBytes(meminfo, "MemAvailable");
  ReadCgroupMemory(&budget);
  budget.max_memory_is_default = limits.max_memory_bytes == 0;
  budget.max_memory_bytes =
      limits.max_memory_bytes != 0 ? limits.max_memory_bytes : budget.mem_total_bytes / 4 * 3;
  for (const std::string& dir : {std::string("/dev/shm"), scratch_tmpfs, scratch_disk}) {
    if (!dir.empty()) budget.free_bytes_by_dir[dir] = FreeBytes(dir);
  }
  budget.huge_2m_free_pages = AvailableHugePages(workloads::kHugePage2MiB);
  budget.huge_1g_free_pages = AvailableHugePages(workloads::kHugePage1GiB);
  budget.huge_2m_total_pages = TotalHugePages(workloads::kHugePage2MiB);
  budget.huge_1g_total_pages = TotalHugePages(workloads::kHugePage1GiB);
  return budget;
}

absl::Status Admit(const AdmissionLimits& limits, const HostBudget& budget,
                   const v1::RunRequest& request, const std::vector<v1::Case>& cases,
                   const std::string& scratch_tmpfs, const std::string& scratch_disk) {
  if (cases.size() > limits.max_cases) {
    return absl::ResourceExhaustedError(absl::StrCat("the run has ", cases.size(),
                                                     " cases; this server allows at most ",
                                                     limits.max_cases, " (--max-cases)"));
  }
  const uint32_t repetitions =
      results::EffectiveRepetitions(request) + results::EffectiveWarmup(request);
  const uint64_t result_bytes =
      cases.size() *
      (kResultBytesPerCase + results::EffectiveRepetitions(request) * kResultBytesPerRepetition);
  if (result_bytes > static_cast<uint64_t>(kMaxResultMessageBytes)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the result of ", cases.size(), " cases x ", results::EffectiveRepetitions(request),
        " repetitions could take ", HumanBytes(result_bytes), "; results are limited to ",
        HumanBytes(kMaxResultMessageBytes), ": use fewer cases or repetitions"));
  }
  const uint64_t memory_budget = budget.MemoryBudget();
  double seconds = 0;
  for (const v1::Case& c : cases) {
    const CaseDemand demand = EstimateCase(request.workload(), c, scratch_tmpfs, scratch_disk);
    if (demand.memory_bytes > memory_budget) {
      return absl::ResourceExhaustedError(
          absl::StrCat(CaseLabel(c, cases.size()), " needs ", HumanBytes(demand.memory_bytes),
                       " of memory (", demand.memory_detail, "); this server allows ",
                       HumanBytes(memory_budget), " now (", budget.DescribeMemory(), ")"));
    }
    for (const auto& [dir, bytes] : demand.scratch_bytes) {
      auto free = budget.free_bytes_by_dir.find(dir);
      if (free != budget.free_bytes_by_dir.end() && bytes > free->second) {
        return absl::ResourceExhaustedError(
            absl::StrCat(CaseLabel(c, cases.size()), " needs ", HumanBytes(bytes), " in ", dir,
                         " but only ", HumanBytes(free->second), " are free there"));
      }
    }
    if (demand.huge_2m_pages > budget.huge_2m_free_pages ||
        demand.huge_1g_pages > budget.huge_1g_free_pages) {
      const bool big = demand.huge_1g_pages > budget.huge_1g_free_pages;
      const uint64_t page = big ? workloads::kHugePage1GiB : workloads::kHugePage2MiB;
      const uint64_t needed = big ? demand.huge_1g_pages : demand.huge_2m_pages;
      const uint64_t available = big ? budget.huge_1g_free_pages : budget.huge_2m_free_pages;
      const uint64_t total = big ? budget.huge_1g_total_pages : budget.huge_2m_total_pages;
      // The pool's new size: what it holds now plus what is missing.
      const uint64_t target = total + (needed - available);
      std::string message =
          absl::StrCat(CaseLabel(c, cases.size()), " needs ", needed, " huge pages of ",
                       HumanBytes(page), " but the pool has ", available,
                       " available (nr_hugepages=", total, "); reserve more as root: echo ", target,
                       " > ", workloads::HugePagePoolDir(page), "/nr_hugepages");
      if (!big) absl::StrAppend(&message, " (or: echo ", target, " > /proc/sys/vm/nr_hugepages)");
      return absl::FailedPreconditionError(message);
    }
    seconds += kCaseOverheadSeconds + repetitions * demand.seconds_per_repetition;
  }
  if (limits.max_run_seconds > 0 && seconds > limits.max_run_seconds) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the run could take up to %.0f s (%d cases x %d repetitions, estimated at %.0f MiB/s); "
        "this server allows %d s per run (--max-run-seconds)",
        seconds, cases.size(), repetitions, kFloorBytesPerSecond / (1 << 20),
        limits.max_run_seconds));
  }
  return absl::OkStatus();
}

v1::ServerLimits DescribeLimits(const AdmissionLimits& limits, const HostBudget& budget) {
  v1::ServerLimits described;
  described.set_memory_budget_bytes(budget.MemoryBudget());
  described.set_max_memory_bytes(budget.max_memory_bytes);
  described.set_cgroup_limit_bytes(budget.cgroup_limit_bytes);
  described.set_max_run_seconds(limits.max_run_seconds);
  described.set_max_cases(limits.max_cases);
  described.set_max_result_bytes(kMaxResultMessageBytes);
  for (const auto& [dir, bytes] : budget.free_bytes_by_dir) {
    v1::ScratchSpace* space = described.add_scratch();
    space->set_directory(dir);
    space->set_free_bytes(bytes);
  }
  return described;
}

absl::Status AdmitRun(const AdmissionPolicy& policy, const v1::RunRequest& request,
                      const std::vector<v1::Case>& cases) {
  const HostBudget budget =
      ReadHostBudget(policy.limits, policy.scratch_tmpfs, policy.scratch_disk);
  return Admit(policy.limits, budget, request, cases, policy.scratch_tmpfs, policy.scratch_disk);
}

v1::ServerLimits CurrentLimits(const AdmissionPolicy& policy) {
  v1::ServerLimits limits = DescribeLimits(
      policy.limits, ReadHostBudget(policy.limits, policy.scratch_tmpfs, policy.scratch_disk));
  limits.set_tls(policy.tls);
  limits.set_client_certificates(policy.client_certificates);
  limits.set_bearer_tokens(policy.bearer_tokens);
  return limits;
}

RunDeadline::RunDeadline(uint32_t seconds, std::function<void()> on_expiry) {
  if (seconds == 0) return;
  thread_ = std::thread([this, seconds, on_expiry = std::move(on_expiry)] {
    bool stopped;
    {
      absl::MutexLock lock(&mutex_);
      stopped = mutex_.AwaitWithTimeout(absl::Condition(&stopped_), absl::Seconds(seconds));
    }
    if (!stopped) on_expiry();
  });
}

RunDeadline::~RunDeadline() {
  {
    absl::MutexLock lock(&mutex_);
    stopped_ = true;  // wakes the thread's AwaitWithTimeout
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace ipclab::server
