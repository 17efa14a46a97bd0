#include "base/fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/posix_call.h"

namespace ipclab::base {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) Reset(std::exchange(other.fd_, -1));
  return *this;
}

void Fd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);  // close() is not retried: the fd is gone either way
  fd_ = fd;
}

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe2", errno);
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

namespace {

// "read(\"/tmp/x\")", or "read(fd 5)" when the file has no name here.
std::string CallOn(absl::string_view call, int fd, absl::string_view what) {
  return what.empty() ? absl::StrCat(call, "(fd ", fd, ")")
                      : absl::StrCat(call, "(\"", what, "\")");
}

}  // namespace

absl::Status WriteFull(int fd, const void* data, size_t size, absl::string_view what) {
  const char* cursor = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = RetryOnEintr([&] { return ::write(fd, cursor, size); });
    if (written < 0) return ErrnoStatus(CallOn("write", fd, what), errno);
    cursor += written;
    size -= static_cast<size_t>(written);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> ReadFull(int fd, void* data, size_t size, absl::string_view what) {
  char* cursor = static_cast<char*>(data);
  size_t total = 0;
  while (total < size) {
    const ssize_t got = RetryOnEintr([&] { return ::read(fd, cursor + total, size - total); });
    if (got < 0) return ErrnoStatus(CallOn("read", fd, what), errno);
    if (got == 0) break;
    total += static_cast<size_t>(got);
  }
  return total;
}

bool EnsureDirectory(const std::string& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) == 0) {
    ::chmod(dir.c_str(), mode);
    return true;
  }
  return errno == EEXIST && ::access(dir.c_str(), W_OK | X_OK) == 0;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path, size_t limit) {
  Fd fd(RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!fd.valid()) return ErrnoStatus(absl::StrCat("open(", path, ")"), errno);
  std::string text;
  char chunk[16384];
  while (text.size() < limit) {
    const ssize_t got = RetryOnEintr([&] { return ::read(fd.get(), chunk, sizeof(chunk)); });
    if (got < 0) return ErrnoStatus(absl::StrCat("read(", path, ")"), errno);
    if (got == 0) break;
    text.append(chunk, std::min(static_cast<size_t>(got), limit - text.size()));
  }
  return text;
}

}  // namespace ipclab::base
