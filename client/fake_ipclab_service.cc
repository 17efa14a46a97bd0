#include "client/fake_ipclab_service.h"

#include <chrono>
#include <thread>

#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/channel_arguments.h"

namespace ipclab::client::testing {
namespace {

v1::RunEvent Accepted(const std::string& run_id) {
  v1::RunEvent event;
  event.mutable_accepted()->set_run_id(run_id);
  return event;
}

v1::RunEvent Finished(const v1::RunRequest& request, v1::RunStatus status,
                      const std::string& error) {
  v1::RunEvent event;
  v1::Finished* finished = event.mutable_finished();
  finished->set_status(status);
  finished->set_error(error);
  v1::RunResult* result = finished->mutable_result();
  result->set_run_id("run-" + request.workload());
  result->set_workload(request.workload());
  *result->mutable_request() = request;
  result->mutable_host()->set_hostname("fakehost");
  v1::CaseResult* case_result = result->add_cases();
  case_result->mutable_case_()->set_name("message_size=64KiB");
  case_result->set_status(status);
  case_result->set_error(error);
  // The run's own status is left for the client to fill from `finished`.
  return event;
}

}  // namespace

grpc::Status FakeIpcLabService::ListWorkloads(grpc::ServerContext*, const v1::ListWorkloadsRequest*,
                                              v1::ListWorkloadsResponse* response) {
  response->add_workloads()->set_name("pipe");
  response->add_workloads()->set_name("shm_posix");
  return grpc::Status::OK;
}

grpc::Status FakeIpcLabService::GetHostInfo(grpc::ServerContext*, const v1::GetHostInfoRequest*,
                                            v1::HostInfo* response) {
  response->set_hostname("fakehost");
  response->add_allowed_cpus(0);
  return grpc::Status::OK;
}

grpc::Status FakeIpcLabService::Run(grpc::ServerContext* context, const v1::RunRequest* request,
                                    grpc::ServerWriter<v1::RunEvent>* writer) {
  ++runs_;
  const std::string& workload = request->workload();
  if (workload == "unknown") {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "unknown workload \"unknown\"; known: pipe, shm_posix");
  }
  writer->Write(Accepted("run-" + workload));
  if (workload == "no_result") return grpc::Status::OK;
  if (workload == "hang") {
    while (!context->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ++cancelled_runs_;
    return grpc::Status::CANCELLED;
  }
  v1::RunEvent started;
  started.mutable_started()->add_cases()->set_name("message_size=64KiB");
  writer->Write(started);
  v1::RunEvent progress;
  progress.mutable_progress()->set_case_count(1);
  progress.mutable_progress()->set_phase("steady");
  writer->Write(progress);
  if (workload == "failed") {
    writer->Write(Finished(*request, v1::FAILED, "worker killed by SIGSEGV"));
  } else {
    writer->Write(Finished(*request, v1::SUCCEEDED, ""));
  }
  return grpc::Status::OK;
}

FakeServer::FakeServer() {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
}

FakeServer::~FakeServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

std::shared_ptr<grpc::Channel> FakeServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

}  // namespace ipclab::client::testing
