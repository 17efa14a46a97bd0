// The gate's statistics against values worked by hand: Benjamini-Hochberg,
// the robust spread and its floor, and e-divisive means.
#include <cmath>

#include "gtest/gtest.h"
#include "results/stats/change_points.h"
#include "results/stats/false_discovery.h"
#include "results/stats/noise.h"

namespace ipclab::results {
namespace {

TEST(BenjaminiHochberg, MatchesRsPAdjust) {
  // Sorted: 0.005 0.01 0.03 0.04 -> p*m/rank = 0.02 0.02 0.04 0.04, then the
  // running minimum from the top; R: p.adjust(c(.01,.04,.03,.005), "BH").
  const std::vector<double> adjusted = BenjaminiHochbergAdjust({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.02);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.04);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.04);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
}

TEST(BenjaminiHochberg, CapsAtOneAndKeepsASingleP) {
  EXPECT_DOUBLE_EQ(BenjaminiHochbergAdjust({0.3})[0], 0.3);
  const std::vector<double> adjusted = BenjaminiHochbergAdjust({0.9, 0.8});
  EXPECT_DOUBLE_EQ(adjusted[0], 0.9);  // min(0.9*2/2, ...) = 0.9
  EXPECT_DOUBLE_EQ(adjusted[1], 0.9);  // min(0.8*2/1, 0.9)
  EXPECT_TRUE(BenjaminiHochbergAdjust({}).empty());
}

TEST(BenjaminiHochberg, ManyEqualSmallPValuesAllSurvive) {
  // The A/B experiment: every case separated completely at 10 vs 10
  // (p = 2/C(20,10)) among 20 checks: all stay below 0.05.
  const double p = 2.0 / 184756.0;
  std::vector<double> p_values(20, p);
  for (double q : BenjaminiHochbergAdjust(p_values)) EXPECT_DOUBLE_EQ(q, p);
}

TEST(RobustLogSpread, IsTheScaledMadOfTheLogs) {
  // ln: 0, 1, 2; median 1; deviations 1, 0, 1; MAD 1.
  EXPECT_DOUBLE_EQ(RobustLogSpread({1.0, std::exp(1.0), std::exp(2.0)}), 1.4826);
  EXPECT_DOUBLE_EQ(RobustLogSpread({5.0, 5.0, 5.0}), 0.0);
  EXPECT_DOUBLE_EQ(RobustLogSpread({5.0}), 0.0);
}

TEST(RobustLogSpread, FallsBackToTheRelativeMadWithZeros) {
  // 0, 10, 20: median 10, deviations 10, 0, 10, MAD 10 -> 1.4826 * 10 / 10.
  EXPECT_DOUBLE_EQ(RobustLogSpread({0.0, 10.0, 20.0}), 1.4826);
  EXPECT_DOUBLE_EQ(RobustLogSpread({0.0, 0.0, 3.0}), 0.0);  // median 0
}

TEST(NoiseFloor, TurnsALogSpreadIntoARelativeChange) {
  EXPECT_NEAR(NoiseFloor(0.05, 3, /*higher_is_better=*/true), 1 - std::exp(-0.15), 1e-15);
  EXPECT_NEAR(NoiseFloor(0.05, 3, /*higher_is_better=*/false), std::exp(0.15) - 1, 1e-15);
  EXPECT_NEAR(NoiseFloor(0.05, 3, true), 0.139292, 1e-6);
  EXPECT_NEAR(NoiseFloor(0.05, 3, false), 0.161834, 1e-6);
}

TEST(EDivisiveQ, TwoStepsOfTwo) {
  // Between: 4 pairs of distance 10 -> 2*40/(2*2) = 20; within: 0.
  // Q = 2*2/4 * 20 = 20.
  EXPECT_DOUBLE_EQ(EDivisiveQ({0, 0, 10, 10}, 2), 20.0);
}

TEST(EDivisiveQ, OneAgainstTwo) {
  // A = {1}, B = {2, 3}: between |1-2| + |1-3| = 3 -> 2*3/2 = 3; B's within
  // |2-3| / C(2,2) = 1; E = 2; Q = 1*2/3 * 2.
  EXPECT_DOUBLE_EQ(EDivisiveQ({1, 2, 3}, 1), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(EDivisiveQ({1, 2, 3}, 0), 0.0);
}

TEST(EDivisiveChangePoints, FindsOneStep) {
  std::vector<double> series = {10, 11, 10, 12, 11, 10, 11, 12, 20, 21, 20, 22, 21, 20, 21, 22};
  const std::vector<ChangePoint> points = EDivisiveChangePoints(series, {});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 8u);
  EXPECT_DOUBLE_EQ(points[0].q, EDivisiveQ(series, 8));
  EXPECT_LT(points[0].p_value, 0.05);
  EXPECT_GE(points[0].p_value, 1.0 / 200.0);
}

TEST(EDivisiveChangePoints, FindsTwoStepsOfAStaircase) {
  // (A step and its return, 5 -> 9 -> 5, is a known blind spot of splitting
  // in two at a time without the right end kappa of Matteson & James: its
  // first split is not significant, p = 0.25.)
  std::vector<double> series = {5, 6, 5, 6, 5, 6, 9, 10, 9, 10, 9, 10, 13, 14, 13, 14, 13, 14};
  const std::vector<ChangePoint> points = EDivisiveChangePoints(series, {});
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].index, 6u);
  EXPECT_EQ(points[1].index, 12u);
}

TEST(EDivisiveChangePoints, NoneInNoiseOrShortSeries) {
  const std::vector<double> noise = {10, 12, 11, 10, 12, 11, 10, 12, 11, 10, 12, 11};
  EXPECT_TRUE(EDivisiveChangePoints(noise, {}).empty());
  EXPECT_TRUE(EDivisiveChangePoints({1, 100}, {}).empty());  // below 2 * min_segment
  EXPECT_TRUE(EDivisiveChangePoints({}, {}).empty());
}

TEST(EDivisiveChangePoints, IsReproducible) {
  std::vector<double> series = {1, 2, 1, 2, 1, 2, 1, 5, 6, 5, 6, 5};
  const auto first = EDivisiveChangePoints(series, {});
  const auto second = EDivisiveChangePoints(series, {});
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].p_value, second[i].p_value);
}

}  // namespace
}  // namespace ipclab::results
