// What only the PostgreSQL backend has to show, on a private real server
// (results/testing/postgres_server.h): migrating an older schema, many
// clients migrating a fresh database at once, a server killed in the middle
// of a save, refusing another program's tables or a newer schema, and never
// showing a password. The contract both backends share is in store_test.cc.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "results/store/postgres_schema.h"
#include "results/store/postgres_sql.h"
#include "results/store/postgres_store.h"
#include "results/store/store.h"
#include "results/testing/postgres_server.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using ::testing::HasSubstr;
using testing::MakeSyntheticRun;
using ::testing::Not;
using testing::SyntheticCase;

v1::RunResult PipeRun(const std::string& id, int minutes) {
  SyntheticCase c;
  c.params = {{"message_size", "64KiB"}};
  c.throughput = {1e9, 1.1e9, 0.9e9};
  c.p99_ns = {8000, 8100, 7900};
  return MakeSyntheticRun(id, "pipe", {c}, testing::SyntheticHost(), minutes);
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto uri = server_->CreateDatabase("results");
    ASSERT_TRUE(uri.ok()) << uri.status();
    uri_ = *uri;
  }

  pg::Connection Connect() {
    auto connection = pg::Connection::Open(uri_);
    EXPECT_TRUE(connection.ok()) << connection.status();
    return *std::move(connection);
  }

  int64_t Count(const pg::Connection& connection, const std::string& query) {
    auto rows = connection.Query(query, pg::Params(), "counting");
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && rows->rows() == 1 ? rows->Int(0, 0) : -1;
  }

  std::unique_ptr<testing::PostgresServer> server_;
  std::string uri_;
};

TEST_F(PostgresStoreTest, MigratesVersionOneToTheLatest) {
  // A database as version 1 left it, with one run stored by hand.
  {
    pg::Connection connection = Connect();
    ASSERT_TRUE(postgres_schema::Migrate(connection, 0, 1).ok());
    const v1::RunResult run = PipeRun("aaaa000000000001", 0);
    std::string bytes;
    ASSERT_TRUE(run.SerializeToString(&bytes));
    pg::Params row;
    row.Bytes(bytes);
    ASSERT_TRUE(connection
                    .Query("INSERT INTO runs VALUES ('aaaa000000000001', 'pipe', 'SUCCEEDED', 0, "
                           "0, 0, '', '', '', '', '', '', 2, 1, 3, $1)",
                           row, "storing a version 1 run")
                    .ok());
    ASSERT_TRUE(connection
                    .Exec("INSERT INTO cases VALUES ('aaaa000000000001', 0, "
                          "'message_size=64KiB', 'SUCCEEDED', '', 'MATCHED')",
                          "storing a case")
                    .ok());
  }
  auto store = OpenResultStore(uri_, ResultStore::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->Load("aaaa").ok());
  pg::Connection connection = Connect();
  EXPECT_EQ(Count(connection, "SELECT version FROM ipclab_schema"), kStoreSchemaVersion);
  EXPECT_EQ(Count(connection, "SELECT count(*) FROM repetitions"), 3);
  auto values = connection.Query(
      "SELECT min(latency_p99_ns)::text, max(throughput_bytes_per_sec)::text FROM repetitions",
      pg::Params(), "reading");
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_DOUBLE_EQ(std::stod(values->Text(0, 0)), 7900);
  EXPECT_DOUBLE_EQ(std::stod(values->Text(0, 1)), 1.1e9);
  // Version 3 moved the bytes out of `runs`.
  EXPECT_EQ(Count(connection,
                  "SELECT count(*) FROM information_schema.columns WHERE table_name = 'runs' "
                  "AND column_name = 'result'"),
            0);
}

TEST_F(PostgresStoreTest, ClientsStartingAtOnceMigrateOnce) {
  constexpr int kClients = 12;
  std::vector<std::thread> clients;
  std::vector<absl::Status> outcomes(kClients);
  std::atomic<bool> go{false};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto store = OpenResultStore(uri_, ResultStore::Mode::kCreate);
      outcomes[i] = store.ok() ? (*store)->Save(PipeRun("run" + std::to_string(100 + i), i), {})
                               : store.status();
    });
  }
  go = true;
  for (std::thread& client : clients) client.join();
  for (const absl::Status& outcome : outcomes) EXPECT_TRUE(outcome.ok()) << outcome;
  pg::Connection connection = Connect();
  EXPECT_EQ(Count(connection, "SELECT count(*) FROM ipclab_schema"), 1);
  EXPECT_EQ(Count(connection, "SELECT count(*) FROM runs"), kClients);
  EXPECT_EQ(Count(connection, "SELECT count(*) FROM repetitions"), kClients * 3);
}

