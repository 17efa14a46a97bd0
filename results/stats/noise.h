// How much one side's repetitions spread, in a form the gate can compare
// with a change: robust (median absolute deviation, so one disturbed
// repetition does not widen it) and relative (on the log scale, so a
// throughput that halves and a latency that doubles are the same size).
#ifndef IPCLAB_RESULTS_STATS_NOISE_H_
#define IPCLAB_RESULTS_STATS_NOISE_H_

#include <vector>

namespace ipclab::results {

// MAD times this estimates the standard deviation of normal values.
inline constexpr double kNormalConsistency = 1.4826;

// 1.4826 * MAD of ln(x): for log-normal repetitions an estimate of the
// standard deviation of ln(x), about the coefficient of variation when that
// is small. For values that are not all > 0 (an RSS growth of 0 or less),
// 1.4826 * MAD(x) / |median(x)| instead, and 0 when the median is 0. 0 for
// fewer than 2 values.
double RobustLogSpread(const std::vector<double>& values);

// The relative change in the worse direction that `spread` (a RobustLogSpread)
// times `k` amounts to: 1 - exp(-k spread) for a fall (higher is better),
// exp(k spread) - 1 for a rise (lower is better). 0.05 and k = 3 give 13.9%
// and 16.2%.
double NoiseFloor(double spread, double k, bool higher_is_better);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STATS_NOISE_H_
