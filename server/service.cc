#include "server/service.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/util/time_util.h"
#include "server/run_executor.h"
#include "server/run_log.h"
#include "server/stream_budget.h"
#include "workloads/host_checks.h"
#include "workloads/host_info.h"
#include "workloads/registry.h"

namespace ipclab::server {
namespace {

using RunWriter = grpc::ServerWriteReactor<v1::RunEvent>;

// The event queue of one Run stream: one write in flight, later events wait,
// and a waiting Progress is replaced by a newer one. Shared between the
// reactor and the scheduler, which may outlive the reactor: once the stream
// is finished, everything the scheduler sends is dropped.
class StreamSink final : public RunEventSink {
 public:
  StreamSink(RunWriter* reactor, RunRecord record)
      : reactor_(reactor), record_(std::move(record)) {}

  // Called once, without locks, when the client fell too far behind.
  void OnOverflow(std::function<void()> on_overflow) ABSL_LOCKS_EXCLUDED(mutex_) {
    absl::MutexLock lock(&mutex_);
    on_overflow_ = std::move(on_overflow);
  }

  void Enqueue(v1::RunEvent event) override ABSL_LOCKS_EXCLUDED(mutex_) {
    if (!event.has_time()) {
      *event.mutable_time() = NowTimestamp();
    }
    absl::MutexLock lock(&mutex_);
    record_.Observe(event);
    if (closing_ || broken_) return;
    if (!buffer_.Add(event)) {  // a stalled client: drop the backlog, cancel the run
      broken_ = true;
      overflowed_ = true;
      pending_.clear();
      record_.SetOutcome(buffer_.OverflowMessage());
      return;
    }
    if (event.has_progress() && !pending_.empty() && pending_.back().has_progress()) {
      pending_.back() = std::move(event);
      return;
    }
    pending_.push_back(std::move(event));
  }

  void Flush() override ABSL_LOCKS_EXCLUDED(mutex_) { Advance(); }

  void Close(const absl::Status& status) override ABSL_LOCKS_EXCLUDED(mutex_) {
    {
      absl::MutexLock lock(&mutex_);
      if (closing_) return;
      closing_ = true;
      final_status_ = ToGrpcStatus(status);
      if (!status.ok()) record_.SetOutcome(status);
      record_.Log();
    }
    Advance();
  }

  void OnWriteDone(bool ok) ABSL_LOCKS_EXCLUDED(mutex_) {
    {
      absl::MutexLock lock(&mutex_);
      writing_ = false;
      if (!ok) {  // the client is gone; OnCancel cancels the run
        broken_ = true;
        pending_.clear();
      }
    }
    Advance();
  }

 private:
  // Starts the next write, or finishes the stream once closed and drained.
  // gRPC may run reactions inline, so it is called without holding mutex_.
  void Advance() ABSL_LOCKS_EXCLUDED(mutex_) {
    mutex_.Lock();
    if (overflowed_ && on_overflow_) {
      std::function<void()> on_overflow = std::move(on_overflow_);
      on_overflow_ = nullptr;
      mutex_.Unlock();
      on_overflow();
      mutex_.Lock();
    }
    if (writing_ || finished_) {
      mutex_.Unlock();
    } else if (!pending_.empty()) {
      in_flight_ = std::move(pending_.front());
      pending_.pop_front();
      buffer_.Remove(in_flight_);
      writing_ = true;
      mutex_.Unlock();
      reactor_->StartWrite(&in_flight_);
    } else if (closing_) {
      finished_ = true;
      const grpc::Status status = final_status_;
      mutex_.Unlock();
      reactor_->Finish(status);
    } else {
      mutex_.Unlock();
    }
  }

  RunWriter* const reactor_;  // valid until finished_ (OnDone follows Finish)
  absl::Mutex mutex_;
  RunRecord record_ ABSL_GUARDED_BY(mutex_);
  StreamBudget buffer_ ABSL_GUARDED_BY(mutex_);
  bool overflowed_ ABSL_GUARDED_BY(mutex_) = false;
  // Set once before the stream starts, taken under mutex_.
  std::function<void()> on_overflow_ ABSL_GUARDED_BY(mutex_);
  std::deque<v1::RunEvent> pending_ ABSL_GUARDED_BY(mutex_);
  // Set under mutex_ before a write starts, then owned by gRPC while writing_.
  v1::RunEvent in_flight_;
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool broken_ ABSL_GUARDED_BY(mutex_) = false;
  bool closing_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mutex_);
};

// A unary reactor that finishes at once and counts itself while active.
class UnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryReactor(ActiveRpcs* active) : active_(active) {
    active_->Add();
    Finish(grpc::Status::OK);
  }
  void OnDone() override {
    active_->Remove();
    delete this;
  }

