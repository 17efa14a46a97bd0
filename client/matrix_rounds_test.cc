#include "client/matrix_rounds.h"

#include <map>
#include <string>
#include <vector>

#include "client/matrix.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/model/run_defaults.h"
#include "results/testing/synthetic_runs.h"
#include "workloads/registry.h"

namespace ipclab::client {
namespace {

using results::testing::MakeSyntheticRun;
using results::testing::SyntheticCase;
using ::testing::HasSubstr;

v1::HostInfo TwoCpus() {
  v1::HostInfo host;
  host.add_allowed_cpus(0);
  host.add_allowed_cpus(1);
  return host;
}

TEST(SplitIntoRounds, EveryRunOfTheDefaultMatrixTakesItsTurnInEveryRound) {
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests("default", TwoCpus());
  ASSERT_TRUE(requests.ok()) << requests.status();
  const std::vector<RoundPart> parts = SplitIntoRounds(*requests);
  ASSERT_EQ(parts.size(), requests->size() * results::kDefaultRounds);
  std::map<size_t, uint32_t> measured;
  std::map<size_t, uint32_t> warmups;
  for (size_t i = 0; i < parts.size(); ++i) {
    const RoundPart& part = parts[i];
    // Round-major: round 1 of every run, then round 2 ...
    EXPECT_EQ(part.round, i / requests->size());
    EXPECT_EQ(part.run, i % requests->size());
    EXPECT_EQ(part.rounds, results::kDefaultRounds);
    EXPECT_EQ(part.request.rounds(), 1u) << "a part runs its cases back to back";
    EXPECT_EQ(part.request.workload(), (*requests)[part.run].workload());
    measured[part.run] += part.request.repetitions();
    warmups[part.run] += part.request.warmup();
    if (part.round > 0) {
      EXPECT_EQ(part.request.warmup(), 0u) << "warm-ups in the first round only";
    }
  }
  for (size_t run = 0; run < requests->size(); ++run) {
    EXPECT_EQ(measured[run], results::EffectiveRepetitions((*requests)[run])) << run;
    EXPECT_EQ(warmups[run], results::EffectiveWarmup((*requests)[run])) << run;
  }
}

TEST(SplitIntoRounds, RoundsTheUserAskedForAreKept) {
  v1::RunRequest one_round;
  one_round.set_workload("pipe");
  one_round.set_rounds(1);
  one_round.set_repetitions(6);
  v1::RunRequest three;
  three.set_workload("shm_posix");
  three.set_rounds(3);
  three.set_repetitions(7);
  three.set_warmup(2);
  const std::vector<RoundPart> parts = SplitIntoRounds({one_round, three});
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].run, 0u);
  EXPECT_EQ(parts[0].request.repetitions(), 6u);
  EXPECT_EQ(parts[0].request.warmup(), 1u) << "the default warm-up";
  // 7 over 3 rounds: 2, 2, 3 (the larger shares last), warm-ups first.
  std::vector<uint32_t> shares;
  for (size_t i = 1; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].run, 1u);
    EXPECT_EQ(parts[i].round, i - 1);
    shares.push_back(parts[i].request.repetitions());
  }
  EXPECT_THAT(shares, ::testing::ElementsAre(2u, 2u, 3u));
  EXPECT_EQ(parts[1].request.warmup(), 2u);
  EXPECT_EQ(parts[2].request.warmup(), 0u);
}

v1::RunRequest TwoRoundRequest() {
  v1::RunRequest request;
  request.set_workload("pipe");
  request.set_repetitions(4);
  request.set_rounds(2);
  v1::Sweep* sizes = request.add_sweeps();
  sizes->set_name("message_size");
  sizes->add_values("4KiB");
  sizes->add_values("64KiB");
  return request;
}

// One round of a two-case pipe run, as the server returns it: the cases
// resolved by the catalog, with chosen throughputs.
v1::RunResult Round(const std::string& run_id, std::vector<double> small, std::vector<double> large,
                    int minutes_later) {
  SyntheticCase a;
  a.params = {{"message_size", "4KiB"}};
  a.throughput = std::move(small);
  SyntheticCase b;
  b.params = {{"message_size", "64KiB"}};
  b.throughput = std::move(large);
  v1::RunResult run =
      MakeSyntheticRun(run_id, "pipe", {a, b}, results::testing::SyntheticHost(), minutes_later);
  absl::StatusOr<std::vector<v1::Case>> cases = workloads::ResolveCases(TwoRoundRequest());
  EXPECT_TRUE(cases.ok()) << cases.status();
  if (cases.ok()) {
    for (int i = 0; i < run.cases_size(); ++i) *run.mutable_cases(i)->mutable_case_() = (*cases)[i];
  }
  return run;
}

