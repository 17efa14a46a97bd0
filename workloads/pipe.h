// `pipe`: an anonymous pipe between two processes, streaming or ping-pong;
// splice=vmsplice maps the producer's pages into the pipe instead of copying.
#ifndef IPCLAB_WORKLOADS_PIPE_H_
#define IPCLAB_WORKLOADS_PIPE_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class PipeWorkload final : public Workload {
 public:
  PipeWorkload();
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

#endif  // IPCLAB_WORKLOADS_PIPE_H_
