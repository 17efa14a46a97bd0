// SIGINT during `run`: the RPCs in flight are cancelled (ClientContext::
// TryCancel), so the server kills the worker's process group, and the
// command exits 130 after "ipclab: cancelled". SIGTERM and SIGHUP (a CI job
// killed, a terminal closed) are handled the same way (exit 143, 129): an
// embedded server's workers must not outlive the client. A second signal
// takes the default action (the process dies at once).
#ifndef IPCLAB_CLIENT_INTERRUPT_H_
#define IPCLAB_CLIENT_INTERRUPT_H_

#include <signal.h>

#include <atomic>
#include <iterator>
#include <memory>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"

namespace ipclab::client {

// The signals a canceller handles.
inline constexpr int kCancelSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Installs handlers for kCancelSignals for its lifetime; at most one may
// exist at a time.
// The handler only writes a byte to a pipe; a watcher thread reads it and
// cancels every registered context. Thread-safe.
class InterruptCanceller final {
 public:
  // INTERNAL if the pipe, the handler or the thread cannot be set up, or
  // FAILED_PRECONDITION if another canceller is alive.
  static absl::StatusOr<std::unique_ptr<InterruptCanceller>> Install();

  // Restores the previous dispositions and joins the watcher.
  ~InterruptCanceller();
  InterruptCanceller(const InterruptCanceller&) = delete;
  InterruptCanceller& operator=(const InterruptCanceller&) = delete;

  // While registered, `context` is cancelled on a signal (at once if one
  // came already). Unregister before destroying the context.
  void Register(grpc::ClientContext* context);
  void Unregister(grpc::ClientContext* context);

  // Whether one of kCancelSignals arrived.
  bool interrupted() const { return signal_number_.load() != 0; }
  // The first signal that arrived, 0 if none.
  int signal_number() const { return signal_number_.load(); }

  // Behaves as if SIGINT arrived (tests).
  void SimulateInterrupt();

 private:
  InterruptCanceller(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}
  void Watch();
  void CancelAll(int signo);

  const int read_fd_;
  const int write_fd_;
  struct sigaction previous_[std::size(kCancelSignals)] = {};
  size_t installed_ = 0;  // handlers installed, in kCancelSignals order
  std::thread watcher_;
  std::atomic<int> signal_number_{0};
  absl::Mutex mu_;
  std::set<grpc::ClientContext*> contexts_ ABSL_GUARDED_BY(mu_);
};

// Registers a context with an optional canceller for one scope.
class ScopedCancellation final {
 public:
  ScopedCancellation(InterruptCanceller* canceller, grpc::ClientContext* context)
      : canceller_(canceller), context_(context) {
    if (canceller_ != nullptr) canceller_->Register(context_);
  }
  ~ScopedCancellation() {
    if (canceller_ != nullptr) canceller_->Unregister(context_);
  }
  ScopedCancellation(const ScopedCancellation&) = delete;
  ScopedCancellation& operator=(const ScopedCancellation&) = delete;

 private:
  InterruptCanceller* const canceller_;
  grpc::ClientContext* const context_;
};

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_INTERRUPT_H_
