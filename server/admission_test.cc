#include "server/admission.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/run_log.h"
#include "server/stream_budget.h"
#include "workloads/registry.h"

namespace ipclab::server {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kGiB = uint64_t{1} << 30;

HostBudget Budget24GiB() {
  HostBudget budget;
  budget.mem_total_bytes = 24 * kGiB;
  budget.mem_available_bytes = 22 * kGiB;
  budget.max_memory_bytes = 18 * kGiB;  // the default: 75% of MemTotal
  budget.free_bytes_by_dir = {{"/dev/shm", 12 * kGiB}, {"/scratch", 100 * kGiB}};
  return budget;
}

std::vector<v1::Case> Resolve(const v1::RunRequest& request) {
  absl::StatusOr<std::vector<v1::Case>> cases = workloads::ResolveCases(request);
  EXPECT_TRUE(cases.ok()) << cases.status();
  return cases.value_or(std::vector<v1::Case>{});
}

v1::RunRequest Request(const std::string& workload,
                       std::vector<std::pair<std::string, std::string>> params) {
  v1::RunRequest request;
  request.set_workload(workload);
  for (auto& [name, value] : params) (*request.mutable_params())[name] = value;
  return request;
}

absl::Status AdmitOn(const HostBudget& budget, const v1::RunRequest& request,
                     AdmissionLimits limits = {}) {
  return Admit(limits, budget, request, Resolve(request), "/dev/shm", "/scratch");
}

TEST(Admission, TwentyGiBOfPageFaultsOnA24GiBHostIsRefusedWithTheFigures) {
  const absl::Status status =
      AdmitOn(Budget24GiB(), Request("page_fault", {{"region_bytes", "20GiB"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("needs 20.01 GiB of memory (toucher 20 GiB"));
  EXPECT_THAT(status.message(), HasSubstr("MemAvailable 22 GiB"));
  EXPECT_THAT(status.message(), HasSubstr("--max-memory 18 GiB"));
}

TEST(Admission, CgroupHeadroomLimitsMemory) {
  HostBudget budget = Budget24GiB();
  budget.cgroup_limit_bytes = 3 * kGiB / 2;
  budget.cgroup_usage_bytes = kGiB / 2;
  EXPECT_EQ(budget.MemoryBudget(), kGiB);
  const absl::Status status = AdmitOn(budget, Request("page_fault", {{"region_bytes", "2GiB"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("cgroup memory limit 1.5 GiB"));
  EXPECT_TRUE(AdmitOn(budget, Request("page_fault", {{"region_bytes", "256MiB"}})).ok());
}

TEST(Admission, RingLargerThanDevShmIsRefused) {
  HostBudget budget = Budget24GiB();
  budget.free_bytes_by_dir["/dev/shm"] = 512 << 20;
  const absl::Status status = AdmitOn(budget, Request("shm_posix", {{"ring_bytes", "1GiB"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("in /dev/shm but only 512 MiB are free"));
}

TEST(Admission, HugetlbWithoutReservedPagesIsAPrecondition) {
  const absl::Status status = AdmitOn(
      Budget24GiB(), Request("page_fault", {{"region_bytes", "64MiB"}, {"huge_pages", "hugetlb"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("needs 32 huge pages of 2 MiB"));
  // The pool's new size, not the pages needed: 10 reserved, 4 free -> 38.
  HostBudget partly = Budget24GiB();
  partly.huge_2m_total_pages = 10;
  partly.huge_2m_free_pages = 4;
  const absl::Status short_pool = AdmitOn(
      partly, Request("page_fault", {{"region_bytes", "64MiB"}, {"huge_pages", "hugetlb"}}));
  EXPECT_THAT(short_pool.message(), HasSubstr("available (nr_hugepages=10)"));
  EXPECT_THAT(short_pool.message(), HasSubstr("nr_hugepages (or: echo 38 > "
                                              "/proc/sys/vm/nr_hugepages)"));
  EXPECT_THAT(short_pool.message(), HasSubstr("echo 38 > /sys/kernel/mm/hugepages/"));
}

TEST(Admission, YearsOfTransferAreRefusedByEstimatedDuration) {
  const absl::Status status = AdmitOn(Budget24GiB(), Request("pipe", {{"total_bytes", "1TiB"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("allows 3600 s per run (--max-run-seconds)"));
}

TEST(Admission, CasesPerRunAreCapped) {
  v1::RunRequest request = Request("pipe", {{"total_bytes", "64KiB"}});
  v1::Sweep* sweep = request.add_sweeps();
  sweep->set_name("message_size");
  for (int i = 1; i <= 20; ++i) sweep->add_values(std::to_string(i));
  AdmissionLimits limits;
  limits.max_cases = 10;
  const absl::Status status = AdmitOn(Budget24GiB(), request, limits);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("20 cases; this server allows at most 10"));
}

TEST(Admission, DefaultRunsAreAdmitted) {
  for (const char* workload :
       {"pipe", "unix_socket", "shm_posix", "shm_sysv", "mmap_file", "cow_private", "page_fault"}) {
    EXPECT_TRUE(AdmitOn(Budget24GiB(), Request(workload, {})).ok()) << workload;
  }
}

TEST(RequestSizes, LongValuesAreInvalidArgumentsQuotingAPrefix) {
  const absl::Status status =
      CheckRequestSizes(Request("pipe", {{"mode", std::string(100000, 'x')}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(status.message().size(), 200u);
  EXPECT_THAT(status.message(), HasSubstr("100000 bytes long; allowed: at most 256"));
}

TEST(StreamBudget, RefusesPastTheLimit) {
  StreamBudget budget(100);
  v1::RunEvent event;
  event.mutable_accepted()->set_run_id(std::string(60, 'a'));
  EXPECT_TRUE(budget.Add(event));
  EXPECT_FALSE(budget.Add(event));
  budget.Remove(event);
  EXPECT_TRUE(budget.Add(event));
}

TEST(RunLog, OneLineWithEveryField) {
  const std::string line = FormatRunLogLine("0123456789abcdef", "ipv4:10.0.0.7:5000", "pipe", 3,
                                            "SUCCEEDED", absl::Milliseconds(1234));
  EXPECT_EQ(line,
            "ipclabd: run 0123456789abcdef client ipv4:10.0.0.7:5000 workload pipe cases 3 "
            "outcome SUCCEEDED duration 1.234s");
}

TEST(Auth, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("token", "token"));
  EXPECT_FALSE(ConstantTimeEquals("token", "tokeN"));
  EXPECT_FALSE(ConstantTimeEquals("token", "token2"));
  EXPECT_FALSE(ConstantTimeEquals("token", ""));
}

TEST(Auth, LoopbackAndPortChecks) {
  for (const char* address : {"127.0.0.1:7557", "localhost:1", "[::1]:7557"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
  // Every interface, and an empty host (gRPC's "all interfaces"), are not.
  for (const char* address : {"0.0.0.0:7557", "[::]:7557", ":7557"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
  EXPECT_TRUE(CheckListenAddress("127.0.0.1:0").ok());
  EXPECT_EQ(CheckListenAddress(":99999").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckListenAddress("host").code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ipclab::server
