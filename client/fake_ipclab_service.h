// Test-only: an IpcLab service whose behaviour is chosen by the request's
// workload name, served on a loopback port and in-process, so the client's
// streaming, cancellation and exit codes are tested without workers.
//
//   workload "ok"        accepted, started, progress, finished SUCCEEDED
//   workload "failed"    finished FAILED ("worker killed by SIGSEGV")
//   workload "unknown"   NOT_FOUND before any event
//   workload "no_result" accepted, then the stream ends OK without `finished`
//   workload "hang"      accepted, then waits until the client cancels
#ifndef IPCLAB_CLIENT_FAKE_IPCLAB_SERVICE_H_
#define IPCLAB_CLIENT_FAKE_IPCLAB_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "grpcpp/server.h"
#include "ipclab/v1/ipclab.grpc.pb.h"

namespace ipclab::client::testing {

class FakeIpcLabService final : public v1::IpcLab::Service {
 public:
  grpc::Status ListWorkloads(grpc::ServerContext* context, const v1::ListWorkloadsRequest* request,
                             v1::ListWorkloadsResponse* response) override;
  grpc::Status GetHostInfo(grpc::ServerContext* context, const v1::GetHostInfoRequest* request,
                           v1::HostInfo* response) override;
  grpc::Status Run(grpc::ServerContext* context, const v1::RunRequest* request,
                   grpc::ServerWriter<v1::RunEvent>* writer) override;

  // How many Run calls ended because the client cancelled.
  int cancelled_runs() const { return cancelled_runs_.load(); }
  // How many Run calls started.
  int runs() const { return runs_.load(); }

 private:
  std::atomic<int> cancelled_runs_{0};
  std::atomic<int> runs_{0};
};

// The fake service on 127.0.0.1:<free port>; shut down by the destructor.
class FakeServer final {
 public:
  FakeServer();
  ~FakeServer();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::shared_ptr<grpc::Channel> InProcessChannel();
  FakeIpcLabService& service() { return service_; }

 private:
  FakeIpcLabService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ipclab::client::testing

#endif  // IPCLAB_CLIENT_FAKE_IPCLAB_SERVICE_H_
