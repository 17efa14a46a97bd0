#include "results/stats/change_points.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "results/stats/significance.h"

namespace ipclab::results {
namespace {

double PairsOf(size_t n) { return static_cast<double>(n) * static_cast<double>(n - 1) / 2.0; }

double QFromSums(size_t left, size_t right, double between, double within_left,
                 double within_right) {
  const double a = static_cast<double>(left);
  const double b = static_cast<double>(right);
  double e = 2.0 * between / (a * b);
  if (left >= 2) e -= within_left / PairsOf(left);
  if (right >= 2) e -= within_right / PairsOf(right);
  return a * b / (a + b) * e;
}

struct BestSplit {
  size_t t = 0;  // 0: none allowed
  double q = 0.0;
};

// The split of `values` with the largest Q, every allowed t in one O(n^2)
// sweep: moving value t from the right part to the left changes the three
// sums by its distances to each part.
BestSplit FindBestSplit(const std::vector<double>& values, size_t min_segment) {
  const size_t n = values.size();
  BestSplit best;
  if (n < 2 * min_segment || min_segment == 0) return best;
  double within_right = 0.0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) within_right += std::fabs(values[i] - values[j]);
  }
  double within_left = 0.0;
  double between = 0.0;
  for (size_t t = 1; t + min_segment <= n; ++t) {
    const size_t moved = t - 1;
    double to_left = 0.0;
    double to_right = 0.0;
    for (size_t i = 0; i < moved; ++i) to_left += std::fabs(values[i] - values[moved]);
    for (size_t j = moved + 1; j < n; ++j) to_right += std::fabs(values[j] - values[moved]);
    within_left += to_left;
    within_right -= to_right;
    between += to_right - to_left;
    if (t < min_segment) continue;
    const double q = QFromSums(t, n - t, between, within_left, within_right);
    if (best.t == 0 || q > best.q) best = {t, q};
  }
  return best;
}

double PermutationPValue(std::vector<double> values, double observed,
                         const ChangePointOptions& options, SplitMix64* random) {
  int at_least = 0;
  for (int k = 0; k < options.permutations; ++k) {
    for (size_t i = values.size(); i > 1; --i) {
      std::swap(values[i - 1], values[random->Below(i)]);
    }
    if (FindBestSplit(values, options.min_segment).q >= observed) ++at_least;
  }
  return (1.0 + at_least) / (1.0 + options.permutations);
}

}  // namespace

double EDivisiveQ(const std::vector<double>& series, size_t t) {
  const size_t n = series.size();
  if (t == 0 || t >= n) return 0.0;
  double between = 0.0;
  double within_left = 0.0;
  double within_right = 0.0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const double d = std::fabs(series[i] - series[j]);
      if (j < t) {
        within_left += d;
      } else if (i >= t) {
        within_right += d;
      } else {
        between += d;
      }
    }
  }
  return QFromSums(t, n - t, between, within_left, within_right);
}

std::vector<ChangePoint> EDivisiveChangePoints(const std::vector<double>& series,
                                               const ChangePointOptions& options) {
  SplitMix64 random(options.seed);
  std::vector<std::pair<size_t, size_t>> segments = {{0, series.size()}};  // [begin, end)
  std::vector<ChangePoint> found;
  for (;;) {
    size_t chosen = segments.size();
    BestSplit best;
    for (size_t s = 0; s < segments.size(); ++s) {
      const std::vector<double> part(series.begin() + segments[s].first,
                                     series.begin() + segments[s].second);
      const BestSplit split = FindBestSplit(part, options.min_segment);
      if (split.t != 0 && (chosen == segments.size() || split.q > best.q)) {
        best = split;
        chosen = s;
      }
    }
    if (chosen == segments.size() || !(best.q > 0.0)) break;
    const auto [begin, end] = segments[chosen];
    const std::vector<double> part(series.begin() + begin, series.begin() + end);
    const double p = PermutationPValue(part, best.q, options, &random);
    if (!(p < options.alpha)) break;
    found.push_back(ChangePoint{begin + best.t, best.q, p});
    segments[chosen] = {begin, begin + best.t};
    segments.emplace_back(begin + best.t, end);
  }
  std::sort(found.begin(), found.end(),
            [](const ChangePoint& a, const ChangePoint& b) { return a.index < b.index; });
  return found;
}

}  // namespace ipclab::results
