// A POSIX shared memory object (shm_open). The creator owns the name and
// unlinks it on destruction unless it already did; an opener never unlinks.
#ifndef IPCLAB_WORKLOADS_SYS_SHM_OBJECT_H_
#define IPCLAB_WORKLOADS_SYS_SHM_OBJECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "base/fd.h"

namespace ipclab::sys {

class ShmObject final {
 public:
  ShmObject(ShmObject&& other) noexcept;
  ShmObject& operator=(ShmObject&& other) noexcept;
  ShmObject(const ShmObject&) = delete;
  ShmObject& operator=(const ShmObject&) = delete;
  ~ShmObject();

  // shm_open(O_CREAT | O_EXCL) + ftruncate(size). `name` starts with '/'.
  static absl::StatusOr<ShmObject> Create(const std::string& name, size_t size);
  // shm_open of an existing object; never unlinks it.
  static absl::StatusOr<ShmObject> Open(const std::string& name);

  // Removes the name now (the memory lives on while mapped). Owner only.
  absl::Status Unlink();

  int fd() const { return fd_.get(); }
  const std::string& name() const { return name_; }
  bool owner() const { return owner_; }

 private:
  ShmObject(std::string name, base::Fd fd, bool owner)
      : name_(std::move(name)), fd_(std::move(fd)), owner_(owner) {}
  std::string name_;
  base::Fd fd_;
  bool owner_ = false;  // created it and has not unlinked it yet
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_SHM_OBJECT_H_
