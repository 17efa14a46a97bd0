// ipclabd's gRPC server, and the same service embedded in a client process.
//
//   ipclab::server::ServerOptions options;
//   options.listen = "127.0.0.1:0";
//   auto server = ipclab::server::Server::Start(options);   // StatusOr
//   int port = (*server)->port();
//   ...
//   (*server)->Shutdown(absl::Seconds(5));
//
//   auto embedded = ipclab::server::EmbeddedServer::Start(options);
//   auto stub = ipclab::v1::IpcLab::NewStub((*embedded)->channel());
#ifndef IPCLAB_SERVER_SERVER_H_
#define IPCLAB_SERVER_SERVER_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "server/admission.h"
#include "server/auth.h"
#include "workloads/instance_lock.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace ipclab::server {

class IpcLabService;
class Scheduler;

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see Server::port()).
  // Ignored by EmbeddedServer.
  std::string listen = "127.0.0.1:7557";
  // The `ipclab-worker` executable; empty: DefaultWorkerPath().
  std::string worker_path;
  // Scratch directories handed to workers for file-backed workloads.
  std::string scratch_tmpfs = "/dev/shm";
  std::string scratch_disk;  // empty: $TMPDIR, else /tmp
  // Runs waiting behind the running one; more are refused (RESOURCE_EXHAUSTED).
  size_t max_queued_runs = 16;
  // host:port for a second, plaintext listener that serves only
  // grpc.health.v1 (for Kubernetes gRPC probes and container health checks
  // when the main port needs TLS or a token); empty: none. Port 0 picks one.
  std::string health_listen;
  // TLS and bearer tokens for the listening port (server/auth.h).
  AuthOptions auth;
  // What one run may use (server/admission.h).
  AdmissionLimits limits;
  // One line per run on stderr (ipclabd; not the embedded server).
  bool log_runs = false;
};

namespace internal {

// The pieces both server flavours are made of, in destruction-safe order
// (the instance slot, declared first, is released last, after every worker
// is gone). Made by BuildStack in server.cc.
struct ServiceStack {
  std::optional<workloads::InstanceLock> instance_lock;
  std::unique_ptr<Scheduler> scheduler;
  std::unique_ptr<IpcLabService> service;
  std::unique_ptr<grpc::Server> grpc_server;
  std::shared_ptr<TokenAuthenticator> authenticator;  // null without tokens
  int port = 0;                                       // 0 when not listening

  // The instance slot held; nullopt if none could be taken.
  std::optional<uint32_t> instance() const;
  // Ends the running and queued runs and the open streams, then the gRPC
  // server, within `deadline`.
  void Shutdown(absl::Duration deadline);
};

}  // namespace internal

// A listening gRPC server running the IpcLab service, health checking and
// reflection. Thread-safe; the destructor shuts down if Shutdown was not called.
class Server final {
 public:
  // At start, both flavours take an instance slot (workloads/instance_lock.h):
  // their workers mark what they create with it and the run id, and what
  // dead instances left is removed (one line on stderr says what). Without
  // a slot (no usable lock directory) workers mark with their pid only and
  // nothing is swept.
  //
  // Binds `options.listen` and starts serving; UNAVAILABLE if the address
  // cannot be bound. A missing worker executable does not stop the server
  // (ListWorkloads and GetHostInfo work); Run refuses with FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound TCP port (the real one when `listen` asked for port 0).
  int port() const { return stack_.port; }
  // "host:port" with the real port.
  const std::string& address() const { return address_; }
  // "host:port" of the health-only listener; "" without options.health_listen.
  const std::string& health_address() const { return health_address_; }

  // Cancels the running worker, fails queued runs (UNAVAILABLE) and finishes
  // open streams with a status; waits up to `deadline` for open RPCs to
  // complete, then cancels the rest and closes every connection. Idempotent.
  void Shutdown(absl::Duration deadline = absl::Seconds(5));

  // Blocks until another thread has called Shutdown.
  void Wait();

  // Re-reads the token file (SIGHUP); certificates reload by themselves.
  absl::Status ReloadCredentials();

  // The instance slot this server holds; nullopt if it could not take one.
  std::optional<uint32_t> instance() const { return stack_.instance(); }

 private:
  Server() = default;

  // Declared first: released last, after every worker is gone.
  internal::ServiceStack stack_;
  std::unique_ptr<grpc::Server> health_server_;  // null without health_listen
  std::string address_;
  std::string health_address_;
  std::once_flag shutdown_once_;
};

// The service in-process with no listening port, reached through channel().
// Used by the CLI when no --server is given. The destructor shuts down cleanly.
class EmbeddedServer final {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedServer>> Start(ServerOptions options);

  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  // An in-process channel to the service; valid while this object lives.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // The instance slot this server holds; nullopt if it could not take one.
  std::optional<uint32_t> instance() const { return stack_.instance(); }

 private:
  EmbeddedServer() = default;

  // Declared first: released last, after every worker is gone.
  internal::ServiceStack stack_;
  std::shared_ptr<grpc::Channel> channel_;
};

// The directory of /proc/self/exe + "/ipclab-worker".
std::string DefaultWorkerPath();

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_SERVER_H_
