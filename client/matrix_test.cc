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

std::vector<std::string> SweepValuesOf(const v1::RunRequest& request, const std::string& name) {
  for (const v1::Sweep& sweep : request.sweeps()) {
    if (sweep.name() == name) return {sweep.values().begin(), sweep.values().end()};
  }
  return {};
}

TEST(MatrixRequests, DefaultComparesEveryTransportInBothModesPlusMemoryWorkloads) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(2));
  ASSERT_TRUE(requests.ok()) << requests.status();
  std::set<std::string> seen;
  for (const v1::RunRequest& request : *requests) {
    const auto mode = request.params().find("mode");
    seen.insert(request.workload() + (mode == request.params().end() ? "" : "/" + mode->second));
    if (request.workload() == "page_fault") {
      EXPECT_EQ(request.repetitions(), 20u) << "faults of one region: short, so more of them";
    } else {
      EXPECT_EQ(request.repetitions(), 0u) << "the server's default";
    }
    EXPECT_FALSE(request.has_warmup());
  }
  EXPECT_THAT(seen, ElementsAre("cow_private", "mmap_file/pingpong", "mmap_file/stream",
                                "page_fault", "pipe/pingpong", "pipe/stream", "shm_posix/pingpong",
                                "shm_posix/stream", "shm_sysv/pingpong", "shm_sysv/stream",
                                "unix_socket/pingpong", "unix_socket/stream"));
}

TEST(MatrixRequests, StreamSweepsThreeSizesPingpongUsesSmallMessages) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(2));
  ASSERT_TRUE(requests.ok()) << requests.status();
  for (const v1::RunRequest& request : *requests) {
    const auto& params = request.params();
    if (params.count("mode") == 0) continue;
    if (params.at("mode") == "stream") {
      EXPECT_THAT(SweepValuesOf(request, "message_size"), ElementsAre("4KiB", "64KiB", "1MiB"));
      EXPECT_EQ(params.at("total_bytes"), "64MiB");
    } else {
      EXPECT_EQ(params.at("message_size"), "64");
      EXPECT_EQ(std::stoull(params.at("total_bytes")) / 64, 5000u);
    }
    if (params.count("ring_bytes") || request.workload() == "shm_posix") {
      EXPECT_EQ(params.at("sync"), "futex") << request.workload();
    }
  }
}

TEST(MatrixRequests, PageFaultVariantsAreSwept) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(2));
  ASSERT_TRUE(requests.ok()) << requests.status();
  bool swept = false;
  for (const v1::RunRequest& request : *requests) {
    if (request.workload() != "page_fault" || request.sweeps_size() == 0) continue;
    swept = true;
    EXPECT_THAT(SweepValuesOf(request, "access"), ElementsAre("write", "read", "read_then_write"));
    EXPECT_THAT(SweepValuesOf(request, "huge_pages"), ElementsAre("none", "thp"));
    EXPECT_TRUE(SweepValuesOf(request, "placement").empty()) << "one role: nothing to place";
  }
  EXPECT_TRUE(swept);
}

TEST(MatrixRequests, SweepsPlacementOfTransfersWhenTwoCpusAreAllowed) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", HostWithCpus(4));
  ASSERT_TRUE(requests.ok()) << requests.status();
  for (const v1::RunRequest& request : *requests) {
    if (request.params().count("mode") == 0) continue;
    EXPECT_EQ(request.params().count("placement"), 0u);
    EXPECT_THAT(SweepValuesOf(request, "placement"), ElementsAre("same", "cross"));
  }
}

TEST(MatrixRequests, PinsBothRolesToOneCpuOnASingleCpuHost) {
  for (int cpus : {0, 1}) {
    absl::StatusOr<std::vector<v1::RunRequest>> requests =
        MatrixRequests("default", HostWithCpus(cpus));
    ASSERT_TRUE(requests.ok()) << requests.status();
    for (const v1::RunRequest& request : *requests) {
      if (request.params().count("mode") == 0) continue;
      EXPECT_TRUE(SweepValuesOf(request, "placement").empty());
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
