// The Mann-Whitney U test and the bootstrap against values worked by hand.
#include "results/stats/significance.h"

#include <cmath>

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

TEST(MannWhitneyU, CompleteSeparationOfThreeAndThree) {
  // U counts pairs x > y: none. Of the C(6,3) = 20 orderings exactly one has
  // U = 0, so P(U <= 0) = 1/20 and the two-sided p is 2/20.
  const MannWhitneyResult result = MannWhitneyU({1, 2, 3}, {4, 5, 6});
  EXPECT_DOUBLE_EQ(result.u, 0.0);
  EXPECT_DOUBLE_EQ(result.p_value, 0.1);
  EXPECT_TRUE(result.exact);
}

TEST(MannWhitneyU, InterleavedThreeAndThree) {
  // x = {1,3,5}, y = {2,4,6}: pairs with x > y are (3,2), (5,2), (5,4): U = 3.
  // Counts of U = 0..9 over the 20 orderings: 1 1 2 3 3 3 3 2 1 1, so
  // P(U <= 3) = 7/20, P(U >= 3) = 16/20 and p = 2 * 7/20 = 0.7.
  const MannWhitneyResult result = MannWhitneyU({1, 3, 5}, {2, 4, 6});
  EXPECT_DOUBLE_EQ(result.u, 3.0);
  EXPECT_DOUBLE_EQ(result.p_value, 0.7);
}

TEST(MannWhitneyU, TwoAndTwo) {
  // Orderings of 2 x's among 4 places: U = 0,1,2,2,3,4 (6 in all).
  EXPECT_DOUBLE_EQ(MannWhitneyU({1, 2}, {3, 4}).p_value, 2.0 / 6.0);
  // {1,3} vs {2,4}: U = 1; P(U <= 1) = 2/6.
  EXPECT_DOUBLE_EQ(MannWhitneyU({1, 3}, {2, 4}).p_value, 4.0 / 6.0);
}

