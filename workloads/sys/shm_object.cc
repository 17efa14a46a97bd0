#include "workloads/sys/shm_object.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace ipclab::sys {

ShmObject::ShmObject(std::string name, base::Fd fd, bool owner)
    : name_(std::move(name), std::move(fd), owner, ::shm_unlink, "shm_unlink") {}

absl::StatusOr<ShmObject> ShmObject::Create(const std::string& name, size_t size) {
  const int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return base::ErrnoStatus(absl::StrCat("shm_open(\"", name, "\", O_CREAT)"), errno);
  ShmObject object(name, base::Fd(fd), /*owner=*/true);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    return base::ErrnoStatus(absl::StrCat("ftruncate(\"", name, "\", ", size, ")"), errno);
  }
  return object;  // on error above, `object` unlinks the name
}

absl::StatusOr<ShmObject> ShmObject::Open(const std::string& name) {
  const int fd = ::shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return base::ErrnoStatus(absl::StrCat("shm_open(\"", name, "\")"), errno);
  return ShmObject(name, base::Fd(fd), /*owner=*/false);
}

}  // namespace ipclab::sys
