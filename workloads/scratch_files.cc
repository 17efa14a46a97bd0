#include "workloads/scratch_files.h"

#include <dirent.h>
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
