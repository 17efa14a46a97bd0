#include "workloads/sys/mapping.h"

#include <sys/mman.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "workloads/sys/errno_status.h"

namespace ipclab::sys {

Mapping& Mapping::operator=(Mapping&& other) noexcept {
  if (this != &other) {
    Reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void Mapping::Reset() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

absl::StatusOr<Mapping> Mapping::Map(size_t size, int prot, int flags, int fd, off_t offset,
                                     const char* what) {
  void* data = ::mmap(nullptr, size, prot, flags, fd, offset);
  if (data == MAP_FAILED) {
    return ErrnoStatus(absl::StrCat("mmap(", what, ", ", size, " bytes)"), errno);
  }
  return Mapping(data, size);
}

absl::StatusOr<Mapping> Mapping::Anonymous(size_t size, int extra_flags) {
  return Map(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0,
             "anonymous");
}

}  // namespace ipclab::sys
