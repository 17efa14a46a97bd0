// The command line end to end against the real service: ipclabd's Server on
// a loopback port running the real ipclab-worker (from IPCLAB_BIN_DIR) on
// small real workloads. Parsing, exit codes, and what lands on stdout and
// stderr.
#include "client/cli.h"
#include "client/testing/cli_testing.h"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/report/text_table.h"
#include "server/server.h"
#include "tests/testing/process_checks.h"

namespace ipclab::client {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
namespace server_testing = ::ipclab::testing;

using cli_testing::IsUsageError;
using cli_testing::Outcome;

// Runs the command line in this process. Every `run` gets --no-store: a
// test must not write to the user's results database.
Outcome RunCli(std::vector<std::string> args) {
  if (!args.empty() && args.front() == "run") args.push_back("--no-store");
  CommandIo io;
  io.progress = true;       // as on a terminal; --quiet must still silence it
  io.terminal_width = 400;  // room for two servers' progress side by side
  return cli_testing::RunMain(std::move(args), io);
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

TEST(Cli, SuggestsTheCommandOrOptionMeant) {
  Outcome command = RunCli({"rnu"});
  EXPECT_THAT(command,
              IsUsageError(HasSubstr("ipclab: unknown command \"rnu\" (did you mean \"run\"?)")));
  EXPECT_THAT(command.err, Not(HasSubstr("A subcommand is required")));
  Outcome nested = RunCli({"results", "lsit"});
  EXPECT_THAT(nested, IsUsageError(HasSubstr("(did you mean \"list\"?)")));
  Outcome option = RunCli({"run", "pipe", "--repetiton", "3"});
  EXPECT_THAT(option,
              IsUsageError(HasSubstr("unknown option --repetiton for `ipclab run` (did you mean "
                                     "\"--repetitions\"?)")));
  Outcome none = RunCli({});
  EXPECT_THAT(none, IsUsageError(HasSubstr("a command is required: ")));
}

TEST(Cli, VersionEverywhere) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"version"}, {"--version"}, {"run", "--version"}, {"results", "list", "--version"}}) {
    Outcome outcome = RunCli(args);
    EXPECT_EQ(outcome.exit_code, 0) << args.front();
    EXPECT_THAT(outcome.out, StartsWith("ipclab ")) << args.front();
  }
}

TEST(Cli, ZeroRepetitionsSaysWhatIsAllowed) {
  Outcome outcome = RunCli({"run", "pipe", "--repetitions", "0"});
  EXPECT_THAT(outcome, IsUsageError(HasSubstr("must be at least 1")));
  EXPECT_LT(outcome.err.size(), 300u);  // no 300-digit range
}

TEST(Cli, RunHelpComesFromTheCatalogAndTheMatrixTable) {
  Outcome help = RunCli({"run", "--help"});
  ASSERT_EQ(help.exit_code, 0);
  for (const char* workload :
       {"pipe", "unix_socket", "shm_posix", "shm_sysv", "mmap_file", "cow_private", "page_fault"}) {
    EXPECT_THAT(help.out, HasSubstr(std::string("  ") + workload)) << workload;
  }
  EXPECT_THAT(help.out, HasSubstr("--matrix default runs these"));
  EXPECT_THAT(help.out, HasSubstr("  cow_private  backing anon|file"));
  EXPECT_THAT(help.out, HasSubstr("message_size 4KiB|64KiB|1MiB"));
  EXPECT_THAT(help.out, Not(HasSubstr("compares pipe and shm_posix")));
}

TEST(Cli, MalformedParamExits2BeforeConnecting) {
  Outcome outcome = RunCli({"run", "pipe", "-p", "message_size", "--server", "127.0.0.1:1"});
  EXPECT_THAT(outcome, IsUsageError(HasSubstr("ipclab: malformed -p \"message_size\"")));
}

TEST(Cli, WorkloadAndMatrixAreExclusive) {
  EXPECT_EQ(RunCli({"run", "pipe", "--matrix", "default"}).exit_code, 2);
  Outcome neither = RunCli({"run"});
  EXPECT_THAT(neither, IsUsageError(HasSubstr("WORKLOAD")));
}

TEST(Cli, UnreachableServerExits4) {
  // Nothing listens on port 1 of the loopback address.
  Outcome outcome = RunCli({"list", "--server", "127.0.0.1:1"});
  EXPECT_EQ(outcome.exit_code, 4);
  EXPECT_THAT(outcome.err, HasSubstr("cannot connect to ipclabd at 127.0.0.1:1"));
}

