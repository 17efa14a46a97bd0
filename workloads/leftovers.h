// Removing what ipclab left behind, by owner mark (owner_mark.h): after an
// unclean worker exit, exactly what that worker's run created; at an
// instance's start, whatever dead instances of the same user left (POSIX
// shm names, SysV segments, scratch files). Never by pid alone, never
// another user's objects, never a live instance's.
#ifndef IPCLAB_WORKLOADS_LEFTOVERS_H_
#define IPCLAB_WORKLOADS_LEFTOVERS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/instance_lock.h"
#include "workloads/owner_mark.h"

namespace ipclab::workloads {

// What a sweep removed.
struct SweepReport {
  std::vector<uint32_t> instances;  // dead instances that had left something
  int shm_names = 0;                // in /dev/shm
  int scratch_files = 0;            // in the scratch directories
  int sysv_segments = 0;
  uint64_t bytes = 0;  // of the names and files (allocated blocks)

  bool empty() const { return shm_names == 0 && scratch_files == 0 && sysv_segments == 0; }
  void Add(const SweepReport& other);
  // "2 /dev/shm names, 1 scratch file (378.0 MiB), 1 SysV segment of dead
  // ipclab instance 3".
  std::string ToString() const;
};

// Removes what the worker `worker_pid` of run `owner` left: names starting
// with OwnerNamePrefix(owner, worker_pid) in /dev/shm and `scratch_dirs`,
// and SysV segments carrying owner.instance that it created (unowned:
// ipclab-tagged segments it created).
SweepReport RemoveRunLeftovers(const OwnerMark& owner, pid_t worker_pid,
                               const std::vector<std::string>& scratch_dirs);

// Removes everything carrying `instance`'s mark, in /dev/shm,
// `scratch_dirs` and SysV. The caller holds the instance's lock (it is its
// own slot, or TryLockDead took it).
SweepReport RemoveInstanceLeftovers(uint32_t instance,
                                    const std::vector<std::string>& scratch_dirs);

// At an instance's start, holding `own`: removes what the slot's previous
// holder left (in `scratch_dirs` and the directories it recorded), then
// finds every other instance named in /dev/shm, `scratch_dirs` or a SysV
// key and, for each one whose lock it can take (dead), removes what it left.
// `own` must come from the default InstanceDirectory(): names and keys are
// host-wide, so only the one directory may judge them.
SweepReport SweepDeadInstances(const InstanceLock& own,
                               const std::vector<std::string>& scratch_dirs);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_LEFTOVERS_H_
