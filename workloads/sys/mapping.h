// An owned memory mapping; munmap on destruction.
#ifndef IPCLAB_WORKLOADS_SYS_MAPPING_H_
#define IPCLAB_WORKLOADS_SYS_MAPPING_H_

#include <sys/types.h>

#include <cstddef>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ipclab::sys {

class Mapping final {
 public:
  Mapping() = default;
  Mapping(Mapping&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { Reset(); }

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

  char* data() const { return static_cast<char*>(data_); }
  size_t size() const { return size_; }
  void Reset();

 private:
  Mapping(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_MAPPING_H_
