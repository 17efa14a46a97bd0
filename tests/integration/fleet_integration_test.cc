// Fleet runs through the real binaries (issue 11): three `ipclabd`s on
// loopback ports, the same request on each, one of them killed after its run
// started. The table shows the two survivors side by side and names the dead
// one; exit 4; the stored runs share the fleet id; `fleet:ID` selects them.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/daemon.h"
#include "tests/testing/process_checks.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Whether `parent` has a child process (ipclabd spawns a worker per run).
bool HasChild(pid_t parent) { return !ChildPidsOf(parent).empty(); }

class FleetIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(BinDir().empty()) << "IPCLAB_BIN_DIR is not set (run through ctest)";
    environment_ = EnvironmentWith({{"TMPDIR", temp_.path()}, {"IPCLAB_TOKEN", ""}});
    db_ = temp_.path() + "/results.db";
  }

  void TearDown() override {
    for (auto& daemon : daemons_) {
      if (daemon != nullptr) ExpectStopsOnSigterm(*daemon);
    }
  }

  // Starts one more ipclabd on 127.0.0.1:0; returns "127.0.0.1:PORT".
  std::string StartDaemon() {
    daemons_.push_back(SpawnIpclabd({}, environment_));
    return AwaitAddress(*daemons_.back(), "listening on");
  }

  std::vector<std::string> IpclabArgv(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return args;
  }

  ProcessResult Ipclab(std::vector<std::string> args) {
    return RunProcess(IpclabArgv(std::move(args)), environment_, std::chrono::seconds(240));
  }

  TempDir temp_;
  std::vector<std::string> environment_;
  std::string db_;
  std::vector<std::unique_ptr<Subprocess>> daemons_;
};

// "fleet f-0123456789ab  ..." -> "f-0123456789ab".
std::string FleetIdIn(const std::string& table) {
  std::smatch match;
  static const std::regex kFleet("^fleet (f-[0-9a-f]{12}) ");
  return std::regex_search(table, match, kFleet) ? match[1].str() : "";
}

TEST_F(FleetIntegrationTest, ThreeHostsOneKilledMidRunTwoSideBySideAndTheDeadOneReported) {
  const std::string a = StartDaemon();
  const std::string b = StartDaemon();
  const std::string c = StartDaemon();
  const std::string out_file = temp_.path() + "/fleet.json";
  // Long enough (several seconds on 2 shared CPUs) to be killed mid-run.
  Subprocess client(IpclabArgv({"run",           "pipe",   "-p",       "total_bytes=256MiB",
                                "--repetitions", "4",      "--warmup", "0",
                                "--server",      a,        "--server", b,
                                "--server",      c,        "--db",     db_,
                                "--out",         out_file, "--tag",    "suite=fleet"}),
                    environment_);
  ASSERT_GT(client.pid(), 0) << client.error();

  // Kill the third host once its run has started (it spawned its worker).
  const pid_t third = daemons_[2]->pid();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!HasChild(third) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(HasChild(third)) << "the third ipclabd never started its run";
  daemons_[2]->Signal(SIGKILL);
  daemons_[2]->Wait(std::chrono::seconds(10));
  daemons_[2].reset();

  ProcessResult run = client.Wait(std::chrono::seconds(240));
  ASSERT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 4) << run.out << run.err;
  // The two survivors side by side: a column each (addresses: one hostname),
  // the change against the first, and the dead host named with its reason.
  const std::string fleet_id = FleetIdIn(run.out);
  ASSERT_FALSE(fleet_id.empty()) << run.out;
  EXPECT_THAT(run.out, HasSubstr("pipe  3 hosts (1 failed), reference " + a + "\n"));
  EXPECT_THAT(run.out, HasSubstr("hosts alike: kernel "));
  std::smatch header;
  const std::regex header_pattern("case +metric +" + a + " +" + b + " +vs " + a + "\n");
  EXPECT_TRUE(std::regex_search(run.out, header, header_pattern)) << run.out;
  const std::regex row_pattern(
      "pipe +throughput +[0-9.]+ [kMG]?B/s +[0-9.]+ [kMG]?B/s +[-+][0-9.]+% "
      "(better|worse|same|noisy)\n");
  EXPECT_TRUE(std::regex_search(run.out, header, row_pattern)) << run.out;
  EXPECT_THAT(run.out, HasSubstr("failed hosts (not in the table):\n  " + c + ": "));
  EXPECT_THAT(run.out, Not(HasSubstr("vs " + c)));
  EXPECT_THAT(run.err, HasSubstr("fleet " + fleet_id + ": " + a + " done: 1 run"));
  EXPECT_THAT(run.err, HasSubstr("fleet " + fleet_id + ": " + c + " FAILED: "));
  EXPECT_THAT(run.err, HasSubstr("ipclab: " + c + ": "));

  // Stored: the two survivors, with the fleet id and the user's tag.
  ProcessResult list =
      Ipclab({"results", "list", "--db", db_, "--filter", "fleet:" + fleet_id, "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  google::protobuf::ListValue listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &listed).ok()) << list.out;
  ASSERT_EQ(listed.values_size(), 2) << list.out;
  std::vector<std::string> servers;
  for (const auto& value : listed.values()) {
    const auto& fields = value.struct_value().fields();
    EXPECT_EQ(fields.at("fleetId").string_value(), fleet_id);
    EXPECT_EQ(fields.at("status").string_value(), "SUCCEEDED");
    EXPECT_EQ(fields.at("tags").struct_value().fields().at("suite").string_value(), "fleet");
    servers.push_back(fields.at("server").string_value());
  }
  EXPECT_THAT(servers, ::testing::UnorderedElementsAre(a, b));
  ProcessResult table = Ipclab({"results", "list", "--db", db_});
  EXPECT_THAT(table.out, HasSubstr(fleet_id));

  // --out holds the fleet document; `report`-style readers take fleet:ID.
  std::ifstream file(out_file);
  std::string json((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  google::protobuf::Struct document;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &document).ok()) << json;
  EXPECT_EQ(document.fields().at("fleetId").string_value(), fleet_id);
  EXPECT_EQ(document.fields().at("runs").list_value().values_size(), 2);
  ASSERT_EQ(document.fields().at("failures").list_value().values_size(), 1);
  EXPECT_EQ(document.fields()
                .at("failures")
                .list_value()
                .values(0)
                .struct_value()
                .fields()
                .at("server")
                .string_value(),
            c);
  ProcessResult shown = Ipclab({"results", "show", "fleet:" + fleet_id, "--db", db_});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("server " + a));
  EXPECT_THAT(shown.out, HasSubstr("server " + b));
}

TEST_F(FleetIntegrationTest, FleetByNameAndServerAllSucceedWithAChosenReference) {
  const std::string a = StartDaemon();
  const std::string b = StartDaemon();
  const std::string port_a = a.substr(a.rfind(':') + 1);
  ProcessResult run = Ipclab({"run", "pipe", "-p", "total_bytes=8MiB", "--repetitions", "2",
                              "--warmup", "0", "--fleet", "dns:///localhost:" + port_a, "--server",
                              b, "--reference-host", b, "--no-store", "--quiet"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("pipe  2 hosts, reference " + b + "\n"));
  EXPECT_THAT(run.out, HasSubstr("vs " + b));
  EXPECT_THAT(run.out, Not(HasSubstr("failed hosts")));
  EXPECT_EQ(run.err, "");  // --quiet: no per-host lines
}

}  // namespace
}  // namespace ipclab::testing
