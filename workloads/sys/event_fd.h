// eventfd(2) as a wake-up channel between two processes that inherited it:
// Signal adds 1 to the counter, Wait blocks until the counter is non-zero and
// resets it (so several signals before one wait wake it once).
#ifndef IPCLAB_WORKLOADS_SYS_EVENT_FD_H_
#define IPCLAB_WORKLOADS_SYS_EVENT_FD_H_

#include "absl/status/statusor.h"
#include "base/fd.h"

namespace ipclab::sys {

// eventfd(0, EFD_CLOEXEC): blocking, counter mode (not EFD_SEMAPHORE).
absl::StatusOr<base::Fd> MakeEventFd();

// write(fd, 1), retrying on EINTR.
absl::Status SignalEventFd(int fd);

// read(fd) until it succeeds (EINTR retried); returns the counter it reset.
absl::StatusOr<uint64_t> WaitEventFd(int fd);

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_EVENT_FD_H_
