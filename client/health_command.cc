#include "client/health_command.h"

#include <chrono>
#include <memory>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace ipclab::client {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

ExitCode HealthCommand(const HealthOptions& options, const CommandIo& io) {
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(options.server, grpc::InsecureChannelCredentials());
  std::unique_ptr<grpc::health::v1::Health::Stub> stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000)));
  // Keep trying to connect until the deadline: a server that is starting is
  // not a failure yet.
  context.set_wait_for_ready(true);
  HealthCheckRequest request;
  request.set_service(options.service);
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  const std::string what =
      options.service.empty() ? options.server : options.server + " service " + options.service;
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      *io.err << "ipclab: health: no answer from " << what << " within " << options.timeout_seconds
              << " s (not listening, or not reachable)\n";
    } else if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      *io.err << "ipclab: health: " << what << ": unknown service\n";
    } else if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      *io.err << "ipclab: health: " << what << " does not serve grpc.health.v1\n";
    } else {
      *io.err << "ipclab: health: " << what << ": " << status.error_message() << "\n";
    }
    return kExitServerError;
  }
  if (response.status() != HealthCheckResponse::SERVING) {
    *io.err << "ipclab: health: " << what << " is "
            << HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
    return kExitServerError;
  }
  *io.out << "SERVING (" << what << ")\n";
  io.out->flush();
  return kExitSuccess;
}

}  // namespace ipclab::client
