// An owned file descriptor, and EINTR-safe full reads and writes.
#ifndef IPCLAB_BASE_FD_H_
#define IPCLAB_BASE_FD_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ipclab::base {

// Move-only owner of one fd; closes it on destruction.
class Fd final {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() { return std::exchange(fd_, -1); }
  // Closes the fd it holds (if any) and holds `fd` instead.
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read_end;
  Fd write_end;
};

// pipe2(O_CLOEXEC).
absl::StatusOr<Pipe> MakePipe();

// Writes all `size` bytes, retrying on EINTR and short writes. An error
// names the file as `what` ("write(\"/tmp/x\"): ..."), or the fd number.
absl::Status WriteFull(int fd, const void* data, size_t size, absl::string_view what = {});
inline absl::Status WriteAll(int fd, absl::string_view bytes) {
  return WriteFull(fd, bytes.data(), bytes.size());
}

// Reads until `size` bytes or end of file; returns how many were read. An
// error names the file as `what`, or the fd number.
absl::StatusOr<size_t> ReadFull(int fd, void* data, size_t size, absl::string_view what = {});

// The whole file at `path`, read to its end (so /proc and /sys files, which
// report size 0, work), at most `limit` bytes. The errno Status if it cannot
// be opened or read. Unlike an istreambuf_iterator over an ifstream, a read
// error (ESRCH from /proc/PID/* of a process that has just exited) is a
// Status, never an exception that ends the process.
absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             size_t limit = size_t{64} << 20);

// Creates the directory `dir` with exactly `mode` (chmod after mkdir, so the
// umask does not apply). True when it was made, or exists and this process
// may create files in it.
bool EnsureDirectory(const std::string& dir, mode_t mode);

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_FD_H_
