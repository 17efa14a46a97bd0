#include "results/compare/sides.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"

namespace ipclab::results::compare_internal {
namespace {

// "kernel: 6.1.0 (base) vs 6.5.0 (candidate)" when the sets of values differ.
void WarnIfDiffers(const std::string& what, const std::set<std::string>& base,
                   const std::set<std::string>& candidate, std::vector<std::string>* warnings) {
  if (base == candidate) return;
  auto text = [](const std::set<std::string>& values) {
    std::vector<std::string> shown;
    for (const std::string& value : values) shown.push_back(value.empty() ? "(unknown)" : value);
    return absl::StrJoin(shown, ", ");
  };
  warnings->push_back(
      absl::StrCat(what, " differs: ", text(base), " (base) vs ", text(candidate), " (candidate)"));
}

}  // namespace

// Adds the names of the parameters whose values differ between cases of one
// workload on one side (and the names a run sweeps): what tells cases apart.
void AddVaryingParams(const std::vector<v1::RunResult>& runs, std::set<std::string>* names) {
  std::map<std::string, std::vector<const v1::CaseResult*>> by_workload;
  for (const v1::RunResult& run : runs) {
    for (const v1::Sweep& sweep : run.request().sweeps()) {
      if (sweep.values_size() > 1) names->insert(sweep.name());
    }
    for (const v1::CaseResult& result : run.cases()) by_workload[run.workload()].push_back(&result);
  }
  for (const auto& [workload, cases] : by_workload) {
    std::map<std::string, std::string> first;
    for (const v1::CaseResult* result : cases) {
      for (const auto& [name, value] : result->case_().params()) {
        auto [it, inserted] = first.emplace(name, value);
        if (!inserted && it->second != value) names->insert(name);
      }
    }
    // A parameter some cases lack varies too.
    for (const v1::CaseResult* result : cases) {
      for (const auto& [name, value] : first) {
        if (result->case_().params().count(name) == 0) names->insert(name);
      }
    }
  }
}

std::string CaseKey(const v1::CaseResult& result, const v1::RunResult& run,
                    const std::set<std::string>& varying, bool with_workload, bool by_host) {
  const std::string& workload = run.workload();
  std::vector<std::string> parts;
  for (const std::string& name : varying) {  // std::set: sorted
    auto it = result.case_().params().find(name);
    parts.push_back(absl::StrCat(name, "=", it == result.case_().params().end() ? "" : it->second));
  }
  std::string key = absl::StrJoin(parts, ",");
  if (with_workload) key = absl::StrCat(workload, "/", key);
  if (by_host) key = absl::StrCat(run.host().hostname(), ":", key);
  return key;
}

// The case's name, else its matching parameters; with the workload in front
// when sides hold several runs.
std::string DisplayName(const SideCase& side, const std::set<std::string>& varying,
                        bool with_workload) {
  std::string shown = side.result->case_().name();
  if (shown.empty()) shown = CaseKey(*side.result, *side.run, varying, false, false);
  if (shown.empty()) shown = "(single case)";
  return with_workload ? absl::StrCat(side.run->workload(), " ", shown) : shown;
}

RunSummary Summarize(const v1::RunResult& run) {
  RunSummary summary;
  summary.run_id = run.run_id();
  summary.workload = run.workload();
  summary.label = run.request().label();
  if (run.has_started_at()) {
    summary.started_at = google::protobuf::util::TimeUtil::ToString(run.started_at());
  }
  summary.hostname = run.host().hostname();
  summary.kernel_release = run.host().kernel_release();
  return summary;
}

void FingerprintWarnings(const std::vector<v1::RunResult>& base,
                         const std::vector<v1::RunResult>& candidate,
                         std::vector<std::string>* warnings) {
  struct Field {
    const char* what;
    std::string (*value)(const v1::RunResult&);
  };
  static constexpr Field kFields[] = {
      {"workload", [](const v1::RunResult& r) { return r.workload(); }},
      {"host", [](const v1::RunResult& r) { return r.host().hostname(); }},
      {"kernel", [](const v1::RunResult& r) { return r.host().kernel_release(); }},
      {"THP mode",
       [](const v1::RunResult& r) {
         return absl::StrCat("enabled=", r.host().thp_enabled(), " defrag=", r.host().thp_defrag());
       }},
      {"CPU model", [](const v1::RunResult& r) { return r.host().cpu_model(); }},
      {"CPU count", [](const v1::RunResult& r) { return absl::StrCat(r.host().cpu_count()); }},
  };
  for (const Field& field : kFields) {
    std::set<std::string> base_values;
    std::set<std::string> candidate_values;
    for (const v1::RunResult& run : base) base_values.insert(field.value(run));
    for (const v1::RunResult& run : candidate) candidate_values.insert(field.value(run));
    WarnIfDiffers(field.what, base_values, candidate_values, warnings);
  }
}

// Parameters that differ between matched cases, one warning per parameter.
void ParameterWarnings(const std::vector<std::pair<SideCase, SideCase>>& matched,
                       std::vector<std::string>* warnings) {
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> differing;
  for (const auto& [base, candidate] : matched) {
    const auto& base_params = base.result->case_().params();
    const auto& candidate_params = candidate.result->case_().params();
    std::set<std::string> names;
    for (const auto& [name, value] : base_params) names.insert(name);
    for (const auto& [name, value] : candidate_params) names.insert(name);
    for (const std::string& name : names) {
      auto b = base_params.find(name);
      auto c = candidate_params.find(name);
      // Different workloads have different parameters: only shared ones count.
      const bool one_sided = b == base_params.end() || c == candidate_params.end();
      if (one_sided && base.run->workload() != candidate.run->workload()) continue;
      const std::string base_value = b == base_params.end() ? "(none)" : b->second;
      const std::string candidate_value = c == candidate_params.end() ? "(none)" : c->second;
      if (base_value == candidate_value) continue;
      differing[name].first.insert(base_value);
      differing[name].second.insert(candidate_value);
    }
  }
  for (const auto& [name, values] : differing) {
    WarnIfDiffers(absl::StrCat("parameter ", name), values.first, values.second, warnings);
  }
}

std::set<std::string> Workloads(const std::vector<v1::RunResult>& runs) {
  std::set<std::string> workloads;
  for (const v1::RunResult& run : runs) workloads.insert(run.workload());
  return workloads;
}

// The cases of a side by key, in first-seen order, runs of one case pooled.
std::vector<std::pair<std::string, PooledCase>> Pool(const std::vector<v1::RunResult>& runs,
                                                     const std::set<std::string>& varying,
                                                     bool with_workload, bool by_host) {
  std::vector<std::pair<std::string, PooledCase>> pooled;
  std::map<std::string, size_t> index;
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      const std::string key = CaseKey(result, run, varying, with_workload, by_host);
      auto [it, inserted] = index.emplace(key, pooled.size());
      if (inserted) pooled.emplace_back(key, PooledCase());
      pooled[it->second].second.parts.push_back(SideCase{&result, &run});
    }
  }
  return pooled;
}

}  // namespace ipclab::results::compare_internal
