#include "server/scheduler.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/process_checks.h"

namespace ipclab::server {
namespace {

using ::testing::IsEmpty;

// Records what the scheduler sends; Close may be awaited.
class RecordingSink final : public RunEventSink {
 public:
  void Enqueue(v1::RunEvent event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_FALSE(closed_.has_value()) << "event after Close";
    events_.push_back(std::move(event));
  }
  void Flush() override {}
  void Close(const absl::Status& status) override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_FALSE(closed_.has_value()) << "closed twice";
    closed_ = status;
    closed_cv_.notify_all();
  }

  absl::Status AwaitClose() {
    std::unique_lock<std::mutex> lock(mutex_);
    EXPECT_TRUE(closed_cv_.wait_for(lock, std::chrono::seconds(30),
                                    [this] { return closed_.has_value(); }));
    return closed_.value_or(absl::DeadlineExceededError("never closed"));
  }
  std::vector<v1::RunEvent> events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  // "accepted", "started", ... per event, in order.
  std::vector<std::string> kinds() {
    std::vector<std::string> kinds;
    for (const v1::RunEvent& event : events()) {
      const auto* field = event.GetDescriptor()->FindFieldByNumber(event.event_case());
      kinds.push_back(field != nullptr ? field->name() : "none");
    }
    return kinds;
  }
  bool HasEvent(v1::RunEvent::EventCase kind) {
    for (const v1::RunEvent& event : events()) {
      if (event.event_case() == kind) return true;
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable closed_cv_;
  std::vector<v1::RunEvent> events_;
  std::optional<absl::Status> closed_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& path : fake_workers_) testing::RemoveFakeWorker(path);
    EXPECT_THAT(testing::ChildPids(), IsEmpty());
  }

  SchedulerOptions Options(const std::string& worker_body, size_t max_queued = 16) {
    fake_workers_.push_back(testing::WriteFakeWorker(worker_body));
    SchedulerOptions options;
    options.executor.worker_path = fake_workers_.back();
    options.executor.scratch_tmpfs = "/dev/shm";
    options.executor.scratch_disk = "/tmp";
    options.max_queued_runs = max_queued;
    return options;
  }

  static std::vector<v1::Case> Cases(int count) {
    std::vector<v1::Case> cases(count);
    for (int i = 0; i < count; ++i) {
      cases[i].set_index(i);
      cases[i].set_name("case" + std::to_string(i));
    }
    return cases;
  }

  static v1::RunRequest Request() {
    v1::RunRequest request;
    request.set_workload("fake");
    return request;
  }

  // Submits a one-case run and waits until it has started: its run id, or
  // an error if it was refused or never started.
  static absl::StatusOr<std::string> SubmitAndAwaitStart(
      Scheduler& scheduler, const std::shared_ptr<RecordingSink>& sink) {
    absl::StatusOr<std::string> run_id = scheduler.Submit(Request(), Cases(1), sink);
    if (run_id.ok() && !testing::WaitFor([&] { return sink->HasEvent(v1::RunEvent::kStarted); })) {
      return absl::DeadlineExceededError("the run never started");
    }
    return run_id;
  }

  // Two one-case runs: `running`, started, and `queued` behind it.
  struct RunningAndQueued {
    std::shared_ptr<RecordingSink> running = std::make_shared<RecordingSink>();
    std::shared_ptr<RecordingSink> queued = std::make_shared<RecordingSink>();
    std::string running_id;
    std::string queued_id;
  };

  // Submits a run and waits until it started, then queues a second one (a
  // fatal test failure where either is refused or the first never starts).
  static void StartOneQueueOne(Scheduler& scheduler, RunningAndQueued& runs) {
    absl::StatusOr<std::string> running_id = SubmitAndAwaitStart(scheduler, runs.running);
    ASSERT_TRUE(running_id.ok()) << running_id.status();
    absl::StatusOr<std::string> queued_id = scheduler.Submit(Request(), Cases(1), runs.queued);
    ASSERT_TRUE(queued_id.ok());
    runs.running_id = *running_id;
    runs.queued_id = *queued_id;
  }

  // Runs `case_count` cases to the end: the run's Finished event, empty (and
  // a test failure) if it was refused or closed with an error.
  static v1::Finished RunToTheEnd(Scheduler& scheduler, int case_count) {
    auto sink = std::make_shared<RecordingSink>();
    const absl::StatusOr<std::string> run_id = scheduler.Submit(Request(), Cases(case_count), sink);
    if (!run_id.ok()) {
      ADD_FAILURE() << run_id.status();
      return v1::Finished();
    }
    EXPECT_TRUE(sink->AwaitClose().ok());
    return sink->events().back().finished();
  }

