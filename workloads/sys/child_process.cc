#include "workloads/sys/child_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/posix_call.h"

namespace ipclab::sys {

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Kill();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ChildProcess::~ChildProcess() { Kill(); }

absl::StatusOr<ChildProcess> ChildProcess::Fork(absl::FunctionRef<int()> body) {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return base::ErrnoStatus("fork", errno);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::_exit(body());
  }
  return ChildProcess(pid);
}

absl::StatusOr<ExitInfo> ChildProcess::Wait() {
  if (pid_ < 0) return absl::FailedPreconditionError("no child process to wait for");
  int wait_status = 0;
  if (base::RetryOnEintr([&] { return ::waitpid(pid_, &wait_status, 0); }) < 0) {
    return base::ErrnoStatus(absl::StrCat("waitpid(", pid_, ")"), errno);
  }
  pid_ = -1;
  return ExitInfoFromWaitStatus(wait_status);
}

void ChildProcess::Kill() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  (void)Wait();
}

}  // namespace ipclab::sys
