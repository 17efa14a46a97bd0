// StreamRun against the real service: an EmbeddedServer in this process (the
// path `ipclab run` takes without --server) running the real ipclab-worker
// from IPCLAB_BIN_DIR on small real workloads.
#include "client/run_stream.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/fd.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.grpc.pb.h"
#include "server/server.h"
#include "tests/testing/process_checks.h"

namespace ipclab::client {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
namespace server_testing = ::ipclab::testing;

v1::RunRequest Request(const std::string& workload,
                       std::vector<std::pair<std::string, std::string>> params,
                       uint32_t repetitions = 1) {
  v1::RunRequest request;
  request.set_workload(workload);
  for (const auto& [name, value] : params) (*request.mutable_params())[name] = value;
  request.set_repetitions(repetitions);
  request.set_warmup(0);
  return request;
}

std::string CommandOf(pid_t pid) {
  // Not an ifstream: reading /proc/PID of a process that has just exited
  // fails with ESRCH, which libstdc++'s filebuf throws (base/fd.h).
  absl::StatusOr<std::string> comm =
      base::ReadFileToString("/proc/" + std::to_string(pid) + "/comm");
  if (!comm.ok()) return "";
  return comm->substr(0, comm->find('\n'));
}

class StreamRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shm_before_ = server_testing::IpclabShmEntries();
    server::ServerOptions options;
    options.worker_path = server_testing::RealWorkerPath();
    ASSERT_FALSE(options.worker_path.empty())
        << "no ipclab-worker in IPCLAB_BIN_DIR (run through ctest after building it)";
    absl::StatusOr<std::unique_ptr<server::EmbeddedServer>> started =
        server::EmbeddedServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    stub_ = v1::IpcLab::NewStub(server_->channel());
  }

  void TearDown() override {
    stub_.reset();
    server_.reset();  // cancels and reaps whatever still runs
    EXPECT_THAT(server_testing::ChildPids(), ::testing::IsEmpty()) << "a worker outlived the run";
    EXPECT_THAT(server_testing::LeftoverShmSince(shm_before_), ::testing::IsEmpty());
  }

  // The ipclab-worker processes this test started and that still run.
  static std::vector<pid_t> Workers() {
    std::vector<pid_t> workers;
    for (pid_t pid : server_testing::ChildPids()) {
      if (CommandOf(pid) == "ipclab-worker") workers.push_back(pid);
    }
    return workers;
  }

  std::vector<std::string> shm_before_;
  std::unique_ptr<server::EmbeddedServer> server_;
  std::unique_ptr<v1::IpcLab::Stub> stub_;
};

TEST_F(StreamRunTest, ReturnsTheFinishedResultAndReportsProgress) {
  std::vector<std::string> texts;
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("pipe", {{"total_bytes", "1MiB"}}), "lab1:7557", nullptr,
                [&](const std::string& text) { texts.push_back(text); });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->run_id().empty());
  EXPECT_EQ(result->status(), v1::SUCCEEDED) << result->error();
  EXPECT_EQ(result->server(), "lab1:7557");  // the label, not what the server knows
  ASSERT_EQ(result->cases_size(), 1);
  ASSERT_EQ(result->cases(0).repetitions_size(), 1);
  // Nothing ran before this run: accepted at queue position 0, then the
  // worker's phases (the server may merge progress events, so no exact list).
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(texts.front(), "submitted");
  EXPECT_THAT(texts, Contains(StartsWith("[case 1/1 pipe] rep 1/1")));
  EXPECT_THAT(texts, Not(Contains(HasSubstr("queued"))));
}

TEST_F(StreamRunTest, AFailedRunIsStillAResult) {
  // A worker that dies mid-run, as after a crash: killed from outside once
  // it reported progress. 1 GiB takes seconds, so it is still running.
  std::set<pid_t> killed;
  std::vector<pid_t> roles;
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("pipe", {{"total_bytes", "1GiB"}}), "embedded", nullptr,
                [&](const std::string& text) {
                  if (!killed.empty() || text.rfind("[case", 0) != 0) return;
                  for (pid_t worker : Workers()) {
                    for (pid_t role : server_testing::ChildPidsOf(worker)) roles.push_back(role);
                    if (kill(worker, SIGKILL) == 0) killed.insert(worker);
                  }
                });
  ASSERT_EQ(killed.size(), 1u) << "no worker to kill";
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status(), v1::FAILED);
  EXPECT_THAT(result->error(), HasSubstr("worker killed by signal 9 (SIGKILL"));
  ASSERT_EQ(result->cases_size(), 1);
  EXPECT_EQ(result->cases(0).status(), v1::FAILED);
  // The server killed the dead worker's process group: no orphaned roles.
  for (pid_t role : roles) {
    EXPECT_TRUE(server_testing::WaitFor([&] { return server_testing::ProcessGone(role); }))
        << "role process " << role << " outlived its worker";
  }
}

