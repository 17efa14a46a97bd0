#include "workloads/sys/owned_name.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace ipclab::sys {

OwnedName::OwnedName(OwnedName&& other) noexcept
    : name_(std::move(other.name_)),
      fd_(std::move(other.fd_)),
      owner_(std::exchange(other.owner_, false)),
      remove_(other.remove_),
      remove_call_(other.remove_call_) {}

OwnedName& OwnedName::operator=(OwnedName&& other) noexcept {
  if (this != &other) {
    (void)Remove();
    name_ = std::move(other.name_);
    fd_ = std::move(other.fd_);
    owner_ = std::exchange(other.owner_, false);
    remove_ = other.remove_;
    remove_call_ = other.remove_call_;
  }
  return *this;
}

absl::Status OwnedName::Remove() {
  if (!owner_) return absl::OkStatus();
  owner_ = false;
  if (remove_(name_.c_str()) != 0) {
    return base::ErrnoStatus(absl::StrCat(remove_call_, "(\"", name_, "\")"), errno);
  }
  return absl::OkStatus();
}

}  // namespace ipclab::sys
