// Owner marks: every POSIX shm name, SysV key and scratch file ipclab
// creates says which ipclab instance (an ipclabd, or the server an `ipclab`
// CLI embeds) and which run made it, so that what a crash left is removed by
// mark, never by pid alone (pids are reused).
//
//   /dev/shm/ipclab-i3-5f2a9c0e1b7d4e86-0         shm_posix ring, instance 3
//   $TMPDIR/ipclab-i3-5f2a9c0e1b7d4e86-file0      mmap_file ring
//   SysV key 0x1CA00307                           tag 0x1CA, instance 3, serial 7
//
// An instance is a slot number held by a lock (instance_lock.h) for the
// instance's lifetime; a slot whose lock is free belongs to nobody alive.
// A SysV key has no room for the run: segments are matched by instance and
// creator (the worker) instead, which is as exact, since an instance runs
// one worker at a time.
//
// A worker without a mark (run by hand, or a workload run in a test)
// names things "ipclab-<pid>-..." as before; no sweep ever touches those.
#ifndef IPCLAB_WORKLOADS_OWNER_MARK_H_
#define IPCLAB_WORKLOADS_OWNER_MARK_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "ipclab/v1/worker.pb.h"

namespace ipclab::workloads {

// Instance slots are 0..kMaxInstances-1; kNoInstance is "no mark".
inline constexpr uint32_t kMaxInstances = 4095;
inline constexpr uint32_t kNoInstance = 4095;
// The run part of a mark: at most this many [0-9a-zA-Z] characters.
inline constexpr size_t kMaxRunMarkChars = 16;

struct OwnerMark {
  uint32_t instance = kNoInstance;
  std::string run;

  bool owned() const { return instance < kMaxInstances && !run.empty(); }

  // The mark of `instance` for run `run_id` (kept to its first
  // kMaxRunMarkChars alphanumeric characters).
  static OwnerMark For(uint32_t instance, absl::string_view run_id);
  // From the worker request; unowned if absent or malformed.
  static OwnerMark FromProto(const v1::WorkerRequest& request);
  v1::OwnerMark ToProto() const;
};

// The start of every name (in /dev/shm or a scratch directory, without a
// leading slash) of a run: "ipclab-i3-<run>-"; for an unowned mark the
// creating process's "ipclab-<pid>-".
std::string OwnerNamePrefix(const OwnerMark& mark, pid_t creator_pid);

// "ipclab-i3-": the start of every name of instance 3.
std::string InstanceNamePrefix(uint32_t instance);

// The instance in a marked name ("ipclab-i3-..." -> 3); nullopt for any
// other name (unowned, foreign, malformed).
std::optional<uint32_t> InstanceOfName(absl::string_view name);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_OWNER_MARK_H_
