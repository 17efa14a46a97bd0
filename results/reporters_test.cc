// Golden-text tests of every reporter over the hand-built runs of
// test_run.cc. To regenerate the files under results/testdata after an
// intended change of output, run the test with IPCLAB_UPDATE_GOLDEN=1 and
// review the diff:
//   IPCLAB_UPDATE_GOLDEN=1 build/tests/results_test --gtest_filter='Golden*'
#include "results/reporters.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "results/test_run.h"

namespace ipclab::results {
namespace {

using ::testing::HasSubstr;

bool UpdatingGolden() {
  const char* update = std::getenv("IPCLAB_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

void ExpectGolden(const std::string& file, const std::string& actual) {
  const std::string path = std::string(IPCLAB_RESULTS_TESTDATA_DIR) + "/" + file;
  if (UpdatingGolden()) {
    std::ofstream(path, std::ios::binary) << actual;
    std::cerr << "wrote " << path << "\n";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing " << path << "; create it with IPCLAB_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str())
      << "differs from " << path << "; if intended, regenerate with IPCLAB_UPDATE_GOLDEN=1";
}

template <typename Print, typename Message>
std::string Render(Print print, const Message& message) {
  std::ostringstream out;
  print(message, &out);
  return out.str();
}

TEST(Golden, Catalog) {
  ExpectGolden("catalog.txt", Render(PrintCatalog, testing::MakeTestCatalog()));
}

TEST(Golden, Host) { ExpectGolden("host.txt", Render(PrintHost, testing::MakeTestHost())); }

TEST(Golden, RunTable) {
  ExpectGolden("run_table.txt", Render(PrintRunTable, testing::MakePipeRun()));
}

TEST(Golden, ComparisonTable) {
  const std::vector<v1::RunResult> runs = {testing::MakePipeRun(), testing::MakeShmRun()};
  ExpectGolden("comparison.txt", Render(PrintComparisonTable, runs));
}

TEST(Golden, Json) { ExpectGolden("run.json", ToJson(testing::MakePipeRun())); }

TEST(Golden, Csv) { ExpectGolden("run.csv", Render(PrintRunCsv, testing::MakePipeRun())); }

TEST(RunTable, FailedCaseShowsItsError) {
  const std::string text = Render(PrintRunTable, testing::MakePipeRun());
  EXPECT_THAT(text, HasSubstr("FAILED message_size=1MiB,mode=stream: worker killed by SIGSEGV"));
}

TEST(RunTable, ComputesSummariesWhenAbsent) {
  v1::RunResult with = testing::MakePipeRun();
  v1::RunResult without = with;
  for (v1::CaseResult& result : *without.mutable_cases()) result.clear_summaries();
  EXPECT_EQ(Render(PrintRunTable, without), Render(PrintRunTable, with));
}

TEST(ComparisonTable, BestOfEachGroupIsOne) {
  const std::vector<v1::RunResult> runs = {testing::MakePipeRun(), testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  // shm_posix is 2.5 times as fast in every group: 1 / 2.5 = 0.40.
  EXPECT_THAT(text, HasSubstr("0.40x"));
  EXPECT_THAT(text, HasSubstr("1.00x"));
}

TEST(ComparisonTable, SameWorkloadTwiceGetsRunIndex) {
  const std::vector<v1::RunResult> runs = {testing::MakeShmRun(), testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  EXPECT_THAT(text, HasSubstr("shm_posix #1"));
  EXPECT_THAT(text, HasSubstr("shm_posix #2"));
}

TEST(Json, RoundTrips) {
  const v1::RunResult run = testing::MakePipeRun();
  const absl::StatusOr<v1::RunResult> parsed = RunResultFromJson(ToJson(run));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(run, *parsed)) << difference;
}

TEST(Json, UsesTheCanonicalMapping) {
  const std::string json = ToJson(testing::MakePipeRun());
  EXPECT_THAT(json, HasSubstr("\"runId\": \"20240501T100000-pipe\""));
  EXPECT_THAT(json, HasSubstr("\"status\": \"FAILED\""));
  EXPECT_THAT(json, HasSubstr("\"startedAt\": \"2024-05-01T10:00:00Z\""));
  EXPECT_THAT(json, HasSubstr("\"minorFaults\": \"120\""));  // 64-bit as string
}

TEST(Json, AcceptsProtoFieldNamesAndIgnoresUnknownFields) {
  const absl::StatusOr<v1::RunResult> parsed =
      RunResultFromJson(R"({"run_id": "r1", "workload": "pipe", "fromTheFuture": 1})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->run_id(), "r1");
  EXPECT_EQ(parsed->workload(), "pipe");
}

TEST(Json, MalformedIsInvalidArgument) {
  EXPECT_EQ(RunResultFromJson("{\"runId\": ").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RunResultFromJson("{\"cases\": 3}").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Csv, QuotesPerRfc4180) {
  v1::RunResult run;
  run.set_run_id("r\"1");
  run.set_workload("pipe");
  v1::CaseResult* result = run.add_cases();
  result->mutable_case_()->set_name("message_size=64KiB,mode=stream");
  v1::MetricSummary* summary = result->add_summaries();
  summary->set_name("steady.wall_ns");
  summary->set_unit("ns");
  summary->set_n(2);
  summary->set_median(14790000.5);
  summary->set_mean(0.0125);
  summary->set_max(4.62e9);
  EXPECT_EQ(Render(PrintRunCsv, run),
            "run_id,workload,case,metric,unit,n,median,mean,min,max,stddev,cv\n"
            "\"r\"\"1\",pipe,\"message_size=64KiB,mode=stream\",steady.wall_ns,ns,2,"
            "14790000.5,0.0125,0,4620000000,0,0\n");
}

}  // namespace
}  // namespace ipclab::results
