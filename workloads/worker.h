// The worker side of the server<->worker pipe protocol (protos/ipclab/v1/worker.proto).
//
// `ipclab-worker` is spawned (posix_spawn, own process group) by the server or
// the embedded server, never forked from a gRPC process. It reads exactly one
// length-delimited WorkerRequest from stdin, runs `warmup` then `repetitions`
// repetitions of the one case, and writes length-delimited WorkerEvents to
// fd 3: `progress` before each repetition (never during one), one `repetition`
// per repetition (warm-ups included, flagged), and finally `done` (exit 0) or
// `error` (exit 1). With ack_repetitions it then waits for one ack byte on
// stdin before the next repetition. It holds the host measurement lock
// (host_lock.h) for the whole case; while waiting for it, a `progress` event
// with `waiting` says who holds it. Diagnostics go to stderr. The roles it forks stay in its
// process group, so killing the group cancels everything. POSIX shm names it
// creates start with "/ipclab-<worker pid>-", so whoever kills a worker can
// remove what it left (see RemoveLeftoverShm).
#ifndef IPCLAB_WORKLOADS_WORKER_H_
#define IPCLAB_WORKLOADS_WORKER_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "ipclab/v1/worker.pb.h"

namespace ipclab::workloads {

inline constexpr int kWorkerEventFd = 3;

// Runs a parsed request, writing events to `event_fd`. Returns the status of
// the first failure (already reported as an `error` event) or OK after `done`.
// `ack_fd` is read for the acks when request.ack_repetitions() is set.
absl::Status RunWorkerRequest(const v1::WorkerRequest& request, int event_fd, int ack_fd = -1);

// main() of ipclab-worker: reads the request from `request_fd`.
int WorkerMain(int request_fd, int event_fd);

// The prefix of every /dev/shm name a worker with this pid creates.
std::string ShmNamePrefix(pid_t worker_pid);

// Unlinks /dev/shm entries a killed worker left behind; returns how many.
int RemoveLeftoverShm(pid_t worker_pid);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_WORKER_H_
