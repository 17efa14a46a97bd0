#include "results/stats/false_discovery.h"

#include <algorithm>
#include <cstddef>
#include <numeric>

namespace ipclab::results {

std::vector<double> BenjaminiHochbergAdjust(const std::vector<double>& p_values) {
  const size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m, 1.0);
  double running_min = 1.0;
  for (size_t rank = m; rank >= 1; --rank) {  // from the largest p down
    const size_t index = order[rank - 1];
    const double scaled = p_values[index] * static_cast<double>(m) / static_cast<double>(rank);
    running_min = std::min(running_min, scaled);
    adjusted[index] = std::min(1.0, running_min);
  }
  return adjusted;
}

}  // namespace ipclab::results
