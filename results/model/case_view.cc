#include "results/model/case_view.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/format/format.h"
#include "results/model/phases.h"
#include "results/model/summary.h"

namespace ipclab::results {

CaseView::CaseView(const v1::CaseResult& result) : result_(result) {
  if (result.summaries_size() == 0 && result.repetitions_size() > 0) {
    computed_summaries_ = SummarizeCase(std::vector<v1::RepetitionResult>(
        result.repetitions().begin(), result.repetitions().end()));
  }
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    for (const v1::PhaseResult& phase : repetition.phases()) {
      auto it = std::find_if(phases_.begin(), phases_.end(),
                             [&](const auto& entry) { return entry.first == phase.name(); });
      if (it == phases_.end()) {
        phases_.emplace_back(phase.name(), std::vector<std::string>());
        it = phases_.end() - 1;
      }
      for (const v1::RoleMeasurement& role : phase.roles()) {
        if (std::find(it->second.begin(), it->second.end(), role.role()) == it->second.end()) {
          it->second.push_back(role.role());
        }
      }
    }
  }

  headline_phase_ = HeadlinePhase(result);
}

const v1::MetricSummary* CaseView::Metric(absl::string_view name) const {
  if (result_.summaries_size() > 0) return FindMetric(result_, name);
  for (const v1::MetricSummary& summary : computed_summaries_) {
    if (summary.name() == name) return &summary;
  }
  return nullptr;
}

std::optional<double> CaseView::Median(absl::string_view name) const {
  const v1::MetricSummary* summary = Metric(name);
  if (summary == nullptr || summary->n() == 0) return std::nullopt;
  return summary->median();
}

std::string CaseView::PlacementText() const {
  std::string requested;
  std::vector<std::string> roles;
  std::map<std::string, std::set<int>> cpus;
  for (const v1::RepetitionResult& repetition : result_.repetitions()) {
    const v1::Placement& placement = repetition.placement();
    if (requested.empty()) requested = placement.requested();
    for (const v1::RolePlacement& role : placement.roles()) {
      if (std::find(roles.begin(), roles.end(), role.role()) == roles.end()) {
        roles.push_back(role.role());
      }
      cpus[role.role()].insert(role.observed_cpus().begin(), role.observed_cpus().end());
    }
  }
  if (requested.empty()) {
    auto it = result_.case_().params().find("placement");
    if (it != result_.case_().params().end()) requested = it->second;
  }

  std::set<char> initials;
  for (const std::string& role : roles) initials.insert(role.empty() ? '?' : role[0]);
  const bool abbreviate = initials.size() == roles.size();
  std::vector<std::string> parts;
  if (!requested.empty()) parts.push_back(requested);
  for (const std::string& role : roles) {
    const std::set<int>& observed = cpus[role];
    const std::string cpu_text =
        observed.empty() ? "-" : FormatCpuList(std::vector<int>(observed.begin(), observed.end()));
    parts.push_back(
        absl::StrCat(abbreviate && !role.empty() ? role.substr(0, 1) : role, ":", cpu_text));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, " ");
}

std::string CaseView::StatusText() const { return CaseStatusText(result_); }

std::string RunStatusText(v1::RunStatus status) {
  const std::string& name = v1::RunStatus_Name(status);
  return status == v1::RUN_STATUS_UNSPECIFIED || name.empty() ? "-" : name;
}

std::string CaseStatusText(const v1::CaseResult& result) {
  return result.status() == v1::SUCCEEDED ? "ok" : RunStatusText(result.status());
}

std::string CaseView::VerdictText() const { return results::VerdictText(result_.verdict()); }

std::string VerdictText(v1::Verdict verdict) {
  const std::string& name = v1::Verdict_Name(verdict);
  return verdict == v1::VERDICT_UNSPECIFIED || name.empty() ? "-" : name;
}

}  // namespace ipclab::results
