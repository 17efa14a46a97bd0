// The service end to end: a real server on a loopback port (or embedded),
// a real channel and the real ipclab-worker.
#include "server/service.h"

#include <signal.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.grpc.pb.h"
#include "server/server.h"
#include "tests/testing/process_checks.h"

namespace ipclab::server {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct StreamOutcome {
  std::vector<v1::RunEvent> events;
  grpc::Status status;

  const v1::RunEvent& last() const { return events.back(); }
  int Count(v1::RunEvent::EventCase kind) const {
    int count = 0;
    for (const v1::RunEvent& event : events) count += event.event_case() == kind ? 1 : 0;
    return count;
  }
};

StreamOutcome ReadToEnd(grpc::ClientContext* context, v1::IpcLab::Stub* stub,
                        const v1::RunRequest& request) {
  StreamOutcome outcome;
  std::unique_ptr<grpc::ClientReader<v1::RunEvent>> reader = stub->Run(context, request);
  v1::RunEvent event;
  while (reader->Read(&event)) outcome.events.push_back(event);
  outcome.status = reader->Finish();
  return outcome;
}

v1::RunRequest PipeRequest(const std::string& total_bytes, uint32_t repetitions = 2) {
  v1::RunRequest request;
  request.set_workload("pipe");
  (*request.mutable_params())["message_size"] = "64KiB";
  (*request.mutable_params())["total_bytes"] = total_bytes;
  request.set_repetitions(repetitions);
  request.set_warmup(0);
  return request;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_path_ = testing::RealWorkerPath();
    shm_before_ = testing::IpclabShmEntries();
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.worker_path = worker_path_.empty() ? "/nonexistent/ipclab-worker" : worker_path_;
    absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::IpcLab::NewStub(channel_);
  }

  void TearDown() override {
    stub_.reset();
    channel_.reset();
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
    server_.reset();
    EXPECT_TRUE(testing::WaitFor([] { return testing::ChildPids().empty(); }))
        << "worker processes left behind";
    // Entries of live workers and other instances belong to tests running
    // in parallel; a new entry of a gone worker or of this process's server
    // (its owner mark) was leaked.
    EXPECT_TRUE(testing::WaitFor([&] { return testing::LeftoverShmSince(shm_before_).empty(); }))
        << "/dev/shm/ipclab-* entries left behind";
  }

  bool RequireWorker() {
    if (!worker_path_.empty()) return true;
    ADD_FAILURE() << "ipclab-worker not built in $IPCLAB_BIN_DIR";
    return false;
  }

  // The worker process: this process's only child, once it exists.
  static pid_t AwaitWorkerPid() {
    pid_t pid = 0;
    testing::WaitFor([&pid] {
      std::vector<pid_t> children = testing::ChildPids();
      if (children.empty()) return false;
      pid = children.front();
      return true;
    });
    return pid;
  }

  // Runs `request` and expects it refused with `code` before any event,
  // the message naming each of `named`.
  void ExpectRefusedBeforeAnyEvent(const v1::RunRequest& request, grpc::StatusCode code,
                                   const std::vector<std::string>& named) {
    grpc::ClientContext context;
    StreamOutcome outcome = ReadToEnd(&context, stub_.get(), request);
    EXPECT_EQ(outcome.status.error_code(), code);
    for (const std::string& name : named) {
      EXPECT_THAT(outcome.status.error_message(), HasSubstr(name));
    }
    EXPECT_THAT(outcome.events, IsEmpty());
  }

  std::string worker_path_;
  std::vector<std::string> shm_before_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IpcLab::Stub> stub_;
};

