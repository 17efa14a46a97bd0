// Every SQL text of the PostgreSQL backend, in one place: the schema as the
// same ordered migrations as SQLite's (store_schema.h; version N is what
// migrations 1..N leave, a shipped migration never changes) and the
// statements the store runs. Column types differ from SQLite's only where
// PostgreSQL needs them to (BIGINT, DOUBLE PRECISION, BYTEA).
//
// The version lives in the table ipclab_schema (application id, version),
// in the connection's current schema, like the tables; PostgresResultStore
// applies the missing migrations in one transaction holding
// pg_advisory_xact_lock(kStoreApplicationId), so clients starting at once
// migrate it once.
#ifndef IPCLAB_RESULTS_STORE_POSTGRES_SCHEMA_H_
#define IPCLAB_RESULTS_STORE_POSTGRES_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "results/store/postgres_sql.h"
#include "results/store/run_filter.h"
#include "results/store/store_rows.h"

namespace ipclab::results::postgres_schema {

// The tables of the current schema (up to 6 names) and whether
// ipclab_schema is one: one row (has_version_table, names).
extern const char kInspect[];
// One row (application_id, version); run inside the migration lock too.
extern const char kReadVersion[];
// Takes the migration lock for the rest of the transaction.
extern const char kLockMigrations[];
extern const char kCreateVersionTable[];

// Applies migrations after `from_version` up to `to_version` on
// `connection`, inside the caller's transaction, and records the version.
absl::Status Migrate(const pg::Connection& connection, int from_version, int to_version);

// Statements of ResultStore; the parameters in order.
extern const char kInsertRun[];        // the 15 columns of `runs`
extern const char kInsertRunResult[];  // run_id, bytes
extern const char kResolveId[];        // id or prefix; up to 6 ids
extern const char kLoadResult[];       // run_id -> bytes
extern const char kTagsOf[];           // run_id -> key, value

// "INSERT INTO <table> VALUES ($1, ...), (...)" for `rows` rows of
// `columns`: run_tags (3 columns), cases (6), case_params (4).
std::string InsertRows(absl::string_view table, int columns, int rows);

// The `repetitions` rows of run `run_id`, a few statements for many rows.
absl::Status InsertRepetitions(const pg::Connection& connection, const std::string& run_id,
                               const std::vector<schema::RepetitionRow>& rows);

// The listing query for `filter` and its parameters.
std::string ListQuery(const RunFilter& filter, pg::Params* params);

}  // namespace ipclab::results::postgres_schema

#endif  // IPCLAB_RESULTS_STORE_POSTGRES_SCHEMA_H_