  std::vector<std::string> fake_workers_;
};

TEST_F(SchedulerTest, RunStreamsAcceptedStartedSummariesFinished) {
  Scheduler scheduler(Options(testing::kFakeWorkerDone));
  auto sink = std::make_shared<RecordingSink>();
  absl::StatusOr<std::string> run_id = scheduler.Submit(Request(), Cases(2), sink);
  ASSERT_TRUE(run_id.ok()) << run_id.status();
  EXPECT_EQ(run_id->size(), 16u);
  EXPECT_TRUE(sink->AwaitClose().ok());
  EXPECT_THAT(sink->kinds(), ::testing::ElementsAre("accepted", "started", "case_summary",
                                                    "case_summary", "finished"));
  const std::vector<v1::RunEvent> events = sink->events();
  EXPECT_EQ(events[0].accepted().queue_position(), 0u);
  EXPECT_EQ(events[0].accepted().run_id(), *run_id);
  const v1::Finished& finished = events.back().finished();
  EXPECT_EQ(finished.status(), v1::SUCCEEDED);
  EXPECT_EQ(finished.result().run_id(), *run_id);
  EXPECT_EQ(finished.result().cases_size(), 2);
  EXPECT_FALSE(finished.result().host().hostname().empty());
  for (const v1::RunEvent& event : events) EXPECT_TRUE(event.has_time());
}

TEST_F(SchedulerTest, FailedCaseFailsTheRunButLaterCasesStillRun) {
  Scheduler scheduler(Options("kill -SEGV $$\n"));
  const v1::Finished finished = RunToTheEnd(scheduler, 2);
  EXPECT_EQ(finished.status(), v1::FAILED);
  EXPECT_THAT(finished.error(), ::testing::HasSubstr("SIGSEGV"));
  ASSERT_EQ(finished.result().cases_size(), 2);
  EXPECT_EQ(finished.result().cases(1).status(), v1::FAILED);
}

TEST_F(SchedulerTest, RunOverMaxRunSecondsIsKilledAndSaysSo) {
  SchedulerOptions options = Options(testing::kFakeWorkerSleeps);
  options.max_run_seconds = 1;
  Scheduler scheduler(std::move(options));
  const v1::Finished finished = RunToTheEnd(scheduler, 2);
  EXPECT_EQ(finished.status(), v1::FAILED);
  EXPECT_THAT(finished.error(), ::testing::HasSubstr("exceeded --max-run-seconds=1"));
  EXPECT_THAT(finished.error(), ::testing::HasSubstr("killed"));
  // The second case never started.
  EXPECT_EQ(finished.result().cases_size(), 1);
}

TEST_F(SchedulerTest, SecondRunWaitsAndLearnsItsPosition) {
  Scheduler scheduler(Options(testing::kFakeWorkerSleeps, /*max_queued=*/1));
  RunningAndQueued runs;
  ASSERT_NO_FATAL_FAILURE(StartOneQueueOne(scheduler, runs));
  EXPECT_EQ(runs.queued->events().at(0).accepted().queue_position(), 1u);

  auto third = std::make_shared<RecordingSink>();
  absl::StatusOr<std::string> refused = scheduler.Submit(Request(), Cases(1), third);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(third->events(), IsEmpty());

  // Cancelling the running run lets the second one start (position 0).
  scheduler.Cancel(runs.running_id);
  EXPECT_TRUE(runs.running->AwaitClose().ok());
  EXPECT_EQ(runs.running->events().back().finished().status(), v1::CANCELLED);
  ASSERT_TRUE(testing::WaitFor([&] { return runs.queued->HasEvent(v1::RunEvent::kStarted); }));
  EXPECT_EQ(runs.queued->events().at(1).progress().queue_position(), 0u);

  scheduler.Cancel(runs.queued_id);
  EXPECT_TRUE(runs.queued->AwaitClose().ok());
}

TEST_F(SchedulerTest, CancellingAQueuedRunClosesItWithoutRunning) {
  Scheduler scheduler(Options(testing::kFakeWorkerSleeps));
  RunningAndQueued runs;
  ASSERT_NO_FATAL_FAILURE(StartOneQueueOne(scheduler, runs));
  EXPECT_EQ(scheduler.queued_runs(), 1u);
  scheduler.Cancel(runs.queued_id);
  EXPECT_TRUE(absl::IsCancelled(runs.queued->AwaitClose()));
  EXPECT_FALSE(runs.queued->HasEvent(v1::RunEvent::kStarted));
  EXPECT_EQ(scheduler.queued_runs(), 0u);
  scheduler.Cancel(runs.running_id);
  EXPECT_TRUE(runs.running->AwaitClose().ok());
}

TEST_F(SchedulerTest, ShutdownCancelsRunningAndFailsQueued) {
  auto running = std::make_shared<RecordingSink>();
  auto queued = std::make_shared<RecordingSink>();
  {
    Scheduler scheduler(Options(testing::kFakeWorkerSleeps));
    ASSERT_TRUE(scheduler.Submit(Request(), Cases(3), running).ok());
    ASSERT_TRUE(scheduler.Submit(Request(), Cases(1), queued).ok());
    ASSERT_TRUE(testing::WaitFor([&] { return running->HasEvent(v1::RunEvent::kStarted); }));
    scheduler.Shutdown();
    EXPECT_EQ(
        scheduler.Submit(Request(), Cases(1), std::make_shared<RecordingSink>()).status().code(),
        absl::StatusCode::kUnavailable);
  }
  EXPECT_TRUE(running->AwaitClose().ok());
  const v1::Finished finished = running->events().back().finished();
  EXPECT_EQ(finished.status(), v1::CANCELLED);
  EXPECT_LE(finished.result().cases_size(), 1) << "later cases are not started";
  EXPECT_EQ(queued->AwaitClose().code(), absl::StatusCode::kUnavailable);
}

TEST(NewRunId, SixteenHexDigitsAndDistinct) {
  const std::string a = NewRunId();
  const std::string b = NewRunId();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace ipclab::server
