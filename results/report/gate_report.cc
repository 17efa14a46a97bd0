#include "results/report/gate_report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "results/format/format.h"
#include "results/model/case_metrics.h"
#include "results/model/noise.h"
#include "results/report/comparison_report.h"

namespace ipclab::results {
namespace {

// The outcome's name, a failure in bold capitals: "pass", "**FAIL**",
// "inconclusive".
std::string ResultCell(GateOutcome outcome) {
  if (outcome == GateOutcome::kFail) return "**FAIL**";
  return GateOutcomeName(outcome);
}

int Rank(GateOutcome outcome) {
  return outcome == GateOutcome::kFail ? 0 : outcome == GateOutcome::kInconclusive ? 1 : 2;
}

std::string RunsText(const std::vector<RunSummary>& runs) {
  std::vector<std::string> parts;
  for (const RunSummary& run : runs) {
    std::string text =
        absl::StrCat("`", run.run_id.empty() ? "(no id)" : run.run_id, "` ", run.workload);
    if (!run.label.empty()) absl::StrAppend(&text, " (", run.label, ")");
    if (!run.hostname.empty()) absl::StrAppend(&text, " on ", run.hostname);
    parts.push_back(MarkdownCell(text));
  }
  return absl::StrJoin(parts, ", ");
}

std::string MetricsText(const CompareOptions& options) {
  std::vector<std::string> keys;
  if (options.metrics.empty()) return "all";
  for (const CaseMetric* metric : options.metrics) keys.push_back(metric->key);
  return absl::StrJoin(keys, ", ");
}

std::string NextStep(const GateReport& report) {
  switch (report.outcome) {
    case GateOutcome::kPass:
      if (report.low_power > 0) {
        return absl::StrCat(
            "No check shows a regression beyond the limit or its noise floor; ", report.low_power,
            " passed with low power (listed below: their noise could hide a regression of ",
            kPassCiReach, " x the limit; --require-power makes them inconclusive).");
      }
      return "Every check is within the limit with 95% confidence.";
    case GateOutcome::kFail: {
      std::string text =
          "At least one metric regressed beyond the limit, and the change is significant.";
      // A failed metric check that knew nothing of the noise between runs:
      // one run per side and no stored history of the case.
      const bool single_runs =
          std::any_of(report.checks.begin(), report.checks.end(), [](const GateCheck& check) {
            return check.outcome == GateOutcome::kFail && check.comparison.has_value() &&
                   check.comparison->base.runs < kRunsForRunSpread &&
                   check.comparison->candidate.runs < kRunsForRunSpread &&
                   check.comparison->history_runs == 0;
          });
      if (single_runs) {
        absl::StrAppend(&text,
                        " A failed check compared single runs with no stored history of the "
                        "case: on a shared host a whole run can sit at another level (a VM "
                        "moved, a neighbour busy), which looks the same. Before acting on it, "
                        "gate against several baseline runs (--history N) or run both sides "
                        "again interleaved; stored runs of the case teach the gate the noise "
                        "between runs.");
      }
      return text;
    }
    case GateOutcome::kInconclusive:
      break;
  }
  if (report.checks.empty()) return "No selected metric was measured on both sides.";
  const bool floor =
      std::any_of(report.checks.begin(), report.checks.end(),
                  [](const GateCheck& c) { return c.reason == GateReason::kWithinNoiseFloor; });
  if (floor) {
    return "The data cannot decide: a change beyond the limit is within the noise floor. Gate "
           "against several runs (--history N, or interleaved --baseline/--candidate runs) so the "
           "noise between runs is measured.";
  }
  if (report.repetitions_needed > 0) {
    return absl::StrCat("The data cannot decide. Run both sides again with --repetitions ",
                        report.repetitions_needed, " (or more), or reduce the noise on the host.");
  }
  return "The data cannot decide; reduce the noise on the host (pin with placement, stop other "
         "load) or raise --max-regression.";
}

// "12.3%" of the base, or the absolute value when the base is 0.
std::string RegressionText(const MetricComparison& c, double regression) {
  if (c.base.median != 0.0) return FormatPercent(regression / std::fabs(c.base.median));
  return FormatMetricValue(*c.metric, regression);
}

// Every floor and threshold the decisions used, in one sentence each.
void PrintRules(const CompareOptions& options, bool report_require_power, std::ostream* out) {
  *out << "Rules: a check **fails** when the Mann-Whitney U p-value, Benjamini-Hochberg adjusted "
          "over all checks (false discovery rate "
       << options.alpha
       << "), is below it, the whole 95% bootstrap CI of the change lies beyond the limit of "
       << FormatPercent(options.threshold, 1) << ", and the change of the medians exceeds the "
       << "noise floor (" << options.noise_k
       << " x the largest robust spread: MAD of the log repetitions on either side, and of the "
          "per-run medians of a side pooling "
       << kRunsForRunSpread << "+ runs, and of the round medians of a run of "
       << kRoundsForRoundSpread << "+ rounds, and of the medians of the last "
       << kRunsForHistorySpread
       << "+ stored runs of the case on this host after their last change point). It **passes** "
          "when each side has at least "
       << MinimumRepetitionsPerSide(options.alpha) << " repetitions, no more than "
       << FormatPercent(kMaxDisturbedShareToDrop, 0)
       << " of them disturbed (those are left out), and the whole CI lies within the limit, or "
          "the change of the medians does, or the change is within the noise floor (a change "
          "there can never fail). A pass whose CI reaches past "
       << kPassCiReach
       << " x the limit (or the floor stored runs set), or that is past the limit within the "
          "floor of the case's own repetitions, rounds or pooled runs, has **low power** and says "
          "so"
       << (report_require_power ? "; --require-power makes it inconclusive" : "")
       << ". Otherwise it is inconclusive. Changes smaller than an absolute floor never count: ";
  std::vector<std::string> floors;
  for (const CaseMetric& metric : CaseMetrics()) {
    if (metric.negligible > 0) {
      floors.push_back(absl::StrCat(metric.key, " ", FormatMetricValue(metric, metric.negligible)));
    }
  }
  *out << absl::StrJoin(floors, ", ") << ".\n\n";
}

// What the floor's spreads were taken over: "of its repetitions and of the
// medians of its 5 + 5 rounds".
std::string SpreadSources(const MetricComparison& c) {
  std::string text = "of its repetitions";
  if (c.base.rounds + c.candidate.rounds > 0) {
    absl::StrAppend(&text, " and of the medians of its ", c.base.rounds, " + ", c.candidate.rounds,
                    " rounds");
  }
  if (c.base.runs >= kRunsForRunSpread || c.candidate.runs >= kRunsForRunSpread) {
    absl::StrAppend(&text, " and of the medians of its ", c.base.runs, " + ", c.candidate.runs,
                    " pooled runs");
  }
  return text;
}

std::string FloorText(const MetricComparison& c) {
  return c.floor_worse > 0 ? FormatPercent(c.floor_worse) : "-";
}

}  // namespace

void PrintGateMarkdown(const GateReport& report, const Comparison& comparison, std::ostream* out) {
  const CompareOptions& options = comparison.options;
  *out << "## ipclab gate: " << WordsOf(report.outcome).heading << "\n\n";
  *out << "Baseline " << RunsText(comparison.base_runs) << " against candidate "
       << RunsText(comparison.candidate_runs) << ".\n";
  *out << "Largest regression allowed: " << FormatPercent(options.threshold, 1)
       << "; metrics: " << MetricsText(options) << ".\n";
  if (!report.same_runs.empty()) {
    *out << "\n**The same run is on both sides** ("
         << MarkdownCell(absl::StrJoin(report.same_runs, ", "))
         << "): this gate compares a run with itself and shows nothing.\n";
  }
  *out << "\n";
  PrintRules(options, report.gate_options.require_power, out);
  *out << "**" << report.failed << " failed, " << report.inconclusive << " inconclusive, "
       << report.passed << " passed"
       << (report.low_power > 0 ? absl::StrCat(" (", report.low_power, " with low power)") : "")
       << ".** " << NextStep(report) << "\n\n";
  for (const std::string& warning : comparison.warnings) {
    *out << "- **warning:** " << MarkdownCell(warning) << "\n";
  }
  if (!comparison.warnings.empty()) *out << "\n";

  std::vector<const GateCheck*> ordered;
  for (const GateCheck& check : report.checks) ordered.push_back(&check);
  std::stable_sort(ordered.begin(), ordered.end(), [](const GateCheck* a, const GateCheck* b) {
    return Rank(a->outcome) < Rank(b->outcome);
  });
  const auto print_header = [&] {
    *out << "| case | metric | base | candidate | n | change | 95% CI | p (BH) | noise floor | "
            "result "
            "|\n";
    *out << "|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n";
  };
  const auto print_row = [&](const GateCheck* check) {
    std::vector<std::string> cells = {check->case_name, check->what};
    if (check->comparison.has_value()) {
      const MetricComparison& c = *check->comparison;
      cells.insert(cells.end(), {MedianText(c, false), MedianText(c, true),
                                 absl::StrCat(c.base.n, "/", c.candidate.n), ChangeText(c),
                                 ConfidenceText(c), PValueText(c), FloorText(c)});
    } else {
      cells.insert(cells.end(), {"-", "-", "-", "-", "-", "-", "-"});
    }
    for (std::string& cell : cells) cell = MarkdownCell(cell);
    cells.push_back(check->low_power ? "pass, low power" : ResultCell(check->outcome));
    *out << "| " << absl::StrJoin(cells, " | ") << " |\n";
  };
  const auto first_pass = std::find_if(ordered.begin(), ordered.end(), [](const GateCheck* c) {
    return c->outcome == GateOutcome::kPass;
  });
  if (first_pass != ordered.begin()) {
    print_header();
    for (auto it = ordered.begin(); it != first_pass; ++it) print_row(*it);
    *out << "\n";
  }
  if (first_pass != ordered.end()) {
    // Passing rows fold away so a matrix summary stays readable.
    *out << "<details><summary>" << (ordered.end() - first_pass) << " passing checks</summary>\n\n";
    print_header();
    for (auto it = first_pass; it != ordered.end(); ++it) print_row(*it);
    *out << "\n</details>\n\n";
  }
  bool any_reason = false;
  for (const GateCheck* check : ordered) {
    if (check->outcome == GateOutcome::kPass) continue;
    if (!any_reason) *out << "#### Why\n\n";
    any_reason = true;
    *out << "- " << GateOutcomeName(check->outcome) << ": " << MarkdownCell(check->case_name) << " "
         << MarkdownCell(check->what) << ": "
         << MarkdownCell(GateReasonText(*check, report.options)) << "\n";
  }
  for (const std::string& name : comparison.only_in_candidate) {
    *out << "- new in the candidate (no baseline): " << MarkdownCell(name) << "\n";
  }
  bool any_low_power = false;
  for (const GateCheck* check : ordered) {
    if (check->outcome != GateOutcome::kPass || !check->low_power) continue;
    if (!any_low_power) *out << "\n#### Passed with low power\n\n";
    any_low_power = true;
    *out << "- " << MarkdownCell(check->case_name) << " " << MarkdownCell(check->what) << ": "
         << MarkdownCell(GateReasonText(*check, report.options)) << "\n";
  }
}

void PrintGateJUnit(const GateReport& report, const Comparison& comparison, std::ostream* out) {
  std::map<std::string, std::vector<const GateCheck*>> by_workload;
  std::vector<std::string> order;
  for (const GateCheck& check : report.checks) {
    const std::string suite = check.workload.empty() ? "ipclab" : check.workload;
    if (by_workload.count(suite) == 0) order.push_back(suite);
    by_workload[suite].push_back(&check);
  }
  *out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // The attributes of Jenkins' junit-10.xsd: no `skipped` on <testsuites>;
  // `errors` and `time` on both (a gate measures nothing itself: time 0).
  *out << "<testsuites name=\"ipclab gate\" tests=\"" << report.checks.size() << "\" failures=\""
       << report.failed << "\" errors=\"0\" time=\"0\">\n";
  for (const std::string& suite : order) {
    const std::vector<const GateCheck*>& checks = by_workload[suite];
    const auto count = [&](GateOutcome outcome) {
      return std::count_if(checks.begin(), checks.end(),
                           [&](const GateCheck* c) { return c->outcome == outcome; });
    };
    *out << "  <testsuite name=\"" << XmlEscape(suite) << "\" tests=\"" << checks.size()
         << "\" failures=\"" << count(GateOutcome::kFail) << "\" errors=\"0\" skipped=\""
         << count(GateOutcome::kInconclusive) << "\" time=\"0\">\n";
    *out << "    <properties>\n";
    for (const auto& [name, runs] : {std::make_pair("base", &comparison.base_runs),
                                     std::make_pair("candidate", &comparison.candidate_runs)}) {
      std::vector<std::string> ids;
      for (const RunSummary& run : *runs) ids.push_back(run.run_id);
      *out << "      <property name=\"" << name << "\" value=\""
           << XmlEscape(absl::StrJoin(ids, ",")) << "\"/>\n";
    }
    *out << "      <property name=\"max_regression\" value=\""
         << FormatPercent(comparison.options.threshold, 1) << "\"/>\n";
    *out << "      <property name=\"false_discovery_rate\" value=\"" << comparison.options.alpha
         << "\"/>\n";
    *out << "      <property name=\"noise_k\" value=\"" << comparison.options.noise_k << "\"/>\n";
    *out << "    </properties>\n";
    for (const GateCheck* check : checks) {
      *out << "    <testcase classname=\""
           << XmlEscape(absl::StrCat("ipclab.", suite, ".", check->case_name)) << "\" name=\""
           << XmlEscape(check->what) << "\"";
      if (check->outcome == GateOutcome::kPass) {
        *out << "/>\n";
        continue;
      }
      *out << ">\n";
      if (check->outcome == GateOutcome::kFail) {
        *out << "      <failure message=\"" << XmlEscape(GateReasonText(*check, report.options))
             << "\" type=\"regression\">" << XmlEscape(GateReasonText(*check, report.options))
             << "</failure>\n";
      } else {
        *out << "      <skipped message=\""
             << XmlEscape(absl::StrCat("inconclusive: ", GateReasonText(*check, report.options)))
             << "\"/>\n";
      }
      *out << "    </testcase>\n";
    }
    *out << "  </testsuite>\n";
  }
  *out << "</testsuites>\n";
}

namespace {

std::string MetricReasonText(const GateCheck& check, const CompareOptions& options) {
  const std::string limit = FormatPercent(options.threshold, 1);
  const std::string error = check.case_error.empty() ? "" : absl::StrCat(": ", check.case_error);
  if (!check.comparison.has_value()) {
    switch (check.reason) {
      case GateReason::kBaseCaseFailed:
        return absl::StrCat("the base case ", check.case_status, error,
                            "; nothing to compare against");
      case GateReason::kCandidateCaseFailed:
        return absl::StrCat("the candidate case ", check.case_status, error);
      case GateReason::kMissingFromCandidate:
        return "in the base but not in the candidate";
      default:
        return "";
    }
  }
  const MetricComparison& c = *check.comparison;
  switch (check.reason) {
    case GateReason::kRegressed:
      return absl::StrCat("regressed by ", RegressionText(c, check.regression), " (", ChangeText(c),
                          ", 95% CI ", ConfidenceText(c), ", p = ", PValueText(c),
                          "); the limit is ", limit);
    case GateReason::kNoRegression:
      return "no regression within the 95% CI";
    case GateReason::kWithinLimit:
      return absl::StrCat("at worst ", RegressionText(c, check.regression),
                          " within the 95% CI; the limit is ", limit);
    case GateReason::kMedianWithinLimit:
      return absl::StrCat("changed by ", ChangeText(c), ", within the limit of ", limit,
                          " (the 95% CI ", ConfidenceText(c), " reaches past it)");
    case GateReason::kWithinOwnNoise:
      return absl::StrCat("changed by ", ChangeText(c), " (p = ", PValueText(c),
                          c.significant ? ", significant" : ", not significant",
                          "), past the limit of ", limit, " but within the noise floor of ",
                          FormatPercent(c.floor_worse), " (", options.noise_k,
                          " x the largest robust spread ", SpreadSources(c),
                          "), which a regression must exceed to fail");
    case GateReason::kWithinRunToRunNoise:
      return absl::StrCat("regressed by ", RegressionText(c, check.regression),
                          ", past the limit of ", limit, " but within the noise floor of ",
                          FormatPercent(c.floor_worse), " that ", c.history_runs,
                          " stored runs of this case on this host set (", options.noise_k,
                          " x the robust spread of their medians)");
    case GateReason::kNotSignificantAmongMany:
      return absl::StrCat(
          "regressed by ", RegressionText(c, check.regression),
          " (p = ", absl::StrFormat("%.2g", c.test.p_value), "), but among ", check.family_size,
          " checks that is not significant (Benjamini-Hochberg adjusted p = ", PValueText(c),
          ", above ", options.alpha, "); more repetitions would decide");
    case GateReason::kWithinNoiseFloor:
      return absl::StrCat("regressed by ", RegressionText(c, check.regression), " (95% CI ",
                          ConfidenceText(c), "), past the limit of ", limit,
                          " but within the noise floor of ", FormatPercent(c.floor_worse), " (",
                          options.noise_k,
                          " x the robust spread); gate against several runs (--history N) to "
                          "tell a regression from the noise between runs");
    case GateReason::kDisturbed:
      return absl::StrCat(
          check.disturbed, " repetition(s) were marked disturbed by the timing harness, more than ",
          FormatPercent(kMaxDisturbedShareToDrop, 0), " of a side's: run again on a quieter host",
          check.case_error.empty() ? "" : " (", check.case_error,
          check.case_error.empty() ? "" : ")");
    case GateReason::kChangedButCiPastLimit: {
      std::string text = absl::StrCat("changed by ", ChangeText(c), ", but the 95% CI ",
                                      ConfidenceText(c), " reaches past the limit of ", limit);
      if (c.repetitions_needed > 0) {
        absl::StrAppend(&text, "; about ", c.repetitions_needed,
                        " repetitions per side would decide");
      }
      return text;
    }
    case GateReason::kCiPastLimit:
      return absl::StrCat("the 95% CI ", ConfidenceText(c), " reaches past ", limit);
    default:
      return c.reason;
  }
}

}  // namespace

std::string GateReasonText(const GateCheck& check, const CompareOptions& options) {
  std::string text = MetricReasonText(check, options);
  if (check.low_power && check.comparison.has_value()) {
    absl::StrAppend(&text, "; low power: a regression of up to ",
                    RegressionText(*check.comparison, check.worst_regression),
                    " is within the 95% CI");
  }
  if (check.comparison.has_value() && check.disturbed > 0 &&
      check.reason != GateReason::kDisturbed) {
    absl::StrAppend(&text, " (", check.disturbed,
                    " disturbed repetition(s) left out of the samples)");
  }
  return text;
}

}  // namespace ipclab::results
