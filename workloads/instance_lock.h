// The lock that makes an ipclab instance (an ipclabd, or the server an
// `ipclab` CLI embeds) a slot number 0..4094 for owner marks
// (owner_mark.h): an exclusive flock on <dir>/<slot>.lock, held for the
// instance's lifetime and released by the kernel when its process dies,
// however it dies. A slot whose lock can be taken therefore belongs to
// nobody alive, and what carries its mark was left by a dead instance.
// Liveness is never judged by pid (pids are reused).
//
// Where: /run/ipclab/instances (created 01777 like /tmp, files 0644), else
// /tmp/ipclab-<uid>/instances. A lock file is only used by its owner
// (st_uid = euid): another user's slots are neither taken nor judged.
// The holder writes "pid <pid> <cmdline>" and one "scratch <dir>" line per
// scratch directory into the file, so whoever finds it dead knows where
// its files may be; whoever then removes what the dead holder left appends
// "swept by pid <pid>", so the removal can be traced to its remover.
//
// Lock files are never unlinked (unlinking a lock file races with its next
// locker); there are as many as instances ever ran at the same time.
#ifndef IPCLAB_WORKLOADS_INSTANCE_LOCK_H_
#define IPCLAB_WORKLOADS_INSTANCE_LOCK_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/fd.h"

namespace ipclab::workloads {

class InstanceLock final {
 public:
  // Takes the lowest free slot and records `scratch_dirs` in it.
  // previous_scratch_dirs() then says what the slot's last (dead) holder
  // recorded. `directory` overrides InstanceDirectory() for tests of the
  // lock itself; a sweep must never judge by such a lock (names and SysV
  // keys are host-wide).
  static absl::StatusOr<InstanceLock> Acquire(const std::vector<std::string>& scratch_dirs,
                                              const std::string& directory = "");

  // Takes the lock of `instance` if its holder is dead (nullopt if it is
  // held, if no such lock file exists, or if another user owns it).
  static std::optional<InstanceLock> TryLockDead(uint32_t instance,
                                                 const std::string& directory = "");

  uint32_t instance() const { return instance_; }
  // Appends "swept by pid <this pid>" to the lock file: called by whoever
  // took a dead slot and removed what its holder left.
  void NoteSwept() const;
  const std::string& path() const { return path_; }
  // The scratch directories the previous holder recorded.
  const std::vector<std::string>& previous_scratch_dirs() const { return previous_scratch_dirs_; }

 private:
  InstanceLock(base::Fd fd, uint32_t instance, std::string path,
               std::vector<std::string> previous_scratch_dirs)
      : fd_(std::move(fd)),
        instance_(instance),
        path_(std::move(path)),
        previous_scratch_dirs_(std::move(previous_scratch_dirs)) {}

  base::Fd fd_;  // the flock goes with it
  uint32_t instance_ = 0;
  std::string path_;
  std::vector<std::string> previous_scratch_dirs_;
};

// The directory of the lock files (created if needed).
absl::StatusOr<std::string> InstanceDirectory();

// The pid the last holder of `instance` wrote into its lock file (alive or
// not), if the file exists and is this user's.
std::optional<pid_t> InstanceHolderPid(uint32_t instance, const std::string& directory = "");

// The pid of the last process that swept what `instance`'s dead holder left
// (InstanceLock::NoteSwept), since the slot was last taken.
std::optional<pid_t> InstanceSweptBy(uint32_t instance, const std::string& directory = "");

// Whether `instance` is held by a live process of this user: its lock
// file exists, is this user's, and is locked. Takes and drops the lock of
// a dead one.
bool InstanceAlive(uint32_t instance, const std::string& directory = "");

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_INSTANCE_LOCK_H_
