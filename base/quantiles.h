// Quantiles by linear interpolation between closest ranks (R's default,
// Hyndman & Fan type 7): the one definition behind results' Percentile and
// Median, the bootstrap intervals and the workers' latency percentiles.
#ifndef IPCLAB_BASE_QUANTILES_H_
#define IPCLAB_BASE_QUANTILES_H_

#include <cmath>
#include <cstddef>
#include <vector>

namespace ipclab::base {

// The q-quantile (0 <= q <= 1) of `count` > 0 values sorted ascending. No
// copy and no allocation, so it may run on a worker's sample buffer.
template <typename T>
double SortedQuantile(const T* sorted, size_t count, double q) {
  const double h = static_cast<double>(count - 1) * q;
  const size_t lower = static_cast<size_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lower);
  if (lower + 1 >= count || fraction == 0.0) return static_cast<double>(sorted[lower]);
  const double low = static_cast<double>(sorted[lower]);
  return low + fraction * (static_cast<double>(sorted[lower + 1]) - low);
}

inline double SortedQuantile(const std::vector<double>& sorted, double q) {
  return SortedQuantile(sorted.data(), sorted.size(), q);
}

// The q-quantile of unsorted `values`; q is clamped to [0, 1] (NaN -> 0);
// 0 for no values.
double Quantile(std::vector<double> values, double q);

// Quantile(values, 0.5).
double Median(std::vector<double> values);

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_QUANTILES_H_
