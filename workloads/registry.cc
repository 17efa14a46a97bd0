#include "workloads/registry.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "workloads/catalog.h"

namespace ipclab::workloads {

const std::vector<const Workload*>& AllWorkloads() {
  static const auto* const kWorkloads = [] {
    // The explicit table: adding a workload means adding a line here.
    const WorkloadOps kOps[] = {PipeOps(),     UnixSocketOps(), ShmPosixOps(), ShmSysvOps(),
                                MmapFileOps(), CowPrivateOps(), PageFaultOps()};
    auto* workloads = new std::vector<const Workload*>;
    for (const WorkloadOps& ops : kOps) workloads->push_back(WorkloadFromOps(ops).release());
    return workloads;
  }();
  return *kWorkloads;
}

absl::StatusOr<const Workload*> FindWorkload(absl::string_view name) {
  std::vector<std::string> known;
  for (const Workload* workload : AllWorkloads()) {
    if (workload->Spec().name() == name) return workload;
    known.push_back(workload->Spec().name());
  }
  return absl::NotFoundError(absl::StrCat("unknown workload \"", name,
                                          "\"; known workloads: ", absl::StrJoin(known, ", ")));
}

v1::ListWorkloadsResponse Catalog() {
  v1::ListWorkloadsResponse response;
  for (const Workload* workload : AllWorkloads()) *response.add_workloads() = workload->Spec();
  return response;
}

namespace {

const v1::ParamSpec* FindParam(const v1::WorkloadSpec& spec, const std::string& name) {
  for (const v1::ParamSpec& param : spec.params()) {
    if (param.name() == name) return &param;
  }
  return nullptr;
}

absl::Status UnknownParam(const v1::WorkloadSpec& spec, const std::string& name) {
  std::vector<std::string> names;
  for (const v1::ParamSpec& param : spec.params()) names.push_back(param.name());
  return absl::InvalidArgumentError(absl::StrCat("unknown parameter \"", name, "\" for workload ",
                                                 spec.name(),
                                                 "; parameters: ", absl::StrJoin(names, ", ")));
}

}  // namespace

absl::StatusOr<std::vector<v1::Case>> ResolveCases(const v1::RunRequest& request) {
  IPCLAB_ASSIGN_OR_RETURN(const Workload* workload, FindWorkload(request.workload()));
  const v1::WorkloadSpec& spec = workload->Spec();

  if (request.repetitions() > kMaxRepetitions) {
    return absl::InvalidArgumentError(absl::StrCat("repetitions=", request.repetitions(),
                                                   " is out of range; allowed: 1 to ",
                                                   kMaxRepetitions));
  }
  if (request.warmup() > kMaxWarmup) {
    return absl::InvalidArgumentError(
        absl::StrCat("warmup=", request.warmup(), " is out of range; allowed: 0 to ", kMaxWarmup));
  }

  // Fixed values: defaults, overridden by the request.
  std::map<std::string, std::string> fixed;
  for (const v1::ParamSpec& param : spec.params()) fixed[param.name()] = param.default_value();
  for (const auto& [name, value] : request.params()) {
    const v1::ParamSpec* param = FindParam(spec, name);
    if (param == nullptr) return UnknownParam(spec, name);
    IPCLAB_ASSIGN_OR_RETURN(fixed[name], CanonicalValue(*param, value));
  }

  // Sweeps: each value canonical; the product bounded.
  std::vector<std::pair<std::string, std::vector<std::string>>> sweeps;
  std::set<std::string> swept;
  size_t product = 1;
  for (const v1::Sweep& sweep : request.sweeps()) {
    const v1::ParamSpec* param = FindParam(spec, sweep.name());
    if (param == nullptr) return UnknownParam(spec, sweep.name());
    if (request.params().count(sweep.name()) > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter ", sweep.name(), " is both fixed (-p) and swept (--sweep)"));
    }
    if (!swept.insert(sweep.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter ", sweep.name(), " is swept twice"));
    }
    if (sweep.values().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("sweep of ", sweep.name(), " has no values"));
    }
    std::vector<std::string> values;
    std::set<std::string> seen;
    for (const std::string& value : sweep.values()) {
      IPCLAB_ASSIGN_OR_RETURN(std::string canonical, CanonicalValue(*param, value));
      if (!seen.insert(canonical).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("sweep of ", sweep.name(), " repeats the value ", canonical));
      }
      values.push_back(std::move(canonical));
    }
    product *= values.size();
    if (product > kMaxCases) {
      return absl::InvalidArgumentError(
          absl::StrCat("the sweeps make more than ", kMaxCases, " cases"));
    }
    sweeps.emplace_back(sweep.name(), std::move(values));
  }

  // Cartesian product, last sweep varying fastest.
  std::vector<v1::Case> cases;
  std::vector<size_t> index(sweeps.size(), 0);
  for (size_t n = 0; n < product; ++n) {
    std::map<std::string, std::string> values = fixed;
    std::vector<std::string> name_parts;
    for (size_t s = 0; s < sweeps.size(); ++s) {
      values[sweeps[s].first] = sweeps[s].second[index[s]];
      name_parts.push_back(absl::StrCat(sweeps[s].first, "=", sweeps[s].second[index[s]]));
    }
    IPCLAB_RETURN_IF_ERROR(workload->Validate(CaseParams(values)));
    v1::Case c;
    c.set_index(static_cast<uint32_t>(n));
    // Named by the swept parameters only, so the same case keeps its name
    // across runs whose fixed parameters differ (compare, gate, compare.py).
    c.set_name(name_parts.empty() ? spec.name() : absl::StrJoin(name_parts, ","));
    c.mutable_params()->insert(values.begin(), values.end());
    cases.push_back(std::move(c));
    for (size_t s = sweeps.size(); s-- > 0;) {
      if (++index[s] < sweeps[s].second.size()) break;
      index[s] = 0;
    }
  }
  return cases;
}

}  // namespace ipclab::workloads
