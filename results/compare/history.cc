#include "results/compare/history.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ipclab::results {
namespace {

// workload, every parameter (sorted) and the host: what "the same case" is.
std::string CaseIdentity(const v1::RunResult& run, const v1::CaseResult& result) {
  std::map<std::string, std::string> params(result.case_().params().begin(),
                                            result.case_().params().end());
  std::vector<std::string> parts;
  for (const auto& [name, value] : params) parts.push_back(absl::StrCat(name, "=", value));
  return absl::StrCat(run.workload(), "/", absl::StrJoin(parts, ","), "@", HostFingerprint(run));
}

}  // namespace

std::string HostFingerprint(const v1::RunResult& run) {
  const v1::HostInfo& host = run.host();
  return absl::StrJoin({host.hostname(), host.kernel_release(), host.cpu_model(),
                        absl::StrCat(host.cpu_count()), host.thp_enabled()},
                       "|");
}

std::vector<v1::RunResult> ComparableHistory(const std::vector<v1::RunResult>& pool,
                                             const std::vector<v1::RunResult>& candidate,
                                             size_t n) {
  std::set<std::string> wanted;
  std::set<std::string> candidate_ids;
  for (const v1::RunResult& run : candidate) {
    if (!run.run_id().empty()) candidate_ids.insert(run.run_id());
    for (const v1::CaseResult& result : run.cases()) wanted.insert(CaseIdentity(run, result));
  }
  std::map<std::string, size_t> taken;  // per case identity
  std::vector<v1::RunResult> selected;
  for (const v1::RunResult& run : pool) {
    if (candidate_ids.count(run.run_id()) > 0) continue;
    v1::RunResult kept = run;
    kept.clear_cases();
    for (const v1::CaseResult& result : run.cases()) {
      if (result.status() != v1::SUCCEEDED) continue;  // history is what ran
      const std::string identity = CaseIdentity(run, result);
      if (wanted.count(identity) == 0) continue;
      size_t& count = taken[identity];
      if (n != 0 && count >= n) continue;
      ++count;
      *kept.add_cases() = result;
    }
    if (kept.cases_size() > 0) selected.push_back(std::move(kept));
  }
  return selected;
}

}  // namespace ipclab::results