TEST_F(ServiceTest, ListWorkloadsAndGetHostInfo) {
  grpc::ClientContext list_context;
  v1::ListWorkloadsResponse catalog;
  ASSERT_TRUE(stub_->ListWorkloads(&list_context, v1::ListWorkloadsRequest(), &catalog).ok());
  std::vector<std::string> names;
  for (const v1::WorkloadSpec& spec : catalog.workloads()) names.push_back(spec.name());
  EXPECT_THAT(names, Contains("pipe"));

  grpc::ClientContext host_context;
  v1::HostInfo host;
  ASSERT_TRUE(stub_->GetHostInfo(&host_context, v1::GetHostInfoRequest(), &host).ok());
  EXPECT_EQ(host.cpu_count(), static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_FALSE(host.ipclab_version().empty());
}

TEST_F(ServiceTest, UnknownWorkloadIsNotFoundAndListsKnownOnes) {
  v1::RunRequest request;
  request.set_workload("carrier_pigeon");
  ExpectRefusedBeforeAnyEvent(request, grpc::StatusCode::NOT_FOUND, {"carrier_pigeon", "pipe"});
}

TEST_F(ServiceTest, MalformedSizeIsInvalidArgumentAndNothingRuns) {
  v1::RunRequest request = PipeRequest("1MiB");
  (*request.mutable_params())["message_size"] = "12XB";
  ExpectRefusedBeforeAnyEvent(request, grpc::StatusCode::INVALID_ARGUMENT,
                              {"message_size", "12XB"});
}

TEST_F(ServiceTest, PipeRunStreamsEveryEventInOrder) {
  if (!RequireWorker()) return;
  grpc::ClientContext context;
  StreamOutcome outcome = ReadToEnd(&context, stub_.get(), PipeRequest("1MiB"));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  ASSERT_GE(outcome.events.size(), 5u);
  EXPECT_TRUE(outcome.events[0].has_accepted());
  EXPECT_EQ(outcome.events[0].accepted().queue_position(), 0u);
  EXPECT_TRUE(outcome.events[1].has_started());
  EXPECT_EQ(outcome.events[1].started().cases_size(), 1);
  EXPECT_EQ(outcome.Count(v1::RunEvent::kRepetition), 2);
  EXPECT_EQ(outcome.Count(v1::RunEvent::kCaseSummary), 1);
  const v1::RunEvent& summary = outcome.events[outcome.events.size() - 2];
  ASSERT_TRUE(summary.has_case_summary());
  EXPECT_EQ(summary.case_summary().result().status(), v1::SUCCEEDED);
  EXPECT_EQ(summary.case_summary().result().repetitions_size(), 2);
  EXPECT_FALSE(summary.case_summary().result().summaries().empty());
  ASSERT_TRUE(outcome.last().has_finished());
  const v1::Finished& finished = outcome.last().finished();
  EXPECT_EQ(finished.status(), v1::SUCCEEDED) << finished.error();
  EXPECT_EQ(finished.result().run_id(), outcome.events[0].accepted().run_id());
  EXPECT_EQ(finished.result().request().workload(), "pipe");
  EXPECT_TRUE(finished.result().server().empty()) << "the client fills it";
  for (const v1::RunEvent& event : outcome.events) EXPECT_TRUE(event.has_time());
}

TEST_F(ServiceTest, RoundsLetTheCasesTakeTurns) {
  if (!RequireWorker()) return;
  v1::RunRequest request = PipeRequest("1MiB", 4);
  request.set_warmup(1);
  v1::Sweep* sweep = request.add_sweeps();
  sweep->set_name("message_size");
  sweep->add_values("4KiB");
  sweep->add_values("64KiB");
  request.mutable_params()->erase("message_size");
  request.set_rounds(2);
  grpc::ClientContext context;
  StreamOutcome outcome = ReadToEnd(&context, stub_.get(), request);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  // Round 1: case 0 (warm-up + 2), case 1 (warm-up + 2); round 2 starts one
  // case further: case 1 (2), case 0 (2).
  std::vector<std::pair<uint32_t, uint32_t>> order;  // (case, repetition) of measured ones
  uint32_t last_done = 0;
  for (const v1::RunEvent& event : outcome.events) {
    if (event.has_repetition() && !event.repetition().warmup()) {
      order.emplace_back(event.repetition().case_index(), event.repetition().repetition());
    }
    if (event.has_progress() && event.progress().waiting().empty()) {
      EXPECT_EQ(event.progress().total_repetitions(), 10u);
      EXPECT_GE(event.progress().done_repetitions(), last_done);
      last_done = event.progress().done_repetitions();
    }
  }
  const std::vector<std::pair<uint32_t, uint32_t>> expected = {{0, 0}, {0, 1}, {1, 0}, {1, 1},
                                                               {1, 2}, {1, 3}, {0, 2}, {0, 3}};
  EXPECT_EQ(order, expected);
  ASSERT_TRUE(outcome.last().has_finished());
  const v1::RunResult& result = outcome.last().finished().result();
  EXPECT_EQ(result.request().rounds(), 2u);
  ASSERT_EQ(result.cases_size(), 2);
  for (const v1::CaseResult& c : result.cases()) {
    EXPECT_EQ(c.status(), v1::SUCCEEDED) << c.error();
    ASSERT_EQ(c.repetitions_size(), 4);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(c.repetitions(i).repetition(), static_cast<uint32_t>(i));
    EXPECT_FALSE(c.summaries().empty());
  }
  EXPECT_EQ(outcome.Count(v1::RunEvent::kCaseSummary), 2);
}

TEST_F(ServiceTest, CrashedWorkerFailsTheRunAndTheServerCarriesOn) {
  if (!RequireWorker()) return;
  StreamOutcome crashed;
  std::thread client([&] {
    grpc::ClientContext context;
    crashed = ReadToEnd(&context, stub_.get(), PipeRequest("8GiB", 5));
  });
  const pid_t worker = AwaitWorkerPid();
  ASSERT_GT(worker, 0);
  kill(worker, SIGSEGV);
  client.join();
  ASSERT_TRUE(crashed.status.ok()) << crashed.status.error_message();
  ASSERT_TRUE(crashed.last().has_finished());
  EXPECT_EQ(crashed.last().finished().status(), v1::FAILED);
  EXPECT_THAT(crashed.last().finished().error(), HasSubstr("SIGSEGV"));

  grpc::ClientContext context;
  StreamOutcome next = ReadToEnd(&context, stub_.get(), PipeRequest("1MiB"));
  ASSERT_TRUE(next.status.ok());
  EXPECT_EQ(next.last().finished().status(), v1::SUCCEEDED) << next.last().finished().error();
}

TEST_F(ServiceTest, SecondConcurrentRunIsToldItsQueuePosition) {
  if (!RequireWorker()) return;
  grpc::ClientContext first_context;
  std::unique_ptr<grpc::ClientReader<v1::RunEvent>> first =
      stub_->Run(&first_context, PipeRequest("8GiB", 5));
  v1::RunEvent event;
  ASSERT_TRUE(first->Read(&event) && event.has_accepted());
  ASSERT_TRUE(first->Read(&event) && event.has_started());

  grpc::ClientContext second_context;
  std::unique_ptr<grpc::ClientReader<v1::RunEvent>> second =
      stub_->Run(&second_context, PipeRequest("1MiB"));
  ASSERT_TRUE(second->Read(&event));
  ASSERT_TRUE(event.has_accepted());
  EXPECT_EQ(event.accepted().queue_position(), 1u);

  // Cancelling the first lets the second run to completion.
  first_context.TryCancel();
  while (first->Read(&event)) {
  }
  EXPECT_EQ(first->Finish().error_code(), grpc::StatusCode::CANCELLED);
  bool saw_position_zero = false;
  while (second->Read(&event)) {
    if (event.has_progress() && event.progress().queue_position() == 0 &&
        event.progress().case_count() > 0 && event.progress().phase().empty()) {
      saw_position_zero = true;
    }
  }
  EXPECT_TRUE(second->Finish().ok());
  EXPECT_TRUE(event.has_finished());
  EXPECT_EQ(event.finished().status(), v1::SUCCEEDED) << event.finished().error();
  EXPECT_TRUE(saw_position_zero);
}

TEST_F(ServiceTest, ClientCancelKillsTheWorker) {
  if (!RequireWorker()) return;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::RunEvent>> reader =
      stub_->Run(&context, PipeRequest("8GiB", 5));
  const pid_t worker = AwaitWorkerPid();
  ASSERT_GT(worker, 0);
  context.TryCancel();
  v1::RunEvent event;
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(testing::WaitFor([] { return testing::ChildPids().empty(); }));
}

TEST_F(ServiceTest, ShutdownEndsOpenStreamsWithAStatus) {
  if (!RequireWorker()) return;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::RunEvent>> reader =
      stub_->Run(&context, PipeRequest("8GiB", 5));
  ASSERT_GT(AwaitWorkerPid(), 0);
  server_->Shutdown(absl::Seconds(5));
  v1::RunEvent event;
  v1::RunEvent last;
  while (reader->Read(&event)) last = event;
  EXPECT_TRUE(reader->Finish().ok());
  ASSERT_TRUE(last.has_finished());
  EXPECT_EQ(last.finished().status(), v1::CANCELLED);
}

TEST_F(ServiceTest, PortInUseIsRefused) {
  ServerOptions options;
  options.listen = server_->address();
  absl::StatusOr<std::unique_ptr<Server>> second = Server::Start(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(EmbeddedServer, ServesThroughAnInProcessChannel) {
  ServerOptions options;
  options.worker_path = "/nonexistent/ipclab-worker";
  absl::StatusOr<std::unique_ptr<EmbeddedServer>> embedded = EmbeddedServer::Start(options);
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  auto stub = v1::IpcLab::NewStub((*embedded)->channel());
  grpc::ClientContext list_context;
  v1::ListWorkloadsResponse catalog;
  ASSERT_TRUE(stub->ListWorkloads(&list_context, v1::ListWorkloadsRequest(), &catalog).ok());
  EXPECT_GT(catalog.workloads_size(), 0);

  // Without a worker, a valid run is refused before it is queued.
  grpc::ClientContext run_context;
  StreamOutcome outcome = ReadToEnd(&run_context, stub.get(), PipeRequest("1MiB"));
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(outcome.status.error_message(), HasSubstr("/nonexistent/ipclab-worker"));
}

TEST(ToGrpcStatus, KeepsCodeAndMessage) {
  grpc::Status status = ToGrpcStatus(absl::ResourceExhaustedError("16 runs waiting"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "16 runs waiting");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace ipclab::server
