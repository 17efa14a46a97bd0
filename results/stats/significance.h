// Pure statistics for comparing two sets of repetitions: the Mann-Whitney U
// test, a percentile bootstrap of the difference of medians, and the
// deterministic random numbers the bootstrap draws. Like statistics.h, these
// are functions over vectors: same input, same output, on every machine.
//
//   MannWhitneyResult test = MannWhitneyU(baseline, candidate);
//   Interval ci = BootstrapMedianDifference(baseline, candidate, {});
//   bool significant = test.p_value < 0.05 && (ci.lower > 0 || ci.upper < 0);
#ifndef IPCLAB_RESULTS_STATS_SIGNIFICANCE_H_
#define IPCLAB_RESULTS_STATS_SIGNIFICANCE_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace ipclab::results {

struct MannWhitneyResult {
  // U of the first sample: the number of pairs (x, y) with x > y, ties
  // counting 1/2. U of the second sample is m*n - u.
  double u = 0.0;
  // Two-sided p-value; 1 when either sample is empty.
  double p_value = 1.0;
  // True when p_value comes from the exact distribution of U (no ties and
  // m + n <= kExactMannWhitneyLimit), false for the normal approximation.
  bool exact = false;
};

// Samples up to this combined size, without ties, use the exact
// distribution (its counts fit in 64 bits up to C(60, 30)).
inline constexpr int kExactMannWhitneyLimit = 60;

// The two-sided Mann-Whitney U test of "x and y come from one distribution".
//   exact:  p = min(1, 2 min(P(U <= u), P(U >= u))) under the null, counting
//           the C(m+n, m) equally likely orderings (scipy's method="exact");
//   normal: z = (|u - mn/2| - 1/2) / sigma with
//           sigma^2 = mn/12 ((N+1) - sum(t^3 - t) / (N(N-1))) over the tie
//           groups t, p = erfc(z / sqrt 2) (scipy's asymptotic method with
//           continuity and tie correction); p = 1 when every value is tied.
MannWhitneyResult MannWhitneyU(const std::vector<double>& x, const std::vector<double>& y);

// The smallest p-value the exact test can give for samples of m and n values
// (complete separation): 2 / C(m+n, m), capped at 1.
double SmallestPossiblePValue(int m, int n);

// The smallest n such that two samples of n values each can reach
// p < alpha at all: 4 for alpha = 0.05 (2/70), 5 for alpha = 0.01 (2/252).
int MinimumRepetitionsPerSide(double alpha);

// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator whose output is
// fixed by its seed on every platform, unlike std::uniform_int_distribution.
class SplitMix64 final {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) without bias: Lemire's multiply-shift (ACM TOMACS
  // 2019), the high half of value * bound, rejecting the few low halves that
  // would bias it (a division only then); bound > 0.
  uint64_t Below(uint64_t bound) {
    unsigned __int128 product = static_cast<unsigned __int128>(Next()) * bound;
    uint64_t low = static_cast<uint64_t>(product);
    if (low < bound) {
      const uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<unsigned __int128>(Next()) * bound;
        low = static_cast<uint64_t>(product);
      }
    }
    return static_cast<uint64_t>(product >> 64);
  }

 private:
  uint64_t state_;
};

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

struct BootstrapOptions {
  int resamples = 1000;
  double confidence = 0.95;
  uint64_t seed = 0x1bc1ab;  // any fixed value; results are reproducible
};

// Both intervals of one bootstrap (the same resamples).
struct BootstrapIntervals {
  Interval difference;  // of median(y*) - median(x*)
  // Of (median(y*) - median(x*)) / |median(x*)|, the relative change;
  // nullopt when some resampled median of x is 0 (x holds zeros).
  std::optional<Interval> relative;
};

// Percentile bootstrap confidence intervals of the difference and the
// relative change of the medians; resampling as described below.
BootstrapIntervals BootstrapMedians(const std::vector<double>& x, const std::vector<double>& y,
                                    const BootstrapOptions& options);

// Percentile bootstrap confidence interval of median(y) - median(x): each
// resample draws |x| values from x and |y| values from y with replacement
// (independently, from one SplitMix64 stream seeded with options.seed; x's
// draws, then y's, per resample), and the interval is the (1-c)/2 and
// (1+c)/2 quantiles (statistics.h Percentile) of the resampled differences. An empty x or y gives
// {0, 0}.
Interval BootstrapMedianDifference(const std::vector<double>& x, const std::vector<double>& y,
                                   const BootstrapOptions& options);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STATS_SIGNIFICANCE_H_
