#include "workloads/sys/mapping.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace ipclab::sys {

Mapping::Mapping(void* data, size_t size)
    : OwnedMemory(static_cast<char*>(data), size,
                  [](char* mapped, size_t length) { ::munmap(mapped, length); }) {}

absl::StatusOr<Mapping> Mapping::Map(size_t size, int prot, int flags, int fd, off_t offset,
                                     absl::string_view what) {
  void* data = ::mmap(nullptr, size, prot, flags, fd, offset);
  if (data == MAP_FAILED) {
    return base::ErrnoStatus(absl::StrCat("mmap(", what, ", ", size, " bytes)"), errno);
  }
  return Mapping(data, size);
}

absl::StatusOr<Mapping> Mapping::MapAligned(size_t size, size_t alignment, int prot, int flags,
                                            int fd, off_t offset, absl::string_view what) {
  const size_t span = size + alignment;
  void* reserved =
      ::mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) {
    return base::ErrnoStatus(absl::StrCat("mmap(", what, " address space, ", span, " bytes)"),
                             errno);
  }
  const uintptr_t start = reinterpret_cast<uintptr_t>(reserved);
  const uintptr_t aligned = (start + alignment - 1) & ~(uintptr_t{alignment} - 1);
  void* data = ::mmap(reinterpret_cast<void*>(aligned), size, prot, flags | MAP_FIXED, fd, offset);
  if (data == MAP_FAILED) {
    const int error = errno;
    ::munmap(reserved, span);
    return base::ErrnoStatus(absl::StrCat("mmap(", what, ", ", size, " bytes, MAP_FIXED)"), error);
  }
  if (aligned > start) ::munmap(reserved, aligned - start);
  const uintptr_t end = aligned + size;
  if (start + span > end) ::munmap(reinterpret_cast<void*>(end), start + span - end);
  return Mapping(data, size);
}

absl::StatusOr<Mapping> Mapping::Anonymous(size_t size, int extra_flags) {
  return Map(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0,
             "anonymous");
}

}  // namespace ipclab::sys
