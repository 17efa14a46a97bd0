#include "workloads/sys/event_fd.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "workloads/sys/errno_status.h"

namespace ipclab::sys {

absl::StatusOr<Fd> MakeEventFd() {
  const int fd = ::eventfd(0, EFD_CLOEXEC);
  if (fd < 0) return ErrnoStatus("eventfd(0, EFD_CLOEXEC)", errno);
  return Fd(fd);
}

absl::Status SignalEventFd(int fd) {
  const uint64_t one = 1;
  for (;;) {
    if (::write(fd, &one, sizeof(one)) == static_cast<ssize_t>(sizeof(one)))
      return absl::OkStatus();
    if (errno != EINTR) return ErrnoStatus(absl::StrCat("write(eventfd ", fd, ")"), errno);
  }
}

absl::StatusOr<uint64_t> WaitEventFd(int fd) {
  uint64_t value = 0;
  for (;;) {
    if (::read(fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value))) return value;
    if (errno != EINTR) return ErrnoStatus(absl::StrCat("read(eventfd ", fd, ")"), errno);
  }
}

}  // namespace ipclab::sys
