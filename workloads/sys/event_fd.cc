#include "workloads/sys/event_fd.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/posix_call.h"

namespace ipclab::sys {

absl::StatusOr<base::Fd> MakeEventFd() {
  const int fd = ::eventfd(0, EFD_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus("eventfd(0, EFD_CLOEXEC)", errno);
  return base::Fd(fd);
}

absl::Status SignalEventFd(int fd) {
  const uint64_t one = 1;
  // An eventfd write moves all 8 bytes or fails.
  if (base::RetryOnEintr([&] { return ::write(fd, &one, sizeof(one)); }) < 0) {
    return base::ErrnoStatus(absl::StrCat("write(eventfd ", fd, ")"), errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> WaitEventFd(int fd) {
  uint64_t value = 0;
  // An eventfd read moves all 8 bytes or fails.
  if (base::RetryOnEintr([&] { return ::read(fd, &value, sizeof(value)); }) < 0) {
    return base::ErrnoStatus(absl::StrCat("read(eventfd ", fd, ")"), errno);
  }
  return value;
}

}  // namespace ipclab::sys
