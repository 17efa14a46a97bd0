// Change points in a series of measurements over time (a metric's median per
// stored run): e-divisive means (Matteson & James, "A Nonparametric Approach
// for Multiple Change Point Analysis of Multivariate Data", JASA 2014), the
// method of MongoDB's signal processing and Apache Otava (Daly et al., ICPE
// 2020). Nonparametric: it finds a shift of the distribution, not only of the
// mean, and makes no assumption about its shape.
//
// For a segment Z_0..Z_{n-1} split into A = Z_0..Z_{t-1} and B = Z_t..Z_{n-1}
// (alpha = 1):
//   E(t) = 2/(|A||B|) sum_{a in A, b in B} |a - b|
//          - 1/C(|A|,2) sum_{a < a' in A} |a - a'|
//          - 1/C(|B|,2) sum_{b < b' in B} |b - b'|        (a term is 0 below 2)
//   Q(t) = |A||B| / n * E(t)
// The best split maximizes Q. Its significance is a permutation test: the
// segment's values are shuffled `permutations` times (Fisher-Yates from one
// SplitMix64 stream, so the same input gives the same answer everywhere) and
// p = (1 + #{shuffles whose best Q >= the observed}) / (1 + permutations).
// Splits are found one at a time: of all current segments the one with the
// largest best Q is tested; if p < alpha the split is kept and the search
// goes on, else it stops.
#ifndef IPCLAB_RESULTS_STATS_CHANGE_POINTS_H_
#define IPCLAB_RESULTS_STATS_CHANGE_POINTS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ipclab::results {

struct ChangePointOptions {
  double alpha = 0.05;     // significance of each split
  int permutations = 199;  // p can reach 1/200
  size_t min_segment = 3;  // values on each side of a split, at least
  uint64_t seed = 0xed1715;
};

struct ChangePoint {
  size_t index = 0;    // the first value after the change
  double q = 0.0;      // Q of the split, within its segment
  double p_value = 1;  // of the permutation test
};

// Q(t) for splitting `series` before index t (0 < t < size).
double EDivisiveQ(const std::vector<double>& series, size_t t);

// The change points of `series`, in index order.
std::vector<ChangePoint> EDivisiveChangePoints(const std::vector<double>& series,
                                               const ChangePointOptions& options);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STATS_CHANGE_POINTS_H_
