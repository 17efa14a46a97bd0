#include "results/stats/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "base/quantiles.h"

namespace ipclab::results {

double Mean(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double Median(const std::vector<double>& values) { return base::Median(values); }

double Percentile(const std::vector<double>& values, double q) { return base::Quantile(values, q); }

double SampleStdDev(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double mean = Mean(values);
  double sum_of_squares = 0.0;
  for (double value : values) sum_of_squares += (value - mean) * (value - mean);
  return std::sqrt(sum_of_squares / static_cast<double>(values.size() - 1));
}

double MedianAbsoluteDeviation(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  const double median = Median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double value : values) deviations.push_back(std::fabs(value - median));
  return Median(deviations);
}

double CoefficientOfVariation(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double mean = Mean(values);
  if (mean == 0.0) return 0.0;
  return SampleStdDev(values) / std::fabs(mean);
}

}  // namespace ipclab::results
