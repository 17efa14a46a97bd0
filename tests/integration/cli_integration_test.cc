// The real `ipclab` against the real `ipclabd` (and its real workers) on a
// loopback port, and in embedded mode: what a user and a CI job see — exit
// codes, stderr messages, and JSON that parses back into the proto.
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/model/phases.h"
#include "tests/testing/daemon.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr uint64_t kMiB = uint64_t{1} << 20;

// Strict parsing: an unknown field would mean server and proto disagree.
template <typename Message>
::testing::AssertionResult ParseJson(const std::string& json, Message* message) {
  const auto status = google::protobuf::util::JsonStringToMessage(json, message);
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString() << "\nin:\n" << json;
}

std::string KernelRelease() {
  utsname names{};
  uname(&names);
  return names.release;
}

using results::FindPhase;

// Every test gets its own temporary directory (TMPDIR for the children, so
// their scratch files land there too) and, when it asks, its own ipclabd.
class CliIntegrationTest : public IpclabdTest {
 protected:
  // Starts `ipclabd --listen 127.0.0.1:0` and returns "127.0.0.1:PORT".
  std::string StartDaemon() {
    daemon_ = SpawnIpclabd({}, environment_);
    return AwaitAddress(*daemon_, "listening on");
  }

  ProcessResult Ipclab(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return RunProcess(args, environment_, std::chrono::seconds(180));
  }
};

TEST_F(CliIntegrationTest, RunPipeOnARemoteServerPrintsOneRunResult) {
  const std::string server = StartDaemon();
  ProcessResult run = Ipclab({"run", "pipe", "-p", "total_bytes=4MiB", "--repetitions", "2",
                              "--warmup", "0", "--format", "json", "--server", server});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // stderr is a pipe here, not a terminal: no progress line, nothing at all.
  EXPECT_THAT(run.err, IsEmpty());

  v1::RunResult result;
  ASSERT_TRUE(ParseJson(run.out, &result));
  EXPECT_EQ(result.status(), v1::SUCCEEDED) << result.error();
  EXPECT_EQ(result.workload(), "pipe");
  EXPECT_EQ(result.server(), server);
  EXPECT_EQ(result.host().kernel_release(), KernelRelease());
  ASSERT_EQ(result.cases_size(), 1);
  const v1::CaseResult& case_result = result.cases(0);
  EXPECT_EQ(case_result.status(), v1::SUCCEEDED) << case_result.error();
  ASSERT_EQ(case_result.repetitions_size(), 2);
  for (const v1::RepetitionResult& repetition : case_result.repetitions()) {
    EXPECT_FALSE(repetition.warmup());
    const v1::PhaseResult* steady = FindPhase(repetition, "steady");
    ASSERT_NE(steady, nullptr) << "no steady phase in repetition " << repetition.repetition();
    // Whole passes of total_bytes until the phase lasts --min-time (default 0.05 s).
    EXPECT_GE(steady->bytes(), 4 * kMiB);
    EXPECT_EQ(steady->bytes() % (4 * kMiB), 0u);
    EXPECT_GT(steady->throughput_bytes_per_sec(), 0.0);
    EXPECT_GT(steady->wall_ns(), 0);
    std::set<std::string> roles;
    for (const v1::RoleMeasurement& role : steady->roles()) roles.insert(role.role());
    EXPECT_EQ(roles.count("producer"), 1u);
    EXPECT_EQ(roles.count("consumer"), 1u);
  }
}

TEST_F(CliIntegrationTest, ListAndHostAsJson) {
  const std::string server = StartDaemon();
  ProcessResult list = Ipclab({"list", "--format", "json", "--server", server});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  v1::ListWorkloadsResponse catalog;
  ASSERT_TRUE(ParseJson(list.out, &catalog));
  std::set<std::string> names;
  for (const v1::WorkloadSpec& workload : catalog.workloads()) names.insert(workload.name());
  EXPECT_EQ(names.count("pipe"), 1u);
  EXPECT_EQ(names.count("shm_posix"), 1u);

  ProcessResult host = Ipclab({"host", "--format", "json", "--server", server});
  ASSERT_EQ(host.exit_code, 0) << host.err;
  v1::HostInfo info;
  ASSERT_TRUE(ParseJson(host.out, &info));
  EXPECT_EQ(info.kernel_release(), KernelRelease());
}

TEST_F(CliIntegrationTest, UnknownWorkloadIsAUsageErrorListingKnownNames) {
  const std::string server = StartDaemon();
  ProcessResult run = Ipclab({"run", "no_such_workload", "--server", server});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("ipclab: "));
  EXPECT_THAT(run.err, HasSubstr("unknown workload"));
  EXPECT_THAT(run.err, HasSubstr("pipe"));
  EXPECT_THAT(run.err, HasSubstr("shm_posix"));
  EXPECT_THAT(run.out, IsEmpty());
}

