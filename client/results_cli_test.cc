// The results commands through the real command line (client::Main) on a
// temporary database and JSON files: what lands on stdout and stderr, the
// files written, and the exit codes - 0, 1 (gate failed), 2 (unusable
// input, with the input left unchanged) and 3 (inconclusive).

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "client/cli.h"
#include "client/testing/cli_testing.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "results/report/json_reporter.h"
#include "results/store/store.h"
#include "results/testing/synthetic_runs.h"
#include "tests/testing/subprocess.h"

namespace ipclab::client {
namespace {

using results::testing::MakeSyntheticRun;
using results::testing::SyntheticCase;
using ::testing::HasSubstr;
using ::testing::Not;

using cli_testing::IsUsageError;
using cli_testing::Outcome;

Outcome RunCli(std::vector<std::string> args) { return cli_testing::RunMain(std::move(args)); }

SyntheticCase Stream(std::vector<double> gbps) {
  SyntheticCase c;
  c.params = {{"message_size", "64KiB"}, {"pipe_capacity", "1MiB"}};
  for (double value : gbps) c.throughput.push_back(value * 1e9);
  return c;
}

const std::vector<double> kSteady = {4.50, 4.52, 4.48, 4.55, 4.47, 4.51, 4.49, 4.53};

std::vector<double> Times(std::vector<double> values, double factor) {
  for (double& value : values) value *= factor;
  return values;
}

class ResultsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(directory_.empty()) << "no temporary directory";
    db_ = directory_ + "/results.db";
  }

  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = directory_ + "/" + name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  std::string WriteRun(const std::string& name, const v1::RunResult& run) {
    return Write(name, results::ToJson(run));
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }
  void Store(const v1::RunResult& run, const results::Tags& tags) {
    auto store = results::ResultStore::Open(db_, results::ResultStore::Mode::kCreate);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Save(run, tags).ok());
  }

  const ipclab::testing::TempDir temp_;
  const std::string& directory_ = temp_.path();
  std::string db_;
};

TEST_F(ResultsCliTest, ListShowAndExportStoredRuns) {
  Store(MakeSyntheticRun("aaaa111122223333", "pipe", {Stream(kSteady)}), {{"commit", "abc"}});
  Store(MakeSyntheticRun("bbbb111122223333", "shm_posix", {Stream(kSteady)},
                         results::testing::SyntheticHost(), 5),
        {{"commit", "def"}});

  Outcome list = RunCli({"results", "list", "--db", db_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("aaaa111122223333"));
  EXPECT_THAT(list.out, HasSubstr("2024-05-01 10:00:00"));
  EXPECT_LT(list.out.find("bbbb111122223333"), list.out.find("aaaa111122223333"));  // newest first
  Outcome filtered = RunCli({"results", "list", "--db", db_, "--filter", "tag:commit=abc"});
  EXPECT_THAT(filtered.out, HasSubstr("aaaa111122223333"));
  EXPECT_THAT(filtered.out, Not(HasSubstr("bbbb111122223333")));
  Outcome json = RunCli({"results", "list", "--db", db_, "--format", "json"});
  google::protobuf::ListValue parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_EQ(parsed.values_size(), 2);

  Outcome show = RunCli({"results", "show", "aaaa", "--db", db_});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("pipe  run aaaa111122223333"));
  EXPECT_THAT(show.out, HasSubstr("tags commit=abc"));

  Outcome gbench =
      RunCli({"results", "export", "tag:commit=def", "--db", db_, "--format", "gbench"});
  ASSERT_EQ(gbench.exit_code, 0) << gbench.err;
  EXPECT_THAT(gbench.out, HasSubstr("\"benchmarks\""));
  EXPECT_THAT(gbench.out, HasSubstr("shm_posix"));
  const std::string bmf_file = directory_ + "/out.bmf.json";
  Outcome bmf =
      RunCli({"results", "export", "aaaa", "--db", db_, "--format", "bmf", "--out", bmf_file});
  ASSERT_EQ(bmf.exit_code, 0) << bmf.err;
  EXPECT_THAT(bmf.out, ::testing::IsEmpty());
  EXPECT_THAT(Read(bmf_file), HasSubstr("bytes-per-second"));
  Outcome csv = RunCli({"results", "export", "aaaa", "--db", db_, "--format", "csv"});
  EXPECT_THAT(csv.out, HasSubstr("steady.throughput_bytes_per_sec"));
  Outcome proto = RunCli({"results", "export", "aaaa", "--db", db_});
  absl::StatusOr<v1::RunResult> back = results::RunResultFromJson(proto.out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->run_id(), "aaaa111122223333");
}

