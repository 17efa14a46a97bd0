// Running one accepted run: one `ipclab-worker` per case, its events relayed
// as RunEvents, the measured repetitions summarized into CaseResults.
#ifndef IPCLAB_SERVER_RUN_EXECUTOR_H_
#define IPCLAB_SERVER_RUN_EXECUTOR_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/timestamp.pb.h"
#include "ipclab/v1/ipclab.pb.h"
#include "server/worker_launcher.h"
#include "workloads/owner_mark.h"

namespace ipclab::server {

struct ExecutorOptions {
  std::string worker_path;
  std::string scratch_tmpfs;
  std::string scratch_disk;
  // The instance slot (workloads/instance_lock.h) the server holds: workers
  // mark what they create with it and the run id. kNoInstance: unmarked.
  uint32_t instance = workloads::kNoInstance;
};

// The cancel switch of one run, shared by the thread executing it and any
// thread that cancels it. Thread-safe.
class RunCancellation final {
 public:
  // Marks the run cancelled and kills the worker of the current case, if any.
  void Cancel() ABSL_LOCKS_EXCLUDED(mutex_);
  // Cancel() for a reason the result should carry (a deadline): the run
  // then finishes FAILED with `reason` as its error, not CANCELLED.
  void Cancel(const std::string& reason) ABSL_LOCKS_EXCLUDED(mutex_);
  bool cancelled() const ABSL_LOCKS_EXCLUDED(mutex_);
  std::string reason() const ABSL_LOCKS_EXCLUDED(mutex_);

  // Registers the current case's worker so Cancel can kill it; returns false
  // (registering nothing) if the run is already cancelled. `worker` must stay
  // alive until Detach.
  bool Attach(WorkerProcess* worker) ABSL_LOCKS_EXCLUDED(mutex_);
  void Detach() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  mutable absl::Mutex mutex_;
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
  std::string reason_ ABSL_GUARDED_BY(mutex_);
  WorkerProcess* worker_ ABSL_GUARDED_BY(mutex_) = nullptr;
};

// Receives the events of a run, in order, on the executing thread.
using RunEventCallback = std::function<void(v1::RunEvent event)>;

// An empty RunEvent stamped with the current time.
// The wall clock with nanoseconds. (Debian's protobuf 3.21
// TimeUtil::GetCurrentTime() reads time(2) and drops the fraction.)
google::protobuf::Timestamp NowTimestamp();

v1::RunEvent NewRunEvent();

// Summaries, disturbance, expectations and verdict over every measured
// repetition of `result`, and its status from `status` (replacing what an
// earlier call set). Run at the end of each case, and by the client when it
// joins the rounds of a matrix run (client/matrix_rounds.h).
void FinishCase(const v1::RunRequest& request, const v1::HostInfo& host, const absl::Status& status,
                v1::CaseResult& result);

// Executes the validated `cases` of `request`, one worker per case (warm-up
// and measured repetitions in the same worker), and emits Started, the
// relayed Progress and RepetitionResult events, one CaseSummary per case and
// finally Finished. A failed case is recorded FAILED and the next case still
// runs; the run is FAILED if any case failed (error: the first case error)
// and CANCELLED if `cancellation` fired (remaining cases are not run).
// The request's defaults are resolved once, by results::WithRunDefaults: the
// RunResult's request carries the effective repetitions and warmup.
// Blocks until done; returns the RunResult that Finished carries.
v1::RunResult ExecuteRun(const ExecutorOptions& options, const std::string& run_id,
                         const v1::RunRequest& request, const std::vector<v1::Case>& cases,
                         RunCancellation* cancellation, const RunEventCallback& emit);

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_RUN_EXECUTOR_H_