// The real server on 127.0.0.1:<free port> with the real worker. With
// `one_cpu` it is started from a thread allowed on a single CPU, so its run
// executor and every worker it spawns inherit that mask, as under
// `taskset -c N ipclabd`.
std::unique_ptr<server::Server> StartServer(bool one_cpu = false) {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.worker_path = server_testing::RealWorkerPath();
  if (options.worker_path.empty()) {
    ADD_FAILURE() << "no ipclab-worker in IPCLAB_BIN_DIR (run through ctest after building it)";
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<server::Server>> started;
  std::thread starter([&] {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (one_cpu && sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
      int first = 0;
      while (first < CPU_SETSIZE && !CPU_ISSET(first, &allowed)) ++first;
      cpu_set_t single;
      CPU_ZERO(&single);
      CPU_SET(first, &single);
      if (sched_setaffinity(0, sizeof(single), &single) != 0) {
        started = absl::InternalError("sched_setaffinity failed");
        return;
      }
    }
    started = server::Server::Start(options);
  });
  starter.join();
  if (!started.ok()) {
    ADD_FAILURE() << started.status();
    return nullptr;
  }
  return *std::move(started);
}

// `run pipe` moving 1 MiB once, without warm-up: a real run in milliseconds.
std::vector<std::string> SmallPipeRun(std::vector<std::string> more) {
  std::vector<std::string> args = {"run",           "pipe", "-p",       "total_bytes=1MiB",
                                   "--repetitions", "1",    "--warmup", "0"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The results of a JSON array printed by `run`.
std::vector<v1::RunResult> ParseResultArray(const std::string& json) {
  google::protobuf::ListValue array;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &array);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\nin:\n" << json;
  std::vector<v1::RunResult> results;
  for (const google::protobuf::Value& value : array.values()) {
    std::string element;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(value, &element).ok());
    v1::RunResult result;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(element, &result).ok()) << element;
    results.push_back(std::move(result));
  }
  return results;
}

class CliWithServer : public ::testing::Test {
 protected:
  void SetUp() override {
    shm_before_ = server_testing::IpclabShmEntries();
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
  }

  void TearDown() override {
    server_.reset();  // cancels and reaps whatever still runs
    EXPECT_THAT(server_testing::ChildPids(), IsEmpty()) << "a worker outlived the command";
    EXPECT_THAT(server_testing::LeftoverShmSince(shm_before_), IsEmpty());
  }

  std::string address() const { return server_->address(); }

  std::vector<std::string> shm_before_;
  std::unique_ptr<server::Server> server_;
};

TEST_F(CliWithServer, RunPrintsOneJsonDocumentNamingTheServer) {
  Outcome outcome = RunCli(SmallPipeRun({"--server", address(), "--format", "json", "--quiet"}));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.err, IsEmpty());  // --quiet: no progress line
  v1::RunResult result;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(outcome.out, &result).ok())
      << outcome.out;
  EXPECT_EQ(result.server(), address());
  EXPECT_EQ(result.status(), v1::SUCCEEDED) << result.error();
  ASSERT_EQ(result.cases_size(), 1);
  ASSERT_EQ(result.cases(0).repetitions_size(), 1);
  bool saw_steady = false;
  for (const v1::PhaseResult& phase : result.cases(0).repetitions(0).phases()) {
    if (phase.name() != "steady") continue;
    saw_steady = true;
    // Whole passes of what -p total_bytes asked for (--min-time extends it).
    EXPECT_GT(phase.bytes(), 0u);
    EXPECT_EQ(phase.bytes() % (uint64_t{1} << 20), 0u);
  }
  EXPECT_TRUE(saw_steady);
}

TEST_F(CliWithServer, ProgressLineIsClearedBeforeTheEnd) {
  Outcome outcome = RunCli(SmallPipeRun({"--server", address(), "--format", "json"}));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.err, HasSubstr("\rconnecting"));
  // A bar with the share done, the elapsed time, then where the run is.
  EXPECT_THAT(outcome.err, HasSubstr("\r[--------------------]   0%  0:0"));
  EXPECT_THAT(outcome.err, HasSubstr(" elapsed  [case 1/1 pipe] rep 1/1"));
  ASSERT_GE(outcome.err.size(), 4u);
  EXPECT_EQ(outcome.err.substr(outcome.err.size() - 4), "\r\x1b[K");
}

