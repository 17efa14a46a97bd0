// The worker protocol, through the real ipclab-worker binary.
#include "workloads/worker.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/fd.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "workloads/registry.h"

namespace ipclab::workloads {
namespace {

std::string WorkerPath() {
  const char* dir = std::getenv("IPCLAB_BIN_DIR");
  return absl::StrCat(dir != nullptr ? dir : "bin", "/ipclab-worker");
}

struct WorkerRun {
  std::vector<v1::WorkerEvent> events;
  int wait_status = 0;
};

WorkerRun RunWorker(const v1::WorkerRequest& request) {
  auto input = base::MakePipe().value();
  auto events = base::MakePipe().value();
  testing::SpawnOptions options;
  options.stdin_fd = input.read_end.get();
  options.fds = {{events.write_end.get(), kWorkerEventFd}};
  testing::Subprocess worker({WorkerPath()}, testing::EnvironmentWith({}), options);
  EXPECT_GT(worker.pid(), 0) << worker.error();
  input.read_end.Reset();
  events.write_end.Reset();
  EXPECT_TRUE(
      google::protobuf::util::SerializeDelimitedToFileDescriptor(request, input.write_end.get()));
  input.write_end.Reset();
  WorkerRun run;
  google::protobuf::io::FileInputStream stream(events.read_end.get());
  v1::WorkerEvent event;
  bool clean_eof = false;
  while (google::protobuf::util::ParseDelimitedFromZeroCopyStream(&event, &stream, &clean_eof)) {
    run.events.push_back(event);
    // Parsing merges into `event`: without this a "waiting for the host
    // lock" event's text would stick to the progress event after it.
    event.Clear();
  }
  EXPECT_TRUE(clean_eof);
  run.wait_status = worker.Wait(std::chrono::seconds(120)).wait_status;
  return run;
}

v1::WorkerRequest PipeRequest(uint32_t warmup, uint32_t repetitions) {
  v1::RunRequest run;
  run.set_workload("pipe");
  (*run.mutable_params())["total_bytes"] = "1MiB";
  v1::WorkerRequest request;
  request.set_workload("pipe");
  *request.mutable_case_() = ResolveCases(run).value().at(0);
  request.set_warmup(warmup);
  request.set_repetitions(repetitions);
  request.set_verify(true);
  return request;
}

TEST(Worker, StreamsProgressRepetitionsThenDone) {
  const WorkerRun run = RunWorker(PipeRequest(1, 2));
  ASSERT_TRUE(WIFEXITED(run.wait_status));
  EXPECT_EQ(WEXITSTATUS(run.wait_status), 0);
  std::vector<std::string> phases;
  std::vector<v1::RepetitionResult> repetitions;
  for (const v1::WorkerEvent& event : run.events) {
    // A "waiting for the host lock" event comes first when another test's
    // worker measures at the same time (ctest runs tests in parallel).
    if (event.has_progress() && event.progress().waiting().empty()) {
      phases.push_back(event.progress().phase());
    }
    if (event.has_repetition()) repetitions.push_back(event.repetition());
  }
  ASSERT_FALSE(run.events.empty());
  EXPECT_TRUE(run.events.back().done());
  EXPECT_EQ(phases.size(), 3u) << "one progress event before each repetition, none during it";
  ASSERT_EQ(repetitions.size(), 3u);
  EXPECT_TRUE(repetitions[0].warmup());
  EXPECT_FALSE(repetitions[1].warmup());
  EXPECT_EQ(repetitions[1].repetition(), 0u);
  EXPECT_EQ(repetitions[2].repetition(), 1u);
  for (const v1::RepetitionResult& repetition : repetitions) EXPECT_TRUE(repetition.verified());
}

TEST(Worker, RefusesAnInvalidCaseWithAnErrorEvent) {
  v1::WorkerRequest request = PipeRequest(0, 1);
  (*request.mutable_case_()->mutable_params())["message_size"] = "12XB";
  const WorkerRun run = RunWorker(request);
  ASSERT_TRUE(WIFEXITED(run.wait_status));
  EXPECT_EQ(WEXITSTATUS(run.wait_status), 1);
  ASSERT_EQ(run.events.size(), 1u);
  ASSERT_TRUE(run.events[0].has_error());
  EXPECT_EQ(run.events[0].error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(run.events[0].error().message().find("12XB"), std::string::npos);
}

TEST(Worker, RemoveLeftoverShmTakesOnlyThatWorkersNames) {
  const pid_t fake_worker = 999999;
  const std::string mine = ShmNamePrefix(fake_worker) + "0";
  const std::string other = ShmNamePrefix(fake_worker + 1) + "0";
  for (const std::string& name : {mine, other}) {
    const int fd = ::shm_open(name.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ::close(fd);
  }
  EXPECT_EQ(RemoveLeftoverShm(fake_worker), 1);
  EXPECT_NE(::access(("/dev/shm" + mine).c_str(), F_OK), 0);
  EXPECT_EQ(::access(("/dev/shm" + other).c_str(), F_OK), 0);
  ::shm_unlink(other.c_str());
}

}  // namespace
}  // namespace ipclab::workloads
