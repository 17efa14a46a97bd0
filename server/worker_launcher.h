// Spawning `ipclab-worker` and reading its events (protos/ipclab/v1/worker.proto).
//
// The server is a multithreaded gRPC process, so it never forks: the worker is
// started with posix_spawn in its own process group, gets one length-delimited
// WorkerRequest on stdin and writes length-delimited WorkerEvents to fd 3.
// stdout goes to /dev/null; the last few KiB of stderr are kept for errors.
// Cancelling kills the whole group (the worker and the roles it forked).
#ifndef IPCLAB_SERVER_WORKER_LAUNCHER_H_
#define IPCLAB_SERVER_WORKER_LAUNCHER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/fd.h"
#include "ipclab/v1/worker.pb.h"
#include "server/worker_events.h"
#include "workloads/leftovers.h"
#include "workloads/owner_mark.h"

namespace ipclab::server {

// How much of the worker's stderr is kept for error messages.
inline constexpr size_t kStderrTailBytes = 4096;

// A running worker process group. Owned by one reader thread, which calls
// NextEvent until it returns nullopt and then Wait; Kill may be called from
// any thread at any time. The destructor kills and reaps a worker that was
// not waited for.
class WorkerProcess final {
 public:
  // Spawns `worker_path` with `request` on its stdin. FAILED_PRECONDITION if
  // the executable does not exist or is not executable (naming the path);
  // INTERNAL naming the syscall for other failures.
  static absl::StatusOr<std::unique_ptr<WorkerProcess>> Spawn(const std::string& worker_path,
                                                              const v1::WorkerRequest& request);

  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // The worker's pid, which is also its process group id.
  pid_t pid() const { return pid_; }

  // Blocks for the next event; nullopt once the worker closed fd 3 (it
  // exited or was killed) and every complete event was returned. INTERNAL
  // if the stream is malformed (the worker is then killed).
  absl::StatusOr<std::optional<v1::WorkerEvent>> NextEvent();

  // Kills the process group with SIGKILL (idempotent, thread-safe). Pending
  // and later NextEvent calls return nullopt soon after.
  void Kill() ABSL_LOCKS_EXCLUDED(mutex_);

  // After NextEvent returned nullopt: waits for the worker, kills what is left
  // of its group, reaps it and removes what it left: the POSIX shm names,
  // scratch files and SysV segments carrying its run's owner mark
  // (request.owner; without one, its pid's), see removed(). Returns
  // OK if it exited 0 after a `done` event; CANCELLED if Kill was called;
  // the `error` event's status for a reported failure; otherwise INTERNAL
  // with the signal ("worker killed by signal 11 (SIGSEGV: Segmentation
  // fault)") or exit status and the tail of stderr.
  absl::Status Wait() ABSL_LOCKS_EXCLUDED(mutex_);

  // Tells a worker run with ack_repetitions that its last `repetition` event
  // was relayed, so it may start the next repetition. A worker that is gone
  // is not an error here (NextEvent and Wait report it).
  void Ack();

  // The last kStderrTailBytes of the worker's stderr read so far.
  const std::string& stderr_tail() const { return stderr_tail_; }

  // What Wait removed after the worker's exit (empty after a clean one).
  const workloads::SweepReport& removed() const { return removed_; }

 private:
  WorkerProcess(pid_t pid, base::Fd event_fd, base::Fd stderr_fd, base::Fd pid_fd, base::Fd ack_fd);

  // One poll round over the open fds; false if nothing is left to wait for.
  bool PollOnce();
  void ReadStderr();
  void KillGroup() ABSL_LOCKS_EXCLUDED(mutex_);
  // Blocks until the worker has exited, without reaping it.
  void AwaitExit();
  absl::Status ExitStatus(int wait_status) const ABSL_LOCKS_EXCLUDED(mutex_);

  // Removes what a worker that did not finish cleanly may have left: POSIX
  // shm names, SysV segments and scratch files carrying its owner mark.
  void RemoveLeftovers();

  const pid_t pid_;
  std::vector<std::string> scratch_dirs_;  // where its mmap_file rings live
  workloads::OwnerMark owner_;             // what its names and keys carry
  workloads::SweepReport removed_;
  base::Fd event_fd_;   // closed once at EOF
  base::Fd stderr_fd_;  // closed once at EOF
  base::Fd pid_fd_;     // pidfd of the worker; none if unsupported or after exit
  base::Fd ack_fd_;     // the worker's stdin, after the request

  WorkerEventDecoder decoder_;
  std::string stderr_tail_;
  bool saw_done_ = false;
  std::optional<absl::Status> reported_error_;

  mutable absl::Mutex mutex_;
  bool reaped_ ABSL_GUARDED_BY(mutex_) = false;
  bool killed_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_WORKER_LAUNCHER_H_
