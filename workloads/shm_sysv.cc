#include "workloads/catalog.h"

#include <memory>
#include <utility>

#include <sys/shm.h>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "workloads/hugepages.h"
#include "workloads/ring_workload.h"
#include "workloads/sys/sysv_segment.h"
#include "workloads/transfer.h"

#ifndef SHM_HUGE_2MB
#define SHM_HUGE_2MB (21 << 26)  // log2(2 MiB) << SHM_HUGE_SHIFT
#endif

namespace ipclab::workloads {
namespace {

v1::WorkloadSpec ShmSysvSpec() {
  return TransferSpec(
      "shm_sysv",
      "System V shared memory ring (shmget + shmat) between two processes; the producer copies "
      "each message into the ring, the consumer copies it out",
      RingParamSpecs(/*hugetlb=*/true));
}

RingFaultModel ShmSysvFaultModel(const CaseParams& /*params*/) {
  RingFaultModel model;
  // SysV segments are shmem files, but ipc/shm.c's vm_ops have no map_pages:
  // every page the consumer reads is its own fault (measured: 1024 faults
  // for 4 MiB, where a POSIX shm mapping takes 64).
  model.read_fault_around = false;
  model.thp_rule =
      "SysV segments get THP only if /sys/kernel/mm/transparent_hugepage/shmem_enabled is "
      "always|within_size|advise|force (the anonymous `enabled` knob does not apply)";
  return model;
}

absl::StatusOr<RingBacking> MakeShmSysvBacking(const CaseParams& params, const RunContext& context,
                                               const RingOptions& options) {
  int flags = 0;
  if (options.huge_pages == HugePages::kHugetlb) {
    IPCLAB_RETURN_IF_ERROR(CheckRingHugetlbPool("shm_sysv", "segment", params, options));
    flags = SHM_HUGETLB | SHM_HUGE_2MB;
  }
  // The coordinator creates the segment; each role attaches it by id in its
  // setup phase; right after, the coordinator marks it for removal. Until
  // then the segment's owner removes it on every error path.
  const uint32_t owner = context.owner.owned() ? context.owner.instance : sys::kSysvNoOwner;
  IPCLAB_ASSIGN_OR_RETURN(sys::SysvSegment created,
                          sys::SysvSegment::Create(options.layout.bytes(), flags, owner));
  auto segment = std::make_shared<sys::SysvSegment>(std::move(created));
  const int id = segment->id();
  RingBacking backing;
  backing.map = [id, options, what = absl::StrCat("SysV segment ", id)]() {
    return AttachRingSegment(id, options, what);
  };
  backing.after_setup = [segment]() { return segment->MarkForRemoval(); };
  backing.notes["sysv_shmid"] = absl::StrCat(id);
  backing.thp_setting = ShmemThpSettingNote;
  return backing;
}

}  // namespace

WorkloadOps ShmSysvOps() {
  return RingWorkloadOps({ShmSysvSpec(), ShmSysvFaultModel, MakeShmSysvBacking});
}

}  // namespace ipclab::workloads
