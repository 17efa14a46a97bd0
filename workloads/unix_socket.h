// `unix_socket`: an AF_UNIX stream socket pair between two processes,
// streaming or ping-pong. The kernel copies each message twice (sender's
// buffer into an skb, skb into the receiver's buffer), like a pipe.
#ifndef IPCLAB_WORKLOADS_UNIX_SOCKET_H_
#define IPCLAB_WORKLOADS_UNIX_SOCKET_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

class UnixSocketWorkload final : public Workload {
 public:
  UnixSocketWorkload();
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

#endif  // IPCLAB_WORKLOADS_UNIX_SOCKET_H_