// Several servers are a fleet run (client/fleet.h): one JSON document with
// the fleet id and the runs, each carrying its server and the fleet id.
TEST_F(CliWithServer, SeveralServersGiveOneFleetDocument) {
  std::unique_ptr<server::Server> second = StartServer();
  ASSERT_NE(second, nullptr);
  Outcome outcome = RunCli(SmallPipeRun(
      {"--server", address(), "--server", second->address(), "--format", "json", "-q"}));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  google::protobuf::Struct fleet;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(outcome.out, &fleet).ok()) << outcome.out;
  const std::string fleet_id = fleet.fields().at("fleetId").string_value();
  EXPECT_FALSE(fleet_id.empty());
  std::string runs_json;
  ASSERT_TRUE(
      google::protobuf::util::MessageToJsonString(fleet.fields().at("runs"), &runs_json).ok());
  std::vector<v1::RunResult> results = ParseResultArray(runs_json);
  ASSERT_EQ(results.size(), 2u);
  std::set<std::string> servers;
  for (const v1::RunResult& result : results) {
    EXPECT_EQ(result.status(), v1::SUCCEEDED) << result.error();
    EXPECT_EQ(result.fleet_id(), fleet_id);
    servers.insert(result.server());
  }
  EXPECT_EQ(servers, (std::set<std::string>{address(), second->address()}));
}

