// Comparing a baseline and a candidate, case by case and metric by metric:
// both medians, the change and its bootstrap confidence interval, the
// Mann-Whitney p-value (Benjamini-Hochberg adjusted over every metric check
// of the comparison), the noise floor and a direction-aware verdict. Pure:
// the same runs and options give the same Comparison (fixed seeds).
//
// A side is any number of runs (a tag's runs, a matrix file, ids). Cases are
// paired by workload and the parameters that vary between the cases of
// either side (the swept ones), plus the host with by_host; parameters fixed
// for a whole run may differ, which is how a deliberately changed setting is
// compared, and every such difference is reported as a warning, as are
// differences of the host fingerprint (host, kernel, THP mode, CPU model and
// count). Runs of one case on one side are pooled (their repetitions
// together): interleaved or historical runs then carry the host's drift
// between runs into the spread. docs/GATE.md explains every rule below.
//
// Verdict of one metric, with band = max(threshold * |base median|,
// metric.negligible) and floor = the noise floor (NoiseFloor of
// noise_k * the largest robust log spread: within either side, between
// the per-run medians of a side that pools 3 runs or more, and between the
// per-round medians of a run of 3 rounds or more):
//   better/worse  significant (BH-adjusted p < alpha and the CI excludes 0),
//                 the whole CI beyond the band, and the change of the
//                 medians beyond the floor, in the metric's direction
//                 (higher throughput is better, lower latency ...);
//   same          the CI lies within [-band, band] and the repetitions are
//                 enough for the test to reach alpha at all;
//   noisy         anything else; `reason` says why (too few repetitions,
//                 variation too high, within the noise floor) and
//                 repetitions_needed estimates how many per side would decide;
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

// The noise floor's multiple of the robust spread (see above): 3 robust
// standard deviations on the log scale, 13.9% for a throughput whose
// repetitions spread by 5%.
inline constexpr double kDefaultNoiseK = 3.0;

struct CompareOptions {
  double threshold = 0.05;  // relative change that matters
  // False discovery rate over all metric checks (Benjamini-Hochberg), and the
  // level a single test must be able to reach for "same"/"pass".
  double alpha = 0.05;
  double noise_k = kDefaultNoiseK;
  bool by_host = false;                    // pair cases of the same host only
  std::vector<const CaseMetric*> metrics;  // empty: every metric
  BootstrapOptions bootstrap;
};

struct SideStatistics {
  uint32_t n = 0;
  double median = 0.0;
  double cv = 0.0;      // coefficient of variation
  double spread = 0.0;  // RobustLogSpread of the repetitions
  uint32_t runs = 0;    // runs pooled into this side's case
  // RobustLogSpread of the per-run medians; 0 below kRunsForRunSpread runs.
  double run_spread = 0.0;
  // The spread of the per-round medians of the side's runs (runs of
  // kRoundsForRoundSpread rounds or more): the larger of their
  // RobustLogSpread and the widest swing of one round's median from theirs
  // over noise_k plus the error of one round's median (the spread of the
  // repetitions around their round's median over the square root of the
  // repetitions per round); and how many rounds gave it (0: none).
  double round_spread = 0.0;
  uint32_t rounds = 0;
  uint32_t disturbed = 0;  // repetitions noted "disturbed" (issue 8's harness)
  // disturbed / measured repetitions: at most kMaxDisturbedShareToDrop, the
  // disturbed ones are left out of the samples above (n counts the rest).
  double disturbed_share = 0.0;
};

// Runs of one case a side must pool before their medians' spread counts.
inline constexpr uint32_t kRunsForRunSpread = 3;

// Rounds a run must have before the spread of its rounds' medians counts.
inline constexpr uint32_t kRoundsForRoundSpread = 3;

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
  // test.p_value after Benjamini-Hochberg over every metric check of the
  // comparison (CompareSamples alone: the raw p-value).
  double p_adjusted = 1.0;
  // The smallest relative change in the metric's worse (floor_worse) and
  // better (floor_better) direction that is more than noise: NoiseFloor of
  // noise_k times the larger of the spreads above (0 when they are 0).
  double floor_worse = 0.0;
  double floor_better = 0.0;
  // The spread of the medians of stored runs of this case on this host
  // (CompareRuns' noise_history): RobustLogSpread, or the widest swing of one
  // run from their median over noise_k when larger; and how many runs gave
  // it. 0 when fewer than kRunsForHistorySpread.
  double history_spread = 0.0;
  uint32_t history_runs = 0;
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
  // Run ids found on both sides (a gate of a run against itself).
  std::vector<std::string> same_runs;
  // The sides share no workload: nothing can be compared (a usage error).
  bool workloads_disjoint = false;
  // One side ran with --verify and the other without: verify checksums every
  // byte inside the timed loop, so its timings compare with nothing else (a
  // usage error).
  bool verify_differs = false;
};

// `noise_history`: stored runs of the candidate's cases on the candidate's
// host, measured the same way (compare/history.h's ComparableHistory), newest
// first. Per case and metric, the per-run medians after the last change point
// (e-divisive means) give the spread between runs when there are at least
// kRunsForHistorySpread of them; the noise floor takes the largest spread.
// Runs of either side are left out of it.
Comparison CompareRuns(const std::vector<v1::RunResult>& base,
                       const std::vector<v1::RunResult>& candidate, const CompareOptions& options,
                       const std::vector<v1::RunResult>& noise_history = {});

// Stored runs of a case whose medians must agree before their spread counts
// as the noise between runs of that case (MAD of 4 values is the least that
// is not one value's whim).
inline constexpr uint32_t kRunsForHistorySpread = 4;

// One metric of one case (what CompareRuns does per pair, before the
// Benjamini-Hochberg adjustment), exposed for tests. `base_runs` and
// `candidate_runs`, when given, are the per-run samples (for the spread
// between runs); otherwise each side is one run.
MetricComparison CompareSamples(const CaseMetric& metric, const std::vector<double>& base,
                                const std::vector<double>& candidate,
                                const CompareOptions& options);
MetricComparison CompareSamples(const CaseMetric& metric,
                                const std::vector<std::vector<double>>& base_runs,
                                const std::vector<std::vector<double>>& candidate_runs,
                                const CompareOptions& options);

// Sets c's verdict, reason and repetitions_needed from its numbers and
// p_adjusted (CompareRuns calls it again after adjusting).
void DecideVerdict(const CompareOptions& options, MetricComparison* c);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_COMPARE_COMPARE_H_
