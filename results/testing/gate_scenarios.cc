#include "results/testing/gate_scenarios.h"

#include <utility>

#include "results/model/case_metrics.h"

namespace ipclab::results::testing {

const std::vector<double> kSteadyGbps = {4.50, 4.52, 4.48, 4.55, 4.47, 4.51, 4.49, 4.53};

std::vector<double> Scaled(const std::vector<double>& values, double factor) {
  std::vector<double> scaled;
  for (double value : values) scaled.push_back(value * factor);
  return scaled;
}

SyntheticCase StreamCase(std::vector<double> gbps) {
  SyntheticCase c;
  c.params = {{"message_size", "64KiB"}};
  for (double value : gbps) c.throughput.push_back(value * 1e9);
  return c;
}

Comparison CompareThroughput(const SyntheticCase& base, const SyntheticCase& candidate,
                             double max_regression) {
  CompareOptions options;
  options.threshold = max_regression;
  options.metrics = {FindCaseMetric("throughput")};
  return CompareRuns({MakeSyntheticRun("base", "pipe", {base})},
                     {MakeSyntheticRun("cand", "pipe", {candidate})}, options);
}

}  // namespace ipclab::results::testing
