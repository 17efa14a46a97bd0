#include "workloads/catalog.h"

#include <memory>

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

std::vector<v1::Expectation> ExpectShmSysv(const CaseParams& params, const v1::HostInfo& host) {
  RingFaultModel model;
  // SysV segments are shmem files, but ipc/shm.c's vm_ops have no map_pages:
  // every page the consumer reads is its own fault (measured: 1024 faults
  // for 4 MiB, where a POSIX shm mapping takes 64).
  model.read_fault_around = false;
  model.thp_rule =
      "SysV segments get THP only if /sys/kernel/mm/transparent_hugepage/shmem_enabled is "
      "always|within_size|advise|force (the anonymous `enabled` knob does not apply)";
  return RingExpectations(params, host, model);
}

absl::StatusOr<v1::RepetitionResult> RunShmSysvRepetition(const CaseParams& params,
                                                          const RunContext& context) {
  IPCLAB_ASSIGN_OR_RETURN(RingOptions options, ParseRingOptions(params));
  const size_t region = options.layout.bytes();
  int flags = 0;
  if (options.huge_pages == HugePages::kHugetlb) {
    IPCLAB_RETURN_IF_ERROR(CheckRingHugetlbPool("shm_sysv", "segment", params, options));
    flags = SHM_HUGETLB | SHM_HUGE_2MB;
  }
  // The coordinator creates the segment; each role attaches it by id in its
  // setup phase; right after, the coordinator marks it for removal. Until
  // then `segment` removes it on every error path.
  const uint32_t owner = context.owner.owned() ? context.owner.instance : sys::kSysvNoOwner;
  IPCLAB_ASSIGN_OR_RETURN(sys::SysvSegment segment, sys::SysvSegment::Create(region, flags, owner));
  const int id = segment.id();
  const std::string what = absl::StrCat("SysV segment ", id);
  RingBacking backing;
  backing.map = [&]() { return AttachRingSegment(id, options, what); };
  backing.after_setup = [&]() { return segment.MarkForRemoval(); };
  backing.notes["sysv_shmid"] = absl::StrCat(id);
  if (options.huge_pages == HugePages::kThp) backing.notes["thp_setting"] = ShmemThpSettingNote();
  return RunRingTransfer(params, context, options, backing);
}

}  // namespace

WorkloadOps ShmSysvOps() {
  return {ShmSysvSpec(), ValidateRing, ExpectShmSysv, RunShmSysvRepetition};
}

}  // namespace ipclab::workloads