TEST_F(CliWithServer, ServerRefusalExits2WithItsMessage) {
  Outcome unknown = RunCli({"run", "unknown", "--server", address(), "-q"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, StartsWith("ipclab: unknown workload \"unknown\"; known workloads: "));
  EXPECT_THAT(unknown.err, HasSubstr("pipe"));
  EXPECT_THAT(unknown.out, IsEmpty());

  Outcome malformed =
      RunCli({"run", "pipe", "-p", "message_size=12XB", "--server", address(), "-q"});
  EXPECT_THAT(malformed, IsUsageError(StartsWith("ipclab: parameter message_size=\"12XB\"")));
}

TEST_F(CliWithServer, NamesAreCheckedAgainstTheCatalogWithSuggestions) {
  Outcome workload = RunCli({"run", "pipee", "--server", address(), "-q"});
  EXPECT_THAT(workload, IsUsageError(HasSubstr("(did you mean \"pipe\"?)")));
  Outcome param = RunCli({"run", "pipe", "-p", "mesage_size=4KiB", "--server", address(), "-q"});
  EXPECT_THAT(param,
              IsUsageError(HasSubstr("unknown parameter \"mesage_size\" for workload pipe (did you "
                                     "mean \"message_size\"?)")));
  Outcome value =
      RunCli({"run", "pipe", "--sweep", "mode=stream,pingpnog", "--server", address(), "-q"});
  EXPECT_THAT(value, IsUsageError(HasSubstr("(did you mean \"pingpong\"?)")));
}

TEST_F(CliWithServer, FailedRunPrintsItsResultAndExits4) {
  // A server confined to one CPU cannot pin the two roles of placement=cross
  // to two CPUs: the worker fails the case, and the run comes back FAILED.
  server_ = StartServer(/*one_cpu=*/true);
  ASSERT_NE(server_, nullptr);
  Outcome outcome = RunCli(SmallPipeRun({"-p", "placement=cross", "--server", address(), "-q"}));
  EXPECT_EQ(outcome.exit_code, 4);
  EXPECT_THAT(outcome.out, HasSubstr("FAILED"));  // the table, with the error
  EXPECT_THAT(outcome.out, HasSubstr("placement=cross needs 2 CPUs but only 1 are allowed"));
  EXPECT_THAT(outcome.err, HasSubstr("failed on the server: placement=cross needs 2 CPUs"));
}

// The default matrix with its transfers cut to 128 KiB (-p overrides the
// matrix's total_bytes), so all of it runs in about a second.
std::vector<std::string> SmallMatrixRun(std::vector<std::string> more) {
  // Small sizes: -p applies to the matrix's workloads that take the parameter.
  std::vector<std::string> args = {"run",
                                   "--matrix",
                                   "default",
                                   "-p",
                                   "total_bytes=128KiB",
                                   "-p",
                                   "message_size=4KiB",
                                   "-p",
                                   "region_bytes=4MiB",
                                   "--repetitions",
                                   "1",
                                   "--warmup",
                                   "0"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(CliWithServer, MatrixRunsEveryRequestAsOneJsonArray) {
  Outcome outcome = RunCli(SmallMatrixRun({"--server", address(), "--format", "json", "-q"}));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  std::vector<v1::RunResult> results = ParseResultArray(outcome.out);
  const std::vector<std::string> workloads = {
      "pipe",     "pipe",      "unix_socket", "unix_socket", "shm_posix",  "shm_posix",  "shm_sysv",
      "shm_sysv", "mmap_file", "mmap_file",   "page_fault",  "page_fault", "cow_private"};
  ASSERT_EQ(results.size(), workloads.size());
  for (size_t i = 0; i < results.size(); ++i) {
    const v1::RunResult& result = results[i];
    EXPECT_EQ(result.workload(), workloads[i]);
    EXPECT_EQ(result.status(), v1::SUCCEEDED) << result.error();
    if (result.request().params().count("mode") == 0) continue;
    // Transfers: placement same,cross on a host with two CPUs, else same only.
    std::vector<std::string> placements;
    for (const v1::CaseResult& c : result.cases())
      placements.push_back(c.case_().params().at("placement"));
    EXPECT_THAT(placements, ::testing::AnyOf(std::vector<std::string>{"same", "cross"},
                                             std::vector<std::string>{"same"}));
  }
}

TEST_F(CliWithServer, MatrixRefusesAParameterNoneOfItsWorkloadsTakes) {
  Outcome outcome =
      RunCli({"run", "--matrix", "default", "-p", "colour=blue", "--server", address(), "-q"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_THAT(outcome.err,
              HasSubstr("unknown parameter \"colour\": no workload of matrix default"));
  EXPECT_THAT(outcome.out, ::testing::IsEmpty());
}

TEST_F(CliWithServer, MatrixAnswersFirstAndQuietKeepsOnlyTheAnswers) {
  Outcome quiet = RunCli(SmallMatrixRun({"--server", address(), "-q"}));
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_THAT(quiet.out, StartsWith("Summary for "));
  EXPECT_THAT(quiet.out, HasSubstr("Stream bandwidth, median GB/s"));
  EXPECT_THAT(quiet.out, HasSubstr("Page faults: cost per 4 KiB page"));
  EXPECT_THAT(quiet.out, Not(HasSubstr("vs best")));  // -q: no table
  EXPECT_THAT(quiet.err, IsEmpty());

  Outcome normal = RunCli(SmallMatrixRun({"--server", address()}));
  ASSERT_EQ(normal.exit_code, 0) << normal.err;
  EXPECT_THAT(normal.out, StartsWith("Summary for "));
  EXPECT_THAT(normal.out, HasSubstr("vs best"));
  EXPECT_THAT(normal.out, HasSubstr("Legend"));
  EXPECT_THAT(normal.out, Not(HasSubstr("per phase:")));
  for (absl::string_view line : absl::StrSplit(normal.out, '\n')) {
    EXPECT_LE(results::DisplayWidth(line), 100u) << line;
  }
}

TEST_F(CliWithServer, MatrixPrintsOneComparisonWithItsPhases) {
  Outcome outcome = RunCli(SmallMatrixRun({"--server", address(), "-q", "--detail"}));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.out, HasSubstr("vs best"));
  EXPECT_THAT(outcome.out, HasSubstr("measured repetition per case, no warm-up"));
  // One block per (run, case) in the per-phase section.
  EXPECT_THAT(outcome.out, HasSubstr("#5 shm_posix"));
  EXPECT_THAT(outcome.out, HasSubstr("faults write"));
  EXPECT_THAT(outcome.out, HasSubstr("steady"));
}

TEST_F(CliWithServer, ListAndHostAsJson) {
  Outcome list = RunCli({"list", "--server", address(), "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  v1::ListWorkloadsResponse catalog;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &catalog).ok());
  std::set<std::string> names;
  for (const v1::WorkloadSpec& workload : catalog.workloads()) names.insert(workload.name());
  EXPECT_THAT(names, ::testing::IsSupersetOf({"pipe", "shm_posix"}));

  Outcome host = RunCli({"host", "--server", address(), "--format", "json"});
  ASSERT_EQ(host.exit_code, 0) << host.err;
  v1::HostInfo info;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(host.out, &info).ok()) << host.out;
  utsname names_of_this_host{};
  ASSERT_EQ(uname(&names_of_this_host), 0);
  EXPECT_EQ(info.hostname(), names_of_this_host.nodename);
  EXPECT_EQ(info.kernel_release(), names_of_this_host.release);
  EXPECT_GT(info.cpu_count(), 0u);
}

}  // namespace
}  // namespace ipclab::client
