#include "workloads/harness.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "workloads/status_macros.h"
#include "workloads/sys/child_process.h"
#include "workloads/sys/cpu.h"
#include "workloads/sys/errno_status.h"
#include "workloads/sys/fd.h"

namespace ipclab::workloads {
namespace {

constexpr char kReady = 'R';
constexpr char kGo = 'G';
constexpr char kDone = 'D';

// Closes every fd above 2 that is not in `keep` (close_range between them).
void CloseAllExcept(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned int next = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned int>(fd) > next) ::close_range(next, static_cast<unsigned int>(fd) - 1, 0);
    next = static_cast<unsigned int>(fd) + 1;
  }
  ::close_range(next, ~0U, 0);
}

void SetError(RoleReport* report, const absl::Status& status) {
  report->status_code = static_cast<int32_t>(status.code());
  std::snprintf(report->error, sizeof(report->error), "%s", std::string(status.message()).c_str());
}

// "child killed by signal 9 (SIGKILL: Killed)", for the first sub-role that
// ended badly.
void NoteSubRoleExit(RoleReport* report, const RoleSpec& sub, const sys::ExitInfo& exit) {
  if (report->sub_role_exit[0] != '\0') return;
  std::snprintf(report->sub_role_exit, sizeof(report->sub_role_exit), "%s %s", sub.name.c_str(),
                exit.Describe().c_str());
}

double Rank(const int64_t* sorted, size_t count, double q) {
  // Linear interpolation between closest ranks.
  const double position = q * static_cast<double>(count - 1);
  const size_t lower = static_cast<size_t>(position);
  const size_t upper = std::min(lower + 1, count - 1);
  const double fraction = position - static_cast<double>(lower);
  return static_cast<double>(sorted[lower]) +
         fraction * static_cast<double>(sorted[upper] - sorted[lower]);
}

}  // namespace

namespace harness_internal {

// The role process: pin, warm the clock and the probes, run, report. A role
// that starts sub-roles keeps their pipe ends until it forks them. When all
// went well it reaps them before reporting (they are finishing the last
// phase), so its report can say if one died; when it failed it notes how a
// sub-role that already ended died, kills the others and reports at once.
int RoleMain(const RoleSpec& spec, const std::vector<std::string>& phases, int ready_fd, int go_fd,
             std::vector<SubRole> sub_roles) {
  static RoleReport report;  // static: no large stack frame
  // A sub-role starts with its forking role's copy: clear it (which also
  // takes the copy-on-write faults on it here, outside every phase).
  report = RoleReport();
  report.phases_done = spec.first_phase;
  std::vector<int> keep = spec.keep_fds;
  keep.push_back(ready_fd);
  keep.push_back(go_fd);
  for (const SubRole& sub : sub_roles) {
    keep.insert(keep.end(), sub.spec->keep_fds.begin(), sub.spec->keep_fds.end());
    keep.push_back(sub.ready_fd);
    keep.push_back(sub.go_fd);
  }
  CloseAllExcept(keep);

  absl::Status status = absl::OkStatus();
  if (spec.pinned_cpu >= 0) status = sys::PinToCpu(spec.pinned_cpu);
  // Where the host forbids perf events, getrusage alone is reported.
  if (spec.count_perf_faults) {
    (void)EnablePerfFaultCounter();
  } else {
    DisablePerfFaultCounter();
  }
  RoleContext context(ready_fd, go_fd, &report);
  context.phases_ = &phases;
  context.sub_roles_ = std::move(sub_roles);
  if (status.ok()) {
    // The first clock_gettime faults in the vvar pages; the first probe reads
    // fault in their buffers. Both happen here, outside every phase.
    for (int i = 0; i < 3; ++i) (void)MonotonicNowNs();
    MemorySample warm_memory;
    (void)ReadMemory(0, &warm_memory);
    (void)ReadCountersSelf();
    status = spec.body(context);
  }
  if (status.ok() && report.phases_done != static_cast<int>(phases.size())) {
    status = absl::InternalError(absl::StrCat("role ", spec.name, " ran ",
                                              report.phases_done - spec.first_phase, " of ",
                                              phases.size() - spec.first_phase, " phases"));
  }
  if (status.ok()) {
    // Every phase is done, so the sub-roles are finishing their last one:
    // reap them first, so that the report can say if one died.
    for (SubRole& sub : context.sub_roles_) {
      if (sub.process.pid() < 0) continue;
      absl::StatusOr<sys::ExitInfo> exit = sub.process.Wait();
      if (exit.ok() && !exit->ok()) NoteSubRoleExit(&report, *sub.spec, *exit);
    }
  } else {
    SetError(&report, status);
    // Say how a sub-role that already ended died (the coordinator cannot
    // wait for a grandchild), then stop the others.
    for (SubRole& sub : context.sub_roles_) {
      if (sub.process.pid() < 0) continue;
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(sub.process.pid()), &info,
                   WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid != 0) {
        sys::ExitInfo exit;
        exit.signaled = info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED;
        (exit.signaled ? exit.signal : exit.code) = info.si_status;
        if (!exit.ok()) NoteSubRoleExit(&report, *sub.spec, exit);
      }
      sub.process.Kill();
    }
  }
  if (!sys::WriteFull(ready_fd, &kDone, 1).ok()) return 2;
  if (!sys::WriteFull(ready_fd, &report, sizeof(report)).ok()) return 2;
  return status.ok() ? 0 : 1;
}

}  // namespace harness_internal

