// Test support (ipclab_workloads_testing, linked only into tests): runs a workload case on this
// host and judges what its Expect() states with the product's own code (results::SummarizeCase and
// results::Judge), as the server does. For ground-truth tests only.
#ifndef IPCLAB_WORKLOADS_TESTING_EXPECTATION_TESTING_H_
#define IPCLAB_WORKLOADS_TESTING_EXPECTATION_TESTING_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ipclab/v1/ipclab.pb.h"
#include "workloads/workload.h"

namespace ipclab::workloads::expectation_testing {

struct JudgedRun {
  v1::Case c;
  v1::RepetitionResult result;
  std::vector<v1::Expectation> judged;  // empty if Expect() states nothing
};

// Judges the expectations of `workload` for one case against one repetition.
std::vector<v1::Expectation> JudgeRepetition(const std::string& workload, const v1::Case& c,
                                             const v1::RepetitionResult& result);

// Resolves `params`, runs one repetition and judges it.
absl::StatusOr<JudgedRun> RunAndJudge(const std::string& workload,
                                      const std::map<std::string, std::string>& params,
                                      const RunContext& context = RunContext());

}  // namespace ipclab::workloads::expectation_testing

#endif  // IPCLAB_WORKLOADS_TESTING_EXPECTATION_TESTING_H_
