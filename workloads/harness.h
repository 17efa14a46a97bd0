// The role harness: runs the processes of one repetition in lockstep phases.
//
// Each role (producer, consumer, ...) is a forked process that runs its
// phases in order. For every phase, each role reads its memory probe,
// reports ready, and waits until the coordinator has seen every role ready
// and released them all at once (one futex word in a shared page bumped and
// woken with FUTEX_WAKE; the release time is stored beside it, so each role
// records how late it started: release_skew_ns);
// then it reads its counters, times the phase body with CLOCK_MONOTONIC,
// and reads its counters and memory again. Nothing else happens between the
// two clock reads. The coordinator (the worker process) only waits; it never
// measures itself. Results cross a pipe as plain structs and are assembled
// into a RepetitionResult: a phase's wall time runs from the first role's
// start to the last role's end (roles idle in the phase left out).
//
// Sub-roles: a role may also be forked by another role instead of by the
// coordinator (RoleSpec::forked_by), so that it starts as a copy-on-write copy
// of that role's memory at a moment the role chooses (cow_private: the parent
// writes its region, then forks the child). The forking role calls
// RoleContext::StartSubRoles() inside or between phases; the sub-role joins
// the lockstep at its RoleSpec::first_phase and has no measurement for the
// phases before. The forking role reaps it; a sub-role that dies is reported
// with how it died, like any other role.
#ifndef IPCLAB_WORKLOADS_HARNESS_H_
#define IPCLAB_WORKLOADS_HARNESS_H_

#include <time.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "ipclab/v1/ipclab.pb.h"
#include "workloads/latency_recorder.h"
#include "workloads/probes.h"
#include "workloads/sys/child_process.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {

inline constexpr int kMaxPhases = 8;

// What a phase body did.
struct PhaseWork {
  uint64_t bytes = 0;
  uint64_t messages = 0;
  // The role only waits through this phase (cow_private's parent while the
  // child writes): the phase's wall time is the other roles' own.
  bool idle = false;
};

// What one role measured in one phase. Plain data: it crosses a pipe whole.
struct PhaseRecord {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  CounterSample counters_before, counters_after;
  MemorySample memory_before, memory_after;
  int32_t cpu_before = -1;
  int32_t cpu_after = -1;
  int64_t release_ns = 0;  // the coordinator's release of this phase
  bool idle = false;       // PhaseWork::idle
  uint64_t bytes = 0;
  uint64_t messages = 0;
  LatencyStats latency;
};

// Everything a role sends back when it ends.
struct RoleReport {
  int32_t status_code = 0;  // absl::StatusCode
  char error[480] = {};
  int32_t phases_done = 0;
  PhaseRecord phases[kMaxPhases];
  uint64_t checksum = 0;
  // How a sub-role this role started ended, if it ended badly (the
  // coordinator cannot wait for a grandchild): "child killed by signal 9
  // (SIGKILL: Killed)".
  char sub_role_exit[160] = {};
};

struct RoleSpec;

namespace harness_internal {
// The barrier protocol: 'R' (ready) per phase on the role's pipe; the release
// through the shared Barrier page; 'D' + RoleReport on the pipe at the end.
inline constexpr char kReady = 'R';
inline constexpr char kDone = 'D';

// One MAP_SHARED anonymous page, mapped before the roles are forked (so
// sub-roles have it too). Process-shared futexes (no FUTEX_PRIVATE_FLAG).
struct Barrier {
  // Phases released so far: phase p starts when released > p.
  uint32_t released;
  uint32_t aborted;  // nonzero: the coordinator gave up; roles stop
  // CLOCK_MONOTONIC the coordinator read just before waking phase p.
  int64_t release_ns[kMaxPhases];
  // --min-time passes (RoleContext::AnotherPass): (pass << 1) | more.
  uint32_t pass_word;
};

// A sub-role as its forking role sees it: the pipe end it inherited for it
// from the coordinator, and the process once started.
struct SubRole {
  const RoleSpec* spec = nullptr;
  int ready_fd = -1;
  sys::ChildProcess process;
};
int RoleMain(const RoleSpec& spec, const std::vector<std::string>& phases, int ready_fd,
             Barrier* barrier, std::vector<SubRole> sub_roles);

// Per-CPU busy and steal time from /proc/stat's "cpuN" lines, in ns, indexed
// by CPU number (the aggregate "cpu" line is not a CPU).
struct CpuTimes {
  int64_t busy_ns = 0;
  int64_t steal_ns = 0;
};
std::vector<CpuTimes> ParseProcStat(const std::string& text, int64_t tick_ns);
}  // namespace harness_internal

