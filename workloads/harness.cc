// The coordinator side of the harness (harness.h): forks the roles, runs the
// lockstep barrier over their pipes and assembles the RepetitionResult.
#include "workloads/harness.h"

#include <linux/futex.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/posix_call.h"
#include "base/status_macros.h"
#include "workloads/sys/child_process.h"
#include "workloads/sys/cpu.h"

namespace ipclab::workloads {

namespace {

using harness_internal::Barrier;
using harness_internal::kDone;
using harness_internal::kReady;

// The shared barrier page; unmapped when the repetition ends.
class BarrierPage final {
 public:
  static absl::StatusOr<BarrierPage> Create() {
    void* page =
        ::mmap(nullptr, sizeof(Barrier), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return base::ErrnoStatus("mmap(barrier page)", errno);
    return BarrierPage(new (page) Barrier{});
  }
  BarrierPage(BarrierPage&& other) noexcept : barrier_(other.barrier_) { other.barrier_ = nullptr; }
  BarrierPage& operator=(BarrierPage&&) = delete;
  ~BarrierPage() {
    if (barrier_ != nullptr) ::munmap(barrier_, sizeof(Barrier));
  }
  Barrier* get() const { return barrier_; }

  // Releases phase `phase` to every waiting role at once.
  void Release(int phase) {
    barrier_->release_ns[phase] = MonotonicNowNs();
    __atomic_store_n(&barrier_->released, static_cast<uint32_t>(phase + 1), __ATOMIC_RELEASE);
    ::syscall(SYS_futex, &barrier_->released, FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
  }
  // Makes every waiting role (and every later wait) fail.
  void Abort() {
    __atomic_store_n(&barrier_->aborted, 1u, __ATOMIC_RELEASE);
    __atomic_add_fetch(&barrier_->released, 0x10000u, __ATOMIC_RELEASE);
    ::syscall(SYS_futex, &barrier_->released, FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
    __atomic_add_fetch(&barrier_->pass_word, 0u, __ATOMIC_RELEASE);
    ::syscall(SYS_futex, &barrier_->pass_word, FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
  }

 private:
  explicit BarrierPage(Barrier* barrier) : barrier_(barrier) {}
  Barrier* barrier_;
};

struct RoleProcess {
  const RoleSpec* spec = nullptr;
  int parent = -1;            // index of the role that forks it; -1: the coordinator
  sys::ChildProcess process;  // empty for a sub-role (its parent reaps it)
  base::Fd ready;             // coordinator reads: 'R' per phase, then 'D' + RoleReport
  RoleReport report;
  bool reported = false;
};

// Whether `role` takes part in step `step` (phase index; the report step is
// phases.size(), where every role takes part).
bool TakesPart(const RoleProcess& role, size_t step) {
  return static_cast<size_t>(role.spec->first_phase) <= step;
}

// A sub-role's pipe reached end of file without a report. Its forking role
// reaps it, so ask that role: aborting the barrier makes it fail at its
// barrier, and its report says how the sub-role ended.
absl::Status SubRoleDied(std::vector<RoleProcess>& roles, const RoleProcess& sub,
                         BarrierPage& barrier) {
  RoleProcess& parent = roles[static_cast<size_t>(sub.parent)];
  if (!parent.reported) {
    barrier.Abort();
    constexpr int kPatienceMs = 10000;
    for (;;) {
      pollfd fd{parent.ready.get(), POLLIN, 0};
      const int ready = base::RetryOnEintr([&] { return ::poll(&fd, 1, kPatienceMs); });
      if (ready <= 0) break;
      char signal_byte = 0;
      absl::StatusOr<size_t> got = base::ReadFull(parent.ready.get(), &signal_byte, 1);
      if (!got.ok() || *got != 1) {
        absl::StatusOr<sys::ExitInfo> exit = parent.process.Wait();
        return absl::InternalError(absl::StrCat(
            "role ", sub.spec->name, " ended without a report; role ", parent.spec->name,
            " (which forked it) ", exit.ok() ? exit->Describe() : "vanished"));
      }
      if (signal_byte == kReady) continue;
      absl::StatusOr<size_t> size =
          base::ReadFull(parent.ready.get(), &parent.report, sizeof(parent.report));
      parent.reported = size.ok() && *size == sizeof(parent.report);
      break;
    }
  }
  if (parent.reported) {
    if (parent.report.sub_role_exit[0] != '\0') {
      return absl::InternalError(absl::StrCat("role ", parent.report.sub_role_exit));
    }
    if (parent.report.status_code != 0) {  // the parent failed first
      return absl::Status(static_cast<absl::StatusCode>(parent.report.status_code),
                          absl::StrCat("role ", parent.spec->name, ": ", parent.report.error));
    }
  }
  return absl::InternalError(absl::StrCat(
      "role ", sub.spec->name, " ended without a report (forked by role ", parent.spec->name, ")"));
}

// Waits until every role taking part in `step` has sent 'R' (step < phase
// count) or its report (step == phase count). A report before the last
// step, or end of file, is a failure.
absl::Status WaitForRoles(std::vector<RoleProcess>& roles, size_t step, bool expect_reports,
                          BarrierPage& barrier) {
  std::vector<bool> arrived(roles.size(), false);
  size_t pending = 0;
  for (size_t i = 0; i < roles.size(); ++i) {
    arrived[i] = !TakesPart(roles[i], step);
    if (!arrived[i]) ++pending;
  }
  while (pending > 0) {
    std::vector<pollfd> fds;
    std::vector<size_t> index;
    for (size_t i = 0; i < roles.size(); ++i) {
      if (arrived[i]) continue;
      fds.push_back(pollfd{roles[i].ready.get(), POLLIN, 0});
      index.push_back(i);
    }
    if (base::RetryOnEintr([&] { return ::poll(fds.data(), fds.size(), -1); }) < 0) {
      return base::ErrnoStatus("poll(role pipes)", errno);
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      RoleProcess& role = roles[index[k]];
      char signal_byte = 0;
      IPCLAB_ASSIGN_OR_RETURN(size_t got, base::ReadFull(role.ready.get(), &signal_byte, 1));
      if (got == 1 && signal_byte == kDone) {
        IPCLAB_ASSIGN_OR_RETURN(
            size_t size, base::ReadFull(role.ready.get(), &role.report, sizeof(role.report)));
        if (size != sizeof(role.report)) {
          return absl::InternalError(
              absl::StrCat("role ", role.spec->name, " sent a short report"));
        }
        role.reported = true;
        if (role.report.status_code != 0) {
          std::string message = absl::StrCat("role ", role.spec->name, ": ", role.report.error);
          if (role.report.sub_role_exit[0] != '\0') {
            absl::StrAppend(&message, " (role ", role.report.sub_role_exit, ")");
          }
          return absl::Status(static_cast<absl::StatusCode>(role.report.status_code), message);
        }
        if (!expect_reports) {
          return absl::InternalError(absl::StrCat("role ", role.spec->name, " ended early"));
        }
      } else if (got == 1 && signal_byte == kReady && !expect_reports) {
        // ready for the next phase
      } else if (role.parent >= 0) {
        return SubRoleDied(roles, role, barrier);
      } else {
        // End of file: the role died. Say how.
        absl::StatusOr<sys::ExitInfo> exit = role.process.Wait();
        return absl::InternalError(
            absl::StrCat("role ", role.spec->name, " ", exit.ok() ? exit->Describe() : "vanished"));
      }
      arrived[index[k]] = true;
      --pending;
    }
  }
  return absl::OkStatus();
}

v1::RepetitionResult Assemble(const std::vector<std::string>& phases, const std::string& placement,
                              const std::vector<RoleProcess>& roles) {
  v1::RepetitionResult result;
  result.mutable_placement()->set_requested(placement);
  std::vector<std::set<int>> seen(roles.size());
  for (size_t p = 0; p < phases.size(); ++p) {
    v1::PhaseResult* phase = result.add_phases();
    phase->set_name(phases[p]);
    int64_t start = INT64_MAX, end = INT64_MIN, max_skew = 0, max_own_cpu_skew = 0;
    bool any_busy = false;
    for (size_t r = 0; r < roles.size(); ++r) {
      if (TakesPart(roles[r], p) && !roles[r].report.phases[p].idle) any_busy = true;
    }
    for (size_t r = 0; r < roles.size(); ++r) {
      if (!TakesPart(roles[r], p)) continue;
      const PhaseRecord& record = roles[r].report.phases[p];
      if (!record.idle || !any_busy) {
        start = std::min(start, record.start_ns);
        end = std::max(end, record.end_ns);
        max_skew = std::max(max_skew, record.start_ns - record.release_ns);
        if (roles[r].spec->own_cpu) {
          max_own_cpu_skew = std::max(max_own_cpu_skew, record.start_ns - record.release_ns);
        }
      }
      phase->set_bytes(std::max(phase->bytes(), record.bytes));
      phase->set_messages(std::max(phase->messages(), record.messages));
      if (record.latency.count > 0) {
        v1::LatencySummary* latency = phase->mutable_latency();
        latency->set_what("round_trip");
        latency->set_count(record.latency.count);
        latency->set_min_ns(record.latency.min_ns);
        latency->set_mean_ns(record.latency.mean_ns);
        latency->set_p50_ns(record.latency.p50_ns);
        latency->set_p90_ns(record.latency.p90_ns);
        latency->set_p99_ns(record.latency.p99_ns);
        latency->set_p999_ns(record.latency.p999_ns);
        latency->set_max_ns(record.latency.max_ns);
      }
      v1::RoleMeasurement* role = phase->add_roles();
      role->set_role(roles[r].spec->name);
      *role->mutable_counters() = CounterDelta(record.counters_before, record.counters_after);
      *role->mutable_memory_before() = ToProto(record.memory_before);
      *role->mutable_memory_after() = ToProto(record.memory_after);
      std::set<int> cpus;
      for (int cpu : {record.cpu_before, record.cpu_after}) {
        if (cpu >= 0) cpus.insert(cpu);
      }
      for (int cpu : cpus) role->add_cpus(cpu);
      seen[r].insert(cpus.begin(), cpus.end());
      role->set_bytes(record.bytes);
      role->set_wall_ns(record.end_ns - record.start_ns);
      role->set_release_skew_ns(record.start_ns - record.release_ns);
    }
    phase->set_wall_ns(end - start);
    phase->set_max_release_skew_ns(max_skew);
    // Flagged when the last role started later than 5% of the phase after the
    // release: the roles then did not overlap as the phase assumes, and a
    // ratio against wall time is off by about that share. Skews under 10 us
    // are a wake-up's ordinary cost (a KVM guest's idle exit) and not flagged.
    // Only roles with a CPU of their own count: roles sharing a CPU (same,
    // none) start one after the other by the scheduler's choice, which is
    // how that placement runs, not a late release.
    constexpr int64_t kSkewFloorNs = 10'000;
    phase->set_skewed(max_own_cpu_skew > kSkewFloorNs && max_own_cpu_skew * 20 > phase->wall_ns());
    if (phase->wall_ns() > 0) {
      const double seconds = static_cast<double>(phase->wall_ns()) / 1e9;
      phase->set_throughput_bytes_per_sec(static_cast<double>(phase->bytes()) / seconds);
      phase->set_messages_per_sec(static_cast<double>(phase->messages()) / seconds);
    }
  }
  for (size_t r = 0; r < roles.size(); ++r) {
    v1::RolePlacement* role = result.mutable_placement()->add_roles();
    role->set_role(roles[r].spec->name);
    role->set_pinned_cpu(roles[r].spec->pinned_cpu);
    for (int cpu : seen[r]) role->add_observed_cpus(cpu);
  }
  return result;
}

using harness_internal::CpuTimes;

std::vector<CpuTimes> ReadProcStat() {
  std::string text;
  FILE* file = std::fopen("/proc/stat", "re");
  if (file == nullptr) return {};
  char chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0) text.append(chunk, n);
  std::fclose(file);
  return harness_internal::ParseProcStat(text, 1000000000 / std::max(1L, ::sysconf(_SC_CLK_TCK)));
}

// What else ran on the roles' CPUs between the first release and the last
// report: /proc/stat busy time minus the roles' own CPU time in the phases.
// /proc/stat counts in ticks (10 ms at USER_HZ 100) and each of the two reads
// may be off by one, so two ticks per CPU are forgiven before the share is
// computed; windows shorter than ~0.2 s are therefore judged coarsely. Disturbed above 10%: the
// quiet runs on this 2-CPU KVM guest stay below 3%, and one competing busy process on a role's CPU
// shows 30-50%.
constexpr double kDisturbedShare = 0.10;
v1::Interference MeasureInterference(const std::vector<CpuTimes>& before,
                                     const std::vector<CpuTimes>& after, int64_t window_ns,
                                     const std::vector<RoleProcess>& roles, size_t phase_count) {
  v1::Interference interference;
  std::map<int, int64_t> roles_ns;  // per CPU
  for (const RoleProcess& role : roles) {
    int64_t cpu_ns = 0;
    std::set<int> cpus;
    for (size_t p = 0; p < phase_count; ++p) {
      if (!TakesPart(role, p)) continue;
      const PhaseRecord& record = role.report.phases[p];
      cpu_ns += (record.counters_after.user_cpu_ns - record.counters_before.user_cpu_ns) +
                (record.counters_after.system_cpu_ns - record.counters_before.system_cpu_ns);
      interference.set_involuntary_context_switches(
          interference.involuntary_context_switches() +
          (record.counters_after.involuntary_context_switches -
           record.counters_before.involuntary_context_switches));
      for (int cpu : {record.cpu_before, record.cpu_after}) {
        if (cpu >= 0) cpus.insert(cpu);
      }
    }
    if (role.spec->pinned_cpu >= 0) cpus = {role.spec->pinned_cpu};
    for (int cpu : cpus) roles_ns[cpu] += cpu_ns / static_cast<int64_t>(cpus.size());
  }
  const int64_t tick_ns = 1000000000 / std::max(1L, ::sysconf(_SC_CLK_TCK));
  double worst = 0;
  int worst_cpu = -1;
  for (const auto& [cpu, own_ns] : roles_ns) {
    const auto index = static_cast<size_t>(cpu);
    if (index >= before.size() || index >= after.size() || window_ns <= 0) continue;
    v1::CpuBusy* busy = interference.add_cpus();
    busy->set_cpu(cpu);
    busy->set_window_ns(window_ns);
    busy->set_busy_ns(after[index].busy_ns - before[index].busy_ns);
    busy->set_roles_ns(own_ns);
    busy->set_steal_ns(after[index].steal_ns - before[index].steal_ns);
    const int64_t other = std::max<int64_t>(0, busy->busy_ns() - own_ns - 2 * tick_ns);
    const double share = static_cast<double>(other) / static_cast<double>(window_ns);
    if (share > worst) {
      worst = share;
      worst_cpu = cpu;
    }
  }
  const auto percent = [](double share) { return static_cast<int>(std::lround(share * 100)); };
  const bool all_pinned = std::all_of(roles.begin(), roles.end(), [](const RoleProcess& role) {
    return role.spec->pinned_cpu >= 0;
  });
  if (all_pinned) {
    interference.set_other_share(worst);
    if (worst > kDisturbedShare) {
      interference.set_disturbed(true);
      interference.set_reason(absl::StrCat("CPU ", worst_cpu, " spent ", percent(worst),
                                           "% of the timed window on other work (limit ",
                                           percent(kDisturbedShare), "%)"));
    }
    return interference;
  }
  // Unpinned roles move between CPUs (they are seen on one only at phase
  // boundaries), so their time cannot be put on a CPU: judge the CPUs they
  // may use together, all of those CPUs' busy time beyond the roles' own,
  // over window x their count. (Left unjudged, a default matrix run while a
  // compiler used both CPUs had cow_private 40% slower with nothing marked,
  // and the gate called it a regression.)
  const std::vector<int> allowed = sys::AllowedCpus().value_or(std::vector<int>());
  int64_t busy_ns = 0, own_ns = 0, counted = 0;
  for (int cpu : allowed) {
    const auto index = static_cast<size_t>(cpu);
    if (cpu < 0 || index >= before.size() || index >= after.size()) continue;
    busy_ns += after[index].busy_ns - before[index].busy_ns;
    ++counted;
  }
  for (const auto& [cpu, ns] : roles_ns) own_ns += ns;
  if (counted == 0 || window_ns <= 0) return interference;
  const int64_t other = std::max<int64_t>(0, busy_ns - own_ns - 2 * tick_ns * counted);
  const double share =
      static_cast<double>(other) / (static_cast<double>(window_ns) * static_cast<double>(counted));
  interference.set_other_share(share);
  if (share > kDisturbedShare) {
    interference.set_disturbed(true);
    interference.set_reason(absl::StrCat(
        "the ", counted, " CPUs the unpinned roles may use spent ", percent(share),
        "% of the timed window on other work (limit ", percent(kDisturbedShare), "%)"));
  }
  return interference;
}

}  // namespace

absl::StatusOr<std::vector<int>> PlacementCpus(const std::string& placement, int role_count) {
  std::vector<int> cpus(static_cast<size_t>(role_count), -1);
  if (placement == "none") return cpus;
  IPCLAB_ASSIGN_OR_RETURN(std::vector<int> allowed, sys::AllowedCpus());
  if (allowed.empty()) return absl::FailedPreconditionError("no CPU is allowed");
  if (placement == "same") {
    for (int& cpu : cpus) cpu = allowed[0];
    return cpus;
  }
  if (placement == "cross") {
    if (static_cast<int>(allowed.size()) < role_count) {
      return absl::FailedPreconditionError(absl::StrCat("placement=cross needs ", role_count,
                                                        " CPUs but only ", allowed.size(),
                                                        " are allowed for this process"));
    }
    for (int r = 0; r < role_count; ++r)
      cpus[static_cast<size_t>(r)] = allowed[static_cast<size_t>(r)];
    return cpus;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown placement \"", placement, "\""));
}

absl::StatusOr<RolesOutcome> RunRoles(const std::vector<std::string>& phases,
                                      const std::string& placement, std::vector<RoleSpec> specs,
                                      const RoleHooks& hooks) {
  if (phases.size() > static_cast<size_t>(kMaxPhases))
    return absl::InternalError("too many phases");
  std::vector<RoleProcess> roles(specs.size());
  for (size_t r = 0; r < specs.size(); ++r) {
    roles[r].spec = &specs[r];
    if (specs[r].forked_by.empty()) {
      if (specs[r].first_phase != 0) {
        return absl::InternalError(
            absl::StrCat("role ", specs[r].name, " starts late but has no forking role"));
      }
      continue;
    }
    for (size_t f = 0; f < specs.size(); ++f) {
      if (specs[f].name == specs[r].forked_by && specs[f].forked_by.empty())
        roles[r].parent = static_cast<int>(f);
    }
    if (roles[r].parent < 0 || specs[r].first_phase < 0 ||
        specs[r].first_phase >= static_cast<int>(phases.size())) {
      return absl::InternalError(
          absl::StrCat("sub-role ", specs[r].name, ": forked_by=\"", specs[r].forked_by,
                       "\" first_phase=", specs[r].first_phase, " is not a valid start"));
    }
  }
  for (RoleSpec& spec : specs) {
    spec.own_cpu = spec.pinned_cpu >= 0 &&
                   std::count_if(specs.begin(), specs.end(), [&](const RoleSpec& other) {
                     return other.pinned_cpu == spec.pinned_cpu;
                   }) == 1;
  }
  // Before any fork: every role and sub-role shares this page.
  IPCLAB_ASSIGN_OR_RETURN(BarrierPage barrier, BarrierPage::Create());
  std::vector<base::Fd> child_ends;  // closed in the coordinator after forking
  std::vector<int> role_fds;
  for (size_t r = 0; r < specs.size(); ++r) {
    IPCLAB_ASSIGN_OR_RETURN(base::Pipe ready, base::MakePipe());
    roles[r].ready = std::move(ready.read_end);
    role_fds.push_back(ready.write_end.get());
    child_ends.push_back(std::move(ready.write_end));
  }
  for (size_t r = 0; r < specs.size(); ++r) {
    if (roles[r].parent >= 0) continue;
    std::vector<harness_internal::SubRole> sub_roles;
    for (size_t s = 0; s < specs.size(); ++s) {
      if (roles[s].parent != static_cast<int>(r)) continue;
      harness_internal::SubRole sub;
      sub.spec = &specs[s];
      sub.ready_fd = role_fds[s];
      sub_roles.push_back(std::move(sub));
    }
    IPCLAB_ASSIGN_OR_RETURN(roles[r].process, sys::ChildProcess::Fork([&]() {
                              return harness_internal::RoleMain(specs[r], phases, role_fds[r],
                                                                barrier.get(),
                                                                std::move(sub_roles));
                            }));
  }
  child_ends.clear();

  std::vector<CpuTimes> stat_before;
  int64_t window_start_ns = 0;
  // On any failure the RoleProcess destructors kill and reap every role (a
  // sub-role dies with the role that forked it: PR_SET_PDEATHSIG).
  for (size_t p = 0; p <= phases.size(); ++p) {
    const bool last = p == phases.size();
    absl::Status waited = WaitForRoles(roles, p, /*expect_reports=*/last, barrier);
    if (!waited.ok()) {
      barrier.Abort();
      return waited;
    }
    if (p > 0 && hooks.after_phase) {
      absl::Status after = hooks.after_phase(static_cast<int>(p - 1));
      if (!after.ok()) {
        barrier.Abort();
        return after;
      }
    }
    if (last) break;
    if (hooks.before_phase) hooks.before_phase(static_cast<int>(p));
    if (p == 0) {  // outside every role's timed region: they all wait
      stat_before = ReadProcStat();
      window_start_ns = MonotonicNowNs();
    }
    barrier.Release(static_cast<int>(p));
  }
  const int64_t window_ns = MonotonicNowNs() - window_start_ns;
  const std::vector<CpuTimes> stat_after = ReadProcStat();
  RolesOutcome outcome;
  for (RoleProcess& role : roles) {
    if (role.parent >= 0) {  // reaped by its forking role; its report is in
      outcome.checksums.push_back(role.report.checksum);
      continue;
    }
    IPCLAB_ASSIGN_OR_RETURN(sys::ExitInfo exit, role.process.Wait());
    if (!exit.ok()) {
      return absl::InternalError(absl::StrCat("role ", role.spec->name, " ", exit.Describe()));
    }
    outcome.checksums.push_back(role.report.checksum);
  }
  outcome.result = Assemble(phases, placement, roles);
  *outcome.result.mutable_interference() =
      MeasureInterference(stat_before, stat_after, window_ns, roles, phases.size());
  return outcome;
}

namespace harness_internal {

std::vector<CpuTimes> ParseProcStat(const std::string& text, int64_t tick_ns) {
  std::vector<CpuTimes> cpus;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    // Only the per-CPU lines: the aggregate "cpu  " line would otherwise
    // parse its first counter as a CPU number (a vector of millions).
    if (!absl::ConsumePrefix(&line, "cpu") || line.empty() ||
        !absl::ascii_isdigit(static_cast<unsigned char>(line[0]))) {
      continue;
    }
    const std::string fields(line);
    int cpu = -1;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                       steal = 0;
    if (std::sscanf(fields.c_str(), "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &user,
                    &nice, &system, &idle, &iowait, &irq, &softirq, &steal) < 8 ||
        cpu < 0 || cpu > 65535) {
      continue;
    }
    if (static_cast<size_t>(cpu) >= cpus.size()) cpus.resize(static_cast<size_t>(cpu) + 1);
    CpuTimes& times = cpus[static_cast<size_t>(cpu)];
    times.busy_ns = static_cast<int64_t>(user + nice + system + irq + softirq + steal) * tick_ns;
    times.steal_ns = static_cast<int64_t>(steal) * tick_ns;
  }
  return cpus;
}

}  // namespace harness_internal
}  // namespace ipclab::workloads
