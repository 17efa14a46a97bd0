// The SQLite store's edges (issue 10), through the real `ipclab`: many
// processes creating one fresh database at once, and databases that cannot
// take a run (read-only file system, full file system) refused before the
// run, with the right message. The file systems are private tmpfs mounts in
// a mount namespace of their own (`unshare -m`), so nothing outlives the
// test; without the privilege for that, those tests are skipped.

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/testing/sqlite_rows.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {
namespace {

using ::ipclab::results::testing::StoredRuns;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Processes opening one fresh database at the same moment (the issue saw 5
// of 200 fail; 120 keeps the test a few seconds long on 2 cores).
constexpr int kConcurrentPushes = 120;
// Real runs at once: they queue on the host measurement lock.
constexpr int kConcurrentRuns = 6;

const std::vector<std::string> kQuickPipe = {
    "run", "pipe", "-p", "total_bytes=64KiB", "--repetitions", "1", "--warmup", "0"};

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

class StoreIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(BinDir().empty()) << "IPCLAB_BIN_DIR is not set (run through ctest)";
    environment_ =
        EnvironmentWith({{"TMPDIR", temp_.path()}, {"XDG_DATA_HOME", temp_.path() + "/xdg"}});
  }

  std::string Path(const std::string& name) const { return temp_.path() + "/" + name; }

  std::vector<std::string> IpclabArgv(std::vector<std::string> args) const {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return args;
  }

  // One real pipe run, not stored; its RunResult as JSON.
  std::string OneRunJson() {
    std::vector<std::string> args = kQuickPipe;
    args.insert(args.end(), {"--no-store", "--format", "json", "--quiet"});
    ProcessResult run = RunProcess(IpclabArgv(args), environment_, std::chrono::seconds(120));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }

  // Runs `script` in a mount namespace of its own with "$1" = the ipclab
  // binary and "$3" = a tmpfs of `size` mounted for it, holding
  // "$3/results.db" with one run pushed. Exit 77 means it could not mount
  // (the test is then skipped).
  ProcessResult OnPrivateTmpfsWithOneRun(const std::string& size, const std::string& script) {
    std::ofstream(Path("run.json")) << OneRunJson();
    const std::string mount_point = Path("mnt");
    RunProcess({"/bin/mkdir", "-p", mount_point}, environment_);
    const std::string prepared = absl::StrCat(
        "mount -t tmpfs -o size=", size, " tmpfs \"$3\" || exit 77\n",
        "\"$1\" results push \"$2\" --to \"$3/results.db\" >/dev/null || exit 10\n", script);
    return RunProcess({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                       prepared, "sh", BinDir() + "/ipclab", Path("run.json"), mount_point},
                      environment_, std::chrono::seconds(120));
  }

  // The shell lines running kQuickPipe into the database on the private
  // tmpfs, with `options` ("--quiet") and its output redirected as
  // `redirections`, then printing its exit code as "<status>=<code>".
  static std::string QuickPipeIntoMountedDb(const std::string& options,
                                            const std::string& redirections,
                                            const std::string& status) {
    return absl::StrCat("\"$1\" ", absl::StrJoin(kQuickPipe, " "), " ", options,
                        " --db \"$3/results.db\" ", redirections, "\necho \"", status, "=$?\"\n");
  }

  TempDir temp_;
  std::vector<std::string> environment_;
};

TEST_F(StoreIntegrationTest, ManyProcessesCreatingOneFreshDatabaseAllSucceed) {
  v1::RunResult run;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(OneRunJson(), &run).ok());
  // One file per process, each with its own run id.
  for (int i = 0; i < kConcurrentPushes; ++i) {
    run.set_run_id("concurrent-" + std::to_string(i));
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(run, &json).ok());
    std::ofstream(Path("run-" + std::to_string(i) + ".json")) << json;
  }
  const std::string db = Path("fresh/results.db");
  std::vector<std::unique_ptr<Subprocess>> pushes;
  for (int i = 0; i < kConcurrentPushes; ++i) {
    pushes.push_back(std::make_unique<Subprocess>(
        IpclabArgv({"results", "push", Path("run-" + std::to_string(i) + ".json"), "--to", db}),
        environment_));
  }
  // And real runs storing into another fresh database, all at once.
  const std::string runs_db = Path("fresh-runs/results.db");
  std::vector<std::unique_ptr<Subprocess>> runs;
  for (int i = 0; i < kConcurrentRuns; ++i) {
    std::vector<std::string> args = kQuickPipe;
    args.insert(args.end(), {"--db", runs_db, "--quiet"});
    runs.push_back(std::make_unique<Subprocess>(IpclabArgv(args), environment_));
  }
  int failed = 0;
  for (auto& push : pushes) {
    ProcessResult result = push->Wait(std::chrono::seconds(240));
    if (result.exit_code != 0) {
      ++failed;
      ADD_FAILURE() << "push exit " << result.exit_code << ": " << result.err;
    }
  }
  for (auto& one : runs) {
    ProcessResult result = one->Wait(std::chrono::seconds(240));
    if (result.exit_code != 0) {
      ++failed;
      ADD_FAILURE() << "run exit " << result.exit_code << ": " << result.err;
    }
  }
  RecordProperty("failed_processes", failed);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(StoredRuns(db), kConcurrentPushes);
  EXPECT_EQ(StoredRuns(runs_db), kConcurrentRuns);
}

