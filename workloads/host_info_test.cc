#include "workloads/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ipclab::workloads {
namespace {

using ::testing::AnyOf;
using ::testing::Eq;

TEST(BracketedChoice, PicksTheBracketedWord) {
  EXPECT_EQ(BracketedChoice("always [madvise] never"), "madvise");
  EXPECT_EQ(BracketedChoice("[always] madvise never\n"), "always");
  EXPECT_EQ(BracketedChoice("always defer defer+madvise [madvise] never"), "madvise");
  EXPECT_EQ(BracketedChoice("always madvise [never]"), "never");
}

TEST(BracketedChoice, EmptyWithoutBrackets) {
  EXPECT_EQ(BracketedChoice(""), "");
  EXPECT_EQ(BracketedChoice("always madvise never"), "");
  EXPECT_EQ(BracketedChoice("always [madvise never"), "");
  EXPECT_EQ(BracketedChoice("[]"), "");
}

bool IsX86_64() {
  utsname uts;
  return uname(&uts) == 0 && std::string(uts.machine) == "x86_64";
}

// The value of a "/proc/meminfo" line in bytes, 0 if absent.
uint64_t MeminfoBytes(const std::string& key) {
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  uint64_t kib = 0;
  std::string unit;
  while (meminfo >> name >> kib >> unit) {
    if (name == key + ":") return kib * 1024;
  }
  return 0;
}

TEST(ReadHostInfo, UnameAndCpusMatchTheMachine) {
  const v1::HostInfo host = ReadHostInfo();
  utsname uts;
  ASSERT_EQ(uname(&uts), 0);
  EXPECT_EQ(host.kernel_release(), uts.release);
  EXPECT_EQ(host.architecture(), uts.machine);
  EXPECT_FALSE(host.hostname().empty());
  EXPECT_EQ(host.cpu_count(), static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  if (IsX86_64()) {
    EXPECT_FALSE(host.cpu_model().empty());
  }

  ASSERT_GT(host.allowed_cpus_size(), 0);
  // Every allowed CPU is a configured one, without duplicates.
  const long configured = sysconf(_SC_NPROCESSORS_CONF);
  std::set<int> seen;
  for (int cpu : host.allowed_cpus()) {
    EXPECT_GE(cpu, 0);
    EXPECT_LT(cpu, configured);
    EXPECT_TRUE(seen.insert(cpu).second) << "duplicate cpu " << cpu;
  }
  EXPECT_LE(static_cast<uint32_t>(host.allowed_cpus_size()), host.cpu_count());
  EXPECT_FALSE(host.ipclab_version().empty());
}

TEST(ReadHostInfo, PagesAndTransparentHugePages) {
  const v1::HostInfo host = ReadHostInfo();
  EXPECT_EQ(host.page_size_bytes(), static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  if (!IsX86_64()) GTEST_SKIP() << "page-size expectations are for x86_64";
  EXPECT_EQ(host.page_size_bytes(), 4096u);
  EXPECT_THAT(host.thp_enabled(), AnyOf(Eq("always"), Eq("madvise"), Eq("never")));
  EXPECT_FALSE(host.thp_defrag().empty());
  const auto& pools = host.huge_page_pools();
  const bool has_2mib = std::any_of(pools.begin(), pools.end(), [](const v1::HugePagePool& pool) {
    return pool.page_size_bytes() == 2u * 1024 * 1024;
  });
  EXPECT_TRUE(has_2mib);
  for (const v1::HugePagePool& pool : pools) {
    EXPECT_LE(pool.free_pages(), pool.total_pages());
    EXPECT_LE(pool.reserved_pages(), pool.free_pages());
  }
  // Smallest pool first.
  for (int i = 1; i < pools.size(); ++i) {
    EXPECT_LT(pools[i - 1].page_size_bytes(), pools[i].page_size_bytes());
  }
}

TEST(ReadHostInfo, MemoryAndShmAreConsistent) {
  const v1::HostInfo host = ReadHostInfo();
  // MemTotal does not change while the machine runs.
  EXPECT_EQ(host.mem_total_bytes(), MeminfoBytes("MemTotal"));
  EXPECT_GT(host.mem_available_bytes(), 0u);
  EXPECT_LE(host.mem_available_bytes(), host.mem_total_bytes());
  EXPECT_GT(host.dev_shm_size_bytes(), 0u);
  EXPECT_LE(host.dev_shm_free_bytes(), host.dev_shm_size_bytes());
  // 0 means unlimited; a real limit is at least a page.
  if (host.cgroup_memory_limit_bytes() != 0) {
    EXPECT_GE(host.cgroup_memory_limit_bytes(), host.page_size_bytes());
  }
}

TEST(ReadHostInfo, ContainerAndPerf) {
  const v1::HostInfo host = ReadHostInfo();
  EXPECT_EQ(host.in_container(), !host.container_runtime().empty());
  if (access("/.dockerenv", F_OK) == 0) {
    EXPECT_EQ(host.container_runtime(), "docker");
  }
  std::ifstream paranoid_file("/proc/sys/kernel/perf_event_paranoid");
  int paranoid = 0;
  if (paranoid_file >> paranoid) {
    EXPECT_EQ(host.perf_event_paranoid(), paranoid);
  }
  // Paranoid level 3 (Debian's patch) forbids unprivileged perf; root still may.
  if (paranoid <= 2 && getuid() == 0) {
    EXPECT_TRUE(host.perf_events_allowed());
  }
}

// ---- containers (issue 11)
TEST(ReadHostInfo, HostWideSettingsAreListedWithAccess) {
  const v1::HostInfo host = ReadHostInfo();
  std::set<std::string> paths;
  for (const v1::HostSetting& setting : host.host_settings()) {
    paths.insert(setting.path());
    // Something that cannot be read cannot be meaningfully changed either.
    if (setting.changeable()) {
      EXPECT_TRUE(setting.visible()) << setting.path();
    }
    EXPECT_EQ(setting.visible(), access(setting.path().c_str(), R_OK) == 0) << setting.path();
  }
  EXPECT_EQ(paths.count("/sys/kernel/mm/transparent_hugepage/enabled"), 1u);
  EXPECT_EQ(paths.count("/proc/sys/vm/nr_hugepages"), 1u);
  // A CPU limit, when there is one, is a positive share of the allowed CPUs.
  if (host.cgroup_cpu_limit_millicpus() != 0) {
    EXPECT_LE(host.cgroup_cpu_limit_millicpus(), 1000u * host.cpu_count());
  }
}

}  // namespace
}  // namespace ipclab::workloads
