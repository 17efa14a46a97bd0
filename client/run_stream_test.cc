#include "client/run_stream.h"

#include <chrono>
#include <thread>
#include <vector>

#include "client/fake_ipclab_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

v1::RunRequest Request(const char* workload) {
  v1::RunRequest request;
  request.set_workload(workload);
  return request;
}

class StreamRunTest : public ::testing::Test {
 protected:
  testing::FakeServer server_;
  std::unique_ptr<v1::IpcLab::Stub> stub_ = v1::IpcLab::NewStub(server_.InProcessChannel());
};

TEST_F(StreamRunTest, ReturnsTheFinishedResultAndReportsProgress) {
  std::vector<std::string> texts;
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("ok"), "lab1:7557", nullptr,
                [&](const std::string& text) { texts.push_back(text); });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->run_id(), "run-ok");
  EXPECT_EQ(result->status(), v1::SUCCEEDED);  // from `finished`
  EXPECT_EQ(result->server(), "lab1:7557");
  EXPECT_THAT(texts, Contains("[case 1/1 message_size=64KiB] rep 1/5 steady"));
}

TEST_F(StreamRunTest, AFailedRunIsStillAResult) {
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("failed"), "embedded", nullptr, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status(), v1::FAILED);
  EXPECT_EQ(result->error(), "worker killed by SIGSEGV");
}

TEST_F(StreamRunTest, ServerRefusalKeepsItsCodeAndMessage) {
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("unknown"), "embedded", nullptr, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("unknown workload"));
}

TEST_F(StreamRunTest, AStreamWithoutResultIsInternal) {
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("no_result"), "embedded", nullptr, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
}

TEST_F(StreamRunTest, InterruptCancelsTheRpcOnTheServer) {
  absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
  ASSERT_TRUE(canceller.ok()) << canceller.status();
  std::thread interrupter([&] {
    while (server_.service().runs() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    (*canceller)->SimulateInterrupt();
  });
  absl::StatusOr<v1::RunResult> result =
      StreamRun(*stub_, Request("hang"), "embedded", canceller->get(), {});
  interrupter.join();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  // The server saw the cancellation (that is what stops its worker).
  for (int i = 0; i < 1000 && server_.service().cancelled_runs() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server_.service().cancelled_runs(), 1);
}

}  // namespace
}  // namespace ipclab::client
