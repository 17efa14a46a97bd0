// One FIFO queue of runs per host with a single executor thread: measured
// cases never overlap, because concurrent runs would measure each other.
#ifndef IPCLAB_SERVER_SCHEDULER_H_
#define IPCLAB_SERVER_SCHEDULER_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ipclab/v1/ipclab.pb.h"
#include "server/run_executor.h"

namespace ipclab::server {

// Where the events of one run go; implemented by the service's stream.
// Thread-safe. Enqueue never calls into gRPC, so it may be called with locks
// held; Flush and Close may run gRPC reactions inline, so never hold a lock
// across them.
class RunEventSink {
 public:
  virtual ~RunEventSink() = default;
  // Queues an event behind the earlier ones.
  virtual void Enqueue(v1::RunEvent event) = 0;
  // Starts writing queued events.
  virtual void Flush() = 0;
  // The last call for the run: the stream ends with `status` once the
  // queued events are written.
  virtual void Close(const absl::Status& status) = 0;
};

struct SchedulerOptions {
  ExecutorOptions executor;
  // Runs allowed to wait behind the running one.
  size_t max_queued_runs = 16;
  // A run still going after this long has its worker killed; 0: no limit.
  uint32_t max_run_seconds = 0;
};

class Scheduler final {
 public:
  explicit Scheduler(SchedulerOptions options);
  // Shuts down.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a validated run and returns its id. On success the Accepted event
  // (with the queue position: 0 runs now, n: n runs ahead) is already queued
  // on `sink`, which then gets Progress events with the new position while
  // the run waits, every event of the run, and exactly one Close.
  // RESOURCE_EXHAUSTED if max_queued_runs runs already wait; UNAVAILABLE
  // after Shutdown. On error `sink` is not touched.
  absl::StatusOr<std::string> Submit(v1::RunRequest request, std::vector<v1::Case> cases,
                                     std::shared_ptr<RunEventSink> sink)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Cancels a run: a queued one is removed and closed with CANCELLED; the
  // running one has its worker killed and finishes as CANCELLED. Unknown or
  // finished ids are ignored.
  void Cancel(const std::string& run_id) ABSL_LOCKS_EXCLUDED(mutex_);

  // Refuses new runs, closes queued ones with UNAVAILABLE, cancels the
  // running one and waits for it to finish. Idempotent.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mutex_);

  // Runs waiting (not counting the running one). For tests and health.
  size_t queued_runs() const ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  struct QueuedRun {
    std::string id;
    v1::RunRequest request;
    std::vector<v1::Case> cases;
    std::shared_ptr<RunEventSink> sink;
    RunCancellation cancellation;
    bool waited = false;  // was told a queue position > 0
  };

  void ExecutorLoop() ABSL_LOCKS_EXCLUDED(mutex_);
  // Queues a queue_position Progress event on every waiting run; returns the
  // sinks to flush once the lock is released.
  std::vector<std::shared_ptr<RunEventSink>> AnnounceQueuePositionsLocked()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const SchedulerOptions options_;
  mutable absl::Mutex mutex_;
  absl::CondVar wakeup_;  // signalled when a run is queued or on shutdown
  std::deque<std::shared_ptr<QueuedRun>> queue_ ABSL_GUARDED_BY(mutex_);
  std::shared_ptr<QueuedRun> running_ ABSL_GUARDED_BY(mutex_);
  bool shutting_down_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread executor_;
};

// 16 random hex digits.
std::string NewRunId();

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_SCHEDULER_H_
