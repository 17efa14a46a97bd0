#include "workloads/testing/expectation_testing.h"

#include "base/status_macros.h"
#include "results/model/expectations.h"
#include "results/model/summary.h"
#include "workloads/host_info.h"
#include "workloads/registry.h"

namespace ipclab::workloads::expectation_testing {

std::vector<v1::Expectation> JudgeRepetition(const std::string& workload, const v1::Case& c,
                                             const v1::RepetitionResult& result) {
  static const v1::HostInfo* const host = new v1::HostInfo(ReadHostInfo());
  const Workload* found = FindWorkload(workload).value();
  return results::Judge(found->Expect(CaseParams::FromCase(c), *host),
                        results::SummarizeCase({result}));
}

absl::StatusOr<JudgedRun> RunAndJudge(const std::string& workload,
                                      const std::map<std::string, std::string>& params,
                                      const RunContext& context) {
  v1::RunRequest request;
  request.set_workload(workload);
  request.mutable_params()->insert(params.begin(), params.end());
  IPCLAB_ASSIGN_OR_RETURN(std::vector<v1::Case> cases, ResolveCases(request));
  IPCLAB_ASSIGN_OR_RETURN(const Workload* found, FindWorkload(workload));
  JudgedRun run;
  run.c = cases.at(0);
  IPCLAB_ASSIGN_OR_RETURN(run.result, found->RunRepetition(CaseParams::FromCase(run.c), context));
  run.judged = JudgeRepetition(workload, run.c, run.result);
  return run;
}

}  // namespace ipclab::workloads::expectation_testing
