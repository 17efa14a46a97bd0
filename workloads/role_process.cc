// The role side of the harness (harness.h): the forked role process, its
// barrier with the coordinator, and the sub-roles it forks.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/fd.h"
#include "base/status_macros.h"
#include "workloads/harness.h"
#include "workloads/sys/child_process.h"
#include "workloads/sys/cpu.h"

namespace ipclab::workloads {
namespace {

using harness_internal::Barrier;
using harness_internal::kDone;
using harness_internal::kReady;

// Waits (at most `timeout_ms`) while *word == expected; process-shared.
void FutexWait(uint32_t* word, uint32_t expected, int timeout_ms) {
  const timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
  ::syscall(SYS_futex, word, FUTEX_WAIT, expected, &timeout, nullptr, 0);
}

// Closes every fd above 2 that is not in `keep` (close_range between them).
void CloseAllExcept(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned int next = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned int>(fd) > next)
      ::close_range(next, static_cast<unsigned int>(fd) - 1, 0);
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

// How long a failed forking role waits for a sub-role to become waitable.
// A dying process closes its files (the coordinator sees end of file on its
// pipe and aborts the barrier) a little before its parent can wait for it;
// without this grace the forking role, woken by the abort, found the sub-role
// still running in about one run in a thousand under load and could not say
// how it died. A sub-role still alive after the grace is killed.
constexpr int kSubRoleExitGraceMs = 50;

// How `pid` (a child) ended, if it ends within `grace_ms`; it stays waitable.
std::optional<sys::ExitInfo> EndedWithin(pid_t pid, int grace_ms) {
  for (int waited_ms = 0;; ++waited_ms) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      return std::nullopt;  // not our child, or already reaped
    }
    if (info.si_pid != 0) {
      sys::ExitInfo exit;
      exit.signaled = info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED;
      (exit.signaled ? exit.signal : exit.code) = info.si_status;
      return exit;
    }
    if (waited_ms >= grace_ms) return std::nullopt;
    const timespec one_ms{0, 1000000L};
    ::nanosleep(&one_ms, nullptr);
  }
}

}  // namespace

namespace harness_internal {

// The role process: pin, warm the clock and the probes, run, report. A role
// that starts sub-roles keeps their pipe ends until it forks them. When all
// went well it reaps them before reporting (they are finishing the last
// phase), so its report can say if one died; when it failed it notes how a
// sub-role that already ended died, kills the others and reports at once.
int RoleMain(const RoleSpec& spec, const std::vector<std::string>& phases, int ready_fd,
             Barrier* barrier, std::vector<SubRole> sub_roles) {
  static RoleReport report;  // static: no large stack frame
  // A sub-role starts with its forking role's copy: clear it (which also
  // takes the copy-on-write faults on it here, outside every phase).
  report = RoleReport();
  report.phases_done = spec.first_phase;
  std::vector<int> keep = spec.keep_fds;
  keep.push_back(ready_fd);
  for (const SubRole& sub : sub_roles) {
    keep.insert(keep.end(), sub.spec->keep_fds.begin(), sub.spec->keep_fds.end());
    keep.push_back(sub.ready_fd);
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
  RoleContext context(ready_fd, barrier, &report);
  context.phases_ = &phases;
  context.spin_ = spec.own_cpu;
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
      if (std::optional<sys::ExitInfo> exit = EndedWithin(sub.process.pid(), kSubRoleExitGraceMs);
          exit.has_value() && !exit->ok()) {
        NoteSubRoleExit(&report, *sub.spec, *exit);
      }
      sub.process.Kill();
    }
  }
  if (!base::WriteFull(ready_fd, &kDone, 1).ok()) return 2;
  if (!base::WriteFull(ready_fd, &report, sizeof(report)).ok()) return 2;
  return status.ok() ? 0 : 1;
}

}  // namespace harness_internal

