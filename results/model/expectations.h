// Judging a case against what the kernel should have done: each Expectation
// (from Workload::Expect) names a case metric and an accepted band; Judge
// fills in the metric's median and the verdict. Pure functions over protos.
//
//   std::vector<v1::Expectation> judged =
//       Judge(workload->Expect(params, host), SummarizeCase(repetitions));
//   case_result.set_verdict(OverallVerdict(judged));
#ifndef IPCLAB_RESULTS_MODEL_EXPECTATIONS_H_
#define IPCLAB_RESULTS_MODEL_EXPECTATIONS_H_

#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// For each expectation: `measured` = the median of the summary whose name is
// its `metric`, and
//   MATCHED             lower <= median <= upper (inclusive);
//   DEVIATED            otherwise; `reason` says measured vs band and then
//                       `if_deviated` (what the deviation means);
//   VERDICT_UNSPECIFIED the metric was not measured (no such summary, or
//                       n == 0); `reason` says so, `measured` stays 0.
// Order and every other field are kept.
std::vector<v1::Expectation> Judge(std::vector<v1::Expectation> expected,
                                   const std::vector<v1::MetricSummary>& summaries);

// As above, and every measured repetition of `measured` (warm-ups skipped)
// is judged too: repetitions_judged counts those that have the metric,
// repetitions_out_of_band those outside the band. The verdict is MATCHED
// only when the median and every judged repetition are in band; otherwise
// DEVIATED, and `reason` says "k of n repetitions out of band" with their
// values (a THP fallback in 1 of 5 repetitions no longer hides behind the
// median).
std::vector<v1::Expectation> Judge(std::vector<v1::Expectation> expected,
                                   const std::vector<v1::MetricSummary>& summaries,
                                   const std::vector<v1::RepetitionResult>& measured);

// DEVIATED if any expectation deviated; MATCHED if at least one matched and
// none deviated (unmeasured ones - e.g. the perf counter on a host that
// forbids it - are reported on their own and do not decide); otherwise
// (nothing expected, or nothing measured) VERDICT_UNSPECIFIED.
v1::Verdict OverallVerdict(const std::vector<v1::Expectation>& judged);

// How measured values and bands are written in reasons: integers and values
// of magnitude 1000 or more as whole numbers ("16384", "16548" for
// 16547.84), smaller ones with up to 4 significant digits ("0.5", "1.333").
std::string FormatMeasurement(double value);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_EXPECTATIONS_H_
