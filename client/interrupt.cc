#include "client/interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/posix_call.h"

namespace ipclab::client {
namespace {

// The watcher reads one byte per event: a signal number, or kQuitByte.
constexpr char kQuitByte = 0;

// The write end of the live canceller's pipe; -1 when none is installed.
std::atomic<int> g_wake_fd{-1};

void OnSignal(int signo) {
  const int saved_errno = errno;
  const int fd = g_wake_fd.load();
  if (fd >= 0) {
    // Async-signal-safe; a full pipe already holds a wake-up.
    const char byte = static_cast<char>(signo);
    [[maybe_unused]] ssize_t n = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

}  // namespace

absl::StatusOr<std::unique_ptr<InterruptCanceller>> InterruptCanceller::Install() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(base::ErrnoMessage("pipe2", errno));
  }
  int expected = -1;
  if (!g_wake_fd.compare_exchange_strong(expected, fds[1])) {
    close(fds[0]);
    close(fds[1]);
    return absl::FailedPreconditionError("a signal canceller is already installed");
  }
  std::unique_ptr<InterruptCanceller> canceller(new InterruptCanceller(fds[0], fds[1]));
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: a second Ctrl-C kills the client without waiting.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  for (int signo : kCancelSignals) {
    if (sigaction(signo, &action, &canceller->previous_[canceller->installed_]) != 0) {
      // The destructor restores what was installed and closes the pipe.
      return absl::InternalError(
          base::ErrnoMessage(absl::StrCat("sigaction(", strsignal(signo), ")"), errno));
    }
    ++canceller->installed_;
  }
  canceller->watcher_ = std::thread([c = canceller.get()] { c->Watch(); });
  return canceller;
}

InterruptCanceller::~InterruptCanceller() {
  for (size_t i = 0; i < installed_; ++i) sigaction(kCancelSignals[i], &previous_[i], nullptr);
  g_wake_fd.store(-1);
  if (watcher_.joinable()) {
    base::RetryOnEintr([&] { return write(write_fd_, &kQuitByte, 1); });
    watcher_.join();
  }
  close(read_fd_);
  close(write_fd_);
}

void InterruptCanceller::Register(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  contexts_.insert(context);
  if (interrupted()) context->TryCancel();
}

void InterruptCanceller::Unregister(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  contexts_.erase(context);
}

void InterruptCanceller::SimulateInterrupt() {
  const char byte = SIGINT;
  base::RetryOnEintr([&] { return write(write_fd_, &byte, 1); });
}

void InterruptCanceller::Watch() {
  for (;;) {
    char byte = 0;
    const ssize_t n = base::RetryOnEintr([&] { return read(read_fd_, &byte, 1); });
    if (n <= 0 || byte == kQuitByte) return;
    CancelAll(byte);
  }
}

void InterruptCanceller::CancelAll(int signo) {
  absl::MutexLock lock(&mu_);
  int none = 0;
  signal_number_.compare_exchange_strong(none, signo);  // the first one wins
  for (grpc::ClientContext* context : contexts_) context->TryCancel();
}

}  // namespace ipclab::client
