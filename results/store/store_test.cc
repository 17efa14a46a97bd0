// The store's contract on both backends - an SQLite file in a temporary
// directory and a database on a private PostgreSQL server - round trips,
// filters, id prefixes, one transaction per run; then what only SQLite
// files have: migrations and refusing files that are not ipclab databases
// without changing a byte of them (PostgreSQL's: postgres_store_test.cc).
#include "results/store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "results/store/postgres_sql.h"
#include "results/store/store_schema.h"
#include "results/testing/postgres_server.h"
#include "results/testing/synthetic_runs.h"
#include "tests/testing/subprocess.h"

namespace ipclab::results {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(directory_.empty()) << "no temporary directory";
    path_ = directory_ + "/nested/dir/results.db";
  }

  std::unique_ptr<ResultStore> Create() {
    auto store = ResultStore::Open(path_, ResultStore::Mode::kCreate);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  static v1::RunResult Run(const std::string& id, const std::string& workload, int minutes,
                           const std::string& label = "") {
    testing::SyntheticCase c;
    c.params = {{"message_size", "64KiB"}};
    c.throughput = {1e9, 1.1e9, 0.9e9};
    c.p99_ns = {8000, 8100, 7900};
    v1::RunResult run =
        testing::MakeSyntheticRun(id, workload, {c}, testing::SyntheticHost(), minutes);
    run.mutable_request()->set_label(label);
    return run;
  }

  std::string WriteFile(const std::string& name, const std::string& bytes) {
    const std::string path = directory_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  const ipclab::testing::TempDir temp_;
  const std::string& directory_ = temp_.path();
  std::string path_;
};

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// The same tests on both backends: what compare, gate, report and the
// results commands rely on.
class StoreContractTest : public StoreTest, public ::testing::WithParamInterface<Backend> {
 protected:
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    StoreTest::SetUp();
    if (GetParam() == Backend::kSqlite) {
      location_ = path_;
      return;
    }
    if (server_ == nullptr) {
      auto server = testing::PostgresServer::Start();
      ASSERT_TRUE(server.ok()) << server.status();
      server_ = *std::move(server);
    }
    auto uri = server_->CreateDatabase("contract_" + std::to_string(++databases_));
    ASSERT_TRUE(uri.ok()) << uri.status();
    location_ = *uri;
  }

  std::unique_ptr<ResultStore> Create() {
    auto store = OpenResultStore(location_, ResultStore::Mode::kCreate);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Makes every insert of a repetition of run `run_id` fail (the last rows
  // a save writes).
  void RefuseRepetitionsOf(const std::string& run_id) {
    if (GetParam() == Backend::kSqlite) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
      const std::string trigger =
          "CREATE TRIGGER refuse BEFORE INSERT ON repetitions WHEN "
          "NEW.run_id = '" +
          run_id + "' BEGIN SELECT RAISE(ABORT, 'no'); END";
      ASSERT_EQ(sqlite3_exec(db, trigger.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
      sqlite3_close(db);
      return;
    }
    auto connection = pg::Connection::Open(location_);
    ASSERT_TRUE(connection.ok()) << connection.status();
    ASSERT_TRUE(connection
                    ->Exec("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           "BEGIN IF NEW.run_id = '" +
                               run_id +
                               "' THEN RAISE EXCEPTION 'no'; END IF; RETURN NEW; END $$; "
                               "CREATE TRIGGER refuse BEFORE INSERT ON repetitions FOR EACH ROW "
                               "EXECUTE FUNCTION refuse()",
                           "creating a trigger")
                    .ok());
  }

  static std::unique_ptr<testing::PostgresServer> server_;
  static int databases_;
  std::string location_;
};

std::unique_ptr<testing::PostgresServer> StoreContractTest::server_;
int StoreContractTest::databases_ = 0;

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

TEST_P(StoreContractTest, SavesAndLoadsEveryByte) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const v1::RunResult run = Run("0123456789abcdef", "pipe", 0, "nightly");
  ASSERT_TRUE(store->Save(run, {{"commit", "abc123"}, {"branch", "main"}}).ok());
  absl::StatusOr<v1::RunResult> loaded = store->Load("0123456789abcdef");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*loaded, run));
  EXPECT_THAT(*store->TagsOf("0123456789abcdef"),
              ElementsAre(std::make_pair("branch", "main"), std::make_pair("commit", "abc123")));
}

