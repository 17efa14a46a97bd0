// ipclab-worker: runs one case of one workload; see workloads/worker.h for the
// protocol. Not meant to be run by hand, but it can be:
//   ipclab-worker 3>events.bin < request.bin
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdio>

#include "workloads/worker.h"

int main() {
  if (::fcntl(ipclab::workloads::kWorkerEventFd, F_GETFD) < 0) {
    std::fprintf(stderr,
                 "ipclab-worker: fd 3 (the event pipe) is not open; this program is started by "
                 "ipclabd or ipclab, not by hand\n");
    return 2;
  }
  // A server that goes away must not leave a worker blocked: writes to a
  // closed event pipe fail with EPIPE instead of killing silently.
  ::signal(SIGPIPE, SIG_IGN);
  // Die with the server (or the CLI running an embedded one), even when it is
  // SIGKILLed. The server spawns workers from its one long-lived executor
  // thread, whose exit is the server's, so the parent-thread semantics of
  // PR_SET_PDEATHSIG are safe here. The roles set the same on themselves.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // A crashing workload is reported by the server (signal name in the
  // result); it must not also leave core files on a lab machine.
  const rlimit no_core = {0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  return ipclab::workloads::WorkerMain(0, ipclab::workloads::kWorkerEventFd);
}