TEST_F(StoreIntegrationTest, ReadOnlyFileSystemIsReadableAndRefusesARunBeforeItRuns) {
  ProcessResult result = OnPrivateTmpfsWithOneRun(
      "8m",
      absl::StrCat("mount -o remount,ro \"$3\" || exit 77\n"
                   "\"$1\" results list --db \"$3/results.db\" --format json > \"$3.list\"\n"
                   "echo \"list=$?\"\n",
                   QuickPipeIntoMountedDb("--format json", "> \"$3.run\" 2> \"$3.err\"", "run")));
  if (result.exit_code == 77) GTEST_SKIP() << "cannot mount a tmpfs here: " << result.err;
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  // Reading works (the run pushed before the remount is listed) ...
  EXPECT_THAT(result.out, HasSubstr("list=0"));
  EXPECT_THAT(Read(Path("mnt.list")), HasSubstr("runId"));
  // ... and a run is refused at once, saying why, with nothing run or printed.
  EXPECT_THAT(result.out, HasSubstr("run=2"));
  const std::string err = Read(Path("mnt.err"));
  EXPECT_THAT(err, HasSubstr("read-only file system"));
  EXPECT_THAT(err, Not(HasSubstr("not an ipclab results database")));
  EXPECT_THAT(Read(Path("mnt.run")), IsEmpty());
}

TEST_F(StoreIntegrationTest, FullFileSystemRefusesARunBeforeItRunsAndTakesItOnceThereIsRoom) {
  ProcessResult result = OnPrivateTmpfsWithOneRun(
      "4m",
      absl::StrCat("dd if=/dev/zero of=\"$3/filler\" bs=64k 2>/dev/null\n",
                   QuickPipeIntoMountedDb("--format json", "> \"$3.run\" 2> \"$3.err\"", "full"),
                   "rm \"$3/filler\"\n",
                   QuickPipeIntoMountedDb("--quiet", ">/dev/null 2> \"$3.err2\"", "room")));
  if (result.exit_code == 77) GTEST_SKIP() << "cannot mount a tmpfs here: " << result.err;
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("full=2"));
  EXPECT_THAT(Read(Path("mnt.err")), HasSubstr("file system is full"));
  EXPECT_THAT(Read(Path("mnt.run")), IsEmpty());
  EXPECT_THAT(result.out, HasSubstr("room=0")) << Read(Path("mnt.err2"));
}

}  // namespace
}  // namespace ipclab::testing
