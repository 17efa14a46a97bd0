// Test-only: throughput comparisons of one stream case with chosen numbers
// (or set by hand), shared by the gate's decision tests (compare/) and its
// text tests (report/).
#ifndef IPCLAB_RESULTS_TESTING_GATE_SCENARIOS_H_
#define IPCLAB_RESULTS_TESTING_GATE_SCENARIOS_H_

#include <vector>

#include "results/compare/compare.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results::testing {

// Steady throughput of 8 repetitions, in GB/s.
extern const std::vector<double> kSteadyGbps;

// `values` each multiplied by `factor`.
std::vector<double> Scaled(const std::vector<double>& values, double factor);

// A case "message_size=64KiB" with these steady throughputs (GB/s).
SyntheticCase StreamCase(std::vector<double> gbps);

// Base against candidate on throughput only, one pipe run each, with
// threshold = `max_regression`.
Comparison CompareThroughput(const SyntheticCase& base, const SyntheticCase& candidate,
                             double max_regression = 0.05);

// A hand-set throughput comparison, as CompareRuns would make it alone: 10%
// slower with a 95% CI of [-14%, -6%], p-value `p`, significant and worse.
MetricComparison TenPercentSlower(double p);

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_GATE_SCENARIOS_H_