absl::Status RoleContext::StartSubRoles() {
  for (harness_internal::SubRole& sub : sub_roles_) {
    if (sub.process.pid() >= 0 || sub.ready_fd < 0) {
      return absl::InternalError(absl::StrCat("sub-role ", sub.spec->name, " started twice"));
    }
    // Plain fork: the sub-role gets this process's memory copy-on-write.
    absl::StatusOr<sys::ChildProcess> process = sys::ChildProcess::Fork([&]() {
      return harness_internal::RoleMain(*sub.spec, *phases_, sub.ready_fd, barrier_, {});
    });
    if (!process.ok()) return process.status();
    sub.process = std::move(process).value();
    // Its pipe end now lives in the sub-role only, so its death shows as EOF.
    ::close(sub.ready_fd);
    sub.ready_fd = -1;
  }
  return absl::OkStatus();
}

absl::Status RoleContext::AwaitRelease(int phase) {
  // A role with a CPU of its own spins briefly first: the release then
  // reaches it in well under a microsecond instead of a futex wake-up from
  // idle (15-30 us on a KVM guest). Roles sharing a CPU never spin (the
  // spinner would hold the CPU the other role needs to reach the barrier).
  if (spin_) {
    const int64_t deadline = MonotonicNowNs() + kSpinNs;
    while (__atomic_load_n(&barrier_->released, __ATOMIC_ACQUIRE) <= static_cast<uint32_t>(phase) &&
           __atomic_load_n(&barrier_->aborted, __ATOMIC_RELAXED) == 0 &&
           MonotonicNowNs() < deadline) {
      __builtin_ia32_pause();
    }
  }
  const pid_t parent = ::getppid();
  for (;;) {
    const uint32_t released = __atomic_load_n(&barrier_->released, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&barrier_->aborted, __ATOMIC_ACQUIRE) != 0) {
      return absl::AbortedError("the coordinator gave up");
    }
    if (released > static_cast<uint32_t>(phase)) return absl::OkStatus();
    // The timeout only notices a coordinator (or forking role) that died.
    FutexWait(&barrier_->released, released, 1000);
    if (::getppid() != parent) return absl::AbortedError("the coordinator went away");
  }
}

bool RoleContext::AnotherPass(uint32_t pass, bool decide, bool more) {
  uint32_t* word = &barrier_->pass_word;
  if (decide) {
    __atomic_store_n(word, (pass << 1) | (more ? 1u : 0u), __ATOMIC_RELEASE);
    ::syscall(SYS_futex, word, FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
    return more;
  }
  for (;;) {
    const uint32_t value = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    // The decider may already be past pass `pass` (its data was buffered):
    // then it decided "more" for `pass`.
    if ((value >> 1) > pass) return true;
    if ((value >> 1) == pass) return (value & 1u) != 0;
    if (__atomic_load_n(&barrier_->aborted, __ATOMIC_ACQUIRE) != 0) return false;
    FutexWait(word, value, 1000);
  }
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
  IPCLAB_RETURN_IF_ERROR(base::WriteFull(ready_fd_, &kReady, 1));
  IPCLAB_RETURN_IF_ERROR(AwaitRelease(report_->phases_done));

  record.cpu_before = sys::CurrentCpu();
  record.counters_before = ReadCountersSelf();
  record.start_ns = MonotonicNowNs();
  absl::StatusOr<PhaseWork> work = body();
  record.end_ns = MonotonicNowNs();
  record.counters_after = ReadCountersSelf();
  record.cpu_after = sys::CurrentCpu();
  if (!work.ok()) return work.status();
  record.release_ns = barrier_->release_ns[report_->phases_done];
  record.bytes = work->bytes;
  record.idle = work->idle;
  record.messages = work->messages;
  if (latency_.count() > 0) record.latency = latency_.TakeStats();
  IPCLAB_RETURN_IF_ERROR(ReadMemory(0, &record.memory_after));
  ++report_->phases_done;
  return absl::OkStatus();
}

}  // namespace ipclab::workloads
