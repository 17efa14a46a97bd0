// What `ipclab gate` writes: a Markdown summary (for a CI job summary such as
// $GITHUB_STEP_SUMMARY) and JUnit XML (one test case per check, so CI
// systems list regressions beside unit test failures).
#ifndef IPCLAB_RESULTS_REPORT_GATE_REPORT_H_
#define IPCLAB_RESULTS_REPORT_GATE_REPORT_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "results/compare/compare.h"
#include "results/compare/gate.h"

namespace ipclab::results {

// A heading with the outcome, who was compared and with which limit, the
// warnings, a table of every check (case, metric, medians, n, change, CI,
// p, result) with failures first, then the reasons for every failed and
// inconclusive check, the cases only in the candidate, and what to do next.
void PrintGateMarkdown(const GateReport& report, const Comparison& comparison, std::ostream* out);

// <testsuites> with one <testsuite> per workload and one <testcase> per
// check (classname "ipclab.<workload>.<case>", name the metric): a failed
// check holds <failure>, an inconclusive one <skipped> with the reason.
void PrintGateJUnit(const GateReport& report, const Comparison& comparison, std::ostream* out);

// One sentence: why `check` came out as it did ("regressed by 20.0% (-20.0%,
// 95% CI [...], p = 0.001); the limit is 5.0%"). `options` are the gate's
// (GateReport::options): the limit is their threshold.
std::string GateReasonText(const GateCheck& check, const CompareOptions& options);
}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_GATE_REPORT_H_
