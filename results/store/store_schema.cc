#include "results/store/store_schema.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "results/model/case_metrics.h"
#include "results/model/phases.h"
#include "results/store/migration_2.h"
#include "results/store/store.h"
#include "results/store/store_rows.h"
#include "results/store/store_sql.h"

namespace ipclab::results::schema {
namespace {

constexpr char kVersion1Template[] = R"sql(
CREATE TABLE runs (
  run_id           TEXT PRIMARY KEY,
  workload         TEXT NOT NULL,
  status           TEXT NOT NULL,
  started_at_us    $INTEGER NOT NULL,
  finished_at_us   $INTEGER NOT NULL,
  stored_at_us     $INTEGER NOT NULL,
  label            TEXT NOT NULL,
  server           TEXT NOT NULL,
  hostname         TEXT NOT NULL,
  kernel_release   TEXT NOT NULL,
  thp_enabled      TEXT NOT NULL,
  cpu_model        TEXT NOT NULL,
  cpu_count        $INTEGER NOT NULL,
  case_count       $INTEGER NOT NULL,
  repetition_count $INTEGER NOT NULL,
  result           $BLOB NOT NULL  -- ipclab.v1.RunResult, binary proto (moved in 3)
);
CREATE INDEX runs_by_start ON runs (started_at_us);
CREATE INDEX runs_by_workload ON runs (workload, started_at_us);
CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_tags_by_value ON run_tags (key, value);
CREATE TABLE cases (
  run_id     TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  case_index $INTEGER NOT NULL,
  name       TEXT NOT NULL,
  status     TEXT NOT NULL,
  error      TEXT NOT NULL,
  verdict    TEXT NOT NULL,  -- the expectations' overall verdict
  PRIMARY KEY (run_id, case_index)
);
CREATE TABLE case_params (
  run_id     TEXT NOT NULL,
  case_index $INTEGER NOT NULL,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (run_id, case_index, name),
  FOREIGN KEY (run_id, case_index) REFERENCES cases (run_id, case_index) ON DELETE CASCADE
);
)sql";

// The bytes out of `runs`: a row of `runs` is then a few hundred bytes, and
// listing 10,000 runs reads 1 MB instead of 300.
constexpr char kVersion3Template[] = R"sql(
CREATE TABLE run_results (
  run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  result $BLOB NOT NULL  -- ipclab.v1.RunResult, binary proto
);
INSERT INTO run_results SELECT run_id, result FROM runs;
ALTER TABLE runs DROP COLUMN result;
)sql";

std::string WithTypes(absl::string_view sql, const ColumnTypes& types) {
  return absl::StrReplaceAll(sql, {{"$INTEGER", types.integer}, {"$BLOB", types.bytes}});
}

absl::Status ApplyVersion1(sqlite3* db) {
  return sql::Exec(db, Version1Sql(kSqliteTypes), "creating schema 1");
}

}  // namespace

std::string Version1Sql(const ColumnTypes& types) { return WithTypes(kVersion1Template, types); }

std::string Version3Sql(const ColumnTypes& types) { return WithTypes(kVersion3Template, types); }

absl::Status ApplyVersion3(sqlite3* db) {
  return sql::Exec(db, Version3Sql(kSqliteTypes), "creating schema 3");
}

const std::vector<Migration>& Migrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {1, "runs, tags, cases and parameters", ApplyVersion1},
      {2, "per-repetition metrics", ApplyVersion2},
      {3, "run results in a table of their own", ApplyVersion3},
  };
  return *kMigrations;
}

absl::Status Migrate(sqlite3* db, int from_version, int to_version) {
  for (const Migration& migration : Migrations()) {
    if (migration.version <= from_version || migration.version > to_version) continue;
    IPCLAB_RETURN_IF_ERROR(migration.apply(db));
  }
  return sql::Exec(db,
                   absl::StrCat("PRAGMA application_id = ", kStoreApplicationId,
                                "; PRAGMA user_version = ", to_version, ";"),
                   "setting the schema version");
}

absl::Status InsertCaseRows(sqlite3* db, const v1::RunResult& run) {
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement case_row,
      sql::Statement::Prepare(db, "INSERT INTO cases VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement param_row,
      sql::Statement::Prepare(db, "INSERT INTO case_params VALUES (?1, ?2, ?3, ?4)"));
  for (int index = 0; index < run.cases_size(); ++index) {
    const v1::CaseResult& result = run.cases(index);
    case_row.Reset();
    case_row.Bind(1, run.run_id())
        .Bind(2, int64_t{index})
        .Bind(3, result.case_().name())
        .Bind(4, v1::RunStatus_Name(result.status()))
        .Bind(5, result.error())
        .Bind(6, v1::Verdict_Name(result.verdict()));
    IPCLAB_RETURN_IF_ERROR(case_row.Run("storing a case"));
    for (const auto& [name, value] : result.case_().params()) {
      param_row.Reset();
      param_row.Bind(1, run.run_id()).Bind(2, int64_t{index}).Bind(3, name).Bind(4, value);
      IPCLAB_RETURN_IF_ERROR(param_row.Run("storing a case parameter"));
    }
  }
  return absl::OkStatus();
}

absl::Status InsertRepetitionRows(sqlite3* db, const v1::RunResult& run) {
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement statement,
      sql::Statement::Prepare(
          db, "INSERT INTO repetitions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  for (const RepetitionRow& row : RepetitionRows(run)) {
    statement.Reset();
    statement.Bind(1, run.run_id())
        .Bind(2, int64_t{row.case_index})
        .Bind(3, int64_t{row.repetition})
        .Bind(4, row.headline_phase);
    if (row.wall_ns.has_value()) statement.Bind(5, *row.wall_ns);
    for (int k = 0; k < 5; ++k) {
      if (row.metrics[k].has_value()) statement.Bind(6 + k, *row.metrics[k]);
    }
    IPCLAB_RETURN_IF_ERROR(statement.Run("storing a repetition"));
  }
  return absl::OkStatus();
}

}  // namespace ipclab::results::schema
