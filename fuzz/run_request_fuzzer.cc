// RunRequest validation, as the service does it before anything runs
// (server/service.cc: CheckRequestSizes, workloads::ResolveCases, the
// admission estimate), on any binary RunRequest: never crashes, refusals
// stay short (they go back over gRPC), every resolved case holds every
// parameter of its workload in a canonical form that validates again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "server/admission.h"
#include "server/stream_budget.h"
#include "workloads/params.h"
#include "workloads/registry.h"

namespace {

// A fixed, generous host: Admit is pure, so the fuzzer needs no /proc.
ipclab::server::HostBudget Budget() {
  ipclab::server::HostBudget budget;
  budget.mem_total_bytes = uint64_t{24} << 30;
  budget.mem_available_bytes = uint64_t{20} << 30;
  budget.max_memory_bytes = uint64_t{18} << 30;
  budget.free_bytes_by_dir["/dev/shm"] = uint64_t{12} << 30;
  budget.free_bytes_by_dir["/tmp"] = uint64_t{50} << 30;
  budget.huge_2m_free_pages = 16;
  return budget;
}

// A request that passed CheckRequestSizes is refused with a message the
// server never has to cut (BoundedStatus would lose its end).
void CheckBounded(const absl::Status& status) {
  if (status.message().size() > ipclab::server::kMaxStatusMessageBytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ipclab::v1::RunRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (absl::Status sized = ipclab::server::CheckRequestSizes(request); !sized.ok()) {
    if (sized.message().size() > 1024) __builtin_trap();  // quotes a bounded prefix only
    return 0;
  }
  absl::StatusOr<std::vector<ipclab::v1::Case>> cases = ipclab::workloads::ResolveCases(request);
  if (!cases.ok()) {
    CheckBounded(cases.status());
    return 0;
  }
  absl::StatusOr<const ipclab::workloads::Workload*> workload =
      ipclab::workloads::FindWorkload(request.workload());
  if (!workload.ok() || cases->empty()) __builtin_trap();
  for (const ipclab::v1::Case& c : *cases) {
    for (const ipclab::v1::ParamSpec& spec : (*workload)->Spec().params()) {
      const auto value = c.params().find(spec.name());
      if (value == c.params().end()) __builtin_trap();
      absl::StatusOr<std::string> again = ipclab::workloads::CanonicalValue(spec, value->second);
      if (!again.ok() || *again != value->second) __builtin_trap();
    }
    (void)ipclab::server::EstimateCase(request.workload(), c, "/dev/shm", "/tmp");
  }
  const absl::Status admitted = ipclab::server::Admit(ipclab::server::AdmissionLimits(), Budget(),
                                                      request, *cases, "/dev/shm", "/tmp");
  CheckBounded(admitted);
  return 0;
}
