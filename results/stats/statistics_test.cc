#include "results/stats/statistics.h"

#include <cmath>
#include <vector>

#include "base/quantiles.h"
#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

TEST(Statistics, OddCountHandWorked) {
  const std::vector<double> values = {5, 1, 4, 2, 3};  // unsorted on purpose
  EXPECT_DOUBLE_EQ(Mean(values), 3.0);
  EXPECT_DOUBLE_EQ(Median(values), 3.0);
  // Squares of deviations 4+1+0+1+4 = 10, / (5-1) = 2.5.
  EXPECT_DOUBLE_EQ(SampleStdDev(values), std::sqrt(2.5));
  // |x - 3| = {2, 2, 1, 1, 0} -> median 1.
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation(values), 1.0);
  EXPECT_DOUBLE_EQ(CoefficientOfVariation(values), std::sqrt(2.5) / 3.0);
  EXPECT_EQ(values, (std::vector<double>{5, 1, 4, 2, 3})) << "inputs are never reordered";
}

TEST(Statistics, EvenCountHandWorked) {
  const std::vector<double> values = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(Mean(values), 2.5);
  EXPECT_DOUBLE_EQ(Median(values), 2.5);
  // 2.25 + 0.25 + 0.25 + 2.25 = 5, / 3.
  EXPECT_DOUBLE_EQ(SampleStdDev(values), std::sqrt(5.0 / 3.0));
  // |x - 2.5| = {1.5, 0.5, 0.5, 1.5} -> median 1.
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation(values), 1.0);
}

// Percentile is base::Quantile: numpy's values for these inputs, and the
// clamping of q, are checked once, in base/quantiles_test.cc.
TEST(Statistics, PercentileIsBaseQuantile) {
  for (const std::vector<double>& values :
       {std::vector<double>{1, 2, 3, 4}, std::vector<double>{50, 40, 30, 20, 10},
        std::vector<double>{3, 1, 2}}) {
    for (double q : {-0.5, 0.0, 0.25, 0.5, 0.9, 0.99, 1.0, 1.5, std::nan("")}) {
      EXPECT_DOUBLE_EQ(Percentile(values, q), base::Quantile(values, q)) << "q " << q;
    }
  }
}

// One value: every location is that value and every spread 0; no values:
// everything is 0.
TEST(Statistics, SingleValueAndEmptyInput) {
  struct Degenerate {
    std::vector<double> values;
    double location;
  };
  for (const Degenerate& c : {Degenerate{{7}, 7.0}, Degenerate{{}, 0.0}}) {
    SCOPED_TRACE(c.values.size());
    EXPECT_EQ(Mean(c.values), c.location);
    EXPECT_EQ(Median(c.values), c.location);
    EXPECT_EQ(Percentile(c.values, 0.5), c.location);
    EXPECT_EQ(Percentile(c.values, 0.99), c.location);
    EXPECT_EQ(SampleStdDev(c.values), 0.0);
    EXPECT_EQ(MedianAbsoluteDeviation(c.values), 0.0);
    EXPECT_EQ(CoefficientOfVariation(c.values), 0.0);
  }
}

TEST(Statistics, CoefficientOfVariationOfZeroMeanIsZero) {
  EXPECT_EQ(CoefficientOfVariation({-1, 1}), 0.0);
}

TEST(Statistics, CoefficientOfVariationUsesMagnitudeOfMean) {
  // Memory deltas can be negative; the spread is still positive.
  EXPECT_DOUBLE_EQ(CoefficientOfVariation({-2, -4}), std::sqrt(2.0) / 3.0);
}

}  // namespace
}  // namespace ipclab::results
