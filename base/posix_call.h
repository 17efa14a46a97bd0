// The one EINTR retry (in the spirit of iceoryx's posix_call): every
// interruptible syscall outside a timed hot path goes through RetryOnEintr.
#ifndef IPCLAB_BASE_POSIX_CALL_H_
#define IPCLAB_BASE_POSIX_CALL_H_

#include <cerrno>
#include <utility>

namespace ipclab::base {

// Calls `call()` again while it fails with EINTR and returns its last
// result. `call` reports failure the syscall way: a negative result with
// errno set. Any other result (success, or failure with another errno) is
// returned as is, errno intact.
//
//   const ssize_t n = RetryOnEintr([&] { return ::read(fd, buffer, size); });
//   if (n < 0) return ErrnoStatus("read(...)", errno);
template <typename Call>
auto RetryOnEintr(Call&& call) -> decltype(call()) {
  for (;;) {
    auto result = call();
    if (!(result < 0 && errno == EINTR)) return result;
  }
}

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_POSIX_CALL_H_
