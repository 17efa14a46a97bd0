// `mmap_file`: a ring in a file mapped MAP_SHARED by two processes, in a
// scratch directory the server is configured with (ipclabd --scratch-tmpfs,
// --scratch-disk; defaults /dev/shm and $TMPDIR or /tmp). `location` picks
// which; clients never pass paths. The same ring, modes and options as
// shm_posix (ring_workload.h), except huge_pages=hugetlb, which no tmpfs or
// disk file can have. The file is unlinked as soon as both roles mapped it.
//
// What differs from shm_posix is what the kernel does: on tmpfs the pages
// are shmem (RssShmem, fault-around on reads, THP by the mount's huge=
// option); on disk they are page cache (RssFile), every first write to a
// clean page takes a write-notify fault (page_mkwrite), and writeback may
// clean pages again during a long run.
#ifndef IPCLAB_WORKLOADS_MMAP_FILE_H_
#define IPCLAB_WORKLOADS_MMAP_FILE_H_

#include <sys/types.h>

#include <string>

#include "workloads/workload.h"

namespace ipclab::workloads {

class MmapFileWorkload final : public Workload {
 public:
  MmapFileWorkload();
  const v1::WorkloadSpec& Spec() const override { return spec_; }
  absl::Status Validate(const CaseParams& params) const override;
  std::vector<v1::Expectation> Expect(const CaseParams& params,
                                      const v1::HostInfo& host) const override;
  absl::StatusOr<v1::RepetitionResult> RunRepetition(const CaseParams& params,
                                                     const RunContext& context) const override;

 private:
  v1::WorkloadSpec spec_;
};

// The directory `location` (tmpfs|disk) uses under `context`: its configured
// scratch directory, else /dev/shm or $TMPDIR (else /tmp).
std::string ScratchDirectory(const RunContext& context, const std::string& location);

// The prefix of every file a worker with this pid creates in a scratch
// directory: "<dir>/ipclab-<pid>-file".
std::string ScratchFilePrefix(const std::string& dir, pid_t worker_pid);

// Unlinks the files a killed worker left in `dir`; returns how many.
int RemoveLeftoverScratchFiles(const std::string& dir, pid_t worker_pid);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_MMAP_FILE_H_
