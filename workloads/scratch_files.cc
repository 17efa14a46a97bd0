#include "workloads/scratch_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "workloads/worker.h"

namespace ipclab::workloads {

std::string ScratchDirectory(const RunContext& context, const std::string& location) {
  if (location == "tmpfs")
    return context.scratch_tmpfs.empty() ? "/dev/shm" : context.scratch_tmpfs;
  if (!context.scratch_disk.empty()) return context.scratch_disk;
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
}

std::string ScratchFilePrefix(const std::string& dir, pid_t worker_pid) {
  return absl::StrCat(dir, ShmNamePrefix(worker_pid), "file");
}

std::string ScratchFilePrefix(const std::string& dir, const OwnerMark& owner, pid_t worker_pid) {
  return absl::StrCat(dir, "/", OwnerNamePrefix(owner, worker_pid), "file");
}

int RemoveOwnEntriesWithPrefix(const std::string& dir, const std::string& prefix, uint64_t* bytes) {
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return 0;
  const int dir_fd = ::dirfd(listing);
  const uid_t me = ::geteuid();
  int removed = 0;
  while (const dirent* entry = ::readdir(listing)) {
    if (!absl::StartsWith(entry->d_name, prefix)) continue;
    struct stat info;
    if (::fstatat(dir_fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(info.st_mode) || info.st_uid != me) continue;
    if (::unlinkat(dir_fd, entry->d_name, 0) == 0) {
      ++removed;
      if (bytes != nullptr) *bytes += static_cast<uint64_t>(info.st_blocks) * 512;
    }
  }
  ::closedir(listing);
  return removed;
}

std::set<uint32_t> InstancesNamedIn(const std::string& dir) {
  std::set<uint32_t> instances;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return instances;
  const int dir_fd = ::dirfd(listing);
  const uid_t me = ::geteuid();
  while (const dirent* entry = ::readdir(listing)) {
    const std::optional<uint32_t> instance = InstanceOfName(entry->d_name);
    if (!instance.has_value()) continue;
    struct stat info;
    if (::fstatat(dir_fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_uid == me) {
      instances.insert(*instance);
    }
  }
  ::closedir(listing);
  return instances;
}

int RemoveLeftoverScratchFiles(const std::string& dir, pid_t worker_pid) {
  const std::string prefix = ScratchFilePrefix("", worker_pid).substr(1);  // "ipclab-<pid>-file"
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return 0;
  int removed = 0;
  while (const dirent* entry = ::readdir(listing)) {
    if (absl::StartsWith(entry->d_name, prefix) &&
        ::unlink(absl::StrCat(dir, "/", entry->d_name).c_str()) == 0) {
      ++removed;
    }
  }
  ::closedir(listing);
  return removed;
}

}  // namespace ipclab::workloads
