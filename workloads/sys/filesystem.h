// Which filesystem a directory lives on, from /proc/self/mountinfo: what the
// file-backed workloads need to know to say what their numbers mean (tmpfs
// pages show as RssShmem, disk pages as RssFile; a tmpfs mount's huge= option
// decides whether its files can get transparent huge pages).
#ifndef IPCLAB_WORKLOADS_SYS_FILESYSTEM_H_
#define IPCLAB_WORKLOADS_SYS_FILESYSTEM_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/fd.h"
#include "workloads/sys/owned_name.h"

namespace ipclab::sys {

struct FilesystemInfo {
  std::string type;           // "tmpfs", "ext4", "xfs", ...
  std::string mount_point;    // "/dev/shm"
  std::string super_options;  // "rw,size=24684084k,huge=advise"
  bool in_memory() const { return type == "tmpfs" || type == "ramfs"; }
  // The value of `name=` among the superblock options, or "" if absent.
  std::string Option(absl::string_view name) const;
};

// The mount that holds `path` (the longest mount point that is a prefix of
// its real path; the last such mount if several are stacked). NOT_FOUND if
// `path` does not exist.
absl::StatusOr<FilesystemInfo> FilesystemOf(const std::string& path);

// A file a workload creates in a scratch directory. The creator owns the name
// and unlinks it on destruction unless it already did (like ShmObject).
class ScratchFile final {
 public:
  // open(O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) + ftruncate(size).
  static absl::StatusOr<ScratchFile> Create(const std::string& path, size_t size);
  // open(O_RDWR | O_CLOEXEC) of an existing file (anyone's; never unlinks).
  static absl::StatusOr<base::Fd> Open(const std::string& path);

  // Removes the name now (the file lives on while open or mapped).
  absl::Status Unlink() { return path_.Remove(); }

  const std::string& path() const { return path_.name(); }
  int fd() const { return path_.fd(); }

 private:
  ScratchFile(std::string path, base::Fd fd);
  OwnedName path_;
};

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_FILESYSTEM_H_
