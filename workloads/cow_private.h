// `cow_private`: copy-on-write after fork. The `parent` role maps
// region_bytes MAP_PRIVATE (anonymous, or a file in the server's tmpfs
// scratch directory that never has a name), optionally writes every page,
// then forks the `child` role, which writes write_bytes of it.
//
// Phases: setup (map; a file is filled with write() first; populate=true
// faults the region in here), parent_write (only with parent_writes=true),
// fork (the parent's fork() call, timed: copying page tables), child_write
// (the child writes one byte per 4 KiB page; the parent idles), teardown.
// The child takes part from child_write on. child_write reports
// bytes = write_bytes and messages = pages written, so messages_per_sec is
// copied pages per second.
//
// What it shows (shared/reference/KERNEL-FACTS.md #8): one fault per written
// page in the child either way, but if the parent's pages were already its
// own (parent_writes=true or populate=true) the child's RssAnon does not
// change although every page was copied - only fault counts and Pss
// (which grows by half the written bytes) show the copies.
#ifndef IPCLAB_WORKLOADS_COW_PRIVATE_H_
#define IPCLAB_WORKLOADS_COW_PRIVATE_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class CowPrivateWorkload final : public Workload {
 public:
  CowPrivateWorkload();
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

#endif  // IPCLAB_WORKLOADS_COW_PRIVATE_H_
