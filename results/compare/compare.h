// Comparing a baseline and a candidate, case by case and metric by metric:
// both medians, the change and its bootstrap confidence interval, the
// Mann-Whitney p-value and a direction-aware verdict. Pure: the same runs
// and options give the same Comparison (the bootstrap has a fixed seed).
//
// Cases are matched by the parameters that vary between the cases of either
// side (the swept ones); parameters fixed for a whole run may differ, which
// is how a deliberately changed setting is compared, and every such
// difference is reported as a warning, as are differences of the host
// fingerprint (host, kernel, THP mode, CPU model and count) and workload.
// A side may hold several runs: of several workloads (a matrix; then the
// workload is part of the match), or of one configuration repeated - then
// the repetitions of each case are pooled, which is how runs interleaved in
// time with the other side's capture the host's drift between runs.
//
// Verdict of one metric, with band = max(threshold * |base median|,
// metric.negligible):
//   better/worse  significant (p < alpha and the CI excludes 0) and the
//                 whole CI beyond the band, in the metric's direction
//                 (higher throughput is better, lower latency ...);
//   same          the CI lies within [-band, band] and the repetitions are
//                 enough for the test to reach alpha at all;
//   noisy         anything else; `reason` says why (too few repetitions, or
//                 variation too high) and repetitions_needed estimates how
//                 many per side would decide;
//   unavailable   measured on one side only.
#ifndef IPCLAB_RESULTS_COMPARE_COMPARE_H_
#define IPCLAB_RESULTS_COMPARE_COMPARE_H_

#include <optional>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "results/model/case_metrics.h"
#include "results/stats/significance.h"

namespace ipclab::results {

enum class ChangeVerdict { kBetter, kWorse, kSame, kNoisy, kUnavailable };

// "better", "worse", "same", "noisy", "n/a".
const char* ChangeVerdictName(ChangeVerdict verdict);

struct CompareOptions {
  double threshold = 0.05;                 // relative change that matters
  double alpha = 0.05;                     // significance level of the test
  std::vector<const CaseMetric*> metrics;  // empty: every metric
  BootstrapOptions bootstrap;
};

struct SideStatistics {
  uint32_t n = 0;
  double median = 0.0;
  double cv = 0.0;  // coefficient of variation
};

struct MetricComparison {
  const CaseMetric* metric = nullptr;
  SideStatistics base;
  SideStatistics candidate;
  double difference = 0.0;  // candidate median - base median
  // The bootstrap CI of the difference: the CI of the relative change times
  // |base median| when the base median is not 0, so both say the same.
  Interval difference_ci;
  // difference / |base median| and its CI; nullopt when the base median is 0.
  std::optional<double> change;
  std::optional<Interval> change_ci;
  double band = 0.0;  // the absolute difference that matters (see above)
  MannWhitneyResult test;
  bool significant = false;
  bool enough_repetitions = false;  // the test can reach alpha at these sizes
  ChangeVerdict verdict = ChangeVerdict::kUnavailable;
  std::string reason;          // for noisy and unavailable
  int repetitions_needed = 0;  // noisy: about this many per side would decide
};

struct CaseComparison {
  std::string name;         // the base case's name (else the candidate's, else the key)
  std::string key;          // the matching parameters, sorted "k=v,..."
  std::string workload;     // the base case's workload
  std::string base_status;  // CaseView::StatusText: "ok", "FAILED" ...
  std::string candidate_status;
  std::string base_error;
  std::string candidate_error;
  std::vector<MetricComparison> metrics;  // metrics measured on either side
  // Share of measured repetitions marked disturbed on each side (pooled over
  // runs), and what the results say about noise ("3 of 5 repetitions
  // disturbed: other load on CPU 0", skewed phases); "" when quiet.
  double base_disturbed_share = 0.0;
  double candidate_disturbed_share = 0.0;
  std::string base_noise;
  std::string candidate_noise;
};

// Who a side is, for headers.
struct RunSummary {
  std::string run_id;
  std::string workload;
  std::string label;
  std::string started_at;  // RFC 3339, "" if unknown
  std::string hostname;
  std::string kernel_release;
};

struct Comparison {
  CompareOptions options;
  std::vector<RunSummary> base_runs;
  std::vector<RunSummary> candidate_runs;
  std::vector<std::string> warnings;
  std::vector<CaseComparison> cases;  // base order
  std::vector<std::string> only_in_base;
  std::vector<std::string> only_in_candidate;
};

Comparison CompareRuns(const std::vector<v1::RunResult>& base,
                       const std::vector<v1::RunResult>& candidate, const CompareOptions& options);

// One metric of one case (what CompareRuns does per pair), exposed for tests.
MetricComparison CompareSamples(const CaseMetric& metric, const std::vector<double>& base,
                                const std::vector<double>& candidate,
                                const CompareOptions& options);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_COMPARE_COMPARE_H_