 private:
  ActiveRpcs* const active_;
};

class RunReactor final : public RunWriter {
 public:
  RunReactor(Scheduler* scheduler, ActiveRpcs* active, const std::string& worker_path,
             const AdmissionPolicy& admission, grpc::CallbackServerContext* context,
             const v1::RunRequest& request, bool log_runs)
      : scheduler_(scheduler),
        active_(active),
        sink_(std::make_shared<StreamSink>(
            this, RunRecord(log_runs, context->peer(), request.workload()))) {
    active_->Add();
    sink_->OnOverflow([this, context] {
      OnCancel();  // cancels the run
      context->TryCancel();
    });
    absl::StatusOr<std::string> run_id = Accept(worker_path, admission, request);
    if (!run_id.ok()) {
      sink_->Close(run_id.status());
      return;
    }
    bool cancelled;
    {
      absl::MutexLock lock(&mutex_);
      run_id_ = *run_id;
      cancelled = cancelled_;
    }
    // The client may have gone while the run was being queued.
    if (cancelled) scheduler_->Cancel(*run_id);
  }

  void OnWriteDone(bool ok) override { sink_->OnWriteDone(ok); }

  void OnCancel() override ABSL_LOCKS_EXCLUDED(mutex_) {
    std::string run_id;
    {
      absl::MutexLock lock(&mutex_);
      cancelled_ = true;
      run_id = run_id_;
    }
    if (!run_id.empty()) scheduler_->Cancel(run_id);
  }

  void OnDone() override {
    active_->Remove();
    delete this;
  }

 private:
  absl::StatusOr<std::string> Accept(const std::string& worker_path,
                                     const AdmissionPolicy& admission,
                                     const v1::RunRequest& request) {
    if (absl::Status sized = CheckRequestSizes(request); !sized.ok()) return sized;
    absl::StatusOr<std::vector<v1::Case>> cases = workloads::ResolveCases(request);
    if (!cases.ok()) return BoundedStatus(cases.status());
    if (absl::Status admitted = AdmitRun(admission, request, *cases); !admitted.ok()) {
      return admitted;
    }
    if (access(worker_path.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "worker executable ", worker_path, " is not usable (", std::strerror(errno), ")"));
    }
    return scheduler_->Submit(request, *std::move(cases), sink_);
  }

  Scheduler* const scheduler_;
  ActiveRpcs* const active_;
  const std::shared_ptr<StreamSink> sink_;
  absl::Mutex mutex_;
  std::string run_id_ ABSL_GUARDED_BY(mutex_);
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace

void ActiveRpcs::Add() {
  absl::MutexLock lock(&mutex_);
  ++count_;
}

void ActiveRpcs::Remove() {
  absl::MutexLock lock(&mutex_);
  --count_;
}

bool ActiveRpcs::AwaitNone(absl::Time deadline) {
  absl::MutexLock lock(&mutex_);
  auto none = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return count_ == 0; };
  return mutex_.AwaitWithDeadline(absl::Condition(&none), deadline);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const absl::Status bounded = BoundedStatus(status);
  return grpc::Status(static_cast<grpc::StatusCode>(bounded.code()),
                      std::string(bounded.message()));
}

IpcLabService::IpcLabService(Scheduler* scheduler, std::string worker_path,
                             AdmissionPolicy admission, bool log_runs)
    : scheduler_(scheduler),
      worker_path_(std::move(worker_path)),
      admission_(std::move(admission)),
      log_runs_(log_runs) {}

grpc::ServerUnaryReactor* IpcLabService::ListWorkloads(grpc::CallbackServerContext* /*context*/,
                                                       const v1::ListWorkloadsRequest* /*request*/,
                                                       v1::ListWorkloadsResponse* response) {
  *response = workloads::Catalog();
  return new UnaryReactor(&active_);
}

grpc::ServerUnaryReactor* IpcLabService::GetHostInfo(grpc::CallbackServerContext* /*context*/,
                                                     const v1::GetHostInfoRequest* /*request*/,
                                                     v1::HostInfo* response) {
  *response = workloads::ReadHostInfo();
  workloads::AddHostChecks(absl::Milliseconds(500), response);
  *response->mutable_limits() = CurrentLimits(admission_);
  return new UnaryReactor(&active_);
}

grpc::ServerWriteReactor<v1::RunEvent>* IpcLabService::Run(grpc::CallbackServerContext* context,
                                                           const v1::RunRequest* request) {
  return new RunReactor(scheduler_, &active_, worker_path_, admission_, context, *request,
                        log_runs_);
}

}  // namespace ipclab::server
