// Golden-text tests of every reporter over the hand-built runs of
// results/testing/test_run.cc. To regenerate the files under
// results/report/testdata after an intended change of output, run the test
// with IPCLAB_UPDATE_GOLDEN=1 and review the diff:
//   IPCLAB_UPDATE_GOLDEN=1 build/tests/results_report_test --gtest_filter='Golden*'
#include "results/report/reporters.h"

#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "results/model/summary.h"
#include "results/report/text_table.h"
#include "results/testing/golden.h"
#include "results/testing/test_run.h"

namespace ipclab::results {
namespace {

using ::testing::HasSubstr;

using testing::ExpectGolden;

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

// MakePipeRun as a real server sends it today: timestamps of whole seconds,
// the workload's notes, and expectations judged per case (one matched, one
// deviated, one that could not be measured).
v1::RunResult MakePipeRunWithExpectations() {
  v1::RunResult run = testing::MakePipeRun();
  run.mutable_started_at()->set_nanos(0);
  run.mutable_finished_at()->set_seconds(run.started_at().seconds());
  run.mutable_finished_at()->set_nanos(0);
  v1::CaseResult* stream = run.mutable_cases(0);
  for (v1::RepetitionResult& repetition : *stream->mutable_repetitions()) {
    (*repetition.mutable_notes())["pipe_capacity_actual"] = "64KiB";
  }
  v1::Expectation* matched = stream->add_expectations();
  matched->set_metric("steady.producer.minor_faults");
  matched->set_description("the pipe copies between resident buffers: no page faults in steady");
  matched->set_upper(16);
  matched->set_counter("getrusage");
  matched->set_measured(1);
  matched->set_verdict(v1::MATCHED);
  v1::Expectation* deviated = stream->add_expectations();
  deviated->set_metric("setup.producer.rss_anon_delta_bytes");
  deviated->set_description("the producer's 64KiB message buffer becomes resident");
  deviated->set_expected(65536);
  deviated->set_lower(65536);
  deviated->set_upper(131072);
  deviated->set_counter("/proc/PID/status");
  deviated->set_measured(262144);
  deviated->set_verdict(v1::DEVIATED);
  deviated->set_reason(
      "measured 262144 (median of 2), above the expected 65536 to 131072: setup allocated more "
      "than the message buffer");
  v1::Expectation* unmeasured = stream->add_expectations();
  unmeasured->set_metric("steady.producer.perf_page_faults");
  unmeasured->set_description("the perf counter agrees with getrusage");
  unmeasured->set_upper(16);
  unmeasured->set_counter("perf_event");
  unmeasured->set_reason(
      "steady.producer.perf_page_faults was not measured (perf_event not available)");
  stream->set_verdict(v1::DEVIATED);
  run.mutable_cases(1)->set_verdict(v1::VERDICT_UNSPECIFIED);
  return run;
}

TEST(Golden, RunTableWithExpectations) {
  ExpectGolden("run_table_expectations.txt", Render(PrintRunTable, MakePipeRunWithExpectations()));
}

// page_fault access=read_then_write over 64 MiB (16384 pages) with THP: the
// read maps the huge zero page (32 faults, would be "841 GB/s"), the write
// allocates; 3 of 5 repetitions disturbed, one write phase skewed.
v1::RunResult MakePageFaultRun() {
  v1::RunResult run;
  run.set_run_id("pf-1");
  run.set_workload("page_fault");
  run.set_status(v1::SUCCEEDED);
  *run.mutable_host() = testing::MakeTestHost();
  v1::CaseResult* result = run.add_cases();
  result->mutable_case_()->set_name("huge_pages=thp");
  (*result->mutable_case_()->mutable_params())["region_bytes"] = "64MiB";
  (*result->mutable_case_()->mutable_params())["huge_pages"] = "thp";
  (*result->mutable_case_()->mutable_params())["populate"] = "false";
  result->set_status(v1::SUCCEEDED);
  for (int i = 0; i < 5; ++i) {
    v1::RepetitionResult* repetition = result->add_repetitions();
    repetition->set_repetition(i);
    struct PhaseSpec {
      const char* name;
      int64_t wall_ns;
      uint64_t pages;
      uint64_t faults;
    };
    for (const PhaseSpec& spec :
         {PhaseSpec{"setup", 20000, 0, 2}, PhaseSpec{"read", 80000 + 1000 * i, 16384, 32},
          PhaseSpec{"write", 7000000 + 100000 * i, 16384, 32},
          PhaseSpec{"teardown", 900000, 0, 0}}) {
      v1::PhaseResult* phase = repetition->add_phases();
      phase->set_name(spec.name);
      phase->set_wall_ns(spec.wall_ns);
      if (spec.pages > 0) {
        phase->set_bytes(spec.pages * 4096);
        phase->set_messages(spec.pages);
      }
      v1::RoleMeasurement* role = phase->add_roles();
      role->set_role("toucher");
      role->mutable_counters()->set_minor_faults(spec.faults);
      role->mutable_counters()->set_system_cpu_ns(spec.wall_ns > 4000000 ? 8000000 : 0);
    }
    if (i == 2) {
      repetition->mutable_phases(2)->set_skewed(true);
      repetition->mutable_phases(2)->set_max_release_skew_ns(412000);
    }
    if (i % 2 == 0) {
      repetition->mutable_interference()->set_disturbed(true);
      repetition->mutable_interference()->set_other_share(0.45);
      repetition->mutable_interference()->set_reason("other load on CPU 0 (45% of the window)");
    }
  }
  result->set_disturbed_repetitions(3);
  for (v1::MetricSummary& summary : SummarizeCase(std::vector<v1::RepetitionResult>(
           result->repetitions().begin(), result->repetitions().end()))) {
    *result->add_summaries() = std::move(summary);
  }
  return run;
}

TEST(Golden, PageFaultRunTable) {
  ExpectGolden("run_table_page_fault.txt", Render(PrintRunTable, MakePageFaultRun()));
}

TEST(Golden, HostChecks) {
  v1::HostInfo host = testing::MakeTestHost();
  auto add = [&](const char* name, v1::HostCheck::Level level, const char* value,
                 const char* advice) {
    v1::HostCheck* check = host.add_checks();
    check->set_name(name);
    check->set_level(level);
    check->set_value(value);
    check->set_advice(advice);
  };
  add("load", v1::HostCheck::WARN, "1.02 (1 min) on 2 CPUs",
      "other work competes for the CPUs; wait until the host is idle");
  add("busy processes", v1::HostCheck::WARN, "yes (pid 4242) 99%",
      "stop them or keep them off the CPUs ipclab measures on");
  add("clocksource", v1::HostCheck::OK, "tsc", "");
  ExpectGolden("doctor.txt", Render(PrintHostChecks, host));
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

TEST(RunTable, WholeSecondTimestampsDoNotClaimZeroNanoseconds) {
  v1::RunResult run = MakePipeRunWithExpectations();  // started == finished, nanos 0
  EXPECT_THAT(Render(PrintRunTable, run), HasSubstr("2024-05-01T10:00:00Z (took <1 s)"));
  run.mutable_finished_at()->set_seconds(run.started_at().seconds() + 3);
  EXPECT_THAT(Render(PrintRunTable, run), HasSubstr("(took ~3 s)"));
  run.mutable_finished_at()->set_nanos(250000000);  // sub-second precision: exact
  EXPECT_THAT(Render(PrintRunTable, run), HasSubstr("(took 3.25 s)"));
}

TEST(RunTable, ParametersSharedByEveryCaseAreInTheHeader) {
  const std::string text = Render(PrintRunTable, testing::MakePipeRun());
  // message_size and mode vary (they are in the case names); the rest do not.
  EXPECT_THAT(text,
              HasSubstr("\nparameters pipe_capacity=64KiB placement=cross total_bytes=64MiB\n"));
}

TEST(RunTable, RepetitionCountsAreSpelledOut) {
  v1::RunResult run = testing::MakePipeRun();
  for (v1::CaseResult& result : *run.mutable_cases()) {
    while (result.repetitions_size() > 1) result.mutable_repetitions()->RemoveLast();
  }
  run.mutable_request()->set_warmup(0);
  const std::string text = Render(PrintRunTable, run);
  EXPECT_THAT(text, HasSubstr("\n1 measured repetition per case, no warm-up\n"));
  EXPECT_THAT(text, HasSubstr("(1 measured repetition, medians)"));
  run.mutable_request()->set_warmup(3);
  EXPECT_THAT(Render(PrintRunTable, run), HasSubstr("per case after 3 warm-ups\n"));
  run.mutable_request()->set_rounds(5);
  EXPECT_THAT(Render(PrintRunTable, run),
              HasSubstr("per case after 3 warm-ups, cases taking turns over 5 rounds\n"));
}

TEST(Host, ShowsTheServersLimits) {
  v1::HostInfo host = testing::MakeTestHost();
  v1::ServerLimits* limits = host.mutable_limits();
  limits->set_memory_budget_bytes(uint64_t{3} << 30);
  limits->set_max_memory_bytes(uint64_t{6} << 30);
  limits->set_max_run_seconds(600);
  limits->set_max_cases(1000);
  v1::ScratchSpace* scratch = limits->add_scratch();
  scratch->set_directory("/dev/shm");
  scratch->set_free_bytes(uint64_t{4} << 30);
  limits->set_bearer_tokens(true);
  const std::string text = Render(PrintHost, host);
  using ::testing::ContainsRegex;
  EXPECT_THAT(text, ContainsRegex("limit memory/case: +3 GiB now \\(--max-memory 6 GiB, cgroup "
                                  "none\\)"));
  EXPECT_THAT(text, ContainsRegex("limit run time: +600 s \\(--max-run-seconds\\)"));
  EXPECT_THAT(text, ContainsRegex("limit cases/run: +1000"));
  EXPECT_THAT(text, ContainsRegex("scratch space: +/dev/shm 4 GiB free"));
  EXPECT_THAT(text, ContainsRegex("security: +bearer tokens"));
  // Without limits (an older server) nothing is claimed.
  EXPECT_THAT(Render(PrintHost, testing::MakeTestHost()), ::testing::Not(HasSubstr("limit ")));
}

TEST(Catalog, FitsOneHundredColumns) {
  v1::ListWorkloadsResponse catalog = testing::MakeTestCatalog();
  v1::ParamSpec* param = catalog.mutable_workloads(0)->add_params();
  param->set_name("pipe_capacity");
  param->set_doc(std::string(30, 'x') +
                 " F_SETPIPE_SZ before the transfer; 0 keeps the kernel "
                 "default (64 KiB), and the capacity the kernel granted is noted per repetition");
  const std::string text = Render(PrintCatalog, catalog);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(DisplayWidth(line), 100u) << line;
  }
  EXPECT_THAT(text, HasSubstr("noted per repetition"));
}

TEST(ComparisonTable, HostFactsOnceWhenEveryRunShares) {
  const std::vector<v1::RunResult> runs = {testing::MakePipeRun(), testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  // The answers first, then where the numbers came from, once.
  EXPECT_THAT(text, ::testing::StartsWith("Summary for lab1: "));
  EXPECT_THAT(text, HasSubstr("\n\nhost lab1  Linux 6.1.0-18-amd64 x86_64  ipclab 0.1.0\n"
                              "cpu Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz  2 CPUs "
                              "(allowed 0-1)  THP enabled=madvise defrag=madvise\n"
                              "2 measured repetitions per case after 1 warm-up\n"));
  EXPECT_EQ(text.find("THP enabled="), text.rfind("THP enabled="));
}

TEST(ComparisonTable, HostFactsPerGroupOfRunsWhenTheyDiffer) {
  v1::RunResult other_host = testing::MakeShmRun();
  other_host.mutable_host()->set_hostname("lab2");
  other_host.mutable_host()->set_thp_enabled("always");
  const std::vector<v1::RunResult> runs = {testing::MakePipeRun(), other_host,
                                           testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  EXPECT_THAT(text, HasSubstr("runs 1, 3:\n  host lab1  Linux"));
  EXPECT_THAT(text, HasSubstr("run 2:\n  host lab2  Linux"));
  EXPECT_THAT(text, HasSubstr("THP enabled=always"));
}

TEST(ComparisonTable, PhasesOfEveryMeasuredCaseFollowTheComparison) {
  const std::vector<v1::RunResult> runs = {testing::MakePipeRun(), testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  const size_t phases = text.find("\nper phase: ");
  ASSERT_NE(phases, std::string::npos);
  const std::string section = text.substr(phases);
  EXPECT_THAT(section,
              HasSubstr("\n#1 pipe  message_size=64KiB,mode=stream  roles producer/consumer\n"));
  // The failed case measured nothing: no block for it.
  EXPECT_THAT(section, ::testing::Not(HasSubstr("#1 pipe  message_size=1MiB")));
  // shm_posix's warm phase: 512 faults in each role, 2 MiB more shared memory
  // each, one unit for both.
  EXPECT_THAT(section, HasSubstr("512/512"));
  EXPECT_THAT(section, HasSubstr("+2/+2 MiB"));
}

TEST(ComparisonTable, VerdictColumnOnlyWhenCasesCarryExpectations) {
  const std::vector<v1::RunResult> plain = {testing::MakePipeRun()};
  EXPECT_THAT(Render(PrintComparisonTable, plain), ::testing::Not(HasSubstr("verdict")));
  const std::vector<v1::RunResult> judged = {MakePipeRunWithExpectations()};
  EXPECT_THAT(Render(PrintComparisonTable, judged), HasSubstr("DEVIATED"));
}

TEST(ComparisonTable, BestOfEachGroupIsOne) {
  const std::vector<v1::RunResult> runs = {testing::MakePipeRun(), testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  // shm_posix is 2.5 times as fast in every group: pipe is 2.50x slower.
  EXPECT_THAT(text, HasSubstr("2.50x"));
  EXPECT_THAT(text, HasSubstr("1.00x"));
}

TEST(ComparisonTable, SameWorkloadTwiceGetsRunIndex) {
  const std::vector<v1::RunResult> runs = {testing::MakeShmRun(), testing::MakeShmRun()};
  const std::string text = Render(PrintComparisonTable, runs);
  EXPECT_THAT(text, HasSubstr("shm_posix #1"));
  EXPECT_THAT(text, HasSubstr("shm_posix #2"));
  // The per-phase headings carry the run number once.
  EXPECT_THAT(text, HasSubstr("\n#2 shm_posix  message_size=64KiB,mode=stream  roles "));
}

TEST(FormatPageBytes, ExactToThePageWhereThreeDigitsWouldRound) {
  EXPECT_EQ(FormatPageBytes(1052672), "1,028 KiB");  // 1 MiB ring + header page
  EXPECT_EQ(FormatPageBytes(-1052672), "-1,028 KiB");
  EXPECT_EQ(FormatPageBytes(65536), "64 KiB");
  EXPECT_EQ(FormatPageBytes(2 * 1048576), "2 MiB");
  EXPECT_EQ(FormatPageBytes(0), "0 B");
  EXPECT_EQ(FormatPageBytes(66175631.36), "63.1 MiB");     // not whole KiB
  EXPECT_EQ(FormatPageBytes(64.6 * 1048576), "64.6 MiB");  // past 10,000 KiB
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
  run.set_server("lab1:7557");
  run.mutable_host()->set_hostname("lab1");
  (*result->mutable_case_()->mutable_params())["mode"] = "stream";
  (*result->mutable_case_()->mutable_params())["message_size"] = "64KiB";
  (*result->mutable_case_()->mutable_params())["placement"] = "cross";
  EXPECT_EQ(Render(PrintRunCsv, run),
            "run_id,server,host,workload,case,mode,placement,params,metric,unit,n,median,mean,"
            "min,max,stddev,cv\n"
            "\"r\"\"1\",lab1:7557,lab1,pipe,\"message_size=64KiB,mode=stream\",stream,cross,"
            "message_size=64KiB;mode=stream;placement=cross,steady.wall_ns,ns,2,"
            "14790000.5,0.0125,0,4620000000,0,0\n");
}

}  // namespace
}  // namespace ipclab::results
