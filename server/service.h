// The IpcLab gRPC service (callback API). Transport only: the catalog and
// host facts come from workloads/, runs go to the Scheduler, and absl::Status
// becomes grpc::Status here and nowhere else.
#ifndef IPCLAB_SERVER_SERVICE_H_
#define IPCLAB_SERVER_SERVICE_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "ipclab/v1/ipclab.grpc.pb.h"
#include "server/admission.h"
#include "server/scheduler.h"

namespace ipclab::server {

// Counts RPCs whose reactor has not reached OnDone, so a shutdown can wait
// for the streams it ended and then drop idle connections at once (instead
// of waiting for idle clients to answer the GOAWAY ping). Thread-safe.
class ActiveRpcs final {
 public:
  void Add() ABSL_LOCKS_EXCLUDED(mutex_);
  void Remove() ABSL_LOCKS_EXCLUDED(mutex_);
  // True if no RPC was active at some point before `deadline`.
  bool AwaitNone(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  absl::Mutex mutex_;
  int count_ ABSL_GUARDED_BY(mutex_) = 0;
};

class IpcLabService final : public v1::IpcLab::CallbackService {
 public:
  // `scheduler` must outlive the service; `worker_path` is checked before a
  // run is queued, and runs are admitted against `admission`. `log_runs`:
  // one line per run on stderr (server/run_log.h).
  IpcLabService(Scheduler* scheduler, std::string worker_path, AdmissionPolicy admission = {},
                bool log_runs = false);

  grpc::ServerUnaryReactor* ListWorkloads(grpc::CallbackServerContext* context,
                                          const v1::ListWorkloadsRequest* request,
                                          v1::ListWorkloadsResponse* response) override;
  grpc::ServerUnaryReactor* GetHostInfo(grpc::CallbackServerContext* context,
                                        const v1::GetHostInfoRequest* request,
                                        v1::HostInfo* response) override;
  // Validates first (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION without
  // running anything), then queues the run and streams its events with one
  // write in flight; a client that goes away cancels the run.
  grpc::ServerWriteReactor<v1::RunEvent>* Run(grpc::CallbackServerContext* context,
                                              const v1::RunRequest* request) override;

  // Waits until every RPC has completed (e.g. after Scheduler::Shutdown
  // ended the streams); false if `deadline` passed first.
  bool AwaitIdle(absl::Time deadline) { return active_.AwaitNone(deadline); }

 private:
  Scheduler* const scheduler_;
  const std::string worker_path_;
  const AdmissionPolicy admission_;
  const bool log_runs_;
  ActiveRpcs active_;
};

// The same canonical code (absl and gRPC share the numbering) and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_SERVICE_H_
