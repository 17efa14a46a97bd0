#include "server/worker_launcher.h"

#include <signal.h>

#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/process_checks.h"
#include "workloads/registry.h"

namespace ipclab::server {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Reads events until the end of the stream or an error (in `*end` if given:
// OK at the end); returns how many there were.
int DrainEvents(WorkerProcess* worker, absl::Status* end = nullptr) {
  int events = 0;
  for (;;) {
    absl::StatusOr<std::optional<v1::WorkerEvent>> event = worker->NextEvent();
    if (!event.ok() || !event->has_value()) {
      if (end != nullptr) *end = event.status();
      return events;
    }
    ++events;
  }
}

// A fake worker script, removed at the end of the test.
class FakeWorker final {
 public:
  explicit FakeWorker(const std::string& body) : path_(testing::WriteFakeWorker(body)) {}
  ~FakeWorker() { testing::RemoveFakeWorker(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A fake worker that ends without sending an event (which is expected): how
// its stream ended and what Wait said of it.
struct EndedWorker {
  std::unique_ptr<WorkerProcess> worker;  // null if it could not be spawned
  absl::Status stream;                    // OK at its end, or the read error
  absl::Status status;                    // Wait's, or Spawn's error
};

EndedWorker RunWithoutEvents(const std::string& body) {
  FakeWorker fake(body);
  auto worker = WorkerProcess::Spawn(fake.path(), v1::WorkerRequest());
  if (!worker.ok()) return {nullptr, absl::OkStatus(), worker.status()};
  absl::Status stream;
  EXPECT_EQ(DrainEvents(worker->get(), &stream), 0);
  absl::Status status = (*worker)->Wait();
  return {*std::move(worker), std::move(stream), std::move(status)};
}

TEST(WorkerProcess, MissingExecutableIsFailedPrecondition) {
  absl::StatusOr<std::unique_ptr<WorkerProcess>> worker =
      WorkerProcess::Spawn("/nonexistent/ipclab-worker", v1::WorkerRequest());
  ASSERT_FALSE(worker.ok());
  EXPECT_EQ(worker.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(worker.status().message(), HasSubstr("/nonexistent/ipclab-worker"));
}

TEST(WorkerProcess, DoneEventAndExitZeroIsOk) {
  FakeWorker fake(testing::kFakeWorkerDone);
  auto worker = WorkerProcess::Spawn(fake.path(), v1::WorkerRequest());
  ASSERT_TRUE(worker.ok()) << worker.status();
  absl::StatusOr<std::optional<v1::WorkerEvent>> event = (*worker)->NextEvent();
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_TRUE(event->has_value());
  EXPECT_TRUE((*event)->done());
  EXPECT_EQ(DrainEvents(worker->get()), 0);
  EXPECT_TRUE((*worker)->Wait().ok());
}

TEST(WorkerProcess, ExitWithoutDoneReportsStatusAndStderrTail) {
  const EndedWorker ended = RunWithoutEvents("echo 'cannot map ring' >&2; exit 3\n");
  ASSERT_NE(ended.worker, nullptr) << ended.status;
  EXPECT_EQ(ended.status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ended.status.message(), "worker exited with status 3; stderr: cannot map ring");
}

TEST(WorkerProcess, KeepsOnlyTheTailOfStderr) {
  // 20000 'x' then a marker; only the last kStderrTailBytes survive.
  FakeWorker fake("head -c 20000 /dev/zero | tr '\\0' x >&2; echo END >&2; exit 1\n");
  auto worker = WorkerProcess::Spawn(fake.path(), v1::WorkerRequest());
  ASSERT_TRUE(worker.ok()) << worker.status();
  DrainEvents(worker->get());
  (*worker)->Wait().IgnoreError();
  EXPECT_EQ((*worker)->stderr_tail().size(), kStderrTailBytes);
  EXPECT_EQ((*worker)->stderr_tail().substr(kStderrTailBytes - 4), "END\n");
}

TEST(WorkerProcess, CrashNamesTheSignalEvenWithRolesHoldingThePipe) {
  // The background sleep inherits fd 3 and stderr; the launcher must notice
  // the worker's death anyway and kill the rest of its group.
  const EndedWorker ended = RunWithoutEvents("sleep 1000 & echo $! >&2; kill -SEGV $$\n");
  ASSERT_NE(ended.worker, nullptr) << ended.status;
  EXPECT_EQ(ended.status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(ended.status.message(),
              HasSubstr("worker killed by signal 11 (SIGSEGV: Segmentation fault)"));
  pid_t role = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(ended.worker->stderr_tail()), &role))
      << ended.worker->stderr_tail();
  EXPECT_TRUE(testing::WaitFor([role] { return testing::ProcessGone(role); }));
}

TEST(WorkerProcess, MalformedStreamIsInternalNotCancelled) {
  const EndedWorker ended =
      RunWithoutEvents("printf '\\377\\377\\377\\377\\377\\377' >&3; sleep 1000\n");
  ASSERT_NE(ended.worker, nullptr) << ended.status;
  EXPECT_EQ(ended.stream.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(ended.stream.message(), HasSubstr("malformed"));
  // The worker was killed for it, which is not a cancellation.
  EXPECT_EQ(ended.status.code(), absl::StatusCode::kInternal);
}

TEST(WorkerProcess, StreamEndingInsideAnEventIsInternal) {
  const EndedWorker ended = RunWithoutEvents("printf '\\005\\040' >&3; exit 0\n");
  ASSERT_NE(ended.worker, nullptr) << ended.status;
  EXPECT_EQ(ended.stream.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ended.status.code(), absl::StatusCode::kInternal);
}

TEST(WorkerProcess, KillFromAnotherThreadCancelsTheGroup) {
  FakeWorker fake(testing::kFakeWorkerSleeps);
  auto worker = WorkerProcess::Spawn(fake.path(), v1::WorkerRequest());
  ASSERT_TRUE(worker.ok()) << worker.status();
  const pid_t pid = (*worker)->pid();
  EXPECT_EQ(getpgid(pid), pid) << "the worker leads its own process group";
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*worker)->Kill();
  });
  EXPECT_EQ(DrainEvents(worker->get()), 0);
  killer.join();
  EXPECT_TRUE(absl::IsCancelled((*worker)->Wait()));
  EXPECT_THAT(testing::ChildPids(), IsEmpty());
  // The group is gone too (its members were orphans reaped elsewhere).
  EXPECT_TRUE(testing::WaitFor([pid] { return kill(-pid, 0) != 0; }));
}

TEST(WorkerProcess, DestructorKillsAndReaps) {
  FakeWorker fake(testing::kFakeWorkerSleeps);
  {
    auto worker = WorkerProcess::Spawn(fake.path(), v1::WorkerRequest());
    ASSERT_TRUE(worker.ok()) << worker.status();
  }
  EXPECT_THAT(testing::ChildPids(), IsEmpty());
}

// A resolved one-case request, as the server would send it.
v1::WorkerRequest RealRequest(const std::string& workload, const std::string& total_bytes) {
  v1::RunRequest run;
  run.set_workload(workload);
  (*run.mutable_params())["message_size"] = "4KiB";
  (*run.mutable_params())["total_bytes"] = total_bytes;
  absl::StatusOr<std::vector<v1::Case>> cases = workloads::ResolveCases(run);
  EXPECT_TRUE(cases.ok()) << cases.status();
  v1::WorkerRequest request;
  request.set_workload(workload);
  if (cases.ok() && !cases->empty()) *request.mutable_case_() = cases->front();
  request.set_repetitions(2);
  request.set_warmup(1);
  request.set_scratch_tmpfs("/dev/shm");
  request.set_scratch_disk("/tmp");
  return request;
}

TEST(WorkerProcess, RealWorkerStreamsRepetitionsThenDone) {
  const std::string path = testing::RealWorkerPath();
  if (path.empty()) GTEST_SKIP() << "ipclab-worker not built";
  auto worker = WorkerProcess::Spawn(path, RealRequest("pipe", "1MiB"));
  ASSERT_TRUE(worker.ok()) << worker.status();
  int repetitions = 0;
  int warmups = 0;
  bool done = false;
  for (;;) {
    absl::StatusOr<std::optional<v1::WorkerEvent>> event = (*worker)->NextEvent();
    ASSERT_TRUE(event.ok()) << event.status();
    if (!event->has_value()) break;
    if ((*event)->has_repetition()) ++((*event)->repetition().warmup() ? warmups : repetitions);
    if ((*event)->has_done()) done = true;
  }
  absl::Status status = (*worker)->Wait();
  ASSERT_TRUE(status.ok()) << status << " stderr: " << (*worker)->stderr_tail();
  EXPECT_TRUE(done);
  EXPECT_EQ(warmups, 1);
  EXPECT_EQ(repetitions, 2);
}

TEST(WorkerProcess, KilledRealWorkerLeavesNoShm) {
  const std::string path = testing::RealWorkerPath();
  if (path.empty()) GTEST_SKIP() << "ipclab-worker not built";
  v1::WorkerRequest request = RealRequest("shm_posix", "8GiB");
  auto worker = WorkerProcess::Spawn(path, request);
  ASSERT_TRUE(worker.ok()) << worker.status();
  // Kill once the first progress event says the case is under way.
  absl::StatusOr<std::optional<v1::WorkerEvent>> first = (*worker)->NextEvent();
  ASSERT_TRUE(first.ok()) << first.status();
  (*worker)->Kill();
  DrainEvents(worker->get());
  EXPECT_TRUE(absl::IsCancelled((*worker)->Wait()));
  EXPECT_THAT(testing::ChildPids(), IsEmpty());
  const std::string prefix = "ipclab-" + std::to_string((*worker)->pid()) + "-";
  for (const std::string& name : testing::IpclabShmEntries()) {
    EXPECT_NE(name.rfind(prefix, 0), 0u) << "left behind: /dev/shm/" << name;
  }
}

}  // namespace
}  // namespace ipclab::server

namespace ipclab::server {
namespace {

std::string Delimited(const v1::WorkerEvent& event) {
  const std::string bytes = event.SerializeAsString();
  std::string out;
  for (size_t n = bytes.size();; n >>= 7) {
    out.push_back(static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  return out + bytes;
}

TEST(WorkerEventDecoder, WholeEventsFromAnyChunkingAndErrorsForGarbage) {
  v1::WorkerEvent progress;
  progress.mutable_progress()->set_repetition(3);
  v1::WorkerEvent done;
  done.set_done(true);
  const std::string stream = Delimited(progress) + Delimited(done);
  WorkerEventDecoder decoder;
  std::vector<v1::WorkerEvent> events;
  for (char byte : stream) {  // one byte at a time
    decoder.Append(absl::string_view(&byte, 1));
    absl::StatusOr<std::optional<v1::WorkerEvent>> event = decoder.Next();
    ASSERT_TRUE(event.ok()) << event.status();
    if (event->has_value()) events.push_back(**event);
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].progress().repetition(), 3u);
  EXPECT_TRUE(events[1].done());
  EXPECT_EQ(decoder.pending_bytes(), 0u);

  WorkerEventDecoder oversized;
  oversized.Append("\xff\xff\xff\xff\x0f");  // 4 GiB - 1
  EXPECT_TRUE(absl::IsInternal(oversized.Next().status()));
  WorkerEventDecoder unparsable;
  unparsable.Append(std::string("\x02\xff\xff", 3));
  EXPECT_TRUE(absl::IsInternal(unparsable.Next().status()));
}

TEST(WorkerEventDecoder, AnErrorEventNeverReadsAsOk) {
  v1::WorkerError error;
  error.set_code(9);
  error.set_message("no huge pages");
  EXPECT_EQ(WorkerErrorStatus(error), absl::FailedPreconditionError("no huge pages"));
  for (int code : {0, -1, 17, 99}) {
    error.set_code(code);
    EXPECT_TRUE(absl::IsUnknown(WorkerErrorStatus(error))) << code;
  }
}

}  // namespace
}  // namespace ipclab::server
