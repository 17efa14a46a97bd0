#include "base/quantiles.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(Quantile, InterpolatesBetweenClosestRanks) {
  // h = (n - 1) q; numpy.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]), the
  // values in any order.
  for (const std::vector<double>& values :
       {std::vector<double>{4, 2, 3, 1}, std::vector<double>{1, 2, 3, 4}}) {
    EXPECT_DOUBLE_EQ(Quantile(values, 0.0), 1.0);
    EXPECT_DOUBLE_EQ(Quantile(values, 0.25), 1.75);
    EXPECT_DOUBLE_EQ(Quantile(values, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(Quantile(values, 0.9), 3.7);
    EXPECT_DOUBLE_EQ(Quantile(values, 1.0), 4.0);
    EXPECT_DOUBLE_EQ(Median(values), 2.5);
  }
  // numpy.percentile([10, 20, 30, 40, 50], 99) = 49.6.
  EXPECT_DOUBLE_EQ(Quantile({50, 40, 30, 20, 10}, 0.99), 49.6);
}

TEST(Quantile, ClampsQAndEmptyIsZero) {
  EXPECT_DOUBLE_EQ(Quantile({3, 1, 2}, -0.5), 1.0);
  EXPECT_DOUBLE_EQ(Quantile({3, 1, 2}, 1.5), 3.0);
  EXPECT_DOUBLE_EQ(Quantile({3, 1, 2}, std::nan("")), 1.0);
  EXPECT_DOUBLE_EQ(Quantile({}, 0.5), 0.0);
}

TEST(SortedQuantile, IntegerSamples) {
  // Latency samples in ns: numpy.percentile([10, 20, 30, 40, 50], 99) = 49.6.
  const int64_t sorted[] = {10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(SortedQuantile(sorted, 5, 0.99), 49.6);
  EXPECT_DOUBLE_EQ(SortedQuantile(sorted, 5, 0.5), 30.0);
  EXPECT_DOUBLE_EQ(SortedQuantile(sorted, 1, 0.999), 10.0);
}

}  // namespace
}  // namespace ipclab::base