namespace {

struct RoleProcess {
  const RoleSpec* spec = nullptr;
  int parent = -1;            // index of the role that forks it; -1: the coordinator
  sys::ChildProcess process;  // empty for a sub-role (its parent reaps it)
  sys::Fd ready;  // coordinator reads: 'R' per phase, then 'D' + RoleReport
  sys::Fd go;     // coordinator writes 'G' per phase
  RoleReport report;
  bool reported = false;
};

// Whether `role` takes part in step `step` (phase index; the report step is
// phases.size(), where every role takes part).
bool TakesPart(const RoleProcess& role, size_t step) {
  return static_cast<size_t>(role.spec->first_phase) <= step;
}

// A sub-role's pipe reached end of file without a report. Its forking role
// reaps it, so ask that role: closing its go pipe makes it fail at its
// barrier, and its report says how the sub-role ended.
absl::Status SubRoleDied(std::vector<RoleProcess>& roles, const RoleProcess& sub) {
  RoleProcess& parent = roles[static_cast<size_t>(sub.parent)];
  if (!parent.reported) {
    parent.go.Reset();
    constexpr int kPatienceMs = 10000;
    for (;;) {
      pollfd fd{parent.ready.get(), POLLIN, 0};
      const int ready = ::poll(&fd, 1, kPatienceMs);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      char signal_byte = 0;
      absl::StatusOr<size_t> got = sys::ReadFull(parent.ready.get(), &signal_byte, 1);
      if (!got.ok() || *got != 1) {
        absl::StatusOr<sys::ExitInfo> exit = parent.process.Wait();
        return absl::InternalError(absl::StrCat(
            "role ", sub.spec->name, " ended without a report; role ", parent.spec->name,
            " (which forked it) ", exit.ok() ? exit->Describe() : "vanished"));
      }
      if (signal_byte == kReady) continue;
      absl::StatusOr<size_t> size =
          sys::ReadFull(parent.ready.get(), &parent.report, sizeof(parent.report));
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
absl::Status WaitForRoles(std::vector<RoleProcess>& roles, size_t step, bool expect_reports) {
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
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return sys::ErrnoStatus("poll(role pipes)", errno);
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      RoleProcess& role = roles[index[k]];
      char signal_byte = 0;
      IPCLAB_ASSIGN_OR_RETURN(size_t got, sys::ReadFull(role.ready.get(), &signal_byte, 1));
      if (got == 1 && signal_byte == kDone) {
        IPCLAB_ASSIGN_OR_RETURN(size_t size, sys::ReadFull(role.ready.get(), &role.report, sizeof(role.report)));
        if (size != sizeof(role.report)) {
          return absl::InternalError(absl::StrCat("role ", role.spec->name, " sent a short report"));
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
        return SubRoleDied(roles, role);
      } else {
        // End of file: the role died. Say how.
        absl::StatusOr<sys::ExitInfo> exit = role.process.Wait();
        return absl::InternalError(absl::StrCat(
            "role ", role.spec->name, " ", exit.ok() ? exit->Describe() : "vanished"));
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
    int64_t start = INT64_MAX, end = INT64_MIN;
    for (size_t r = 0; r < roles.size(); ++r) {
      if (!TakesPart(roles[r], p)) continue;
      const PhaseRecord& record = roles[r].report.phases[p];
      start = std::min(start, record.start_ns);
      end = std::max(end, record.end_ns);
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
    }
    phase->set_wall_ns(end - start);
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

}  // namespace

absl::Status LatencyRecorder::Reserve(size_t max_samples) {
  count_ = 0;
  if (max_samples <= capacity_) return absl::OkStatus();
  IPCLAB_ASSIGN_OR_RETURN(storage_, sys::Mapping::Anonymous(max_samples * sizeof(int64_t), MAP_POPULATE));
  samples_ = reinterpret_cast<int64_t*>(storage_.data());
  capacity_ = max_samples;
  return absl::OkStatus();
}

LatencyStats LatencyRecorder::TakeStats() {
  LatencyStats stats;
  if (count_ == 0) return stats;
  std::sort(samples_, samples_ + count_);
  double sum = 0;
  for (size_t i = 0; i < count_; ++i) sum += static_cast<double>(samples_[i]);
  stats.count = count_;
  stats.min_ns = static_cast<double>(samples_[0]);
  stats.max_ns = static_cast<double>(samples_[count_ - 1]);
  stats.mean_ns = sum / static_cast<double>(count_);
  stats.p50_ns = Rank(samples_, count_, 0.50);
  stats.p90_ns = Rank(samples_, count_, 0.90);
  stats.p99_ns = Rank(samples_, count_, 0.99);
  stats.p999_ns = Rank(samples_, count_, 0.999);
  count_ = 0;
  return stats;
}

absl::Status RoleContext::StartSubRoles() {
  for (harness_internal::SubRole& sub : sub_roles_) {
    if (sub.process.pid() >= 0 || sub.ready_fd < 0) {
      return absl::InternalError(absl::StrCat("sub-role ", sub.spec->name, " started twice"));
    }
    // Plain fork: the sub-role gets this process's memory copy-on-write.
    absl::StatusOr<sys::ChildProcess> process = sys::ChildProcess::Fork([&]() {
      return harness_internal::RoleMain(*sub.spec, *phases_, sub.ready_fd, sub.go_fd, {});
    });
    if (!process.ok()) return process.status();
    sub.process = std::move(process).value();
    // Its pipe ends now live in the sub-role only, so its death shows as EOF.
    ::close(sub.ready_fd);
    ::close(sub.go_fd);
    sub.ready_fd = sub.go_fd = -1;
  }
  return absl::OkStatus();
}

absl::Status RoleContext::RunPhase(absl::FunctionRef<absl::StatusOr<PhaseWork>()> body) {
  if (report_->phases_done >= kMaxPhases) return absl::InternalError("too many phases");
  for (const harness_internal::SubRole& sub : sub_roles_) {
    if (sub.ready_fd >= 0 && report_->phases_done >= sub.spec->first_phase) {
      return absl::InternalError(
          absl::StrCat("sub-role ", sub.spec->name, " was not started before its first phase"));
    }
  }
  PhaseRecord& record = report_->phases[report_->phases_done];
  IPCLAB_RETURN_IF_ERROR(ReadMemory(0, &record.memory_before));
  IPCLAB_RETURN_IF_ERROR(sys::WriteFull(ready_fd_, &kReady, 1));
  char go = 0;
  IPCLAB_ASSIGN_OR_RETURN(size_t got, sys::ReadFull(go_fd_, &go, 1));
  if (got != 1 || go != kGo) return absl::AbortedError("the coordinator went away");

  record.cpu_before = sys::CurrentCpu();
  record.counters_before = ReadCountersSelf();
  record.start_ns = MonotonicNowNs();
  absl::StatusOr<PhaseWork> work = body();
  record.end_ns = MonotonicNowNs();
  record.counters_after = ReadCountersSelf();
  record.cpu_after = sys::CurrentCpu();
  if (!work.ok()) return work.status();
  record.bytes = work->bytes;
  record.messages = work->messages;
  if (latency_.count() > 0) record.latency = latency_.TakeStats();
  IPCLAB_RETURN_IF_ERROR(ReadMemory(0, &record.memory_after));
  ++report_->phases_done;
  return absl::OkStatus();
}

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
      return absl::FailedPreconditionError(absl::StrCat(
          "placement=cross needs ", role_count, " CPUs but only ", allowed.size(),
          " are allowed for this process"));
    }
    for (int r = 0; r < role_count; ++r) cpus[static_cast<size_t>(r)] = allowed[static_cast<size_t>(r)];
    return cpus;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown placement \"", placement, "\""));
}

absl::StatusOr<RolesOutcome> RunRoles(const std::vector<std::string>& phases,
                                      const std::string& placement, std::vector<RoleSpec> specs,
                                      const RoleHooks& hooks) {
  if (phases.size() > static_cast<size_t>(kMaxPhases)) return absl::InternalError("too many phases");
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
  std::vector<sys::Fd> child_ends;  // closed in the coordinator after forking
  std::vector<std::pair<int, int>> role_fds;
  for (size_t r = 0; r < specs.size(); ++r) {
    IPCLAB_ASSIGN_OR_RETURN(sys::Pipe ready, sys::MakePipe());
    IPCLAB_ASSIGN_OR_RETURN(sys::Pipe go, sys::MakePipe());
    roles[r].ready = std::move(ready.read_end);
    roles[r].go = std::move(go.write_end);
    role_fds.emplace_back(ready.write_end.get(), go.read_end.get());
    child_ends.push_back(std::move(ready.write_end));
    child_ends.push_back(std::move(go.read_end));
  }
  for (size_t r = 0; r < specs.size(); ++r) {
    if (roles[r].parent >= 0) continue;
    std::vector<harness_internal::SubRole> sub_roles;
    for (size_t s = 0; s < specs.size(); ++s) {
      if (roles[s].parent != static_cast<int>(r)) continue;
      harness_internal::SubRole sub;
      sub.spec = &specs[s];
      sub.ready_fd = role_fds[s].first;
      sub.go_fd = role_fds[s].second;
      sub_roles.push_back(std::move(sub));
    }
    IPCLAB_ASSIGN_OR_RETURN(roles[r].process, sys::ChildProcess::Fork([&]() {
                              return harness_internal::RoleMain(specs[r], phases, role_fds[r].first,
                                                                role_fds[r].second,
                                                                std::move(sub_roles));
                            }));
  }
  child_ends.clear();

  // On any failure the RoleProcess destructors kill and reap every role (a
  // sub-role dies with the role that forked it: PR_SET_PDEATHSIG).
  for (size_t p = 0; p <= phases.size(); ++p) {
    const bool last = p == phases.size();
    IPCLAB_RETURN_IF_ERROR(WaitForRoles(roles, p, /*expect_reports=*/last));
    if (p > 0 && hooks.after_phase) IPCLAB_RETURN_IF_ERROR(hooks.after_phase(static_cast<int>(p - 1)));
    if (last) break;
    if (hooks.before_phase) hooks.before_phase(static_cast<int>(p));
    for (RoleProcess& role : roles) {
      if (TakesPart(role, p)) IPCLAB_RETURN_IF_ERROR(sys::WriteFull(role.go.get(), &kGo, 1));
    }
  }
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
  return outcome;
}

}  // namespace ipclab::workloads