TEST(RoundJoiner, JoinsTheRoundsIntoTheRunTheyWouldHaveBeen) {
  RoundJoiner joiner(TwoRoundRequest());
  ASSERT_TRUE(joiner.Add(Round("first", {1e9, 1e9}, {2e9, 2e9}, 0)).ok());
  ASSERT_TRUE(joiner.Add(Round("second", {3e9, 3e9}, {4e9, 4e9}, 1)).ok());
  const v1::RunResult last = Round("second", {3e9, 3e9}, {4e9, 4e9}, 1);
  const v1::RunResult run = joiner.Finish();
  EXPECT_EQ(run.run_id(), "first") << "the run keeps its first round's id and start";
  EXPECT_EQ(run.finished_at().seconds(), last.finished_at().seconds());
  EXPECT_TRUE(run.rounds_across_matrix());
  EXPECT_EQ(run.request().rounds(), 2u);
  EXPECT_EQ(run.request().repetitions(), 4u);
  EXPECT_EQ(run.request().warmup(), 1u);
  EXPECT_EQ(run.status(), v1::SUCCEEDED);
  ASSERT_EQ(run.cases_size(), 2);
  for (const v1::CaseResult& result : run.cases()) {
    ASSERT_EQ(result.repetitions_size(), 4);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(result.repetitions(i).repetition(), uint32_t(i));
  }
  // The summaries are over all four repetitions, not the last round's two.
  bool found = false;
  for (const v1::MetricSummary& summary : run.cases(1).summaries()) {
    if (summary.name() != "steady.throughput_bytes_per_sec") continue;
    found = true;
    EXPECT_EQ(summary.n(), 4u);
    EXPECT_DOUBLE_EQ(summary.median(), 3e9);
    EXPECT_DOUBLE_EQ(summary.min(), 2e9);
    EXPECT_DOUBLE_EQ(summary.max(), 4e9);
  }
  EXPECT_TRUE(found);
}

TEST(RoundJoiner, ACaseThatFailedTakesNoFurtherTurnsAndTheRunFails) {
  RoundJoiner joiner(TwoRoundRequest());
  v1::RunResult first = Round("first", {1e9, 1e9}, {2e9, 2e9}, 0);
  first.mutable_cases(0)->set_status(v1::FAILED);
  first.mutable_cases(0)->set_error("worker killed by signal 9");
  first.set_status(v1::FAILED);
  first.set_error("worker killed by signal 9");
  ASSERT_TRUE(joiner.Add(first).ok());
  ASSERT_TRUE(joiner.Add(Round("second", {3e9, 3e9}, {4e9, 4e9}, 1)).ok());
  const v1::RunResult run = joiner.Finish();
  EXPECT_EQ(run.status(), v1::FAILED);
  EXPECT_EQ(run.error(), "worker killed by signal 9");
  EXPECT_EQ(run.cases(0).status(), v1::FAILED);
  EXPECT_EQ(run.cases(0).error(), "worker killed by signal 9");
  EXPECT_EQ(run.cases(0).repetitions_size(), 2) << "its later round is left out";
  EXPECT_EQ(run.cases(1).status(), v1::SUCCEEDED);
  EXPECT_EQ(run.cases(1).repetitions_size(), 4);
}

TEST(RoundJoiner, ARunWhoseEveryCaseFailedSkipsItsLaterRounds) {
  RoundJoiner joiner(TwoRoundRequest());
  EXPECT_FALSE(joiner.AllCasesFailed()) << "nothing has run yet";
  v1::RunResult first = Round("first", {1e9, 1e9}, {2e9, 2e9}, 0);
  first.mutable_cases(0)->set_status(v1::FAILED);
  ASSERT_TRUE(joiner.Add(first).ok());
  EXPECT_FALSE(joiner.AllCasesFailed()) << "one case still measures";
  RoundJoiner all_failed(TwoRoundRequest());
  for (v1::CaseResult& result : *first.mutable_cases()) {
    result.set_status(v1::FAILED);
    result.set_error("hugetlb pool too small");
  }
  first.set_status(v1::FAILED);
  first.set_error("hugetlb pool too small");
  ASSERT_TRUE(all_failed.Add(first).ok());
  EXPECT_TRUE(all_failed.AllCasesFailed());
  all_failed.SkipRound();
  const v1::RunResult run = all_failed.Finish();
  EXPECT_EQ(run.status(), v1::FAILED);
  EXPECT_EQ(run.error(), "hugetlb pool too small") << "the matrix did not stop";
  EXPECT_EQ(run.cases(0).repetitions_size(), 2);
}

TEST(RoundJoiner, ARunMissingRoundsIsKeptAndSaysSo) {
  RoundJoiner joiner(TwoRoundRequest());
  ASSERT_TRUE(joiner.Add(Round("first", {1e9, 1e9}, {2e9, 2e9}, 0)).ok());
  EXPECT_EQ(joiner.rounds_added(), 1u);
  const v1::RunResult run = joiner.Finish();
  EXPECT_EQ(run.status(), v1::FAILED);
  EXPECT_THAT(run.error(), HasSubstr("only 1 of its 2 rounds ran"));
  EXPECT_EQ(run.cases(0).repetitions_size(), 2) << "what was measured is kept";
}

TEST(RoundJoiner, RefusesARoundWithOtherCases) {
  RoundJoiner joiner(TwoRoundRequest());
  ASSERT_TRUE(joiner.Add(Round("first", {1e9, 1e9}, {2e9, 2e9}, 0)).ok());
  SyntheticCase large;
  large.params = {{"message_size", "1MiB"}};
  large.throughput = {1e9, 1e9};
  const v1::RunResult other = MakeSyntheticRun("second", "pipe", {large});
  const absl::Status added = joiner.Add(other);
  EXPECT_EQ(added.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(added.message(), HasSubstr("other cases than its first round"));
}

}  // namespace
}  // namespace ipclab::client
