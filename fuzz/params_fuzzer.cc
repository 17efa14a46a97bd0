// The parameter parser of the workload catalog (workloads::CanonicalValue)
// on any value for any parameter of any workload: never crashes, a refusal
// names the parameter, and the canonical form is a fixed point (parsing it
// again gives itself), since resolved cases are re-validated by the worker.
//
// Input: one byte choosing the parameter (modulo their number), then the
// value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "workloads/params.h"
#include "workloads/registry.h"

namespace {

const std::vector<ipclab::v1::ParamSpec>& AllParams() {
  static const auto* const kParams = [] {
    auto* params = new std::vector<ipclab::v1::ParamSpec>();
    // A named copy: a range over a temporary's member would dangle.
    const ipclab::v1::ListWorkloadsResponse catalog = ipclab::workloads::Catalog();
    for (const ipclab::v1::WorkloadSpec& spec : catalog.workloads()) {
      for (const ipclab::v1::ParamSpec& param : spec.params()) params->push_back(param);
    }
    return params;
  }();
  return *kParams;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<ipclab::v1::ParamSpec>& params = AllParams();
  const ipclab::v1::ParamSpec& spec = params[data[0] % params.size()];
  const absl::string_view value(reinterpret_cast<const char*>(data + 1), size - 1);
  const absl::StatusOr<std::string> canonical = ipclab::workloads::CanonicalValue(spec, value);
  if (!canonical.ok()) {
    if (!absl::StrContains(canonical.status().message(), spec.name())) __builtin_trap();
    return 0;
  }
  const absl::StatusOr<std::string> again = ipclab::workloads::CanonicalValue(spec, *canonical);
  if (!again.ok() || *again != *canonical) __builtin_trap();
  return 0;
}
