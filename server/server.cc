#include "server/server.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/scheduler.h"
#include "server/service.h"
#include "workloads/leftovers.h"

namespace ipclab::server {
namespace {

void FillDefaults(ServerOptions* options) {
  if (options->worker_path.empty()) options->worker_path = DefaultWorkerPath();
  if (options->scratch_disk.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    options->scratch_disk = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
  }
}

// Takes an instance slot and removes what dead instances left; says on
// stderr what it removed, or why it works without a slot.
std::optional<workloads::InstanceLock> TakeInstanceSlot(const ServerOptions& options,
                                                        const char* program) {
  const std::vector<std::string> scratch_dirs = {options.scratch_tmpfs, options.scratch_disk};
  absl::StatusOr<workloads::InstanceLock> lock = workloads::InstanceLock::Acquire(scratch_dirs);
  if (!lock.ok()) {
    std::cerr << program << ": warning: no ipclab instance slot (" << lock.status().message()
              << "); what a crash leaves is removed by worker pid only\n";
    return std::nullopt;
  }
  const workloads::SweepReport removed = workloads::SweepDeadInstances(*lock, scratch_dirs);
  if (!removed.empty()) std::cerr << program << ": removed " << removed.ToString() << "\n";
  return *std::move(lock);
}

// Builds and starts the service; listens on `options.listen` if `listen`.
absl::StatusOr<internal::ServiceStack> BuildStack(ServerOptions options, bool listen) {
  FillDefaults(&options);
  static std::once_flag plugins_once;
  std::call_once(plugins_once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });

  internal::ServiceStack stack;
  stack.instance_lock = TakeInstanceSlot(options, listen ? "ipclabd" : "ipclab");
  SchedulerOptions scheduler_options;
  if (stack.instance_lock.has_value()) {
    scheduler_options.executor.instance = stack.instance_lock->instance();
  }
  scheduler_options.executor.worker_path = options.worker_path;
  scheduler_options.executor.scratch_tmpfs = options.scratch_tmpfs;
  scheduler_options.executor.scratch_disk = options.scratch_disk;
  scheduler_options.max_queued_runs = options.max_queued_runs;
  scheduler_options.max_run_seconds = options.limits.max_run_seconds;

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (listen) {
    if (options.auth.tokens()) {
      absl::StatusOr<std::shared_ptr<TokenAuthenticator>> authenticator =
          TokenAuthenticator::FromFile(options.auth.token_file);
      if (!authenticator.ok()) return authenticator.status();
      stack.authenticator = *std::move(authenticator);
    }
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> made =
        MakeServerCredentials(options.auth, stack.authenticator);
    if (!made.ok()) return made.status();
    credentials = *std::move(made);
  }
  AdmissionPolicy admission;
  admission.limits = options.limits;
  admission.scratch_tmpfs = options.scratch_tmpfs;
  admission.scratch_disk = options.scratch_disk;
  admission.tls = listen && options.auth.tls();
  admission.client_certificates = admission.tls && !options.auth.tls_client_ca.empty();
  admission.bearer_tokens = stack.authenticator != nullptr;
  stack.scheduler = std::make_unique<Scheduler>(std::move(scheduler_options));
  stack.service = std::make_unique<IpcLabService>(stack.scheduler.get(), options.worker_path,
                                                  std::move(admission), options.log_runs);

  grpc::ServerBuilder builder;
  // Without this a second ipclabd could bind the same port and share it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxSendMessageSize(kMaxResultMessageBytes);
  if (listen) builder.AddListeningPort(options.listen, credentials, &stack.port);
  builder.RegisterService(stack.service.get());
  stack.grpc_server = builder.BuildAndStart();
  if (stack.grpc_server == nullptr || (listen && stack.port == 0)) {
    if (stack.grpc_server != nullptr) stack.grpc_server->Shutdown();
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  return stack;
}

// "127.0.0.1:0" with port 41234 -> "127.0.0.1:41234".
std::string BoundAddress(const std::string& listen, int port) {
  const size_t colon = listen.rfind(':');
  int requested = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &requested)) {
    return listen;
  }
  return absl::StrCat(listen.substr(0, colon + 1), port);
}

}  // namespace

namespace internal {

std::optional<uint32_t> ServiceStack::instance() const {
  if (!instance_lock.has_value()) return std::nullopt;
  return instance_lock->instance();
}

void ServiceStack::Shutdown(absl::Duration deadline) {
  const absl::Time give_up = absl::Now() + deadline;
  // Streams first: the running worker is killed and every open Run stream
  // gets its last events and a status. Once those reached the clients
  // (bounded by the deadline), nothing is left to drain: the gRPC shutdown
  // cancels what remains at once and drops idle connections.
  if (scheduler != nullptr) scheduler->Shutdown();
  if (service != nullptr) service->AwaitIdle(give_up);
  if (grpc_server != nullptr) grpc_server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace internal

std::string DefaultWorkerPath() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return "ipclab-worker";
  std::string path(exe, static_cast<size_t>(n));
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "ipclab-worker" : path.substr(0, slash) + "/ipclab-worker";
}

// A server with nothing but gRPC's default health service (enabled in
// BuildStack before any server is built) on a plaintext port.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartHealthServer(const std::string& listen,
                                                                int* port) {
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) {
    if (server != nullptr) server->Shutdown();
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen, " (health)"));
  }
  return server;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  const std::string listen = options.listen;
  const std::string health_listen = options.health_listen;
  absl::StatusOr<internal::ServiceStack> stack = BuildStack(std::move(options), /*listen=*/true);
  if (!stack.ok()) return stack.status();
  std::unique_ptr<Server> server(new Server());
  server->stack_ = *std::move(stack);
  server->address_ = BoundAddress(listen, server->stack_.port);
  if (!health_listen.empty()) {
    int health_port = 0;
    absl::StatusOr<std::unique_ptr<grpc::Server>> health =
        StartHealthServer(health_listen, &health_port);
    if (!health.ok()) return health.status();  // ~Server shuts the main one down
    server->health_server_ = *std::move(health);
    server->health_address_ = BoundAddress(health_listen, health_port);
  }
  return server;
}

Server::~Server() { Shutdown(); }

void Server::Shutdown(absl::Duration deadline) {
  std::call_once(shutdown_once_, [&] {
    // Probes see NOT_SERVING while the main server drains.
    if (health_server_ != nullptr) health_server_->GetHealthCheckService()->Shutdown();
    stack_.Shutdown(deadline);
    if (health_server_ != nullptr) health_server_->Shutdown(std::chrono::system_clock::now());
  });
}

void Server::Wait() { stack_.grpc_server->Wait(); }

absl::Status Server::ReloadCredentials() {
  if (stack_.authenticator == nullptr) return absl::OkStatus();
  return stack_.authenticator->Reload();
}

absl::StatusOr<std::unique_ptr<EmbeddedServer>> EmbeddedServer::Start(ServerOptions options) {
  absl::StatusOr<internal::ServiceStack> stack = BuildStack(std::move(options), /*listen=*/false);
  if (!stack.ok()) return stack.status();
  std::unique_ptr<EmbeddedServer> server(new EmbeddedServer());
  server->stack_ = *std::move(stack);
  // Results up to the size admission lets through must fit.
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(kMaxResultMessageBytes);
  server->channel_ = server->stack_.grpc_server->InProcessChannel(channel_args);
  return server;
}

EmbeddedServer::~EmbeddedServer() {
  channel_.reset();
  stack_.Shutdown(absl::Seconds(5));
}

}  // namespace ipclab::server
