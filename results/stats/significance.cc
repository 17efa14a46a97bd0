#include "results/stats/significance.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "base/quantiles.h"

namespace ipclab::results {
namespace {

// Counts c[u] of the orderings of m x's and n y's with U = u: the
// coefficients of the Gaussian binomial [m+n choose m]_q, built as
// prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Each step leaves the polynomial
// [n+i choose i]_q, so the division is exact; O(m * m * n) operations.
std::vector<int64_t> MannWhitneyCounts(int m, int n) {
  const int top = m * n;
  std::vector<int64_t> counts(static_cast<size_t>(top) + 1, 0);
  counts[0] = 1;
  for (int i = 1; i <= m; ++i) {
    const int up = n + i;
    for (int j = std::min(top, i * n); j >= up; --j) counts[j] -= counts[j - up];
    for (int j = i; j <= std::min(top, i * n); ++j) counts[j] += counts[j - i];
  }
  return counts;
}

// Midranks (1-based) of the combined sample, the rank sum of x and the tie
// term sum(t^3 - t).
struct Ranking {
  double rank_sum_x = 0.0;
  double tie_term = 0.0;
  bool has_ties = false;
};

Ranking Rank(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, bool>> combined;  // (value, from x)
  combined.reserve(x.size() + y.size());
  for (double value : x) combined.emplace_back(value, true);
  for (double value : y) combined.emplace_back(value, false);
  std::sort(combined.begin(), combined.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Ranking ranking;
  size_t start = 0;
  while (start < combined.size()) {
    size_t end = start + 1;
    while (end < combined.size() && combined[end].first == combined[start].first) ++end;
    const double tied = static_cast<double>(end - start);
    const double midrank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (size_t k = start; k < end; ++k) {
      if (combined[k].second) ranking.rank_sum_x += midrank;
    }
    if (tied > 1) {
      ranking.has_ties = true;
      ranking.tie_term += tied * tied * tied - tied;
    }
    start = end;
  }
  return ranking;
}

// The median of a resample of `sorted` given how often each index was drawn.
double ResampledMedian(const std::vector<double>& sorted, const std::vector<uint32_t>& drawn) {
  const size_t n = sorted.size();
  const size_t low_rank = (n - 1) / 2;  // 0-based ranks of the middle values
  const size_t high_rank = n / 2;
  size_t seen = 0;
  double low = 0.0;
  for (size_t index = 0; index < n; ++index) {
    if (drawn[index] == 0) continue;
    const size_t next = seen + drawn[index];
    if (seen <= low_rank && low_rank < next) low = sorted[index];
    if (seen <= high_rank && high_rank < next) return (low + sorted[index]) / 2.0;
    seen = next;
  }
  return low;  // not reached: the counts sum to n
}

// Draws one resample of `sorted` and returns its median.
double DrawMedian(const std::vector<double>& sorted, SplitMix64* random,
                  std::vector<uint32_t>* drawn) {
  std::fill(drawn->begin(), drawn->end(), 0);
  for (size_t k = 0; k < sorted.size(); ++k) ++(*drawn)[random->Below(sorted.size())];
  return ResampledMedian(sorted, *drawn);
}

Interval SortedInterval(std::vector<double>* values, double tail) {
  std::sort(values->begin(), values->end());
  return Interval{base::SortedQuantile(*values, tail), base::SortedQuantile(*values, 1.0 - tail)};
}

}  // namespace

MannWhitneyResult MannWhitneyU(const std::vector<double>& x, const std::vector<double>& y) {
  MannWhitneyResult result;
  if (x.empty() || y.empty()) return result;
  const double m = static_cast<double>(x.size());
  const double n = static_cast<double>(y.size());
  const Ranking ranking = Rank(x, y);
  result.u = ranking.rank_sum_x - m * (m + 1.0) / 2.0;

  const int total = static_cast<int>(x.size() + y.size());
  if (!ranking.has_ties && total <= kExactMannWhitneyLimit) {
    const std::vector<int64_t> counts =
        MannWhitneyCounts(static_cast<int>(x.size()), static_cast<int>(y.size()));
    const int64_t u = static_cast<int64_t>(std::llround(result.u));
    double all = 0.0;
    double at_most = 0.0;
    for (size_t k = 0; k < counts.size(); ++k) {
      all += static_cast<double>(counts[k]);
      if (static_cast<int64_t>(k) <= u) at_most += static_cast<double>(counts[k]);
    }
    const double at_least = all - at_most + static_cast<double>(counts[static_cast<size_t>(u)]);
    result.p_value = std::min(1.0, 2.0 * std::min(at_most, at_least) / all);
    result.exact = true;
    return result;
  }

  const double big_n = m + n;
  const double variance =
      m * n / 12.0 * ((big_n + 1.0) - ranking.tie_term / (big_n * (big_n - 1.0)));
  if (!(variance > 0.0)) return result;  // every value tied: no evidence at all
  const double z = std::max(0.0, std::fabs(result.u - m * n / 2.0) - 0.5) / std::sqrt(variance);
  result.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return result;
}

double SmallestPossiblePValue(int m, int n) {
  if (m <= 0 || n <= 0) return 1.0;
  // C(m+n, m) as a double, built incrementally to stay finite.
  double orderings = 1.0;
  for (int k = 1; k <= m; ++k) orderings = orderings * static_cast<double>(n + k) / k;
  return std::min(1.0, 2.0 / orderings);
}

int MinimumRepetitionsPerSide(double alpha) {
  for (int n = 1; n < 1000; ++n) {
    if (SmallestPossiblePValue(n, n) < alpha) return n;
  }
  return 1000;
}

BootstrapIntervals BootstrapMedians(const std::vector<double>& x, const std::vector<double>& y,
                                    const BootstrapOptions& options) {
  BootstrapIntervals intervals;
  if (x.empty() || y.empty() || options.resamples <= 0) return intervals;
  std::vector<double> sorted_x = x;
  std::vector<double> sorted_y = y;
  std::sort(sorted_x.begin(), sorted_x.end());
  std::sort(sorted_y.begin(), sorted_y.end());
  std::vector<uint32_t> drawn_x(sorted_x.size());
  std::vector<uint32_t> drawn_y(sorted_y.size());
  SplitMix64 random(options.seed);
  std::vector<double> differences;
  std::vector<double> ratios;
  differences.reserve(static_cast<size_t>(options.resamples));
  ratios.reserve(static_cast<size_t>(options.resamples));
  bool ratio_defined = true;
  for (int r = 0; r < options.resamples; ++r) {
    const double median_x = DrawMedian(sorted_x, &random, &drawn_x);
    const double median_y = DrawMedian(sorted_y, &random, &drawn_y);
    differences.push_back(median_y - median_x);
    ratio_defined &= median_x != 0.0;
    if (ratio_defined) ratios.push_back((median_y - median_x) / std::fabs(median_x));
  }
  const double tail = (1.0 - std::clamp(options.confidence, 0.0, 1.0)) / 2.0;
  intervals.difference = SortedInterval(&differences, tail);
  if (ratio_defined) intervals.relative = SortedInterval(&ratios, tail);
  return intervals;
}

Interval BootstrapMedianDifference(const std::vector<double>& x, const std::vector<double>& y,
                                   const BootstrapOptions& options) {
  return BootstrapMedians(x, y, options).difference;
}

}  // namespace ipclab::results
