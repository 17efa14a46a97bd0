#include "results/report/host_columns_table.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::SyntheticCase;

constexpr double kGB = 1e9;

v1::RunResult HostRun(const std::string& server, const std::string& hostname, double scale) {
  v1::HostInfo host = testing::SyntheticHost();
  host.set_hostname(hostname);
  SyntheticCase small;
  small.params = {{"message_size", "4KiB"}};
  SyntheticCase large;
  large.params = {{"message_size", "64KiB"}};
  for (double base : {1.00, 1.01, 0.99, 1.02, 0.98, 1.00}) {
    small.throughput.push_back(base * kGB * scale);
    large.throughput.push_back(base * 4 * kGB);  // the same on every host
  }
  v1::RunResult run = testing::MakeSyntheticRun("run-" + server, "pipe", {small, large}, host);
  run.set_server(server);
  run.set_fleet_id("f1");
  return run;
}

FleetOutcome ThreeHosts() {
  FleetOutcome fleet;
  fleet.fleet_id = "f1";
  fleet.servers = {"10.0.0.1:7557", "10.0.0.2:7557", "10.0.0.3:7557"};
  fleet.runs = {HostRun("10.0.0.2:7557", "lab2", 2.0), HostRun("10.0.0.1:7557", "lab1", 1.0)};
  fleet.failures = {{"10.0.0.3:7557", "cannot connect to ipclabd at 10.0.0.3:7557"}};
  return fleet;
}

std::string Print(const FleetOutcome& fleet) {
  std::ostringstream out;
  PrintHostColumnsTable(fleet, CompareOptions(), &out);
  return out.str();
}

TEST(FleetColumns, CommandLineOrderWithTheReferenceFirstAndOnlyHostsWithResults) {
  FleetOutcome fleet = ThreeHosts();
  EXPECT_THAT(FleetColumns(fleet), ElementsAre("10.0.0.1:7557", "10.0.0.2:7557"));
  fleet.reference_server = "10.0.0.2:7557";
  EXPECT_THAT(FleetColumns(fleet), ElementsAre("10.0.0.2:7557", "10.0.0.1:7557"));
}

TEST(FleetHostLabels, HostnamesWhenDistinctElseAddresses) {
  FleetOutcome fleet = ThreeHosts();
  const std::vector<std::string> columns = FleetColumns(fleet);
  EXPECT_THAT(FleetHostLabels(fleet, columns), ElementsAre("lab1", "lab2"));
  fleet.runs[0].mutable_host()->set_hostname("lab1");
  EXPECT_THAT(FleetHostLabels(fleet, columns), ElementsAre("10.0.0.1:7557", "10.0.0.2:7557"));
}

TEST(FleetHostDifferences, ListsOnlyTheFactsThatDiffer) {
  FleetOutcome fleet = ThreeHosts();
  EXPECT_THAT(FleetHostDifferences(fleet), ::testing::IsEmpty());
  fleet.runs[0].mutable_host()->set_kernel_release("6.18.4");
  fleet.runs[0].mutable_host()->set_in_container(true);
  fleet.runs[0].mutable_host()->set_container_runtime("podman");
  fleet.runs[0].mutable_host()->set_cgroup_memory_limit_bytes(uint64_t{4} << 30);
  EXPECT_THAT(FleetHostDifferences(fleet),
              ElementsAre("kernel: lab1 6.1.0-18-amd64; lab2 6.18.4",
                          "container: lab1 no; lab2 yes (podman)",
                          "cgroup memory limit: lab1 none; lab2 4 GiB"));
}

TEST(PrintHostColumnsTable, AColumnPerHostTheChangeAgainstTheReferenceAndTheFailedHost) {
  const std::string text = Print(ThreeHosts());
  EXPECT_THAT(text, HasSubstr("fleet f1  pipe  3 hosts (1 failed), reference lab1\n"));
  EXPECT_THAT(text, HasSubstr("hosts alike: kernel 6.1.0-18-amd64;"));
  // Header: case, metric, lab1, lab2, vs lab1.
  EXPECT_THAT(text, HasSubstr("metric           lab1       lab2         vs lab1\n"));
  // lab2 is twice as fast on 4KiB and the same on 64KiB.
  EXPECT_THAT(text,
              HasSubstr("message_size=4KiB   throughput  1.00 GB/s  2.00 GB/s  +100.0% better"));
  EXPECT_THAT(text,
              HasSubstr("message_size=64KiB  throughput  4.00 GB/s  4.00 GB/s      +0.0% same"));
  // Stream cases have no latency rows.
  EXPECT_THAT(text, ::testing::Not(HasSubstr("latency")));
  EXPECT_THAT(text, HasSubstr("failed hosts (not in the table):\n"
                              "  10.0.0.3:7557: cannot connect to ipclabd at 10.0.0.3:7557\n"));
}

TEST(PrintHostColumnsTable, AChosenReferenceComesFirstAndAFailedCaseShowsItsStatus) {
  FleetOutcome fleet = ThreeHosts();
  fleet.reference_server = "10.0.0.2:7557";
  fleet.runs[1].mutable_cases(0)->set_status(v1::FAILED);
  const std::string text = Print(fleet);
  EXPECT_THAT(text, HasSubstr("reference lab2\n"));
  EXPECT_THAT(text, HasSubstr("message_size=4KiB   throughput  2.00 GB/s     FAILED           -"));
}

TEST(PrintHostColumnsTable, EveryHostFailed) {
  FleetOutcome fleet;
  fleet.fleet_id = "f2";
  fleet.servers = {"a:1", "b:2"};
  fleet.failures = {{"a:1", "refused"}, {"b:2", "refused"}};
  EXPECT_EQ(Print(fleet),
            "fleet f2  -  2 hosts (2 failed)\n"
            "failed hosts (not in the table):\n"
            "  a:1: refused\n"
            "  b:2: refused\n");
}

}  // namespace
}  // namespace ipclab::results
