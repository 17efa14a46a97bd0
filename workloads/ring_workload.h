// What the three shared-memory ring workloads (shm_posix, shm_sysv,
// mmap_file) share: their parameters and checks, how a role maps the region
// (huge pages, populate), the transfer itself over ShmRing, and what the
// kernel should do (Expect). Each workload only says, through
// RingWorkloadOps, how the region is made, how a role maps it, how its name
// goes away once both roles mapped it, and how its memory takes faults.
//
// Options, the same for all three:
//   huge_pages=none     4 KiB pages (MADV_NOHUGEPAGE, so not even THP=always
//                       gives huge ones)
//   huge_pages=thp      mapped at a 2 MiB boundary + MADV_HUGEPAGE. Whether the
//                       kernel honours it is NOT the anonymous `enabled` knob:
//                       shmem objects (SysV segments, memfd) follow
//                       /sys/kernel/mm/transparent_hugepage/shmem_enabled,
//                       files on a tmpfs mount (/dev/shm, so POSIX shm too)
//                       follow that mount's huge= option (shmem_enabled=force
//                       or deny override both), and disk files need
//                       enabled=always|madvise and a filesystem with large
//                       folios (ext4, xfs on recent kernels). The run's notes
//                       say which setting applied.
//   huge_pages=hugetlb  2 MiB pages from the hugetlb pool (SHM_HUGETLB,
//                       memfd_create(MFD_HUGETLB)); FAILED_PRECONDITION with
//                       the command to reserve them when the pool is short.
//   populate=true       each role pre-faults the whole region for writing in
//                       its setup phase (madvise MADV_POPULATE_WRITE). Not
//                       MAP_POPULATE: for a shared mapping that only
//                       read-faults, which on a disk file leaves every page
//                       write-protected, so the first write would fault anyway.
// With thp/hugetlb the header block is a whole 2 MiB page, so each ring's
// data starts on a huge page boundary; ring_bytes must then be a multiple of
// 2 MiB.
#ifndef IPCLAB_WORKLOADS_RING_WORKLOAD_H_
#define IPCLAB_WORKLOADS_RING_WORKLOAD_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"
#include "workloads/memory_region.h"
#include "workloads/params.h"
#include "workloads/shm_ring.h"
#include "workloads/sys/sysv_segment.h"
#include "workloads/workload.h"

namespace ipclab::workloads {

struct RingOptions {
  RingSync sync = RingSync::kFutex;
  HugePages huge_pages = HugePages::kNone;
  bool populate = false;
  RingLayout layout;
};

// ring_bytes, sync, huge_pages (none|thp, plus hugetlb if `hugetlb`), populate.
std::vector<v1::ParamSpec> RingParamSpecs(bool hugetlb);
// The transfer checks, plus ring_bytes a multiple of the page size (2 MiB
// with huge pages). INVALID_ARGUMENT names the values and the allowed range.
absl::Status ValidateRing(const CaseParams& params);
absl::StatusOr<RingOptions> ParseRingOptions(const CaseParams& params);
// For huge_pages=hugetlb: FAILED_PRECONDITION, saying how to reserve them,
// unless the hugetlb pool holds the whole region; the message names
// `workload`, its ring_bytes and the region as `kind` ("region", "segment").
absl::Status CheckRingHugetlbPool(absl::string_view workload, absl::string_view kind,
                                  const CaseParams& params, const RingOptions& options);

// The region as one role mapped it: an mmap or a shmat.
struct RingMemory {
  MemoryRegion region;
  sys::SysvAttachment attachment;
  char* data() const { return region.data() != nullptr ? region.data() : attachment.data(); }
  void Reset() {
    region.Reset();
    attachment.Reset();
  }
};

// mmap(MAP_SHARED) of `fd` with the huge page advice, then populate.
absl::StatusOr<RingMemory> MapRingFile(int fd, const RingOptions& options, absl::string_view what);
// shmat of segment `id`, then the huge page advice (not for hugetlb, which the
// segment already is) and populate.
absl::StatusOr<RingMemory> AttachRingSegment(int id, const RingOptions& options,
                                             absl::string_view what);

// One repetition's region, as a workload made it. The functions own what
// they refer to (the object, segment or file, held by shared_ptr), so it
// lives until the repetition ends and goes on every error path.
struct RingBacking {
  std::vector<int> keep_fds;  // fds the roles inherit and use
  // Role side, inside the setup phase: map the region.
  std::function<absl::StatusOr<RingMemory>()> map;
  // Coordinator side, once both roles finished setup (both mapped it).
  std::function<absl::Status()> after_setup;
  std::map<std::string, std::string> notes;  // copied into the result
  // The setting that decides THP for this region ("/dev/shm: tmpfs
  // huge=never; ..."), noted as thp_setting when huge_pages=thp.
  std::function<std::string()> thp_setting;
};

// How the backing behaves under faults, for RingExpectations.
struct RingFaultModel {
  // Read faults map up to 16 already-cached neighbours (fault-around, file and
  // shmem-file mappings); false for SysV segments, whose vm_ops lack map_pages.
  bool read_fault_around = true;
  // Where the ring's memory shows: "rss_shmem_delta_bytes" (tmpfs, shmem) or
  // "vm_rss_delta_bytes" (disk page cache shows as RssFile).
  std::string memory_metric = "rss_shmem_delta_bytes";
  // A disk file: some faults are retried and then count as major, and the
  // writer's first faults read whole ranges ahead into the page cache.
  bool faults_may_retry = false;
  // Which setting decides THP for this backing (for if_deviated).
  std::string thp_rule;
};

std::vector<v1::Expectation> RingExpectations(const CaseParams& params, const v1::HostInfo& host,
                                              const RingFaultModel& model);

// What makes one ring workload what it is.
struct RingKind {
  v1::WorkloadSpec spec;
  // How its memory takes faults, for these parameters.
  RingFaultModel (*fault_model)(const CaseParams& params);
  // Coordinator side, before the roles start: creates the region (checking
  // what the parameters need of the host) and says how the roles map it.
  absl::StatusOr<RingBacking> (*make_backing)(const CaseParams& params, const RunContext& context,
                                              const RingOptions& options);
};

// The workload: ValidateRing; RingExpectations under the kind's fault model;
// a repetition parses the ring options, makes the backing and runs the two
// roles through the four transfer phases, with verification and notes.
WorkloadOps RingWorkloadOps(RingKind kind);

// A note on the THP setting that applies to `what` ("shmem_enabled=never").
std::string ShmemThpSettingNote();

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_RING_WORKLOAD_H_
