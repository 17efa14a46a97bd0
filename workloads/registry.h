// The explicit table of workloads, and turning a RunRequest into validated
// cases before anything runs.
#ifndef IPCLAB_WORKLOADS_REGISTRY_H_
#define IPCLAB_WORKLOADS_REGISTRY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"
#include "workloads/workload.h"

namespace ipclab::workloads {

// Every workload, in catalog order.
const std::vector<const Workload*>& AllWorkloads();

// NOT_FOUND (listing the known names) if there is no such workload.
absl::StatusOr<const Workload*> FindWorkload(absl::string_view name);

// The whole catalog as the ListWorkloads response.
v1::ListWorkloadsResponse Catalog();

// Validates the request and expands sweeps into the cartesian product of
// cases (in sweep order, last sweep varying fastest), each with every
// parameter in canonical form. Errors: NOT_FOUND for an unknown workload;
// INVALID_ARGUMENT for an unknown parameter, a malformed or out-of-range
// value, a parameter both fixed and swept, an empty sweep, too many cases,
// or a combination the workload refuses. Repetitions/warm-up limits too.
absl::StatusOr<std::vector<v1::Case>> ResolveCases(const v1::RunRequest& request);

// The defaults (5 repetitions, 1 warm-up) live in results/model/run_defaults.h.
inline constexpr uint32_t kMaxRepetitions = 1000;
inline constexpr uint32_t kMaxWarmup = 100;
inline constexpr size_t kMaxCases = 1000;

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_REGISTRY_H_
