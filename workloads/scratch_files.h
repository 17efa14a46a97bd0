// Files the mmap_file workload creates in the server's scratch directories,
// named after their owner (owner_mark.h: instance and run, or the worker's
// pid without a mark) so that whoever kills a worker can remove exactly
// what it left, and a later instance what a dead one left.
#ifndef IPCLAB_WORKLOADS_SCRATCH_FILES_H_
#define IPCLAB_WORKLOADS_SCRATCH_FILES_H_

#include <sys/types.h>

#include <set>
#include <string>

#include "workloads/owner_mark.h"
#include "workloads/workload.h"

namespace ipclab::workloads {

// The directory `location` (tmpfs|disk) uses under `context`: its configured
// scratch directory, else /dev/shm or $TMPDIR (else /tmp).
std::string ScratchDirectory(const RunContext& context, const std::string& location);

// The prefix of every file a worker with this pid creates in a scratch
// directory: "<dir>/ipclab-<pid>-file".
std::string ScratchFilePrefix(const std::string& dir, pid_t worker_pid);
// The same for `owner`: "<dir>/ipclab-i3-<run>-file" (the pid form when
// `owner` is unowned).
std::string ScratchFilePrefix(const std::string& dir, const OwnerMark& owner, pid_t worker_pid);

// Unlinks the files a killed worker left in `dir`; returns how many.
int RemoveLeftoverScratchFiles(const std::string& dir, pid_t worker_pid);

// Unlinks the entries of `dir` whose names start with `prefix` and that
// this user owns (st_uid = euid: a root sweep must not take another user's
// files); returns how many and adds their sizes to `*bytes` if given.
// Only regular files are touched; symbolic links and directories are not.
int RemoveOwnEntriesWithPrefix(const std::string& dir, const std::string& prefix,
                               uint64_t* bytes = nullptr);

// The instances (owner_mark.h) in the names of this user's entries of `dir`.
std::set<uint32_t> InstancesNamedIn(const std::string& dir);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_SCRATCH_FILES_H_