TEST_F(ResultsCliTest, CompareFilesInEveryFormat) {
  const std::string base = WriteRun("base.json", MakeSyntheticRun("b", "pipe", {Stream(kSteady)}));
  const std::string candidate =
      WriteRun("cand.json", MakeSyntheticRun("c", "pipe", {Stream(Times(kSteady, 0.8))}));
  Outcome table = RunCli({"compare", base, candidate});
  ASSERT_EQ(table.exit_code, 0) << table.err;  // compare reports, it does not gate
  EXPECT_THAT(table.out, HasSubstr("worse"));
  Outcome markdown = RunCli({"compare", base, candidate, "--format", "markdown"});
  EXPECT_THAT(markdown.out, HasSubstr("| case | metric |"));
  Outcome json = RunCli({"compare", base, candidate, "--format", "json", "--metric", "throughput"});
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_THAT(json.out, HasSubstr("\"verdict\": \"worse\""));
}

TEST_F(ResultsCliTest, GateExitCodes) {
  const std::string base = WriteRun("base.json", MakeSyntheticRun("b", "pipe", {Stream(kSteady)}));
  const std::string worse =
      WriteRun("worse.json", MakeSyntheticRun("w", "pipe", {Stream(Times(kSteady, 0.8))}));
  const std::string same = WriteRun("same.json", MakeSyntheticRun("s", "pipe", {Stream(kSteady)}));
  const std::string few = WriteRun("few.json", MakeSyntheticRun("f", "pipe", {Stream({4.5, 4.4})}));

  const std::string markdown = directory_ + "/summary.md";
  const std::string junit = directory_ + "/gate.xml";
  Outcome failed = RunCli(
      {"gate", "--baseline", base, "--candidate", worse, "--markdown", markdown, "--junit", junit});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_THAT(failed.out, HasSubstr("ipclab gate: fail"));
  EXPECT_THAT(Read(markdown), HasSubstr("## ipclab gate: FAILED"));
  EXPECT_THAT(Read(junit), HasSubstr("<failure"));

  Outcome passed = RunCli({"gate", "--baseline", base, "--candidate", same});
  EXPECT_EQ(passed.exit_code, 0) << passed.out;
  EXPECT_THAT(passed.out, HasSubstr("## ipclab gate: PASSED"));

  Outcome inconclusive = RunCli({"gate", "--baseline", few, "--candidate", few});
  EXPECT_EQ(inconclusive.exit_code, 3) << inconclusive.out;
  EXPECT_THAT(inconclusive.out, HasSubstr("--repetitions 4"));

  // A looser limit lets the 20% regression pass; a stricter metric list too.
  EXPECT_EQ(RunCli({"gate", "--baseline", base, "--candidate", worse, "--max-regression", "25%"})
                .exit_code,
            0);
}

