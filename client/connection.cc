#include "client/connection.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace ipclab::client {

Connection::Connection(std::string label, std::unique_ptr<server::EmbeddedServer> embedded,
                       std::shared_ptr<grpc::Channel> channel)
    : label_(std::move(label)),
      embedded_(std::move(embedded)),
      channel_(std::move(channel)),
      stub_(v1::IpcLab::NewStub(channel_)) {}

Connection::~Connection() {
  // The stub and channel go before the server they lead to.
  stub_.reset();
  channel_.reset();
  embedded_.reset();
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Remote(const std::string& address,
                                                               absl::Duration connect_timeout,
                                                               const ClientSecurity& security) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> made = MakeChannel(address, security, args);
  if (!made.ok()) return made.status();
  std::shared_ptr<grpc::Channel> channel = *std::move(made);
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(connect_timeout);
  // Wait for READY, but give up at the first TRANSIENT_FAILURE (connection
  // refused, unknown host) instead of retrying until the deadline.
  grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ipclabd at ", address,
                                                 " (connection refused, host unreachable or "
                                                 "TLS handshake failed)"));
    }
    if (!channel->WaitForStateChange(state, deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ipclabd at ", address,
                                                 " (no connection within ",
                                                 absl::FormatDuration(connect_timeout), ")"));
    }
    state = channel->GetState(/*try_to_connect=*/true);
  }
  return std::unique_ptr<Connection>(new Connection(address, nullptr, std::move(channel)));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Embedded() {
  server::ServerOptions options;  // worker_path empty: beside this executable
  absl::StatusOr<std::unique_ptr<server::EmbeddedServer>> started =
      server::EmbeddedServer::Start(options);
  if (!started.ok()) {
    // Whatever the cause (a missing worker, no scratch directory), the
    // command line is not at fault: report it as a server error.
    return absl::UnavailableError(
        absl::StrCat("cannot start the embedded server: ", started.status().message()));
  }
  std::unique_ptr<server::EmbeddedServer> embedded = *std::move(started);
  std::shared_ptr<grpc::Channel> channel = embedded->channel();
  return std::unique_ptr<Connection>(
      new Connection(kEmbeddedLabel, std::move(embedded), std::move(channel)));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& address,
                                                             const ClientSecurity& security) {
  if (address.empty()) return Embedded();
  return Remote(address, kConnectTimeout, security);
}

}  // namespace ipclab::client
