#include "server/scheduler.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/admission.h"

namespace ipclab::server {

std::string NewRunId() {
  std::random_device random;
  const uint64_t high = random();
  const uint64_t low = random();
  return absl::StrFormat("%016x", (high << 32) ^ low);
}

Scheduler::Scheduler(SchedulerOptions options)
    : options_(std::move(options)), executor_([this] { ExecutorLoop(); }) {}

Scheduler::~Scheduler() { Shutdown(); }

absl::StatusOr<std::string> Scheduler::Submit(v1::RunRequest request, std::vector<v1::Case> cases,
                                              std::shared_ptr<RunEventSink> sink) {
  auto run = std::make_shared<QueuedRun>();
  run->id = NewRunId();
  run->request = std::move(request);
  run->cases = std::move(cases);
  run->sink = std::move(sink);
  {
    absl::MutexLock lock(&mutex_);
    if (shutting_down_) return absl::UnavailableError("the server is shutting down");
    const size_t position = queue_.size() + (running_ != nullptr ? 1 : 0);
    if (position > 0 && queue_.size() >= options_.max_queued_runs) {
      return absl::ResourceExhaustedError(
          absl::StrCat(queue_.size(), " runs are already waiting on this host (limit ",
                       options_.max_queued_runs, "); try again later"));
    }
    // Queued under the lock, so Accepted precedes everything the executor
    // thread sends for this run.
    v1::RunEvent event = NewRunEvent();
    event.mutable_accepted()->set_run_id(run->id);
    event.mutable_accepted()->set_queue_position(static_cast<uint32_t>(position));
    run->sink->Enqueue(std::move(event));
    run->waited = position > 0;
    queue_.push_back(run);
  }
  wakeup_.Signal();
  run->sink->Flush();
  return run->id;
}

void Scheduler::Cancel(const std::string& run_id) {
  std::shared_ptr<QueuedRun> removed;
  std::vector<std::shared_ptr<RunEventSink>> to_flush;
  {
    absl::MutexLock lock(&mutex_);
    if (running_ != nullptr && running_->id == run_id) {
      running_->cancellation.Cancel();
      return;
    }
    auto it =
        std::find_if(queue_.begin(), queue_.end(),
                     [&](const std::shared_ptr<QueuedRun>& run) { return run->id == run_id; });
    if (it == queue_.end()) return;
    removed = std::move(*it);
    queue_.erase(it);
    to_flush = AnnounceQueuePositionsLocked();
  }
  removed->sink->Close(absl::CancelledError("run cancelled before it started"));
  for (const std::shared_ptr<RunEventSink>& sink : to_flush) sink->Flush();
}

void Scheduler::Shutdown() {
  std::deque<std::shared_ptr<QueuedRun>> waiting;
  {
    absl::MutexLock lock(&mutex_);
    shutting_down_ = true;
    waiting.swap(queue_);
    if (running_ != nullptr) running_->cancellation.Cancel();
  }
  wakeup_.SignalAll();
  for (const std::shared_ptr<QueuedRun>& run : waiting) {
    run->sink->Close(absl::UnavailableError("the server is shutting down; the run did not start"));
  }
  if (executor_.joinable() && executor_.get_id() != std::this_thread::get_id()) executor_.join();
}

size_t Scheduler::queued_runs() const {
  absl::MutexLock lock(&mutex_);
  return queue_.size();
}

std::vector<std::shared_ptr<RunEventSink>> Scheduler::AnnounceQueuePositionsLocked() {
  std::vector<std::shared_ptr<RunEventSink>> sinks;
  const uint32_t ahead = running_ != nullptr ? 1 : 0;
  for (size_t i = 0; i < queue_.size(); ++i) {
    v1::RunEvent event = NewRunEvent();
    event.mutable_progress()->set_queue_position(ahead + static_cast<uint32_t>(i));
    event.mutable_progress()->set_case_count(static_cast<uint32_t>(queue_[i]->cases.size()));
    queue_[i]->sink->Enqueue(std::move(event));
    sinks.push_back(queue_[i]->sink);
  }
  return sinks;
}

void Scheduler::ExecutorLoop() {
  for (;;) {
    std::shared_ptr<QueuedRun> run;
    std::vector<std::shared_ptr<RunEventSink>> to_flush;
    {
      absl::MutexLock lock(&mutex_);
      while (!shutting_down_ && queue_.empty()) wakeup_.Wait(&mutex_);
      if (shutting_down_) return;  // Shutdown closes the queued runs
      run = std::move(queue_.front());
      queue_.pop_front();
      running_ = run;
      to_flush = AnnounceQueuePositionsLocked();
      if (run->waited) {
        v1::RunEvent event = NewRunEvent();
        event.mutable_progress()->set_queue_position(0);
        event.mutable_progress()->set_case_count(static_cast<uint32_t>(run->cases.size()));
        run->sink->Enqueue(std::move(event));
      }
    }
    for (const std::shared_ptr<RunEventSink>& sink : to_flush) sink->Flush();

    const std::shared_ptr<RunEventSink>& sink = run->sink;
    sink->Flush();
    const RunDeadline deadline(options_.max_run_seconds, [run, this] {
      run->cancellation.Cancel(
          absl::StrCat("the run exceeded --max-run-seconds=", options_.max_run_seconds,
                       "; its worker process group was killed"));
    });
    ExecuteRun(options_.executor, run->id, run->request, run->cases, &run->cancellation,
               [&sink](v1::RunEvent event) {
                 sink->Enqueue(std::move(event));
                 sink->Flush();
               });
    {
      absl::MutexLock lock(&mutex_);
      running_.reset();
    }
    sink->Close(absl::OkStatus());
  }
}

}  // namespace ipclab::server