TEST_F(ResultsCliTest, UnusableInputExitsTwoAndChangesNothing) {
  const std::string base = WriteRun("base.json", MakeSyntheticRun("b", "pipe", {Stream(kSteady)}));
  const std::string malformed = Write("malformed.json", "{\"runId\": \"x\", \"cases\": [");
  Outcome bad_json = RunCli({"gate", "--baseline", base, "--candidate", malformed});
  EXPECT_THAT(bad_json, IsUsageError(HasSubstr("malformed.json")));
  EXPECT_EQ(Read(malformed), "{\"runId\": \"x\", \"cases\": [");

  const std::string not_a_run = Write("other.json", "{\"name\": \"something else\"}");
  EXPECT_EQ(RunCli({"compare", base, not_a_run}).exit_code, 2);

  const std::string text = Write("notes.db", "not a database at all\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"results", "list", "--db", text},
        std::vector<std::string>{"results", "show", "abc", "--db", text},
        std::vector<std::string>{"gate", "--baseline", "abc", "--candidate", "def", "--db", text},
        std::vector<std::string>{"run", "pipe", "--db", text}}) {
    Outcome outcome = RunCli(args);
    EXPECT_EQ(outcome.exit_code, 2) << args[0];
    EXPECT_THAT(outcome.err, HasSubstr("is not an ipclab results database"));
  }
  EXPECT_EQ(Read(text), "not a database at all\n");

  Store(MakeSyntheticRun("aaaa111122223333", "pipe", {Stream(kSteady)}), {});
  const std::string before = Read(db_);
  Outcome missing = RunCli({"results", "show", "deadbeef", "--db", db_});
  EXPECT_THAT(missing, IsUsageError(HasSubstr("no stored run with id \"deadbeef\"")));
  EXPECT_EQ(RunCli({"compare", "aaaa", "tag:commit=nope", "--db", db_}).exit_code, 2);
  EXPECT_EQ(Read(db_), before);

  EXPECT_EQ(RunCli({"results", "list", "--db", directory_ + "/absent.db"}).exit_code, 2);
  EXPECT_EQ(
      RunCli({"gate", "--baseline", base, "--candidate", base, "--max-regression", "5"}).exit_code,
      2);
  EXPECT_EQ(RunCli({"compare", base, base, "--metric", "speed"}).exit_code, 2);
  EXPECT_EQ(RunCli({"results", "list", "--db", db_, "--filter", "colour=blue"}).exit_code, 2);
  EXPECT_EQ(RunCli({"run", "pipe", "--tag", "no-equals-sign", "--no-store"}).exit_code, 2);

  SyntheticCase other = Stream(kSteady);
  other.params["message_size"] = "4KiB";
  SyntheticCase other2 = other;
  other2.params["message_size"] = "8KiB";
  const std::string disjoint =
      WriteRun("disjoint.json", MakeSyntheticRun("d", "pipe", {other, other2}));
  SyntheticCase mine = Stream(kSteady);
  SyntheticCase mine2 = mine;
  mine2.params["message_size"] = "1MiB";
  const std::string two = WriteRun("two.json", MakeSyntheticRun("t", "pipe", {mine, mine2}));
  Outcome nothing = RunCli({"compare", two, disjoint});
  EXPECT_THAT(nothing, IsUsageError(HasSubstr("no case in common")));

  // Issue 8: --verify checksums inside the timed loop; such a run compares
  // only with other --verify runs, in both commands and both directions.
  v1::RunResult verified_run = MakeSyntheticRun("v", "pipe", {mine, mine2});
  verified_run.mutable_request()->set_verify(true);
  const std::string verified = WriteRun("verified.json", verified_run);
  for (const auto& sides : {std::pair{two, verified}, std::pair{verified, two}}) {
    Outcome compared = RunCli({"compare", sides.first, sides.second});
    EXPECT_THAT(compared, IsUsageError(HasSubstr("--verify")));
    EXPECT_EQ(RunCli({"gate", "--baseline", sides.first, "--candidate", sides.second}).exit_code,
              2);
  }
  EXPECT_EQ(RunCli({"compare", verified, verified}).exit_code, 0);
}

TEST_F(ResultsCliTest, ReportWritesOneHtmlFile) {
  const std::string base = WriteRun("base.json", MakeSyntheticRun("b", "pipe", {Stream(kSteady)}));
  const std::string candidate =
      WriteRun("cand.json", MakeSyntheticRun("c", "pipe", {Stream(Times(kSteady, 0.8))}));
  const std::string html = directory_ + "/report.html";
  Outcome report = RunCli({"report", base, candidate, "--html", html});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string page = Read(html);
  EXPECT_THAT(page, HasSubstr("<svg"));
  EXPECT_THAT(page, HasSubstr("Change against the baseline"));
  EXPECT_EQ(RunCli({"report", base, "--html", directory_ + "/no/such/dir/r.html"}).exit_code, 2);
}

TEST_F(ResultsCliTest, HelpDescribesTheCommands) {
  EXPECT_THAT(RunCli({"gate", "--help"}).out, HasSubstr("inconclusive"));
  EXPECT_THAT(RunCli({"compare", "--help"}).out, HasSubstr("tag:KEY=VALUE"));
  EXPECT_THAT(RunCli({"run", "--help"}).out, HasSubstr("--no-store"));
  EXPECT_EQ(RunCli({"results"}).exit_code, 2);  // needs list, show or export
}

}  // namespace
}  // namespace ipclab::client

// ---- issue 9: whole selections, refusal, bundles, history -------------------

