#include "results/compare/gate.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/model/noise.h"

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

GateCheck CheckMetric(const CaseComparison& case_comparison, const MetricComparison& c,
                      size_t family_size, double alpha, const GateOptions& options) {
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
  check.disturbed = c.base.disturbed + c.candidate.disturbed;
  if (c.base.disturbed_share > kMaxDisturbedShareToDrop ||
      c.candidate.disturbed_share > kMaxDisturbedShareToDrop) {
    check.outcome = GateOutcome::kInconclusive;
    check.reason = GateReason::kDisturbed;
    return check;
  }
  // Up to kMaxDisturbedShareToDrop of a side's repetitions disturbed: they
  // are left out of the samples (sides.h) and the check goes on.
  const double regression = Regression(c, c.difference);
  // The smallest regression the CI allows must exceed the limit: noise that
  // merely moves the median past it is not a failure.
  const double least =
      std::min(Regression(c, c.difference_ci.lower), Regression(c, c.difference_ci.upper));
  const bool raw_significant =
      c.test.p_value < alpha && (c.difference_ci.lower > 0.0 || c.difference_ci.upper < 0.0);
  if (c.verdict == ChangeVerdict::kWorse) {  // significant, past the band and the floor
    check.outcome = GateOutcome::kFail;
    check.reason = GateReason::kRegressed;
    check.regression = regression;
    return check;
  }
  const double worst = WorstRegression(c);
  check.worst_regression = worst;
  if (c.enough_repetitions && worst <= c.band) {
    check.outcome = GateOutcome::kPass;
    check.reason = worst <= 0.0 ? GateReason::kNoRegression : GateReason::kWithinLimit;
    check.regression = worst;
    return check;
  }
  // A pass whose CI reaches past kPassCiReach x `reach` has low power; with
  // --require-power it is no pass.
  const auto pass_if = [&](GateReason reason, double reach, bool low_power_always) {
    const bool low_power = low_power_always || worst > kPassCiReach * reach;
    if (low_power && options.require_power) return false;
    check.outcome = GateOutcome::kPass;
    check.reason = reason;
    check.regression = regression;
    check.low_power = low_power;
    return true;
  };
  // Not a failure, and the medians moved no further than the limit: pass.
  // (Asking the whole CI to fit within the limit made identical runs
  // inconclusive whenever a CI reached past 10%, which on a VM is most runs
  // of a large matrix.) Where the CI reaches past twice the limit the check
  // had low power, and says so.
  if (c.enough_repetitions && regression <= c.band &&
      pass_if(GateReason::kMedianWithinLimit, c.band, false)) {
    return check;
  }
  // Within the noise floor (the spread of the case's repetitions, of its
  // rounds, of pooled runs, of stored runs): the fail rule needs a change
  // beyond that floor, and more repetitions of the same noise narrow the CI
  // but not the floor, so "inconclusive" could only ever turn into a pass.
  // Where stored runs of the case on this host set the floor, the pass has
  // low power only when its CI reaches past twice the floor; otherwise
  // always. (Significant or not: a run's rounds, seconds apart, show the
  // levels the host moves the case between; identical matrices on this VM
  // were inconclusive, or failed, on such changes in nearly every gate.)
  const double noise_floor =
      c.change.has_value() ? std::max(c.band, c.floor_worse * std::fabs(c.base.median)) : c.band;
  const bool from_history = c.history_runs > 0;
  if (c.enough_repetitions && c.change.has_value() && regression <= noise_floor &&
      pass_if(from_history ? GateReason::kWithinRunToRunNoise : GateReason::kWithinOwnNoise,
              noise_floor, !from_history)) {
    return check;
  }
  check.outcome = GateOutcome::kInconclusive;
  const bool past_limit = least > c.band && regression > 0;
  if (!c.enough_repetitions) {
    check.reason = GateReason::kComparisonSaysWhy;
  } else if (c.significant && past_limit) {  // significant, past the limit, not the floor
    check.reason = GateReason::kWithinNoiseFloor;
    check.regression = regression;
  } else if (!c.significant && raw_significant && past_limit) {
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

// A kDisturbed check says which side was disturbed and why, in the words
// of its results ("candidate: 3 of 5 repetitions disturbed: other load on
// CPU 0").
void ExplainDisturbed(const CaseComparison& c, GateCheck* check) {
  if (check->reason != GateReason::kDisturbed) return;
  std::vector<std::string> sides;
  if (!c.base_noise.empty()) sides.push_back(absl::StrCat("base: ", c.base_noise));
  if (!c.candidate_noise.empty()) sides.push_back(absl::StrCat("candidate: ", c.candidate_noise));
  check->case_error = absl::StrJoin(sides, "; ");
}

}  // namespace

GateOutcomeWords WordsOf(GateOutcome outcome) {
  switch (outcome) {
    case GateOutcome::kPass:
      return {"pass", "PASSED"};
    case GateOutcome::kFail:
      return {"fail", "FAILED: regression"};
    case GateOutcome::kInconclusive:
      break;
  }
  return {"inconclusive", "INCONCLUSIVE"};
}

GateReport EvaluateGate(const Comparison& comparison, const GateOptions& options) {
  GateReport report;
  report.options = comparison.options;
  report.gate_options = options;
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
  report.same_runs = comparison.same_runs;
  size_t family_size = 0;  // metric checks, for the reason of kNotSignificantAmongMany
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
      if (metric.verdict != ChangeVerdict::kUnavailable) ++family_size;
    }
  }
  for (const CaseComparison& c : comparison.cases) {
    if (c.base_status != "ok" || c.candidate_status != "ok") continue;
    for (const MetricComparison& metric : c.metrics) {
      report.checks.push_back(
          CheckMetric(c, metric, family_size, comparison.options.alpha, options));
      ExplainDisturbed(c, &report.checks.back());
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
        if (check.low_power) ++report.low_power;
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
