#include "workloads/workload.h"

#include <memory>
#include <utility>

namespace ipclab::workloads {
namespace {

class OpsWorkload final : public Workload {
 public:
  explicit OpsWorkload(WorkloadOps ops) : ops_(std::move(ops)) {}

  const v1::WorkloadSpec& Spec() const override { return ops_.spec; }
  absl::Status Validate(const CaseParams& params) const override { return ops_.validate(params); }
  std::vector<v1::Expectation> Expect(const CaseParams& params,
                                      const v1::HostInfo& host) const override {
    return ops_.expect(params, host);
  }
  absl::StatusOr<v1::RepetitionResult> RunRepetition(const CaseParams& params,
                                                     const RunContext& context) const override {
    return ops_.run_repetition(params, context);
  }

 private:
  const WorkloadOps ops_;
};

}  // namespace

std::unique_ptr<Workload> WorkloadFromOps(WorkloadOps ops) {
  return std::make_unique<OpsWorkload>(std::move(ops));
}

}  // namespace ipclab::workloads
