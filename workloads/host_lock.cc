#include "workloads/host_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/posix_call.h"

namespace ipclab::workloads {
namespace {

// A usable lock directory: made or writable, or one whose lock file this
// process may open although it cannot create files there.
bool EnsureDirectory(const std::string& dir, mode_t mode) {
  return base::EnsureDirectory(dir, mode) ||
         ::access((dir + "/measure.lock").c_str(), R_OK | W_OK) == 0;
}

std::string Cmdline() {
  std::string raw = base::ReadFileToString("/proc/self/cmdline", 4096).value_or("");
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return std::string(absl::StripTrailingAsciiWhitespace(raw));
}

// The holder's note: "pid 1234, ipclab-worker (parent: ipclabd --port 1)".
std::string ReadHolder(int fd) {
  char buffer[512];
  const ssize_t n = base::RetryOnEintr([&] { return ::pread(fd, buffer, sizeof(buffer) - 1, 0); });
  if (n <= 0) return "holder unknown";
  return std::string(
      absl::StripTrailingAsciiWhitespace(std::string(buffer, static_cast<size_t>(n))));
}

std::string ParentCmdline() {
  // The parent may exit while this reads (ESRCH): then it is "".
  std::string raw =
      base::ReadFileToString(absl::StrCat("/proc/", ::getppid(), "/cmdline"), 4096).value_or("");
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return std::string(absl::StripTrailingAsciiWhitespace(raw));
}

}  // namespace

absl::StatusOr<std::string> HostLockPath() {
  if (EnsureDirectory("/run/ipclab", 01777)) return std::string("/run/ipclab/measure.lock");
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && *runtime) {
    if (::access(runtime, W_OK | X_OK) == 0) return absl::StrCat(runtime, "/ipclab-measure.lock");
  }
  const std::string tmp = absl::StrCat("/tmp/ipclab-", ::getuid());
  if (EnsureDirectory(tmp, 0700)) return absl::StrCat(tmp, "/measure.lock");
  return base::ErrnoStatus(absl::StrCat("mkdir(", tmp, ") for the host measurement lock"), errno);
}

absl::StatusOr<HostLock> HostLock::Acquire(const std::function<void(const std::string&)>& on_wait,
                                           const std::string& directory) {
  std::string path;
  if (directory.empty()) {
    absl::StatusOr<std::string> found = HostLockPath();
    if (!found.ok()) return found.status();
    path = *found;
  } else {
    path = directory + "/measure.lock";
  }
  const int raw = base::RetryOnEintr(
      [&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666); });
  if (raw < 0) return base::ErrnoStatus(absl::StrCat("open(", path, ")"), errno);
  base::Fd fd(raw);
  ::fchmod(fd.get(), 0666);  // umask aside; fails harmlessly if another user created it
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return base::ErrnoStatus(absl::StrCat("flock(", path, ")"), errno);
    if (on_wait) {
      on_wait(absl::StrCat("another measurement holds the host lock ", path, " (",
                           ReadHolder(fd.get()), ")"));
    }
    if (base::RetryOnEintr([&] { return ::flock(fd.get(), LOCK_EX); }) != 0) {
      return base::ErrnoStatus(absl::StrCat("flock(", path, ")"), errno);
    }
  }
  const std::string note =
      absl::StrCat("pid ", ::getpid(), ", ", Cmdline(), " under ", ParentCmdline(), "\n");
  if (::ftruncate(fd.get(), 0) == 0) {
    (void)base::RetryOnEintr([&] { return ::pwrite(fd.get(), note.data(), note.size(), 0); });
  }
  return HostLock(std::move(fd), std::move(path));
}

}  // namespace ipclab::workloads
