// `shm_posix`: a ring in shm_open + mmap(MAP_SHARED) between two processes.
#ifndef IPCLAB_WORKLOADS_SHM_POSIX_H_
#define IPCLAB_WORKLOADS_SHM_POSIX_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class ShmPosixWorkload final : public Workload {
 public:
  ShmPosixWorkload();
  const v1::WorkloadSpec& Spec() const override { return spec_; }
  absl::Status Validate(const CaseParams& params) const override;
  absl::StatusOr<v1::RepetitionResult> RunRepetition(const CaseParams& params,
                                                     const RunContext& context) const override;

 private:
  v1::WorkloadSpec spec_;
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_SHM_POSIX_H_