TEST_F(PostgresStoreTest, AServerKilledMidSaveLeavesNoHalfRun) {
  {
    auto store = OpenResultStore(uri_, ResultStore::Mode::kCreate);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Save(PipeRun("aaaa000000000001", 0), {{"commit", "abc"}}).ok());
  }
  // The save of run bbbb... stops in its last statement, after the run's
  // row, its result, tags and cases were written in its transaction.
  pg::Connection admin = Connect();
  ASSERT_TRUE(admin
                  .Exec("CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        "IF NEW.run_id = 'bbbb000000000002' THEN PERFORM pg_sleep(60); END IF; "
                        "RETURN NEW; END $$; CREATE TRIGGER stall BEFORE INSERT ON repetitions "
                        "FOR EACH ROW EXECUTE FUNCTION stall()",
                        "creating a trigger")
                  .ok());
  auto store = OpenResultStore(uri_, ResultStore::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Status saved;
  std::thread writer([&] {
    saved = (*store)->Save(PipeRun("bbbb000000000002", 1), {{"commit", "def"}});
  });
  bool stalled = false;
  for (int i = 0; i < 300 && !stalled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stalled = Count(admin,
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND "
                    "query LIKE 'INSERT INTO repetitions%'") == 1;
  }
  EXPECT_TRUE(stalled) << "the save never reached its last statement";
  ASSERT_TRUE(server_->Stop(/*immediate=*/true).ok());
  writer.join();
  EXPECT_TRUE(absl::IsUnavailable(saved)) << saved;
  store->reset();

  ASSERT_TRUE(server_->Restart().ok());
  pg::Connection connection = Connect();
  for (const char* table :
       {"runs", "run_results", "run_tags", "cases", "case_params", "repetitions"}) {
    EXPECT_EQ(Count(connection, std::string("SELECT count(*) FROM ") + table +
                                    " WHERE run_id = 'bbbb000000000002'"),
              0)
        << table;
    EXPECT_GT(Count(connection, std::string("SELECT count(*) FROM ") + table +
                                    " WHERE run_id = 'aaaa000000000001'"),
              0)
        << table;
  }
  auto reopened = OpenResultStore(uri_, ResultStore::Mode::kReadWrite);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->List(RunFilter())->size(), 1u);
}

TEST_F(PostgresStoreTest, RefusesAnotherProgramsTablesWithoutTouchingThem) {
  pg::Connection connection = Connect();
  ASSERT_TRUE(connection
                  .Exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')",
                        "creating a foreign table")
                  .ok());
  auto store = OpenResultStore(uri_, ResultStore::Mode::kCreate);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("tables: contacts"));
  EXPECT_EQ(Count(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"),
            1);
}

TEST_F(PostgresStoreTest, RefusesANewerSchema) {
  { ASSERT_TRUE(OpenResultStore(uri_, ResultStore::Mode::kCreate).ok()); }
  pg::Connection connection = Connect();
  ASSERT_TRUE(connection.Exec("UPDATE ipclab_schema SET version = 99", "bumping").ok());
  auto store = OpenResultStore(uri_, ResultStore::Mode::kReadWrite);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("newer ipclab"));
  EXPECT_EQ(Count(connection, "SELECT version FROM ipclab_schema"), 99);
}

TEST(PostgresLocation, KeepsThePasswordOutOfMessages) {
  EXPECT_TRUE(IsPostgresLocation("postgresql://db/ipclab"));
  EXPECT_TRUE(IsPostgresLocation("postgres://db/ipclab"));
  EXPECT_FALSE(IsPostgresLocation("/home/me/results.db"));
  EXPECT_EQ(pg::PasswordOf("postgresql://ci:s%40cret@db:5432/ipclab"), "s@cret");
  EXPECT_EQ(pg::PasswordOf("postgresql://ci@db/ipclab?password=hunter2&sslmode=require"),
            "hunter2");
  EXPECT_EQ(pg::PasswordOf("postgresql://ci@db/ipclab"), "");
  EXPECT_EQ(pg::RedactLocation("postgresql://ci:s%40cret@db:5432/ipclab?sslmode=verify-full"),
            "postgresql://ci:***@db:5432/ipclab?sslmode=verify-full");
  EXPECT_EQ(pg::RedactLocation("postgresql://db/x?password=hunter2&user=ci"),
            "postgresql://db/x?password=***&user=ci");
  EXPECT_EQ(pg::RedactSecrets("failed for s@cret and s%40cret", "postgresql://ci:s%40cret@db/x"),
            "failed for *** and ***");
}

TEST(PostgresLocation, AnUnreachableServerIsUnavailableWithoutThePassword) {
  auto store = OpenResultStore("postgresql://ci:s3cr3t@/ipclab?host=/nonexistent-ipclab-dir",
                               ResultStore::Mode::kReadWrite);
  EXPECT_TRUE(absl::IsUnavailable(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("postgresql://ci:***@/ipclab"));
}

}  // namespace
}  // namespace ipclab::results