TEST(MannWhitneyU, FourAndFourReachesFivePercent) {
  const MannWhitneyResult result = MannWhitneyU({5, 6, 7, 8}, {1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(result.u, 16.0);  // every pair has x > y
  EXPECT_DOUBLE_EQ(result.p_value, 2.0 / 70.0);
}

TEST(MannWhitneyU, SwappingTheSamplesMirrorsU) {
  const MannWhitneyResult forward = MannWhitneyU({1, 3, 5, 9}, {2, 4, 6});
  const MannWhitneyResult backward = MannWhitneyU({2, 4, 6}, {1, 3, 5, 9});
  EXPECT_DOUBLE_EQ(forward.u + backward.u, 12.0);
  EXPECT_DOUBLE_EQ(forward.p_value, backward.p_value);
}

TEST(MannWhitneyU, TiesUseTheNormalApproximationWithTieCorrection) {
  // Combined sorted: 1x 2x 2x 2y 3x 3y 4y 4y; midranks 1, 3, 3, 3, 5.5, 5.5,
  // 7.5, 7.5. R_x = 1 + 3 + 3 + 5.5 = 12.5, U = 12.5 - 4*5/2 = 2.5.
  // Ties: t = 3, 2, 2 -> sum(t^3 - t) = 24 + 6 + 6 = 36.
  // sigma^2 = 16/12 * (9 - 36/56) = 11.142857..., sigma = 3.3380918...
  // z = (|2.5 - 8| - 0.5) / sigma = 1.4978617..., p = erfc(z / sqrt 2).
  const MannWhitneyResult result = MannWhitneyU({1, 2, 2, 3}, {2, 3, 4, 4});
  EXPECT_DOUBLE_EQ(result.u, 2.5);
  EXPECT_FALSE(result.exact);
  const double sigma = std::sqrt(16.0 / 12.0 * (9.0 - 36.0 / 56.0));
  EXPECT_NEAR(result.p_value, std::erfc((5.5 - 0.5) / sigma / std::sqrt(2.0)), 1e-15);
  EXPECT_NEAR(result.p_value, 0.13416918012812581, 1e-12);
}

TEST(MannWhitneyU, EverythingTiedOrEmptyIsNoEvidence) {
  EXPECT_DOUBLE_EQ(MannWhitneyU({5, 5, 5}, {5, 5, 5}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(MannWhitneyU({}, {1, 2}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(MannWhitneyU({1, 2}, {}).p_value, 1.0);
}

TEST(MannWhitneyU, ExactUpToThirtyAndThirty) {
  std::vector<double> low;
  std::vector<double> high;
  for (int i = 0; i < 30; ++i) {
    low.push_back(i);
    high.push_back(100 + i);
  }
  const MannWhitneyResult result = MannWhitneyU(low, high);
  EXPECT_TRUE(result.exact);
  // 2 / C(60, 30), C(60, 30) = 118264581564861424.
  EXPECT_NEAR(result.p_value / (2.0 / 118264581564861424.0), 1.0, 1e-9);
  // One more value: the normal approximation.
  low.push_back(30);
  EXPECT_FALSE(MannWhitneyU(low, high).exact);
}

TEST(SmallestPossiblePValue, IsTwoOverTheNumberOfOrderings) {
  EXPECT_DOUBLE_EQ(SmallestPossiblePValue(3, 3), 0.1);
  EXPECT_DOUBLE_EQ(SmallestPossiblePValue(4, 4), 2.0 / 70.0);
  EXPECT_DOUBLE_EQ(SmallestPossiblePValue(1, 1), 1.0);
  EXPECT_DOUBLE_EQ(SmallestPossiblePValue(0, 5), 1.0);
  EXPECT_EQ(MinimumRepetitionsPerSide(0.05), 4);  // 2/20 >= 0.05 > 2/70
  EXPECT_EQ(MinimumRepetitionsPerSide(0.01), 5);  // 2/70 >= 0.01 > 2/252
}

TEST(SplitMix64, MatchesTheReferenceSequence) {
  // Reference values of splitmix64.c (Vigna) seeded with 0.
  SplitMix64 random(0);
  EXPECT_EQ(random.Next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(random.Next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(random.Next(), 0x06c45d188009454fULL);
}

TEST(SplitMix64, BelowStaysInRange) {
  SplitMix64 random(42);
  EXPECT_EQ(random.Below(1), 0u);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(random.Below(7), 7u);
}

TEST(BootstrapMedianDifference, ConstantSamplesGiveTheExactDifference) {
  const Interval ci = BootstrapMedianDifference({5, 5, 5}, {7, 7, 7}, {});
  EXPECT_DOUBLE_EQ(ci.lower, 2.0);
  EXPECT_DOUBLE_EQ(ci.upper, 2.0);
}

TEST(BootstrapMedianDifference, TwoValueSampleCoversItsWholeRange) {
  // Resamples of {10, 20} have medians 10, 15, 20 with probability 1/4, 1/2,
  // 1/4; the 2.5% and 97.5% quantiles of 1000 of them are 10 and 20 (fewer
  // than 25 draws at either end has probability below 1e-88).
  const Interval ci = BootstrapMedianDifference({10}, {10, 20}, {});
  EXPECT_DOUBLE_EQ(ci.lower, 0.0);
  EXPECT_DOUBLE_EQ(ci.upper, 10.0);
}

TEST(BootstrapMedianDifference, FixedSeedGivesFixedInterval) {
  // Worked independently with a Python transcription of the same algorithm
  // (SplitMix64, Lemire's multiply-shift, median of each resample, type-7
  // quantiles).
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 1; i <= 10; ++i) {
    x.push_back(i);
    y.push_back(i + 2);
  }
  const Interval ci = BootstrapMedianDifference(x, y, {});
  EXPECT_DOUBLE_EQ(ci.lower, -1.5);
  EXPECT_DOUBLE_EQ(ci.upper, 6.0);
  BootstrapOptions options;
  options.resamples = 500;
  options.seed = 7;
  const Interval other = BootstrapMedianDifference({1, 2, 4, 8, 16}, {3, 5, 9, 17, 33}, options);
  EXPECT_DOUBLE_EQ(other.lower, -7.0);
  EXPECT_DOUBLE_EQ(other.upper, 25.0);
}

TEST(BootstrapMedianDifference, EmptyGivesZero) {
  const Interval ci = BootstrapMedianDifference({}, {1}, {});
  EXPECT_DOUBLE_EQ(ci.lower, 0.0);
  EXPECT_DOUBLE_EQ(ci.upper, 0.0);
}

}  // namespace
}  // namespace ipclab::results
