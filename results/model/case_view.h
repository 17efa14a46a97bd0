// A read-only view of one CaseResult for the table reporters: its metric
// summaries by name, its phases and roles in order, the phase its headline
// numbers come from, and short texts for its placement and status.
#ifndef IPCLAB_RESULTS_MODEL_CASE_VIEW_H_
#define IPCLAB_RESULTS_MODEL_CASE_VIEW_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

class CaseView final {
 public:
  // `result` must outlive the view. When the result carries no summaries
  // (e.g. hand-edited JSON), they are computed from its repetitions.
  explicit CaseView(const v1::CaseResult& result);

  CaseView(const CaseView&) = delete;
  CaseView& operator=(const CaseView&) = delete;

  const v1::CaseResult& result() const { return result_; }
  const std::string& name() const { return result_.case_().name(); }
  bool succeeded() const { return result_.status() == v1::SUCCEEDED; }

  // The summary called `name`, or nullptr.
  const v1::MetricSummary* Metric(absl::string_view name) const;
  // Its median, if the summary exists and has values.
  std::optional<double> Median(absl::string_view name) const;

  // Phase names in first-seen order over the repetitions, each with its
  // roles in first-seen order.
  const std::vector<std::pair<std::string, std::vector<std::string>>>& phases() const {
    return phases_;
  }

  // The phase the headline numbers come from: HeadlinePhase(result)
  // (results/model/phases.h), the rule every table, export and gate uses.
  const std::string& headline_phase() const { return headline_phase_; }

  // "cross p:0 c:1": the requested placement, then per role the union of the
  // CPUs it was observed on over the measured repetitions. Roles are
  // abbreviated to their first letter when those are unique. "-" if unknown.
  std::string PlacementText() const;

  // "ok", "FAILED", "CANCELLED" or "-".
  std::string StatusText() const;

  // Whether the case's expectations held: VerdictText(result().verdict()).
  std::string VerdictText() const;

 private:
  const v1::CaseResult& result_;
  std::vector<v1::MetricSummary> computed_summaries_;
  std::vector<std::pair<std::string, std::vector<std::string>>> phases_;
  std::string headline_phase_;
};

// "MATCHED", "DEVIATED", or "-" (nothing expected, or nothing measured).
std::string VerdictText(v1::Verdict verdict);

// "SUCCEEDED", "FAILED", "CANCELLED": the status's proto name; "-" when it
// is unspecified or unknown (a newer server's).
std::string RunStatusText(v1::RunStatus status);

// "ok", "FAILED", "CANCELLED" or "-": a case's status as the tables print it
// (RunStatusText, but "ok" for a case that succeeded).
std::string CaseStatusText(const v1::CaseResult& result);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_CASE_VIEW_H_
