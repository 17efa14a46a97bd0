#include "workloads/testing/expectation_testing.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/model/expectations.h"
#include "results/model/summary.h"
#include "workloads/host_info.h"
#include "workloads/registry.h"

namespace ipclab::workloads::expectation_testing {
namespace {

absl::StatusOr<v1::Case> FirstCase(const std::string& workload,
                                   const std::map<std::string, std::string>& params) {
  v1::RunRequest request;
  request.set_workload(workload);
  request.mutable_params()->insert(params.begin(), params.end());
  IPCLAB_ASSIGN_OR_RETURN(std::vector<v1::Case> cases, ResolveCases(request));
  return cases.at(0);
}

// For a case with huge_pages=hugetlb: `pages` 2 MiB pages reserved in the pool
// for as long as the result lives; nullopt for every other case.
absl::StatusOr<std::optional<HugePageReservation>> ReserveHugetlbFor(
    const std::map<std::string, std::string>& params, uint64_t pages) {
  const auto huge_pages = params.find("huge_pages");
  if (huge_pages == params.end() || huge_pages->second != "hugetlb") return std::nullopt;
  IPCLAB_ASSIGN_OR_RETURN(HugePageReservation reservation,
                          HugePageReservation::Ensure(kHugePage2MiB, pages));
  return std::optional<HugePageReservation>(std::move(reservation));
}

// The judged expectations of `run` that did not match, one line each
// ("case: metric - description - reason"); empty when all matched.
std::vector<std::string> Unmatched(const JudgedRun& run) {
  std::vector<std::string> unmatched;
  for (const v1::Expectation& expectation : run.judged) {
    if (expectation.verdict() == v1::MATCHED) continue;
    unmatched.push_back(absl::StrCat(run.c.name(), ": ", expectation.metric(), " - ",
                                     expectation.description(), " - ", expectation.reason()));
  }
  return unmatched;
}

}  // namespace

absl::StatusOr<v1::RepetitionResult> RunCase(const std::string& workload,
                                             const std::map<std::string, std::string>& params,
                                             const RunContext& context) {
  IPCLAB_ASSIGN_OR_RETURN(const v1::Case c, FirstCase(workload, params));
  IPCLAB_ASSIGN_OR_RETURN(const Workload* found, FindWorkload(workload));
  return found->RunRepetition(CaseParams::FromCase(c), context);
}

v1::RepetitionResult RunCaseOk(const std::string& workload,
                               const std::map<std::string, std::string>& params,
                               const RunContext& context) {
  absl::StatusOr<v1::RepetitionResult> result = RunCase(workload, params, context);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : v1::RepetitionResult();
}

testing::AssertionResult IsInvalidArgumentNaming(const absl::Status& status,
                                                 absl::string_view part) {
  if (status.code() == absl::StatusCode::kInvalidArgument &&
      absl::StrContains(status.message(), part)) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure()
         << "expected INVALID_ARGUMENT naming \"" << part << "\", got: " << status;
}

const v1::PhaseResult& Phase(const v1::RepetitionResult& result, const std::string& name) {
  for (const v1::PhaseResult& phase : result.phases()) {
    if (phase.name() == name) return phase;
  }
  ADD_FAILURE() << "no phase " << name;
  static const v1::PhaseResult kEmpty;
  return kEmpty;
}

double Faults(const v1::RoleMeasurement& role) {
  return static_cast<double>(role.counters().minor_faults());
}

double Growth(uint64_t before, uint64_t after) {
  return static_cast<double>(after) - static_cast<double>(before);
}

double RssAnonGrowth(const v1::RoleMeasurement& role) {
  return Growth(role.memory_before().rss_anon_bytes(), role.memory_after().rss_anon_bytes());
}

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
  JudgedRun run;
  IPCLAB_ASSIGN_OR_RETURN(run.c, FirstCase(workload, params));
  IPCLAB_ASSIGN_OR_RETURN(const Workload* found, FindWorkload(workload));
  IPCLAB_ASSIGN_OR_RETURN(run.result, found->RunRepetition(CaseParams::FromCase(run.c), context));
  run.judged = JudgeRepetition(workload, run.c, run.result);
  return run;
}

void ExpectKernelDoesWhatTheExpectationSays(const std::string& workload,
                                            std::map<std::string, std::string> params,
                                            uint64_t hugetlb_pages) {
  const absl::StatusOr<std::optional<HugePageReservation>> reservation =
      ReserveHugetlbFor(params, hugetlb_pages);
  if (!reservation.ok()) GTEST_SKIP() << "cannot reserve huge pages: " << reservation.status();
  params["region_bytes"] = "16MiB";
  absl::StatusOr<JudgedRun> run = RunAndJudge(workload, params);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_FALSE(run->judged.empty());
  EXPECT_THAT(Unmatched(*run), ::testing::IsEmpty());
  EXPECT_EQ(results::OverallVerdict(run->judged), v1::MATCHED);
}

}  // namespace ipclab::workloads::expectation_testing
