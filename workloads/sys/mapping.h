// An owned memory mapping; munmap on destruction. Move-only.
#ifndef IPCLAB_WORKLOADS_SYS_MAPPING_H_
#define IPCLAB_WORKLOADS_SYS_MAPPING_H_

#include <sys/types.h>

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workloads/sys/owned_memory.h"

namespace ipclab::sys {

class Mapping final : public OwnedMemory {
 public:
  Mapping() = default;

  // mmap(nullptr, size, prot, flags, fd, offset); `what` names the mapping in
  // errors ("ring /ipclab-42-0").
  static absl::StatusOr<Mapping> Map(size_t size, int prot, int flags, int fd, off_t offset,
                                     absl::string_view what);
  // The same, starting at a multiple of `alignment` (a power of two): reserves
  // `size + alignment` bytes of address space with no access, maps over its
  // aligned part (MAP_FIXED) and gives the rest back.
  static absl::StatusOr<Mapping> MapAligned(size_t size, size_t alignment, int prot, int flags,
                                            int fd, off_t offset, absl::string_view what);
  // Private anonymous read-write memory.
  static absl::StatusOr<Mapping> Anonymous(size_t size, int extra_flags = 0);

 private:
  Mapping(void* data, size_t size);
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_MAPPING_H_
