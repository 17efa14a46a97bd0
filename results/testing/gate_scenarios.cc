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

MetricComparison TenPercentSlower(double p) {
  MetricComparison c;
  c.metric = FindCaseMetric("throughput");
  c.base = {8, 100.0, 0.02};
  c.candidate = {8, 90.0, 0.02};
  c.difference = -10.0;
  c.difference_ci = {-14.0, -6.0};
  c.change = -0.10;
  c.change_ci = Interval{-0.14, -0.06};
  c.band = 5.0;
  c.test.p_value = p;
  c.significant = true;
  c.enough_repetitions = true;
  c.verdict = ChangeVerdict::kWorse;
  return c;
}

}  // namespace ipclab::results::testing