TEST_F(StreamRunTest, ASecondRunWaitsInTheQueueWhileTheFirstRuns) {
  // The server measures one run at a time. The first (5 x 1 GiB, seconds)
  // holds it until the second has reported its queue position; then the
  // first is cancelled and the second runs at once.
  absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
  ASSERT_TRUE(canceller.ok()) << canceller.status();
  std::atomic<bool> first_running{false};
  absl::StatusOr<v1::RunResult> first_result;
  std::thread first([&] {
    first_result = StreamRun(*stub_, Request("pipe", {{"total_bytes", "1GiB"}}, /*repetitions=*/5),
                             "embedded", canceller->get(), [&](const std::string& text) {
                               if (text.rfind("[case", 0) == 0) first_running = true;
                             });
  });
  ASSERT_TRUE(server_testing::WaitFor([&] { return first_running.load(); }));
  std::vector<std::string> texts;
  absl::StatusOr<v1::RunResult> second =
      StreamRun(*stub_, Request("pipe", {{"total_bytes", "1MiB"}}), "embedded", nullptr,
                [&](const std::string& text) {
                  texts.push_back(text);
                  if (text == "queued: position 1")
                    (*canceller)->SimulateInterrupt();  // the first only
                });
  first.join();
  EXPECT_EQ(first_result.status().code(), absl::StatusCode::kCancelled);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status(), v1::SUCCEEDED) << second->error();
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(texts.front(), "queued: position 1");
  EXPECT_THAT(texts, Contains(StartsWith("[case 1/1 pipe] rep 1/1")));
}

TEST_F(StreamRunTest, ServerRefusalKeepsItsCodeAndMessage) {
  absl::StatusOr<v1::RunResult> unknown =
      StreamRun(*stub_, Request("unknown", {}), "embedded", nullptr, {});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), StartsWith("unknown workload \"unknown\""));

  absl::StatusOr<v1::RunResult> malformed =
      StreamRun(*stub_, Request("pipe", {{"message_size", "12XB"}}), "embedded", nullptr, {});
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(malformed.status().message()), HasSubstr("message_size=\"12XB\""));
  EXPECT_THAT(Workers(), ::testing::IsEmpty()) << "a refused run must not start a worker";
}

TEST_F(StreamRunTest, InterruptCancelsTheRunOnTheServer) {
  absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
  ASSERT_TRUE(canceller.ok()) << canceller.status();
  std::vector<pid_t> workers;
  // Five repetitions of 1 GiB would hold the server for many seconds.
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("pipe", {{"total_bytes", "1GiB"}}, /*repetitions=*/5), "embedded",
                canceller->get(), [&](const std::string& text) {
                  if (!workers.empty() || text.rfind("[case", 0) != 0) return;
                  workers = Workers();
                  (*canceller)->SimulateInterrupt();
                });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  ASSERT_EQ(workers.size(), 1u);
  // The server saw the cancellation: it killed the worker ...
  EXPECT_TRUE(server_testing::WaitFor([&] { return server_testing::ProcessGone(workers[0]); }));
  canceller->reset();
  // ... and serves the next run. (It may still be finishing the cancelled
  // one for a moment on a loaded machine, so a brief queue position is fine;
  // what matters is that the 5 x 1 GiB run is not completed first.)
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<v1::RunResult> next = StreamRun(*stub_, Request("pipe", {{"total_bytes", "1MiB"}}),
                                                 "embedded", nullptr, [](const std::string&) {});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->status(), v1::SUCCEEDED) << next->error();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

// A peer that breaks the protocol: it accepts the run and ends the stream OK
// without the `finished` event. The real service never does this, so this one
// case needs a stand-in; it replaces nothing that could run here.
class NoResultService final : public v1::IpcLab::Service {
  grpc::Status Run(grpc::ServerContext*, const v1::RunRequest*,
                   grpc::ServerWriter<v1::RunEvent>* writer) override {
    v1::RunEvent accepted;
    accepted.mutable_accepted()->set_run_id("r1");
    writer->Write(accepted);
    return grpc::Status::OK;
  }
};

TEST(StreamRun, AStreamWithoutResultIsInternal) {
  NoResultService service;
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::IpcLab::Stub> stub =
      v1::IpcLab::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub, Request("pipe", {}), "embedded", nullptr, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("without a result"));
  server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace ipclab::client
