// A way to reach an IpcLab service: a remote `ipclabd` at host:port over an
// insecure channel, or (no address) an embedded server in this process. Both
// are used through the same generated stub, so every command has one path.
#ifndef IPCLAB_CLIENT_CONNECTION_H_
#define IPCLAB_CLIENT_CONNECTION_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/client_auth.h"
#include "client/exit_codes.h"
#include "client/interrupt.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "ipclab/v1/ipclab.grpc.pb.h"
#include "server/server.h"

namespace ipclab::client {

// What RunResult.server and the progress line call the embedded server.
inline constexpr char kEmbeddedLabel[] = "embedded";

// How long to wait for a remote server to accept the connection.
inline constexpr absl::Duration kConnectTimeout = absl::Seconds(5);

// Results carry every repetition's measurements; allow what the server's
// admission lets through.
inline constexpr int kMaxMessageBytes = server::kMaxResultMessageBytes;

class Connection final {
 public:
  // Connects to `address` ("host:port"), waiting up to `connect_timeout`.
  // UNAVAILABLE (naming the address) at the first failed attempt (refused,
  // unknown host) or when nothing answers within the timeout.
  // `security`: TLS and the bearer token (INVALID_ARGUMENT for bad files).
  static absl::StatusOr<std::unique_ptr<Connection>> Remote(
      const std::string& address, absl::Duration connect_timeout = kConnectTimeout,
      const ClientSecurity& security = {});

  // Starts the service in this process; workers are found beside the
  // running executable (the server's default). A start failure (e.g. no
  // `ipclab-worker` there) is UNAVAILABLE: a server error, not a usage error.
  static absl::StatusOr<std::unique_ptr<Connection>> Embedded();

  // Remote(address) for a non-empty address, else Embedded().
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& address,
                                                          const ClientSecurity& security = {});

  // Shuts an embedded server down (cancelling its worker) after the stub.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The address as given, or kEmbeddedLabel.
  const std::string& label() const { return label_; }
  v1::IpcLab::StubInterface& stub() { return *stub_; }

 private:
  Connection(std::string label, std::unique_ptr<server::EmbeddedServer> embedded,
             std::shared_ptr<grpc::Channel> channel);

  const std::string label_;
  std::unique_ptr<server::EmbeddedServer> embedded_;  // null for remote
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IpcLab::Stub> stub_;
};

// A unary call that takes no arguments (GetHostInfo, ListWorkloads), e.g.
// FetchFromServer(connection, &v1::IpcLab::StubInterface::GetHostInfo, ...),
// within `deadline`. With a canceller, a signal cancels the call: CANCELLED.
template <typename Request, typename Response>
absl::StatusOr<Response> FetchFromServer(Connection& connection,
                                         grpc::Status (v1::IpcLab::StubInterface::*call)(
                                             grpc::ClientContext*, const Request&, Response*),
                                         std::chrono::seconds deadline,
                                         InterruptCanceller* canceller = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  ScopedCancellation cancellation(canceller, &context);
  Response response;
  const grpc::Status status = (connection.stub().*call)(&context, Request(), &response);
  if (canceller != nullptr && canceller->interrupted()) return absl::CancelledError("cancelled");
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_CONNECTION_H_
