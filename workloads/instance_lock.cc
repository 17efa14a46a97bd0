#include "workloads/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/posix_call.h"
#include "base/status_macros.h"
#include "workloads/owner_mark.h"

namespace ipclab::workloads {
namespace {

constexpr absl::string_view kSweptByPrefix = "swept by pid ";

std::string LockPath(const std::string& directory, uint32_t instance) {
  return absl::StrCat(directory, "/", instance, ".lock");
}

std::string Cmdline() {
  std::string raw = base::ReadFileToString("/proc/self/cmdline", 4096).value_or("");
  for (char& c : raw) {
    if (c == '\0' || c == '\n') c = ' ';
  }
  return std::string(absl::StripTrailingAsciiWhitespace(raw));
}

// The "scratch <dir>" lines of a lock file.
std::vector<std::string> RecordedScratchDirs(int fd) {
  std::string text;
  char buffer[4096];
  for (off_t offset = 0; text.size() < 65536;) {
    const ssize_t n =
        base::RetryOnEintr([&] { return ::pread(fd, buffer, sizeof(buffer), offset); });
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
    offset += n;
  }
  std::vector<std::string> dirs;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    // Absolute paths only: a relative one would depend on the reader's cwd.
    if (absl::ConsumePrefix(&line, "scratch /")) dirs.push_back(absl::StrCat("/", line));
  }
  return dirs;
}

// Opens the lock file of `instance` and takes its lock without waiting.
// nullopt if it is held, is another user's, or cannot be opened.
std::optional<base::Fd> TryLockFile(const std::string& path, bool create) {
  // Read-write even when only taking a dead slot: its sweeper notes itself.
  const int flags = O_RDWR | (create ? O_CREAT : 0) | O_CLOEXEC | O_NOFOLLOW;
  base::Fd fd(base::RetryOnEintr([&] { return ::open(path.c_str(), flags, 0644); }));
  if (!fd.valid()) return std::nullopt;
  struct stat info;
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid()) {
    return std::nullopt;
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return std::nullopt;
  return fd;
}

}  // namespace

absl::StatusOr<std::string> InstanceDirectory() {
  if (base::EnsureDirectory("/run/ipclab", 01777) &&
      base::EnsureDirectory("/run/ipclab/instances", 01777)) {
    return std::string("/run/ipclab/instances");
  }
  const std::string tmp = absl::StrCat("/tmp/ipclab-", ::getuid());
  const std::string dir = tmp + "/instances";
  if (base::EnsureDirectory(tmp, 0700) && base::EnsureDirectory(dir, 0700)) return dir;
  return base::ErrnoStatus(absl::StrCat("mkdir(", dir, ") for the instance locks"), errno);
}

namespace {

// `directory`, or InstanceDirectory() where it is empty.
absl::StatusOr<std::string> DirectoryOrDefault(const std::string& directory) {
  if (!directory.empty()) return directory;
  return InstanceDirectory();
}

}  // namespace

absl::StatusOr<InstanceLock> InstanceLock::Acquire(const std::vector<std::string>& scratch_dirs,
                                                   const std::string& directory) {
  IPCLAB_ASSIGN_OR_RETURN(const std::string dir, DirectoryOrDefault(directory));
  for (uint32_t instance = 0; instance < kMaxInstances; ++instance) {
    const std::string path = LockPath(dir, instance);
    std::optional<base::Fd> fd = TryLockFile(path, /*create=*/true);
    if (!fd.has_value()) continue;
    std::vector<std::string> previous = RecordedScratchDirs(fd->get());
    std::string note = absl::StrCat("pid ", ::getpid(), " ", Cmdline(), "\n");
    for (const std::string& scratch : scratch_dirs)
      absl::StrAppend(&note, "scratch ", scratch, "\n");
    ::fchmod(fd->get(), 0644);
    if (::ftruncate(fd->get(), 0) != 0 || base::RetryOnEintr([&] {
                                            return ::pwrite(fd->get(), note.data(), note.size(), 0);
                                          }) != static_cast<ssize_t>(note.size())) {
      return base::ErrnoStatus(absl::StrCat("write(", path, ")"), errno);
    }
    return InstanceLock(*std::move(fd), instance, path, std::move(previous));
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("all ", kMaxInstances, " ipclab instance slots in ", dir, " are held"));
}

std::optional<InstanceLock> InstanceLock::TryLockDead(uint32_t instance,
                                                      const std::string& directory) {
  const absl::StatusOr<std::string> dir = DirectoryOrDefault(directory);
  if (!dir.ok()) return std::nullopt;
  const std::string path = LockPath(*dir, instance);
  std::optional<base::Fd> fd = TryLockFile(path, /*create=*/false);
  if (!fd.has_value()) return std::nullopt;
  std::vector<std::string> recorded = RecordedScratchDirs(fd->get());
  return InstanceLock(*std::move(fd), instance, path, std::move(recorded));
}

void InstanceLock::NoteSwept() const {
  const std::string line = absl::StrCat(kSweptByPrefix, ::getpid(), "\n");
  struct stat info;
  if (::fstat(fd_.get(), &info) != 0) return;
  // Best effort: the note only explains, nothing depends on it.
  (void)base::RetryOnEintr(
      [&] { return ::pwrite(fd_.get(), line.data(), line.size(), info.st_size); });
}

std::optional<pid_t> InstanceSweptBy(uint32_t instance, const std::string& directory) {
  const absl::StatusOr<std::string> dir = DirectoryOrDefault(directory);
  if (!dir.ok()) return std::nullopt;
  const absl::StatusOr<std::string> text = base::ReadFileToString(LockPath(*dir, instance), 65536);
  if (!text.ok()) return std::nullopt;
  std::optional<pid_t> sweeper;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    pid_t pid = 0;
    if (absl::ConsumePrefix(&line, kSweptByPrefix) && absl::SimpleAtoi(line, &pid)) sweeper = pid;
  }
  return sweeper;
}

std::optional<pid_t> InstanceHolderPid(uint32_t instance, const std::string& directory) {
  const absl::StatusOr<std::string> dir = DirectoryOrDefault(directory);
  if (!dir.ok()) return std::nullopt;
  const std::string path = LockPath(*dir, instance);
  base::Fd fd(
      base::RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW); }));
  struct stat info;
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || info.st_uid != ::geteuid()) {
    return std::nullopt;
  }
  char buffer[64];
  const ssize_t n =
      base::RetryOnEintr([&] { return ::pread(fd.get(), buffer, sizeof(buffer) - 1, 0); });
  if (n <= 0) return std::nullopt;
  absl::string_view text(buffer, static_cast<size_t>(n));
  if (!absl::ConsumePrefix(&text, "pid ")) return std::nullopt;
  pid_t pid = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.find(' ')), &pid) || pid <= 0) return std::nullopt;
  return pid;
}

bool InstanceAlive(uint32_t instance, const std::string& directory) {
  const absl::StatusOr<std::string> dir = DirectoryOrDefault(directory);
  if (!dir.ok()) return false;
  const std::string path = LockPath(*dir, instance);
  base::Fd fd(base::RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!fd.valid()) return false;
  return ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

}  // namespace ipclab::workloads
