// The first use of a fresh SQLite store by many connections at once (CI
// jobs starting together, issue 10): every one opens, migrates if it comes
// first, and saves its run. Threads here (one connection each) start at
// the same instant, which hits the moments processes only rarely meet:
// the switch to WAL and the commit of the schema while others read the
// database's identity.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "gtest/gtest.h"
#include "results/store/store.h"
#include "results/testing/sqlite_rows.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using testing::StoredRuns;

constexpr int kConnections = 24;
constexpr int kFreshDatabases = 25;

TEST(SqliteFirstUse, ConnectionsStartingTogetherOnAFreshFileAllOpenAndSave) {
  char dir_template[] = "/tmp/ipclab-first-use-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  testing::SyntheticCase c;
  c.params = {{"message_size", "64KiB"}};
  c.throughput = {1e9};
  std::atomic<int> failures{0};
  std::string first_failure;
  std::atomic<bool> noted{false};
  for (int round = 0; round < kFreshDatabases; ++round) {
    const std::string path = absl::StrCat(dir, "/fresh-", round, ".db");
    absl::Barrier* start = new absl::Barrier(kConnections);
    std::vector<std::thread> threads;
    for (int i = 0; i < kConnections; ++i) {
      threads.emplace_back([&, i] {
        const v1::RunResult run = testing::MakeSyntheticRun(absl::StrCat("r", round, "-", i),
                                                            "pipe", {c}, testing::SyntheticHost());
        if (start->Block()) delete start;
        absl::Status status;
        absl::StatusOr<std::unique_ptr<ResultStore>> store =
            ResultStore::Open(path, ResultStore::Mode::kCreate);
        status = store.ok() ? (*store)->Save(run, {}) : store.status();
        if (!status.ok()) {
          ++failures;
          if (!noted.exchange(true)) first_failure = status.ToString();
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(StoredRuns(path), kConnections) << path;
  }
  EXPECT_EQ(failures.load(), 0) << "first failure: " << first_failure;
  RecordProperty("failed_connections", failures.load());
  for (int round = 0; round < kFreshDatabases; ++round) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      ::unlink(absl::StrCat(dir, "/fresh-", round, ".db", suffix).c_str());
    }
  }
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace ipclab::results
