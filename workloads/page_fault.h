// `page_fault`: what first touching memory costs. One process (role
// `toucher`) maps `region_bytes` (memory_region.h: huge_pages, populate,
// shared) and touches one byte per 4 KiB page - also in huge mappings, like
// shared/reference/c-programs/pagefault.c - by reading, writing, or reading
// then writing.
//
// Phases: setup (mmap + madvise; populate=true pays its faults here), read
// and/or write (as `access` says; absent otherwise), teardown (munmap).
// Each touch phase - and setup when populate=true - reports bytes =
// region_bytes and messages = 4 KiB pages touched, so messages_per_sec is
// pages per second and ns per page is wall_ns / messages; faults per second
// is the role's minor_faults over the phase's wall_ns.
#ifndef IPCLAB_WORKLOADS_PAGE_FAULT_H_
#define IPCLAB_WORKLOADS_PAGE_FAULT_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class PageFaultWorkload final : public Workload {
 public:
  PageFaultWorkload();
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

#endif  // IPCLAB_WORKLOADS_PAGE_FAULT_H_
