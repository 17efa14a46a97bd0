// A POSIX shared memory object (shm_open). The creator owns the name and
// unlinks it on destruction unless it already did; an opener never unlinks.
#ifndef IPCLAB_WORKLOADS_SYS_SHM_OBJECT_H_
#define IPCLAB_WORKLOADS_SYS_SHM_OBJECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "base/fd.h"
#include "workloads/sys/owned_name.h"

namespace ipclab::sys {

class ShmObject final {
 public:
  // shm_open(O_CREAT | O_EXCL) + ftruncate(size). `name` starts with '/'.
  static absl::StatusOr<ShmObject> Create(const std::string& name, size_t size);
  // shm_open of an existing object; never unlinks it.
  static absl::StatusOr<ShmObject> Open(const std::string& name);

  // Removes the name now (the memory lives on while mapped). Owner only.
  absl::Status Unlink() { return name_.Remove(); }

  int fd() const { return name_.fd(); }
  const std::string& name() const { return name_.name(); }
  bool owner() const { return name_.owner(); }

 private:
  ShmObject(std::string name, base::Fd fd, bool owner);
  OwnedName name_;
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_SHM_OBJECT_H_