// The role's side of the harness, valid inside the role process only.
class RoleContext final {
 public:
  RoleContext(int ready_fd, harness_internal::Barrier* barrier, RoleReport* report)
      : ready_fd_(ready_fd), barrier_(barrier), report_(report) {}

  // Runs the next phase: memory probe, barrier with every role, counters,
  // timed body, counters, memory probe. The body must not allocate or log.
  absl::Status RunPhase(absl::FunctionRef<absl::StatusOr<PhaseWork>()> body);

  // Forks every sub-role of this role (RoleSpec::forked_by == this role's
  // name). Each is a fork of this process at this instant, so it shares this
  // role's memory copy-on-write; it joins the lockstep at its first_phase.
  // Call once, before that phase begins - inside a phase body to time the
  // fork itself. RunPhase refuses to begin a sub-role's first phase before it
  // was started. A no-op for roles without sub-roles.
  absl::Status StartSubRoles();

  // --min-time: between two passes of a phase body, whether to run another.
  // The deciding role (one per workload, e.g. the producer) passes
  // `more` = its own decision and publishes it; every other role passes
  // decide=false and waits for the decider's answer for pass `pass`
  // (1-based: the number of passes done). Never called per message.
  bool AnotherPass(uint32_t pass, bool decide, bool more);

  LatencyRecorder& latency() { return latency_; }
  // In verify mode: a checksum of the data this role sent or received.
  void set_checksum(uint64_t checksum) { report_->checksum = checksum; }

 private:
  friend int harness_internal::RoleMain(const RoleSpec& spec,
                                        const std::vector<std::string>& phases, int ready_fd,
                                        harness_internal::Barrier* barrier,
                                        std::vector<harness_internal::SubRole> sub_roles);

  // Waits until phase `phase` is released; ABORTED if the coordinator gave up
  // or went away.
  absl::Status AwaitRelease(int phase);

  // How long a role with its own CPU spins at a barrier before sleeping.
  static constexpr int64_t kSpinNs = 200'000;

  int ready_fd_;
  harness_internal::Barrier* barrier_;
  bool spin_ = false;
  RoleReport* report_;
  LatencyRecorder latency_;
  // Set by the harness for roles that start sub-roles.
  const std::vector<std::string>* phases_ = nullptr;
  std::vector<harness_internal::SubRole> sub_roles_;
};

struct RoleSpec {
  std::string name;     // "producer"
  int pinned_cpu = -1;  // -1: wherever the scheduler puts it
  // Set by RunRoles: pinned to a CPU no other role is pinned to, so it may
  // spin briefly at the barrier.
  bool own_cpu = false;
  // Also count faults with the perf software page-fault event (where the host
  // permits). Only for workloads whose subject is faults: a task with a perf
  // event pays at every context switch (~0.5 us each on a KVM guest, +20% on
  // a 3 us pipe round trip), which would distort IPC timings.
  bool count_perf_faults = false;
  // File descriptors the role uses; every other inherited fd above 2 is closed
  // in the role process so that end-of-file and cleanup work.
  std::vector<int> keep_fds;
  // Runs every phase through context.RunPhase, in order (from first_phase).
  std::function<absl::Status(RoleContext& context)> body;
  // "": the coordinator forks this role before the first phase. Otherwise the
  // name of the (coordinator-forked) role that forks it with StartSubRoles.
  std::string forked_by;
  // The first phase this role takes part in; only sub-roles may start late.
  int first_phase = 0;
};

struct RoleHooks {
  // Coordinator side, while every role waits at the barrier of phase `index`.
  std::function<void(int index)> before_phase;
  // Coordinator side, once every role has finished phase `index`.
  std::function<absl::Status(int index)> after_phase;
};

struct RolesOutcome {
  v1::RepetitionResult result;      // phases and placement
  std::vector<uint64_t> checksums;  // per role, in RoleSpec order
};

// Forks one process per role (sub-roles are forked by their role), runs the
// phases in lockstep and assembles the result; a sub-role appears in the
// phases from its first_phase on. If a role fails or dies, the others are
// killed and the error names the role and what happened to it.
absl::StatusOr<RolesOutcome> RunRoles(const std::vector<std::string>& phases,
                                      const std::string& placement, std::vector<RoleSpec> roles,
                                      const RoleHooks& hooks);

// The CPU of each of `role_count` roles for placement none|same|cross:
// none -> all -1; same -> all on the first allowed CPU; cross -> distinct
// allowed CPUs (FAILED_PRECONDITION if there are fewer than `role_count`).
absl::StatusOr<std::vector<int>> PlacementCpus(const std::string& placement, int role_count);

// CLOCK_MONOTONIC in nanoseconds (vDSO; inline for timed loops).
inline int64_t MonotonicNowNs() {
  timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_HARNESS_H_
