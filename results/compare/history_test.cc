// The baseline `gate --history N` selects: the newest N comparable runs per
// case, on the same host fingerprint and with the same parameters.
#include "results/compare/history.h"

#include "gtest/gtest.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using testing::MakeSyntheticRun;
using testing::SyntheticCase;

SyntheticCase Case(const std::string& size, const std::string& capacity = "0") {
  SyntheticCase c;
  c.params = {{"message_size", size}, {"pipe_capacity", capacity}};
  c.throughput = {1e9, 1.1e9, 0.9e9, 1e9};
  return c;
}

TEST(ComparableHistory, TakesTheNewestNPerCase) {
  // Pool newest first: r4 has both cases, r3 only 64KiB, r2 and r1 both.
  const std::vector<v1::RunResult> pool = {
      MakeSyntheticRun("r4", "pipe", {Case("64KiB"), Case("1MiB")}),
      MakeSyntheticRun("r3", "pipe", {Case("64KiB")}),
      MakeSyntheticRun("r2", "pipe", {Case("64KiB"), Case("1MiB")}),
      MakeSyntheticRun("r1", "pipe", {Case("64KiB"), Case("1MiB")})};
  const v1::RunResult candidate = MakeSyntheticRun("c", "pipe", {Case("64KiB"), Case("1MiB")});
  const std::vector<v1::RunResult> selected = ComparableHistory(pool, {candidate}, 2);
  ASSERT_EQ(selected.size(), 3u);
  EXPECT_EQ(selected[0].run_id(), "r4");
  EXPECT_EQ(selected[0].cases_size(), 2);
  EXPECT_EQ(selected[1].run_id(), "r3");  // 64KiB's second
  EXPECT_EQ(selected[1].cases_size(), 1);
  EXPECT_EQ(selected[2].run_id(), "r2");  // only 1MiB's second
  ASSERT_EQ(selected[2].cases_size(), 1);
  EXPECT_EQ(selected[2].cases(0).case_().params().at("message_size"), "1MiB");
}

TEST(ComparableHistory, SkipsOtherParametersHostsAndTheCandidateItself) {
  v1::HostInfo other_host = testing::SyntheticHost();
  other_host.set_kernel_release("6.5.0");
  const v1::RunResult candidate = MakeSyntheticRun("c", "pipe", {Case("64KiB")});
  const std::vector<v1::RunResult> pool = {
      candidate, MakeSyntheticRun("r3", "pipe", {Case("64KiB", "4KiB")}),
      MakeSyntheticRun("r2", "pipe", {Case("64KiB")}, other_host),
      MakeSyntheticRun("r1", "shm_posix", {Case("64KiB")})};
  EXPECT_TRUE(ComparableHistory(pool, {candidate}, 0).empty());
}

TEST(HostFingerprint, NamesHostKernelCpuAndThp) {
  const v1::RunResult run = MakeSyntheticRun("r", "pipe", {Case("64KiB")});
  EXPECT_EQ(HostFingerprint(run),
            "lab1|6.1.0-18-amd64|" + run.host().cpu_model() + "|2|" + run.host().thp_enabled());
}

}  // namespace
}  // namespace ipclab::results
