// ipclabd: serves the IpcLab gRPC service on this host.
//
// Prints "ipclabd listening on HOST:PORT" (the bound port, also for port 0)
// once ready. SIGTERM/SIGINT stop it gracefully: the running worker is
// killed, open streams end with a status, exit 0. Bad flags exit 2.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "base/posix_call.h"
#include "server/server.h"

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
  app.add_option("--max-queued-runs", options.max_queued_runs,
                 "runs allowed to wait behind the running one")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.set_version_flag("--version", std::string("ipclabd ") + IPCLAB_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the error
    return code == 0 ? 0 : kUsageExit;
  }

  // Block the stop signals before gRPC starts its threads, so every thread
  // inherits the mask and only the signalfd sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    std::cerr << "ipclabd: cannot block SIGTERM/SIGINT\n";
    return 1;
  }
  int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    std::cerr << "ipclabd: signalfd: " << std::strerror(errno) << "\n";
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
    return 1;
  }
  std::cout << "ipclabd listening on " << (*server)->address() << std::endl;

  const int signal_number = AwaitStopSignal(signal_fd);
  std::cerr << "ipclabd: " << sigabbrev_np(signal_number) << " received, shutting down\n";
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  close(signal_fd);
  return 0;
}
