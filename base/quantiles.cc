#include "base/quantiles.h"

#include <algorithm>
#include <utility>

namespace ipclab::base {

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  // Written so that NaN lands on 0 rather than indexing out of range.
  if (!(q > 0.0)) q = 0.0;
  if (q > 1.0) q = 1.0;
  std::sort(values.begin(), values.end());
  return SortedQuantile(values, q);
}

double Median(std::vector<double> values) { return Quantile(std::move(values), 0.5); }

}  // namespace ipclab::base
