#include "client/progress.h"

#include <sstream>

#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

v1::RunEvent Accepted(uint32_t queue_position) {
  v1::RunEvent event;
  event.mutable_accepted()->set_run_id("r1");
  event.mutable_accepted()->set_queue_position(queue_position);
  return event;
}

v1::RunEvent Started(std::initializer_list<const char*> case_names) {
  v1::RunEvent event;
  uint32_t index = 0;
  for (const char* name : case_names) {
    v1::Case* c = event.mutable_started()->add_cases();
    c->set_index(index++);
    c->set_name(name);
  }
  return event;
}

v1::RunEvent Progress(uint32_t case_index, uint32_t case_count, uint32_t repetition, bool warmup,
                      const char* phase) {
  v1::RunEvent event;
  v1::Progress* progress = event.mutable_progress();
  progress->set_case_index(case_index);
  progress->set_case_count(case_count);
  progress->set_repetition(repetition);
  progress->set_warmup(warmup);
  progress->set_phase(phase);
  return event;
}

TEST(RunProgress, FollowsARunFromQueueToMeasuredRepetitions) {
  v1::RunRequest request;
  request.set_repetitions(5);
  RunProgress progress(request);
  EXPECT_EQ(progress.Text(), "submitted");
  progress.Apply(Accepted(2));
  EXPECT_EQ(progress.Text(), "queued: position 2");
  progress.Apply(Started({"message_size=4KiB", "message_size=64KiB"}));
  EXPECT_EQ(progress.Text(), "started");
  progress.Apply(Progress(0, 2, 0, /*warmup=*/true, "setup"));
  EXPECT_EQ(progress.Text(), "[case 1/2 message_size=4KiB] warmup 1/1 setup");
  progress.Apply(Progress(1, 2, 2, /*warmup=*/false, "steady"));
  EXPECT_EQ(progress.Text(), "[case 2/2 message_size=64KiB] rep 3/5 steady");
}

TEST(RunProgress, UsesServerDefaultsAndShowsQueuePosition) {
  v1::RunRequest request;  // repetitions 0, warm-up unset: 10 and 1
  RunProgress progress(request);
  progress.Apply(Started({""}));
  v1::RunEvent event = Progress(0, 1, 0, false, "steady");
  event.mutable_progress()->set_queue_position(1);
  progress.Apply(event);
  EXPECT_EQ(progress.Text(), "[case 1/1] rep 1/10 steady   queued: position 1");
}

TEST(RunProgress, LongCaseNamesAreCutSoTheRepetitionStaysVisible) {
  RunProgress progress(v1::RunRequest{});
  progress.Apply(Started({"message_size=64,mode=pingpong,placement=cross,total_bytes=3125KiB"}));
  progress.Apply(Progress(0, 1, 0, false, "steady"));
  EXPECT_EQ(progress.Text(), "[case 1/1 message_size=64,mode=pingpong,pla...] rep 1/10 steady");
}

TEST(RunProgress, ExplicitZeroWarmupsAreKept) {
  v1::RunRequest request;
  request.set_warmup(0);
  request.set_repetitions(2);
  RunProgress progress(request);
  progress.Apply(Progress(0, 1, 1, false, ""));
  EXPECT_EQ(progress.Text(), "[case 1/1] rep 2/2");
}

TEST(ProgressLine, RedrawsOneLineAndClearsIt) {
  std::ostringstream out;
  {
    ProgressLine line(&out, /*enabled=*/true, 80, {"embedded"});
    line.Update(0, "rep 1/5");
    line.Update(0, "rep 2/5");
  }  // the destructor clears
  EXPECT_EQ(out.str(), "\rrep 1/5\x1b[K\rrep 2/5\x1b[K\r\x1b[K");
}

TEST(ProgressLine, JoinsSlotsWithLabelsAndFitsTheTerminal) {
  std::ostringstream out;
  ProgressLine line(&out, /*enabled=*/true, 30, {"a:1", "b:2"});
  line.Update(1, "connecting");
  line.Update(0, "rep 1/5 steady");
  const std::string last = out.str().substr(out.str().rfind('\r'));
  // "a:1: rep 1/5 steady | b:2: connecting" cut to 29 columns.
  EXPECT_EQ(last, "\ra:1: rep 1/5 steady | b:2: co\x1b[K");
  line.Clear();
  line.Clear();  // idempotent
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\x1b[K");
}

TEST(ProgressLine, DisabledWritesNothing) {
  std::ostringstream out;
  {
    ProgressLine line(&out, /*enabled=*/false, 80, {"embedded"});
    line.Update(0, "rep 1/5");
    line.Clear();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(RunProgress, FractionCountsWarmupsAndMeasuredRepetitions) {
  v1::RunRequest request;
  request.set_repetitions(3);
  request.set_warmup(1);  // 4 repetitions per case, 8 in all
  RunProgress progress(request);
  EXPECT_EQ(progress.Fraction(), std::nullopt);
  progress.Apply(Started({"a", "b"}));
  progress.Apply(Progress(0, 2, 0, /*warmup=*/true, "setup"));
  EXPECT_DOUBLE_EQ(*progress.Fraction(), 0.0);
  progress.Apply(Progress(0, 2, 2, /*warmup=*/false, "steady"));  // 1 warm-up + 2 done
  EXPECT_DOUBLE_EQ(*progress.Fraction(), 3.0 / 8);
  progress.Apply(Progress(1, 2, 1, /*warmup=*/false, "steady"));  // 4 + 1 + 1 done
  EXPECT_DOUBLE_EQ(*progress.Fraction(), 6.0 / 8);
}

TEST(RunProgress, FractionFollowsTheServersCountWhenCasesTakeTurns) {
  v1::RunRequest request;
  request.set_repetitions(4);
  request.set_warmup(1);
  RunProgress progress(request);
  progress.Apply(Started({"a", "b"}));
  // Round 2 of 2 runs case 1 first: by case index this would read 5/10 done.
  v1::RunEvent event = Progress(1, 2, 2, /*warmup=*/false, "steady");
  event.mutable_progress()->set_done_repetitions(6);
  event.mutable_progress()->set_total_repetitions(10);
  progress.Apply(event);
  EXPECT_DOUBLE_EQ(*progress.Fraction(), 6.0 / 10);
}

TEST(ProgressBarText, ShowsPercentElapsedAndEta) {
  EXPECT_EQ(ProgressBarText(0.25, absl::Seconds(30), 8), "[##------]  25%  0:30 elapsed, ETA 1:30");
  EXPECT_EQ(ProgressBarText(0.0, absl::Seconds(1), 4), "[----]   0%  0:01 elapsed");
  EXPECT_EQ(ProgressBarText(1.0, absl::Seconds(3725), 4), "[####] 100%  1:02:05 elapsed");
}

TEST(ProgressLine, DrawsTheBarOnceAShareIsKnown) {
  std::ostringstream out;
  ProgressLine line(&out, /*enabled=*/true, 200, {"embedded"});
  line.Update(0, "run 1/13 pipe [case 1/6] rep 1/5", 0.5);
  const std::string drawn = out.str();
  EXPECT_NE(drawn.find("[##########----------]  50%  0:00 elapsed"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("  run 1/13 pipe [case 1/6] rep 1/5"), std::string::npos) << drawn;
}

}  // namespace
}  // namespace ipclab::client
