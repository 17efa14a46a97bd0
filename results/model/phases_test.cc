#include "results/model/phases.h"

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

v1::RepetitionResult Repetition(std::initializer_list<const char*> phases) {
  v1::RepetitionResult repetition;
  for (const char* name : phases) repetition.add_phases()->set_name(name);
  return repetition;
}

TEST(Phases, FindPhaseByName) {
  const v1::RepetitionResult repetition = Repetition({"setup", "steady", "teardown"});
  ASSERT_NE(FindPhase(repetition, "steady"), nullptr);
  EXPECT_EQ(FindPhase(repetition, "steady"), &repetition.phases(1));
  EXPECT_EQ(FindPhase(repetition, "warm"), nullptr);
}

TEST(CaseMetrics, HeadlinePhaseWithoutSteady) {
  v1::CaseResult result;
  *result.add_repetitions() = Repetition({"setup", "write", "teardown"});
  EXPECT_EQ(HeadlinePhase(result), "write");
  EXPECT_EQ(HeadlinePhase(v1::CaseResult()), "");
}

TEST(Phases, HeadlinePhaseIsSteadyWhenPresentThenTheFirstThatMovedBytes) {
  v1::CaseResult transfer;
  *transfer.add_repetitions() = Repetition({"setup", "warm", "steady", "teardown"});
  transfer.mutable_repetitions(0)->mutable_phases(1)->set_bytes(4096);
  EXPECT_EQ(HeadlinePhase(transfer), "steady");

  v1::CaseResult cow;
  *cow.add_repetitions() = Repetition({"setup", "fork", "child_write", "teardown"});
  cow.mutable_repetitions(0)->mutable_phases(2)->set_bytes(1 << 20);
  EXPECT_EQ(HeadlinePhase(cow), "child_write");

  v1::CaseResult edges_only;
  *edges_only.add_repetitions() = Repetition({"setup", "teardown"});
  EXPECT_EQ(HeadlinePhase(edges_only), "setup");
}

}  // namespace
}  // namespace ipclab::results