namespace ipclab::client {
namespace {

std::vector<double> Ten(double gbps) {
  std::vector<double> values;
  for (int i = 0; i < 10; ++i) values.push_back(gbps * (1.0 + 0.004 * ((i * 7) % 10 - 4.5)));
  return values;
}

TEST_F(ResultsCliTest, ATagSelectsEveryRunOfAMatrix) {
  // Two "matrices" of two runs each, tagged m=2 and m=3; shm_posix regressed.
  Store(MakeSyntheticRun("m2pipe", "pipe", {Stream(Ten(4.5))}), {{"m", "2"}});
  Store(MakeSyntheticRun("m2shm", "shm_posix", {Stream(Ten(9.0))},
                         results::testing::SyntheticHost(), 1),
        {{"m", "2"}});
  Store(
      MakeSyntheticRun("m3pipe", "pipe", {Stream(Ten(4.5))}, results::testing::SyntheticHost(), 2),
      {{"m", "3"}});
  Store(MakeSyntheticRun("m3shm", "shm_posix", {Stream(Ten(6.0))},
                         results::testing::SyntheticHost(), 3),
        {{"m", "3"}});
  Outcome gate = RunCli({"gate", "--db", db_, "--baseline", "tag:m=2", "--candidate", "tag:m=3",
                         "--metric", "throughput"});
  EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
  EXPECT_THAT(gate.out, HasSubstr("1 failed, 0 inconclusive, 1 passed"));
  EXPECT_THAT(gate.out, HasSubstr("shm_posix"));
  Outcome compare =
      RunCli({"compare", "--db", db_, "tag:m=2", "tag:m=3", "--metric", "throughput"});
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  EXPECT_THAT(compare.out, HasSubstr("pipe"));
  EXPECT_THAT(compare.out, HasSubstr("shm_posix"));

  // History: the m=2/m=3 runs of one workload as a series.
  Outcome history = RunCli({"history", "--db", db_, "m2pipe,m3pipe"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.out, HasSubstr("0 change point(s)"));
}

TEST_F(ResultsCliTest, DifferentWorkloadsAreRefusedAndTheSameRunIsNamed) {
  const std::string pipe =
      WriteRun("pipe.json", MakeSyntheticRun("p1", "pipe", {Stream(Ten(4.5))}));
  const std::string shm =
      WriteRun("shm.json", MakeSyntheticRun("s1", "shm_posix", {Stream(Ten(4.5))}));
  Outcome refused = RunCli({"gate", "--baseline", pipe, "--candidate", shm});
  EXPECT_THAT(refused, IsUsageError(HasSubstr("different workloads")));
  Outcome same = RunCli({"gate", "--baseline", pipe, "--candidate", pipe});
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_THAT(same.out, HasSubstr("The same run is on both sides"));
}

TEST_F(ResultsCliTest, ABundleCarriesRunsAndTagsAndImportsOnce) {
  Store(MakeSyntheticRun("aaaa0001", "pipe", {Stream(Ten(4.5))}), {{"branch", "main"}});
  Store(MakeSyntheticRun("aaaa0002", "pipe", {Stream(Ten(4.4))}, results::testing::SyntheticHost(),
                         1),
        {{"branch", "main"}, {"commit", "abc"}});
  Store(MakeSyntheticRun("bbbb0003", "pipe", {Stream(Ten(4.4))}, results::testing::SyntheticHost(),
                         2),
        {{"branch", "dev"}});
  const std::string bundle = directory_ + "/main.bundle.json";
  Outcome exported =
      RunCli({"results", "export", "--db", db_, "--bundle", bundle, "--filter", "tag:branch=main"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("2 run(s)"));

  const std::string fresh = directory_ + "/fresh.db";
  Outcome imported = RunCli({"results", "import", bundle, "--db", fresh});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("imported 2 run(s), 0 already stored"));
  Outcome again = RunCli({"results", "import", bundle, "--db", fresh});
  EXPECT_THAT(again.out, HasSubstr("imported 0 run(s), 2 already stored"));
  Outcome list = RunCli({"results", "list", "--db", fresh, "--filter", "tag:commit=abc"});
  EXPECT_THAT(list.out, HasSubstr("aaaa0002"));
  EXPECT_THAT(list.out, Not(HasSubstr("aaaa0001")));

  Outcome history_gate = RunCli(
      {"gate", "--db", fresh, "--baseline", "tag:branch=main", "--history", "5", "--candidate",
       WriteRun("head.json", MakeSyntheticRun("head", "pipe", {Stream(Ten(4.5))},
                                              results::testing::SyntheticHost(), 9)),
       "--metric", "throughput"});
  EXPECT_EQ(history_gate.exit_code, 0) << history_gate.out << history_gate.err;

  Outcome not_bundle = RunCli({"results", "import", Write("x.json", "{\"a\": 1}"), "--db", fresh});
  EXPECT_THAT(not_bundle, IsUsageError(HasSubstr("not an ipclab bundle")));
}

}  // namespace
}  // namespace ipclab::client