TEST_F(StoreTest, CreatesTheDirectoryAndUsesWal) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), kStoreSchemaVersion);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_P(StoreContractTest, ListsNewestFirstWithFilters) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Save(Run("aaaa000000000001", "pipe", 0, "before"), {{"commit", "abc"}}).ok());
  ASSERT_TRUE(store->Save(Run("aaaa000000000002", "shm_posix", 10), {{"commit", "abc"}}).ok());
  ASSERT_TRUE(store->Save(Run("bbbb000000000003", "pipe", 20, "after"), {{"commit", "def"}}).ok());

  auto ids = [&](const std::vector<std::string>& terms) {
    absl::StatusOr<RunFilter> filter =
        ParseRunFilter(terms, absl::FromUnixSeconds(1714557600 + 3600));
    EXPECT_TRUE(filter.ok()) << filter.status();
    absl::StatusOr<std::vector<StoredRun>> runs = store->List(*filter);
    EXPECT_TRUE(runs.ok()) << runs.status();
    std::vector<std::string> result;
    for (const StoredRun& run : *runs) result.push_back(run.run_id);
    return result;
  };
  EXPECT_THAT(ids({}), ElementsAre("bbbb000000000003", "aaaa000000000002", "aaaa000000000001"));
  EXPECT_THAT(ids({"workload=pipe"}), ElementsAre("bbbb000000000003", "aaaa000000000001"));
  EXPECT_THAT(ids({"tag:commit=abc"}), ElementsAre("aaaa000000000002", "aaaa000000000001"));
  EXPECT_THAT(ids({"tag:commit=abc", "workload=pipe"}), ElementsAre("aaaa000000000001"));
  EXPECT_THAT(ids({"label=after"}), ElementsAre("bbbb000000000003"));
  EXPECT_THAT(ids({"since=2024-05-01T10:10:00Z"}),
              ElementsAre("bbbb000000000003", "aaaa000000000002"));
  EXPECT_THAT(ids({"since=45m"}), ElementsAre("bbbb000000000003"));  // 60 min after the first
  EXPECT_THAT(ids({"status=succeeded"}).size(), 3u);
  EXPECT_THAT(ids({"tag:commit=zzz"}), IsEmpty());

  RunFilter newest;
  newest.limit = 1;
  absl::StatusOr<std::vector<StoredRun>> one = store->List(newest);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  const StoredRun& run = one->front();
  EXPECT_EQ(run.workload, "pipe");
  EXPECT_EQ(run.status, "SUCCEEDED");
  EXPECT_EQ(run.label, "after");
  EXPECT_EQ(run.hostname, "lab1");
  EXPECT_EQ(run.case_count, 1);
  EXPECT_EQ(run.repetitions, 3);
  EXPECT_EQ(run.started_at_us, (1714557600LL + 20 * 60) * 1000000);
  EXPECT_THAT(run.tags, ElementsAre(std::make_pair("commit", "def")));
}

TEST_P(StoreContractTest, ResolvesUniquePrefixes) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Save(Run("aaaa000000000001", "pipe", 0), {}).ok());
  ASSERT_TRUE(store->Save(Run("aaaa000000000002", "pipe", 1), {}).ok());
  ASSERT_TRUE(store->Save(Run("bbbb000000000003", "pipe", 2), {}).ok());
  EXPECT_EQ(*store->ResolveId("bbbb"), "bbbb000000000003");
  EXPECT_EQ(*store->ResolveId("aaaa000000000002"), "aaaa000000000002");
  absl::StatusOr<std::string> ambiguous = store->ResolveId("aaaa");
  EXPECT_TRUE(absl::IsInvalidArgument(ambiguous.status()));
  EXPECT_THAT(std::string(ambiguous.status().message()), HasSubstr("aaaa000000000001"));
  absl::StatusOr<std::string> missing = store->ResolveId("cccc");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("no stored run with id \"cccc\""));
  absl::StatusOr<v1::RunResult> latest = store->LoadLatestWithTag("commit", "none");
  EXPECT_TRUE(absl::IsNotFound(latest.status()));
}

