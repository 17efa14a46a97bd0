// ipclabd as a process: flags, the "listening on" line, SIGTERM, idle RSS.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/fd.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.grpc.pb.h"
#include "tests/testing/process_checks.h"

namespace ipclab::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A spawned ipclabd with stdout and stderr on one pipe; killed and reaped if
// still running at the end.
class Daemon final {
 public:
  explicit Daemon(const std::vector<std::string>& args)
      : process_(Argv(args), testing::EnvironmentWith({}),
                 testing::SpawnOptions{testing::StderrMode::kIntoStdout}) {}

  pid_t pid() const { return process_.pid(); }
  // The next line of combined stdout/stderr, "" at EOF.
  std::string ReadLine() { return process_.ReadLineContaining("", kPatience); }
  // Exit code, or 128+signal.
  int Wait() { return process_.Wait(kPatience).exit_code; }

 private:
  static constexpr std::chrono::seconds kPatience{60};
  static std::vector<std::string> Argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {testing::BinaryPath("ipclabd")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  testing::Subprocess process_;
};

bool HaveDaemon() { return access(testing::BinaryPath("ipclabd").c_str(), X_OK) == 0; }

uint64_t VmRssKiB(pid_t pid) {
  // Not an ifstream: reading /proc/PID of a process that has just exited
  // fails with ESRCH, which libstdc++'s filebuf throws (base/fd.h).
  absl::StatusOr<std::string> status =
      base::ReadFileToString("/proc/" + std::to_string(pid) + "/status");
  if (!status.ok()) return 0;
  for (absl::string_view line : absl::StrSplit(*status, '\n')) {
    if (absl::StartsWith(line, "VmRSS:")) {
      std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
      uint64_t kib = 0;
      if (fields.size() >= 2 && absl::SimpleAtoi(fields[1], &kib)) return kib;
    }
  }
  return 0;
}

TEST(Ipclabd, BadFlagExitsTwo) {
  if (!HaveDaemon()) GTEST_SKIP() << "ipclabd not built";
  Daemon daemon({"--no-such-flag"});
  EXPECT_EQ(daemon.Wait(), 2);
  Daemon bad_number({"--max-queued-runs", "lots"});
  EXPECT_EQ(bad_number.Wait(), 2);
}

TEST(Ipclabd, VersionExitsZero) {
  if (!HaveDaemon()) GTEST_SKIP() << "ipclabd not built";
  Daemon daemon({"--version"});
  EXPECT_THAT(daemon.ReadLine(), StartsWith("ipclabd "));
  EXPECT_EQ(daemon.Wait(), 0);
}

// The port from "ipclabd listening on 127.0.0.1:PORT", 0 if the line is missing.
int ListeningPort(Daemon* daemon) {
  std::string line = daemon->ReadLine();
  while (absl::StartsWith(line, "ipclabd: warning")) line = daemon->ReadLine();
  EXPECT_THAT(line, StartsWith("ipclabd listening on 127.0.0.1:"));
  int port = 0;
  if (!absl::SimpleAtoi(absl::StripSuffix(line.substr(line.rfind(':') + 1), "\n"), &port)) {
    return 0;
  }
  return port;
}

std::unique_ptr<v1::IpcLab::Stub> Connect(int port) {
  return v1::IpcLab::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

TEST(Ipclabd, ReportsTheBoundPortServesAndStopsOnSigterm) {
  if (!HaveDaemon()) GTEST_SKIP() << "ipclabd not built";
  Daemon daemon({"--listen", "127.0.0.1:0"});
  const int port = ListeningPort(&daemon);
  ASSERT_GT(port, 0);

  auto stub = Connect(port);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::HostInfo host;
  ASSERT_TRUE(stub->GetHostInfo(&context, v1::GetHostInfoRequest(), &host).ok());
  EXPECT_GT(host.cpu_count(), 0u);

  // Idle footprint: the daemon sits on a lab machine next to the workloads.
  const uint64_t rss_kib = VmRssKiB(daemon.pid());
  RecordProperty("idle_rss_kib", static_cast<int>(rss_kib));
  EXPECT_GT(rss_kib, 0u);
  EXPECT_LT(rss_kib, 30u * 1024) << "idle VmRSS " << rss_kib << " KiB";

  // An idle sync client answers the server's shutdown ping only when its
  // backup poller runs (seconds), so drop the connection first.
  stub.reset();
  ASSERT_EQ(kill(daemon.pid(), SIGTERM), 0);
  EXPECT_EQ(daemon.Wait(), 0);
}

TEST(Ipclabd, SigtermDuringARunEndsTheStreamAndKillsTheWorker) {
  if (!HaveDaemon()) GTEST_SKIP() << "ipclabd not built";
  if (testing::RealWorkerPath().empty()) GTEST_SKIP() << "ipclab-worker not built";
  Daemon daemon({"--listen", "127.0.0.1:0"});
  const int port = ListeningPort(&daemon);
  ASSERT_GT(port, 0);
  auto stub = Connect(port);

  v1::RunRequest request;
  request.set_workload("pipe");
  (*request.mutable_params())["total_bytes"] = "8GiB";
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::RunEvent>> reader = stub->Run(&context, request);
  v1::RunEvent event;
  ASSERT_TRUE(reader->Read(&event) && event.has_accepted());
  ASSERT_TRUE(reader->Read(&event) && event.has_started());
  pid_t worker = 0;
  ASSERT_TRUE(testing::WaitFor([&] {
    std::vector<pid_t> children = testing::ChildPidsOf(daemon.pid());
    worker = children.empty() ? 0 : children.front();
    return worker != 0;
  }));
  ASSERT_EQ(kill(daemon.pid(), SIGTERM), 0);
  v1::RunEvent last;
  while (reader->Read(&event)) last = event;
  EXPECT_TRUE(reader->Finish().ok());
  ASSERT_TRUE(last.has_finished());
  EXPECT_EQ(last.finished().status(), v1::CANCELLED);
  stub.reset();
  EXPECT_EQ(daemon.Wait(), 0);
  EXPECT_TRUE(testing::ProcessGone(worker)) << "worker " << worker << " outlived ipclabd";
}

}  // namespace
}  // namespace ipclab::server
