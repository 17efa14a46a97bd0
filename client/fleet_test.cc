// Fleet runs without a network: resolving --fleet targets, the JSON
// document, exit codes, storage under the fleet id, and reading the stored
// fleet back through `fleet:ID` and the --out file.
#include "client/fleet.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/run_sources.h"
#include "client/testing/cli_testing.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "results/store/store.h"
#include "results/testing/synthetic_runs.h"
#include "tests/testing/subprocess.h"

namespace ipclab::client {
namespace {

using results::testing::MakeSyntheticRun;
using results::testing::SyntheticCase;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ResolveFleetTarget, EveryAddressOfANameWithThePort) {
  absl::StatusOr<std::vector<std::string>> resolved = ResolveFleetTarget("dns:///localhost:7557");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(*resolved, Contains("127.0.0.1:7557"));
  resolved = ResolveFleetTarget("dns:127.0.0.1:9");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(*resolved, ElementsAre("127.0.0.1:9"));
  resolved = ResolveFleetTarget("dns:///[::1]:7557");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(*resolved, ElementsAre("[::1]:7557"));
}

TEST(ResolveFleetTarget, RefusesOtherFormsAndNamesThatDoNotResolve) {
  for (const char* bad : {"localhost:7557", "dns:///localhost", "dns:///localhost:0",
                          "dns:///localhost:http", "dns:///:7557", "ipv4:127.0.0.1:1"}) {
    absl::StatusOr<std::vector<std::string>> resolved = ResolveFleetTarget(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(resolved.status())) << bad << ": " << resolved.status();
  }
  // .invalid never resolves (RFC 2606).
  absl::StatusOr<std::vector<std::string>> resolved =
      ResolveFleetTarget("dns:///no-such-host.invalid:7557");
  EXPECT_TRUE(absl::IsUnavailable(resolved.status())) << resolved.status();
  EXPECT_THAT(resolved.status().message(), HasSubstr("no-such-host.invalid"));
}

TEST(NewFleetId, ShortAndDifferentEachTime) {
  const std::string a = NewFleetId();
  EXPECT_EQ(a.size(), 14u);
  EXPECT_EQ(a.substr(0, 2), "f-");
  EXPECT_NE(a, NewFleetId());
}

v1::RunResult HostRun(const std::string& id, const std::string& server,
                      const std::string& hostname) {
  v1::HostInfo host = results::testing::SyntheticHost();
  host.set_hostname(hostname);
  SyntheticCase stream;
  stream.params = {{"message_size", "64KiB"}};
  stream.throughput = {1e9, 1.01e9, 0.99e9, 1e9};
  v1::RunResult run = MakeSyntheticRun(id, "pipe", {stream}, host);
  run.set_server(server);
  return run;
}

class FleetReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(directory_.empty()) << "no temporary directory";
    auto store =
        results::ResultStore::Open(directory_ + "/results.db", results::ResultStore::Mode::kCreate);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    io_.out = &out_;
    io_.err = &err_;
  }
  FleetReportOptions Options() {
    FleetReportOptions options;
    options.fleet_id = "f-000000abcdef";
    options.servers = {"10.0.0.1:7557", "10.0.0.2:7557", "10.0.0.3:7557"};
    options.store.tags = {"commit=abc", "fleet=overridden"};
    return options;
  }

  // Hosts 1 and 2 measured, host 3 unreachable.
  std::vector<HostOutcome> TwoOfThree() {
    std::vector<HostOutcome> outcomes(3);
    outcomes[0].results.push_back(HostRun("run1", "10.0.0.1:7557", "lab1"));
    outcomes[1].results.push_back(HostRun("run2", "10.0.0.2:7557", "lab2"));
    outcomes[2].error = absl::UnavailableError("cannot connect to ipclabd at 10.0.0.3:7557");
    return outcomes;
  }

  const ipclab::testing::TempDir temp_;
  const std::string& directory_ = temp_.path();
  std::unique_ptr<results::ResultStore> store_;  // closed before temp_ is removed
  std::ostringstream out_;
  std::ostringstream err_;
  CommandIo io_;
};

TEST_F(FleetReportTest, SomeHostsFailedIsExit4WithTheSurvivorsPrintedAndStored) {
  EXPECT_EQ(ReportFleetRun(Options(), TwoOfThree(), store_.get(), io_), kExitServerError);
  EXPECT_THAT(out_.str(), HasSubstr("fleet f-000000abcdef  pipe  3 hosts (1 failed)"));
  EXPECT_THAT(out_.str(), HasSubstr("10.0.0.3:7557: cannot connect"));
  EXPECT_THAT(err_.str(), HasSubstr("ipclab: 10.0.0.3:7557: cannot connect"));

  // Both runs carry the fleet id (the proto field and the tag, which wins
  // over a user's fleet= tag) and keep the user's tags.
  results::RunFilter filter;
  filter.tags = {{"fleet", "f-000000abcdef"}};
  absl::StatusOr<std::vector<results::StoredRun>> stored = store_->List(filter);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->size(), 2u);
  for (const results::StoredRun& run : *stored) {
    EXPECT_THAT(run.tags, Contains(std::make_pair(std::string("commit"), std::string("abc"))));
    absl::StatusOr<v1::RunResult> loaded = store_->Load(run.run_id);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->fleet_id(), "f-000000abcdef");
  }

  // fleet:ID selects them, oldest first.
  RunSource source(store_->path());
  absl::StatusOr<std::vector<v1::RunResult>> runs = source.Resolve("fleet:f-000000abcdef");
  ASSERT_TRUE(runs.ok()) << runs.status();
  EXPECT_EQ(runs->size(), 2u);
  EXPECT_TRUE(absl::IsNotFound(source.Resolve("fleet:f-nothing").status()));
}

