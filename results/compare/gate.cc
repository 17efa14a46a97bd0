#include "results/compare/gate.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ipclab::results {
namespace {

// The difference with its sign turned so that positive means worse.
double Regression(const MetricComparison& c, double difference) {
  return c.metric->direction == Direction::kHigherIsBetter ? -difference : difference;
}

// The worst regression the CI allows.
double WorstRegression(const MetricComparison& c) {
  return std::max(Regression(c, c.difference_ci.lower), Regression(c, c.difference_ci.upper));
}

// Holm's step-down procedure over the p-values of all metric checks: which
// are significant with the family-wise error rate held at alpha.
std::vector<bool> HolmSignificant(const std::vector<double>& p_values, double alpha) {
  std::vector<size_t> order(p_values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<bool> significant(p_values.size(), false);
  for (size_t rank = 0; rank < order.size(); ++rank) {
    if (!(p_values[order[rank]] < alpha / static_cast<double>(order.size() - rank))) break;
    significant[order[rank]] = true;
  }
  return significant;
}

// `family_significant`: the check survives Holm's correction over all
// `family_size` metric checks of the gate.
GateCheck CheckMetric(const CaseComparison& case_comparison, const MetricComparison& c,
                      bool family_significant, size_t family_size) {
  GateCheck check;
  check.case_name = case_comparison.name;
  check.workload = case_comparison.workload;
  check.what = c.metric->title;
  check.comparison = c;
  if (c.verdict == ChangeVerdict::kUnavailable) {
    check.outcome = GateOutcome::kInconclusive;
    check.reason = GateReason::kComparisonSaysWhy;
    return check;
  }
  const double regression = Regression(c, c.difference);
  // The smallest regression the CI allows must exceed the limit: noise that
  // merely moves the median past it is not a failure.
  const double least =
      std::min(Regression(c, c.difference_ci.lower), Regression(c, c.difference_ci.upper));
  if (c.significant && family_significant && least > c.band) {
    check.outcome = GateOutcome::kFail;
    check.reason = GateReason::kRegressed;
    check.regression = regression;
    return check;
  }
  const double worst = WorstRegression(c);
  if (c.enough_repetitions && worst <= c.band) {
    check.outcome = GateOutcome::kPass;
    check.reason = worst <= 0.0 ? GateReason::kNoRegression : GateReason::kWithinLimit;
    check.regression = worst;
    return check;
  }
  check.outcome = GateOutcome::kInconclusive;
  if (!c.enough_repetitions) {
    check.reason = GateReason::kComparisonSaysWhy;
  } else if (c.significant && least > c.band) {  // alone it would fail; among many, not
    check.reason = GateReason::kNotSignificantAmongMany;
    check.regression = regression;
    check.family_size = family_size;
  } else if (c.significant) {  // a real change, but the CI reaches past the limit
    check.reason = GateReason::kChangedButCiPastLimit;
  } else {
    check.reason = c.reason.empty() ? GateReason::kCiPastLimit : GateReason::kComparisonSaysWhy;
  }
  return check;
}

// A check on a case whose base or candidate was disturbed too often is
// inconclusive, whatever the statistics say (issue 8: a disturbed run never
// passes a gate, nor fails one).
void MarkDisturbed(const CaseComparison& c, GateCheck* check) {
  const bool base = c.base_disturbed_share >= kDisturbedShareLimit;
  const bool candidate = c.candidate_disturbed_share >= kDisturbedShareLimit;
  if (!base && !candidate) return;
  check->outcome = GateOutcome::kInconclusive;
  check->reason = GateReason::kDisturbed;
  check->regression = 0.0;
  check->case_error = base ? absl::StrCat("base: ", c.base_noise)
                           : absl::StrCat("candidate: ", c.candidate_noise);
}

}  // namespace

const char* GateOutcomeName(GateOutcome outcome) {
  switch (outcome) {
    case GateOutcome::kPass:
      return "pass";
    case GateOutcome::kFail:
      return "fail";
    case GateOutcome::kInconclusive:
      break;
  }
  return "inconclusive";
}

GateReport EvaluateGate(const Comparison& comparison) {
  GateReport report;
  report.options = comparison.options;
  auto case_check = [&](const CaseComparison* c, const std::string& name, GateOutcome outcome,
                        const char* what, GateReason reason, std::string status = "",
                        std::string error = "") {
    GateCheck check;
    check.case_name = name;
    check.workload = c != nullptr ? c->workload : "";
    check.what = what;
    check.outcome = outcome;
    check.reason = reason;
    check.case_status = std::move(status);
    check.case_error = std::move(error);
    report.checks.push_back(std::move(check));
  };
  std::vector<double> p_values;  // of the metric checks, in order
  for (const CaseComparison& c : comparison.cases) {
    if (c.base_status != "ok") {
      case_check(&c, c.name, GateOutcome::kInconclusive, "status", GateReason::kBaseCaseFailed,
                 c.base_status, c.base_error);
      continue;
    }
    if (c.candidate_status != "ok") {
      case_check(&c, c.name, GateOutcome::kFail, "status", GateReason::kCandidateCaseFailed,
                 c.candidate_status, c.candidate_error);
      continue;
    }
    for (const MetricComparison& metric : c.metrics) {
      if (metric.verdict != ChangeVerdict::kUnavailable) p_values.push_back(metric.test.p_value);
    }
  }
  const std::vector<bool> family_significant = HolmSignificant(p_values, comparison.options.alpha);
  size_t next_p = 0;
  for (const CaseComparison& c : comparison.cases) {
    if (c.base_status != "ok" || c.candidate_status != "ok") continue;
    for (const MetricComparison& metric : c.metrics) {
      const bool significant =
          metric.verdict != ChangeVerdict::kUnavailable && family_significant[next_p++];
      report.checks.push_back(CheckMetric(c, metric, significant, p_values.size()));
      MarkDisturbed(c, &report.checks.back());
    }
  }
  // Cases missing from the candidate carry the base's workload when it has one.
  const CaseComparison* workload_of_base = nullptr;
  CaseComparison single_workload;
  if (!comparison.base_runs.empty() &&
      std::all_of(comparison.base_runs.begin(), comparison.base_runs.end(),
                  [&](const RunSummary& run) {
                    return run.workload == comparison.base_runs.front().workload;
                  })) {
    single_workload.workload = comparison.base_runs.front().workload;
    workload_of_base = &single_workload;
  }
  for (const std::string& name : comparison.only_in_base) {
    case_check(workload_of_base, name, GateOutcome::kInconclusive, "presence",
               GateReason::kMissingFromCandidate);
  }
  for (const GateCheck& check : report.checks) {
    switch (check.outcome) {
      case GateOutcome::kPass:
        ++report.passed;
        break;
      case GateOutcome::kFail:
        ++report.failed;
        break;
      case GateOutcome::kInconclusive:
        ++report.inconclusive;
        if (check.comparison.has_value()) {
          report.repetitions_needed =
              std::max(report.repetitions_needed, check.comparison->repetitions_needed);
        }
        break;
    }
  }
  // A gate that checked nothing has shown nothing.
  report.outcome = report.failed > 0                                  ? GateOutcome::kFail
                   : report.inconclusive > 0 || report.checks.empty() ? GateOutcome::kInconclusive
                                                                      : GateOutcome::kPass;
  return report;
}

}  // namespace ipclab::results
