// One measurement per host, across processes: every measuring worker
// (embedded or served, any user) holds an exclusive flock on one lock file
// for the whole case. The holder writes "pid <pid> <cmdline>" into the file so
// that a waiter can say who it waits for.
//
// Where: /run/ipclab/measure.lock; the directory is created 01777 (sticky,
// world-writable, like /tmp) and the file 0666, so root and non-root workers
// share one lock where /run/ipclab can be created at all. If it cannot (a
// non-root user on a host without /run/ipclab), the lock falls back to
// $XDG_RUNTIME_DIR/ipclab-measure.lock, then /tmp/ipclab-<uid>/measure.lock:
// those only exclude runs of the same user, and LockPath says which was used.
#ifndef IPCLAB_WORKLOADS_HOST_LOCK_H_
#define IPCLAB_WORKLOADS_HOST_LOCK_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "base/fd.h"

namespace ipclab::workloads {

class HostLock final {
 public:
  // Takes the lock, waiting as long as it is held. If it is held when first
  // tried, calls `on_wait` once with a description of the holder ("another
  // measurement holds the host lock /run/ipclab/measure.lock (pid 1234,
  // ipclabd)") before blocking. `directory` overrides the search (tests).
  static absl::StatusOr<HostLock> Acquire(const std::function<void(const std::string&)>& on_wait,
                                          const std::string& directory = "");

  const std::string& path() const { return path_; }

 private:
  HostLock(base::Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  base::Fd fd_;  // the flock goes with it
  std::string path_;
};

// The lock file path Acquire would use (creating its directory if needed).
absl::StatusOr<std::string> HostLockPath();

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_HOST_LOCK_H_
