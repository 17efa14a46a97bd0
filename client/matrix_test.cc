#include "client/matrix.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::HostInfo HostWithCpus(int count) {
  v1::HostInfo host;
  for (int cpu = 0; cpu < count; ++cpu) host.add_allowed_cpus(cpu);
  return host;
}

TEST(MatrixRequests, DefaultComparesPipeAndShmInBothModes) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(2));
  ASSERT_TRUE(requests.ok()) << requests.status();
  std::set<std::string> seen;
  for (const v1::RunRequest& request : *requests) {
    seen.insert(request.workload() + "/" + request.params().at("mode"));
    EXPECT_EQ(request.repetitions(), 0u) << "the server's default";
    EXPECT_FALSE(request.warmup_set());
  }
  EXPECT_THAT(
      seen, ElementsAre("pipe/pingpong", "pipe/stream", "shm_posix/pingpong", "shm_posix/stream"));
}

TEST(MatrixRequests, StreamAndPingpongSizes) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(2));
  ASSERT_TRUE(requests.ok()) << requests.status();
  for (const v1::RunRequest& request : *requests) {
    const auto& params = request.params();
    if (params.at("mode") == "stream") {
      EXPECT_EQ(params.at("message_size"), "64KiB");
      EXPECT_EQ(params.at("total_bytes"), "256MiB");
    } else {
      EXPECT_EQ(params.at("message_size"), "64");
      // 50,000 round trips of 64 bytes.
      EXPECT_EQ(std::stoull(params.at("total_bytes")) / 64, 50000u);
    }
    if (request.workload() == "shm_posix") {
      EXPECT_EQ(params.at("sync"), "futex");
    }
  }
}

TEST(MatrixRequests, SweepsPlacementWhenTwoCpusAreAllowed) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(4));
  ASSERT_TRUE(requests.ok()) << requests.status();
  for (const v1::RunRequest& request : *requests) {
    EXPECT_EQ(request.params().count("placement"), 0u);
    ASSERT_EQ(request.sweeps_size(), 1);
    EXPECT_EQ(request.sweeps(0).name(), "placement");
    EXPECT_THAT(request.sweeps(0).values(), ElementsAre("same", "cross"));
  }
}

TEST(MatrixRequests, PinsBothRolesToOneCpuOnASingleCpuHost) {
  for (int cpus : {0, 1}) {
    absl::StatusOr<std::vector<v1::RunRequest>> requests =
        MatrixRequests("default", HostWithCpus(cpus));
    ASSERT_TRUE(requests.ok()) << requests.status();
    for (const v1::RunRequest& request : *requests) {
      EXPECT_EQ(request.sweeps_size(), 0);
      EXPECT_EQ(request.params().at("placement"), "same");
    }
  }
}

TEST(MatrixRequests, UnknownNameIsNotFoundAndListsKnownOnes) {
  absl::Status status = MatrixRequests("fancy", HostWithCpus(2)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("fancy"));
  EXPECT_THAT(status.message(), HasSubstr("default"));
}

}  // namespace
}  // namespace ipclab::client
