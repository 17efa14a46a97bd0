// The metrics `compare`, `gate`, the store and the report judge a case by,
// each a value per measured repetition (the tests need distributions, not
// summaries):
//
//   throughput       bytes/s      higher is better  headline phase throughput
//                                                   (not for page-touch cases)
//   p50, p99         ns           lower is better   headline phase latency
//   ns_per_page      ns           lower is better   headline phase wall per
//                                                   4 KiB page touched (only
//                                                   page-touch cases,
//                                                   TouchesPages in phases.h)
//   faults_per_page  faults/page  lower is better   minor faults of all roles
//                                                   in every phase but setup
//                                                   (counted too when
//                                                   populate=true moved the
//                                                   faults there) and
//                                                   teardown, per page of the
//                                                   case's region
//   rss_growth       bytes        lower is better   VmRSS + HugetlbPages growth
//                                                   of all roles from the first
//                                                   phase to the last before
//                                                   teardown
//
// The headline phase is HeadlinePhase's (results/model/phases.h): "steady"
// if present, else the first phase that moved bytes, else the first that is
// neither setup nor teardown.
// The region is the `region_bytes` or `ring_bytes` parameter; without one,
// the bytes the counted phases moved. Pages are host.page_size_bytes (4096
// when unknown).
#ifndef IPCLAB_RESULTS_MODEL_CASE_METRICS_H_
#define IPCLAB_RESULTS_MODEL_CASE_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

enum class Direction { kHigherIsBetter, kLowerIsBetter };

struct CaseMetric {
  const char* key;    // "throughput", what --metric takes
  const char* title;  // "throughput", "latency p99", for people
  const char* unit;   // "bytes/s", "ns", "faults/page", "bytes"
  Direction direction;
  // Medians closer than this are the same whatever the test says: a tenth of
  // a fault per hundred pages is not a finding, nor is 256 KiB of RSS (glibc
  // grows the heap in steps of 128 KiB and more, and two runs of one case
  // were seen to differ by up to 152 KiB).
  double negligible;
};

// The six metrics above, in that order.
const std::vector<CaseMetric>& CaseMetrics();

// The metric called `key` (also "latency_p50", "latency_p99", "faults",
// "rss"), or nullptr.
const CaseMetric* FindCaseMetric(absl::string_view key);

// Parses a comma-separated list of metric keys ("throughput,p99"); empty
// text gives every metric. INVALID_ARGUMENT naming an unknown key and the
// known ones.
absl::StatusOr<std::vector<const CaseMetric*>> ParseMetricList(absl::string_view text);

// One value per measured repetition (warm-ups skipped) that has the metric;
// empty when the metric does not apply to the case (no latency in stream
// mode, nothing moved, memory not measured ...).
std::vector<double> MetricSamples(const v1::CaseResult& result, const CaseMetric& metric,
                                  uint64_t page_size_bytes);

// The value of `metric` for one repetition of `result` (nullopt when the
// metric does not apply to it); MetricSamples collects these.
std::optional<double> RepetitionValue(const v1::CaseResult& result,
                                      const v1::RepetitionResult& repetition,
                                      const CaseMetric& metric, uint64_t page_size_bytes);

// How a metric's value is written for people: FormatThroughput, Duration,
// Bytes, or "0.0123 faults/page".
std::string FormatMetricValue(const CaseMetric& metric, double value);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_CASE_METRICS_H_
