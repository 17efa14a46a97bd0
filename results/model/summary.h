// The per-case metric summaries: which metrics a case has, what they are
// called, and their statistics over the measured repetitions. The server calls
// SummarizeCase once per case; reporters and the gate read the result.
#ifndef IPCLAB_RESULTS_MODEL_SUMMARY_H_
#define IPCLAB_RESULTS_MODEL_SUMMARY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "base/metric_names.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// The statistics of results/stats/statistics.h for one metric: name, unit, n, median, mean, min,
// max, stddev, mad, cv. An empty `values` gives n = 0 and zeros.
v1::MetricSummary Summarize(std::string name, std::string unit, std::vector<double> values);

// Summaries of every metric of a case, over `measured` (repetitions with
// `warmup` set are skipped). For each phase name, in first-seen order:
//
//   <phase>.wall_ns                     ns       always
//   <phase>.bytes                       bytes    if some repetition has bytes > 0
//   <phase>.throughput_bytes_per_sec    bytes/s  if some repetition has bytes > 0
//   <phase>.messages_per_sec            msg/s    if some repetition has messages > 0
//
// except in cases without a "steady" phase (page_fault, cow_private: they
// count the 4 KiB pages touched as messages), whose phases with messages get
//   <phase>.bytes                       bytes    if some repetition has bytes > 0
//   <phase>.ns_per_page                 ns       wall_ns / pages touched
//   <phase>.faults_per_sec              faults/s minor faults of all roles / wall
// and no bytes/s or msg/s (a huge zero page read is not "841 GB/s"); then
//   <phase>.latency_{p50,p90,p99,p999,max}_ns  ns  over repetitions with latency.count > 0
//
// then for each role of the phase, in first-seen order, "<phase>.<role>.":
//   minor_faults, major_faults, voluntary_context_switches,
//   involuntary_context_switches (count), user_cpu_ns, system_cpu_ns (ns),
//   rss_anon_delta_bytes, vm_rss_delta_bytes, rss_shmem_delta_bytes,
//   anon_huge_pages_delta_bytes, hugetlb_delta_bytes, pss_delta_bytes
//   (bytes; after - before, negative when the phase released memory);
//   perf_page_faults (count; the perf_event_open software counter, only over
//   repetitions where it was available, and absent if it never was).
//
// Each metric's n counts the repetitions that contributed (a phase or role
// missing from a repetition contributes nothing). Throughput is the phase's
// throughput_bytes_per_sec, or bytes / wall_ns when the worker left it 0.
std::vector<v1::MetricSummary> SummarizeCase(const std::vector<v1::RepetitionResult>& measured);

// The measured repetitions (warm-ups skipped) whose interference marked
// them disturbed; the server stores it in CaseResult.disturbed_repetitions.
uint32_t DisturbedRepetitions(const std::vector<v1::RepetitionResult>& measured);

// The summary called `name` in `result.summaries()`, or nullptr. The pointer
// is into `result`, which must outlive its use.
const v1::MetricSummary* FindMetric(const v1::CaseResult& result, absl::string_view name);

// "<phase>.<metric>" and "<phase>.<role>.<metric>" (base/metric_names.h).
using base::MetricName;

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_SUMMARY_H_
