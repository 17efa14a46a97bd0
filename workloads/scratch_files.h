// Files the mmap_file workload creates in the server's
// scratch directories, named after the worker's pid so that whoever kills a
// worker can remove exactly what it left.
#ifndef IPCLAB_WORKLOADS_SCRATCH_FILES_H_
#define IPCLAB_WORKLOADS_SCRATCH_FILES_H_

#include <sys/types.h>

#include <string>

#include "workloads/workload.h"

namespace ipclab::workloads {

// The directory `location` (tmpfs|disk) uses under `context`: its configured
// scratch directory, else /dev/shm or $TMPDIR (else /tmp).
std::string ScratchDirectory(const RunContext& context, const std::string& location);

// The prefix of every file a worker with this pid creates in a scratch
// directory: "<dir>/ipclab-<pid>-file".
std::string ScratchFilePrefix(const std::string& dir, pid_t worker_pid);

// Unlinks the files a killed worker left in `dir`; returns how many.
int RemoveLeftoverScratchFiles(const std::string& dir, pid_t worker_pid);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_SCRATCH_FILES_H_
