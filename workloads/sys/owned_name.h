// A name a process opened in a namespace of files (a path, or a POSIX shared
// memory name) and the fd it got: the part ScratchFile (unlink) and ShmObject
// (shm_unlink) share.
#ifndef IPCLAB_WORKLOADS_SYS_OWNED_NAME_H_
#define IPCLAB_WORKLOADS_SYS_OWNED_NAME_H_

#include <string>

#include "absl/status/status.h"
#include "base/fd.h"

namespace ipclab::sys {

// Move-only. The creator owns the name and removes it once, on Remove or on
// destruction; an opener (owner false) never removes it; a moved-from one
// holds nothing.
class OwnedName final {
 public:
  // unlink or shm_unlink; `remove_call` names it in errors ("unlink").
  using RemoveFn = int (*)(const char* name);

  OwnedName(std::string name, base::Fd fd, bool owner, RemoveFn remove, const char* remove_call)
      : name_(std::move(name)),
        fd_(std::move(fd)),
        owner_(owner),
        remove_(remove),
        remove_call_(remove_call) {}
  OwnedName(OwnedName&& other) noexcept;
  OwnedName& operator=(OwnedName&& other) noexcept;
  OwnedName(const OwnedName&) = delete;
  OwnedName& operator=(const OwnedName&) = delete;
  ~OwnedName() { (void)Remove(); }

  // Removes the name now (what it names lives on while open or mapped); does
  // nothing unless this is the owner and has not removed it yet.
  absl::Status Remove();

  const std::string& name() const { return name_; }
  int fd() const { return fd_.get(); }
  bool owner() const { return owner_; }

 private:
  std::string name_;
  base::Fd fd_;
  bool owner_ = false;  // created it and has not removed it yet
  RemoveFn remove_ = nullptr;
  const char* remove_call_ = "";
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_OWNED_NAME_H_
