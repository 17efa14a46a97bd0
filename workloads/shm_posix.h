// `shm_posix`: a ring in shm_open + mmap(MAP_SHARED) between two processes
// (options: ring_workload.h; huge_pages=hugetlb uses memfd_create(MFD_HUGETLB),
// because /dev/shm is tmpfs).
#ifndef IPCLAB_WORKLOADS_SHM_POSIX_H_
#define IPCLAB_WORKLOADS_SHM_POSIX_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class ShmPosixWorkload final : public Workload {
 public:
  ShmPosixWorkload();
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

#endif  // IPCLAB_WORKLOADS_SHM_POSIX_H_
