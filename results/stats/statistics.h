// Pure statistics over the measured values of one metric (the model is Google
// Benchmark's src/statistics.cc). Inputs are taken by const reference and
// never reordered; functions that need order sort a copy.
//
// Defined behaviour at the edges: every function returns 0 for an empty input;
// SampleStdDev and CoefficientOfVariation return 0 for fewer than 2 values.
#ifndef IPCLAB_RESULTS_STATS_STATISTICS_H_
#define IPCLAB_RESULTS_STATS_STATISTICS_H_

#include <string>
#include <vector>

namespace ipclab::results {

double Mean(const std::vector<double>& values);

// The middle value; for an even count, the mean of the two middle values.
double Median(const std::vector<double>& values);

// The q-quantile, q in [0, 1] (clamped), by linear interpolation between the
// closest ranks: h = (n - 1) q, result = x[floor h] + (h - floor h) *
// (x[floor h + 1] - x[floor h]) over the sorted values (numpy's "linear",
// Hyndman & Fan type 7). Percentile(v, 0.5) == Median(v).
double Percentile(const std::vector<double>& values, double q);

// Sample standard deviation (divides by n - 1).
double SampleStdDev(const std::vector<double>& values);

// median(|x - median(x)|), unscaled (no 1.4826 normal-consistency factor).
double MedianAbsoluteDeviation(const std::vector<double>& values);

// SampleStdDev / |Mean|: the relative spread. 0 when the mean is 0.
double CoefficientOfVariation(const std::vector<double>& values);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STATS_STATISTICS_H_
