#include "results/model/run_defaults.h"

#include <string>

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

TEST(RunDefaults, AbsentValuesTakeTheDefaults) {
  const v1::RunRequest request;
  EXPECT_EQ(EffectiveRepetitions(request), 10u);
  EXPECT_EQ(EffectiveWarmup(request), 1u);
}

TEST(RunDefaults, AnExplicitZeroWarmupIsKept) {
  v1::RunRequest request;
  request.set_warmup(0);
  EXPECT_EQ(EffectiveWarmup(request), 0u);
  request.set_warmup(3);
  request.set_repetitions(7);
  EXPECT_EQ(EffectiveWarmup(request), 3u);
  EXPECT_EQ(EffectiveRepetitions(request), 7u);
}

TEST(RunDefaults, WithRunDefaultsWritesTheEffectiveValues) {
  v1::RunRequest request;
  request.set_workload("pipe");
  const v1::RunRequest effective = WithRunDefaults(request);
  EXPECT_EQ(effective.workload(), "pipe");
  EXPECT_EQ(effective.repetitions(), 10u);
  ASSERT_TRUE(effective.has_warmup());
  EXPECT_EQ(effective.warmup(), 1u);
  // Resolving twice changes nothing.
  EXPECT_EQ(WithRunDefaults(effective).SerializeAsString(), effective.SerializeAsString());
}

TEST(RunDefaults, RoundsInterleaveRunsOfSeveralCasesOnly) {
  v1::RunRequest one_case;
  EXPECT_EQ(EffectiveRounds(one_case), 1u);
  v1::RunRequest swept;
  v1::Sweep* sweep = swept.add_sweeps();
  sweep->set_name("placement");
  sweep->add_values("same");
  EXPECT_EQ(EffectiveRounds(swept), 1u) << "a sweep of one value is one case";
  sweep->add_values("cross");
  EXPECT_EQ(EffectiveRounds(swept), kDefaultRounds);
  swept.set_repetitions(3);
  EXPECT_EQ(EffectiveRounds(swept), 3u) << "never more rounds than repetitions";
  swept.set_rounds(0);
  EXPECT_EQ(EffectiveRounds(swept), 1u);
  swept.set_rounds(50);
  EXPECT_EQ(EffectiveRounds(swept), 3u);
  one_case.set_rounds(2);
  EXPECT_EQ(EffectiveRounds(one_case), 2u) << "asked for, a single case is split too";
  EXPECT_EQ(WithRunDefaults(swept).rounds(), 3u);
}

TEST(RunDefaults, RunsStoredWithTheOldWarmupSetFlagKeepTheirMeaning) {
  // Field 6 was `bool warmup_set`; with warmup = 0 it was the only trace of
  // "no warm-ups" in the bytes: tag (6 << 3 | varint) = 0x30, value 1.
  v1::RunRequest old;
  ASSERT_TRUE(old.ParseFromString(std::string("\x30\x01", 2)));
  EXPECT_FALSE(old.has_warmup());
  EXPECT_EQ(EffectiveWarmup(old), 0u);
}

}  // namespace
}  // namespace ipclab::results
