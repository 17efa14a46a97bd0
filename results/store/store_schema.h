// The store's schema as an ordered list of migrations: version N is what
// migrations 1..N leave. A new ipclab adds a migration at the end and never
// edits a shipped one; ResultStore::Open applies the missing ones in one
// transaction and sets PRAGMA user_version.
//
//   1  runs (one row per run: the columns to filter and list by, and the
//      RunResult proto bytes), run_tags, cases, case_params
//   2  repetitions: the metrics of case_metrics.h per measured repetition,
//      filled for the runs already stored (decoded from their bytes)
//   3  run_results: the proto bytes move out of runs (listing reads less)
#ifndef IPCLAB_RESULTS_STORE_STORE_SCHEMA_H_
#define IPCLAB_RESULTS_STORE_STORE_SCHEMA_H_

#include <sqlite3.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results::schema {

struct Migration {
  int version;  // what user_version becomes
  const char* description;
  absl::Status (*apply)(sqlite3* db);
};

// Schema versions 1 and 3 are the same SQL in SQLite and in PostgreSQL
// (postgres_schema.h) but for the names of two column types.
struct ColumnTypes {
  const char* integer;  // a 64-bit integer column
  const char* bytes;    // a column of bytes (the RunResult proto)
};
inline constexpr ColumnTypes kSqliteTypes = {"INTEGER", "BLOB"};
std::string Version1Sql(const ColumnTypes& types);
std::string Version3Sql(const ColumnTypes& types);

// In order, version 1 first.
const std::vector<Migration>& Migrations();

// Applies migrations after `from_version` up to `to_version` (inside the
// caller's transaction) and sets application_id and user_version.
absl::Status Migrate(sqlite3* db, int from_version, int to_version);

// The rows of cases, case_params and (from version 2) repetitions for one
// run whose `runs` row exists.
absl::Status InsertCaseRows(sqlite3* db, const v1::RunResult& run);
absl::Status InsertRepetitionRows(sqlite3* db, const v1::RunResult& run);

}  // namespace ipclab::results::schema

#endif  // IPCLAB_RESULTS_STORE_STORE_SCHEMA_H_
