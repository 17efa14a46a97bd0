// `shm_sysv`: a ring in a System V segment (shmget + shmat) between two
// processes; the same ring, modes and options as shm_posix
// (ring_workload.h), with SHM_HUGETLB for huge_pages=hugetlb. The segment is
// marked for removal (IPC_RMID) as soon as both roles attached it, so a crash
// afterwards leaves nothing in `ipcs -m`.
#ifndef IPCLAB_WORKLOADS_SHM_SYSV_H_
#define IPCLAB_WORKLOADS_SHM_SYSV_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class ShmSysvWorkload final : public Workload {
 public:
  ShmSysvWorkload();
  const v1::WorkloadSpec& Spec() const override { return spec_; }
  absl::Status Validate(const CaseParams& params) const override;
  std::vector<v1::Expectation> Expect(const CaseParams& params,
                                      const v1::HostInfo& host) const override;
  absl::StatusOr<v1::RepetitionResult> RunRepetition(const CaseParams& params,
                                                     const RunContext& context) const override;

 private:
  v1::WorkloadSpec spec_;
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_SHM_SYSV_H_
