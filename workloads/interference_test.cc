// A busy host is seen: a repetition measured while something else burns the
// roles' CPUs is marked disturbed, with the reason, whether its roles are
// pinned (placement=same: the CPU they share) or not (placement=none: the
// CPUs they may use together). Real hogs, real /proc/stat. Nothing here
// asserts a quiet host: ctest runs other tests alongside.
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workloads/registry.h"
#include "workloads/sys/cpu.h"

namespace ipclab::workloads {
namespace {

using ::testing::HasSubstr;

// Busy loops, one per CPU in `cpus` (-1: unpinned), killed and reaped when
// it goes out of scope.
class Hogs {
 public:
  explicit Hogs(const std::vector<int>& cpus) {
    for (int cpu : cpus) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        if (cpu >= 0) {
          cpu_set_t set;
          CPU_ZERO(&set);
          CPU_SET(cpu, &set);
          ::sched_setaffinity(0, sizeof(set), &set);
        }
        for (volatile uint64_t spin = 0;; ++spin) {
        }
      }
      if (pid > 0) pids_.push_back(pid);
    }
  }
  ~Hogs() {
    for (pid_t pid : pids_) ::kill(pid, SIGKILL);
    for (pid_t pid : pids_) ::waitpid(pid, nullptr, 0);
  }
  size_t size() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

absl::StatusOr<v1::RepetitionResult> RunCase(const std::string& workload,
                                             const std::map<std::string, std::string>& params) {
  v1::RunRequest request;
  request.set_workload(workload);
  request.mutable_params()->insert(params.begin(), params.end());
  absl::StatusOr<std::vector<v1::Case>> cases = ResolveCases(request);
  if (!cases.ok()) return cases.status();
  return FindWorkload(workload).value()->RunRepetition(CaseParams::FromCase(cases->at(0)),
                                                       RunContext());
}

// A pipe run of `placement` beside hogs on `hog_cpus` (-1: unpinned):
// marked disturbed, with a reason that starts as `reason` says.
void ExpectDisturbed(const std::string& placement, const std::vector<int>& hog_cpus,
                     const std::string& reason) {
  Hogs hogs(hog_cpus);
  ASSERT_EQ(hogs.size(), hog_cpus.size());
  // Long enough that the 10 ms ticks of /proc/stat resolve a share.
  absl::StatusOr<v1::RepetitionResult> result =
      RunCase("pipe", {{"placement", placement}, {"total_bytes", "256MiB"}});
  ASSERT_TRUE(result.ok()) << result.status();
  const v1::Interference& interference = result->interference();
  EXPECT_TRUE(interference.disturbed()) << interference.DebugString();
  EXPECT_GT(interference.other_share(), 0.10);
  EXPECT_THAT(interference.reason(), HasSubstr(reason));
}

// `taskset -c 0 yes` beside a placement=same run on that CPU (issue 8).
TEST(Interference, AHogOnThePinnedRolesCpuMarksTheRepetitionDisturbed) {
  absl::StatusOr<std::vector<int>> allowed = sys::AllowedCpus();
  ASSERT_TRUE(allowed.ok() && !allowed->empty());
  ExpectDisturbed("same", {allowed->front()},
                  "CPU " + std::to_string(allowed->front()) + " spent ");
}

// Roles left to the scheduler: every CPU they may use busy with a hog.
TEST(Interference, HogsOnEveryCpuMarkUnpinnedRolesDisturbed) {
  absl::StatusOr<std::vector<int>> allowed = sys::AllowedCpus();
  ASSERT_TRUE(allowed.ok() && !allowed->empty());
  ExpectDisturbed("none", *allowed, "CPUs the unpinned roles may use spent ");
}

}  // namespace
}  // namespace ipclab::workloads
