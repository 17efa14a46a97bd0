// A forked child process that runs a function and exits. Only for
// single-threaded processes (ipclab-worker): forking a multithreaded gRPC
// server is unsafe, which is why the server spawns the worker instead.
#ifndef IPCLAB_WORKLOADS_SYS_CHILD_PROCESS_H_
#define IPCLAB_WORKLOADS_SYS_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "base/exit_status.h"

namespace ipclab::sys {

using base::ExitInfo;
using base::ExitInfoFromWaitStatus;

// Move-only. If still running at destruction, the child is killed (SIGKILL)
// and reaped, so no zombie or stray process outlives its owner.
class ChildProcess final {
 public:
  ChildProcess() = default;  // no process
  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Forks; the child runs `body` and _exit()s with its return value. The child
  // dies with its parent (PR_SET_PDEATHSIG).
  static absl::StatusOr<ChildProcess> Fork(absl::FunctionRef<int()> body);

  pid_t pid() const { return pid_; }
  // waitpid, retrying on EINTR.
  absl::StatusOr<ExitInfo> Wait();
  // SIGKILL (if running) and reap.
  void Kill();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_CHILD_PROCESS_H_
