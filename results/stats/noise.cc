#include "results/stats/noise.h"

#include <algorithm>
#include <cmath>

#include "results/stats/statistics.h"

namespace ipclab::results {

double RobustLogSpread(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  if (std::all_of(values.begin(), values.end(), [](double v) { return v > 0.0; })) {
    std::vector<double> logs;
    logs.reserve(values.size());
    for (double value : values) logs.push_back(std::log(value));
    return kNormalConsistency * MedianAbsoluteDeviation(logs);
  }
  const double median = Median(values);
  if (median == 0.0) return 0.0;
  return kNormalConsistency * MedianAbsoluteDeviation(values) / std::fabs(median);
}

double NoiseFloor(double spread, double k, bool higher_is_better) {
  const double log_change = k * spread;
  return higher_is_better ? 1.0 - std::exp(-log_change) : std::exp(log_change) - 1.0;
}

}  // namespace ipclab::results
