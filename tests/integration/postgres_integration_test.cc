// The team store through the real `ipclab` binary against a real PostgreSQL
// server started for each test on a private Unix socket
// (results/testing/postgres_server.h): 16 CLIs pushing at once into a fresh
// database lose no run and store a shared one once, push is idempotent,
// `run --db postgresql://...` and IPCLAB_DB reach every reading command, and
// a password in the URI is warned about and never echoed.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/store/store.h"
#include "results/testing/postgres_server.h"
#include "results/testing/synthetic_runs.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PostgresIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(BinDir().empty()) << "IPCLAB_BIN_DIR is not set (run through ctest)";
    auto server = results::testing::PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto uri = server_->CreateDatabase("team");
    ASSERT_TRUE(uri.ok()) << uri.status();
    uri_ = *uri;
    environment_ = EnvironmentWith(
        {{"TMPDIR", temp_.path()}, {"XDG_DATA_HOME", temp_.path() + "/xdg"}, {"IPCLAB_DB", ""}});
  }

  std::vector<std::string> Argv(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return args;
  }
  ProcessResult Ipclab(std::vector<std::string> args) {
    return RunProcess(Argv(std::move(args)), environment_, std::chrono::seconds(300));
  }

  // An SQLite store at `path` holding `runs` synthetic runs "<prefix>NN",
  // tagged origin=<prefix>, plus `shared` if not empty.
  void FillLocalStore(const std::string& path, const std::string& prefix, int runs,
                      const std::string& shared = "") {
    auto store = results::OpenResultStore(path, results::ResultStore::Mode::kCreate);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < runs; ++i) {
      v1::RunResult run = results::testing::MakeLargeRun(absl::StrCat(prefix, 10 + i), 3, 4, 1.0,
                                                         static_cast<uint64_t>(i + 1));
      ASSERT_TRUE((*store)->Save(run, {{"origin", prefix}}).ok());
    }
    if (!shared.empty()) {
      v1::RunResult run = results::testing::MakeLargeRun(shared, 2, 4, 1.0, 7);
      ASSERT_TRUE((*store)->Save(run, {{"origin", "shared"}}).ok());
    }
  }

  TempDir temp_;
  std::unique_ptr<results::testing::PostgresServer> server_;
  std::string uri_;
  std::vector<std::string> environment_;
};

TEST_F(PostgresIntegrationTest, SixteenConcurrentPushesLoseNoRun) {
  constexpr int kClients = 16;
  constexpr int kRunsEach = 5;
  std::vector<std::string> local(kClients);
  for (int i = 0; i < kClients; ++i) {
    local[i] = absl::StrCat(temp_.path(), "/local", i, ".db");
    FillLocalStore(local[i], absl::StrCat("c", 10 + i, "r"), kRunsEach, "shared0000000001");
  }
  // All at once, into a database nobody has migrated yet.
  std::vector<std::unique_ptr<Subprocess>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Subprocess>(
        Argv({"results", "push", "--to", uri_, "--db", local[i]}), environment_));
  }
  int copied = 0;
  for (auto& client : clients) {
    ProcessResult result = client->Wait(std::chrono::seconds(120));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.out, HasSubstr("already there, skipped"));
    int pushed = 0;
    if (sscanf(result.out.c_str(), "pushed %d", &pushed) == 1) copied += pushed;
  }
  EXPECT_EQ(copied, kClients * kRunsEach + 1);

  auto store = results::OpenResultStore(uri_, results::ResultStore::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status();
  auto listed = (*store)->List(results::RunFilter());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), static_cast<size_t>(kClients * kRunsEach + 1));
  for (const results::StoredRun& run : *listed) {
    EXPECT_EQ(run.repetitions, run.run_id == "shared0000000001" ? 2 * 4 : 3 * 4) << run.run_id;
    ASSERT_EQ(run.tags.size(), 1u);
  }
}

TEST_F(PostgresIntegrationTest, PushIsIdempotentAndKeepsTags) {
  const std::string local = temp_.path() + "/local.db";
  FillLocalStore(local, "abc", 3);
  ProcessResult first = Ipclab({"results", "push", "--to", uri_, "--db", local});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("pushed 3 runs to postgresql:///team"));
  EXPECT_THAT(first.out, HasSubstr("(0 already there, skipped)"));
  FillLocalStore(local, "def", 2);
  ProcessResult second = Ipclab({"results", "push", "--to", uri_, "--db", local});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("pushed 2 runs"));
  EXPECT_THAT(second.out, HasSubstr("(3 already there, skipped)"));
  ProcessResult one = Ipclab({"results", "push", "--to", uri_, "--db", local, "abc10"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("pushed 0 runs"));

  ProcessResult list =
      Ipclab({"results", "list", "--db", uri_, "--filter", "tag:origin=abc", "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("\"abc10\""));
  EXPECT_THAT(list.out, HasSubstr("\"origin\": \"abc\""));
  EXPECT_THAT(list.out, Not(HasSubstr("\"def10\"")));
}

TEST_F(PostgresIntegrationTest, RunStoresThereAndEveryReaderFindsIt) {
  ProcessResult run =
      Ipclab({"run", "pipe", "-p", "total_bytes=1MiB", "-p", "message_size=64KiB", "--repetitions",
              "2", "--warmup", "0", "--db", uri_, "--tag", "commit=abc", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // IPCLAB_DB selects the store where --db is not given.
  environment_ = EnvironmentWith(
      {{"TMPDIR", temp_.path()}, {"XDG_DATA_HOME", temp_.path() + "/xdg"}, {"IPCLAB_DB", uri_}});
  ProcessResult list = Ipclab({"results", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("commit=abc"));
  ProcessResult show = Ipclab({"results", "show", "tag:commit=abc"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("tags commit=abc"));
  ProcessResult compare = Ipclab({"compare", "tag:commit=abc", "tag:commit=abc"});
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  const std::string html = temp_.path() + "/report.html";
  ProcessResult report = Ipclab({"report", "tag:commit=abc", "--html", html});
  ASSERT_EQ(report.exit_code, 0) << report.err;
}

TEST_F(PostgresIntegrationTest, APasswordInTheUriIsWarnedAboutAndNeverEchoed) {
  const std::string uri = "postgresql://ipclab:s3cr3t@/nosuchdb?host=" + server_->directory();
  ProcessResult list = Ipclab({"results", "list", "--db", uri});
  EXPECT_EQ(list.exit_code, 4) << list.err;
  EXPECT_THAT(list.err, HasSubstr("holds a password"));
  EXPECT_THAT(list.err, HasSubstr("postgresql://ipclab:***@/nosuchdb"));
  EXPECT_THAT(list.err + list.out, Not(HasSubstr("s3cr3t")));
}

}  // namespace
}  // namespace ipclab::testing
