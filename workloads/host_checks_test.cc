#include "workloads/host_checks.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workloads/host_info.h"

namespace ipclab::workloads {
namespace {

using ::testing::HasSubstr;

const v1::HostCheck* FindCheck(const v1::HostInfo& host, const std::string& name) {
  for (const v1::HostCheck& check : host.checks()) {
    if (check.name() == name) return &check;
  }
  return nullptr;
}

v1::HostInfo QuietHost() {
  v1::HostInfo host;
  host.set_cpu_count(2);
  host.add_allowed_cpus(0);
  host.add_allowed_cpus(1);
  host.set_clocksource("tsc");
  host.set_cpu_governor("performance");
  host.set_dev_shm_size_bytes(uint64_t{1} << 30);
  host.set_dev_shm_free_bytes(uint64_t{1} << 30);
  return host;
}

TEST(JudgeHost, AQuietHostHasNoWarning) {
  v1::HostInfo host = QuietHost();
  for (v1::HostCheck& check : JudgeHost(host)) *host.add_checks() = check;
  for (const v1::HostCheck& check : host.checks()) {
    EXPECT_NE(check.level(), v1::HostCheck::WARN) << check.name() << ": " << check.value();
  }
}

TEST(JudgeHost, WarnsAboutLoadBusyProcessesStealClocksourceAndGovernor) {
  v1::HostInfo host = QuietHost();
  host.set_load_average_1m(1.5);
  v1::BusyProcess* yes = host.add_busy_processes();
  yes->set_pid(42);
  yes->set_command("yes");
  yes->set_cpu_share(0.99);
  host.set_steal_share(0.05);
  host.set_clocksource("kvm-clock");
  host.set_cpu_governor("powersave");
  for (v1::HostCheck& check : JudgeHost(host)) *host.add_checks() = check;
  for (const char* name : {"load", "busy processes", "steal", "clocksource", "cpu governor"}) {
    const v1::HostCheck* check = FindCheck(host, name);
    ASSERT_NE(check, nullptr) << name;
    EXPECT_EQ(check->level(), v1::HostCheck::WARN) << name;
    EXPECT_FALSE(check->advice().empty()) << name;
  }
  EXPECT_THAT(FindCheck(host, "busy processes")->value(), HasSubstr("yes (pid 42) 99%"));
}

// A real CPU hog pinned to CPU 0 (as `taskset -c 0 yes`) shows up as a busy
// process with most of a CPU.
TEST(AddHostChecks, SeesABusyProcess) {
  const pid_t hog = fork();
  ASSERT_GE(hog, 0);
  if (hog == 0) {
    // Unpinned: with ctest running two tests on two CPUs, a hog pinned to
    // CPU 0 sometimes got less than half of it.
    for (volatile uint64_t spin = 0;; ++spin) {
    }
  }
  v1::HostInfo host = ReadHostInfo();
  AddHostChecks(absl::Milliseconds(300), &host);
  kill(hog, SIGKILL);
  waitpid(hog, nullptr, 0);
  // Listed means at least 10% of a CPU (kBusyShare): a spinning hog gets
  // far more, even when other tests load both CPUs.
  const auto hog_entry = std::find_if(host.busy_processes().begin(), host.busy_processes().end(),
                                      [&](const v1::BusyProcess& p) { return p.pid() == hog; });
  ASSERT_NE(hog_entry, host.busy_processes().end());
  EXPECT_GE(hog_entry->cpu_share(), 0.1);
  const v1::HostCheck* busy = FindCheck(host, "busy processes");
  ASSERT_NE(busy, nullptr);
  EXPECT_EQ(busy->level(), v1::HostCheck::WARN);
  EXPECT_FALSE(host.clocksource().empty());
}

}  // namespace
}  // namespace ipclab::workloads
