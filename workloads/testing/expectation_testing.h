// Test support (ipclab_workloads_testing, linked only into tests): runs a workload case on this
// host and judges what its Expect() states with the product's own code (results::SummarizeCase and
// results::Judge), as the server does. For ground-truth tests only.
#ifndef IPCLAB_WORKLOADS_TESTING_EXPECTATION_TESTING_H_
#define IPCLAB_WORKLOADS_TESTING_EXPECTATION_TESTING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.pb.h"
#include "workloads/hugepages.h"
#include "workloads/workload.h"

namespace ipclab::workloads::expectation_testing {

// A workload's parameters by name, as RunCase takes them.
using Params = std::map<std::string, std::string>;

// The region the memory workloads' ground-truth tests map (region_bytes=64MiB)
// and its 4 KiB pages.
inline constexpr uint64_t kMiB = uint64_t{1} << 20;
inline constexpr uint64_t kRegion = 64 * kMiB;
inline constexpr double kPages = kRegion / 4096;  // 16384

struct JudgedRun {
  v1::Case c;
  v1::RepetitionResult result;
  std::vector<v1::Expectation> judged;  // empty if Expect() states nothing
};

// Resolves `params` and runs one repetition of the first case.
absl::StatusOr<v1::RepetitionResult> RunCase(const std::string& workload,
                                             const std::map<std::string, std::string>& params,
                                             const RunContext& context = RunContext());

// RunCase that must succeed: a test failure and an empty result where it does not.
v1::RepetitionResult RunCaseOk(const std::string& workload,
                               const std::map<std::string, std::string>& params,
                               const RunContext& context = RunContext());

// Success where `status` is INVALID_ARGUMENT and its message contains `part`;
// for EXPECT_TRUE, which then names the caller's line and prints the status.
testing::AssertionResult IsInvalidArgumentNaming(const absl::Status& status,
                                                 absl::string_view part);

// The phase of `result` named `name`: a test failure and an empty phase where
// there is none.
const v1::PhaseResult& Phase(const v1::RepetitionResult& result, const std::string& name);

// A role's figures as doubles, for tolerances: its minor faults, and the
// growth of a memory figure from before to after the phase.
double Faults(const v1::RoleMeasurement& role);
double Growth(uint64_t before, uint64_t after);
double RssAnonGrowth(const v1::RoleMeasurement& role);

// Judges the expectations of `workload` for one case against one repetition.
std::vector<v1::Expectation> JudgeRepetition(const std::string& workload, const v1::Case& c,
                                             const v1::RepetitionResult& result);

// Resolves `params`, runs one repetition and judges it.
absl::StatusOr<JudgedRun> RunAndJudge(const std::string& workload,
                                      const std::map<std::string, std::string>& params,
                                      const RunContext& context = RunContext());

// The ground-truth test of a workload: runs `params` once over a 16 MiB
// region and expects every expectation the workload states to match (and
// some to be stated). A huge_pages=hugetlb case first reserves
// `hugetlb_pages` 2 MiB pages, and skips the test where it cannot.
void ExpectKernelDoesWhatTheExpectationSays(const std::string& workload,
                                            std::map<std::string, std::string> params,
                                            uint64_t hugetlb_pages);

}  // namespace ipclab::workloads::expectation_testing

#endif  // IPCLAB_WORKLOADS_TESTING_EXPECTATION_TESTING_H_