TEST_P(StoreContractTest, LatestWithTag) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Save(Run("aaaa000000000001", "pipe", 0), {{"commit", "abc"}}).ok());
  ASSERT_TRUE(store->Save(Run("aaaa000000000002", "pipe", 5), {{"commit", "abc"}}).ok());
  ASSERT_TRUE(store->Save(Run("aaaa000000000003", "pipe", 9), {{"commit", "def"}}).ok());
  EXPECT_EQ(store->LoadLatestWithTag("commit", "abc")->run_id(), "aaaa000000000002");
}

TEST_P(StoreContractTest, ARunIsStoredOnceAndWhole) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const v1::RunResult run = Run("aaaa000000000001", "pipe", 0);
  ASSERT_TRUE(store->Save(run, {{"commit", "abc"}}).ok());
  absl::Status again = store->Save(run, {{"commit", "changed"}});
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_THAT(*store->TagsOf("aaaa000000000001"), ElementsAre(std::make_pair("commit", "abc")));

  // Make the last insert of a save fail: nothing of that run may remain.
  RefuseRepetitionsOf("bbbb000000000002");
  EXPECT_FALSE(store->Save(Run("bbbb000000000002", "pipe", 1), {{"commit", "x"}}).ok());
  EXPECT_TRUE(absl::IsNotFound(store->ResolveId("bbbb").status()));
  EXPECT_THAT(*store->TagsOf("bbbb000000000002"), IsEmpty());
  EXPECT_EQ(store->List(RunFilter())->size(), 1u);
  // The connection is still usable after the failed transaction.
  EXPECT_TRUE(store->Save(Run("cccc000000000003", "pipe", 2), {}).ok());
  EXPECT_EQ(store->List(RunFilter())->size(), 2u);
}

TEST_P(StoreContractTest, ReadWriteModeNeedsAnExistingStore) {
  auto store = OpenResultStore(location_, ResultStore::Mode::kReadWrite);
  EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
  auto created = OpenResultStore(location_, ResultStore::Mode::kCreate);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(OpenResultStore(location_, ResultStore::Mode::kReadWrite).ok());
}

TEST_F(StoreTest, ReadWriteModeNeedsAnExistingFile) {
  auto store = ResultStore::Open(path_, ResultStore::Mode::kReadWrite);
  EXPECT_TRUE(absl::IsNotFound(store.status()));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("no results database"));
  struct stat info;
  EXPECT_NE(stat(path_.c_str(), &info), 0) << "must not create it";
}

TEST_F(StoreTest, RefusesATextFileWithoutChangingIt) {
  const std::string path = WriteFile("notes.db", "these are my notes, not a database\n");
  const std::string before = Read(path);
  for (ResultStore::Mode mode : {ResultStore::Mode::kReadWrite, ResultStore::Mode::kCreate}) {
    auto store = ResultStore::Open(path, mode);
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
    EXPECT_THAT(std::string(store.status().message()), HasSubstr("not an SQLite file"));
  }
  EXPECT_EQ(Read(path), before);
}

TEST_F(StoreTest, RefusesAnotherProgramsDatabaseWithoutChangingIt) {
  const std::string path = directory_ + "/foreign.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string before = Read(path);
  auto store = ResultStore::Open(path, ResultStore::Mode::kCreate);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("with tables contacts"));
  EXPECT_EQ(Read(path), before);
  struct stat info;
  EXPECT_NE(stat((path + "-wal").c_str(), &info), 0);
}

TEST_F(StoreTest, RefusesACorruptDatabaseWithoutChangingIt) {
  {
    auto store = Create();
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(store->Save(Run("run" + std::to_string(1000 + i), "pipe", i), {}).ok());
    }
  }
  // Keep the header page, overwrite the rest with garbage.
  std::string bytes = Read(path_);
  ASSERT_GT(bytes.size(), 8192u);
  for (size_t i = 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 % 251);
  const std::string path = WriteFile("corrupt.db", bytes);
  auto store = ResultStore::Open(path, ResultStore::Mode::kReadWrite);
  if (store.ok()) {  // the header page may still read; the runs must not
    absl::StatusOr<std::vector<StoredRun>> runs = (*store)->List(RunFilter());
    EXPECT_TRUE(absl::IsFailedPrecondition(runs.status())) << runs.status();
    EXPECT_FALSE((*store)->Load("run1000").ok());
    store->reset();
  } else {
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  }
  EXPECT_EQ(Read(path), bytes);
}

