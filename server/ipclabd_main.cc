// ipclabd: serves the IpcLab gRPC service on this host.
//
// Prints "ipclabd listening on HOST:PORT" (the bound port, also for port 0)
// once ready. SIGTERM/SIGINT stop it gracefully: the running worker is
// killed, open streams end with a status, exit 0. SIGHUP re-reads the token
// file and keeps serving. Bad flags exit 2, and so does a non-loopback
// --listen without TLS or tokens unless --insecure is given.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "base/errno_status.h"
#include "base/posix_call.h"
#include "base/size.h"
#include "server/auth.h"
#include "server/server.h"
#include "workloads/params.h"

#ifndef IPCLAB_VERSION
#define IPCLAB_VERSION "unknown"
#endif

namespace {

constexpr int kUsageExit = 2;

// Blocks until SIGTERM or SIGINT arrives on `signal_fd`; returns its number.
int AwaitStopSignal(int signal_fd) {
  signalfd_siginfo info;
  const ssize_t n =
      ipclab::base::RetryOnEintr([&] { return read(signal_fd, &info, sizeof(info)); });
  // A signalfd read returns whole records; anything else is a broken fd.
  if (n == static_cast<ssize_t>(sizeof(info))) return static_cast<int>(info.ssi_signo);
  return SIGTERM;
}

}  // namespace

int main(int argc, char** argv) {
  ipclab::server::ServerOptions options;
  CLI::App app{"ipclabd: runs IPC and memory-mapping workloads on this host for ipclab clients"};
  app.add_option("--listen", options.listen, "address to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--worker", options.worker_path,
                 "the ipclab-worker executable (default: beside ipclabd)");
  app.add_option("--scratch-tmpfs", options.scratch_tmpfs,
                 "directory for tmpfs-backed workload files")
      ->capture_default_str();
  app.add_option("--scratch-disk", options.scratch_disk,
                 "directory for disk-backed workload files (default: $TMPDIR or /tmp)");
  app.add_option("--health-listen", options.health_listen,
                 "also serve only grpc.health.v1, plaintext, on this address (for probes)");
  app.add_option("--max-queued-runs", options.max_queued_runs,
                 "runs allowed to wait behind the running one")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--tls-cert", options.auth.tls_cert,
                 "PEM certificate chain: serve TLS only (re-read when the file changes)");
  app.add_option("--tls-key", options.auth.tls_key, "PEM private key of --tls-cert");
  app.add_option("--tls-client-ca", options.auth.tls_client_ca,
                 "PEM CA bundle: require client certificates it signed (mTLS)");
  app.add_option("--auth-token-file", options.auth.token_file,
                 "bearer tokens, one per line: every call but health needs one (SIGHUP re-reads)");
  bool insecure = false;
  app.add_flag("--insecure", insecure,
               "allow a non-loopback --listen without TLS or tokens (anyone reaching the port "
               "can run workloads)");
  uint64_t max_memory_bytes = 0;
  std::string max_memory;
  app.add_option("--max-memory", max_memory,
                 "memory one case may use, e.g. 8GiB (default: 75% of MemTotal; also capped by "
                 "MemAvailable and the cgroup limit)");
  app.add_option("--max-run-seconds", options.limits.max_run_seconds,
                 "estimated duration a run may have; longer runs are refused, overrunning ones "
                 "killed (0: no limit)")
      ->capture_default_str();
  app.add_option("--max-cases", options.limits.max_cases, "cases per run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.set_version_flag("--version", std::string("ipclabd ") + IPCLAB_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the error
    return code == 0 ? 0 : kUsageExit;
  }
  if (absl::Status checked = ipclab::server::CheckListenAddress(options.listen); !checked.ok()) {
    std::cerr << "ipclabd: " << checked.message() << "\n";
    return kUsageExit;
  }
  if (!max_memory.empty()) {
    absl::StatusOr<uint64_t> parsed = ipclab::base::ParseSize(max_memory);
    if (!parsed.ok() || *parsed == 0) {
      std::cerr << "ipclabd: --max-memory " << max_memory.substr(0, 64)
                << ": expected a size such as 8GiB\n";
      return kUsageExit;
    }
    max_memory_bytes = *parsed;
  }
  options.limits.max_memory_bytes = max_memory_bytes;
  if (!ipclab::server::IsLoopbackAddress(options.listen) && !options.auth.tls() &&
      !options.auth.tokens() && !insecure) {
    std::cerr << "ipclabd: refusing to listen on " << options.listen
              << " without protection: anyone who reaches a non-loopback address could run "
                 "workloads on this host. Give --tls-cert/--tls-key and/or --auth-token-file, "
                 "listen on 127.0.0.1, or pass --insecure to accept the risk\n";
    return kUsageExit;
  }
  options.log_runs = true;

  // Block the stop signals before gRPC starts its threads, so every thread
  // inherits the mask and only the signalfd sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    std::cerr << "ipclabd: cannot block SIGTERM/SIGINT\n";
    return 1;
  }
  int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    std::cerr << "ipclabd: "
              << ipclab::base::ErrnoMessage("signalfd(SIGTERM, SIGINT, SIGHUP)", errno) << "\n";
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);

  const std::string worker_path =
      options.worker_path.empty() ? ipclab::server::DefaultWorkerPath() : options.worker_path;
  if (access(worker_path.c_str(), X_OK) != 0) {
    std::cerr << "ipclabd: warning: worker executable " << worker_path
              << " is not usable; runs will be refused\n";
  }

  absl::StatusOr<std::unique_ptr<ipclab::server::Server>> server =
      ipclab::server::Server::Start(options);
  if (!server.ok()) {
    std::cerr << "ipclabd: " << server.status().message() << "\n";
    return server.status().code() == absl::StatusCode::kInvalidArgument ? kUsageExit : 1;
  }
  if (!(*server)->health_address().empty()) {
    std::cout << "ipclabd health on " << (*server)->health_address() << std::endl;
  }
  std::cout << "ipclabd listening on " << (*server)->address() << std::endl;

  int signal_number = AwaitStopSignal(signal_fd);
  while (signal_number == SIGHUP) {  // reload, keep serving
    absl::Status reloaded = (*server)->ReloadCredentials();
    std::cerr << "ipclabd: SIGHUP: "
              << (reloaded.ok() ? std::string("tokens reloaded; certificates reload on change")
                                : std::string(reloaded.message()) + " (keeping the old tokens)")
              << std::endl;
    signal_number = AwaitStopSignal(signal_fd);
  }
  std::cerr << "ipclabd: " << sigabbrev_np(signal_number) << " received, shutting down\n";
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  close(signal_fd);
  return 0;
}
