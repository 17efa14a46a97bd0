// The command line end to end against a fake service on a loopback port:
// parsing, exit codes, and what lands on stdout and stderr.
#include "client/cli.h"

#include <sstream>
#include <string>
#include <vector>

#include "client/fake_ipclab_service.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

Outcome RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "ipclab");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CommandIo io;
  io.out = &out;
  io.err = &err;
  io.progress = true;  // as on a terminal; --quiet must still silence it
  const int exit_code = Main(static_cast<int>(argv.size()), argv.data(), io);
  return {exit_code, out.str(), err.str()};
}

TEST(Cli, VersionAndHelpSucceedOnStdout) {
  Outcome version = RunCli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, StartsWith("ipclab "));
  Outcome help = RunCli({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--sweep"));
  EXPECT_THAT(help.out, HasSubstr("Exit codes"));
  EXPECT_THAT(help.out, HasSubstr("Examples"));
}

TEST(Cli, ParseErrorsExit2) {
  EXPECT_EQ(RunCli({}).exit_code, 2);  // a subcommand is required
  EXPECT_EQ(RunCli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunCli({"run", "pipe", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(RunCli({"run", "pipe", "--repetitions", "0"}).exit_code, 2);
  EXPECT_EQ(RunCli({"run", "pipe", "--repetitions", "-3"}).exit_code, 2);
  EXPECT_EQ(RunCli({"list", "--format", "csv"}).exit_code, 2);
  EXPECT_EQ(RunCli({"run", "--matrix", "fancy"}).exit_code, 2);
}

TEST(Cli, MalformedParamExits2BeforeConnecting) {
  Outcome outcome = RunCli({"run", "pipe", "-p", "message_size", "--server", "127.0.0.1:1"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_THAT(outcome.err, HasSubstr("ipclab: malformed -p \"message_size\""));
  EXPECT_THAT(outcome.out, IsEmpty());
}

TEST(Cli, WorkloadAndMatrixAreExclusive) {
  EXPECT_EQ(RunCli({"run", "pipe", "--matrix", "default"}).exit_code, 2);
  Outcome neither = RunCli({"run"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_THAT(neither.err, HasSubstr("WORKLOAD"));
}

TEST(Cli, UnreachableServerExits4) {
  // Nothing listens on port 1 of the loopback address.
  Outcome outcome = RunCli({"list", "--server", "127.0.0.1:1"});
  EXPECT_EQ(outcome.exit_code, 4);
  EXPECT_THAT(outcome.err, HasSubstr("cannot connect to ipclabd at 127.0.0.1:1"));
}

class CliWithServer : public ::testing::Test {
 protected:
  testing::FakeServer server_;
};

TEST_F(CliWithServer, RunPrintsOneJsonDocumentNamingTheServer) {
  Outcome outcome =
      RunCli({"run", "ok", "--server", server_.address(), "--format", "json", "--quiet"});
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.err, IsEmpty());  // --quiet: no progress line
  v1::RunResult result;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(outcome.out, &result).ok())
      << outcome.out;
  EXPECT_EQ(result.server(), server_.address());
  EXPECT_EQ(result.status(), v1::SUCCEEDED);
}

TEST_F(CliWithServer, ProgressLineIsClearedBeforeTheEnd) {
  Outcome outcome = RunCli({"run", "ok", "--server", server_.address(), "--format", "json"});
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.err, HasSubstr("\r"));
  EXPECT_EQ(outcome.err.substr(outcome.err.size() - 4), "\r\x1b[K");
}

TEST_F(CliWithServer, SeveralServersGiveOneJsonArray) {
  testing::FakeServer second;
  Outcome outcome = RunCli({"run", "ok", "--server", server_.address(), "--server",
                            second.address(), "--format", "json", "-q"});
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  google::protobuf::ListValue array;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(outcome.out, &array).ok()) << outcome.out;
  EXPECT_EQ(array.values_size(), 2);
  EXPECT_EQ(server_.service().runs(), 1);
  EXPECT_EQ(second.service().runs(), 1);
}

TEST_F(CliWithServer, ServerRefusalExits2WithItsMessage) {
  Outcome outcome = RunCli({"run", "unknown", "--server", server_.address(), "-q"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "ipclab: unknown workload \"unknown\"; known: pipe, shm_posix\n");
  EXPECT_THAT(outcome.out, IsEmpty());
}

TEST_F(CliWithServer, FailedRunPrintsItsResultAndExits4) {
  Outcome outcome = RunCli({"run", "failed", "--server", server_.address(), "-q"});
  EXPECT_EQ(outcome.exit_code, 4);
  EXPECT_THAT(outcome.out, Not(IsEmpty()));  // the table with the error
  EXPECT_THAT(outcome.err, HasSubstr("failed on the server: worker killed by SIGSEGV"));
}

TEST_F(CliWithServer, MatrixRunsEveryRequestAndPrintsOneComparison) {
  // The fake host allows one CPU: four requests with placement=same.
  Outcome outcome = RunCli(
      {"run", "--matrix", "default", "--server", server_.address(), "--format", "json", "-q"});
  // The fake service treats "pipe"/"shm_posix" like "ok".
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  google::protobuf::ListValue array;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(outcome.out, &array).ok());
  EXPECT_EQ(array.values_size(), 4);
  EXPECT_EQ(server_.service().runs(), 4);
}

TEST_F(CliWithServer, ListAndHostAsJson) {
  Outcome list = RunCli({"list", "--server", server_.address(), "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  v1::ListWorkloadsResponse catalog;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &catalog).ok());
  EXPECT_EQ(catalog.workloads_size(), 2);
  Outcome host = RunCli({"host", "--server", server_.address(), "--format", "json"});
  ASSERT_EQ(host.exit_code, 0) << host.err;
  EXPECT_THAT(host.out, HasSubstr("fakehost"));
}

}  // namespace
}  // namespace ipclab::client