TEST_F(CliIntegrationTest, MalformedSizeIsAUsageErrorNamingTheParameter) {
  const std::string server = StartDaemon();
  ProcessResult run = Ipclab({"run", "pipe", "-p", "message_size=12XB", "--server", server});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("message_size"));
  EXPECT_THAT(run.err, HasSubstr("12XB"));
  EXPECT_THAT(run.out, IsEmpty());
}

TEST_F(CliIntegrationTest, MalformedParamFlagIsAUsageError) {
  ProcessResult run = Ipclab({"run", "pipe", "-p", "message_size"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("NAME=VALUE"));
}

TEST_F(CliIntegrationTest, UnreachableServerIsAServerError) {
  const int port = ClosedLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ProcessResult run = Ipclab({"run", "pipe", "--server", address});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_THAT(run.err, HasSubstr(address));
  ProcessResult list = Ipclab({"list", "--server", address});
  EXPECT_EQ(list.exit_code, 4);
}

// Issue 8: `taskset -c 0 yes` is what a noisy neighbour looks like; doctor
// names it (exit 0, or 1 with --strict) and is a server error when the
// server cannot be reached.
TEST_F(CliIntegrationTest, DoctorWarnsAboutABusyProcess) {
  Subprocess hog({"/bin/sh", "-c", "exec taskset -c 0 yes >/dev/null"}, environment_,
                 SpawnOptions{StderrMode::kInherit});
  ASSERT_GT(hog.pid(), 0) << hog.error();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ProcessResult doctor = Ipclab({"doctor"});
  ProcessResult strict = Ipclab({"doctor", "--strict"});
  hog.Signal(SIGKILL);
  EXPECT_FALSE(hog.Wait(std::chrono::seconds(10)).timed_out);
  EXPECT_EQ(doctor.exit_code, 0) << doctor.err;
  EXPECT_THAT(doctor.out, HasSubstr("busy processes"));
  EXPECT_THAT(doctor.out, ::testing::ContainsRegex("busy processes +WARN +.*yes \\(pid"));
  EXPECT_THAT(doctor.out, HasSubstr("clocksource"));
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;

  const int port = ClosedLoopbackPort();
  ASSERT_GT(port, 0);
  EXPECT_EQ(Ipclab({"doctor", "--server", "127.0.0.1:" + std::to_string(port)}).exit_code, 4);
}

TEST_F(CliIntegrationTest, EmbeddedModeNeedsNoServer) {
  ProcessResult run = Ipclab({"run", "shm_posix", "-p", "total_bytes=4MiB", "--repetitions", "1",
                              "--warmup", "0", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  v1::RunResult result;
  ASSERT_TRUE(ParseJson(run.out, &result));
  EXPECT_EQ(result.status(), v1::SUCCEEDED) << result.error();
  EXPECT_EQ(result.server(), "embedded");
  ASSERT_EQ(result.cases_size(), 1);
  ASSERT_EQ(result.cases(0).repetitions_size(), 1);
  const v1::PhaseResult* steady = FindPhase(result.cases(0).repetitions(0), "steady");
  ASSERT_NE(steady, nullptr);
  EXPECT_GE(steady->bytes(), 4 * kMiB);
  EXPECT_EQ(steady->bytes() % (4 * kMiB), 0u);
}

TEST_F(CliIntegrationTest, OutFileHoldsTheRunResultJson) {
  const std::string server = StartDaemon();
  const std::string out_file = temp_.path() + "/pipe.json";
  ProcessResult run = Ipclab({"run", "pipe", "-p", "total_bytes=1MiB", "--repetitions", "1",
                              "--warmup", "0", "--server", server, "--out", out_file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("pipe"));  // the table still goes to stdout
  std::ifstream file(out_file);
  ASSERT_TRUE(file.good()) << out_file << " was not written";
  std::stringstream json;
  json << file.rdbuf();
  v1::RunResult result;
  ASSERT_TRUE(ParseJson(json.str(), &result));
  EXPECT_EQ(result.status(), v1::SUCCEEDED);
  EXPECT_EQ(result.server(), server);
  struct stat st;
  EXPECT_NE(stat((out_file + ".tmp").c_str(), &st), 0) << "temporary file left behind";
}

TEST_F(CliIntegrationTest, DefaultMatrixRunsOnTheRealWorkloads) {
  // The matrix's parameter names and values must be ones the real workloads
  // accept; a small total_bytes keeps this quick. Two rounds of one
  // repetition each: the client runs round 1 of every run, then round 2.
  const std::string server = StartDaemon();
  ProcessResult run =
      Ipclab({"run", "--matrix", "default", "-p", "total_bytes=256KiB", "-p", "message_size=4KiB",
              "-p", "region_bytes=4MiB", "--repetitions", "2", "--rounds", "2", "--warmup", "0",
              "--format", "json", "--server", server});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  google::protobuf::ListValue array;
  ASSERT_TRUE(ParseJson(run.out, &array));
  ASSERT_EQ(array.values_size(), 13);
  std::multiset<std::string> workloads;
  std::vector<std::pair<int64_t, int64_t>> spans;  // started, finished (ns)
  for (const google::protobuf::Value& element : array.values()) {
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(element, &json).ok());
    v1::RunResult result;
    ASSERT_TRUE(ParseJson(json, &result));
    EXPECT_EQ(result.status(), v1::SUCCEEDED) << result.error();
    workloads.insert(result.workload());
    // Each run is its two rounds joined: both repetitions of every case,
    // numbered on, summarized together.
    EXPECT_TRUE(result.rounds_across_matrix());
    EXPECT_EQ(result.request().rounds(), 2u);
    EXPECT_EQ(result.request().repetitions(), 2u);
    for (const v1::CaseResult& c : result.cases()) {
      ASSERT_EQ(c.repetitions_size(), 2) << c.case_().name();
      EXPECT_EQ(c.repetitions(0).repetition(), 0u);
      EXPECT_EQ(c.repetitions(1).repetition(), 1u);
      int wall_times = 0;
      for (const v1::MetricSummary& summary : c.summaries()) {
        if (!absl::EndsWith(summary.name(), ".wall_ns")) continue;
        ++wall_times;
        EXPECT_EQ(summary.n(), 2u) << summary.name();
      }
      EXPECT_GT(wall_times, 0) << c.case_().name();
    }
    spans.emplace_back(
        google::protobuf::util::TimeUtil::TimestampToNanoseconds(result.started_at()),
        google::protobuf::util::TimeUtil::TimestampToNanoseconds(result.finished_at()));
    if (result.request().params().count("mode") == 0) continue;  // page_fault, cow_private
    // placement same,cross where the server may use two CPUs, else same.
    const int expected_cases = result.host().allowed_cpus_size() >= 2 ? 2 : 1;
    EXPECT_EQ(result.cases_size(), expected_cases);
  }
  // Round 2 of the first run came after round 1 of the last: the runs'
  // spans overlap, every one reaching past the start of the next.
  ASSERT_EQ(spans.size(), 13u);
  for (size_t i = 0; i + 1 < spans.size(); ++i) {
    EXPECT_LT(spans[i].first, spans[i + 1].first) << i;
    EXPECT_GT(spans[i].second, spans[i + 1].first) << i;
  }
  EXPECT_EQ(workloads.count("pipe"), 2u);
  EXPECT_EQ(workloads.count("shm_posix"), 2u);
  EXPECT_EQ(workloads.count("page_fault"), 2u);
  EXPECT_EQ(workloads.count("cow_private"), 1u);
}

TEST_F(CliIntegrationTest, SigintCancelsTheRunAndTheServerStaysUsable) {
  const std::string server = StartDaemon();
  // A run far too long to finish in the test (100 repetitions of 1 GiB),
  // yet within the server's default --max-run-seconds estimate.
  Subprocess run({BinDir() + "/ipclab", "run", "pipe", "-p", "total_bytes=1GiB", "--repetitions",
                  "100", "--server", server},
                 environment_);
  ASSERT_GT(run.pid(), 0) << run.error();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  run.Signal(SIGINT);
  ProcessResult cancelled = run.Wait(std::chrono::seconds(30));
  EXPECT_FALSE(cancelled.timed_out);
  EXPECT_EQ(cancelled.exit_code, 130);
  EXPECT_THAT(cancelled.err, HasSubstr("ipclab: cancelled"));
  EXPECT_THAT(cancelled.out, IsEmpty());

  // The worker was stopped: the next run is not stuck behind it.
  ProcessResult next = Ipclab({"run", "pipe", "-p", "total_bytes=1MiB", "--repetitions", "1",
                               "--warmup", "0", "--format", "json", "--server", server});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  v1::RunResult result;
  ASSERT_TRUE(ParseJson(next.out, &result));
  EXPECT_EQ(result.status(), v1::SUCCEEDED);
}

}  // namespace
}  // namespace ipclab::testing