TEST_F(StoreTest, RefusesANewerSchema) {
  { ASSERT_NE(Create(), nullptr); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = ResultStore::Open(path_, ResultStore::Mode::kReadWrite);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status()));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("newer ipclab"));
}

TEST_F(StoreTest, MigratesVersionOneToTheLatest) {
  // A database as version 1 left it, with one run stored by hand.
  ASSERT_EQ(mkdir((directory_ + "/nested").c_str(), 0700), 0);
  ASSERT_EQ(mkdir((directory_ + "/nested/dir").c_str(), 0700), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(schema::Migrate(db, 0, 1).ok());
  const v1::RunResult run = Run("aaaa000000000001", "pipe", 0);
  std::string bytes;
  ASSERT_TRUE(run.SerializeToString(&bytes));
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "INSERT INTO runs VALUES ('aaaa000000000001', 'pipe', 'SUCCEEDED', "
                               "0, 0, 0, '', '', '', '', '', '', 2, 1, 3, ?1)",
                               -1, &insert, nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(insert, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
  sqlite3_finalize(insert);
  ASSERT_TRUE(schema::InsertCaseRows(db, run).ok());
  sqlite3_close(db);

  auto store = ResultStore::Open(path_, ResultStore::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->Load("aaaa").ok());
  store->reset();
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* query = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db,
                         "SELECT count(*), min(latency_p99_ns), max(throughput_bytes_per_sec) "
                         "FROM repetitions",
                         -1, &query, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(query), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(query, 0), 3);
  EXPECT_DOUBLE_EQ(sqlite3_column_double(query, 1), 7900);
  EXPECT_DOUBLE_EQ(sqlite3_column_double(query, 2), 1.1e9);
  sqlite3_finalize(query);
  // Version 3 moved the bytes out of `runs`.
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'result'",
                         -1, &query, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(query), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(query, 0), 0);
  sqlite3_finalize(query);
  sqlite3_close(db);
}

TEST(ParseRunFilter, RejectsMalformedTerms) {
  const absl::Time now = absl::FromUnixSeconds(1714557600);
  EXPECT_FALSE(ParseRunFilter({"colour=blue"}, now).ok());
  EXPECT_FALSE(ParseRunFilter({"since=yesterday"}, now).ok());
  EXPECT_FALSE(ParseRunFilter({"tag:=x"}, now).ok());
  EXPECT_FALSE(ParseRunFilter({"workload"}, now).ok());
  absl::StatusOr<RunFilter> filter = ParseRunFilter({"since=2024-05-01", "status=failed"}, now);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(*filter->since_us, 1714521600LL * 1000000);
  EXPECT_EQ(filter->status, "FAILED");
  EXPECT_EQ(*ParseRunFilter({"since=2h"}, now)->since_us, (1714557600LL - 7200) * 1000000);
}

TEST(ParseTag, KeyEqualsValue) {
  EXPECT_EQ(*ParseTag("commit=abc123"),
            std::make_pair(std::string("commit"), std::string("abc123")));
  EXPECT_EQ(*ParseTag("note="), std::make_pair(std::string("note"), std::string("")));
  EXPECT_EQ(ParseTag("ci/job=a=b")->second, "a=b");
  EXPECT_FALSE(ParseTag("commit").ok());
  EXPECT_FALSE(ParseTag("=abc").ok());
  EXPECT_FALSE(ParseTag("my key=abc").ok());
}

TEST(DefaultStorePath, FollowsXdgDataHome) {
  const char* saved_xdg = getenv("XDG_DATA_HOME");
  const std::string xdg = saved_xdg != nullptr ? saved_xdg : "";
  setenv("XDG_DATA_HOME", "/data/me", 1);
  EXPECT_EQ(*DefaultStorePath(), "/data/me/ipclab/results.db");
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", getenv("HOME") != nullptr ? getenv("HOME") : "/root", 1);
  EXPECT_EQ(*DefaultStorePath(), std::string(getenv("HOME")) + "/.local/share/ipclab/results.db");
  if (saved_xdg != nullptr) setenv("XDG_DATA_HOME", xdg.c_str(), 1);
}

}  // namespace
}  // namespace ipclab::results