TEST_F(FleetReportTest, AllSucceededIsExit0AndTheReferenceHostIsChosenByHostname) {
  std::vector<HostOutcome> outcomes = TwoOfThree();
  outcomes.pop_back();
  FleetReportOptions options = Options();
  options.servers.pop_back();
  options.reference_host = "lab2";
  EXPECT_EQ(ReportFleetRun(options, std::move(outcomes), store_.get(), io_), kExitSuccess)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("2 hosts, reference lab2"));
  EXPECT_THAT(err_.str(), IsEmpty());
}

TEST_F(FleetReportTest, AllFailedIsTheWorstOfTheirCodes) {
  std::vector<HostOutcome> outcomes(2);
  outcomes[0].error = absl::InvalidArgumentError("unknown parameter");
  outcomes[1].error = absl::InvalidArgumentError("unknown parameter");
  FleetReportOptions options = Options();
  options.servers.pop_back();
  EXPECT_EQ(ReportFleetRun(options, std::move(outcomes), store_.get(), io_), kExitUsage);
}

TEST_F(FleetReportTest, AHostWhoseRunFailedKeepsItsColumnAndCountsAsFailed) {
  std::vector<HostOutcome> outcomes = TwoOfThree();
  outcomes[1].results[0].set_status(v1::FAILED);
  outcomes[1].results[0].set_error("worker killed by SIGKILL");
  outcomes.pop_back();
  FleetReportOptions options = Options();
  options.servers.pop_back();
  EXPECT_EQ(ReportFleetRun(options, std::move(outcomes), store_.get(), io_), kExitServerError);
  EXPECT_THAT(out_.str(), HasSubstr("vs lab1"));
  EXPECT_THAT(err_.str(), HasSubstr("10.0.0.2:7557: run run2 FAILED: worker killed by SIGKILL"));
}

TEST_F(FleetReportTest, JsonIsOneDocumentThatReadsBackAsItsRuns) {
  FleetReportOptions options = Options();
  options.format = OutputFormat::kJson;
  options.out_file = directory_ + "/fleet.json";
  EXPECT_EQ(ReportFleetRun(options, TwoOfThree(), nullptr, io_), kExitServerError);
  google::protobuf::Struct document;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &document).ok())
      << out_.str();
  EXPECT_EQ(document.fields().at("fleetId").string_value(), "f-000000abcdef");
  EXPECT_EQ(document.fields().at("referenceServer").string_value(), "10.0.0.1:7557");
  EXPECT_EQ(document.fields().at("servers").list_value().values_size(), 3);
  const auto& failures = document.fields().at("failures").list_value();
  ASSERT_EQ(failures.values_size(), 1);
  EXPECT_EQ(failures.values(0).struct_value().fields().at("server").string_value(),
            "10.0.0.3:7557");
  const auto& runs = document.fields().at("runs").list_value();
  ASSERT_EQ(runs.values_size(), 2);
  EXPECT_EQ(runs.values(1).struct_value().fields().at("fleetId").string_value(), "f-000000abcdef");

  absl::StatusOr<std::vector<v1::RunResult>> read = ReadRunsFile(options.out_file);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[1].server(), "10.0.0.2:7557");
  EXPECT_EQ((*read)[1].fleet_id(), "f-000000abcdef");
}

TEST(FleetSelector, FleetIdIsTheFleetTag) {
  absl::StatusOr<results::RunFilter> filter =
      results::ParseRunFilter({"fleet:f-0123456789ab", "workload=pipe"}, absl::Now());
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->tags,
              ElementsAre(std::make_pair(std::string("fleet"), std::string("f-0123456789ab"))));
  EXPECT_TRUE(absl::IsInvalidArgument(results::ParseRunFilter({"fleet:"}, absl::Now()).status()));
  EXPECT_FALSE(IsFileSpec("fleet:f-0123456789ab"));
}

TEST(FleetCli, ReferenceHostWithoutAFleetIsAUsageError) {
  const cli_testing::Outcome outcome =
      cli_testing::RunMain({"run", "pipe", "--reference-host", "lab1", "--no-store"});
  EXPECT_EQ(outcome.exit_code, kExitUsage);
  EXPECT_THAT(outcome.err, HasSubstr("--reference-host needs a fleet"));
}

TEST(FleetCli, AFleetNameThatDoesNotResolveIsExit4BeforeAnythingRuns) {
  const cli_testing::Outcome outcome = cli_testing::RunMain(
      {"run", "pipe", "--fleet", "dns:///no-such-host.invalid:7557", "--no-store"});
  EXPECT_EQ(outcome.exit_code, kExitServerError);
  EXPECT_THAT(outcome.err, HasSubstr("cannot resolve \"no-such-host.invalid\""));
  EXPECT_THAT(outcome.out, IsEmpty());
}

}  // namespace
}  // namespace ipclab::client
