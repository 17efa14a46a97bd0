// Memory this process has mapped or attached, and how to give it back: the
// part Mapping (munmap) and SysvAttachment (shmdt) share.
#ifndef IPCLAB_WORKLOADS_SYS_OWNED_MEMORY_H_
#define IPCLAB_WORKLOADS_SYS_OWNED_MEMORY_H_

#include <cstddef>
#include <utility>

namespace ipclab::sys {

// The base of Mapping and SysvAttachment, which only say how their memory
// is made. Move-only; gives the memory back once, on Reset or destruction. A
// moved-from or default-constructed one holds nothing.
class OwnedMemory {
 public:
  OwnedMemory(OwnedMemory&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        release_(other.release_) {}
  OwnedMemory& operator=(OwnedMemory&& other) noexcept {
    if (this != &other) {
      Reset();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      release_ = other.release_;
    }
    return *this;
  }
  OwnedMemory(const OwnedMemory&) = delete;
  OwnedMemory& operator=(const OwnedMemory&) = delete;

  char* data() const { return data_; }
  size_t size() const { return size_; }
  // Gives the memory back now (munmap, shmdt).
  void Reset() {
    if (data_ != nullptr) release_(data_, size_);
    data_ = nullptr;
    size_ = 0;
  }

 protected:
  // munmap or shmdt, called with what the constructor was given.
  using ReleaseFn = void (*)(char* data, size_t size);

  OwnedMemory() = default;
  OwnedMemory(char* data, size_t size, ReleaseFn release)
      : data_(data), size_(size), release_(release) {}
  // Not virtual: never deleted through a pointer to the base.
  ~OwnedMemory() { Reset(); }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  ReleaseFn release_ = nullptr;
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_OWNED_MEMORY_H_
